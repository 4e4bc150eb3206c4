package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/remote/remotetest"
)

const remoteKey = "rk-0123456789abcdef"

// newRemoteMCP is a remote MCP server (Streamable HTTP) that wants
// "X-Api-Key: Token <remoteKey>", with a read-only tool "greet" and a tool
// "wipe".
func newRemoteMCP(t *testing.T) *httptest.Server {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: "acme-remote", Version: "2.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "greet", Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true}},
		func(ctx context.Context, req *mcp.CallToolRequest, in struct {
			Name string `json:"name"`
		}) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "hello " + in.Name}}}, nil, nil
		})
	mcp.AddTool(s, &mcp.Tool{Name: "wipe"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "wiped"}}}, nil, nil
	})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != "Token "+remoteKey {
			http.Error(w, "no or bad key", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestRemoteKeyRefusedAfterInitialize: a server that answers initialize
// to anyone and looks at the key on later requests refuses a wrong key on
// tools/list, and login says so instead of taking the key.
func TestRemoteKeyRefusedAfterInitialize(t *testing.T) {
	s := mcp.NewServer(&mcp.Implementation{Name: "acme-remote", Version: "2.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "greet"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{}, nil, nil
	})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte(`"method":"initialize"`)) && r.Header.Get("Authorization") != "Bearer "+remoteKey {
			http.Error(w, "bad key", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader("wrong-key\n")
	if code := run(t, f, "login", "--profile", "acme", "--mcp-url", ts.URL, "--with-key"); code != 1 || !strings.Contains(errOut.String(), "refused the key (401)") {
		t.Errorf("login with a wrong key: exit %d, stderr %s", code, errOut)
	}
	if _, err := f.Keyring.Get("acme"); err == nil {
		t.Error("a refused key was stored")
	}
}

// TestRemoteKeyLacksScope: a server that answers initialize but refuses
// tools/list for a missing scope (403 insufficient_scope): login says the
// key lacks that permission and names the scopes, stores nothing, and
// does not send the user to check the header and scheme, nor speak of a
// session going on.
func TestRemoteKeyLacksScope(t *testing.T) {
	s := mcp.NewServer(&mcp.Implementation{Name: "acme-remote", Version: "2.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "greet"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{}, nil, nil
	})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(`"method":"tools/list"`)) {
			w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="tools:read"`)
			http.Error(w, "insufficient scope", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(remoteKey + "\n")
	code := run(t, f, "login", "--profile", "acme", "--mcp-url", ts.URL, "--with-key")
	got := errOut.String()
	if code != 1 || !strings.Contains(got, "the key lacks a permission this needs: the server asks for the scope tools:read") ||
		!strings.Contains(got, "nothing was stored") || strings.Contains(got, "session") || strings.Contains(got, "header and scheme") {
		t.Errorf("login with a key lacking a scope: exit %d, stderr %s", code, got)
	}
	if _, err := f.Keyring.Get("acme"); err == nil {
		t.Error("the key was stored")
	}
}

// TestRemoteNoKeyGiven: tools against a server that wants a key, with none
// at hand, says that none was given, not that the server refused it.
func TestRemoteNoKeyGiven(t *testing.T) {
	ts := newRemoteMCP(t)
	f, _, errOut := testFactory(t, nil)
	t.Setenv("RESTMCP_API_KEY", "")
	if code := run(t, f, "tools", "--mcp-url", ts.URL+"/mcp"); code == 0 {
		t.Fatalf("tools without a key: exit 0, stderr %s", errOut)
	}
	if got := errOut.String(); !strings.Contains(got, "the server asks for credentials and none were given (run `restmcp login --profile default`)") ||
		strings.Contains(got, "refused") {
		t.Errorf("stderr = %s", got)
	}
}

// TestRemoteEnvKeyRefused: a key from RESTMCP_API_KEY the remote server
// refuses names the variable, and offers unsetting it only when a key is
// stored for the profile.
func TestRemoteEnvKeyRefused(t *testing.T) {
	ts := newRemoteMCP(t)
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(remoteKey + "\n")
	if code := run(t, f, "login", "--profile", "acme", "--mcp-url", ts.URL+"/mcp", "--auth-header", "X-Api-Key", "--auth-scheme", "Token", "--with-key"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, errOut)
	}
	setKeyEnv(f, func() string { return "rk-wrong-0123456789" })
	errOut.Reset()
	if code := run(t, f, "call", "greet", "--profile", "acme", "--arg", "name=x"); code == 0 ||
		!strings.Contains(errOut.String(), "the server refused the key from RESTMCP_API_KEY: correct that variable, or unset it to use the key `restmcp login --profile acme` stores") {
		t.Errorf("a key stored: exit %d, stderr %s", code, errOut)
	}
	// Nothing stored for the default profile.
	errOut.Reset()
	if code := run(t, f, "tools", "--mcp-url", ts.URL+"/mcp", "--auth-header", "X-Api-Key", "--auth-scheme", "Token"); code == 0 ||
		!strings.Contains(errOut.String(), "the server refused the key from RESTMCP_API_KEY: correct that variable") || strings.Contains(errOut.String(), "unset") {
		t.Errorf("nothing stored: exit %d, stderr %s", code, errOut)
	}
}

func TestRemoteProfile(t *testing.T) {
	ts := newRemoteMCP(t)
	f, out, errOut := testFactory(t, nil)
	url := ts.URL + "/mcp"

	f.IO.In = strings.NewReader("wrong-key\n")
	if code := run(t, f, "login", "--profile", "acme", "--mcp-url", url, "--auth-header", "X-Api-Key", "--auth-scheme", "Token", "--with-key"); code != 1 {
		t.Fatalf("login with a wrong key: exit %d, stderr %s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "refused the key (401)") {
		t.Errorf("stderr = %s", errOut)
	}
	if _, err := f.Keyring.Get("acme"); err == nil {
		t.Error("a refused key was stored")
	}

	errOut.Reset()
	f.IO.In = strings.NewReader(remoteKey + "\n")
	if code := run(t, f, "login", "--profile", "acme", "--mcp-url", url, "--auth-header", "X-Api-Key", "--auth-scheme", "Token", "--with-key", "--prefix", "acme_"); code != 0 {
		t.Fatalf("login: exit %d, stderr %s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "took the key (initialize and tools/list: acme-remote 2.0); it may check it only when a tool is called") {
		t.Errorf("stderr = %s", errOut)
	}
	store, _ := f.Profiles()
	p, err := store.Get("acme")
	if err != nil || p.MCPURL != url || p.Spec != "" {
		t.Fatalf("profile = %+v, %v", p, err)
	}

	out.Reset()
	if code := run(t, f, "tools", "--profile", "acme", "--json"); code != 0 {
		t.Fatalf("tools: exit %d, stderr %s", code, errOut)
	}
	var tools []*mcp.Tool
	if err := json.Unmarshal(out.Bytes(), &tools); err != nil || len(tools) != 2 || tools[0].Name != "acme_greet" {
		t.Errorf("tools = %s (%v)", out, err)
	}

	out.Reset()
	if code := run(t, f, "call", "acme_greet", "--profile", "acme", "--arg", "name=Ada"); code != 0 || strings.TrimSpace(out.String()) != "hello Ada" {
		t.Errorf("call: exit %d, stdout %q, stderr %s", code, out, errOut)
	}

	out.Reset()
	if code := run(t, f, "tools", "--profile", "acme", "--read-only", "--json"); code != 0 || strings.Contains(out.String(), "wipe") {
		t.Errorf("tools --read-only: exit %d, stdout %s", code, out)
	}

	out.Reset()
	if code := run(t, f, "status", "--profile", "acme"); code != 0 {
		t.Errorf("status: exit %d, stdout %s", code, out)
	}
	for _, want := range []string{"MCP server:  " + url, "✓ takes the key", "X-Api-Key: Token <key>"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}

	out.Reset()
	if code := run(t, f, "install", "cursor", "--profile", "acme", "--print"); code != 0 {
		t.Fatalf("install --print: exit %d, stderr %s", code, errOut)
	}
	if !strings.Contains(out.String(), `"--profile"`) || !strings.Contains(out.String(), `"acme"`) {
		t.Errorf("entry = %s", out)
	}

	for _, s := range []string{out.String(), errOut.String()} {
		if strings.Contains(s, remoteKey) {
			t.Fatal("the key was printed")
		}
	}

	if code := run(t, f, "logout", "--profile", "acme"); code != 0 {
		t.Fatal("logout failed")
	}
	out.Reset()
	if code := run(t, f, "call", "acme_greet", "--profile", "acme"); code == 0 || !strings.Contains(errOut.String(), "restmcp login --profile acme") {
		t.Errorf("call after logout: exit %d, stderr %s", code, errOut)
	}
}

// TestRemoteFlowOnAKeyServer: --flow browser against a remote server asks
// for a sign-in, as --oauth does, rather than being ignored while a key is
// asked for; with --with-key it contradicts it.
func TestRemoteFlowOnAKeyServer(t *testing.T) {
	ts := newRemoteMCP(t)
	f, _, errOut := testFactory(t, nil)
	// As --oauth: the sign-in is tried, and fails at the server, which
	// has no OAuth to give; no key is asked for.
	if code := run(t, f, "login", "--profile", "k", "--mcp-url", ts.URL+"/mcp", "--flow", "browser"); code == 0 ||
		!strings.Contains(errOut.String(), "OAuth sign-in") || !strings.Contains(errOut.String(), "nothing was stored") {
		t.Errorf("--flow browser: exit %d, stderr %s", code, errOut)
	}
	errOut.Reset()
	f.IO.In = strings.NewReader(remoteKey + "\n")
	if code := run(t, f, "login", "--profile", "k", "--mcp-url", ts.URL+"/mcp", "--flow", "browser", "--with-key"); code != 2 ||
		!strings.Contains(errOut.String(), "--flow is for an OAuth sign-in, and --with-key logs in with a key") {
		t.Errorf("--flow browser --with-key: exit %d, stderr %s", code, errOut)
	}
	store, err := f.Profiles()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get("k"); err == nil {
		t.Error("a profile was saved")
	}
}

func TestRemoteProfileFlagErrors(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	if code := run(t, f, "login", "--profile", "x", "--mcp-url", "ftp://x", "--with-key"); code != 2 || !strings.Contains(errOut.String(), "http(s) endpoint") {
		t.Errorf("bad URL: exit %d, %s", code, errOut)
	}
	errOut.Reset()
	if code := run(t, f, "login", "--profile", "x", "--mcp-url", "https://x/mcp", "--spec", "a.yaml", "--with-key"); code != 2 || !strings.Contains(errOut.String(), "give one") {
		t.Errorf("spec and URL: exit %d, %s", code, errOut)
	}
}

// browserWriter is standard error that follows the first sign-in URL
// printed to it, as a user would in a browser.
type browserWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	follow  func(string) error
	started bool
}

func (w *browserWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.started {
		for _, line := range strings.Split(w.buf.String(), "\n") {
			if u := strings.TrimSpace(line); strings.HasPrefix(u, "http") && strings.Contains(u, "/authorize?") {
				w.started = true
				w.follow(u)
			}
		}
	}
	return len(p), nil
}

func (w *browserWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestRemoteOAuthLogin(t *testing.T) {
	s := mcp.NewServer(&mcp.Implementation{Name: "oauth-remote", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "whoami"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "signed-in user"}}}, nil, nil
	})
	o := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil))
	f, out, _ := testFactory(t, nil)
	errOut := &browserWriter{follow: remotetest.Browser(t)}
	f.IO.ErrOut = errOut

	if code := run(t, f, "login", "--profile", "o", "--mcp-url", o.URL+"/mcp", "--no-browser"); code != 0 {
		t.Fatalf("login: exit %d, stderr %s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "asks for OAuth sign-in") || !strings.Contains(errOut.String(), "✓ Signed in.") {
		t.Errorf("stderr = %s", errOut)
	}
	// The tokens are where those of REST OAuth profiles are, the client
	// in the profile.
	stored, err := f.Keyring.Get(app.TokenAccount("o"))
	if err != nil || !strings.Contains(stored, "refresh-1") {
		t.Fatalf("keyring = %q, %v", stored, err)
	}
	if k, err := f.Keyring.Get("o"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("key slot = %q, %v", k, err)
	}
	store, _ := f.Profiles()
	if p, _ := store.Get("o"); p.Auth == nil || p.Auth.OAuth == nil || p.Auth.OAuth.ClientID != "client-1" || p.Auth.OAuth.TokenURL != o.URL+"/token" {
		t.Errorf("profile = %+v", p)
	}

	if code := run(t, f, "call", "whoami", "--profile", "o"); code != 0 || strings.TrimSpace(out.String()) != "signed-in user" {
		t.Errorf("call: exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	out.Reset()
	if code := run(t, f, "status", "--profile", "o"); code != 0 || !strings.Contains(out.String(), "MCP server:  "+o.URL) || !strings.Contains(out.String(), ", expires ") || !strings.Contains(out.String(), "refreshable") {
		t.Errorf("status: exit %d, stdout %s", code, out)
	}
	if strings.Contains(out.String()+errOut.String(), "access-1") {
		t.Error("the token was printed")
	}

	// An expired token is refreshed; a refused refresh names the login.
	tok, _ := oauth.Load(f.Keyring, app.TokenAccount("o"))
	tok.Expiry = time.Now().Add(-time.Minute)
	oauth.Save(f.Keyring, app.TokenAccount("o"), tok)
	out.Reset()
	if code := run(t, f, "call", "whoami", "--profile", "o"); code != 0 || o.Refreshes() != 1 {
		t.Errorf("call with an expired token: exit %d, %d refreshes, stderr %s", code, o.Refreshes(), errOut)
	}
	tok.RefreshToken = "refresh-spent"
	oauth.Save(f.Keyring, app.TokenAccount("o"), tok)
	if code := run(t, f, "call", "whoami", "--profile", "o"); code == 0 || !strings.Contains(errOut.String(), "run `restmcp login --profile o`") {
		t.Errorf("call after a refused refresh: exit %d, stderr %s", code, errOut)
	}

	// logout removes the tokens, as for REST OAuth profiles.
	if code := run(t, f, "logout", "--profile", "o"); code != 0 || !strings.Contains(errOut.String(), "Revoked the token at the provider") ||
		!strings.Contains(errOut.String(), "Removed the OAuth token") || !o.Revoked(tok.RefreshToken) {
		t.Errorf("logout: exit %d, stderr %s", code, errOut)
	}
	if _, err := f.Keyring.Get(app.TokenAccount("o")); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("token after logout: %v", err)
	}
}

func TestToolFlagNeedsRemoteProfile(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--tool", "x"); code != 2 || !strings.Contains(errOut.String(), "use --operation") {
		t.Errorf("exit %d, %s", code, errOut)
	}
}

// A key in the query string of a remote server's URL is never shown: not
// by status (as text or JSON), nor in the errors of serve, login or tools.
func TestRemoteURLQueryNeverShown(t *testing.T) {
	const secret = "qs-0123456789abcdef"
	ts := newRemoteMCP(t)
	bare := ts.URL + "/mcp"
	f, out, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(remoteKey + "\n")
	if code := run(t, f, "login", "--profile", "acme", "--mcp-url", bare+"?token="+secret, "--auth-header", "X-Api-Key", "--auth-scheme", "Token", "--with-key"); code != 0 {
		t.Fatalf("login: exit %d, stderr %s", code, errOut)
	}
	if code := run(t, f, "status", "--profile", "acme"); code != 0 {
		t.Errorf("status: exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{"MCP server:  " + bare + "\n", "takes the key (" + bare + " answered initialize and tools/list: acme-remote 2.0)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if code := run(t, f, "status", "--profile", "acme", "--json"); code != 0 || !strings.Contains(out.String(), `"mcp_url": "`+bare+`"`) {
		t.Errorf("status --json: exit %d, stdout %s", code, out)
	}
	if code := run(t, f, "serve", "--profile", "acme", "--http", "127.0.0.1:0"); code != 2 || !strings.Contains(errOut.String(), "directly at "+bare+"\n") {
		t.Errorf("serve --http: exit %d, stderr %s", code, errOut)
	}

	down := "http://127.0.0.1:1/mcp"
	if code := run(t, f, "login", "--profile", "down", "--mcp-url", down+"?token="+secret, "--oauth", "--no-browser"); code == 0 || !strings.Contains(errOut.String(), "asking "+down+" how to sign in") {
		t.Errorf("login --oauth to a server down: exit %d, stderr %s", code, errOut)
	}

	// A server whose tools cannot be listed.
	s := mcp.NewServer(&mcp.Implementation{Name: "no-list", Version: "1"}, nil)
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	noList := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if json.Unmarshal(body, &m) == nil && m.Method == "tools/list" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"error":{"code":-32603,"message":"no list today"}}`, m.ID)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(noList.Close)
	f.IO.In = strings.NewReader("any-key\n")
	if code := run(t, f, "login", "--profile", "nolist", "--mcp-url", noList.URL+"/mcp?token="+secret, "--with-key", "--no-check"); code != 0 {
		t.Fatalf("login: exit %d, stderr %s", code, errOut)
	}
	if code := run(t, f, "tools", "--profile", "nolist"); code == 0 || !strings.Contains(errOut.String(), "listing the tools of "+noList.URL+"/mcp:") {
		t.Errorf("tools: exit %d, stderr %s", code, errOut)
	}

	if strings.Contains(out.String()+errOut.String(), secret) {
		t.Errorf("the key in the URL was shown:\n%s\n%s", out, errOut)
	}
}

// TestRemoteLoginWithClientID checks that --client-id signs in with OAuth
// at a server whose only metadata is its authorization server's, with no
// registration endpoint (a pre-registered client is what it needs), where
// a login without it asks for a key.
func TestRemoteLoginWithClientID(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/oauth-authorization-server":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":%q,"token_endpoint":%q,"response_types_supported":["code"],"code_challenge_methods_supported":["S256"]}`,
				srv.URL, srv.URL+"/authorize", srv.URL+"/token")
		case "/authorize":
			q := r.URL.Query()
			http.Redirect(w, r, q.Get("redirect_uri")+"?code=c1&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
		case "/token":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"at-1","refresh_token":"rt-1","token_type":"Bearer","expires_in":3600}`)
		default:
			w.Header().Set("WWW-Authenticate", `Bearer realm="mcp"`)
			http.Error(w, "sign in", http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	f, _, _ := testFactory(t, nil)
	errOut := &browserWriter{follow: remotetest.Browser(t)}
	f.IO.ErrOut = errOut
	if code := run(t, f, "login", "--profile", "k", "--mcp-url", srv.URL+"/mcp", "--no-browser"); code == 0 || strings.Contains(errOut.String(), "OAuth") {
		t.Errorf("without --client-id: exit %d, stderr %s", code, errOut)
	}
	if code := run(t, f, "login", "--profile", "o", "--mcp-url", srv.URL+"/mcp", "--client-id", "my-client", "--no-browser"); code != 0 ||
		!strings.Contains(errOut.String(), "asks for OAuth sign-in") {
		t.Errorf("with --client-id: exit %d, stderr %s", code, errOut)
	}
}

// slowRemote is a factory whose profile "slow" is a remote MCP server
// with a tool "slow" that answers only after a minute, or once cancelled
// (it sends on cancelled then): a call a timeout did not end takes that
// minute, or the 30s of a default time limit.
func slowRemote(t *testing.T, cancelled chan<- struct{}) (*Factory, *bytes.Buffer) {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: "slow-remote", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "slow"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		select {
		case <-ctx.Done():
			select {
			case cancelled <- struct{}{}:
			default:
			}
		case <-time.After(time.Minute):
		}
		return &mcp.CallToolResult{}, nil, nil
	})
	ts := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil))
	t.Cleanup(ts.Close)
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader("any-key\n")
	if code := run(t, f, "login", "--profile", "slow", "--mcp-url", ts.URL, "--with-key"); code != 0 {
		t.Fatalf("login: exit %d, stderr %s", code, errOut)
	}
	return f, errOut
}

