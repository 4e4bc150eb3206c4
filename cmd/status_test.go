package cmd

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/profile"
)

// inFolderWith makes the current folder, for the rest of the test, a new
// one holding the description files named (relative paths): the
// profiles' descriptions are where they say.
func inFolderWith(t *testing.T, names ...string) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range names {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths: {}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
}

func TestMaskCredential(t *testing.T) {
	tests := []struct{ key, want string }{
		{"", "****"},
		{"abc", "****"},
		{"12345678901", "****"},
		{"123456789012", "****9012"},
		{goodKey, "****WXYZ"},
		{"ключ-ключ-ключ-ёжик", "****ёжик"},
		{goodKey + "\n", "****WXYZ"},
		{" abcdefghijk\r\n", "****"},
	}
	for _, tt := range tests {
		if got := maskCredential(tt.key); got != tt.want {
			t.Errorf("maskCredential(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestStatus(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	setup := func(t *testing.T) *authEnv {
		e := newAuthEnv(t)
		inFolderWith(t, "acme.yaml", "beta.yaml", "short.yaml", "zeta.yaml")
		store := profile.Store{Dir: e.dir}
		token := "Token"
		for _, p := range []profile.Profile{
			{Name: "acme", Spec: "acme.yaml", BaseURL: api.URL, CheckPath: "/me"},
			{Name: "beta", Spec: "beta.yaml", BaseURL: api.URL, AuthHeader: "X-Api-Key", AuthScheme: &token, CheckPath: "/me"},
			{Name: "short", Spec: "short.yaml", BaseURL: api.URL, CheckPath: "/me"},
			{Name: "zeta", Spec: "zeta.yaml", BaseURL: api.URL, CheckPath: "/me"},
		} {
			if err := store.Save(p); err != nil {
				t.Fatal(err)
			}
		}
		_ = e.keyring.Set("acme", goodKey)
		_ = e.keyring.Set("beta", badKey)
		_ = e.keyring.Set("short", "abc123")
		return e
	}

	t.Run("offline", func(t *testing.T) {
		e := setup(t)
		before := len(api.requests())
		r := e.run("", "status", "--offline")
		if r.code != 1 {
			t.Errorf("exit %d, want 1 (zeta has no key)", r.code)
		}
		for _, s := range []string{
			"acme\n  Description: acme.yaml\n  Base URL:    " + api.URL + "\n  Auth:        Authorization: Bearer <key>\n  Key:         ****WXYZ from the in-memory test keyring",
			"beta\n", "Auth:        X-Api-Key: Token <key>", "****QQQQ",
			"short\n", "Key:         **** from",
			"zeta\n", "Key:         missing: run `restmcp login --profile zeta`",
		} {
			if !strings.Contains(r.out, s) {
				t.Errorf("stdout lacks %q:\n%s", s, r.out)
			}
		}
		if strings.Contains(r.out, "API:") || len(api.requests()) != before {
			t.Errorf("--offline asked the API:\n%s", r.out)
		}
		e.assertKeyNowhere(goodKey)
		e.assertKeyNowhere(badKey)
		e.assertKeyNowhere("abc123")
	})

	t.Run("online", func(t *testing.T) {
		e := setup(t)
		r := e.run("", "status")
		if r.code != 1 {
			t.Errorf("exit %d, want 1", r.code)
		}
		for _, s := range []string{
			"API:         ✓ accepts the key (GET " + api.URL + "/me: 200)",
			"API:         ✗ rejects the key (GET " + api.URL + "/me: 401): run `restmcp login --profile beta` with a valid key",
		} {
			if !strings.Contains(r.out, s) {
				t.Errorf("stdout lacks %q:\n%s", s, r.out)
			}
		}
		e.assertKeyNowhere(goodKey)
		e.assertKeyNowhere(badKey)
	})

	t.Run("one profile, json", func(t *testing.T) {
		e := setup(t)
		r := e.run("", "status", "--profile", "acme", "--json")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		var got []profileStatus
		if err := json.Unmarshal([]byte(r.out), &got); err != nil {
			t.Fatalf("%v\n%s", err, r.out)
		}
		if len(got) != 1 {
			t.Fatalf("%d profiles, want 1", len(got))
		}
		g := got[0]
		if g.Profile != "acme" || g.KeySource != "keyring" || g.Key != "****WXYZ" || !g.OK ||
			g.Check == nil || !g.Check.Accepted || g.Check.Status != 200 || g.AuthScheme != "Bearer" {
			t.Errorf("status = %+v, check %+v", g, g.Check)
		}
		e.assertKeyNowhere(goodKey)
	})

	t.Run("env wins", func(t *testing.T) {
		e := setup(t)
		e.env["RESTMCP_API_KEY"] = goodKey
		r := e.run("", "status", "--profile", "short")
		if r.code != 0 || !strings.Contains(r.out, "****WXYZ from RESTMCP_API_KEY") || !strings.Contains(r.out, "✓ accepts") {
			t.Errorf("exit %d:\n%s%s", r.code, r.out, r.err)
		}
		// beta sends the key as X-Api-Key: the API rejects it, and the
		// hint is about the variable, and the key stored behind it, not
		// about login.
		r = e.run("", "status", "--profile", "beta")
		if r.code != 1 || !strings.Contains(r.out, "✗ rejects the key from RESTMCP_API_KEY") ||
			!strings.Contains(r.out, ": correct that variable, or unset it to use the key `restmcp login --profile beta` stores\n") {
			t.Errorf("exit %d:\n%s%s", r.code, r.out, r.err)
		}
		// zeta stores no key: unsetting the variable would leave none.
		e.env["RESTMCP_API_KEY"] = badKey
		r = e.run("", "status", "--profile", "zeta")
		if r.code != 1 || !strings.Contains(r.out, "✗ rejects the key from RESTMCP_API_KEY") ||
			!strings.Contains(r.out, ": correct that variable\n") || strings.Contains(r.out, "unset") {
			t.Errorf("exit %d:\n%s%s", r.code, r.out, r.err)
		}
		e.assertKeyNowhere(goodKey)
		e.assertKeyNowhere(badKey)
	})

	t.Run("env key is not sent to every profile's API", func(t *testing.T) {
		e := setup(t)
		e.env["RESTMCP_API_KEY"] = goodKey
		before := len(api.requests())
		r := e.run("", "status")
		if r.code != 0 || strings.Count(r.out, "not checked: RESTMCP_API_KEY is the key of every profile") != 4 ||
			!strings.Contains(r.out, "restmcp status --profile acme") {
			t.Errorf("exit %d:\n%s%s", r.code, r.out, r.err)
		}
		if n := len(api.requests()) - before; n != 0 {
			t.Errorf("status sent %d requests with the environment's key", n)
		}
		// A check not made says why, and says nothing of acceptance.
		r = e.run("", "status", "--json")
		if r.code != 0 || strings.Contains(r.out, `"accepted"`) || strings.Count(r.out, `"skipped"`) != 4 {
			t.Errorf("exit %d:\n%s%s", r.code, r.out, r.err)
		}
		e.assertKeyNowhere(goodKey)
	})

	t.Run("unknown profile", func(t *testing.T) {
		e := setup(t)
		r := e.run("", "status", "--profile", "nope")
		if r.code != 1 || !strings.Contains(r.err, "run `restmcp login --profile nope --spec FILE|URL`") {
			t.Errorf("exit %d: %s", r.code, r.err)
		}
	})

	t.Run("no profiles", func(t *testing.T) {
		e := newAuthEnv(t)
		r := e.run("", "status")
		if r.code != 0 || !strings.Contains(r.out, "No profiles") || !strings.Contains(r.out, "restmcp login --profile NAME --spec FILE|URL") {
			t.Errorf("exit %d: %s", r.code, r.out)
		}
	})

	t.Run("keyring timeout is waited for once", func(t *testing.T) {
		e := setup(t)
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		hb := &countingHang{release: release}
		e.keyring = keyring.Store{Service: "restmcp", Backend: hb, Timeout: 100 * time.Millisecond}
		// zeta's key is in the plain-text file: found without the keyring,
		// also after the keyring timed out for acme.
		pf, err := e.newFactoryForKeys().App().InsecureKeys()
		if err != nil {
			t.Fatal(err)
		}
		if err := pf.Set("zeta", goodKey); err != nil {
			t.Fatal(err)
		}
		r := e.run("", "status", "--offline")
		if r.code != 1 || strings.Count(r.out, "keyring unavailable") != 3 || !strings.Contains(r.out, "****WXYZ from "+pf.Path) {
			t.Errorf("exit %d:\n%s", r.code, r.out)
		}
		if !strings.Contains(r.out, `reading the key of profile "short"`) {
			t.Errorf("short's line does not name short:\n%s", r.out)
		}
		if n := hb.calls.Load(); n != 1 {
			t.Errorf("the keyring was asked %d times, want once: after a timeout status stops waiting on it", n)
		}
	})
}

// TestKeyNeverInArgv checks that no command takes a value flag that could
// carry a key: keys come from the keyring, the environment or stdin only.
func TestKeyNeverInArgv(t *testing.T) {
	root := NewRootCmd(&Factory{IO: &IOStreams{}, Brand: Brand{Name: "restmcp"}})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			n := strings.ToLower(fl.Name)
			if !(strings.Contains(n, "key") || strings.Contains(n, "token") || strings.Contains(n, "secret") || strings.Contains(n, "password")) {
				return
			}
			// --tls-key and --auth-tokens name files (a TLS private key,
			// the hashes of callers' tokens).
			if fl.Value.Type() != "bool" && fl.Name != "tls-key" && fl.Name != "auth-tokens" {
				t.Errorf("%s --%s takes a %s value: a key must never be an argument", c.CommandPath(), fl.Name, fl.Value.Type())
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if c, _, err := root.Find([]string{"login"}); err != nil || c.Flags().Lookup("with-key") == nil {
		t.Fatal("login has no --with-key flag")
	}
}

// TestKeyNeverPrinted runs every command with a key in the keyring and in
// the environment and checks that no output and no file shows it, whether
// the command succeeds or fails.
func TestKeyNeverPrinted(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	const envKey = "sk-env-5555555555554444"
	e := newAuthEnv(t)
	login := []string{"login", "-p", "acme", "--spec", "testdata/keycheck-api.yaml", "--base-url", api.URL + "/v1", "--check-path", "/me", "--with-key"}
	if r := e.run(goodKey+"\n", login...); r.code != 0 {
		t.Fatalf("login: %s", r.err)
	}
	_ = e.run(badKey+"\n", login...)
	commands := [][]string{
		{"status"}, {"status", "--json"}, {"status", "--offline"},
		{"tools", "-p", "acme"}, {"tools", "-p", "acme", "--json"},
		{"call", "list_projects", "-p", "acme"}, {"call", "get_project", "-p", "acme", "--arg", "id=7"}, {"call", "nope", "-p", "acme"},
		{"install", "cursor", "--profile", "acme", "--dry-run"},
		{"version"}, {"--help"}, {"login", "--help"},
	}
	for _, withEnv := range []bool{false, true} {
		if withEnv {
			e.env["RESTMCP_API_KEY"] = envKey
		}
		for _, args := range commands {
			_ = e.run("", args...)
		}
	}
	// The calls reached the API with the key from the keyring, then the
	// one from the environment.
	var calls int
	for _, h := range api.requests() {
		if strings.HasPrefix(h, "GET /v1/projects") {
			calls++
		}
	}
	if calls != 4 {
		t.Errorf("%d tool calls reached the API, want 4: %q", calls, api.requests())
	}
	_ = e.run("", "logout", "-p", "acme")
	_ = e.run("", "logout", "-p", "acme", "--all")
	e.assertKeyNowhere(goodKey)
	e.assertKeyNowhere(badKey)
	e.assertKeyNowhere(envKey)
	if len(e.printed) < 2*len(commands) {
		t.Fatalf("only %d outputs recorded", len(e.printed))
	}
}

// TestBrandedKeys: a vendor build keeps its keys under its own service and
// environment variable.
func TestBrandedKeys(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	mem := keyring.NewMemory()
	env := map[string]string{"ACME_MCP_CONFIG_DIR": t.TempDir()}
	var errOut bytes.Buffer
	f := &Factory{
		IO:      &IOStreams{In: strings.NewReader(goodKey), Out: &errOut, ErrOut: &errOut},
		Brand:   Brand{Name: "acme-mcp"},
		Getenv:  func(k string) string { return env[k] },
		Keyring: keyring.Store{Service: "acme-mcp", Backend: mem},
		Log:     log.New(&errOut),
	}
	root := NewRootCmd(f)
	root.SetArgs([]string{"login", "--spec", "x.yaml", "--base-url", api.URL, "--check-path", "/me", "--with-key"})
	if code := Execute(t.Context(), f, root); code != 0 {
		t.Fatalf("login: %s", errOut.String())
	}
	if k, err := mem.Get("acme-mcp", "default"); err != nil || k != goodKey {
		t.Errorf("key under service acme-mcp = %q, %v", k, err)
	}
	if _, err := mem.Get("restmcp", "default"); err == nil {
		t.Error("a branded build wrote under restmcp")
	}
	env["ACME_MCP_API_KEY"] = "sk-from-env-00000000"
	env["RESTMCP_API_KEY"] = "sk-wrong-brand-0000000"
	if r := f.App().ResolveKey("default"); r.Key != "sk-from-env-00000000" || r.Source != app.KeyFromEnv {
		t.Errorf("resolveKey = %q from %s", r.Key, r.Source)
	}
	delete(env, "ACME_MCP_API_KEY")
	if r := f.App().ResolveKey("default"); r.Key != goodKey || r.Source != app.KeyFromKeyring {
		t.Errorf("resolveKey ignores RESTMCP_API_KEY in a branded build: %q from %s", r.Key, r.Source)
	}
	if r := (&Factory{Brand: f.Brand, Getenv: f.Getenv, Keyring: keyring.Store{Service: "acme-mcp", Backend: keyring.NewMemory()}}).App().ResolveKey("default"); r.Err == nil ||
		!strings.Contains(r.Err.Error(), "run `acme-mcp login --profile default` (or set ACME_MCP_API_KEY)") {
		t.Errorf("missing-key error = %v", r.Err)
	}
}

// countingHang never answers and counts the calls.
type countingHang struct {
	release chan struct{}
	calls   atomic.Int32
}

func (b *countingHang) Get(string, string) (string, error) {
	b.calls.Add(1)
	<-b.release
	return "", nil
}
func (b *countingHang) Set(string, string, string) error { b.calls.Add(1); <-b.release; return nil }
func (b *countingHang) Delete(string, string) error      { b.calls.Add(1); <-b.release; return nil }

func TestLoginCommandQuotes(t *testing.T) {
	f := &Factory{Brand: Brand{Name: "restmcp"}}
	for name, want := range map[string]string{
		"acme":        "restmcp login --profile acme",
		"team/prod-1": "restmcp login --profile team/prod-1",
		"my api":      "restmcp login --profile 'my api'",
		"it's":        `restmcp login --profile 'it'\''s'`,
		"$(rm -rf)":   "restmcp login --profile '$(rm -rf)'",
	} {
		if got := f.App().LoginCommand(name); got != want {
			t.Errorf("loginCommand(%q) = %s, want %s", name, got, want)
		}
	}
}

// TestStatusSendsKeyAsServeDoes checks that a profile that does not say
// how its key is sent is shown and checked with the place its description
// declares, as serve sends it.
func TestStatusSendsKeyAsServeDoes(t *testing.T) {
	api := newFakeAPI(t, goodKey, "X-Api-Key", "")
	spec := filepath.Join(t.TempDir(), "openapi.json")
	doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":[{"url":"` + api.URL + `"}],
"components":{"securitySchemes":{"key":{"type":"apiKey","in":"header","name":"X-Api-Key"}}},"security":[{"key":[]}],
"paths":{"/me":{"get":{"operationId":"me","responses":{"200":{"description":"ok"}}}}}}`
	if err := os.WriteFile(spec, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newAuthEnv(t)
	if err := (profile.Store{Dir: e.dir}).Save(profile.Profile{Name: "acme", Spec: spec, CheckPath: "/me"}); err != nil {
		t.Fatal(err)
	}
	_ = e.keyring.Set("acme", goodKey)
	r := e.run("", "status", "--profile", "acme")
	for _, s := range []string{"X-Api-Key", "✓ accepts the key"} {
		if !strings.Contains(r.out, s) {
			t.Errorf("stdout lacks %q (exit %d):\n%s%s", s, r.code, r.out, r.err)
		}
	}
}

// status shows the header value of a profile logged in with --auth-format,
// which is what is sent, not the scheme it replaces.
func TestStatusShowsTheAuthFormat(t *testing.T) {
	e := newAuthEnv(t)
	if err := (profile.Store{Dir: e.dir}).Save(profile.Profile{Name: "pd", Spec: "pd.yaml", BaseURL: "https://api.example.com", AuthFormat: "Token token={key}"}); err != nil {
		t.Fatal(err)
	}
	_ = e.keyring.Set("pd", goodKey)
	r := e.run("", "status", "--profile", "pd", "--offline")
	if !strings.Contains(r.out, "Auth:        Authorization: Token token=<key>\n") {
		t.Errorf("exit %d, stdout:\n%s%s", r.code, r.out, r.err)
	}
	r = e.run("", "status", "--profile", "pd", "--offline", "--json")
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.out), &got); err != nil || len(got) != 1 || got[0]["auth_format"] != "Token token={key}" {
		t.Errorf("JSON %s (%v)", r.out, err)
	}
}

// status shows a description URL and a base URL without the user info and
// query that may hold a key, in text and JSON, for key and OAuth profiles.
func TestStatusHidesURLSecrets(t *testing.T) {
	const secret = "sk-in-url-0123456789"
	e := newAuthEnv(t)
	inFolderWith(t, "my specs/f.yaml")
	store := profile.Store{Dir: e.dir}
	for _, p := range []profile.Profile{
		{Name: "k", Spec: "https://specs.example.com/openapi.json?api_key=" + secret, BaseURL: "https://user:" + secret + "@api.example.com/v1"},
		{Name: "o", Spec: "https://user:" + secret + "@specs.example.com/o.json#" + secret, BaseURL: "https://api.example.com/v2?token=" + secret,
			Auth: &profile.Auth{Scheme: "oa", Kind: profile.AuthOAuth2, OAuth: &profile.OAuth{Grant: "authorization_code", ClientID: "c", TokenURL: "https://auth.example.com/token"}}},
		{Name: "f", Spec: "my specs/f.yaml", BaseURL: "https://api.example.com"},
	} {
		if err := store.Save(p); err != nil {
			t.Fatal(err)
		}
	}
	text := e.run("", "status", "--offline")
	for _, s := range []string{
		"Description: https://specs.example.com/openapi.json\n", "Base URL:    https://api.example.com/v1\n",
		"Description: https://specs.example.com/o.json\n", "Base URL:    https://api.example.com/v2\n",
		"Description: my specs/f.yaml\n",
	} {
		if !strings.Contains(text.out, s) {
			t.Errorf("status lacks %q:\n%s", s, text.out)
		}
	}
	js := e.run("", "status", "--offline", "--json")
	for name, r := range map[string]result{"status": text, "status --json": js} {
		if strings.Contains(r.out+r.err, secret) {
			t.Errorf("%s shows the secret in a URL:\n%s%s", name, r.out, r.err)
		}
	}
	if !strings.Contains(js.out, `"spec": "https://specs.example.com/openapi.json"`) {
		t.Errorf("status --json:\n%s", js.out)
	}
}

// TestStatusShowsTheDescribedBaseURL: a profile without a base URL shows
// the description's first server when the description can be read without
// a request (a local file, or the compiled copy serve and tools keep);
// else, for a description URL, it says where the URL is taken from.
func TestStatusShowsTheDescribedBaseURL(t *testing.T) {
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(spec)
	}))
	t.Cleanup(srv.Close)
	local, err := filepath.Abs("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := newAuthEnv(t)
	for _, p := range []profile.Profile{{Name: "file", Spec: local}, {Name: "url", Spec: srv.URL + "/openapi.yaml"}} {
		if err := (profile.Store{Dir: e.dir}).Save(p); err != nil {
			t.Fatal(err)
		}
	}
	const described = "  Base URL:    http://127.0.0.1:9/api (the description's first server)\n"
	if r := e.run("", "status", "--offline", "-p", "file"); !strings.Contains(r.out, described) {
		t.Errorf("a local description:\n%s%s", r.out, r.err)
	}
	if r := e.run("", "status", "--offline", "-p", "url"); !strings.Contains(r.out, "  Base URL:    (the description's first server)\n") || hits.Load() != 0 {
		t.Errorf("a description URL, not read yet (%d requests):\n%s%s", hits.Load(), r.out, r.err)
	}
	// tools keeps the compiled description; status reads it, offline.
	if r := e.run("", "tools", "-p", "url"); r.code != 0 {
		t.Fatalf("tools: %s", r.err)
	}
	n := hits.Load()
	if r := e.run("", "status", "--offline", "-p", "url"); !strings.Contains(r.out, described) || hits.Load() != n {
		t.Errorf("a description URL read before (%d requests after tools' %d):\n%s%s", hits.Load(), n, r.out, r.err)
	}
}

// A profile whose description file moved cannot be served: status says
// so, with the login that stores the new path, and exits 1 — offline, and
// when the API, asked at the stored --check-path, would accept the key.
func TestStatusDescriptionMoved(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	e := newAuthEnv(t)
	inFolderWith(t, "acme.yaml")
	spec, err := filepath.Abs("acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := (profile.Store{Dir: e.dir}).Save(profile.Profile{Name: "acme", Spec: spec, BaseURL: api.URL, CheckPath: "/me"}); err != nil {
		t.Fatal(err)
	}
	_ = e.keyring.Set("acme", goodKey)
	if r := e.run("", "status"); r.code != 0 || strings.Contains(r.out, "does not exist") {
		t.Fatalf("before the move: exit %d\n%s", r.code, r.out)
	}
	if err := os.Rename(spec, spec+".moved"); err != nil {
		t.Fatal(err)
	}
	fix := "`restmcp login --profile acme --spec NEW_PATH`"
	for _, args := range [][]string{{"status"}, {"status", "--offline"}} {
		r := e.run("", args...)
		if r.code != 1 || !strings.Contains(r.out, "Description: "+spec+" ✗ the file does not exist") || !strings.Contains(r.out, fix) || strings.Contains(r.out, "✓") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.out)
		}
	}
	r := e.run("", "status", "--json")
	var report []map[string]any
	if err := json.Unmarshal([]byte(r.out), &report); err != nil || len(report) != 1 {
		t.Fatalf("status --json: %v\n%s", err, r.out)
	}
	if msg, _ := report[0]["spec_error"].(string); r.code != 1 || !strings.Contains(msg, fix) || report[0]["ok"] != false || report[0]["spec"] != spec {
		t.Errorf("status --json: exit %d\n%s", r.code, r.out)
	}
	if c, _ := report[0]["check"].(map[string]any); c["skipped"] == nil {
		t.Errorf("status --json checks the key of a profile that cannot be served:\n%s", r.out)
	}
}

// status asks a description URL that gives no answer once: the key check
// does not ask it again (with no copy saved earlier, it waited twice).
func TestStatusUnreachableDescriptionAskedOnce(t *testing.T) {
	addr, accepted := answerless(t)
	e := newAuthEnv(t)
	url := "http://" + addr
	if err := (profile.Store{Dir: e.dir}).Save(profile.Profile{Name: "acme", Spec: url + "/openapi.json", BaseURL: url}); err != nil {
		t.Fatal(err)
	}
	e.env["RESTMCP_API_KEY"] = goodKey
	r := e.run("", "status", "-p", "acme")
	if r.code != 1 || !strings.Contains(r.out+r.err, "cannot be reached") {
		t.Fatalf("exit %d:\n%s%s", r.code, r.out, r.err)
	}
	if n := accepted.Load(); n != 1 {
		t.Errorf("the description was asked for %d times, want 1", n)
	}
}
