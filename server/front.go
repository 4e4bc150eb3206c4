package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Prepared is what a server answers before its first tool call: the parts
// of the initialize answer and the tools/list result, encoded once. It is
// what the compiled description cache keeps, so that a server can start
// without loading its description.
type Prepared struct {
	Title        string   `json:"title,omitempty"`
	Instructions string   `json:"instructions"`
	Names        []string `json:"names"` // the listed tools, sorted
	// List is the tools/list result as sent (all tools, one page).
	List json.RawMessage `json:"-"`
}

// Prepared returns the server's prepared answers; the tools/list result
// is encoded on first use.
func (s *Server) Prepared() *Prepared {
	s.prepOnce.Do(func() {
		names := make([]string, len(s.list))
		for i, t := range s.list {
			names[i] = t.Name
		}
		list, err := EncodeList(s.list)
		if err != nil { // a schema that does not encode was refused by New
			panic(err)
		}
		s.prep = &Prepared{Title: s.cfg.API.Title, Instructions: s.instructions, Names: names, List: list}
	})
	return s.prep
}

// listPageSize is how many tools one tools/list answer holds, as the MCP
// SDK pages.
const listPageSize = mcp.DefaultPageSize

// EncodeList encodes the tools/list result for tools (sorted by name)
// exactly as the MCP SDK sends it.
func EncodeList(tools []*mcp.Tool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if tools == nil {
		tools = []*mcp.Tool{}
	}
	if err := enc.Encode(listResult(tools, "")); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func listResult(tools []*mcp.Tool, next string) *mcp.ListToolsResult {
	return &mcp.ListToolsResult{Cacheable: mcp.Cacheable{CacheScope: "public"}, NextCursor: next, Tools: tools}
}

// Front serves MCP for a server that may not be built yet: initialize and
// tools/list are answered from Prepared, and the first tool call builds
// the server. Replace swaps in other tools and tells the clients
// (notifications/tools/list_changed).
type Front struct {
	name, version string
	mcp           *mcp.Server
	mu            sync.Mutex // serializes Replace
	cur           atomic.Pointer[generation]
}

// generation is one set of tools: its prepared answers and the server
// behind them.
type generation struct {
	prep  *Prepared
	build func() (*Server, error)

	once sync.Once
	srv  *Server
	err  error

	toolsOnce sync.Once
	tools     []*mcp.Tool
	toolsErr  error
}

// server returns the generation's server, building it on first use.
func (g *generation) server() (*Server, error) {
	g.once.Do(func() {
		if g.srv == nil {
			g.srv, g.err = g.build()
		}
	})
	return g.srv, g.err
}

// listed returns the tools decoded from the prepared list (or the built
// server's), for answers that do not send the prepared bytes.
func (g *generation) listed() ([]*mcp.Tool, error) {
	g.toolsOnce.Do(func() {
		if g.srv != nil {
			g.tools = g.srv.list
			return
		}
		var res struct {
			Tools []*rawTool `json:"tools"`
		}
		if g.toolsErr = json.Unmarshal(g.prep.List, &res); g.toolsErr != nil {
			return
		}
		g.tools = make([]*mcp.Tool, len(res.Tools))
		for i, t := range res.Tools {
			t.Tool.InputSchema = t.InputSchema
			g.tools[i] = &t.Tool
		}
	})
	return g.tools, g.toolsErr
}

// rawTool keeps a decoded tool's input schema as it was encoded.
type rawTool struct {
	mcp.Tool
	InputSchema json.RawMessage `json:"inputSchema"`
}

// anyObject is the schema tools are registered with in the MCP SDK: tools/list
// is answered from the prepared tools and calls are validated by Server.Call,
// so the SDK need not decode every schema.
var anyObject = json.RawMessage(`{"type":"object"}`)

// NewFront serves prep; build makes the server on the first tool call.
func NewFront(name, version string, prep *Prepared, build func() (*Server, error)) *Front {
	f := &Front{name: name, version: version}
	f.mcp = mcp.NewServer(&mcp.Implementation{Name: name, Title: prep.Title, Version: version},
		&mcp.ServerOptions{Instructions: prep.Instructions, HasTools: true})
	f.mcp.AddReceivingMiddleware(f.listMiddleware)
	f.cur.Store(&generation{prep: prep, build: build})
	f.register(nil, prep.Names)
	return f
}

// front serves the built server s.
func (s *Server) front() *Front {
	s.frontOnce.Do(func() {
		s.fr = NewFront(s.cfg.Name, s.cfg.Version, s.Prepared(), func() (*Server, error) { return s, nil })
	})
	return s.fr
}

// register makes the MCP SDK dispatch calls of names (and no longer of
// the old names that are gone).
func (f *Front) register(old, names []string) {
	var gone []string
	for _, n := range old {
		if _, found := slices.BinarySearch(names, n); !found {
			gone = append(gone, n)
		}
	}
	if len(gone) > 0 {
		f.mcp.RemoveTools(gone...)
	}
	for _, n := range names {
		f.mcp.AddTool(&mcp.Tool{Name: n, InputSchema: anyObject}, f.handle)
	}
}

func (f *Front) handle(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	srv, err := f.cur.Load().server()
	if err != nil {
		res := &mcp.CallToolResult{IsError: true}
		res.Content = []mcp.Content{&mcp.TextContent{Text: "the tools could not be prepared: " + err.Error()}}
		return res, nil
	}
	return srv.Call(ctx, req.Params.Name, req.Params.Arguments)
}

// Replace serves other tools from now on: calls already running finish
// with the old server, and every client is sent
// notifications/tools/list_changed.
func (f *Front) Replace(prep *Prepared, build func() (*Server, error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	old := f.cur.Swap(&generation{prep: prep, build: build})
	f.register(old.prep.Names, prep.Names)
}

// Server returns the server behind the tools served now, building it if
// no call has yet.
func (f *Front) Server() (*Server, error) { return f.cur.Load().server() }

// MCPServer returns the MCP server, for transports other than Run's.
func (f *Front) MCPServer() *mcp.Server { return f.mcp }

// Run serves MCP on t until the client disconnects or ctx is done. On a
// StdioTransport, tools/list is answered with the prepared bytes.
func (f *Front) Run(ctx context.Context, t mcp.Transport) error {
	if st, ok := t.(*StdioTransport); ok {
		c := *st
		c.list = func() []byte {
			if p := f.cur.Load().prep; len(p.Names) <= listPageSize {
				return p.List
			}
			return nil // paged by listMiddleware
		}
		t = &c
	}
	return f.mcp.Run(ctx, t)
}

// listMiddleware answers tools/list from the prepared tools, paged as
// the MCP SDK pages.
func (f *Front) listMiddleware(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		if method != "tools/list" {
			return next(ctx, method, req)
		}
		tools, err := f.cur.Load().listed()
		if err != nil {
			return nil, fmt.Errorf("listing the tools: %w", err)
		}
		var cursor string
		if lr, ok := req.(*mcp.ListToolsRequest); ok && lr.Params != nil {
			cursor = lr.Params.Cursor
		}
		start := 0
		if cursor != "" {
			last, err := base64.RawURLEncoding.DecodeString(cursor)
			if err != nil {
				return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "invalid cursor"}
			}
			start = sort.Search(len(tools), func(i int) bool { return tools[i].Name > string(last) })
		}
		end := min(len(tools), start+listPageSize)
		next := ""
		if end < len(tools) {
			next = base64.RawURLEncoding.EncodeToString([]byte(tools[end-1].Name))
		}
		page := make([]*mcp.Tool, 0, end-start)
		return listResult(append(page, tools[start:end]...), next), nil
	}
}
