package remote

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// A 400 whose body speaks of a session but that refuses the message (a
// validation error of the server, or of a gateway before it) is not a
// lost session: the session the server still has is kept, nothing is
// sent again on a new one, and the call gets the server's reason.
func TestBadRequestAboutSessionIsNotLoss(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	var inits, refused, deletes atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodDelete:
			deletes.Add(1)
		case r.Method == http.MethodPost && r.Header.Get(sessionHeader) == "":
			inits.Add(1)
		}
		intercept(h, `"session_name"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
			refused.Add(1)
			http.Error(w, `Bad Request: invalid arguments: "session_name" must be at most 40 characters`, http.StatusBadRequest)
		}).ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL}, nil)
	echoAnswers(t, cs, "before", "echo before the refused call")

	text, isErr := callText(t, cs, "echo", map[string]any{"text": "x", "session_name": strings.Repeat("n", 50)})
	if !isErr || !strings.Contains(text, "400") || !strings.Contains(text, "must be at most 40 characters") || !strings.Contains(text, "did not act on it") {
		t.Errorf("the refused call = %q (error %v), want the server's 400 and its reason", text, isErr)
	}
	if n := refused.Load(); n != 1 {
		t.Errorf("the refused call reached the server %d times, want 1", n)
	}
	echoAnswers(t, cs, "after", "echo after the refused call")
	if n := inits.Load(); n != 1 {
		t.Errorf("initialize sent %d times, want 1: the session was not lost", n)
	}
	if n := deletes.Load(); n != 0 {
		t.Errorf("%d DELETEs while the session was open", n)
	}
}

// Over HTTP+SSE too, a 400 to a message on a session the server still
// has refuses that message only: the event stream, which is the session,
// is kept.
func TestSSEBadRequestAboutSessionIsNotLoss(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	var streams, refused atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			streams.Add(1)
		}
		intercept(h, `"session_name"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
			refused.Add(1)
			http.Error(w, `invalid arguments: unknown session_name`, http.StatusBadRequest)
		}).ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL}, nil)
	echoAnswers(t, cs, "before", "echo before the refused call")
	text, isErr := callText(t, cs, "echo", map[string]any{"text": "x", "session_name": "n"})
	if !isErr || !strings.Contains(text, "400") || !strings.Contains(text, "unknown session_name") {
		t.Errorf("the refused call = %q (error %v), want the server's 400 and its reason", text, isErr)
	}
	echoAnswers(t, cs, "after", "echo after the refused call")
	if n, m := refused.Load(), streams.Load(); n != 1 || m != 1 {
		t.Errorf("the refused call reached the server %d times and %d event streams were opened, want 1 and 1", n, m)
	}
}

// A server that answers a session it no longer knows with a 400 that does
// not say so (the TypeScript SDK's "Server not initialized", from a new
// transport that never saw the session) lost it all the same: a ping on
// the session is refused too, and a new session is started.
func TestSessionLoss400WithoutSessionWordReconnects(t *testing.T) {
	srv := newTestServer()
	newHandler, sw := streamableSwap(srv)
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
			w.Write([]byte(`{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: Server not initialized"},"id":null}`))
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL}, nil)
	echoAcrossSessionLoss(t, cs, sw, newHandler)
}

// stringIDs rewrites every answer h gives as JSON so that a numeric id
// becomes a string ("id":3 → "id":"3"), as some servers echo ids.
func stringIDs(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) == nil && len(m["id"]) > 0 && m["id"][0] != '"' && m["id"][0] != 'n' {
			m["id"], _ = json.Marshal(string(m["id"]))
			body, _ = json.Marshal(m)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

// A server that answers a request under its id as a string ("3" for 3),
// which clients of the TypeScript SDK take, is understood: the answers
// reach the calls they answer.
func TestAnswersUnderStringIDs(t *testing.T) {
	srv := newTestServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, &mcp.StreamableHTTPOptions{JSONResponse: true})
	ts := httptest.NewServer(stringIDs(h))
	t.Cleanup(ts.Close)
	cs := connectTest(t, Config{URL: ts.URL}, nil)
	echoAnswers(t, cs, "one", "echo")
	echoAnswers(t, cs, "two", "echo again")
}

// decodeMessages reads an answer's id given as a string of digits as the
// number the bridge sent; other ids as they are.
func TestDecodeNumericStringID(t *testing.T) {
	for _, tc := range []struct {
		data string
		want any
	}{
		{`{"jsonrpc":"2.0","id":"7","result":{}}`, int64(7)},
		{`{"jsonrpc":"2.0","id":7,"result":{}}`, int64(7)},
		{`{"jsonrpc":"2.0","id":"07","result":{}}`, "07"},
		{`{"jsonrpc":"2.0","id":"-1","result":{}}`, "-1"},
		{`{"jsonrpc":"2.0","id":"probe","result":{}}`, "probe"},
		{`{"jsonrpc":"2.0","id":"99999999999999999999","result":{}}`, "99999999999999999999"},
		{`[{"jsonrpc":"2.0","id":"8","error":{"code":-1,"message":"x"}}]`, int64(8)},
	} {
		msgs, err := decodeMessages([]byte(tc.data))
		if err != nil || len(msgs) != 1 {
			t.Fatalf("%s: %v", tc.data, err)
		}
		if got := msgs[0].(*jsonrpc.Response).ID.Raw(); got != tc.want {
			t.Errorf("%s: id %#v, want %#v", tc.data, got, tc.want)
		}
	}
	// A request of the server keeps its id: its answer goes back under it.
	msgs, _ := decodeMessages([]byte(`{"jsonrpc":"2.0","id":"7","method":"ping"}`))
	if got := msgs[0].(*jsonrpc.Request).ID.Raw(); got != "7" {
		t.Errorf("a request's id %#v, want \"7\"", got)
	}
}
