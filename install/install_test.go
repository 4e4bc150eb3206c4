package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/tailscale/hujson"
)

const testCommand = "/opt/restmcp/bin/restmcp"

func testEntry(name string) Entry {
	return Entry{Name: name, Command: testCommand, Args: []string{"serve", "--profile", name}}
}

// testEnv is a temporary home with the OS's configuration variables set
// inside it.
func testEnv(t *testing.T, goos string) Env {
	t.Helper()
	root := t.TempDir()
	home := filepath.Join(root, "home")
	vars := map[string]string{}
	switch goos {
	case "windows":
		vars["USERPROFILE"] = home
		vars["APPDATA"] = filepath.Join(root, "appdata")
		vars["LOCALAPPDATA"] = filepath.Join(root, "localappdata")
	case "darwin":
		vars["HOME"] = home
	default:
		vars["HOME"] = home
		vars["XDG_CONFIG_HOME"] = filepath.Join(root, "xdg")
	}
	return Env{OS: goos, Getenv: func(k string) string { return vars[k] }, Dir: filepath.Join(root, "project")}
}

// serversOf decodes the file and returns what is under the client's key.
func serversOf(t *testing.T, c Client, b []byte) map[string]map[string]any {
	t.Helper()
	var doc map[string]any
	if c.format == formatTOML {
		if err := toml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("result is not TOML: %v\n%s", err, b)
		}
	} else {
		std, err := hujson.Standardize(append([]byte(nil), b...))
		if err != nil {
			t.Fatalf("result is not JSONC: %v\n%s", err, b)
		}
		if err := json.Unmarshal(std, &doc); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]map[string]any{}
	m, _ := doc[c.Key].(map[string]any)
	for k, v := range m {
		out[k], _ = v.(map[string]any)
	}
	return out
}

