// Package oauth signs in to an API with OAuth 2.0 and keeps the tokens
// fresh: the authorization code grant with PKCE through a loopback redirect,
// the device authorization grant and client credentials (all on
// golang.org/x/oauth2), OpenID Connect discovery, tokens persisted in a
// [Store] (the OS keyring in the product) and a [TokenSource] that refreshes
// them before they expire, at most once across processes.
//
// It knows nothing about the command line, MCP or the keyring: the caller
// fills a [Config] from the API description (an OpenAPI oauth2 flow or an
// openIdConnect scheme through [Discover]) and passes a Store.
//
//	cfg := oauth.Config{ClientID: id, AuthURL: a, TokenURL: t, Scopes: s}
//	tok, err := cfg.LoginAuthCode(ctx, oauth.LoginOptions{Out: os.Stderr, OpenBrowser: oauth.OpenBrowser})
//	err = oauth.Save(store, "acme", tok)
//	src := oauth.NewTokenSource(cfg, store, "acme", lockDir)
//	tok, err = src.Token(ctx) // refreshed when it is about to expire
//
// No token ever appears in an error, a log line or the output of a Token's
// String method.
package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Store keeps one string per account. keyring.Store and keyring.PlainFile
// satisfy it as they are. Get's error for a missing account is passed on
// wrapped, so the caller can still match it with errors.Is.
type Store interface {
	Get(account string) (string, error)
	Set(account, secret string) error
	Delete(account string) error
}

// Grant names how a token was obtained; it decides how a TokenSource renews
// it.
type Grant string

const (
	GrantAuthorizationCode Grant = "authorization_code"
	GrantDeviceCode        Grant = "device_code"
	GrantClientCredentials Grant = "client_credentials"
)

// Config describes one OAuth 2.0 client of one authorization server: the
// client registration and the server's endpoints.
type Config struct {
	ClientID string
	// ClientSecret is empty for a public client (PKCE alone protects the
	// code). Client credentials need it.
	ClientSecret string
	// AuthURL is the authorization endpoint (authorization code grant).
	AuthURL string
	// TokenURL is the token endpoint.
	TokenURL string
	// RefreshURL is where refresh tokens are spent, when the server names
	// one apart from TokenURL (OpenAPI's refreshUrl).
	RefreshURL string
	// DeviceAuthURL is the device authorization endpoint (RFC 8628), when
	// the server offers the device grant.
	DeviceAuthURL string
	// RevocationURL is the token revocation endpoint (RFC 7009), when the
	// server has one (OpenID Connect discovery's revocation_endpoint).
	RevocationURL string
	// Scopes requested.
	Scopes []string
	// ClientAuth is how a confidential client authenticates at the token
	// endpoint: ClientAuthBasic, ClientAuthPost, or "" to find out (HTTP
	// basic first, the form only when the server refuses the client; the
	// Token then says which worked).
	ClientAuth string
	// Resource is the resource indicator (RFC 8707) of the server the tokens
	// are for, sent as `resource` with every request to the token endpoint,
	// refreshes included: an MCP server's canonical URL. Empty: none.
	Resource string
	// Issuer is the authorization server's issuer identifier, when its
	// metadata (discovery) gave one: an authorization redirect that names
	// another (RFC 9207's iss) is refused, its code never exchanged.
	Issuer string
	// IssParameterSupported is the metadata's
	// authorization_response_iss_parameter_supported: every authorization
	// redirect must then name Issuer.
	IssParameterSupported bool
	// HTTPClient sends requests to the authorization server (default: a
	// client with a 30 s timeout). It must not add an API's credential.
	HTTPClient *http.Client
}

// DefaultHTTPTimeout bounds one request to the authorization server when
// Config.HTTPClient is nil.
const DefaultHTTPTimeout = 30 * time.Second

