package cmd

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/profile"
)

// TestMisplacedKeyIsNotEchoed: a key typed as an argument, or as the
// value of a flag that takes none, is refused without being shown.
func TestMisplacedKeyIsNotEchoed(t *testing.T) {
	const secret = "sk-live-SECRET-0123456789"
	spec := []string{"-p", "a", "--spec", "testdata/notes.yaml"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"login argument", append([]string{"login", secret}, spec...), "login takes no arguments (a key is never given on the command line: pipe it to `restmcp login --with-key`"},
		{"login --with-key=KEY", append([]string{"login", "--with-key=" + secret}, spec...), "--with-key takes no value"},
		{"login --no-check=KEY", append([]string{"login", "--no-check=" + secret}, spec...), "--no-check takes no value"},
		{"login -KEY", append([]string{"login", "-" + secret}, spec...), "unknown shorthand flag"},
		{"login --timeout=KEY", append([]string{"login", "--timeout=" + secret}, spec...), "invalid value (not shown) for --timeout: give a duration, a number with a unit, e.g. 30s"},
		{"serve argument", append([]string{"serve", secret}, spec...), "serve takes no arguments"},
		{"logout argument", []string{"logout", "-p", "a", secret}, "logout takes no arguments"},
		{"tools argument", append([]string{"tools", secret}, spec...), "tools takes no arguments"},
		{"status argument", []string{"status", secret}, "status takes no arguments"},
		{"install arguments", []string{"install", "cursor", secret}, "install takes one argument, got 2"},
		{"call arguments without --arg", append([]string{"call", "list_notes", "token=" + secret}, spec...),
			"call takes one argument, got 2: the tool's name; its arguments go in --arg NAME=VALUE (repeatable) or --json"},
		{"the key as a command", []string{secret}, "unknown command (not shown: a key is never given on the command line)"},
		{"a misspelt command", []string{"sevre"}, "Did you mean this?\n\tserve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAuthEnv(t)
			r := e.run("", tt.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2: %s", r.code, r.err)
			}
			if !strings.Contains(r.err, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, r.err)
			}
			e.assertKeyNowhere(secret)
			e.assertKeyNowhere("SECRET")
		})
	}
}

// TestMissingArgumentSaysWhatToGive: install and uninstall list the
// clients, call says how to see the tools.
func TestMissingArgumentSaysWhatToGive(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"install"}, []string{"`restmcp install CLIENT`", "cursor", "vscode", "claude-desktop"}},
		{[]string{"uninstall"}, []string{"`restmcp uninstall CLIENT`", "cursor", "vscode"}},
		{[]string{"call"}, []string{"`restmcp call TOOL`", "run `restmcp tools`"}},
	}
	for _, tt := range tests {
		t.Run(tt.args[0], func(t *testing.T) {
			r := newAuthEnv(t).run("", tt.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2", r.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.err, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.err)
				}
			}
			if strings.Contains(r.err, "accepts 1 arg") {
				t.Errorf("cobra's message, not ours:\n%s", r.err)
			}
		})
	}
}

// TestFlagThatTookAFlag: a flag given without its value takes the flag
// after it; that is said, rather than a stray argument or a strange value.
func TestFlagThatTookAFlag(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--http", "--profile", "acme"}, "--http needs a value, and took the flag after it, --profile: give --http VALUE"},
		{[]string{"serve", "--http", "--help"}, "--http needs a value, and took the flag after it, --help"},
		{[]string{"serve", "--http", "-p", "acme"}, "--http needs a value, and took the flag after it, --profile"},
		{[]string{"tools", "--diff", "--json"}, "--diff needs a value, and took the flag after it, --json: give --diff OLD"},
		{[]string{"call", "list_notes", "--arg", "--json={}"}, "--arg needs a value, and took the flag after it, --json"},
		{[]string{"install", "cursor", "--name", "--print"}, "--name needs a value, and took the flag after it, --print"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := newAuthEnv(t).run("", tt.args...)
			if r.code != 2 || !strings.Contains(r.err, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant 2 and %q", r.code, r.err, tt.want)
			}
		})
	}
	// A value that only looks like a flag, or a negative number, is one.
	r := newAuthEnv(t).run("", "tools", "-p", "a", "--spec", "testdata/notes.yaml", "--operation", "--nosuch", "--max-result-bytes", "-1")
	if strings.Contains(r.err, "took the flag after it") {
		t.Errorf("a value refused as a flag:\n%s", r.err)
	}
}

