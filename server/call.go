package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/log"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
)

// request maps validated arguments to a client.Request by location and
// wire name.
func request(t *tool, args map[string]any) client.Request {
	r := client.Request{Op: t.op}
	var body map[string]any
	put := func(m *map[string]any, k string, v any) {
		if *m == nil {
			*m = map[string]any{}
		}
		(*m)[k] = v
	}
	for k, v := range args {
		b, ok := t.in.bindings[k]
		if !ok {
			if t.in.extraBody {
				put(&body, k, v)
			}
			continue
		}
		switch b.In {
		case inPath:
			put(&r.Path, b.Name, v)
		case inQuery:
			put(&r.Query, b.Name, v)
		case inHeader:
			put(&r.Header, b.Name, v)
		case inCookie:
			put(&r.Cookie, b.Name, v)
		case inBody:
			if b.Whole {
				r.Body = v
			} else {
				put(&body, b.Name, v)
			}
		}
	}
	if body != nil {
		r.Body = body
	} else if r.Body == nil && t.op.Body != nil && t.op.Body.Required {
		if _, _, _, isObject := objectProperties(t.op.Body.Schema); isObject {
			r.Body = map[string]any{}
		}
	}
	return r
}

// invoke sends one operation call and turns the answer into a result.
func (s *Server) invoke(ctx context.Context, t *tool, args map[string]any) *mcp.CallToolResult {
	if s.cfg.Client == nil {
		return errorResult("no API client is configured: nothing can be sent")
	}
	paths := takeFields(t.in, args)
	call := s.audit.start(auditEntry{Tool: t.def.Name, Method: t.op.Method, Path: t.op.Path})
	start := time.Now()
	resp, err := s.cfg.Client.Do(ctx, request(t, args))
	readCut := 0 // bytes read of an answer longer than the read cap, selected from
	notJSON := false
	var miss *fieldMiss // a selection that matched nothing
	if err == nil && len(paths) > 0 {
		body := resp.Body
		if resp.Truncated && jsonType(resp.ContentType) {
			// Cut at the read limit, maybe mid-value: the whole values
			// read are selected from.
			body, _ = truncateJSON(body, len(body)-1)
		}
		if bodyKind(resp.ContentType, body) == kindJSON {
			if resp.Truncated {
				// The selection is whole; what was cut is the answer.
				readCut, resp.Truncated = len(resp.Body), false
			}
			// Redacted as the body is (bodyResult): escapes read may
			// spell the key. A note that nothing matched is redacted
			// where it repeats text, not in its own words (see
			// fieldMiss.note).
			resp.Body, miss = selectFields(body, paths)
		} else {
			notJSON = len(resp.Body) > 0
		}
	}
	d := time.Since(start)
	status := 0
	if resp != nil {
		status = resp.Status
		if resp.Duration > 0 {
			d = resp.Duration
		}
	}
	if s.log.GetLevel() <= log.DebugLevel { // the fields cost nothing when off
		s.log.Debug("call", "tool", t.def.Name, "method", t.op.Method, "path", t.op.Path, "status", status, "duration", d.Round(time.Millisecond))
	}
	var httpErr *client.HTTPError
	var bodyErr *client.BodyError
	var res *mcp.CallToolResult
	outcome := "ok"
	switch {
	case errors.As(err, &httpErr):
		res = s.httpErrorResult(ctx, t, httpErr)
		outcome = "http_error"
	case errors.As(err, &bodyErr):
		res = s.unreadBodyResult(t, bodyErr)
		outcome = "failed"
	case err != nil:
		res = requestErrorResult(ctx, t, err)
		outcome = "failed"
	case unfollowed(resp.Status):
		res = s.redirectResult(t, resp)
		outcome = "http_error"
	default:
		if miss != nil {
			res = s.withNotes(t, resp, textResult(string(miss.note(resp, s.budget()))))
		} else {
			res = s.result(t, resp)
		}
		if readCut > 0 {
			res.Content = append(res.Content, &mcp.TextContent{Text: fmt.Sprintf("The answer was longer than the %d bytes read of it: the fields were selected from those, so a field not found may lie beyond them.", readCut)})
		}
		if notJSON {
			res.Content = append(res.Content, &mcp.TextContent{Text: fmt.Sprintf("%s applies to JSON answers only: this one (%s) is shown whole.", t.in.fields, orUnknown(fromAPI(resp, resp.ContentType)))})
		}
	}
	s.audit.end(call, auditEntry{Tool: t.def.Name, Method: t.op.Method, Path: t.op.Path, Status: status,
		DurationMS: d.Milliseconds(), Outcome: outcome})
	return res
}

