package remote

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/oauth/oauthtest"
	"github.com/restmcp/restmcp/remote/remotetest"
)

// refuseRegistration answers host's /register with an error whose body
// holds escape sequences, and sends every other request on.
type refuseRegistration struct{ host string }

func (r refuseRegistration) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == r.host && req.URL.Path == "/register" {
		if req.Body != nil {
			req.Body.Close()
		}
		body := "registration closed \x1b]0;pwned\x07\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07\x1b[2J"
		return &http.Response{StatusCode: http.StatusForbidden, Status: "403 Forbidden", Header: http.Header{"Content-Type": {"text/plain"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
	}
	return http.DefaultTransport.RoundTrip(req)
}

// The error of a sign-in the authorization server refused is shown on the
// terminal without the control characters its answer carried.
func TestOAuthSignInErrorPrintsNoControlCharacters(t *testing.T) {
	err := signInThrough(t, func(host string) http.RoundTripper { return refuseRegistration{host: host} })
	if err == nil || strings.IndexFunc(err.Error(), unicode.IsControl) >= 0 || !strings.Contains(err.Error(), "registration closed") {
		t.Fatalf("err = %q, want the refusal without control characters", err)
	}
}

// failToken answers host's /token with a proxy's error page, and sends
// every other request on.
type failToken struct{ host string }

func (f failToken) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == f.host && req.URL.Path == "/token" {
		b, _ := io.ReadAll(req.Body)
		req.Body.Close()
		page := "<html><body><h1>502 Bad Gateway</h1><pre>" + string(b) + strings.Repeat("<p>upstream trace</p>\n", 2000) + "</pre></body></html>"
		return &http.Response{StatusCode: http.StatusBadGateway, Status: "502 Bad Gateway", Header: http.Header{"Content-Type": {"text/html"}},
			Body: io.NopCloser(strings.NewReader(page)), Request: req}, nil
	}
	return http.DefaultTransport.RoundTrip(req)
}

// A code exchange the token endpoint fails says so with its status, not
// with the answer's body: a page that may be long, and may quote the code
// and PKCE verifier that were sent.
func TestOAuthSignInTokenErrorLeavesTheBodyOut(t *testing.T) {
	err := signInThrough(t, func(host string) http.RoundTripper { return failToken{host: host} })
	if err == nil || !strings.Contains(err.Error(), "502") || strings.Contains(err.Error(), "code_verifier") || strings.Contains(err.Error(), "upstream trace") || len(err.Error()) > 500 {
		t.Fatalf("err = %.600q (%d bytes), want the token endpoint's 502 without its page", err, len(err.Error()))
	}
}

// signInThrough signs in to a test server's MCP endpoint with its
// requests sent through the transport made for the server's host, and
// returns how the sign-in ended.
func signInThrough(t *testing.T, through func(host string) http.RoundTripper) error {
	t.Helper()
	return signInShowing(t, through, remotetest.Browser(t))
}

// signInShowing is signInThrough whose authorization URL goes to show.
func signInShowing(t *testing.T, through func(host string) http.RoundTripper, show func(string) error) error {
	t.Helper()
	return signInHooked(t, through, show, nil)
}

// signInHooked is signInShowing with the sign-in's steps hooked.
func signInHooked(t *testing.T, through func(host string) http.RoundTripper, show func(string) error, hooks *signInHooks) error {
	t.Helper()
	o := remotetest.NewOAuthServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return newTestServer() }, nil))
	hc := &http.Client{Transport: through(strings.TrimPrefix(o.URL, "http://"))}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, resp, _, err := NeedsOAuth(ctx, o.URL+"/mcp", hc)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = SignIn(ctx, req, resp, OAuthOptions{HTTPClient: hc, ClientName: "restmcp", Show: show, hooks: hooks})
	return err
}

// The browser's page says how the sign-in ended, which is known once the
// code is exchanged: a token endpoint that fails the exchange gets a page
// that says the sign-in failed, not one that says it worked.
func TestOAuthSignInPageShowsTheExchange(t *testing.T) {
	for name, through := range map[string]func(host string) http.RoundTripper{
		"accepted": func(string) http.RoundTripper { return http.DefaultTransport },
		"refused":  func(host string) http.RoundTripper { return failToken{host: host} },
	} {
		t.Run(name, func(t *testing.T) {
			page := make(chan string, 1)
			err := signInShowing(t, through, oauthtest.PageBrowser(page))
			got := <-page
			switch {
			case (err == nil) != (name == "accepted"):
				t.Fatalf("err = %v", err)
			case err == nil && (!strings.HasPrefix(got, "200 ") || !strings.Contains(got, "Signed in.")):
				t.Errorf("signed in, but the page says %q", got)
			case err != nil && (strings.HasPrefix(got, "200 ") || strings.Contains(got, "Signed in.") || !strings.Contains(got, "Sign-in failed") || !strings.Contains(got, "terminal")):
				t.Errorf("sign-in failed (%v), but the page says %q", err, got)
			}
		})
	}
}

// A sign-in that has ended by the time the browser's page waits for it
// (the callback's goroutine slow to get there) still gives the page its
// outcome: "Signed in" when it worked, the token endpoint's refusal when
// not, never "ended before its code was used". Either answer is ready
// when the page waits: each sign-in is made several times, since a wait
// that takes whichever is ready would say the wrong one about half of
// the time.
func TestOAuthSignInPageWhenTheSignInEndsFirst(t *testing.T) {
	for name, through := range map[string]func(host string) http.RoundTripper{
		"accepted": func(string) http.RoundTripper { return http.DefaultTransport },
		"refused":  func(host string) http.RoundTripper { return failToken{host: host} },
	} {
		t.Run(name, func(t *testing.T) {
			for range 8 {
				fin := make(chan struct{})
				hooks := &signInHooks{queued: func() { <-fin }, finished: func() { close(fin) }}
				page := make(chan string, 1)
				err := signInHooked(t, through, oauthtest.PageBrowser(page), hooks)
				got := <-page
				switch {
				case (err == nil) != (name == "accepted"):
					t.Fatalf("err = %v", err)
				case err == nil && (!strings.HasPrefix(got, "200 ") || !strings.Contains(got, "Signed in.")):
					t.Fatalf("signed in, but the page says %q", got)
				case err != nil && (!strings.Contains(got, "Sign-in failed") || !strings.Contains(got, "token endpoint") || strings.Contains(got, "ended before")):
					t.Fatalf("sign-in failed (%v), but the page says %q", err, got)
				}
			}
		})
	}
}