// Validate checks that the endpoints the grant needs are set and safe to
// send a secret to: https, or http only to a loopback address.
func (c Config) Validate(g Grant) error {
	if c.ClientID == "" && g != GrantClientCredentials {
		return errors.New("oauth: no client ID (register a client with the provider and pass its ID)")
	}
	need := map[string]string{"token URL": c.TokenURL}
	switch g {
	case GrantAuthorizationCode:
		need["authorization URL"] = c.AuthURL
	case GrantDeviceCode:
		need["device authorization URL"] = c.DeviceAuthURL
	case GrantClientCredentials:
		if c.ClientID == "" || c.ClientSecret == "" {
			return errors.New("oauth: client credentials need a client ID and a client secret")
		}
	}
	for _, name := range []string{"authorization URL", "device authorization URL", "token URL"} {
		u, ok := need[name]
		if !ok {
			continue
		}
		if u == "" {
			return fmt.Errorf("oauth: no %s for the %s grant", name, g)
		}
		if err := checkEndpoint(u); err != nil {
			return fmt.Errorf("oauth: %s: %w", name, err)
		}
	}
	for name, u := range map[string]string{"refresh URL": c.RefreshURL, "revocation URL": c.RevocationURL} {
		if u == "" {
			continue
		}
		if err := checkEndpoint(u); err != nil {
			return fmt.Errorf("oauth: %s: %w", name, err)
		}
	}
	return nil
}

// checkEndpoint accepts https URLs, and http ones on a loopback host.
func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%s uses http: an authorization server must be reached over https", raw)
	default:
		return fmt.Errorf("%s: unsupported scheme %q (use https)", raw, u.Scheme)
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// oauth2Config is the golang.org/x/oauth2 view of c; refresh selects
// RefreshURL as the token endpoint.
func (c Config) oauth2Config(redirectURL string, refresh bool) *oauth2.Config {
	tokenURL := c.TokenURL
	if refresh && c.RefreshURL != "" {
		tokenURL = c.RefreshURL
	}
	return &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:       c.AuthURL,
			TokenURL:      tokenURL,
			DeviceAuthURL: c.DeviceAuthURL,
			AuthStyle:     c.authStyle(),
		},
		RedirectURL: redirectURL,
		Scopes:      c.Scopes,
	}
}

// authStyle: a public client names itself in the form (RFC 6749 2.3.1
// has no Basic credentials without a secret); a confidential one sends its
// secret the way ClientAuth says, HTTP basic when it says nothing (see
// withClientAuth: golang.org/x/oauth2's own detection would send any
// refused request again, a spent refresh token included).
func (c Config) authStyle() oauth2.AuthStyle {
	if c.ClientSecret == "" || c.ClientAuth == ClientAuthPost {
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleInHeader
}

// withClientAuth runs a token request, req, with c's client
// authentication. For a confidential client whose way is unknown it sends
// HTTP basic (RFC 6749's default) and, only when the server refuses the
// client or cannot read the request (see clientRefused), the form: a
// request refused for another reason is never sent again, since it may
// carry a refresh token the server has already spent. It returns the way
// that worked.
func (c Config) withClientAuth(req func(c Config) (*oauth2.Token, error)) (*oauth2.Token, string, error) {
	if c.ClientSecret == "" || c.ClientAuth != "" {
		t, err := req(c)
		return t, c.ClientAuth, err
	}
	var err error
	for _, style := range []string{ClientAuthBasic, ClientAuthPost} {
		c.ClientAuth = style
		var t *oauth2.Token
		if t, err = req(c); err == nil {
			return t, style, nil
		}
		if !clientRefused(err) {
			break
		}
	}
	return nil, "", err
}

// clientRefused reports whether err is the token endpoint refusing the
// client's authentication, or a request it could not read as it came:
// invalid_client, unauthorized_client, a 401; or invalid_request (many
// providers answer "client_id missing" or "client_secret missing" so to
// a client that sent them in the other place) or a 400 that names no
// error. Refusals of the grant itself (invalid_grant, invalid_scope, …) and
// a server that could not answer (5xx, temporarily_unavailable), after
// which a refresh token may already be spent, are not.
func clientRefused(err error) bool {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return false
	}
	switch re.ErrorCode {
	case "invalid_client", "unauthorized_client", "invalid_request":
		return true
	case "":
		return re.Response != nil && (re.Response.StatusCode == http.StatusUnauthorized || re.Response.StatusCode == http.StatusBadRequest)
	}
	return re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized && re.ErrorCode != "invalid_grant"
}

// The ways a confidential client authenticates at the token endpoint
// (Config.ClientAuth).
const (
	ClientAuthBasic = "basic" // client_secret_basic: HTTP basic
	ClientAuthPost  = "post"  // client_secret_post: in the form
)

// withClient makes golang.org/x/oauth2 send its requests with c's client
// (with Resource added to the token requests, which golang.org/x/oauth2
// cannot do for a refresh).
func (c Config) withClient(ctx context.Context) context.Context {
	hc := NoPostRedirects(c.HTTPClient)
	if c.Resource != "" {
		with := *hc
		with.Transport = resourceParam{resource: c.Resource, tokenURLs: []string{c.TokenURL, c.RefreshURL}, next: hc.Transport}
		hc = &with
	}
	return context.WithValue(ctx, oauth2.HTTPClient, hc)
}

