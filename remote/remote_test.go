package remote

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/remote/remotetest"
)

const testKey = "sk-test-0123456789abcdef"

type echoIn struct {
	Text string `json:"text"`
}

// newTestServer is an MCP server with a read-only tool "echo", a tool
// "delete_all", and a tool "ask" that asks the client to sample a message.
func newTestServer() *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "test-remote", Version: "1.0.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "echo", Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true}},
		func(ctx context.Context, req *mcp.CallToolRequest, in echoIn) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "echo: " + in.Text}}}, nil, nil
		})
	mcp.AddTool(s, &mcp.Tool{Name: "delete_all"},
		func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "deleted"}}}, nil, nil
		})
	mcp.AddTool(s, &mcp.Tool{Name: "ask"},
		func(ctx context.Context, req *mcp.CallToolRequest, in echoIn) (*mcp.CallToolResult, any, error) {
			res, err := req.Session.CreateMessage(ctx, &mcp.CreateMessageParams{
				MaxTokens: 10,
				Messages:  []*mcp.SamplingMessage{{Role: "user", Content: &mcp.TextContent{Text: in.Text}}},
			})
			if err != nil {
				return nil, nil, err
			}
			return &mcp.CallToolResult{Content: []mcp.Content{res.Content}}, nil, nil
		})
	return s
}

// requireKey refuses requests without the test key, and counts them.
func requireKey(h http.Handler, seen *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testKey {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if seen != nil {
			seen.Add(1)
		}
		h.ServeHTTP(w, r)
	})
}

// keyClient sends key to rawURL's origin through the credential
// transport serve uses.
func keyClient(rawURL, key string) *http.Client {
	u, _ := url.Parse(rawURL)
	return client.NewHTTPClient(&client.Transport{
		Origin:     client.Origin(u),
		Credential: client.HeaderKey{Scheme: "Bearer", Key: client.StaticKey(key)},
	}, 0)
}

func connectTest(t *testing.T, cfg Config, opts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	cs, err := Connect(ctx, cfg, mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, opts))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs.ClientSession
}

func callText(t *testing.T, cs *mcp.ClientSession, name string, args any) (string, bool) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("call %s: %v", name, err)
	}
	return resultText(res), res.IsError
}

// resultText is the text of a tool result.
func resultText(res *mcp.CallToolResult) string {
	if res == nil {
		return ""
	}
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func toolNames(t *testing.T, cs *mcp.ClientSession) []string {
	t.Helper()
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}

func TestStreamableWithKey(t *testing.T) {
	var seen atomic.Int32
	srv := newTestServer()
	ts := httptest.NewServer(requireKey(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil), &seen))
	t.Cleanup(ts.Close)

	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: keyClient(ts.URL, testKey)}, nil)
	if got := cs.InitializeResult().ServerInfo.Name; got != "test-remote" {
		t.Errorf("server name = %q, want the remote server's", got)
	}
	if got := strings.Join(toolNames(t, cs), ","); got != "ask,delete_all,echo" {
		t.Errorf("tools = %s", got)
	}
	if text, isErr := callText(t, cs, "echo", map[string]any{"text": "hi"}); isErr || text != "echo: hi" {
		t.Errorf("echo = %q (error %v)", text, isErr)
	}
	if seen.Load() == 0 {
		t.Error("the server saw no request with the key")
	}
}

func TestRefusedKeyNamesLogin(t *testing.T) {
	srv := newTestServer()
	ts := httptest.NewServer(requireKey(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil), nil))
	t.Cleanup(ts.Close)

	cfg := Config{URL: ts.URL, HTTPClient: keyClient(ts.URL, "wrong-key"), Login: "restmcp login --profile acme"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Connect(ctx, cfg, mcp.NewClient(&mcp.Implementation{Name: "c", Version: "1"}, nil))
	if err == nil || !strings.Contains(err.Error(), "restmcp login --profile acme") {
		t.Fatalf("err = %v, want one naming the login command", err)
	}
	if strings.Contains(err.Error(), "wrong-key") {
		t.Errorf("the error shows the key: %v", err)
	}
	_, err = Probe(ctx, cfg, &mcp.Implementation{Name: "c", Version: "1"})
	var se *StatusError
	if !errors.As(err, &se) || !se.Unauthorized() {
		t.Errorf("Probe err = %v, want an unauthorized *StatusError", err)
	}
}

// Without credentials to send, a 401 is told as the server asking for
// them, not as refusing the ones sent.
func TestNoCredentialsNamesLogin(t *testing.T) {
	srv := newTestServer()
	ts := httptest.NewServer(requireKey(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil), nil))
	t.Cleanup(ts.Close)

	cfg := Config{URL: ts.URL, Login: "restmcp login --profile acme", NoCredentials: func(context.Context) bool { return true }}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Connect(ctx, cfg, mcp.NewClient(&mcp.Implementation{Name: "c", Version: "1"}, nil))
	if err == nil || !strings.Contains(err.Error(), "the server asks for credentials and none were given (run `restmcp login --profile acme`)") {
		t.Fatalf("err = %v", err)
	}
	cfg.NoCredentials = func(context.Context) bool { return false }
	_, err = Connect(ctx, cfg, mcp.NewClient(&mcp.Implementation{Name: "c", Version: "1"}, nil))
	if err == nil || !strings.Contains(err.Error(), "the server refused the credentials") {
		t.Fatalf("with credentials: err = %v", err)
	}
}

func TestSSEOnly(t *testing.T) {
	srv := newTestServer()
	ts := httptest.NewServer(requireKey(mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil), nil))
	t.Cleanup(ts.Close)

	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: keyClient(ts.URL, testKey)}, nil)
	if text, isErr := callText(t, cs, "echo", map[string]any{"text": "over sse"}); isErr || text != "echo: over sse" {
		t.Errorf("echo = %q (error %v)", text, isErr)
	}
}

// swappable serves through a handler that a test can replace, dropping
// every session the server had.
type swappable struct {
	mu sync.Mutex
	h  http.Handler
}

func (s *swappable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	h := s.h
	s.mu.Unlock()
	h.ServeHTTP(w, r)
}

func (s *swappable) set(h http.Handler) {
	s.mu.Lock()
	s.h = h
	s.mu.Unlock()
}

func TestSessionLossReconnects(t *testing.T) {
	srv := newTestServer()
	newHandler := func() http.Handler {
		return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	}
	var inits atomic.Int32
	sw := &swappable{h: newHandler()}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.Header.Get(sessionHeader) == "" {
			inits.Add(1)
		}
		sw.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)

	cs := connectTest(t, Config{URL: ts.URL}, nil)
	if text, _ := callText(t, cs, "echo", map[string]any{"text": "before"}); text != "echo: before" {
		t.Fatalf("echo = %q", text)
	}
	sw.set(newHandler()) // the server forgets the session: 404 from now on
	if text, isErr := callText(t, cs, "echo", map[string]any{"text": "after"}); isErr || text != "echo: after" {
		t.Errorf("echo after the session was lost = %q (error %v)", text, isErr)
	}
	if n := inits.Load(); n != 2 {
		t.Errorf("initialize sent %d times, want 2 (the client's, then the replay)", n)
	}
}

func TestServerNotificationAndSampling(t *testing.T) {
	srv := newTestServer()
	ts := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	t.Cleanup(ts.Close)

	changed := make(chan struct{}, 1)
	var sampled atomic.Value
	cs := connectTest(t, Config{URL: ts.URL}, &mcp.ClientOptions{
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
			select {
			case changed <- struct{}{}:
			default:
			}
		},
		CreateMessageHandler: func(ctx context.Context, req *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
			sampled.Store(req.Params.Messages[0].Content.(*mcp.TextContent).Text)
			return &mcp.CreateMessageResult{Model: "m", Role: "assistant", Content: &mcp.TextContent{Text: "sampled answer"}}, nil
		},
	})

	if text, isErr := callText(t, cs, "ask", map[string]any{"text": "question"}); isErr || text != "sampled answer" {
		t.Errorf("ask = %q (error %v)", text, isErr)
	}
	if got, _ := sampled.Load().(string); got != "question" {
		t.Errorf("the client was asked to sample %q", got)
	}

	// A tool added now is announced on the server's own stream, outside
	// any request.
	deadline := time.After(10 * time.Second)
	for i := 0; ; i++ {
		mcp.AddTool(srv, &mcp.Tool{Name: "late"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{}, nil, nil
		})
		select {
		case <-changed:
			return
		case <-time.After(200 * time.Millisecond):
			srv.RemoveTools("late") // the stream may not be open yet: again
		case <-deadline:
			t.Fatal("no tools/list_changed notification reached the client")
		}
	}
}

func TestFilterPrefixAndReadOnly(t *testing.T) {
	srv := newTestServer()
	ts := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	t.Cleanup(ts.Close)

	cs := connectTest(t, Config{URL: ts.URL, Filter: Filter{ReadOnly: true, Prefix: "acme_"}}, nil)
	if got := strings.Join(toolNames(t, cs), ","); got != "acme_echo" {
		t.Errorf("tools = %s, want acme_echo only", got)
	}
	if text, isErr := callText(t, cs, "acme_echo", map[string]any{"text": "x"}); isErr || text != "echo: x" {
		t.Errorf("acme_echo = %q (error %v)", text, isErr)
	}
	for _, name := range []string{"acme_delete_all", "delete_all", "echo"} {
		if text, isErr := callText(t, cs, name, map[string]any{}); !isErr || !strings.Contains(text, "unknown tool") {
			t.Errorf("%s = %q (error %v), want an unknown tool error", name, text, isErr)
		}
	}

	named := connectTest(t, Config{URL: ts.URL, Filter: Filter{Tools: []string{"delete_all"}}}, nil)
	if got := strings.Join(toolNames(t, named), ","); got != "delete_all" {
		t.Errorf("tools with --tool delete_all = %s", got)
	}
	if _, isErr := callText(t, named, "echo", map[string]any{"text": "x"}); !isErr {
		t.Error("echo was called though not selected")
	}
}

func TestDroppedStreamAnswersWithAnError(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	var resumes atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Last-Event-ID") != "" {
			resumes.Add(1) // the handler has no event store: 400
		}
		if r.Method == http.MethodPost && r.Header.Get(sessionHeader) != "" {
			body, _ := io.ReadAll(r.Body)
			if strings.Contains(string(body), `"tools/call"`) {
				// The stream starts, then ends before the answer.
				w.Header().Set("Content-Type", "text/event-stream")
				w.WriteHeader(http.StatusOK)
				if strings.Contains(string(body), "numbered") {
					io.WriteString(w, "id: gone_0\nretry: 10\n\n")
				}
				return
			}
			r.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)

	cs := connectTest(t, Config{URL: ts.URL}, nil)
	for _, tc := range []struct {
		text    string
		resumes int32
	}{
		{"plain", 0},    // no event ID: nothing to resume
		{"numbered", 1}, // the resumption is refused, and not tried again
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		before := resumes.Load()
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": tc.text}})
		cancel()
		if err != nil || !res.IsError || !strings.Contains(resultText(res), "stream ended before the answer to tools/call came; it may or may not have run") ||
			strings.Contains(resultText(res), "try again") {
			t.Errorf("%s: %v %v, want a tool error naming the dropped stream, and that the call may have run", tc.text, res, err)
		}
		if n := resumes.Load() - before; n != tc.resumes {
			t.Errorf("%s: %d resumptions tried, want %d", tc.text, n, tc.resumes)
		}
	}
}

func TestOAuthChallengeIsNamed(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="http://`+r.Host+`/.well-known/oauth-protected-resource"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	}))
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Probe(ctx, Config{URL: ts.URL, Login: "restmcp login --profile x"}, &mcp.Implementation{Name: "c", Version: "1"})
	if err == nil || !strings.Contains(err.Error(), "asks for OAuth sign-in: run `restmcp login --profile x` (without --with-key)") {
		t.Errorf("err = %v", err)
	}
}

// A key from the environment that the server refuses is named as such:
// signing in again, or storing a new key, changes nothing while it is
// set.
func TestEnvKeyRefusalIsNamed(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="http://`+r.Host+`/.well-known/oauth-protected-resource"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	}))
	t.Cleanup(ts.Close)
	for _, tc := range []struct {
		oauth, noneStored bool
		want              string
	}{
		{true, false, "the server refused the key from RESTMCP_API_KEY: correct that variable, or unset it to use the stored sign-in"},
		{false, false, "the server refused the key from RESTMCP_API_KEY: correct that variable, or unset it to use the key `restmcp login --profile x` stores"},
		// Nothing stored: unsetting the variable would leave nothing.
		{false, true, "the server refused the key from RESTMCP_API_KEY: correct that variable"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		noneStored := tc.noneStored
		_, err := Probe(ctx, Config{URL: ts.URL, Login: "restmcp login --profile x", KeyEnv: "RESTMCP_API_KEY", OAuth: tc.oauth, NoneStored: func() bool { return noneStored }}, &mcp.Implementation{Name: "c", Version: "1"})
		cancel()
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "run `") || tc.noneStored && strings.Contains(err.Error(), "unset") {
			t.Errorf("oauth %v, none stored %v: err = %v, want %q", tc.oauth, tc.noneStored, err, tc.want)
		}
	}
	// A 403 asking for a scope: the variable's key lacks it.
	se := &StatusError{Status: http.StatusForbidden, InsufficientScope: true, Scopes: []string{"repo"}}
	for _, noneStored := range []bool{false, true} {
		got := LacksScope(se, Config{Login: "restmcp login --profile x", KeyEnv: "RESTMCP_API_KEY", OAuth: true, NoneStored: func() bool { return noneStored }})
		if !strings.Contains(got, "the key from RESTMCP_API_KEY lacks a permission") || strings.Contains(got, "--scopes") ||
			strings.Contains(got, "unset it to use the stored sign-in") == noneStored {
			t.Errorf("none stored %v: LacksScope = %q", noneStored, got)
		}
	}
}

