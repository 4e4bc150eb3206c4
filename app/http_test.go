package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
)

// keyHeader adds one caller's key, in header, to every request it sends.
type keyHeader struct {
	header, key string
	next        http.RoundTripper
}

func (k keyHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(k.header, k.key)
	return k.next.RoundTrip(r)
}

// serveHTTPTest serves the notes API's tools over HTTP against an API that
// answers with the owner of the key it received; it returns the MCP
// endpoint and the server's base URL.
func serveHTTPTest(t testing.TB, cfg HTTPConfig) (endpoint, base string) {
	return serveHTTPWith(t, testApp(t, nil), cfg, 5*time.Millisecond)
}

func serveHTTPWith(t testing.TB, a *App, cfg HTTPConfig, delay time.Duration) (endpoint, base string) {
	t.Helper()
	return serveHTTPProfile(t, a, cfg, delay, func(*profile.Profile) {})
}

// serveHTTPProfile is serveHTTPWith with the profile changed by edit first.
func serveHTTPProfile(t testing.TB, a *App, cfg HTTPConfig, delay time.Duration, edit func(*profile.Profile)) (endpoint, base string) {
	t.Helper()
	api := newEchoAPI(t, delay)
	ln := cfg.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		cfg.Listener = ln
	}
	empty := ""
	p := profile.Profile{Name: "acme", Spec: "../cmd/testdata/notes.yaml", BaseURL: api, AuthHeader: "X-Api-Key", AuthScheme: &empty}
	edit(&p)
	ctx, cancel := context.WithCancel(context.Background())
	done := startHTTP(ctx, a, p, cfg)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeHTTP: %v", err)
		}
	})
	base = "http://" + ln.Addr().String()
	return base + basePath(cfg), base
}

// bodyWatch is a listener that counts, in waiting, the connections whose
// reading went on past their first bytes or that were answered: the
// server read a request's headers and waits for more of it (its body), or
// refused it.
type bodyWatch struct {
	net.Listener
	waiting atomic.Int32
}

func watchBodies(t testing.TB) *bodyWatch {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return &bodyWatch{Listener: ln}
}

func (l *bodyWatch) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &watchedConn{Conn: c, l: l}, nil
}

// waitFor returns once n connections wait for their bodies (or were
// answered).
func (l *bodyWatch) waitFor(t testing.TB, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); l.waiting.Load() < int32(n); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d connections read up to their bodies or answered", l.waiting.Load(), n)
		}
	}
}

type watchedConn struct {
	net.Conn
	l       *bodyWatch
	got     atomic.Int64
	counted atomic.Bool
}

func (c *watchedConn) Read(p []byte) (int, error) {
	if c.got.Load() > 0 && c.counted.CompareAndSwap(false, true) {
		c.l.waiting.Add(1)
	}
	n, err := c.Conn.Read(p)
	c.got.Add(int64(n))
	return n, err
}

func (c *watchedConn) Write(p []byte) (int, error) {
	if c.counted.CompareAndSwap(false, true) {
		c.l.waiting.Add(1)
	}
	return c.Conn.Write(p)
}

// startHTTP runs a.ServeHTTP in the background and returns once it serves
// p's tools, or once it ended: its error then waits in the channel
// returned, as it does when it ends later.
func startHTTP(ctx context.Context, a *App, p profile.Profile, cfg HTTPConfig) chan error {
	ready := make(chan struct{})
	cfg.Ready = func(net.Addr) { close(ready) }
	done := make(chan error, 1)
	go func() { done <- a.ServeHTTP(ctx, p, cfg) }()
	select {
	case <-ready:
	case err := <-done:
		done <- err
	}
	return done
}

