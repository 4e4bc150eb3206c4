package server

import (
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/internal/prose"
)

// operationTools makes one tool per operation, names assigned over the
// whole API so that filters do not change them.
func (s *Server) operationTools() []*tool {
	ops := s.cfg.API.Operations
	ids := map[string]bool{}
	for _, op := range ops {
		ids[op.ID] = true
	}
	reqs := make([]nameRequest, len(ops))
	for i, op := range ops {
		reqs[i] = operationNameRequest(op, ids, s.cfg.API.BaseURL())
	}
	names := assignNames(s.cfg.Prefix, reqs)
	// A header parameter that the credential fills is not an argument
	// (Authorization never is).
	authHeader := ""
	if s.cfg.Client != nil {
		authHeader = s.cfg.Client.CredentialHeader()
	}
	out := make([]*tool, len(ops))
	parallel(len(ops), func(i int) {
		op := ops[i]
		in := buildInput(op, authHeader)
		out[i] = &tool{
			def:    operationTool(names[i], op, in),
			op:     op,
			in:     in,
			paging: pagingArgs(in),
			strict: !in.extraBody,
		}
	})
	for _, t := range out {
		if len(t.in.skipped) > 0 {
			s.log.Debug("parameters not exposed", "method", t.op.Method, "path", t.op.Path, "params", strings.Join(t.in.skipped, ", "))
		}
	}
	shareArgs(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// parallelMin is the number of items from which parallel uses every core.
const parallelMin = 64

// parallel calls f(i) for i in [0, n), on every core when n is large: each
// operation's tool is built from that operation alone.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/parallelMin+1)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}

// operationTool is the MCP definition of one operation.
func operationTool(name toolName, op *client.Operation, in *inputSchema) *mcp.Tool {
	title := prose.OneLine(op.Summary, titleMax)
	if title == "" {
		// Stripe writes no summaries: the description's first sentence.
		title = prose.Sentence(op.Description, 0, titleMax)
	}
	if title == "" {
		title = op.Method + " " + op.Path
	}
	desc := describe(op)
	if in.extraBody {
		// The listed schema cannot say so (not every model API takes
		// additionalProperties).
		desc = beforeLastParagraph(desc, "Arguments not listed here are sent in the request body too.")
	}
	if name.note != "" {
		desc = beforeLastParagraph(desc, name.note)
	}
	return &mcp.Tool{
		Name:        name.name,
		Title:       title,
		Description: desc,
		InputSchema: in.listed,
		Annotations: annotations(op.Method),
	}
}

// beforeLastParagraph inserts a paragraph before the last one of text (the
// method and path).
func beforeLastParagraph(text, p string) string {
	i := strings.LastIndex(text, "\n\n") + 2
	if i < 2 {
		i = 0
	}
	return text[:i] + p + "\n\n" + text[i:]
}

// describe is a tool description: the summary and the description's first
// sentence (without a summary, its first paragraph), a deprecation note
// and the method and path.
func describe(op *client.Operation) string {
	var parts []string
	sum := prose.OneLine(op.Summary, titleMax*2)
	var desc string
	if sum != "" {
		desc = prose.Sentence(op.Description, 0, toolDescMax)
	} else {
		desc = prose.Brief(op.Description, toolDescWant, toolDescMax)
	}
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
// API (open world). The title is the tool's own (the annotations' one would
// repeat it: clients show the tool's title first).
func annotations(method string) *mcp.ToolAnnotations {
	m := strings.ToUpper(method)
	a := &mcp.ToolAnnotations{OpenWorldHint: ptr(true), ReadOnlyHint: isReadOnly(m)}
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
