package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/install"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
)

// toolNamesTimeout bounds the loading of a profile's tools that install
// does to check their names' length.
const toolNamesTimeout = 10 * time.Second

// InstallOptions are the inputs of `install`.
type InstallOptions struct {
	F       *Factory
	Client  string
	Profile string
	Name    string
	Project bool
	DryRun  bool
	Print   bool
	Force   bool
	// Command is the command the entry runs (--command); "" picks one.
	Command string
	// URL makes the entry a remote one (--url): the client connects to a
	// running "serve --http" instead of starting this program.
	URL string
	// Headers are the names of the headers a remote entry sends (--header).
	Headers []string
	// NamedByURL reports that Name was derived from URL's host (no --name,
	// no --profile).
	NamedByURL bool

	// Executable returns the command to write (default: this binary, by a
	// path that survives upgrades; see install.StablePath).
	Executable func() (string, error)
	// Env locates the clients' files (default: this machine, with f.Getenv).
	Env func() install.Env
	// LookPath finds a command on $PATH (default exec.LookPath).
	LookPath func(string) (string, error)
	// ToolNames returns the names of the tools the profile serves (default:
	// load its description as serve does).
	ToolNames func(ctx context.Context, p profile.Profile) ([]string, error)
	// ToolNamesTimeout bounds ToolNames (default 10 s).
	ToolNamesTimeout time.Duration
	// TempDir is the system's folder for temporary files (default
	// os.TempDir).
	TempDir func() string
}

func newInstallCmd(f *Factory, runF func(*InstallOptions) error) *cobra.Command {
	opts := &InstallOptions{F: f}
	c := &cobra.Command{
		Use:   "install CLIENT",
		Short: "Add this server to an MCP client's configuration",
		Long: fmt.Sprintf(`Add an entry that starts "%[1]s serve --profile P" to an MCP client's configuration.

Clients: %[2]s.

The entry holds the absolute path of this program and the profile name: never
the key, which stays in the OS keyring (run "%[1]s login" first, or after).
The file is merged, not replaced: other servers, settings and comments are
kept, the previous version is saved as <file>.bak (a project's, out of the
project, in the configuration folder's backups), and running the command
twice changes nothing. An entry of that name that serves another profile
is changed only with --force. Updating an entry changes only its command and
the "serve --profile P" arguments: other keys and extra arguments stay.

--project writes the project's file (in the current directory) instead, for
%[3]s.
That file is meant to be committed, so its entry runs "%[1]s" found on
PATH, which works on every machine that has %[1]s installed. --command sets
the command to write in either case.

--url writes a remote entry instead, for a server started elsewhere with
"%[1]s serve --http": the client connects to that URL (Cursor, VS Code,
Claude Code, Windsurf, Gemini CLI). --header NAME adds a header whose value
the client reads from an environment variable (Cursor, Claude Code, Windsurf,
Gemini CLI) or asks for and keeps (VS Code); no secret is written into the
file.`, f.Brand.Name, strings.Join(install.IDs(), ", "), strings.Join(install.ProjectIDs(), ", ")),
		Example: fmt.Sprintf(`  %[1]s install cursor%[2]s
  %[1]s install claude-desktop%[2]s --dry-run
  %[1]s install vscode --project
  %[1]s install cursor --command /usr/local/bin/%[1]s
  %[1]s install cursor --print
  %[1]s install cursor --url https://mcp.example.com/mcp --header Authorization`, f.Brand.Name, exampleProfile(f.Brand)),
		Args:      oneArg(clientArgHint("install", f), ""),
		ValidArgs: install.IDs(),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Client = args[0]
			var err error
			if opts.Name, opts.NamedByURL, err = entryName(c, opts.Name, opts.Profile, opts.URL); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return installRun(c.Context(), opts)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&opts.Profile, "profile", "p", f.Brand.ProfileName(), "profile the client's server uses")
	fl.StringVar(&opts.Name, "name", "", "server name in the client's configuration (default: the profile name; with --url, the URL's host)")
	fl.BoolVar(&opts.Project, "project", false, "write the project's configuration file (in the current directory) instead of the user's")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "show what would change and write nothing")
	fl.BoolVar(&opts.Print, "print", false, "print the configuration snippet and write nothing")
	fl.BoolVar(&opts.Force, "force", false, "replace an entry of the same name that runs another program")
	fl.StringVar(&opts.Command, "command", "", "command the entry runs (default: this program's absolute path; with --project, its name on PATH)")
	fl.StringVar(&opts.URL, "url", "", "write a remote entry that connects to this Streamable HTTP URL (a running serve --http) instead of a command")
	fl.StringArrayVar(&opts.Headers, "header", nil, "with --url: a header the client sends, its value read from an environment variable (repeatable)")
	return c
}

