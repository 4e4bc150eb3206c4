package remote

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"

	"github.com/restmcp/restmcp/oauth"
)

// OAuthOptions configure SignIn.
type OAuthOptions struct {
	// HTTPClient fetches metadata, registers the client and gets tokens
	// (default http.DefaultClient); SignIn follows no redirect of its
	// POSTs.
	HTTPClient *http.Client
	// ClientName is the name registered with the authorization server.
	ClientName string
	// ClientID is a client registered beforehand; empty registers one
	// (dynamic client registration).
	ClientID string
	// Scopes, when given, are the scopes to ask for, in place of those the
	// server's challenge or metadata names (a server asking for more, by
	// an insufficient_scope answer, names them); Kept are scopes asked for
	// at an earlier sign-in, asked for again beside those the server names,
	// so that a new sign-in loses none.
	Scopes, Kept []string
	// Show presents the authorization URL to the user: opens a browser,
	// or prints it.
	Show func(url string) error
	// Timeout bounds the wait for the user (default 5 minutes).
	Timeout time.Duration
	// hooks are the tests' view of the sign-in's steps (nil: none).
	hooks *signInHooks
}

// signInHooks are called at steps of SignIn whose order the tests set:
// each is nil or a function that returns once the test has done what it
// needs at that step.
type signInHooks struct {
	// queued: the callback handed the redirect's answer to the sign-in.
	queued func()
	// finished: SignIn has told the callback how it ended.
	finished func()
}

func (h *signInHooks) atQueued() {
	if h != nil && h.queued != nil {
		h.queued()
	}
}

func (h *signInHooks) atFinished() {
	if h != nil && h.finished != nil {
		h.finished()
	}
}

// NeedsOAuth asks the server at url, without credentials, whether it
// wants MCP authorization; the answer's challenge is kept for SignIn.
func NeedsOAuth(ctx context.Context, url string, client *http.Client) (*http.Request, *http.Response, bool, error) {
	if client == nil {
		client = http.DefaultClient
	}
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"restmcp","version":"0"}}}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return nil, nil, false, withoutURL(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, false, withoutURL(err)
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	se := &StatusError{Status: resp.StatusCode, Challenge: resp.Header.Get("WWW-Authenticate")}
	wants := se.WantsOAuth()
	if !wants && resp.StatusCode == http.StatusUnauthorized && bearerChallenge(resp) {
		// No resource_metadata (a server of the 2025-03-26 protocol, or
		// one that leaves it out): the metadata at its well-known URLs
		// says whether it signs in with OAuth.
		// Protected-resource metadata says so; an authorization
		// server's alone (the 2025-03-26 fallback, which a server that
		// takes keys may serve too) only when restmcp can register
		// there (with --oauth and --client-id it signs in all the same).
		prm, asm := discover(ctx, req.URL.String(), client)
		wants = asm != nil && (prm != nil || asm.RegistrationEndpoint != "")
	}
	return req, resp, wants, nil
}

// bearerChallenge reports whether resp asks for a bearer token, or names
// no scheme at all.
func bearerChallenge(resp *http.Response) bool {
	h := resp.Header.Values("WWW-Authenticate")
	if len(h) == 0 {
		return true
	}
	cs, err := oauthex.ParseWWWAuthenticate(h)
	if err != nil {
		return false
	}
	for _, c := range cs {
		if strings.EqualFold(c.Scheme, "bearer") {
			return true
		}
	}
	return false
}

// discover finds the metadata of the MCP server at mcpURL as MCP clients
// look for it when its challenge names none: its protected-resource
// metadata at the well-known URL for its path, then at the root (RFC 9728),
// and its authorization server's metadata; without protected-resource
// metadata (the 2025-03-26 protocol), the server's root is its
// authorization server. Either is nil when not found.
func discover(ctx context.Context, mcpURL string, c *http.Client) (*oauthex.ProtectedResourceMetadata, *oauthex.AuthServerMeta) {
	u, err := url.Parse(mcpURL)
	if err != nil {
		return nil, nil
	}
	root := *u
	root.Path, root.RawPath, root.RawQuery, root.Fragment = "", "", "", ""
	candidates := []struct{ metadata, resource string }{
		{root.String() + "/.well-known/oauth-protected-resource/" + strings.TrimLeft(u.Path, "/"), mcpURL},
		{root.String() + "/.well-known/oauth-protected-resource", root.String()},
	}
	for _, cand := range candidates {
		prm, err := oauthex.GetProtectedResourceMetadata(ctx, cand.metadata, cand.resource, c)
		if err != nil || prm == nil || len(prm.AuthorizationServers) == 0 {
			continue
		}
		asm, err := auth.GetAuthServerMetadata(ctx, prm.AuthorizationServers[0], c)
		if err != nil || asm == nil {
			return prm, nil
		}
		return prm, asm
	}
	asm, err := auth.GetAuthServerMetadata(ctx, root.String(), c)
	if err != nil || asm == nil {
		return nil, nil
	}
	return nil, asm
}