// cutProxy forwards to upstream, flushing as it goes; the first POST that
// calls the tool "slow" has its event stream cut after the first
// notification, and cut is closed then.
type cutProxy struct {
	upstream string
	cut      chan struct{}
	once     sync.Once
	resumed  atomic.Value // the Last-Event-ID of the first GET with one
}

func (p *cutProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if id := r.Header.Get("Last-Event-ID"); id != "" && r.Method == http.MethodGet {
		p.resumed.CompareAndSwap(nil, id)
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.upstream, bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	flusher := w.(http.Flusher)
	cutting := false
	if r.Method == http.MethodPost && strings.Contains(string(body), `"slow"`) {
		p.once.Do(func() { cutting = true })
	}
	lines := bufio.NewReader(resp.Body)
	notified := false
	for {
		line, err := lines.ReadString('\n')
		w.Write([]byte(line))
		flusher.Flush()
		if strings.Contains(line, "notifications/progress") {
			notified = true
		}
		if cutting && notified && strings.TrimSpace(line) == "" {
			close(p.cut)
			return
		}
		if err != nil {
			return
		}
	}
}

func TestDroppedCallStreamResumes(t *testing.T) {
	srv := newTestServer()
	proxy := &cutProxy{cut: make(chan struct{})}
	mcp.AddTool(srv, &mcp.Tool{Name: "slow"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: req.Params.GetProgressToken(), Progress: 1, Message: "started"})
		select {
		case <-proxy.cut:
		case <-time.After(10 * time.Second):
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "done"}}}, nil, nil
	})
	upstream := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv },
		&mcp.StreamableHTTPOptions{EventStore: mcp.NewMemoryEventStore(nil)}))
	t.Cleanup(upstream.Close)
	proxy.upstream = upstream.URL
	ts := httptest.NewServer(requireKey(proxy, nil))
	t.Cleanup(ts.Close)

	var progress atomic.Int32
	client := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, &mcp.ClientOptions{
		ProgressNotificationHandler: func(context.Context, *mcp.ProgressNotificationClientRequest) {
			progress.Add(1)
		},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	ct, st := mcp.NewInMemoryTransports()
	go Serve(ctx, st, Config{URL: ts.URL, HTTPClient: keyClient(ts.URL, testKey)})
	// Numbered (resumable) events come with protocol versions up to 2025-11-25.
	cs, err := client.Connect(ctx, ct, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer cs.Close()
	params := &mcp.CallToolParams{Name: "slow", Arguments: map[string]any{}}
	params.SetProgressToken("p1")
	res, err := cs.CallTool(ctx, params)
	if err != nil {
		t.Fatalf("call slow: %v", err)
	}
	if len(res.Content) != 1 || res.Content[0].(*mcp.TextContent).Text != "done" || res.IsError {
		t.Errorf("slow = %+v, want the tool's result", res.Content)
	}
	select {
	case <-proxy.cut:
	default:
		t.Fatal("the call's stream was not cut")
	}
	if id, _ := proxy.resumed.Load().(string); id == "" {
		t.Error("no GET carried Last-Event-ID")
	}
	if progress.Load() != 1 {
		t.Errorf("%d progress notifications reached the client, want 1 (none replayed twice)", progress.Load())
	}
}

// A server slow to take a notification does not hold up the client's
// next requests: notifications travel beside the loop that reads them.
func TestSlowNotificationHoldsNothingUp(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	release, held := make(chan struct{}), make(chan struct{})
	var once sync.Once
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(`"notifications/roots/list_changed"`)) {
			once.Do(func() { close(held) })
			select {
			case <-release:
			case <-time.After(10 * time.Second):
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(release) }) // first: the held notification ends
	c := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs, err := Connect(ctx, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, c)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	c.AddRoots(&mcp.Root{URI: "file:///work"})
	select { // the notification is held at the server
	case <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("the roots notification did not reach the server")
	}
	start := time.Now()
	if got := strings.Join(toolNames(t, cs.ClientSession), ","); got != "ask,delete_all,echo" {
		t.Errorf("tools = %s", got)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("tools/list took %v behind a notification the server holds", d)
	}
}

// A refusal seen once is not blamed for a later failure once the server
// accepted the credentials again.
func TestOldRefusalIsForgotten(t *testing.T) {
	var refuse atomic.Bool
	var transport http.RoundTripper = http.DefaultTransport
	var w atomic.Int32
	watch := refusalWatch{base: transport, refused: &w}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if refuse.Load() {
			http.Error(rw, "no", http.StatusForbidden)
			return
		}
		rw.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	get := func() {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		if resp, err := watch.RoundTrip(req); err == nil {
			resp.Body.Close()
		}
	}
	refuse.Store(true)
	get()
	if w.Load() != http.StatusForbidden {
		t.Fatalf("refusal not seen: %d", w.Load())
	}
	refuse.Store(false)
	get()
	if w.Load() != 0 {
		t.Errorf("an accepted request left the refusal standing: %d", w.Load())
	}
}

// interceptPosts serves newTestServer over Streamable HTTP, but for the
// requests whose body holds match, which answer answers (body read).
func interceptPosts(match string, answer func(w http.ResponseWriter, r *http.Request, body []byte)) *httptest.Server {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	return httptest.NewServer(intercept(h, match, answer))
}

// intercept serves through h, but for the requests whose body holds
// match, which answer answers (body read).
func intercept(h http.Handler, match string, answer func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte(match)) {
			h.ServeHTTP(w, r)
			return
		}
		answer(w, r, body)
	})
}

// An answer over 16 MiB is refused with an error saying so, over a JSON
// answer and over an event stream, and nothing is retried.
func TestAnswerTooLargeSaysSo(t *testing.T) {
	big := strings.Repeat("x", 17<<20)
	for _, stream := range []bool{false, true} {
		var posts atomic.Int32
		ts := interceptPosts(`"name":"echo"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
			posts.Add(1)
			answer := `{"jsonrpc":"2.0","id":` + string(idOf(body)) + `,"result":{"content":[{"type":"text","text":"` + big + `"}]}}`
			if stream {
				w.Header().Set("Content-Type", "text/event-stream")
				io.WriteString(w, "id: 1\ndata: "+answer+"\n\n")
				return
			}
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, answer)
		})
		cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
		res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "x"}})
		msg := fmt.Sprint(err)
		if err == nil && res.IsError {
			msg = res.Content[0].(*mcp.TextContent).Text
		}
		// Not as a failure to connect: the server answered.
		if !strings.Contains(msg, "over 16 MiB") || strings.Contains(msg, "connecting to") {
			t.Errorf("stream %v: %.200q, want an error saying the answer is over 16 MiB", stream, msg)
		}
		if posts.Load() != 1 {
			t.Errorf("stream %v: the call was sent %d times", stream, posts.Load())
		}
		cs.Close()
		ts.Close()
	}
}

// A call's event stream that the server leaves open after the answer is
// closed once the answer is passed on: it would hold a connection, and
// goroutines, for each call.
func TestAnsweredCallStreamIsClosed(t *testing.T) {
	var open atomic.Int32
	ts := interceptPosts(`"method":"tools/call"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprintf(w, "data: {\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}}\n\n", idOf(body))
		w.(http.Flusher).Flush()
		open.Add(1)
		defer open.Add(-1)
		<-r.Context().Done() // the stream stays open
	})
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
	for range 5 {
		if text, isErr := callText(t, cs, "echo", map[string]any{"text": "x"}); isErr || text != "ok" {
			t.Fatalf("echo = %q (error %v)", text, isErr)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for open.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := open.Load(); n > 0 {
		t.Errorf("%d answered calls' streams still open", n)
	}
}

// countingTransport counts the bytes read from the bodies of its answers.
type countingTransport struct {
	n atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		resp.Body = &countingBody{resp.Body, &c.n}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// An event line that does not end is refused once over the event limit,
// not read whole into memory first.
func TestEndlessEventLineIsCutShort(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte(`"name":"echo"`)) {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: ")
		chunk := bytes.Repeat([]byte("a"), 1<<20)
		for range 64 { // 64 MiB, no end of line
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(ts.Close)
	counted := &countingTransport{}
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: &http.Client{Transport: counted}}, nil)
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "x"}})
	msg := fmt.Sprint(err)
	if err == nil && res.IsError {
		msg = res.Content[0].(*mcp.TextContent).Text
	}
	if !strings.Contains(msg, "over 16 MiB") {
		t.Errorf("%.200q, want an error saying the answer is over 16 MiB", msg)
	}
	if n := counted.n.Load(); n > maxEventBytes+1<<20 {
		t.Errorf("%d MiB read of a line that does not end, want little over 16", n>>20)
	}
}

// idOf is the "id" of a JSON-RPC request.
func idOf(body []byte) json.RawMessage {
	var m struct {
		ID json.RawMessage `json:"id"`
	}
	_ = json.Unmarshal(body, &m)
	return m.ID
}

// An answer longer than the event reader's buffer (64 KiB) arrives whole
// over an event stream: its first part used to be overwritten by the rest.
func TestLongEventArrivesWhole(t *testing.T) {
	srv := newTestServer()
	ts := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
	long := strings.Repeat("abcdefghij", 30_000) // 300 KB
	text, isErr := callText(t, cs, "echo", map[string]any{"text": long})
	if isErr || text != "echo: "+long {
		t.Errorf("echo of 300 KB: error %v, %d bytes back, want %d", isErr, len(text), len(long)+6)
	}
}

// A call the client cancels stops waiting for a server that does not
// answer: its request to the server ends.
func TestCancelledCallEndsItsRequest(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, &mcp.StreamableHTTPOptions{JSONResponse: true})
	ended := make(chan struct{}, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(`"method":"tools/call"`)) {
			select { // a server that never answers
			case <-r.Context().Done():
				ended <- struct{}{}
			case <-time.After(20 * time.Second):
			}
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "x"}}); err == nil {
		t.Fatal("the call was answered")
	}
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Error("the request to the server still waits after the client cancelled")
	}
}

// callWatch is a transport that tells when the headers of the answer to
// the first tools/call came: the call is written, and cutting the
// connection then cannot make the bridge send it again.
type callWatch struct {
	written chan struct{}
	once    sync.Once
}

func (w *callWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && bytes.Contains(body, []byte(`"method":"tools/call"`)) {
		w.once.Do(func() { close(w.written) })
	}
	return resp, err
}

// A call in flight when the connection to the server ends is answered
// with an error rather than never: over Streamable HTTP when the server's
// stream finds the session gone and the call's own stream brings no
// answer within the wait for it (it is closed with the connection), and
// over HTTP+SSE when the stream drops.
func TestCallInFlightAnsweredWhenConnectionEnds(t *testing.T) {
	t.Run("streamable", func(t *testing.T) {
		srv := newTestServer()
		h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
		gone := make(chan struct{})
		var gets atomic.Int32
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.Header.Get(sessionHeader) != "" {
				if gets.Add(1) == 1 {
					emptyStream(w) // a stream is offered: a 404 later is the session's loss
					return
				}
				select { // the server's stream, until the session is gone
				case <-gone:
					http.Error(w, "no such session", http.StatusNotFound)
				case <-r.Context().Done():
				}
				return
			}
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if bytes.Contains(body, []byte(`"method":"tools/call"`)) {
				// The call's stream opens; its answer never comes.
				w.Header().Set("Content-Type", "text/event-stream")
				w.WriteHeader(http.StatusOK)
				w.(http.Flusher).Flush()
				<-r.Context().Done()
				return
			}
			h.ServeHTTP(w, r)
		}))
		t.Cleanup(ts.Close)
		watch := &callWatch{written: make(chan struct{})}
		cs := connectTest(t, Config{URL: ts.URL, HTTPClient: &http.Client{Transport: watch}, lostTimeout: 300 * time.Millisecond}, nil)
		go func() {
			<-watch.written
			close(gone)
		}()
		expectConnEnded(t, cs)
	})
	t.Run("sse", func(t *testing.T) {
		srv := newTestServer()
		release := make(chan struct{})
		mcp.AddTool(srv, &mcp.Tool{Name: "wait"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
			<-release // the server's session waits for it to close
			return &mcp.CallToolResult{}, nil, nil
		})
		ts := httptest.NewServer(mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil))
		t.Cleanup(ts.Close)
		t.Cleanup(func() { close(release) })
		watch := &callWatch{written: make(chan struct{})}
		cs := connectTest(t, Config{URL: ts.URL, HTTPClient: &http.Client{Transport: watch}}, nil)
		go func() {
			<-watch.written
			ts.CloseClientConnections()
		}()
		expectConnEnded(t, cs)
	})
}