// Call runs one tool call: the same path as an MCP tools/call. An unknown
// tool is an error; everything else, API failures included, is a result
// (IsError for failures).
func (s *Server) Call(ctx context.Context, name string, args json.RawMessage) (*mcp.CallToolResult, error) {
	t, ok := s.byName[name]
	if !ok {
		return nil, s.unknownTool(name)
	}
	return s.callRaw(ctx, t, name, args)
}

// Operation returns the tool of the operation called name (its operation
// tool's name) among those the filter selected, whatever layout lists it.
func (s *Server) Operation(name string) (*mcp.Tool, bool) {
	t := s.operation(name)
	if t == nil {
		return nil, false
	}
	return t.def, true
}

func (s *Server) operation(name string) *tool {
	for _, t := range s.ops {
		if t.def.Name == name {
			return t
		}
	}
	return nil
}

// CallOperation runs the operation called name as its own tool would,
// whatever layout serves it (a tool of its own, an action of a resource
// tool, or through call_operation): `restmcp call` with an operation's
// name. An operation the filter left out is an unknown tool.
func (s *Server) CallOperation(ctx context.Context, name string, args json.RawMessage) (*mcp.CallToolResult, error) {
	t := s.operation(name)
	if t == nil {
		return nil, s.unknownTool(name)
	}
	return s.callRaw(ctx, t, name, args)
}

// callRaw decodes args and runs t, a panic becoming a tool error.
func (s *Server) callRaw(ctx context.Context, t *tool, name string, args json.RawMessage) (res *mcp.CallToolResult, err error) {
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

// unknownTool names the closest tools, if any, or the layout that has the
// tool asked for.
func (s *Server) unknownTool(name string) error {
	bare := strings.TrimPrefix(name, sanitizePrefix(s.cfg.Prefix))
	for tool, layout := range map[string]string{"describe_action": LayoutResources, "search_operations": LayoutSearch, "call_operation": LayoutSearch, "call_write_operation": LayoutSearch} {
		if bare == tool && s.cfg.Layout != layout {
			return fmt.Errorf("unknown tool %q: it belongs to the %s layout, and this server serves %s (pass --layout %s)", name, layout, s.cfg.Layout, layout)
		}
	}
	// An operation's own name, which this layout serves through another
	// tool.
	if t := s.operation(name); t != nil {
		switch s.cfg.Layout {
		case LayoutResources:
			if resource, action, ok := strings.Cut(strings.TrimSuffix(t.label, ")"), " (action "); ok {
				selector := "action"
				if rt, ok := s.byName[resource]; ok {
					if req := stringList(rt.schema["required"]); len(req) > 0 {
						selector = req[0]
					}
				}
				return fmt.Errorf("unknown tool %q: this server serves it as the tool %s with %s %q", name, resource, selector, action)
			}
		case LayoutSearch:
			run := "call_operation"
			if _, split := s.byName[sanitizePrefix(s.cfg.Prefix)+"call_write_operation"]; split && !t.def.Annotations.ReadOnlyHint {
				run = "call_write_operation"
			}
			return fmt.Errorf("unknown tool %q: run it with %s%s {\"name\": %q, \"arguments\": {…}}", name, sanitizePrefix(s.cfg.Prefix), run, name)
		}
	}
	if near := s.Similar(name); len(near) > 0 {
		return fmt.Errorf("unknown tool %q: did you mean %s?", name, strings.Join(near, ", "))
	}
	return fmt.Errorf("unknown tool %q: list the tools to see the %d there are", name, len(s.list))
}

// Similar names at most 5 tools whose names contain want, or are contained
// in it, ignoring case, '_' and '-' (an operationId such as listProjects
// finds list_projects): the "did you mean" of an unknown tool.
func (s *Server) Similar(want string) []string { return Similar(want, s.list) }

// Similar returns up to five names of tools whose name is want misspelt
// (a few letters off: get_customerz, list_project), then those whose name
// contains want or is contained in it, ignoring case, "_" and "-".
func Similar(want string, tools []*mcp.Tool) []string {
	names := make([]string, len(tools))
	for i, t := range tools {
		names[i] = t.Name
	}
	return similarNames(want, names, 5)
}

// similarNames is Similar over names, at most n.
func similarNames(want string, names []string, n int) []string {
	norm := func(s string) string {
		return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(s))
	}
	w := norm(want)
	if w == "" {
		return nil
	}
	type near struct {
		name string
		d    int
	}
	var typos []near
	var contained []string
	for _, name := range names {
		nn := norm(name)
		if d := editDistance(nn, w, 2+len(w)/8); d >= 0 {
			typos = append(typos, near{name, d})
		} else if strings.Contains(nn, w) || strings.Contains(w, nn) {
			contained = append(contained, name)
		}
	}
	sort.SliceStable(typos, func(i, j int) bool { return typos[i].d < typos[j].d })
	var out []string
	for _, t := range typos {
		out = append(out, t.name)
	}
	out = append(out, contained...)
	return out[:min(n, len(out))]
}

