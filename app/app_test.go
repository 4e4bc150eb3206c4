package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
)

// testApp is an App over an in-memory keyring, a temporary config dir and
// the environment env.
func testApp(t testing.TB, env map[string]string) *App {
	t.Helper()
	dir := t.TempDir()
	return &App{
		Name:      "restmcp",
		Version:   "1.2.3",
		KeyEnv:    "RESTMCP_API_KEY",
		Getenv:    func(k string) string { return env[k] },
		Keyring:   keyring.Store{Service: "restmcp", Backend: keyring.NewMemory()},
		ConfigDir: func() (string, error) { return dir, nil },
		Log:       log.New(io.Discard),
		Cache:     &Cache{Dir: filepath.Join(dir, "cache"), Stamp: "test", Log: log.New(io.Discard)},
	}
}

// A server is built from an App and a profile, without the command line,
// and its calls carry the key from the keyring to the API only.
func TestNewServerFromProfile(t *testing.T) {
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Api-Key")+" "+r.UserAgent())
		mu.Unlock()
		if r.URL.Path == "/openapi.yaml" {
			_, _ = w.Write(spec)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"count": 0, "results": []}`)
	}))
	defer api.Close()

	a := testApp(t, nil)
	if err := a.Keyring.Set("acme", "sk-app-0123456789"); err != nil {
		t.Fatal(err)
	}
	empty := ""
	p := profile.Profile{Name: "acme", Spec: "HTTP://" + strings.TrimPrefix(api.URL, "http://") + "/openapi.yaml",
		BaseURL: api.URL + "/api", AuthHeader: "X-Api-Key", AuthScheme: &empty}
	srv, err := a.NewServer(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := srv.Call(context.Background(), "list_notes", json.RawMessage(`{}`))
	if err != nil || res.IsError {
		t.Fatalf("call: %v %+v", err, res)
	}
	want := []string{
		"GET /openapi.yaml sk-app-0123456789 restmcp/1.2.3",
		"GET /api/notes/ sk-app-0123456789 restmcp/1.2.3",
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
	// A description fetched by URL, in any letter case, is kept for
	// offline starts.
	if e, err := a.Cache.latest("acme", p.Spec); err != nil {
		t.Errorf("no saved copy of the description: %v", err)
	} else {
		e.close()
	}
	// Another build reads none of it: its data may be of another shape.
	other := *a.Cache
	other.Stamp = "another build"
	if e, err := other.latest("acme", p.Spec); err == nil {
		e.close()
		t.Error("another build's saved copy was read")
	}
	// A copy served offline is fetched in full next time, not on a
	// conditional request that would keep it.
	if api, _, err := a.savedAPI(p); err != nil || api.Validators != (client.Validators{}) {
		t.Errorf("saved copy: %v, validators %+v", err, api.Validators)
	}
}

func fileExists(path string) bool { _, err := os.Stat(path); return err == nil }

// A refused key's hint names what to fix: the login of the profile served,
// or the environment variable the key came from.
func TestRefusedKeyHintNamesTheFix(t *testing.T) {
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var status atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/openapi.yaml" {
			_, _ = w.Write(spec)
			return
		}
		w.WriteHeader(int(status.Load()))
	}))
	defer api.Close()
	empty := ""
	p := profile.Profile{Name: "work", Spec: api.URL + "/openapi.yaml", BaseURL: api.URL + "/api", AuthHeader: "X-Api-Key", AuthScheme: &empty}
	env := map[string]string{"RESTMCP_API_KEY": "sk-env-0123456789"}
	const unset = "or unset it to use the key `restmcp login --profile work` stores"
	for _, tt := range []struct {
		env    map[string]string
		stored bool
		status int
		want   string
	}{
		{nil, true, 401, "run `restmcp login --profile work`"},
		{env, true, 401, "the key from RESTMCP_API_KEY: correct that variable, " + unset},
		{env, true, 403, "the key from RESTMCP_API_KEY: it may lack the permission, or be wrong (correct that variable, " + unset + ")"},
		// Nothing stored: unsetting the variable would leave no key.
		{env, false, 401, "the key from RESTMCP_API_KEY: correct that variable."},
		{env, false, 403, "(correct that variable)."},
	} {
		a := testApp(t, tt.env)
		if tt.stored {
			if err := a.Keyring.Set("work", "sk-app-0123456789"); err != nil {
				t.Fatal(err)
			}
		}
		status.Store(int32(tt.status))
		srv, err := a.NewServer(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		res, err := srv.Call(context.Background(), "list_notes", json.RawMessage(`{}`))
		if err != nil || !res.IsError {
			t.Fatalf("call: %v %+v", err, res)
		}
		if text := res.Content[0].(*mcp.TextContent).Text; !strings.Contains(text, tt.want) || !tt.stored && strings.Contains(text, "unset") {
			t.Errorf("env %v, stored %v, %d: %q, want %q", tt.env, tt.stored, tt.status, text, tt.want)
		}
	}
}

// A description URL that refuses the key from RESTMCP_API_KEY (serve's
// start) names the variable, and offers unsetting it only when a key or
// sign-in is stored for the profile.
func TestDescriptionRefusesTheEnvKey(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer api.Close()
	env := map[string]string{"RESTMCP_API_KEY": "sk-env-0123456789"}
	keyProfile := profile.Profile{Name: "work", Spec: api.URL + "/openapi.yaml", BaseURL: api.URL}
	oauthProfile := profile.Profile{Name: "work", Spec: api.URL + "/openapi.yaml", BaseURL: api.URL,
		Auth: &profile.Auth{Scheme: "oidc", Kind: profile.AuthOAuth2, OAuth: &profile.OAuth{ClientID: "c", AuthURL: api.URL + "/authorize", TokenURL: api.URL + "/token"}}}
	for _, tt := range []struct {
		name   string
		p      profile.Profile
		stored bool
		want   string
	}{
		{"key stored", keyProfile, true, "the key sent is the one in RESTMCP_API_KEY: correct that variable, or unset it to use the key `restmcp login --profile work` stores"},
		{"no key stored", keyProfile, false, "the key sent is the one in RESTMCP_API_KEY: correct that variable"},
		{"signed in", oauthProfile, true, "the access token sent is the one in RESTMCP_API_KEY: correct that variable, or unset it to use the stored sign-in"},
		{"not signed in", oauthProfile, false, "the access token sent is the one in RESTMCP_API_KEY: correct that variable"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := testApp(t, env)
			a.Cache = nil // no saved copy stands in
			if tt.stored && IsOAuthProfile(tt.p) {
				if err := oauth.Save(a.Tokens(), TokenAccount("work"), &oauth.Token{AccessToken: "at-stored-0123456789"}); err != nil {
					t.Fatal(err)
				}
			} else if tt.stored {
				if err := a.Keyring.Set("work", "sk-app-0123456789"); err != nil {
					t.Fatal(err)
				}
			}
			_, err := a.LoadAPI(context.Background(), tt.p, a.ProfileCredential(tt.p))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !tt.stored && strings.Contains(err.Error(), "unset") ||
				strings.Contains(err.Error(), "sk-env-0123456789") {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestDescribedSchemeWithoutLogin checks that a profile that does not say
// how its key is sent (served without login, the key from the environment)
// sends it the way the description declares: its one API key scheme (here
// a header), and "Authorization: Bearer" when it declares several.
func TestDescribedSchemeWithoutLogin(t *testing.T) {
	var mu sync.Mutex
	var got http.Header
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Clone()
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
	}))
	defer api.Close()
	for _, tc := range []struct {
		schemes, key, header, want string
	}{
		{`{"key":{"type":"apiKey","in":"header","name":"X-Api-Key"}}`, "sk-env-0123456789", "X-Api-Key", "sk-env-0123456789"},
		{`{"basic":{"type":"http","scheme":"basic"}}`, "alice:sk-env-0123456789", "Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:sk-env-0123456789"))},
		{`{"key":{"type":"apiKey","in":"header","name":"X-Api-Key"},"bearer":{"type":"http","scheme":"bearer"}}`, "sk-env-0123456789", "Authorization", "Bearer sk-env-0123456789"},
	} {
		// The key's header, declared as a parameter too: filled by the
		// key, not an argument the call lacks.
		params := `[]`
		if tc.header == "X-Api-Key" {
			params = `[{"name":"X-Api-Key","in":"header","required":true,"schema":{"type":"string"}}]`
		}
		spec := filepath.Join(t.TempDir(), "openapi.json")
		doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":[{"url":"` + api.URL + `"}],
"components":{"securitySchemes":` + tc.schemes + `},"security":[` + strings.Join(func() []string {
			var l []string
			var m map[string]any
			_ = json.Unmarshal([]byte(tc.schemes), &m)
			for k := range m {
				l = append(l, `{"`+k+`":[]}`)
			}
			return l
		}(), ",") + `],
"paths":{"/things":{"get":{"operationId":"list_things","parameters":` + params + `,"responses":{"200":{"description":"ok"}}}}}}`
		if err := os.WriteFile(spec, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		a := testApp(t, map[string]string{"RESTMCP_API_KEY": tc.key})
		srv, err := a.NewServer(context.Background(), profile.Profile{Name: "acme", Spec: spec})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := srv.Call(context.Background(), "list_things", json.RawMessage(`{}`)); err != nil || res.IsError {
			t.Fatalf("schemes %s: call: %v %s", tc.schemes, err, res.Content[0].(*mcp.TextContent).Text)
		}
		mu.Lock()
		if v := got.Get(tc.header); v != tc.want {
			t.Errorf("schemes %s: %s = %q, want %q (headers %v)", tc.schemes, tc.header, v, tc.want, got)
		}
		mu.Unlock()
	}
}

