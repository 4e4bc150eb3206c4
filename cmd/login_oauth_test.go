package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/oauth/oauthtest"
	"github.com/restmcp/restmcp/profile"
	"github.com/restmcp/restmcp/remote/remotetest"
)

// signInWriter collects stderr and does what a user would with the first
// sign-in it shows: follows the browser's URL, or approves the device
// code at its verification URL.
type signInWriter struct {
	mu       sync.Mutex
	buf      bytes.Buffer
	followed bool
	t        *testing.T
}

var signInURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+/(authorize\?|device/verify\?user_code=)\S+`)

func (w *signInWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if u := signInURL.FindString(w.buf.String()); u != "" && !w.followed {
		w.followed = true
		go func() {
			resp, err := http.Get(u)
			if err != nil {
				w.t.Errorf("following the sign-in URL: %v", err)
				return
			}
			resp.Body.Close()
		}()
	}
	return len(p), nil
}

func (w *signInWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func oauthSpec(t *testing.T, s *oauthtest.Server) string {
	t.Helper()
	return writeOAuthSpec(t, s, "oidc", `{type: openIdConnect, openIdConnectUrl: "`+s.DiscoveryURL()+`"}`)
}

// writeOAuthSpec writes a description of s's API (GET /me, operation me)
// whose one security scheme, name, is declared as decl (YAML flow
// style), and returns its path.
func writeOAuthSpec(t *testing.T, s *oauthtest.Server, name, decl string) string {
	t.Helper()
	spec := `openapi: 3.0.3
info: {title: OAuth test API, version: "1"}
servers: [{url: "` + s.URL + `/api"}]
security: [{` + name + `: [read]}]
components:
  securitySchemes:
    ` + name + `: ` + decl + `
paths:
  /me:
    get:
      operationId: me
      responses: {"200": {description: ok}}
