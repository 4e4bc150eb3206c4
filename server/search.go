package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
)

// searchLimitMax bounds how many operations one search returns.
const searchLimitMax = 25

// schemaShare is the share of the best match's score from which a match is
// listed with its input schema.
const schemaShare = 0.75

// searchTools is the search layout: search_operations finds operations by
// words and returns their names, descriptions and input schemas;
// call_operation runs one by name.
func (s *Server) searchTools() []*tool {
	prefix := sanitizePrefix(s.cfg.Prefix)
	ix := &searchIndex{prefix: prefix}
	byName := map[string]*tool{}
	opNames := make([]string, 0, len(s.ops))
	// Reads and writes are run by two tools when the API has both, so
	// that a client may let the read-only one run without asking (Claude
	// runs read-only tools without confirmation, and its directory turns
	// down a tool that runs both).
	var readers, writers []*tool
	for _, t := range s.ops {
		byName[t.def.Name] = t
		opNames = append(opNames, t.def.Name)
		if t.def.Annotations.ReadOnlyHint {
			readers = append(readers, t)
		} else {
			writers = append(writers, t)
		}
	}
	split := len(readers) > 0 && len(writers) > 0
	run := "Then run one with " + prefix + "call_operation."
	if split {
		run = "Then run one with " + prefix + "call_operation, or " + prefix + "call_write_operation if it changes data (readOnly false)."
	}
	count := fmt.Sprintf("%d", len(s.ops))
	search := &tool{
		def: &mcp.Tool{
			Name:  prefix + "search_operations",
			Title: "Search the API's operations",
			Description: "Find operations of " + apiTitle(s) + " (" + count + " in all) by words: returns the best matches " +
				"with their names and descriptions, the closest with their input schemas. " + run,
			InputSchema: map[string]any{
				"type": "object",
				"properties": map[string]any{
					"query": map[string]any{"type": "string", "description": "Words describing what to do, e.g. \"list projects\"."},
					"limit": map[string]any{"type": "integer", "minimum": 1, "maximum": searchLimitMax, "default": 5,
						"description": "How many operations to return."},
				},
				"required": []any{"query"},
			},
			Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true, DestructiveHint: ptr(false), OpenWorldHint: ptr(false)},
		},
		strict: true,
	}
	search.schema = search.def.InputSchema.(map[string]any)
	search.run = func(ctx context.Context, args map[string]any) *mcp.CallToolResult {
		q, _ := args["query"].(string)
		limit := 5
		if n, ok := client.Number(args["limit"]); ok {
			limit = int(n)
		}
		hits := ix.search(s.ops, q, limit)
		if len(hits) == 0 {
			return textResult(fmt.Sprintf("No operation matches %q. Try other words; the main areas are: %s.", shortQuery(q), strings.Join(mainTags(s.ops, 8), ", ")))
		}
		// Matches that score near the best keep their schemas while they
		// fit the budget; the rest are listed by name and description, to
		// be searched by name: most searches find what they look for
		// first, and the schemas of the others would be most of the
		// answer.
		type found struct {
			Name        string `json:"name"`
			Description string `json:"description"`
			InputSchema any    `json:"inputSchema,omitempty"`
			ReadOnly    bool   `json:"readOnly"`
		}
		out := make([]found, 0, len(hits))
		sizes := make([]int, 0, len(hits))
		size, omitted, dropped := 2, 0, 0
		for i, h := range hits {
			t := h.t
			f := found{Name: t.def.Name, Description: t.def.Description, InputSchema: requiredFirst(t.def.InputSchema), ReadOnly: t.def.Annotations.ReadOnlyHint}
			b, _ := json.Marshal(f)
			weak := h.score < schemaShare*hits[0].score
			if weak || size+len(b)+1 > s.cfg.MaxResultBytes && len(out) > 0 {
				f.InputSchema = nil
				b, _ = json.Marshal(f)
			}
			if size+len(b)+1 > s.cfg.MaxResultBytes && len(out) > 0 {
				dropped = len(hits) - i
				break
			}
			if f.InputSchema == nil {
				omitted++
			}
			out = append(out, f)
			sizes = append(sizes, len(b))
			size += len(b) + 1
		}
		// Then, best first, the fields a listing gives by name alone, in
		// what room is left: no describe tool is listed beside search.
		summarised := 0
		for i := range out {
			t := hits[i].t
			if out[i].InputSchema == nil || t.in == nil || len(t.in.summarised) == 0 {
				continue
			}
			full := out[i]
			full.InputSchema = requiredFirst(listedSchema(t.in.checked()))
			if fb, _ := json.Marshal(full); size-sizes[i]+len(fb) <= s.cfg.MaxResultBytes {
				size += len(fb) - sizes[i]
				out[i], sizes[i] = full, len(fb)
				continue
			}
			summarised++
		}
		b, _ := json.Marshal(out)
		text := string(b)
		if len(b) > s.cfg.MaxResultBytes {
			kept, cut := truncateJSON(b, s.cfg.MaxResultBytes)
			text = string(kept) + fmt.Sprintf("\n… truncated at %d of %d bytes: ask for fewer (limit)", cut, len(b))
		}
		if omitted > 0 {
			what := fmt.Sprintf("%d matches are listed without their input schemas", omitted)
			if omitted == 1 {
				what = "1 match is listed without its input schema"
			}
			text += "\n" + what + " (matching less well than the first, or to stay within the result budget): search for one by its name, with limit 1, to see it."
		}
		if summarised > 0 {
			text += fmt.Sprintf("\n%d %s some arguments by their fields' names alone, \"{a, b}\", to stay within the result budget: search for one by its name, with limit 1, to see them in full.",
				summarised, map[bool]string{true: "match lists", false: "matches list"}[summarised == 1])
		}
		if dropped > 0 {
			text += fmt.Sprintf("\n%d more %s left out to stay within the result budget: ask for fewer (limit), or use other words.",
				dropped, map[bool]string{true: "match is", false: "matches are"}[dropped == 1])
		}
		return textResult(text)
	}
	if !split {
		return []*tool{search, s.runTool(ix, callAll, s.ops, byName, opNames)}
	}
	return []*tool{search, s.runTool(ix, callReads, readers, byName, opNames), s.runTool(ix, callWrites, writers, byName, opNames)}
}