// TestKeyGoesToOperationServers checks that an operation the description
// sends to a server of its own (Stripe's uploads on files.stripe.com) gets
// the key, as the description chose the base URL too; and that with
// --base-url every call goes there.
func TestKeyGoesToOperationServers(t *testing.T) {
	seen := make(chan string, 4)
	record := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			seen <- name + " " + r.URL.Path + " " + r.Header.Get("X-Api-Key")
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{}`)
		}
	}
	main, files := httptest.NewServer(record("main")), httptest.NewServer(record("files"))
	defer main.Close()
	defer files.Close()
	spec := filepath.Join(t.TempDir(), "openapi.json")
	doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":[{"url":"` + main.URL + `"}],
"components":{"securitySchemes":{"key":{"type":"apiKey","in":"header","name":"X-Api-Key"}}},"security":[{"key":[]}],
"paths":{"/files":{"post":{"operationId":"upload","servers":[{"url":"` + files.URL + `"}],"responses":{"200":{"description":"ok"}}}}}}`
	if err := os.WriteFile(spec, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		base, want string
	}{
		{"", "files /files sk-env-0123456789"},
		{main.URL, "main /files sk-env-0123456789"},
	} {
		a := testApp(t, map[string]string{"RESTMCP_API_KEY": "sk-env-0123456789"})
		srv, err := a.NewServer(context.Background(), profile.Profile{Name: "acme", Spec: spec, BaseURL: tc.base})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := srv.Call(context.Background(), "upload", json.RawMessage(`{}`)); err != nil || res.IsError {
			t.Fatalf("call: %v %+v", err, res)
		}
		if got := <-seen; got != tc.want {
			t.Errorf("base %q: %q, want %q", tc.base, got, tc.want)
		}
	}
}

