package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
)

// echoAPI serves projectsAPI by echoing what it receives: a list answers
// its query, a creation its body (HTML characters and non-ASCII text
// included), project 7 answers after 200 ms and, when block is set,
// project 8 waits until the request is cancelled (counted in cancelled).
type echoAPI struct {
	*httptest.Server
	block     atomic.Bool
	cancelled atomic.Int32
	reached   chan struct{}
}

func newEchoAPI(t testing.TB) *echoAPI {
	t.Helper()
	e := &echoAPI{reached: make(chan struct{}, 16)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /projects", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"query":%q,"html":"<b>&amp;</b>","text":"café \u2028"}`, r.URL.RawQuery)
	})
	mux.HandleFunc("POST /projects", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(b)
	})
	mux.HandleFunc("GET /projects/{id}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("id") {
		case "7":
			time.Sleep(200 * time.Millisecond)
		case "8":
			if !e.block.Load() {
				break
			}
			e.reached <- struct{}{}
			<-r.Context().Done()
			e.cancelled.Add(1)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "project "+r.PathValue("id"))
	})
	e.Server = httptest.NewServer(mux)
	t.Cleanup(e.Close)
	return e
}

const initializeLine = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"%s","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`

// callRun is what one session wrote, and how many tools/call requests the
// MCP server's handlers saw.
type callRun struct {
	lines    []string // after initialize's answer, sorted
	order    []string // the same as written
	sdkCalls int
	err      error // what Run returned
}

// runCalls serves a Front for api over a StdioTransport, the MCP SDK
// answering every tools/call when sdk is set: it sends initialize (for
// version, unless empty), waits for its answer unless pipelined, then
// sends lines and ends the input, and returns everything written after
// initialize's answer (with it when pipelined).
func runCalls(t testing.TB, api string, version string, sdk, pipelined bool, lines ...string) callRun {
	t.Helper()
	s, err := New(Config{API: projectsAPI(), Client: client.New(client.Options{BaseURL: api})})
	if err != nil {
		t.Fatal(err)
	}
	return runFrontCalls(t, s.Front(), version, sdk, pipelined, lines...)
}

func runFrontCalls(t testing.TB, f *Front, version string, sdk, pipelined bool, lines ...string) callRun {
	t.Helper()
	var sdkCalls atomic.Int32
	f.MCPServer().AddReceivingMiddleware(func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if method == "tools/call" {
				sdkCalls.Add(1)
			}
			return next(ctx, method, req)
		}
	})
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := f.Run(context.Background(), &StdioTransport{In: inR, Out: outW, Drain: 5 * time.Second, sdkCalls: sdk})
		outW.Close()
		done <- err
	}()
	out := bufio.NewReaderSize(outR, 1<<20)
	send := func(line string) {
		if _, err := io.WriteString(inW, line+"\n"); err != nil {
			t.Error(err)
		}
	}
	var r callRun
	if version != "" {
		send(fmt.Sprintf(initializeLine, version))
	}
	if version != "" && !pipelined {
		if _, err := out.ReadBytes('\n'); err != nil {
			t.Fatal(err)
		}
		send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	}
	go func() {
		for _, l := range lines {
			send(l)
		}
		inW.Close()
	}()
	for {
		b, err := out.ReadBytes('\n')
		if len(b) > 0 {
			r.lines = append(r.lines, string(b))
		}
		if err != nil {
			break
		}
	}
	r.err = <-done
	r.order = slices.Clone(r.lines)
	slices.Sort(r.lines)
	r.sdkCalls = int(sdkCalls.Load())
	return r
}

// compareCalls runs lines through both paths and reports any difference
// in what the client reads; it returns the run through the transport.
func compareCalls(t *testing.T, api, version string, pipelined bool, lines ...string) (got, want callRun) {
	t.Helper()
	got = runCalls(t, api, version, false, pipelined, lines...)
	want = runCalls(t, api, version, true, pipelined, lines...)
	if !slices.Equal(got.lines, want.lines) {
		t.Errorf("answers differ from the MCP SDK's for\n%s\n got %q\nwant %q", strings.Join(lines, "\n"), got.lines, want.lines)
	}
	if (got.err == nil) != (want.err == nil) {
		t.Errorf("Run = %v, the SDK's %v", got.err, want.err)
	}
	return got, want
}

