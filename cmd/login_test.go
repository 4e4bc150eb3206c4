package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/profile"
)

const (
	goodKey = "sk-live-0123456789abcdWXYZ"
	badKey  = "sk-live-wrongwrongwrongQQQQ"
)

func TestLoginFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want LoginOptions
	}{
		{name: "defaults", args: nil, want: LoginOptions{}},
		{name: "with key and check path", args: []string{"--with-key", "--check-path", "/me"}, want: LoginOptions{WithKey: true, CheckPath: "/me"}},
		{name: "no check", args: []string{"--no-check"}, want: LoginOptions{NoCheck: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *LoginOptions
			c := newLoginCmd(&Factory{Brand: Brand{Name: "restmcp"}}, func(o *LoginOptions) error { got = o; return nil })
			c.SetArgs(append(tt.args, "--profile", "acme"))
			if err := c.Execute(); err != nil {
				t.Fatal(err)
			}
			if got.WithKey != tt.want.WithKey || got.CheckPath != tt.want.CheckPath || got.NoCheck != tt.want.NoCheck {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
			if got.Profile.Name != "acme" {
				t.Errorf("profile = %q", got.Profile.Name)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	tests := []struct {
		name      string
		stdin     string
		args      []string
		tty       bool
		secret    string
		env       map[string]string
		wantCode  int
		wantErr   []string // substrings of stderr
		wantKey   string   // in the keyring afterwards ("" = none)
		wantSaved bool     // profile saved
		wantHits  []string
	}{
		{
			name:  "key from stdin, checked with --check-path",
			stdin: goodKey + "\n", args: []string{"--with-key", "--check-path", "/v1/me"},
			wantErr: []string{"accepted the key (GET " + api.URL + "/v1/me: 200)", `Stored the key in the in-memory test keyring (service "restmcp"), account "acme"`},
			wantKey: goodKey, wantSaved: true, wantHits: []string{"GET /v1/me"},
		},
		{
			name:  "private spec URL on the API origin, then an operation is the check",
			stdin: goodKey, args: []string{"--with-key", "--spec", api.URL + "/private/openapi.yaml"},
			// Read without the key (refused), then with it; then a GET
			// that takes no arguments, where the calls go: that the
			// description accepts the key says nothing of the base URL.
			wantErr: []string{"accepted the key (GET " + api.URL + "/projects: 200)"},
			wantKey: goodKey, wantSaved: true, wantHits: []string{"GET /private/openapi.yaml", "GET /private/openapi.yaml", "GET /projects"},
		},
		{
			name: "hidden prompt on a terminal",
			tty:  true, secret: "  " + goodKey + "  ", args: []string{"--check-path", "/v1/me"},
			wantErr: []string{`API key for profile "acme" (input hidden)`},
			wantKey: goodKey, wantSaved: true, wantHits: []string{"GET /v1/me"},
		},
		{
			name:  "rejected key stores nothing",
			stdin: badKey + "\n", args: []string{"--with-key", "--check-path", "/v1/me"},
			wantCode: 1, wantErr: []string{"the API rejected the key", "401", "nothing was stored"},
			wantHits: []string{"GET /v1/me"},
		},
		{
			name:  "inconclusive check stores nothing",
			stdin: goodKey, args: []string{"--with-key", "--check-path", "/missing"},
			wantCode: 1, wantErr: []string{"404", "Nothing was stored", "--no-check"},
			wantHits: []string{"GET /missing"},
		},
		{
			name:  "redirect to another origin is not followed",
			stdin: goodKey, args: []string{"--with-key", "--check-path", "/elsewhere"},
			wantCode: 1, wantErr: []string{"redirects to " + api.elsewhere + "/steal, another origin", "Nothing was stored"},
			wantHits: []string{"GET /elsewhere"},
		},
		{
			name:  "an HTML page proves nothing",
			stdin: goodKey, args: []string{"--with-key", "--check-path", "/login-page"},
			wantCode: 1, wantErr: []string{"answered with an HTML page", "Nothing was stored"},
			wantHits: []string{"GET /login-page"},
		},
		{
			name:  "check path on another origin is refused",
			stdin: goodKey, args: []string{"--with-key", "--check-path", "https://other.example/me"},
			wantCode: 1, wantErr: []string{"not on the API's origin", "nothing was stored"},
		},
		{
			name:  "unreachable API stores nothing",
			stdin: goodKey, args: []string{"--with-key", "--base-url", "http://127.0.0.1:1", "--check-path", "/me"},
			wantCode: 1, wantErr: []string{"could not be reached", "Nothing was stored", "--no-check"},
		},
		{
			name:  "unreachable description is not a failed key check",
			stdin: goodKey, args: []string{"--with-key", "--spec", "http://127.0.0.1:1/openapi.json", "--base-url", "http://127.0.0.1:1"},
			wantCode: 1, wantErr: []string{"the API description at http://127.0.0.1:1/openapi.json cannot be reached", "nothing was stored"},
		},
		{
			name:  "--no-check stores without a request",
			stdin: goodKey, args: []string{"--with-key", "--base-url", "http://127.0.0.1:1", "--no-check"},
			wantErr: []string{"not checked"}, wantKey: goodKey, wantSaved: true,
		},
		{
			name:  "env var precedence is announced",
			stdin: goodKey, args: []string{"--with-key", "--check-path", "/v1/me"},
			env:     map[string]string{"RESTMCP_API_KEY": "sk-env-000000000000"},
			wantErr: []string{"RESTMCP_API_KEY is set: it takes precedence over the keyring"},
			wantKey: goodKey, wantSaved: true, wantHits: []string{"GET /v1/me"},
		},
		{
			// The command given, so that it works for a new profile too.
			name:  "no terminal and no --with-key",
			stdin: goodKey, args: []string{"--check-path", "/v1/me"},
			wantCode: 2, wantErr: []string{"--with-key", app.PipeKeyExample(runtime.GOOS, "restmcp login --profile acme --base-url "+api.URL+" --check-path /v1/me --spec testdata/keycheck-api.yaml")},
		},
		{
			name:  "UTF-8 key file with a byte-order mark",
			stdin: "\xEF\xBB\xBF" + goodKey + "\r\n", args: []string{"--with-key", "--check-path", "/v1/me"},
			wantKey: goodKey, wantSaved: true, wantHits: []string{"GET /v1/me"},
		},
		{
			name:  "UTF-16 key file (PowerShell 5.1 echo KEY > key.txt)",
			stdin: utf16LE(goodKey + "\r\n"), args: []string{"--with-key", "--check-path", "/v1/me"},
			wantKey: goodKey, wantSaved: true, wantHits: []string{"GET /v1/me"},
		},
		{
			name:  "control character in the key",
			stdin: "sk-live-0123\x1b[201~456789abcdWXYZ\n", args: []string{"--with-key", "--check-path", "/v1/me"},
			wantCode: 1, wantErr: []string{"control character at position 13", "paste the key alone"},
		},
		{
			name:  "empty stdin",
			stdin: "\n", args: []string{"--with-key", "--check-path", "/v1/me"},
			wantCode: 1, wantErr: []string{"no key on standard input"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAuthEnv(t)
			e.tty, e.secret = tt.tty, tt.secret
			for k, v := range tt.env {
				e.env[k] = v
			}
			before := len(api.requests())
			args := append([]string{"login", "--profile", "acme", "--spec", "testdata/keycheck-api.yaml", "--base-url", api.URL}, tt.args...)
			r := e.run(tt.stdin, args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit code %d, want %d\nstderr: %s", r.code, tt.wantCode, r.err)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(r.err, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.err)
				}
			}
			if got := e.storedKey("acme"); got != tt.wantKey {
				t.Errorf("keyring holds %q, want %q", got, tt.wantKey)
			}
			store := profile.Store{Dir: e.dir}
			_, err := store.Get("acme")
			if saved := err == nil; saved != tt.wantSaved {
				t.Errorf("profile saved = %v, want %v (%v)", saved, tt.wantSaved, err)
			}
			hits := api.requests()[before:]
			if strings.Join(hits, ",") != strings.Join(tt.wantHits, ",") {
				t.Errorf("API requests = %q, want %q", hits, tt.wantHits)
			}
			e.assertKeyNowhere(goodKey)
			e.assertKeyNowhere(badKey)
		})
	}
}

func TestLoginSavesProfile(t *testing.T) {
	api := newFakeAPI(t, goodKey, "X-Api-Key", "Token")
	e := newAuthEnv(t)
	r := e.run(goodKey, "login", "-p", "acme", "--spec", "testdata/keycheck-api.yaml", "--base-url", api.URL+"/v1",
		"--auth-header", "X-Api-Key", "--auth-scheme", "Token", "--prefix", "acme", "--check-path", "me",
		"--audit-log", "acme-audit.jsonl", "--with-key")
	if r.code != 0 {
		t.Fatalf("login failed: %s", r.err)
	}
	got, err := profile.Store{Dir: e.dir}.Get("acme")
	if err != nil {
		t.Fatal(err)
	}
	// Saved by its absolute path: an editor starts the server elsewhere.
	wantSpec, err := filepath.Abs("testdata/keycheck-api.yaml")
	if err != nil {
		t.Fatal(err)
	}
	wantAudit, err := filepath.Abs("acme-audit.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if got.AuditLog != wantAudit {
		t.Errorf("audit log saved as %q, want %q", got.AuditLog, wantAudit)
	}
	if _, err := os.Stat("acme-audit.jsonl"); err == nil {
		os.Remove("acme-audit.jsonl")
		t.Error("login created the audit log; only commands that call tools write it")
	}
	if got.Spec != wantSpec || got.BaseURL != api.URL+"/v1" || got.Header() != "X-Api-Key" ||
		got.Scheme() != "Token" || got.Prefix != "acme" || got.CheckPath != "me" {
		t.Errorf("saved profile = %+v", got)
	}
	if hits := api.requests(); len(hits) != 1 || hits[0] != "GET /v1/me" {
		t.Errorf("requests = %q, want the check path joined to the base URL", hits)
	}
	// A second login takes everything from the stored profile.
	r = e.run(goodKey, "login", "-p", "acme", "--with-key")
	if r.code != 0 || !strings.Contains(r.err, "/v1/me: 200") {
		t.Fatalf("login from the stored profile: %d %s", r.code, r.err)
	}
	e.assertKeyNowhere(goodKey)
}

func TestLoginReplacesKey(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	e := newAuthEnv(t)
	if err := e.keyring.Set("acme", "sk-old-key-0000000000"); err != nil {
		t.Fatal(err)
	}
	r := e.run(goodKey, "login", "-p", "acme", "--spec", "x.yaml", "--base-url", api.URL, "--check-path", "/me", "--with-key")
	if r.code != 0 {
		t.Fatalf("login: %s", r.err)
	}
	if got := e.storedKey("acme"); got != goodKey {
		t.Errorf("keyring holds %q after re-login, want the new key", got)
	}
	// A rejected re-login keeps the working key.
	r = e.run(badKey, "login", "-p", "acme", "--with-key")
	if r.code == 0 {
		t.Fatal("a rejected key was accepted")
	}
	if got := e.storedKey("acme"); got != goodKey {
		t.Errorf("keyring holds %q after a rejected login, want the old key kept", got)
	}
}

func TestLoginNeedsSpec(t *testing.T) {
	e := newAuthEnv(t)
	r := e.run(goodKey, "login", "-p", "acme", "--with-key", "--base-url", "http://127.0.0.1:1")
	if r.code != 2 || !strings.Contains(r.err, `profile "acme" has no OpenAPI description: pass --spec FILE|URL`) {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

// unavailableBackend fails like go-keyring without a Secret Service.
type unavailableBackend struct{}

func (unavailableBackend) Get(string, string) (string, error) {
	return "", errors.New("The name org.freedesktop.secrets was not provided by any .service files")
}
func (b unavailableBackend) Set(s, a, k string) error { _, err := b.Get(s, a); return err }
func (b unavailableBackend) Delete(s, a string) error { _, err := b.Get(s, a); return err }

// hangingBackend never answers, like an unlock prompt nobody sees.
type hangingBackend struct{ release chan struct{} }

func (b hangingBackend) Get(string, string) (string, error) { <-b.release; return "", nil }
func (b hangingBackend) Set(string, string, string) error   { <-b.release; return nil }
func (b hangingBackend) Delete(string, string) error        { <-b.release; return nil }

func TestLoginKeyringUnavailable(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	locked := errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")
	tests := []struct {
		name    string
		store   keyring.Store
		wantErr []string
		docURL  bool // the hint names where keyrings are missing
	}{
		{name: "no secret service", store: keyring.Store{Service: "restmcp", Backend: unavailableBackend{}},
			wantErr: []string{"the OS keyring is unavailable", "org.freedesktop.secrets was not provided"}, docURL: true},
		{name: "no answer", store: keyring.Store{Service: "restmcp", Backend: hangingBackend{release}, Timeout: 200 * time.Millisecond},
			wantErr: []string{"the OS keyring is unavailable", "no answer to get within 200ms"}, docURL: true},
		{name: "locked", store: keyring.Store{Service: "restmcp", Backend: failingBackend{locked}},
			wantErr: []string{"the OS keyring is unavailable", "failed to unlock", "The keyring is locked: unlock it", "gnome-keyring-daemon --unlock"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAuthEnv(t)
			e.keyring = tt.store
			r := e.run(goodKey, "login", "-p", "acme", "--spec", "testdata/notes.yaml", "--base-url", api.URL, "--check-path", "/me", "--with-key")
			if r.code != 1 {
				t.Fatalf("exit %d, want 1: %s", r.code, r.err)
			}
			for _, s := range append(tt.wantErr, "set RESTMCP_API_KEY", "--insecure-storage") {
				if !strings.Contains(r.err, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.err)
				}
			}
			if runtime.GOOS == "linux" && strings.Contains(r.err, keyringDocURL) != tt.docURL {
				t.Errorf("stderr names the keyring documentation's address: %v, want %v:\n%s", !tt.docURL, tt.docURL, r.err)
			}
			// Where a keyring is often missing, it says how to get one.
			if getOne := "install and start one, such as gnome-keyring (packages dbus gnome-keyring libsecret-tools"; runtime.GOOS == "linux" && strings.Contains(r.err, getOne) != tt.docURL {
				t.Errorf("stderr says how to get a keyring: %v, want %v:\n%s", !tt.docURL, tt.docURL, r.err)
			}
			if strings.Contains(r.err, "(see docs/") {
				t.Errorf("stderr points to the documentation as a local file:\n%s", r.err)
			}
			if r.elapsed > 2*time.Second {
				t.Errorf("login took %v", r.elapsed)
			}
			if len(api.requests()) != 0 {
				t.Errorf("the key was checked although it could not be stored")
			}
			if _, err := (profile.Store{Dir: e.dir}).Get("acme"); err != nil {
				t.Errorf("the profile was not saved for use with RESTMCP_API_KEY: %v", err)
			}
			e.assertKeyNowhere(goodKey)
		})
	}
}

// A description URL that does not answer is asked for once: login stops
// there, saving nothing, rather than asking again for the key check (each
// attempt at a silent address waits for the 30 s time limit).
func TestLoginUnreachableDescriptionAskedOnce(t *testing.T) {
	addr, accepted := answerless(t)
	e := newAuthEnv(t)
	r := e.run(goodKey, "login", "-p", "acme", "--spec", "http://"+addr+"/openapi.json", "--base-url", "http://127.0.0.1:1", "--with-key")
	if r.code != 1 || !strings.Contains(r.err, "cannot be reached") || !strings.Contains(r.err, "nothing was stored") {
		t.Fatalf("exit %d:\n%s", r.code, r.err)
	}
	if n := accepted.Load(); n != 1 {
		t.Errorf("the description was asked for %d times, want 1", n)
	}
	if p, err := (profile.Store{Dir: e.dir}).Get("acme"); err == nil {
		t.Errorf("saved %+v", p)
	}
	// With --base-url and --check-path the key is checked without it.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+goodKey {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer api.Close()
	r = e.run(goodKey, "login", "-p", "acme", "--spec", "http://"+addr+"/openapi.json", "--base-url", api.URL, "--check-path", "/me", "--with-key")
	if r.code != 0 || !strings.Contains(r.err, "The API accepted the key") {
		t.Fatalf("with --check-path: exit %d:\n%s", r.code, r.err)
	}
}

// TestLoginWithoutKeyringChecksFirst: without a keyring, login makes the
// checks it makes with one (the description loads, the scheme exists, the
// user name is given) before it saves the profile, with the chosen scheme,
// for use with RESTMCP_API_KEY.
func TestLoginWithoutKeyringChecksFirst(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.yaml")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		// The only ones saved.
		{"basic with a user name", []string{"--spec", "testdata/auth-api.yaml", "--scheme", "basic", "--username", "bob"}, 1, "the OS keyring is unavailable"},
		{"missing description", []string{"--spec", filepath.Join(dir, "none.yaml")}, 1, "none.yaml given with --spec does not exist; nothing was saved"},
		{"empty description", []string{"--spec", empty}, 1, "the document is empty; nothing was saved"},
		{"directory", []string{"--spec", dir}, 1, "not a regular file"},
		{"misspelt scheme", []string{"--spec", "testdata/auth-api.yaml", "--scheme", "basik"}, 2, "--scheme basik is not declared; the description declares:\n  --scheme basic"},
		// Saved too: RESTMCP_API_KEY then holds user:password.
		{"basic without a user name", []string{"--spec", "testdata/auth-api.yaml", "--scheme", "basic"}, 1, "the OS keyring is unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAuthEnv(t)
			e.keyring = keyring.Store{Service: "restmcp", Backend: unavailableBackend{}}
			r := e.run(goodKey, append([]string{"login", "-p", "acme", "--base-url", "http://127.0.0.1:1", "--with-key"}, tt.args...)...)
			if r.code != tt.wantCode || !strings.Contains(r.err, tt.wantErr) {
				t.Fatalf("exit %d, want %d with %q:\n%s", r.code, tt.wantCode, tt.wantErr, r.err)
			}
			p, err := (profile.Store{Dir: e.dir}).Get("acme")
			if !strings.HasPrefix(tt.name, "basic with") {
				if err == nil {
					t.Errorf("saved %+v", p)
				}
				return
			}
			user, key, shown := "bob", "pw", "HTTP basic, user bob"
			if tt.name == "basic without a user name" {
				user, key, shown = "", "bob:pw", "HTTP basic, the key as user:password"
			}
			if err != nil || p.Auth == nil || p.Auth.Kind != profile.AuthBasic || p.Auth.Username != user {
				t.Fatalf("saved %+v (%v), want basic for %q", p.Auth, err, user)
			}
			e.env["RESTMCP_API_KEY"] = key
			if r := e.run("", "status", "-p", "acme", "--offline"); !strings.Contains(r.out, shown) {
				t.Errorf("status:\n%s%s", r.out, r.err)
			}
		})
	}
}

// TestLoginWithoutDBus runs login against the real OS keyring with the
// session bus pointing at a socket that does not exist: it must fail within
// 5 s, naming the cause and the environment variable. It runs in a child
// process because the D-Bus library keeps its session connection.
func TestLoginWithoutDBus(t *testing.T) {
	const child = "RESTMCP_TEST_LOGIN_NO_DBUS"
	if os.Getenv(child) == "" {
		if _, err := os.Stat("/proc"); err != nil {
			t.Skip("Secret Service keyring: Linux only")
		}
		start := time.Now()
		c := exec.Command(os.Args[0], "-test.run=^TestLoginWithoutDBus$", "-test.count=1", "-test.v")
		c.Env = append(os.Environ(), child+"=1", "DBUS_SESSION_BUS_ADDRESS=unix:path="+t.TempDir()+"/no-such-bus")
		out, err := c.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestLoginWithoutDBus") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		if d := time.Since(start); d >= 5*time.Second {
			t.Errorf("login without D-Bus took %v, want < 5s", d)
		}
		return
	}
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	e := newAuthEnv(t)
	e.keyring = keyring.Store{Service: "restmcp-test"} // the real OS keyring
	r := e.run(goodKey, "login", "-p", "acme", "--spec", "testdata/notes.yaml", "--base-url", api.URL, "--check-path", "/me", "--with-key")
	if r.code == 0 {
		t.Fatal("login succeeded without D-Bus")
	}
	for _, s := range []string{"the OS keyring is unavailable", "no-such-bus", "RESTMCP_API_KEY"} {
		if !strings.Contains(r.err, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.err)
		}
	}
	if r.elapsed >= 5*time.Second {
		t.Errorf("login took %v", r.elapsed)
	}
	e.assertKeyNowhere(goodKey)
}