// expectConnEnded calls the tool "wait" and expects the error of a
// connection that ended before its answer.
func expectConnEnded(t *testing.T, cs *mcp.ClientSession) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "wait", Arguments: map[string]any{}})
	if err != nil {
		t.Fatalf("call: %v, want an answer", err)
	}
	text := res.Content[0].(*mcp.TextContent).Text
	if !res.IsError || !strings.Contains(text, "connection to the MCP server ended before the answer to tools/call") {
		t.Errorf("answer = %q (error %v), want the ended connection named", text, res.IsError)
	}
}

// stubConn is a connection to the server that answers "ping" and nothing
// else, until it is closed.
type stubConn struct {
	in     chan jsonrpc.Message
	closed chan struct{}
	once   sync.Once
}

func newStubConn() *stubConn {
	return &stubConn{in: make(chan jsonrpc.Message, 8), closed: make(chan struct{})}
}

func (s *stubConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	select {
	case m := <-s.in:
		return m, nil
	case <-s.closed:
		return nil, io.EOF
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *stubConn) Write(_ context.Context, msg jsonrpc.Message) error {
	if req, ok := msg.(*jsonrpc.Request); ok && req.Method == "ping" {
		s.in <- &jsonrpc.Response{ID: req.ID, Result: json.RawMessage(`{}`)}
	}
	return nil
}

func (s *stubConn) Close() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}

func (s *stubConn) SessionID() string { return "" }

// When a connection ends, each call written on it and not answered gets an
// error, once; a call written on it afterwards gets the error at once.
func TestEndedConnectionAnswersItsCalls(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b := newBridge(ctx, Config{})
	ct, st := mcp.NewInMemoryTransports()
	local, err := st.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.local = local
	client, err := ct.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stub := newStubConn()
	conn := &upConn{Connection: stub}
	go b.readUp(ctx, conn)
	call := func(id int64, method string) {
		t.Helper()
		rid, _ := jsonrpc.MakeID(float64(id))
		b.wmu.Lock()
		req := b.routeLocked(&jsonrpc.Request{ID: rid, Method: method})
		b.wmu.Unlock()
		if err := b.write(ctx, conn, req); err != nil {
			t.Fatalf("write %d: %v", id, err)
		}
	}
	answer := func(id int64) *jsonrpc.Response {
		t.Helper()
		m, err := client.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for the answer to %d: %v", id, err)
		}
		r, ok := m.(*jsonrpc.Response)
		if want, _ := jsonrpc.MakeID(float64(id)); !ok || r.ID != want {
			t.Fatalf("got %+v, want the answer to %d", m, id)
		}
		return r
	}
	ended := func(r *jsonrpc.Response) {
		t.Helper()
		if r.Error == nil || !strings.Contains(r.Error.Error(), "connection to the MCP server ended before the answer to tools/list came; it may or may not have run") {
			t.Errorf("answer = %+v, want the ended connection named", r)
		}
	}

	call(1, "ping")
	if r := answer(1); r.Error != nil {
		t.Fatalf("ping: %v", r.Error)
	}
	call(2, "tools/list") // never answered by the server
	stub.Close()
	ended(answer(2))
	call(3, "tools/list")
	ended(answer(3)) // not the answered ping's: it is answered once
}

// What the server sent before the connection failed or closed is read
// before the failure: answers among it reach the client.
func TestReadPassesQueuedMessagesFirst(t *testing.T) {
	for i := range 20 {
		c := newHTTPConn("http://127.0.0.1:1/mcp", http.DefaultClient)
		id, _ := jsonrpc.MakeID(float64(i))
		c.deliver(&jsonrpc.Response{ID: id, Result: json.RawMessage(`{}`)})
		want := io.EOF
		if i%2 == 0 {
			c.fail(errSessionLost)
			want = errSessionLost
		}
		c.cancel()
		if m, err := c.Read(context.Background()); err != nil {
			t.Fatalf("read: %v, want the message queued first", err)
		} else if r, ok := m.(*jsonrpc.Response); !ok || r.ID != id {
			t.Fatalf("read %+v", m)
		}
		if _, err := c.Read(context.Background()); !errors.Is(err, want) {
			t.Fatalf("then read err = %v, want %v", err, want)
		}
	}
}

// Read passes on the answer a POST queued as Read found the queue empty,
// the session lost: the POST, counted out just then, is in flight no
// more when Read looks for the answers still due, yet its answer is
// queued, and comes before the loss.
func TestReadPassesAnswerQueuedAsLossIsReported(t *testing.T) {
	c := newHTTPConn("http://127.0.0.1:1/mcp", http.DefaultClient)
	defer c.cancel()
	c.lostWait = time.Second
	if err := c.beginPost(); err != nil {
		t.Fatal(err)
	}
	c.fail(errSessionLost)
	id, _ := jsonrpc.MakeID(float64(1))
	var once sync.Once
	c.emptied = func() {
		once.Do(func() {
			c.deliver(&jsonrpc.Response{ID: id, Result: json.RawMessage(`{}`)})
			c.endPost()
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if m, err := c.Read(ctx); err != nil {
		t.Fatalf("read: %v, want the answer queued first", err)
	} else if r, ok := m.(*jsonrpc.Response); !ok || r.ID != id {
		t.Fatalf("read %+v, want the answer", m)
	}
	if _, err := c.Read(ctx); !errors.Is(err, errSessionLost) {
		t.Fatalf("then read err = %v, want the session lost", err)
	}
}

// stallInitialized serves through h, but holds the answer to the
// notifications/initialized of each session stall names (1 for the first)
// until its request ends: the server took the notification, and does not
// say so. stalled receives the number of each one held.
func stallInitialized(t *testing.T, h http.Handler, stall func(n int32) bool, stalled chan<- int32) http.Handler {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte(`"method":"notifications/initialized"`)) || !stall(n.Add(1)) {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder() // h's answer must not be flushed early
		h.ServeHTTP(rec, r)
		if stalled != nil {
			stalled <- n.Load()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
		w.WriteHeader(rec.Code)
	})
}

// A server that stalls on notifications/initialized does not stop the
// reading of the client: once the wait for it ends, requests pass.
func TestStalledInitializedHoldsNothingUp(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	ts := httptest.NewServer(stallInitialized(t, h, func(int32) bool { return true }, nil))
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient, asideTimeout: 200 * time.Millisecond}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := cs.ListTools(ctx, nil); err != nil {
		t.Fatalf("tools/list behind a stalled initialized notification: %v", err)
	}
}

// A new session whose initialized notification the server stalls on is
// given up within the wait for it: the call that needed it is answered,
// and the next call starts another session.
func TestStalledReplayIsGivenUp(t *testing.T) {
	srv := newTestServer()
	sw := &swappable{h: mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)}
	ts := httptest.NewServer(stallInitialized(t, sw, func(n int32) bool { return n == 2 }, nil))
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient, asideTimeout: time.Second}, nil)
	if text, _ := callText(t, cs, "echo", map[string]any{"text": "before"}); text != "echo: before" {
		t.Fatalf("echo = %q", text)
	}
	sw.set(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "stalled"}})
	if err != nil {
		t.Fatalf("call during the stalled replay: %v", err)
	}
	if text := res.Content[0].(*mcp.TextContent).Text; !res.IsError || !strings.Contains(text, "did not take the initialized notification") {
		t.Errorf("answer = %q (error %v), want the stalled notification named", text, res.IsError)
	}
	if text, isErr := callText(t, cs, "echo", map[string]any{"text": "after"}); isErr || text != "echo: after" {
		t.Errorf("echo after = %q (error %v)", text, isErr)
	}
}

// keptTransport keeps the connection it makes, so that a test can end it
// as a client that goes away does, without waiting for its calls.
type keptTransport struct {
	mcp.Transport
	conn mcp.Connection
}

func (k *keptTransport) Connect(ctx context.Context) (mcp.Connection, error) {
	c, err := k.Transport.Connect(ctx)
	k.conn = c
	return c, err
}

// The bridge shuts down when the client goes, even while a new session's
// initialized notification is stalled on (and b.mu held with it).
func TestShutdownDuringStalledReplay(t *testing.T) {
	srv := newTestServer()
	sw := &swappable{h: mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)}
	stalled := make(chan int32, 1)
	ts := httptest.NewServer(stallInitialized(t, sw, func(n int32) bool { return n == 2 }, stalled))
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ct, st := mcp.NewInMemoryTransports()
	served := make(chan error, 1)
	// The bridge's log, shown if the call is not cancelled: which step of
	// the end missed it.
	var logbuf syncBuf
	lg := log.New(&logbuf)
	lg.SetLevel(log.DebugLevel)
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logbuf.String())
		}
	})
	go func() { served <- Serve(ctx, st, Config{URL: ts.URL, HTTPClient: http.DefaultClient, Logger: lg}) }()
	kept := &keptTransport{Transport: ct}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil).Connect(ctx, kept, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	if text, _ := callText(t, cs, "echo", map[string]any{"text": "before"}); text != "echo: before" {
		t.Fatalf("echo = %q", text)
	}
	sw.set(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	go cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "stalled"}})
	select {
	case <-stalled:
	case <-ctx.Done():
		t.Fatal("no new session was started")
	}
	kept.conn.Close() // the client goes, its call unanswered
	select {
	case <-served:
	case <-time.After(5 * time.Second):
		t.Fatal("Serve still runs 5s after the client went")
	}
}

// logWatch is a log's writer that closes seen once a line holds want: a
// test waits by it for the bridge to reach a step it logs.
type logWatch struct {
	want string
	seen chan struct{}
	once sync.Once
}

// streamableSwap is a Streamable HTTP handler for srv that a test can
// replace (the server forgets its sessions), and how to make another.
func streamableSwap(srv *mcp.Server) (newHandler func() http.Handler, sw *swappable) {
	newHandler = func() http.Handler {
		return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	}
	return newHandler, &swappable{h: newHandler()}
}

// echoAnswers checks that the tool echo answers text through cs (what says
// when, in the failure).
func echoAnswers(t *testing.T, cs *mcp.ClientSession, text, what string) {
	t.Helper()
	if got, isErr := callText(t, cs, "echo", map[string]any{"text": text}); isErr || got != "echo: "+text {
		t.Errorf("%s = %q (error %v)", what, got, isErr)
	}
}

// callResult is what a call sent by callAsync came back with.
type callResult struct {
	res *mcp.CallToolResult
	err error
}

// callAsync calls the tool name in its own goroutine, for a test that acts
// while the call waits.
func callAsync(ctx context.Context, cs *mcp.ClientSession, name string, args any) <-chan callResult {
	ch := make(chan callResult, 1)
	go func() {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
		ch <- callResult{res, err}
	}()
	return ch
}

// heldUntil holds a request until seen is closed, and reports on cut
// whether the request was cut off first (false returned: its handler
// returns).
func heldUntil(seen <-chan struct{}, r *http.Request, cut chan<- bool) bool {
	select {
	case <-seen:
		cut <- false
		return true
	case <-r.Context().Done():
		cut <- true
		return false
	}
}

