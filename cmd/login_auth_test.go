package cmd

import (
	"context"
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

const authKey = "sk-auth-0123456789abcdef"

// authAPI accepts authKey in the api_key query parameter, the session
// cookie or as the password of user AC1, and records what it was sent.
type authAPI struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // path and how the request authenticated
}

func newAuthAPI(t *testing.T) *authAPI {
	a := &authAPI{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		how := "none"
		if r.URL.Query().Get("api_key") == authKey {
			how = "query"
		} else if c, err := r.Cookie("session"); err == nil && c.Value == authKey {
			how = "cookie"
		} else if u, p, ok := r.BasicAuth(); ok && u == "AC1" && p == authKey {
			how = "basic"
		}
		a.mu.Lock()
		a.seen = append(a.seen, r.URL.Path+" "+how)
		a.mu.Unlock()
		if how == "none" && r.URL.Path != "/health" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *authAPI) requests() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

func TestLoginSeveralSchemesInScriptFailsWithList(t *testing.T) {
	api := newAuthAPI(t)
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(authKey + "\n")
	code := run(t, f, "login", "-p", "a", "--spec", "testdata/auth-api.yaml", "--base-url", api.URL, "--with-key")
	if code == 0 {
		t.Fatal("login succeeded without a scheme")
	}
	for _, s := range []string{"--scheme basic", "--scheme cookieKey", "--scheme queryKey", "--username", "API key in query api_key"} {
		if !strings.Contains(errOut.String(), s) {
			t.Errorf("stderr lacks %q:\n%s", s, errOut)
		}
	}
	if len(api.requests()) != 0 {
		t.Errorf("requests sent: %v", api.requests())
	}
	if _, err := (profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}).Get("a"); err == nil {
		t.Error("the profile was saved")
	}
}

func TestLoginSchemeKinds(t *testing.T) {
	for _, tt := range []struct {
		scheme, how string
		extra       []string
	}{
		{"queryKey", "query", nil},
		{"cookieKey", "cookie", nil},
		{"basic", "basic", []string{"--username", "AC1"}},
	} {
		t.Run(tt.scheme, func(t *testing.T) {
			api := newAuthAPI(t)
			f, out, errOut := testFactory(t, nil)
			f.IO.In = strings.NewReader(authKey + "\n")
			args := append([]string{"login", "-p", "a", "--spec", "testdata/auth-api.yaml", "--base-url", api.URL, "--with-key", "--scheme", tt.scheme}, tt.extra...)
			if code := run(t, f, args...); code != 0 {
				t.Fatalf("login: exit %d: %s", code, errOut)
			}
			p, err := profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}.Get("a")
			if err != nil || p.Auth == nil || p.Auth.Scheme != tt.scheme {
				t.Fatalf("saved profile %+v (%v)", p, err)
			}
			if code := run(t, f, "call", "me", "-p", "a"); code != 0 {
				t.Fatalf("call: exit %d: %s", code, errOut)
			}
			if code := run(t, f, "call", "health", "-p", "a"); code != 0 {
				t.Fatalf("call health: exit %d: %s", code, errOut)
			}
			got := api.requests()
			check := "/me"
			if tt.how == "basic" {
				check = "/admin" // the first GET basic satisfies
			}
			want := []string{check + " " + tt.how, "/me " + tt.how, "/health none"}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("requests %q, want %q", got, want)
			}
			before := len(got)
			code := run(t, f, "call", "admin", "-p", "a")
			if tt.how != "basic" {
				if code == 0 || !strings.Contains(errOut.String(), "login --profile a --scheme basic") || len(api.requests()) != before {
					t.Errorf("admin with %s: exit %d, %d requests, stderr %s", tt.scheme, code, len(api.requests())-before, errOut)
				}
			} else if code != 0 {
				t.Errorf("admin: exit %d: %s", code, errOut)
			}
			cfg, _ := os.ReadFile(profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}.Path())
			if strings.Contains(out.String()+errOut.String()+string(cfg), authKey) {
				t.Error("the key was printed or saved in the profile")
			}
		})
	}
}