// NoPostRedirects is hc (nil: a client with DefaultHTTPTimeout) that
// does not follow a redirect of a POST, and leaves hc as it was. Every
// POST to an authorization server carries a secret (a refresh token, a
// code and its PKCE verifier, a client secret, a token to revoke): a 307 or
// 308 would send it again to wherever the server points, another origin or
// plain http. The redirect is then the answer, which the caller reports
// (see RedirectedError). Other requests (metadata) follow hc's policy.
func NoPostRedirects(hc *http.Client) *http.Client {
	if hc == nil {
		hc = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	c := *hc
	next := hc.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if via[0].Method == http.MethodPost {
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &c
}

// RedirectedError is an authorization server's endpoint that answered a
// request with a redirect, which is not followed (see NoPostRedirects).
type RedirectedError struct {
	Endpoint string // "token", "device authorization", "revocation"
	Status   int
	Location string // where it pointed, without query and user info; "" when it named none
}

func (e *RedirectedError) Error() string {
	to := e.Location
	if to == "" {
		to = "another address"
	}
	return fmt.Sprintf("the %s endpoint redirected to %s (HTTP %d), which restmcp does not follow with the request's secrets: the configured %s URL should be the final one (the server's metadata, or its administrator, gives it)",
		e.Endpoint, to, e.Status, e.Endpoint)
}

// redirected is the *RedirectedError of resp, a redirect from endpoint's
// request; nil when resp is no redirect.
func redirected(endpoint string, resp *http.Response) error {
	if resp == nil || resp.StatusCode < 300 || resp.StatusCode > 399 {
		return nil
	}
	e := &RedirectedError{Endpoint: endpoint, Status: resp.StatusCode}
	if u, err := resp.Location(); err == nil {
		u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
		e.Location = printable(u.String(), 300)
	}
	return e
}

// resourceParam adds the resource parameter (RFC 8707) to the form of each
// POST to a token endpoint that lacks one.
type resourceParam struct {
	resource  string
	tokenURLs []string
	next      http.RoundTripper
}

func (t resourceParam) RoundTrip(r *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	if r.Method != http.MethodPost || r.Body == nil || !slices.Contains(t.tokenURLs, r.URL.String()) ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return next.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	if !form.Has("resource") {
		form.Set("resource", t.resource)
	}
	enc := form.Encode()
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(strings.NewReader(enc))
	r.ContentLength = int64(len(enc))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(enc)), nil }
	return next.RoundTrip(r)
}

// Token is what a Store keeps for one account. Its String and GoString
// never show the access or refresh token.
type Token struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	// Issued is when the token was received: with Expiry, its lifetime.
	Issued time.Time `json:"issued,omitzero"`
	// Scopes granted (the server's answer, else those requested).
	Scopes []string `json:"scopes,omitempty"`
	// Grant is how the token was obtained.
	Grant Grant `json:"grant,omitempty"`
	// ClientAuth is how the client's secret was sent when the token was
	// obtained (ClientAuthBasic, ClientAuthPost), when its Config did not
	// say: renewals send it the same way. Empty for a public client.
	ClientAuth string `json:"client_auth,omitempty"`
	// Refused is the error code with which the authorization server
	// refused the refresh token (invalid_grant), RefusedAt when: the
	// refresh token is not sent again, and status says to sign in again.
	Refused   string    `json:"refused,omitempty"`
	RefusedAt time.Time `json:"refused_at,omitzero"`
}

// Renewable reports whether the token can be renewed without the user: a
// refresh token the server has not refused, or client credentials.
func (t *Token) Renewable() bool {
	return (t.RefreshToken != "" && t.Refused == "") || t.Grant == GrantClientCredentials
}

// Type is the scheme for the Authorization header: "Bearer" for a bearer
// token (token_type bearer in any case, or none given), else TokenType as
// the server wrote it (a type CheckType refuses).
func (t *Token) Type() string {
	if bearer(t.TokenType) {
		return "Bearer"
	}
	return t.TokenType
}

// bearer reports whether a token_type is a bearer token's: "bearer" in
// any case (RFC 6749 §5.1), or none, which many servers leave out.
func bearer(tokenType string) bool {
	return tokenType == "" || strings.EqualFold(tokenType, "bearer")
}

