package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
)

// TokenAccount is the keyring account of a profile's OAuth tokens (one
// JSON value: access and refresh token, expiry, scopes).
func TokenAccount(profileName string) string { return profileName + "/oauth-token" }

// Tokens is where OAuth tokens are kept: the keyring, in parts when a
// token is longer than the OS keyring takes in one entry.
func (a *App) Tokens() keyring.Split { return keyring.Split{Store: a.Keyring} }

// ClientSecretAccount is the keyring account of a profile's OAuth client
// secret.
func ClientSecretAccount(profileName string) string { return profileName + "/client-secret" }

// ErrNoScheme means the description declares no security scheme restmcp
// can use: the key is sent in the profile's header (--auth-header,
// --auth-scheme).
var ErrNoScheme = errors.New("the description declares no usable security scheme")

// SchemeChoiceError is a description that declares several schemes when
// none was chosen: the caller asks the user or lists them.
type SchemeChoiceError struct {
	Schemes []*client.SecurityScheme
}

func (e *SchemeChoiceError) Error() string {
	var b strings.Builder
	b.WriteString("the API declares several ways to authenticate: choose one with --scheme NAME")
	for _, s := range e.Schemes {
		fmt.Fprintf(&b, "\n  %s", SchemeLine(s))
	}
	return b.String()
}

// SchemeLine shows a scheme and what signing in with it needs.
func SchemeLine(s *client.SecurityScheme) string {
	return fmt.Sprintf("--scheme %-24s %s; needs %s", s.Name, s.Kind(), SchemeNeeds(s))
}

// SchemeNeeds says what login asks for to use s.
func SchemeNeeds(s *client.SecurityScheme) string {
	switch {
	case !s.Supported():
		return "a flow restmcp does not support (use --auth-header/--auth-scheme with a key)"
	case s.Type == client.TypeAPIKey:
		return "an API key"
	case s.Type == client.TypeHTTP && s.Scheme == "basic":
		return "--username and a password or token, or user:password"
	case s.Type == client.TypeHTTP:
		return "a token"
	}
	_, code := s.Flows[client.FlowAuthorizationCode]
	_, dev := s.Flows[client.FlowDeviceAuthorization]
	if s.Type == client.TypeOAuth2 && !code && !dev {
		return "--client-id and a client secret"
	}
	return "--client-id (a client registered with the provider) and a browser sign-in"
}

// ChooseScheme picks the scheme a login uses: name when given (it must be
// declared and supported), else the only supported scheme the operations
// use. It fails with ErrNoScheme when there is none and a
// *SchemeChoiceError when there are several.
func ChooseScheme(api *client.API, name string) (*client.SecurityScheme, error) {
	if name != "" {
		s := api.SecuritySchemes[name]
		if s == nil || !s.Supported() {
			all := &SchemeChoiceError{Schemes: api.UsedSchemes()}
			why := "is not declared"
			if s != nil {
				why = "is not supported (" + s.Kind() + ")"
			}
			return nil, fmt.Errorf("--scheme %s %s; the description declares:%s", name, why, strings.TrimPrefix(all.Error(), "the API declares several ways to authenticate: choose one with --scheme NAME"))
		}
		return s, nil
	}
	var ok []*client.SecurityScheme
	for _, s := range api.UsedSchemes() {
		if s.Supported() {
			ok = append(ok, s)
		}
	}
	switch len(ok) {
	case 0:
		return nil, ErrNoScheme
	case 1:
		return ok[0], nil
	}
	return nil, &SchemeChoiceError{Schemes: ok}
}

// AuthFor is the profile's Auth for scheme s; the scopes of an OAuth 2.0
// scheme are the union ops need (an openIdConnect scheme's endpoints are
// filled by discovery, see Discover).
func AuthFor(s *client.SecurityScheme, ops []*client.Operation) *profile.Auth {
	au := &profile.Auth{Scheme: s.Name}
	switch s.Type {
	case client.TypeAPIKey:
		au.Kind, au.In, au.Name = profile.AuthAPIKey, s.In, s.ParamName
	case client.TypeHTTP:
		au.Kind = profile.AuthBearer
		if s.Scheme == "basic" {
			au.Kind = profile.AuthBasic
		}
	case client.TypeOAuth2, client.TypeOpenIDConnect:
		au.Kind = profile.AuthOAuth2
		o := &profile.OAuth{Scopes: client.Scopes(ops, s.Name), Grant: string(oauth.GrantAuthorizationCode)}
		for _, g := range []oauth.Grant{oauth.GrantAuthorizationCode, oauth.GrantDeviceCode, oauth.GrantClientCredentials} {
			if UseOAuthGrant(o, s, g) {
				break
			}
		}
		if s.Type == client.TypeOpenIDConnect && len(o.Scopes) == 0 {
			o.Scopes = []string{"openid"}
		}
		au.OAuth = o
	}
	return au
}