// TestLoginChecksFirstGET loads the description to choose the check: the
// first GET that needs no arguments and requires the key.
func TestLoginChecksFirstGET(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	fixture, err := os.ReadFile("testdata/keycheck-api.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	withServer := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(withServer, bytes.ReplaceAll(fixture, []byte("http://127.0.0.1:1/v1"), []byte(api.URL+"/v1")), 0o600); err != nil {
		t.Fatal(err)
	}
	postOnly := filepath.Join(dir, "post.yaml")
	if err := os.WriteFile(postOnly, []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: `+api.URL+`}]
paths:
  /things:
    post:
      responses: {"201": {description: created}}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
		wantHits []string
	}{
		{name: "base URL from the description", args: []string{"--spec", withServer},
			wantErr: "accepted the key (GET " + api.URL + "/v1/projects: 200)", wantHits: []string{"GET /v1/projects"}},
		{name: "base URL from the flag", args: []string{"--spec", "testdata/keycheck-api.yaml", "--base-url", api.URL + "/api/"},
			wantErr: "accepted the key (GET " + api.URL + "/api/projects: 200)", wantHits: []string{"GET /api/projects"}},
		{name: "no GET to check with", args: []string{"--spec", postOnly}, wantCode: 1,
			wantErr: "no GET operation without required parameters to check the key with: pass --check-path PATH"},
		{name: "description does not load", args: []string{"--spec", filepath.Join(dir, "missing.yaml")}, wantCode: 1,
			wantErr: "loading the API description to find a request that checks the key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAuthEnv(t)
			before := len(api.requests())
			r := e.run(goodKey, append([]string{"login", "-p", "acme", "--with-key"}, tt.args...)...)
			if r.code != tt.wantCode || !strings.Contains(r.err, tt.wantErr) {
				t.Fatalf("exit %d, want %d; stderr lacks %q:\n%s", r.code, tt.wantCode, tt.wantErr, r.err)
			}
			if hits := api.requests()[before:]; strings.Join(hits, ",") != strings.Join(tt.wantHits, ",") {
				t.Errorf("requests = %q, want %q", hits, tt.wantHits)
			}
			if stored := e.storedKey("acme") != ""; stored != (tt.wantCode == 0) {
				t.Errorf("key stored = %v", stored)
			}
		})
	}
}

