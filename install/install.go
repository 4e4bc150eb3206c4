package install

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/restmcp/restmcp/internal/atomicfile"
	"github.com/restmcp/restmcp/internal/filelock"
)

// ParseError means a configuration file exists but could not be read as
// JSON(C) or TOML. The file is left untouched.
type ParseError struct {
	Path string
	// Err says where (line, column) and what.
	Err string
}

// Error implements error.
func (e *ParseError) Error() string {
	return fmt.Sprintf("cannot parse %s: %s (the file was not changed: fix it, or move it away, and run again)", e.Path, e.Err)
}

// PlainJSONError means the file holds a comment or a trailing comma, and
// the client reads it as plain JSON: it cannot read the file as it is, and
// would not read it after an edit that kept them either. The file is left
// untouched.
type PlainJSONError struct {
	Path, Client string
	// Line and Column are where the first comment or trailing comma is;
	// What says which.
	Line, Column int
	What         string
}

// Error implements error.
func (e *PlainJSONError) Error() string {
	return fmt.Sprintf("%s has %s at line %d, column %d, but %s reads this file as plain JSON, which allows no comments "+
		"or trailing commas, so it cannot read the file as it is; nothing was changed: remove the comments and trailing commas "+
		"from %s, then run again", e.Path, e.What, e.Line, e.Column, e.Client, e.Path)
}

// ConflictError means the file already has a server of that name that runs
// something else.
type ConflictError struct {
	Path, Name string
	// Command is what the existing entry runs.
	Command string
	// URL is what the existing entry connects to, when it is remote.
	URL string
}

// Error implements error.
func (e *ConflictError) Error() string {
	what := "runs no command"
	switch {
	case e.Command != "":
		what = "runs " + e.Command
	case e.URL != "":
		what = "connects to " + e.URL
	}
	return fmt.Sprintf("%s already has a server named %q that %s", e.Path, e.Name, what)
}

// ProfileError means the file already has a restmcp server of that name
// that serves another profile.
type ProfileError struct {
	Path, Name string
	// Profile is the profile the existing entry serves.
	Profile string
}

// Error implements error.
func (e *ProfileError) Error() string {
	return fmt.Sprintf("%s already has a server named %q that serves the profile %q", e.Path, e.Name, e.Profile)
}

// ReadOnlyError means the configuration file, or the folder it is in,
// cannot be written. Nothing was changed.
type ReadOnlyError struct {
	Path string
	// Dir is the folder that cannot be written in; "" when the file itself
	// is read-only.
	Dir string
	// Mode is the read-only file's mode.
	Mode fs.FileMode
}

// Error implements error.
func (e *ReadOnlyError) Error() string {
	if e.Dir != "" {
		return fmt.Sprintf("cannot change %s: its folder %s cannot be written in, so nothing was changed; make it writable and run again", e.Path, e.Dir)
	}
	how := ""
	if runtime.GOOS != "windows" {
		how = fmt.Sprintf(" (chmod u+w %s)", e.Path)
	}
	return fmt.Sprintf("%s is read-only (mode %04o), so it was not changed: make it writable%s and run again", e.Path, e.Mode.Perm(), how)
}

// notWritable turns an error met while locking or writing the file at path
// into a ReadOnlyError when its folder cannot be written in.
func notWritable(path string, err error) error {
	if err == nil || !(errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)) {
		return err
	}
	dir := filepath.Dir(atomicfile.Resolve(path))
	var pe *fs.PathError
	if errors.As(err, &pe) && filepath.Dir(pe.Path) != "" {
		dir = filepath.Dir(pe.Path)
	}
	return &ReadOnlyError{Path: path, Dir: dir}
}

// Action is what Install or Uninstall did (or, in a dry run, would do).
type Action string

// Actions.
const (
	Added     Action = "added"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
	Removed   Action = "removed"
	Absent    Action = "absent"
)

// Options change how Install and Uninstall behave.
type Options struct {
	// Force replaces (or removes) an entry of the same name that runs
	// another program.
	Force bool
	// DryRun computes the change and writes nothing.
	DryRun bool
	// FileMode is the mode of a file that does not exist yet (default 0600).
	FileMode fs.FileMode
	// BackupDir, when set, holds the previous version of the file, under
	// the file's own absolute path (BackupDir/home/me/proj/.mcp.json.bak),
	// instead of <file>.bak beside it: a project's file is committed,
	// and a backup beside it would be too.
	BackupDir string
}