// oauthFlows are the names of the OpenAPI oauth2 flows that sign in with
// each grant.
var oauthFlows = map[oauth.Grant]string{
	oauth.GrantAuthorizationCode: client.FlowAuthorizationCode,
	oauth.GrantDeviceCode:        client.FlowDeviceAuthorization,
	oauth.GrantClientCredentials: client.FlowClientCredentials,
}

// OAuthFlowName is the name of the OpenAPI oauth2 flow that signs in with
// grant g.
func OAuthFlowName(g oauth.Grant) string { return oauthFlows[g] }

// UseOAuthGrant makes o sign in with grant g, taking the endpoints of the
// oauth2 scheme s's flow for it, and reports whether s declares that flow
// (false leaves o as it was). An openIdConnect scheme's endpoints come
// from discovery: only the grant changes, and it reports true.
func UseOAuthGrant(o *profile.OAuth, s *client.SecurityScheme, g oauth.Grant) bool {
	if s.Type == client.TypeOpenIDConnect {
		o.Grant = string(g)
		return true
	}
	f, ok := s.Flows[oauthFlows[g]]
	if !ok {
		return false
	}
	o.Grant = string(g)
	o.AuthURL, o.TokenURL, o.RefreshURL, o.DeviceAuthURL = f.AuthorizationURL, f.TokenURL, f.RefreshURL, f.DeviceAuthURL
	return true
}

// Credential is how requests for p's API prove who sends them, for a key
// from keys: in the declared place of p.Auth's scheme, else in the
// profile's header and scheme (or format); for an OAuth 2.0 profile, the
// key as its access token. An OAuth 2.0 profile's tokens come from the
// keyring: see ProfileCredential.
func Credential(p profile.Profile, keys client.KeySource) client.Credential {
	if au := p.Auth; au != nil {
		switch au.Kind {
		case profile.AuthAPIKey:
			switch au.In {
			case "query":
				return client.QueryKey{Name: au.Name, Key: keys}
			case "cookie":
				return client.CookieKey{Name: au.Name, Key: keys}
			}
			scheme := ""
			if strings.EqualFold(au.Name, client.DefaultAuthHeader) {
				// The declaration does not say what precedes the key
				// in Authorization: the profile's scheme (Bearer).
				scheme = p.Scheme()
			}
			return client.HeaderKey{Header: au.Name, Scheme: scheme, Format: p.AuthFormat, Key: keys}
		case profile.AuthBasic:
			return client.BasicAuth{Username: au.Username, Password: keys}
		case profile.AuthBearer:
			return client.HeaderKey{Scheme: "Bearer", Format: p.AuthFormat, Key: keys}
		case profile.AuthOAuth2:
			// A key in place of the sign-in's tokens (KeyEnv) is an
			// access token, sent as they are.
			return client.HeaderKey{Scheme: "Bearer", Key: keys}
		}
	}
	return client.HeaderKey{Header: p.Header(), Scheme: p.Scheme(), Format: p.AuthFormat, Key: keys}
}

// ProfileCredential is the credential serve uses for p: OAuth 2.0 tokens
// (see OAuthCredential), or p's key (see Credential).
func (a *App) ProfileCredential(p profile.Profile) client.Credential {
	if IsOAuthProfile(p) {
		return a.OAuthCredential(p)
	}
	return a.describedOr(p, a.KeySource(p.Name))
}

// OAuthCredential is the credential of an OAuth 2.0 profile: its tokens
// from the keyring, renewed as needed; or, when KeyEnv is set, its value
// as the access token (sent as "Authorization: Bearer", never renewed),
// which is how the profile is used without the keyring.
func (a *App) OAuthCredential(p profile.Profile) client.Credential {
	if a.EnvKey() != "" {
		return Credential(p, a.KeySource(p.Name))
	}
	return client.BearerToken{Tokens: a.tokens(p)}
}

// EnvKey is the value of KeyEnv, "" when unset.
func (a *App) EnvKey() string {
	if a.Getenv == nil || a.KeyEnv == "" {
		return ""
	}
	return a.Getenv(a.KeyEnv)
}

// describedOr is Credential(p, keys), or a describedCredential when p does
// not say how its key is sent.
func (a *App) describedOr(p profile.Profile, keys client.KeySource) client.Credential {
	if saysHowToSend(p) {
		return Credential(p, keys)
	}
	return &describedCredential{app: a, p: p, keys: keys, initial: Credential(p, keys)}
}