// Every tool call answered by the transport reads, byte for byte, as the
// MCP SDK answers it, in every protocol version the SDK negotiates: results
// (text, structured content, HTML characters, non-ASCII), tool errors,
// invalid arguments, unknown tools, ids of every kind, an id in use, and
// the requests the transport leaves to the SDK.
func TestTransportCallsAnswerAsTheSDK(t *testing.T) {
	api := newEchoAPI(t)
	fast := []string{
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_projects","arguments":{"search":"a b <c> & é","page":2}}}`,
		`{"jsonrpc":"2.0","id":"s-3","method":"tools/call","params":{"name":"list_projects"}}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"arguments":{},"name":"get_project","_meta":{"progressToken":"p1","client/x":12}}}`,
		`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"create_project","arguments":{"name":"<b>x</b> \u00e9 \ud83d\ude00 & y","description":"line\nbreak"}}}`,
		`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"get_project","arguments":{"id":"not a number"}}}`,
		`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"create_project","arguments":{"extra":true}}}`,
		`{"jsonrpc":"2.0","id":9007199254740993,"method":"tools/call","params":{"name":"get_project","arguments":{"id":9}}}`,
		`{"jsonrpc":"2.0","id":-1,"method":"tools/call","params":{"name":"get_project","arguments":{"id":1}}}`,
		`{"jsonrpc":"2.0","id":1.5,"method":"tools/call","params":{"name":"get_project","arguments":{"id":2}}}`,
		` { "jsonrpc" : "2.0" , "id" : 10 , "method" : "tools/call" , "params" : { "name" : "get_project" , "arguments" : { "id" : 3 } } } `,
		`{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"get_project","arguments":{"id":7}}}`,
		`{"jsonrpc":"2.0","id":11,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"list_projects"}}`,
		`{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"get_project","arguments":{"id":7}}}`,
		`{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"get_project","arguments":{"id":7},"_meta":{"x":{}}}}`,
		`{"jsonrpc":"2.0","id":13,"method":"tools/call","params":{"name":"list_projects"},"extra":1}`,
	}
	toSDK := []string{
		`{"jsonrpc":"2.0","id":20,"method":"tools/call"}`,
		`{"jsonrpc":"2.0","id":21,"method":"tools/call","params":{"name":"list_projects","arguments":[1]}}`,
		`{"jsonrpc":"2.0","id":22,"method":"tools/call","params":{"name":"list_projects","arguments":null}}`,
		`{"jsonrpc":"2.0","id":23,"method":"tools/call","params":{"name":5}}`,
		`{"jsonrpc":"2.0","id":24,"method":"tools/call","params":{"name":"list_\u0070rojects"}}`,
		`{"jsonrpc":"2.0","id":25,"method":"tools/call","params":{"Name":"list_projects"}}`,
		`{"jsonrpc":"2.0","id":26,"method":"tools/call","params":{"name":"list_projects","name":"get_project"}}`,
		`{"jsonrpc":"2.0","id":27,"method":"tools/call","params":{"name":"list_projects","requestState":"x"}}`,
		`{"jsonrpc":"2.0","id":28,"method":"tools/call","params":{"name":"list_projects","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}`,
		`{"jsonrpc":"2.0","id":29,"method":"tools/call","params":{"name":"list_projects","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`,
		`{"jsonrpc":"2.0","id":30,"method":"tools/call","params":{"name":"list_projects","_meta":5}}`,
		`{"jsonrpc":"2.0","id":31,"method":"tools/call","params":[]}`,
		`{"jsonrpc":"2.0","method":"tools/call","params":{"name":"list_projects"}}`,
		`{"jsonrpc":"2.0","id":32,"method":"tools/call","params":{"name":"list_projects","arguments":{"search":"` + "\xff" + `"}}}`,
	}
	lines := append(slices.Clone(fast), toSDK...)
	for _, version := range mcp.SupportedProtocolVersions() {
		t.Run(version, func(t *testing.T) {
			got, want := compareCalls(t, api.URL, version, false, lines...)
			// Through the SDK alone, every call with an id not in use
			// reaches its handlers but the 6 it refuses first (missing or
			// undecodable params, an incomplete _meta) and the 2 whose id
			// no answer could repeat (1.5, 2^53+1), refused before either;
			// through the transport, only the other 8 of toSDK.
			if got.sdkCalls != 8 || want.sdkCalls != 12+8 {
				t.Errorf("%d and %d calls reached the MCP server's handlers, want 8 and 20", got.sdkCalls, want.sdkCalls)
			}
			if len(got.lines) != len(lines)-4 { // the notification and 3 ids in use are not answered
				t.Errorf("%d answers to %d lines", len(got.lines), len(lines))
			}
		})
	}
}