// editDistance is the Levenshtein distance of a and b, or -1 when it is
// above limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return -1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return -1
		}
		prev, cur = cur, prev
	}
	if prev[len(b)] > limit {
		return -1
	}
	return prev[len(b)]
}

// decodeArgs parses tool arguments; a non-object is a message for the model.
// Numbers are kept as json.Number, so that a 19-digit identifier reaches the
// API as written.
func decodeArgs(raw json.RawMessage) (map[string]any, string) {
	m := map[string]any{}
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" || string(t) == "{}" {
		return m, ""
	}
	dec := json.NewDecoder(bytes.NewReader(t))
	dec.UseNumber()
	if t[0] != '{' {
		return nil, "invalid arguments: arguments must be a JSON object of the tool's arguments by name"
	}
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
	return s.callAs(ctx, t, t.def.Name, args)
}

// callAs is callTool with the name messages give the tool: a resource
// tool's action is "projects (action retrieve)", not its operation's tool.
func (s *Server) callAs(ctx context.Context, t *tool, name string, args map[string]any) *mcp.CallToolResult {
	if o := t.other; o != nil && t.action(args) == nil && o.action(args) != nil {
		// An action of the resource's other tool: said before its
		// arguments, which this one does not take.
		what := "changes data"
		if o.def.Annotations.ReadOnlyHint {
			what = "only reads"
		}
		return s.refuse(t, fmt.Sprintf("invalid arguments for %s: action %q %s: call %s with it", name, args[t.selector], what, o.def.Name))
	}
	msg := t.validate(name, args)
	if !t.shallow {
		t.resolve() // read resolveErr after it is set, even when validate stopped early
	}
	if t.resolveErr != nil {
		t.warnOnce.Do(func() {
			s.log.Warn("arguments not checked against the schema", "tool", t.def.Name, "err", t.resolveErr)
		})
	}
	if msg != "" {
		return s.refuse(t, msg)
	}
	if t.run != nil {
		return t.run(ctx, args)
	}
	return s.invoke(ctx, t, args)
}

// refuse answers a call of t refused before anything was sent with msg,
// and records it in the audit log when t is an operation or a resource
// tool (which stands for one: without an action, or with an unknown one,
// the audit line names the resource and no method or path).
func (s *Server) refuse(t *tool, msg string) *mcp.CallToolResult {
	switch {
	case t.op != nil:
		s.audit.end(0, auditEntry{Tool: t.def.Name, Method: t.op.Method, Path: t.op.Path, Outcome: "invalid_arguments"})
	case t.actions != nil:
		s.audit.end(0, auditEntry{Tool: t.def.Name, Outcome: "invalid_arguments"})
	}
	return errorResult(msg)
}

// errorResult is a tool error carrying msg.
func errorResult(msg string) *mcp.CallToolResult {
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: msg}}}
}

// textResult is a successful result carrying text.
func textResult(text string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}
}