// TestLoginPublicDescription: when anyone may read the description, fetching
// it proves nothing, so login checks with an operation instead.
func TestLoginPublicDescription(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	tests := []struct {
		name, key string
		wantCode  int
		wantErr   string
	}{
		{name: "good key", key: goodKey, wantErr: "accepted the key (GET " + api.URL + "/v1/projects: 200)"},
		{name: "bad key", key: badKey, wantCode: 1, wantErr: "the API rejected the key: GET " + api.URL + "/v1/projects answered 401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAuthEnv(t)
			r := e.run(tt.key, "login", "-p", "acme", "--with-key", "--spec", api.URL+"/public/openapi.yaml")
			if r.code != tt.wantCode || !strings.Contains(r.err, tt.wantErr) {
				t.Fatalf("exit %d, want %d; stderr lacks %q:\n%s", r.code, tt.wantCode, tt.wantErr, r.err)
			}
			if stored := e.storedKey("acme"); (stored != "") != (tt.wantCode == 0) {
				t.Errorf("stored %q", stored)
			}
		})
	}
}

// A URL is a URL in any letter case: it is saved as given, not taken for a
// file path and made absolute.
func TestLoginSpecURLAnyCase(t *testing.T) {
	e := newAuthEnv(t)
	const spec = "HTTPS://api.example.invalid/openapi.json"
	r := e.run(goodKey, "login", "-p", "acme", "--spec", spec, "--base-url", "http://127.0.0.1:1", "--no-check", "--with-key")
	if r.code != 0 {
		t.Fatalf("login failed: %s", r.err)
	}
	got, err := profile.Store{Dir: e.dir}.Get("acme")
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec != spec {
		t.Errorf("spec saved as %q, want %q", got.Spec, spec)
	}
}

