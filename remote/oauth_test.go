package remote

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/remote/remotetest"
)

// signIn runs the MCP authorization flow against o.
func signIn(t *testing.T, o *remotetest.OAuthServer) (oauth.Config, *oauth.Token) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, resp, wants, err := NeedsOAuth(ctx, o.URL+"/mcp", nil)
	if err != nil || !wants {
		t.Fatalf("NeedsOAuth = %v, %v", wants, err)
	}
	cfg, tok, err := SignIn(ctx, req, resp, OAuthOptions{ClientName: "restmcp", Show: remotetest.Browser(t)})
	if err != nil {
		t.Fatal(err)
	}
	return cfg, tok
}

func TestOAuthSignInAndRefresh(t *testing.T) {
	srv := newTestServer()
	o := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	cfg, tok := signIn(t, o)
	if cfg.ClientID != "client-1" || cfg.TokenURL != o.URL+"/token" || cfg.AuthURL != o.URL+"/authorize" || cfg.RevocationURL != o.URL+"/revoke" || cfg.ClientSecret != "" {
		t.Errorf("config = %+v", cfg)
	}
	if tok.AccessToken != "access-1" || tok.RefreshToken != "refresh-1" || tok.Grant != oauth.GrantAuthorizationCode || tok.Expiry.IsZero() {
		t.Errorf("token = %#v", tok)
	}
	if o.Verifier() == "" {
		t.Error("the token request carried no PKCE verifier")
	}

	// An expired token is refreshed, the new one stored and sent.
	store := &memStore{m: map[string]string{}}
	tok.Expiry = time.Now().Add(-time.Minute)
	if err := oauth.Save(store, "acme/oauth-token", tok); err != nil {
		t.Fatal(err)
	}
	ts := oauth.NewTokenSource(cfg, store, "acme/oauth-token", t.TempDir())
	cs := connectTest(t, Config{URL: o.URL + "/mcp", HTTPClient: tokenClient(o.URL, ts)}, nil)
	if text, isErr := callText(t, cs, "echo", map[string]any{"text": "signed in"}); isErr || text != "echo: signed in" {
		t.Errorf("echo = %q (error %v)", text, isErr)
	}
	saved, err := oauth.Load(store, "acme/oauth-token")
	if n := o.Refreshes(); n != 1 || err != nil || saved.AccessToken != "access-2" || saved.RefreshToken != "refresh-2" {
		t.Errorf("refreshes = %d, stored %#v, %v", n, saved, err)
	}

	// A token the server refuses before it expires is refreshed once.
	if err := oauth.Save(store, "acme/oauth-token", &oauth.Token{AccessToken: "access-1", RefreshToken: "refresh-2", Expiry: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	o.Revoke("access-1")
	ts2 := oauth.NewTokenSource(cfg, store, "acme/oauth-token", t.TempDir())
	cs2 := connectTest(t, Config{URL: o.URL + "/mcp", HTTPClient: tokenClient(o.URL, ts2)}, nil)
	if text, isErr := callText(t, cs2, "echo", map[string]any{"text": "renewed"}); isErr || text != "echo: renewed" {
		t.Errorf("echo after the token was refused = %q (error %v)", text, isErr)
	}
	if n := o.Refreshes(); n != 2 {
		t.Errorf("refreshes = %d, want 2", n)
	}
	// Every token request names the MCP server it is for (RFC 8707), the
	// refreshes too.
	want := "resource=" + o.URL + "/mcp"
	if cfg.Resource != o.URL+"/mcp" {
		t.Errorf("resource = %q, want %q", cfg.Resource, o.URL+"/mcp")
	}
	reqs := o.TokenRequests()
	if len(reqs) != 3 {
		t.Errorf("token requests %q, want the code exchange and two refreshes", reqs)
	}
	for _, r := range reqs {
		if !strings.HasSuffix(r, want) {
			t.Errorf("token request %q lacks %s", r, want)
		}
	}
}

// Two sessions (two editors) on the same store and lock directory whose
// token has expired refresh it once: the second uses the token the first
// stored rather than spending the rotated refresh token again.
func TestOAuthRefreshOnceAcrossSessions(t *testing.T) {
	srv := newTestServer()
	o := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	cfg, tok := signIn(t, o)
	store := &memStore{m: map[string]string{}}
	tok.Expiry = time.Now().Add(-time.Minute)
	if err := oauth.Save(store, "acme/oauth-token", tok); err != nil {
		t.Fatal(err)
	}
	o.SlowRefresh(200 * time.Millisecond)
	locks := t.TempDir()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each its own token source, as in separate processes.
			ts := oauth.NewTokenSource(cfg, store, "acme/oauth-token", locks)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cs, err := Connect(ctx, Config{URL: o.URL + "/mcp", HTTPClient: tokenClient(o.URL, ts)}, mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil))
			if err != nil {
				t.Errorf("session %d: connect: %v", i, err)
				return
			}
			defer cs.Close()
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "x"}})
			if err != nil || res.IsError {
				t.Errorf("session %d: echo = %+v, %v", i, res, err)
			}
		}()
	}
	wg.Wait()
	if n := o.Refreshes(); n != 1 {
		t.Errorf("refreshes = %d, want 1", n)
	}
}

// memStore is an in-memory oauth.Store.
type memStore struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *memStore) Get(a string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[a]
	if !ok {
		return "", errNotFound
	}
	return v, nil
}

func (s *memStore) Set(a, v string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[a] = v
	return nil
}

func (s *memStore) Delete(a string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, a)
	return nil
}

var errNotFound = errors.New("not found")