// A description whose server has a variable it gives no value is served
// only with --base-url, and the error says so.
func TestCheckBaseUnsetVariable(t *testing.T) {
	a := testApp(t, nil)
	err := a.checkBase(profile.Profile{Name: "acme"}, "https://{region}.api.example.com/v1")
	if err == nil || !strings.Contains(err.Error(), "{region}") || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("an unset variable: %v", err)
	}
	if err := a.checkBase(profile.Profile{Name: "acme", BaseURL: "https://eu.api.example.com/v1"}, "https://eu.api.example.com/v1"); err != nil {
		t.Errorf("with --base-url: %v", err)
	}
	if err := a.checkBase(profile.Profile{Name: "acme"}, "https://api.example.com/v1"); err != nil {
		t.Errorf("a plain server: %v", err)
	}
}

// An answer the API compresses as restmcp cannot read still has its
// status, which is what a key check needs: a success accepts the key, a
// refusal rejects it, also one whose gzip or deflate body is corrupt. The
// API answered: it was reached.
func TestCheckKeyReadsTheStatusOfAnUnreadableAnswer(t *testing.T) {
	for _, tt := range []struct {
		encoding string
		status   int
		accepted bool
	}{
		{"br", http.StatusOK, true},
		{"br", http.StatusUnauthorized, false},
		{"gzip", http.StatusUnauthorized, false},
		{"gzip", http.StatusOK, true},
		{"x-gzip", http.StatusOK, true},
		{"deflate", http.StatusOK, true},
		{"deflate", http.StatusForbidden, false},
	} {
		body := []byte{0x0b, 0x01, 0x80, '{'}
		if tt.encoding == "deflate" {
			body = []byte{0xff, 0xff, 0xff} // a block type deflate does not have
		}
		status, accepted := tt.status, tt.accepted
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", tt.encoding)
			w.WriteHeader(status)
			w.Write(body)
		}))
		defer ts.Close()
		a := testApp(t, nil)
		kc, err := a.CheckKey(context.Background(), profile.Profile{Name: "acme", BaseURL: ts.URL, CheckPath: "/me"}, "k", 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if kc.Accepted != accepted || kc.Unreachable() || kc.Status != status || (accepted && kc.Err != nil) || (!accepted && !errors.Is(kc.Err, ErrKeyRejected)) {
			t.Errorf("%s %d: accepted %v, unreachable %v, status %d, err %v", tt.encoding, status, kc.Accepted, kc.Unreachable(), kc.Status, kc.Err)
		}
	}
}

