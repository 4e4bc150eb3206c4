package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
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
	// ReadList, when List is nil, reads it when it is first needed (a
	// cache entry's section, not read before initialize is answered). An
	// error means the bytes cannot be served: the server is built (Front's
	// build) and its own list served instead.
	ReadList func() ([]byte, error) `json:"-"`
}

// Prepared returns the server's prepared answers, the tools/list result
// encoded on the first call.
func (s *Server) Prepared() *Prepared {
	s.prepOnce.Do(func() {
		list, err := EncodeList(s.list)
		if err != nil { // a schema that does not encode was refused by New
			panic(err)
		}
		p := s.head()
		p.List = list
		s.prep = p
	})
	return s.prep
}

// head is Prepared without the tools/list result.
func (s *Server) head() *Prepared {
	names := make([]string, len(s.list))
	for i, t := range s.list {
		names[i] = t.Name
	}
	return &Prepared{Title: s.cfg.API.Title, Instructions: s.instructions, Names: names}
}

// listPageSize is how many tools one tools/list answer holds, as the MCP
// SDK pages.
const listPageSize = mcp.DefaultPageSize

// EncodeList encodes the tools/list result for tools (sorted by name)
// exactly as the MCP SDK sends it.
//
// Each tool is encoded on its own, on every core, and the result put
// together in one buffer of its final size: encoded whole, the answer (half
// a megabyte for hundreds of tools) was copied each time a buffer grew.
func EncodeList(tools []*mcp.Tool) ([]byte, error) {
	empty, err := encodeJSON(listResult([]*mcp.Tool{}, ""))
	if err != nil {
		return nil, err
	}
	at := bytes.Index(empty, []byte(`"tools":[]`))
	if at < 0 {
		return nil, fmt.Errorf("tools/list result without its tools: %s", empty)
	}
	at += len(`"tools":[`)
	parts := make([][]byte, len(tools))
	errs := make([]error, len(tools))
	parallel(len(tools), func(i int) { parts[i], errs[i] = encodeJSON(tools[i]) })
	size := len(empty) + len(tools)
	for i, p := range parts {
		if errs[i] != nil {
			return nil, errs[i]
		}
		size += len(p)
	}
	out := make([]byte, 0, size)
	out = append(out, empty[:at]...)
	for i, p := range parts {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, p...)
	}
	return append(out, empty[at:]...), nil
}

func listResult(tools []*mcp.Tool, next string) *mcp.ListToolsResult {
	return &mcp.ListToolsResult{Cacheable: mcp.Cacheable{CacheScope: "public"}, NextCursor: next, Tools: tools}
}

// Front serves MCP for a server that may not be built yet: initialize and
// tools/list are answered from Prepared, and the first tool call builds
// the server. Tools are listed and called through a middleware of the MCP
// SDK's server, not registered one by one: registering decodes each
// schema again, the largest cost of starting with hundreds of tools. Replace swaps in other tools and tells the clients
// (notifications/tools/list_changed).
type Front struct {
	name, version string
	mcp           *mcp.Server
	mu            sync.Mutex // serializes Replace
	cur           atomic.Pointer[generation]

	initOnce    sync.Once
	initialized chan struct{}
}

// generation is one set of tools: its prepared answers and the server
// behind them.
type generation struct {
	prep  *Prepared
	build func() (*Server, error)
	// built, when set, is the server already built: its tools are listed
	// and its list encoded from it.
	built *Server

	once  sync.Once
	srv   *Server
	err   error
	ready atomic.Pointer[Server] // srv, once built

	listOnce  sync.Once
	listBytes []byte // nil when they cannot be read

	toolsOnce sync.Once
	tools     []*mcp.Tool
	toolsErr  error
}

// list is the encoded tools/list result, nil when it cannot be had (see
// encodedList).
func (g *generation) list() []byte {
	b, _ := g.encodedList()
	return b
}

// readList returns the prepared tools/list bytes, read on first use when
// they are not in memory; nil when they cannot be read. It never builds
// the tools: the stdio transport calls it on the goroutine reading the
// input.
func (g *generation) readList() []byte {
	g.listOnce.Do(func() {
		switch {
		case g.prep.List != nil:
			g.listBytes = g.prep.List
		case g.built != nil:
			g.listBytes = g.built.Prepared().List
		case g.prep.ReadList != nil:
			if b, err := g.prep.ReadList(); err == nil && json.Valid(b) {
				g.listBytes = b
			}
		}
	})
	return g.listBytes
}

// encodedList is the encoded tools/list result: the prepared bytes, or,
// when they cannot be read, the built server's.
func (g *generation) encodedList() ([]byte, error) {
	if b := g.readList(); b != nil {
		return b, nil
	}
	if g.prep.ReadList == nil {
		return nil, errors.New("no tools/list result prepared")
	}
	srv, err := g.server()
	if err != nil {
		return nil, err
	}
	return srv.Prepared().List, nil
}

