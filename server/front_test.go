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
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// stdioLines runs serve over a StdioTransport, sends lines (after
// initialize) and returns the answer line of each request.
func stdioLines(t *testing.T, serve func(context.Context, mcp.Transport) error, lines ...string) []string {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- serve(context.Background(), &StdioTransport{In: inR, Out: outW}) }()
	t.Cleanup(func() { inW.Close(); outR.Close(); <-done })
	out := bufio.NewReaderSize(outR, 1<<20)
	send := func(line string) {
		if _, err := io.WriteString(inW, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	read := func() string {
		b, err := out.ReadBytes('\n')
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	answers := []string{read()}
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	for _, l := range lines {
		send(l)
		answers = append(answers, read())
	}
	return answers
}

// The prepared tools/list answer on stdio is byte for byte what the MCP
// SDK sends for the same tools registered the usual way.
func TestPreparedListIsWhatTheSDKSends(t *testing.T) {
	for _, fixture := range []string{"drf", "schema", "naming", "limits"} {
		t.Run(fixture, func(t *testing.T) {
			s, _, _ := fixtureServer(t, fixture, Config{})
			// Some description text with HTML characters, which encoders may escape.
			s.list[0].Description += " <b>&amp;</b>"
			plain := mcp.NewServer(&mcp.Implementation{Name: "restmcp", Title: s.cfg.API.Title}, &mcp.ServerOptions{Instructions: s.instructions,
				Capabilities: &mcp.ServerCapabilities{Tools: &mcp.ToolCapabilities{ListChanged: true}}})
			for _, tool := range s.list {
				plain.AddTool(tool, func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) { return nil, nil })
			}
			for _, list := range []string{
				`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
				`{"jsonrpc":"2.0","id":"x","method":"tools/list","params":{}}`,
				`{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":{"progressToken":1}}}`,
			} {
				want := stdioLines(t, plain.Run, list)
				got := stdioLines(t, s.Run, list)
				if got[1] != want[1] {
					t.Errorf("%s: tools/list differs:\n got %.300s\nwant %.300s", list, got[1], want[1])
				}
				if got[0] != want[0] {
					t.Errorf("initialize differs:\n got %s\nwant %s", got[0], want[0])
				}
			}
		})
	}
}

// Through other transports (and with a cursor) tools/list comes from the
// same tools, paged.
func TestFrontListsThroughTheSDK(t *testing.T) {
	s, _, _ := fixtureServer(t, "drf", Config{})
	cs := connect(t, s)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(res.Tools)
	want, _ := json.Marshal(s.Tools())
	if string(got) != string(want) {
		t.Errorf("listed tools differ:\n got %.300s\nwant %.300s", got, want)
	}
	if res.NextCursor != "" {
		t.Errorf("one page expected, got cursor %q", res.NextCursor)
	}
}

// More tools than a page: the listing is paged and every tool is listed once.
func TestFrontPagesLongLists(t *testing.T) {
	var tools []*mcp.Tool
	for i := range listPageSize + 5 {
		tools = append(tools, &mcp.Tool{Name: fmt.Sprintf("t%04d", i), InputSchema: json.RawMessage(`{"type":"object"}`)})
	}
	list, err := EncodeList(tools)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(tools))
	for i, tl := range tools {
		names[i] = tl.Name
	}
	f := NewFront("x", "1", &Prepared{Names: names, List: list}, nil)
	ctx := t.Context()
	cs := connectFront(t, f, mcp.NewClient(&mcp.Implementation{Name: "c"}, nil))
	var seen []string
	for tl, err := range cs.Tools(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, tl.Name)
	}
	if strings.Join(seen, ",") != strings.Join(names, ",") {
		t.Errorf("listed %d tools, want %d", len(seen), len(names))
	}
	// Over stdio the long list is paged too.
	got := stdioLines(t, f.Run, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	if !strings.Contains(got[1], `"nextCursor"`) {
		t.Errorf("first page of %d tools has no cursor", len(names))
	}
}

// Replace swaps the tools and the client hears of it.
func TestFrontReplaceNotifiesClients(t *testing.T) {
	a, _, _ := fixtureServer(t, "drf", Config{})
	b, _, _ := fixtureServer(t, "methods", Config{})
	f := NewFront("x", "1", a.Prepared(), func() (*Server, error) { return a, nil })
	changed := make(chan struct{}, 4)
	c := mcp.NewClient(&mcp.Implementation{Name: "c"}, &mcp.ClientOptions{
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) { changed <- struct{}{} },
	})
	ctx := t.Context()
	cs := connectFront(t, f, c)
	f.Replace(b.Prepared(), func() (*Server, error) { return b, nil })
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("no notifications/tools/list_changed")
	}
	res, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tools) != len(b.Tools()) || res.Tools[0].Name != b.Tools()[0].Name {
		t.Errorf("after Replace, listed %d tools, want %d", len(res.Tools), len(b.Tools()))
	}
	// A tool of the old list only is gone; one of the new list is called.
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: a.Tools()[0].Name}); err == nil && !hasName(b, a.Tools()[0].Name) {
		t.Errorf("%s still callable after Replace", a.Tools()[0].Name)
	}
}

