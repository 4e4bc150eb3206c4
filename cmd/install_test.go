package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/log"

	"github.com/restmcp/restmcp/install"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/profile"
)

type installFixture struct {
	f           *Factory
	out, errOut *bytes.Buffer
	vars        map[string]string
	keys        *keyring.Memory
	root, exe   string
	goos        string
	tools       []string
	toolsErr    error
	// realTools loads the profile's tools as serve does.
	realTools bool
	// toolNamesTimeout bounds that (0: the default).
	toolNamesTimeout time.Duration
	// path is what is on $PATH: name → path.
	pathDirs map[string]string
}

// lookPath finds the test binary by its path, and names in pathDirs.
func (x *installFixture) lookPath(name string) (string, error) {
	if name == x.exe {
		return name, nil
	}
	if p, ok := x.pathDirs[name]; ok {
		return p, nil
	}
	return "", errors.New("not found")
}

func newInstallFixture(t *testing.T, goos string) *installFixture {
	t.Helper()
	root := t.TempDir()
	x := &installFixture{
		out: &bytes.Buffer{}, errOut: &bytes.Buffer{},
		vars: map[string]string{"HOME": filepath.Join(root, "home"), "USERPROFILE": filepath.Join(root, "home"),
			"APPDATA": filepath.Join(root, "appdata"), "XDG_CONFIG_HOME": filepath.Join(root, "xdg"),
			"RESTMCP_CONFIG_DIR": filepath.Join(root, "config")},
		keys: keyring.NewMemory(), root: root, goos: goos,
		exe: filepath.Join(root, "bin", "restmcp"),
	}
	x.f = &Factory{
		IO:      &IOStreams{In: strings.NewReader(""), Out: x.out, ErrOut: x.errOut},
		Brand:   Brand{Name: "restmcp"},
		Getenv:  func(k string) string { return x.vars[k] },
		Keyring: keyring.Store{Service: "restmcp", Backend: x.keys},
		Log:     log.New(x.errOut),
	}
	return x
}

func (x *installFixture) env() install.Env {
	return install.Env{OS: x.goos, Getenv: x.f.Getenv, Dir: filepath.Join(x.root, "project")}
}

func (x *installFixture) saveProfile(t *testing.T, name string) {
	t.Helper()
	store, _ := x.f.Profiles()
	if err := store.Save(profile.Profile{Name: name, Spec: "https://api.example.com/openapi.json"}); err != nil {
		t.Fatal(err)
	}
}

// run runs install (or uninstall when args[0] is "uninstall") and returns
// the exit code as the root command would.
func (x *installFixture) run(t *testing.T, args ...string) int {
	t.Helper()
	x.out.Reset()
	x.errOut.Reset()
	exe := func() (string, error) { return x.exe, nil }
	inst := newInstallCmd(x.f, func(o *InstallOptions) error {
		o.Executable, o.Env = exe, x.env
		o.LookPath = x.lookPath
		// The fixture's folders are in the system's temporary folder:
		// its own stands for that one.
		o.TempDir = func() string { return filepath.Join(x.root, "tmp") }
		o.ToolNamesTimeout = x.toolNamesTimeout
		if !x.realTools {
			o.ToolNames = func(context.Context, profile.Profile) ([]string, error) { return x.tools, x.toolsErr }
		}
		return installRun(context.Background(), o)
	})
	uninst := newUninstallCmd(x.f, func(o *UninstallOptions) error {
		o.Executable, o.Env = exe, x.env
		return uninstallRun(context.Background(), o)
	})
	root := NewRootCmd(x.f)
	for _, c := range root.Commands() {
		if c.Name() == "install" || c.Name() == "uninstall" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(inst, uninst)
	root.SetArgs(args)
	return Execute(context.Background(), x.f, root)
}

func (x *installFixture) path(t *testing.T, client string, project bool) string {
	t.Helper()
	c, err := install.Lookup(client)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Path(x.env(), project)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInstallFlags(t *testing.T) {
	tests := []struct {
		args []string
		want InstallOptions
	}{
		{[]string{"cursor"}, InstallOptions{Client: "cursor", Profile: "default", Name: "default"}},
		{[]string{"vscode", "-p", "acme", "--project", "--dry-run"}, InstallOptions{Client: "vscode", Profile: "acme", Name: "acme", Project: true, DryRun: true}},
		{[]string{"zed", "--profile", "acme", "--name", "a", "--force", "--print"}, InstallOptions{Client: "zed", Profile: "acme", Name: "a", Force: true, Print: true}},
	}
	for _, tt := range tests {
		var got *InstallOptions
		c := newInstallCmd(&Factory{Brand: Brand{Name: "restmcp"}}, func(o *InstallOptions) error { got = o; return nil })
		c.SetArgs(tt.args)
		if err := c.Execute(); err != nil {
			t.Fatal(err)
		}
		got.F = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%v: got %+v, want %+v", tt.args, *got, tt.want)
		}
	}
	c := newInstallCmd(&Factory{Brand: Brand{Name: "restmcp"}}, func(*InstallOptions) error { return nil })
	c.SetArgs(nil)
	c.SetOut(&bytes.Buffer{})
	c.SetErr(&bytes.Buffer{})
	if err := c.Execute(); err == nil {
		t.Error("install without a client: want an error")
	}
}

// TestInstallEveryClient installs, re-installs and uninstalls through the
// command for every client.
func TestInstallEveryClient(t *testing.T) {
	for _, id := range install.IDs() {
		for _, goos := range []string{"linux", "windows", "darwin"} {
			t.Run(id+"/"+goos, func(t *testing.T) {
				x := newInstallFixture(t, goos)
				x.saveProfile(t, "acme")
				x.keys.Set("restmcp", "acme", "sk-secret-value")
				path := x.path(t, id, false)

				if code := x.run(t, "install", id, "--profile", "acme"); code != 0 {
					t.Fatalf("exit %d: %s%s", code, x.out, x.errOut)
				}
				if !strings.Contains(x.out.String(), path) {
					t.Errorf("output does not name the file: %s", x.out)
				}
				first, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(first, []byte(`"serve", "--profile", "acme"`)) || !bytes.Contains(first, []byte(jsonOrTOMLString(x.exe))) {
					t.Errorf("file lacks the entry:\n%s", first)
				}
				if strings.Contains(x.errOut.String(), "Warning:") {
					t.Errorf("unexpected warning: %s", x.errOut)
				}
				if code := x.run(t, "install", id, "--profile", "acme"); code != 0 || !strings.Contains(x.out.String(), "nothing changed") {
					t.Fatalf("second run: exit %d: %s", code, x.out)
				}
				if again, _ := os.ReadFile(path); !bytes.Equal(again, first) {
					t.Fatal("second run changed the file")
				}
				if code := x.run(t, "uninstall", id, "--profile", "acme"); code != 0 || !strings.Contains(x.out.String(), "Removed") {
					t.Fatalf("uninstall: exit %d: %s%s", code, x.out, x.errOut)
				}
				// The file install created holds nothing else: it goes.
				if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) || !strings.Contains(x.out.String(), "so it was deleted") {
					t.Errorf("file left after uninstall (%v):\n%s", err, x.out)
				}
				if code := x.run(t, "uninstall", id, "--profile", "acme"); code != 0 || !strings.Contains(x.out.String(), "nothing to remove") {
					t.Errorf("second uninstall: exit %d: %s", code, x.out)
				}
				for _, s := range []string{x.out.String(), x.errOut.String()} {
					if strings.Contains(s, "sk-secret-value") {
						t.Fatal("the key was printed")
					}
				}
			})
		}
	}
}

