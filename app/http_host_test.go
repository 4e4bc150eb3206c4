package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/profile"
)

// hostHeader sends every request with Host set to host, as a browser does
// for a name that resolves to this machine.
type hostHeader struct {
	host string
	next http.RoundTripper
}

func (h hostHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Host = h.host
	return h.next.RoundTrip(r)
}

// postHost POSTs a tools/call to endpoint with Host set to host (and
// version's protocol header, unless ""); it returns the status and body.
func postHost(t *testing.T, endpoint, host, version string) (int, string) {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`
	req, _ := http.NewRequest("POST", endpoint, strings.NewReader(body))
	req.Host = host
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if version != "" {
		req.Header.Set("Mcp-Protocol-Version", version)
	}
	req.Header.Set("X-Api-Key", "sk-caller-1-0123456789")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// On a loopback address, a request whose Host is not a loopback one (DNS
// rebinding) is refused, with what to do when it comes from a reverse
// proxy on the same machine; one from a --trusted-proxy is answered, over
// the front (a 2025-11-25 call) and the MCP SDK (a go-sdk client) alike:
// a proxy that passes the Host on (Caddy, Traefik, nginx with "Host
// $host") in front of a server on 127.0.0.1, its public name allowed with
// --allowed-host; and that no other Host is, the proxy trusted or not.
func TestHTTPHostBehindALocalProxy(t *testing.T) {
	endpoint, _ := serveHTTPTest(t, HTTPConfig{})
	for _, version := range []string{"2025-11-25", ""} {
		code, body := postHost(t, endpoint, "mcp.example.com", version)
		if code != http.StatusForbidden || !strings.Contains(body, "--allowed-host NAME") {
			t.Errorf("Host mcp.example.com on a loopback address (version %q): %d %s, want 403 naming --allowed-host", version, code, body)
		}
		if code, body := postHost(t, endpoint, "localhost:8080", version); code != http.StatusOK {
			t.Errorf("Host localhost (version %q): %d %s", version, code, body)
		}
	}

	// Naming the proxy as trusted does not lift the check: on a loopback
	// address a browser of this machine connects from 127.0.0.1 too.
	trusting, _ := serveHTTPTest(t, HTTPConfig{TrustedProxies: []string{"127.0.0.1"}})
	proxied, _ := serveHTTPTest(t, HTTPConfig{TrustedProxies: []string{"127.0.0.1"}, AllowedHosts: []string{"MCP.example.com."}})
	for _, version := range []string{"2025-11-25", ""} {
		if code, body := postHost(t, trusting, "evil.example:8080", version); code != http.StatusForbidden {
			t.Errorf("a rebinding page with the proxy trusted (version %q): %d %s, want 403", version, code, body)
		}
		if code, body := postHost(t, proxied, "evil.example", version); code != http.StatusForbidden {
			t.Errorf("a rebinding page with another name allowed (version %q): %d %s, want 403", version, code, body)
		}
		if code, body := postHost(t, proxied, "mcp.example.com:443", version); code != http.StatusOK {
			t.Errorf("the allowed name, with a port (version %q): %d %s", version, code, body)
		}
	}
	target, _ := url.Parse(proxied)
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.URL.Path = target.Path
		r.Out.Host = r.In.Host // passed on, as Caddy does
		r.SetXForwarded()
	}})
	t.Cleanup(proxy.Close)
	for _, version := range []string{"2025-11-25", ""} {
		if code, body := postHost(t, proxy.URL+"/mcp", "mcp.example.com", version); code != http.StatusOK || !strings.Contains(body, "owner-1") {
			t.Errorf("through a proxy that passes an allowed Host on (version %q): %d %s", version, code, body)
		}
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil)
	s, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{
		Endpoint: proxy.URL + "/mcp",
		HTTPClient: &http.Client{Transport: hostHeader{host: "mcp.example.com",
			next: keyHeader{header: "X-Api-Key", key: "sk-caller-2-0123456789", next: http.DefaultTransport}}},
	}, nil)
	if err != nil {
		t.Fatalf("connect through the proxy: %v", err)
	}
	defer s.Close()
	res, err := s.CallTool(context.Background(), &mcp.CallToolParams{Name: "list_notes", Arguments: map[string]any{}})
	if err != nil || res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, "owner-2") {
		t.Errorf("a go-sdk client through the proxy: %v %+v", err, res)
	}
}

// The MCP endpoint answers at its path with a trailing slash too, whether
// --base-path was given with one or not: a client configured with
// "https://host/mcp/" is not answered 404 on every request. Nothing below
// the path is.
func TestHTTPBasePathTrailingSlash(t *testing.T) {
	for _, given := range []string{"", "/acme/mcp/", "acme/mcp"} {
		endpoint, base := serveHTTPTest(t, HTTPConfig{BasePath: given})
		for _, url := range []string{endpoint, endpoint + "/"} {
			for _, version := range []string{"2025-11-25", ""} {
				code, body, err := rawPost(url, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`, version, "sk-caller-1-0123456789")
				if err != nil || code != http.StatusOK || !strings.Contains(string(body), "owner-1") {
					t.Errorf("--base-path %q, POST %s (version %q): %d %s %v", given, url, version, code, body, err)
				}
			}
		}
		if code, _, _ := rawPost(endpoint+"/x", `{}`, "", "sk-caller-1-0123456789"); code != http.StatusNotFound {
			t.Errorf("--base-path %q: a path below the endpoint: %d, want 404", given, code)
		}
		metrics := get(t, base+"/metrics", http.StatusOK)
		if want := `restmcp_http_requests_total{path="` + basePath(HTTPConfig{BasePath: given}) + `",code="200"} 4`; !strings.Contains(metrics, want) {
			t.Errorf("--base-path %q: metrics without %s:\n%s", given, want, metrics)
		}
	}
}

