package oauth_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/oauth2"

	"github.com/restmcp/restmcp/oauth"
)

// hostile is what an authorization server might put in its answers to
// rewrite the terminal: a title change, a clipboard write (OSC 52), a
// screen clear.
const hostile = "\x1b]0;pwned\x07\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07\x1b[2J\u009b31m"

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// An error answer of the token or device authorization endpoint is shown
// on the terminal without the control characters it carries.
func TestServerErrorsPrintNoControlCharacters(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "access_denied" + hostile, "error_description": "denied by policy " + hostile})
	}))
	t.Cleanup(srv.Close)
	cfg := oauth.Config{ClientID: "c", ClientSecret: "client-secret-0123", ClientAuth: oauth.ClientAuthPost,
		TokenURL: srv.URL + "/token", DeviceAuthURL: srv.URL + "/device"}
	_, ccErr := cfg.ClientCredentials(t.Context())
	_, devErr := cfg.LoginDevice(t.Context(), oauth.LoginOptions{Timeout: 5 * time.Second})
	store := memStore()
	if err := oauth.Save(store, "acme", &oauth.Token{AccessToken: "old", RefreshToken: "rt", Expiry: time.Now().Add(-time.Minute), Grant: oauth.GrantAuthorizationCode}); err != nil {
		t.Fatal(err)
	}
	_, refreshErr := oauth.NewTokenSource(cfg, store, "acme", "").Token(t.Context())
	for name, err := range map[string]error{"client credentials": ccErr, "device": devErr, "refresh": refreshErr} {
		if err == nil || hasControl(err.Error()) || !strings.Contains(err.Error(), "denied by policy") {
			t.Errorf("%s: error %q, want the server's refusal without control characters", name, err)
		}
	}
}

// The scopes a token answer grants are shown by status: without control
// characters.
func TestGrantedScopesHoldNoControlCharacters(t *testing.T) {
	tok, err := oauth.FromOAuth2((&oauth2.Token{AccessToken: "a", TokenType: "Bearer"}).WithExtra(map[string]any{"scope": "read " + hostile + " write"}), oauth.GrantAuthorizationCode, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := tok.String(); hasControl(s) || !strings.Contains(s, "read") || !strings.Contains(s, "write") {
		t.Errorf("token = %q, want its scopes without control characters", s)
	}
}

// A discovery document for another issuer is refused naming it without
// its control characters.
func TestDiscoverShowsNoControlCharacters(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"issuer": "https://other.example" + hostile, "token_endpoint": "https://auth.example/token"})
	}))
	t.Cleanup(srv.Close)
	_, err := oauth.Discover(t.Context(), nil, srv.URL+"/.well-known/openid-configuration")
	if err == nil || hasControl(err.Error()) || !strings.Contains(err.Error(), "other.example") {
		t.Errorf("err = %q, want the other issuer named without control characters", err)
	}
}
