package remote

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/remote/remotetest"
)

// issBrowser follows the authorization URL as a browser would, adding
// iss to the redirect back to the client (as Sentry's and Google's
// authorization servers do without advertising it in their metadata).
func issBrowser(t *testing.T, iss string) func(string) error {
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return func(u string) error {
		go func() {
			resp, err := noFollow.Get(u)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			resp.Body.Close()
			back, err := url.Parse(resp.Header.Get("Location"))
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			q := back.Query()
			q.Set("iss", iss)
			back.RawQuery = q.Encode()
			if resp, err = http.Get(back.String()); err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			resp.Body.Close()
		}()
		return nil
	}
}

// A redirect naming the authorization server's own issuer signs in even
// when its metadata does not advertise iss (RFC 9207 2.4 leaves that to
// the client: Sentry's MCP server, Google send it so); one naming another
// issuer is refused.
func TestOAuthSignInChecksAnUnadvertisedIssuer(t *testing.T) {
	o := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return newTestServer() }, nil))
	for iss, ok := range map[string]bool{o.URL: true, "https://evil.example": false} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		req, resp, _, err := NeedsOAuth(ctx, o.URL+"/mcp", nil)
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := SignIn(ctx, req, resp, OAuthOptions{ClientName: "restmcp", Show: issBrowser(t, iss)})
		switch {
		case ok && (err != nil || tok == nil):
			t.Errorf("iss %s: sign-in failed: %v", iss, err)
		case !ok && (err == nil || !strings.Contains(err.Error(), "issuer")):
			t.Errorf("iss %s: err = %v, want the other issuer refused", iss, err)
		}
	}
}
