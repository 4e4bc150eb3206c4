package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// pipeConn connects a StdioTransport to pipes the test writes and reads.
func pipeConn(t *testing.T, drain time.Duration) (mcp.Connection, io.WriteCloser, *bufio.Reader) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	tr := &StdioTransport{In: inR, Out: outW, Drain: drain}
	conn, err := tr.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); inW.Close(); outR.Close() })
	return conn, inW, bufio.NewReader(outR)
}

func TestStdioTransportAnswersBadLinesAndGoesOn(t *testing.T) {
	conn, in, out := pipeConn(t, time.Second)
	go io.WriteString(in, "this is not json\n\n{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}\n")

	type readResult struct {
		msg jsonrpc.Message
		err error
	}
	got := make(chan readResult, 1)
	go func() {
		msg, err := conn.Read(context.Background())
		got <- readResult{msg, err}
	}()

	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		ID    any `json:"id"`
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(line), &resp); err != nil {
		t.Fatalf("answer %q: %v", line, err)
	}
	if resp.Error.Code != -32700 || resp.ID != nil || !strings.Contains(resp.Error.Message, "Parse error") {
		t.Errorf("answer to a bad line = %s", line)
	}
	r := <-got
	if r.err != nil {
		t.Fatalf("Read after a bad line: %v", r.err)
	}
	req, ok := r.msg.(*jsonrpc.Request)
	if !ok || req.Method != "ping" {
		t.Fatalf("Read = %#v, want the ping request", r.msg)
	}
}

func TestStdioTransportAnswersPendingRequestsAtEOF(t *testing.T) {
	conn, in, out := pipeConn(t, 10*time.Second)
	go func() {
		io.WriteString(in, `{"jsonrpc":"2.0","id":1,"method":"tools/call"}`+"\n")
		in.Close()
	}()
	msg, err := conn.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	req := msg.(*jsonrpc.Request)

	eof := make(chan error, 1)
	go func() {
		_, err := conn.Read(context.Background())
		eof <- err
	}()
	select {
	case err := <-eof:
		t.Fatalf("Read returned %v before the pending request was answered", err)
	case <-time.After(100 * time.Millisecond):
	}
	go out.ReadString('\n')
	resp := &jsonrpc.Response{ID: req.ID, Result: json.RawMessage(`{}`)}
	if err := conn.Write(context.Background(), resp); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-eof:
		if err != io.EOF {
			t.Fatalf("Read at the end = %v, want io.EOF", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read did not return after the answer was written")
	}
}

// TestStdioTransportDrainIsBounded checks that at the end of the input a
// request never answered is cancelled once the transport's drain time is
// up: that time, not DefaultDrain. The clock is synctest's, so the time
// waited is exact whatever the machine's load.
func TestStdioTransportDrainIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const drain = 50 * time.Millisecond
		conn, in, _ := pipeConn(t, drain)
		go func() {
			io.WriteString(in, `{"jsonrpc":"2.0","id":"a","method":"tools/call"}`+"\n")
			in.Close()
		}()
		if _, err := conn.Read(context.Background()); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		msg, err := conn.Read(context.Background())
		if req, ok := msg.(*jsonrpc.Request); err != nil || !ok || req.Method != "notifications/cancelled" {
			t.Fatalf("Read = %#v, %v; want the request's cancellation", msg, err)
		}
		if d := time.Since(start); d != drain {
			t.Errorf("cancelled after %v, want the drain time %v (DefaultDrain is %v)", d, drain, DefaultDrain)
		}
		if _, err := conn.Read(context.Background()); err != io.EOF {
			t.Fatalf("Read = %v, want io.EOF", err)
		}
	})
}

// answer is one line the transport wrote.
type answer struct {
	ID    any `json:"id"`
	Error *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Result json.RawMessage `json:"result"`
}

func readAnswer(t *testing.T, out *bufio.Reader) answer {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		line, _ := out.ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		var a answer
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("answer %q: %v", line, err)
		}
		return a
	case <-time.After(10 * time.Second):
		t.Fatal("no answer")
	}
	return answer{}
}