func wantEntry(t *testing.T, c Client, b []byte, e Entry) {
	t.Helper()
	got, ok := serversOf(t, c, b)[e.Name]
	if !ok {
		t.Fatalf("no %q under %q in\n%s", e.Name, c.Key, b)
	}
	want := map[string]any{"command": e.Command, "args": []any{}}
	args := []any{}
	for _, a := range e.Args {
		args = append(args, a)
	}
	want["args"] = args
	for _, f := range c.fields {
		want[f[0]] = f[1]
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if !bytes.Equal(gj, wj) {
		t.Fatalf("entry = %s, want %s", gj, wj)
	}
}

// existing is a file that already holds another server, other settings and
// comments (none for a client that reads plain JSON).
func existing(c Client) string {
	if c.plainJSON {
		return `{
  "theme": "dark",
  "` + c.Key + `": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"]
    }
  },
  "other": [1, 2, 3]
}
`
	}
	if c.format == formatTOML {
		return `# Codex settings
model = "gpt-5"

[mcp_servers.github]
command = "npx" # from npm
args = ["-y", "@modelcontextprotocol/server-github"]

# sandbox settings
[sandbox]
mode = "workspace-write"
`
	}
	return `{
  // my settings
  "theme": "dark",
  "` + c.Key + `": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"] // official
    }
  },
  "other": [1, 2, 3]
}
`
}

func malformed(c Client) (text string, line int) {
	if c.format == formatTOML {
		return "model = \"gpt-5\"\n\n[mcp_servers.github\ncommand = \"npx\"\n", 3
	}
	return "{\n  \"theme\": \"dark\"\n  \"" + c.Key + "\": {}\n}\n", 3
}

func writeFile(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPaths(t *testing.T) {
	tests := []struct {
		client, goos string
		project      bool
		want         string // relative to the temp root
	}{
		{"cursor", "linux", false, "home/.cursor/mcp.json"},
		{"cursor", "windows", false, "home/.cursor/mcp.json"},
		{"cursor", "darwin", true, "project/.cursor/mcp.json"},
		{"claude-desktop", "darwin", false, "home/Library/Application Support/Claude/claude_desktop_config.json"},
		{"claude-desktop", "windows", false, "appdata/Claude/claude_desktop_config.json"},
		{"claude-desktop", "linux", false, "xdg/Claude/claude_desktop_config.json"},
		{"vscode", "darwin", false, "home/Library/Application Support/Code/User/mcp.json"},
		{"vscode", "windows", false, "appdata/Code/User/mcp.json"},
		{"vscode", "linux", false, "xdg/Code/User/mcp.json"},
		{"vscode", "linux", true, "project/.vscode/mcp.json"},
		{"claude-code", "linux", false, "home/.claude.json"},
		{"claude-code", "windows", false, "home/.claude.json"},
		{"claude-code", "darwin", true, "project/.mcp.json"},
		{"windsurf", "darwin", false, "home/.codeium/windsurf/mcp_config.json"},
		{"windsurf", "windows", false, "home/.codeium/windsurf/mcp_config.json"},
		{"codex", "linux", false, "home/.codex/config.toml"},
		{"codex", "windows", true, "project/.codex/config.toml"},
		{"gemini", "linux", false, "home/.gemini/settings.json"},
		{"gemini", "darwin", true, "project/.gemini/settings.json"},
		{"zed", "linux", false, "xdg/zed/settings.json"},
		{"zed", "darwin", false, "home/.config/zed/settings.json"},
		{"zed", "windows", false, "appdata/Zed/settings.json"},
		{"zed", "linux", true, "project/.zed/settings.json"},
	}
	for _, tt := range tests {
		t.Run(tt.client+"/"+tt.goos, func(t *testing.T) {
			env := testEnv(t, tt.goos)
			c, err := Lookup(tt.client)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Path(env, tt.project)
			if err != nil {
				t.Fatal(err)
			}
			root := filepath.Dir(env.Dir)
			if want := filepath.Join(root, filepath.FromSlash(tt.want)); got != want {
				t.Errorf("Path = %s, want %s", got, want)
			}
		})
	}
}

func TestPathOverrides(t *testing.T) {
	vars := map[string]string{"HOME": "/h", "CODEX_HOME": "/codex", "CLAUDE_CONFIG_DIR": "/cc",
		"FLATPAK_XDG_CONFIG_HOME": "/flat", "XDG_CONFIG_HOME": "relative/ignored", "GEMINI_CLI_HOME": "/gem"}
	env := Env{OS: "linux", Getenv: func(k string) string { return vars[k] }}
	for id, want := range map[string]string{
		"codex":          "/codex/config.toml",
		"claude-code":    "/cc/.claude.json",
		"gemini":         "/gem/.gemini/settings.json", // Gemini CLI's home when set
		"zed":            "/flat/zed/settings.json",
		"claude-desktop": "/h/.config/Claude/claude_desktop_config.json", // a relative XDG_CONFIG_HOME is ignored
	} {
		c, _ := Lookup(id)
		if got, err := c.Path(env, false); err != nil || got != filepath.FromSlash(want) {
			t.Errorf("%s: Path = %q, %v; want %q", id, got, err, want)
		}
	}
	// Windows without %APPDATA% falls back to the profile's roaming folder.
	env = Env{OS: "windows", Getenv: func(k string) string { return map[string]string{"USERPROFILE": "/u"}[k] }}
	c, _ := Lookup("claude-desktop")
	if got, _ := c.Path(env, false); got != filepath.FromSlash("/u/AppData/Roaming/Claude/claude_desktop_config.json") {
		t.Errorf("Path = %s", got)
	}
	if _, err := c.Path(Env{OS: "linux", Getenv: func(string) string { return "" }}, false); err == nil {
		t.Error("no home: want an error")
	}
}

// TestClaudeCodeLegacyFile: Claude Code reads its user servers from the
// older .config.json in its folder (~/.claude, or $CLAUDE_CONFIG_DIR)
// instead of .claude.json while that file holds anything, or, empty, while
// .claude.json does not exist; install writes the file it reads, and says
// so.
func TestClaudeCodeLegacyFile(t *testing.T) {
	c, _ := Lookup("claude-code")
	env := testEnv(t, "linux")
	home := env.getenv("HOME")
	usual, legacy := filepath.Join(home, ".claude.json"), filepath.Join(home, ".claude", ".config.json")
	path := func() string {
		t.Helper()
		p, err := c.Path(env, false)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if got := path(); got != usual {
		t.Fatalf("no legacy file: Path = %s, want %s", got, usual)
	}
	if note := c.PathNote(env, false); note != "" {
		t.Errorf("no legacy file: note %q", note)
	}
	writeFile(t, legacy, "", 0o600)
	if got := path(); got != legacy {
		t.Errorf("empty legacy file, no .claude.json: Path = %s, want %s", got, legacy)
	}
	writeFile(t, usual, "{}\n", 0o600)
	if got := path(); got != usual {
		t.Errorf("empty legacy file beside .claude.json: Path = %s, want %s", got, usual)
	}
	writeFile(t, legacy, `{"numStartups": 3}`+"\n", 0o600)
	if got := path(); got != legacy {
		t.Fatalf("legacy file with settings: Path = %s, want %s", got, legacy)
	}
	if note := c.PathNote(env, false); !strings.Contains(note, legacy) || !strings.Contains(note, usual) {
		t.Errorf("note %q, want it to name %s and %s", note, legacy, usual)
	}
	if note := c.PathNote(env, true); note != "" {
		t.Errorf("project: note %q", note)
	}
	if _, err := c.Install(path(), testEntry("acme"), Options{}); err != nil {
		t.Fatal(err)
	}
	wantEntry(t, c, readFile(t, legacy), testEntry("acme"))
	if got := string(readFile(t, usual)); got != "{}\n" {
		t.Errorf(".claude.json changed: %q", got)
	}

	// The same in $CLAUDE_CONFIG_DIR, and under the file name of a custom
	// OAuth server.
	dir := t.TempDir()
	vars := map[string]string{"HOME": home, "CLAUDE_CONFIG_DIR": dir, "CLAUDE_CODE_CUSTOM_OAUTH_URL": "https://auth.example.com"}
	env = Env{OS: "linux", Getenv: func(k string) string { return vars[k] }}
	if got, want := path(), filepath.Join(dir, ".claude-custom-oauth.json"); got != want {
		t.Errorf("custom OAuth: Path = %s, want %s", got, want)
	}
	writeFile(t, filepath.Join(dir, ".config.json"), "{}", 0o600)
	if got, want := path(), filepath.Join(dir, ".config.json"); got != want {
		t.Errorf("legacy file in CLAUDE_CONFIG_DIR: Path = %s, want %s", got, want)
	}
}

// TestClaudeDesktopMSIX: with the Microsoft Store package of Claude Desktop
// installed, the file is the one inside the package folder, which is what
// the app reads; the classic file is named when it exists too.
func TestClaudeDesktopMSIX(t *testing.T) {
	env := testEnv(t, "windows")
	root := filepath.Dir(env.Dir)
	c, _ := Lookup("claude-desktop")
	classic := filepath.Join(root, "appdata", "Claude", "claude_desktop_config.json")
	if got, _ := c.Path(env, false); got != classic {
		t.Fatalf("no package: Path = %s, want %s", got, classic)
	}
	if note := c.PathNote(env, false); note != "" {
		t.Errorf("no package: note %q", note)
	}
	pkg := filepath.Join(root, "localappdata", "Packages", "Claude_pzs8sxrjxfjjc")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(pkg, "LocalCache", "Roaming", "Claude", "claude_desktop_config.json")
	got, err := c.Path(env, false)
	if err != nil || got != want {
		t.Fatalf("package: Path = %s, %v; want %s", got, err, want)
	}
	if note := c.PathNote(env, false); note != "" {
		t.Errorf("no classic file: note %q", note)
	}
	res, err := c.Install(got, testEntry("acme"), Options{})
	if err != nil || res.Action != Added {
		t.Fatalf("Install = %+v, %v", res, err)
	}
	wantEntry(t, c, readFile(t, want), testEntry("acme"))

	writeFile(t, classic, "{}\n", 0o600)
	if note := c.PathNote(env, false); !strings.Contains(note, "Microsoft Store") || !strings.Contains(note, classic) {
		t.Errorf("both files: note %q, want it to name the store package and %s", note, classic)
	}
	if note := c.PathNote(testEnv(t, "darwin"), false); note != "" {
		t.Errorf("macOS: note %q", note)
	}
}

func TestProjectUnsupported(t *testing.T) {
	for _, id := range []string{"claude-desktop", "windsurf"} {
		c, _ := Lookup(id)
		_, err := c.Path(testEnv(t, "linux"), true)
		if !errors.Is(err, ErrNoProjectFile) {
			t.Fatalf("%s: err = %v, want ErrNoProjectFile", id, err)
		}
		for _, p := range ProjectIDs() {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("%s: error %q does not name %s", id, err, p)
			}
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	_, err := Lookup("notepad")
	if err == nil || !strings.Contains(err.Error(), "claude-desktop") {
		t.Fatalf("err = %v, want the list of clients", err)
	}
}

// TestEveryClient runs the whole life cycle on every client and OS.
func TestEveryClient(t *testing.T) {
	for _, c := range Clients() {
		for _, goos := range []string{"linux", "darwin", "windows"} {
			t.Run(c.ID+"/"+goos, func(t *testing.T) { lifeCycle(t, c, goos) })
		}
	}
}

func lifeCycle(t *testing.T, c Client, goos string) {
	env := testEnv(t, goos)
	path, err := c.Path(env, false)
	if err != nil {
		t.Fatal(err)
	}
	e := testEntry("acme")

	// Dry run on a missing file writes nothing.
	res, err := c.Install(path, e, Options{DryRun: true})
	if err != nil || res.Action != Added {
		t.Fatalf("dry run: %v, %v", res.Action, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("dry run created %s", path)
	}
	wantEntry(t, c, res.After, e)

	// Fresh file: created with its directories, no backup.
	res, err = c.Install(path, e, Options{})
	if err != nil || res.Action != Added || res.Backup != "" {
		t.Fatalf("fresh: %+v, %v", res.Action, err)
	}
	first := readFile(t, path)
	wantEntry(t, c, first, e)
	// Windows has no Unix permission bits to check.
	if fi, _ := os.Stat(filepath.Dir(path)); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("created directory mode = %v, want 0700", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("new file mode = %v, want 0600", fi.Mode().Perm())
	}

	// Twice in a row: byte-identical, nothing written.
	res, err = c.Install(path, e, Options{})
	if err != nil || res.Action != Unchanged {
		t.Fatalf("second run: %v, %v", res.Action, err)
	}
	if !bytes.Equal(readFile(t, path), first) {
		t.Fatal("second run changed the file")
	}
	if _, err := os.Stat(path + ".bak"); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("an unchanged run wrote a backup")
	}

	// Uninstall removes it, and the file install created with it: it
	// holds nothing else. No backup of it is left either.
	res, err = c.Uninstall(path, "acme", testCommand, Options{DryRun: true})
	if err != nil || res.Action != Removed || !res.Deleted {
		t.Fatalf("uninstall --dry-run: %v, deleted %v, %v", res.Action, res.Deleted, err)
	}
	if !bytes.Equal(readFile(t, path), first) {
		t.Fatal("a dry run changed the file")
	}
	res, err = c.Uninstall(path, "acme", testCommand, Options{})
	if err != nil || res.Action != Removed || !res.Deleted || res.Backup != "" {
		t.Fatalf("uninstall: %v, deleted %v, backup %q, %v", res.Action, res.Deleted, res.Backup, err)
	}
	for _, p := range []string{path, path + ".bak"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is left after uninstall: %v", p, err)
		}
	}
	res, err = c.Uninstall(path, "acme", testCommand, Options{})
	if err != nil || res.Action != Absent {
		t.Fatalf("uninstall again: %v, %v", res.Action, err)
	}
}

// TestMergeKeepsEverything installs into a file with other servers,
// settings and comments: only our entry is added, and uninstalling gives the
// original bytes back.
func TestMergeKeepsEverything(t *testing.T) {
	for _, c := range Clients() {
		t.Run(c.ID, func(t *testing.T) {
			env := testEnv(t, "linux")
			path, _ := c.Path(env, false)
			orig := existing(c)
			writeFile(t, path, orig, 0o640)
			e := testEntry("acme")

			res, err := c.Install(path, e, Options{})
			if err != nil || res.Action != Added {
				t.Fatalf("install: %v, %v", res.Action, err)
			}
			after := readFile(t, path)
			wantEntry(t, c, after, e)
			servers := serversOf(t, c, after)
			if servers["github"]["command"] != "npx" {
				t.Errorf("github entry lost: %v", servers["github"])
			}
			for _, keep := range []string{"my settings", "// official", "Codex settings", "# from npm", "# sandbox settings", `"theme": "dark"`, `"other": [1, 2, 3]`, `mode = "workspace-write"`} {
				if strings.Contains(orig, keep) && !strings.Contains(string(after), keep) {
					t.Errorf("lost %q:\n%s", keep, after)
				}
			}
			// Every original line is still there, in order.
			if !linesInOrder(orig, string(after)) {
				t.Errorf("original lines changed:\n%s", after)
			}
			if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o640 { // no Unix modes on Windows
				t.Errorf("mode = %v, want 0640 kept", fi.Mode().Perm())
			}
			if b := readFile(t, path+".bak"); string(b) != orig {
				t.Errorf(".bak = %q, want the previous version", b)
			}

			// Twice: byte-identical.
			if _, err := c.Install(path, e, Options{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(readFile(t, path), after) {
				t.Fatal("second install changed the file")
			}

			// Uninstall: byte-identical to the original.
			if _, err := c.Uninstall(path, "acme", testCommand, Options{}); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, path); string(got) != orig {
				t.Errorf("after uninstall:\n%s\nwant the original:\n%s", got, orig)
			}
			if b := readFile(t, path+".bak"); !bytes.Equal(b, after) {
				t.Error(".bak is not the version before uninstall")
			}
		})
	}
}

// linesInOrder reports whether every line of a appears in b, in order
// (a line may have gained a trailing comma).
func linesInOrder(a, b string) bool {
	bl := strings.Split(b, "\n")
	j := 0
	for _, l := range strings.Split(a, "\n") {
		for j < len(bl) && bl[j] != l && bl[j] != l+"," {
			j++
		}
		if j == len(bl) {
			return false
		}
		j++
	}
	return true
}

func TestMalformedUntouched(t *testing.T) {
	for _, c := range Clients() {
		t.Run(c.ID, func(t *testing.T) {
			env := testEnv(t, "linux")
			path, _ := c.Path(env, false)
			text, line := malformed(c)
			writeFile(t, path, text, 0o644)
			for _, run := range []func() error{
				func() error { _, err := c.Install(path, testEntry("acme"), Options{}); return err },
				func() error { _, err := c.Install(path, testEntry("acme"), Options{Force: true}); return err },
				func() error { _, err := c.Uninstall(path, "github", "npx", Options{Force: true}); return err },
			} {
				err := run()
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("err = %v, want a ParseError", err)
				}
				msg := err.Error()
				if !strings.Contains(msg, path) || !strings.Contains(msg, "line "+itoa(line)) {
					t.Errorf("error %q does not name the file and line %d", msg, line)
				}
			}
			if got := readFile(t, path); string(got) != text {
				t.Error("malformed file was changed")
			}
			if _, err := os.Stat(path + ".bak"); !errors.Is(err, os.ErrNotExist) {
				t.Error("a backup was written for a file that was not changed")
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestForce(t *testing.T) {
	for _, c := range Clients() {
		t.Run(c.ID, func(t *testing.T) {
			env := testEnv(t, "linux")
			path, _ := c.Path(env, false)
			other := Entry{Name: "acme", Command: "/usr/bin/other-server", Args: []string{"--stdio"}}
			if _, err := c.Install(path, other, Options{}); err != nil {
				t.Fatal(err)
			}
			before := readFile(t, path)

			_, err := c.Install(path, testEntry("acme"), Options{})
			var ce *ConflictError
			if !errors.As(err, &ce) || ce.Command != "/usr/bin/other-server" {
				t.Fatalf("err = %v, want a ConflictError naming the other command", err)
			}
			if _, err := c.Uninstall(path, "acme", testCommand, Options{}); !errors.As(err, &ce) {
				t.Fatalf("uninstall of another program's entry: err = %v, want a ConflictError", err)
			}
			if !bytes.Equal(readFile(t, path), before) {
				t.Fatal("refused change modified the file")
			}

			res, err := c.Install(path, testEntry("acme"), Options{Force: true})
			if err != nil || res.Action != Updated || res.Replaced != "/usr/bin/other-server" {
				t.Fatalf("force: %+v, %v", res, err)
			}
			wantEntry(t, c, readFile(t, path), testEntry("acme"))

			// Our own entry from an older location is updated without --force.
			moved := testEntry("acme")
			moved.Command = "/usr/local/Cellar/restmcp/2.0/bin/restmcp"
			res, err = c.Install(path, moved, Options{})
			if err != nil || res.Action != Updated {
				t.Fatalf("moved binary: %v, %v", res.Action, err)
			}
			wantEntry(t, c, readFile(t, path), moved)
		})
	}
}

func TestDryRunExistingFile(t *testing.T) {
	c, _ := Lookup("cursor")
	env := testEnv(t, "darwin")
	path, _ := c.Path(env, false)
	writeFile(t, path, existing(c), 0o644)
	res, err := c.Install(path, testEntry("acme"), Options{DryRun: true})
	if err != nil || !res.Changed() {
		t.Fatalf("%v, %v", res.Action, err)
	}
	if string(readFile(t, path)) != existing(c) {
		t.Fatal("dry run wrote the file")
	}
	if _, err := os.Stat(path + ".bak"); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("dry run wrote a backup")
	}
	if _, err := c.Uninstall(path, "github", "npx", Options{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if string(readFile(t, path)) != existing(c) {
		t.Fatal("uninstall dry run wrote the file")
	}
}

// TestJSONShapes checks the exact text written in common layouts.
func TestJSONShapes(t *testing.T) {
	cursor, _ := Lookup("cursor")
	vscode, _ := Lookup("vscode")
	zed, _ := Lookup("zed")
	tests := []struct {
		name string
		c    Client
		in   string
		want string
	}{
		{"fresh", cursor, "", `{
  "mcpServers": {
    "acme": {
      "command": "/opt/restmcp/bin/restmcp",
      "args": ["serve", "--profile", "acme"]
    }
  }
}
`},
		{"empty object", cursor, "{}", `{
  "mcpServers": {
    "acme": {
      "command": "/opt/restmcp/bin/restmcp",
      "args": ["serve", "--profile", "acme"]
    }
  }
}`},
		{"tabs and a trailing comma", vscode, "{\n\t\"servers\": {\n\t\t\"x\": {\"type\": \"stdio\", \"command\": \"x\"},\n\t},\n}\n", "{\n\t\"servers\": {\n\t\t\"x\": {\"type\": \"stdio\", \"command\": \"x\"},\n\t\t\"acme\": {\n\t\t\t\"type\": \"stdio\",\n\t\t\t\"command\": \"/opt/restmcp/bin/restmcp\",\n\t\t\t\"args\": [\"serve\", \"--profile\", \"acme\"]\n\t\t},\n\t},\n}\n"},
		{"four spaces, comment after the last value", zed, "{\n    \"theme\": \"One Dark\" // dark\n}\n", `{
    "theme": "One Dark", // dark
    "context_servers": {
        "acme": {
            "source": "custom",
            "command": "/opt/restmcp/bin/restmcp",
            "args": ["serve", "--profile", "acme"]
        }
    }
}
`},
		{"one line", cursor, `{"mcpServers": {"x": {"command": "x"}}}`, `{"mcpServers": {"x": {"command": "x"},
  "acme": {
    "command": "/opt/restmcp/bin/restmcp",
    "args": ["serve", "--profile", "acme"]
  }
}}`},
		{"blank, crlf", cursor, "\r\n", "{\r\n  \"mcpServers\": {\r\n    \"acme\": {\r\n      \"command\": \"/opt/restmcp/bin/restmcp\",\r\n      \"args\": [\"serve\", \"--profile\", \"acme\"]\r\n    }\r\n  }\r\n}\r\n"},
		{"crlf", cursor, "{\r\n  \"a\": 1\r\n}\r\n", "{\r\n  \"a\": 1,\r\n  \"mcpServers\": {\r\n    \"acme\": {\r\n      \"command\": \"/opt/restmcp/bin/restmcp\",\r\n      \"args\": [\"serve\", \"--profile\", \"acme\"]\r\n    }\r\n  }\r\n}\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.jsonUpsert("f.json", []byte(tt.in), testEntry("acme"), false)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestJSONRemoveShapes(t *testing.T) {
	cursor, _ := Lookup("cursor")
	tests := []struct{ name, in, want string }{
		{"only member", "{\n  \"mcpServers\": {\n    \"acme\": {\"command\": \"x\"}\n  }\n}\n", "{\n  \"mcpServers\": {}\n}\n"},
		{"first of two", "{\"mcpServers\": {\n  \"acme\": {\"command\": \"x\"}, // ours\n  \"b\": {}\n}}", "{\"mcpServers\": {\n  \"b\": {}\n}}"},
		{"last with trailing comma", "{\"mcpServers\": {\n  \"b\": {},\n  \"acme\": {\"command\": \"x\"},\n}}", "{\"mcpServers\": {\n  \"b\": {},\n}}"},
		{"same line", `{"mcpServers": {"b": 1, "acme": {"command": "x"}, "c": 2}}`, `{"mcpServers": {"b": 1, "c": 2}}`},
		{"crlf", "{\r\n  \"a\": 1,\r\n  \"mcpServers\": {\r\n    \"b\": {},\r\n    \"acme\": {\"command\": \"x\"}\r\n  }\r\n}\r\n", "{\r\n  \"a\": 1,\r\n  \"mcpServers\": {\r\n    \"b\": {}\r\n  }\r\n}\r\n"},
		{"bom", "\ufeff{\"mcpServers\": {\"acme\": {}, \"b\": 1}}", "\ufeff{\"mcpServers\": {\"b\": 1}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := cursor.jsonRemove("f.json", []byte(tt.in), "acme")
			if err != nil || !ok {
				t.Fatal(ok, err)
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%q\nwant:\n%q", got, tt.want)
			}
		})
	}
}

func TestTOMLShapes(t *testing.T) {
	codex, _ := Lookup("codex")
	e := testEntry("acme")
	e.Command = `C:\Program Files\restmcp\restmcp.exe`
	got, err := codex.tomlUpsert("config.toml", []byte("model = \"o3\""), e, false)
	if err != nil {
		t.Fatal(err)
	}
	want := "model = \"o3\"\n\n[mcp_servers.acme]\ncommand = \"C:\\\\Program Files\\\\restmcp\\\\restmcp.exe\"\nargs = [\"serve\", \"--profile\", \"acme\"]\n"
	if string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// Sub-tables of ours go with it on uninstall; a server defined inline is
	// not edited.
	in := "[mcp_servers.acme]\ncommand = \"x\"\nargs = [\"serve\"]\n\n[mcp_servers.acme.env]\nA = \"1\"\n\n[other]\nb = 2\n"
	out, _, err := codex.tomlRemove("config.toml", []byte(in), "acme")
	if err != nil || string(out) != "[other]\nb = 2\n" {
		t.Errorf("remove: %q, %v", out, err)
	}
	// Another program's entry written inline goes, and ours is added as a
	// table.
	inline := "[mcp_servers]\nacme = { command = \"x\", args = [\"serve\"] } # x\nother = { command = \"npx\" }\n"
	out, err = codex.tomlUpsert("config.toml", []byte(inline), testEntry("acme"), false)
	if want := "[mcp_servers]\nother = { command = \"npx\" }\n\n[mcp_servers.acme]\ncommand = \"/opt/restmcp/bin/restmcp\"\nargs = [\"serve\", \"--profile\", \"acme\"]\n"; err != nil || string(out) != want {
		t.Errorf("inline: %q, %v\nwant %q", out, err, want)
	}
}

func TestSnippet(t *testing.T) {
	for _, c := range Clients() {
		b, err := c.Snippet(testEntry("acme"))
		if err != nil {
			t.Fatal(err)
		}
		wantEntry(t, c, b, testEntry("acme"))
	}
	c, _ := Lookup("cursor")
	if _, err := c.Snippet(Entry{Name: "has space", Command: "/x"}); err == nil {
		t.Error("a name with a space was accepted")
	}
}

func TestSymlinkedConfigStaysALink(t *testing.T) {
	c, _ := Lookup("cursor")
	env := testEnv(t, "linux")
	path, _ := c.Path(env, false)
	real := filepath.Join(filepath.Dir(env.Dir), "dotfiles", "mcp.json")
	writeFile(t, real, "{}\n", 0o644)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, path); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, err := c.Install(path, testEntry("acme"), Options{}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(path); fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the link was replaced by a file")
	}
	wantEntry(t, c, readFile(t, real), testEntry("acme"))
}

func TestStablePath(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "Cellar", "restmcp")
	writeFile(t, real, "bin", 0o755)
	link := filepath.Join(dir, "bin", "restmcp")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	other := filepath.Join(dir, "other")
	writeFile(t, other, "other", 0o755)
	if got := StablePath(real, "", other, link); got != link {
		t.Errorf("StablePath = %s, want the link %s", got, link)
	}
	if got := StablePath(real, other); got != real {
		t.Errorf("StablePath = %s, want the executable", got)
	}
}

// TestTOMLRoundTripCRLF: install then uninstall gives the original bytes back
// in a Windows-edited file.
func TestTOMLRoundTripCRLF(t *testing.T) {
	codex, _ := Lookup("codex")
	for _, orig := range []string{
		"# settings\r\nmodel = \"o3\"\r\n",
		"[mcp_servers.x]\r\ncommand = \"y\"\r\n\r\n# tui\r\n[tui]\r\nx = 1\r\n",
	} {
		in, err := codex.tomlUpsert("c.toml", []byte(orig), testEntry("acme"), false)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ReplaceAll(string(in), "\r\n", ""), "\n") {
			t.Errorf("bare LF written into a CRLF file: %q", in)
		}
		out, _, err := codex.tomlRemove("c.toml", in, "acme")
		if err != nil || string(out) != orig {
			t.Errorf("round trip: %q, %v; want %q", out, err, orig)
		}
	}
}

// TestUpdateKeepsWhatTheUserAdded updates an entry whose command moved:
// restmcp's command and arguments change, every other key and extra
// argument the user added stays.
func TestUpdateKeepsWhatTheUserAdded(t *testing.T) {
	cursor, _ := Lookup("cursor")
	vscode, _ := Lookup("vscode")
	codex, _ := Lookup("codex")
	tests := []struct {
		name    string
		c       Client
		in, out string
	}{
		{"json", cursor, `{
  "mcpServers": {
    "acme": {
      "command": "/old/bin/restmcp",
      "args": ["serve", "--read-only", "--profile", "acme", "--layout", "search"],
      "disabled": true, // switched off
      "env": {"HTTPS_PROXY": "http://proxy:3128"}
    }
  }
}
`, `{
  "mcpServers": {
    "acme": {
      "command": "/opt/restmcp/bin/restmcp",
      "args": ["serve", "--profile", "acme", "--read-only", "--layout", "search"],
      "disabled": true, // switched off
      "env": {"HTTPS_PROXY": "http://proxy:3128"}
    }
  }
}
`},
		{"json, missing type added", vscode, `{"servers": {"acme": {"command": "/old/restmcp", "args": ["serve", "-p=acme", "--tag", "pets"], "envFile": ".env"}}}`,
			`{"servers": {"acme": {"command": "/opt/restmcp/bin/restmcp", "args": ["serve", "--profile", "acme", "--tag", "pets"], "envFile": ".env",
  "type": "stdio"
}}}`},
		{"toml", codex, `[mcp_servers.acme]
command = "/old/bin/restmcp"
# slow API
startup_timeout_sec = 30
args = [
  "serve", "--profile", "acme",
  "--read-only",
]
enabled = false

[mcp_servers.acme.env]
HTTPS_PROXY = "http://proxy:3128"
`, `[mcp_servers.acme]
command = "/opt/restmcp/bin/restmcp"
# slow API
startup_timeout_sec = 30
args = [
  "serve", "--profile", "acme",
  "--read-only",
]
enabled = false

[mcp_servers.acme.env]
HTTPS_PROXY = "http://proxy:3128"
`},
		{"toml, arguments changed", codex, "[mcp_servers.acme]\nargs = [\n  \"serve\", \"-p\", \"acme\", # short\n  \"--read-only\",\n]\ncommand = 'restmcp' # on PATH\nstartup_timeout_sec = 30\n",
			"[mcp_servers.acme]\nargs = [\n  \"serve\", \"--profile\", \"acme\", # short\n  \"--read-only\",\n]\ncommand = \"/opt/restmcp/bin/restmcp\" # on PATH\nstartup_timeout_sec = 30\n"},
		{"toml, arguments reordered and added", codex, "[mcp_servers.acme]\nargs = [\n  \"serve\", # ours\n  \"--read-only\", \"--profile=acme\", # mine\n]\ncommand = 'restmcp'\n",
			"[mcp_servers.acme]\nargs = [\n  \"serve\", # ours\n  \"--profile\",\n  \"acme\",\n  \"--read-only\", # mine\n]\ncommand = \"/opt/restmcp/bin/restmcp\"\n"},
		{"json, arguments on lines of their own", cursor, "{\"mcpServers\": {\"acme\": {\"command\": \"/opt/restmcp/bin/restmcp\", \"args\": [\n  \"serve\", \"-p\", \"acme\", // ours\n  \"--read-only\" // mine\n]}}}",
			"{\"mcpServers\": {\"acme\": {\"command\": \"/opt/restmcp/bin/restmcp\", \"args\": [\n  \"serve\", \"--profile\", \"acme\", // ours\n  \"--read-only\" // mine\n]}}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f")
			writeFile(t, path, tt.in, 0o600)
			res, err := tt.c.Install(path, testEntry("acme"), Options{})
			if err != nil || res.Action != Updated {
				t.Fatalf("install: %v, %v", res.Action, err)
			}
			if got := string(readFile(t, path)); got != tt.out {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.out)
			}
			// Again: nothing to change, extras and all.
			if res, err := tt.c.Install(path, testEntry("acme"), Options{}); err != nil || res.Action != Unchanged {
				t.Errorf("second install: %v, %v", res.Action, err)
			}
		})
	}
}

func TestMergeArgs(t *testing.T) {
	ours := []string{"serve", "--profile", "acme"}
	tests := []struct{ old, want []string }{
		{nil, ours},
		{[]string{"serve", "--profile", "old", "--read-only"}, []string{"serve", "--profile", "acme", "--read-only"}},
		{[]string{"serve", "--profile=old", "-v"}, []string{"serve", "--profile", "acme", "-v"}},
		{[]string{"serve", "-p", "old", "-pother"}, ours},
		{[]string{"serve", "--read-only"}, []string{"serve", "--profile", "acme", "--read-only"}},
		{[]string{"-y", "@some/server"}, ours},
	}
	for _, tt := range tests {
		if got := mergeArgs(tt.old, ours); !equalStrings(got, tt.want) {
			t.Errorf("mergeArgs(%q) = %q, want %q", tt.old, got, tt.want)
		}
	}
}

// TestInstallUninstallRoundTrip: uninstall after install gives back the
// original bytes, for files whose shape install has to add to.
func TestInstallUninstallRoundTrip(t *testing.T) {
	cursor, _ := Lookup("cursor")
	vscode, _ := Lookup("vscode")
	codex, _ := Lookup("codex")
	roundTrip(t, false, []roundTripCase{
		{"trailing comma after the last server", cursor, "{\n  \"mcpServers\": {\n    \"github\": {\"command\": \"npx\"},\n  }\n}\n"},
		{"trailing comma on one line", vscode, "{\"servers\": {\"x\": {\"type\": \"stdio\", \"command\": \"x\"},\n}}\n"},
		{"only inputs", vscode, "{\n  \"inputs\": []\n}\n"},
		{"an empty servers object stays", vscode, "{\n  \"servers\": {},\n  \"inputs\": []\n}\n"},
		{"nothing but {}", cursor, "{}\n"},
		{"no servers, no newline at the end", cursor, `{"other": 1}`},
		{"servers on one line", cursor, `{"mcpServers": {"a": {"command":"x"}}}`},
		{"an empty file", cursor, ""},
		{"a codex table right before an array of tables", codex, "[mcp_servers.other]\ncommand = \"x\"\n[[profiles]]\nname = \"p\"\n"},
	})
}

type roundTripCase struct {
	name string
	c    Client
	in   string
}

// roundTrip installs into each file then uninstalls, without the backup
// when withoutBackup, and wants the original bytes back.
func roundTrip(t *testing.T, withoutBackup bool, tests []roundTripCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config")
			writeFile(t, path, tt.in, 0o600)
			if res, err := tt.c.Install(path, testEntry("acme"), Options{}); err != nil || res.Action != Added {
				t.Fatalf("install: %v, %v", res.Action, err)
			}
			wantEntry(t, tt.c, readFile(t, path), testEntry("acme"))
			if withoutBackup {
				if err := os.Remove(path + ".bak"); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := tt.c.Uninstall(path, "acme", testCommand, Options{}); err != nil {
				t.Fatal(err)
			}
			if got := string(readFile(t, path)); got != tt.in {
				t.Errorf("after uninstall:\n%q\nwant the original:\n%q", got, tt.in)
			}
		})
	}
}

// TestUninstallWithoutBackupLeavesNoTrace: when the backup is not the
// version before install (gone, or edited since), uninstall removes the
// entry alone, and what install added around it (a blank line above a
// TOML table, a closing brace moved to a line of its own) goes too.
func TestUninstallWithoutBackupLeavesNoTrace(t *testing.T) {
	cursor, _ := Lookup("cursor")
	vscode, _ := Lookup("vscode")
	codex, _ := Lookup("codex")
	roundTrip(t, true, []roundTripCase{
		{"JSON, servers on the brace's line", cursor, "{\n  \"mcpServers\": {\"github\": {\"command\": \"npx\"}},\n  \"theme\": \"dark\"\n}\n"},
		{"JSON, servers on lines of their own", cursor, "{\n  \"mcpServers\": {\n    \"github\": {\n      \"command\": \"npx\"\n    }\n  },\n\n  \"theme\": \"dark\"\n}\n"},
		{"JSONC with comments", vscode, "{\n  // servers\n  \"servers\": {\"github\": {\"command\": \"npx\"}}, // mine\n  /* theme */\n  \"theme\": \"dark\",\n}\n"},
		{"JSONC, a comment after the last server", vscode, "{\n  \"servers\": {\n    \"github\": {\"command\": \"npx\"}, // npm\n    // more to come\n  },\n}\n"},
		{"TOML, a table right after the servers", codex, "model = \"x\"\n\n[mcp_servers.github]\ncommand = \"npx\"\n[sandbox]\nmode = \"w\"\n"},
		{"TOML, a comment after the servers", codex, "[mcp_servers.github]\ncommand = \"npx\" # npm\n# the end\n"},
		{"TOML with CRLF", codex, "[mcp_servers.github]\r\ncommand = \"npx\"\r\n[sandbox]\r\nmode = \"w\"\r\n"},
	})
}

// TestUninstallKeepsEditsMadeAfterInstall: the version before install is
// given back only when the file is still exactly what install wrote; an
// edit made since stays.
func TestUninstallKeepsEditsMadeAfterInstall(t *testing.T) {
	cursor, _ := Lookup("cursor")
	path := filepath.Join(t.TempDir(), "mcp.json")
	writeFile(t, path, `{"other": 1}`, 0o600)
	if _, err := cursor.Install(path, testEntry("acme"), Options{}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, strings.Replace(string(readFile(t, path)), `"other": 1`, `"other": 2`, 1), 0o600)
	if _, err := cursor.Uninstall(path, "acme", testCommand, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := string(readFile(t, path)); !strings.Contains(got, `"other": 2`) || strings.Contains(got, "acme") {
		t.Errorf("after uninstall:\n%s", got)
	}
}

// TestTOMLInlineServers: servers written as one inline table are not
// edited, and the message says how to add ours.
func TestTOMLInlineServers(t *testing.T) {
	codex, _ := Lookup("codex")
	path := filepath.Join(t.TempDir(), "config.toml")
	in := "model = \"o3\"\nmcp_servers = { other = { command = \"x\" } }\n"
	writeFile(t, path, in, 0o600)
	_, err := codex.Install(path, testEntry("acme"), Options{})
	if err == nil || strings.Contains(err.Error(), "internal error") || !strings.Contains(err.Error(), "inline") || !strings.Contains(err.Error(), "[mcp_servers.acme]") {
		t.Fatalf("err = %v", err)
	}
	if got := string(readFile(t, path)); got != in {
		t.Errorf("file changed:\n%s", got)
	}
}

// Parallel installs into one file each keep their entry: every
// read-modify-write holds the file's lock and reads under it.
func TestParallelInstallsKeepEveryEntry(t *testing.T) {
	c, err := Lookup("cursor")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "mcp.json")
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Install(path, testEntry(fmt.Sprintf("p%d", i)), Options{FileMode: 0o600}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var cfg struct {
		MCPServers map[string]any `json:"mcpServers"`
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.MCPServers) != 20 {
		t.Errorf("%d entries after 20 parallel installs, want 20", len(cfg.MCPServers))
	}
}

// TestRemoteEntries writes a URL entry for every client that takes one, in
// its own shape, with no secret in the file; the others refuse.
func TestRemoteEntries(t *testing.T) {
	const u = "https://mcp.example.com/mcp"
	e := Entry{Name: "acme", URL: u, Headers: []Header{{Name: "Authorization", Env: "RESTMCP_HEADER_AUTHORIZATION"}}}
	want := map[string]map[string]any{
		"cursor":      {"url": u, "headers": map[string]any{"Authorization": "${env:RESTMCP_HEADER_AUTHORIZATION}"}},
		"vscode":      {"type": "http", "url": u, "headers": map[string]any{"Authorization": "${input:acme-authorization}"}},
		"claude-code": {"type": "http", "url": u, "headers": map[string]any{"Authorization": "${RESTMCP_HEADER_AUTHORIZATION}"}},
		"windsurf":    {"serverUrl": u, "headers": map[string]any{"Authorization": "${env:RESTMCP_HEADER_AUTHORIZATION}"}},
		"gemini":      {"httpUrl": u, "headers": map[string]any{"Authorization": "${RESTMCP_HEADER_AUTHORIZATION}"}},
	}
	for _, c := range Clients() {
		t.Run(c.ID, func(t *testing.T) {
			path, err := c.Path(testEnv(t, "linux"), false)
			if err != nil {
				t.Fatal(err)
			}
			w, ok := want[c.ID]
			if !ok {
				if _, err := c.Install(path, e, Options{}); err == nil || !strings.Contains(err.Error(), "--url does not work with "+c.ID) {
					t.Fatalf("want a refusal, got %v", err)
				}
				if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
					t.Fatal("a refused install wrote the file")
				}
				return
			}
			res, err := c.Install(path, e, Options{})
			if err != nil || res.Action != Added {
				t.Fatalf("install: %v, %v", res.Action, err)
			}
			first := readFile(t, path)
			got := serversOf(t, c, first)["acme"]
			if fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("entry = %v, want %v\n%s", got, w, first)
			}
			if c.ID == "vscode" {
				var doc struct{ Inputs []map[string]any }
				std, _ := hujson.Standardize(append([]byte(nil), first...))
				if err := json.Unmarshal(std, &doc); err != nil || len(doc.Inputs) != 1 || doc.Inputs[0]["id"] != "acme-authorization" || doc.Inputs[0]["password"] != true {
					t.Errorf("inputs = %v (%v)\n%s", doc.Inputs, err, first)
				}
			}
			// Again: unchanged. Snippet: the same bytes as a new file.
			if res, err := c.Install(path, e, Options{}); err != nil || res.Action != Unchanged {
				t.Fatalf("second run: %v, %v", res.Action, err)
			}
			if b, err := c.Snippet(e); err != nil || !bytes.Equal(b, first) {
				t.Errorf("snippet differs from a new file (%v):\n%s", err, b)
			}
			// Another URL under the name is not ours.
			other := e
			other.URL = "https://other.example.com/mcp"
			var conflict *ConflictError
			if _, err := c.Install(path, other, Options{}); !errors.As(err, &conflict) || !strings.Contains(err.Error(), "connects to "+u) {
				t.Fatalf("another URL: %v", err)
			}
			if _, err := c.Uninstall(path, "acme", testCommand, Options{}); !errors.As(err, &conflict) {
				t.Fatalf("uninstall by command removed a remote entry: %v", err)
			}
			if res, err := c.UninstallEntry(path, Entry{Name: "acme", URL: u}, Options{}); err != nil || res.Action != Removed {
				t.Fatalf("uninstall: %v, %v", res.Action, err)
			}
		})
	}
}

// TestRemoteRoundTrip: install then uninstall of a remote entry gives back
// the original bytes, as for a command entry, whatever install added
// around it (VS Code's inputs included).
func TestRemoteRoundTrip(t *testing.T) {
	e := Entry{Name: "acme", URL: "https://mcp.example.com/mcp", Headers: []Header{
		{Name: "X-Api-Key", Env: "RESTMCP_HEADER_X_API_KEY"}, {Name: "Authorization", Env: "RESTMCP_HEADER_AUTHORIZATION"}}}
	for _, c := range Clients() {
		if c.SupportsURL() != nil {
			continue
		}
		for _, orig := range []string{"", "{}", "{\"other\": 1}", "{\n  \"inputs\": []\n}\n", "{\r\n  \"" + c.Key + "\": {}\r\n}"} {
			path := filepath.Join(t.TempDir(), "config.json")
			writeFile(t, path, orig, 0o600)
			if res, err := c.Install(path, e, Options{}); err != nil || res.Action != Added {
				t.Fatalf("%s: install into %q: %v, %v", c.ID, orig, res.Action, err)
			}
			if _, err := c.UninstallEntry(path, Entry{Name: "acme", URL: e.URL}, Options{}); err != nil {
				t.Fatal(err)
			}
			if got := string(readFile(t, path)); got != orig {
				t.Errorf("%s: after uninstall:\n%q\nwant the original:\n%q", c.ID, got, orig)
			}
		}
	}
}

// TestRemoteEntryKeepsWhatTheUserAdded updates a remote entry: the keys the
// user added stay, and a key the file had is not written twice.
func TestRemoteEntryKeepsWhatTheUserAdded(t *testing.T) {
	c, _ := Lookup("cursor")
	path := filepath.Join(t.TempDir(), "mcp.json")
	src := "{\n\t\"mcpServers\": {\n\t\t\"acme\": {\"url\": \"https://mcp.example.com/mcp\", \"disabled\": true}, // mine\n\t}\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	e := Entry{Name: "acme", URL: "https://mcp.example.com/mcp", Headers: []Header{{Name: "X-Api-Key", Env: "K"}}}
	res, err := c.Install(path, e, Options{})
	if err != nil || res.Action != Updated {
		t.Fatalf("install: %v, %v", res.Action, err)
	}
	got := string(readFile(t, path))
	for _, s := range []string{`"disabled": true`, "// mine", `"headers": {"X-Api-Key": "${env:K}"}`, "\t\t\"acme\""} {
		if !strings.Contains(got, s) {
			t.Errorf("missing %q:\n%s", s, got)
		}
	}
	if strings.Count(got, `"url"`) != 1 {
		t.Errorf("url written twice:\n%s", got)
	}
	if res, _ := c.Install(path, e, Options{}); res.Action != Unchanged {
		t.Errorf("second run: %v", res.Action)
	}
}

// TestVSCodeInputsMerge adds the inputs a remote entry needs to an existing
// "inputs" array, after what is there, once.
func TestVSCodeInputsMerge(t *testing.T) {
	c, _ := Lookup("vscode")
	path := filepath.Join(t.TempDir(), "mcp.json")
	src := "{\n  \"inputs\": [{\"type\": \"promptString\", \"id\": \"mine\"}],\n  \"servers\": {}\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	e := Entry{Name: "acme", URL: "https://mcp.example.com/mcp", Headers: []Header{{Name: "Authorization"}}}
	if _, err := c.Install(path, e, Options{}); err != nil {
		t.Fatal(err)
	}
	got := string(readFile(t, path))
	if !strings.Contains(got, `"id": "mine"}, {"type": "promptString", "id": "acme-authorization"`) || strings.Count(got, "acme-authorization\",") != 1 {
		t.Errorf("inputs not merged:\n%s", got)
	}
	if err := os.WriteFile(path, []byte("{\"inputs\": {}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	var perr *ParseError
	if _, err := c.Install(path, e, Options{}); !errors.As(err, &perr) {
		t.Errorf("inputs that is not an array: %v", err)
	}
}

// An entry of ours that serves another profile keeps serving it unless
// --force says otherwise: a name is not silently retargeted.
func TestInstallKeepsAnEntryOfAnotherProfile(t *testing.T) {
	for _, id := range []string{"cursor", "codex"} {
		t.Run(id, func(t *testing.T) {
			c, _ := Lookup(id)
			path := filepath.Join(t.TempDir(), "f")
			work := Entry{Name: "work", Command: testCommand, Args: []string{"serve", "--profile", "work"}}
			if _, err := c.Install(path, work, Options{}); err != nil {
				t.Fatal(err)
			}
			before := readFile(t, path)
			personal := Entry{Name: "work", Command: testCommand, Args: []string{"serve", "--profile", "personal"}}
			_, err := c.Install(path, personal, Options{})
			var pe *ProfileError
			if !errors.As(err, &pe) || pe.Profile != "work" || !strings.Contains(err.Error(), `serves the profile "work"`) {
				t.Fatalf("install over another profile's entry: %v, want a ProfileError naming \"work\"", err)
			}
			if got := readFile(t, path); !bytes.Equal(got, before) {
				t.Errorf("file changed to:\n%s", got)
			}
			// The same profile from another path is no conflict.
			res, err := c.Install(path, Entry{Name: "work", Command: "/new/restmcp", Args: work.Args}, Options{})
			if err != nil || res.ReplacedProfile != "" {
				t.Fatalf("install of the same profile: %+v, %v", res, err)
			}
			res, err = c.Install(path, personal, Options{Force: true})
			if err != nil || res.Action != Updated || res.ReplacedProfile != "work" {
				t.Fatalf("install --force: %v, %q, %v; want updated from \"work\"", res.Action, res.ReplacedProfile, err)
			}
			wantEntry(t, c, readFile(t, path), personal)
		})
	}
}

func TestFlagValue(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
		ok   bool
	}{
		{[]string{"serve", "--profile", "a"}, "a", true},
		{[]string{"serve", "--read-only", "--profile=b"}, "b", true},
		{[]string{"serve", "-p", "c", "--tag", "x"}, "c", true},
		{[]string{"serve", "-pd"}, "d", true},
		{[]string{"serve", "-p=e", "--profile", "f"}, "f", true},
		{[]string{"serve", "--read-only"}, "", false},
		{[]string{"serve", "--profile"}, "", false},
	} {
		if got, ok := flagValue(tt.args, "--profile"); got != tt.want || ok != tt.ok {
			t.Errorf("flagValue(%q) = %q, %v; want %q, %v", tt.args, got, ok, tt.want, tt.ok)
		}
	}
}

// Uninstall from a file that does not exist changes nothing on disk: no
// lock file, no folder.
func TestUninstallMissingFileWritesNothing(t *testing.T) {
	c, _ := Lookup("windsurf")
	env := testEnv(t, "linux")
	path, _ := c.Path(env, false)
	res, err := c.Uninstall(path, "acme", testCommand, Options{})
	if err != nil || res.Action != Absent {
		t.Fatalf("uninstall: %v, %v; want absent", res.Action, err)
	}
	if _, err := os.Stat(filepath.Dir(filepath.Dir(path))); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("uninstall created %s: %v", filepath.Dir(filepath.Dir(path)), err)
	}
}

// No lock file is left beside the client's file (a project's would be
// committed); with BackupDir, no backup either: it goes there, and
// uninstall reads it back from there.
func TestProjectFileLeavesNothingBeside(t *testing.T) {
	c, _ := Lookup("claude-code")
	env := testEnv(t, "linux")
	path, _ := c.Path(env, true)
	orig := "{\n  \"other\": 1\n}\n"
	writeFile(t, path, orig, 0o644)
	backups := filepath.Join(filepath.Dir(env.Dir), "config", "backups")
	opts := Options{BackupDir: backups}
	res, err := c.Install(path, testEntry("acme"), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(backups, path) + ".bak"
	if res.Backup != want || string(readFile(t, want)) != orig {
		t.Errorf("backup = %s, want %s holding the previous version", res.Backup, want)
	}
	if _, err := c.Uninstall(path, "acme", testCommand, opts); err != nil {
		t.Fatal(err)
	}
	if got := string(readFile(t, path)); got != orig {
		t.Errorf("after uninstall:\n%s\nwant the original (the servers object install added removed)", got)
	}
	entries, _ := os.ReadDir(env.Dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the project holds %q, want only %s", names, filepath.Base(path))
	}
	// Without BackupDir (a user's file), the backup stays beside it, and
	// still no lock file.
	res, err = c.Install(path, testEntry("acme"), Options{})
	if err != nil || res.Backup != path+".bak" {
		t.Fatalf("backup %s, %v; want %s.bak", res.Backup, err, path)
	}
	if _, err := os.Stat(path + ".lock"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("lock file left: %v", err)
	}
}

// A symbolic link to a file not created yet (dotfiles set up before the
// client) stays a link: the file is created where it points.
func TestDanglingSymlinkStaysALink(t *testing.T) {
	c, _ := Lookup("cursor")
	env := testEnv(t, "linux")
	path, _ := c.Path(env, false)
	real := filepath.Join(filepath.Dir(env.Dir), "dotfiles", "cursor", "mcp.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, path); err != nil {
		t.Skip("no symlinks here:", err)
	}
	res, err := c.Install(path, testEntry("acme"), Options{})
	if err != nil || res.Action != Added {
		t.Fatalf("install: %v, %v", res.Action, err)
	}
	if fi, _ := os.Lstat(path); fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the link was replaced by a file")
	}
	wantEntry(t, c, readFile(t, real), testEntry("acme"))
	if _, err := os.Stat(real + ".lock"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("lock file left: %v", err)
	}
}

// Uninstall removes the inputs install added for a remote entry's headers
// (VS Code), unless something else in the file still refers to them; the
// user's inputs stay, and an "inputs" array install created goes.
func TestVSCodeUninstallRemovesInputs(t *testing.T) {
	c, _ := Lookup("vscode")
	e := Entry{Name: "acme", URL: "https://mcp.example.com/mcp", Headers: []Header{{Name: "Authorization"}, {Name: "X-Team"}}}
	for _, src := range []string{
		"{\n  \"servers\": {}\n}\n",
		"{\n  \"inputs\": [{\"type\": \"promptString\", \"id\": \"mine\"}],\n  \"servers\": {}\n}\n",
		"{\n  \"inputs\": [],\n  \"servers\": {\n    \"other\": {\"type\": \"stdio\", \"command\": \"x\"}\n  }\n}\n",
		"{\r\n  \"servers\": {},\r\n  \"inputs\": [\r\n    {\"type\": \"promptString\", \"id\": \"mine\"}\r\n  ]\r\n}\r\n",
	} {
		path := filepath.Join(t.TempDir(), "mcp.json")
		writeFile(t, path, src, 0o600)
		if _, err := c.Install(path, e, Options{}); err != nil {
			t.Fatal(err)
		}
		if got := string(readFile(t, path)); !strings.Contains(got, `"id": "acme-x-team"`) {
			t.Fatalf("install added no inputs:\n%s", got)
		}
		if _, err := c.UninstallEntry(path, e, Options{}); err != nil {
			t.Fatal(err)
		}
		if got := string(readFile(t, path)); got != src {
			t.Errorf("install then uninstall of\n%s\nleft\n%s", src, got)
		}
	}

	// An input another entry refers to stays; the other goes.
	path := filepath.Join(t.TempDir(), "mcp.json")
	if _, err := c.Install(path, e, Options{}); err != nil {
		t.Fatal(err)
	}
	b := strings.Replace(string(readFile(t, path)), `"servers": {`, `"servers": {"mine": {"type": "http", "url": "https://x.example.com", "headers": {"Authorization": "${input:acme-authorization}"}},`, 1)
	writeFile(t, path, b, 0o600)
	if _, err := c.UninstallEntry(path, e, Options{}); err != nil {
		t.Fatal(err)
	}
	got := string(readFile(t, path))
	if !strings.Contains(got, `"id": "acme-authorization"`) || strings.Contains(got, "acme-x-team") {
		t.Errorf("shared input:\n%s", got)
	}
	if _, err := hujson.Parse([]byte(got)); err != nil {
		t.Errorf("invalid result: %v\n%s", err, got)
	}

	// Inputs laid out one a line go with their line, first or last.
	entry := "{\n  \"servers\": {\n    \"acme\": {\"type\": \"http\", \"url\": \"https://mcp.example.com/mcp\", \"headers\": {\"Authorization\": \"${input:acme-authorization}\"}}\n  },\n"
	ours, mine := `    {"type": "promptString", "id": "acme-authorization"}`, `    {"type": "promptString", "id": "mine"}`
	want := "{\n  \"servers\": {},\n  \"inputs\": [\n" + mine + "\n  ]\n}\n"
	for _, inputs := range [][]string{{ours, mine}, {mine, ours}} {
		writeFile(t, path, entry+"  \"inputs\": [\n"+strings.Join(inputs, ",\n")+"\n  ]\n}\n", 0o600)
		if _, err := c.UninstallEntry(path, e, Options{}); err != nil {
			t.Fatal(err)
		}
		if got := string(readFile(t, path)); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	}
}

// TestReadOnlyFileRefused: a file its owner cannot write is left as it
// is, though the rename that replaces it would succeed: install and
// uninstall say so, while a dry run and a file that needs no change go on.
func TestReadOnlyFileRefused(t *testing.T) {
	for _, id := range []string{"cursor", "codex"} {
		t.Run(id, func(t *testing.T) {
			c, _ := Lookup(id)
			path := filepath.Join(t.TempDir(), "config")
			if _, err := c.Install(path, testEntry("old"), Options{}); err != nil {
				t.Fatal(err)
			}
			os.Remove(path + ".bak")
			if err := os.Chmod(path, 0o444); err != nil {
				t.Fatal(err)
			}
			before := readFile(t, path)
			var ro *ReadOnlyError
			if _, err := c.Install(path, testEntry("acme"), Options{}); !errors.As(err, &ro) || ro.Dir != "" ||
				!strings.Contains(err.Error(), path+" is read-only (mode 0444)") {
				t.Errorf("install: err = %v, want a ReadOnlyError naming the file", err)
			}
			if _, err := c.Uninstall(path, "old", testCommand, Options{}); !errors.As(err, &ro) {
				t.Errorf("uninstall: err = %v, want a ReadOnlyError", err)
			}
			if got := readFile(t, path); !bytes.Equal(got, before) {
				t.Errorf("file changed:\n%s", got)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o444 {
				t.Errorf("mode %v, %v; want 0444", fi.Mode().Perm(), err)
			}
			if _, err := os.Stat(path + ".bak"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a backup was written: %v", err)
			}
			if res, err := c.Install(path, testEntry("acme"), Options{DryRun: true}); err != nil || res.Action != Added {
				t.Errorf("dry run: %v, %v", res.Action, err)
			}
			if res, err := c.Install(path, testEntry("old"), Options{}); err != nil || res.Action != Unchanged {
				t.Errorf("unchanged entry: %v, %v", res.Action, err)
			}
		})
	}
}

// TestNotWritableFolder: a folder the file cannot be written in is named,
// whichever step found it out.
func TestNotWritableFolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "mcp.json")
	for _, err := range []error{
		fmt.Errorf("locking x: %w", &fs.PathError{Op: "open", Path: path + ".lock", Err: fs.ErrPermission}),
		fmt.Errorf("creating x: %w", &fs.PathError{Op: "mkdir", Path: filepath.Join(dir, "sub"), Err: fs.ErrPermission}),
	} {
		var ro *ReadOnlyError
		got := notWritable(path, err)
		if !errors.As(got, &ro) {
			t.Fatalf("notWritable(%v) = %v, want a ReadOnlyError", err, got)
		}
		if want := filepath.Dir(err.(interface{ Unwrap() error }).Unwrap().(*fs.PathError).Path); ro.Dir != want {
			t.Errorf("notWritable(%v): Dir = %s, want %s", err, ro.Dir, want)
		}
	}
	if other := errors.New("disk full"); notWritable(path, other) != other {
		t.Error("another error was changed")
	}
	c, _ := Lookup("cursor")
	if err := os.Mkdir(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	readOnlyFolder(t, filepath.Dir(path))
	var ro *ReadOnlyError
	if _, err := c.Install(path, testEntry("acme"), Options{}); !errors.As(err, &ro) || ro.Dir != filepath.Dir(path) {
		t.Errorf("Install = %v, want a ReadOnlyError naming %s", err, filepath.Dir(path))
	}
}

// readOnlyFolder makes dir refuse new files, for root too where the file
// system allows (chattr +i), and undoes it when the test ends.
func readOnlyFolder(t *testing.T, dir string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no read-only folder to make on Windows")
	}
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		return
	}
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Skipf("as root, only an immutable folder refuses new files, and chattr +i failed here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
}