// The kinds of the search layout's call tools: one that runs every
// operation (an API whose operations all read or all write), and the
// pair that runs those that only read and those that change data.
const (
	callAll = iota
	callReads
	callWrites
)

// runTool is a search layout tool that runs one operation by name: of
// kind callAll, callReads (the operations that only read, ops) or
// callWrites (those that change data, ops; a read-only one too, when
// asked). byName and opNames are every operation's.
func (s *Server) runTool(ix *searchIndex, kind int, ops []*tool, byName map[string]*tool, opNames []string) *tool {
	prefix := sanitizePrefix(s.cfg.Prefix)
	readOnly := true
	destructive := false
	for _, t := range ops {
		readOnly = readOnly && t.def.Annotations.ReadOnlyHint
		destructive = destructive || t.def.Annotations.DestructiveHint != nil && *t.def.Annotations.DestructiveHint
	}
	name, title, which := prefix+"call_operation", "Call an API operation", "one operation of "+apiTitle(s)
	switch kind {
	case callReads:
		title, which = "Call a read-only API operation", "one read-only operation of "+apiTitle(s)
	case callWrites:
		name, title, which = prefix+"call_write_operation", "Call an API operation that changes data", "one operation of "+apiTitle(s)+" that changes data (readOnly false)"
	}
	call := &tool{
		def: &mcp.Tool{
			Name:  name,
			Title: title,
			Description: "Run " + which + " by the name " + prefix + "search_operations returned, " +
				"with arguments that follow its input schema.",
			InputSchema: map[string]any{
				"type": "object",
				"properties": map[string]any{
					"name":      map[string]any{"type": "string", "description": "The operation's name, from " + prefix + "search_operations."},
					"arguments": map[string]any{"type": "object", "description": "The operation's arguments."},
				},
				"required": []any{"name"},
			},
			Annotations: &mcp.ToolAnnotations{ReadOnlyHint: readOnly, IdempotentHint: readOnly, DestructiveHint: ptr(!readOnly && destructive), OpenWorldHint: ptr(true)},
		},
		strict: true,
	}
	// Calls are checked as listed, but for arguments given as a JSON text
	// of an object, which some models send: it is read as the object.
	call.schema = map[string]any{
		"type": "object",
		"properties": map[string]any{
			"name":      map[string]any{"type": "string"},
			"arguments": map[string]any{"type": []any{"object", "string", "null"}},
		},
		"required": []any{"name"},
	}
	call.run = func(ctx context.Context, args map[string]any) *mcp.CallToolResult {
		name, _ := args["name"].(string)
		t, ok := byName[name]
		if !ok {
			msg := fmt.Sprintf("unknown operation %q: find it with %ssearch_operations", name, prefix)
			// A misspelt name first, then the operations its words find.
			names := similarNames(name, opNames, 3)
			for _, h := range ix.search(s.ops, strings.Join(nameWords(name), " "), 3) {
				if len(names) < 3 && !slices.Contains(names, h.t.def.Name) {
					names = append(names, h.t.def.Name)
				}
			}
			if len(names) > 0 {
				msg += "; close matches: " + strings.Join(names, ", ")
			}
			// Refused before anything was sent, as an operation's
			// invalid arguments are: the audit log has it too.
			s.audit.end(0, auditEntry{Tool: call.def.Name, Outcome: "invalid_arguments"})
			return errorResult(msg)
		}
		if kind == callReads && !t.def.Annotations.ReadOnlyHint {
			// Nothing is sent: the tool that may change data asks the
			// user first, where this one may not.
			s.audit.end(0, auditEntry{Tool: call.def.Name, Outcome: "invalid_arguments"})
			return errorResult(fmt.Sprintf("%s changes data, and %s runs only operations that read: run it with %scall_write_operation {\"name\": %q, \"arguments\": {…}}", name, call.def.Name, prefix, name))
		}
		a, _ := args["arguments"].(map[string]any)
		if text, ok := args["arguments"].(string); ok {
			// Numbers kept as written, as an object's are (an id past
			// 2^53 is another record as a float).
			dec := json.NewDecoder(strings.NewReader(text))
			dec.UseNumber()
			err := dec.Decode(&a)
			if err == nil && dec.More() {
				err = errors.New("text after the object")
			}
			if err != nil || a == nil {
				return s.refuse(t, fmt.Sprintf("invalid arguments for %s: arguments is a string that is not a JSON object; pass the operation's arguments as an object, e.g. {\"name\": %q, \"arguments\": {…}}", name, name))
			}
		}
		if a == nil {
			a = map[string]any{}
		}
		return s.callTool(ctx, t, a)
	}
	return call
}

func apiTitle(s *Server) string {
	if s.cfg.API.Title != "" {
		return s.cfg.API.Title
	}
	return "the API"
}

// shortQuery is a query as an answer repeats it: at most 100 bytes, cut
// between characters (a model may send a whole document as the query).
func shortQuery(q string) string {
	if len(q) <= 100 {
		return q
	}
	cut := 100
	for cut > 0 && !utf8.RuneStart(q[cut]) {
		cut--
	}
	return q[:cut] + "…"
}
