package remote

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// oauthServer is an MCP server behind a minimal authorization server that
// issues "access-1" for a code and "access-2" for the refresh token.
type oauthServer struct {
	*httptest.Server
	mu       sync.Mutex
	verifier string // the PKCE verifier the token request carried
	refreshs int
}

func newOAuthServer(t *testing.T) *oauthServer {
	o := &oauthServer{}
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("/mcp", func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "Bearer access-1" && a != "Bearer access-2" {
			w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="`+o.URL+`/.well-known/oauth-protected-resource/mcp"`)
			http.Error(w, "sign in", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
	writeJSON := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("/.well-known/oauth-protected-resource/mcp", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"resource": o.URL + "/mcp", "authorization_servers": []string{o.URL}})
	})
	mux.HandleFunc("/.well-known/oauth-authorization-server", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{
			"issuer": o.URL, "authorization_endpoint": o.URL + "/authorize", "token_endpoint": o.URL + "/token",
			"registration_endpoint": o.URL + "/register", "response_types_supported": []string{"code"},
			"code_challenge_methods_supported": []string{"S256"}, "grant_types_supported": []string{"authorization_code", "refresh_token"},
		})
	})
	mux.HandleFunc("/register", func(w http.ResponseWriter, r *http.Request) {
		var md map[string]any
		json.NewDecoder(r.Body).Decode(&md)
		md["client_id"] = "client-1"
		writeJSON(w, 201, md)
	})
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("code_challenge_method") != "S256" || q.Get("client_id") != "client-1" {
			http.Error(w, "bad authorization request", 400)
			return
		}
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=code-1&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		o.mu.Lock()
		defer o.mu.Unlock()
		switch {
		case r.Form.Get("grant_type") == "authorization_code" && r.Form.Get("code") == "code-1":
			o.verifier = r.Form.Get("code_verifier")
			writeJSON(w, 200, map[string]any{"access_token": "access-1", "refresh_token": "refresh-1", "token_type": "Bearer", "expires_in": 3600})
		case r.Form.Get("grant_type") == "refresh_token" && r.Form.Get("refresh_token") == "refresh-1":
			o.refreshs++
			writeJSON(w, 200, map[string]any{"access_token": "access-2", "refresh_token": "refresh-1", "token_type": "Bearer", "expires_in": 3600})
		default:
			writeJSON(w, 400, map[string]any{"error": "invalid_grant"})
		}
	})
	o.Server = httptest.NewServer(mux)
	t.Cleanup(o.Close)
	return o
}

// browser follows the authorization URL as a user's browser would.
func browser(t *testing.T) func(string) error {
	return func(u string) error {
		go func() {
			resp, err := http.Get(u)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			resp.Body.Close()
		}()
		return nil
	}
}

func TestOAuthSignInAndRefresh(t *testing.T) {
	o := newOAuthServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	req, resp, wants, err := NeedsOAuth(ctx, o.URL+"/mcp", nil)
	if err != nil || !wants {
		t.Fatalf("NeedsOAuth = %v, %v", wants, err)
	}
	g, err := SignIn(ctx, req, resp, OAuthOptions{ClientName: "restmcp", Show: browser(t)})
	if err != nil {
		t.Fatal(err)
	}
	if g.ClientID != "client-1" || g.Token.AccessToken != "access-1" || g.Token.RefreshToken != "refresh-1" {
		t.Errorf("grant = %+v", g)
	}
	o.mu.Lock()
	verifier := o.verifier
	o.mu.Unlock()
	if verifier == "" {
		t.Error("the token request carried no PKCE verifier")
	}
	s, err := g.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, ok := DecodeGrant(s)
	if !ok || back.TokenURL != o.URL+"/token" || back.Token.RefreshToken != "refresh-1" {
		t.Fatalf("DecodeGrant(%s) = %+v, %v", s, back, ok)
	}
	if _, ok := DecodeGrant("sk-an-api-key"); ok {
		t.Error("an API key decoded as a grant")
	}

	// An expired token is refreshed, the new one saved and sent.
	back.Token.Expiry = time.Now().Add(-time.Minute)
	var saved *Grant
	ts := back.TokenSource(nil, func(g *Grant) { saved = g })
	client := &http.Client{Transport: &HeaderTransport{
		Origin: Origin(o.URL), Header: "Authorization",
		Value: func(context.Context) (string, error) {
			t, err := ts.Token()
			if err != nil {
				return "", err
			}
			return "Bearer " + t.AccessToken, nil
		},
	}}
	cs := connectTest(t, Config{URL: o.URL + "/mcp", HTTPClient: client}, nil)
	if text, isErr := callText(t, cs, "echo", map[string]any{"text": "signed in"}); isErr || text != "echo: signed in" {
		t.Errorf("echo = %q (error %v)", text, isErr)
	}
	o.mu.Lock()
	refreshs := o.refreshs
	o.mu.Unlock()
	if refreshs != 1 || saved == nil || saved.Token.AccessToken != "access-2" {
		t.Errorf("refreshes = %d, saved = %+v", refreshs, saved)
	}
	if strings.Contains(s, "code-1") {
		t.Error("the grant keeps the authorization code")
	}
}
