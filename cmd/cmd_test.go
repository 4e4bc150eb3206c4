package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/log"

	"github.com/restmcp/restmcp/keyring"
)

// testFactory returns a Factory with captured streams, an isolated config
// dir, a mocked keyring and the given environment.
func testFactory(t *testing.T, env map[string]string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errOut bytes.Buffer
	dir := t.TempDir()
	b := Brand{Name: "restmcp"}
	f := &Factory{
		IO:    &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
		Brand: b,
		Getenv: func(k string) string {
			if k == "RESTMCP_CONFIG_DIR" {
				return dir
			}
			return env[k]
		},
		Keyring: keyring.Store{Service: b.Name, Backend: keyring.NewMemory()},
		Log:     log.New(&errOut),
	}
	return f, &out, &errOut
}

// run executes the command line args against f.
func run(t *testing.T, f *Factory, args ...string) (code int) {
	t.Helper()
	root := NewRootCmd(f)
	root.SetArgs(args)
	return Execute(context.Background(), f, root)
}

// notesAPI is an httptest API for testdata/notes.yaml that records requests.
type notesAPI struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	bodies   []string
}

func newNotesAPI(t *testing.T) *notesAPI {
	a := &notesAPI{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.requests = append(a.requests, r)
		a.bodies = append(a.bodies, string(b))
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "GET" && r.URL.Path == "/api/notes/":
			json.NewEncoder(w).Encode(map[string]any{"count": 1, "results": []any{map[string]any{"id": 1, "title": "hello " + r.URL.Query().Get("search")}}})
		case r.Method == "POST" && r.URL.Path == "/api/notes/":
			w.WriteHeader(201)
			w.Write(b)
		case r.URL.Path == "/api/notes/1/":
			json.NewEncoder(w).Encode(map[string]any{"id": 1, "title": "hello"})
		default:
			w.WriteHeader(404)
			w.Write([]byte(`{"detail":"Not found."}`))
		}
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *notesAPI) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.requests)
}

func (a *notesAPI) last() (*http.Request, string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.requests[len(a.requests)-1], a.bodies[len(a.bodies)-1]
}

func TestToolsJSONNeedsNoKey(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--json"); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	var tools []struct {
		Name        string         `json:"name"`
		InputSchema map[string]any `json:"inputSchema"`
		Annotations map[string]any `json:"annotations"`
	}
	if err := json.Unmarshal(out.Bytes(), &tools); err != nil {
		t.Fatalf("tools --json is not a JSON array: %v\n%s", err, out)
	}
	if len(tools) != 4 {
		t.Fatalf("%d tools, want 4", len(tools))
	}
	for _, tool := range tools {
		if tool.InputSchema["type"] != "object" {
			t.Errorf("%s: schema root type %v", tool.Name, tool.InputSchema["type"])
		}
		if _, ok := tool.Annotations["readOnlyHint"]; !ok {
			t.Errorf("%s: no readOnlyHint", tool.Name)
		}
	}
}

func TestToolsTableAndTokens(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--tokens", "--read-only"); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	s := out.String()
	if !strings.Contains(s, "list_notes") || strings.Contains(s, "create_note") {
		t.Fatalf("--read-only table wrong:\n%s", s)
	}
	if !strings.Contains(s, "2 tools, about") {
		t.Fatalf("no token summary:\n%s", s)
	}
	if !strings.Contains(s, "layout operations (auto: one tool per operation (2 tools, about") {
		t.Fatalf("no layout line:\n%s", s)
	}
	// The total is the one the layout line gives (the listing's estimate).
	var total, auto string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "2 tools, about ") {
			total = strings.Fields(line)[3]
		}
		if _, rest, ok := strings.Cut(line, "(2 tools, about "); ok {
			auto = strings.Fields(rest)[0]
		}
	}
	if total == "" || total != auto {
		t.Errorf("total %q tokens, the layout line %q:\n%s", total, auto, s)
	}
}