func jsonOrTOMLString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestInstallPrint is what the end-to-end suite and the demo rely on: the
// snippet is exactly the JSON that install writes into a fresh file.
func TestInstallPrint(t *testing.T) {
	x := newInstallFixture(t, "linux")
	if code := x.run(t, "install", "cursor", "--print", "--profile", "acme"); code != 0 {
		t.Fatalf("exit %d: %s", code, x.errOut)
	}
	printed := x.out.String()
	var doc struct {
		MCPServers map[string]struct {
			Command string   `json:"command"`
			Args    []string `json:"args"`
		} `json:"mcpServers"`
	}
	if err := json.Unmarshal([]byte(printed), &doc); err != nil {
		t.Fatalf("--print is not JSON: %v\n%s", err, printed)
	}
	e := doc.MCPServers["acme"]
	if e.Command != x.exe || strings.Join(e.Args, " ") != "serve --profile acme" || len(doc.MCPServers) != 1 {
		t.Fatalf("printed %s", printed)
	}
	path := x.path(t, "cursor", false)
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("--print wrote the file")
	}
	if code := x.run(t, "install", "cursor", "--profile", "acme"); code != 0 {
		t.Fatal(x.errOut)
	}
	if written, _ := os.ReadFile(path); string(written) != printed {
		t.Errorf("written:\n%s\nprinted:\n%s", written, printed)
	}
	// What would stop the entry from working is said on stderr, as by
	// install; stdout is the snippet alone.
	x.out.Reset()
	x.errOut.Reset()
	if code := x.run(t, "install", "cursor", "--print", "--profile", "nosuch"); code != 0 || !strings.Contains(x.errOut.String(), `profile "nosuch" is not saved yet`) ||
		!strings.HasPrefix(x.out.String(), "{") || strings.Contains(x.out.String(), "Warning") {
		t.Errorf("--print of an unsaved profile: exit %d\nout: %s\nerr: %s", code, x.out, x.errOut)
	}
	// Codex prints its TOML table.
	if code := x.run(t, "install", "codex", "--print", "--profile", "acme"); code != 0 || !strings.HasPrefix(x.out.String(), "[mcp_servers.acme]\n") {
		t.Errorf("codex --print: %d %q", code, x.out)
	}
}

func TestInstallDryRun(t *testing.T) {
	x := newInstallFixture(t, "linux")
	path := x.path(t, "claude-desktop", false)
	if code := x.run(t, "install", "claude-desktop", "--profile", "acme", "--dry-run"); code != 0 {
		t.Fatal(x.errOut)
	}
	if !strings.Contains(x.out.String(), "Would add") || !strings.Contains(x.out.String(), `+       "command": "`+x.exe+`",`) {
		t.Errorf("dry run output:\n%s", x.out)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("dry run wrote the file")
	}
}