// TestReadOnlyFolderEntryInPlace: a configuration in a folder nothing may
// be written in (home-manager links it into the Nix store) takes no
// change, but an install whose entry is already there goes on.
func TestReadOnlyFolderEntryInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "mcp.json")
	c, _ := Lookup("cursor")
	if _, err := c.Install(path, testEntry("acme"), Options{}); err != nil {
		t.Fatal(err)
	}
	readOnlyFolder(t, filepath.Dir(path))
	res, err := c.Install(path, testEntry("acme"), Options{})
	if err != nil || res.Action != Unchanged {
		t.Errorf("the same entry again: %v, %v; want unchanged", res.Action, err)
	}
	var ro *ReadOnlyError
	if _, err := c.Install(path, testEntry("other"), Options{}); !errors.As(err, &ro) {
		t.Errorf("another entry: %v, want a ReadOnlyError", err)
	}
	if res, err := c.UninstallEntry(path, testEntry("other"), Options{}); err != nil || res.Action != Absent {
		t.Errorf("uninstalling an entry not there: %v, %v; want absent", res.Action, err)
	}
	if _, err := c.UninstallEntry(path, testEntry("acme"), Options{}); !errors.As(err, &ro) {
		t.Errorf("uninstalling the entry: %v, want a ReadOnlyError", err)
	}
}

