package server

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/internal/prose"
)

// searchLimitMax bounds how many operations one search returns.
const searchLimitMax = 25

// searchTools is the search layout: search_operations finds operations by
// words and returns their names, descriptions and input schemas;
// call_operation runs one by name.
func (s *Server) searchTools() []*tool {
	prefix := sanitizePrefix(s.cfg.Prefix)
	ix := &searchIndex{}
	byName := map[string]*tool{}
	readOnly := true
	for _, t := range s.ops {
		byName[t.def.Name] = t
		readOnly = readOnly && t.def.Annotations.ReadOnlyHint
	}
	count := fmt.Sprintf("%d", len(s.ops))
	search := &tool{
		def: &mcp.Tool{
			Name:  prefix + "search_operations",
			Title: "Search the API's operations",
			Description: "Find operations of " + apiTitle(s) + " (" + count + " in all) by words: returns the best matches " +
				"with their names, descriptions and input schemas. Then run one with " + prefix + "call_operation.",
			InputSchema: map[string]any{
				"type": "object",
				"properties": map[string]any{
					"query": map[string]any{"type": "string", "description": "Words describing what to do, e.g. \"list projects\"."},
					"limit": map[string]any{"type": "integer", "minimum": 1, "maximum": searchLimitMax, "default": 5,
						"description": "How many operations to return."},
				},
				"required": []any{"query"},
			},
			Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: ptr(false)},
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
			return textResult(fmt.Sprintf("No operation matches %q. Try other words; the main areas are: %s.", q, strings.Join(mainTags(s.ops, 8), ", ")))
		}
		// Matches keep their schemas while they fit the budget; the rest
		// are listed by name and description, to be searched by name.
		type found struct {
			Name        string `json:"name"`
			Description string `json:"description"`
			InputSchema any    `json:"inputSchema,omitempty"`
			ReadOnly    bool   `json:"readOnly"`
		}
		out := make([]found, 0, len(hits))
		size, omitted := 2, 0
		for _, t := range hits {
			f := found{Name: t.def.Name, Description: t.def.Description, InputSchema: t.def.InputSchema, ReadOnly: t.def.Annotations.ReadOnlyHint}
			b, _ := json.Marshal(f)
			if size+len(b)+1 > s.cfg.MaxResultBytes && len(out) > 0 {
				f.InputSchema = nil
				b, _ = json.Marshal(f)
				omitted++
			}
			if size+len(b)+1 > s.cfg.MaxResultBytes && len(out) > 0 {
				break
			}
			out = append(out, f)
			size += len(b) + 1
		}
		b, _ := json.Marshal(out)
		text := string(b)
		if len(b) > s.cfg.MaxResultBytes {
			kept, cut := truncateJSON(b, s.cfg.MaxResultBytes)
			text = string(kept) + fmt.Sprintf("\n… truncated at %d of %d bytes: ask for fewer (limit)", cut, len(b))
		}
		if omitted > 0 {
			text += fmt.Sprintf("\n%d matches are listed without their input schema, to stay within the result budget: search for one by its name to see it.", omitted)
		}
		return textResult(text)
	}
	callAnn := &mcp.ToolAnnotations{ReadOnlyHint: readOnly, IdempotentHint: readOnly, OpenWorldHint: ptr(true)}
	if !readOnly {
		callAnn.DestructiveHint = ptr(true)
	}
	call := &tool{
		def: &mcp.Tool{
			Name:  prefix + "call_operation",
			Title: "Call an API operation",
			Description: "Run one operation of " + apiTitle(s) + " by the name " + prefix + "search_operations returned, " +
				"with arguments that follow its input schema.",
			InputSchema: map[string]any{
				"type": "object",
				"properties": map[string]any{
					"name":      map[string]any{"type": "string", "description": "The operation's name, from " + prefix + "search_operations."},
					"arguments": map[string]any{"type": "object", "description": "The operation's arguments."},
				},
				"required": []any{"name"},
			},
			Annotations: callAnn,
		},
		strict: true,
	}
	call.schema = call.def.InputSchema.(map[string]any)
	call.run = func(ctx context.Context, args map[string]any) *mcp.CallToolResult {
		name, _ := args["name"].(string)
		t, ok := byName[name]
		if !ok {
			msg := fmt.Sprintf("unknown operation %q: find it with %ssearch_operations", name, prefix)
			if hits := ix.search(s.ops, strings.Join(nameWords(name), " "), 3); len(hits) > 0 {
				var names []string
				for _, h := range hits {
					names = append(names, h.def.Name)
				}
				msg += "; close matches: " + strings.Join(names, ", ")
			}
			return errorResult(msg)
		}
		a, _ := args["arguments"].(map[string]any)
		if a == nil {
			a = map[string]any{}
		}
		return s.callTool(ctx, t, a)
	}
	return []*tool{search, call}
}