// A call before initialize, or pipelined behind it, is the SDK's to
// answer, as before the transport answered calls.
func TestTransportCallsWaitForInitialize(t *testing.T) {
	api := newEchoAPI(t)
	call := `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_projects"}}`
	for _, pipelined := range []bool{false, true} {
		got, _ := compareCalls(t, api.URL, "2025-06-18", pipelined, call)
		if pipelined && (len(got.order) != 2 || !strings.HasPrefix(got.order[0], `{"jsonrpc":"2.0","id":1,"result":{"capabilities"`)) {
			t.Errorf("pipelined: answers %q, want initialize's first", got.order)
		}
	}
	// Before initialize: the SDK refuses it.
	got, _ := compareCalls(t, api.URL, "", false, call)
	if got.sdkCalls != 0 || len(got.lines) != 1 || !strings.Contains(got.lines[0], "invalid during session initialization") {
		t.Errorf("a call before initialize: %q, %d calls reached the MCP server's handlers", got.lines, got.sdkCalls)
	}
}

// startLive serves f over a StdioTransport on pipes (its output copied to
// out too, when set) and initializes the session.
func startLive(t *testing.T, f *Front, sdk bool, out io.Writer) *session {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	l := &session{in: inW, out: bufio.NewReader(outR), done: make(chan error, 1)}
	var w io.Writer = outW
	if out != nil {
		w = io.MultiWriter(out, outW)
	}
	go func() {
		err := f.Run(context.Background(), &StdioTransport{In: inR, Out: w, Drain: 2 * time.Second, sdkCalls: sdk})
		outW.Close()
		l.done <- err
	}()
	t.Cleanup(func() { inW.Close(); outR.Close() })
	l.send(t, fmt.Sprintf(initializeLine, "2025-11-25"))
	l.next(t)
	l.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return l
}

// next is the next line written that is not a notification.
func (l *session) next(t *testing.T) string {
	t.Helper()
	for {
		b, err := l.out.ReadBytes('\n')
		if err != nil {
			t.Fatalf("no answer: %v", err)
		}
		if !strings.Contains(string(b), `"method":"notifications/`) {
			return string(b)
		}
	}
}

// rest is every line written until the session ends.
func (l *session) rest(t *testing.T) string {
	t.Helper()
	b, _ := io.ReadAll(l.out)
	select {
	case <-l.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the session did not end")
	}
	return string(b)
}