func TestToolsSizeReport(t *testing.T) {
	for _, tt := range []struct{ layout, reason string }{
		{"", "fits the budget of 100 tools"},
		{"search", ""},
	} {
		f, out, errOut := testFactory(t, nil)
		args := []string{"tools", "--spec", "testdata/notes.yaml", "--tokens", "--json"}
		if tt.layout != "" {
			args = append(args, "--layout", tt.layout)
		}
		if code := run(t, f, args...); code != 0 {
			t.Fatalf("exit %d, stderr: %s", code, errOut)
		}
		var r struct {
			Layout, Reason       string
			Tools, Bytes, Tokens int
			ModelBytes           int `json:"model_bytes"`
		}
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		want := tt.layout
		if want == "" {
			want = "operations"
		}
		if r.Layout != want || !strings.Contains(r.Reason, tt.reason) || (tt.reason == "") != (r.Reason == "") || r.Tools == 0 || r.Tokens != (r.ModelBytes+3)/4 || r.ModelBytes >= r.Bytes || r.ModelBytes < r.Bytes/2 {
			t.Errorf("--layout %q: %+v", tt.layout, r)
		}
	}
}

func TestCallSendsKeyAndPrintsResult(t *testing.T) {
	api := newNotesAPI(t)
	f, out, errOut := testFactory(t, map[string]string{"RESTMCP_API_KEY": "sk-test-0123456789"})
	code := run(t, f, "call", "list_notes", "--spec", "testdata/notes.yaml", "--base-url", api.URL+"/api",
		"--auth-scheme", "Api-Key", "--arg", "search=milk", "--arg", "page=2")
	if code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	r, _ := api.last()
	if got := r.Header.Get("Authorization"); got != "Api-Key sk-test-0123456789" {
		t.Errorf("Authorization = %q", got)
	}
	if r.URL.RawQuery != "page=2&search=milk" && r.URL.RawQuery != "search=milk&page=2" {
		t.Errorf("query = %q", r.URL.RawQuery)
	}
	if !strings.Contains(out.String(), `"hello milk"`) {
		t.Errorf("result not printed: %s", out)
	}
	if strings.Contains(out.String()+errOut.String(), "sk-test-0123456789") {
		t.Error("the key was printed")
	}
}

func TestCallToolErrorExitsNonZero(t *testing.T) {
	api := newNotesAPI(t)
	f, _, errOut := testFactory(t, map[string]string{"RESTMCP_API_KEY": "k"})
	code := run(t, f, "call", "get_note", "--spec", "testdata/notes.yaml", "--base-url", api.URL+"/api", "--arg", "id=7")
	if code == 0 {
		t.Fatal("a 404 exited 0")
	}
	if !strings.Contains(errOut.String(), "404") {
		t.Errorf("stderr does not name the status: %s", errOut)
	}
}

// TestCallOperationByName checks that call runs an operation by its own
// name whatever layout serves it, converting --arg values by its schema.
func TestCallOperationByName(t *testing.T) {
	for _, layout := range []string{"search", "resources", "operations"} {
		t.Run(layout, func(t *testing.T) {
			api := newNotesAPI(t)
			f, out, errOut := testFactory(t, map[string]string{"RESTMCP_API_KEY": "k"})
			code := run(t, f, "call", "create_note", "--layout", layout, "--spec", "testdata/notes.yaml", "--base-url", api.URL+"/api",
				"--arg", "title=hi", "--arg", "pinned=true")
			if code != 0 {
				t.Fatalf("exit %d, stderr: %s", code, errOut)
			}
			if r, body := api.last(); r.Method != "POST" || body != `{"pinned":true,"title":"hi"}` {
				t.Errorf("sent %s %s", r.Method, body)
			}
			if !strings.Contains(out.String(), `"title":"hi"`) {
				t.Errorf("stdout: %s", out)
			}
		})
	}
}