// entryName is the name of the entry install or uninstall c works on:
// --name when given; with --url and no --profile, a name derived from the
// URL's host (byURL); else the profile's name. An empty --name is
// refused rather than taken for none.
func entryName(c *cobra.Command, name, profileName, rawURL string) (_ string, byURL bool, err error) {
	switch {
	case c.Flags().Changed("name") && strings.TrimSpace(name) == "":
		return "", false, FlagErrorf("--name needs a name (letters, digits, - and _); without --name the entry is named after the profile")
	case name != "":
		return name, false, nil
	case rawURL != "" && !c.Flags().Changed("profile"):
		return hostEntryName(rawURL), true, nil
	}
	return profileName, false, nil
}

// hostEntryName names a remote entry after its URL's host: the first label
// that is not www, mcp or api (mcp.acme.com: acme), an IP address whole,
// made of the characters entry names allow ("mcp" when nothing is left).
func hostEntryName(rawURL string) string {
	host := ""
	if u, err := url.Parse(rawURL); err == nil {
		host = strings.ToLower(u.Hostname())
	}
	name := host
	if net.ParseIP(host) == nil {
		name = ""
		for label := range strings.SplitSeq(host, ".") {
			if label != "" && label != "www" && label != "mcp" && label != "api" {
				name = label
				break
			}
		}
	}
	name = strings.Trim(strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_') {
			return r
		}
		return '-'
	}, name), "-")
	if name == "" {
		return "mcp"
	}
	return name
}

// entryCommand is the command an entry runs: command when set (made
// absolute from dir when it is a relative path, since the client starts
// servers in a folder of its own); for a project file (committed, used on
// other machines) the program's name, which the client finds on PATH;
// else this program's absolute path.
func entryCommand(f *Factory, project bool, command, dir string, exe func() (string, error)) (string, error) {
	switch {
	case command != "" && !filepath.IsAbs(command) && strings.ContainsAny(command, "/"+string(filepath.Separator)):
		return filepath.Join(dir, command), nil
	case command != "":
		return command, nil
	case project:
		return f.Brand.Name, nil
	default:
		return exe()
	}
}

