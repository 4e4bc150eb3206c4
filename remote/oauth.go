package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
)

// Grant is what OAuth sign-in leaves for later sessions: the client the
// authorization server knows, where to refresh, and the token. It is a
// secret: it belongs in the keyring.
type Grant struct {
	ClientID     string        `json:"client_id"`
	ClientSecret string        `json:"client_secret,omitempty"`
	TokenURL     string        `json:"token_url"`
	AuthStyle    int           `json:"auth_style,omitempty"`
	Token        *oauth2.Token `json:"token"`
}

// grantPrefix marks a stored Grant, to tell it from an API key.
const grantPrefix = `{"oauth":`

// Encode returns g as the text to store.
func (g *Grant) Encode() (string, error) {
	b, err := json.Marshal(struct {
		OAuth *Grant `json:"oauth"`
	}{g})
	return string(b), err
}

// DecodeGrant reads a stored Grant; ok is false for anything else (an API
// key).
func DecodeGrant(s string) (g *Grant, ok bool) {
	if !strings.HasPrefix(s, grantPrefix) {
		return nil, false
	}
	var v struct {
		OAuth *Grant `json:"oauth"`
	}
	if json.Unmarshal([]byte(s), &v) != nil || v.OAuth == nil || v.OAuth.Token == nil {
		return nil, false
	}
	return v.OAuth, true
}

// Renewer is a token source whose token can be refreshed before it
// expires.
type Renewer interface {
	oauth2.TokenSource
	Renew() bool
}

// TokenSource returns the grant's token, refreshed when it expires (or
// when Renew says so); saved is told of every new token (to store it).
// client sends the refresh.
func (g *Grant) TokenSource(client *http.Client, saved func(*Grant)) Renewer {
	cfg := &oauth2.Config{
		ClientID:     g.ClientID,
		ClientSecret: g.ClientSecret,
		Endpoint:     oauth2.Endpoint{TokenURL: g.TokenURL, AuthStyle: oauth2.AuthStyle(g.AuthStyle)},
	}
	ctx := context.Background()
	if client != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, client)
	}
	return &savingSource{grant: *g, src: cfg.TokenSource(ctx, g.Token), saved: saved, client: client}
}

// Renew refreshes the token now, even though it has not expired (the
// server refused it); false when there is no refresh token.
func (s *savingSource) Renew() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.grant.Token == nil || s.grant.Token.RefreshToken == "" {
		return false
	}
	g := s.grant
	t := *g.Token
	t.Expiry = time.Now().Add(-time.Minute)
	g.Token = &t
	s.src = g.TokenSource(s.client, nil).(*savingSource).src
	return true
}

type savingSource struct {
	mu     sync.Mutex
	grant  Grant
	src    oauth2.TokenSource
	saved  func(*Grant)
	client *http.Client
}

func (s *savingSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	src := s.src
	s.mu.Unlock()
	t, err := src.Token()
	if err != nil {
		return nil, fmt.Errorf("refreshing the OAuth token: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.grant.Token == nil || t.AccessToken != s.grant.Token.AccessToken {
		s.grant.Token = t
		if s.saved != nil {
			g := s.grant
			s.saved(&g)
		}
	}
	return t, nil
}

// OAuthOptions configure SignIn.
type OAuthOptions struct {
	// HTTPClient fetches metadata, registers the client and gets tokens
	// (default http.DefaultClient).
	HTTPClient *http.Client
	// ClientName is the name registered with the authorization server.
	ClientName string
	// ClientID is a client registered beforehand; empty registers one
	// (dynamic client registration).
	ClientID string
	// Show presents the authorization URL to the user: opens a browser,
	// or prints it.
	Show func(url string) error
	// Timeout bounds the wait for the user (default 5 minutes).
	Timeout time.Duration
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
		return nil, nil, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, false, err
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	se := &StatusError{Status: resp.StatusCode, Challenge: resp.Header.Get("WWW-Authenticate")}
	return req, resp, se.WantsOAuth(), nil
}

// SignIn runs the MCP authorization flow after the server's 401 (req,
// resp from NeedsOAuth): protected-resource metadata, authorization server
// metadata, client registration, then the authorization code with PKCE,
// received on a loopback redirect.
func SignIn(ctx context.Context, req *http.Request, resp *http.Response, opts OAuthOptions) (*Grant, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the authorization redirect: %w", err)
	}
	defer ln.Close()
	redirect := fmt.Sprintf("http://127.0.0.1:%d/callback", ln.Addr().(*net.TCPAddr).Port)

	results := make(chan *auth.AuthorizationResult, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if e := q.Get("error"); e != "" {
			fmt.Fprintf(w, "<p>Sign-in failed: %s. You can close this tab.</p>", html.EscapeString(e))
		} else {
			fmt.Fprint(w, "<p>Signed in. You can close this tab and go back to the terminal.</p>")
		}
		select {
		case results <- &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}:
		default:
		}
	})}
	go srv.Serve(ln)
	defer srv.Close()

	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	fetch := func(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
		if err := opts.Show(args.URL); err != nil {
			return nil, err
		}
		select {
		case r := <-results:
			if r.Code == "" {
				return nil, errors.New("the authorization server sent no code (sign-in refused?)")
			}
			return r, nil
		case <-time.After(timeout):
			return nil, fmt.Errorf("no sign-in within %s", timeout)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}

	var grant Grant
	cfg := &auth.AuthorizationCodeHandlerConfig{
		RedirectURL:              redirect,
		AuthorizationCodeFetcher: fetch,
		RequestRefreshToken:      true,
		Client:                   opts.HTTPClient,
		NewTokenSource: func(ctx context.Context, c *oauth2.Config, t *oauth2.Token) (oauth2.TokenSource, error) {
			grant = Grant{ClientID: c.ClientID, ClientSecret: c.ClientSecret, TokenURL: c.Endpoint.TokenURL, AuthStyle: int(c.Endpoint.AuthStyle), Token: t}
			return oauth2.StaticTokenSource(t), nil
		},
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
		return nil, err
	}
	if err := h.Authorize(ctx, req, resp); err != nil {
		return nil, fmt.Errorf("OAuth sign-in: %w", err)
	}
	if grant.Token == nil {
		return nil, errors.New("OAuth sign-in: no token")
	}
	return &grant, nil
}