`
	f := filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(f, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// oauthLogin starts a local authorization server (closed with the test)
// and a command factory whose stderr follows the first sign-in URL.
func oauthLogin(t *testing.T) (*oauthtest.Server, *Factory, *bytes.Buffer, *signInWriter) {
	t.Helper()
	return oauthLoginWith(t, oauthtest.Options{})
}

// oauthLoginWith is oauthLogin with a server started with o.
func oauthLoginWith(t *testing.T, o oauthtest.Options) (*oauthtest.Server, *Factory, *bytes.Buffer, *signInWriter) {
	t.Helper()
	s, err := oauthtest.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	f, out, _ := testFactory(t, nil)
	w := &signInWriter{t: t}
	f.IO.ErrOut = w
	return s, f, out, w
}

// Sign in through the printed URL, call, survive an access token the API
// stops accepting (refresh once, retry), then a revoked refresh token
// makes the call fail naming login; logout revokes and removes.
func TestLoginOAuthOpenIDConnect(t *testing.T) {
	s, f, out, w := oauthLogin(t)
	spec := oauthSpec(t, s)

	if code := run(t, f, "login", "-p", "o", "--spec", spec, "--no-browser"); code == 0 || !strings.Contains(w.String(), "--client-id") {
		t.Fatalf("login without a client ID: exit %d: %s", code, w)
	}
	if code := run(t, f, "login", "-p", "o", "--spec", spec, "--no-browser", "--client-id", "restmcp-test"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, w)
	}
	p, err := profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}.Get("o")
	if err != nil || p.Auth == nil || p.Auth.OAuth == nil || p.Auth.OAuth.ClientID != "restmcp-test" || strings.Join(p.Auth.OAuth.Scopes, " ") != "read" {
		t.Fatalf("profile %+v (%v)", p.Auth, err)
	}
	if code := run(t, f, "call", "me", "-p", "o"); code != 0 || !strings.Contains(out.String(), "test-user") {
		t.Fatalf("call: exit %d: %s %s", code, out, w)
	}
	s.ExpireAccessTokens()
	if code := run(t, f, "call", "me", "-p", "o"); code != 0 {
		t.Fatalf("call after expiry: exit %d: %s", code, w)
	}
	if st := s.Stats(); st.APIRefusals != 1 {
		t.Errorf("stats %+v, want one refusal then a retry", st)
	}
	out.Reset()
	if code := run(t, f, "status", "-p", "o", "--offline"); code != 0 || !strings.Contains(out.String(), "scheme oidc") || !strings.Contains(out.String(), "scopes read") {
		t.Errorf("status: exit %d: %s", code, out)
	}
	s.RevokeAll()
	s.ExpireAccessTokens()
	if code := run(t, f, "call", "me", "-p", "o"); code == 0 || !strings.Contains(w.String(), "restmcp login --profile o") {
		t.Errorf("call with a revoked refresh token: exit %d: %s", code, w)
	}
	if code := run(t, f, "logout", "-p", "o"); code != 0 || !strings.Contains(w.String(), "Removed the OAuth token") || strings.Contains(w.String(), "nothing to remove") {
		t.Errorf("logout: exit %d: %s", code, w)
	}
	all := out.String() + w.String()
	cfg, _ := os.ReadFile(profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}.Path())
	for _, secret := range []string{"at_", "rt_", "access_token", "refresh_token"} {
		if strings.Contains(all, secret) || strings.Contains(string(cfg), secret) {
			t.Errorf("%q appears in the output or the profile", secret)
		}
	}
}

// A vendor build's registered client ID and scopes sign in without
// --client-id; the flags still win.
func TestLoginOAuthVendorClient(t *testing.T) {
	s, f, _, w := oauthLogin(t)
	f.Brand.SignIn = SignIn{OAuthClientID: "restmcp-test", OAuthScopes: []string{"read", "profile"}}
	spec := oauthSpec(t, s)
	if code := run(t, f, "login", "-p", "v", "--spec", spec, "--no-browser"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, w)
	}
	p, err := profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}.Get("v")
	if err != nil || p.Auth == nil || p.Auth.OAuth == nil || p.Auth.OAuth.ClientID != "restmcp-test" || strings.Join(p.Auth.OAuth.Scopes, " ") != "read profile" {
		t.Fatalf("profile %+v (%v), want the build's client and scopes", p.Auth, err)
	}
	w2 := &signInWriter{t: t}
	f.IO.ErrOut = w2
	if code := run(t, f, "login", "-p", "v", "--spec", spec, "--no-browser", "--scopes", "read"); code != 0 {
		t.Fatalf("login --scopes: exit %d: %s", code, w2)
	}
	if p, _ = (profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}).Get("v"); strings.Join(p.Auth.OAuth.Scopes, " ") != "read" {
		t.Errorf("scopes %v, want --scopes to win", p.Auth.OAuth.Scopes)
	}
}

// Switching a profile between a key and OAuth leaves no secret of the
// other behind: a sign-in removes the stored key (keyring and plain-text
// copy), a key removes the tokens and the client secret.
func TestLoginSwitchingKindForgetsTheOther(t *testing.T) {
	s, f, _, w := oauthLogin(t)
	f.IO.In = strings.NewReader("first-key\n")
	if code := run(t, f, "login", "-p", "o", "--spec", "testdata/notes.yaml", "--base-url", "http://127.0.0.1:9",
		"--no-check", "--with-key"); code != 0 {
		t.Fatalf("key login: exit %d: %s", code, w)
	}
	if k, err := f.Keyring.Get("o"); err != nil || k != "first-key" {
		t.Fatalf("key = %q (%v)", k, err)
	}
	f.IO.In = strings.NewReader("plain-key\n")
	if code := run(t, f, "login", "-p", "o", "--no-check", "--with-key", "--insecure-storage"); code != 0 {
		t.Fatalf("plain-text key login: exit %d: %s", code, w)
	}

	if code := run(t, f, "login", "-p", "o", "--spec", oauthSpec(t, s), "--base-url", "", "--no-browser", "--client-id", "restmcp-test"); code != 0 {
		t.Fatalf("OAuth login: exit %d: %s", code, w)
	}
	if _, err := f.Keyring.Get("o"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the earlier key is still in the keyring (%v)", err)
	}
	keys, err := f.App().InsecureKeys()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Get("o"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the earlier plain-text key is still in %s (%v)", keys.Path, err)
	}
	if _, err := f.App().Tokens().Get(app.TokenAccount("o")); err != nil {
		t.Fatalf("no tokens after the sign-in: %v", err)
	}
	if !strings.Contains(w.String(), "Removed the key of the earlier login") {
		t.Errorf("the sign-in did not say it removed the key:\n%s", w)
	}

	f.IO.In = strings.NewReader("second-key\n")
	if code := run(t, f, "login", "-p", "o", "--spec", "testdata/notes.yaml", "--base-url", "http://127.0.0.1:9",
		"--no-check", "--with-key"); code != 0 {
		t.Fatalf("key login after OAuth: exit %d: %s", code, w)
	}
	if _, err := f.App().Tokens().Get(app.TokenAccount("o")); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the OAuth tokens are still in the keyring (%v)", err)
	}
	if k, err := f.Keyring.Get("o"); err != nil || k != "second-key" {
		t.Errorf("key = %q (%v)", k, err)
	}
	if !strings.Contains(w.String(), "Removed the OAuth tokens of the earlier sign-in") {
		t.Errorf("the key login did not say it removed the tokens:\n%s", w)
	}
}

// A stored token that cannot be read (not JSON, or split into parts with
// one missing) is still removed by logout, with the client secret, and
// said not to be revoked: with --all nothing else would ever remove it.
func TestLogoutRemovesAnUnreadableToken(t *testing.T) {
	for name, damage := range map[string]func(f *Factory) error{
		"not JSON":     func(f *Factory) error { return f.App().Tokens().Set(app.TokenAccount("o"), "{not json") },
		"part missing": func(f *Factory) error { return f.Keyring.Set(app.TokenAccount("o"), "\x00restmcp-parts:3") },
	} {
		t.Run(name, func(t *testing.T) {
			s, f, _, w := oauthLogin(t)
			spec := oauthSpec(t, s)
			if code := run(t, f, "login", "-p", "o", "--spec", spec, "--no-browser", "--client-id", "restmcp-test"); code != 0 {
				t.Fatalf("login: exit %d: %s", code, w)
			}
			if err := damage(f); err != nil {
				t.Fatal(err)
			}
			if err := f.Keyring.Set(app.ClientSecretAccount("o"), "cs-0123456789"); err != nil {
				t.Fatal(err)
			}
			if code := run(t, f, "logout", "-p", "o", "--all"); code != 0 || !strings.Contains(w.String(), "not readable, so it was not revoked") {
				t.Fatalf("logout: exit %d: %s", code, w)
			}
			if _, err := f.Keyring.Get(app.TokenAccount("o")); !errors.Is(err, keyring.ErrNotFound) {
				t.Errorf("the token is still stored (%v)", err)
			}
			if _, err := f.Keyring.Get(app.ClientSecretAccount("o")); !errors.Is(err, keyring.ErrNotFound) {
				t.Errorf("the client secret is still stored (%v)", err)
			}
		})
	}
}

// A stored token that cannot be read (not JSON, or split into parts with
// one missing) is said to be so, with the login that replaces it, by
// status (its key_source "damaged", not "unavailable": the keyring
// answered), call and a tool call over serve; a keyring out of reach is
// still "unavailable".
func TestDamagedOAuthTokenIsSaidSo(t *testing.T) {
	const want = "the stored sign-in of profile \"o\" cannot be read (its keyring entry is damaged): run `restmcp login --profile o` to sign in again"
	serveCall := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"me","arguments":{}}}
`
	for name, damage := range map[string]func(f *Factory) error{
		"not JSON":     func(f *Factory) error { return f.App().Tokens().Set(app.TokenAccount("o"), "{not json") },
		"part missing": func(f *Factory) error { return f.Keyring.Set(app.TokenAccount("o"), "\x00restmcp-parts:3") },
	} {
		t.Run(name, func(t *testing.T) {
			s, f, out, w := oauthLogin(t)
			if code := run(t, f, "login", "-p", "o", "--spec", oauthSpec(t, s), "--no-browser", "--client-id", "restmcp-test"); code != 0 {
				t.Fatalf("login: exit %d: %s", code, w)
			}
			if err := damage(f); err != nil {
				t.Fatal(err)
			}
			if code, msg := runErr(t, f, "call", "me", "-p", "o"); code == 0 || !strings.Contains(msg, want) || strings.Contains(msg, "not signed in") {
				t.Errorf("call: exit %d: %s", code, msg)
			}
			out.Reset()
			if code, msg := runErr(t, f, "status", "-p", "o"); code == 0 || !strings.Contains(out.String(), "Token:       "+want) {
				t.Errorf("status: exit %d: %s%s", code, out, msg)
			}
			out.Reset()
			var st []map[string]any
			if code, msg := runErr(t, f, "status", "-p", "o", "--json"); code == 0 || json.Unmarshal(out.Bytes(), &st) != nil || len(st) != 1 ||
				st[0]["key_source"] != app.KeyDamaged || st[0]["key_error"] != want {
				t.Errorf("status --json: exit %d: %s%s", code, out, msg)
			}
			out.Reset()
			f.IO.In = strings.NewReader(serveCall)
			if code, msg := runErr(t, f, "serve", "-p", "o"); code != 0 || !strings.Contains(out.String(), `"isError":true`) || !strings.Contains(out.String(), "cannot be read (its keyring entry is damaged)") {
				t.Errorf("serve: exit %d: %s%s", code, out, msg)
			}
		})
	}
	// A keyring out of reach is not a damaged entry.
	_, f, out, _ := oauthLogin(t)
	if err := f.App().Tokens().Set(app.TokenAccount("o"), "{not json"); err != nil {
		t.Fatal(err)
	}
	store := profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}
	if err := store.Save(profile.Profile{Name: "o", Spec: "https://api.example.com/openapi.json", Auth: &profile.Auth{Kind: profile.AuthOAuth2, Scheme: "oidc", OAuth: &profile.OAuth{ClientID: "c"}}}); err != nil {
		t.Fatal(err)
	}
	f.Keyring.Backend = unavailableBackend{}
	var st []map[string]any
	if code, msg := runErr(t, f, "status", "-p", "o", "--json", "--offline"); code == 0 || json.Unmarshal(out.Bytes(), &st) != nil || len(st) != 1 || st[0]["key_source"] != app.KeyringUnavailable {
		t.Errorf("status --json without a keyring: exit %d: %s%s", code, out, msg)
	}
}