// TestPlainJSONClientRefusesComments: Claude Code and Claude Desktop read
// their files as plain JSON, so a file with a comment or a trailing comma
// is refused, named with where the first one is, and left byte for byte;
// the clients that read JSONC keep being edited, comments kept.
func TestPlainJSONClientRefusesComments(t *testing.T) {
	withComment := "{\n  \"theme\": \"dark\", // mine\n  \"mcpServers\": {\n    \"acme\": {\"command\": \"" + testCommand + "\", \"args\": [\"serve\", \"--profile\", \"acme\"]}\n  }\n}\n"
	withComma := "{\n  \"url\": \"https://example.com/a,}\",\n  \"mcpServers\": {},\n}\n"
	for _, id := range []string{"claude-code", "claude-desktop"} {
		c, _ := Lookup(id)
		for _, tt := range []struct {
			name, text, where, what string
		}{
			{"comment", withComment, "line 2, column 20", "a comment"},
			{"trailing comma", withComma, "line 3, column 19", "a trailing comma"},
		} {
			t.Run(id+"/"+tt.name, func(t *testing.T) {
				path, _ := c.Path(testEnv(t, "linux"), false)
				writeFile(t, path, tt.text, 0o600)
				for _, run := range []func() error{
					func() error { _, err := c.Install(path, testEntry("acme"), Options{}); return err },
					func() error { _, err := c.Install(path, testEntry("other"), Options{DryRun: true}); return err },
					func() error { _, err := c.Uninstall(path, "acme", testCommand, Options{}); return err },
				} {
					err := run()
					var pe *PlainJSONError
					if tt.name == "trailing comma" && err == nil {
						continue // nothing to remove: nothing refused
					}
					if !errors.As(err, &pe) {
						t.Fatalf("err = %v, want a PlainJSONError", err)
					}
					for _, want := range []string{path, tt.where, tt.what, c.Title + " reads this file as plain JSON", "nothing was changed", "remove the comments"} {
						if !strings.Contains(err.Error(), want) {
							t.Errorf("error %q does not say %q", err, want)
						}
					}
				}
				if got := readFile(t, path); string(got) != tt.text {
					t.Errorf("file changed:\n%s", got)
				}
				for _, beside := range []string{".bak", ".lock"} {
					if _, err := os.Stat(path + beside); !errors.Is(err, os.ErrNotExist) {
						t.Errorf("%s left beside the file: %v", beside, err)
					}
				}
			})
		}
	}
	// "//" and ",}" inside strings are plain JSON.
	c, _ := Lookup("claude-code")
	path := filepath.Join(t.TempDir(), ".claude.json")
	writeFile(t, path, "{\"url\": \"https://example.com/a,}\", \"s\": \"\\\"//\"}\n", 0o600)
	if _, err := c.Install(path, testEntry("acme"), Options{}); err != nil {
		t.Fatalf("plain JSON with // in a string: %v", err)
	}
	// The clients that read JSONC are edited, comments kept.
	for _, id := range []string{"vscode", "zed"} {
		c, _ := Lookup(id)
		path := filepath.Join(t.TempDir(), "settings.json")
		writeFile(t, path, "{\n  \"theme\": \"dark\", // mine\n}\n", 0o600)
		if _, err := c.Install(path, testEntry("acme"), Options{}); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if got := readFile(t, path); !bytes.Contains(got, []byte("// mine")) {
			t.Errorf("%s: comment lost:\n%s", id, got)
		}
	}
}