func TestInstallProject(t *testing.T) {
	x := newInstallFixture(t, "linux")
	if code := x.run(t, "install", "vscode", "--project", "--profile", "acme"); code != 0 {
		t.Fatal(x.errOut)
	}
	path := filepath.Join(x.root, "project", ".vscode", "mcp.json")
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(b, []byte(`"type": "stdio"`)) || !bytes.Contains(b, []byte(`"servers"`)) {
		t.Fatalf("%v\n%s", err, b)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 { // no Unix modes on Windows
		t.Errorf("project file mode = %v, want 0644", fi.Mode().Perm())
	}
	code := x.run(t, "install", "claude-desktop", "--project")
	if code != 2 || !strings.Contains(x.errOut.String(), "--project works with claude-code, codex, cursor, gemini, vscode, zed") {
		t.Errorf("exit %d: %s", code, x.errOut)
	}
}

func TestInstallRefusals(t *testing.T) {
	x := newInstallFixture(t, "linux")
	path := x.path(t, "cursor", false)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}

	// Malformed: exit 1, file and line named, file untouched.
	bad := "{\n  \"mcpServers\": {\n    \"x\": {\"command\": \"y\"}\n  \n"
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := x.run(t, "install", "cursor", "--profile", "acme"); code != 1 || !strings.Contains(x.errOut.String(), path+": line 5") {
		t.Errorf("malformed: exit %d: %s", code, x.errOut)
	}
	if b, _ := os.ReadFile(path); string(b) != bad {
		t.Error("malformed file changed")
	}

	// Another program under our name: refused without --force.
	other := "{\"mcpServers\": {\"acme\": {\"command\": \"/usr/bin/node\", \"args\": [\"server.js\"]}}}\n"
	if err := os.WriteFile(path, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := x.run(t, "install", "cursor", "--profile", "acme"); code != 1 || !strings.Contains(x.errOut.String(), "/usr/bin/node") || !strings.Contains(x.errOut.String(), "--force") {
		t.Errorf("conflict: exit %d: %s", code, x.errOut)
	}
	if code := x.run(t, "uninstall", "cursor", "--profile", "acme"); code != 1 || !strings.Contains(x.errOut.String(), "--force") {
		t.Errorf("uninstall conflict: exit %d: %s", code, x.errOut)
	}
	if b, _ := os.ReadFile(path); string(b) != other {
		t.Error("refused install changed the file")
	}
	if code := x.run(t, "install", "cursor", "--profile", "acme", "--force"); code != 0 || !strings.Contains(x.out.String(), "The command changed from /usr/bin/node to "+x.exe) {
		t.Errorf("force: exit %d: %s%s", code, x.out, x.errOut)
	}
	if b, _ := os.ReadFile(path + ".bak"); string(b) != other {
		t.Error(".bak is not the previous version")
	}

	// A read-only file: left alone, with what to do.
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if code := x.run(t, "install", "cursor", "--profile", "beta"); code != 1 || !strings.Contains(x.errOut.String(), "is read-only") || !strings.Contains(x.errOut.String(), "--print shows it") {
		t.Errorf("read-only install: exit %d: %s", code, x.errOut)
	}
	if code := x.run(t, "uninstall", "cursor", "--profile", "acme"); code != 1 || !strings.Contains(x.errOut.String(), "is read-only") || !strings.Contains(x.errOut.String(), `remove the entry "acme" by hand`) {
		t.Errorf("read-only uninstall: exit %d: %s", code, x.errOut)
	}
	// A dry run shows the change and says the real run would stop.
	if code := x.run(t, "install", "cursor", "--profile", "beta", "--dry-run"); code != 0 || !strings.Contains(x.out.String(), "Would ") ||
		!strings.Contains(x.errOut.String(), "Without --dry-run this would stop") || !strings.Contains(x.errOut.String(), "is read-only") {
		t.Errorf("read-only install --dry-run: exit %d: %s%s", code, x.out, x.errOut)
	}
	if code := x.run(t, "uninstall", "cursor", "--profile", "acme", "--dry-run"); code != 0 || !strings.Contains(x.out.String(), "Would remove") ||
		!strings.Contains(x.errOut.String(), "Without --dry-run this would stop") || !strings.Contains(x.errOut.String(), `remove the entry "acme" by hand`) {
		t.Errorf("read-only uninstall --dry-run: exit %d: %s%s", code, x.out, x.errOut)
	}
	if b, _ := os.ReadFile(path); string(b) != string(before) {
		t.Error("read-only file changed")
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}

	// Names that cannot be used.
	if code := x.run(t, "install", "cursor", "--profile", "my api"); code != 2 {
		t.Errorf("profile with a space: exit %d", code)
	}
	if code := x.run(t, "install", "cursor", "--name", "a.b"); code != 2 || !strings.Contains(x.errOut.String(), "--name") {
		t.Errorf("bad name: exit %d: %s", code, x.errOut)
	}
	if code := x.run(t, "install", "notepad"); code != 2 || !strings.Contains(x.errOut.String(), "claude-desktop") {
		t.Errorf("unknown client: exit %d: %s", code, x.errOut)
	}
	for _, cmd := range []string{"install", "uninstall"} {
		if code := x.run(t, cmd, "cursor", "--profile", "acme", "--name", ""); code != 2 || !strings.Contains(x.errOut.String(), "--name needs a name") {
			t.Errorf("%s --name '': exit %d: %s", cmd, code, x.errOut)
		}
	}

	// uninstall finds an entry by its URL or by its command, not both.
	before, _ = os.ReadFile(path)
	if code := x.run(t, "uninstall", "cursor", "--profile", "acme", "--url", "https://mcp.acme.example/mcp", "--command", x.exe); code != 2 ||
		!strings.Contains(x.errOut.String(), "--url and --command cannot be used together") {
		t.Errorf("uninstall --url --command: exit %d: %s", code, x.errOut)
	}
	if b, _ := os.ReadFile(path); string(b) != string(before) {
		t.Error("uninstall --url --command changed the file")
	}
}

func TestInstallWarnings(t *testing.T) {
	long := strings.Repeat("x", 57)
	tests := []struct {
		name     string
		saved    bool
		key      string
		envKey   string
		fileKey  string
		exe      string // the program's path (default: the fixture's)
		tools    []string
		toolsErr error
		want     []string
		notWant  []string
	}{
		{name: "before login", want: []string{`profile "acme" is not saved yet`, "restmcp login --profile acme --spec"}},
		{name: "no key", saved: true, tools: []string{"list"}, want: []string{`profile "acme" has no key yet: run ` + "`restmcp login --profile acme`"}},
		{name: "key only in the environment", saved: true, envKey: "sk-env-secret", want: []string{"RESTMCP_API_KEY is set in this shell", "restmcp login --profile acme"}, notWant: []string{"sk-env-secret"}},
		{name: "long tool names", saved: true, key: "sk-key-secret", tools: []string{"list_projects", long, long + "y"}, want: []string{"2 of 3 tools", "longer than 60"}, notWant: []string{"list_projects", "sk-key-secret", "no key"}},
		{name: "more long tool names than shown", saved: true, key: "k", tools: []string{long + "a", long + "b", long + "c", long + "d", long + "e", long + "f", long + "g"},
			want: []string{"7 of 7 tools", long + "e, and 2 more)"}, notWant: []string{long + "f"}},
		{name: "spec cannot load", saved: true, key: "k", toolsErr: errors.New("spec unreachable"), want: []string{"cannot load the tools", "spec unreachable"}},
		{name: "all good", saved: true, key: "k", tools: []string{"list_projects"}, notWant: []string{"Warning:"}},
		{name: "key in the plain-text file", saved: true, fileKey: "sk-file-secret", tools: []string{"list_projects"}, notWant: []string{"Warning:", "sk-file-secret"}},
		{name: "go run build", saved: true, key: "k", tools: []string{"list_projects"}, exe: "/tmp/go-build3512/b001/exe/restmcp",
			want: []string{"/tmp/go-build3512/b001/exe/restmcp is a temporary build (go run)", "install restmcp"}, notWant: []string{"is in the temporary folder"}},
		{name: "unpacked in the temporary folder", saved: true, key: "k", tools: []string{"list_projects"}, exe: "{root}/tmp/restmcp_1.2.0_linux_amd64/restmcp",
			want: []string{"restmcp_1.2.0_linux_amd64/restmcp is in the temporary folder", "Cursor cannot start it", "put restmcp in a lasting place", "--command"}},
		{name: "unpacked in Downloads", saved: true, key: "k", tools: []string{"list_projects"}, exe: "{root}/home/Downloads/restmcp_1.2.0_linux_amd64/restmcp",
			want: []string{"restmcp_1.2.0_linux_amd64/restmcp is in the Downloads folder", "Cursor cannot start it", "run install again from there"}},
		{name: "beside Downloads", saved: true, key: "k", tools: []string{"list_projects"}, exe: "{root}/home/Downloads2/restmcp",
			notWant: []string{"Warning:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newInstallFixture(t, "linux")
			if tt.saved {
				x.saveProfile(t, "acme")
			}
			if tt.key != "" {
				x.keys.Set("restmcp", "acme", tt.key)
			}
			if tt.envKey != "" {
				x.vars["RESTMCP_API_KEY"] = tt.envKey
			}
			if tt.exe != "" {
				x.exe = filepath.FromSlash(strings.ReplaceAll(tt.exe, "{root}", filepath.ToSlash(x.root)))
			}
			if tt.fileKey != "" {
				// login --insecure-storage, on a machine without a keyring.
				x.f.Keyring.Backend = unavailableBackend{}
				pf, err := x.f.App().InsecureKeys()
				if err != nil {
					t.Fatal(err)
				}
				if err := pf.Set("acme", tt.fileKey); err != nil {
					t.Fatal(err)
				}
			}
			x.tools, x.toolsErr = tt.tools, tt.toolsErr
			if code := x.run(t, "install", "cursor", "--profile", "acme"); code != 0 {
				t.Fatalf("exit %d: %s", code, x.errOut)
			}
			all := x.out.String() + x.errOut.String()
			for _, w := range tt.want {
				if !strings.Contains(x.errOut.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, x.errOut)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(all, w) {
					t.Errorf("output has %q:\n%s", w, all)
				}
			}
		})
	}
}

// TestInstallWarnsLongToolNames loads a real description, as serve does, and
// finds the tool whose name is too long for Cursor.
func TestInstallWarnsLongToolNames(t *testing.T) {
	x := newInstallFixture(t, "linux")
	x.realTools = true
	spec, err := filepath.Abs(filepath.Join("testdata", "long-names-api.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	store, _ := x.f.Profiles()
	if err := store.Save(profile.Profile{Name: "acme", Spec: spec}); err != nil {
		t.Fatal(err)
	}
	x.keys.Set("restmcp", "acme", "k")
	if code := x.run(t, "install", "cursor", "--profile", "acme"); code != 0 {
		t.Fatalf("exit %d: %s", code, x.errOut)
	}
	msg := x.errOut.String()
	if !strings.Contains(msg, "1 of 2 tools") || !strings.Contains(msg, "archived") || strings.Contains(msg, "list_projects") {
		t.Errorf("stderr:\n%s", msg)
	}
	// A short server name does not help a 60+ character tool name, but the
	// check is per client: Claude Desktop has no such limit.
	if code := x.run(t, "install", "claude-desktop", "--profile", "acme"); code != 0 || strings.Contains(x.errOut.String(), "Warning:") {
		t.Errorf("claude-desktop: exit %d: %s", code, x.errOut)
	}
}

// An API host that never answers delays install by the tool-name check's
// timeout at most, and the entry is written all the same.
func TestInstallToolCheckIsBounded(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(hang)
	x := newInstallFixture(t, "linux")
	x.realTools = true
	x.toolNamesTimeout = 200 * time.Millisecond
	store, _ := x.f.Profiles()
	if err := store.Save(profile.Profile{Name: "acme", Spec: srv.URL + "/openapi.json"}); err != nil {
		t.Fatal(err)
	}
	x.keys.Set("restmcp", "acme", "k")
	start := time.Now()
	if code := x.run(t, "install", "cursor", "--profile", "acme"); code != 0 {
		t.Fatalf("exit %d: %s", code, x.errOut)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("install took %v with a host that does not answer", d)
	}
	if !strings.Contains(x.errOut.String(), "cannot load the tools") {
		t.Errorf("no warning about the tools:\n%s", x.errOut)
	}
	if _, err := os.Stat(x.path(t, "cursor", false)); err != nil {
		t.Errorf("entry not written: %v", err)
	}
}

// TestInstallVendorBuild: a branded build's built-in profile is the default
// and needs no saving.
func TestInstallVendorBuild(t *testing.T) {
	x := newInstallFixture(t, "linux")
	x.realTools = true
	spec, _ := filepath.Abs(filepath.Join("testdata", "long-names-api.yaml"))
	x.f.Brand = Brand{Name: "acme-mcp", Defaults: profile.Profile{Name: "acme", Spec: spec}}
	x.f.Keyring.Service = "acme-mcp"
	x.keys.Set("acme-mcp", "acme", "k")
	x.vars["ACME_MCP_CONFIG_DIR"] = filepath.Join(x.root, "config")
	if code := x.run(t, "install", "cursor", "--name", "a"); code != 0 {
		t.Fatalf("exit %d: %s", code, x.errOut)
	}
	b, _ := os.ReadFile(x.path(t, "cursor", false))
	if !bytes.Contains(b, []byte(`"args": ["serve", "--profile", "acme"]`)) {
		t.Errorf("entry:\n%s", b)
	}
	if strings.Contains(x.errOut.String(), "not saved") || strings.Contains(x.errOut.String(), "no key") {
		t.Errorf("stderr: %s", x.errOut)
	}
}

// TestInstallProjectCommand: a project file (committed, used on teammates'
// machines) runs the program by name from PATH; a user file runs it by its
// absolute path; --command overrides either.
func TestInstallProjectCommand(t *testing.T) {
	x := newInstallFixture(t, "linux")
	x.pathDirs = map[string]string{"restmcp": x.exe}
	entryOf := func(client string, project bool) map[string]any {
		t.Helper()
		b, err := os.ReadFile(x.path(t, client, project))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]map[string]map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		for _, servers := range doc {
			if e, ok := servers["acme"]; ok {
				return e
			}
		}
		t.Fatalf("no entry in\n%s", b)
		return nil
	}
	for _, client := range []string{"claude-code", "cursor", "vscode"} {
		if code := x.run(t, "install", client, "--project", "--profile", "acme"); code != 0 {
			t.Fatalf("%s: exit %d: %s", client, code, x.errOut)
		}
		if got := entryOf(client, true)["command"]; got != "restmcp" {
			t.Errorf("%s --project: command = %v, want the bare name", client, got)
		}
		if !strings.Contains(x.out.String(), `runs "restmcp" from PATH`) || strings.Contains(x.errOut.String(), "PATH") {
			t.Errorf("%s: stdout %s\nstderr %s", client, x.out, x.errOut)
		}
	}
	if code := x.run(t, "install", "cursor", "--profile", "acme"); code != 0 {
		t.Fatal(x.errOut)
	}
	if got := entryOf("cursor", false)["command"]; got != x.exe {
		t.Errorf("user file: command = %v, want %s", got, x.exe)
	}

	// Not on this machine's PATH: written all the same, with a warning.
	x.pathDirs = nil
	if code := x.run(t, "install", "gemini", "--project", "--profile", "acme"); code != 0 {
		t.Fatal(x.errOut)
	}
	if !strings.Contains(x.errOut.String(), "restmcp is not on this machine's PATH") || !strings.Contains(x.errOut.String(), "--command") {
		t.Errorf("stderr: %s", x.errOut)
	}

	// --command, and the updated command is named from and to.
	if code := x.run(t, "install", "cursor", "--project", "--profile", "acme", "--command", "/usr/local/bin/restmcp"); code != 0 {
		t.Fatal(x.errOut)
	}
	if got := entryOf("cursor", true)["command"]; got != "/usr/local/bin/restmcp" {
		t.Errorf("--command: command = %v", got)
	}
	if !strings.Contains(x.out.String(), "The command changed from restmcp to /usr/local/bin/restmcp.") {
		t.Errorf("stdout: %s", x.out)
	}
	// uninstall finds it the same way.
	if code := x.run(t, "uninstall", "vscode", "--project", "--profile", "acme"); code != 0 || !strings.Contains(x.out.String(), "Removed") {
		t.Errorf("uninstall --project: exit %d: %s%s", code, x.out, x.errOut)
	}
}

// TestInstallUpdateKeepsUserSettings: an entry the user switched off, gave
// an environment and an extra argument keeps all of it when its path moves.
func TestInstallUpdateKeepsUserSettings(t *testing.T) {
	x := newInstallFixture(t, "linux")
	path := x.path(t, "cursor", false)
	in := `{"mcpServers": {"acme": {"command": "/old/bin/restmcp", "args": ["serve", "--profile", "acme", "--read-only"], "disabled": true, "env": {"HTTPS_PROXY": "http://proxy:3128"}}}}`
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := x.run(t, "install", "cursor", "--profile", "acme"); code != 0 {
		t.Fatal(x.errOut)
	}
	if want := "The command changed from /old/bin/restmcp to " + x.exe + ".\n"; !strings.Contains(x.out.String(), want) {
		t.Errorf("stdout %s\nwant %q", x.out, want)
	}
	b, _ := os.ReadFile(path)
	var doc struct {
		MCPServers map[string]struct {
			Command  string
			Args     []string
			Disabled bool
			Env      map[string]string
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	e := doc.MCPServers["acme"]
	if e.Command != x.exe || !reflect.DeepEqual(e.Args, []string{"serve", "--profile", "acme", "--read-only"}) || !e.Disabled || e.Env["HTTPS_PROXY"] == "" {
		t.Errorf("entry: %+v\n%s", e, b)
	}
}

// TestInstallToolLimits: Windsurf (100 tools in total) and VS Code (128 in
// one request) are warned about with the numbers and the flag that helps.
func TestInstallToolLimits(t *testing.T) {
	x := newInstallFixture(t, "linux")
	x.saveProfile(t, "acme")
	x.keys.Set("restmcp", "acme", "k")
	for i := range 130 {
		x.tools = append(x.tools, "op"+strings.Repeat("x", i%3)+string(rune('a'+i%26)))
	}
	for client, want := range map[string]string{
		"windsurf": "Windsurf uses at most 100 tools in total, across all its servers, and \"acme\" alone serves 130",
		"vscode":   "VS Code uses at most 128 tools in one request, and \"acme\" alone serves 130",
	} {
		if code := x.run(t, "install", client, "--profile", "acme"); code != 0 {
			t.Fatal(x.errOut)
		}
		if msg := x.errOut.String(); !strings.Contains(msg, want) || !strings.Contains(msg, "--layout search") {
			t.Errorf("%s: stderr %s", client, msg)
		}
	}
	x.tools = x.tools[:100]
	for _, client := range []string{"windsurf", "vscode", "cursor"} {
		if code := x.run(t, "install", client, "--profile", "acme"); code != 0 || strings.Contains(x.errOut.String(), "Warning") {
			t.Errorf("%s with 100 tools: exit %d: %s", client, code, x.errOut)
		}
	}
}

// TestInstallNextStep: after writing, the client's own next step.
func TestInstallNextStep(t *testing.T) {
	x := newInstallFixture(t, "linux")
	x.pathDirs = map[string]string{"restmcp": x.exe}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"claude-code", "--project"}, "Claude Code asks before it uses a project's servers: start claude in " + filepath.Join(x.root, "project") + ` and approve "acme"`},
		{[]string{"claude-code"}, "claude mcp list"},
		{[]string{"gemini"}, "Gemini CLI starts no MCP server in an untrusted folder"},
		{[]string{"codex", "--project"}, "Codex reads " + filepath.Join(x.root, "project", ".codex", "config.toml") + " only in a trusted project"},
		{[]string{"codex"}, "codex mcp list"},
		{[]string{"claude-desktop"}, "Quit Claude Desktop completely"},
		{[]string{"windsurf"}, "refresh button"},
		{[]string{"zed"}, "Restart Zed"},
	} {
		args := append([]string{"install"}, tt.args...)
		if code := x.run(t, append(args, "--profile", "acme")...); code != 0 || !strings.Contains(x.out.String(), tt.want) {
			t.Errorf("%v: exit %d: %s\nwant %q", tt.args, code, x.out, tt.want)
		}
	}
}

func TestInstallCodexInlineServers(t *testing.T) {
	x := newInstallFixture(t, "linux")
	path := x.path(t, "codex", false)
	in := "mcp_servers = { other = { command = \"x\" } }\n"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	code := x.run(t, "install", "codex", "--profile", "acme")
	if msg := x.errOut.String(); code != 1 || strings.Contains(msg, "internal error") || !strings.Contains(msg, "inline") || !strings.Contains(msg, "[mcp_servers.acme]") {
		t.Errorf("exit %d: %s", code, msg)
	}
}

func TestInstallURL(t *testing.T) {
	x := newInstallFixture(t, "linux")
	const u = "https://mcp.example.com/mcp"
	if code := x.run(t, "install", "cursor", "--name", "acme", "--url", u, "--header", "Authorization"); code != 0 {
		t.Fatalf("exit %d: %s", code, x.errOut)
	}
	path := x.path(t, "cursor", false)
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), `"url": "https://mcp.example.com/mcp"`) || !strings.Contains(string(b), "${env:RESTMCP_HEADER_AUTHORIZATION}") || strings.Contains(string(b), "command") {
		t.Errorf("file:\n%s", b)
	}
	if !strings.Contains(x.errOut.String(), "environment variable RESTMCP_HEADER_AUTHORIZATION") || strings.Contains(x.errOut.String(), "profile") {
		t.Errorf("stderr: %s", x.errOut)
	}
	// Windsurf and Gemini CLI expand environment variables in their files.
	for _, c := range []struct{ id, ref string }{{"windsurf", "${env:RESTMCP_HEADER_X_API_KEY}"}, {"gemini", "${RESTMCP_HEADER_X_API_KEY}"}} {
		if code := x.run(t, "install", c.id, "--name", "acme", "--url", u, "--header", "X-Api-Key"); code != 0 || !strings.Contains(x.errOut.String(), "environment variable RESTMCP_HEADER_X_API_KEY") {
			t.Errorf("%s: exit %d: %s", c.id, code, x.errOut)
		}
		if b, _ := os.ReadFile(x.path(t, c.id, false)); !strings.Contains(string(b), `"X-Api-Key": "`+c.ref+`"`) {
			t.Errorf("%s file:\n%s", c.id, b)
		}
	}
	if code := x.run(t, "install", "vscode", "--name", "acme", "--url", u, "--header", "Authorization"); code != 0 || !strings.Contains(x.errOut.String(), "secret storage") {
		t.Errorf("vscode: exit %d: %s", code, x.errOut)
	}
	// uninstall takes the input install added with the entry.
	if code := x.run(t, "uninstall", "vscode", "--name", "acme", "--url", u); code != 0 {
		t.Errorf("uninstall vscode: exit %d: %s", code, x.errOut)
	}
	if b, _ := os.ReadFile(x.path(t, "vscode", false)); strings.Contains(string(b), "acme-authorization") {
		t.Errorf("uninstall left the input:\n%s", b)
	}
	// Refusals.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"claude-desktop", "--url", u}, "Claude Desktop reads only servers it starts"},
		{[]string{"codex", "--url", u}, "--url does not work with codex"},
		{[]string{"zed", "--url", u}, "--url does not work with zed"},
		{[]string{"cursor", "--url", "mcp.example.com"}, "full address"},
		{[]string{"cursor", "--url", "https://me:secret@mcp.example.com/mcp"}, "user name or password"},
		{[]string{"cursor", "--url", u, "--command", "/bin/x"}, "cannot be used together"},
		{[]string{"cursor", "--header", "Authorization"}, "only with --url"},
		{[]string{"cursor", "--url", u, "--header", "Bad Header"}, "header name"},
		// A key on the command line is never repeated, nor written.
		{[]string{"cursor", "--url", u, "--header", "Authorization: Bearer sk-secret-42"}, `--header "Authorization"…: give the header's name only`},
		{[]string{"cursor", "--url", u + "?api_key=sk-secret-42"}, `"api_key" in its query, which looks like a key`},
		{[]string{"cursor", "--url", u + "?team=7&X-Access-Token=sk-secret-42"}, `"X-Access-Token"`},
	} {
		code := x.run(t, append([]string{"install"}, tc.args...)...)
		if code == 0 || !strings.Contains(x.errOut.String(), tc.want) || strings.Contains(x.errOut.String(), "secret@") || strings.Contains(x.errOut.String(), "sk-secret-42") {
			t.Errorf("%v: exit %d: %s", tc.args, code, x.errOut)
		}
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), "sk-secret-42") {
		t.Errorf("a refused key reached the file: %s", b)
	}
	// A query without a key is fine; with --force, the user's call.
	if code := x.run(t, "install", "cursor", "--name", "q", "--url", u+"?team=7&page=2"); code != 0 {
		t.Errorf("a plain query: exit %d: %s", code, x.errOut)
	}
	if code := x.run(t, "install", "cursor", "--name", "k", "--url", u+"?api_key=sk-secret-42", "--force"); code != 0 {
		t.Errorf("--force: exit %d: %s", code, x.errOut)
	}
	// uninstall --url removes it; without, it is another program's.
	if code := x.run(t, "uninstall", "cursor", "--name", "acme"); code != 1 || !strings.Contains(x.errOut.String(), "connects to "+u) {
		t.Errorf("uninstall without --url: exit %d: %s", code, x.errOut)
	}
	if code := x.run(t, "uninstall", "cursor", "--name", "acme", "--url", u); code != 0 {
		t.Errorf("uninstall --url: exit %d: %s", code, x.errOut)
	}
}