// Signing in again to the same client keeps its stored secret and sends
// it (every "sign in again" message names the plain login command);
// another client does not get it.
func TestLoginOAuthAgainKeepsTheClientSecret(t *testing.T) {
	s, f, _, w := oauthLogin(t)
	spec := oauthSpec(t, s)
	f.IO.In = strings.NewReader(s.ClientSecret() + "\n")
	if code := run(t, f, "login", "-p", "o", "--spec", spec, "--no-browser", "--client-id", "restmcp-test", "--with-key"); code != 0 {
		t.Fatalf("login --with-key: exit %d: %s", code, w)
	}
	again := func() (int, string) {
		w2 := &signInWriter{t: t}
		f.IO.ErrOut = w2
		code := run(t, f, "login", "-p", "o", "--spec", spec, "--no-browser", "--client-id", "restmcp-test")
		return code, w2.String()
	}
	// The stored secret is the one sent: a wrong one is refused.
	if err := f.Keyring.Set(app.ClientSecretAccount("o"), "cs-wrong-0123456789"); err != nil {
		t.Fatal(err)
	}
	if code, out := again(); code == 0 || !strings.Contains(out, "invalid_client") {
		t.Fatalf("login again with a wrong stored secret: exit %d: %s", code, out)
	}
	if err := f.Keyring.Set(app.ClientSecretAccount("o"), s.ClientSecret()); err != nil {
		t.Fatal(err)
	}
	if code, out := again(); code != 0 || !strings.Contains(out, "Using the client secret stored") {
		t.Fatalf("login again: exit %d: %s", code, out)
	}
	store := profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}
	p, err := store.Get("o")
	if err != nil || !p.Auth.OAuth.ClientSecret {
		t.Fatalf("signing in again dropped the client secret: %+v (%v)", p.Auth, err)
	}
	other := p
	o := *p.Auth.OAuth
	o.ClientID = "another-client"
	a := *p.Auth
	a.OAuth = &o
	other.Auth = &a
	if got, err := f.keptClientSecret(other, store); got != "" || err != nil {
		t.Errorf("another client was given the first one's secret (%v)", err)
	}
	if got, err := f.keptClientSecret(p, store); got != s.ClientSecret() || err != nil {
		t.Errorf("the same client was not given its secret (%v)", err)
	}
	// A keyring that cannot read the secret just then: the sign-in stops,
	// rather than go on as a public client and remove the secret.
	backend := f.Keyring.Backend
	f.Keyring.Backend = unreadableBackend{Backend: backend, account: app.ClientSecretAccount("o")}
	if code, out := again(); code == 0 || !strings.Contains(out, "reading the client secret stored") {
		t.Errorf("login again with the secret unreadable: exit %d: %s", code, out)
	}
	f.Keyring.Backend = backend
	if got, err := f.Keyring.Get(app.ClientSecretAccount("o")); err != nil || got != s.ClientSecret() {
		t.Errorf("the stored client secret is gone: %q, %v", got, err)
	}
}

// unreadableBackend fails to read one account, as a keyring whose item is
// locked just then; the others it passes on.
type unreadableBackend struct {
	keyring.Backend
	account string
}

func (b unreadableBackend) Get(service, account string) (string, error) {
	if account == b.account {
		return "", errors.New("the keyring did not answer")
	}
	return b.Backend.Get(service, account)
}