// newEchoAPI is an API whose list of notes names the owner of the key it
// received ("owner-N" for key "sk-caller-N-…"), after delay (for calls
// to overlap).
func newEchoAPI(t testing.TB, delay time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		owner := strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("X-Api-Key"), "sk-caller-"), "-0123456789")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"count": 1, "results": [{"owner": "owner-%s"}]}`, owner)
	})}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	return "http://" + ln.Addr().String()
}

func connect(t testing.TB, endpoint, key string) *mcp.ClientSession {
	t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil)
	s, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{
		Endpoint:   endpoint,
		HTTPClient: &http.Client{Transport: keyHeader{header: "X-Api-Key", key: key, next: http.DefaultTransport}},
	}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// postCall POSTs body to an MCP endpoint as a 2025-11-25 client does, the
// caller's key in X-Api-Key.
func postCall(endpoint string, body io.Reader, key string) (*http.Response, error) {
	req, err := http.NewRequest("POST", endpoint, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	req.Header.Set("X-Api-Key", key)
	return http.DefaultClient.Do(req)
}

// rawPost POSTs a JSON-RPC body to an MCP endpoint with the headers a
// client sends (and version's protocol header, unless ""), the caller's
// key in X-Api-Key; it returns the status and body.
func rawPost(endpoint, body, version, key string) (int, []byte, error) {
	req, _ := http.NewRequest("POST", endpoint, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if version != "" {
		req.Header.Set("Mcp-Protocol-Version", version)
	}
	req.Header.Set("X-Api-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// Eight callers with eight keys call at once through one server: each
// answer is the one the API gave for that caller's own key.
//
// The go-sdk client speaks the protocol version whose calls the MCP server
// answers; clients of earlier versions (the TypeScript SDK's 2025-11-25)
// are answered by the front, raw here: the same for both.
func TestHTTPCallerKeysStayApart(t *testing.T) {
	endpoint, base := serveHTTPTest(t, HTTPConfig{})
	var wg sync.WaitGroup
	for i := range 8 {
		s := connect(t, endpoint, fmt.Sprintf("sk-caller-%d-0123456789", i))
		wg.Go(func() {
			for range 10 {
				res, err := s.CallTool(context.Background(), &mcp.CallToolParams{Name: "list_notes", Arguments: map[string]any{}})
				if err != nil {
					t.Errorf("caller %d: %v", i, err)
					return
				}
				text := res.Content[0].(*mcp.TextContent).Text
				if res.IsError || !strings.Contains(text, fmt.Sprintf(`"owner-%d"`, i)) {
					t.Errorf("caller %d got %s", i, text)
					return
				}
			}
		})
		wg.Go(func() {
			for j := range 10 {
				code, b, err := rawPost(endpoint, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`, j),
					"2025-11-25", fmt.Sprintf("sk-caller-%d-0123456789", i))
				var answer struct {
					ID     int                `json:"id"`
					Result mcp.CallToolResult `json:"result"`
				}
				if err != nil || json.Unmarshal(b, &answer) != nil || code != http.StatusOK || answer.ID != j || answer.Result.IsError ||
					!strings.Contains(string(b), fmt.Sprintf(`\"owner-%d\"`, i)) {
					t.Errorf("caller %d got %d %s (%v)", i, code, b, err)
					return
				}
			}
		})
	}
	wg.Wait()

	body := get(t, base+"/metrics", http.StatusOK)
	for _, want := range []string{
		`restmcp_tool_calls_total{tool="list_notes",outcome="ok"} 160`,
		`restmcp_upstream_responses_total{code="200"} 160`,
		`restmcp_tool_call_duration_seconds_count 160`,
		`restmcp_http_requests_total{path="/mcp",code="200"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, "sk-caller") {
		t.Errorf("metrics show a key:\n%s", body)
	}
}

// A request without a credential is refused with 401 and a body naming
// the header to send; nothing reaches the API.
func TestHTTPNoCredential(t *testing.T) {
	endpoint, _ := serveHTTPTest(t, HTTPConfig{BasePath: "/tools/"})
	if !strings.HasSuffix(endpoint, "/tools") {
		t.Fatalf("endpoint %s", endpoint)
	}
	resp, body := postWithoutCredential(t, endpoint)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), `"X-Api-Key"`) {
		t.Errorf("status %d, body %q", resp.StatusCode, body)
	}
}

// A caller's key in another scheme than the API's is refused with 401 and
// a body naming the form to send, rather than sent to an API that would
// refuse it; the key in the API's scheme, or alone, goes to the API in it.
func TestHTTPCallerKeyInAnotherScheme(t *testing.T) {
	var got atomic.Value
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"count": 0, "results": []}`)
	}))
	t.Cleanup(api.Close)
	scheme := "Api-Key"
	endpoint, _ := serveHTTPProfile(t, testApp(t, nil), HTTPConfig{}, 0, func(p *profile.Profile) {
		p.BaseURL, p.AuthHeader, p.AuthScheme = api.URL, "Authorization", &scheme
	})
	post := func(auth string) (*http.Response, string) {
		req, _ := http.NewRequest("POST", endpoint, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	resp, body := post("Bearer sk-caller-1")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `send "Authorization: Api-Key <key>"`) {
		t.Errorf("Bearer: %d %q", resp.StatusCode, body)
	}
	if c := resp.Header.Get("WWW-Authenticate"); c != `Api-Key realm="restmcp"` {
		t.Errorf("WWW-Authenticate = %q", c)
	}
	if got.Load() != nil {
		t.Errorf("the API received %q", got.Load())
	}
	for _, auth := range []string{"Api-Key sk-caller-1", "api-key sk-caller-1", "sk-caller-1"} {
		got.Store("")
		if resp, body := post(auth); resp.StatusCode != http.StatusOK || got.Load() != "Api-Key sk-caller-1" {
			t.Errorf("%q: %d %q, the API received %q", auth, resp.StatusCode, body, got.Load())
		}
	}
}

// postWithoutCredential sends tools/list to an MCP endpoint with the
// headers a client sends but no credential; it returns the answer and its
// body.
func postWithoutCredential(t *testing.T, endpoint string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", endpoint, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, body
}

