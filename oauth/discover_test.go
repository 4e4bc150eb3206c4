package oauth_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/oauth/oauthtest"
)

func TestDiscoverFillsEndpoints(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	m, err := oauth.Discover(t.Context(), nil, s.DiscoveryURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg := oauth.Config{ClientID: "restmcp-test", TokenURL: "https://kept.example.com/token"}
	m.Apply(&cfg)
	if cfg.AuthURL != s.URL+"/authorize" || cfg.DeviceAuthURL != s.URL+"/device" || cfg.RevocationURL != s.URL+"/revoke" || cfg.TokenURL != "https://kept.example.com/token" {
		t.Errorf("config after Apply = %+v", cfg)
	}
	for g, want := range map[oauth.Grant]bool{oauth.GrantAuthorizationCode: true, oauth.GrantDeviceCode: true, oauth.GrantClientCredentials: true} {
		if m.SupportsGrant(g) != want {
			t.Errorf("SupportsGrant(%s) = %v", g, !want)
		}
	}
	if (oauth.Metadata{}).SupportsGrant(oauth.GrantDeviceCode) || !(oauth.Metadata{}).SupportsGrant(oauth.GrantAuthorizationCode) {
		t.Error("an empty grant list means authorization code only")
	}
}

// roundTrip is an http.RoundTripper of a function.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestDiscoverRefusesADowngradeRedirect: an https discovery URL that
// redirects to plain http is refused, not read from there (where anyone
// on the network could answer with endpoints and an issuer of their own).
func TestDiscoverRefusesADowngradeRedirect(t *testing.T) {
	var plain atomic.Int32
	hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		if r.URL.Scheme == "https" {
			http.Redirect(rec, r, "http://idp.example.com"+r.URL.Path, http.StatusFound)
		} else {
			plain.Add(1)
			_ = json.NewEncoder(rec).Encode(map[string]any{"issuer": "https://idp.example.com", "token_endpoint": "https://idp.example.com/token"})
		}
		return rec.Result(), nil
	})}
	_, err := oauth.Discover(t.Context(), hc, "https://idp.example.com/.well-known/openid-configuration")
	if err == nil || !strings.Contains(err.Error(), "must be reached over https") || plain.Load() != 0 {
		t.Fatalf("Discover: %v (plain http requests: %d)", err, plain.Load())
	}
}

func TestDiscoverRefusesBadDocuments(t *testing.T) {
	var doc atomic.Value // map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(doc.Load())
	}))
	defer srv.Close()
	wellKnown := srv.URL + "/.well-known/openid-configuration"
	for _, tc := range []struct {
		name, url string
		doc       map[string]any
		want      string
	}{
		{"no token endpoint", wellKnown, map[string]any{"issuer": srv.URL}, "no token_endpoint"},
		{"plain http endpoint", wellKnown, map[string]any{"issuer": srv.URL, "token_endpoint": "http://auth.example.com/token"}, "https"},
		{"other issuer", wellKnown, map[string]any{"issuer": "https://evil.example.com", "token_endpoint": srv.URL + "/token"}, "issuer"},
		{"not found", srv.URL + "/missing/.well-known/openid-configuration", nil, "404"},
		{"plain http URL", "http://auth.example.com/.well-known/openid-configuration", nil, "https"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc.Store(tc.doc)
			_, err := oauth.Discover(t.Context(), nil, tc.url)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}
