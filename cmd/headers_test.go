package cmd

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/restmcp/restmcp/profile"
)

// versionedAPI is an API that takes the key "Bearer sk-fixed-0123456789"
// and records the Notion-Version and X-Trace headers of each request.
type versionedAPI struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newVersionedAPI(t *testing.T) (*versionedAPI, string) {
	a := &versionedAPI{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.seen = append(a.seen, r.URL.Path+" "+r.Header.Get("Notion-Version")+" "+r.Header.Get("X-Trace"))
		a.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer sk-fixed-0123456789" {
			http.Error(w, `{"error":"bad key"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"p1"}`)
	}))
	t.Cleanup(a.Close)
	spec := `openapi: 3.0.3
info: {title: Pages, version: "1"}
servers: [{url: "` + a.URL + `"}]
paths:
  /me:
    get:
      operationId: getMe
      responses: {"200": {description: OK}}
  /pages/{id}:
    get:
      operationId: getPage
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: Notion-Version, in: header, required: true, schema: {type: string}}
      responses: {"200": {description: OK}}
`
	path := filepath.Join(t.TempDir(), "pages.yaml")
	if err := os.WriteFile(path, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	return a, path
}

// last is the last request's path and headers, and forgets the others.
func (a *versionedAPI) last(t *testing.T) string {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.seen) == 0 {
		t.Fatal("no request reached the API")
	}
	l := a.seen[len(a.seen)-1]
	a.seen = nil
	return l
}