// utf16LE is s as Windows PowerShell 5.1 writes it to a file: UTF-16LE with
// a byte-order mark.
func utf16LE(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

// A description at a URL restmcp cannot read (ftp://) is refused as such
// by login and serve, not looked for as a file.
func TestSpecOfAnotherScheme(t *testing.T) {
	e := newAuthEnv(t)
	r := e.run(goodKey, "login", "-p", "acme", "--with-key", "--spec", "ftp://files.example.com/openapi.yaml")
	if r.code != 2 || !strings.Contains(r.err, "not ftp://") || strings.Contains(r.err, "no such file") {
		t.Errorf("login: exit %d, stderr %q", r.code, r.err)
	}
	f, _, errOut := testFactory(t, map[string]string{"RESTMCP_API_KEY": goodKey})
	if code := run(t, f, "tools", "--spec", "s3://bucket/openapi.json"); code == 0 || !strings.Contains(errOut.String(), "not s3://") {
		t.Errorf("tools: exit %d, stderr %q", code, errOut)
	}
}

// TestLoginWithoutKeyringKeyProtectedDescription: a description on the
// API's own origin that needs the key cannot be read before the key can be
// stored, so login says what is wrong, the keyring, rather than failing on
// the description as if it were given no key.
func TestLoginWithoutKeyringKeyProtectedDescription(t *testing.T) {
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			http.Error(w, `{"detail":"Authentication credentials were not provided."}`, http.StatusForbidden)
			return
		}
		w.Write(spec)
	}))
	defer ts.Close()
	e := newAuthEnv(t)
	e.keyring = keyring.Store{Service: "restmcp", Backend: unavailableBackend{}}
	r := e.run(goodKey, "login", "-p", "acme", "--spec", ts.URL+"/api/schema/", "--base-url", ts.URL, "--with-key")
	if r.code != 1 || !strings.Contains(r.err, "the OS keyring is unavailable") || !strings.Contains(r.err, "set RESTMCP_API_KEY") ||
		status403.MatchString(r.err) || strings.Contains(r.err, "not to http") {
		t.Fatalf("exit %d, want 1 naming the keyring:\n%s", r.code, r.err)
	}
	if _, err := (profile.Store{Dir: e.dir}).Get("acme"); err != nil {
		t.Errorf("the profile was not saved for use with RESTMCP_API_KEY: %v", err)
	}
	e.assertKeyNowhere(goodKey)
}