// A description that also declares the key's own query parameter as a
// required parameter of each operation (as many Swagger 2.0 ones do) has
// operations a key check can call: the key fills that parameter.
func TestCheckKeyWithTheKeyDeclaredAsARequiredParameter(t *testing.T) {
	var got []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.RequestURI())
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
	}))
	defer ts.Close()
	spec := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(spec, []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: `+ts.URL+`/v1}]
components:
  securitySchemes:
    key: {type: apiKey, in: query, name: api_key}
security: [{key: []}]
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: api_key, in: query, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	p := profile.Profile{Name: "acme", Spec: spec, Auth: &profile.Auth{Scheme: "key", Kind: profile.AuthAPIKey, In: "query", Name: "api_key"}}
	kc, err := testApp(t, nil).CheckKey(context.Background(), p, "sk-check-0123456789", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !kc.Accepted || strings.Join(got, ",") != "/v1/items?api_key=sk-check-0123456789" {
		t.Errorf("check %+v, requests %q", kc, got)
	}
}

// A key check never calls an operation that accepts only another scheme:
// the API would refuse the key there, and a valid key would not be
// stored.
func TestCheckKeySkipsOperationsOfAnotherScheme(t *testing.T) {
	var got []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.RequestURI())
		if r.URL.Query().Get("api_key") == "" || r.URL.Path == "/admin/stats" { // basic only
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
	}))
	defer ts.Close()
	doc := `openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: ` + ts.URL + `}]
components:
  securitySchemes:
    key: {type: apiKey, in: query, name: api_key}
    basic: {type: http, scheme: basic}
security: [{key: []}]
paths:
  /admin/stats:
    get:
      operationId: adminStats
      security: [{basic: []}]
      responses: {"200": {description: ok}}
`
	p := profile.Profile{Name: "acme", Auth: &profile.Auth{Scheme: "key", Kind: profile.AuthAPIKey, In: "query", Name: "api_key"}}
	for _, tt := range []struct{ paths, want string }{
		{"", "/items?api_key=sk-check-0123456789"},
		{"x", ""}, // nothing the scheme may call: no request
	} {
		got = nil
		spec := filepath.Join(t.TempDir(), "openapi.yaml")
		d := doc
		if tt.paths == "" {
			d += "  /items:\n    get:\n      operationId: listItems\n      responses: {\"200\": {description: ok}}\n"
		}
		if err := os.WriteFile(spec, []byte(d), 0o600); err != nil {
			t.Fatal(err)
		}
		p.Spec = spec
		kc, err := testApp(t, nil).CheckKey(context.Background(), p, "sk-check-0123456789", 5*time.Second)
		switch {
		case tt.want == "" && (err == nil || !strings.Contains(err.Error(), "that scheme key may call")):
			t.Errorf("check %+v, err %v", kc, err)
		case tt.want != "" && (err != nil || !kc.Accepted):
			t.Errorf("check %+v, err %v", kc, err)
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("requests %q, want %q", got, tt.want)
		}
	}
}

