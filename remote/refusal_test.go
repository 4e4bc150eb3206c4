package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// countedServers serves newTestServer over Streamable HTTP and over
// HTTP+SSE, each through refuse for the requests whose body holds match,
// counting the sessions each opened (initialize POSTs without a session,
// event streams).
func countedServers(t *testing.T, match string, refuse func(w http.ResponseWriter, r *http.Request, body []byte)) map[string]struct {
	url      string
	sessions *atomic.Int32
} {
	t.Helper()
	srv := newTestServer()
	streamable := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	sse := mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	out := map[string]struct {
		url      string
		sessions *atomic.Int32
	}{}
	for name, h := range map[string]http.Handler{"streamable": streamable, "sse": sse} {
		var sessions atomic.Int32
		ih := intercept(h, match, refuse)
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case name == "streamable" && r.Method == http.MethodPost && r.Header.Get(sessionHeader) == "":
				sessions.Add(1)
			case name == "sse" && r.Method == http.MethodGet:
				sessions.Add(1)
			}
			ih.ServeHTTP(w, r)
		}))
		t.Cleanup(ts.Close)
		out[name] = struct {
			url      string
			sessions *atomic.Int32
		}{ts.URL, &sessions}
	}
	return out
}

// jsonError answers w with status and a JSON-RPC error answer under id.
func jsonError(w http.ResponseWriter, status int, id json.RawMessage) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(`{"jsonrpc":"2.0","id":` + string(id) + `,"error":{"code":-32602,"message":"Invalid params: text must be at most 5 characters","data":{"field":"text","max":5}}}`))
}

// A 4xx whose body is the server's JSON-RPC error answer to the call (as
// the TypeScript SDK and others refuse invalid parameters or an unknown
// tool) reaches the client as that error, code, message and data, over
// either transport, the id echoed as a number or as a string of digits;
// the session goes on.
func TestServerErrorAnswerIsPassedOn(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusUnprocessableEntity} {
		for _, quoted := range []bool{false, true} {
			servers := countedServers(t, `"text":"too long"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
				id := idOf(body)
				if quoted {
					id, _ = json.Marshal(string(id))
				}
				jsonError(w, status, id)
			})
			for name, s := range servers {
				t.Run(fmt.Sprintf("%s/%d/quoted=%v", name, status, quoted), func(t *testing.T) {
					cs := connectTest(t, Config{URL: s.url}, nil)
					_, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "too long"}})
					var we *jsonrpc.Error
					if !errors.As(err, &we) || we.Code != -32602 || we.Message != "Invalid params: text must be at most 5 characters" || string(we.Data) != `{"field":"text","max":5}` {
						t.Fatalf("err = %v, want the server's JSON-RPC error", err)
					}
					echoAnswers(t, cs, "after", "echo after the refused call")
					if n := s.sessions.Load(); n != 1 {
						t.Errorf("%d sessions, want 1: the session goes on", n)
					}
				})
			}
		}
	}
}

// Other 4xx answers are told as before: a JSON-RPC error under another id
// or none, a body that is not JSON, a 401 or 403 (the credentials).
func TestOtherRefusalsAreToldAsBefore(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter, body []byte)
		want   string
	}{
		{"id null", func(w http.ResponseWriter, body []byte) { jsonError(w, 400, json.RawMessage("null")) },
			`the MCP server refused the tools/call message: it answered 400 Bad Request: {"jsonrpc":"2.0","id":null,"error":{"code":-32602`},
		{"another id", func(w http.ResponseWriter, body []byte) { jsonError(w, 422, json.RawMessage("987654")) },
			`the MCP server refused the tools/call message: it answered 422 Unprocessable Entity: {"jsonrpc":"2.0","id":987654`},
		{"text", func(w http.ResponseWriter, body []byte) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(422)
			w.Write([]byte(`{"jsonrpc":"2.0","id":` + string(idOf(body)) + `,"error":{"code":1,"message":"m"}}`))
		}, `the MCP server refused the tools/call message: it answered 422 Unprocessable Entity: {"jsonrpc"`},
		{"403", func(w http.ResponseWriter, body []byte) { jsonError(w, 403, idOf(body)) },
			"the server refused the credentials (run `restmcp login --profile acme`)"},
	} {
		servers := countedServers(t, `"text":"refused"`, func(w http.ResponseWriter, r *http.Request, body []byte) { tc.answer(w, body) })
		for name, s := range servers {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				cs := connectTest(t, Config{URL: s.url, Login: "restmcp login --profile acme"}, nil)
				text, isErr := callText(t, cs, "echo", map[string]any{"text": "refused"})
				if !isErr || !strings.Contains(text, tc.want) {
					t.Errorf("answer = %q (error %v), want %q", text, isErr, tc.want)
				}
			})
		}
	}
}

// A lost session is found before the body is read as an answer: a 404,
// or a 400 that a ping confirms, is a lost session even when its body is a
// JSON-RPC error under the call's id; the call goes again on a new session.
func TestLostSessionWithErrorAnswerReconnects(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusBadRequest} {
		var refused, pings atomic.Int32
		srv := newTestServer()
		h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
		var inits atomic.Int32
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.Header.Get(sessionHeader) == "" {
				inits.Add(1)
			}
			intercept(intercept(h, `"text":"once"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
				if refused.Add(1) > 1 {
					h.ServeHTTP(w, r)
					return
				}
				jsonError(w, status, idOf(body))
			}), `restmcp-session-check`, func(w http.ResponseWriter, r *http.Request, body []byte) {
				pings.Add(1)
				http.Error(w, "Bad Request: No valid session ID provided", http.StatusBadRequest)
			}).ServeHTTP(w, r)
		}))
		t.Cleanup(ts.Close)
		cs := connectTest(t, Config{URL: ts.URL}, nil)
		echoAnswers(t, cs, "once", "the call after the session was lost")
		if n := inits.Load(); n != 2 {
			t.Errorf("%d: %d sessions, want 2: the session was lost", status, n)
		}
		if n := pings.Load(); status == http.StatusBadRequest && n == 0 {
			t.Errorf("400: no ping asked whether the session was lost")
		}
	}
}