// OAuthConfig is p's OAuth 2.0 client, its secret read from the keyring
// when one was stored.
func (a *App) OAuthConfig(p profile.Profile) (oauth.Config, error) {
	var secret string
	if p.Auth.OAuth.ClientSecret {
		s, err := a.Keyring.Get(ClientSecretAccount(p.Name))
		if err != nil {
			return oauth.Config{}, fmt.Errorf("reading the client secret of profile %q: %w", p.Name, err)
		}
		secret = s
	}
	return OAuthClient(p.Auth.OAuth, secret), nil
}

// OAuthClient is the OAuth 2.0 client o describes, with secret ("" for a
// public client).
func OAuthClient(o *profile.OAuth, secret string) oauth.Config {
	return oauth.Config{
		ClientID: o.ClientID, ClientSecret: secret, AuthURL: o.AuthURL, TokenURL: o.TokenURL, RefreshURL: o.RefreshURL,
		DeviceAuthURL: o.DeviceAuthURL, RevocationURL: o.RevocationURL, Scopes: o.Scopes, Resource: o.Resource,
		ClientAuth: o.ClientAuth, Issuer: o.Issuer, IssParameterSupported: o.IssParameterSupported,
	}
}

// LockDir holds the lock files that serialise token refreshes.
func (a *App) LockDir() string {
	dir, err := a.ConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "locks")
}

// profileTokens hands out p's access token; its errors say what to do.
// The client secret is read from the keyring at the first call that needs
// a token, not when the server starts, and a read that failed is not
// kept: a keyring locked then, or a sign-in made since, takes effect at
// the next call without a restart. A keyring that does not answer costs
// each call one timeout, as reading the token would.
type profileTokens struct {
	a *App
	p profile.Profile
	// sem is held while the client secret is read, so that calls made at
	// once read it once.
	sem chan struct{}
	src atomic.Pointer[oauth.TokenSource] // nil until the secret is read
}

func (a *App) tokens(p profile.Profile) *profileTokens {
	return &profileTokens{a: a, p: p, sem: make(chan struct{}, 1)}
}

// source is p's token source, built with the client secret at the first
// call that reads it.
func (t *profileTokens) source(ctx context.Context) (*oauth.TokenSource, error) {
	if src := t.src.Load(); src != nil {
		return src, nil
	}
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-t.sem }()
	if src := t.src.Load(); src != nil { // read while this call waited
		return src, nil
	}
	cfg, err := t.a.OAuthConfig(t.p)
	if err != nil {
		return nil, err
	}
	src := t.a.tokenSource(t.p, cfg)
	t.src.Store(src)
	return src, nil
}

// tokenSource is the source of p's tokens, renewed with cfg.
func (a *App) tokenSource(p profile.Profile, cfg oauth.Config) *oauth.TokenSource {
	src := oauth.NewTokenSource(cfg, a.Tokens(), TokenAccount(p.Name), a.LockDir())
	src.Renewals = a.Renewals
	src.Warn = func(msg string, err error) {
		if a.Log != nil {
			a.Log.Warn(msg, "err", err)
		}
	}
	return src
}

// TokenUnreadable reports whether err, from reading an OAuth profile's
// tokens, means that the keyring answered but its entry holds no token
// that can be read (damaged): signing in again replaces it. A keyring out
// of reach is not that.
func TokenUnreadable(err error) bool {
	return errors.Is(err, oauth.ErrUnreadable) || errors.Is(err, keyring.ErrDamaged)
}

// UnreadableSignIn says that profile name's stored sign-in cannot be read
// (TokenUnreadable), and what to do.
func (a *App) UnreadableSignIn(name string) string {
	return fmt.Sprintf("the stored sign-in of profile %q cannot be read (its keyring entry is damaged): run `%s` to sign in again", name, a.LoginCommand(name))
}

// reachKeyring says what to do about a keyring that could not be read
// (err): signing in again needs it too, so the way is to unlock or reach
// it and call again, or to send an access token from KeyEnv instead.
func (a *App) reachKeyring(err error) string {
	if keyring.Locked(err) {
		return fmt.Sprintf("the keyring is locked: unlock it (%s) and call again, or set %s to an access token", keyring.HowToUnlock, a.KeyEnv)
	}
	return fmt.Sprintf("make it reachable (unlock it, or start a keyring daemon in this session) and call again, or set %s to an access token", a.KeyEnv)
}