// Without login, the key goes by the description's scheme, and an
// operation that needs that scheme together with another fails before any
// request, naming both, as with a profile logged in with that scheme: the
// key alone is not sent for the API to refuse.
func TestDescribedSchemeAndRequirement(t *testing.T) {
	var got []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.Path+" "+r.Header.Get("X-Api-Key"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{}`)
	}))
	defer ts.Close()
	spec := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(spec, []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: `+ts.URL+`}]
components:
  securitySchemes:
    app: {type: apiKey, in: header, name: X-Api-Key}
    user: {type: apiKey, in: header, name: X-User-Token}
security: [{app: []}]
paths:
  /status:
    get:
      operationId: status
      responses: {"200": {description: ok}}
  /me:
    get:
      operationId: me
      security: [{app: [], user: []}]
      responses: {"200": {description: ok}}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	a := testApp(t, map[string]string{"RESTMCP_API_KEY": "sk-env-0123456789"})
	srv, err := a.NewServer(context.Background(), profile.Profile{Name: "acme", Spec: spec})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := srv.Call(context.Background(), "status", json.RawMessage(`{}`)); err != nil || res.IsError {
		t.Fatalf("status: %v %+v", err, res)
	}
	res, err := srv.Call(context.Background(), "me", json.RawMessage(`{}`))
	if err != nil || !res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, "needs several credentials at once (app + user)") {
		t.Errorf("me: %v %+v", err, res)
	}
	if want := "/status sk-env-0123456789"; strings.Join(got, ",") != want {
		t.Errorf("requests %q, want %q", got, want)
	}
}

// An operation that accepts only schemes the profile does not have names
// the login to run with one restmcp can sign in with, and says so when
// there is none, rather than naming a login that would fail.
func TestMissingSchemeNamesASchemeRestmcpSupports(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(spec, []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: http://127.0.0.1:1}]
components:
  securitySchemes:
    api_key: {type: apiKey, in: header, name: api_key}
    petstore_auth: {type: oauth2, flows: {implicit: {authorizationUrl: "https://a.example.com/authorize", scopes: {}}}}
    user_pass: {type: http, scheme: basic}
paths:
  /pets:
    get:
      operationId: pets
      security: [{petstore_auth: []}]
      responses: {"200": {description: ok}}
  /owners:
    get:
      operationId: owners
      security: [{petstore_auth: []}, {user_pass: []}]
      responses: {"200": {description: ok}}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	a := testApp(t, nil)
	_ = a.Keyring.Set("pet", "sk-pet-0123456789")
	p := profile.Profile{Name: "pet", Spec: spec, Auth: &profile.Auth{Scheme: "api_key", Kind: profile.AuthAPIKey, In: "header", Name: "api_key"}}
	srv, err := a.NewServer(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	for tool, want := range map[string]string{
		"pets":   "needs a credential of scheme petstore_auth (OAuth 2.0 (implicit)), which restmcp cannot sign in with",
		"owners": "run `restmcp login --profile pet --scheme user_pass`",
	} {
		res, err := srv.Call(context.Background(), tool, json.RawMessage(`{}`))
		if err != nil || !res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, want) {
			t.Errorf("%s: %v %s, want %q", tool, err, res.Content[0].(*mcp.TextContent).Text, want)
		}
	}
}