// A name that serves another profile is not retargeted without --force;
// with it, the output says the profile changed.
func TestInstallKeepsAnotherProfilesEntry(t *testing.T) {
	x := newInstallFixture(t, "linux")
	path := x.path(t, "cursor", false)
	if code := x.run(t, "install", "cursor", "-p", "work"); code != 0 {
		t.Fatalf("exit %d: %s", code, x.errOut)
	}
	before, _ := os.ReadFile(path)
	code := x.run(t, "install", "cursor", "-p", "personal", "--name", "work")
	if msg := x.errOut.String(); code != 1 || !strings.Contains(msg, `serves the profile "work"`) || !strings.Contains(msg, "--force") || !strings.Contains(msg, "--name") {
		t.Errorf("retarget: exit %d: %s", code, msg)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Errorf("refused install changed the file:\n%s", after)
	}
	if code := x.run(t, "install", "cursor", "-p", "personal", "--name", "work", "--force"); code != 0 || !strings.Contains(x.out.String(), "The profile changed from work to personal.") {
		t.Errorf("--force: exit %d: %s%s", code, x.out, x.errOut)
	}
	if b, _ := os.ReadFile(path); !bytes.Contains(b, []byte(`"serve", "--profile", "personal"`)) {
		t.Errorf("entry not retargeted:\n%s", b)
	}
}