// Health and readiness answer without a credential; CORS headers appear
// for the configured origin only.
func TestHTTPOperatorEndpoints(t *testing.T) {
	endpoint, base := serveHTTPTest(t, HTTPConfig{CORSOrigins: []string{"https://app.example"}})
	get(t, base+"/healthz", http.StatusOK)
	if body := get(t, base+"/readyz", http.StatusOK); body != "ready: 4 tools\n" {
		t.Errorf("readyz: %q", body)
	}
	_, one := serveHTTPProfile(t, testApp(t, nil), HTTPConfig{}, 0, func(p *profile.Profile) { p.Operations = []string{"listNotes"} })
	if body := get(t, one+"/readyz", http.StatusOK); body != "ready: 1 tool\n" {
		t.Errorf("readyz with one tool: %q", body)
	}
	for origin, want := range map[string]string{"https://app.example": "https://app.example", "https://evil.example": ""} {
		req, _ := http.NewRequest("OPTIONS", endpoint, nil)
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("origin %s: allowed %q, want %q", origin, got, want)
		}
	}
	// A call from a page of another origin is refused (MCP's Streamable
	// HTTP: 403 for an invalid Origin), with --cors-origin or without;
	// one from this server's own origin, or with no Origin, is not.
	bare, bareBase := serveHTTPTest(t, HTTPConfig{})
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`
	for _, tc := range []struct {
		endpoint, origin string
		code             int
		forwarded        string
	}{
		{bare, "https://mcp.example.com", http.StatusForbidden, ""},
		{bare, "https://mcp.example.com", http.StatusOK, "mcp.example.com"}, // behind a proxy that rewrites Host
		{endpoint, "https://evil.example", http.StatusForbidden, ""},
		{bare, "https://evil.example", http.StatusForbidden, ""},
		{bare, "null", http.StatusForbidden, ""},
		{bare, bareBase, http.StatusOK, ""},
		{bare, "", http.StatusOK, ""},
		{endpoint, "https://app.example", http.StatusOK, ""},
	} {
		req, _ := http.NewRequest("POST", tc.endpoint, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
		req.Header.Set("X-Api-Key", "sk-caller-1-0123456789")
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		if tc.forwarded != "" {
			req.Header.Set("X-Forwarded-Host", tc.forwarded)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.code {
			t.Errorf("%s from %q: %d, want %d", tc.endpoint, tc.origin, resp.StatusCode, tc.code)
		}
	}
}

func get(t *testing.T, url string, code int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != code {
		t.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

// A shutdown lets a call in flight finish and answer; then ServeHTTP
// returns.
// serveStoppable serves the notes description over HTTP against the API
// api answers for; it returns the MCP endpoint, what stops the server (as a
// signal would) and where ServeHTTP's error arrives.
func serveStoppable(t *testing.T, api http.Handler, cfg HTTPConfig) (string, context.CancelFunc, chan error) {
	t.Helper()
	apiServer := httptest.NewServer(api)
	t.Cleanup(apiServer.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Listener = ln
	p := profile.Profile{Name: "acme", Spec: "../cmd/testdata/notes.yaml", BaseURL: apiServer.URL}
	ctx, cancel := context.WithCancel(context.Background())
	done := startHTTP(ctx, testApp(t, nil), p, cfg)
	return "http://" + ln.Addr().String() + "/mcp", cancel, done
}

func TestHTTPShutdownDrains(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"count": 0, "results": []}`)
	})
	endpoint, cancel, done := serveStoppable(t, api, HTTPConfig{})

	c := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil)
	s, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: endpoint,
		HTTPClient: &http.Client{Transport: keyHeader{header: "Authorization", key: "Bearer sk-caller-0123456789", next: http.DefaultTransport}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	answered := make(chan error, 1)
	go func() {
		res, err := s.CallTool(context.Background(), &mcp.CallToolParams{Name: "list_notes", Arguments: map[string]any{}})
		if err == nil && res.IsError {
			err = fmt.Errorf("error result: %v", res.Content[0].(*mcp.TextContent).Text)
		}
		answered <- err
	}()
	<-arrived
	cancel()
	// The call is let go once the server drains: no longer ready (or no
	// longer listening).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		resp, err := http.Get(strings.TrimSuffix(endpoint, "/mcp") + "/readyz")
		if err != nil {
			break
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Error("the server still ready 10s after it was told to stop")
			break
		}
	}
	close(release)
	if err := <-answered; err != nil {
		t.Errorf("the call in flight: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("ServeHTTP: %v", err)
	}
}

// TestHTTPShutdownAnswersCallsPastTheDrain checks that a call still running
// when the drain time is up is cancelled and answered with why, over both
// the go-sdk path and the front's, and that the server then ends cleanly.
func TestHTTPShutdownAnswersCallsPastTheDrain(t *testing.T) {
	arrived := make(chan struct{}, 2)
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done() // never answers in time
	})
	endpoint, cancel, done := serveStoppable(t, api, HTTPConfig{Drain: 300 * time.Millisecond})
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`
	answers := make(chan string, 2)
	for _, version := range []string{"2025-11-25", ""} { // the front, the go-sdk
		go func() {
			req, _ := http.NewRequest("POST", endpoint, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if version != "" {
				req.Header.Set("Mcp-Protocol-Version", version)
			}
			req.Header.Set("Authorization", "Bearer sk-caller-0123456789")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				answers <- version + ": " + err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			answers <- fmt.Sprintf("%s: %d %s", version, resp.StatusCode, b)
		}()
	}
	for range 2 { // both calls wait for the API
		select {
		case <-arrived:
		case a := <-answers:
			t.Fatalf("a call answered before the shutdown: %s", a)
		}
	}
	start := time.Now()
	cancel()
	for range 2 {
		if a := <-answers; !strings.Contains(a, "shutting down") {
			t.Errorf("a call past the drain time: %s", a)
		}
	}
	if err := <-done; err != nil {
		t.Errorf("ServeHTTP: %v", err)
	}
	// The drain (300ms) and the calls' answers take well under a second;
	// the default drain, which a server that ignored the set one would
	// wait, is 10s.
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s to end", d)
	}
}

// BenchmarkHTTPCalls measures tool calls per second through one HTTP
// server against a loopback API that answers at once, for 1 and 8
// callers, each with its own session and key.
func BenchmarkHTTPCalls(b *testing.B) {
	endpoint, _ := serveHTTPWith(b, testApp(b, nil), HTTPConfig{}, 0)
	for _, callers := range []int{1, 8} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			sessions := make([]*mcp.ClientSession, callers)
			for i := range sessions {
				sessions[i] = connect(b, endpoint, fmt.Sprintf("sk-caller-%d-0123456789", i))
			}
			var next atomic.Int64
			start := time.Now()
			b.ResetTimer()
			var wg sync.WaitGroup
			for _, s := range sessions {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						if _, err := s.CallTool(context.Background(), &mcp.CallToolParams{Name: "list_notes", Arguments: map[string]any{}}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
		})
	}
}

// A body over the limit is refused before it reaches the MCP server.
func TestHTTPBodyLimit(t *testing.T) {
	endpoint, base := serveHTTPTest(t, HTTPConfig{MaxBodyBytes: 1024})
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{"search":"` + strings.Repeat("x", 2048) + `"}}}`
	code, b, err := rawPost(endpoint, body, "2025-11-25", "sk-caller-1-0123456789") // a call the front would answer
	if err != nil {
		t.Fatal(err)
	}
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "1024 bytes") {
		t.Errorf("status %d %s, want 413 naming the limit", code, b)
	}
	if m := get(t, base+"/metrics", http.StatusOK); strings.Contains(m, "restmcp_upstream_responses_total{") {
		t.Errorf("the API was called:\n%s", m)
	}
}