func (w *logWatch) Write(p []byte) (int, error) {
	if strings.Contains(string(p), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

// When the server's stream finds the session lost before a call's POST
// is answered, the call is not cut off with the connection: the old
// session refuses it (404), and it is sent again on a new session. Only
// the call the old session had taken, whose answer went with the session,
// is answered with an error, and it is not sent again.
func TestLossOnStreamFirstSendsUntakenCallAgain(t *testing.T) {
	srv := newTestServer()
	newHandler, sw := streamableSwap(srv)
	lost := make(chan struct{})    // the server forgot the first session
	taken := make(chan struct{})   // the old session took the call "wait"
	held := make(chan struct{}, 1) // the first POST of the call "echo" came
	cut := make(chan bool, 1)      // whether that POST was cut off, unanswered
	// The first POST of echo is answered once the bridge, having seen the
	// loss on the stream, says that it waits for its answer: so the
	// stream finds the loss first, and a bridge that cut the POST off
	// with the connection instead is seen doing so.
	watch := &logWatch{want: "requests in flight", seen: make(chan struct{})}
	var waits, echoes, gets atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.Header.Get(sessionHeader) != "" {
			if gets.Add(1) == 1 {
				emptyStream(w) // a stream is offered: a 404 later is the session's loss
				return
			}
			select { // the first session's stream is held until the session is lost
			case <-lost:
			case <-r.Context().Done():
				return
			}
			sw.ServeHTTP(w, r) // then 404: the new handler does not know it
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		switch {
		case bytes.Contains(body, []byte(`"name":"wait"`)):
			// Taken: the call's stream opens; its answer never comes.
			waits.Add(1)
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			close(taken)
			<-r.Context().Done()
			return
		case bytes.Contains(body, []byte(`"name":"echo"`)) && echoes.Add(1) == 1:
			// Not answered before the stream finds the session lost;
			// then refused, as the server no longer knows the session.
			held <- struct{}{}
			if !heldUntil(watch.seen, r, cut) {
				return
			}
		}
		sw.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	logger := log.NewWithOptions(watch, log.Options{Level: log.DebugLevel})
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient, Logger: logger}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	waited := callAsync(ctx, cs, "wait", map[string]any{})
	select {
	case <-taken:
	case <-ctx.Done():
		t.Fatal("the call wait did not reach the server")
	}
	echoed := callAsync(ctx, cs, "echo", map[string]any{"text": "after"})
	select {
	case <-held:
	case <-ctx.Done():
		t.Fatal("the call echo did not reach the server")
	}
	sw.set(newHandler()) // the server forgets the session…
	close(lost)          // …and its stream says so first

	r := <-echoed
	if r.err != nil {
		t.Fatalf("echo: %v", r.err)
	}
	if text := resultText(r.res); r.res.IsError || text != "echo: after" {
		t.Errorf("echo, refused by the lost session = %q (error %v), want it sent again and answered", text, r.res.IsError)
	}
	if <-cut {
		t.Error("the POST of echo was cut off before the server answered it")
	}
	if n := echoes.Load(); n != 2 {
		t.Errorf("echo was posted %d times, want 2 (refused, then on the new session)", n)
	}
	r = <-waited
	if r.err != nil {
		t.Fatalf("wait: %v", r.err)
	}
	if text := resultText(r.res); !r.res.IsError || !strings.Contains(text, "connection to the MCP server ended before the answer to tools/call came; it may or may not have run") {
		t.Errorf("wait, taken by the lost session = %q (error %v), want the ended connection named", text, r.res.IsError)
	}
	if n := waits.Load(); n != 1 {
		t.Errorf("wait was posted %d times, want 1: the lost session had taken it", n)
	}
}

// When the server's stream finds the session lost while a call's POST is
// under way, and the server answers that POST after all (in its body, or
// on the event stream it opens), the answer reaches the client: the call
// is not told that it may or may not have run.
func TestLossOnStreamFirstPassesLateAnswer(t *testing.T) {
	for _, how := range []string{"json", "sse"} {
		t.Run(how, func(t *testing.T) {
			srv := newTestServer()
			newHandler, sw := streamableSwap(srv)
			lost := make(chan struct{})    // the server forgot the first session
			held := make(chan struct{}, 1) // the POST of the call "echo" came
			// That POST is answered once the bridge, having seen the loss
			// on the stream, says that it waits for the requests in flight.
			watch := &logWatch{want: "requests in flight", seen: make(chan struct{})}
			var gets, echoes atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int32(0)
				if r.Method == http.MethodGet {
					n = gets.Add(1)
				}
				if n == 1 {
					emptyStream(w) // a stream is offered: a 404 later is the session's loss
					return
				}
				if n == 2 {
					select { // the first session's stream, held until it is lost
					case <-lost:
					case <-r.Context().Done():
						return
					}
					http.Error(w, "no such session", http.StatusNotFound)
					return
				}
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				if bytes.Contains(body, []byte(`"text":"held"`)) && echoes.Add(1) == 1 {
					held <- struct{}{}
					select {
					case <-watch.seen:
					case <-r.Context().Done():
						return
					}
					answer := answerEvent(idOf(body), "answered late")
					if how == "json" {
						w.Header().Set("Content-Type", "application/json")
						io.WriteString(w, answer)
						return
					}
					w.Header().Set("Content-Type", "text/event-stream")
					io.WriteString(w, "event: message\ndata: "+answer+"\n\n")
					return
				}
				sw.ServeHTTP(w, r)
			}))
			t.Cleanup(ts.Close)
			logger := log.NewWithOptions(watch, log.Options{Level: log.DebugLevel})
			cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient, Logger: logger}, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			echoed := callAsync(ctx, cs, "echo", map[string]any{"text": "held"})
			select {
			case <-held:
			case <-ctx.Done():
				t.Fatal("the call echo did not reach the server")
			}
			sw.set(newHandler()) // the server forgets the session…
			close(lost)          // …and its stream says so first

			r := <-echoed
			if r.err != nil {
				t.Fatalf("echo: %v", r.err)
			}
			if text := resultText(r.res); r.res.IsError || text != "answered late" {
				t.Errorf("echo, answered by the lost session = %q (error %v), want the server's answer", text, r.res.IsError)
			}
			if n := echoes.Load(); n != 1 {
				t.Errorf("echo was posted %d times, want 1", n)
			}
			// The next call goes on a new session.
			echoAnswers(t, cs, "next", "echo after")
		})
	}
}

// When a POST, rather than the server's stream, is the first to find the
// session lost, the other messages being posted on it are not cut off:
// each is let end, and one the server refuses as of the lost session is
// sent again on the new session. The lost session is not ended at the
// server (no DELETE), which no longer has it.
func TestLossOnPostFirstSendsOthersAgain(t *testing.T) {
	srv := newTestServer()
	newHandler, sw := streamableSwap(srv)
	held := make(chan string, 1) // the first POST of the call "held" came, on this session
	cut := make(chan bool, 1)    // whether that POST was cut off, unanswered
	// That POST is answered (by the server that forgot its session: 404)
	// once the bridge, having seen the loss, says that it waits for the
	// requests in flight; a bridge that cuts it off instead is seen doing
	// so.
	watch := &logWatch{want: "requests in flight", seen: make(chan struct{})}
	var helds atomic.Int32
	var mu sync.Mutex
	var deleted []string // the sessions the server was told to end
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			// No stream: the POSTs alone find the session lost.
			http.Error(w, "no stream", http.StatusMethodNotAllowed)
			return
		case http.MethodDelete:
			mu.Lock()
			deleted = append(deleted, r.Header.Get(sessionHeader))
			mu.Unlock()
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(`"text":"held"`)) && helds.Add(1) == 1 {
			held <- r.Header.Get(sessionHeader)
			if !heldUntil(watch.seen, r, cut) {
				return
			}
		}
		sw.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	logger := log.NewWithOptions(watch, log.Options{Level: log.DebugLevel})
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient, Logger: logger}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	heldDone := callAsync(ctx, cs, "echo", map[string]any{"text": "held"})
	var old string
	select {
	case old = <-held:
	case <-ctx.Done():
		t.Fatal("the call held did not reach the server")
	}
	sw.set(newHandler()) // the server forgets the session: 404 from now on
	if text, isErr := callText(t, cs, "echo", map[string]any{"text": "first"}); isErr || text != "echo: first" {
		t.Errorf("echo, the first refused = %q (error %v), want it sent again and answered", text, isErr)
	}
	r := <-heldDone
	if r.err != nil {
		t.Fatalf("held: %v", r.err)
	}
	if text := resultText(r.res); r.res.IsError || text != "echo: held" {
		t.Errorf("the call in flight, refused by the lost session = %q (error %v), want it sent again and answered", text, r.res.IsError)
	}
	if <-cut {
		t.Error("the POST of the call in flight was cut off before the server answered it")
	}
	if n := helds.Load(); n != 2 {
		t.Errorf("the call in flight was posted %d times, want 2 (refused, then on the new session)", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if slices.Contains(deleted, old) {
		t.Error("the server was told to end the session it had lost (DELETE)")
	}
}

// A call that ends before its request goes out — the server lost the
// session and the new one is still being made — is not cancelled at the
// server, which never had it: neither when its --timeout runs out nor
// when the client cancels it.
func TestCallEndedBeforeSentIsNotCancelled(t *testing.T) {
	for _, how := range []string{"timed out", "cancelled"} {
		t.Run(strings.ReplaceAll(how, " ", "_"), func(t *testing.T) {
			srv := newTestServer()
			newHandler := func() http.Handler {
				return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, &mcp.StreamableHTTPOptions{JSONResponse: true})
			}
			sw := &swappable{h: newHandler()}
			var inits atomic.Int32
			replaying := make(chan struct{}, 1) // the new session's initialize came
			release := make(chan struct{})      // and may be answered
			told := make(chan struct{}, 8)      // the server got a cancellation
			var once sync.Once
			free := func() { once.Do(func() { close(release) }) }
			t.Cleanup(free)
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					http.Error(w, "no stream", http.StatusMethodNotAllowed)
					return
				}
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				switch {
				case bytes.Contains(body, []byte(`"method":"notifications/cancelled"`)):
					told <- struct{}{}
				case bytes.Contains(body, []byte(`"method":"initialize"`)) && inits.Add(1) == 2:
					replaying <- struct{}{}
					select {
					case <-release:
					case <-r.Context().Done():
						return
					}
				}
				sw.ServeHTTP(w, r)
			}))
			t.Cleanup(ts.Close)
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			// The bridge says when it does not pass a cancellation on.
			watch := &logWatch{want: "did not go out", seen: make(chan struct{})}
			cfg := Config{URL: ts.URL, HTTPClient: http.DefaultClient, Logger: log.NewWithOptions(watch, log.Options{Level: log.DebugLevel})}
			if how == "timed out" {
				cfg.CallTimeout = 300 * time.Millisecond
			}
			// The filter refuses a call of "other" without the server: its
			// answer says that the messages before it were read.
			cfg.Filter = Filter{Prefix: "acme_"}
			ct, st := mcp.NewInMemoryTransports()
			go Serve(ctx, st, cfg)
			client, err := ct.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			send := func(id any, method, params string) {
				t.Helper()
				msg := &jsonrpc.Request{Method: method, Params: json.RawMessage(params)}
				msg.ID, _ = jsonrpc.MakeID(id)
				if err := client.Write(ctx, msg); err != nil {
					t.Fatal(err)
				}
			}
			answer := func(id float64) *jsonrpc.Response {
				t.Helper()
				for {
					m, err := client.Read(ctx)
					if err != nil {
						t.Fatalf("waiting for the answer to %v: %v", id, err)
					}
					if r, ok := m.(*jsonrpc.Response); ok {
						if want, _ := jsonrpc.MakeID(id); r.ID != want {
							t.Fatalf("got %+v, want the answer to %v", r, id)
						}
						return r
					}
				}
			}
			send(1.0, "initialize", `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}`)
			answer(1)
			send(nil, "notifications/initialized", `{}`)
			send(2.0, "tools/call", `{"name":"acme_echo","arguments":{"text":"before"}}`)
			if r := answer(2); !strings.Contains(string(r.Result), "echo: before") {
				t.Fatalf("echo = %s", r.Result)
			}

			sw.set(newHandler()) // the server forgets the session
			send(3.0, "tools/call", `{"name":"acme_echo","arguments":{"text":"late"}}`)
			select {
			case <-replaying: // refused, the call waits for the new session
			case <-ctx.Done():
				t.Fatal("no new session was started")
			}
			if how == "timed out" {
				// The new session is given up with the call.
				if r := answer(3); !strings.Contains(string(r.Result), "(--timeout)") {
					t.Fatalf("the call = %s, want the timeout named", r.Result)
				}
			} else {
				send(nil, "notifications/cancelled", `{"requestId":3}`)
				send(4.0, "tools/call", `{"name":"other","arguments":{}}`)
				if r := answer(4); !strings.Contains(string(r.Result), "unknown tool") {
					t.Fatalf("other = %s, want it refused by the bridge", r.Result)
				}
				free() // the new session is made; the call ended before
			}
			select {
			case <-told:
				t.Error("the server was told to cancel a call whose request it never got")
			case <-watch.seen:
			case <-ctx.Done():
				t.Fatal("the cancellation was neither passed on nor dropped")
			}
			send(5.0, "tools/call", `{"name":"acme_echo","arguments":{"text":"next"}}`)
			if r := answer(5); !strings.Contains(string(r.Result), "echo: next") {
				t.Errorf("echo after = %s", r.Result)
			}
		})
	}
}