// A relative --command is written absolute: the client starts the server
// in a folder of its own. A bare name, found on PATH, stays.
func TestInstallRelativeCommand(t *testing.T) {
	x := newInstallFixture(t, "linux")
	path := x.path(t, "cursor", false)
	abs := filepath.Join(x.env().Dir, "bin", "restmcp")
	rel := "." + string(filepath.Separator) + filepath.Join("bin", "restmcp")
	if code := x.run(t, "install", "cursor", "--command", rel); code != 0 {
		t.Fatalf("exit %d: %s", code, x.errOut)
	}
	if b, _ := os.ReadFile(path); !bytes.Contains(b, []byte(jsonOrTOMLString(abs))) {
		t.Errorf("file lacks %s:\n%s", abs, b)
	}
	if !strings.Contains(x.out.String(), "The entry runs "+abs+": --command "+rel+" is made absolute") {
		t.Errorf("output does not say the command was made absolute: %s", x.out)
	}
	if code := x.run(t, "uninstall", "cursor", "--command", rel); code != 0 || !strings.Contains(x.out.String(), "Removed") {
		t.Errorf("uninstall --command %s: exit %d: %s%s", rel, code, x.out, x.errOut)
	}
	if code := x.run(t, "install", "cursor", "--command", "restmcp"); code != 0 || strings.Contains(x.out.String(), "absolute") {
		t.Fatalf("bare name: exit %d: %s%s", code, x.out, x.errOut)
	}
	if b, _ := os.ReadFile(path); !bytes.Contains(b, []byte(`"command": "restmcp"`)) {
		t.Errorf("bare name not kept:\n%s", b)
	}
}