// signedInExpired signs profile "o" in at a provider whose token endpoint
// answers after delay, and makes its access token expired: the next use
// renews it. It returns the token store and the token as stored.
func signedInExpired(t *testing.T, delay time.Duration) (*oauthtest.Server, *Factory, *signInWriter, oauth.Store, *oauth.Token) {
	t.Helper()
	s, f, _, w := oauthLoginWith(t, oauthtest.Options{})
	if code := run(t, f, "login", "-p", "o", "--spec", oauthSpec(t, s), "--no-browser", "--client-id", "restmcp-test"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, w)
	}
	s.SetTokenDelay(delay) // the renewals only
	tokens := f.App().Tokens()
	tok, err := oauth.Load(tokens, app.TokenAccount("o"))
	if err != nil {
		t.Fatal(err)
	}
	tok.Expiry = time.Now().Add(-time.Minute)
	if err := oauth.Save(tokens, app.TokenAccount("o"), tok); err != nil {
		t.Fatal(err)
	}
	return s, f, w, tokens, tok
}

// A call that gives up (--timeout) while the token is being renewed does
// not end the process before the rotated refresh token is stored: the
// next call uses it rather than the spent one.
func TestCallTimeoutKeepsTheRotatedRefreshToken(t *testing.T) {
	s, f, w, tokens, tok := signedInExpired(t, time.Second)
	if code := run(t, f, "call", "me", "-p", "o", "--timeout", "200ms"); code == 0 {
		t.Fatalf("call --timeout 200ms succeeded, want it to give up during the renewal: %s", w)
	}
	// Read as the next process would, at once.
	stored, err := oauth.Load(tokens, app.TokenAccount("o"))
	if err != nil {
		t.Fatal(err)
	}
	if stored.RefreshToken == tok.RefreshToken {
		t.Fatal("the call returned before the rotated refresh token was stored")
	}
	if code := run(t, f, "call", "me", "-p", "o"); code != 0 {
		t.Fatalf("the next call: exit %d: %s", code, w)
	}
	if st := s.Stats(); st.RefusedRefreshes != 0 {
		t.Errorf("stats %+v: a spent refresh token was sent again", st)
	}
}

// Signing in again (the command every error names) keeps the scopes given
// with --scopes at the first sign-in; a new tool selection asks for the
// scopes its operations need.
func TestLoginOAuthAgainKeepsTheScopes(t *testing.T) {
	s, f, _, _ := oauthLogin(t)
	spec := oauthSpec(t, s)
	store := profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}
	login := func(args ...string) []string {
		t.Helper()
		w := &signInWriter{t: t}
		f.IO.ErrOut = w
		if code := run(t, f, append([]string{"login", "-p", "o", "--no-browser"}, args...)...); code != 0 {
			t.Fatalf("login %v: exit %d: %s", args, code, w)
		}
		p, err := store.Get("o")
		if err != nil {
			t.Fatal(err)
		}
		return p.Auth.OAuth.Scopes
	}
	// OAuth writes a scope list with spaces: that form asks for the same
	// scopes as the comma-separated one.
	if got := login("--spec", spec, "--client-id", "restmcp-test", "--scopes", "read profile"); strings.Join(got, "|") != "read|profile" {
		t.Fatalf("scopes %q after --scopes \"read profile\"", got)
	}
	if got := login("--scopes", "read,profile"); strings.Join(got, "|") != "read|profile" {
		t.Fatalf("scopes %q after --scopes read,profile", got)
	}
	if got := login(); strings.Join(got, " ") != "read profile" {
		t.Errorf("scopes %v after signing in again, want those of --scopes kept", got)
	}
	if got := login("--read-only"); strings.Join(got, " ") != "read" {
		t.Errorf("scopes %v after a new selection, want those its operations need", got)
	}
}

// With the keyring out of reach, an OAuth profile's errors say that the
// tokens need the keyring (no --insecure-storage, no "sign in again"), and
// RESTMCP_API_KEY, set to an access token, is sent instead of the tokens.
func TestOAuthProfileWithoutKeyring(t *testing.T) {
	s, f, out, w := oauthLogin(t)
	if code := run(t, f, "login", "-p", "o", "--spec", oauthSpec(t, s), "--no-browser", "--client-id", "restmcp-test"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, w)
	}
	tok, err := oauth.Load(f.App().Tokens(), app.TokenAccount("o"))
	if err != nil {
		t.Fatal(err)
	}
	f.Keyring.Backend = unavailableBackend{}
	for _, args := range [][]string{{"call", "me", "-p", "o"}, {"login", "-p", "o", "--no-browser"}} {
		code, msg := runErr(t, f, args...)
		if code == 0 || !strings.Contains(msg, "RESTMCP_API_KEY") || !strings.Contains(msg, "keyring") ||
			strings.Contains(msg, "--insecure-storage") || strings.Contains(msg, "sign in again with") || strings.Contains(msg, "without a key") {
			t.Errorf("%v: exit %d:\n%s", args, code, msg)
		}
	}
	setKeyEnv(f, func() string { return tok.AccessToken })
	if code := run(t, f, "call", "me", "-p", "o"); code != 0 || !strings.Contains(out.String(), "test-user") {
		t.Fatalf("call with RESTMCP_API_KEY: exit %d: %s %s", code, out, w)
	}
	out.Reset()
	if code := run(t, f, "status", "-p", "o", "--offline"); code != 0 || !strings.Contains(out.String(), "from RESTMCP_API_KEY") || strings.Contains(out.String(), tok.AccessToken) {
		t.Errorf("status: exit %d: %s", code, out)
	}
}

// setKeyEnv makes RESTMCP_API_KEY, for f's commands, what value returns
// when they read it.
func setKeyEnv(f *Factory, value func() string) {
	getenv := f.Getenv
	f.Getenv = func(k string) string {
		if k == "RESTMCP_API_KEY" {
			return value()
		}
		return getenv(k)
	}
}

