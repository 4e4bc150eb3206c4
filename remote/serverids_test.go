package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// rawClient serves a bridge of cfg to a client that reads and writes the
// JSON-RPC messages themselves, initialized, until the test ends; it
// returns both, for a test to look inside the bridge.
func rawClient(t *testing.T, ctx context.Context, stop context.CancelFunc, cfg Config) (*bridge, mcp.Connection) {
	t.Helper()
	b := newBridge(ctx, cfg)
	ct, st := mcp.NewInMemoryTransports()
	served := make(chan error, 1)
	go func() { served <- b.serve(ctx, stop, st) }()
	client, err := ct.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		client.Close()
		<-served
	})
	send(t, ctx, client, 1.0, "initialize", `{"protocolVersion":"2025-06-18","capabilities":{"roots":{},"elicitation":{}},"clientInfo":{"name":"c","version":"1"}}`)
	if r := readMessage(t, ctx, client).(*jsonrpc.Response); r.Error != nil {
		t.Fatalf("initialize: %v", r.Error)
	}
	send(t, ctx, client, nil, "notifications/initialized", `{}`)
	return b, client
}

// send writes a request (id nil: a notification) to the bridge.
func send(t *testing.T, ctx context.Context, c mcp.Connection, id any, method, params string) {
	t.Helper()
	msg := &jsonrpc.Request{Method: method, Params: json.RawMessage(params)}
	msg.ID, _ = jsonrpc.MakeID(id)
	if err := c.Write(ctx, msg); err != nil {
		t.Fatal(err)
	}
}

// reply writes the client's answer to a request of the server.
func reply(t *testing.T, ctx context.Context, c mcp.Connection, id jsonrpc.ID, result string) {
	t.Helper()
	if err := c.Write(ctx, &jsonrpc.Response{ID: id, Result: json.RawMessage(result)}); err != nil {
		t.Fatal(err)
	}
}

func readMessage(t *testing.T, ctx context.Context, c mcp.Connection) jsonrpc.Message {
	t.Helper()
	m, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("reading what the bridge passes to the client: %v", err)
	}
	return m
}

// askedLeft names what b keeps of the server's requests ("" for nothing).
func askedLeft(b *bridge) string {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if len(b.asked) == 0 && len(b.askedBy) == 0 {
		return ""
	}
	return fmt.Sprintf("%d requests of the server, %d server IDs", len(b.asked), len(b.askedBy))
}

// waitAskedEmpty waits until b keeps nothing of the server's requests.
func waitAskedEmpty(t *testing.T, b *bridge) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		left := askedLeft(b)
		if left == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("every request of the server was answered, and the bridge still keeps %s", left)
		}
	}
}

// postedAnswer is an answer of the client as the server got it.
type postedAnswer struct {
	session string
	id      string // raw JSON
	result  string
}

// sessionServer is a Streamable HTTP server whose sessions can be lost
// (then it answers 404 to them), each with a GET stream of the events a
// test gives it; it records the client's answers to its requests.
type sessionServer struct {
	*httptest.Server
	mu      sync.Mutex
	lost    map[string]bool        // the sessions the server forgot
	streams map[string]chan string // the events of each session's stream
	answers []postedAnswer
}