func (t *profileTokens) AccessToken(ctx context.Context) (string, error) {
	src, err := t.source(ctx)
	if err != nil {
		return "", t.sourceError(err)
	}
	tok, err := src.Token(ctx)
	var se *oauth.ServerError
	var ne net.Error
	var ut *oauth.UnsupportedTokenTypeError
	var rd *oauth.RedirectedError
	switch {
	case err == nil:
		return tok.AccessToken, nil
	case errors.As(err, &ut):
		return "", err // signing in again brings the same type
	case errors.As(err, &rd):
		return "", err // signing in again meets the same redirect
	case TokenUnreadable(err):
		return "", errors.New(t.a.UnreadableSignIn(t.p.Name))
	case errors.Is(err, oauth.ErrLoginRequired), errors.Is(err, keyring.ErrNotFound):
		return "", fmt.Errorf("not signed in to profile %q (or the sign-in expired): run `%s`", t.p.Name, t.a.LoginCommand(t.p.Name))
	case errors.Is(err, keyring.ErrUnavailable):
		// Signing in again needs the keyring too.
		return "", fmt.Errorf("%w: the OAuth tokens of profile %q are kept in the OS keyring; %s", err, t.p.Name, t.a.reachKeyring(err))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "", err // the caller gave up: its own message says so
	case errors.As(err, &se) && se.Temporary(), errors.As(err, &ne):
		// A passing failure: the sign-in still holds.
		return "", fmt.Errorf("the OAuth token could not be renewed just now: %w; try again in a moment", err)
	}
	return "", fmt.Errorf("%w (sign in again with `%s`)", err, t.a.LoginCommand(t.p.Name))
}

// sourceError says what to do when the client secret could not be read:
// reach the keyring when it is locked or unavailable, else sign in again
// (login stores the secret).
func (t *profileTokens) sourceError(err error) error {
	switch {
	case errors.Is(err, keyring.ErrUnavailable):
		return fmt.Errorf("%w; %s", err, t.a.reachKeyring(err))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err // the caller gave up: its own message says so
	}
	return fmt.Errorf("%w: run `%s`", err, t.a.LoginCommand(t.p.Name))
}

func (t *profileTokens) Invalidate(tok string) bool {
	src := t.src.Load()
	return src != nil && src.Invalidate(tok)
}

// MissingScheme is the error of an operation p's scheme cannot satisfy:
// it names the login that signs in with one it accepts, or says that
// restmcp can sign in with none of them (schemes are api's).
func (a *App) MissingScheme(p profile.Profile, schemes map[string]*client.SecurityScheme) func(op *client.Operation, accepts []string) error {
	return func(op *client.Operation, accepts []string) error {
		if len(accepts) == 0 {
			var alts []string
			for _, r := range op.Requirements {
				alts = append(alts, strings.Join(slices.Sorted(maps.Keys(r)), " + "))
			}
			slices.Sort(alts)
			return fmt.Errorf("%s %s needs several credentials at once (%s), which one profile cannot hold", op.Method, op.Path, strings.Join(alts, ", or "))
		}
		var kinds []string
		for _, name := range accepts {
			if s := schemes[name]; s != nil && s.Supported() {
				return fmt.Errorf("%s %s needs a credential of scheme %s; profile %q signs in with %q: run `%s --scheme %s` (or use another profile for it)",
					op.Method, op.Path, strings.Join(accepts, " or "), p.Name, p.Auth.Scheme, a.LoginCommand(p.Name), name)
			} else if s != nil {
				kinds = append(kinds, s.Kind())
			}
		}
		what := ""
		if len(kinds) > 0 {
			what = " (" + strings.Join(kinds, ", ") + ")"
		}
		return fmt.Errorf("%s %s needs a credential of scheme %s%s, which restmcp cannot sign in with; profile %q signs in with %q. A token or key obtained otherwise can be sent by a profile logged in with --auth-header NAME and --auth-scheme WORD",
			op.Method, op.Path, strings.Join(accepts, " or "), what, p.Name, p.Auth.Scheme)
	}
}

// keyPlaceholder stands for the key in SentAs: letters only, so that no
// escaping changes it.
const keyPlaceholder = "RESTMCPKEYPLACEHOLDER"

// SentAs shows how requests for p carry a key, with "<key>" in its
// place: "Authorization: Bearer <key>", "the query parameter
// api_key=<key>", "the cookie session=<key>", "HTTP basic, user AC1".
// It applies the credential Credential builds, so it says what is sent.
func SentAs(p profile.Profile) string {
	if au := p.Auth; au != nil {
		switch au.Kind {
		case profile.AuthBasic:
			if au.Username == "" {
				return "HTTP basic, the key as user:password (KEY: the key as the user name)"
			}
			return fmt.Sprintf("HTTP basic, user %q, the key as the password", au.Username)
		case profile.AuthOAuth2:
			return "Authorization: Bearer <OAuth access token>"
		}
	}
	return sentAs(Credential(p, client.StaticKey(keyPlaceholder)))
}