// A project's file gets no lock file or backup beside it (git add -A
// would commit them); the backup goes to the configuration folder, and
// the output says where.
func TestInstallProjectLeavesNothingBeside(t *testing.T) {
	x := newInstallFixture(t, "linux")
	project := x.env().Dir
	for _, args := range [][]string{
		{"install", "claude-code", "--project", "-p", "acme"},
		{"install", "claude-code", "--project", "-p", "beta"},
		{"install", "vscode", "--project", "-p", "acme"},
		{"install", "vscode", "--project", "-p", "beta"},
		{"uninstall", "vscode", "--project", "-p", "acme"},
	} {
		if code := x.run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, x.errOut)
		}
	}
	if !strings.Contains(x.out.String(), "The previous version is in "+filepath.Join(x.vars["RESTMCP_CONFIG_DIR"], "backups")) {
		t.Errorf("output does not name the backup in the configuration folder: %s", x.out)
	}
	var files []string
	filepath.WalkDir(project, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(project, p)
			files = append(files, rel)
		}
		return nil
	})
	if want := []string{".mcp.json", filepath.Join(".vscode", "mcp.json")}; !reflect.DeepEqual(files, want) {
		t.Errorf("the project holds %q, want only %q", files, want)
	}
}

// Uninstall on a machine without the client's file writes nothing (no
// lock, no folder) and says there is nothing to remove.
func TestUninstallWithoutFile(t *testing.T) {
	x := newInstallFixture(t, "linux")
	if code := x.run(t, "uninstall", "windsurf"); code != 0 || !strings.Contains(x.out.String(), "nothing to remove") {
		t.Errorf("exit %d: %s%s", code, x.out, x.errOut)
	}
	if _, err := os.Stat(filepath.Join(x.vars["HOME"], ".codeium")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("uninstall created ~/.codeium: %v", err)
	}
}