// backupPath is where the previous version of the file at real goes.
func (o Options) backupPath(real string) string {
	if o.BackupDir == "" {
		return real + ".bak"
	}
	abs, err := filepath.Abs(real)
	if err != nil {
		abs = real
	}
	rel := strings.TrimPrefix(abs, filepath.VolumeName(abs))
	if v := strings.TrimSuffix(filepath.VolumeName(abs), ":"); v != "" {
		rel = filepath.Join(strings.Trim(v, `\/`), rel) // C: → C
	}
	return filepath.Join(o.BackupDir, rel) + ".bak"
}

// Result says what happened to the file.
type Result struct {
	Path   string
	Action Action
	// Before and After are the file's contents (Before is nil when the file
	// did not exist).
	Before, After []byte
	// Backup is the copy of the previous version ("" when none was made).
	Backup string
	// Replaced is the command of the entry that was replaced or removed.
	Replaced string
	// ReplacedProfile is the profile the updated entry served before,
	// when that was another ("" otherwise).
	ReplacedProfile string
	// Refused is, in a dry run, the error the real run would stop at
	// because the file is read-only (nil otherwise).
	Refused error
	// Deleted reports that uninstall removed (or, in a dry run, would
	// remove) the file itself: without the entry it held nothing.
	Deleted bool
	// Warnings say what else was done: a lock beside the file that its
	// holder abandoned, taken over.
	Warnings []string
}

// Changed reports whether the file is (or, in a dry run, would be) written.
func (r Result) Changed() bool {
	return r.Action == Added || r.Action == Updated || r.Action == Removed
}

// lockConfig takes the lock of the client file at path (of the file a
// symbolic link points to), so that commands editing it in parallel each
// read what the previous one wrote; a dry run takes none. The lock folder
// is removed on release: none is left in a project to be committed. A
// lock its holder abandoned is taken over, and warn says so.
func lockConfig(path string, dryRun bool, warn func(string)) (func(), error) {
	if dryRun {
		return func() {}, nil
	}
	real := atomicfile.Resolve(path)
	unlock, err := filelock.LockTransient(real, warn)
	if err != nil {
		return nil, notWritable(path, err) // the error names the file
	}
	return unlock, nil
}

// lockOrReadOnly is lockConfig, except that a folder that cannot be
// written in is not an error yet: lockErr says so, for a change to be
// refused with it, and unlock does nothing then.
func lockOrReadOnly(path string, dryRun bool, warn func(string)) (unlock func(), lockErr, err error) {
	unlock, err = lockConfig(path, dryRun, warn)
	var readOnly *ReadOnlyError
	switch {
	case errors.As(err, &readOnly):
		return func() {}, err, nil
	case err != nil:
		return nil, nil, err
	}
	return unlock, nil, nil
}

// readConfig reads path, following a symbolic link to the real file so that
// a rename replaces the file and not the link (dotfile managers link them);
// a link to a file not created yet leads to where that file goes.
func readConfig(path string) (real string, src []byte, mode fs.FileMode, exists bool, err error) {
	real = atomicfile.Resolve(path)
	fi, err := os.Stat(real)
	if errors.Is(err, fs.ErrNotExist) {
		return real, nil, 0, false, nil
	}
	if err != nil {
		return real, nil, 0, false, err
	}
	if fi.IsDir() {
		return real, nil, 0, false, fmt.Errorf("%s is a directory", path)
	}
	src, err = os.ReadFile(real)
	return real, src, fi.Mode().Perm(), true, err
}

