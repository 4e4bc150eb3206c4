package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/restmcp/restmcp/client"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// httpPost builds a POST of body to a stateless MCP endpoint, with the
// headers a client of version sends; edit changes them.
func httpPost(body, version string, edit func(*http.Request)) *http.Request {
	req := httptest.NewRequest("POST", "http://127.0.0.1/mcp", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if version != "" {
		req.Header.Set("Mcp-Protocol-Version", version)
	}
	if edit != nil {
		edit(req)
	}
	return req
}

// A plain tools/call answered by the front gets the status, headers and
// bytes the MCP SDK's stateless handler sends for it; every other request
// is left to the SDK, with nothing written.
func TestHTTPCallAnswersAsTheSDK(t *testing.T) {
	s, _, _ := fixtureServer(t, "drf", Config{})
	f := s.Front()
	sdk := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return f.MCPServer() }, &mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true})
	tool := s.list[0].Name
	call := func(id, params string) string {
		return fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":%s}`, id, params)
	}
	plain := []string{
		call("1", `{"name":"`+tool+`","arguments":{}}`),
		call(`"a-1"`, `{"name":"`+tool+`","arguments":{"page":2}}`),
		call("7", `{"name":"`+tool+`","arguments":{"page":"two"}}`), // a tool error
		call("8", `{"name":"no_such_tool","arguments":{}}`),         // a JSON-RPC error
		call("9", `{"name":"`+tool+`","arguments":{},"_meta":{"progressToken":"p1"}}`),
		call("10", `{"arguments":{},"name":"`+tool+`"}`),
	}
	for _, version := range []string{"2025-03-26", "2025-06-18", "2025-11-25"} {
		for _, body := range plain {
			want := httptest.NewRecorder()
			sdk.ServeHTTP(want, httpPost(body, version, nil))
			got := httptest.NewRecorder()
			observed := ""
			if !f.HTTPCall(got, httpPost(body, version, nil), func(name string, _ *mcp.CallToolResult, _ error, _ time.Duration) { observed = name }) {
				t.Errorf("%s (%s): left to the SDK", body, version)
				continue
			}
			if got.Code != want.Code || got.Body.String() != want.Body.String() ||
				got.Header().Get("Content-Type") != want.Header().Get("Content-Type") || got.Header().Get("Cache-Control") != want.Header().Get("Cache-Control") {
				t.Errorf("%s (%s):\n got %d %v %s\nwant %d %v %s", body, version, got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
			}
			if observed == "" {
				t.Errorf("%s (%s): the call was not observed", body, version)
			}
		}
	}

	// Left to the SDK.
	loopbackLocal := func(r *http.Request) {
		*r = *r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}))
		r.Host = "attacker.example"
	}
	for _, tc := range []struct {
		name, body, version string
		edit                func(*http.Request)
	}{
		{"per-request protocol version", plain[0], "2026-07-28", nil},
		{"no protocol version header", plain[0], "", nil},
		{"GET", plain[0], "2025-11-25", func(r *http.Request) { r.Method = "GET" }},
		{"another content type", plain[0], "2025-11-25", func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }},
		{"JSON only accepted", plain[0], "2025-11-25", func(r *http.Request) { r.Header.Set("Accept", "application/json") }},
		{"Last-Event-ID", plain[0], "2025-11-25", func(r *http.Request) { r.Header.Set("Last-Event-ID", "x_1") }},
		{"a Host the rebinding protection refuses", plain[0], "2025-11-25", loopbackLocal},
		{"a batch", "[" + plain[0] + "]", "2025-03-26", nil},
		{"a notification", `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"` + tool + `","arguments":{}}}`, "2025-11-25", nil},
		{"another method", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, "2025-11-25", nil},
		{"params the SDK reads more of", call("1", `{"name":"`+tool+`","arguments":{},"task":{}}`), "2025-11-25", nil},
		{"arguments that are no object", call("1", `{"name":"`+tool+`","arguments":[]}`), "2025-11-25", nil},
		{"a protocol version in _meta", call("1", `{"name":"`+tool+`","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-11-25"}}`), "2025-11-25", nil},
		{"not JSON", `{"jsonrpc":"2.0",`, "2025-11-25", nil},
		{"nested deeper than a message may be", call("1", `{"name":"`+tool+`","arguments":{"page":`+strings.Repeat("[", MaxMessageDepth)+strings.Repeat("]", MaxMessageDepth)+`}}`), "2025-11-25", nil},
	} {
		w := httptest.NewRecorder()
		req := httpPost(tc.body, tc.version, tc.edit)
		if f.HTTPCall(w, req, nil) {
			t.Errorf("%s: answered by the front", tc.name)
		}
		if w.Body.Len() > 0 || len(w.Header()) > 0 {
			t.Errorf("%s: something was written: %v %s", tc.name, w.Header(), w.Body)
		}
		// The SDK reads the body the front read.
		if b, err := io.ReadAll(req.Body); err != nil || string(b) != tc.body {
			t.Errorf("%s: the body left to the SDK is %q (%v)", tc.name, b, err)
		}
	}
}

