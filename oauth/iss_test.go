package oauth_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/restmcp/restmcp/oauth"
)

// issServer signs the user in at /authorize, sending back iss (RFC 9207)
// when it is not "-", and counts the token requests.
func issServer(t *testing.T, iss string) (*httptest.Server, *atomic.Int32) {
	var exchanges atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/authorize" {
			q := r.URL.Query()
			v := url.Values{"code": {"the-code"}, "state": {q.Get("state")}}
			if iss != "-" {
				v.Set("iss", iss)
			}
			http.Redirect(w, r, q.Get("redirect_uri")+"?"+v.Encode(), http.StatusFound)
			return
		}
		exchanges.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"at","token_type":"bearer","expires_in":3600}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &exchanges
}

// The issuer a redirect names (RFC 9207) must be the provider's own, and
// one that advertises it must name it: else the code came from another
// authorization server (a mix-up) and is not exchanged.
func TestLoginAuthCodeChecksTheIssuer(t *testing.T) {
	const self = "https://auth.example"
	for _, tc := range []struct {
		name      string
		iss       string // "-": none sent
		supported bool
		ok        bool
	}{
		{"its own, advertised", self, true, true},
		{"its own, not advertised", self, false, true},
		{"none, not advertised", "-", false, true},
		{"another, advertised", "https://evil.example", true, false},
		{"another, not advertised", "https://evil.example", false, false},
		{"none, advertised", "-", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, exchanges := issServer(t, tc.iss)
			cfg := oauth.Config{ClientID: "c", AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token",
				Issuer: self, IssParameterSupported: tc.supported}
			tok, err := cfg.LoginAuthCode(t.Context(), oauth.LoginOptions{Timeout: 10 * time.Second, OpenBrowser: func(u string) error {
				go browse(t, u)
				return nil
			}})
			switch {
			case tc.ok && (err != nil || tok == nil || tok.AccessToken != "at"):
				t.Fatalf("LoginAuthCode = %v, %v; want the token", tok, err)
			case !tc.ok && err == nil:
				t.Fatalf("LoginAuthCode signed in with iss %q, want a refusal", tc.iss)
			case !tc.ok && !strings.Contains(err.Error(), "issuer"):
				t.Errorf("err = %v, want it to name the issuer", err)
			case !tc.ok && exchanges.Load() != 0:
				t.Errorf("the code of a redirect from another issuer was exchanged")
			}
		})
	}
}
