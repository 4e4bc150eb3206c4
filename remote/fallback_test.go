package remote

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/restmcp/restmcp/remote/remotetest"
)

// A server of the HTTP+SSE transport that answers the initialize POST to
// its stream's URL with 400, 404 or 405 and a JSON-RPC error under the
// request's id is spoken to over HTTP+SSE, as when the body is no
// JSON-RPC answer. A refused credential (401, 403) or a failing server
// (5xx) is not taken for another transport: the error is told.
func TestSSEFallbackAfterJSONRPCError(t *testing.T) {
	for _, status := range []int{400, 404, 405} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := newTestServer()
			ts := remotetest.SSERefusingPost(t, mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil), status)
			cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
			if text, isErr := callText(t, cs, "echo", map[string]any{"text": "over sse"}); isErr || text != "echo: over sse" {
				t.Errorf("echo = %q (error %v)", text, isErr)
			}
		})
	}
	for _, status := range []int{401, 403, 500, 503} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := newTestServer()
			var gets atomic.Int32
			sse := mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil)
			ts := remotetest.SSERefusingPost(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					gets.Add(1)
				}
				sse.ServeHTTP(w, r)
			}), status)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err := Probe(ctx, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, &mcp.Implementation{Name: "t", Version: "1"})
			if err == nil || gets.Load() != 0 {
				t.Errorf("probe: %v after %d GETs of the stream; want the server's refusal and no HTTP+SSE", err, gets.Load())
			}
		})
	}
}

// A Streamable HTTP server that refuses initialize with 400 and its own
// JSON-RPC error is tried over HTTP+SSE (it has no stream there), and its
// error is what the client gets: the real reason.
func TestJSONRPCRefusalOfInitializePassedOn(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":"probe","error":{"code":-32602,"message":"Unsupported protocol version"}}`))
	}))
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Probe(ctx, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, &mcp.Implementation{Name: "t", Version: "1"})
	if err == nil || !strings.Contains(err.Error(), "Unsupported protocol version") {
		t.Errorf("probe: %v, want the server's own error", err)
	}
}