// errNoCode is an authorization redirect without a code or an error.
var errNoCode = errors.New("the authorization server sent no code")

// SignIn runs the MCP authorization flow after the server's 401 (req,
// resp from NeedsOAuth): protected-resource metadata, authorization server
// metadata, client registration, then the authorization code with PKCE,
// received on a loopback redirect.
// It returns the client the authorization server knows (ID, secret when
// registration gave one, endpoints, scopes) and the first token, to store
// and refresh as any OAuth 2.0 token (oauth.Save, oauth.TokenSource).
func SignIn(ctx context.Context, req *http.Request, resp *http.Response, opts OAuthOptions) (_ oauth.Config, _ *oauth.Token, err error) {
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	// The code exchange and the registration are POSTs that a redirect
	// would send on, code and PKCE verifier included.
	opts.HTTPClient = oauth.NoPostRedirects(opts.HTTPClient)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return oauth.Config{}, nil, fmt.Errorf("listening for the authorization redirect: %w", err)
	}
	defer ln.Close()
	redirect := fmt.Sprintf("http://127.0.0.1:%d/callback", ln.Addr().(*net.TCPAddr).Port)

	type result struct {
		res *auth.AuthorizationResult
		err error // the authorization server's error (oauth.RedirectError)
		// outcome receives how the sign-in ended once its code was
		// handed on (the checks of state and issuer, the code exchange):
		// the browser's page says so then, not before.
		outcome chan error
	}
	results := make(chan result, 1)
	// finished is closed when SignIn returns, with ended its error: a
	// page still waiting for the outcome (the sign-in ended another way)
	// is answered then.
	finished := make(chan struct{})
	var ended error
	// state is this sign-in's, once its URL is shown: only the redirect
	// that carries it is the answer.
	var state atomic.Pointer[string]
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		// Some providers leave the state off an error (access_denied when
		// the user declines): it ends the sign-in, which it cannot
		// complete, rather than a wait until the timeout.
		stateless := !q.Has("state") && q.Get("error") != ""
		if want := state.Load(); !stateless && (want == nil || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(*want)) != 1) {
			// Another page, or an old tab: the sign-in keeps waiting.
			http.Error(w, "This is not the answer to the sign-in in progress (its state does not match).", http.StatusBadRequest)
			return
		}
		res := result{res: &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}, err: oauth.RedirectError(q)}
		if res.err == nil && res.res.Code == "" {
			res.err = errNoCode
		}
		if res.err == nil {
			res.outcome = make(chan error, 1)
		}
		select {
		case results <- res:
		default:
			http.Error(w, "This sign-in is already finished.", http.StatusGone)
			return
		}
		opts.hooks.atQueued()
		// The code is exchanged for tokens after this redirect: the page
		// waits for that, for as long as the browser does.
		oauth.RedirectPage(w, r, res.err, res.outcome, finished, func() error { return ended })
	})}
	go srv.Serve(ln)
	// Shut down, not closed: the browser still gets the page that says
	// how the sign-in ended.
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	// The code handed on, if any: its page is told how the sign-in ended,
	// before the server shuts down.
	var outcome chan error
	defer func() {
		if outcome != nil {
			outcome <- err
		}
		ended = err
		if ended == nil {
			ended = errors.New("the sign-in ended")
		}
		close(finished)
		opts.hooks.atFinished()
	}()

	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	fetch := func(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
		u, err := url.Parse(args.URL)
		if err != nil {
			return nil, fmt.Errorf("the authorization URL: %w", err)
		}
		st := u.Query().Get("state")
		state.Store(&st)
		if err := opts.Show(args.URL); err != nil {
			return nil, err
		}
		select {
		case r := <-results:
			switch {
			case r.err != nil:
				return nil, r.err
			}
			outcome = r.outcome
			return r.res, nil
		case <-time.After(timeout):
			return nil, fmt.Errorf("no sign-in within %s", timeout)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}

	var (
		cfg0 oauth.Config
		tok  *oauth.Token
	)
	cfg := &auth.AuthorizationCodeHandlerConfig{
		RedirectURL:              redirect,
		AuthorizationCodeFetcher: fetch,
		RequestRefreshToken:      true,
		// An iss naming the server's own issuer is accepted even when its
		// metadata does not advertise it (Sentry's, Google's send it so;
		// RFC 9207 2.4 leaves it to the client); another issuer is
		// refused all the same.
		AcceptUnadvertisedIss: true,
		Client:                opts.HTTPClient,
		NewTokenSource: func(ctx context.Context, c *oauth2.Config, t *oauth2.Token) (oauth2.TokenSource, error) {
			cfg0 = oauth.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, AuthURL: c.Endpoint.AuthURL, TokenURL: c.Endpoint.TokenURL, Scopes: c.Scopes}
			var err error
			if tok, err = oauth.FromOAuth2(t, oauth.GrantAuthorizationCode, c.Scopes); err != nil {
				return nil, err
			}
			return oauth2.StaticTokenSource(t), nil
		},
	}
	switch {
	case len(opts.Scopes) > 0:
		cfg.ScopeFilter = func([]string) []string { return slices.Clone(opts.Scopes) }
	case len(opts.Kept) > 0:
		cfg.ScopeFilter = func(named []string) []string {
			scopes := slices.Clone(opts.Kept)
			for _, s := range named {
				if !slices.Contains(scopes, s) {
					scopes = append(scopes, s)
				}
			}
			return scopes
		}
	}
	if opts.ClientID != "" {
		cfg.PreregisteredClient = &oauthex.ClientCredentials{ClientID: opts.ClientID}
	} else {
		cfg.DynamicClientRegistrationConfig = &auth.DynamicClientRegistrationConfig{Metadata: &oauthex.ClientRegistrationMetadata{
			RedirectURIs:            []string{redirect},
			ClientName:              opts.ClientName,
			GrantTypes:              []string{"authorization_code", "refresh_token"},
			ResponseTypes:           []string{"code"},
			TokenEndpointAuthMethod: "none",
		}}
	}
	h, err := auth.NewAuthorizationCodeHandler(cfg)
	if err != nil {
		return oauth.Config{}, nil, err
	}
	if err := h.Authorize(ctx, req, resp); err != nil {
		// The token endpoint's answer without its body; its redirect
		// as such.
		err = oauth.ServerErrorOf("token", err)
		// The authorization server's answers (a registration refused)
		// are quoted in it: shown without their control characters.
		return oauth.Config{}, nil, fmt.Errorf("OAuth sign-in: %w", oauth.PrintableError(err))
	}
	if tok == nil || tok.AccessToken == "" {
		return oauth.Config{}, nil, errors.New("OAuth sign-in: no token")
	}
	cfg0.Resource, cfg0.RevocationURL = serverMetadata(ctx, req, resp, opts.HTTPClient)
	return cfg0, tok, nil
}

