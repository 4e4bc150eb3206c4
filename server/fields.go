package server

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/restmcp/restmcp/client"
)

// Field selection: an operation that reads (GET) takes an
// optional argument, a list of dotted paths (results.id, items.owner.login),
// and its answer keeps only those fields before the result budget applies.
// Arrays are traversed: results.id keeps the id of every element of results.

// fieldsNames are the names the selection argument takes, in order of
// preference: an API parameter of the same name keeps its name, and the
// selection takes the next free one.
var fieldsNames = []string{"fields", "result_fields", "_fields"}

// fieldsDescription is the one sentence the schema says about it.
const fieldsDescription = "Keep only these answer fields (dotted paths)."

// selects reports whether an operation's answer is worth selecting from:
// a GET, whose answer is the data asked for (lists, records). A write
// answers with the one record written, and the argument would cost every
// write tool's listing its tokens for little.
func selects(op *client.Operation) bool {
	return op.Method == "GET"
}

// addFields adds the selection argument to props under its first free name
// and returns that name ("" when every name is taken).
func addFields(props map[string]any) string {
	for _, name := range fieldsNames {
		if _, taken := props[name]; !taken {
			props[name] = map[string]any{
				"type":        "array",
				"items":       map[string]any{"type": "string"},
				"description": fieldsDescription,
			}
			return name
		}
	}
	return ""
}

// takeFields removes the selection argument from args and returns its
// paths (nil when absent or empty).
func takeFields(in *inputSchema, args map[string]any) []string {
	if in == nil || in.fields == "" {
		return nil
	}
	v, ok := args[in.fields]
	if !ok {
		return nil
	}
	delete(args, in.fields)
	return stringList(v)
}

// fieldTree is a set of dotted paths as a tree; a nil subtree keeps the
// whole value.
type fieldTree map[string]fieldTree

func newFieldTree(paths []string) fieldTree {
	root := fieldTree{}
	for _, p := range paths {
		node := root
		parts := strings.Split(strings.TrimSpace(p), ".")
		for i, part := range parts {
			if part == "" {
				break
			}
			sub, seen := node[part]
			if i == len(parts)-1 {
				node[part] = nil // the whole value, whatever was asked below it
				break
			}
			if seen && sub == nil {
				break // already whole
			}
			if sub == nil {
				sub = fieldTree{}
				node[part] = sub
			}
			node = sub
		}
	}
	return root
}

// pick keeps the fields of v named by tree; arrays are traversed, and a
// value with no such field is left out (matched is false).
func (tree fieldTree) pick(v any) (out any, matched bool) {
	switch x := v.(type) {
	case map[string]any:
		o := map[string]any{}
		for k, sub := range tree {
			val, ok := x[k]
			if !ok {
				continue
			}
			if sub == nil {
				o[k], matched = val, true
				continue
			}
			if p, ok := sub.pick(val); ok {
				o[k], matched = p, true
			}
		}
		return o, matched
	case []any:
		if len(x) == 0 {
			// Nothing found is an answer, not a wrong path.
			return x, true
		}
		o := make([]any, 0, len(x))
		for _, e := range x {
			p, ok := tree.pick(e)
			if ok {
				matched = true
			} else if _, isObj := e.(map[string]any); !isObj {
				p = e
			} else {
				p = map[string]any{}
			}
			o = append(o, p)
		}
		return o, matched
	}
	return v, false
}

// selectFields returns body with only the fields named by paths. A body
// that is not JSON is returned as it is; when no path matches anything, the
// answer says which fields there are instead.
func selectFields(body []byte, paths []string) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return body
	}
	out, matched := newFieldTree(paths).pick(v)
	if !matched {
		has := "the answer has no fields"
		if names := fieldNames(v); len(names) > 0 {
			has = "the answer has: " + strings.Join(names, ", ")
		}
		return plainJSON(map[string]any{"note": "no field matched " + strings.Join(paths, ", ") + "; " + has})
	}
	if b := plainJSON(out); b != nil {
		return b
	}
	return body
}

// plainJSON is json.Marshal without HTML escaping: the text reaches the
// model as the API wrote it ("<b>&", not "\u003cb\u003e\u0026"), like
// every other result.
func plainJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// fieldNames lists the dotted paths of v's fields two levels deep (an
// array's elements are looked into).
func fieldNames(v any) []string {
	seen := map[string]bool{}
	var walk func(v any, prefix string, depth int)
	walk = func(v any, prefix string, depth int) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, prefix, depth)
			}
		case map[string]any:
			for k, e := range x {
				seen[prefix+k] = true
				if depth < 1 {
					walk(e, prefix+k+".", depth+1)
				}
			}
		}
	}
	walk(v, "", 0)
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