// login saves --header in the profile (the key check sends it), status
// shows it, and tools, call and serve send it, the tool no longer taking
// the header it fills; on a command, --header replaces the saved one of
// that name and "Name:" drops one, for that command only.
func TestFixedHeaderFlag(t *testing.T) {
	api, spec := newVersionedAPI(t)
	e := newAuthEnv(t)
	r := e.run("sk-fixed-0123456789", "login", "-p", "pages", "--spec", spec, "--check-path", "/me", "--with-key",
		"--header", "Notion-Version: 2022-06-28", "--header", "X-Trace:on")
	if r.code != 0 {
		t.Fatalf("login: exit %d, %s", r.code, r.err)
	}
	if got := api.last(t); got != "/me 2022-06-28 on" {
		t.Errorf("the key check sent %q", got)
	}
	p, err := profile.Store{Dir: e.dir}.Get("pages")
	if err != nil || len(p.Headers) != 2 || p.Headers["Notion-Version"] != "2022-06-28" || p.Headers["X-Trace"] != "on" {
		t.Fatalf("saved %+v (%v)", p.Headers, err)
	}

	r = e.run("", "status", "-p", "pages", "--offline")
	if !strings.Contains(r.out, "Header:      Notion-Version: 2022-06-28\n") || !strings.Contains(r.out, "Header:      X-Trace: on\n") {
		t.Errorf("status:\n%s", r.out)
	}
	r = e.run("", "status", "-p", "pages", "--offline", "--json")
	var st []struct{ Headers map[string]string }
	if err := json.Unmarshal([]byte(r.out), &st); err != nil || len(st) != 1 || st[0].Headers["Notion-Version"] != "2022-06-28" {
		t.Errorf("status --json: %s (%v)", r.out, err)
	}

	r = e.run("", "tools", "-p", "pages", "--json")
	if r.code != 0 || strings.Contains(strings.ToLower(r.out), "notion") || !strings.Contains(r.out, `"id"`) {
		t.Errorf("tools: exit %d, the header offered as an argument?\n%s", r.code, r.out)
	}

	if r = e.run("", "call", "get_page", "-p", "pages", "--arg", "id=p1"); r.code != 0 {
		t.Fatalf("call: exit %d, %s", r.code, r.err)
	}
	if got := api.last(t); got != "/pages/p1 2022-06-28 on" {
		t.Errorf("call sent %q", got)
	}
	if r = e.run("", "call", "get_page", "-p", "pages", "--arg", "id=p1", "--header", "notion-version: 2025-09-03", "--header", "X-Trace:"); r.code != 0 {
		t.Fatalf("call --header: exit %d, %s", r.code, r.err)
	}
	if got := api.last(t); got != "/pages/p1 2025-09-03 " {
		t.Errorf("call --header sent %q, want the new version and no X-Trace", got)
	}
	if p, _ := (profile.Store{Dir: e.dir}).Get("pages"); len(p.Headers) != 2 {
		t.Errorf("call changed the saved headers: %v", p.Headers)
	}

	// serve over stdio: one tools/call.
	r = e.run(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_page","arguments":{"id":"p1"}}}
`, "serve", "-p", "pages", "--header", "X-Trace: serve")
	if r.code != 0 || !strings.Contains(r.out, `\"id\":\"p1\"`) {
		t.Fatalf("serve: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	if got := api.last(t); got != "/pages/p1 2022-06-28 serve" {
		t.Errorf("serve sent %q", got)
	}
	e.assertKeyNowhere("sk-fixed-0123456789")
}

// Refused --header values exit 2 with what to do instead, and never show
// what was given where it may be a key.
func TestFixedHeaderFlagRefused(t *testing.T) {
	_, spec := newVersionedAPI(t)
	e := newAuthEnv(t)
	const secret = "sk-pasted-0123456789"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--header", secret}, `has no colon: write it as "Name: value"`},
		{[]string{"--header", "Bad Name" + secret + ": v"}, "not an HTTP header name"},
		{[]string{"--header", "X-A: a\r\nX-B: " + secret}, "X-A: the value contains a line break"},
		{[]string{"--header", "Authorization: Bearer " + secret}, "Authorization: cannot be a fixed header: it carries credentials, and a secret is never given on the command line"},
		{[]string{"--header", "X-Tenant: Bearer " + secret}, "X-Tenant: cannot be a fixed header: its value starts with the authorization scheme Bearer"},
		{[]string{"--auth-header", "X-Api-Key", "--header", "x-api-key: " + secret}, "x-api-key: cannot be a fixed header: its name says it carries a key, and a secret is never given"},
		{[]string{"--header", "Host: " + secret}, "Host: cannot be a fixed header"},
		{[]string{"--header", "Content-Length: 3"}, "Content-Length: cannot be a fixed header"},
		{[]string{"--header", "Transfer-Encoding: chunked"}, "Transfer-Encoding: cannot be a fixed header"},
		{[]string{"--header", "Connection: close"}, "Connection: cannot be a fixed header"},
	} {
		for _, command := range []string{"login", "tools"} {
			args := append([]string{command, "-p", "pages", "--spec", spec}, tt.args...)
			if command == "login" {
				args = append(args, "--with-key")
			}
			r := e.run(secret, args...)
			if r.code != 2 || !strings.Contains(r.err, tt.want) {
				t.Errorf("%s %q: exit %d, stderr %s\nwant %q", command, tt.args, r.code, r.err, tt.want)
			}
		}
	}
	e.assertKeyNowhere(secret)
	// Authorization is refused beside a key in another header too: it
	// carries credentials whatever the profile.
	if r := e.run("", "tools", "-p", "pages", "--spec", spec, "--auth-header", "X-Api-Key", "--header", "Authorization: Basic dXNlcg=="); r.code != 2 || strings.Contains(r.err, "dXNlcg") {
		t.Errorf("Authorization beside a key in X-Api-Key: exit %d, %s", r.code, r.err)
	}
	// Another header is taken.
	if r := e.run("", "tools", "-p", "pages", "--spec", spec, "--auth-header", "X-Api-Key", "--header", "Notion-Version: 2022-06-28"); r.code != 0 {
		t.Errorf("Notion-Version beside a key in X-Api-Key: exit %d, %s", r.code, r.err)
	}
	// A remote MCP server's session headers are the relay's.
	for _, h := range []string{"Mcp-Session-Id: x", "MCP-Protocol-Version: 2025-06-18"} {
		r := e.run("k", "login", "-p", "remote", "--mcp-url", "https://mcp.example.com/mcp", "--header", h, "--with-key")
		if r.code != 2 || !strings.Contains(r.err, "for the MCP session") {
			t.Errorf("remote --header %q: exit %d, %s", h, r.code, r.err)
		}
	}
}

// A command line login repeats in a message (no terminal to ask for the
// key) shows a --header by its name alone: its value is the user's to see
// in the profile, not in every log the message reaches.
func TestGivenCommandHidesHeaderValues(t *testing.T) {
	_, spec := newVersionedAPI(t)
	e := newAuthEnv(t)
	const value = "eu-central-7f3a9c"
	r := e.run("", "login", "-p", "pages", "--spec", spec, "--header", "X-Region: "+value)
	if r.code == 0 || !strings.Contains(r.err, "--header 'X-Region: …'") || strings.Contains(r.err, value) {
		t.Errorf("login without a terminal: exit %d, stderr %s\nwant the command with --header 'X-Region: …' and not the value", r.code, r.err)
	}
}
