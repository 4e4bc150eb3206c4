// Package server turns the operations of an API into MCP tools and tool
// calls into API requests. It knows nothing about the command line or the
// keyring: the key arrives as the client's Credential.
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
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
)

// Filter selects which operations become tools. Empty fields select all.
type Filter struct {
	Tags       []string // operation tags (any match)
	Operations []string // operationIds or tool names
	Methods    []string // HTTP methods
	ReadOnly   bool     // only methods that change nothing (GET, HEAD, OPTIONS, TRACE)
}

// Layouts.
const (
	LayoutOperations = "operations" // one tool per operation (the default)
	LayoutResources  = "resources"  // one tool per resource, with an action argument
	LayoutSearch     = "search"     // search_operations + call_operation (and call_write_operation)
	LayoutAuto       = "auto"       // the first of the three that fits a client's budget (the default)
)

// DefaultMaxResultBytes is the default response budget of one tool result.
const DefaultMaxResultBytes = 20000

// Config is everything a Server needs.
type Config struct {
	API *client.API
	// Client sends the calls; without one, tools are listed and every call
	// is a tool error.
	Client *client.Client
	// Name and Version are reported in initialize; default "restmcp".
	Name, Version string
	// Login is the command a hint names to store a key ("acme login
	// --profile work"); default Name + " login".
	Login string
	// KeyEnv, when set, is the environment variable the key comes from:
	// a hint about a refused key names it rather than the login.
	KeyEnv string
	// KeyEnvFix says what to do when the API refuses the key from
	// KeyEnv ("correct that variable, or unset it to use …"), asked then:
	// whether unsetting it helps depends on what is stored. Nil: "correct
	// that variable".
	KeyEnvFix func() string
	// Prefix is prepended to every tool name ("acme" → "acme_list_projects").
	Prefix string
	Filter Filter
	// Layout is "auto" (the default: the first of operations, resources
	// and search that fits the strictest common client's budget),
	// "operations" (one tool per operation), "resources" or "search".
	Layout string
	// SeparateWrites serves, in the resources layout, the actions of a
	// resource that change data as a tool of their own (invoices_write
	// beside invoices), so that each tool's annotations hold for every
	// action it runs and a client may run the reading one without asking.
	SeparateWrites bool
	// MaxResultBytes is the response budget for one tool result (default 20000).
	MaxResultBytes int
	// Logger receives diagnostics (default: discard). Never stdout.
	Logger *log.Logger
	// AuditLog, when set, receives two JSON lines per call of an operation:
	// a start line as the request is sent and an end line with its status,
	// duration and outcome (ok, http_error, failed; invalid_arguments has
	// the end line only). No argument values, no key.
	AuditLog io.Writer
}

// Server is an MCP server for one API.
type Server struct {
	cfg   Config
	log   *log.Logger
	audit *auditLog

	// all are the tools of every operation, before the filter: the
	// resources layout groups and names them (so that a filter renames
	// no resource or action).
	all []*tool
	// ops are the operation tools that passed the filter, by name. In the
	// default layout they are also the listed tools.
	ops []*tool
	// byName holds every listed tool, by name.
	byName map[string]*tool
	// list is what tools/list reports, sorted by name.
	list []*mcp.Tool

	instructions string
	// describe is the name of the describe tool: describe_action in the
	// resources layout, describe_tool in the operations layout (numbered
	// when a tool has that name).
	describe string
	// layoutReason says why the auto layout chose the one served.
	layoutReason string

	prepOnce  sync.Once
	prep      *Prepared
	frontOnce sync.Once
	fr        *Front
	// stateless is the Front of StatelessFront.
	statelessOnce sync.Once
	stateless     *Front
}

// tool is one listed tool, or one operation behind a layout tool.
type tool struct {
	def *mcp.Tool
	// schema is a layout tool's input schema as a map (an operation tool's
	// is in.checked()); a listed tool's definition holds it encoded, ready
	// to send.
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
	// label names an operation's tool as an action of its resource tool
	// ("projects (action retrieve)"), in that tool's messages.
	label string
	// run handles a validated call of a layout tool (nil for operation tools).
	run func(ctx context.Context, args map[string]any) *mcp.CallToolResult
	// selector and actions are a resource tool's: the argument that picks
	// the action, and the operation tools by action.
	selector string
	actions  map[string]*tool
	// other is a resource's other tool, with SeparateWrites: the one that
	// changes data beside the one that reads, and the other way round.
	other *tool

	once     sync.Once
	resolved *schemaCheck
	// resolveErr is kept so a schema the validator cannot compile is
	// reported once and the call still goes through (the API validates).
	resolveErr error
	warnOnce   sync.Once
	// emptyMsg is validate's answer to a call without arguments.
	emptyOnce sync.Once
	emptyMsg  string
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
		cfg.Layout = LayoutAuto
	}
	if p := strings.Join(nameWords(cfg.Prefix), "_"); len(p) > maxPrefixLen {
		return nil, fmt.Errorf("tool name prefix %q is too long: use at most %d letters, digits and underscores", cfg.Prefix, maxPrefixLen)
	}
	switch cfg.Layout {
	case LayoutAuto, LayoutOperations, LayoutResources, LayoutSearch:
	default:
		return nil, fmt.Errorf("unknown layout %q: use %s, %s, %s or %s", cfg.Layout, LayoutAuto, LayoutOperations, LayoutResources, LayoutSearch)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, byName: map[string]*tool{}}
	if s.log == nil {
		s.log = log.New(io.Discard)
	}
	if cfg.AuditLog != nil {
		s.audit = newAuditLog(cfg.AuditLog, s.log)
	}

	s.all = s.operationTools()
	s.ops = s.filter(s.all)

	var listed []*tool
	switch cfg.Layout {
	case LayoutAuto:
		s.cfg.Layout, listed, s.layoutReason = s.autoLayout()
	case LayoutResources:
		listed = s.resourceTools()
	case LayoutSearch:
		listed = s.searchTools()
	default:
		listed = s.operationsListing()
	}
	// Encoded once: the MCP SDK re-encodes a map schema when a tool is
	// added, and tools/list sends it on every request.
	schemas := make([][]byte, len(listed))
	errs := make([]error, len(listed))
	parallel(len(listed), func(i int) { schemas[i], errs[i] = appendSchemaJSON(nil, listed[i].def.InputSchema) })
	for i, t := range listed {
		if errs[i] != nil {
			return nil, fmt.Errorf("tool %s: encoding its input schema: %w", t.def.Name, errs[i])
		}
		def := *t.def
		def.InputSchema = json.RawMessage(schemas[i])
		t.def = &def
		s.byName[t.def.Name] = t
		s.list = append(s.list, t.def)
	}
	sort.Slice(s.list, func(i, j int) bool { return s.list[i].Name < s.list[j].Name })

	s.instructions = s.buildInstructions()
	return s, nil
}

// Operations are the operations the filter selected, behind whichever
// layout lists them.
func (s *Server) Operations() []*client.Operation {
	ops := make([]*client.Operation, 0, len(s.ops))
	for _, t := range s.ops {
		ops = append(ops, t.op)
	}
	return ops
}

// Tools returns the tools exactly as tools/list reports them, sorted by
// name. Their InputSchema is the encoded JSON (a json.RawMessage).
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
func (s *Server) MCPServer() *mcp.Server { return s.Front().MCPServer() }

// Run serves MCP on t until the client disconnects or ctx is done, then
// flushes the audit log.
func (s *Server) Run(ctx context.Context, t mcp.Transport) error { return s.Front().Run(ctx, t) }