func TestStdioTransportAnswersInvalidLinesAndGoesOn(t *testing.T) {
	nested := `{"jsonrpc":"2.0","id":"deep","method":"tools/call","params":` +
		strings.Repeat(`{"a":`, 1000) + "1" + strings.Repeat("}", 1000) + "}"
	long := strings.Repeat("x", 2000)
	tests := []struct {
		name, line string
		code       int
		id         any
	}{
		{"not JSON", "this is not json", -32700, nil},
		{"cut JSON with an id", `{"jsonrpc":"2.0","id":5,"method":"ping","params":{`, -32700, 5.0},
		{"nested too deep", nested, -32600, "deep"},
		{"batch", `[{"jsonrpc":"2.0","id":1,"method":"ping"}]`, -32600, nil},
		{"version 1.0", `{"jsonrpc":"1.0","id":3,"method":"ping"}`, -32600, 3.0},
		{"no version", `{"id":"v","method":"ping"}`, -32600, "v"},
		{"not an object", `42`, -32600, nil},
		{"over the cap", `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"s":"` + long + `"}}`, -32600, 9.0},
		{"over the cap, id after the cap", `{"jsonrpc":"2.0","params":{"s":"` + long + `"},"id":9,"method":"tools/call"}`, -32600, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inR, in := io.Pipe()
			outR, outW := io.Pipe()
			tr := &StdioTransport{In: inR, Out: outW, maxLine: 1024}
			conn, err := tr.Connect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.Close(); in.Close(); outR.Close() })
			go io.WriteString(in, tt.line+"\n"+`{"jsonrpc":"2.0","id":7,"method":"ping"}`+"\n")
			got := make(chan jsonrpc.Message, 1)
			go func() {
				msg, _ := conn.Read(context.Background())
				got <- msg
			}()
			a := readAnswer(t, bufio.NewReader(outR))
			if a.Error == nil || a.Error.Code != tt.code || a.ID != tt.id {
				t.Errorf("answer = %+v (error %+v), want code %d and id %v", a, a.Error, tt.code, tt.id)
			}
			if req, ok := (<-got).(*jsonrpc.Request); !ok || req.Method != "ping" {
				t.Errorf("the next message was not read")
			}
		})
	}
}

// A line over MaxMessageBytes is skipped whole, and the session goes on.
func TestStdioTransportSkipsALineOverTheCap(t *testing.T) {
	conn, in, out := pipeConn(t, time.Second)
	go func() {
		io.WriteString(in, `{"jsonrpc":"2.0","id":"big","method":"tools/call","params":{"s":"`)
		chunk := strings.Repeat("x", 1<<20)
		for range MaxMessageBytes>>20 + 1 {
			io.WriteString(in, chunk)
		}
		io.WriteString(in, "\"}}\n"+`{"jsonrpc":"2.0","id":2,"method":"ping"}`+"\n")
	}()
	got := make(chan jsonrpc.Message, 1)
	go func() {
		msg, _ := conn.Read(context.Background())
		got <- msg
	}()
	a := readAnswer(t, out)
	if a.Error == nil || a.Error.Code != -32600 || a.ID != "big" || !strings.Contains(a.Error.Message, "16 MiB") {
		t.Errorf("answer = %+v (error %+v)", a, a.Error)
	}
	if req, ok := (<-got).(*jsonrpc.Request); !ok || req.Method != "ping" {
		t.Errorf("the next message was not read")
	}
}

// session runs an MCP server with one tool, "wait", that runs until it is
// cancelled, over a StdioTransport on pipes.
type session struct {
	in   io.WriteCloser
	out  *bufio.Reader
	done chan error
	// waiting gets a value as each call of the tool "wait" starts.
	waiting chan struct{}
}

// running returns once a call of "wait" runs.
func (s *session) running(t *testing.T) {
	t.Helper()
	select {
	case <-s.waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("the call of wait did not start")
	}
}

func startSession(t *testing.T, stop <-chan struct{}) *session {
	t.Helper()
	srv := mcp.NewServer(&mcp.Implementation{Name: "t", Version: "1"}, nil)
	waiting := make(chan struct{}, 8)
	mcp.AddTool(srv, &mcp.Tool{Name: "wait"}, func(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
		waiting <- struct{}{}
		<-ctx.Done()
		return nil, nil, ctx.Err()
	})
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	s := &session{in: inW, out: bufio.NewReader(outR), done: make(chan error, 1), waiting: waiting}
	go func() {
		s.done <- srv.Run(context.Background(), &StdioTransport{In: inR, Out: outW, Stop: stop})
	}()
	t.Cleanup(func() { inW.Close(); outR.Close() })
	s.send(t, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	if a := readAnswer(t, s.out); a.Error != nil {
		t.Fatalf("initialize: %+v", a.Error)
	}
	s.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return s
}

func (s *session) send(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		t.Fatal(err)
	}
}

func TestStdioTransportRefusesASecondInitialize(t *testing.T) {
	s := startSession(t, nil)
	s.send(t, `{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	a := readAnswer(t, s.out)
	if a.Error == nil || a.Error.Code != -32600 || a.ID != 2.0 {
		t.Errorf("second initialize: %+v (error %+v), want -32600", a, a.Error)
	}
}

func TestStdioTransportDoesNotAnswerCancelledRequests(t *testing.T) {
	s := startSession(t, nil)
	s.send(t, `{"jsonrpc":"2.0","id":"w","method":"tools/call","params":{"name":"wait","arguments":{}}}`)
	s.running(t)
	s.send(t, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"w"}}`)
	s.send(t, `{"jsonrpc":"2.0","id":3,"method":"ping"}`)
	if a := readAnswer(t, s.out); a.ID != 3.0 {
		t.Errorf("answer = %+v, want the ping's (id 3); the cancelled call was answered", a)
	}
	s.send(t, `{"jsonrpc":"2.0","id":4,"method":"ping"}`)
	if a := readAnswer(t, s.out); a.ID != 4.0 {
		t.Errorf("answer = %+v, want the ping's (id 4)", a)
	}
}

