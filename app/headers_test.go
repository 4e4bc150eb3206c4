package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/profile"
)

// TestCheckHeaders checks which fixed headers a profile may send: never
// one that frames the request or concerns one connection, nor one of the
// MCP session for a remote server, nor the header the profile's key goes
// in, nor one that looks like it carries a credential (Authorization and
// Cookie whatever the profile, a name with key or token in it, a value
// with an authorization scheme); and never a value or an invalid name in
// the message.
func TestCheckHeaders(t *testing.T) {
	empty := ""
	rest := profile.Profile{Name: "acme", Spec: "a.yaml"}
	keyed := profile.Profile{Name: "acme", Spec: "a.yaml", AuthHeader: "X-Api-Key", AuthScheme: &empty}
	declared := profile.Profile{Name: "acme", Spec: "a.yaml", Auth: &profile.Auth{Scheme: "k", Kind: profile.AuthAPIKey, In: "header", Name: "X-Token"}}
	cookie := profile.Profile{Name: "acme", Spec: "a.yaml", Auth: &profile.Auth{Scheme: "c", Kind: profile.AuthAPIKey, In: "cookie", Name: "sid"}}
	basic := profile.Profile{Name: "acme", Spec: "a.yaml", Auth: &profile.Auth{Scheme: "b", Kind: profile.AuthBasic, Username: "u"}}
	oauthREST := profile.Profile{Name: "acme", Spec: "a.yaml", Auth: &profile.Auth{Scheme: "o", Kind: profile.AuthOAuth2, OAuth: &profile.OAuth{TokenURL: "https://as/t"}}}
	specAuth := profile.Profile{Name: "acme", Spec: "https://api/openapi.json", AuthHeader: "X-Api-Key", SpecAuth: "header:X-Doc-Key"}
	remoteKeyed := profile.Profile{Name: "acme", MCPURL: "https://mcp/mcp", AuthHeader: "X-Api-Key"}
	remoteOAuth := profile.Profile{Name: "acme", MCPURL: "https://mcp/mcp", AuthHeader: "X-Api-Key", Auth: remoteOAuth("https://as")}
	for _, tt := range []struct {
		p            profile.Profile
		name, value  string
		refused, key bool
	}{
		{rest, "Notion-Version", "2022-06-28", false, false},
		{rest, "Authorization", "Bearer x", true, true},
		{keyed, "Authorization", "Basic abc", true, true},
		{keyed, "x-api-key", "v", true, true},
		{declared, "X-TOKEN", "v", true, true},
		{declared, "Authorization", "v", true, true},
		{cookie, "Cookie", "a=b", true, true},
		{basic, "Authorization", "v", true, true},
		{oauthREST, "authorization", "v", true, true},
		{specAuth, "X-Doc-Key", "v", true, true},
		{remoteKeyed, "x-api-key", "v", true, true},
		{remoteKeyed, "Authorization", "v", true, true},
		{rest, "X-Api-Key", "sk-secret-01234", true, true},
		{keyed, "Cookie", "session=sk-secret-01234", true, true},
		{rest, "X-Auth-Token", "v", true, true},
		{rest, "X-Tenant", "Bearer sk-secret-01234", true, true},
		{rest, "X-GitHub-Api-Version", "2022-11-28", false, false},
		{rest, "Anthropic-Beta", "tools-2024-04-04", false, false},
		{rest, "X-Mode", "Token", false, false},
		{remoteOAuth, "Authorization", "v", true, true},
		{remoteKeyed, "Mcp-Session-Id", "v", true, false},
		{remoteKeyed, "MCP-Protocol-Version", "2025-06-18", true, false},
		{rest, "Mcp-Session-Id", "v", true, true},
		{rest, "Host", "v", true, false},
		{rest, "content-length", "1", true, false},
		{rest, "Transfer-Encoding", "chunked", true, false},
		{rest, "Connection", "close", true, false},
		{rest, "X-A", "a\r\nX-B: sk-secret-01234", true, false},
		{rest, "Bad Name", "sk-secret-01234", true, false},
		{rest, "sk-secret-01234 x", "v", true, false},
	} {
		p := tt.p
		p.Headers = map[string]string{tt.name: tt.value}
		err := CheckHeaders(p)
		if (err != nil) != tt.refused || err != nil && err.Key != tt.key {
			t.Errorf("%+v with %s: %v (key %v), want refused %v, key %v", tt.p, tt.name, err, err != nil && err.Key, tt.refused, tt.key)
			continue
		}
		if err != nil && (strings.Contains(err.Error(), "sk-secret") || strings.Contains(err.Error(), tt.value) && tt.value != "v") {
			t.Errorf("%s: the message shows what was given: %v", tt.name, err)
		}
	}
}

