package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
)

// basicHeader is the Authorization value of HTTP basic for user and pass.
func basicHeader(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// TestHTTPCallerBasicAdmit checks what a shared server takes from a caller
// of an API with HTTP basic authentication: its user name and password, or
// its password alone with the profile's user name; anything else is refused
// with the header to send.
func TestHTTPCallerBasicAdmit(t *testing.T) {
	p := profile.Profile{Name: "tw", Auth: &profile.Auth{Kind: profile.AuthBasic, Scheme: "accountSid_authToken", Username: "AC-operator"}}
	adm := callerAdmit(p)
	if adm.challenge != "Basic" {
		t.Errorf("challenge %q", adm.challenge)
	}
	for _, tc := range []struct{ value, user, pass string }{
		{basicHeader("AC-alice", "tok:en-1"), "AC-alice", "tok:en-1"},
		{"Bearer tok-2", "", "tok-2"},
		{"tok-3", "", "tok-3"},
		{basicHeader("", "tok-4"), "", "tok-4"},
	} {
		r := httptest.NewRequest("POST", "/mcp", nil)
		r.Header.Set("Authorization", tc.value)
		ctx, why := adm.admit(r)
		if why != "" {
			t.Errorf("%q refused: %s", tc.value, why)
			continue
		}
		if got, err := client.CallerKey(ctx); err != nil || got != tc.pass {
			t.Errorf("%q: password %q (%v), want %q", tc.value, got, err, tc.pass)
		}
		// The user name goes out as the API receives it.
		req := httptest.NewRequest("GET", "http://api.invalid/", nil).WithContext(ctx)
		if _, err := callerCredential(p).Apply(req); err != nil {
			t.Fatal(err)
		}
		user, pass, _ := req.BasicAuth()
		if want := cmpOr(tc.user, "AC-operator"); user != want || pass != tc.pass {
			t.Errorf("%q: sent %s:%s, want %s:%s", tc.value, user, pass, want, tc.pass)
		}
	}
	for _, value := range []string{"", "Basic not-base64!", basicHeader("AC-bob", ""), "Basic", "Basic   ", "Bearer", "Digest abc"} {
		r := httptest.NewRequest("POST", "/mcp", nil)
		r.Header.Set("Authorization", value)
		if _, why := adm.admit(r); !strings.Contains(why, "Authorization: Basic <base64 of user:password>") {
			t.Errorf("%q: refusal %q does not say what to send", value, why)
		}
	}
	// Without a user name of its own, the server needs the caller's.
	p.Auth.Username = ""
	for _, value := range []string{"Bearer tok-5", "tok-5", basicHeader("", "tok-5")} {
		r := httptest.NewRequest("POST", "/mcp", nil)
		r.Header.Set("Authorization", value)
		if _, why := callerAdmit(p).admit(r); !strings.Contains(why, "Basic <base64") {
			t.Errorf("%q without a user name: %q", value, why)
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Callers of an API with HTTP basic authentication, each with its own user
// name and password, call at once through one server: the API receives each
// caller's own pair, and a request without one is refused with a Basic
// challenge.
func TestHTTPCallerBasicAuthStaysApart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	api := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The answer names the user; the password, which results never
		// show, is compared with the one that user was given.
		user, pass, _ := r.BasicAuth()
		paired := "unpaired"
		if pass == "tok-"+strings.TrimPrefix(user, "AC-") {
			paired = "paired"
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"count": 1, "results": [{"owner": %q}]}`, user+" "+paired)
	})}
	go func() { _ = api.Serve(ln) }()
	t.Cleanup(func() { _ = api.Close() })
	mcpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := profile.Profile{Name: "tw", Spec: "../cmd/testdata/notes.yaml", BaseURL: "http://" + ln.Addr().String(),
		Auth: &profile.Auth{Kind: profile.AuthBasic, Scheme: "basic", Username: "AC-operator"}}
	ctx, cancel := context.WithCancel(context.Background())
	done := startHTTP(ctx, testApp(t, nil), p, HTTPConfig{Listener: mcpLn})
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeHTTP: %v", err)
		}
	})
	endpoint := "http://" + mcpLn.Addr().String() + "/mcp"

	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			c := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil)
			user, pass := fmt.Sprintf("AC-%d", i), fmt.Sprintf("tok-%d", i)
			s, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: endpoint,
				HTTPClient: &http.Client{Transport: keyHeader{header: "Authorization", key: basicHeader(user, pass), next: http.DefaultTransport}}}, nil)
			if err != nil {
				t.Errorf("connect: %v", err)
				return
			}
			defer s.Close()
			for range 5 {
				res, err := s.CallTool(context.Background(), &mcp.CallToolParams{Name: "list_notes", Arguments: map[string]any{}})
				if err != nil || res.IsError || !strings.Contains(resultString(res), user+" paired") {
					t.Errorf("caller %d: %v %s", i, err, resultString(res))
					return
				}
			}
		})
	}
	wg.Wait()

	resp, _ := postWithoutCredential(t, endpoint)
	if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic ") {
		t.Errorf("no credential: %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func resultString(r *mcp.CallToolResult) string {
	if r == nil || len(r.Content) == 0 {
		return "<no result>"
	}
	if t, ok := r.Content[0].(*mcp.TextContent); ok {
		return t.Text
	}
	return "<not text>"
}