// TestAbandonedLockTakenOver: a lock beside the file that a killed command
// left (restmcp's lock file of an earlier release, or a lock folder no one
// has touched for long) does not stop install; the result says it was
// taken over, and none is left.
func TestAbandonedLockTakenOver(t *testing.T) {
	c, _ := Lookup("claude-code")
	for _, folder := range []bool{false, true} {
		path, _ := c.Path(testEnv(t, "linux"), false)
		writeFile(t, path, "{}\n", 0o600)
		if folder {
			if err := os.Mkdir(path+".lock", 0o700); err != nil {
				t.Fatal(err)
			}
			old := time.Now().Add(-time.Hour)
			if err := os.Chtimes(path+".lock", old, old); err != nil {
				t.Fatal(err)
			}
		} else {
			writeFile(t, path+".lock", "", 0o600)
		}
		res, err := c.Install(path, testEntry("acme"), Options{})
		if err != nil || res.Action != Added {
			t.Fatalf("install beside an abandoned lock: %v, %v", res.Action, err)
		}
		if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], path+".lock") {
			t.Errorf("warnings = %q, want one naming %s.lock", res.Warnings, path)
		}
		if _, err := os.Stat(path + ".lock"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("lock left: %v", err)
		}
	}
}

// Another program's Codex entry replaced with --force goes whole, its
// sub-tables with it: restmcp's entry does not inherit that program's env.
func TestForceReplacesCodexSubTables(t *testing.T) {
	c, _ := Lookup("codex")
	path := filepath.Join(t.TempDir(), "config.toml")
	orig := "model = \"o3\"\n\n[mcp_servers.acme]\ncommand = \"/usr/bin/other-server\"\nargs = [\"--stdio\"]\n\n[mcp_servers.acme.env]\nTOKEN = \"other-secret\"\n\n[mcp_servers.acme.tools.x]\nenabled = true\n\n[other]\nb = 2\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Install(path, testEntry("acme"), Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	got := string(readFile(t, path))
	if strings.Contains(got, "other-secret") || strings.Contains(got, "mcp_servers.acme.") || !strings.Contains(got, "[other]\nb = 2\n") || !strings.HasPrefix(got, "model = \"o3\"\n") {
		t.Errorf("after install --force:\n%s", got)
	}
	wantEntry(t, c, []byte(got), testEntry("acme"))
}