// recordingAPI is an API that keeps the Notion-Version and X-Api-Key of
// every request, and answers the notes API's list.
func recordingAPI(t *testing.T) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var seen []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path+" "+r.Header.Get("Notion-Version")+" "+r.Header.Get("X-Api-Key"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"count": 0, "results": []}`))
	}))
	t.Cleanup(api.Close)
	return api, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

// The key check and tool calls send the profile's fixed headers.
func TestFixedHeadersReachTheAPI(t *testing.T) {
	api, seen := recordingAPI(t)
	a := testApp(t, nil)
	if err := a.Keyring.Set("acme", "sk-app-0123456789"); err != nil {
		t.Fatal(err)
	}
	empty := ""
	p := profile.Profile{Name: "acme", Spec: "../cmd/testdata/notes.yaml", BaseURL: api.URL + "/api", AuthHeader: "X-Api-Key", AuthScheme: &empty,
		CheckPath: "me", Headers: map[string]string{"Notion-Version": "2022-06-28"}}
	kc, err := a.CheckKey(context.Background(), p, "sk-app-0123456789", 5*time.Second)
	if err != nil || !kc.Accepted {
		t.Fatalf("key check: %+v, %v", kc, err)
	}
	srv, err := a.NewServer(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := srv.Call(context.Background(), "list_notes", []byte(`{}`)); err != nil || res.IsError {
		t.Fatalf("call: %v %+v", err, res)
	}
	want := "/api/me 2022-06-28 sk-app-0123456789|/api/notes/ 2022-06-28 sk-app-0123456789"
	if got := strings.Join(seen(), "|"); got != want {
		t.Errorf("requests %q, want %q", got, want)
	}
}

// serve --http adds the profile's fixed headers to each caller's request,
// beside the caller's own key.
func TestHTTPFixedHeaders(t *testing.T) {
	api, seen := recordingAPI(t)
	endpoint, _ := serveHTTPProfile(t, testApp(t, nil), HTTPConfig{}, 0, func(p *profile.Profile) {
		p.BaseURL = api.URL + "/api"
		p.Headers = map[string]string{"notion-version": "2022-06-28"}
	})
	s := connect(t, endpoint, "sk-caller-1-0123456789")
	res, err := s.CallTool(context.Background(), &mcp.CallToolParams{Name: "list_notes", Arguments: map[string]any{}})
	if err != nil || res.IsError {
		t.Fatalf("call: %v %+v", err, res)
	}
	if got := strings.Join(seen(), "|"); got != "/api/notes/ 2022-06-28 sk-caller-1-0123456789" {
		t.Errorf("requests %q, want the caller's key and the fixed header", got)
	}
}

// The relay to a remote MCP server sends the profile's fixed headers with
// every request to the server (initialize, tools/list, tools/call), and not
// to another origin a redirect leads to.
func TestRemoteFixedHeaders(t *testing.T) {
	s := mcp.NewServer(&mcp.Implementation{Name: "acme-remote", Version: "2.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "greet"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "hello"}}}, nil, nil
	})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	var mu sync.Mutex
	var without []string
	requests := 0
	note := func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		requests++
		if r.Header.Get("X-Region") != "eu" {
			without = append(without, r.Method+" "+r.Host+r.URL.Path)
		}
	}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { note(r) }))
	defer other.Close()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		note(r)
		if r.URL.Path == "/away" {
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer ts.Close()

	a := testApp(t, nil)
	p := profile.Profile{Name: "acme", MCPURL: ts.URL + "/mcp", Headers: map[string]string{"X-Region": "eu"}}
	rt, err := a.ConnectRemote(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rt.Call(context.Background(), "greet", []byte(`{}`))
	if err != nil || res.IsError {
		t.Fatalf("call: %v %+v", err, res)
	}
	_ = rt.Close()
	mu.Lock()
	relayed := requests
	mu.Unlock()
	if relayed < 3 || len(without) > 0 {
		t.Errorf("%d requests to the server, without the fixed header: %q", relayed, without)
	}

	without = nil
	resp, err := a.RemoteConfig(p, a.KeySource("acme")).HTTPClient.Get(ts.URL + "/away")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := "GET " + strings.TrimPrefix(other.URL, "http://") + "/x"; strings.Join(without, "|") != want {
		t.Errorf("without the fixed header: %q, want only the other origin's %q", without, want)
	}
}

// The key check on a private description's own URL (it has no GET that
// takes no arguments) asks it as serve reads it: without the fixed
// headers, which are for the API's operations.
func TestKeyCheckOnTheDescriptionWithoutFixedHeaders(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path+" "+r.Header.Get("Notion-Version"))
		mu.Unlock()
		if r.Header.Get("X-Api-Key") != "sk-app-0123456789" {
			http.Error(w, "no key", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":[{"url":%q}],"paths":{"/notes/{id}":{"get":{"operationId":"get_note","parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"ok"}}}}}}`, srv.URL)
	}))
	t.Cleanup(srv.Close)
	a := testApp(t, nil)
	empty := ""
	p := profile.Profile{Name: "acme", Spec: srv.URL + "/openapi.json", BaseURL: srv.URL, AuthHeader: "X-Api-Key", AuthScheme: &empty,
		Headers: map[string]string{"Notion-Version": "2022-06-28"}}
	kc, err := a.CheckKey(context.Background(), p, "sk-app-0123456789", 5*time.Second)
	if err != nil || !kc.Accepted || !kc.Description {
		t.Fatalf("key check: %+v, %v; want accepted on the description's URL", kc, err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, s := range seen {
		if strings.HasSuffix(s, "2022-06-28") {
			t.Errorf("the description's URL was asked with the fixed header: %q", seen)
		}
	}
}