func apiTitle(s *Server) string {
	if s.cfg.API.Title != "" {
		return s.cfg.API.Title
	}
	return "the API"
}

// searchEntry is one operation's words, by field weight.
type searchEntry struct {
	t      *tool
	fields []searchField
}

type searchField struct {
	words  []string
	weight int
}

// searchIndex holds the words of every operation, built on the first search.
type searchIndex struct {
	once    sync.Once
	entries []searchEntry
}

func (ix *searchIndex) build(ops []*tool) []searchEntry {
	ix.once.Do(func() {
		for _, t := range ops {
			ix.entries = append(ix.entries, searchEntry{t: t, fields: []searchField{
				{nameWords(t.def.Name), 4},
				{nameWords(t.op.Summary), 3},
				{nameWords(strings.Join(t.op.Tags, " ")), 2},
				{nameWords(t.op.Path), 2},
				{methodWords[t.op.Method], 2},
				{nameWords(prose.Brief(t.op.Description, 300, 600)), 1},
			}})
		}
	})
	return ix.entries
}

// methodWords are the verbs a query may use for an HTTP method, for APIs
// whose operation names do not say what they do (Stripe's post_customers).
var methodWords = map[string][]string{
	"GET":    {"get", "list", "retrieve", "read", "fetch", "find", "show"},
	"HEAD":   {"head", "check"},
	"POST":   {"post", "create", "add", "new", "send", "make"},
	"PUT":    {"put", "update", "replace", "set", "edit"},
	"PATCH":  {"patch", "update", "modify", "edit", "change"},
	"DELETE": {"delete", "remove", "destroy", "cancel"},
}

// stopWords are left out of queries.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "for": true, "of": true, "to": true, "in": true,
	"on": true, "by": true, "with": true, "my": true, "all": true, "and": true, "or": true,
}

// search ranks operations by how well their name, summary, tags, path and
// description match the words of q (a word of three letters or more also
// matches words it begins, so "project" finds "projects").
func (ix *searchIndex) search(ops []*tool, q string, limit int) []*tool {
	var terms []string
	for _, w := range nameWords(q) {
		if !stopWords[w] {
			terms = append(terms, w)
		}
	}
	if len(terms) == 0 {
		return nil
	}
	limit = max(1, min(limit, searchLimitMax))
	type scored struct {
		t     *tool
		score int
	}
	var hits []scored
	for _, e := range ix.build(ops) {
		score, matched := 0, 0
		for _, term := range terms {
			hit := false
			// "repositories" also finds "repos", as names shorten it.
			short := abbreviations[term]
			for _, f := range e.fields {
				if slices.ContainsFunc(f.words, func(w string) bool {
					return w == term || (len(term) >= 3 && strings.HasPrefix(w, term)) || (short != "" && w == short)
				}) {
					score += f.weight
					hit = true
				}
			}
			if hit {
				matched++
			}
		}
		if score > 0 {
			// Matching every word beats matching one word many times; the
			// exact name beats everything.
			score += 10 * matched
			if strings.EqualFold(strings.TrimSpace(q), e.t.def.Name) {
				score += 1000
			}
			hits = append(hits, scored{e.t, score})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].t.def.Name < hits[j].t.def.Name
	})
	var out []*tool
	for i := 0; i < len(hits) && i < limit; i++ {
		out = append(out, hits[i].t)
	}
	return out
}
