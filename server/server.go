// Package server turns the operations of an API into MCP tools and tool
// calls into API requests. It knows nothing about the command line or the
// keyring: the key arrives through the client's KeySource.
//
//	srv, err := server.New(server.Config{API: api, Client: c, Name: "acme", Version: "1.0.0"})
//	if err != nil { … }
//	err = srv.Run(ctx, &mcp.StdioTransport{})
//
// See docs/tools.md for how operations become tools.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/charmbracelet/log"
	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
)

// Filter selects which operations become tools. Empty fields select all.
type Filter struct {
	Tags       []string // operation tags (any match)
	Operations []string // operationIds or tool names
	Methods    []string // HTTP methods
	ReadOnly   bool     // only GET and HEAD
}

// Layouts.
const (
	LayoutOperations = "operations" // one tool per operation (the default)
	LayoutResources  = "resources"  // one tool per resource, with an action argument
	LayoutSearch     = "search"     // search_operations + call_operation
)

// DefaultMaxResultBytes is the default response budget of one tool result.
const DefaultMaxResultBytes = 20000

// Config is everything a Server needs.
type Config struct {
	API    *client.API
	Client *client.Client
	// Name and Version are reported in initialize. Name is also the command
	// named in hints ("run `acme login`"); default "restmcp".
	Name, Version string
	// Prefix is prepended to every tool name ("acme" → "acme_list_projects").
	Prefix string
	Filter Filter
	// Layout is "operations" (one tool per operation, the default),
	// "resources" or "search".
	Layout string
	// MaxResultBytes is the response budget for one tool result (default 20000).
	MaxResultBytes int
	// Logger receives diagnostics (default: discard). Never stdout.
	Logger *log.Logger
	// AuthHeader is the header that carries the key; a header parameter of
	// that name is not exposed as an argument (Authorization never is).
	AuthHeader string
	// AuditLog, when set, receives one JSON line per tool call: time, tool,
	// method, path, status, duration. No argument values, no key.
	AuditLog io.Writer
}

// Server is an MCP server for one API.
type Server struct {
	cfg   Config
	log   *log.Logger
	audit *auditLog

	// ops are the operation tools that passed the filter, by name. In the
	// default layout they are also the listed tools.
	ops []*tool
	// byName holds every listed tool, by name.
	byName map[string]*tool
	// list is what tools/list reports, sorted by name.
	list []*mcp.Tool

	instructions string
	mcpOnce      sync.Once
	mcp          *mcp.Server
}

// tool is one listed tool, or one operation behind a layout tool.
type tool struct {
	def *mcp.Tool
	// schema is the input schema as a map; a listed tool's definition holds
	// it encoded, ready to send.
	schema map[string]any
	// op and in are set for an operation tool.
	op *client.Operation
	in *inputSchema
	// paging names the arguments that narrow or page a result.
	paging []string
	// strict rejects arguments the schema does not name.
	strict bool
	// shallow skips the JSON Schema check (a layout tool whose operation
	// checks the values).
	shallow bool
	// label names the tool in messages when it is not listed itself
	// ("projects (action retrieve)"); default its name.
	label string
	// run handles a validated call of a layout tool (nil for operation tools).
	run func(ctx context.Context, args map[string]any) *mcp.CallToolResult

	once     sync.Once
	resolved *jsonschema.Resolved
	// resolveErr is kept so a schema the validator cannot compile is
	// reported once and the call still goes through (the API validates).
	resolveErr error
	warnOnce   sync.Once
}