// saysHowToSend reports whether p says how its key is sent: a declared
// scheme chosen at login, or the --auth-header, --auth-scheme and
// --auth-format flags.
func saysHowToSend(p profile.Profile) bool {
	return p.Auth != nil || p.AuthHeader != "" || p.AuthScheme != nil || p.AuthFormat != ""
}

// Described is p with the way of sending its key that the description
// declares, when p says none (a description served without login, the key
// from the environment or from callers over HTTP): the one scheme of the
// API's that restmcp can use and that takes a key (an API key in a header,
// the query or a cookie; HTTP basic or bearer). With none, several, or an
// OAuth 2.0 one (whose tokens come from login), p is unchanged and the key
// goes as "Authorization: Bearer"; several are logged with how to choose.
func (a *App) Described(p profile.Profile, api *client.API) profile.Profile {
	if saysHowToSend(p) || api == nil {
		return p
	}
	s, err := ChooseScheme(api, "")
	var several *SchemeChoiceError
	switch {
	case errors.As(err, &several):
		a.Log.Warn("the description declares several ways to send the key: it goes as \"Authorization: Bearer\"; choose one with `login --scheme NAME`, or set --auth-header and --auth-scheme", "schemes", strings.Join(schemeNames(several.Schemes), ", "))
		return p
	case err != nil, s.Type == client.TypeOAuth2, s.Type == client.TypeOpenIDConnect:
		return p
	}
	p.Auth = AuthFor(s, api.Operations)
	return p
}

// DescribedProfile is Described(p, its API), the description read now,
// for what shows and checks how the key goes (status): p itself when it
// says how, or when the description cannot be read.
func (a *App) DescribedProfile(ctx context.Context, p profile.Profile) profile.Profile {
	p, _ = a.DescribedProfileRead(ctx, p)
	return p
}

// DescribedProfileRead is DescribedProfile, also returning, when the
// description had to be read and its URL gave no answer within ctx (no
// copy saved earlier standing in), the CheckSetupError a key check would
// give after waiting for it again.
func (a *App) DescribedProfileRead(ctx context.Context, p profile.Profile) (profile.Profile, error) {
	if saysHowToSend(p) || p.Spec == "" || p.MCPURL != "" {
		return p, nil
	}
	// From the compiled description when serve saved one, as serve reads
	// it; else read now, within ctx's time.
	if _, e := a.cachedEntry(p); e != nil {
		api, err := e.api()
		e.close()
		if err == nil {
			return a.Described(p, api), nil
		}
	}
	api, err := a.LoadAPI(ctx, p, nil)
	switch {
	case err == nil:
		return a.Described(p, api), nil
	case client.IsURL(p.Spec) && (errors.Is(err, client.ErrUnreachable) || errors.Is(err, context.DeadlineExceeded)):
		return p, unreachableDescription(p.Spec, err)
	}
	return p, nil
}

func schemeNames(l []*client.SecurityScheme) []string {
	names := make([]string, len(l))
	for i, s := range l {
		names[i] = s.Name
	}
	return names
}

// describedCredential is the credential of a profile that does not say how
// its key is sent (see Described): until the description is read, the key
// goes as "Authorization: Bearer" (the description's own fetch); from then
// on (settle), the way the description declares.
type describedCredential struct {
	app     *App
	p       profile.Profile
	keys    client.KeySource
	initial client.Credential
	settled atomic.Pointer[client.Credential]
	once    sync.Once
	// described is p as the description made it (see Described), once
	// settled.
	described profile.Profile
}

// profile is p, with the description's way of sending the key once
// settled.
func (d *describedCredential) profile() profile.Profile {
	if d.settled.Load() != nil {
		return d.described
	}
	return d.p
}

func (d *describedCredential) current() client.Credential {
	if c := d.settled.Load(); c != nil {
		return *c
	}
	return d.initial
}

// Apply implements client.Credential.
func (d *describedCredential) Apply(r *http.Request) (string, error) { return d.current().Apply(r) }

// Unwrap implements client.Wrapper.
func (d *describedCredential) Unwrap() client.Credential { return d.current() }

// settle chooses the credential for api, once.
func (d *describedCredential) settle(api *client.API) {
	d.once.Do(func() {
		d.described = d.app.Described(d.p, api)
		c := Credential(d.described, d.keys)
		d.settled.Store(&c)
	})
}
