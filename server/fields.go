package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/restmcp/restmcp/client"
)

// Field selection: an operation that reads (GET) takes an
// optional argument, a list of dotted paths (results.id, items.owner.login),
// and its answer keeps only those fields before the result budget applies.
// Arrays are traversed: results.id keeps the id of every element of results.
// A key with a dot in it is named as written (see pick), and so is one
// with spaces around it (see exactPaths), and the empty key: "" at the
// top, "a." below a, ".b" above b.

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

// pick keeps the fields of v that paths name; arrays are traversed, and a
// value with no such field is left out (matched is false). A path is read
// against the keys the answer has, so a key that holds a dot needs no
// escape: "meta.x.y" names the key "x.y" of meta when meta has it, and the
// field y of meta's "x" when that is there (both, when both are). A path
// that names a whole value keeps all of it, whatever else is asked below it.
func pick(v any, paths []string) (out any, matched bool) {
	switch x := v.(type) {
	case map[string]any:
		// The keys named, each with what is asked below it ("" for the
		// whole value); most objects meet a path or two.
		var buf [8]fieldHit
		hits := buf[:0]
		for _, p := range paths {
			// Every key p may begin with: up to each dot, and p whole.
			for i := 0; i <= len(p); i++ {
				if i < len(p) && p[i] != '.' {
					continue
				}
				if _, ok := x[p[:i]]; !ok {
					continue
				}
				h := fieldHit{key: p[:i], whole: i == len(p)}
				if !h.whole {
					h.rest = p[i+1:]
				}
				hits = append(hits, h)
			}
		}
		// Each key once, with every path below it: the hits grouped by
		// key (in the order of the paths within one), so that many paths
		// cost no pass over all of them per key.
		slices.SortStableFunc(hits, func(a, b fieldHit) int { return strings.Compare(a.key, b.key) })
		o := make(map[string]any, len(hits))
		for i := 0; i < len(hits); {
			key, whole := hits[i].key, false
			var sub []string
			for ; i < len(hits) && hits[i].key == key; i++ {
				if hits[i].whole {
					whole = true
				} else if !whole {
					sub = append(sub, hits[i].rest)
				}
			}
			if whole {
				o[key], matched = x[key], true
			} else if p, ok := pick(x[key], sub); ok {
				o[key], matched = p, true
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
			p, ok := pick(e, paths)
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

// fieldHit is a key of an object a path names, and the rest of the path
// below it unless the path names its whole value.
type fieldHit struct {
	key, rest string
	whole     bool
}

// selectFields returns body with only the fields named by paths. A body
// that is not JSON is returned as it is; when no path matches anything,
// miss is set instead, for the result to say which fields there are (see
// fieldMiss.note).
func selectFields(body []byte, paths []string) (out []byte, miss *fieldMiss) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return body, nil
	}
	picked, matched := pick(v, exactPaths(v, paths))
	if !matched {
		return nil, &fieldMiss{paths: paths, names: fieldNames(v)}
	}
	if b := plainJSON(picked); b != nil {
		return b, nil
	}
	return body, nil
}

// fieldMiss is a selection that matched nothing: the paths asked for and
// the names of the answer's fields (fieldNames).
type fieldMiss struct {
	paths, names []string
}

// note is the result of a selection that matched nothing, JSON within
// budget bytes: {"note":"no field matched x; the answer has: a, b"}. The
// names, the answer's, are redacted as its body is (in their JSON text),
// and so are the paths, which a result never shows spelling the key
// either (as the URL path of an error); the words around them are
// restmcp's own and are not, so that a short key that is a common word
// leaves them whole. What the budget leaves no room for is counted
// instead ("… (12 more)").
func (m *fieldMiss) note(r *client.Response, budget int) []byte {
	const open, end = `{"note":"`, `"}`
	var b strings.Builder
	b.WriteString(open)
	b.WriteString("no field matched ")
	paths := make([]string, len(m.paths))
	for i, p := range m.paths {
		paths[i] = r.Redact(shownPath(p))
	}
	// The paths, which the call sets, get half of the budget at most: the
	// names are what the note is for.
	listWithin(&b, paths, budget/2)
	if len(m.names) == 0 {
		b.WriteString("; the answer has no fields")
	} else {
		b.WriteString("; the answer has: ")
		names := make([]string, len(m.names))
		for i, n := range m.names {
			names[i] = r.Redact(shownPath(n))
		}
		listWithin(&b, names, budget-len(end))
	}
	b.WriteString(end)
	if b.Len() > budget {
		// A budget too small for one name and the count of the rest.
		return []byte(open + "no field matched" + end)
	}
	return []byte(b.String())
}

// listWithin writes items to b, separated by ", ", as many as leave b
// within limit bytes with room to count the rest ("… (3 more)").
func listWithin(b *strings.Builder, items []string, limit int) {
	for i, it := range items {
		sep := ", "
		if i == 0 {
			sep = ""
		}
		more := ""
		if left := len(items) - i - 1; left > 0 {
			more = fmt.Sprintf(", … (%d more)", left)
		}
		if b.Len()+len(sep)+len(it)+len(more) > limit {
			fmt.Fprintf(b, "%s… (%d more)", sep, len(items)-i)
			return
		}
		b.WriteString(sep)
		b.WriteString(it)
	}
}

// shownPath is the path p as the note lists it, in its JSON text: the empty
// path, which names the empty key, as "", its JSON spelling, so that it
// shows in the list.
func shownPath(p string) string {
	if p == "" {
		return `\"\"`
	}
	return jsonText(p)
}

// jsonText is s as it reads inside a JSON string (plainJSON's escapes).
func jsonText(s string) string {
	b := plainJSON(s)
	return string(b[1 : len(b)-1])
}

// exactPaths is paths as v's keys are named: a path as given when it
// names a field of v (a key may begin or end with spaces), else without
// the spaces around it, which are forgiven; a path that is then empty
// names the empty key when v has one, else nothing.
func exactPaths(v any, paths []string) []string {
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if t := strings.TrimSpace(p); t != p && !names(v, p) {
			p = t
		}
		if p != "" || names(v, p) {
			out = append(out, p)
		}
	}
	return out
}

// names reports whether path p names a field of v, as pick reads it
// (arrays traversed).
func names(v any, p string) bool {
	switch x := v.(type) {
	case map[string]any:
		for i := 0; i <= len(p); i++ {
			if i < len(p) && p[i] != '.' {
				continue
			}
			if e, ok := x[p[:i]]; ok && (i == len(p) || names(e, p[i+1:])) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if names(e, p) {
				return true
			}
		}
	}
	return false
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