func TestCallInvalidArgumentSendsNothing(t *testing.T) {
	api := newNotesAPI(t)
	f, _, errOut := testFactory(t, map[string]string{"RESTMCP_API_KEY": "k"})
	code := run(t, f, "call", "create_note", "--spec", "testdata/notes.yaml", "--base-url", api.URL+"/api", "--arg", "pinned=true")
	if code == 0 {
		t.Fatal("missing required title exited 0")
	}
	if api.count() != 0 {
		t.Fatalf("%d requests reached the API", api.count())
	}
	if !strings.Contains(errOut.String(), "title") {
		t.Errorf("error does not name the field: %s", errOut)
	}
}

func TestCallWithoutKeyNamesLogin(t *testing.T) {
	api := newNotesAPI(t)
	f, _, errOut := testFactory(t, nil)
	code := run(t, f, "call", "list_notes", "--profile", "acme", "--spec", "testdata/notes.yaml", "--base-url", api.URL+"/api")
	if code == 0 {
		t.Fatal("call without a key exited 0")
	}
	if !strings.Contains(errOut.String(), "restmcp login --profile acme") {
		t.Errorf("error does not name the login command: %s", errOut)
	}
	if api.count() != 0 {
		t.Fatalf("%d requests reached the API without a key", api.count())
	}
}

func TestBadSpecNamesFile(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/missing.yaml"); code == 0 {
		t.Fatal("missing spec exited 0")
	}
	if !strings.Contains(errOut.String(), "the file testdata/missing.yaml given with --spec does not exist") {
		t.Errorf("error does not say plainly that the file given is missing: %s", errOut)
	}
	if strings.Contains(errOut.String(), "if it moved") {
		t.Errorf("error takes the description given for a stored one: %s", errOut)
	}
	if strings.Contains(errOut.String(), "goroutine") {
		t.Errorf("stack trace printed: %s", errOut)
	}
}

func TestUnknownToolIsAFlagError(t *testing.T) {
	tests := []struct {
		tool, want string
	}{
		{"nope", "run `restmcp tools` with the same profile flags"},
		{"listNotes", "did you mean list_notes?"},
		{"list-notes", "did you mean list_notes?"},
		{"note", "did you mean create_note, delete_note, get_note, list_notes?"},
	}
	for _, tt := range tests {
		t.Run(tt.tool, func(t *testing.T) {
			f, _, errOut := testFactory(t, nil)
			if code := run(t, f, "call", tt.tool, "--spec", "testdata/notes.yaml"); code != 2 {
				t.Fatalf("exit %d, want 2; stderr: %s", code, errOut)
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr lacks %q: %s", tt.want, errOut)
			}
		})
	}
}

func TestURLDescriptionFallsBackToSavedCopy(t *testing.T) {
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	up := true
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if !up {
			http.Error(w, "maintenance", http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.oai.openapi")
		w.Write(spec)
	}))
	defer srv.Close()
	f, out, errOut := testFactory(t, nil)
	args := []string{"tools", "--profile", "notes", "--spec", srv.URL + "/schema/", "--base-url", "http://127.0.0.1:9/api", "--json"}
	if code := run(t, f, args...); code != 0 {
		t.Fatalf("first load: exit %d: %s", code, errOut)
	}
	first := out.String()
	mu.Lock()
	up = false
	mu.Unlock()
	out.Reset()
	errOut.Reset()
	if code := run(t, f, args...); code != 0 {
		t.Fatalf("with the host down: exit %d: %s", code, errOut)
	}
	if out.String() != first {
		t.Errorf("tools from the saved copy differ from the fetched ones")
	}
	if !strings.Contains(errOut.String(), "saved earlier") {
		t.Errorf("no warning about the saved copy: %s", errOut)
	}
	// Another profile has no saved copy: the error stands.
	errOut.Reset()
	args[2] = "other"
	if code := run(t, f, args...); code == 0 {
		t.Fatal("a profile without a saved copy loaded from a failing host")
	}
}

