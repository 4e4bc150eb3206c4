// Package install puts an MCP server entry into the configuration file of an
// MCP client (Cursor, Claude Desktop, VS Code, Claude Code, Windsurf, Codex,
// Gemini CLI, Zed) and takes it out again.
//
// It edits files the user also edits by hand, so it merges and never
// replaces: only the entry it owns changes, everything else (other servers,
// settings, comments, indentation, key order) stays byte for byte. JSON and
// JSONC files are parsed with github.com/tailscale/hujson and edited in
// place; Codex's TOML file is checked with github.com/pelletier/go-toml/v2 and
// edited in place too, in whichever form the entry is written. Writes are atomic (a temporary file in the same
// directory, then a rename), keep the file's mode and leave the previous
// version next to it as <file>.bak.
//
//	c, _ := install.Lookup("cursor")
//	path, _ := c.Path(install.Env{OS: runtime.GOOS, Getenv: os.Getenv}, false)
//	res, err := c.Install(path, install.Entry{Name: "acme", Command: "/usr/local/bin/restmcp",
//		Args: []string{"serve", "--profile", "acme"}}, install.Options{})
package install

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Entry is the server entry written into a client's configuration.
type Entry struct {
	// Name is the server's name (the key under the client's servers object).
	Name string
	// Command is the absolute path of the executable.
	Command string
	// Args are the arguments passed to Command.
	Args []string
	// URL, when set, makes the entry a remote one: the client connects to
	// this Streamable HTTP endpoint instead of starting Command.
	URL string
	// Headers are sent with every request to URL. Their values are never
	// written: each refers to an environment variable, in the client's
	// syntax, where the client has one.
	Headers []Header
}

// Header is a header a remote entry sends: its value comes from the
// environment variable Env of the client's process.
type Header struct {
	Name, Env string
}

var headerRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+.^_|~-]+$`) })

var nameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]+$`) })

// ValidName reports whether name can name a server in every client: letters,
// digits, '-' and '_' (Cursor and Claude prefix tool names with it, and
// Codex takes it as a bare TOML key).
func ValidName(name string) error {
	if !nameRE().MatchString(name) {
		return fmt.Errorf("server name %q: use only letters, digits, '-' and '_'", name)
	}
	return nil
}

func (e Entry) validate() error {
	if err := ValidName(e.Name); err != nil {
		return err
	}
	if e.URL != "" {
		for _, h := range e.Headers {
			if !headerRE().MatchString(h.Name) {
				return fmt.Errorf("header name %q: use a plain HTTP header name such as Authorization", h.Name)
			}
		}
		return nil
	}
	if e.Command == "" {
		return errors.New("the server entry has no command")
	}
	return nil
}

type format int

const (
	formatJSON format = iota
	formatTOML
)

// Client is one MCP client and where it keeps its servers.
type Client struct {
	// ID is the command-line name ("cursor", "claude-desktop").
	ID string
	// Title is the product name ("Cursor", "Claude Desktop").
	Title string
	// Key is the top-level key that holds the servers ("mcpServers",
	// "servers", "context_servers", "mcp_servers").
	Key string
	// ToolNameLimit, when non-zero, is the longest server name + tool name the
	// client accepts (Cursor: 60).
	ToolNameLimit int
	// ToolLimit, when non-zero, is the most tools the client uses, in the
	// scope ToolLimitScope says (Windsurf: 100 in total, VS Code: 128 per
	// request).
	ToolLimit      int
	ToolLimitScope string
	// Docs is where the file location and entry shape were checked.
	Docs string

	format format
	// fields are written before command and args, in order (VS Code's
	// "type": "stdio", Zed's "source": "custom").
	fields [][2]string
	// fieldsForNew: the fields go into a new entry only; an entry the
	// client already runs without them is left so (Zed's "source", which
	// current Zed's settings migration strips: adding it back would bring
	// back Zed's "deprecated settings" notice).
	fieldsForNew bool
	user         func(Env) (string, error)
	// urlKey is the key of a remote entry's URL ("url", "serverUrl",
	// "httpUrl"); "" when the client takes no remote entry in its file, and
	// noURL says why.
	urlKey string
	noURL  string
	// remote are written before a remote entry's URL (VS Code's and
	// Claude Code's "type": "http").
	remote [][2]string
	// headerRef is the client's reference to an environment variable in a
	// header value; nil when it has none.
	headerRef func(env string) string
	// inputs: a header's value is a secret input the client prompts for
	// and keeps (VS Code's top-level "inputs", with "password": true).
	inputs bool
	// project is the file relative to the project directory; "" when the
	// client has no project-level file.
	project string
	// plainJSON: the client reads its file as plain JSON, and a comment
	// or a trailing comma makes the whole file unreadable to it.
	plainJSON bool
	// nestedCommand: older releases of the client read an entry's command
	// as an object, "command": {"path": "…", "args": […], "env": {…}}
	// (Zed before mid-2025). An entry in that form is read and updated in
	// that form, and a new entry takes it when the file's other entries
	// all do.
	nestedCommand bool
}

// SupportsURL returns nil when the client takes a remote (URL) entry in
// its file, else an error that says what to do instead.
func (c Client) SupportsURL() error {
	if c.urlKey == "" {
		return fmt.Errorf("--url does not work with %s: %s", c.ID, c.noURL)
	}
	return nil
}

// PromptsForHeaders reports whether the client asks the user for a remote
// entry's header values and keeps them (VS Code's inputs).
func (c Client) PromptsForHeaders() bool { return c.inputs }

// SupportsProject reports whether the client reads a project-level file.
func (c Client) SupportsProject() bool { return c.project != "" }