// TestUninstallDeletesOnlyAnEmptyFile: a file left with nothing but an
// empty servers object (and VS Code's empty inputs) is deleted, whoever
// installed its entries; one that holds anything else, a comment
// included, stays, as does a symbolic link.
// The client's own folder that install created for the file goes with
// it when uninstall leaves it empty; one holding anything else, and a
// folder of another name, stay.
func TestUninstallRemovesTheEmptyFolder(t *testing.T) {
	c, _ := Lookup("cursor")
	for _, tt := range []struct {
		name  string
		dir   string
		other bool // another file in the folder
		gone  bool
	}{
		{name: "the client's folder", dir: ".cursor", gone: true},
		{name: "with another file", dir: ".cursor", other: true},
		{name: "a project folder", dir: "project"},
		{name: "a folder of another dotted name", dir: ".dotfiles"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), tt.dir)
			path := filepath.Join(dir, "mcp.json")
			if _, err := c.Install(path, testEntry("acme"), Options{}); err != nil {
				t.Fatal(err)
			}
			if tt.other {
				writeFile(t, filepath.Join(dir, "rules"), "x", 0o600)
			}
			res, err := c.UninstallEntry(path, testEntry("acme"), Options{})
			if err != nil || !res.Deleted {
				t.Fatalf("uninstall: deleted %v, %v", res.Deleted, err)
			}
			_, serr := os.Stat(dir)
			if gone := errors.Is(serr, fs.ErrNotExist); gone != tt.gone {
				t.Errorf("folder gone: %v, want %v (%v)", gone, tt.gone, serr)
			}
		})
	}
}

func TestUninstallDeletesOnlyAnEmptyFile(t *testing.T) {
	cursor, _ := Lookup("cursor")
	vscode, _ := Lookup("vscode")
	codex, _ := Lookup("codex")
	remote := Entry{Name: "acme", URL: "https://mcp.example.com/mcp", Headers: []Header{{Name: "Authorization"}}}
	changed := testEntry("acme")
	changed.Command = "/usr/bin/restmcp"
	tests := []struct {
		name    string
		c       Client
		e       Entry
		others  []Entry // installed first, uninstalled before e
		keep    string  // written before install ("": no file)
		bak     bool    // the backups the commands make are left
		deleted bool
	}{
		{name: "a remote entry with its input", c: vscode, e: remote, deleted: true},
		{name: "two entries, the last removed", c: cursor, e: testEntry("acme"), others: []Entry{testEntry("other")}, deleted: true},
		{name: "TOML, two entries", c: codex, e: testEntry("acme"), others: []Entry{testEntry("other")}, deleted: true},
		{name: "two entries, a backup beside", c: cursor, e: testEntry("acme"), others: []Entry{testEntry("other")}, bak: true},
		{name: "a comment", c: cursor, e: testEntry("acme"), keep: "{\n  // mine\n  \"mcpServers\": {}\n}\n"},
		{name: "another setting", c: cursor, e: testEntry("acme"), keep: "{\"mcpServers\": {}, \"x\": 1}\n"},
		{name: "user inputs", c: vscode, e: remote, keep: "{\"inputs\": [{\"id\": \"mine\"}]}\n"},
		{name: "a TOML comment", c: codex, e: testEntry("acme"), keep: "# mine\n"},
		// The user's own file, empty, then the entry installed twice: the
		// backup no longer gives the file back, yet the file is theirs.
		{name: "an empty file of the user's, installed twice", c: cursor, e: changed, others: []Entry{testEntry("acme")}, keep: "{\"mcpServers\": {}}\n", bak: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config")
			if tt.keep != "" {
				writeFile(t, path, tt.keep, 0o600)
			}
			for _, e := range append(slices.Clone(tt.others), tt.e) {
				if _, err := tt.c.Install(path, e, Options{Force: true}); err != nil {
					t.Fatal(err)
				}
			}
			dropBackup := func() {
				if !tt.bak {
					os.Remove(path + ".bak")
				}
			}
			dropBackup()
			for _, e := range tt.others {
				if e.Name == tt.e.Name {
					continue // replaced by tt.e
				}
				if res, err := tt.c.UninstallEntry(path, e, Options{}); err != nil || res.Deleted {
					t.Fatalf("uninstall %s: deleted %v, %v", e.Name, res.Deleted, err)
				}
				dropBackup()
			}
			res, err := tt.c.UninstallEntry(path, Entry{Name: tt.e.Name, Command: tt.e.Command, URL: tt.e.URL}, Options{})
			if err != nil || res.Action != Removed || res.Deleted != tt.deleted {
				t.Fatalf("uninstall: %v, deleted %v, %v", res.Action, res.Deleted, err)
			}
			_, serr := os.Stat(path)
			if tt.deleted && !errors.Is(serr, os.ErrNotExist) {
				t.Errorf("the file is left:\n%s", readFile(t, path))
			}
			if !tt.deleted && serr != nil {
				t.Errorf("the file is gone: %v", serr)
			}
			if tt.keep != "" && !tt.bak {
				if got := readFile(t, path); tt.c.holdsNothing(path, got) {
					t.Errorf("left:\n%s", got)
				}
			}
		})
	}
	t.Run("a folder that is a symbolic link", func(t *testing.T) {
		dir := t.TempDir()
		real, link := filepath.Join(dir, "dots"), filepath.Join(dir, ".cursor")
		if err := os.Mkdir(real, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(real, link); err != nil {
			t.Skip("no symlinks here:", err)
		}
		path := filepath.Join(link, "mcp.json")
		if _, err := cursor.Install(path, testEntry("acme"), Options{}); err != nil {
			t.Fatal(err)
		}
		if res, err := cursor.Uninstall(path, "acme", testCommand, Options{}); err != nil || res.Deleted {
			t.Fatalf("uninstall: deleted %v, %v", res.Deleted, err)
		}
		if _, err := os.Stat(filepath.Join(real, "mcp.json")); err != nil {
			t.Errorf("the file in the linked folder is gone: %v", err)
		}
	})
	t.Run("a symbolic link", func(t *testing.T) {
		dir := t.TempDir()
		real, path := filepath.Join(dir, "real.json"), filepath.Join(dir, "config")
		if err := os.Symlink(real, path); err != nil {
			t.Skip("no symlinks here:", err)
		}
		if _, err := cursor.Install(path, testEntry("acme"), Options{}); err != nil {
			t.Fatal(err)
		}
		if res, err := cursor.Uninstall(path, "acme", testCommand, Options{}); err != nil || res.Deleted {
			t.Fatalf("uninstall: deleted %v, %v", res.Deleted, err)
		}
		if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the link is gone: %v", err)
		}
		if _, err := os.Stat(real); err != nil {
			t.Errorf("the file the link points to is gone: %v", err)
		}
	})
}

