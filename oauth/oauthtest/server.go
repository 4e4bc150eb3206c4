// Package oauthtest is an OAuth 2.0 authorization server and a protected
// API for tests: the authorization code grant with PKCE (S256 required),
// refresh tokens with rotation, device authorization, client credentials,
// revocation, OpenID Connect discovery, and short-lived access tokens.
// Every sign-in is approved without a login page: following the
// authorization URL with a plain http.Client, as a browser would, ends on
// the client's redirect URI.
//
//	s, _ := oauthtest.Start(oauthtest.Options{AccessTTL: time.Second})
//	defer s.Close()
//	cfg := s.Config() // an oauth.Config for this server
//
// Endpoints: /authorize, /token, /device, /device/verify?user_code=,
// /revoke, /.well-known/openid-configuration, /api/me (the protected API:
// 200 with a valid access token, else 401), and for test drivers in other
// processes POST /admin/revoke, POST /admin/expire and GET /admin/stats.
package oauthtest

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/restmcp/restmcp/oauth"
)

// Options configure a Server; zero values take the defaults.
type Options struct {
	// Addr to listen on (default "127.0.0.1:0").
	Addr string
	// ClientID of the one registered client (default "restmcp-test").
	ClientID string
	// ClientSecret of that client (default "test-secret"). Client
	// credentials require it; the other grants accept the client as a
	// public one when it sends no secret, and refuse a wrong one.
	ClientSecret string
	// AccessTTL is the access tokens' lifetime (default one hour; rounded
	// up to whole seconds in expires_in).
	AccessTTL time.Duration
	// DeviceInterval is the device grant's polling interval in seconds
	// (default 1).
	DeviceInterval int
	// TokenDelay holds every token endpoint answer back this long, after
	// the server has acted on the request (a refresh token is already
	// rotated when the client gives up waiting).
	TokenDelay time.Duration
	// NoRotation keeps a refresh token valid after use instead of issuing
	// a new one each time.
	NoRotation bool
	// ConfidentialOnly refuses a client that sends no secret
	// (invalid_client), as GitHub's OAuth apps do.
	ConfidentialOnly bool
	// TokenType is the token_type of the tokens issued (default
	// "Bearer"); SetTokenType changes it.
	TokenType string
	// Iss is the issuer named in each authorization redirect (RFC 9207's
	// iss): "" names none, "self" the server's URL (its issuer), anything
	// else is sent as it is (a mix-up). IssSupported advertises it in the
	// discovery document (authorization_response_iss_parameter_supported).
	Iss          string
	IssSupported bool
}

// Stats counts what the server did.
type Stats struct {
	Authorizations    int `json:"authorizations"`     // codes issued by /authorize
	CodeExchanges     int `json:"code_exchanges"`     // codes exchanged for tokens
	Refreshes         int `json:"refreshes"`          // refresh tokens spent successfully
	RefusedRefreshes  int `json:"refused_refreshes"`  // refresh attempts answered invalid_grant
	DeviceTokens      int `json:"device_tokens"`      // device codes exchanged
	ClientCredentials int `json:"client_credentials"` // client credentials tokens issued
	APICalls          int `json:"api_calls"`          // /api/me answered 200
	APIRefusals       int `json:"api_refusals"`       // /api/me answered 401
	// Resources are the resource parameters (RFC 8707) of the token
	// requests, in order, "" where a request had none.
	Resources []string `json:"resources"`
}

// Server is a running authorization server.
type Server struct {
	// URL is the base URL (the issuer), e.g. http://127.0.0.1:41234.
	URL  string
	opts Options
	srv  *http.Server
	ln   net.Listener

	mu      sync.Mutex
	codes   map[string]*codeGrant
	refresh map[string]string    // live refresh token → scope
	access  map[string]time.Time // access token → expiry
	devices map[string]*device   // device code → state
	stats   Stats
	typ     string        // token_type of the tokens issued
	delay   time.Duration // TokenDelay, or as SetTokenDelay changed it
}