// The client must not cancel initialize (the MCP specification says so):
// a cancellation of it is not passed on to the server, and initialize is
// answered as usual.
func TestCancelledInitializeIsNotPassedOn(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	told := make(chan struct{}, 1)      // the server got a cancellation
	initializing := make(chan struct{}) // initialize came
	cancelSent := make(chan struct{})   // the client cancelled it
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		switch {
		case bytes.Contains(body, []byte(`"method":"notifications/cancelled"`)):
			told <- struct{}{}
		case bytes.Contains(body, []byte(`"method":"initialize"`)):
			close(initializing)
			<-cancelSent // answered once the cancellation is on its way
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	watch := &logWatch{want: "cancel", seen: make(chan struct{})}
	ct, st := mcp.NewInMemoryTransports()
	go Serve(ctx, st, Config{URL: ts.URL, HTTPClient: http.DefaultClient, Logger: log.NewWithOptions(watch, log.Options{Level: log.DebugLevel})})
	client, err := ct.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	send := func(id any, method, params string) {
		t.Helper()
		msg := &jsonrpc.Request{Method: method, Params: json.RawMessage(params)}
		msg.ID, _ = jsonrpc.MakeID(id)
		if err := client.Write(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	answer := func(id float64) *jsonrpc.Response {
		t.Helper()
		m, err := client.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for the answer to %v: %v", id, err)
		}
		r, ok := m.(*jsonrpc.Response)
		if want, _ := jsonrpc.MakeID(id); !ok || r.ID != want {
			t.Fatalf("got %+v, want the answer to %v", m, id)
		}
		return r
	}
	send(1.0, "initialize", `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}`)
	<-initializing
	send(nil, "notifications/cancelled", `{"requestId":1,"reason":"changed my mind"}`)
	close(cancelSent)
	if r := answer(1); r.Error != nil || !strings.Contains(string(r.Result), "test-remote") {
		t.Fatalf("initialize = %+v, want the server's answer", r)
	}
	// The bridge logs the cancellation it drops.
	select {
	case <-told:
		t.Error("the server was told to cancel initialize")
	case <-watch.seen:
	case <-ctx.Done():
		t.Fatal("the cancellation was neither passed on nor dropped")
	}
	send(nil, "notifications/initialized", `{}`)
	send(2.0, "tools/list", `{}`)
	if r := answer(2); r.Error != nil || !strings.Contains(string(r.Result), "echo") {
		t.Errorf("tools/list = %+v", r)
	}
}

// A cancellation of initialize that comes while initialize is under way
// (serve reads the next message only once it is over) leaves it under way.
func TestInitializeIsNotCancelled(t *testing.T) {
	b := newBridge(context.Background(), Config{})
	id, _ := jsonrpc.MakeID(float64(1))
	b.wmu.Lock()
	req := b.routeLocked(&jsonrpc.Request{ID: id, Method: "initialize", Params: json.RawMessage(`{}`)})
	b.wmu.Unlock()
	if _, _, _, _, ok := b.cancelRoute(&jsonrpc.Request{Method: "notifications/cancelled", Params: json.RawMessage(`{"requestId":1}`)}); ok {
		t.Error("the cancellation of initialize is passed on")
	}
	if left := inFlight(b); left != "1 client IDs, 1 routes" {
		t.Errorf("the bridge keeps %q, want initialize's route", left)
	}
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if _, ok := b.endRouteLocked(req.ID); !ok {
		t.Error("initialize ended with its cancellation")
	}
}

// A call under way when the client goes is cancelled at the server before
// the session ends: the server does not run it on for no one, nor hold up
// the end of the session for it (as the SDK's server does).
func TestLeftCallIsCancelled(t *testing.T) {
	srv := newTestServer()
	started := make(chan struct{}, 1)
	cancelled := make(chan struct{}, 1)
	mcp.AddTool(srv, &mcp.Tool{Name: "slow"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		started <- struct{}{}
		select {
		case <-ctx.Done():
			cancelled <- struct{}{}
		case <-time.After(15 * time.Second):
		}
		return &mcp.CallToolResult{}, nil, nil
	})
	ts := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ct, st := mcp.NewInMemoryTransports()
	served := make(chan error, 1)
	// The bridge's log, shown if the call is not cancelled: which step of
	// the end missed it.
	var logbuf syncBuf
	lg := log.New(&logbuf)
	lg.SetLevel(log.DebugLevel)
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logbuf.String())
		}
	})
	go func() { served <- Serve(ctx, st, Config{URL: ts.URL, HTTPClient: http.DefaultClient, Logger: lg}) }()
	kept := &keptTransport{Transport: ct}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil).Connect(ctx, kept, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	go cs.CallTool(ctx, &mcp.CallToolParams{Name: "slow", Arguments: map[string]any{}})
	select {
	case <-started:
	case <-ctx.Done():
		t.Fatal("the call did not reach the server")
	}
	start := time.Now()
	kept.conn.Close() // the client goes, its call unanswered
	select {
	case <-served:
	case <-ctx.Done():
		t.Fatal("Serve still runs after the client went")
	}
	select {
	case <-cancelled:
	default:
		t.Errorf("Serve ended %v after the client went, and the call it left still runs at the server", time.Since(start))
	}
}

// streamWatch is a transport that notes, for each cancellation POSTed,
// whether the HTTP+SSE event stream (the session) still lived then.
type streamWatch struct {
	mu     sync.Mutex
	stream context.Context // the event stream's request's
	live   []bool          // per cancellation sent
}

func (w *streamWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet {
		w.mu.Lock()
		w.stream = req.Context()
		w.mu.Unlock()
	}
	if req.Method == http.MethodPost && req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		if bytes.Contains(b, []byte(`"notifications/cancelled"`)) {
			w.mu.Lock()
			w.live = append(w.live, w.stream != nil && w.stream.Err() == nil)
			w.mu.Unlock()
		}
	}
	return http.DefaultTransport.RoundTrip(req)
}

// Over HTTP+SSE too, a call under way when the client goes is cancelled at
// the server, on the session's event stream, before that ends; and once
// Serve returns, nothing of the bridge runs on.
func TestSSELeftCallIsCancelled(t *testing.T) {
	started := make(chan json.RawMessage, 1) // the call's ID, as the server got it
	told := make(chan json.RawMessage, 1)    // the ID a cancellation named
	f := &fakeSSE{events: make(chan string, 16), call: func(body []byte) string {
		started <- idOf(body)
		return workingEvent // and no answer, ever
	}}
	ts := httptest.NewServer(intercept(f, `"notifications/cancelled"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
		var m struct {
			Params struct {
				RequestID json.RawMessage `json:"requestId"`
			} `json:"params"`
		}
		json.Unmarshal(body, &m)
		told <- m.Params.RequestID
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	before := goroutines()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	watch := &streamWatch{}
	ct, st := mcp.NewInMemoryTransports()
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, st, Config{URL: ts.URL, HTTPClient: &http.Client{Transport: watch}}) }()
	kept := &keptTransport{Transport: ct}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil).Connect(ctx, kept, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	go cs.CallTool(ctx, &mcp.CallToolParams{Name: "slow", Arguments: map[string]any{}})
	var id json.RawMessage
	select {
	case id = <-started:
	case <-ctx.Done():
		t.Fatal("the call did not reach the server")
	}
	kept.conn.Close() // the client goes, its call unanswered
	select {
	case <-served:
	case <-ctx.Done():
		t.Fatal("Serve still runs after the client went")
	}
	select {
	case got := <-told:
		if string(got) != string(id) {
			t.Errorf("the server was told to cancel %s, want %s", got, id)
		}
	default:
		t.Error("Serve ended, and the call the client left was not cancelled at the server")
	}
	watch.mu.Lock()
	if slices.Contains(watch.live, false) {
		t.Error("a cancellation was sent once the event stream had ended: the server no longer knew the session")
	}
	watch.mu.Unlock()
	if left := bridgeLeft(before); len(left) > 0 {
		t.Errorf("once Serve returned, the bridge still runs:\n\n%s", strings.Join(left, "\n\n"))
	}
}

// A call the client cancels just as it goes, its request still being
// written, is cancelled at the server: that the client went says nothing
// of whether the request went out, and the server may have it.
func TestCancelAsClientGoesWaitsForWrite(t *testing.T) {
	life, end := context.WithCancel(context.Background())
	end() // the client went
	b := newBridge(life, Config{asideTimeout: 50 * time.Millisecond})
	posted := make(chan struct{})
	call := &sending{cancel: func() {}, posted: posted}
	if !b.wentOut(endedCall{call: call, posted: posted}) {
		t.Error("a call whose request was still being written when the client went is not cancelled at the server")
	}
	// The write ended, refused: the server does not have the call.
	posted = make(chan struct{})
	call = &sending{cancel: func() {}, posted: posted}
	b.markPosted(call, posted, false, true)
	if b.wentOut(endedCall{call: call, posted: posted}) {
		t.Error("a call whose request the server refused is cancelled at the server")
	}
}

// A resumption of a call's stream refused as of a lost session (404)
// marks the session lost, as any other request's would: the call gets
// its error answer, the connection fails with the loss, and the server,
// which no longer has the session, is not told to end it.
func TestResumptionFindsSessionLost(t *testing.T) {
	var deletes atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodDelete:
			deletes.Add(1)
			return
		case http.MethodGet:
			if r.Header.Get("Last-Event-ID") == "" {
				http.Error(w, "no stream", http.StatusMethodNotAllowed)
			} else {
				http.Error(w, "no such session", http.StatusNotFound)
			}
			return
		}
		body, _ := io.ReadAll(r.Body)
		w.Header().Set(sessionHeader, "s1")
		switch {
		case bytes.Contains(body, []byte(`"method":"initialize"`)):
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"jsonrpc":"2.0","id":`+string(idOf(body))+`,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"s","version":"1"}}}`)
		case bytes.Contains(body, []byte(`"method":"tools/call"`)):
			// A numbered event, then the stream drops before the answer.
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "id: 1\nevent: message\ndata: "+workingEvent+"\n\n")
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	t.Cleanup(ts.Close)
	c := newHTTPConn(ts.URL, http.DefaultClient)
	openHTTPConn(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	id, _ := jsonrpc.MakeID("call")
	if err := c.Write(ctx, &jsonrpc.Request{ID: id, Method: "tools/call", Params: json.RawMessage(`{"name":"x"}`)}); err != nil {
		t.Fatal(err)
	}
	var answer *jsonrpc.Response
	for {
		m, err := c.Read(ctx)
		if err != nil {
			if !errors.Is(err, errSessionLost) {
				t.Fatalf("read: %v, want the session lost", err)
			}
			break
		}
		if r, ok := m.(*jsonrpc.Response); ok {
			answer = r
		}
	}
	if answer == nil || answer.ID != id || !strings.Contains(string(answer.Result), "stream ended before the answer") {
		t.Errorf("the call's answer = %+v, want its stream's end named", answer)
	}
	c.Close()
	if n := deletes.Load(); n != 0 {
		t.Errorf("the server was told %d times to end the session it had lost", n)
	}
}

// openHTTPConn initializes a session on c as a client would, which
// starts the server's GET stream.
func openHTTPConn(t *testing.T, c *httpConn) {
	t.Helper()
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	params, _ := json.Marshal(&mcp.InitializeParams{ProtocolVersion: "2025-06-18", ClientInfo: &mcp.Implementation{Name: "c", Version: "1"}, Capabilities: &mcp.ClientCapabilities{}})
	id, _ := jsonrpc.MakeID("init")
	if err := c.Write(ctx, &jsonrpc.Request{ID: id, Method: "initialize", Params: params}); err != nil {
		t.Fatal(err)
	}
	if m, err := c.Read(ctx); err != nil {
		t.Fatal(err)
	} else if r, ok := m.(*jsonrpc.Response); !ok || r.Error != nil {
		t.Fatalf("initialize: %+v", m)
	}
	if err := c.Write(ctx, &jsonrpc.Request{Method: "notifications/initialized", Params: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
}

// emptyStream answers a GET with an event stream that ends at once: the
// server offers a stream of its own.
func emptyStream(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
}

// dropConn ends the request's connection without an answer: a network
// error for the client.
func dropConn(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
	}
}

// The server's GET stream is opened again after any number of passing
// failures (a proxy's 502, 503, 429, a 4xx once a stream was given, network
// errors), for as long as the connection lives: what the server sends on
// its own comes only through it.
func TestServerStreamOutlivesFailures(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	var gets atomic.Int32
	const fine = 12 // the GET the server serves again
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			h.ServeHTTP(w, r)
			return
		}
		switch n := gets.Add(1); {
		case n == 1: // a stream, which ends at once
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, ": hello\n\n")
		case n == 2:
			http.Error(w, "bad request", http.StatusBadRequest)
		case n == 3:
			http.Error(w, "<html>502 Bad Gateway</html>", http.StatusBadGateway)
		case n == 4:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		case n == 5:
			http.Error(w, "slow down", http.StatusTooManyRequests)
		case n < fine:
			dropConn(w)
		default:
			h.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	c := newHTTPConn(ts.URL, http.DefaultClient)
	c.minDelay, c.maxDelay = time.Millisecond, 10*time.Millisecond
	openHTTPConn(t, c)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for gets.Load() < fine {
		select {
		case <-ctx.Done():
			t.Fatalf("the stream was given up after %d GETs", gets.Load())
		case <-time.After(10 * time.Millisecond):
		}
	}
	changed := make(chan struct{})
	go func() {
		for {
			m, err := c.Read(ctx)
			if err != nil {
				return
			}
			if r, ok := m.(*jsonrpc.Request); ok && r.Method == "notifications/tools/list_changed" {
				close(changed)
				return
			}
		}
	}()
	for {
		mcp.AddTool(srv, &mcp.Tool{Name: "late"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{}, nil, nil
		})
		select {
		case <-changed:
			return
		case <-time.After(100 * time.Millisecond):
			srv.RemoveTools("late") // the stream may not be open yet: again
		case <-ctx.Done():
			t.Fatal("no tools/list_changed notification came through the stream")
		}
	}
}

// A server that refuses the GET stream with Retry-After is asked again
// once that time has passed, not at the bridge's own shorter pace.
func TestServerStreamWaitsAsAsked(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	var mu sync.Mutex
	var at []time.Time
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			h.ServeHTTP(w, r)
			return
		}
		mu.Lock()
		at = append(at, time.Now())
		n := len(at)
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	c := newHTTPConn(ts.URL, http.DefaultClient)
	c.minDelay, c.maxDelay = time.Millisecond, 10*time.Millisecond
	openHTTPConn(t, c)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		n := len(at)
		mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stream was not asked for again")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if d := at[1].Sub(at[0]); d < 900*time.Millisecond {
		t.Errorf("asked again after %v; the server asked for 1 s", d)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		" 120 ":                         2 * time.Minute,
		"86400":                         maxRetryAfter,
		"-1":                            0,
		"soon":                          0,
		"Wed, 02 Dec 2026 12:00:30 GMT": 30 * time.Second,
		"Wed, 02 Dec 2026 11:00:00 GMT": 0,
	} {
		if got := retryAfter(v, now); got != want {
			t.Errorf("Retry-After %q: %v, want %v", v, got, want)
		}
	}
}

