package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
	"github.com/restmcp/restmcp/remote"
)

// A remote profile's stored credential goes, through the one credential
// transport, to the server's origin only: a key in the profile's header and
// scheme, a stored OAuth grant as its access token, nothing without one.
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

	grant, err := (&remote.Grant{ClientID: "c", TokenURL: home.URL + "/token",
		Token: &oauth2.Token{AccessToken: "access-token-1", Expiry: time.Now().Add(time.Hour)}}).Encode()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, stored, header, want string
	}{
		{"key in the profile's header", "sk-remote-0123456789", "X-Api-Key", "home sk-remote-0123456789 restmcp/1.2.3"},
		{"key with the scheme", "sk-remote-0123456789", "", "home Bearer sk-remote-0123456789 restmcp/1.2.3"},
		{"OAuth grant", grant, "", "home Bearer access-token-1 restmcp/1.2.3"},
		{"no key", "", "", "home  restmcp/1.2.3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := testApp(t, nil)
			if tt.stored != "" {
				if err := a.Keyring.Set("acme", tt.stored); err != nil {
					t.Fatal(err)
				}
			}
			p := profile.Profile{Name: "acme", MCPURL: home.URL + "/mcp", AuthHeader: tt.header}
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

// The relay's transport is the one credential transport.
func TestRemoteConfigUsesTheCredentialTransport(t *testing.T) {
	a := testApp(t, nil)
	hc := a.RemoteConfig(profile.Profile{Name: "acme", MCPURL: "https://mcp.example.com/mcp"}, a.KeySource("acme")).HTTPClient
	tr, ok := hc.Transport.(*client.Transport)
	if !ok || tr.Origin.String() != "https://mcp.example.com" {
		t.Fatalf("transport = %#v, want a *client.Transport for https://mcp.example.com", hc.Transport)
	}
	if _, ok := tr.Credential.(client.Renewer); !ok {
		t.Error("the remote credential cannot renew a refused OAuth token")
	}
}