// --timeout bounds a call of a remote tool. The call ends after the
// timeout and the end of the session, which follows the cancellation (told
// again half a second later, in case the server read it before the call
// itself, as they go on two requests), within the DELETE's wait (5s) at
// worst. Without the timeout the call takes the tool's minute.
func TestRemoteCallTimeout(t *testing.T) {
	f, errOut := slowRemote(t, nil)
	start := time.Now()
	code := run(t, f, "call", "slow", "--profile", "slow", "--timeout", "300ms")
	if took := time.Since(start); code == 0 || took > 15*time.Second || !strings.Contains(errOut.String(), "did not answer slow within 300ms (--timeout)") {
		t.Errorf("call --timeout 300ms: exit %d after %v, stderr %s", code, took, errOut)
	}
}

// login to a URL that redirects to another origin, which refuses the
// request sent there without the key, names that origin rather than
// blaming the key.
func TestRemoteLoginRedirectedElsewhere(t *testing.T) {
	other := newRemoteMCP(t)
	ts := httptest.NewServer(http.RedirectHandler(other.URL+"/mcp", http.StatusTemporaryRedirect))
	t.Cleanup(ts.Close)
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(remoteKey + "\n")
	code := run(t, f, "login", "--profile", "acme", "--mcp-url", ts.URL, "--auth-header", "X-Api-Key", "--auth-scheme", "Token", "--with-key")
	if want := "log in with --mcp-url " + other.URL + "/mcp"; code != 1 || !strings.Contains(errOut.String(), want) || strings.Contains(errOut.String(), "Check the key") {
		t.Errorf("login: exit %d, stderr %s; want %q", code, errOut, want)
	}
}