// switchListener serves until down is set; from then on it accepts each
// connection and closes it unanswered, counting them.
type switchListener struct {
	net.Listener
	down    atomic.Bool
	dropped atomic.Int32
}

func (l *switchListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil || !l.down.Load() {
			return c, err
		}
		l.dropped.Add(1)
		c.Close()
	}
}

// A description URL that does not answer, with a copy of it saved by an
// earlier command, is asked for once: the key check uses the saved copy
// (or, when the description is on the API's own origin, says at once that
// it cannot be reached) instead of waiting for the address again; so does
// the check of a tool selection given to login.
func TestLoginUnreachableDescriptionWithSavedCopyAskedOnce(t *testing.T) {
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sl := &switchListener{Listener: ln}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(spec) })}
	hs.SetKeepAlivesEnabled(false) // each request its own connection, counted once down
	go hs.Serve(sl)
	defer hs.Close()
	specURL := "http://" + ln.Addr().String() + "/openapi.yaml"
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+goodKey {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer api.Close()

	for _, tc := range []struct {
		name  string
		saved bool
		args  []string
		code  int
		want  string
	}{
		// The API elsewhere: checked with an operation of the saved copy.
		{"API on another origin", true, []string{"--base-url", api.URL}, 0, "The API accepted the key"},
		{"and a tool selection", true, []string{"--base-url", api.URL, "--method", "GET"}, 0, "The API accepted the key"},
		// The API where the description does not answer: said at once.
		{"API on the description's origin", true, []string{"--base-url", "http://" + ln.Addr().String()}, 1, "cannot be reached"},
		{"a tool selection, no saved copy", false, []string{"--base-url", api.URL, "--method", "GET"}, 1, "cannot be reached"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAuthEnv(t)
			sl.down.Store(false)
			if tc.saved {
				if r := e.run("", "tools", "-p", "acme", "--spec", specURL); r.code != 0 {
					t.Fatalf("tools: exit %d:\n%s", r.code, r.err)
				}
			}
			sl.down.Store(true)
			sl.dropped.Store(0)
			r := e.run(goodKey, append([]string{"login", "-p", "acme", "--spec", specURL, "--with-key"}, tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.err, tc.want) {
				t.Errorf("exit %d, want %d with %q:\n%s", r.code, tc.code, tc.want, r.err)
			}
			if n := sl.dropped.Load(); n != 1 {
				t.Errorf("the description was asked for %d times, want 1:\n%s", n, r.err)
			}
		})
	}
}