type codeGrant struct {
	redirect, challenge, scope string
	expires                    time.Time
}

type device struct {
	userCode, scope string
	approved, done  bool
	expires         time.Time
}

// Start listens and serves until Close.
func Start(o Options) (*Server, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.ClientID == "" {
		o.ClientID = "restmcp-test"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "test-secret"
	}
	if o.AccessTTL <= 0 {
		o.AccessTTL = time.Hour
	}
	if o.DeviceInterval <= 0 {
		o.DeviceInterval = 1
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL:     "http://" + ln.Addr().String(),
		opts:    o,
		ln:      ln,
		codes:   map[string]*codeGrant{},
		refresh: map[string]string{},
		access:  map[string]time.Time{},
		devices: map[string]*device{},
		typ:     cmp.Or(o.TokenType, "Bearer"),
		delay:   o.TokenDelay,
	}
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Config is an oauth.Config for the registered client with every endpoint
// of this server and the given scopes (no client secret: a public client).
func (s *Server) Config(scopes ...string) oauth.Config {
	return oauth.Config{
		ClientID:      s.opts.ClientID,
		AuthURL:       s.URL + "/authorize",
		TokenURL:      s.URL + "/token",
		DeviceAuthURL: s.URL + "/device",
		RevocationURL: s.URL + "/revoke",
		Scopes:        scopes,
	}
}

// SetTokenDelay holds the token endpoint's answers from now on back by d
// (Options.TokenDelay): a sign-in answered at once, its renewals late.
func (s *Server) SetTokenDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// SetTokenType makes the tokens issued from now on of type typ (a
// renewal that changes the type).
func (s *Server) SetTokenType(typ string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.typ = typ
}

// ClientSecret is the registered client's secret.
func (s *Server) ClientSecret() string { return s.opts.ClientSecret }

// DiscoveryURL is the server's OpenID Connect discovery document.
func (s *Server) DiscoveryURL() string { return s.URL + "/.well-known/openid-configuration" }

// APIURL is the protected API endpoint.
func (s *Server) APIURL() string { return s.URL + "/api/me" }

// Stats returns the counters so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Resources = slices.Clone(st.Resources)
	return st
}

// RevokeAll revokes every refresh and access token issued so far.
func (s *Server) RevokeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.refresh)
	clear(s.access)
}

// ExpireAccessTokens makes every access token issued so far expired (the
// API refuses them; the clients still believe them valid).
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.access {
		s.access[k] = time.Time{}
	}
}

// Handler serves the endpoints (Start mounts it).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		d := s.delay
		s.mu.Unlock()
		s.token(delayWriter{w, d, r.Context()}, r)
	})
	mux.HandleFunc("POST /device", s.deviceAuth)
	mux.HandleFunc("GET /device/verify", s.deviceVerify)
	mux.HandleFunc("POST /revoke", s.revoke)
	mux.HandleFunc("GET /.well-known/openid-configuration", s.discovery)
	mux.HandleFunc("GET /api/me", s.api)
	mux.HandleFunc("POST /admin/revoke", func(w http.ResponseWriter, r *http.Request) { s.RevokeAll(); w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("POST /admin/expire", func(w http.ResponseWriter, r *http.Request) {
		s.ExpireAccessTokens()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /admin/stats", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, s.Stats()) })
	return mux
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                         s.URL,
		"authorization_endpoint":                         s.URL + "/authorize",
		"token_endpoint":                                 s.URL + "/token",
		"device_authorization_endpoint":                  s.URL + "/device",
		"revocation_endpoint":                            s.URL + "/revoke",
		"scopes_supported":                               []string{"read", "write"},
		"response_types_supported":                       []string{"code"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code"},
		"code_challenge_methods_supported":               []string{"S256"},
		"authorization_response_iss_parameter_supported": s.opts.IssSupported,
	})
}

// authorize approves at once and redirects with a code; errors about the
// redirect URI itself are shown, not redirected (RFC 6749 4.1.2.1).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != s.opts.ClientID {
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme != "http" || redirect.Hostname() != "127.0.0.1" {
		http.Error(w, "redirect_uri must be a loopback http URL", http.StatusBadRequest)
		return
	}
	fail := func(code, desc string) {
		v := redirect.Query()
		v.Set("error", code)
		v.Set("error_description", desc)
		v.Set("state", q.Get("state"))
		redirect.RawQuery = v.Encode()
		http.Redirect(w, r, redirect.String(), http.StatusFound)
	}
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "only code is supported")
		return
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		fail("invalid_request", "PKCE with S256 is required")
		return
	}
	code := random("code_")
	s.mu.Lock()
	s.codes[code] = &codeGrant{redirect: redirect.String(), challenge: q.Get("code_challenge"), scope: q.Get("scope"), expires: time.Now().Add(time.Minute)}
	s.stats.Authorizations++
	s.mu.Unlock()
	v := redirect.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	switch s.opts.Iss {
	case "":
	case "self":
		v.Set("iss", s.URL)
	default:
		v.Set("iss", s.opts.Iss)
	}
	redirect.RawQuery = v.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// tokenError is an RFC 6749 5.2 error answer.
