package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// describeName is the name of the resources layout's describe tool
// (after the prefix).
const describeName = "describe_action"

// describeToolName is the describe tool's name: describe_action after the
// prefix, numbered (describe_action_2) when a resource of the whole API, one
// a filter leaves out included, has that name.
func describeToolName(prefix string, resources []toolName) string {
	taken := func(name string) bool {
		return slices.ContainsFunc(resources, func(r toolName) bool { return r.name == name })
	}
	name := sanitizePrefix(prefix) + describeName
	for i := 2; taken(name); i++ {
		name = fmt.Sprintf("%s%s_%d", sanitizePrefix(prefix), describeName, i)
	}
	return name
}

// describeTool shows one action of a resource tool in full: its
// description and the input schema its operation checks calls against,
// every argument's description and nested fields included, where the
// resources listing gives names, types and enums (and, when compact, no
// descriptions and objects by their field names).
func (s *Server) describeTool(resources []*tool, actions map[string]map[string]*tool) *tool {
	name := s.describe
	d := &tool{
		def: &mcp.Tool{
			Name:        name,
			Title:       "Describe an action",
			Description: "The full description and input schema of one action of a resource tool: what each argument means and the fields of nested objects.",
			InputSchema: map[string]any{
				"type": "object",
				"properties": map[string]any{
					"tool":   map[string]any{"type": "string", "description": "The resource tool, e.g. " + busiest(resources) + "."},
					"action": map[string]any{"type": "string", "description": "One of its actions."},
				},
				"required": []any{"tool", "action"},
			},
			Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true, DestructiveHint: ptr(false), OpenWorldHint: ptr(false)},
		},
		strict: true,
	}
	d.schema = d.def.InputSchema.(map[string]any)
	d.run = func(ctx context.Context, args map[string]any) *mcp.CallToolResult {
		tn, _ := args["tool"].(string)
		an, _ := args["action"].(string)
		acts, ok := actions[tn]
		if !ok {
			all := slices.Sorted(maps.Keys(actions))
			if near := similarNames(tn, all, 3); len(near) > 0 {
				which := fmt.Sprintf("%d tools take actions", len(all))
				if len(all) == 1 {
					which = "the only tool that takes actions"
				}
				return errorResult(fmt.Sprintf("unknown tool %q: did you mean %s? (%s)", tn, strings.Join(near, ", "), which))
			}
			return errorResult(fmt.Sprintf("unknown tool %q: use one of %s", tn, strings.Join(all, ", ")))
		}
		t, ok := acts[an]
		if !ok {
			return errorResult(fmt.Sprintf("%s has no action %q: use one of %s", tn, an, strings.Join(slices.Sorted(maps.Keys(acts)), ", ")))
		}
		return textResult(s.describeAction(tn, an, t))
	}
	return d
}

// describeAction is the JSON describe_action answers for one action: its
// whole listed schema when it fits the result budget, else the one the
// operations layout lists (large bodies less deep).
func (s *Server) describeAction(resource, action string, t *tool) string {
	type described struct {
		Tool        string `json:"tool"`
		Action      string `json:"action"`
		Description string `json:"description"`
		InputSchema any    `json:"inputSchema"`
		ReadOnly    bool   `json:"readOnly"`
	}
	// The action is not named after its method and path as its tool was:
	// the description says them whenever the tool's left them out.
	desc := t.def.Description
	if route := t.op.Method + " " + t.op.Path; !strings.HasSuffix(desc, route) {
		desc = strings.TrimPrefix(desc+"\n\n"+route, "\n\n")
	}
	out := described{Tool: resource, Action: action, Description: desc, ReadOnly: t.def.Annotations.ReadOnlyHint}
	for _, schema := range []any{listedSchema(t.in.checked()), t.in.listed} {
		out.InputSchema = requiredFirst(schema)
		if b, _ := json.Marshal(out); len(b) <= s.cfg.MaxResultBytes {
			return string(b)
		}
	}
	b, _ := json.Marshal(out)
	kept, cut := truncateJSON(b, s.cfg.MaxResultBytes)
	return string(kept) + fmt.Sprintf("\n… truncated at %d of %d bytes", cut, len(b))
}

// busiest is the name of the resource tool with the most actions, the
// example describe_action gives.
func busiest(resources []*tool) string {
	best, most := "", -1
	for _, t := range resources {
		if n := strings.Count(t.def.Description, "\n- "); n > most {
			best, most = t.def.Name, n
		}
	}
	return best
}

// requiredFirst is a tool's input schema marshalled with its type and
// required arguments first: an answer cut to the result budget keeps what
// a call must have.
func requiredFirst(schema any) any {
	if m, ok := schema.(map[string]any); ok {
		return rootFirst(m)
	}
	return schema
}

type rootFirst map[string]any

func (r rootFirst) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(r))
	for k := range r {
		if k != "type" && k != "required" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteByte('{')
	for _, k := range append([]string{"type", "required"}, keys...) {
		v, ok := r[k]
		if !ok {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