// answerless listens on a loopback port and closes every connection
// without an answer, counting them.
func answerless(t *testing.T) (addr string, accepted *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted = &atomic.Int32{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close() // no answer
		}
	}()
	return ln.Addr().String(), accepted
}

// TestLoginWithoutKeyringNewAddress: without a keyring, a profile saved
// with the wrong address is not moved to the right one (a key stored for
// the old one may be in the keyring), and login says how to change it;
// after logout --all, the login saves the new address.
func TestLoginWithoutKeyringNewAddress(t *testing.T) {
	e := newAuthEnv(t)
	e.keyring = keyring.Store{Service: "restmcp", Backend: unavailableBackend{}}
	r := e.run(goodKey, "login", "-p", "acme", "--spec", "testdata/notes.yaml", "--base-url", "http://127.0.0.1:8000", "--with-key")
	if r.code != 1 || !strings.Contains(r.err, `Saved profile "acme"`) {
		t.Fatalf("first login: exit %d, stderr %s", r.code, r.err)
	}
	r = e.run(goodKey, "login", "-p", "acme", "--base-url", "http://127.0.0.1:18431", "--with-key")
	want := "To change the address anyway, remove the profile with `restmcp logout --profile acme --all`, then log in again."
	if r.code != 1 || !strings.Contains(r.err, `Profile "acme" was not changed`) || !strings.Contains(r.err, want) {
		t.Fatalf("login at another address: exit %d, want 1 and %q in:\n%s", r.code, want, r.err)
	}
	if r = e.run("", "logout", "-p", "acme", "--all"); r.code != 0 {
		t.Fatalf("logout --all: exit %d, stderr %s", r.code, r.err)
	}
	r = e.run(goodKey, "login", "-p", "acme", "--spec", "testdata/notes.yaml", "--base-url", "http://127.0.0.1:18431", "--with-key")
	got, err := profile.Store{Dir: e.dir}.Get("acme")
	if err != nil || got.BaseURL != "http://127.0.0.1:18431" {
		t.Errorf("after logout --all, login saved %+v (%v); stderr %s", got, err, r.err)
	}
	e.assertKeyNowhere(goodKey)
}