// New builds the tools for cfg.API.
func New(cfg Config) (*Server, error) {
	if cfg.API == nil {
		return nil, errors.New("server: no API description")
	}
	if cfg.Name == "" {
		cfg.Name = "restmcp"
	}
	if cfg.MaxResultBytes <= 0 {
		cfg.MaxResultBytes = DefaultMaxResultBytes
	}
	if cfg.Layout == "" {
		cfg.Layout = LayoutOperations
	}
	switch cfg.Layout {
	case LayoutOperations, LayoutResources, LayoutSearch:
	default:
		return nil, fmt.Errorf("unknown layout %q: use %s, %s or %s", cfg.Layout, LayoutOperations, LayoutResources, LayoutSearch)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, byName: map[string]*tool{}}
	if s.log == nil {
		s.log = log.New(io.Discard)
	}
	if cfg.AuditLog != nil {
		s.audit = &auditLog{w: cfg.AuditLog}
	}

	all := s.operationTools()
	s.ops = s.filter(all)

	var listed []*tool
	switch cfg.Layout {
	case LayoutResources:
		listed = s.resourceTools()
	case LayoutSearch:
		listed = s.searchTools()
	default:
		listed = s.ops
	}
	for _, t := range listed {
		// Encoded once: the MCP SDK re-encodes a map schema when a tool is
		// added, and tools/list sends it on every request.
		b, err := json.Marshal(t.def.InputSchema)
		if err != nil {
			return nil, fmt.Errorf("tool %s: encoding its input schema: %w", t.def.Name, err)
		}
		def := *t.def
		def.InputSchema = json.RawMessage(b)
		t.def = &def
		s.byName[t.def.Name] = t
		s.list = append(s.list, t.def)
	}
	sort.Slice(s.list, func(i, j int) bool { return s.list[i].Name < s.list[j].Name })

	s.instructions = s.buildInstructions()
	return s, nil
}

// mcpServer builds the MCP server on first use: listing tools or calling
// one from the command line does not need it.
func (s *Server) mcpServer() *mcp.Server {
	s.mcpOnce.Do(func() {
		s.mcp = mcp.NewServer(&mcp.Implementation{Name: s.cfg.Name, Title: s.cfg.API.Title, Version: s.cfg.Version},
			&mcp.ServerOptions{Instructions: s.instructions})
		for _, def := range s.list {
			s.mcp.AddTool(def, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
				return s.Call(ctx, req.Params.Name, req.Params.Arguments)
			})
		}
	})
	return s.mcp
}

// operationTools makes one tool per operation, names assigned over the
// whole API so that filters do not change them.
func (s *Server) operationTools() []*tool {
	nm := newNamer(s.cfg.Prefix)
	// Operations whose natural name is unique keep it; on a clash every
	// claimant after the first (in the description's order) gets a suffix.
	var out []*tool
	for _, op := range s.cfg.API.Operations {
		in, err := buildInput(op, s.cfg.AuthHeader)
		if err != nil {
			s.log.Warn("operation skipped", "method", op.Method, "path", op.Path, "err", err)
			continue
		}
		if len(in.skipped) > 0 {
			s.log.Debug("parameters not exposed", "method", op.Method, "path", op.Path, "params", strings.Join(in.skipped, ", "))
		}
		name := nm.name(baseWords(op), op.Method)
		t := &tool{
			def:    operationTool(name, op, in),
			schema: in.schema,
			op:     op,
			in:     in,
			paging: pagingArgs(in),
			strict: !in.extraBody,
		}
		out = append(out, t)
	}
	return out
}

// operationTool is the MCP definition of one operation.
func operationTool(name string, op *client.Operation, in *inputSchema) *mcp.Tool {
	title := oneLine(op.Summary, titleMax)
	if title == "" {
		// Stripe writes no summaries: the description's first sentence.
		title = sentence(op.Description, 0, titleMax)
	}
	if title == "" {
		title = op.Method + " " + op.Path
	}
	desc := describe(op)
	if in.extraBody {
		// The listed schema cannot say so (not every model API takes
		// additionalProperties).
		i := strings.LastIndex(desc, "\n\n") + 2
		if i < 2 {
			i = 0
		}
		desc = desc[:i] + "Arguments not listed here are sent in the request body too.\n\n" + desc[i:]
	}
	return &mcp.Tool{
		Name:        name,
		Title:       title,
		Description: desc,
		InputSchema: listedSchema(in.schema),
		Annotations: annotations(op.Method, title),
	}
}

// describe is a tool description: the summary, the first paragraphs of the
// description, a deprecation note and the method and path.
func describe(op *client.Operation) string {
	var parts []string
	sum := oneLine(op.Summary, titleMax*2)
	desc := brief(op.Description, toolDescWant, toolDescMax)
	switch {
	case desc == "":
		parts = append(parts, sum)
	case sum == "" || strings.HasPrefix(desc, strings.TrimRight(sum, ".")):
		parts = append(parts, desc)
	default:
		parts = append(parts, sum, desc)
	}
	if parts[0] == "" {
		parts = parts[:0]
	}
	if op.Deprecated {
		parts = append(parts, "Deprecated: prefer another tool when one does the same.")
	}
	parts = append(parts, op.Method+" "+op.Path)
	return strings.Join(parts, "\n\n")
}