// Over HTTP+SSE, a message endpoint (named by the server's endpoint event)
// that redirects to another origin is not a URL to log in with: login
// says whose it is to fix.
func TestRemoteLoginSSEEndpointRedirectedElsewhere(t *testing.T) {
	other := newRemoteMCP(t)
	ts := remotetest.SSEEndpointRedirect(t, http.StatusTemporaryRedirect, other.URL+"/mcp")
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(remoteKey + "\n")
	code := run(t, f, "login", "--profile", "acme", "--mcp-url", ts.URL+"/sse", "--auth-header", "X-Api-Key", "--auth-scheme", "Token", "--with-key")
	want := "the MCP server's message endpoint (named by its event stream) redirected to " + other.URL + "/mcp, another origin"
	if code != 1 || !strings.Contains(errOut.String(), want) || !strings.Contains(errOut.String(), "Report it to the server's maintainers") ||
		strings.Contains(errOut.String(), "--mcp-url "+other.URL) {
		t.Errorf("login: exit %d, stderr %s; want %q", code, errOut, want)
	}
}

// serve --timeout bounds the wait for each remote tool call's answer: the
// editor gets a tool error naming it, and the call is cancelled at the
// server. Without --timeout, serve sets no bound (a remote tool may take
// long; the REST default of 30s does not apply).
func TestRemoteServeTimeout(t *testing.T) {
	cancelled := make(chan struct{}, 1)
	f, errOut := slowRemote(t, cancelled)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	f.IO.In, f.IO.Out = inR, outW
	served := make(chan int, 1)
	go func() {
		served <- run(t, f, "serve", "--profile", "slow", "--timeout", "300ms")
		outW.Close()
	}()
	lines := json.NewDecoder(outR)
	answer := func(id int) json.RawMessage {
		t.Helper()
		for {
			var m struct {
				ID     int             `json:"id"`
				Result json.RawMessage `json:"result"`
			}
			if err := lines.Decode(&m); err != nil {
				t.Fatalf("reading serve's output: %v (stderr %s)", err, errOut)
			}
			if m.ID == id {
				return m.Result
			}
		}
	}
	for _, line := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"slow","arguments":{}}}`,
	} {
		if _, err := io.WriteString(inW, line+"\n"); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(line, `"id":1`) {
			answer(1)
		}
	}
	start := time.Now()
	res := answer(2)
	if took := time.Since(start); took > 15*time.Second || !strings.Contains(string(res), `"isError":true`) || !strings.Contains(string(res), "within 300ms (--timeout)") {
		t.Errorf("tools/call answered after %v with %s, want a tool error naming --timeout", took, res)
	}
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Error("the call was not cancelled at the server")
	}
	inW.Close()
	if code := <-served; code != 0 {
		t.Errorf("serve: exit %d, stderr %s", code, errOut)
	}
}

// --auth-format shapes the key sent to a remote MCP server as it does for
// a REST API: login checks it so, and the calls send it so.
func TestRemoteAuthFormat(t *testing.T) {
	ts := newRemoteMCP(t)
	f, out, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(remoteKey + "\n")
	if code := run(t, f, "login", "--profile", "acme", "--mcp-url", ts.URL+"/mcp", "--auth-header", "X-Api-Key", "--auth-format", "Token {key}", "--with-key"); code != 0 {
		t.Fatalf("login with --auth-format: exit %d, stderr %s", code, errOut)
	}
	out.Reset()
	if code := run(t, f, "call", "greet", "--profile", "acme", "--arg", "name=Ada"); code != 0 || strings.TrimSpace(out.String()) != "hello Ada" {
		t.Errorf("call: exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	errOut.Reset()
	f.IO.In = strings.NewReader("wrong-key\n")
	if code := run(t, f, "login", "--profile", "acme2", "--mcp-url", ts.URL+"/mcp", "--auth-header", "X-Api-Key", "--auth-format", "Token {key}", "--with-key"); code != 1 || !strings.Contains(errOut.String(), `(now "X-Api-Key: Token <key>")`) {
		t.Errorf("login with a wrong key: exit %d, stderr %s", code, errOut)
	}
}

// --scopes asks a remote server's OAuth sign-in for those scopes (what a
// server that answers insufficient_scope asks for), saved in the profile;
// signing in again without it asks for them again. With --with-key it is
// refused.
func TestRemoteOAuthLoginScopes(t *testing.T) {
	s := mcp.NewServer(&mcp.Implementation{Name: "oauth-remote", Version: "1"}, nil)
	o := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil))
	f, _, _ := testFactory(t, nil)
	errOut := &browserWriter{follow: remotetest.Browser(t)}
	f.IO.ErrOut = errOut

	if code := run(t, f, "login", "--profile", "o", "--mcp-url", o.URL+"/mcp", "--no-browser", "--scopes", "files:read,files:write"); code != 0 {
		t.Fatalf("login --scopes: exit %d, stderr %s", code, errOut)
	}
	store, _ := f.Profiles()
	// Saved as granted, in whatever order the sign-in gives them.
	if p, _ := store.Get("o"); p.Auth == nil || p.Auth.OAuth == nil || strings.Join(slices.Sorted(slices.Values(p.Auth.OAuth.Scopes)), " ") != "files:read files:write" {
		t.Errorf("profile = %+v, want the scopes saved", p.Auth)
	}
	f.IO.ErrOut = &browserWriter{follow: remotetest.Browser(t)}
	if code := run(t, f, "login", "--profile", "o", "--no-browser"); code != 0 {
		t.Fatalf("login again: exit %d, stderr %s", code, f.IO.ErrOut)
	}
	got := o.AuthorizeScopes()
	for i := range got {
		scopes := strings.Fields(got[i])
		slices.Sort(scopes)
		got[i] = strings.Join(scopes, " ")
	}
	if len(got) != 2 || got[0] != "files:read files:write" || got[1] != "files:read files:write" {
		t.Errorf("scopes asked for = %q, want those of --scopes, twice", got)
	}
	f.IO.ErrOut = errOut
	if code := run(t, f, "login", "--profile", "o", "--with-key", "--scopes", "x"); code != 2 || !strings.Contains(errOut.String(), "--scopes is for an OAuth sign-in") {
		t.Errorf("--with-key --scopes: exit %d, stderr %s", code, errOut)
	}
}