// countingServer serves newTestServer over Streamable HTTP, counting the
// requests of method, which it refuses with status when not 0.
func countingServer(method string, status int) (*httptest.Server, *atomic.Int32) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	var n atomic.Int32
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == method {
			n.Add(1)
			if status != 0 {
				http.Error(w, "refused", status)
				return
			}
		}
		h.ServeHTTP(w, r)
	})), &n
}

// A server that offers no GET stream is not asked again: 405, or another
// refusal before any stream was opened.
func TestNoServerStreamOffered(t *testing.T) {
	for _, status := range []int{http.StatusMethodNotAllowed, http.StatusBadRequest} {
		ts, gets := countingServer(http.MethodGet, status)
		c := newHTTPConn(ts.URL, http.DefaultClient)
		c.minDelay, c.maxDelay = time.Millisecond, time.Millisecond
		openHTTPConn(t, c)
		for deadline := time.Now().Add(10 * time.Second); gets.Load() == 0 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond) // the first GET, which follows initialize
		}
		time.Sleep(200 * time.Millisecond) // a second one would come by now
		if n := gets.Load(); n != 1 {
			t.Errorf("%d: %d GETs, want 1", status, n)
		}
		c.Close()
		ts.Close()
	}
}

// TestSessionEndsWithOneDelete checks that the server is told once that
// the session ends, however the bridge's connection is closed.
func TestSessionEndsWithOneDelete(t *testing.T) {
	ts, deletes := countingServer(http.MethodDelete, 0)
	defer ts.Close()
	for range 3 {
		deletes.Store(0)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		cs, err := Connect(ctx, Config{URL: ts.URL}, mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil))
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		if text, isErr := callText(t, cs.ClientSession, "echo", map[string]any{"text": "x"}); isErr || text != "echo: x" {
			t.Errorf("echo = %q", text)
		}
		cs.Close() // once the bridge told the server
		if n := deletes.Load(); n != 1 {
			t.Errorf("the server got %d DELETEs once the session was closed, want 1", n)
		}
		time.Sleep(300 * time.Millisecond) // a second one would come by now
		cancel()
		if n := deletes.Load(); n != 1 {
			t.Errorf("the server got %d DELETEs, want 1", n)
		}
	}
}

// goroutines are the IDs of the goroutines that run now, and the stack of
// each.
func goroutines() map[string]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	all := map[string]string{}
	for _, g := range strings.Split(string(buf), "\n\n") {
		head, _, _ := strings.Cut(g, "\n")
		if id, ok := strings.CutPrefix(head, "goroutine "); ok {
			id, _, _ = strings.Cut(id, " ")
			all[id] = g
		}
	}
	return all
}

// bridgeLeft lists the goroutines not in before that wait in this
// package's code (not in its tests'): what a bridge left running. One
// that runs, about to end once it said it had, is not counted.
func bridgeLeft(before map[string]string) []string {
	var left []string
	for id, g := range goroutines() {
		lines := strings.Split(g, "\n")
		if before[id] != "" || strings.Contains(lines[0], "[running") || strings.Contains(lines[0], "[runnable") {
			continue
		}
		for i := 1; i+1 < len(lines); i += 2 {
			fn, file := lines[i], lines[i+1]
			if strings.HasPrefix(fn, "github.com/restmcp/restmcp/remote.") && !strings.Contains(file, "_test.go") {
				left = append(left, g)
				break
			}
		}
	}
	return left
}

// deleteWatch is a transport that notes when the bridge has the answer
// to a DELETE, or gave it up.
type deleteWatch struct{ done atomic.Bool }

func (w *deleteWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if req.Method == http.MethodDelete {
		w.done.Store(true)
	}
	return resp, err
}

// Closing a session of Connect waits for the bridge to stop: nothing of
// it runs on, neither its own loop nor what tells the server that the
// session ends, reads the server's streams or times calls out. The wait
// is bounded: a server that does not answer the DELETE is given up.
func TestClosedSessionLeavesNothingRunning(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	streaming := make(chan struct{}, 1) // the server's stream was asked for
	closed := make(chan struct{})       // Close returned
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			select {
			case streaming <- struct{}{}:
			default:
			}
		case http.MethodDelete:
			select { // not answered while Close waits
			case <-closed:
			case <-r.Context().Done():
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	before := goroutines()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	watch := &deleteWatch{}
	cs, err := Connect(ctx, Config{URL: ts.URL, HTTPClient: &http.Client{Transport: watch}, CallTimeout: time.Minute, deleteTimeout: 300 * time.Millisecond},
		mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if text, isErr := callText(t, cs.ClientSession, "echo", map[string]any{"text": "x"}); isErr || text != "echo: x" {
		t.Errorf("echo = %q", text)
	}
	select { // the stream is read until the connection closes
	case <-streaming:
	case <-ctx.Done():
		t.Fatal("the server's stream was not asked for")
	}
	cs.Close()
	told := watch.done.Load()
	close(closed)
	if !told {
		t.Error("Close returned before the bridge was done telling the server that the session ends")
	}
	if left := bridgeLeft(before); len(left) > 0 {
		t.Errorf("once the session was closed, the bridge still runs:\n\n%s", strings.Join(left, "\n\n"))
	}
}

// delayCalls holds tools/call requests back before sending them, as a busy
// bridge might.
type delayCalls struct {
	next http.RoundTripper
	d    time.Duration
	// sending, when set, is told of each POST's method as it goes on to
	// next: a call after its delay.
	sending func(method string)
}

func (t delayCalls) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		if bytes.Contains(b, []byte(`"tools/call"`)) {
			time.Sleep(t.d)
		}
		var m struct{ Method string }
		if t.sending != nil && json.Unmarshal(b, &m) == nil {
			t.sending(m.Method)
		}
	}
	return t.next.RoundTrip(r)
}

// TestCancelFollowsItsCall checks that a client's cancellation reaches the
// server after the call it cancels, however late the call's request goes
// out: the other way round, the server ignores it and runs the call to its
// end.
func TestCancelFollowsItsCall(t *testing.T) {
	srv := newTestServer()
	ts := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	defer ts.Close()
	// The order in which the bridge sends them (the server's handlers,
	// one per connection, may read two bodies in either order).
	var mu sync.Mutex
	var order []string
	sending := func(method string) {
		if method == "tools/call" || method == "notifications/cancelled" {
			mu.Lock()
			order = append(order, method)
			mu.Unlock()
		}
	}
	life, end := context.WithTimeout(context.Background(), 20*time.Second)
	defer end()
	cs, err := Connect(life, Config{URL: ts.URL, HTTPClient: &http.Client{Transport: delayCalls{next: http.DefaultTransport, d: 300 * time.Millisecond, sending: sending}}},
		mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, _ = cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "x"}})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(order)
		mu.Unlock()
		if n == 2 {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(order) != 2 || order[0] != "tools/call" {
		t.Errorf("the bridge sent %v, want the call before its cancellation", order)
	}
}

// addCount adds a tool "count" that counts its runs, answering after a
// moment.
func addCount(srv *mcp.Server, runs *atomic.Int32) {
	mcp.AddTool(srv, &mcp.Tool{Name: "count"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		runs.Add(1)
		time.Sleep(200 * time.Millisecond)
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "counted"}}}, nil, nil
	})
}

// Over HTTP+SSE, a call whose POST failed once the server had it (a proxy's
// 502 after passing it on) is not sent again: it would run twice, and the
// client get two answers. It is answered once, saying it may have run.
func TestSSEFailedPostIsNotSentAgain(t *testing.T) {
	srv := newTestServer()
	var runs atomic.Int32
	addCount(srv, &runs)
	h := mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	ts := httptest.NewServer(intercept(h, `"name":"count"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
		h.ServeHTTP(httptest.NewRecorder(), r)
		http.Error(w, "bad gateway", http.StatusBadGateway)
	}))
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
	text, isErr := callText(t, cs, "count", map[string]any{})
	if !isErr || !strings.Contains(text, "502 Bad Gateway to tools/call; it may or may not have run") {
		t.Errorf("answer = %q (error %v), want the 502 and that it may have run", text, isErr)
	}
	for deadline := time.Now().Add(10 * time.Second); runs.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond) // the server runs the call beside its answer
	}
	time.Sleep(400 * time.Millisecond) // a second run would be over
	if n := runs.Load(); n != 1 {
		t.Errorf("the tool ran %d times, want 1", n)
	}
	// The late answer of the server is not passed on: the next answer is
	// the next call's.
	echoAnswers(t, cs, "next", "echo")
}

// Over HTTP+SSE, a message the server refuses as of an unknown session
// (404: it restarted) is sent again on a new session.
func TestSSESessionLossReconnects(t *testing.T) {
	srv := newTestServer()
	newHandler := func() http.Handler { return mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil) }
	sw := &swappable{h: newHandler()}
	ts := httptest.NewServer(sw)
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
	echoAcrossSessionLoss(t, cs, sw, newHandler)
}

// A call whose connection is cut once the server read it, before the
// answer's headers came, is answered saying it may or may not have run,
// not as a failure to connect; and it is sent once.
func TestCallCutBeforeHeadersMayHaveRun(t *testing.T) {
	var posts atomic.Int32
	ts := interceptPosts(`"name":"echo"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
		posts.Add(1)
		dropConn(w)
	})
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
	text, isErr := callText(t, cs, "echo", map[string]any{"text": "x"})
	if !isErr || !strings.Contains(text, "ended before the answer to tools/call came; it may or may not have run") || strings.Contains(text, "connecting to") {
		t.Errorf("answer = %q (error %v), want the ended connection named", text, isErr)
	}
	if n := posts.Load(); n != 1 {
		t.Errorf("the call was sent %d times", n)
	}
}

// A server that answers notifications with 200 and a body (text/plain
// "OK") takes them: a new session, after the last was lost, starts.
func TestNotificationAnswered200WithBody(t *testing.T) {
	srv := newTestServer()
	newHandler, sw := streamableSwap(srv)
	ts := httptest.NewServer(intercept(sw, `"method":"notifications/`, func(w http.ResponseWriter, r *http.Request, body []byte) {
		sw.ServeHTTP(httptest.NewRecorder(), r)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "OK")
	}))
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
	echoAcrossSessionLoss(t, cs, sw, newHandler)
}

// A call answered 200 application/json with an empty body is answered at
// once with an error, not awaited for ever.
func TestEmptyAnswerToCall(t *testing.T) {
	ts := interceptPosts(`"name":"echo"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "application/json")
	})
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "x"}})
	if msg := fmt.Sprint(err); err == nil && !res.IsError || !strings.Contains(msg, "empty body") && (res == nil || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, "empty body")) {
		t.Errorf("answer %+v, err %v; want an error naming the empty body", res, err)
	}
}

// acceptedCall opens a connection, waiting wait for answers that did not
// come with their call, to a server that takes every call (202) without
// answering it; it writes one and returns the call's ID.
func acceptedCall(t *testing.T, wait time.Duration) (*httpConn, jsonrpc.ID) {
	t.Helper()
	ts := interceptPosts(`"method":"tools/call"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.WriteHeader(http.StatusAccepted)
	})
	t.Cleanup(ts.Close)
	c := newHTTPConn(ts.URL, http.DefaultClient)
	c.acceptedWait = wait
	openHTTPConn(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	id, _ := jsonrpc.MakeID("call")
	if err := c.Write(ctx, &jsonrpc.Request{ID: id, Method: "tools/call", Params: json.RawMessage(`{"name":"echo","arguments":{"text":"x"}}`)}); err != nil {
		t.Fatal(err)
	}
	return c, id
}

// A call the server takes (202) without answering is answered with an
// error once the wait for its answer ends.
func TestAcceptedCallIsAnswered(t *testing.T) {
	c, id := acceptedCall(t, 50*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		m, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("no answer: %v", err)
		}
		if r, ok := m.(*jsonrpc.Response); ok && r.ID == id {
			var res mcp.CallToolResult
			if r.Error != nil || json.Unmarshal(r.Result, &res) != nil || !res.IsError || !strings.Contains(resultText(&res), "took tools/call (202) without answering it") {
				t.Errorf("answer %+v, want a tool error", r)
			}
			return
		}
	}
}