// tools sends no request, so a description without servers lists its tools
// without --base-url; call still needs one and says how to give it.
func TestDescriptionWithoutServers(t *testing.T) {
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec = []byte(strings.Replace(string(spec), "servers:\n  - url: http://127.0.0.1:9/api\n", "", 1))
	if strings.Contains(string(spec), "servers:") {
		t.Fatal("fixture still declares servers")
	}
	path := filepath.Join(t.TempDir(), "noservers.yaml")
	if err := os.WriteFile(path, spec, 0o600); err != nil {
		t.Fatal(err)
	}
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", path); code != 0 {
		t.Fatalf("tools: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out.String(), "list_notes") {
		t.Errorf("tools lists no list_notes:\n%s", out)
	}
	errOut.Reset()
	if code := run(t, f, "call", "list_notes", "--spec", path); code == 0 {
		t.Fatal("call without a base URL succeeded")
	}
	if !strings.Contains(errOut.String(), "--base-url") {
		t.Errorf("call error does not name --base-url: %s", errOut)
	}
}

// Every command a message tells the user to run can be pasted into a shell
// as it is, whatever the profile's name.
func TestSuggestedCommandsQuoteProfileName(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no description", []string{"tools", "--profile", "my api"}, "restmcp login --profile 'my api' --spec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, errOut := testFactory(t, nil)
			if code := run(t, f, tt.args...); code == 0 {
				t.Fatal("exit 0")
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, errOut)
			}
		})
	}
}

// A profile without tools is told apart: an empty description, one whose
// operations could not be read, and a selection that leaves none.
func TestNoToolsSaysWhy(t *testing.T) {
	const head = "openapi: 3.0.0\ninfo: {title: t, version: \"1\"}\nservers: [{url: http://127.0.0.1:9}]\n"
	tests := []struct {
		name    string
		spec    string
		args    []string
		want    string
		notWant string
	}{
		{name: "no paths", spec: head + "paths: {}\n", want: "declares no operations", notWant: "--tag"},
		// OpenAPI 3.1 allows a description of webhooks alone: requests
		// the API sends, which are no calls a tool could make.
		{name: "webhooks only", spec: "openapi: 3.1.0\ninfo: {title: t, version: \"1\"}\nwebhooks:\n  newPet:\n    post: {responses: {}}\n  petGone:\n    post: {responses: {}}\n",
			want: "declares no operations, only 2 webhooks (requests the API sends, which are no tools)", notWant: "\"paths\" are empty"},
		{name: "all skipped", spec: head + "paths:\n  /a:\n    get: 5\n", want: "none of its 1 operations could be read (the first, GET /a: the operation is a number", notWant: "--tag"},
		{name: "selection", spec: head + "paths:\n  /a:\n    post: {responses: {}}\n", args: []string{"--read-only"}, want: "none of the 1 operations matches the tool selection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "api.yaml")
			if err := os.WriteFile(path, []byte(tt.spec), 0o600); err != nil {
				t.Fatal(err)
			}
			f, _, errOut := testFactory(t, nil)
			if code := run(t, f, append([]string{"tools", "--spec", path}, tt.args...)...); code != 1 {
				t.Fatalf("exit %d, want 1: %s", code, errOut)
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, errOut)
			}
			if tt.notWant != "" && strings.Contains(errOut.String(), tt.notWant) {
				t.Errorf("stderr has %q:\n%s", tt.notWant, errOut)
			}
		})
	}
}