// runs reports whether an existing entry runs our executable: the same path,
// the same file, or another copy of the same program started with "serve"
// (an upgrade that moved the binary).
func runs(command string, args []string, e Entry) bool {
	if command == e.Command {
		return true
	}
	if command == "" {
		return false
	}
	if a, err := os.Stat(command); err == nil {
		if b, err := os.Stat(e.Command); err == nil && os.SameFile(a, b) {
			return true
		}
	}
	base := func(p string) string {
		p = p[strings.LastIndexAny(p, `/\`)+1:]
		return strings.TrimSuffix(strings.ToLower(p), ".exe")
	}
	return base(command) == base(e.Command) && len(args) > 0 && args[0] == "serve"
}

// ours reports whether the entry found is the one e describes: a remote
// entry with the same URL, or an entry that runs our executable.
func (f found) ours(e Entry) bool {
	if e.URL != "" {
		return f.url == e.URL && f.command == ""
	}
	return runs(f.command, f.args, e)
}

// otherProfile returns the profile our entry f serves when it is not the
// one e serves: a name is changed to serve another profile only on
// purpose.
func otherProfile(f found, e Entry) (string, bool) {
	if e.URL != "" || !f.ours(e) {
		return "", false
	}
	old, ok := flagValue(f.args, "--profile")
	now, _ := flagValue(e.Args, "--profile")
	return old, ok && old != now
}

func (c Client) lookup(path string, src []byte, name string, e *Entry) (found, error) {
	if c.format == formatTOML {
		return c.tomlLookup(path, src, name, e)
	}
	return c.jsonLookup(path, src, name, e)
}

// readable refuses a file the client could not read after the change: one
// with comments or trailing commas, for a client that reads plain JSON. A
// file that cannot be parsed at all is the lookup's to report.
func (c Client) readable(path string, src []byte) error {
	if !c.plainJSON || c.format != formatJSON {
		return nil
	}
	d, err := parseJSON(path, src)
	if err != nil {
		return nil
	}
	at, what := notPlainJSON(d.src)
	if at < 0 {
		return nil
	}
	line, col := lineColumn(d.src, at)
	return &PlainJSONError{Path: path, Client: c.Title, Line: line, Column: col, What: what}
}

// Install adds e to the client's file at path, or updates it. An entry of the
// same name that runs another program is replaced only with opts.Force.
// Running it twice leaves the file byte-identical.
func (c Client) Install(path string, e Entry, opts Options) (Result, error) {
	if err := c.validate(e); err != nil {
		return Result{}, err
	}
	var warnings []string
	unlock, lockErr, err := lockOrReadOnly(path, opts.DryRun, func(w string) { warnings = append(warnings, w) })
	if err != nil {
		return Result{Path: path}, err
	}
	defer unlock()
	real, src, mode, exists, err := readConfig(path)
	res := Result{Path: path, Before: src, Warnings: warnings}
	if err != nil {
		return res, err
	}
	f, err := c.lookup(path, src, e.Name, &e)
	if err == nil {
		err = c.readable(path, src)
	}
	if err != nil {
		return res, err
	}
	// A folder that cannot be written in (a configuration managed
	// read-only, as home-manager links into the Nix store) refuses only a
	// change: an entry already as it should be is fine.
	if lockErr != nil && !f.same {
		return Result{Path: path}, lockErr
	}
	if err := writable(path, exists, mode, f.same); err != nil {
		if !opts.DryRun {
			return res, err
		}
		res.Refused = err
	}
	switch {
	case f.same:
		res.Action, res.After = Unchanged, src
		return res, nil
	case f.present && !f.ours(e) && !opts.Force:
		return res, &ConflictError{Path: path, Name: e.Name, Command: f.command, URL: f.url}
	case f.present:
		res.Action, res.Replaced = Updated, f.command
		if old, ok := otherProfile(f, e); ok {
			if !opts.Force {
				return Result{Path: path, Before: src}, &ProfileError{Path: path, Name: e.Name, Profile: old}
			}
			res.ReplacedProfile = old
		}
	default:
		res.Action = Added
	}
	// Our own entry is updated in place and keeps what the user added to
	// it; another program's (with Force) is replaced whole.
	keep := f.present && f.ours(e)
	if c.format == formatTOML {
		res.After, err = c.tomlUpsert(path, src, e, keep)
	} else {
		res.After, err = c.jsonUpsert(path, src, e, keep)
	}
	if err != nil || opts.DryRun {
		return res, err
	}
	if !exists {
		mode = opts.FileMode
	}
	res.Backup, err = writeAtomic(real, opts.backupPath(real), res.After, src, exists, mode)
	return res, notWritable(path, err)
}

// Uninstall removes the entry called name from the client's file at path.
// An entry that runs another program than command is removed only with
// opts.Force; the rest of the file is left as it was.
func (c Client) Uninstall(path, name, command string, opts Options) (Result, error) {
	return c.UninstallEntry(path, Entry{Name: name, Command: command}, opts)
}

// UninstallEntry removes the entry called e.Name when it is the one e
// describes (a remote entry when e.URL is set), or with opts.Force.
func (c Client) UninstallEntry(path string, e Entry, opts Options) (Result, error) {
	name := e.Name
	if err := ValidName(name); err != nil {
		return Result{}, err
	}
	// A file that does not exist has nothing to remove: no lock (nor its
	// folder) is created for it.
	if _, err := os.Stat(atomicfile.Resolve(path)); errors.Is(err, fs.ErrNotExist) {
		return Result{Path: path, Action: Absent}, nil
	}
	var warnings []string
	// The folder of a file deleted below, once the lock beside the file
	// is gone: see removeEmptyFolder.
	var emptied string
	defer func() { c.removeEmptyFolder(emptied) }()
	unlock, lockErr, err := lockOrReadOnly(path, opts.DryRun, func(w string) { warnings = append(warnings, w) })
	if err != nil {
		return Result{Path: path}, err
	}
	defer unlock()
	real, src, mode, exists, err := readConfig(path)
	res := Result{Path: path, Before: src, After: src, Action: Absent, Warnings: warnings}
	if err != nil || !exists {
		return res, err
	}
	f, err := c.lookup(path, src, name, nil)
	if err != nil || !f.present {
		return res, err // nothing to remove, whatever the folder
	}
	if err := c.readable(path, src); err != nil {
		return res, err
	}
	if lockErr != nil {
		return Result{Path: path}, lockErr
	}
	if !f.ours(e) && !opts.Force {
		return res, &ConflictError{Path: path, Name: name, Command: f.command, URL: f.url}
	}
	if err := writable(path, exists, mode, false); err != nil {
		if !opts.DryRun {
			return res, err
		}
		res.Refused = err
	}
	prev, restored := c.previousVersion(path, src, name, f, opts.backupPath(real))
	if restored {
		res.After = prev
	} else if c.format == formatTOML {
		res.After, _, err = c.tomlRemove(path, src, name)
	} else {
		res.After, _, err = c.jsonRemove(path, src, name)
		// The inputs install added for the entry's headers (VS Code) go
		// with it, unless another entry uses them.
		if err == nil {
			res.After, err = removeInputs(path, res.After, c.installedInputs(path, src, name))
		}
		// The servers' object and the inputs' array are left, empty,
		// unless install created them: the file's previous version (what
		// install replaced) tells.
		if err == nil {
			res.After = c.withoutWhatInstallCreated(path, res.After, opts.backupPath(real))
		}
	}
	if err != nil {
		return res, err
	}
	res.Action, res.Replaced = Removed, f.command
	// A file left holding nothing but an empty servers object (and VS
	// Code's empty inputs), with no backup beside it, is one install
	// created: install backs up a file that existed before. It is removed,
	// with no backup of it, rather than left behind. A file reached
	// through a symbolic link (itself or a folder: a dotfile manager's)
	// is the user's and stays, as does one with a backup.
	if !restored && c.holdsNothing(path, res.After) && !throughLink(path) && !exist(opts.backupPath(real)) {
		res.After, res.Deleted = nil, true
	}
	if opts.DryRun {
		return res, nil
	}
	if res.Deleted {
		if err := os.Remove(real); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, notWritable(path, err)
		}
		emptied = filepath.Dir(real)
		return res, nil
	}
	res.Backup, err = writeAtomic(real, opts.backupPath(real), res.After, src, true, mode)
	return res, notWritable(path, err)
}

// removeEmptyFolder removes dir when it is the client's own folder (the
// one its project file is in: .cursor, .vscode, .codex, .gemini, .zed)
// and the file uninstall deleted has left it empty: install creates it
// with the file, and an empty folder holds nothing to lose. A folder
// holding anything, or of another name (a project's folder, where Claude
// Code's .mcp.json is; the user's home), stays.
func (c Client) removeEmptyFolder(dir string) {
	own := filepath.Dir(filepath.FromSlash(c.project))
	if dir == "" || own == "." || filepath.Base(dir) != own {
		return
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) == 0 {
		_ = os.Remove(dir)
	}
}

// holdsNothing reports whether src, a file of the client's, holds nothing
// but what install creates around its entries, empty: the servers object,
// VS Code's inputs array. A comment, a setting or an entry is something.
func (c Client) holdsNothing(path string, src []byte) bool {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	if c.format == formatTOML {
		return len(bytes.TrimSpace(src)) == 0
	}
	keys := []string{c.Key}
	if c.inputs {
		keys = append(keys, "inputs")
	}
	for _, key := range keys {
		if out, ok := withoutEmpty(path, src, key); ok {
			src = bytes.TrimPrefix(out, []byte("\ufeff"))
		}
	}
	return string(bytes.Join(bytes.Fields(src), nil)) == "{}"
}

// throughLink reports whether path, or a folder on the way to it, is a
// symbolic link (or cannot be told).
func throughLink(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return true
	}
	real, err := filepath.EvalSymlinks(abs)
	return err != nil || real != abs
}

// exist reports whether something is at path.
func exist(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// previousVersion is the file's version before install added the entry f
// called name, when src is exactly what install made of it: the backup,
// without the entry, gives src back when install adds f to it. Uninstall
// then gives that version back byte for byte, whatever install's edits did
// to the text around the entry (and to VS Code's inputs, for a remote
// entry's headers).
func (c Client) previousVersion(path string, src []byte, name string, f found, backup string) ([]byte, bool) {
	bak, err := os.ReadFile(backup)
	if err != nil {
		return nil, false
	}
	if had, err := c.lookup(path, bak, name, nil); err != nil || had.present {
		return nil, false
	}
	e := Entry{Name: name, Command: f.command, Args: f.args}
	if f.url != "" {
		e = Entry{Name: name, URL: f.url, Headers: f.headers}
	}
	if c.validate(e) != nil {
		return nil, false
	}
	var again []byte
	if c.format == formatTOML {
		again, err = c.tomlUpsert(path, bak, e, false)
	} else {
		again, err = c.jsonUpsert(path, bak, e, false)
	}
	return bak, err == nil && bytes.Equal(again, src)
}

// writable refuses a change to a file its owner cannot write: the rename
// that replaces it would succeed all the same, undoing a protection the
// user chose. Nothing is refused when nothing is to be written (skip); a
// dry run keeps the refusal in its Result.
func writable(path string, exists bool, mode fs.FileMode, skip bool) error {
	if !exists || skip || mode&0o200 != 0 {
		return nil
	}
	return &ReadOnlyError{Path: path, Mode: mode}
}

// writeAtomic writes data to path atomically, with mode; when the file
// existed, its previous contents go to backup first. Missing directories
// are created (0700).
func writeAtomic(path, backup string, data, previous []byte, existed bool, mode fs.FileMode) (string, error) {
	if mode == 0 {
		mode = 0o600
	}
	if !existed {
		backup = ""
	} else if err := atomicfile.Write(backup, previous, mode); err != nil {
		return "", fmt.Errorf("writing the backup %s: %w", backup, err)
	}
	if err := atomicfile.Write(path, data, mode); err != nil {
		return backup, fmt.Errorf("writing %s: %w", path, err)
	}
	return backup, nil
}

// Snippet is the entry as a file of its own: what Install would merge into
// the client's file (for --print, and for pasting by hand).
func (c Client) Snippet(e Entry) ([]byte, error) {
	if err := c.validate(e); err != nil {
		return nil, err
	}
	if c.format == formatTOML {
		return []byte(c.renderTable(e, "\n")), nil
	}
	return c.jsonUpsert("snippet", nil, e, false)
}

// validate checks e, and that the client takes a remote entry when e is one.
func (c Client) validate(e Entry) error {
	if err := e.validate(); err != nil {
		return err
	}
	if e.URL != "" {
		return c.SupportsURL()
	}
	return nil
}
