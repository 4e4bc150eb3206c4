package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
)

// A remote profile's stored credential goes, through the one credential
// transport, to the server's origin only: a key in the profile's header and
// scheme, after an OAuth sign-in the stored access token, nothing without
// one.
func TestRemoteCredential(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	note := func(who string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen = append(seen, who+" "+r.Header.Get("X-Api-Key")+r.Header.Get("Authorization")+" "+r.UserAgent())
			mu.Unlock()
		}
	}
	other := httptest.NewServer(note("other"))
	defer other.Close()
	home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		note("home")(w, r)
		if r.URL.Path == "/away" {
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
		}
	}))
	defer home.Close()

	for _, tt := range []struct {
		name, stored, header, want string
		format                     string
		oauth                      bool
	}{
		{"key in the profile's header", "sk-remote-0123456789", "X-Api-Key", "home sk-remote-0123456789 restmcp/1.2.3", "", false},
		{"key with the scheme", "sk-remote-0123456789", "", "home Bearer sk-remote-0123456789 restmcp/1.2.3", "", false},
		{"key in the profile's format", "sk-remote-0123456789", "", "home Token token=sk-remote-0123456789 restmcp/1.2.3", "Token token={key}", false},
		{"OAuth sign-in", "", "", "home Bearer access-token-1 restmcp/1.2.3", "", true},
		{"no key", "", "", "home  restmcp/1.2.3", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := testApp(t, nil)
			if tt.stored != "" {
				if err := a.Keyring.Set("acme", tt.stored); err != nil {
					t.Fatal(err)
				}
			}
			p := profile.Profile{Name: "acme", MCPURL: home.URL + "/mcp", AuthHeader: tt.header, AuthFormat: tt.format}
			if tt.oauth {
				p.Auth = remoteOAuth(home.URL)
				if err := oauth.Save(a.Keyring, TokenAccount("acme"), &oauth.Token{AccessToken: "access-token-1", Expiry: time.Now().Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			if tt.header != "" {
				bare := ""
				p.AuthScheme = &bare
			}
			hc := a.RemoteConfig(p, a.KeySource("acme")).HTTPClient
			seen = nil
			resp, err := hc.Get(home.URL + "/away")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if want := []string{tt.want, "other  restmcp/1.2.3"}; strings.Join(seen, "|") != strings.Join(want, "|") {
				t.Errorf("seen %q, want %q", seen, want)
			}
		})
	}
}

// remoteOAuth is the Auth login saves after the MCP authorization flow
// with the authorization server at as.
func remoteOAuth(as string) *profile.Auth {
	return &profile.Auth{Scheme: RemoteOAuthScheme, Kind: profile.AuthOAuth2, OAuth: &profile.OAuth{
		Grant: string(oauth.GrantAuthorizationCode), ClientID: "client-1", AuthURL: as + "/authorize", TokenURL: as + "/token"}}
}

// A refused refresh fails the request with the login command.
func TestRemoteRefreshRefused(t *testing.T) {
	as := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"invalid_grant"}`))
	}))
	defer as.Close()
	a := testApp(t, nil)
	p := profile.Profile{Name: "acme", MCPURL: as.URL + "/mcp", Auth: remoteOAuth(as.URL)}
	if err := oauth.Save(a.Keyring, TokenAccount("acme"), &oauth.Token{AccessToken: "a", RefreshToken: "r", Expiry: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	_, err := a.RemoteConfig(p, a.KeySource("acme")).HTTPClient.Get(as.URL + "/mcp")
	if err == nil || !strings.Contains(err.Error(), "run `restmcp login --profile acme`") {
		t.Errorf("err = %v", err)
	}
}

// The relay's transport is the one credential transport; after an OAuth
// sign-in it renews a refused token.
func TestRemoteConfigUsesTheCredentialTransport(t *testing.T) {
	a := testApp(t, nil)
	p := profile.Profile{Name: "acme", MCPURL: "https://mcp.example.com/mcp", Auth: remoteOAuth("https://as.example.com")}
	hc := a.RemoteConfig(p, a.KeySource("acme")).HTTPClient
	tr, ok := hc.Transport.(*client.Transport)
	if !ok || tr.Origin.String() != "https://mcp.example.com" {
		t.Fatalf("transport = %#v, want a *client.Transport for https://mcp.example.com", hc.Transport)
	}
	if _, ok := tr.Credential.(client.Renewer); !ok {
		t.Error("the remote credential cannot renew a refused OAuth token")
	}
}

// A remote profile's config says whether its credentials are an OAuth
// sign-in, and its scopes, so that a 403 asking for more names the login
// that gets them; a key profile's says neither.
func TestRemoteConfigSaysOAuthAndScopes(t *testing.T) {
	a := testApp(t, nil)
	p := profile.Profile{Name: "acme", MCPURL: "https://mcp.example.com/mcp", Auth: remoteOAuth("https://as.example.com")}
	p.Auth.OAuth.Scopes = []string{"files:read"}
	if cfg := a.RemoteConfig(p, a.KeySource("acme")); !cfg.OAuth || strings.Join(cfg.Scopes, " ") != "files:read" {
		t.Errorf("OAuth profile: OAuth %v, scopes %q", cfg.OAuth, cfg.Scopes)
	}
	p.Auth = nil
	if cfg := a.RemoteConfig(p, a.KeySource("acme")); cfg.OAuth || cfg.Scopes != nil {
		t.Errorf("key profile: OAuth %v, scopes %q", cfg.OAuth, cfg.Scopes)
	}
}