var clients = []Client{
	{
		ID: "cursor", Title: "Cursor", Key: "mcpServers", ToolNameLimit: 60,
		Docs:   "https://cursor.com/docs/mcp",
		user:   homeFile(".cursor", "mcp.json"),
		urlKey: "url", headerRef: func(v string) string { return "${env:" + v + "}" },
		project: ".cursor/mcp.json",
	},
	{
		ID: "claude-desktop", Title: "Claude Desktop", Key: "mcpServers",
		Docs:      "https://modelcontextprotocol.io/docs/develop/connect-local-servers",
		user:      claudeDesktopPath,
		plainJSON: true,
		noURL:     "Claude Desktop reads only servers it starts from claude_desktop_config.json; add a remote server in the app (Settings → Connectors → Add custom connector), or install for another client",
	},
	{
		ID: "vscode", Title: "VS Code", Key: "servers",
		ToolLimit: 128, ToolLimitScope: "in one request",
		Docs:   "https://code.visualstudio.com/docs/copilot/reference/mcp-configuration",
		fields: [][2]string{{"type", "stdio"}},
		user:   vscodePath,
		urlKey: "url", remote: [][2]string{{"type", "http"}}, inputs: true,
		project: ".vscode/mcp.json",
	},
	{
		ID: "claude-code", Title: "Claude Code", Key: "mcpServers",
		Docs:   "https://code.claude.com/docs/en/mcp",
		user:   claudeCodePath,
		urlKey: "url", remote: [][2]string{{"type", "http"}},
		headerRef: func(v string) string { return "${" + v + "}" },
		project:   ".mcp.json",
		plainJSON: true,
	},
	{
		ID: "windsurf", Title: "Windsurf", Key: "mcpServers",
		ToolLimit: 100, ToolLimitScope: "in total, across all its servers",
		Docs:   "https://docs.windsurf.com/windsurf/cascade/mcp",
		user:   homeFile(".codeium", "windsurf", "mcp_config.json"),
		urlKey: "serverUrl", headerRef: func(v string) string { return "${env:" + v + "}" },
	},
	{
		ID: "codex", Title: "Codex", Key: "mcp_servers",
		Docs:    "https://developers.openai.com/codex/mcp",
		format:  formatTOML,
		user:    codexPath,
		noURL:   "this command writes no remote entry for Codex: its config.toml takes one only in newer releases, under a form that changes; add url = \"…\" under [mcp_servers.NAME] by hand, as its documentation shows",
		project: ".codex/config.toml",
	},
	{
		ID: "gemini", Title: "Gemini CLI", Key: "mcpServers",
		Docs:   "https://geminicli.com/docs/tools/mcp-server/",
		user:   geminiPath,
		urlKey: "httpUrl",
		// Gemini CLI resolves $VAR and ${VAR} in every string of its
		// settings files.
		headerRef: func(v string) string { return "${" + v + "}" },
		project:   ".gemini/settings.json",
	},
	{
		ID: "zed", Title: "Zed", Key: "context_servers",
		Docs:   "https://zed.dev/docs/ai/mcp",
		fields: [][2]string{{"source", "custom"}}, fieldsForNew: true,
		user: zedPath,
		// Zed's settings migration m_2025_06_27 flattened
		// "command": {"path", "args", "env"} into the entry; releases
		// before it read only the nested form.
		nestedCommand: true,
		noURL:         "this command writes no remote entry for Zed: its context_servers take a URL only in recent releases; add \"url\" to the entry by hand, as its documentation shows",
		project:       ".zed/settings.json",
	},
}

// NextStep is what the user does after the entry called name is written
// to file (a project file with project, in the project directory dir) for
// the client to start the server.
func (c Client) NextStep(project bool, file, dir, name string) string {
	switch {
	case c.ID == "claude-code" && project:
		return fmt.Sprintf("Claude Code asks before it uses a project's servers: start claude in %s and approve %q (run /mcp there to check).", dir, name)
	case c.ID == "claude-code":
		return fmt.Sprintf("Start a new claude session to load it (claude mcp list shows %q and whether it connects).", name)
	case c.ID == "gemini":
		where := "the folder you run gemini in"
		if project {
			where = dir
		}
		return fmt.Sprintf("Gemini CLI starts no MCP server in an untrusted folder, the user's servers included: trust %s when gemini asks (or with /permissions), then gemini mcp list shows %q.", where, name)
	case c.ID == "codex" && project:
		return fmt.Sprintf("Codex reads %s only in a trusted project: trust %s when codex asks, then codex mcp list shows %q there.", file, dir, name)
	case c.ID == "codex":
		return fmt.Sprintf("Start a new codex session to load it (codex mcp list shows %q).", name)
	case c.ID == "claude-desktop":
		return "Quit Claude Desktop completely (not just its window) and start it again to load it."
	case c.ID == "windsurf":
		return "Press the refresh button in Cascade's MCP panel (or restart Windsurf) to load it."
	default:
		return fmt.Sprintf("Restart %s (or reload its MCP servers) to load it.", c.Title)
	}
}

// Clients returns every supported client, in a stable order.
func Clients() []Client { return append([]Client(nil), clients...) }

// IDs returns the names of the supported clients.
func IDs() []string {
	ids := make([]string, len(clients))
	for i, c := range clients {
		ids[i] = c.ID
	}
	return ids
}

// ProjectIDs returns the names of the clients that read a project-level file.
func ProjectIDs() []string {
	var ids []string
	for _, c := range clients {
		if c.SupportsProject() {
			ids = append(ids, c.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// Lookup returns the client named id; the error lists the supported ones.
func Lookup(id string) (Client, error) {
	for _, c := range clients {
		if c.ID == strings.ToLower(id) {
			return c, nil
		}
	}
	return Client{}, fmt.Errorf("unknown client %q: use one of %s", id, strings.Join(IDs(), ", "))
}
