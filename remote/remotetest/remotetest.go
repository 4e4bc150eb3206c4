// Package remotetest serves what tests of remote MCP servers need: an MCP
// endpoint behind a minimal OAuth authorization server.
package remotetest

import (
	"cmp"
	"encoding/json"
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
)

// OAuthServer serves mcp at /mcp to requests with "Bearer access-1" or
// "Bearer access-2", and answers others 401 with MCP authorization
// metadata. Its authorization server registers "client-1", redirects
// /authorize at once with "code-1", issues "access-1" and "refresh-1" for
// the code and "access-2" for the refresh token, which rotates: refresh-1,
// then refresh-2, each good once.
type OAuthServer struct {
	*httptest.Server
	mu       sync.Mutex
	verifier string
	refreshs int
	grants   []string
	slow     time.Duration
	revoked  map[string]bool
	scopes   []string
}

// AuthorizeScopes are the scope parameters of the authorization requests
// so far ("" for none).
func (o *OAuthServer) AuthorizeScopes() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.scopes)
}

// Revoke makes the MCP endpoint refuse an access token (as the
// authorization server's revocation endpoint does).
func (o *OAuthServer) Revoke(token string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.revoked[token] = true
}

// SlowRefresh makes every token request take d, so that concurrent
// refreshes overlap.
func (o *OAuthServer) SlowRefresh(d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.slow = d
}

// Revoked says whether a token was revoked.
func (o *OAuthServer) Revoked(token string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.revoked[token]
}

// TokenRequests are the token requests so far, each as its grant type and
// resource parameter (RFC 8707): "refresh_token resource=https://…".
func (o *OAuthServer) TokenRequests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.grants)
}

// Verifier is the PKCE verifier the token request carried.
func (o *OAuthServer) Verifier() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.verifier
}

// Refreshes counts the refresh token grants.
func (o *OAuthServer) Refreshes() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.refreshs
}

// Browser follows an authorization URL as a user's browser would.
func Browser(t *testing.T) func(string) error {
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

// NewOAuthServer starts the servers; they stop when the test ends.
func NewOAuthServer(t *testing.T, h http.Handler) *OAuthServer {
	return NewOAuthServerChallenge(t, h, "")
}

// NewOAuthServerChallenge is NewOAuthServer whose MCP endpoint answers 401
// with challenge, when not "", in place of one naming its
// resource_metadata (a server of the 2025-03-26 protocol sends a bare
// `Bearer`, whose client then looks for the metadata at the well-known
// URLs).
func NewOAuthServerChallenge(t *testing.T, h http.Handler, challenge string) *OAuthServer {
	o := &OAuthServer{revoked: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/mcp", func(w http.ResponseWriter, r *http.Request) {
		a := r.Header.Get("Authorization")
		o.mu.Lock()
		revoked := o.revoked[strings.TrimPrefix(a, "Bearer ")]
		o.mu.Unlock()
		if (a != "Bearer access-1" && a != "Bearer access-2") || revoked {
			w.Header().Set("WWW-Authenticate", cmp.Or(challenge, `Bearer resource_metadata="`+o.URL+`/.well-known/oauth-protected-resource/mcp"`))
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
			"registration_endpoint": o.URL + "/register", "revocation_endpoint": o.URL + "/revoke", "response_types_supported": []string{"code"},
			"code_challenge_methods_supported": []string{"S256"}, "grant_types_supported": []string{"authorization_code", "refresh_token"},
		})
	})
	mux.HandleFunc("/revoke", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		o.Revoke(r.Form.Get("token"))
	})
	mux.HandleFunc("/register", func(w http.ResponseWriter, r *http.Request) {
		var md map[string]any
		json.NewDecoder(r.Body).Decode(&md)
		md["client_id"] = "client-1"
		writeJSON(w, 201, md)
	})
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		o.mu.Lock()
		o.scopes = append(o.scopes, q.Get("scope"))
		o.mu.Unlock()
		if q.Get("code_challenge_method") != "S256" || q.Get("client_id") != "client-1" {
			http.Error(w, "bad authorization request", 400)
			return
		}
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=code-1&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		o.mu.Lock()
		slow := o.slow
		o.mu.Unlock()
		time.Sleep(slow)
		o.mu.Lock()
		defer o.mu.Unlock()
		o.grants = append(o.grants, r.Form.Get("grant_type")+" resource="+r.Form.Get("resource"))
		switch {
		case r.Form.Get("grant_type") == "authorization_code" && r.Form.Get("code") == "code-1":
			o.verifier = r.Form.Get("code_verifier")
			writeJSON(w, 200, map[string]any{"access_token": "access-1", "refresh_token": "refresh-1", "token_type": "Bearer", "expires_in": 3600})
		case r.Form.Get("grant_type") == "refresh_token" && r.Form.Get("refresh_token") == fmt.Sprintf("refresh-%d", o.refreshs+1):
			// Refresh tokens rotate: each is good for one refresh.
			o.refreshs++
			writeJSON(w, 200, map[string]any{"access_token": "access-2", "refresh_token": fmt.Sprintf("refresh-%d", o.refreshs+1), "token_type": "Bearer", "expires_in": 3600})
		default:
			writeJSON(w, 400, map[string]any{"error": "invalid_grant"})
		}
	})
	o.Server = httptest.NewServer(mux)
	t.Cleanup(o.Close)
	return o
}

// SSEEndpointRedirect is a server of the HTTP+SSE transport at /sse (a POST
// there is refused 405, as by a server without Streamable HTTP) whose
// endpoint event names /message, where every POST is answered with a
// redirect of status to location.
func SSEEndpointRedirect(t *testing.T, status int, location string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sse", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	})
	mux.HandleFunc("GET /sse", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "event: endpoint\ndata: /message?session=1\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	mux.Handle("POST /message", http.RedirectHandler(location, status))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// SSERefusingPost serves sse, a server of the HTTP+SSE transport, and
// answers a POST to its stream's URL (one without the sessionid the
// endpoint event names) with status and a JSON-RPC error under the id of
// the request POSTed (or "id": null for a body that has none), as some
// servers of that transport and proxies in front of them do.
func SSERefusingPost(t *testing.T, sse http.Handler, status int) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Query().Get("sessionid") != "" {
			sse.ServeHTTP(w, r)
			return
		}
		var req struct {
			ID json.RawMessage `json:"id"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		id := cmp.Or(string(req.ID), "null")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"error":{"code":-32600,"message":"%s: this server takes messages at the endpoint its event stream names"}}`, id, http.StatusText(status))
	}))
	t.Cleanup(ts.Close)
	return ts
}