// acceptedTimer is acceptedCall's timer that waits for the answer (an
// hour: it fires in no test).
func acceptedTimer(t *testing.T) (*httpConn, jsonrpc.ID, *time.Timer) {
	t.Helper()
	c, id := acceptedCall(t, time.Hour)
	c.mu.Lock()
	defer c.mu.Unlock()
	tm := c.accepted[id]
	if tm == nil || len(c.accepted) != 1 {
		t.Fatalf("no wait for the answer of the call taken without one: %v", c.accepted)
	}
	return c, id, tm
}

// The wait for the answer of a call taken (202) without one ends with the
// connection: its timer is stopped, rather than left to fire 30 s later.
func TestAcceptedWaitStopsOnClose(t *testing.T) {
	c, _, tm := acceptedTimer(t)
	c.Close()
	if tm.Stop() {
		t.Error("the timer of the call's answer was still running after Close")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.accepted) != 0 {
		t.Errorf("waits left after Close: %v", c.accepted)
	}
}

// ... and when its answer comes through the server's stream.
func TestAcceptedWaitStopsOnAnswer(t *testing.T) {
	c, id, tm := acceptedTimer(t)
	c.deliver(&jsonrpc.Response{ID: id, Result: json.RawMessage(`{"content":[]}`)})
	if tm.Stop() {
		t.Error("the timer of the call's answer was still running after the answer")
	}
}

// A server that answers an unknown session ID with 400 "No valid session
// ID provided" (older TypeScript SDK examples) lost the session: a new one
// is started.
func TestSessionLoss400Reconnects(t *testing.T) {
	srv := newTestServer()
	newHandler := func() http.Handler {
		return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, &mcp.StreamableHTTPOptions{JSONResponse: true})
	}
	sw := &swappable{h: newHandler()}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			http.Error(w, "no stream", http.StatusMethodNotAllowed)
			return
		}
		rec := httptest.NewRecorder()
		sw.ServeHTTP(rec, r)
		if rec.Code == http.StatusNotFound {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: No valid session ID provided"},"id":null}`)
			return
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
	echoAcrossSessionLoss(t, cs, sw, newHandler)
}

// echoAcrossSessionLoss calls echo, makes the server forget the session
// (sw serves a new handler) and calls echo again, which passes.
func echoAcrossSessionLoss(t *testing.T, cs *mcp.ClientSession, sw *swappable, newHandler func() http.Handler) {
	t.Helper()
	if text, _ := callText(t, cs, "echo", map[string]any{"text": "before"}); text != "echo: before" {
		t.Fatalf("echo = %q", text)
	}
	sw.set(newHandler())
	if text, isErr := callText(t, cs, "echo", map[string]any{"text": "after"}); isErr || text != "echo: after" {
		t.Errorf("echo after the session was lost = %q (error %v)", text, isErr)
	}
}

// A server stream that ends at once, empty, is opened again less and less
// often, not at the shortest wait for ever.
func TestEmptyServerStreamBacksOff(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	var gets atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			h.ServeHTTP(w, r)
			return
		}
		gets.Add(1)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, ": nothing\n\n")
	}))
	t.Cleanup(ts.Close)
	c := newHTTPConn(ts.URL, http.DefaultClient)
	c.minDelay, c.maxDelay = 10*time.Millisecond, 400*time.Millisecond
	openHTTPConn(t, c)
	time.Sleep(time.Second)
	if n := gets.Load(); n > 10 {
		t.Errorf("%d GETs in a second; the wait should double from 10 ms", n)
	}
}

// A 301 to the POSTs is not followed (it would turn them into GETs): the
// error names where the server moved. A 307 keeps the POST and is followed.
func TestRedirects(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	mux := http.NewServeMux()
	mux.Handle("/mcp", h)
	mux.Handle("/r301", http.RedirectHandler("/mcp", http.StatusMovedPermanently))
	mux.Handle("/r307", http.RedirectHandler("/mcp", http.StatusTemporaryRedirect))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Connect(ctx, Config{URL: ts.URL + "/r301"}, mcp.NewClient(&mcp.Implementation{Name: "c", Version: "1"}, nil))
	if err == nil || !strings.Contains(err.Error(), "moved to "+ts.URL+"/mcp: use that as --mcp-url") {
		t.Errorf("301: err = %v, want the new URL named", err)
	}
	cs := connectTest(t, Config{URL: ts.URL + "/r307"}, nil)
	if text, isErr := callText(t, cs, "echo", map[string]any{"text": "x"}); isErr || text != "echo: x" {
		t.Errorf("307: echo = %q (error %v)", text, isErr)
	}
}

// Over HTTP+SSE, a redirect of the message endpoint (which the server's
// endpoint event named, not the user) is the server's to fix: the error
// does not tell the user to change --mcp-url to it.
func TestSSEMessageEndpointRedirect(t *testing.T) {
	ts := remotetest.SSEEndpointRedirect(t, http.StatusFound, "/elsewhere")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Probe(ctx, Config{URL: ts.URL + "/sse"}, &mcp.Implementation{Name: "c", Version: "1"})
	var se *StatusError
	if !errors.As(err, &se) || !se.MessageEndpoint || se.Moved != ts.URL+"/elsewhere" {
		t.Fatalf("err = %v, want the message endpoint's redirect", err)
	}
	msg := err.Error()
	for _, want := range []string{"redirected its message endpoint (named by its endpoint event, not by --mcp-url) to " + ts.URL + "/elsewhere", "does not follow a redirect that would turn a POST into a GET",
		"Report it to the server's maintainers", "Streamable HTTP endpoint"} {
		if !strings.Contains(msg, want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
	if strings.Contains(msg, "use that as --mcp-url") {
		t.Errorf("err = %v: the message endpoint is not the user's to give", err)
	}

	// To another origin, which refuses the request without the key.
	other := httptest.NewServer(requireKey(http.NotFoundHandler(), nil))
	t.Cleanup(other.Close)
	ts = remotetest.SSEEndpointRedirect(t, http.StatusTemporaryRedirect, other.URL+"/message")
	_, err = Probe(ctx, Config{URL: ts.URL + "/sse", HTTPClient: keyClient(ts.URL, testKey)}, &mcp.Implementation{Name: "c", Version: "1"})
	if !errors.As(err, &se) || !se.MessageEndpoint || se.Elsewhere != other.URL+"/message" ||
		!strings.Contains(err.Error(), "another origin its message endpoint redirected to") || strings.Contains(err.Error(), "--mcp-url") {
		t.Errorf("err = %v, want the other origin named as the message endpoint's", err)
	}
}

// A server that redirects to another origin, which refuses the request
// sent there without the key, is not said to refuse the key: the error
// names the other origin.
func TestRedirectToOtherOriginNamed(t *testing.T) {
	srv := newTestServer()
	other := httptest.NewServer(requireKey(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil), nil))
	t.Cleanup(other.Close)
	ts := httptest.NewServer(http.RedirectHandler(other.URL+"/mcp", http.StatusTemporaryRedirect))
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Probe(ctx, Config{URL: ts.URL, HTTPClient: keyClient(ts.URL, testKey)}, &mcp.Implementation{Name: "c", Version: "1"})
	var se *StatusError
	if !errors.As(err, &se) || se.Elsewhere != other.URL+"/mcp" || !strings.Contains(err.Error(), "another origin") {
		t.Errorf("err = %v, want the other origin named", err)
	}
}

// A client that goes while the server is slow to answer initialize is seen
// gone at once: serve ends without waiting the answer out. The session's
// end waits a minute here (deleteTimeout) for the requests under way, and
// initialize 30s: the bound sits far below both and far above the
// moment it takes when it works.
func TestClientGoneDuringInitialize(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{})
	var once sync.Once
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(arrived) })
		select { // initialize, answered only when released
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); ts.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ct, st := mcp.NewInMemoryTransports()
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, st, Config{URL: ts.URL, deleteTimeout: time.Minute}) }()
	client, err := ct.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := jsonrpc.MakeID(float64(1))
	init := &jsonrpc.Request{ID: id, Method: "initialize", Params: json.RawMessage(`{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}`)}
	if err := client.Write(ctx, init); err != nil {
		t.Fatal(err)
	}
	select { // initialize is under way
	case <-arrived:
	case <-time.After(15 * time.Second):
		t.Fatal("initialize did not reach the server")
	}
	start := time.Now()
	client.Close()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("Serve still waits for initialize %v after the client went", time.Since(start))
	}
}

// Config.CallTimeout bounds the wait for a tools/call's answer: the call
// is answered with an error naming --timeout, cancelled at the server, and
// the answer the server sends later is not passed on; the session goes on.
func TestCallTimeout(t *testing.T) {
	for _, sse := range []bool{false, true} {
		t.Run(map[bool]string{false: "streamable", true: "sse"}[sse], func(t *testing.T) {
			srv := newTestServer()
			cancelled := make(chan struct{})
			mcp.AddTool(srv, &mcp.Tool{Name: "slow"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
				select {
				case <-ctx.Done():
					close(cancelled)
				case <-time.After(15 * time.Second):
				}
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "late"}}}, nil, nil
			})
			var h http.Handler = mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
			if sse {
				h = mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil)
			}
			ts := httptest.NewServer(h)
			t.Cleanup(ts.Close)
			cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient, CallTimeout: 300 * time.Millisecond}, nil)
			text, isErr := callText(t, cs, "slow", map[string]any{})
			if !isErr || !strings.Contains(text, "did not answer the call of slow within 300ms (--timeout)") || !strings.Contains(text, "may have run") {
				t.Errorf("answer = %q (error %v), want the timeout named", text, isErr)
			}
			select {
			case <-cancelled:
			case <-time.After(10 * time.Second):
				t.Error("the call was not cancelled at the server")
			}
			echoAnswers(t, cs, "next", "echo after the timeout")
		})
	}
}