// TestZedNestedCommand: an entry in the form older Zed releases read,
// "command": {"path", "args", "env"}, is ours when its path runs restmcp:
// install updates it in that form, keeping its comments and other keys,
// and uninstall removes it. A new entry takes that form when the file's
// other entries all have it.
func TestZedNestedCommand(t *testing.T) {
	zed, _ := Lookup("zed")
	nested := `{
  // my settings
  "context_servers": {
    "acme": {
      "command": {
        "path": "/old/bin/restmcp", // moved
        "args": ["serve", "--profile", "acme", "--read-only"],
        "env": {"HTTPS_PROXY": "http://proxy:3128"}
      },
      "settings": {},
    },
    "github": {
      "command": {"path": "npx", "args": ["-y", "server-github"]}
    },
  },
}
`
	tests := []struct {
		name      string
		in, out   string
		uninstall string
	}{
		{"updated in place", nested, strings.Replace(nested, "/old/bin/restmcp", testCommand, 1), `{
  // my settings
  "context_servers": {
    "github": {
      "command": {"path": "npx", "args": ["-y", "server-github"]}
    },
  },
}
`},
		{"arguments added to the command object", `{"context_servers": {"acme": {"source": "custom", "command": {"path": "/opt/restmcp/bin/restmcp", "env": {}}}}}`,
			`{"context_servers": {"acme": {"source": "custom", "command": {"path": "/opt/restmcp/bin/restmcp", "env": {},
  "args": ["serve", "--profile", "acme"]
}}}}`, `{"context_servers": {}}`},
		{"a new entry beside nested ones", `{
  "context_servers": {
    "github": {
      "command": {"path": "npx", "args": ["-y", "server-github"]}
    }
  }
}
`, `{
  "context_servers": {
    "github": {
      "command": {"path": "npx", "args": ["-y", "server-github"]}
    },
    "acme": {
      "source": "custom",
      "command": {
        "path": "/opt/restmcp/bin/restmcp",
        "args": ["serve", "--profile", "acme"]
      }
    }
  }
}
`, ""},
		{"a flat entry without source, as current Zed leaves it, stays without", `{"context_servers": {"acme": {"command": "/old/bin/restmcp", "args": ["serve", "--profile", "acme"]}}}`,
			`{"context_servers": {"acme": {"command": "/opt/restmcp/bin/restmcp", "args": ["serve", "--profile", "acme"]}}}`,
			`{"context_servers": {}}`},
		{"a new entry beside flat and nested ones", `{"context_servers": {"a": {"command": {"path": "x"}}, "b": {"command": "y"}}}`,
			`{"context_servers": {"a": {"command": {"path": "x"}}, "b": {"command": "y"},
  "acme": {
    "source": "custom",
    "command": "/opt/restmcp/bin/restmcp",
    "args": ["serve", "--profile", "acme"]
  }
}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "settings.json")
			writeFile(t, path, tt.in, 0o600)
			if _, err := zed.Install(path, testEntry("acme"), Options{}); err != nil {
				t.Fatal(err)
			}
			if got := string(readFile(t, path)); got != tt.out {
				t.Fatalf("install:\n%s\nwant:\n%s", got, tt.out)
			}
			if res, err := zed.Install(path, testEntry("acme"), Options{}); err != nil || res.Action != Unchanged {
				t.Errorf("second install: %v, %v", res.Action, err)
			}
			res, err := zed.Uninstall(path, "acme", testCommand, Options{})
			if err != nil || res.Action != Removed {
				t.Fatalf("uninstall: %v, %v", res.Action, err)
			}
			if got := string(readFile(t, path)); tt.uninstall != "" && got != tt.uninstall {
				t.Errorf("uninstall:\n%s\nwant:\n%s", got, tt.uninstall)
			}
			if tt.uninstall == "" && string(readFile(t, path)) != tt.in {
				t.Errorf("uninstall:\n%s\nwant:\n%s", readFile(t, path), tt.in)
			}
		})
	}
	// Another program's entry in the old form is still another program's.
	path := filepath.Join(t.TempDir(), "settings.json")
	other := `{"context_servers": {"acme": {"command": {"path": "npx", "args": ["x"]}}}}`
	writeFile(t, path, other, 0o600)
	var ce *ConflictError
	if _, err := zed.Install(path, testEntry("acme"), Options{}); !errors.As(err, &ce) || ce.Command != "npx" {
		t.Errorf("install over another program's entry: %v", err)
	}
	if _, err := zed.Uninstall(path, "acme", testCommand, Options{}); !errors.As(err, &ce) {
		t.Errorf("uninstall of another program's entry: %v", err)
	}
	if got := string(readFile(t, path)); got != other {
		t.Errorf("file changed:\n%s", got)
	}
}

// TestTOMLCommentAfterValue: a comment after the command or the arguments
// of our table stays on its line when install changes the value, as does
// the line's indentation; the file stays valid and reads our entry.
func TestTOMLCommentAfterValue(t *testing.T) {
	codex, _ := Lookup("codex")
	const cmd = `command = "/opt/restmcp/bin/restmcp"`
	const args = `args = ["serve", "--profile", "acme"]`
	tests := []struct{ name, in, out string }{
		{"command", "[mcp_servers.acme]\ncommand = \"restmcp\" # my note\n" + args + "\n",
			"[mcp_servers.acme]\n" + cmd + " # my note\n" + args + "\n"},
		{"command last, no newline at the end", "[mcp_servers.acme]\n" + args + "\ncommand = \"restmcp\"\t#note",
			"[mcp_servers.acme]\n" + args + "\n" + cmd + "\t#note"},
		{"indented, a quoted key, CRLF", "[mcp_servers.acme]\r\n  \"command\" = 'restmcp'  # on PATH\r\n  args = [\"serve\"]\r\n  startup_timeout_sec = 30\r\n",
			"[mcp_servers.acme]\r\n  \"command\" = \"/opt/restmcp/bin/restmcp\"  # on PATH\r\n  " + args + "\r\n  startup_timeout_sec = 30\r\n"},
		{"a multi-line string", "[mcp_servers.acme]\ncommand = \"\"\"\nrestmcp\"\"\" # note\n" + args + "\n\n# next\n[other]\n",
			"[mcp_servers.acme]\n" + cmd + " # note\n" + args + "\n\n# next\n[other]\n"},
		{"arguments", "[mcp_servers.acme]\n" + cmd + "\nargs = [\"serve\", \"--read-only\", \"--profile=acme\"] # read only!\nenv = { A = \"1\" } # env\n",
			"[mcp_servers.acme]\n" + cmd + "\nargs = [\"serve\", \"--profile\", \"acme\", \"--read-only\"] # read only!\nenv = { A = \"1\" } # env\n"},
		{"arguments added after a last line with no newline", "[mcp_servers.acme]\n" + cmd + " # c",
			"[mcp_servers.acme]\n" + cmd + " # c\n" + args + "\n"},
		{"arguments on lines of their own", "[mcp_servers.acme]\nargs = [\n  \"serve\", \"-p\", \"acme\",\n] # ours\n" + cmd + "\n",
			"[mcp_servers.acme]\nargs = [\n  \"serve\", \"--profile\", \"acme\",\n] # ours\n" + cmd + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.toml")
			writeFile(t, path, tt.in, 0o600)
			e := testEntry("acme")
			if res, err := codex.Install(path, e, Options{}); err != nil || res.Action != Updated {
				t.Fatalf("install: %v, %v", res.Action, err)
			}
			got := readFile(t, path)
			if string(got) != tt.out {
				t.Errorf("got:\n%q\nwant:\n%q", got, tt.out)
			}
			if f, err := codex.tomlLookup(path, got, "acme", &e); err != nil || !f.same {
				t.Errorf("the file does not hold our entry: %v", err)
			}
			if res, err := codex.Install(path, testEntry("acme"), Options{}); err != nil || res.Action != Unchanged {
				t.Errorf("second install: %v, %v", res.Action, err)
			}
		})
	}
}

// TestTOMLForms: an entry written in any of the forms Codex reads — dotted
// keys at the top or under [mcp_servers], an inline table, with sub-tables
// — is updated in place (command and args only) and removed, and the file
// says what Codex should read.
func TestTOMLForms(t *testing.T) {
	codex, _ := Lookup("codex")
	const cmd = `"/opt/restmcp/bin/restmcp"`
	tests := []struct {
		name, in, installed, removed string
	}{
		{"dotted keys at the top, an env sub-table",
			"model = \"o3\"\nmcp_servers.acme.command = \"/old/bin/restmcp\" # moved\nmcp_servers.acme.args = [\"serve\", \"--profile=acme\", \"--read-only\"]\nmcp_servers.acme.startup_timeout_sec = 30\n\n[mcp_servers.acme.env]\nA = \"1\"\n",
			"model = \"o3\"\nmcp_servers.acme.command = " + cmd + " # moved\nmcp_servers.acme.args = [\"serve\", \"--profile\", \"acme\", \"--read-only\"]\nmcp_servers.acme.startup_timeout_sec = 30\n\n[mcp_servers.acme.env]\nA = \"1\"\n",
			"model = \"o3\"\n"},
		{"dotted keys under [mcp_servers], arguments one a line",
			"[mcp_servers]\n# restmcp for the acme API\nacme.command = \"restmcp\"\nacme.args = [\n  \"serve\", # ours\n  \"--profile=acme\",\n  \"--read-only\", # mine\n]\nacme.env.HTTPS_PROXY = \"http://proxy:3128\"\nother.command = \"npx\"\n",
			"[mcp_servers]\n# restmcp for the acme API\nacme.command = " + cmd + "\nacme.args = [\n  \"serve\", # ours\n  \"--profile\",\n  \"acme\",\n  \"--read-only\", # mine\n]\nacme.env.HTTPS_PROXY = \"http://proxy:3128\"\nother.command = \"npx\"\n",
			"[mcp_servers]\n# restmcp for the acme API\nother.command = \"npx\"\n"},
		{"an inline table under [mcp_servers]",
			"[mcp_servers]\nacme = { command = \"/old/restmcp\", args = [\"serve\", \"-p\", \"acme\"], env = { A = \"1\" } } # mine\nother = { command = \"npx\" }\n",
			"[mcp_servers]\nacme = { command = " + cmd + ", args = [\"serve\", \"--profile\", \"acme\"], env = { A = \"1\" } } # mine\nother = { command = \"npx\" }\n",
			"[mcp_servers]\nother = { command = \"npx\" }\n"},
		{"an inline table without args",
			"[mcp_servers]\nacme = { command = " + cmd + ", startup_timeout_sec = 30 }\n",
			"[mcp_servers]\nacme = { command = " + cmd + ", args = [\"serve\", \"--profile\", \"acme\"], startup_timeout_sec = 30 }\n",
			"[mcp_servers]\n"},
		{"an inline table at the top, CRLF",
			"mcp_servers.acme = { command = '/old/restmcp', args = [\"serve\", \"--profile\", \"old\", \"--read-only\"] }\r\n\r\n[other]\r\nb = 2\r\n",
			"mcp_servers.acme = { command = " + cmd + ", args = [\"serve\", \"--profile\", \"acme\", \"--read-only\"] }\r\n\r\n[other]\r\nb = 2\r\n",
			"\r\n[other]\r\nb = 2\r\n"},
		{"dotted keys without args, no newline at the end",
			"mcp_servers.acme.command = " + cmd + " # c",
			"mcp_servers.acme.command = " + cmd + " # c\nmcp_servers.acme.args = [\"serve\", \"--profile\", \"acme\"]\n",
			""},
		{"a table with dotted keys",
			"[mcp_servers.acme]\n  command = \"/old/restmcp\"\n  args = [\"serve\", \"--profile\", \"acme\"]\n  env.A = \"1\"\n",
			"[mcp_servers.acme]\n  command = " + cmd + "\n  args = [\"serve\", \"--profile\", \"acme\"]\n  env.A = \"1\"\n",
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.toml")
			writeFile(t, path, tt.in, 0o600)
			e := testEntry("acme")
			if strings.Contains(tt.in, `"old"`) {
				// The profile changes only with Force.
				if _, err := codex.Install(path, e, Options{}); err == nil {
					t.Fatal("another profile's entry was changed without --force")
				}
			}
			res, err := codex.Install(path, e, Options{Force: true})
			if err != nil || res.Action != Updated {
				t.Fatalf("install: %v, %v", res.Action, err)
			}
			got := readFile(t, path)
			if string(got) != tt.installed {
				t.Errorf("installed:\n%q\nwant:\n%q", got, tt.installed)
			}
			want := e.Args
			if strings.Contains(tt.in, "--read-only") {
				want = append(want, "--read-only")
			}
			if entry := serversOf(t, codex, got)["acme"]; entry["command"] != testCommand || !slices.Equal(decodeArgs(entry["args"]), want) {
				t.Errorf("entry = %v, want args %q", entry, want)
			}
			if res, err := codex.Install(path, e, Options{}); err != nil || res.Action != Unchanged {
				t.Errorf("second install: %v, %v", res.Action, err)
			}
			os.Remove(path + ".bak")
			res, err = codex.Uninstall(path, "acme", testCommand, Options{})
			if err != nil || res.Action != Removed {
				t.Fatalf("uninstall: %v, %v", res.Action, err)
			}
			if tt.removed == "" {
				if !res.Deleted {
					t.Errorf("the file holds %q", readFile(t, path))
				}
				return
			}
			if got := readFile(t, path); string(got) != tt.removed {
				t.Errorf("removed:\n%q\nwant:\n%q", got, tt.removed)
			}
		})
	}
}

func decodeArgs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, a := range list {
		s, _ := a.(string)
		out = append(out, s)
	}
	return out
}

// TestArgsOneALine: when the number of arguments changes, an array written
// one argument a line keeps that layout, the comments on the lines of the
// arguments that remain and the comment lines; one whose comments cannot
// be kept is refused, not rewritten without them.
func TestArgsOneALine(t *testing.T) {
	cursor, _ := Lookup("cursor")
	codex, _ := Lookup("codex")
	const cmd = "/opt/restmcp/bin/restmcp"
	tests := []struct {
		name    string
		c       Client
		in, out string // out "": refused
	}{
		{"jsonc, an argument added", cursor,
			"{\"mcpServers\": {\"acme\": {\"command\": \"" + cmd + "\", \"args\": [\n      \"serve\",\n      \"-pacme\", // the profile\n      \"--read-only\" // mine\n    ]}}}\n",
			"{\"mcpServers\": {\"acme\": {\"command\": \"" + cmd + "\", \"args\": [\n      \"serve\",\n      \"--profile\", // the profile\n      \"acme\",\n      \"--read-only\" // mine\n    ]}}}\n"},
		{"jsonc, CRLF, a trailing comma", cursor,
			"{\"mcpServers\": {\"acme\": {\"command\": \"" + cmd + "\", \"args\": [ // ours\r\n  \"serve\", \"--profile=acme\",\r\n  // mine\r\n  \"--read-only\", /* ro */\r\n]}}}\r\n",
			"{\"mcpServers\": {\"acme\": {\"command\": \"" + cmd + "\", \"args\": [ // ours\r\n  \"serve\",\r\n  \"--profile\",\r\n  \"acme\",\r\n  // mine\r\n  \"--read-only\", /* ro */\r\n]}}}\r\n"},
		{"toml, arguments dropped", codex,
			"[mcp_servers.acme]\ncommand = \"" + cmd + "\"\nargs = [\n  \"serve\",\n  \"--profile\", \"acme\",\n  # set twice\n  \"-p\", \"acme\",\n  \"--read-only\", # mine\n]\n",
			"[mcp_servers.acme]\ncommand = \"" + cmd + "\"\nargs = [\n  \"serve\",\n  \"--profile\",\n  \"acme\",\n  \"--read-only\", # mine\n  # set twice\n]\n"},
		{"toml, tabs, no comma after the last", codex,
			"[mcp_servers.acme]\ncommand = \"" + cmd + "\"\nargs = [\n\t\"serve\", # ours\n\t\"--read-only\"\n]\n",
			"[mcp_servers.acme]\ncommand = \"" + cmd + "\"\nargs = [\n\t\"serve\", # ours\n\t\"--profile\",\n\t\"acme\",\n\t\"--read-only\"\n]\n"},
		{"toml, an argument on the [ line, with a comment", codex,
			"[mcp_servers.acme]\ncommand = \"" + cmd + "\"\nargs = [\"serve\", # ours\n  \"--read-only\"]\n", ""},
		{"jsonc, an argument on the ] line, with a comment", cursor,
			"{\"mcpServers\": {\"acme\": {\"command\": \"" + cmd + "\", \"args\": [\n  \"serve\", // ours\n  \"--read-only\"]}}}\n", ""},
		{"toml, on the [ line, no comment", codex,
			"[mcp_servers.acme]\ncommand = \"" + cmd + "\"\nargs = [\"serve\",\n  \"--read-only\"]\n",
			"[mcp_servers.acme]\ncommand = \"" + cmd + "\"\nargs = [\"serve\", \"--profile\", \"acme\", \"--read-only\"]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f")
			writeFile(t, path, tt.in, 0o600)
			res, err := tt.c.Install(path, testEntry("acme"), Options{})
			if tt.out == "" {
				if err == nil || !strings.Contains(err.Error(), "one argument a line") || !strings.Contains(err.Error(), `"serve", "--profile", "acme", "--read-only"]`) {
					t.Errorf("err = %v", err)
				}
				if got := readFile(t, path); string(got) != tt.in {
					t.Errorf("the file changed: %q", got)
				}
				return
			}
			if err != nil || res.Action != Updated {
				t.Fatalf("install: %v, %v", res.Action, err)
			}
			got := readFile(t, path)
			if string(got) != tt.out {
				t.Errorf("got:\n%q\nwant:\n%q", got, tt.out)
			}
			if res, err := tt.c.Install(path, testEntry("acme"), Options{}); err != nil || res.Action != Unchanged {
				t.Errorf("second install: %v, %v", res.Action, err)
			}
		})
	}
}

// TestTOMLArgsNotStrings: Codex reads none of a file whose entry has an
// argument that is not a string, so install says which and changes
// nothing, rather than reading it as ""; uninstall takes the entry out.
func TestTOMLArgsNotStrings(t *testing.T) {
	codex, _ := Lookup("codex")
	for _, bad := range []struct{ args, said string }{
		{`["serve", "--profile", "acme", 30]`, "hold 30, but Codex takes only strings there"},
		{`["serve", "--profile", "acme", true]`, "hold true, but Codex takes only strings there"},
		{`["serve", "--profile", "acme", ["x"]]`, "hold an array, but Codex takes only strings there"},
		{`["serve", "--profile", "acme", { a = 1 }]`, "hold a table, but Codex takes only strings there"},
		{`"serve"`, "are not an array, but Codex takes only an array of strings there"},
	} {
		t.Run(bad.args, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.toml")
			in := "[mcp_servers]\nacme = { command = \"" + testCommand + "\", args = " + bad.args + " }\n"
			writeFile(t, path, in, 0o600)
			_, err := codex.Install(path, testEntry("acme"), Options{})
			if err == nil || !strings.Contains(err.Error(), "the args of mcp_servers.acme "+bad.said) || !strings.Contains(err.Error(), "nothing was written") {
				t.Fatalf("err = %v", err)
			}
			if got := readFile(t, path); string(got) != in {
				t.Errorf("the file changed: %q", got)
			}
			if res, err := codex.Uninstall(path, "acme", testCommand, Options{}); err != nil || res.Action != Removed || string(readFile(t, path)) != "[mcp_servers]\n" {
				t.Errorf("uninstall: %v, %v: %q", res.Action, err, readFile(t, path))
			}
		})
	}
}

// TestTOMLNestedInline: an entry inside `mcp_servers = { … }` is updated
// in place, and taken out of it with the comma that separated it, when the
// servers' inline table is on one line; otherwise, and to replace it with
// another program's, the message says what to change by hand, and the
// file stays as it was.
func TestTOMLNestedInline(t *testing.T) {
	codex, _ := Lookup("codex")
	const ours = `acme = { command = "/old/restmcp", args = ["serve", "--profile", "acme"] }`
	const dotted = `acme.command = "/old/restmcp", acme.args = ["serve", "--profile", "acme"]`
	tests := []struct{ name, in, removed string }{
		{"first", "mcp_servers = { " + ours + ", other = { command = \"npx\" } }\n", "mcp_servers = { other = { command = \"npx\" } }\n"},
		{"last", "mcp_servers = {other = { command = \"npx\" },  " + ours + "}\n", "mcp_servers = {other = { command = \"npx\" }}\n"},
		{"alone, dotted keys", "model = \"o3\"\nmcp_servers = { " + dotted + " }\n", "model = \"o3\"\nmcp_servers = {}\n"},
		{"dotted keys between two others", "mcp_servers = { a = { command = \"a\" }, " + dotted + ", b = { command = \"b\" } }\n", "mcp_servers = { a = { command = \"a\" }, b = { command = \"b\" } }\n"},
		{"on several lines", "mcp_servers = { acme = { command = \"/old/restmcp\", args = [\n  \"serve\", \"--profile\", \"acme\",\n] }, other = { command = \"npx\" } }\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.toml")
			writeFile(t, path, tt.in, 0o600)
			if res, err := codex.Install(path, testEntry("acme"), Options{}); err != nil || res.Action != Updated {
				t.Fatalf("install: %v, %v", res.Action, err)
			}
			updated := strings.Replace(tt.in, `"/old/restmcp"`, `"`+testCommand+`"`, 1)
			if got := readFile(t, path); string(got) != updated {
				t.Fatalf("got %q", got)
			}
			other := Entry{Name: "acme", Command: "/usr/bin/other", Args: []string{"x"}}
			if _, err := codex.Install(path, other, Options{Force: true}); err == nil || !strings.Contains(err.Error(), "replace acme = { … } in it by hand") {
				t.Errorf("install --force: err = %v", err)
			}
			os.Remove(path + ".bak")
			_, err := codex.Uninstall(path, "acme", testCommand, Options{})
			if tt.removed == "" {
				if err == nil || !strings.Contains(err.Error(), "remove acme = { … } from it by hand") {
					t.Errorf("uninstall: err = %v", err)
				}
				if got := readFile(t, path); string(got) != updated {
					t.Errorf("the file changed: %q", got)
				}
				return
			}
			if got := readFile(t, path); err != nil || string(got) != tt.removed {
				t.Errorf("uninstall: %v\ngot  %q\nwant %q", err, got, tt.removed)
			}
		})
	}
}

// TestJSONArgsNotStrings: the JSON clients document args as strings, so
// install says which argument is not one, as it does for Codex, and
// changes nothing, rather than reading it as "" (and writing "" where the
// user wrote 30) or finding the entry unchanged; uninstall takes the entry
// out.
func TestJSONArgsNotStrings(t *testing.T) {
	desktop, _ := Lookup("claude-desktop")
	vscode, _ := Lookup("vscode")
	zed, _ := Lookup("zed")
	for _, bad := range []struct {
		c          Client
		args, said string
	}{
		{desktop, `["serve", "--profile", "acme", 30]`, "hold 30, but Claude Desktop takes strings there"},
		{desktop, `["serve", "--profile", "acme", ""]`, ""},
		{desktop, `["serve", "--profile", "acme", 1e3, "--read-only"]`, "hold 1e3, but Claude Desktop takes strings there"},
		{desktop, `["serve", "--profile", "acme", true]`, "hold true, but Claude Desktop takes strings there"},
		{vscode, `["serve", null, "--profile", "acme"]`, "hold null, but VS Code takes strings there"},
		{vscode, `["serve", "--profile", "acme", ["x"]]`, "hold an array, but VS Code takes strings there"},
		{vscode, `["serve", "--profile", "acme", {"a": 1}]`, "hold an object, but VS Code takes strings there"},
		{desktop, `"serve --profile acme --read-only"`, "are not an array, but Claude Desktop takes an array of strings there"},
		{zed, `["serve", "--profile", "acme", 30]`, "hold 30, but Zed takes strings there"},
	} {
		t.Run(bad.c.ID+" "+bad.args, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.json")
			entry := `{"command": "` + testCommand + `", "args": ` + bad.args + `}`
			if bad.c.nestedCommand {
				entry = `{"command": {"path": "` + testCommand + `", "args": ` + bad.args + `}}`
			}
			in := `{"theme": "dark", "` + bad.c.Key + `": {"acme": ` + entry + "}}\n"
			writeFile(t, path, in, 0o600)
			res, err := bad.c.Install(path, testEntry("acme"), Options{})
			if bad.said == "" { // strings all: an empty one is the user's
				if err != nil || res.Action != Unchanged {
					t.Fatalf("install: %v, %v", res.Action, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "the args of acme "+bad.said) || !strings.Contains(err.Error(), "nothing was written") {
				t.Fatalf("install: %v, %v", res.Action, err)
			}
			if got := readFile(t, path); string(got) != in {
				t.Errorf("the file changed: %q", got)
			}
			if res, err := bad.c.Uninstall(path, "acme", testCommand, Options{}); err != nil || res.Action != Removed || strings.Contains(string(readFile(t, path)), "acme") {
				t.Errorf("uninstall: %v, %v: %q", res.Action, err, readFile(t, path))
			}
		})
	}
}