// TestLoginRefusesWhatWouldBreakLaterCommands: a setting that every later
// command would fail on, or a profile name install cannot pass, is refused
// before the key is read and before anything is saved.
func TestLoginRefusesWhatWouldBreakLaterCommands(t *testing.T) {
	const key = "sk-test-refused-00000000"
	tests := []struct {
		name    string
		profile string
		args    []string
		want    []string
	}{
		{"layout", "a", []string{"--layout", "bogus"}, []string{`--layout "bogus"`, "auto, operations, resources, search"}},
		{"auth header", "a", []string{"--auth-header", "Bad Header"}, []string{`--auth-header "Bad Header" is not an HTTP header name`}},
		{"tag", "a", []string{"--tag", "nosuch"}, []string{"none of the 4 operations", "nothing was saved"}},
		{"operation", "a", []string{"--operation", "nosuch"}, []string{"none of the 4 operations", "`restmcp tools --spec"}},
		{"name with a space", "my prof", nil, []string{`profile name "my prof"`, "use a simple name"}},
		{"empty name", "", nil, []string{"--profile needs a name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAuthEnv(t)
			args := append([]string{"login", "-p", tt.profile, "--spec", "testdata/notes.yaml", "--with-key", "--no-check"}, tt.args...)
			r := e.run(key+"\n", args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2: %s", r.code, r.err)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.err, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.err)
				}
			}
			if _, err := (profile.Store{Dir: e.dir}).Get(tt.profile); !errors.Is(err, profile.ErrNotFound) {
				t.Errorf("the profile was saved (%v)", err)
			}
			if k := e.storedKey(tt.profile); k != "" {
				t.Errorf("the key was stored")
			}
		})
	}
	// A selection that keeps operations is saved.
	e := newAuthEnv(t)
	if r := e.run(key+"\n", "login", "-p", "a", "--spec", "testdata/notes.yaml", "--with-key", "--no-check", "--method", "GET"); r.code != 0 {
		t.Fatalf("login --method GET: exit %d: %s", r.code, r.err)
	}
}

// TestStoredSettingErrorsNameTheFix: a stored setting no command can use,
// or a description that moved, makes tools, call and serve say which
// login fixes it; status says the same instead of login's flags.
func TestStoredSettingErrorsNameTheFix(t *testing.T) {
	const key = "sk-test-stored-00000000"
	e := newAuthEnv(t)
	dir := t.TempDir()
	spec := filepath.Join(dir, "notes.yaml")
	b, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spec, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := e.run(key+"\n", "login", "-p", "a", "--spec", spec, "--with-key", "--no-check"); r.code != 0 {
		t.Fatalf("login: %s", r.err)
	}

	// A layout edited by hand.
	path := filepath.Join(e.dir, "profiles.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]map[string]map[string]any
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	file["profiles"]["a"]["layout"] = "bogus"
	edited, _ := json.Marshal(file)
	if err := os.WriteFile(path, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{{"tools", "-p", "a"}, {"call", "list_notes", "-p", "a"}, {"serve", "-p", "a"}} {
		r := e.run("", cmd...)
		if r.code == 0 || !strings.Contains(r.err, `profile "a" has the layout "bogus"`) || !strings.Contains(r.err, "`restmcp login --profile a --layout auto`") {
			t.Errorf("%s: exit %d, stderr:\n%s", cmd[0], r.code, r.err)
		}
	}
	if r := e.run("", "tools", "-p", "a", "--layout", "auto"); r.code != 0 {
		t.Errorf("tools --layout auto: %s", r.err)
	}
	delete(file["profiles"]["a"], "layout")
	restored, _ := json.Marshal(file)
	if err := os.WriteFile(path, restored, 0o600); err != nil {
		t.Fatal(err)
	}

	// The description moved.
	if err := os.Rename(spec, spec+".moved"); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{{"tools", "-p", "a"}, {"call", "list_notes", "-p", "a"}, {"serve", "-p", "a"}} {
		r := e.run("", cmd...)
		if r.code == 0 || !strings.Contains(r.err, `profile "a"`) || !strings.Contains(r.err, "`restmcp login --profile a --spec NEW_PATH`") {
			t.Errorf("%s: exit %d, stderr:\n%s", cmd[0], r.code, r.err)
		}
	}
	r := e.run("", "status", "-p", "a")
	if r.code != 1 || !strings.Contains(r.out, "`restmcp login --profile a --spec NEW_PATH`") {
		t.Errorf("status: exit %d, stdout:\n%s", r.code, r.out)
	}
	if strings.Contains(r.out, "--no-check") || strings.Contains(r.out, "pass --base-url") {
		t.Errorf("status gives login's hints:\n%s", r.out)
	}
}