func hasName(s *Server, name string) bool { _, ok := s.Tool(name); return ok }

// A list read on first use (Prepared.ReadList) is not read to answer
// initialize; read, it is what tools/list sends, over stdio and through the
// SDK; when it cannot be read, the built server's list is sent instead.
func TestFrontReadsTheListWhenNeeded(t *testing.T) {
	s, _, _ := fixtureServer(t, "drf", Config{})
	want := stdioLines(t, s.Run, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprintf("unreadable=%v", fail), func(t *testing.T) {
			var reads, builds atomic.Int32
			prep := *s.Prepared()
			prep.List = nil
			prep.ReadList = func() ([]byte, error) {
				reads.Add(1)
				if fail {
					return nil, errors.New("a section does not match its checksum")
				}
				return s.Prepared().List, nil
			}
			f := NewFront("restmcp", "", &prep, func() (*Server, error) { builds.Add(1); return s, nil })
			got := stdioLines(t, f.Run)
			if got[0] != want[0] || reads.Load() != 0 {
				t.Errorf("initialize read the list (%d reads) or differs:\n got %s\nwant %s", reads.Load(), got[0], want[0])
			}
			got = stdioLines(t, f.Run, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
			if got[1] != want[1] {
				t.Errorf("tools/list differs:\n got %.300s\nwant %.300s", got[1], want[1])
			}
			cs := connectFront(t, f, mcp.NewClient(&mcp.Implementation{Name: "c"}, nil))
			res, err := cs.ListTools(t.Context(), &mcp.ListToolsParams{})
			if err != nil || len(res.Tools) != len(s.Tools()) {
				t.Fatalf("listed through the SDK: %v, %v", res, err)
			}
			if reads.Load() != 1 || fail != (builds.Load() == 1) {
				t.Errorf("%d reads, %d builds", reads.Load(), builds.Load())
			}
		})
	}
}

// A server that cannot be built makes each call a tool error.
func TestFrontBuildErrorIsAToolError(t *testing.T) {
	f := NewFront("x", "1", &Prepared{Names: []string{"a"}, List: json.RawMessage(`{"tools":[]}`)},
		func() (*Server, error) { return nil, fmt.Errorf("boom") })
	ctx := t.Context()
	cs := connectFront(t, f, mcp.NewClient(&mcp.Implementation{Name: "c"}, nil))
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "a"})
	if err != nil || !res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, "boom") {
		t.Errorf("got %+v, %v", res, err)
	}
}