// A body under --max-body is read whoever answers it, the front or the
// MCP server (whose own limit is 4 MiB), and one over it is refused by both.
func TestHTTPBodyLimitIsOne(t *testing.T) {
	const limit = 6 << 20
	endpoint, _ := serveHTTPTest(t, HTTPConfig{MaxBodyBytes: limit})
	post := func(size int, version string) (int, string) {
		body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{"x":"` + strings.Repeat("x", size) + `"}}}`
		code, b, err := rawPost(endpoint, body, version, "sk-caller-1-0123456789")
		if err != nil {
			t.Fatal(err)
		}
		return code, string(b)
	}
	for _, size := range []int{5 << 20, limit} {
		front, fb := post(size, "2025-11-25") // answered by the front
		sdk, sb := post(size, "")             // answered by the MCP server
		over := size >= limit
		if front != sdk || (front == http.StatusRequestEntityTooLarge) != over {
			t.Errorf("%d bytes: the front answered %d %.200s, the MCP server %d %.200s", size, front, fb, sdk, sb)
		}
	}
}

// With --auth-tokens, callers are admitted by a listed token and the API
// receives the server's own key, whatever key a caller sends.
func TestHTTPAuthTokens(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	sum := sha256.Sum256([]byte("team-token-1"))
	if err := os.WriteFile(file, []byte("# the team\nsha256:"+hex.EncodeToString(sum[:])+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := testApp(t, map[string]string{"RESTMCP_API_KEY": "sk-caller-server-0123456789"})
	endpoint, _ := serveHTTPWith(t, a, HTTPConfig{AuthTokens: file}, 0)

	c := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil)
	s, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: endpoint,
		HTTPClient: &http.Client{Transport: keyHeader{header: "Authorization", key: "Bearer team-token-1",
			next: keyHeader{header: "X-Api-Key", key: "sk-caller-7-0123456789", next: http.DefaultTransport}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := s.CallTool(context.Background(), &mcp.CallToolParams{Name: "list_notes", Arguments: map[string]any{}})
	if err != nil || res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, `"owner-server"`) {
		t.Errorf("call: %v %+v", err, res)
	}
	for _, tok := range []string{"", "Bearer team-token-2"} {
		req, _ := http.NewRequest("POST", endpoint, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("token %q: status %d", tok, resp.StatusCode)
		}
	}
	if _, err := readTokenHashes(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("a missing token file was accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad")
	_ = os.WriteFile(bad, []byte("team-token-1\n"), 0o600)
	if _, err := readTokenHashes(bad); err == nil || !strings.Contains(err.Error(), "sha256sum") {
		t.Errorf("a plain token in the file: %v", err)
	}
}

// The --auth-tokens file takes a line as `printf %s "$TOKEN" | sha256sum`
// writes it ("HASH  -"), which is what its errors tell the operator to run;
// other text after a hash is still not a hash.
func TestTokenHashesTakeSha256sumLines(t *testing.T) {
	sum := sha256.Sum256([]byte("team-token-1"))
	h := hex.EncodeToString(sum[:])
	for _, line := range []string{h + "  -", h + " *-", "sha256:" + h + "  -\t# ops"} {
		got, err := parseTokenHashes("tokens", []byte(line+"\n"))
		if err != nil || len(*got) != 1 || !bytes.Equal((*got)[0], sum[:]) {
			t.Errorf("%q: %v %x", line, err, got)
		}
	}
	for _, line := range []string{h + " x", h + "-", h + "  - -"} {
		if _, err := parseTokenHashes("tokens", []byte(line+"\n")); err == nil {
			t.Errorf("%q was read as a hash", line)
		}
	}
}

// The --auth-tokens file's error counts the lines that are not hashes in
// words that agree with the count.
func TestTokenHashesErrorCountsLines(t *testing.T) {
	sum := sha256.Sum256([]byte("team-token-1"))
	h := hex.EncodeToString(sum[:])
	for _, tc := range []struct{ file, want string }{
		{h + "\nteam-token-2\n", "tokens:2: not a SHA-256 hash in hex (the only such line; it admits no one)"},
		{"team-token-1\n" + h + "\nteam-token-2\nteam-token-3\n", "tokens:1: not a SHA-256 hash in hex (3 such lines; they admit no one)"},
	} {
		_, err := parseTokenHashes("tokens", []byte(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v; want %q", tc.file, err, tc.want)
		}
	}
}

// A profile whose key sits inside a longer header value (--auth-format)
// takes each caller's key out of that value, and its 401 shows the format.
func TestHTTPCallerKeyInFormat(t *testing.T) {
	p := profile.Profile{Name: "pd", AuthHeader: "Authorization", AuthFormat: "Token token={key}"}
	adm := callerAdmit(p)
	for value, want := range map[string]string{
		"Token token=sk-pd-0123456789": "sk-pd-0123456789",
		"sk-pd-0123456789":             "sk-pd-0123456789",
	} {
		r := httptest.NewRequest("POST", "/mcp", nil)
		r.Header.Set("Authorization", value)
		ctx, why := adm.admit(r)
		if why != "" {
			t.Fatalf("%q refused: %s", value, why)
		}
		if got, err := client.CallerKey(ctx); err != nil || got != want {
			t.Errorf("%q: key %q (%v), want %q", value, got, err, want)
		}
	}
	r := httptest.NewRequest("POST", "/mcp", nil)
	if _, why := adm.admit(r); !strings.Contains(why, "Authorization: Token token=<your API key>") {
		t.Errorf("refusal %q does not show the format", why)
	}
}

// With a shutdown delay, a server told to stop first reports not ready
// while it still answers calls, then stops accepting. The delay (2s) is
// what the test's requests have to be done in, on a busy machine too.
func TestHTTPShutdownDelay(t *testing.T) {
	api := newEchoAPI(t, 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	empty := ""
	p := profile.Profile{Name: "acme", Spec: "../cmd/testdata/notes.yaml", BaseURL: api, AuthHeader: "X-Api-Key", AuthScheme: &empty}
	ctx, cancel := context.WithCancel(context.Background())
	done := startHTTP(ctx, testApp(t, nil), p, HTTPConfig{Listener: ln, ShutdownDelay: 2 * time.Second})
	base := "http://" + ln.Addr().String()
	ready := func() int {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := ready(); got != http.StatusOK {
		t.Errorf("/readyz while serving: %d, want 200", got)
	}
	cancel()
	// Not ready once the shutdown began: polled, as it begins in
	// ServeHTTP's own time.
	got := ready()
	for deadline := time.Now().Add(10 * time.Second); got == http.StatusOK && time.Now().Before(deadline); got = ready() {
		time.Sleep(5 * time.Millisecond)
	}
	if got != http.StatusServiceUnavailable {
		t.Errorf("/readyz while shutting down: %d, want 503", got)
	}
	status, body, err := rawPost(base+"/mcp", `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`, "2025-11-25", "sk-caller-1-0123456789")
	if err != nil || status != http.StatusOK || !strings.Contains(string(body), "owner-1") {
		t.Errorf("a call while not ready: %d %s %v, want it answered", status, body, err)
	}
	select {
	case err := <-done:
		t.Fatalf("ServeHTTP ended before the delay: %v", err)
	default:
	}
	if err := <-done; err != nil {
		t.Errorf("ServeHTTP: %v", err)
	}
	if _, err := http.Get(base + "/readyz"); err == nil {
		t.Error("still accepting after the delay")
	}
}

// The bodies of the requests in flight are bounded together: past the
// limit a request is refused with 503 and Retry-After, and once the
// others are answered it goes through.
func TestHTTPInflightBodiesAreBounded(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 { // the first waits, the others are answered at once
			close(arrived)
			<-release
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"count": 0, "results": []}`)
	}))
	t.Cleanup(api.Close)
	endpoint, _ := serveHTTPProfile(t, testApp(t, nil), HTTPConfig{MaxBodyBytes: 700, MaxInflightBytes: 1000}, 0, func(p *profile.Profile) { p.BaseURL = api.URL })
	call := func(pad int) (int, string) {
		body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{},"_meta":{"pad":"` + strings.Repeat("x", pad) + `"}}}`
		resp, err := postCall(endpoint, strings.NewReader(body), "sk-caller-1-0123456789")
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	first := make(chan int, 1)
	go func() { code, _ := call(400); first <- code }()
	<-arrived // the first is waiting for the API
	if code, retry := call(400); code != http.StatusServiceUnavailable || retry == "" {
		t.Errorf("a second large body in flight: %d (Retry-After %q), want 503 with Retry-After", code, retry)
	}
	close(release)
	if code := <-first; code != http.StatusOK {
		t.Errorf("the first: %d", code)
	}
	if code, _ := call(400); code != http.StatusOK {
		t.Errorf("once the first is answered: %d, want 200", code)
	}
}

// TestHTTPBodiesHoldOnlyWhatTheySent checks that connections which
// announce a body and send none hold none of the in-flight budget, that a
// body past --max-body, one of too many values and a credential past
// MaxCredentialBytes are refused with their reason, and that the server
// keeps answering.
func TestHTTPBodiesHoldOnlyWhatTheySent(t *testing.T) {
	holds := watchBodies(t)
	endpoint, base := serveHTTPWith(t, testApp(t, nil), HTTPConfig{Listener: holds, MaxBodyBytes: 1 << 20, MaxInflightBytes: 2 << 20}, 0)
	host := strings.TrimPrefix(base, "http://")
	for i := range 8 {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// Half announce no length, half the largest body: none sends it.
		framing := "Transfer-Encoding: chunked\r\n\r\n"
		if i%2 == 1 {
			framing = fmt.Sprintf("Content-Length: %d\r\n\r\n{", 1<<20)
		}
		fmt.Fprintf(c, "POST /mcp HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-Api-Key: sk-caller-1-0123456789\r\n%s", host, framing)
	}
	holds.waitFor(t, 8) // the holds are read up to their bodies
	post := func(body, key string) (int, string) {
		resp, err := postCall(endpoint, strings.NewReader(body), key)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	call := func(args string) string {
		return `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":` + args + `}}`
	}
	const key = "sk-caller-1-0123456789"
	if code, body := post(call(`{}`), key); code != http.StatusOK || !strings.Contains(body, "owner-1") {
		t.Errorf("with 8 idle bodies open: %d %s", code, body)
	}
	many := `{"pad":[` + strings.Repeat("1,", MaxMessageValues) + `1]}`
	for _, tc := range []struct {
		body, key string
		code      int
		says      string
	}{
		{call(`{"pad":"` + strings.Repeat("x", 1<<20) + `"}`), key, http.StatusRequestEntityTooLarge, "--max-body"},
		{call(many), key, http.StatusRequestEntityTooLarge, "JSON values"},
		{call(`{}`), "sk-" + strings.Repeat("k", MaxCredentialBytes), http.StatusUnauthorized, "longer than"},
	} {
		if code, body := post(tc.body, tc.key); code != tc.code || !strings.Contains(body, tc.says) {
			t.Errorf("%.40s…: %d %.200s, want %d saying %q", tc.body, code, body, tc.code, tc.says)
		}
	}
	if code, _ := post(call(`{}`), key); code != http.StatusOK {
		t.Errorf("after the refusals: %d", code)
	}
}