func newSessionServer(t *testing.T) *sessionServer {
	srv := &sessionServer{lost: map[string]bool{}, streams: map[string]chan string{}}
	sessions := 0
	srv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session := r.Header.Get(sessionHeader)
		var msg struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Result json.RawMessage `json:"result"`
		}
		if r.Method == http.MethodPost {
			body, _ := io.ReadAll(r.Body)
			json.Unmarshal(body, &msg)
			if msg.Method == "" {
				srv.mu.Lock()
				srv.answers = append(srv.answers, postedAnswer{session, string(msg.ID), string(msg.Result)})
				srv.mu.Unlock()
			}
		}
		srv.mu.Lock()
		gone := srv.lost[session]
		srv.mu.Unlock()
		if gone {
			http.Error(w, "Session not found", http.StatusNotFound)
			return
		}
		switch {
		case r.Method == http.MethodDelete:
		case r.Method == http.MethodGet:
			events := srv.stream(session)
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			for {
				select {
				case data := <-events:
					io.WriteString(w, "data: "+data+"\n\n")
					w.(http.Flusher).Flush()
				case <-r.Context().Done():
					return
				}
			}
		case msg.Method == "initialize":
			srv.mu.Lock()
			sessions++
			session = fmt.Sprintf("s%d", sessions)
			srv.mu.Unlock()
			w.Header().Set(sessionHeader, session)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"s","version":"1"}}}`, msg.ID)
		case msg.Method == "tools/call":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, answerEvent(msg.ID, "echo"))
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// stream is the channel of the events of session's stream.
func (srv *sessionServer) stream(session string) chan string {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.streams[session] == nil {
		srv.streams[session] = make(chan string, 4)
	}
	return srv.streams[session]
}

// lose makes the server forget session.
func (srv *sessionServer) lose(session string) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.lost[session] = true
}

// posted is the client's answers the server got so far.
func (srv *sessionServer) posted() []postedAnswer {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return slices.Clone(srv.answers)
}

// A server that loses its session numbers the requests of the new one
// from the start again: a request of the lost session not answered yet
// and one of the new session share ID 1. The client sees two IDs, and
// its answer to each goes back under ID 1 to the session that asked: the
// new session gets the answer to its own request, never the late answer
// to the lost session's.
func TestServerRequestIDsAcrossSessions(t *testing.T) {
	srv := newSessionServer(t)
	ctx, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	b, client := rawClient(t, ctx, stop, Config{URL: srv.URL, HTTPClient: http.DefaultClient, lostTimeout: time.Second})
	readRoots := func() *jsonrpc.Request {
		t.Helper()
		for {
			if m, ok := readMessage(t, ctx, client).(*jsonrpc.Request); ok && m.Method == "roots/list" {
				return m
			}
		}
	}
	const rootsRequest = `{"jsonrpc":"2.0","id":1,"method":"roots/list","params":{}}`

	srv.stream("s1") <- rootsRequest
	old := readRoots()
	srv.lose("s1") // the server forgets the session
	send(t, ctx, client, 2.0, "tools/call", `{"name":"echo","arguments":{}}`)
	for {
		// The lost session's request may be cancelled at the client
		// first (see TestServerRequestCancelledWhenSessionLost).
		m := readMessage(t, ctx, client)
		if r, ok := m.(*jsonrpc.Response); ok {
			if r.Error != nil {
				t.Fatalf("the call on the new session got %+v", r.Error)
			}
			break
		}
	}
	srv.stream("s2") <- rootsRequest
	cur := readRoots()
	if old.ID == cur.ID {
		t.Errorf("the client saw the lost session's request and the new session's under one ID, %v", cur.ID.Raw())
	}

	reply(t, ctx, client, old.ID, `{"roots":[{"uri":"file:///old"}]}`) // late
	time.Sleep(100 * time.Millisecond)                                 // taken first
	reply(t, ctx, client, cur.ID, `{"roots":[{"uri":"file:///new"}]}`)
	waitAskedEmpty(t, b)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if len(srv.posted()) > 0 || time.Now().After(deadline) {
			break
		}
	}
	time.Sleep(200 * time.Millisecond) // for an answer that should not come
	var onNew []postedAnswer
	for _, a := range srv.posted() {
		switch {
		case a.session == "s2":
			onNew = append(onNew, a)
		case a.session != "s1" || a.id != "1" || !strings.Contains(a.result, "old"):
			t.Errorf("the lost session got %+v, want nothing but its own answer, under ID 1", a)
		}
	}
	if len(onNew) != 1 || onNew[0].id != "1" || !strings.Contains(onNew[0].result, "new") {
		t.Errorf("the new session got the answers %+v, want its own only, under ID 1", onNew)
	}
}

// The server's cancellation of a request of its own names it to the
// client by the ID the client sees; the client's progress on a request
// goes back with the server's progress token. Neither passes once the
// request ended, nor does a cancellation of no request under way.
func TestServerCancellationAndProgressTranslated(t *testing.T) {
	var mu sync.Mutex
	var posted []string // the client's messages, as the server got them
	f := &fakeSSE{events: make(chan string, 16)}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/message" {
			body, _ := io.ReadAll(r.Body)
			if !strings.Contains(string(body), `"initialize"`) && !strings.Contains(string(body), `"notifications/initialized"`) {
				mu.Lock()
				posted = append(posted, string(body))
				mu.Unlock()
			}
			r.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	ctx, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	b, client := rawClient(t, ctx, stop, Config{URL: ts.URL, HTTPClient: http.DefaultClient})

	f.events <- `{"jsonrpc":"2.0","id":7,"method":"elicitation/create","params":{"message":"name?","requestedSchema":{"type":"object"},"_meta":{"progressToken":"srv-tok"}}}`
	f.events <- `{"jsonrpc":"2.0","id":"p-7","method":"ping"}`
	elicit, _ := readMessage(t, ctx, client).(*jsonrpc.Request)
	ping, _ := readMessage(t, ctx, client).(*jsonrpc.Request)
	if elicit == nil || ping == nil || elicit.Method != "elicitation/create" || ping.Method != "ping" {
		t.Fatalf("the client got %+v and %+v, want the server's two requests", elicit, ping)
	}
	if elicit.ID == ping.ID {
		t.Errorf("the client saw two requests under one ID, %v", ping.ID.Raw())
	}
	var p struct {
		Meta struct {
			Token json.RawMessage `json:"progressToken"`
		} `json:"_meta"`
		Message string `json:"message"`
	}
	json.Unmarshal(elicit.Params, &p)
	if p.Message != "name?" || string(p.Meta.Token) == `"srv-tok"` || len(p.Meta.Token) == 0 {
		t.Fatalf("the client got the params %s, want the message kept and a progress token of the bridge's", elicit.Params)
	}

	send(t, ctx, client, nil, "notifications/progress", `{"progressToken":`+string(p.Meta.Token)+`,"progress":1}`)
	// Passed on before the server cancels the request, after which the
	// client's progress on it goes no further.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(posted)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the client's progress on the server's request did not reach the server")
		}
	}
	f.events <- `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":99,"reason":"none such"}}`
	f.events <- `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"no longer needed"}}`
	note, _ := readMessage(t, ctx, client).(*jsonrpc.Request)
	var cancelled struct {
		RequestID json.RawMessage `json:"requestId"`
		Reason    string          `json:"reason"`
	}
	if note != nil {
		json.Unmarshal(note.Params, &cancelled)
	}
	want, _ := json.Marshal(elicit.ID.Raw())
	if note == nil || note.Method != "notifications/cancelled" || string(cancelled.RequestID) != string(want) || cancelled.Reason != "no longer needed" {
		t.Errorf("the client got %+v, want the cancellation of request %s alone", note, want)
	}

	// Ended: nothing of the elicitation goes to the server any more.
	reply(t, ctx, client, elicit.ID, `{"action":"accept","content":{}}`)
	send(t, ctx, client, nil, "notifications/progress", `{"progressToken":`+string(p.Meta.Token)+`,"progress":2}`)
	reply(t, ctx, client, ping.ID, `{}`)
	waitAskedEmpty(t, b)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		done := strings.Contains(strings.Join(posted, "\n"), `"id":"p-7"`)
		mu.Unlock()
		if done || time.Now().After(deadline) {
			break
		}
	}
	time.Sleep(200 * time.Millisecond) // for what should not come
	mu.Lock()
	defer mu.Unlock()
	var got []string
	for _, body := range posted {
		var m struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params struct {
				Token    json.RawMessage `json:"progressToken"`
				Progress float64         `json:"progress"`
			} `json:"params"`
		}
		json.Unmarshal([]byte(body), &m)
		if m.Method != "" {
			got = append(got, fmt.Sprintf("%s %s %v", m.Method, m.Params.Token, m.Params.Progress))
		} else {
			got = append(got, "answer "+string(m.ID))
		}
	}
	slices.Sort(got)
	if strings.Join(got, "; ") != `answer "p-7"; notifications/progress "srv-tok" 1` {
		t.Errorf("the server got %q, want the first progress under its own token and the answer to its ping under its own ID", got)
	}
}