// While the description is read, the server listens already: /healthz
// answers (a liveness probe does not restart a server whose description is
// slow to come), /readyz and the MCP endpoint answer 503 with Retry-After;
// once it is read, the tools are served.
func TestHTTPHealthWhileTheDescriptionLoads(t *testing.T) {
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	described := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(spec)
	}))
	t.Cleanup(described.Close)
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	t.Cleanup(open)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	empty := ""
	p := profile.Profile{Name: "acme", Spec: described.URL + "/openapi.yaml", BaseURL: newEchoAPI(t, 0), AuthHeader: "X-Api-Key", AuthScheme: &empty}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- testApp(t, nil).ServeHTTP(ctx, p, HTTPConfig{Listener: ln}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeHTTP: %v", err)
		}
	})
	base := "http://" + ln.Addr().String()
	quick := &http.Client{Timeout: 2 * time.Second}
	status := func(method, path string) (int, http.Header, string) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
		req.Header.Set("X-Api-Key", "sk-caller-3-0123456789")
		resp, err := quick.Do(req)
		if err != nil {
			return 0, nil, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	if code, _, body := status("GET", "/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz while the description loads: %d %s", code, body)
	}
	if code, _, body := status("GET", "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz while the description loads: %d %s", code, body)
	}
	if code, h, body := status("POST", "/mcp"); code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
		t.Errorf("a call while the description loads: %d %v %s", code, h, body)
	}
	open()
	for deadline := time.Now().Add(10 * time.Second); ; {
		code, _, body := status("GET", "/readyz")
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz once the description is read: %d %s", code, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, _, body := status("POST", "/mcp"); code != http.StatusOK || !strings.Contains(body, "owner-3") {
		t.Errorf("a call once the description is read: %d %s", code, body)
	}
}

// A --cors-origin given as a URL ("https://App.example/", with a trailing
// slash, capitals or the default port) lets the browser's Origin
// ("https://app.example") through; one with a path, which no browser
// sends, is refused at start rather than refusing every request.
func TestHTTPCORSOriginAsAURL(t *testing.T) {
	endpoint, _ := serveHTTPTest(t, HTTPConfig{CORSOrigins: []string{"https://App.example:443/", "http://localhost:6274/", "vscode-webview://abc"}})
	for _, origin := range []string{"https://app.example", "http://localhost:6274", "vscode-webview://abc"} {
		req, _ := http.NewRequest("POST", endpoint, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
		req.Header.Set("X-Api-Key", "sk-caller-4-0123456789")
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("Origin %s: %d %q %s", origin, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), b)
		}
	}
	a := testApp(t, nil)
	p := profile.Profile{Name: "acme", Spec: "../cmd/testdata/notes.yaml", BaseURL: "http://127.0.0.1:1"}
	for _, bad := range []string{"https://app.example/mcp", "app.example", "https://app.example/?x=1", "https://"} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		err = a.ServeHTTP(ctx, p, HTTPConfig{CORSOrigins: []string{bad}, Listener: ln})
		cancel()
		ln.Close()
		if err == nil || !strings.Contains(err.Error(), "--cors-origin") {
			t.Errorf("--cors-origin %q: %v, want an error naming the flag", bad, err)
		}
	}
}

// An --allowed-host that is not a host name is refused before anything is
// served, with the form to write.
func TestCheckAllowedHosts(t *testing.T) {
	for _, bad := range []string{"https://mcp.example.com", "mcp.example.com:443", "*.example.com", "", "mcp.example.com/mcp"} {
		if _, err := checkAllowedHosts([]string{bad}); err == nil || !strings.Contains(err.Error(), "--allowed-host mcp.example.com") {
			t.Errorf("%q: %v, want refused with the form to write", bad, err)
		}
	}
	got, err := checkAllowedHosts([]string{"mcp.example.com", "[::1]", "10.0.0.5", "host.internal."})
	if err != nil || strings.Join(got, " ") != "mcp.example.com ::1 10.0.0.5 host.internal" {
		t.Errorf("valid names: %q %v", got, err)
	}
}