// TestHTTPDescribedScheme checks that a server whose profile does not say
// how keys are sent (serve --http --spec, as the container images run it)
// reads callers' keys from, and sends them to, the header the description
// declares.
func TestHTTPDescribedScheme(t *testing.T) {
	api := newEchoAPI(t, 0)
	spec := filepath.Join(t.TempDir(), "openapi.json")
	doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":[{"url":"` + api + `"}],
"components":{"securitySchemes":{"key":{"type":"apiKey","in":"header","name":"X-Api-Key"}}},"security":[{"key":[]}],
"paths":{"/notes/":{"get":{"operationId":"list_notes","responses":{"200":{"description":"ok"}}}}}}`
	if err := os.WriteFile(spec, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := startHTTP(ctx, testApp(t, nil), profile.Profile{Name: "acme", Spec: spec}, HTTPConfig{Listener: ln})
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeHTTP: %v", err)
		}
	})
	endpoint := "http://" + ln.Addr().String() + "/mcp"
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`
	var code int
	var b []byte
	for range 50 { // until it listens
		if code, b, err = rawPost(endpoint, body, "2025-11-25", "sk-caller-7-0123456789"); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code != http.StatusOK || !strings.Contains(string(b), "owner-7") {
		t.Errorf("caller key in X-Api-Key: %d %s", code, b)
	}
	req, _ := http.NewRequest("POST", endpoint, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer sk-caller-7-0123456789")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), "X-Api-Key") {
		t.Errorf("caller key in Authorization: %d %s, want 401 naming X-Api-Key", resp.StatusCode, b)
	}
}