// An audit log others could read is made private; one that cannot be
// written (a full disk) is warned about once, and the call goes on.
func TestAuditLogPermissionsAndWriteErrors(t *testing.T) {
	api := newNotesAPI(t)
	logPath := filepath.Join(t.TempDir(), "audit.jsonl")
	if err := os.WriteFile(logPath, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := testFactory(t, map[string]string{"RESTMCP_API_KEY": "sk-audit-0123456789"})
	if code := run(t, f, "call", "list_notes", "--spec", "testdata/notes.yaml", "--base-url", api.URL+"/api", "--audit-log", logPath); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if st, err := os.Stat(logPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("existing audit log left at %v (%v), want 0600", st.Mode().Perm(), err)
	}
	if _, err := os.Stat("/dev/full"); err != nil {
		return
	}
	f, out, errOut := testFactory(t, map[string]string{"RESTMCP_API_KEY": "sk-audit-0123456789"})
	if code := run(t, f, "call", "list_notes", "--spec", "testdata/notes.yaml", "--base-url", api.URL+"/api", "--audit-log", "/dev/full"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := strings.Count(errOut.String(), "audit log"); n != 1 || out.Len() == 0 {
		t.Errorf("stderr has %d audit warnings, want 1:\n%s", n, errOut)
	}
}

func TestCallAuditLogAndResultBudget(t *testing.T) {
	api := newNotesAPI(t)
	f, out, errOut := testFactory(t, map[string]string{"RESTMCP_API_KEY": "sk-audit-0123456789"})
	logPath := filepath.Join(t.TempDir(), "audit.jsonl")
	code := run(t, f, "call", "list_notes", "--spec", "testdata/notes.yaml", "--base-url", api.URL+"/api",
		"--arg", "search=secret-search-term", "--audit-log", logPath, "--max-result-bytes", "40")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out.String(), "truncated") {
		t.Errorf("a result over --max-result-bytes was not cut with a note:\n%s", out)
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("audit log has %d lines, want a start and an end line:\n%s", len(lines), b)
	}
	for i, want := range []string{"start", "end"} {
		var entry map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &entry); err != nil {
			t.Fatalf("audit line is not JSON: %v\n%s", err, lines[i])
		}
		if entry["tool"] != "list_notes" || entry["event"] != want {
			t.Errorf("audit entry %v, want the %s line of list_notes", entry, want)
		}
	}
	st, err := os.Stat(logPath)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("audit log mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	for _, secret := range []string{"sk-audit-0123456789", "secret-search-term"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("audit log contains %q: %s", secret, b)
		}
	}
}

func TestAuthHeaderParameterIsNotAnArgument(t *testing.T) {
	spec := `openapi: 3.0.3
info: {title: Keyed, version: "1"}
servers: [{url: "http://127.0.0.1:9"}]
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: X-Api-Key, in: header, required: true, schema: {type: string}}
        - {name: q, in: query, schema: {type: string}}
      responses: {"200": {description: OK}}
`
	path := filepath.Join(t.TempDir(), "keyed.yaml")
	if err := os.WriteFile(path, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", path, "--auth-header", "X-Api-Key", "--auth-scheme", "", "--json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out.String(), "X-Api-Key") || strings.Contains(out.String(), "X_Api_Key") {
		t.Errorf("the key's header is offered to the model as an argument:\n%s", out)
	}
	if !strings.Contains(out.String(), `"q"`) {
		t.Errorf("the other parameter is missing:\n%s", out)
	}
}

func TestToolSelectionFlagValues(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--method", "GET"}, 0, ""},
		{[]string{"--method", "get"}, 0, ""},
		{[]string{"--method", "FOO"}, 2, "not an HTTP method: use GET, PUT, POST"},
		{[]string{"--method", "GETS"}, 2, "not an HTTP method"},
		{[]string{"--max-result-bytes", "5000"}, 0, ""},
		{[]string{"--max-result-bytes", "0"}, 2, "give a positive number of bytes"},
		{[]string{"--max-result-bytes", "-5"}, 2, "give a positive number of bytes"},
		{[]string{"--allow-ref-dir", "testdata"}, 0, ""},
		{[]string{"--allow-ref-dir", "testdata/no-such-folder"}, 2, "no such folder"},
		{[]string{"--allow-ref-dir", "testdata/notes.yaml"}, 2, "not a folder"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, errOut := testFactory(t, nil)
			if code := run(t, f, append([]string{"tools", "--spec", "testdata/notes.yaml"}, tt.args...)...); code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errOut)
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr lacks %q: %s", tt.want, errOut)
			}
		})
	}
}

