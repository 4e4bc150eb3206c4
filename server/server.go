// Package server turns the operations of an API into MCP tools and tool
// calls into API requests. It knows nothing about the command line or the
// keyring: the key arrives through the client's KeySource.
package server

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/charmbracelet/log"
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

// Config is everything a Server needs.
type Config struct {
	API    *client.API
	Client *client.Client
	// Name and Version are reported in initialize.
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
}

// Server is an MCP server for one API.
type Server struct {
	cfg Config
}

// New builds the tools for cfg.API.
func New(cfg Config) (*Server, error) {
	_ = mcp.Tool{}
	return nil, errors.New("server.New: not implemented")
}

// Tools returns the tools exactly as tools/list reports them.
func (s *Server) Tools() []*mcp.Tool { return nil }

// Call runs one tool call: the same path as an MCP tools/call.
func (s *Server) Call(ctx context.Context, name string, args json.RawMessage) (*mcp.CallToolResult, error) {
	return nil, errors.New("server.Call: not implemented")
}

// Run serves MCP on t until the client disconnects or ctx is done.
func (s *Server) Run(ctx context.Context, t mcp.Transport) error {
	return errors.New("server.Run: not implemented")
}