// A dry run shows the lines around the change, often another server's
// env or headers: their values are hidden, ours are shown.
func TestDryRunHidesOtherServersSecrets(t *testing.T) {
	x := newInstallFixture(t, "linux")
	write := func(client, text string) {
		t.Helper()
		path := x.path(t, client, false)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("cursor", `{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "github-mcp", "--token", "ghp_ARGSECRET"],
      "env": {"GITHUB_TOKEN": "ghp_ENVSECRET"},
      "headers": {"Authorization": "Bearer sk-HEADERSECRET"}
    }
  }
}
`)
	write("codex", `[mcp_servers.linear]
command = "npx"
env = { LINEAR_API_KEY = "lin_INLINESECRET" }

[mcp_servers.github]
command = "npx"

[mcp_servers.github.env]
GITHUB_TOKEN = "ghp_TABLESECRET"
`)
	for _, args := range [][]string{
		{"install", "cursor", "-p", "acme", "--dry-run"},
		{"install", "codex", "-p", "acme", "--dry-run"},
		{"install", "cursor", "--name", "remote", "--url", "https://mcp.example.com/mcp", "--header", "Authorization", "--dry-run"},
		{"install", "cursor", "-p", "github", "--force", "--dry-run"},
	} {
		if code := x.run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, x.errOut)
		}
		out := x.out.String()
		if strings.Contains(out, "SECRET") || !strings.Contains(out, "…") {
			t.Errorf("%v shows a secret, or hides none:\n%s", args, out)
		}
		if !strings.Contains(out, "+ ") {
			t.Errorf("%v shows no added line:\n%s", args, out)
		}
	}
	// Our own lines stay readable.
	x.run(t, "install", "cursor", "--name", "remote", "--url", "https://mcp.example.com/mcp", "--header", "Authorization", "--dry-run")
	if out := x.out.String(); !strings.Contains(out, `"Authorization": "${env:RESTMCP_HEADER_AUTHORIZATION}"`) {
		t.Errorf("the header's reference is hidden:\n%s", out)
	}
	x.run(t, "install", "codex", "-p", "acme", "--dry-run")
	if out := x.out.String(); !strings.Contains(out, `+ command = "`+x.exe+`"`) || !strings.Contains(out, `GITHUB_TOKEN = "…"`) {
		t.Errorf("codex dry run:\n%s", out)
	}

	// uninstall --dry-run: the removed entry sits next to the other one.
	for _, client := range []string{"cursor", "codex"} {
		if code := x.run(t, "install", client, "-p", "acme"); code != 0 {
			t.Fatalf("exit %d: %s", code, x.errOut)
		}
		if code := x.run(t, "uninstall", client, "-p", "acme", "--dry-run"); code != 0 {
			t.Fatalf("exit %d: %s", code, x.errOut)
		}
		if out := x.out.String(); strings.Contains(out, "SECRET") || !strings.Contains(out, "- ") {
			t.Errorf("uninstall %s --dry-run:\n%s", client, out)
		}
	}
}