// UnsupportedTokenTypeError is a token whose token_type restmcp cannot use:
// the type says how the token must be sent (a MAC token signs each
// request, a DPoP token needs a proof of possession), and sent as a bearer
// token it would be refused.
type UnsupportedTokenTypeError struct{ Type string }

func (e *UnsupportedTokenTypeError) Error() string {
	return fmt.Sprintf("the authorization server issued an access token of type %q, which restmcp cannot use: it sends bearer tokens only (token_type \"Bearer\")", e.Type)
}

// CheckType refuses a token whose type is not bearer with an
// *UnsupportedTokenTypeError.
func (t *Token) CheckType() error {
	if bearer(t.TokenType) {
		return nil
	}
	return &UnsupportedTokenTypeError{Type: printable(t.TokenType, 40)}
}

// SetAuthHeader sets the Authorization header of r to the token.
func (t *Token) SetAuthHeader(r *http.Request) {
	r.Header.Set("Authorization", t.Type()+" "+t.AccessToken)
}

// ExpiresWithin reports whether the token has expired or will within d. A
// token without an expiry never does.
func (t *Token) ExpiresWithin(d time.Duration, now time.Time) bool {
	return !t.Expiry.IsZero() && !now.Add(d).Before(t.Expiry)
}

// margin is how long before its expiry a token is renewed: skew, or half
// its lifetime when that is shorter (a token that lasts 30 s would
// otherwise be renewed on every use).
func (t *Token) margin(skew time.Duration) time.Duration {
	if !t.Issued.IsZero() && !t.Expiry.IsZero() {
		if half := t.Expiry.Sub(t.Issued) / 2; half < skew {
			return max(half, 0)
		}
	}
	return skew
}

// String describes the token without its secrets.
func (t Token) String() string { return t.describe(false) }

// Describe is String as of now: an expiry that has passed reads
// "expired".
func (t Token) Describe(now time.Time) string { return t.describe(t.ExpiresWithin(0, now)) }

func (t Token) describe(expired bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s token", t.Type())
	if t.Grant != "" {
		fmt.Fprintf(&b, " from %s", t.Grant)
	}
	switch {
	case t.Expiry.IsZero():
		b.WriteString(", no expiry")
	case expired:
		fmt.Fprintf(&b, ", expired %s", t.Expiry.UTC().Format(time.RFC3339))
	default:
		fmt.Fprintf(&b, ", expires %s", t.Expiry.UTC().Format(time.RFC3339))
	}
	if len(t.Scopes) > 0 {
		fmt.Fprintf(&b, ", scopes %s", strings.Join(t.Scopes, " "))
	}
	switch {
	case t.RefreshToken != "" && t.Refused != "":
		fmt.Fprintf(&b, ", refresh token refused %s (%s)", t.RefusedAt.UTC().Format(time.RFC3339), t.Refused)
	case t.RefreshToken != "":
		b.WriteString(", refreshable")
	}
	return b.String()
}

// GoString is String, so %#v does not print the secrets either.
func (t Token) GoString() string { return "oauth.Token{" + t.String() + "}" }

// FromOAuth2 converts a token answer of grant g; requested is the scope
// list asked for, used when the server does not say which it granted. A
// token of a type restmcp cannot use is refused (see CheckType).
func FromOAuth2(t *oauth2.Token, g Grant, requested []string) (*Token, error) {
	tok := &Token{
		AccessToken:  t.AccessToken,
		TokenType:    t.TokenType,
		RefreshToken: t.RefreshToken,
		Expiry:       t.Expiry,
		Issued:       time.Now(),
		Grant:        g,
		Scopes:       requested,
	}
	if s, ok := t.Extra("scope").(string); ok && strings.TrimSpace(s) != "" {
		// status shows them: without control characters (RFC 6749 3.3
		// allows none in a scope).
		tok.Scopes = nil
		for _, sc := range strings.Fields(s) {
			if sc = printable(sc, len(sc)); sc != "" {
				tok.Scopes = append(tok.Scopes, sc)
			}
		}
		if len(tok.Scopes) == 0 {
			tok.Scopes = requested
		}
	}
	if err := tok.CheckType(); err != nil {
		return nil, err
	}
	return tok, nil
}

// Save stores tok for account as JSON.
func Save(s Store, account string, tok *Token) error {
	b, err := json.Marshal(tok)
	if err != nil {
		return err
	}
	if err := s.Set(account, string(b)); err != nil {
		return fmt.Errorf("saving the OAuth token of %s: %w", account, err)
	}
	return nil
}