// TestReservingBodyHoldsWhatArrives checks that a body announced large
// but short takes, and reserves, a small buffer, and a long one the memory
// it holds, never more than its announced length (plus the room to see
// its end) nor less than it allocates.
func TestReservingBodyHoldsWhatArrives(t *testing.T) {
	for _, tc := range []struct {
		body          string
		length, limit int64
		maxReserved   int64
	}{
		{"{", 1 << 20, 1 << 20, firstBuffer},
		{strings.Repeat("x", 100_000), 100_000, 1 << 20, 100_001},
		{strings.Repeat("x", 100_000), -1, 1 << 20, 128 << 10},
	} {
		bodies := &inflight{}
		bodies.max.Store(1 << 30)
		b := &reservingBody{src: strings.NewReader(tc.body), bodies: bodies}
		data, err := b.readAll(tc.length, tc.limit)
		if err != nil || string(data) != tc.body {
			t.Fatalf("read %d bytes, %v", len(data), err)
		}
		if b.reserved > tc.maxReserved || b.reserved < int64(cap(data)) || bodies.used.Load() != b.reserved {
			t.Errorf("length %d: reserved %d (in flight %d) for a buffer of %d, want at most %d", tc.length, b.reserved, bodies.used.Load(), cap(data), tc.maxReserved)
		}
		b.release()
		if bodies.used.Load() != 0 {
			t.Errorf("released, %d still reserved", bodies.used.Load())
		}
	}
}

// TestHTTPBodyOfTheLimitFits checks that a body of exactly --max-body is
// taken even when the in-flight budget is no larger, and that a larger one
// is refused 413, announced or not.
func TestHTTPBodyOfTheLimitFits(t *testing.T) {
	const limit = 100_000
	endpoint, _ := serveHTTPTest(t, HTTPConfig{MaxBodyBytes: limit, MaxInflightBytes: limit})
	post := func(size int, chunked bool) int {
		head := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}},"pad":"`
		body := head + strings.Repeat("x", size-len(head)-2) + `"}`
		var r io.Reader = strings.NewReader(body)
		if chunked {
			r = io.MultiReader(r) // no length known: sent chunked
		}
		resp, err := postCall(endpoint, r, "sk-caller-1-0123456789")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, chunked := range []bool{false, true} {
		if code := post(limit, chunked); code != http.StatusOK {
			t.Errorf("chunked %v: a body of the limit: %d, want 200", chunked, code)
		}
		if code := post(limit+1, chunked); code != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked %v: a body past the limit: %d, want 413", chunked, code)
		}
	}
}