// runErr runs the command with args, standard error a fresh sign-in
// writer, and returns its exit code and what it wrote there.
func runErr(t *testing.T, f *Factory, args ...string) (int, string) {
	t.Helper()
	w := &signInWriter{t: t}
	f.IO.ErrOut = w
	code := run(t, f, args...)
	return code, w.String()
}

// RESTMCP_API_KEY set for an OAuth profile is what is sent: when the API
// or the MCP server refuses it, the error names the variable and the
// sign-in that unsetting it brings back, not a new sign-in (which would
// change nothing while it is set).
func TestOAuthProfileEnvKeyRefused(t *testing.T) {
	s, f, _, w := oauthLogin(t)
	if code := run(t, f, "login", "-p", "o", "--spec", oauthSpec(t, s), "--no-browser", "--client-id", "restmcp-test"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, w)
	}
	ms := mcp.NewServer(&mcp.Implementation{Name: "oauth-remote", Version: "1"}, nil)
	mcp.AddTool(ms, &mcp.Tool{Name: "whoami"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "signed-in user"}}}, nil, nil
	})
	o := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return ms }, nil))
	bw := &browserWriter{follow: remotetest.Browser(t)}
	f.IO.ErrOut = bw
	if code := run(t, f, "login", "-p", "r", "--mcp-url", o.URL+"/mcp", "--no-browser"); code != 0 {
		t.Fatalf("remote login: exit %d: %s", code, bw)
	}
	setKeyEnv(f, func() string { return "at-not-valid-0123456789" })
	for _, args := range [][]string{{"call", "me", "-p", "o"}, {"call", "whoami", "-p", "r"}} {
		code, msg := runErr(t, f, args...)
		if code == 0 || !strings.Contains(msg, "key from RESTMCP_API_KEY") || !strings.Contains(msg, "unset it to use the stored sign-in") ||
			strings.Contains(msg, "run `restmcp login") || strings.Contains(msg, "at-not-valid") {
			t.Errorf("%v: exit %d:\n%s", args, code, msg)
		}
	}
}

// status checks the access token of RESTMCP_API_KEY, which an OAuth
// profile's calls send instead of its sign-in, with the API (or the
// remote MCP server), and says that it was the variable's that was
// accepted or refused; unsetting it is offered only when a sign-in is
// stored.
func TestStatusOAuthProfileChecksTheEnvKey(t *testing.T) {
	s, f, out, w := oauthLogin(t)
	if code := run(t, f, "login", "-p", "o", "--spec", oauthSpec(t, s), "--no-browser", "--client-id", "restmcp-test"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, w)
	}
	ms := mcp.NewServer(&mcp.Implementation{Name: "oauth-remote", Version: "1"}, nil)
	o := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return ms }, nil))
	bw := &browserWriter{follow: remotetest.Browser(t)}
	f.IO.ErrOut = bw
	if code := run(t, f, "login", "-p", "r", "--mcp-url", o.URL+"/mcp", "--no-browser"); code != 0 {
		t.Fatalf("remote login: exit %d: %s", code, bw)
	}
	tokens := map[string]string{}
	for _, name := range []string{"o", "r"} {
		tok, err := oauth.Load(f.App().Tokens(), app.TokenAccount(name))
		if err != nil {
			t.Fatal(err)
		}
		tokens[name] = tok.AccessToken
	}
	env := ""
	setKeyEnv(f, func() string { return env })
	status := func(name string) (int, string) {
		t.Helper()
		out.Reset()
		code := run(t, f, "status", "-p", name)
		return code, out.String()
	}
	for _, tc := range []struct{ profile, accepted string }{
		{"o", "✓ accepts the access token from RESTMCP_API_KEY (GET " + s.URL + "/api/me: 200)"},
		{"r", "✓ takes the access token from RESTMCP_API_KEY"},
	} {
		env = tokens[tc.profile]
		if code, got := status(tc.profile); code != 0 || !strings.Contains(got, tc.accepted) || strings.Contains(got, env) ||
			!strings.Contains(got, "from RESTMCP_API_KEY (not renewed; the stored sign-in is not used while it is set)") {
			t.Errorf("%s, a valid token in the variable: exit %d:\n%s", tc.profile, code, got)
		}
		env = "at-not-valid-0123456789"
		if code, got := status(tc.profile); code != 1 || !strings.Contains(got, "✗ rejects the access token from RESTMCP_API_KEY") ||
			!strings.Contains(got, "correct that variable, or unset it to use the stored sign-in") || strings.Contains(got, env) {
			t.Errorf("%s, a refused token in the variable: exit %d:\n%s", tc.profile, code, got)
		}
	}
	// Without a stored sign-in, unsetting the variable would leave
	// nothing to send.
	if err := f.App().Tokens().Delete(app.TokenAccount("o")); err != nil {
		t.Fatal(err)
	}
	if code, got := status("o"); code != 1 || !strings.Contains(got, "correct that variable\n") || strings.Contains(got, "unset") ||
		!strings.Contains(got, "from RESTMCP_API_KEY (not renewed; no sign-in is stored)") || strings.Contains(got, "not used") {
		t.Errorf("o, no sign-in stored: exit %d:\n%s", code, got)
	}
}

// A provider that refuses the client without its secret (invalid_client)
// gets an error naming --with-key, with the command as given.
func TestLoginOAuthRefusedClientNamesWithKey(t *testing.T) {
	s, f, _, w := oauthLoginWith(t, oauthtest.Options{ConfidentialOnly: true})
	code := run(t, f, "login", "-p", "o", "--spec", oauthSpec(t, s), "--no-browser", "--client-id", "restmcp-test")
	if msg := w.String(); code == 0 || !strings.Contains(msg, "invalid_client") || !strings.Contains(msg, "--with-key") || !strings.Contains(msg, "--client-id restmcp-test") {
		t.Errorf("exit %d:\n%s", code, msg)
	}
}