// An answer that comes while a call's timeout answers it is not passed
// on as well: the client gets one answer.
func TestTimeoutAndAnswerRaceAnswerOnce(t *testing.T) {
	b := newBridge(context.Background(), Config{CallTimeout: time.Hour})
	ct, st := mcp.NewInMemoryTransports()
	local, err := st.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b.local = local
	client, err := ct.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	got := make(chan jsonrpc.Message, 4)
	go func() {
		for {
			m, err := client.Read(context.Background())
			if err != nil {
				return
			}
			got <- m
		}
	}()
	id, _ := jsonrpc.MakeID(float64(7))
	next, _ := jsonrpc.MakeID(float64(8))
	b.wmu.Lock()
	req := b.routeLocked(&jsonrpc.Request{ID: id, Method: "tools/call", Params: json.RawMessage(`{"name":"slow"}`)})
	nextReq := b.routeLocked(&jsonrpc.Request{ID: next, Method: "tools/call", Params: json.RawMessage(`{"name":"slow"}`)})
	b.wmu.Unlock()
	b.timeOut(req) // the timer fires…
	// …as the server's answer is on its way to the client.
	b.writeLocal(context.Background(), &jsonrpc.Response{ID: req.ID, Result: json.RawMessage(`{"content":[]}`)})
	// The next call's answer, to see that nothing came before it.
	b.writeLocal(context.Background(), &jsonrpc.Response{ID: nextReq.ID, Result: json.RawMessage(`{"content":[]}`)})
	for i, want := range []jsonrpc.ID{id, next} {
		select {
		case m := <-got:
			r, ok := m.(*jsonrpc.Response)
			if !ok || r.ID != want || (i == 0) != strings.Contains(string(r.Result), "--timeout") {
				t.Fatalf("answer %d: %+v, want the timeout's, then the next call's", i+1, m)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("answer %d did not come", i+1)
		}
	}
}

// A failed send asks whether the server speaks only HTTP+SSE while a
// reconnection learns it: the two do not race (run with -race).
func TestSSEFallbackSeenWhileConnecting(t *testing.T) {
	srv := newTestServer()
	ts := httptest.NewServer(mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b := newBridge(ctx, Config{URL: ts.URL, HTTPClient: http.DefaultClient})
	defer b.closeUp()
	id, _ := jsonrpc.MakeID("init")
	init := &jsonrpc.Request{ID: id, Method: "initialize", Params: json.RawMessage(`{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"c","version":"1"}}`)}
	opened := make(chan error, 1)
	go func() {
		_, err := b.open(ctx, init)
		opened <- err
	}()
	for {
		b.lostUnsent(io.EOF) // a send on the old connection failed
		select {
		case err := <-opened:
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			if !b.lostUnsent(io.EOF) {
				t.Error("a stream that had ended is not taken as a lost HTTP+SSE session")
			}
			return
		default:
			runtime.Gosched()
		}
	}
}

// answerEvent is an answer to the call id (as the server got it) whose
// result is text.
func answerEvent(id json.RawMessage, text string) string {
	return `{"jsonrpc":"2.0","id":` + string(id) + `,"result":{"content":[{"type":"text","text":"` + text + `"}]}}`
}

// workingEvent is a notification the server sends while a call runs.
const workingEvent = `{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"working"}}`

// inFlight names what b keeps of calls under way ("" for nothing).
func inFlight(b *bridge) string {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	var kept []string
	for name, n := range map[string]int{"routes": len(b.routes), "client IDs": len(b.wire), "sent": len(b.sent),
		"lists": len(b.lists), "calls": len(b.calls), "waiters": len(b.waiters), "cancellations": len(b.cancelled)} {
		if n > 0 {
			kept = append(kept, fmt.Sprintf("%d %s", n, name))
		}
	}
	slices.Sort(kept)
	return strings.Join(kept, ", ")
}

// However a call ends — answered, timed out, cancelled by the client, or
// cut off with the connection — the bridge keeps nothing of it, so that a
// long session does not grow.
func TestEndedCallsLeaveNothingBehind(t *testing.T) {
	hang := make(chan struct{}, 1)
	ts := httptest.NewServer(&fakeSSE{events: make(chan string, 16), call: func(body []byte) string {
		switch {
		case bytes.Contains(body, []byte(`"name":"echo"`)):
			return answerEvent(idOf(body), "echo")
		case bytes.Contains(body, []byte(`"name":"hang"`)):
			hang <- struct{}{}
		}
		return workingEvent // and no answer, ever
	}})
	t.Cleanup(ts.Close)
	ctx, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	b, cs := serveBridge(t, ctx, stop, Config{URL: ts.URL, HTTPClient: http.DefaultClient, CallTimeout: time.Second})

	if text, isErr := callText(t, cs, "echo", map[string]any{}); isErr || text != "echo" {
		t.Errorf("echo = %q (error %v)", text, isErr)
	}
	if text, isErr := callText(t, cs, "slow", map[string]any{}); !isErr || !strings.Contains(text, "(--timeout)") {
		t.Errorf("slow = %q (error %v), want the timeout named", text, isErr)
	}
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	if _, err := cs.CallTool(cctx, &mcp.CallToolParams{Name: "slow", Arguments: map[string]any{}}); err == nil {
		t.Error("the call the client cancelled was answered")
	}
	cancel()
	go func() {
		<-hang
		ts.CloseClientConnections()
	}()
	if text, isErr := callText(t, cs, "hang", map[string]any{}); !isErr || !strings.Contains(text, "connection to the MCP server ended") {
		t.Errorf("hang = %q (error %v), want the ended connection named", text, isErr)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		left := inFlight(b)
		if left == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the calls ended, and the bridge still keeps %s", left)
		}
	}
}

// A client may give the ID of a call that timed out, or that it
// cancelled, to its next call: the answer the server sends late to the
// first is not taken for the second's, which gets its own.
func TestLateAnswerNotTakenForReusedID(t *testing.T) {
	var mu sync.Mutex
	var slow, cancelled []string // the IDs the server saw
	slowSeen := make(chan struct{}, 2)
	f := &fakeSSE{events: make(chan string, 16)}
	f.call = func(body []byte) string {
		mu.Lock()
		defer mu.Unlock()
		if bytes.Contains(body, []byte(`"name":"slow"`)) {
			slow = append(slow, string(idOf(body)))
			slowSeen <- struct{}{}
			return workingEvent
		}
		// The last slow call's answer comes now, late: just before this
		// call's own.
		f.events <- answerEvent(json.RawMessage(slow[len(slow)-1]), "late answer of slow")
		return answerEvent(idOf(body), "echo")
	}
	ts := httptest.NewServer(intercept(f, `"notifications/cancelled"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
		var note struct {
			Params struct {
				RequestID json.RawMessage `json:"requestId"`
			} `json:"params"`
		}
		json.Unmarshal(body, &note)
		mu.Lock()
		cancelled = append(cancelled, string(note.Params.RequestID))
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ct, st := mcp.NewInMemoryTransports()
	go Serve(ctx, st, Config{URL: ts.URL, HTTPClient: http.DefaultClient, CallTimeout: 1500 * time.Millisecond})
	client, err := ct.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	send := func(id any, method, params string) {
		t.Helper()
		msg := &jsonrpc.Request{Method: method, Params: json.RawMessage(params)}
		msg.ID, _ = jsonrpc.MakeID(id)
		if err := client.Write(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	// answer is the text of the next answer, which must be to id.
	answer := func(id float64) string {
		t.Helper()
		for {
			m, err := client.Read(ctx)
			if err != nil {
				t.Fatalf("waiting for the answer to %v: %v", id, err)
			}
			r, ok := m.(*jsonrpc.Response)
			if !ok {
				continue // the server's notification
			}
			if want, _ := jsonrpc.MakeID(id); r.ID != want || r.Error != nil {
				t.Fatalf("got %+v, want the answer to %v", r, id)
			}
			var res mcp.CallToolResult
			json.Unmarshal(r.Result, &res)
			return resultText(&res)
		}
	}
	const slowCall, echoCall = `{"name":"slow","arguments":{}}`, `{"name":"echo","arguments":{}}`
	send(1.0, "initialize", `{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"c","version":"1"}}`)
	answer(1)
	send(nil, "notifications/initialized", `{}`)

	send(2.0, "tools/call", slowCall)
	if text := answer(2); !strings.Contains(text, "(--timeout)") {
		t.Fatalf("slow = %q, want the timeout named", text)
	}
	<-slowSeen
	send(2.0, "tools/call", echoCall) // ID 2 again
	if text := answer(2); text != "echo" {
		t.Errorf("the call that took the ID of one that timed out got %q, want its own answer", text)
	}

	send(3.0, "tools/call", slowCall)
	<-slowSeen // on the wire: the server will answer it
	send(nil, "notifications/cancelled", `{"requestId":3,"reason":"changed my mind"}`)
	send(3.0, "tools/call", echoCall) // ID 3 again
	if text := answer(3); text != "echo" {
		t.Errorf("the call that took the ID of one cancelled got %q, want its own answer", text)
	}

	send(4.0, "tools/call", echoCall) // nothing came before its answer
	if text := answer(4); text != "echo" {
		t.Errorf("next call = %q", text)
	}
	// The cancellations go beside the calls: they may come last, and in
	// either order (the timed-out call's is sent as the client goes on).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		seen, told := slices.Clone(slow), slices.Clone(cancelled)
		mu.Unlock()
		slices.Sort(told)
		if len(seen) == 2 && seen[0] != seen[1] && slices.Equal(told, slices.Sorted(slices.Values(seen))) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server saw the slow calls as %v and cancellations of %v, want two IDs, each cancelled", seen, told)
		}
	}
}

// A filtered tools/list the client cancels before it goes out leaves
// nothing behind either.
func TestListEndedBeforeSentLeavesNothing(t *testing.T) {
	ts := httptest.NewServer(&fakeSSE{events: make(chan string, 16), call: func([]byte) string { return workingEvent }})
	t.Cleanup(ts.Close)
	ctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	b, _ := serveBridge(t, ctx, stop, Config{URL: ts.URL, HTTPClient: http.DefaultClient, Filter: Filter{Prefix: "acme_"}})
	// As the bridge reads it, then the client's cancellation before the
	// request goes out.
	id, _ := jsonrpc.MakeID("l1")
	b.wmu.Lock()
	req := b.routeLocked(&jsonrpc.Request{ID: id, Method: "tools/list", Params: json.RawMessage(`{}`)})
	b.endRouteLocked(req.ID)
	b.wmu.Unlock()
	b.forwardCall(ctx, req)
	if left := inFlight(b); left != "" {
		t.Errorf("the bridge keeps %s of a call that ended", left)
	}
}

// serveBridge serves a bridge of cfg to a client over in-memory
// transports until the test ends, and returns both, for a test to look
// inside the bridge.
func serveBridge(t *testing.T, ctx context.Context, stop context.CancelFunc, cfg Config) (*bridge, *mcp.ClientSession) {
	t.Helper()
	b := newBridge(ctx, cfg)
	ct, st := mcp.NewInMemoryTransports()
	served := make(chan error, 1)
	go func() { served <- b.serve(ctx, stop, st) }()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() {
		cs.Close()
		<-served
	})
	return b, cs
}

// Serve returns when the client goes while a call's JSON answer is still
// coming and the server's own stream fills the connection's queue, which
// is read no more: the call's Write does not wait for room in the queue
// (that only the connection's Close would make), as Serve waits for the
// call before it closes the connection.
func TestServeEndsWhenClientGoesWithFullQueue(t *testing.T) {
	headers := make(chan struct{})
	gone := make(chan struct{})
	flooded := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodDelete:
			return
		case http.MethodGet:
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			select {
			case <-gone:
			case <-r.Context().Done():
				return
			}
			for i := 0; i < 40; i++ {
				io.WriteString(w, "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"x\"}}\n\n")
			}
			w.(http.Flusher).Flush()
			time.Sleep(300 * time.Millisecond)
			close(flooded)
			<-r.Context().Done()
			return
		}
		body, _ := io.ReadAll(r.Body)
		id := idOf(body)
		w.Header().Set(sessionHeader, "s1")
		switch {
		case bytes.Contains(body, []byte(`"method":"initialize"`)):
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"s","version":"1"}}}`, id)
		case bytes.Contains(body, []byte(`"method":"tools/call"`)):
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			close(headers)
			select {
			case <-flooded:
			case <-r.Context().Done():
				return
			}
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, id)
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	defer ts.Close()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	b := newBridge(ctx, Config{URL: ts.URL, HTTPClient: http.DefaultClient})
	ct, st := mcp.NewInMemoryTransports()
	served := make(chan error, 1)
	go func() { served <- b.serve(ctx, stop, st) }()
	kept := &keptTransport{Transport: ct}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "c", Version: "1"}, nil).Connect(context.Background(), kept, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	go cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "x", Arguments: map[string]any{}})
	<-headers
	time.Sleep(200 * time.Millisecond) // the POST's headers read: Write reads its body
	kept.conn.Close()                  // the client goes
	time.Sleep(200 * time.Millisecond)
	close(gone)
	select {
	case <-served:
	case <-time.After(8 * time.Second):
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		for _, g := range strings.Split(string(buf[:n]), "\n\n") {
			if strings.Contains(g, "remote.(*httpConn).deliver") || strings.Contains(g, "remote.(*bridge).serve") {
				t.Log(g)
			}
		}
		ts.CloseClientConnections()
		t.Fatal("Serve still runs 8 s after the client went")
	}
}

// The client's answer to a request of a session the server lost
// (sampling) goes to that session only, not again on the new session,
// which never asked it: a server that numbers its requests per session
// would take it for the answer to its own.
func TestAnswerToLostSessionIsNotSentAgain(t *testing.T) {
	srv := newTestServer()
	newHandler, sw := streamableSwap(srv)
	var mu sync.Mutex
	var answerSessions []string // the session of each POST of the sampling answer
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if bytes.Contains(body, []byte(`"sampled answer"`)) {
				mu.Lock()
				answerSessions = append(answerSessions, r.Header.Get(sessionHeader))
				mu.Unlock()
			}
		}
		sw.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	asked := make(chan struct{}, 1)
	release := make(chan struct{})
	cs := connectTest(t, Config{URL: ts.URL, lostTimeout: time.Second}, &mcp.ClientOptions{
		CreateMessageHandler: func(ctx context.Context, req *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
			asked <- struct{}{}
			<-release
			return &mcp.CreateMessageResult{Model: "m", Role: "assistant", Content: &mcp.TextContent{Text: "sampled answer"}}, nil
		},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go cs.CallTool(ctx, &mcp.CallToolParams{Name: "ask", Arguments: map[string]any{"text": "q"}})
	select {
	case <-asked:
	case <-ctx.Done():
		t.Fatal("never asked")
	}
	sw.set(newHandler()) // the server forgets the session
	close(release)
	// The answer is POSTed once; a second POST, on a new session, would
	// come once the session is found lost (lostTimeout, 1s).
	again := time.Now().Add(2 * time.Second)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		n := len(answerSessions)
		mu.Unlock()
		if n > 0 {
			break
		}
	}
	time.Sleep(time.Until(again))
	mu.Lock()
	defer mu.Unlock()
	if len(answerSessions) != 1 {
		t.Errorf("the answer to the lost session's sampling request was POSTed %d times, on sessions %q, want once, on the session that asked", len(answerSessions), answerSessions)
	}
}

// A server that keeps sessions but has no route for GET (an Express app
// with only app.post("/mcp")) answers the GET of its stream "404 Cannot
// GET /mcp": it offers no stream, and the session is not taken for lost
// (one session serves every call).
func TestFirstGet404IsNoStream(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	var mu sync.Mutex
	inits := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			http.Error(w, "Cannot GET /mcp", http.StatusNotFound)
			return
		}
		if r.Method == http.MethodPost && r.Header.Get(sessionHeader) == "" {
			mu.Lock()
			inits++
			mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL}, nil)
	fails := 0
	for i := 0; i < 5; i++ {
		time.Sleep(50 * time.Millisecond)
		if text, isErr := callText(t, cs, "echo", map[string]any{"text": "x"}); isErr || text != "echo: x" {
			fails++
			t.Logf("call %d: %q", i, text)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if fails > 0 || inits > 1 {
		t.Errorf("%d of 5 calls failed, %d sessions opened, against a server whose GET is 404 (no route)", fails, inits)
	}
}

// syncBuf is a log's writer that several goroutines write to: a test shows
// what it holds when it fails.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