func TestLoginSchemeAskedOnTerminal(t *testing.T) {
	api := newAuthAPI(t)
	f, _, errOut := testFactory(t, nil)
	f.IO.InTTY, f.IO.OutTTY = true, true
	f.IO.In = strings.NewReader("3\n")
	f.IO.ReadSecret = func(context.Context) (string, error) { return authKey, nil }
	if code := run(t, f, "login", "-p", "a", "--spec", "testdata/auth-api.yaml", "--base-url", api.URL); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	p, _ := profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}.Get("a")
	if p.Auth == nil || p.Auth.Scheme != "queryKey" {
		t.Fatalf("chose %+v; stderr %s", p.Auth, errOut)
	}
}

func TestLoginBasicNeedsUsername(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(authKey + "\n")
	if code := run(t, f, "login", "-p", "a", "--spec", "testdata/auth-api.yaml", "--base-url", "http://127.0.0.1:1", "--with-key", "--scheme", "basic"); code == 0 ||
		!strings.Contains(errOut.String(), "--username") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// Without --username, HTTP basic's secret is the pair: user:password, or
// KEY: for an API that takes the key as the user name. The key is never on
// the command line nor in the profile, and calls send the pair as given.
func TestLoginBasicPairAsTheSecret(t *testing.T) {
	var sent []string
	var mu sync.Mutex
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, pw, _ := r.BasicAuth()
		mu.Lock()
		sent = append(sent, r.URL.Path+" "+u+":"+pw)
		mu.Unlock()
		if (u != "AC1" || pw != authKey) && (u != authKey || pw != "") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer api.Close()
	for _, secret := range []string{"AC1:" + authKey, authKey + ":"} {
		t.Run(secret[:4], func(t *testing.T) {
			f, out, errOut := testFactory(t, nil)
			f.IO.In = strings.NewReader(secret + "\n")
			mu.Lock()
			sent = nil
			mu.Unlock()
			if code := run(t, f, "login", "-p", "a", "--spec", "testdata/auth-api.yaml", "--base-url", api.URL, "--with-key", "--scheme", "basic"); code != 0 {
				t.Fatalf("login: exit %d: %s", code, errOut)
			}
			if code := run(t, f, "call", "admin", "-p", "a"); code != 0 {
				t.Fatalf("call: exit %d: %s", code, errOut)
			}
			mu.Lock()
			got := strings.Join(sent, ",")
			mu.Unlock()
			if want := "/admin " + secret + ",/admin " + secret; got != want {
				t.Errorf("sent %q, want %q", got, want)
			}
			out.Reset()
			if code := run(t, f, "status", "-p", "a", "--offline"); code != 0 || !strings.Contains(out.String(), "HTTP basic, the key as user:password") {
				t.Errorf("status: exit %d:\n%s%s", code, out, errOut)
			}
			cfg, _ := os.ReadFile(profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}.Path())
			if strings.Contains(out.String()+errOut.String()+string(cfg), authKey) {
				t.Errorf("the key was printed or saved in the profile:\n%s%s%s", out, errOut, cfg)
			}
		})
	}
	// A profile of a user name switches to the pair with --username "".
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(authKey + "\n")
	if code := run(t, f, "login", "-p", "a", "--spec", "testdata/auth-api.yaml", "--base-url", api.URL, "--with-key", "--scheme", "basic", "--username", "AC1"); code != 0 {
		t.Fatalf("login with --username: exit %d: %s", code, errOut)
	}
	f.IO.In = strings.NewReader(authKey + ":\n")
	if code := run(t, f, "login", "-p", "a", "--spec", "testdata/auth-api.yaml", "--base-url", api.URL, "--with-key", "--scheme", "basic", "--username", ""); code != 0 {
		t.Fatalf("login with --username \"\": exit %d: %s", code, errOut)
	}
	if p, err := (profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}).Get("a"); err != nil || p.Auth == nil || p.Auth.Username != "" {
		t.Fatalf("after --username \"\": %+v, %v", p.Auth, err)
	}
	// A secret that is no pair is refused before anything is sent or saved.
	f, _, errOut = testFactory(t, nil)
	f.IO.In = strings.NewReader(":" + authKey + "\n")
	mu.Lock()
	sent = nil
	mu.Unlock()
	if code := run(t, f, "login", "-p", "a", "--spec", "testdata/auth-api.yaml", "--base-url", api.URL, "--with-key", "--scheme", "basic"); code == 0 || !strings.Contains(errOut.String(), "or as KEY: (with the colon)") || len(sent) != 0 {
		t.Fatalf("a secret with no user name: exit %d, sent %q: %s", code, sent, errOut)
	}
	if _, err := (profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}).Get("a"); err == nil {
		t.Error("the profile was saved")
	}
}