// A JSON-RPC batch (protocol 2025-03-26) runs its calls at once: one of
// more than MaxBatchMessages is refused before any runs.
func TestHTTPBatchIsBounded(t *testing.T) {
	endpoint, _ := serveHTTPTest(t, HTTPConfig{})
	batch := func(n int) string {
		calls := make([]string, n)
		for i := range calls {
			calls[i] = fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`, i+1)
		}
		return "[" + strings.Join(calls, ",") + "]"
	}
	const key = "sk-caller-1-0123456789"
	if code, body, err := rawPost(endpoint, batch(MaxBatchMessages), "2025-03-26", key); err != nil || code != http.StatusOK || strings.Count(string(body), "owner-1") != MaxBatchMessages {
		t.Errorf("a batch of %d: %d %.300s %v", MaxBatchMessages, code, body, err)
	}
	code, body, err := rawPost(endpoint, batch(MaxBatchMessages+1), "2025-03-26", key)
	if err != nil || code != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), fmt.Sprintf("at most %d", MaxBatchMessages)) {
		t.Errorf("a batch of %d: %d %.300s %v, want 413 saying at most %d", MaxBatchMessages+1, code, body, err, MaxBatchMessages)
	}
}

// Connections that announce a body and send none hold none of the
// in-flight budget: a request with a body is still taken.
func TestHTTPIdleBodiesHoldNothing(t *testing.T) {
	holds := watchBodies(t)
	endpoint, base := serveHTTPWith(t, testApp(t, nil), HTTPConfig{Listener: holds, MaxBodyBytes: 40 << 10, MaxInflightBytes: 40 << 10}, 0)
	host := strings.TrimPrefix(base, "http://")
	for range 4 {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /mcp HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-Api-Key: sk-caller-1-0123456789\r\nContent-Length: %d\r\n\r\n", host, 40<<10)
	}
	holds.waitFor(t, 4) // the holds are read up to their bodies
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{},"_meta":{"pad":"` + strings.Repeat("x", 10<<10) + `"}}}`
	resp, err := postCall(endpoint, strings.NewReader(body), "sk-caller-1-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Errorf("with 4 idle bodies open: %d %s", resp.StatusCode, b)
	}
}

// deadlineRecorder records the write deadline a handler sets.
type deadlineRecorder struct {
	*httptest.ResponseRecorder
	deadline time.Time
}

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error {
	d.deadline = t
	return nil
}

// An answer's writing ends at the request's time limit (and the moment
// given to answer): a client that stops reading does not hold the request
// and its body's bytes for ever.
func TestHTTPAnswerHasAWriteDeadline(t *testing.T) {
	a := testApp(t, nil)
	empty := ""
	p := profile.Profile{Name: "acme", Spec: "../cmd/testdata/notes.yaml", BaseURL: newEchoAPI(t, 0), AuthHeader: "X-Api-Key", AuthScheme: &empty}
	ctx := context.Background()
	srv, err := a.buildServerWith(ctx, p, true, a.describedOr(p, client.CallerKey), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := a.httpHandler(srv, HTTPConfig{Timeout: 3 * time.Second}, newMetrics(), callerAdmit(p), ctx)
	req := httptest.NewRequest("POST", "/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	req.Header.Set("X-Api-Key", "sk-caller-1-0123456789")
	rec := &deadlineRecorder{ResponseRecorder: httptest.NewRecorder()}
	start := time.Now()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "owner-1") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	want := start.Add(3*time.Second + answerGrace)
	if rec.deadline.IsZero() || rec.deadline.Before(want.Add(-time.Second)) || rec.deadline.After(want.Add(time.Second)) {
		t.Errorf("write deadline %v after the start, want about %v", rec.deadline.Sub(start), 3*time.Second+answerGrace)
	}
}

// A subscriptions/listen (protocol 2026-07-28) for tool list changes is
// acknowledged with no subscription and answered at once: the server
// never sends one (TestHTTPDeclaresNoListChanged), so no stream is held
// open, and a shutdown has none to wait out.
func TestHTTPListenHoldsNoStream(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"count": 0, "results": []}`)
	})
	endpoint, stop, done := serveStoppable(t, api, HTTPConfig{Drain: 30 * time.Second})
	body := `{"jsonrpc":"2.0","id":7,"method":"subscriptions/listen","params":{"_meta":{` +
		`"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"c","version":"1"},` +
		`"io.modelcontextprotocol/clientCapabilities":{}},"notifications":{"toolsListChanged":true}}}`
	req, _ := http.NewRequest("POST", endpoint, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", "2026-07-28")
	req.Header.Set("Mcp-Method", "subscriptions/listen")
	req.Header.Set("Authorization", "Bearer sk-listener")
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("the listen stream is held open: %v, after %q", err, b)
	}
	if !strings.Contains(string(b), `"notifications":{}`) || !strings.Contains(string(b), `"id":7,"result"`) {
		t.Errorf("%d: %s, want the listen acknowledged with no subscription, and answered", resp.StatusCode, b)
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ServeHTTP: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server still drains after 10 s")
	}
}

// TestHTTPDescriptionNeedsTheKey checks that a description on the API's
// origin that is refused without a key (a Django REST Framework schema
// view) is read with the profile's own key, from the environment here,
// and that the calls still carry each caller's key, never that one.
func TestHTTPDescriptionNeedsTheKey(t *testing.T) {
	const own = "sk-operator-0123456789"
	var mu sync.Mutex
	var seen []string // path and key of every request the API got
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":[{"url":"` + base + `"}],
"components":{"securitySchemes":{"key":{"type":"apiKey","in":"header","name":"X-Api-Key"}}},"security":[{"key":[]}],
"paths":{"/notes/":{"get":{"operationId":"list_notes","responses":{"200":{"description":"ok"}}}}}}`
	api := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-Api-Key")
		mu.Lock()
		seen = append(seen, r.URL.Path+" "+key)
		mu.Unlock()
		switch {
		case key == "":
			http.Error(w, `{"detail":"Authentication credentials were not provided."}`, http.StatusForbidden)
		case r.URL.Path == "/schema/":
			w.Write([]byte(doc))
		default:
			fmt.Fprintf(w, `{"key":%q}`, key)
		}
	})}
	go func() { _ = api.Serve(ln) }()
	t.Cleanup(func() { _ = api.Close() })

	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // "" when the server starts
	}{
		{"no key of its own", nil, "needs the key, and none was given"},
		{"the key in the environment", map[string]string{"RESTMCP_API_KEY": own}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			seen = nil
			mu.Unlock()
			a := testApp(t, tc.env)
			empty := ""
			p := profile.Profile{Name: "acme", Spec: base + "/schema/", BaseURL: base, AuthHeader: "X-Api-Key", AuthScheme: &empty}
			mcpLn, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := startHTTP(ctx, a, p, HTTPConfig{Listener: mcpLn})
			if tc.want != "" {
				if err := <-done; err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "RESTMCP_API_KEY") {
					t.Fatalf("ServeHTTP = %v, want %q", err, tc.want)
				}
				cancel()
				return
			}
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("ServeHTTP: %v", err)
				}
			}()
			endpoint := "http://" + mcpLn.Addr().String() + "/mcp"
			body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`
			var code int
			var b []byte
			for range 100 { // until it serves
				select {
				case err := <-done:
					done <- nil // for the deferred wait
					t.Fatalf("ServeHTTP: %v", err)
				default:
				}
				if _, err := (&http.Client{Timeout: time.Second}).Get(strings.TrimSuffix(endpoint, "/mcp") + "/readyz"); err == nil {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			code, b, err = rawPost(endpoint, body, "2025-11-25", "sk-caller-7-0123456789")
			if err != nil || code != http.StatusOK || !strings.Contains(string(b), `{\"key\":`) || strings.Contains(string(b), "isError") {
				t.Errorf("call: %d %s", code, b)
			}
			mu.Lock()
			defer mu.Unlock()
			want := []string{"/schema/ ", "/schema/ " + own, "/notes/ sk-caller-7-0123456789"}
			if !slices.Equal(seen, want) {
				t.Errorf("the API got %q, want %q", seen, want)
			}
		})
	}
}

// TestHTTPDescriptionNeedsTheKeySavedCopy checks that a server started
// again, with the copy of the description saved at the first start, reads
// the description again with the profile's own key (from the environment)
// and serves what it says now, and that the saved copy stands in only when
// that read fails, the warning saying why: a key refused as it was sent
// names the flags that send it otherwise.
func TestHTTPDescriptionNeedsTheKeySavedCopy(t *testing.T) {
	const own = "sk-operator-0123456789"
	var mu sync.Mutex
	var seen []string // path and key of every request the API got
	ops := `"/notes/":{"get":{"operationId":"list_notes","responses":{"200":{"description":"ok"}}}}`
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	api := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-Api-Key")
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.URL.Path+" "+key)
		switch {
		case key != own:
			http.Error(w, `{"detail":"Authentication credentials were not provided."}`, http.StatusForbidden)
		case r.URL.Path == "/schema/":
			fmt.Fprint(w, `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":[{"url":"`+base+`"}],`+
				`"components":{"securitySchemes":{"key":{"type":"apiKey","in":"header","name":"X-Api-Key"}}},"security":[{"key":[]}],`+
				`"paths":{`+ops+`}}`)
		default:
			fmt.Fprint(w, `{}`)
		}
	})}
	go func() { _ = api.Serve(ln) }()
	t.Cleanup(func() { _ = api.Close() })

	a := testApp(t, map[string]string{"RESTMCP_API_KEY": own})
	var logs logBuffer
	a.Log = log.New(&logs)
	empty := ""
	p := profile.Profile{Name: "acme", Spec: base + "/schema/", BaseURL: base, AuthHeader: "X-Api-Key", AuthScheme: &empty}
	// serve starts a server for p, and returns its tools/list answer, or
	// the error it stopped with, and the requests the API got meanwhile.
	serve := func(p profile.Profile) (string, []string, error) {
		t.Helper()
		mu.Lock()
		seen = nil
		mu.Unlock()
		mcpLn, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- a.ServeHTTP(ctx, p, HTTPConfig{Listener: mcpLn}) }()
		endpoint := "http://" + mcpLn.Addr().String() + "/mcp"
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); { // until it serves
			select {
			case err := <-done:
				mu.Lock()
				defer mu.Unlock()
				return "", seen, err
			default:
			}
			if resp, err := (&http.Client{Timeout: time.Second}).Get(strings.TrimSuffix(endpoint, "/mcp") + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		code, b, err := rawPost(endpoint, `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, "2025-11-25", "sk-caller-7-0123456789")
		if err != nil || code != http.StatusOK {
			t.Fatalf("tools/list: %d %s %v", code, b, err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeHTTP: %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		return string(b), seen, nil
	}

	list, _, err := serve(p)
	if err != nil || !strings.Contains(list, "list_notes") {
		t.Fatalf("first start: %v, tools %s", err, list)
	}
	logs.take()

	// The API changes; the saved copy has only list_notes.
	mu.Lock()
	ops += `,"/tags/":{"get":{"operationId":"list_tags","responses":{"200":{"description":"ok"}}}}`
	mu.Unlock()
	list, got, err := serve(p)
	if err != nil || !strings.Contains(list, "list_tags") {
		t.Errorf("second start: %v, tools %s; want list_tags, from the description read again with the key", err, list)
	}
	// Refused without the key, read with it (conditionally on the saved
	// copy's validators), once.
	if want := []string{"/schema/ ", "/schema/ " + own}; !slices.Equal(got, want) {
		t.Errorf("the API got %q, want %q", got, want)
	}
	if l := logs.take(); strings.Contains(l, "saved earlier") {
		t.Errorf("the saved copy is used although the description can be read with the key:\n%s", l)
	}

	// The key sent the default way (Authorization: Bearer) is refused:
	// the saved copy is served, and the warning says why.
	bearer := profile.Profile{Name: "acme", Spec: p.Spec, BaseURL: base}
	if _, _, err := serve(bearer); err != nil {
		t.Fatalf("with the saved copy: %v", err)
	}
	l := logs.take()
	for _, want := range []string{"saved earlier", "refused the key", "Authorization: Bearer <key>", "--auth-scheme", "--auth-header"} {
		if !strings.Contains(l, want) {
			t.Errorf("the log does not say %q:\n%s", want, l)
		}
	}
	if strings.Contains(l, "none was given") || strings.Contains(l, own) {
		t.Errorf("the log says no key was given, or shows the key:\n%s", l)
	}

	// With no saved copy, the server does not start, and says why.
	a.Cache = nil
	if _, _, err := serve(bearer); err == nil || !strings.Contains(err.Error(), "--auth-scheme") || !strings.Contains(err.Error(), "refused the key") {
		t.Errorf("ServeHTTP = %v, want the key refused, with the flags that send it otherwise", err)
	}
}

// A --base-path that is not a plain URL path is refused with what to
// write, before anything is served (the router would have panicked on
// "/a b" or "/mcp/{", and read "/mcp/{tenant}" as a wildcard), or one
// that is an operators' endpoint.
func TestHTTPBasePathIsAPath(t *testing.T) {
	a := testApp(t, nil)
	p := profile.Profile{Name: "acme", Spec: "../cmd/testdata/notes.yaml", BaseURL: "http://127.0.0.1:1"}
	for _, bad := range []string{"/a b", "/mcp/{", "/mcp/{tenant}", "/mcp/{x...}/y", "/a//b", "/mcp/..", "https://mcp.example.com/mcp", "/healthz", "/metrics/", "readyz"} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		err = func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			// Served, it would stop at once, with no error.
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			return a.ServeHTTP(ctx, p, HTTPConfig{BasePath: bad, Listener: ln})
		}()
		ln.Close()
		if err == nil || !strings.Contains(err.Error(), "--base-path") || strings.HasPrefix(err.Error(), "panic") {
			t.Errorf("--base-path %q: %v, want an error naming the flag", bad, err)
		}
	}
}
