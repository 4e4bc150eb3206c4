package remote

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/remote/remotetest"
)

func TestOAuthSignInAndRefresh(t *testing.T) {
	srv := newTestServer()
	o := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	req, resp, wants, err := NeedsOAuth(ctx, o.URL+"/mcp", nil)
	if err != nil || !wants {
		t.Fatalf("NeedsOAuth = %v, %v", wants, err)
	}
	g, err := SignIn(ctx, req, resp, OAuthOptions{ClientName: "restmcp", Show: remotetest.Browser(t)})
	if err != nil {
		t.Fatal(err)
	}
	if g.ClientID != "client-1" || g.Token.AccessToken != "access-1" || g.Token.RefreshToken != "refresh-1" {
		t.Errorf("grant = %+v", g)
	}
	if o.Verifier() == "" {
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
	client := tokenClient(o.URL, ts)
	cs := connectTest(t, Config{URL: o.URL + "/mcp", HTTPClient: client}, nil)
	if text, isErr := callText(t, cs, "echo", map[string]any{"text": "signed in"}); isErr || text != "echo: signed in" {
		t.Errorf("echo = %q (error %v)", text, isErr)
	}
	if refreshs := o.Refreshes(); refreshs != 1 || saved == nil || saved.Token.AccessToken != "access-2" {
		t.Errorf("refreshes = %d, saved = %+v", o.Refreshes(), saved)
	}

	// A token the server refuses before it expires is refreshed once.
	g2, _ := DecodeGrant(s)
	ts2 := g2.TokenSource(nil, nil)
	client2 := tokenClient(o.URL, ts2)
	cs2 := connectTest(t, Config{URL: o.URL + "/mcp", HTTPClient: client2}, nil)
	o.Revoke("access-1")
	if text, isErr := callText(t, cs2, "echo", map[string]any{"text": "renewed"}); isErr || text != "echo: renewed" {
		t.Errorf("echo after the token was refused = %q (error %v)", text, isErr)
	}
	if n := o.Refreshes(); n != 2 {
		t.Errorf("refreshes = %d, want 2", n)
	}
	if strings.Contains(s, "code-1") {
		t.Error("the grant keeps the authorization code")
	}
}

// tokenClient sends ts's token to origin through the credential transport
// serve uses, renewing it once when refused.
func tokenClient(origin string, ts Renewer) *http.Client {
	u, _ := url.Parse(origin)
	return client.NewHTTPClient(&client.Transport{Origin: client.Origin(u), Credential: tokenCredential{ts}}, 0)
}

// tokenCredential sends a token source's token as a bearer token.
type tokenCredential struct{ ts Renewer }

func (c tokenCredential) Apply(r *http.Request) (string, error) {
	t, err := c.ts.Token()
	if err != nil {
		return "", err
	}
	r.Header.Set("Authorization", "Bearer "+t.AccessToken)
	return t.AccessToken, nil
}

func (c tokenCredential) Renew(context.Context, string) bool { return c.ts.Renew() }