// A profile signed in with OAuth has a token, not a key: install checks
// the token, and warns only when there is none its server can use.
func TestInstallWarnsOAuthProfileWithoutToken(t *testing.T) {
	tests := []struct {
		name    string
		token   string // stored at acme/oauth-token ("" for none)
		want    string
		notWant []string
	}{
		{name: "signed in", token: `{"access_token":"at-SECRET","refresh_token":"rt-SECRET"}`, notWant: []string{"Warning:", "SECRET"}},
		{name: "not signed in", want: `profile "acme" is not signed in yet: run ` + "`restmcp login --profile acme`", notWant: []string{"no key"}},
		{name: "expired", token: `{"access_token":"at-SECRET","expiry":"2001-01-01T00:00:00Z"}`, want: `the OAuth sign-in of profile "acme" has expired`, notWant: []string{"no key", "SECRET"}},
		{name: "damaged", token: `{"access_token":"at-SECR`, want: `the stored sign-in of profile "acme" cannot be read (its keyring entry is damaged): run ` + "`restmcp login --profile acme`", notWant: []string{"cannot check", "SECRET"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newInstallFixture(t, "linux")
			store, _ := x.f.Profiles()
			if err := store.Save(profile.Profile{Name: "acme", MCPURL: "https://mcp.example.com/mcp", Auth: &profile.Auth{Scheme: "mcp-oauth", Kind: profile.AuthOAuth2,
				OAuth: &profile.OAuth{Grant: "authorization_code", TokenURL: "https://idp.example/token"}}}); err != nil {
				t.Fatal(err)
			}
			if tt.token != "" {
				x.keys.Set("restmcp", "acme/oauth-token", tt.token)
			}
			x.tools = []string{"list_projects"}
			if code := x.run(t, "install", "cursor", "--profile", "acme"); code != 0 {
				t.Fatalf("exit %d: %s", code, x.errOut)
			}
			if tt.want != "" && !strings.Contains(x.errOut.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, x.errOut)
			}
			for _, w := range tt.notWant {
				if strings.Contains(x.out.String()+x.errOut.String(), w) {
					t.Errorf("output has %q:\n%s%s", w, x.out, x.errOut)
				}
			}
		})
	}
}

// Install then uninstall, starting with no file, leaves no file and no
// backup, and says the file was deleted.
func TestUninstallDeletesTheFileInstallCreated(t *testing.T) {
	x := newInstallFixture(t, "linux")
	path := x.path(t, "cursor", false)
	if code := x.run(t, "install", "cursor", "--profile", "ex"); code != 0 {
		t.Fatalf("install: exit %d: %s%s", code, x.out, x.errOut)
	}
	x.out.Reset()
	if code := x.run(t, "uninstall", "cursor", "--profile", "ex"); code != 0 || !strings.Contains(x.out.String(), "held nothing else, so it was deleted") ||
		strings.Contains(x.out.String(), ".bak") {
		t.Errorf("uninstall: exit %d: %s%s", code, x.out, x.errOut)
	}
	for _, p := range []string{path, path + ".bak"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is left: %v", p, err)
		}
	}
}

func TestPassingFolder(t *testing.T) {
	tests := []struct{ command, want string }{
		{"/tmp/restmcp_1.2.0/restmcp", "the temporary folder /tmp"},
		{"/home/me/Downloads/restmcp", "the Downloads folder /home/me/Downloads"},
		{"/home/me/Downloads/x/y/restmcp", "the Downloads folder /home/me/Downloads"},
		{"/tmpfiles/restmcp", ""},
		{"/home/me/DownloadsOld/restmcp", ""},
		{"/usr/local/bin/restmcp", ""},
		{"restmcp", ""},
		{"/tmp", ""},
	}
	for _, tt := range tests {
		if got := passingFolder(tt.command, "/home/me", "/tmp", "linux"); got != tt.want {
			t.Errorf("passingFolder(%q) = %q, want %q", tt.command, got, tt.want)
		}
	}
}

// A profile whose description file moved gets an entry the client cannot
// start: install says so, with the login that stores the new path, for a
// client with tool limits and one without.
func TestInstallWarnsDescriptionMoved(t *testing.T) {
	for _, client := range []string{"claude-desktop", "cursor"} {
		t.Run(client, func(t *testing.T) {
			x := newInstallFixture(t, "linux")
			spec := filepath.Join(x.root, "specs", "acme.yaml")
			store, _ := x.f.Profiles()
			if err := store.Save(profile.Profile{Name: "acme", Spec: spec}); err != nil {
				t.Fatal(err)
			}
			x.keys.Set("restmcp", "acme", "k")
			x.toolsErr = errors.New("stat " + spec + ": no such file or directory")
			if code := x.run(t, "install", client, "--profile", "acme"); code != 0 {
				t.Fatalf("exit %d: %s", code, x.errOut)
			}
			want := `Warning: the description of profile "acme", ` + spec + ": the file does not exist, so the server cannot start: if it moved, store its new path with `restmcp login --profile acme --spec NEW_PATH`"
			if !strings.Contains(x.errOut.String(), want) || strings.Contains(x.errOut.String(), "cannot load the tools") {
				t.Errorf("stderr:\n%s\nwant %q", x.errOut, want)
			}
		})
	}
}