// serverMetadata reads, from the metadata that resp's challenge leads to,
// the resource indicator (RFC 8707) that token requests carry, the
// protected resource's own name else the MCP server's URL; and the
// revocation endpoint (RFC 7009) of its authorization server, "" when its
// metadata names none or cannot be read (logout then only forgets the
// token).
func serverMetadata(ctx context.Context, req *http.Request, resp *http.Response, c *http.Client) (resource, revocation string) {
	if c == nil {
		c = http.DefaultClient
	}
	resource = req.URL.String()
	cs, _ := oauthex.ParseWWWAuthenticate(resp.Header.Values("WWW-Authenticate"))
	named := false
	for _, ch := range cs {
		u := ch.Params["resource_metadata"]
		if u == "" {
			continue
		}
		named = true
		prm, err := oauthex.GetProtectedResourceMetadata(ctx, u, req.URL.String(), c)
		if err != nil || prm == nil || len(prm.AuthorizationServers) == 0 {
			return resource, ""
		}
		if prm.Resource != "" {
			resource = prm.Resource
		}
		asm, err := auth.GetAuthServerMetadata(ctx, prm.AuthorizationServers[0], c)
		if err != nil || asm == nil {
			return resource, ""
		}
		return resource, asm.RevocationEndpoint
	}
	if !named {
		// No metadata named: where the sign-in found it.
		prm, asm := discover(ctx, req.URL.String(), c)
		if prm != nil && prm.Resource != "" {
			resource = prm.Resource
		}
		if asm != nil {
			return resource, asm.RevocationEndpoint
		}
	}
	return resource, ""
}