// TestLoginSpecFileMissing: a --spec file that does not exist is named as
// such, not as the error of a stat, and nothing is saved.
func TestLoginSpecFileMissing(t *testing.T) {
	e := newAuthEnv(t)
	abs, err := filepath.Abs("nope.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := e.run(goodKey, "login", "-p", "acme", "--spec", "./nope.yaml", "--with-key")
	want := "the file " + abs + " does not exist (fix --spec"
	if r.code != 1 || !strings.Contains(r.err, want) || strings.Contains(r.err, "stat ") {
		t.Errorf("exit %d, want 1 and %q, stderr:\n%s", r.code, want, r.err)
	}
	if _, err := (profile.Store{Dir: e.dir}).Get("acme"); !errors.Is(err, profile.ErrNotFound) {
		t.Errorf("a profile was saved: %v", err)
	}
	e.assertKeyNowhere(goodKey)
}

// trackerSpec is a description as Django REST Framework serves it: its
// operations under /api/, no servers.
const trackerSpec = `{"openapi":"3.0.3","info":{"title":"tracker","version":"1"},"paths":{
"/api/projects/":{"get":{"operationId":"list_projects","responses":{"200":{"description":"ok"}}}}}}`

// trackerAPI serves, as Django REST Framework does, its description at
// /api/schema/ and its operations under /api/, both only to
// `Authorization: Api-Key goodKey`, and 404 for any other path.
func trackerAPI(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path != "/api/schema/" && r.URL.Path != "/api/projects/":
			http.NotFound(w, r)
		case r.Header.Get("Authorization") != "Api-Key "+goodKey:
			http.Error(w, `{"detail":"Authentication credentials were not provided."}`, http.StatusForbidden)
		case r.URL.Path == "/api/schema/":
			w.Write([]byte(trackerSpec))
		default:
			w.Write([]byte(`[]`))
		}
	}))
	t.Cleanup(ts.Close)
	return ts
}