// tokenClient sends ts's token to origin through the credential transport
// serve uses, renewing it once when refused.
func tokenClient(origin string, ts *oauth.TokenSource) *http.Client {
	u, _ := url.Parse(origin)
	return client.NewHTTPClient(&client.Transport{Origin: client.Origin(u), Credential: client.BearerToken{Tokens: tokens{ts}}}, 0)
}

// tokens is a client.TokenSource of an oauth.TokenSource.
type tokens struct{ ts *oauth.TokenSource }

func (t tokens) AccessToken(ctx context.Context) (string, error) {
	tok, err := t.ts.Token(ctx)
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

func (t tokens) Invalidate(s string) bool { return t.ts.Invalidate(s) }

// TestOAuthSignInWithoutResourceMetadata checks a server whose 401 names no
// resource_metadata (the 2025-03-26 protocol's bare "Bearer"): its
// metadata is found at the well-known URLs, the sign-in runs, and the
// resource and revocation endpoint are those it found. A challenge of
// another scheme is no OAuth.
func TestOAuthSignInWithoutResourceMetadata(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	o := remotetest.NewOAuthServerChallenge(t, h, `Bearer realm="mcp"`)
	cfg, tok := signIn(t, o)
	if cfg.ClientID != "client-1" || cfg.RevocationURL != o.URL+"/revoke" || cfg.Resource != o.URL+"/mcp" || tok.AccessToken != "access-1" {
		t.Errorf("config = %+v, token %q", cfg, tok.AccessToken)
	}
	basic := remotetest.NewOAuthServerChallenge(t, h, `Basic realm="mcp"`)
	if _, _, wants, err := NeedsOAuth(context.Background(), basic.URL+"/mcp", nil); wants || err != nil {
		t.Errorf("a Basic challenge: wants OAuth %v (%v)", wants, err)
	}
	// A server that takes keys, with an authorization server's metadata
	// at its root but no protected-resource metadata and nowhere to
	// register: a key, not a sign-in.
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/oauth-authorization-server" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"issuer":"`+"http://"+r.Host+`","authorization_endpoint":"http://`+r.Host+`/authorize","token_endpoint":"http://`+r.Host+`/token","response_types_supported":["code"]}`)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
		http.Error(w, "key", http.StatusUnauthorized)
	}))
	defer keys.Close()
	if _, _, wants, err := NeedsOAuth(context.Background(), keys.URL+"/mcp", nil); wants || err != nil {
		t.Errorf("a key server with bare authorization metadata: wants OAuth %v (%v)", wants, err)
	}
}

// A redirect with another state, or a code without one, is refused (400)
// and ignored; the provider's error, with its description, ends the
// sign-in, also without a state.
func TestOAuthSignInRedirects(t *testing.T) {
	o := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return newTestServer() }, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, resp, _, err := NeedsOAuth(ctx, o.URL+"/mcp", nil)
	if err != nil {
		t.Fatal(err)
	}
	show := func(authURL string) error {
		u, err := url.Parse(authURL)
		if err != nil {
			return err
		}
		redirect := u.Query().Get("redirect_uri")
		go func() {
			for _, q := range []string{"?code=forged&state=not-ours", "?code=forged", "?error=access_denied&state=not-ours"} {
				r, err := http.Get(redirect + q)
				if err != nil {
					t.Errorf("callback %s: %v", q, err)
					continue
				}
				r.Body.Close()
				if r.StatusCode != http.StatusBadRequest {
					t.Errorf("callback %s answered %d, want 400", q, r.StatusCode)
				}
			}
			// Without a state, as some providers send it: it ends the
			// sign-in all the same.
			r, err := http.Get(redirect + "?error=access_denied&error_description=The+user+said+no")
			if err == nil {
				r.Body.Close()
			}
		}()
		return nil
	}
	_, _, err = SignIn(ctx, req, resp, OAuthOptions{ClientName: "restmcp", Show: show})
	var ae *oauth.AuthorizationError
	if !errors.As(err, &ae) || ae.Code != "access_denied" || ae.Description != "The user said no" {
		t.Fatalf("err = %v, want the provider's access_denied with its description", err)
	}
}

// redirectToken answers the POSTs to host's /token with a 307 to to, and
// sends every other request on.
type redirectToken struct {
	host, to string
}

func (r redirectToken) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && req.URL.Host == r.host && req.URL.Path == "/token" {
		if req.Body != nil {
			req.Body.Close()
		}
		return &http.Response{StatusCode: http.StatusTemporaryRedirect, Header: http.Header{"Location": {r.to}}, Body: http.NoBody, Request: req}, nil
	}
	return http.DefaultTransport.RoundTrip(req)
}

// The code exchange of the MCP sign-in does not follow a redirect: the code
// and its PKCE verifier would go on to another origin.
func TestOAuthSignInDoesNotFollowTokenRedirects(t *testing.T) {
	var mu sync.Mutex
	var got []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"from-elsewhere","token_type":"bearer"}`)
	}))
	defer other.Close()
	o := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return newTestServer() }, nil))
	u, _ := url.Parse(o.URL)
	hc := &http.Client{Transport: redirectToken{host: u.Host, to: other.URL + "/token"}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, resp, _, err := NeedsOAuth(ctx, o.URL+"/mcp", hc)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = SignIn(ctx, req, resp, OAuthOptions{HTTPClient: hc, ClientName: "restmcp", Show: remotetest.Browser(t)})
	mu.Lock()
	defer mu.Unlock()
	if len(got) > 0 {
		t.Fatalf("the code exchange went on to %s: %q", other.URL, got)
	}
	var re *oauth.RedirectedError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "redirected to "+other.URL+"/token") {
		t.Fatalf("err = %v, want the token endpoint's redirect to %s", err, other.URL)
	}
}