// A user name with a colon, which HTTP basic cannot carry, is refused
// before anything is sent or saved.
func TestLoginBasicUsernameWithColon(t *testing.T) {
	api := newAuthAPI(t)
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(authKey + "\n")
	code := run(t, f, "login", "-p", "a", "--spec", "testdata/auth-api.yaml", "--base-url", api.URL, "--with-key", "--scheme", "basic", "--username", "AC1:x")
	if code == 0 || !strings.Contains(errOut.String(), `--username "AC1:x" cannot be sent`) || len(api.requests()) != 0 {
		t.Fatalf("exit %d, requests %q: %s", code, api.requests(), errOut)
	}
	if _, err := (profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}).Get("a"); err == nil {
		t.Error("the profile was saved")
	}
}

func TestLoginAuthFormat(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization")
		if got != "Token token="+authKey {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(authKey + "\n")
	if code := run(t, f, "login", "-p", "a", "--spec", "testdata/notes.yaml", "--base-url", srv.URL, "--with-key", "--auth-format", "Token token={key}", "--check-path", "/x"); code != 0 {
		t.Fatalf("exit %d: %s (sent %q)", code, errOut, got)
	}
	p, _ := profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}.Get("a")
	if p.AuthFormat != "Token token={key}" {
		t.Errorf("format not saved: %+v", p)
	}
	if code := run(t, f, "login", "-p", "b", "--spec", "testdata/notes.yaml", "--auth-format", "Token"); code == 0 || !strings.Contains(errOut.String(), "{key}") {
		t.Errorf("a format without {key} was accepted: %s", errOut)
	}
}

// A scheme chosen after a login with --auth-format sends the key as the
// scheme declares, not inside the earlier format.
func TestLoginSchemeAfterAuthFormat(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, "Authorization="+r.Header.Get("Authorization")+" X-Key="+r.Header.Get("X-Key"))
		mu.Unlock()
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	spec := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(spec, []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
security: [{xkey: []}, {bearer: []}]
components:
  securitySchemes:
    xkey: {type: apiKey, in: header, name: X-Key}
    bearer: {type: http, scheme: bearer}
paths:
  /me:
    get:
      operationId: me
      responses: {"200": {description: ok}}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(authKey + "\n")
	if code := run(t, f, "login", "-p", "a", "--spec", spec, "--base-url", srv.URL, "--with-key", "--auth-format", "Token token={key}"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, tt := range []struct{ scheme, want string }{
		{"xkey", "Authorization= X-Key=" + authKey},
		{"bearer", "Authorization=Bearer " + authKey + " X-Key="},
	} {
		f.IO.In = strings.NewReader(authKey + "\n")
		if code := run(t, f, "login", "-p", "a", "--with-key", "--scheme", tt.scheme); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		mu.Lock()
		got = nil
		mu.Unlock()
		if code := run(t, f, "call", "me", "-p", "a"); code != 0 {
			t.Fatalf("call: exit %d: %s", code, errOut)
		}
		mu.Lock()
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("scheme %s: sent %q, want %q", tt.scheme, got, tt.want)
		}
		mu.Unlock()
	}
}

// --auth-header, --auth-scheme and --auth-format given to a command that
// uses a profile logged in with a declared scheme send the key in that
// header, as they do at login.
func TestAuthFlagsOverrideTheStoredScheme(t *testing.T) {
	api := newAuthAPI(t)
	var mu sync.Mutex
	var header string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		header = r.Header.Get("X-Key") + " query=" + r.URL.RawQuery
		mu.Unlock()
		_, _ = io.WriteString(w, `{}`)
	}))
	defer other.Close()
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(authKey + "\n")
	if code := run(t, f, "login", "-p", "a", "--spec", "testdata/auth-api.yaml", "--base-url", api.URL, "--with-key", "--scheme", "queryKey"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, errOut)
	}
	if code := run(t, f, "call", "me", "-p", "a", "--base-url", other.URL, "--auth-header", "X-Key", "--auth-format", "Key {key}"); code != 0 {
		t.Fatalf("call: exit %d: %s", code, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := "Key " + authKey + " query="; header != want {
		t.Errorf("sent %q, want %q", header, want)
	}
}