// A --base-url whose path does not lead to the API's operations fails the
// login, naming the URL that answered 404 and --base-url, and stores
// nothing; the description's own URL, which answers with the key whatever
// the base URL, does not stand in for the operations. The right base URL
// logs in. status says the same of a profile saved unchecked.
func TestLoginBaseURLThatMissesTheOperations(t *testing.T) {
	ts := trackerAPI(t)
	file := filepath.Join(t.TempDir(), "tracker.json")
	if err := os.WriteFile(file, []byte(trackerSpec), 0o600); err != nil {
		t.Fatal(err)
	}
	served := filepath.Join(t.TempDir(), "served.json")
	if err := os.WriteFile(served, []byte(strings.Replace(trackerSpec, `"paths"`, `"servers":[{"url":"`+ts.URL+`/apii"}],"paths"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, spec, base string
		code             int
		want             []string
	}{
		{"description file whose server misses the operations, no --base-url", served, "", 1, []string{
			"GET " + ts.URL + "/apii/api/projects/ answered 404 Not Found",
			"Nothing was stored: if the API is not at " + ts.URL + "/apii (the description's server), pass --base-url URL"}},
		{"description URL, mistyped base URL", ts.URL + "/api/schema/", ts.URL + "/apii", 1, []string{
			"GET " + ts.URL + "/apii/api/projects/ answered 404 Not Found",
			"most likely the base URL " + ts.URL + "/apii does not lead to the API's operations",
			"Nothing was stored: check --base-url (the operations' paths, such as /api/projects/, go after it)"}},
		{"description file, mistyped base URL", file, ts.URL + "/apii", 1, []string{
			"GET " + ts.URL + "/apii/api/projects/ answered 404 Not Found",
			"Nothing was stored: check --base-url"}},
		{"description URL, right base URL", ts.URL + "/api/schema/", ts.URL, 0, []string{
			"✓ The API accepted the key (GET " + ts.URL + "/api/projects/: 200)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAuthEnv(t)
			args := []string{"login", "-p", "tracker", "--spec", tc.spec, "--auth-scheme", "Api-Key", "--with-key"}
			if tc.base != "" {
				args = append(args, "--base-url", tc.base)
			}
			r := e.run(goodKey, args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s", r.code, tc.code, r.err)
			}
			for _, s := range tc.want {
				if !strings.Contains(r.err, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.err)
				}
			}
			_, err := (profile.Store{Dir: e.dir}).Get("tracker")
			if saved, stored := err == nil, e.storedKey("tracker") == goodKey; saved != (tc.code == 0) || stored != (tc.code == 0) {
				t.Errorf("profile saved %v, key stored %v; want both %v", saved, stored, tc.code == 0)
			}
			e.assertKeyNowhere(goodKey)
		})
	}

	t.Run("status", func(t *testing.T) {
		e := newAuthEnv(t)
		if r := e.run(goodKey, "login", "-p", "tracker", "--spec", ts.URL+"/api/schema/", "--base-url", ts.URL+"/apii", "--auth-scheme", "Api-Key", "--with-key", "--no-check"); r.code != 0 {
			t.Fatalf("login --no-check: exit %d:\n%s", r.code, r.err)
		}
		r := e.run("", "status", "-p", "tracker")
		want := "API:         ✗ GET " + ts.URL + "/apii/api/projects/ answered 404 Not Found: a GET that takes no arguments names nothing that could be missing, so most likely the base URL " +
			ts.URL + "/apii does not lead to the API's operations: `restmcp login --profile tracker --base-url URL` stores the API's address"
		if r.code != 1 || !strings.Contains(r.out, want) {
			t.Errorf("status: exit %d, want 1 with %q:\n%s%s", r.code, want, r.out, r.err)
		}
	})
}

// status403 finds the status 403 in a message, not the digits 403 inside a
// longer number (a test's temporary folder name).
var status403 = regexp.MustCompile(`(^|[^0-9])403([^0-9]|$)`)

// A description on the API's origin with no GET that takes no arguments
// is the key check itself, and answers wherever --base-url points: a
// --base-url its servers do not name is asked once more, and its 404 is
// said, naming the URL and --base-url, at login (the key is stored: an
// API may answer 404 everywhere but at its operations) and by status. A
// --base-url the description names asks and says nothing more.
func TestLoginDescriptionCheckSaysABaseURLThatAnswers404(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	var ts *httptest.Server
	ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path)
		mu.Unlock()
		switch {
		case r.URL.Path != "/api/schema/":
			http.NotFound(w, r)
		case r.Header.Get("Authorization") != "Api-Key "+goodKey:
			http.Error(w, `{"detail":"Authentication credentials were not provided."}`, http.StatusForbidden)
		default:
			fmt.Fprintf(w, `{"openapi":"3.0.3","info":{"title":"writes","version":"1"},"servers":[{"url":%q}],"paths":{
"/api/tasks/":{"post":{"operationId":"create_task","responses":{"201":{"description":"ok"}}}}}}`, ts.URL)
		}
	}))
	t.Cleanup(ts.Close)
	requests := func() []string {
		mu.Lock()
		defer mu.Unlock()
		s := seen
		seen = nil
		return s
	}
	login := func(e *authEnv, base string) result {
		return e.run(goodKey, "login", "-p", "writes", "--spec", ts.URL+"/api/schema/", "--base-url", base, "--auth-scheme", "Api-Key", "--with-key")
	}
	accepted := "✓ The API accepted the key (GET " + ts.URL + "/api/schema/: 200)."

	t.Run("the description's server", func(t *testing.T) {
		e := newAuthEnv(t)
		requests()
		r := login(e, ts.URL)
		if r.code != 0 || !strings.Contains(r.err, accepted) || strings.Contains(r.err, "!") {
			t.Fatalf("exit %d, want 0, the key accepted and nothing else said:\n%s", r.code, r.err)
		}
		if got, want := requests(), []string{"/api/schema/", "/api/schema/", "/api/schema/"}; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("requests %q, want %q", got, want)
		}
	})

	t.Run("a mistyped path", func(t *testing.T) {
		e := newAuthEnv(t)
		requests()
		r := login(e, ts.URL+"/apx")
		want := []string{accepted,
			"! GET " + ts.URL + "/apx answered 404 Not Found: the base URL may not lead to the API's operations (the description's server is " + ts.URL + ")",
			"If tool calls answer 404 Not Found, correct --base-url: `restmcp login --profile writes --base-url URL`."}
		if r.code != 0 {
			t.Fatalf("exit %d, want 0:\n%s", r.code, r.err)
		}
		for _, s := range want {
			if !strings.Contains(r.err, s) {
				t.Errorf("stderr lacks %q:\n%s", s, r.err)
			}
		}
		if got := requests(); len(got) != 4 || got[3] != "/apx" {
			t.Errorf("requests %q, want the description's three, then /apx", got)
		}
		if e.storedKey("writes") != goodKey {
			t.Error("the key was not stored")
		}

		st := e.run("", "status", "-p", "writes")
		line := "  ⚠ Base URL:  GET " + ts.URL + "/apx answered 404 Not Found: the base URL may not lead to the API's operations"
		hint := "if tool calls answer 404 Not Found, `restmcp login --profile writes --base-url URL` stores the API's address\n"
		if st.code != 0 || !strings.Contains(st.out, "API:         ✓ accepts the key (GET "+ts.URL+"/api/schema/: 200)\n"+line) || !strings.Contains(st.out, hint) {
			t.Errorf("status: exit %d, want 0 with %q … %q:\n%s%s", st.code, line, hint, st.out, st.err)
		}
		js := e.run("", "status", "-p", "writes", "--json")
		var report []struct {
			Check struct {
				Accepted       bool   `json:"accepted"`
				BaseURLWarning string `json:"base_url_warning"`
			} `json:"check"`
		}
		if err := json.Unmarshal([]byte(js.out), &report); err != nil || len(report) != 1 || !report[0].Check.Accepted ||
			!strings.HasPrefix(report[0].Check.BaseURLWarning, "GET "+ts.URL+"/apx answered 404 Not Found") {
			t.Errorf("status --json: %v %+v:\n%s", err, report, js.out)
		}
		e.assertKeyNowhere(goodKey)
	})
}