// isReadOnly reports whether an HTTP method does not change anything.
func isReadOnly(method string) bool {
	switch strings.ToUpper(method) {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		return true
	}
	return false
}

// annotations derives the tool hints from the HTTP method: GET and HEAD
// read only; DELETE, PUT and PATCH may overwrite or remove (destructive),
// POST adds; PUT and DELETE are idempotent. Every tool talks to an external
// API (open world).
func annotations(method, title string) *mcp.ToolAnnotations {
	m := strings.ToUpper(method)
	a := &mcp.ToolAnnotations{Title: title, OpenWorldHint: ptr(true), ReadOnlyHint: isReadOnly(m)}
	if a.ReadOnlyHint {
		a.IdempotentHint = true
		return a
	}
	a.DestructiveHint = ptr(m != "POST")
	a.IdempotentHint = m == "PUT" || m == "DELETE"
	return a
}

func ptr[T any](v T) *T { return &v }

// pagingWords mark arguments that page, limit or narrow a result.
var pagingWords = []string{
	"page", "limit", "offset", "cursor", "after", "before", "size", "per_page",
	"max", "top", "skip", "count", "fields", "filter", "search", "query", "q",
	"since", "until", "select", "expand", "starting", "ending", "next",
}

// pagingArgs lists the query and body arguments of a tool that page,
// limit or narrow its result, for the budget note.
func pagingArgs(in *inputSchema) []string {
	var out []string
	for name, b := range in.bindings {
		if b.In != inQuery && (b.In != inBody || b.Name == "") {
			continue
		}
		for _, w := range nameWords(name) {
			if slices.Contains(pagingWords, w) {
				out = append(out, name)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// filter keeps the tools that cfg.Filter selects.
func (s *Server) filter(all []*tool) []*tool {
	f := s.cfg.Filter
	if len(f.Tags) == 0 && len(f.Operations) == 0 && len(f.Methods) == 0 && !f.ReadOnly {
		return all
	}
	matched := map[string]bool{}
	var out []*tool
	for _, t := range all {
		if f.ReadOnly && !isReadOnly(t.op.Method) {
			continue
		}
		if len(f.Methods) > 0 && !slices.ContainsFunc(f.Methods, func(m string) bool { return strings.EqualFold(m, t.op.Method) }) {
			continue
		}
		if len(f.Tags) > 0 && !slices.ContainsFunc(f.Tags, func(tag string) bool {
			return slices.ContainsFunc(t.op.Tags, func(ot string) bool { return strings.EqualFold(ot, tag) })
		}) {
			continue
		}
		if len(f.Operations) > 0 {
			hit := false
			for _, o := range f.Operations {
				if o == t.op.ID || o == t.def.Name || sanitizePrefix(s.cfg.Prefix)+o == t.def.Name {
					matched[o] = true
					hit = true
				}
			}
			if !hit {
				continue
			}
		}
		out = append(out, t)
	}
	for _, o := range f.Operations {
		if !matched[o] {
			s.log.Warn("no operation matches the --operation filter", "operation", o)
		}
	}
	return out
}

// Tools returns the tools exactly as tools/list reports them, sorted by name.
func (s *Server) Tools() []*mcp.Tool { return slices.Clone(s.list) }

// Tool returns the listed tool called name.
func (s *Server) Tool(name string) (*mcp.Tool, bool) {
	t, ok := s.byName[name]
	if !ok {
		return nil, false
	}
	return t.def, true
}

// Instructions is the text sent to clients in initialize: what the API is
// and how its tools are named.
func (s *Server) Instructions() string { return s.instructions }

// MCPServer returns the underlying MCP server, for transports other than
// Run's (an HTTP handler, for example).
func (s *Server) MCPServer() *mcp.Server { return s.mcpServer() }

// Run serves MCP on t until the client disconnects or ctx is done.
func (s *Server) Run(ctx context.Context, t mcp.Transport) error {
	return s.mcpServer().Run(ctx, t)
}

// buildInstructions summarises the API for the model, in a few lines.
func (s *Server) buildInstructions() string {
	api := s.cfg.API
	var b strings.Builder
	title := api.Title
	if title == "" {
		title = "This API"
	}
	b.WriteString(title)
	if api.Version != "" {
		b.WriteString(" (version " + api.Version + ")")
	}
	if d := sentence(api.Description, 40, 200); d != "" {
		b.WriteString(": " + d)
	}
	b.WriteString("\n")
	prefix := sanitizePrefix(s.cfg.Prefix)
	switch s.cfg.Layout {
	case LayoutResources:
		fmt.Fprintf(&b, "%d tools, one per resource, cover %d operations: pass `action` to choose what to do; the other arguments are those of that action.", len(s.list), len(s.ops))
	case LayoutSearch:
		fmt.Fprintf(&b, "%d operations behind two tools: find one with %ssearch_operations, then run it with %scall_operation.", len(s.ops), prefix, prefix)
	default:
		fmt.Fprintf(&b, "%d tools, one per API operation, named after the operation", len(s.list))
		if prefix != "" {
			fmt.Fprintf(&b, " with the prefix %q", prefix)
		}
		b.WriteString("; each description ends with the HTTP method and path. Tools with readOnlyHint change nothing.")
	}
	if tags := mainTags(s.ops, 8); len(tags) > 0 {
		b.WriteString("\nMain areas: " + strings.Join(tags, ", ") + ".")
	}
	fmt.Fprintf(&b, "\nResults over %d bytes are cut with a note; use the paging or filter arguments it names.", s.cfg.MaxResultBytes)
	return b.String()
}

// mainTags returns up to n tags, the most used first.
func mainTags(ops []*tool, n int) []string {
	count := map[string]int{}
	for _, t := range ops {
		for _, tag := range t.op.Tags {
			count[tag]++
		}
	}
	tags := make([]string, 0, len(count))
	for t := range count {
		tags = append(tags, t)
	}
	sort.Slice(tags, func(i, j int) bool {
		if count[tags[i]] != count[tags[j]] {
			return count[tags[i]] > count[tags[j]]
		}
		return tags[i] < tags[j]
	})
	if len(tags) > n {
		tags = tags[:n]
	}
	return tags
}

// Call runs one tool call: the same path as an MCP tools/call. An unknown
// tool is an error; everything else, API failures included, is a result
// (IsError for failures).
func (s *Server) Call(ctx context.Context, name string, args json.RawMessage) (res *mcp.CallToolResult, err error) {
	t, ok := s.byName[name]
	if !ok {
		return nil, s.unknownTool(name)
	}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("tool call failed", "tool", name, "panic", p)
			res, err = errorResult(fmt.Sprintf("internal error in %s: %v", name, p)), nil
		}
	}()
	m, msg := decodeArgs(args)
	if msg != "" {
		return errorResult(msg), nil
	}
	return s.callTool(ctx, t, m), nil
}

// unknownTool names the closest tools, if any.
func (s *Server) unknownTool(name string) error {
	var near []string
	for _, t := range s.list {
		if strings.Contains(t.Name, name) || strings.Contains(name, t.Name) {
			near = append(near, t.Name)
		}
		if len(near) == 3 {
			break
		}
	}
	if len(near) > 0 {
		return fmt.Errorf("unknown tool %q: did you mean %s?", name, strings.Join(near, ", "))
	}
	return fmt.Errorf("unknown tool %q: list the tools to see the %d there are", name, len(s.list))
}

// decodeArgs parses tool arguments; a non-object is a message for the model.
// Numbers are kept as json.Number, so that a 19-digit identifier reaches the
// API as written.
func decodeArgs(raw json.RawMessage) (map[string]any, string) {
	m := map[string]any{}
	t := strings.TrimSpace(string(raw))
	if t == "" || t == "null" {
		return m, ""
	}
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, "invalid arguments: not a JSON object: " + err.Error()
	}
	if dec.More() {
		return nil, "invalid arguments: not a JSON object: text after the object"
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, ""
}

// callTool validates args for t and runs it.
func (s *Server) callTool(ctx context.Context, t *tool, args map[string]any) *mcp.CallToolResult {
	msg := t.validate(args)
	if t.resolveErr != nil {
		t.warnOnce.Do(func() {
			s.log.Warn("arguments not checked against the schema", "tool", t.def.Name, "err", t.resolveErr)
		})
	}
	if msg != "" {
		if t.op != nil {
			s.audit.record(auditEntry{Tool: t.def.Name, Method: t.op.Method, Path: t.op.Path, Outcome: "invalid_arguments"})
		}
		return errorResult(msg)
	}
	if t.run != nil {
		return t.run(ctx, args)
	}
	return s.invoke(ctx, t, args)
}

// errorResult is a tool error carrying msg.
func errorResult(msg string) *mcp.CallToolResult {
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: msg}}}
}

// textResult is a successful result carrying text.
func textResult(text string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}
}