// Signing in with a public client (no secret) after a confidential one
// removes the secret stored for the one before.
func TestLoginOAuthPublicClientRemovesTheOldSecret(t *testing.T) {
	s, f, _, w := oauthLogin(t)
	f.IO.In = strings.NewReader(s.ClientSecret() + "\n")
	if code := run(t, f, "login", "-p", "o", "--spec", oauthSpec(t, s), "--no-browser", "--client-id", "restmcp-test", "--with-key"); code != 0 {
		t.Fatalf("login --with-key: exit %d: %s", code, w)
	}
	other, err := oauthtest.Start(oauthtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	w2 := &signInWriter{t: t}
	f.IO.ErrOut = w2
	if code := run(t, f, "login", "-p", "o", "--spec", oauthSpec(t, other), "--no-browser", "--client-id", "restmcp-test"); code != 0 {
		t.Fatalf("login with a public client: exit %d: %s", code, w2)
	}
	if _, err := f.Keyring.Get(app.ClientSecretAccount("o")); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the earlier client secret is still stored (%v):\n%s", err, w2)
	}
}

// A command that ends while a token renewal is in flight prints its error
// first, then says that it waits for the renewal; a signal during that
// wait ends it: at once, rather than when the renewal (held a minute)
// gives up, after the token request's time limit of 30s.
func TestExitWaitForRenewalIsSaidAndStoppable(t *testing.T) {
	_, f, w, _, _ := signedInExpired(t, time.Minute)
	ctx, signal := context.WithCancel(context.Background())
	defer signal()
	// The signal comes once the wait is said: after the call gave up.
	f.Log = log.New(&onText{w: w, text: "waiting for an OAuth token renewal", do: signal})
	root := NewRootCmd(f)
	root.SetArgs([]string{"call", "me", "-p", "o", "--timeout", "200ms"})
	start := time.Now()
	if code := Execute(ctx, f, root); code == 0 {
		t.Fatalf("call --timeout 200ms succeeded: %s", w)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the exit took %v: the signal did not end the wait for the renewal", took)
	}
	msg := w.String()
	if !strings.Contains(msg, "GET /me: nothing was sent: the OAuth access token was not ready in time") {
		t.Errorf("the call's error blames the API, not the token's renewal:\n%s", msg)
	}
	e, waiting := strings.Index(msg, "GET /me:"), strings.Index(msg, "waiting for an OAuth token renewal")
	if e < 0 || waiting < e {
		t.Errorf("want the error, then the wait said:\n%s", msg)
	}
}

// A logout while another process renews the token (it holds the renewal
// lock, then stores the new token) runs after that renewal: the token it
// stored does not outlive the logout.
func TestLogoutWaitsForARenewalInFlight(t *testing.T) {
	s, f, _, w := oauthLogin(t)
	if code := run(t, f, "login", "-p", "o", "--spec", oauthSpec(t, s), "--no-browser", "--client-id", "restmcp-test"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, w)
	}
	tokens, account := f.App().Tokens(), app.TokenAccount("o")
	tok, err := oauth.Load(tokens, account)
	if err != nil {
		t.Fatal(err)
	}
	locked, stored := make(chan struct{}), make(chan error, 1)
	go func() {
		stored <- oauth.WithLock(context.Background(), f.App().LockDir(), account, func() error {
			close(locked)
			time.Sleep(300 * time.Millisecond) // the token request
			renewed := *tok
			renewed.AccessToken = "renewed-meanwhile"
			return oauth.Save(tokens, account, &renewed)
		})
	}()
	<-locked
	if code := run(t, f, "logout", "-p", "o"); code != 0 {
		t.Fatalf("logout: exit %d: %s", code, w)
	}
	if err := <-stored; err != nil {
		t.Fatal(err)
	}
	if got, err := oauth.Load(tokens, account); err == nil {
		t.Errorf("the token renewed during the logout outlived it: %q", got.AccessToken)
	}
}

// Ctrl-C while a sign-in waits for the browser says the sign-in was
// interrupted, exits 130 (143 for SIGTERM) and stores nothing.
func TestLoginOAuthInterrupted(t *testing.T) {
	s, f, _, _ := oauthLogin(t)
	spec := oauthSpec(t, s)
	rs := mcp.NewServer(&mcp.Implementation{Name: "oauth-remote", Version: "1"}, nil)
	ro := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return rs }, nil))
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
		args []string
	}{
		{"REST, SIGINT", syscall.SIGINT, []string{"login", "-p", "o", "--spec", spec, "--no-browser", "--client-id", "restmcp-test"}},
		{"REST, SIGTERM", syscall.SIGTERM, []string{"login", "-p", "o", "--spec", spec, "--no-browser", "--client-id", "restmcp-test"}},
		{"remote, SIGINT", syscall.SIGINT, []string{"login", "-p", "o", "--mcp-url", ro.URL + "/mcp", "--no-browser"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			// Ctrl-C once the sign-in URL is shown, while the sign-in
			// waits for the browser.
			w := &browserWriter{follow: func(string) error { cancel(signalCause{tc.sig}); return nil }}
			f.IO.ErrOut = w
			root := NewRootCmd(f)
			root.SetArgs(tc.args)
			code := Execute(ctx, f, root)
			if want := 128 + int(tc.sig); code != want {
				t.Errorf("exit %d, want %d: %s", code, want, w)
			}
			if msg := w.String(); !strings.Contains(msg, "Error: the sign-in was interrupted; nothing was stored\n") || strings.Contains(msg, "context canceled") {
				t.Errorf("stderr:\n%s", msg)
			}
			if _, err := f.Keyring.Get(app.TokenAccount("o")); !errors.Is(err, keyring.ErrNotFound) {
				t.Errorf("tokens stored: %v", err)
			}
			store, _ := f.Profiles()
			if p, err := store.Get("o"); err == nil {
				t.Errorf("profile saved: %+v", p)
			}
		})
	}
}