// A client that writes tools/list right behind initialize, without waiting,
// gets initialize's answer first: the prepared listing never overtakes it.
func TestPipelinedListComesAfterInitialize(t *testing.T) {
	s, _, _ := fixtureServer(t, "drf", Config{})
	for range 20 {
		in := strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/list"}
`)
		var out lockedBuffer
		if err := s.Run(context.Background(), &StdioTransport{In: in, Out: &out}); err != nil && err != io.EOF {
			t.Fatal(err)
		}
		out.mu.Lock()
		text := out.buf.String()
		out.mu.Unlock()
		lines := strings.Split(strings.TrimSpace(text), "\n")
		if len(lines) != 2 || !strings.Contains(lines[0], `"id":1,`) || !strings.Contains(lines[1], `"id":2,`) {
			t.Fatalf("answers out of order or missing:\n%.400s", text)
		}
	}
}

// connectFront serves f over an in-memory transport for the test's life
// and connects c to it.
func connectFront(t *testing.T, f *Front, c *mcp.Client) *mcp.ClientSession {
	t.Helper()
	ct, st := mcp.NewInMemoryTransports()
	go f.Run(t.Context(), st)
	cs, err := c.Connect(t.Context(), ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// Over Streamable HTTP (stateless, JSON answers, as serve --http runs it),
// tools/list is answered from the prepared bytes through the middleware:
// the body is byte for byte what the MCP SDK sends for the same tools.
func TestPreparedListOverHTTPIsWhatTheSDKSends(t *testing.T) {
	s, _, _ := fixtureServer(t, "drf", Config{})
	s.list[0].Description += " <b>&amp;</b>"
	plain := mcp.NewServer(&mcp.Implementation{Name: "restmcp", Title: s.cfg.API.Title}, &mcp.ServerOptions{Instructions: s.instructions})
	for _, tool := range s.list {
		plain.AddTool(tool, func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) { return nil, nil })
	}
	post := func(ms *mcp.Server, body, version string) (int, string) {
		t.Helper()
		h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return ms }, &mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true})
		req := httptest.NewRequest("POST", "http://127.0.0.1/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if version != "" {
			req.Header.Set("Mcp-Protocol-Version", version)
		}
		if strings.Contains(body, "protocolVersion") {
			req.Header.Set("Mcp-Method", "tools/list")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code, w.Body.String()
	}
	for _, version := range []string{"", "2025-06-18", "2025-11-25", "2026-07-28"} {
		for _, body := range []string{
			// A protocol version given per request: the SDK adds resultType
			// and its server info to the result.
			`{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`,
			`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
			`{"jsonrpc":"2.0","id":"x","method":"tools/list","params":{"_meta":{"progressToken":1}}}`,
		} {
			if (version == "2026-07-28") != strings.Contains(body, "protocolVersion") {
				continue // a version per request goes with its header
			}
			wantCode, want := post(plain, body, version)
			gotCode, got := post(s.MCPServer(), body, version)
			if gotCode != wantCode || got != want {
				t.Errorf("%s (version %q): tools/list differs:\n got %d %.300s\nwant %d %.300s", body, version, gotCode, got, wantCode, want)
			}
			if wantCode != http.StatusOK || !strings.Contains(want, `"tools":[`) {
				t.Errorf("%s (version %q): the SDK answered %d %.300s", body, version, wantCode, want)
			}
		}
	}
}

// EncodeList puts the tools encoded one by one (on every core) together:
// the bytes are those of the whole result encoded at once.
func TestEncodeListIsTheResultEncoded(t *testing.T) {
	var tools []*mcp.Tool
	for i := range 3 * parallelMin {
		tools = append(tools, &mcp.Tool{Name: fmt.Sprintf("t%03d", i), Description: "<b>&</b>", InputSchema: json.RawMessage(fmt.Sprintf(`{"type": "object", "maxProperties": %d}`, i))})
	}
	for _, tools := range [][]*mcp.Tool{nil, {}, tools[:1], tools} {
		all := tools
		if all == nil {
			all = []*mcp.Tool{}
		}
		want, err := encodeJSON(listResult(all, ""))
		if err != nil {
			t.Fatal(err)
		}
		got, err := EncodeList(tools)
		if err != nil || string(got) != string(want) {
			t.Errorf("%d tools: EncodeList = %.200s, %v\nwant %.200s", len(tools), got, err, want)
		}
	}
}