// executablePath is this program, preferably by a path that survives
// upgrades (a package manager's link on $PATH rather than the versioned
// file it points to).
func executablePath(f *Factory) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot find this program's path: %w", err)
	}
	var candidates []string
	if strings.ContainsAny(os.Args[0], `/\`) {
		candidates = append(candidates, os.Args[0])
	} else if p, err := exec.LookPath(os.Args[0]); err == nil {
		candidates = append(candidates, p)
	}
	if p, err := exec.LookPath(f.Brand.Name); err == nil {
		candidates = append(candidates, p)
	}
	return install.StablePath(exe, candidates...), nil
}

// backupDir is where the previous version of a project's file goes: out
// of the project (a backup beside the file would be committed with it),
// in the configuration folder's backups; "" (beside the file) for the
// user's files.
func backupDir(f *Factory, project bool) string {
	if !project {
		return ""
	}
	dir, err := f.ConfigDir()
	if err != nil {
		return filepath.Join(os.TempDir(), f.Brand.Name+"-backups")
	}
	return filepath.Join(dir, "backups")
}

func installEnv(f *Factory) install.Env {
	dir, _ := os.Getwd()
	return install.Env{OS: runtime.GOOS, Getenv: f.Getenv, Dir: dir}
}

// toolNames loads the profile's tools as serve would.
func toolNames(ctx context.Context, f *Factory, p profile.Profile) ([]string, error) {
	if p.MCPURL != "" {
		return f.App().RemoteToolNames(ctx, p)
	}
	srv, err := f.App().ListServer(ctx, p)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, t := range srv.Tools() {
		names = append(names, t.Name)
	}
	return names, nil
}

func (o *InstallOptions) defaults() {
	if o.Executable == nil {
		o.Executable = func() (string, error) { return executablePath(o.F) }
	}
	if o.Env == nil {
		o.Env = func() install.Env { return installEnv(o.F) }
	}
	if o.ToolNames == nil {
		o.ToolNames = func(ctx context.Context, p profile.Profile) ([]string, error) { return toolNames(ctx, o.F, p) }
	}
	if o.LookPath == nil {
		o.LookPath = exec.LookPath
	}
	if o.TempDir == nil {
		o.TempDir = os.TempDir
	}
}

// serverEntry builds the entry for a profile and server name.
func serverEntry(profileName, name, command string) (install.Entry, error) {
	if err := simpleProfileName(profileName); err != nil {
		return install.Entry{}, err
	}
	if err := install.ValidName(name); err != nil {
		return install.Entry{}, FlagErrorf("%v: pass --name", err)
	}
	return install.Entry{Name: name, Command: command, Args: []string{"serve", "--profile", profileName}}, nil
}

// remoteEntry builds a remote entry: name, URL and, for each header, the
// environment variable its value comes from (RESTMCP_HEADER_<NAME>).
func remoteEntry(f *Factory, client install.Client, name, rawURL string, headers []string, force bool) (install.Entry, error) {
	if err := install.ValidName(name); err != nil {
		return install.Entry{}, FlagErrorf("%v: pass --name", err)
	}
	if err := client.SupportsURL(); err != nil {
		return install.Entry{}, &FlagError{Err: err}
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return install.Entry{}, FlagErrorf("--url %q: give the server's full address, such as https://mcp.example.com/mcp", rawURL)
	}
	if u.User != nil {
		return install.Entry{}, FlagErrorf("--url %q holds a user name or password: drop it, and pass the key in a header (--header Authorization)", u.Redacted())
	}
	if k := secretQuery(u); k != "" && !force {
		return install.Entry{}, FlagErrorf("--url holds %q in its query, which looks like a key: the client's file would keep it in plain text. Pass it in a header instead (--header NAME, its value from the environment), or --force if the server takes it only in the URL", k)
	}
	e := install.Entry{Name: name, URL: rawURL}
	for _, h := range headers {
		if name, _, hasValue := strings.Cut(h, ":"); hasValue {
			return install.Entry{}, FlagErrorf("--header %q…: give the header's name only; its value is never written on the command line or in the file, the entry reads it from the environment", strings.TrimSpace(name))
		}
		env := f.Brand.Env("HEADER_" + strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z':
				return r - 'a' + 'A'
			case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
				return r
			default:
				return '_'
			}
		}, h))
		e.Headers = append(e.Headers, install.Header{Name: h, Env: env})
	}
	return e, nil
}

// secretWords mark a query parameter that carries a key.
var secretWords = []string{"key", "token", "secret", "password", "auth", "signature", "sig"}

// secretQuery is the name of the first query parameter of u that looks
// like it carries a key (api_key, access_token, …), or "".
func secretQuery(u *url.URL) string {
	for _, name := range sortedNames(u.Query()) {
		for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
			if slices.Contains(secretWords, w) || strings.HasSuffix(w, "key") || strings.HasSuffix(w, "token") {
				return name
			}
		}
	}
	return ""
}

func sortedNames(v url.Values) []string {
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// headerNote says where a remote entry's headers come from.
func headerNote(client install.Client, e install.Entry) string {
	if len(e.Headers) == 0 {
		return ""
	}
	var b strings.Builder
	for _, h := range e.Headers {
		example := ""
		if strings.EqualFold(h.Name, "Authorization") {
			example = " (Bearer <key>)"
		}
		switch {
		case client.PromptsForHeaders():
			fmt.Fprintf(&b, "%s asks for the %s header%s when it first starts %q and keeps it in its secret storage: the file holds only the input's name.\n", client.Title, h.Name, example, e.Name)
		default:
			fmt.Fprintf(&b, "The entry sends the %s header from the environment variable %s: set it%s in the environment %s is started from, not in the file.\n", h.Name, h.Env, example, client.Title)
		}
	}
	return b.String()
}

func installRun(ctx context.Context, opts *InstallOptions) error {
	opts.defaults()
	f := opts.F
	client, err := install.Lookup(opts.Client)
	if err != nil {
		return &FlagError{Err: err}
	}
	var entry install.Entry
	switch {
	case opts.URL != "" && opts.Command != "":
		return FlagErrorf("--url and --command cannot be used together: a remote entry runs no command")
	case opts.URL != "":
		entry, err = remoteEntry(f, client, opts.Name, opts.URL, opts.Headers, opts.Force)
	case len(opts.Headers) > 0:
		return FlagErrorf("--header works only with --url")
	default:
		var command string
		command, err = entryCommand(f, opts.Project, opts.Command, opts.Env().Dir, opts.Executable)
		if err == nil {
			entry, err = serverEntry(opts.Profile, opts.Name, command)
		}
	}
	if err != nil {
		return err
	}
	if opts.NamedByURL {
		fmt.Fprintf(f.IO.ErrOut, "The entry is named %q after the URL's host (--name sets another).\n", entry.Name)
	}
	if opts.Print {
		b, err := client.Snippet(entry)
		if err != nil {
			return err
		}
		if _, err = f.IO.Out.Write(b); err != nil {
			return err
		}
		// What would stop the entry from working is as true of the
		// snippet pasted by hand (on stderr: stdout is the snippet).
		if entry.URL == "" {
			opts.warnings(ctx, client, entry)
		}
		return nil
	}
	path, err := client.Path(opts.Env(), opts.Project)
	if err != nil {
		if errors.Is(err, install.ErrNoProjectFile) {
			return &FlagError{Err: err}
		}
		return err
	}
	mode := os.FileMode(0o600)
	if opts.Project {
		mode = 0o644 // meant to be shared
	}
	res, err := client.Install(path, entry, install.Options{Force: opts.Force, DryRun: opts.DryRun, FileMode: mode, BackupDir: backupDir(f, opts.Project)})
	for _, w := range res.Warnings {
		fmt.Fprintf(f.IO.ErrOut, "Warning: %s\n", w)
	}
	var conflict *install.ConflictError
	if errors.As(err, &conflict) {
		return fmt.Errorf("%w: pass --force to replace it, or --name to add this one under another name", err)
	}
	var other *install.ProfileError
	if errors.As(err, &other) {
		return fmt.Errorf("%w: pass --force to make it serve %q instead, or --name to add this one under another name", err, opts.Profile)
	}
	var readOnly *install.ReadOnlyError
	if errors.As(err, &readOnly) {
		return fmt.Errorf("%w, or add the entry by hand: --print shows it", err)
	}
	if err != nil {
		return err
	}
	out := f.IO.Out
	switch {
	case opts.DryRun && res.Changed():
		fmt.Fprintf(out, "Would %s %q %s %s (%s); nothing was written:\n", verb(res.Action), entry.Name, prep(res.Action), client.Title, path)
		writeDiff(out, client.Redact(res.Before), client.Redact(res.After))
		if res.Refused != nil {
			fmt.Fprintf(f.IO.ErrOut, "Without --dry-run this would stop: %v, or add the entry by hand: --print shows it\n", res.Refused)
		}
	case res.Action == install.Unchanged:
		fmt.Fprintf(out, "%s already has %q in %s; nothing changed.\n", client.Title, entry.Name, path)
	default:
		fmt.Fprintf(out, "%s %q %s %s: %s\n", capitalize(string(res.Action)), entry.Name, prep(res.Action), client.Title, path)
		if res.Action == install.Updated && res.Replaced != entry.Command {
			fmt.Fprintf(out, "The command changed from %s to %s.\n", orNothing(res.Replaced), entry.Command)
		}
		if res.ReplacedProfile != "" {
			fmt.Fprintf(out, "The profile changed from %s to %s.\n", res.ReplacedProfile, opts.Profile)
		}
		if res.Backup != "" {
			fmt.Fprintf(out, "The previous version is in %s.\n", res.Backup)
		}
		if opts.Project && opts.Command == "" && entry.URL == "" {
			fmt.Fprintf(out, "The entry runs %q from PATH, so it works on every machine that has %s installed (--command sets another).\n", entry.Command, f.Brand.Name)
		}
		if note := client.PathNote(opts.Env(), opts.Project); note != "" {
			fmt.Fprintln(out, note)
		}
		fmt.Fprintln(out, client.NextStep(opts.Project, path, opts.Env().Dir, entry.Name))
	}
	if entry.URL == "" && opts.Command != "" && entry.Command != opts.Command {
		fmt.Fprintf(out, "The entry runs %s: --command %s is made absolute, since %s starts servers in a folder of its own.\n", entry.Command, opts.Command, client.Title)
	}
	if entry.URL != "" {
		// The key and the tools live on the server: only the headers need
		// a word.
		fmt.Fprint(f.IO.ErrOut, headerNote(client, entry))
		return nil
	}
	opts.warnings(ctx, client, entry)
	return nil
}

// homeVar is the variable that holds the user's home folder.
func homeVar() string {
	if runtime.GOOS == "windows" {
		return "USERPROFILE"
	}
	return "HOME"
}

// isTemporaryBuild reports whether command is a binary `go run` or `go
// test` built in a temporary directory, deleted when it exits.
func isTemporaryBuild(command string) bool {
	for _, part := range strings.FieldsFunc(command, func(r rune) bool { return r == '/' || r == '\\' }) {
		if strings.HasPrefix(part, "go-build") {
			return true
		}
	}
	return false
}

// passingFolder names the folder command is in when that folder does not
// keep programs for long: the system's temporary folder (emptied at
// reboot, or after some days) or the user's Downloads folder (where a
// release archive was unpacked, and later cleaned up); "" otherwise.
func passingFolder(command, home, tmp, goos string) string {
	if !filepath.IsAbs(command) {
		return ""
	}
	folders := []struct{ dir, what string }{{tmp, "the temporary folder " + tmp}}
	if home != "" {
		d := filepath.Join(home, "Downloads")
		folders = append(folders, struct{ dir, what string }{d, "the Downloads folder " + d})
	}
	for _, fo := range folders {
		if fo.dir != "" && (inFolder(command, fo.dir, goos) || inFolder(realPath(command), realPath(fo.dir), goos)) {
			return fo.what
		}
	}
	return ""
}

// realPath is p with symbolic links followed, or p when they cannot be.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// inFolder reports whether path is inside dir (case aside on Windows).
func inFolder(path, dir, goos string) bool {
	if goos == "windows" {
		path, dir = strings.ToLower(path), strings.ToLower(dir)
	}
	rel, err := filepath.Rel(filepath.Clean(dir), filepath.Clean(path))
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func orNothing(command string) string {
	if command == "" {
		return "no command"
	}
	return command
}

func verb(a install.Action) string {
	switch a {
	case install.Added:
		return "add"
	case install.Updated:
		return "update"
	default:
		return "remove"
	}
}

func prep(a install.Action) string {
	if a == install.Added {
		return "to"
	}
	return "in"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// warnings tells, on stderr, what would stop the client's server from
// working: no stored profile, no key, tool names the client drops.
func (o *InstallOptions) warnings(ctx context.Context, client install.Client, e install.Entry) {
	f := o.F
	warn := func(format string, a ...any) { fmt.Fprintf(f.IO.ErrOut, "Warning: "+format+"\n", a...) }
	if isTemporaryBuild(e.Command) {
		warn("%s is a temporary build (go run) that is deleted when it exits, so %s cannot start it: install %s (go install, or a release) and run this again",
			e.Command, client.Title, f.Brand.Name)
	} else if where := passingFolder(e.Command, f.Getenv(homeVar()), o.TempDir(), runtime.GOOS); where != "" {
		warn("%s is in %s, whose files are cleaned up or moved, and then %s cannot start it: put %s in a lasting place (a package manager, or a folder on PATH such as /usr/local/bin or ~/.local/bin) and run install again from there, or pass --command with its lasting path",
			e.Command, where, client.Title, f.Brand.Name)
	}
	if _, err := o.LookPath(e.Command); err != nil {
		if strings.ContainsAny(e.Command, `/\`) {
			warn("%s does not exist or is not executable, so %s cannot start it", e.Command, client.Title)
		} else {
			warn("%s is not on this machine's PATH, so %s will not find it here: add its directory to PATH, or pass --command with its absolute path", e.Command, client.Title)
		}
	}
	p := profile.Profile{Name: o.Profile}
	store, err := f.Profiles()
	if err == nil {
		p, err = store.Get(o.Profile)
	}
	switch {
	case errors.Is(err, profile.ErrNotFound) && (f.Brand.Defaults.Spec != "" || f.Brand.Defaults.MCPURL != "") && o.Profile == f.Brand.ProfileName():
		// A vendor build's built-in profile needs no saving.
		p, err = profile.Profile{Name: o.Profile}, nil
	case errors.Is(err, profile.ErrNotFound):
		warn("profile %q is not saved yet: run `%s --spec <file or URL>` before starting %s",
			o.Profile, f.App().LoginCommand(o.Profile), client.Title)
		return
	case err != nil:
		warn("cannot read profile %q: %v", o.Profile, err)
		return
	}
	p = f.Brand.Apply(p)
	if p.Auth != nil && p.Auth.Kind == profile.AuthOAuth2 {
		o.warnOAuthToken(warn)
	} else {
		o.warnKey(client, warn)
	}
	if msg := missingSpec(f, p); msg != "" {
		warn("the description of profile %q, %s: %s", o.Profile, p.Spec, msg)
		return // its tools cannot be loaded either
	}

	if client.ToolNameLimit == 0 && client.ToolLimit == 0 {
		return
	}
	// Only for a warning: an API host that does not answer must not hold
	// the command up for long.
	timeout := o.ToolNamesTimeout
	if timeout <= 0 {
		timeout = toolNamesTimeout
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	names, err := o.ToolNames(tctx, p)
	cancel()
	if err != nil {
		warn("cannot load the tools of profile %q to check them against %s's limits: %v", o.Profile, client.Title, err)
		return
	}
	if client.ToolLimit > 0 && len(names) > client.ToolLimit {
		warn("%s uses at most %d tools %s, and %q alone serves %d: serve fewer with --layout search (a few tools that find and call the operations), or --tag / --read-only, e.g. `%s --layout search`",
			client.Title, client.ToolLimit, client.ToolLimitScope, e.Name, len(names), f.App().LoginCommand(o.Profile))
	}
	if client.ToolNameLimit > 0 {
		var long []string
		for _, n := range names {
			if len(e.Name)+len(n) > client.ToolNameLimit {
				long = append(long, n)
			}
		}
		if len(long) > 0 {
			shown := strings.Join(long[:min(len(long), 5)], ", ")
			if len(long) > 5 {
				shown += fmt.Sprintf(", and %d more", len(long)-5)
			}
			warn("%s drops tools whose server name + tool name is longer than %d characters: %d of %d tools of %q would be dropped (%s). Use a shorter --name, or a shorter --prefix for the profile (`%s --prefix …`)",
				client.Title, client.ToolNameLimit, len(long), len(names), e.Name, shown, f.App().LoginCommand(o.Profile))
		}
	}
}

// warnKey warns when the profile has no stored key. The client does not
// start servers with this shell's environment: only a stored key counts.
func (o *InstallOptions) warnKey(client install.Client, warn func(string, ...any)) {
	f := o.F
	switch k := f.App().StoredKey(o.Profile); {
	case k.Err == nil:
	case k.Source == app.KeyMissing && f.Getenv(f.Brand.Env("API_KEY")) != "":
		warn("profile %q has no key in the keyring; %s is set in this shell, but %s does not start servers with your shell's environment: run `%s`",
			o.Profile, f.Brand.Env("API_KEY"), client.Title, f.App().LoginCommand(o.Profile))
	case k.Source == app.KeyMissing:
		warn("profile %q has no key yet: run `%s`", o.Profile, f.App().LoginCommand(o.Profile))
	default:
		warn("cannot check the key of profile %q: %v", o.Profile, k.Err)
	}
}

// warnOAuthToken warns when an OAuth 2.0 profile has no token its server
// can use: such a profile has no key, its sign-in's token is what is sent.
// As status does, a token that expired and cannot be renewed counts as
// none.
func (o *InstallOptions) warnOAuthToken(warn func(string, ...any)) {
	f := o.F
	tok, err := oauth.Load(f.App().Tokens(), app.TokenAccount(o.Profile))
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		warn("profile %q is not signed in yet: run `%s`", o.Profile, f.App().LoginCommand(o.Profile))
	case app.TokenUnreadable(err):
		warn("%s", f.App().UnreadableSignIn(o.Profile))
	case err != nil:
		warn("cannot check the OAuth sign-in of profile %q: %v", o.Profile, err)
	case tok.RefreshToken == "" && tok.ExpiresWithin(0, time.Now()) && tok.Grant != oauth.GrantClientCredentials:
		warn("the OAuth sign-in of profile %q has expired: run `%s`", o.Profile, f.App().LoginCommand(o.Profile))
	}
}

// writeDiff prints the lines that differ between a and b, with two lines of
// context; the change is one contiguous region. The context is often
// another server's entry: a and b come through Client.Redact, which hides
// its secrets.
func writeDiff(w io.Writer, a, b []byte) {
	al, bl := splitLines(a), splitLines(b)
	pre := 0
	for pre < len(al) && pre < len(bl) && al[pre] == bl[pre] {
		pre++
	}
	suf := 0
	for suf < len(al)-pre && suf < len(bl)-pre && al[len(al)-1-suf] == bl[len(bl)-1-suf] {
		suf++
	}
	from := max(pre-2, 0)
	for _, l := range al[from:pre] {
		fmt.Fprintf(w, "  %s\n", l)
	}
	for _, l := range al[pre : len(al)-suf] {
		fmt.Fprintf(w, "- %s\n", l)
	}
	for _, l := range bl[pre : len(bl)-suf] {
		fmt.Fprintf(w, "+ %s\n", l)
	}
	for _, l := range al[len(al)-suf : min(len(al)-suf+2, len(al))] {
		fmt.Fprintf(w, "  %s\n", l)
	}
}

func splitLines(b []byte) []string {
	s := strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