func tokenError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// client checks the client authentication of a token request (HTTP basic
// or form fields); it reports whether a correct secret was presented.
func (s *Server) client(r *http.Request) (authenticated bool, err error) {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.opts.ClientID {
		return false, errors.New("unknown client")
	}
	if secret == "" && s.opts.ConfidentialOnly {
		return false, errors.New("the client secret is required")
	}
	if secret == "" {
		return false, nil
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) != 1 {
		return false, errors.New("wrong client secret")
	}
	return true, nil
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	authenticated, err := s.client(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauthtest"`)
		tokenError(w, http.StatusUnauthorized, "invalid_client", err.Error())
		return
	}
	f := r.PostForm
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Resources = append(s.stats.Resources, f.Get("resource"))
	switch f.Get("grant_type") {
	case "authorization_code":
		g, ok := s.codes[f.Get("code")]
		delete(s.codes, f.Get("code")) // single use, even when it fails
		switch {
		case !ok || time.Now().After(g.expires):
			tokenError(w, http.StatusBadRequest, "invalid_grant", "unknown or expired code")
		case g.redirect != f.Get("redirect_uri"):
			tokenError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request")
		case !verifierMatches(f.Get("code_verifier"), g.challenge):
			tokenError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed")
		default:
			s.stats.CodeExchanges++
			s.issue(w, g.scope, true)
		}
	case "refresh_token":
		rt := f.Get("refresh_token")
		scope, ok := s.refresh[rt]
		if !ok {
			s.stats.RefusedRefreshes++
			tokenError(w, http.StatusBadRequest, "invalid_grant", "the refresh token is invalid, revoked or already used")
			return
		}
		s.stats.Refreshes++
		if s.opts.NoRotation {
			s.issueAccess(w, scope, rt)
			return
		}
		delete(s.refresh, rt)
		s.issue(w, scope, true)
	case "urn:ietf:params:oauth:grant-type:device_code":
		d, ok := s.devices[f.Get("device_code")]
		switch {
		case !ok || d.done:
			tokenError(w, http.StatusBadRequest, "invalid_grant", "unknown device code")
		case time.Now().After(d.expires):
			tokenError(w, http.StatusBadRequest, "expired_token", "the device code expired")
		case !d.approved:
			tokenError(w, http.StatusBadRequest, "authorization_pending", "waiting for the user")
		default:
			d.done = true
			s.stats.DeviceTokens++
			s.issue(w, d.scope, true)
		}
	case "client_credentials":
		if !authenticated {
			w.Header().Set("WWW-Authenticate", `Basic realm="oauthtest"`)
			tokenError(w, http.StatusUnauthorized, "invalid_client", "client credentials need the client secret")
			return
		}
		s.stats.ClientCredentials++
		s.issue(w, f.Get("scope"), false)
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", f.Get("grant_type"))
	}
}