// A signal's number makes the exit code of an interrupted command.
func TestInterruptedExitCode(t *testing.T) {
	for _, tc := range []struct {
		cause error
		want  int
	}{
		{signalCause{syscall.SIGINT}, 130},
		{signalCause{syscall.SIGTERM}, 143},
		{nil, 130}, // ended otherwise
	} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(tc.cause)
		f := &Factory{IO: &IOStreams{ErrOut: new(bytes.Buffer)}}
		if got := exitCode(ctx, f, fmt.Errorf("reading the key: %w", errInterrupted)); got != tc.want {
			t.Errorf("cause %v: exit %d, want %d", tc.cause, got, tc.want)
		}
		if tc.cause == nil {
			continue
		}
		// What the signal ended otherwise: a description still loading
		// (its cause in the chain, or the context's cancellation).
		for _, err := range []error{fmt.Errorf("loading the API description: GET x: %w", tc.cause), fmt.Errorf("loading: %w", context.Canceled)} {
			if got := exitCode(ctx, f, err); got != tc.want {
				t.Errorf("cause %v, error %v: exit %d, want %d", tc.cause, err, got, tc.want)
			}
		}
	}
	// Without a signal, a cancellation is an error like any other.
	if got := exitCode(context.Background(), &Factory{IO: &IOStreams{ErrOut: new(bytes.Buffer)}}, fmt.Errorf("x: %w", context.Canceled)); got != 1 {
		t.Errorf("a cancellation without a signal: exit %d, want 1", got)
	}
}

// status says that an access token has expired, in text and JSON, and
// whether the next use renews it or the user has to sign in again.
func TestStatusExpiredOAuthToken(t *testing.T) {
	_, f, w, tokens, tok := signedInExpired(t, 0)
	out := f.IO.Out.(*bytes.Buffer)
	expired := ", expired " + tok.Expiry.UTC().Format(time.RFC3339)
	statusJSON := func() profileStatus {
		t.Helper()
		out.Reset()
		run(t, f, "status", "-p", "o", "--offline", "--json")
		var report []profileStatus
		if err := json.Unmarshal(out.Bytes(), &report); err != nil || len(report) != 1 {
			t.Fatalf("status --json: %v\n%s", err, out)
		}
		return report[0]
	}

	out.Reset()
	if code := run(t, f, "status", "-p", "o", "--offline"); code != 0 ||
		!strings.Contains(out.String(), expired) || !strings.Contains(out.String(), "refreshable (will be renewed on next use)") {
		t.Errorf("status with a refresh token: exit %d:\n%s%s", code, out, w)
	}
	if st := statusJSON(); !st.TokenExpired || !st.TokenRenewable || !st.OK || !strings.Contains(st.Token, expired) {
		t.Errorf("status --json with a refresh token: %+v", st)
	}

	tok.RefreshToken = ""
	if err := oauth.Save(tokens, app.TokenAccount("o"), tok); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(t, f, "status", "-p", "o", "--offline"); code != 1 ||
		!strings.Contains(out.String(), expired) || !strings.Contains(out.String(), "(sign in again: run `restmcp login --profile o`)") {
		t.Errorf("status without a refresh token: exit %d:\n%s%s", code, out, w)
	}
	if st := statusJSON(); !st.TokenExpired || st.TokenRenewable || st.OK {
		t.Errorf("status --json without a refresh token: %+v", st)
	}

	tok.Expiry = time.Now().Add(time.Hour)
	if err := oauth.Save(tokens, app.TokenAccount("o"), tok); err != nil {
		t.Fatal(err)
	}
	if st := statusJSON(); st.TokenExpired || !st.OK || !strings.Contains(st.Token, ", expires ") {
		t.Errorf("status --json of a current token: %+v", st)
	}
}

// A refresh token the authorization server refused shows in status as
// that, with the login to run, not as "will be renewed on next use"; the
// next call says the same without sending it again.
func TestStatusRefusedRefreshToken(t *testing.T) {
	s, f, w, _, _ := signedInExpired(t, 0)
	s.RevokeAll()
	if code := run(t, f, "call", "me", "-p", "o"); code == 0 {
		t.Fatalf("call with a revoked sign-in succeeded: %s", w)
	}
	out := f.IO.Out.(*bytes.Buffer)
	out.Reset()
	if code := run(t, f, "status", "-p", "o", "--offline"); code != 1 ||
		!strings.Contains(out.String(), "refresh token refused ") || strings.Contains(out.String(), "will be renewed") ||
		!strings.Contains(out.String(), "restmcp login --profile o") {
		t.Errorf("status after a refused refresh token: exit %d:\n%s%s", code, out, w)
	}
	out.Reset()
	run(t, f, "status", "-p", "o", "--offline", "--json")
	var report []profileStatus
	if err := json.Unmarshal(out.Bytes(), &report); err != nil || len(report) != 1 {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	if st := report[0]; st.OK || st.TokenRenewable || !strings.Contains(st.KeyError, "invalid_grant") {
		t.Errorf("status --json after a refused refresh token: %+v", st)
	}
	if code := run(t, f, "call", "me", "-p", "o"); code == 0 {
		t.Fatalf("second call succeeded: %s", w)
	}
	if st := s.Stats(); st.RefusedRefreshes != 1 {
		t.Errorf("refused refreshes = %d, want 1", st.RefusedRefreshes)
	}
}

// runWithin is run, failed after limit: a sign-in that waits for a
// browser would otherwise wait minutes.
func runWithin(t *testing.T, limit time.Duration, f *Factory, args ...string) int {
	t.Helper()
	done := make(chan int, 1)
	go func() { done <- run(t, f, args...) }()
	select {
	case code := <-done:
		return code
	case <-time.After(limit):
		t.Fatalf("%s still waiting after %s", strings.Join(args, " "), limit)
		return 0
	}
}

// In a CI job without a terminal, a browser sign-in whose browser cannot
// start fails at once, saying what to do, instead of waiting for a
// redirect nobody can send; with --no-browser (something in the job opens
// the URL) and at a terminal it waits.
func TestLoginOAuthInCIWithoutBrowser(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("a browser that cannot start is made by an empty DISPLAY, on Linux")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	s, err := oauthtest.Start(oauthtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	// The provider offers no device grant, which would be used instead.
	spec := oauth2Spec(t, s, "authorizationCode")
	rs := mcp.NewServer(&mcp.Implementation{Name: "oauth-remote", Version: "1"}, nil)
	ro := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return rs }, nil))
	for name, args := range map[string][]string{
		"API":    {"login", "-p", "o", "--spec", spec, "--client-id", "restmcp-test"},
		"remote": {"login", "-p", "o", "--mcp-url", ro.URL + "/mcp"},
	} {
		t.Run(name, func(t *testing.T) {
			f, _, errOut := testFactory(t, map[string]string{"CI": "true"})
			if code := runWithin(t, 20*time.Second, f, args...); code != 1 ||
				!strings.Contains(errOut.String(), "no browser was opened") || !strings.Contains(errOut.String(), "CI is set") ||
				!strings.Contains(errOut.String(), "RESTMCP_API_KEY") || !strings.Contains(errOut.String(), "--no-browser") {
				t.Errorf("exit %d, stderr:\n%s", code, errOut)
			}
			if strings.Contains(errOut.String(), "/authorize?") {
				t.Errorf("printed a URL nobody can open:\n%s", errOut)
			}

			follows := func() io.Writer {
				if name == "remote" {
					return &browserWriter{follow: remotetest.Browser(t)}
				}
				return &signInWriter{t: t}
			}
			for _, c := range []struct {
				name  string
				tty   bool
				extra []string
			}{{"--no-browser in CI", false, []string{"--no-browser"}}, {"at a terminal", true, nil}} {
				f, _, _ = testFactory(t, map[string]string{"CI": "true"})
				f.IO.InTTY = c.tty
				w := follows()
				f.IO.ErrOut = w
				if code := runWithin(t, 20*time.Second, f, append(slices.Clone(args), c.extra...)...); code != 0 || !strings.Contains(fmt.Sprint(w), "Ctrl-C cancels") {
					t.Errorf("%s: exit %d, stderr:\n%s", c.name, code, w)
				}
			}
		})
	}
}