// Load reads the token stored for account. An error from the store is
// wrapped (errors.Is still matches the store's not-found error).
func Load(s Store, account string) (*Token, error) {
	v, err := s.Get(account)
	if err != nil {
		return nil, fmt.Errorf("reading the OAuth token of %s: %w", account, err)
	}
	var tok Token
	if err := json.Unmarshal([]byte(v), &tok); err != nil || tok.AccessToken == "" {
		// Never echo the value: it holds tokens.
		return nil, &LoginRequiredError{Account: account, Reason: "the stored OAuth token is not readable", unreadable: true}
	}
	return &tok, nil
}

// ErrLoginRequired means the stored token can no longer be used or renewed:
// the user has to sign in again. Matched with errors.Is; the error is a
// *LoginRequiredError.
var ErrLoginRequired = errors.New("sign-in required")

// ErrUnreadable means the store holds something for the account that is
// not a token (a damaged entry): signing in again replaces it. The error
// is a *LoginRequiredError, which matches ErrLoginRequired too.
var ErrUnreadable = errors.New("the stored OAuth token is not readable")

// LoginRequiredError says why a new sign-in is needed. It never holds a
// token.
type LoginRequiredError struct {
	Account string
	Reason  string // e.g. "the authorization server refused the refresh token (invalid_grant)"
	// refused is the error code of a refresh token the server refused.
	refused string
	// unreadable: what is stored is no token (ErrUnreadable).
	unreadable bool
}

func (e *LoginRequiredError) Error() string {
	return fmt.Sprintf("OAuth sign-in needed for %s: %s", e.Account, e.Reason)
}

// Is reports whether target is ErrLoginRequired, or ErrUnreadable for
// what is stored that is no token.
func (e *LoginRequiredError) Is(target error) bool {
	return target == ErrLoginRequired || e.unreadable && target == ErrUnreadable
}

// ServerError is an error answer from the authorization server, without
// the response body (which could echo what was sent).
type ServerError struct {
	Endpoint    string // "token", "device authorization"
	Status      int    // HTTP status, 0 when unknown
	Code        string // RFC 6749 error code, e.g. "invalid_grant"
	Description string // the server's error_description, secrets removed
}

func (e *ServerError) Error() string {
	msg := fmt.Sprintf("the %s endpoint refused the request", e.Endpoint)
	if e.Code != "" {
		msg += ": " + e.Code
	} else if e.Status != 0 {
		msg += fmt.Sprintf(": HTTP %d %s", e.Status, http.StatusText(e.Status))
	}
	if e.Description != "" {
		msg += " (" + e.Description + ")"
	}
	return msg
}

// Temporary reports whether the server could not answer just now (a 5xx
// status, 429 Too Many Requests, temporarily_unavailable, server_error):
// trying again later may work, signing in again would not help.
func (e *ServerError) Temporary() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests || e.Code == "temporarily_unavailable" || e.Code == "server_error"
}

// ServerErrorOf is err, an error of golang.org/x/oauth2 from a request to
// endpoint ("token"), as this package reports such errors: a *ServerError
// without the response's body (a page that may be long, and may quote what
// was sent: a code and its PKCE verifier, a client secret), or a
// *RedirectedError; err itself when it is no answer of the server.
func ServerErrorOf(endpoint string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return err
	}
	return serverError(endpoint, err)
}

// serverError turns golang.org/x/oauth2's errors into ones that cannot
// carry a secret: a RetrieveError prints the response body, which is
// dropped here, and any of secrets found in the description is masked.
func serverError(endpoint string, err error, secrets ...string) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return redactError(err, secrets...)
	}
	if err := redirected(endpoint, re.Response); err != nil {
		return err
	}
	// The error and its description are shown on the terminal: without
	// control characters (escape sequences), as any text from a server.
	se := &ServerError{Endpoint: endpoint, Code: printable(re.ErrorCode, 64), Description: printable(redact(re.ErrorDescription, secrets...), 300)}
	if re.Response != nil {
		se.Status = re.Response.StatusCode
	}
	return se
}

func redact(s string, secrets ...string) string {
	for _, v := range secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}

// redactError keeps err (for errors.Is) unless its message holds a secret.
func redactError(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if r := redact(msg, secrets...); r != msg {
		return errors.New(r)
	}
	return err
}
