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
	return numberedName(prefix, describeName, resources)
}

// numberedName is name after the prefix, numbered (name_2) when one of
// taken has it.
func numberedName(prefix, name string, taken []toolName) string {
	has := func(n string) bool {
		return slices.ContainsFunc(taken, func(r toolName) bool { return r.name == n })
	}
	out := sanitizePrefix(prefix) + name
	for i := 2; has(out); i++ {
		out = fmt.Sprintf("%s%s_%d", sanitizePrefix(prefix), name, i)
	}
	return out
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
			for _, r := range resources {
				if r.def.Name == tn && r.other != nil && r.other.action(map[string]any{r.other.selector: an}) != nil {
					// An action of the resource's other tool (see
					// SeparateWrites): say which one takes it.
					return errorResult(fmt.Sprintf("%s has no action %q: %s takes it; describe it with tool %q", tn, an, r.other.def.Name, r.other.def.Name))
				}
			}
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

// describeOpsName is the name of the operations layout's describe tool
// (after the prefix), listed when some tool lists arguments by their field
// names alone (see fitBody).
const describeOpsName = "describe_tool"

// operationsListing is the operations layout: one tool per operation, and
// describe_tool when the listing summarises some arguments.
func (s *Server) operationsListing() []*tool {
	var summarised []*tool
	for _, t := range s.ops {
		if t.in != nil && len(t.in.summarised) > 0 {
			summarised = append(summarised, t)
		}
	}
	if len(summarised) == 0 {
		return s.ops
	}
	names := make([]toolName, len(s.all))
	for i, t := range s.all {
		names[i] = toolName{name: t.def.Name}
	}
	s.describe = numberedName(s.cfg.Prefix, describeOpsName, names)
	return append(slices.Clip(s.ops), s.describeOps(summarised))
}

// describeOps shows one tool of the operations layout in full: the input
// schema it checks calls against, every argument's description and nested
// fields included, where its listing gives the largest bodies' arguments by
// their field names.
func (s *Server) describeOps(summarised []*tool) *tool {
	byName := make(map[string]*tool, len(s.ops))
	for _, t := range s.ops {
		if t.in != nil {
			byName[t.def.Name] = t
		}
	}
	d := &tool{
		def: &mcp.Tool{
			Name:        s.describe,
			Title:       "Describe a tool",
			Description: "The full input schema of one tool: the fields, types and enums of the arguments its listing gives by their field names alone, and what each argument means.",
			InputSchema: map[string]any{
				"type": "object",
				"properties": map[string]any{
					"tool":     map[string]any{"type": "string", "description": "The tool, e.g. " + summarised[0].def.Name + "."},
					"argument": map[string]any{"type": "string", "description": "One argument to show alone, or a field of one (\"shipping.address\")."},
				},
				"required": []any{"tool"},
			},
			Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true, DestructiveHint: ptr(false), OpenWorldHint: ptr(false)},
		},
		strict: true,
	}
	d.schema = d.def.InputSchema.(map[string]any)
	d.run = func(ctx context.Context, args map[string]any) *mcp.CallToolResult {
		tn, _ := args["tool"].(string)
		t, ok := byName[tn]
		if !ok {
			all := slices.Sorted(maps.Keys(byName))
			if near := similarNames(tn, all, 3); len(near) > 0 {
				return errorResult(fmt.Sprintf("unknown tool %q: did you mean %s?", tn, strings.Join(near, ", ")))
			}
			return errorResult(fmt.Sprintf("unknown tool %q: use the name of a listed tool, such as %s", tn, summarised[0].def.Name))
		}
		if an, ok := args["argument"].(string); ok && an != "" {
			return s.describeArgument(t, an)
		}
		return textResult(s.describeWhole(t))
	}
	return d
}

// describeWhole is the JSON describe_tool answers for a tool: its whole
// listed schema when it fits the result budget, else its listing with a
// note naming the arguments to ask for one at a time.
func (s *Server) describeWhole(t *tool) string {
	type described struct {
		Tool        string `json:"tool"`
		Description string `json:"description"`
		// Before the schema: an answer cut to the budget keeps it.
		Note        string `json:"note,omitempty"`
		InputSchema any    `json:"inputSchema"`
	}
	full := listedSchema(t.in.checked())
	out := described{Tool: t.def.Name, Description: t.def.Description, InputSchema: requiredFirst(full)}
	b, _ := json.Marshal(out)
	if len(b) <= s.cfg.MaxResultBytes {
		return string(b)
	}
	out.InputSchema = requiredFirst(t.in.listed)
	out.Note = fmt.Sprintf("The whole schema takes %d bytes, more than a result holds: this is the listed one. Pass `argument` to see one in full (%s).", len(b), strings.Join(t.in.summarised, ", "))
	b, _ = json.Marshal(out)
	if len(b) <= s.cfg.MaxResultBytes {
		return string(b)
	}
	kept, cut := truncateJSON(b, s.cfg.MaxResultBytes)
	return string(kept) + fmt.Sprintf("\n… truncated at %d of %d bytes", cut, len(b))
}