// A provider whose discovery document says it names itself in each
// authorization redirect (RFC 9207) signs in only with a redirect naming
// its own issuer: one naming another authorization server (a mix-up), or
// none, is refused and nothing is stored.
func TestLoginOAuthChecksTheRedirectsIssuer(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    oauthtest.Options
		ok   bool
	}{
		{"its own", oauthtest.Options{Iss: "self", IssSupported: true}, true},
		{"another", oauthtest.Options{Iss: "https://evil.example", IssSupported: true}, false},
		{"another, not advertised", oauthtest.Options{Iss: "https://evil.example"}, false},
		{"none, advertised", oauthtest.Options{IssSupported: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, f, _, w := oauthLoginWith(t, tc.o)
			code := run(t, f, "login", "-p", "o", "--spec", oauthSpec(t, s), "--no-browser", "--client-id", "restmcp-test")
			_, err := f.App().Tokens().Get(app.TokenAccount("o"))
			switch {
			case tc.ok && (code != 0 || err != nil):
				t.Fatalf("login: exit %d (%v): %s", code, err, w)
			case !tc.ok && (code == 0 || !errors.Is(err, keyring.ErrNotFound)):
				t.Fatalf("login with iss %q: exit %d, token read %v, want a refusal with nothing stored: %s", tc.o.Iss, code, err, w)
			case !tc.ok && !strings.Contains(w.String(), "issuer"):
				t.Errorf("login: %s, want the error to name the issuer", w)
			}
			if !tc.ok && s.Stats().CodeExchanges != 0 {
				t.Errorf("the code was exchanged: %+v", s.Stats())
			}
		})
	}
}

// A key login that replaces an OAuth sign-in removes its tokens under the
// renewal lock, as logout does: a serve renewing the token at that moment
// stores it first, and cannot store it back after the key login.
func TestKeyLoginWaitsForARenewalInFlight(t *testing.T) {
	s, f, _, w := oauthLogin(t)
	if code := run(t, f, "login", "-p", "o", "--spec", oauthSpec(t, s), "--no-browser", "--client-id", "restmcp-test"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, w)
	}
	tokens, account := f.App().Tokens(), app.TokenAccount("o")
	tok, err := oauth.Load(tokens, account)
	if err != nil {
		t.Fatal(err)
	}
	locked, stored := make(chan struct{}), make(chan error, 1)
	go func() {
		stored <- oauth.WithLock(context.Background(), f.App().LockDir(), account, func() error {
			close(locked)
			// The token request: it ends once the key login has removed
			// the tokens, or after 2 s.
			for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				if _, err := tokens.Get(account); errors.Is(err, keyring.ErrNotFound) {
					break
				}
			}
			renewed := *tok
			renewed.AccessToken = "renewed-meanwhile"
			return oauth.Save(tokens, account, &renewed)
		})
	}()
	<-locked
	f.IO.In = strings.NewReader("the-key\n")
	if code := run(t, f, "login", "-p", "o", "--spec", "testdata/notes.yaml", "--base-url", "http://127.0.0.1:9", "--no-check", "--with-key"); code != 0 {
		t.Fatalf("key login: exit %d: %s", code, w)
	}
	if err := <-stored; err != nil {
		t.Fatal(err)
	}
	if got, err := oauth.Load(tokens, account); err == nil {
		t.Errorf("the token renewed during the key login outlived it: %q", got.AccessToken)
	}
}

// onText writes to w, and calls do once what was written holds text.
type onText struct {
	w    io.Writer
	text string
	do   func()
	mu   sync.Mutex
	seen bytes.Buffer
	done bool
}

func (o *onText) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.done {
		o.seen.Write(p)
		if strings.Contains(o.seen.String(), o.text) {
			o.done = true
			o.do()
		}
	}
	return n, err
}