// A request whose Host the server judged itself (WithHostChecked: its MCP
// SDK handler's rebinding protection is off, and a trusted proxy's Host
// let through) is answered by the front, as that handler would answer it.
func TestHTTPCallHostChecked(t *testing.T) {
	s, _, _ := fixtureServer(t, "drf", Config{})
	f := s.Front()
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"` + s.list[0].Name + `","arguments":{}}}`
	proxied := func(checked bool) func(*http.Request) {
		return func(r *http.Request) {
			ctx := context.WithValue(r.Context(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080})
			if checked {
				ctx = WithHostChecked(ctx)
			}
			*r = *r.WithContext(ctx)
			r.Host = "mcp.example.com"
		}
	}
	if f.HTTPCall(httptest.NewRecorder(), httpPost(body, "2025-11-25", proxied(false)), nil) {
		t.Error("a Host the rebinding protection refuses: answered by the front")
	}
	w := httptest.NewRecorder()
	if !f.HTTPCall(w, httpPost(body, "2025-11-25", proxied(true)), nil) || w.Code != http.StatusOK {
		t.Errorf("a Host the server checked: left to the SDK (%d %s)", w.Code, w.Body)
	}
}

// A call ends by the request's time limit on both ways it is answered:
// the MCP SDK runs it under a session context without the deadline, and
// the context carries it as a value (WithCallDeadline).
func TestHTTPCallEndsByTheRequestsTimeLimit(t *testing.T) {
	var cancelled atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			cancelled.Add(1)
		case <-time.After(10 * time.Second):
		}
	}))
	t.Cleanup(ts.Close)
	api := loadSpec(t, "testdata/drf.yaml")
	s, err := New(Config{API: api, Client: client.New(client.Options{BaseURL: ts.URL, Credential: client.HeaderKey{Key: client.StaticKey("k")}}), Layout: LayoutOperations})
	if err != nil {
		t.Fatal(err)
	}
	f := s.Front()
	sdk := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return f.MCPServer() }, &mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true})
	const tool = "projects_list"
	for _, version := range []string{"2025-11-25", "2026-07-28", "2026-07-28", "2026-07-28", "2026-07-28", "2026-07-28"} {
		meta := ""
		if version == "2026-07-28" {
			meta = `,"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}`
		}
		body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"` + tool + `","arguments":{}` + meta + `}}`
		req := httpPost(body, version, func(r *http.Request) {
			r.Header.Set("Mcp-Method", "tools/call")
			r.Header.Set("Mcp-Name", tool)
		})
		deadline := time.Now().Add(200 * time.Millisecond)
		ctx, cancel := context.WithDeadline(context.Background(), deadline.Add(2*time.Second))
		req = req.WithContext(WithCallDeadline(ctx, deadline))
		before := cancelled.Load()
		start := time.Now()
		w := httptest.NewRecorder()
		if !f.HTTPCall(w, req, nil) {
			sdk.ServeHTTP(w, req)
		}
		cancel()
		for i := 0; i < 100 && cancelled.Load() == before; i++ {
			time.Sleep(50 * time.Millisecond)
		}
		if cancelled.Load() == before || time.Since(start) > 5*time.Second {
			t.Errorf("version %s: the API request was not ended by the time limit (%v)", version, time.Since(start))
		}
		// The caller is told, on either path: the request outlives the
		// call long enough to send its error.
		if !strings.Contains(w.Body.String(), `"isError":true`) {
			t.Errorf("version %s: answered %d %q, want the call's error", version, w.Code, w.Body)
		}
	}
}