// describeArgument is describe_tool's answer for one argument of t, or a
// field of one ("payment_method_options.card"): its whole listed schema,
// and whether a call must give it. A schema longer than a result is given
// less deep, as fitBody lists a body, with a note on how to see the rest.
func (s *Server) describeArgument(t *tool, path string) *mcp.CallToolResult {
	node := listedSchema(t.in.checked())
	required := true
	at := "" // the part of path walked
	for rest := path; rest != ""; {
		props := fieldsOf(node)
		// The longest name that starts the rest: a field's own name may
		// hold dots.
		name := rest
		for !hasKey(props, name) {
			i := strings.LastIndexByte(name, '.')
			if i < 0 {
				name, _, _ = strings.Cut(rest, ".")
				break
			}
			name = name[:i]
		}
		rest = strings.TrimPrefix(strings.TrimPrefix(rest, name), ".")
		p, ok := props[name].(map[string]any)
		if !ok {
			all := strings.Join(slices.Sorted(maps.Keys(props)), ", ")
			switch {
			case at == "":
				return errorResult(fmt.Sprintf("%s has no argument %q: use one of %s", t.def.Name, name, all))
			case all == "":
				return errorResult(fmt.Sprintf("%s: %s has no fields", t.def.Name, at))
			}
			return errorResult(fmt.Sprintf("%s: %s has no field %q: use one of %s", t.def.Name, at, name, all))
		}
		// Required only when what holds it is.
		required = required && slices.Contains(requiredOf(node), name)
		node = p
		at = strings.TrimPrefix(at+"."+name, ".")
	}
	type described struct {
		Tool     string `json:"tool"`
		Argument string `json:"argument"`
		Required bool   `json:"required"`
		// Before the schema: an answer cut to the budget keeps it.
		Note   string `json:"note,omitempty"`
		Schema any    `json:"schema"`
	}
	out := described{Tool: t.def.Name, Argument: path, Required: required, Schema: node}
	b, _ := json.Marshal(out)
	if len(b) > s.cfg.MaxResultBytes {
		// The fields' descriptions go first, then the deepest levels.
		bare := withoutDescriptions(node)
		if d, ok := node["description"]; ok {
			bare["description"] = d
		}
		out.Schema = bare
		out.Note = fmt.Sprintf("The fields' descriptions are left out to fit a result: pass `argument` as %q to see one with its own.", path+".FIELD")
		b, _ = json.Marshal(out)
		for cut := listedDepth - 1; len(b) > s.cfg.MaxResultBytes && cut >= 1; cut-- {
			out.Schema = cutListed(bare, 1, cut)
			out.Note = fmt.Sprintf("The fields' descriptions, and the fields below level %d, are left out to fit a result: pass `argument` as %q to see one.", cut+1, path+".FIELD")
			b, _ = json.Marshal(out)
		}
	}
	if len(b) <= s.cfg.MaxResultBytes {
		return textResult(string(b))
	}
	kept, cut := truncateJSON(b, s.cfg.MaxResultBytes)
	return textResult(string(kept) + fmt.Sprintf("\n… truncated at %d of %d bytes", cut, len(b)))
}

// fieldsOf is the fields of an object schema, or of its items' for an
// array, those of the object alternatives of its anyOf, oneOf and allOf
// included (Stripe lists most nested objects as an anyOf of the object
// and the empty string).
func fieldsOf(s map[string]any) map[string]any {
	out := map[string]any{}
	var walk func(s map[string]any)
	walk = func(s map[string]any) {
		if p, ok := s["properties"].(map[string]any); ok {
			for k, v := range p {
				if _, seen := out[k]; !seen {
					out[k] = v
				}
			}
		} else if items, ok := s["items"].(map[string]any); ok {
			walk(items)
		}
		for _, k := range []string{"anyOf", "oneOf", "allOf"} {
			l, _ := s[k].([]any)
			for _, e := range l {
				if m, ok := e.(map[string]any); ok {
					walk(m)
				}
			}
		}
	}
	walk(s)
	return out
}

// requiredOf is the fields a value of schema s must have: its required
// ones, or its items', and those of the members of its allOf (an anyOf or
// oneOf alternative's apply only when that one is chosen).
func requiredOf(s map[string]any) []string {
	var out []string
	if _, ok := s["properties"]; ok {
		out = append(out, stringList(s["required"])...)
	} else if items, ok := s["items"].(map[string]any); ok {
		out = append(out, requiredOf(items)...)
	}
	l, _ := s["allOf"].([]any)
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, requiredOf(m)...)
		}
	}
	return out
}

// hasKey reports whether m has the key k.
func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}