// server returns the generation's server, building it on first use.
func (g *generation) server() (*Server, error) {
	g.once.Do(func() {
		if g.srv = g.built; g.srv == nil {
			g.srv, g.err = g.build()
		}
		g.ready.Store(g.srv)
	})
	return g.srv, g.err
}

// listed returns the tools decoded from the prepared list (or the built
// server's), for answers that do not send the prepared bytes.
func (g *generation) listed() ([]*mcp.Tool, error) {
	g.toolsOnce.Do(func() {
		if g.built != nil {
			g.tools = g.built.list
			return
		}
		list, err := g.encodedList()
		if err != nil {
			g.toolsErr = err
			return
		}
		var res struct {
			Tools []*rawTool `json:"tools"`
		}
		if g.toolsErr = json.Unmarshal(list, &res); g.toolsErr != nil {
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

// changedMarker is a tool added to and removed from the MCP SDK's own
// (otherwise empty) list at once: the SDK then sends
// notifications/tools/list_changed to every session. Tools are listed and
// called through Front's middleware, so no client ever sees it.
var changedMarker = &mcp.Tool{Name: "tools-changed", InputSchema: &jsonschema.Schema{Type: "object"}}

// NewFront serves prep; build makes the server on the first tool call.
func NewFront(name, version string, prep *Prepared, build func() (*Server, error)) *Front {
	return newFront(name, version, &generation{prep: prep, build: build}, true)
}

// newFront serves g; announce says whether initialize declares that the
// tools may change (tools.listChanged), which only a transport whose
// sessions outlive a request can tell a client of.
func newFront(name, version string, g *generation, announce bool) *Front {
	f := &Front{name: name, version: version, initialized: make(chan struct{})}
	f.mcp = mcp.NewServer(&mcp.Implementation{Name: name, Title: g.prep.Title, Version: version},
		// Tools only: no log messages are sent, and there are no
		// resources or prompts to list.
		&mcp.ServerOptions{Instructions: g.prep.Instructions, HasTools: true,
			Capabilities:       &mcp.ServerCapabilities{Tools: &mcp.ToolCapabilities{ListChanged: announce}},
			InitializedHandler: func(context.Context, *mcp.InitializedRequest) { f.markInitialized() }})
	f.mcp.AddReceivingMiddleware(f.middleware)
	f.cur.Store(g)
	return f
}

// Front is the Front serving s; the tools/list result is encoded when it
// is first asked for, not before initialize is answered.
func (s *Server) Front() *Front {
	s.frontOnce.Do(func() { s.fr = s.makeFront(true) })
	return s.fr
}

// StatelessFront is the Front serving s over stateless Streamable HTTP.
// There no session outlives its request, and s's tools are never
// replaced, so no client would ever hear notifications/tools/list_changed:
// initialize (and server/discover) declare the tools without listChanged.
// A client lists them when it wants them (after a restart with a changed
// description, the new ones), and a subscriptions/listen stream is not
// held open for changes that never come.
func (s *Server) StatelessFront() *Front {
	s.statelessOnce.Do(func() { s.stateless = s.makeFront(false) })
	return s.stateless
}

func (s *Server) makeFront(announce bool) *Front {
	g := &generation{prep: s.head(), built: s}
	g.ready.Store(s)
	return newFront(s.cfg.Name, s.cfg.Version, g, announce)
}

// call answers tools/call as the MCP SDK would for a registered tool,
// with the tools served now.
func (f *Front) call(ctx context.Context, name string, args json.RawMessage) (*mcp.CallToolResult, error) {
	if d, ok := ctx.Value(callDeadline{}).(time.Time); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d)
		defer cancel()
	}
	if stop, ok := ctx.Value(callStop{}).(context.Context); ok {
		var cancel context.CancelCauseFunc
		ctx, cancel = context.WithCancelCause(ctx)
		defer cancel(nil)
		halt := context.AfterFunc(stop, func() { cancel(context.Cause(stop)) })
		defer halt()
	}
	g := f.cur.Load()
	_, found := slices.BinarySearch(g.prep.Names, name)
	srv, err := g.server()
	if !found {
		// The tools that are there, or the one that serves an operation
		// of this name.
		msg := fmt.Sprintf("unknown tool %q", name)
		if err == nil {
			msg = srv.unknownTool(name).Error()
		}
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: msg}
	}
	if err != nil {
		return errorResult("the tools could not be prepared: " + err.Error()), nil
	}
	res, err := srv.Call(ctx, name, args)
	if err == nil && res != nil && res.Content == nil {
		res.Content = []mcp.Content{} // never "null"
	}
	return res, err
}

// Replace serves other tools from now on: calls already running finish
// with the old server, and every client is sent
// notifications/tools/list_changed.
func (f *Front) Replace(prep *Prepared, build func() (*Server, error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cur.Store(&generation{prep: prep, build: build})
	f.mcp.AddTool(changedMarker, func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) { return nil, nil })
	f.mcp.RemoveTools(changedMarker.Name)
}

// Initialized is closed when a client has finished initializing (the
// initialized notification) or subscribed to changes (protocol versions
// without initialize): from then on it hears of a Replace.
func (f *Front) Initialized() <-chan struct{} { return f.initialized }

func (f *Front) markInitialized() { f.initOnce.Do(func() { close(f.initialized) }) }

// LoadList reads the tools/list result served now, if it is read on
// first use (Prepared.ReadList), so that the request finds it ready.
func (f *Front) LoadList() { f.cur.Load().encodedList() }

// Server returns the server behind the tools served now, building it if
// no call has yet.
func (f *Front) Server() (*Server, error) { return f.cur.Load().server() }

// MCPServer returns the MCP server, for transports other than Run's.
func (f *Front) MCPServer() *mcp.Server { return f.mcp }

// Run serves MCP on t until the client disconnects or ctx is done, then
// flushes the audit log. On a StdioTransport, tools/list is answered with
// the prepared bytes, and a plain tools/call by the transport itself (see
// StdioTransport): neither goes through receiving middleware added to
// MCPServer.
func (f *Front) Run(ctx context.Context, t mcp.Transport) error {
	if st, ok := t.(*StdioTransport); ok {
		c := *st
		c.list = func() []byte {
			if g := f.cur.Load(); len(g.prep.Names) <= listPageSize {
				return g.readList() // else the middleware builds the tools
			}
			return nil // paged by the middleware
		}
		if !st.sdkCalls {
			c.call = f.call
		}
		t = &c
	}
	err := f.mcp.Run(ctx, t)
	// The audit log of the server that answered calls, if one was built.
	if s := f.cur.Load().ready.Load(); s != nil {
		if ferr := s.audit.flush(); ferr != nil {
			s.log.Warn("cannot flush the audit log", "err", ferr)
		}
	}
	return err
}

// middleware answers tools/call, and tools/list from the prepared tools,
// paged as the MCP SDK pages.
func (f *Front) middleware(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		switch method {
		case "tools/call":
			if cr, ok := req.(*mcp.CallToolRequest); ok {
				return f.call(ctx, cr.Params.Name, cr.Params.Arguments)
			}
			return next(ctx, method, req)
		case "tools/list":
		case "subscriptions/listen":
			// The subscription is registered before the SDK's debounced
			// notification goes out.
			f.markInitialized()
			return next(ctx, method, req)
		default:
			return next(ctx, method, req)
		}
		g := f.cur.Load()
		if lr, ok := req.(*mcp.ListToolsRequest); ok && preparedPage(lr.Params) && len(g.prep.Names) <= listPageSize {
			if list := g.list(); list != nil {
				return &preparedList{ListToolsResult: listResult(nil, ""), list: list}, nil
			}
		}
		tools, err := g.listed()
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

// preparedPage reports whether tools/list params ask for what the prepared
// bytes hold: the first page, in a protocol version given at initialize (a
// version given per request, as from 2026-07-28, has the MCP SDK add to
// the result).
func preparedPage(p *mcp.ListToolsParams) bool {
	if p == nil {
		return true
	}
	_, perRequest := p.GetMeta()[mcp.MetaKeyProtocolVersion]
	return p.Cursor == "" && !perRequest
}

// preparedList is a tools/list result of one page that encodes as the
// prepared bytes, for transports that encode results themselves (the
// Streamable HTTP handler): the MCP SDK would encode every tool's schema
// again for each request (10–20 ms for GitHub's 771 tools).
type preparedList struct {
	*mcp.ListToolsResult
	list []byte
}

func (p *preparedList) MarshalJSON() ([]byte, error) { return p.list, nil }

// callDeadline is the context key of the time by which a call ends.
type callDeadline struct{}

// WithCallDeadline returns ctx carrying the time d by which a call ends,
// as a value, so that the call ends by then even where the MCP SDK runs it
// under a context of its own that keeps the values but not the deadline
// (a stateless HTTP request's session). The request's own context should
// end a moment later: the SDK's handler stops waiting for the answer when
// it ends, and the call's time-limit error would then never be sent.
func WithCallDeadline(ctx context.Context, d time.Time) context.Context {
	return context.WithValue(ctx, callDeadline{}, d)
}

// callStop is the context key of a context whose end cancels a call.
type callStop struct{}

// WithCallStop returns ctx carrying stop, whose end cancels the call (with
// stop's cause, which the call's error then gives), as a value for the
// same reason as WithCallDeadline: a server shutting down cancels the
// calls still running, and each is answered.
func WithCallStop(ctx, stop context.Context) context.Context {
	return context.WithValue(ctx, callStop{}, stop)
}