// At the end of the input, or on Stop, a running call is cancelled and
// answered at once, and the session ends within 2 s.
func TestStdioTransportCancelsRunningCallsAtTheEnd(t *testing.T) {
	for _, how := range []string{"EOF", "Stop"} {
		t.Run(how, func(t *testing.T) {
			stop := make(chan struct{})
			s := startSession(t, stop)
			s.send(t, `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"wait","arguments":{}}}`)
			s.running(t)
			start := time.Now()
			if how == "EOF" {
				s.in.Close()
			} else {
				close(stop)
			}
			a := readAnswer(t, s.out)
			if a.ID != 5.0 || (a.Error == nil && !strings.Contains(string(a.Result), `"isError":true`)) {
				t.Errorf("answer = %+v %s, want a cancellation error for id 5", a, a.Result)
			}
			select {
			case err := <-s.done:
				if err != nil && err != io.EOF {
					t.Errorf("Run = %v", err)
				}
			case <-time.After(3 * time.Second):
				t.Fatal("the session did not end")
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("the session took %v to end", d)
			}
		})
	}
}

// An error answer without a JSON-RPC code goes out as Internal error, not 0.
func TestStdioTransportGivesUncodedErrorsACode(t *testing.T) {
	conn, in, out := pipeConn(t, time.Second)
	go io.WriteString(in, `{"jsonrpc":"2.0","id":1,"method":"x"}`+"\n")
	msg, err := conn.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	go conn.Write(context.Background(), &jsonrpc.Response{ID: msg.(*jsonrpc.Request).ID, Error: errors.New("no code")})
	if a := readAnswer(t, out); a.Error == nil || a.Error.Code != -32603 || a.Error.Message != "no code" {
		t.Errorf("answer = %+v (error %+v), want -32603", a, a.Error)
	}
}

// TestTransportRefusesWhatItCannotAnswerTruly checks the lines a client
// gets an error for instead of silence, a wrong id or half a message: a
// request with a null id, an id no answer could repeat, a message neither
// request nor response, text after the message, a cancellation sent as a
// request; and that a byte-order mark does not hide a message, and that
// initialize offers tools only.
func TestTransportRefusesWhatItCannotAnswerTruly(t *testing.T) {
	ts := newTestAPIServer(t)
	s := newTestServer(t, ts, nil, Config{})
	got := stdioLines(t, s.Run,
		`{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"list_projects"}}`,
		`{"jsonrpc":"2.0","id":1.5,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":12345678901234567890,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":3}`,
		`{"jsonrpc":"2.0","id":6,"method":"ping"} xyz`,
		`{"jsonrpc":"2.0","id":61,"method":"ping"}{"jsonrpc":"2.0","id":62,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":51,"method":"notifications/cancelled","params":{"requestId":99}}`,
		"\xef\xbb\xbf"+`{"jsonrpc":"2.0","id":8,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":2.0,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":1e1,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":9007199254740993.0,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":1.0000000000000001,"method":"ping"}`,
	)
	if strings.Contains(got[0], `"logging"`) || !strings.Contains(got[0], `"tools":{"listChanged":true}`) {
		t.Errorf("initialize: %s", got[0])
	}
	for i, want := range [][2]string{
		{`"id":null`, `{"code":-32600,"message":"Invalid Request: the id of a request must be a string or an integer, not null"}`},
		{`"id":null`, `{"code":-32600,"message":"Invalid Request: the id must be a string or an integer within ±2^53, not 1.5"}`},
		{`"id":null`, `{"code":-32600,"message":"Invalid Request: the id must be a string or an integer within ±2^53, not 12345678901234567890"}`},
		{`"id":3`, `"code":-32600`},
		{`"id":6`, `"code":-32700`},
		{`"id":61`, `"code":-32700`},
		{`"id":51`, `"code":-32600`},
		{`"id":8`, `"result":{}`},
		{`"id":2,`, `"result":{}`},
		{`"id":10,`, `"result":{}`},
		{`"id":null`, `"code":-32600`},
		{`"id":null`, `"code":-32600`},
	} {
		if line := got[i+1]; !strings.Contains(line, want[0]) || !strings.Contains(line, want[1]) {
			t.Errorf("line %d: %s, want %s and %s", i+1, line, want[0], want[1])
		}
	}
}