// Listing tools calls none: the audit log is not opened, so not created.
func TestToolsOpensNoAuditLog(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	logPath := filepath.Join(t.TempDir(), "audit.jsonl")
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--audit-log", logPath); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(logPath); err == nil {
		t.Error("tools created the audit log")
	}
}

func TestToolsTableKinds(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := map[string]string{"list_notes": "read", "create_note": "write", "delete_note": "destructive"}
	for _, line := range strings.Split(out.String(), "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 2 && want[fields[0]] != "" {
			if fields[1] != want[fields[0]] {
				t.Errorf("%s: kind %q, want %q", fields[0], fields[1], want[fields[0]])
			}
			delete(want, fields[0])
		}
	}
	if len(want) > 0 {
		t.Errorf("tools missing from the table: %v\n%s", want, out)
	}
}

// A URL shown in an error never carries its user info or query string,
// whether it parses or not.
func TestErrorsHideURLCredentials(t *testing.T) {
	api := newNotesAPI(t)
	bad := []string{"http://user:pw-secret@127.0.0.1:1/%zz?apikey=q-secret", "http://user:pw-secret@127.0.0.1:1/api?apikey=q-secret"}
	for _, u := range bad {
		for _, args := range [][]string{
			{"tools", "--spec", u},
			{"tools", "--mcp-url", u},
			{"call", "list_notes", "--spec", "testdata/notes.yaml", "--base-url", u},
			{"call", "list_notes", "--spec", "testdata/notes.yaml", "--base-url", api.URL + "/api", "--audit-log", t.TempDir() + "/x/" + "y"},
		} {
			f, out, errOut := testFactory(t, map[string]string{"RESTMCP_API_KEY": "sk-0123456789"})
			run(t, f, args...)
			for _, s := range []string{"pw-secret", "q-secret"} {
				if strings.Contains(out.String()+errOut.String(), s) {
					t.Errorf("%v shows %q:\n%s%s", args, s, out, errOut)
				}
			}
		}
	}
}

// --timeout bounds the whole call, and the error says how to raise it.
func TestCallTimeoutFlag(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute): // past the default limit, 30s
		}
	}))
	defer slow.Close()
	f, out, errOut := testFactory(t, map[string]string{"RESTMCP_API_KEY": "sk-0123456789"})
	start := time.Now()
	run(t, f, "call", "list_notes", "--spec", "testdata/notes.yaml", "--base-url", slow.URL+"/api", "--timeout", "300ms")
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s with --timeout 300ms", d)
	}
	if text := out.String() + errOut.String(); !strings.Contains(text, "300ms") || !strings.Contains(text, "--timeout") {
		t.Errorf("output does not name the limit and the flag:\n%s", text)
	}
	f, _, errOut = testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--timeout", "-1s"); code == 0 || !strings.Contains(errOut.String(), "--timeout") {
		t.Errorf("a negative --timeout: exit %d: %s", code, errOut)
	}
}

// TestToolsSeparateWrites checks that --separate-writes reaches the
// resources layout, and that login keeps it in the profile for serve.
func TestToolsSeparateWrites(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--layout", "resources", "--separate-writes", "--json"); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	var tools []struct {
		Name        string
		Annotations struct{ ReadOnlyHint bool }
	}
	if err := json.Unmarshal(out.Bytes(), &tools); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	got := map[string]bool{}
	for _, tool := range tools {
		got[tool.Name] = tool.Annotations.ReadOnlyHint
	}
	if ro, ok := got["notes"]; !ok || !ro {
		t.Errorf("notes: listed %v, read-only %v: %s", ok, ro, out)
	}
	if ro, ok := got["notes_write"]; !ok || ro {
		t.Errorf("notes_write: listed %v, read-only %v: %s", ok, ro, out)
	}
}