// A request of the server the client has not answered when the session
// that asked is lost is cancelled at the client, under the ID the client
// sees, so that it does not keep an elicitation open for an answer that
// can go nowhere; the bridge forgets it, and the client's answer that
// comes anyway reaches no session.
func TestServerRequestCancelledWhenSessionLost(t *testing.T) {
	srv := newSessionServer(t)
	ctx, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	b, client := rawClient(t, ctx, stop, Config{URL: srv.URL, HTTPClient: http.DefaultClient, lostTimeout: time.Second})

	srv.stream("s1") <- `{"jsonrpc":"2.0","id":1,"method":"elicitation/create","params":{"message":"name?","requestedSchema":{"type":"object"}}}`
	var elicit *jsonrpc.Request
	for elicit == nil {
		if m, ok := readMessage(t, ctx, client).(*jsonrpc.Request); ok && m.Method == "elicitation/create" {
			elicit = m
		}
	}
	srv.lose("s1") // the server forgets the session
	// The call finds the session lost, and goes on a new one; the lost
	// session's stream ends.
	send(t, ctx, client, 2.0, "tools/call", `{"name":"echo","arguments":{}}`)
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var note *jsonrpc.Request
	answered := false
	for note == nil || !answered {
		m, err := client.Read(rctx)
		if err != nil {
			t.Fatalf("the client got the call's answer: %v, and the cancellation of the elicitation: %+v, want both (%v)", answered, note, err)
		}
		switch m := m.(type) {
		case *jsonrpc.Response:
			if m.Error != nil {
				t.Fatalf("the call on the new session got %+v", m.Error)
			}
			answered = true
		case *jsonrpc.Request:
			if m.Method != "notifications/cancelled" || note != nil {
				t.Fatalf("the client got %s %s, want the cancellation of the elicitation once", m.Method, m.Params)
			}
			note = m
		}
	}
	var cancelled struct {
		RequestID json.RawMessage `json:"requestId"`
		Reason    string          `json:"reason"`
	}
	json.Unmarshal(note.Params, &cancelled)
	want, _ := json.Marshal(elicit.ID.Raw())
	if string(cancelled.RequestID) != string(want) || cancelled.Reason == "" {
		t.Errorf("the client got the cancellation %s, want one of request %s with a reason", note.Params, want)
	}
	waitAskedEmpty(t, b)

	reply(t, ctx, client, elicit.ID, `{"action":"accept","content":{"name":"late"}}`)
	time.Sleep(300 * time.Millisecond) // for an answer that should not come
	if answers := srv.posted(); len(answers) != 0 {
		t.Errorf("the server got the answers %+v, want none: the request was cancelled", answers)
	}
}