// notifications/cancelled cancels a running call (the API sees its
// request cancelled) and its answer is not sent, through the transport as
// through the SDK.
func TestTransportCallsAreCancelled(t *testing.T) {
	api := newEchoAPI(t)
	api.block.Store(true)
	for _, sdk := range []bool{false, true} {
		t.Run(fmt.Sprintf("sdk=%v", sdk), func(t *testing.T) {
			s, err := New(Config{API: projectsAPI(), Client: client.New(client.Options{BaseURL: api.URL})})
			if err != nil {
				t.Fatal(err)
			}
			before := api.cancelled.Load()
			l := startLive(t, s.Front(), sdk, nil)
			l.send(t, `{"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"get_project","arguments":{"id":8}}}`)
			select {
			case <-api.reached:
			case <-time.After(5 * time.Second):
				t.Fatal("the call never reached the API")
			}
			l.send(t, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c","reason":"user"}}`)
			deadline := time.Now().Add(5 * time.Second)
			for api.cancelled.Load() == before && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if api.cancelled.Load() == before {
				t.Fatal("the API request was not cancelled")
			}
			l.send(t, `{"jsonrpc":"2.0","id":2,"method":"ping"}`)
			if a := l.next(t); !strings.HasPrefix(a, `{"jsonrpc":"2.0","id":2,"result"`) {
				t.Errorf("answer = %s, want the ping's", a)
			}
			// The id is free again once the call ended.
			l.send(t, `{"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"get_project","arguments":{"id":1}}}`)
			if a := l.next(t); !strings.HasPrefix(a, `{"jsonrpc":"2.0","id":"c","result":{"content":[{"type":"text","text":"project 1"}]}}`) {
				t.Errorf("answer = %s, want project 1's", a)
			}
			l.in.Close()
			if rest := l.rest(t); rest != "" {
				t.Errorf("after the end of the input: %s", rest)
			}
		})
	}
}

// Calls go to the tools served now: after Replace, a new tool is called
// and an old one is unknown.
func TestTransportCallsFollowReplace(t *testing.T) {
	api := newEchoAPI(t)
	newServer := func(prefix string) *Server {
		s, err := New(Config{API: projectsAPI(), Prefix: prefix, Client: client.New(client.Options{BaseURL: api.URL})})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, sdk := range []bool{false, true} {
		t.Run(fmt.Sprintf("sdk=%v", sdk), func(t *testing.T) {
			a, b := newServer(""), newServer("b")
			f := NewFront("restmcp", "1", a.Prepared(), func() (*Server, error) { return a, nil })
			l := startLive(t, f, sdk, nil)
			l.send(t, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_project","arguments":{"id":1}}}`)
			if got := l.next(t); !strings.Contains(got, `"project 1"`) {
				t.Errorf("before Replace: %s", got)
			}
			f.Replace(b.Prepared(), func() (*Server, error) { return b, nil })
			l.send(t, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"b_get_project","arguments":{"id":2}}}`)
			if got := l.next(t); !strings.Contains(got, `"project 2"`) {
				t.Errorf("a new tool after Replace: %s", got)
			}
			l.send(t, `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_project","arguments":{"id":1}}}`)
			if got, want := l.next(t), `{"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"unknown tool \"get_project\": did you mean b_get_project?"}}`+"\n"; got != want {
				t.Errorf("an old tool after Replace: %s, want %s", got, want)
			}
		})
	}
}

// failAfter passes n writes on, then fails every one.
type failAfter struct {
	mu sync.Mutex
	n  int
}

func (f *failAfter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 {
		return 0, errors.New("stdout is gone")
	}
	f.n--
	return len(p), nil
}

// When an answer cannot be written, the session ends with that error,
// though the input is still open, through the transport as through the
// SDK.
func TestTransportCallsEndTheSessionWhenOutputFails(t *testing.T) {
	api := newEchoAPI(t)
	for _, sdk := range []bool{false, true} {
		t.Run(fmt.Sprintf("sdk=%v", sdk), func(t *testing.T) {
			s, err := New(Config{API: projectsAPI(), Client: client.New(client.Options{BaseURL: api.URL})})
			if err != nil {
				t.Fatal(err)
			}
			l := startLive(t, s.Front(), sdk, &failAfter{n: 1})
			l.send(t, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_projects"}}`)
			select {
			case err := <-l.done:
				if err == nil || !strings.Contains(err.Error(), "stdout is gone") {
					t.Errorf("Run = %v, want the write error", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the session did not end")
			}
		})
	}
}

// FuzzTransportCall checks that whatever one request line holds, the
// client reads the same answer through the transport as through the SDK.
func FuzzTransportCall(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_projects","arguments":{"search":"a b","page":2}}}`,
		`{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"create_project","arguments":{"name":"<é>\u2028"},"_meta":{"progressToken":5}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_project","arguments":{"id":1.0}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_project","arguments":{"id":1e0}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"nope"}}`,
		`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"list_projects","_meta":{"io.modelcontextprotocol/protocolVersion":"2025-06-18"}}}`,
		`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"list_projects","arguments":{"page":"1"},"arguments":{}}}`,
		`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"list_projects","arguments":{"include[]":["a",1,null]}}}`,
		`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"create_project","arguments":{"name":"x","id":12345678901234567890}}}`,
		`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"list_projects","_meta":{"progressToken":-12,"k":"v"}}}`,
	} {
		f.Add(seed)
	}
	api := newEchoAPI(f)
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\n\r") || len(line) > 4096 {
			return // one line
		}
		got := runCalls(t, api.URL, "2025-06-18", false, false, line)
		want := runCalls(t, api.URL, "2025-06-18", true, false, line)
		if !slices.Equal(got.lines, want.lines) {
			t.Errorf("%s:\n got %q\nwant %q", line, got.lines, want.lines)
		}
	})
}

// FuzzEncodeCallResult checks that a result encoded directly is, byte for
// byte, what the SDK's encoding makes of it.
func FuzzEncodeCallResult(f *testing.F) {
	f.Add("plain", "", "", false, false)
	f.Add(`{"a":"<b>&amp;</b> é \u2028"}`, "note \u2029 <x>", `{"a": "<b>&amp;</b>" , "n":1e3}`, true, true)
	f.Add("bad \xff utf-8 \x00 \t", "", `[1, 2]`, false, true)
	f.Add("", "", `not json`, true, true)
	f.Add("", "", ``, false, true)
	f.Fuzz(func(t *testing.T, text, note, structured string, isError, withStructured bool) {
		res := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}, IsError: isError}
		if note != "" {
			res.Content = append(res.Content, &mcp.TextContent{Text: note})
		}
		if withStructured {
			res.StructuredContent = json.RawMessage(structured)
		}
		want, wantErr := encodeJSON(res)
		got, err := encodeCallResult(res)
		if (err == nil) != (wantErr == nil) || string(got) != string(want) {
			t.Errorf("encodeCallResult = %s, %v\nencodeJSON       = %s, %v", got, err, want, wantErr)
		}
	})
}