// issue answers with a new access token and, when withRefresh, a new
// refresh token. s.mu is held.
func (s *Server) issue(w http.ResponseWriter, scope string, withRefresh bool) {
	rt := ""
	if withRefresh {
		rt = random("rt_")
		s.refresh[rt] = scope
	}
	s.issueAccess(w, scope, rt)
}

func (s *Server) issueAccess(w http.ResponseWriter, scope, refresh string) {
	at := random("at_")
	s.access[at] = time.Now().Add(s.opts.AccessTTL)
	body := map[string]any{
		"access_token": at,
		"token_type":   s.typ,
		"expires_in":   int((s.opts.AccessTTL + time.Second - 1) / time.Second),
	}
	if refresh != "" {
		body["refresh_token"] = refresh
	}
	if scope != "" {
		body["scope"] = scope
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, body)
}

func verifierMatches(verifier, challenge string) bool {
	if verifier == "" {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

func (s *Server) deviceAuth(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	if _, err := s.client(r); err != nil {
		tokenError(w, http.StatusUnauthorized, "invalid_client", err.Error())
		return
	}
	dc := random("dc_")
	b := make([]byte, 4)
	rand.Read(b)
	uc := strings.ToUpper(fmt.Sprintf("%04X-%04X", int(b[0])<<8|int(b[1]), int(b[2])<<8|int(b[3])))
	s.mu.Lock()
	s.devices[dc] = &device{userCode: uc, scope: r.PostForm.Get("scope"), expires: time.Now().Add(5 * time.Minute)}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"device_code":               dc,
		"user_code":                 uc,
		"verification_uri":          s.URL + "/device/verify",
		"verification_uri_complete": s.URL + "/device/verify?user_code=" + uc,
		"expires_in":                300,
		"interval":                  s.opts.DeviceInterval,
	})
}

// deviceVerify is the page where the user enters the code: it approves
// the device code with user_code at once.
func (s *Server) deviceVerify(w http.ResponseWriter, r *http.Request) {
	uc := r.URL.Query().Get("user_code")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.devices {
		if d.userCode == uc && uc != "" {
			d.approved = true
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintln(w, "Device approved.")
			return
		}
	}
	http.Error(w, "unknown user code", http.StatusNotFound)
}

// revoke is RFC 7009: the token (refresh or access) stops working.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	if _, err := s.client(r); err != nil {
		tokenError(w, http.StatusUnauthorized, "invalid_client", err.Error())
		return
	}
	t := r.PostForm.Get("token")
	s.mu.Lock()
	delete(s.refresh, t)
	delete(s.access, t)
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// api is the protected resource.
func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	at, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	exp, known := s.access[at]
	valid := ok && known && time.Now().Before(exp)
	if valid {
		s.stats.APICalls++
	} else {
		s.stats.APIRefusals++
	}
	s.mu.Unlock()
	if !valid {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"sub": "test-user"})
}

// delayWriter holds the answer back d, or until the client has gone.
type delayWriter struct {
	http.ResponseWriter
	d   time.Duration
	ctx context.Context
}

func (w delayWriter) WriteHeader(code int) {
	t := time.NewTimer(w.d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-w.ctx.Done():
	}
	w.ResponseWriter.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func random(prefix string) string {
	b := make([]byte, 24)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// PageBrowser is a browser for a sign-in's OpenBrowser or Show: it follows
// the URL it is given, as Server's sign-ins expect, and sends page the
// page it ends on as "STATUS body" (or the error that stopped it).
func PageBrowser(page chan<- string) func(url string) error {
	return func(u string) error {
		go func() {
			resp, err := http.Get(u)
			if err != nil {
				page <- err.Error()
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			page <- fmt.Sprintf("%d %s", resp.StatusCode, b)
		}()
		return nil
	}
}