// Results of other shapes are encoded as the SDK encodes them.
func TestEncodeCallResultOtherShapes(t *testing.T) {
	for _, res := range []*mcp.CallToolResult{
		{},
		{Content: []mcp.Content{}},
		{Content: []mcp.Content{&mcp.ImageContent{Data: []byte("x"), MIMEType: "image/png"}}},
		{Content: []mcp.Content{&mcp.TextContent{Text: "a", Meta: mcp.Meta{"k": 1}}}},
		{Content: []mcp.Content{&mcp.TextContent{Text: "a", Annotations: &mcp.Annotations{Priority: 1}}}},
		{Meta: mcp.Meta{"k": "v"}, Content: []mcp.Content{&mcp.TextContent{Text: "a"}}},
		{Content: []mcp.Content{&mcp.TextContent{Text: "a"}}, StructuredContent: map[string]any{"<": 1}},
		{Content: []mcp.Content{&mcp.TextContent{Text: "a"}}, StructuredContent: json.RawMessage(nil)},
		{Content: []mcp.Content{&mcp.TextContent{Text: "a"}}, RequestState: "s"},
	} {
		want, wantErr := encodeJSON(res)
		got, err := encodeCallResult(res)
		if (err == nil) != (wantErr == nil) || string(got) != string(want) {
			t.Errorf("encodeCallResult = %s, %v\nencodeJSON       = %s, %v", got, err, want, wantErr)
		}
	}
}

// BenchmarkEncodeCallResult encodes the result of a 20 kB JSON answer
// (text and structured content): directly, and as the SDK encodes it.
func BenchmarkEncodeCallResult(b *testing.B) {
	text := `{"results":[` + strings.Repeat(`{"id":1,"name":"project <number> 1","tags":["a","b"]},`, 400) + `{}]}`
	res := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}, StructuredContent: json.RawMessage(text)}
	for _, c := range []struct {
		name   string
		encode func(*mcp.CallToolResult) (json.RawMessage, error)
	}{{"direct", encodeCallResult}, {"sdk", func(r *mcp.CallToolResult) (json.RawMessage, error) { return encodeJSON(r) }}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.encode(res); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
