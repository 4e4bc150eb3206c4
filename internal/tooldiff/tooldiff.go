// Package tooldiff compares two tool listings (tools/list's tools, as JSON)
// and says what changed for a model or a client that relied on the first:
// tools added, removed or probably renamed, arguments added, removed,
// newly required or of another type, enum values gone, a read-only tool
// that now writes, descriptions reworded.
package tooldiff

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/restmcp/restmcp/internal/fieldnote"
)

// Change is one difference between two listings.
type Change struct {
	Tool string `json:"tool"`
	// Argument is the argument's path: "a.b" for a field of an object,
	// "a[].b" for a field of an array's items; "" for the tool itself.
	Argument string `json:"argument,omitempty"`
	// What says what changed, in words.
	What string `json:"what"`
	// Breaking is set when a call or a rule made against the old listing
	// may now fail or mean something else.
	Breaking bool `json:"breaking"`
	// Before and After are the texts of a description that changed, as
	// listed (absent when empty), or the old and new names of a tool
	// probably renamed.
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Limit is set for a change of a limit (a bound, a length, a
	// pattern, a format…).
	Limit bool `json:"-"`
}

// DescriptionChanged is the What of a change of a tool's or an
// argument's description. It breaks no call, but a model may fill the
// argument or pick the tool otherwise.
const DescriptionChanged = "description changed"

// TitleChanged is the What of a change of a tool's title, said with its
// descriptions.
const TitleChanged = "title changed"

func (c Change) String() string {
	s := c.Tool + ": "
	if c.Argument != "" {
		s += fmt.Sprintf("argument %q ", c.Argument)
	}
	s += c.What
	if c.Breaking {
		s += " (breaking)"
	}
	return s
}

// ErrNotListing is returned by Compare when the old listing is not a
// listing (an OpenAPI description, say).
var ErrNotListing = errors.New("not a JSON array of tools (what `tools --json` prints)")

// tool is what a comparison reads of a listed tool.
type tool struct {
	Name        string         `json:"name"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	InputSchema map[string]any `json:"inputSchema"`
	Annotations *struct {
		ReadOnlyHint    bool  `json:"readOnlyHint"`
		DestructiveHint *bool `json:"destructiveHint"`
		IdempotentHint  bool  `json:"idempotentHint"`
	} `json:"annotations"`
}

// parse reads a listing: a JSON array of tools, as `tools --json` prints
// it (or tools/list's result, {"tools": [...]}). ok is false when data is
// not a listing at all (an OpenAPI description, say); err is set when it
// is one but cannot be read.
func parse(data []byte) (tools []tool, ok bool, err error) {
	var list []json.RawMessage
	if err := json.Unmarshal(data, &list); err != nil {
		var result struct {
			Tools []json.RawMessage `json:"tools"`
		}
		if json.Unmarshal(data, &result) != nil || result.Tools == nil {
			return nil, false, nil
		}
		list = result.Tools
	}
	seen := map[string]bool{}
	for i, raw := range list {
		var t tool
		if err := json.Unmarshal(raw, &t); err != nil || t.Name == "" {
			return nil, true, fmt.Errorf("tool %d of the listing is not a tool (an object with a name and an inputSchema)", i+1)
		}
		if seen[t.Name] {
			return nil, true, fmt.Errorf("the listing has two tools named %q", t.Name)
		}
		seen[t.Name] = true
		tools = append(tools, t)
	}
	return tools, true, nil
}

// Compare says what changed from the listing old to the listing new
// (both JSON arrays of tools, as `tools --json` prints them, or
// tools/list results), tools in name order, the changes of a tool
// in argument order.
//
// A tool removed and one added that say the same (description and
// arguments) are said as one, probably renamed, when neither could be
// another's: no other tool removed or added says the same. So are two
// that changed too, with their changes, when they say the same of
// themselves, as no other tool does, and keep most arguments (renames).
func Compare(old, new []byte) ([]Change, error) {
	before, ok, err := parse(old)
	if err == nil && !ok {
		err = ErrNotListing
	}
	if err != nil {
		return nil, err
	}
	after, ok, err := parse(new)
	if err == nil && !ok {
		err = fmt.Errorf("the new listing: %w", ErrNotListing)
	}
	if err != nil {
		return nil, err
	}
	byName := func(l []tool) map[string]tool {
		m := make(map[string]tool, len(l))
		for _, t := range l {
			m[t.Name] = t
		}
		return m
	}
	a, b := byName(before), byName(after)
	names := slices.Sorted(maps.Keys(a))
	for n := range b {
		if _, ok := a[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	renamed := renames(a, b)
	var out []Change
	for _, n := range names {
		ta, inA := a[n]
		tb, inB := b[n]
		switch {
		case !inB && renamed[n] != "":
			// Said under its new name.
		case !inB && isDescribeTool(ta) && !namesFields(after):
			// Gone with what it was for: no call needs it any more.
			out = append(out, Change{Tool: n, What: "no longer listed: no tool lists its fields by name alone any more"})
		case !inB:
			out = append(out, Change{Tool: n, What: "removed", Breaking: true})
		case !inA && renamed[n] != "":
			// Prompts and permission rules name the old name: breaking.
			was := renamed[n]
			out = append(out, Change{Tool: n, What: "probably renamed from " + was, Breaking: true, Before: was, After: n})
			ta = a[was]
			ta.Name = n
			out = append(out, compareTool(ta, tb)...)
		case !inA:
			out = append(out, Change{Tool: n, What: "added"})
		default:
			out = append(out, compareTool(ta, tb)...)
		}
	}
	return out, nil
}

// describeToolTitle is the title of describe_tool, which the operations
// layout lists while some tool lists an argument by its field names alone.
const describeToolTitle = "Describe a tool"

// isDescribeTool reports whether t is that describe_tool: its title, and
// its name after any prefix, numbered (describe_tool_2) when an operation
// has the name.
func isDescribeTool(t tool) bool {
	name := t.Name
	if i := strings.LastIndexByte(name, '_'); i >= 0 && i+1 < len(name) && strings.Trim(name[i+1:], "0123456789") == "" {
		name = name[:i]
	}
	return t.Title == describeToolTitle && (name == "describe_tool" || strings.HasSuffix(name, "_describe_tool"))
}

// namesFields reports whether a tool of the listing lists an argument, or
// a field of one, by its field names alone, or without them as one cut
// short: what describe_tool is listed for.
func namesFields(tools []tool) bool {
	var walk func(v any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case map[string]any:
			n := fieldnote.Words(note(v))
			if strings.HasPrefix(n, "(fields: ") || strings.HasPrefix(n, "(items' fields: ") || n == "(fields not listed)" {
				return true
			}
			for _, x := range v {
				if walk(x) {
					return true
				}
			}
		case []any:
			return slices.ContainsFunc(v, walk)
		}
		return false
	}
	return slices.ContainsFunc(tools, func(t tool) bool { return walk(t.InputSchema) })
}

// renames pairs the tools of a that b has not with those of b that a has
// not: both ways, the new name to the old and the old to the new. First
// those that say the same (signature), then, of the others, those that
// changed too but say the same of themselves (summary), which no other
// tool of either listing says (a title such as "Delete" that many tools
// share tells none apart), run the same operation as far as their
// descriptions say, and keep most of their arguments.
func renames(a, b map[string]tool) map[string]string {
	m := map[string]string{}
	pair(a, b, m, signature, nil)
	count := func(l map[string]tool) map[string]int {
		c := map[string]int{}
		for _, t := range l {
			c[summary(t)]++
		}
		return c
	}
	ca, cb := count(a), count(b)
	pair(a, b, m, func(t tool) string {
		if s := summary(t); s != "\x00" && ca[s] <= 1 && cb[s] <= 1 {
			return s
		}
		return ""
	}, func(x, y tool) bool { return sameOperation(x, y) && sameArguments(x, y) })
	return m
}

// pair pairs in m the tools of a that b has not with those of b that a
// has not, neither paired yet, when one of each, and no other, has the
// same key (not "") and, with same set, same says they are alike.
func pair(a, b map[string]tool, m map[string]string, key func(tool) string, same func(x, y tool) bool) {
	byKey := map[string][2][]string{}
	add := func(side int, l, other map[string]tool) {
		for n, t := range l {
			if _, ok := other[n]; ok || m[n] != "" {
				continue
			}
			if k := key(t); k != "" {
				e := byKey[k]
				e[side] = append(e[side], n)
				byKey[k] = e
			}
		}
	}
	add(0, a, b)
	add(1, b, a)
	for _, e := range byKey {
		if len(e[0]) == 1 && len(e[1]) == 1 && (same == nil || same(a[e[0][0]], b[e[1][0]])) {
			m[e[0][0]], m[e[1][0]] = e[1][0], e[0][0]
		}
	}
}

// summary is what a tool says of itself besides its arguments, by its
// words: its title (the operation's summary, which a new name leaves as
// it was, where the description may now say more), else its
// description; "" for one that says neither.
func summary(t tool) string {
	if title := strings.Fields(t.Title); len(title) > 0 {
		return strings.Join(title, " ")
	}
	return "\x00" + strings.Join(strings.Fields(t.Description), " ")
}

// sameOperation reports whether two tools may run the same operation:
// the method and path that end the description of each, when both say
// them, are the same.
func sameOperation(x, y tool) bool {
	mx, my := methodPath(x.Description), methodPath(y.Description)
	return mx == "" || my == "" || mx == my
}

// methodPath is the last paragraph of a description when it is an
// operation's method and path ("GET /pets/{id}"), else "".
func methodPath(d string) string {
	d = strings.TrimSpace(d)
	if i := strings.LastIndex(d, "\n\n"); i >= 0 {
		d = strings.TrimSpace(d[i+2:])
	}
	method, path, ok := strings.Cut(d, " ")
	if !ok || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \t\n") {
		return ""
	}
	switch method {
	case "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE":
		return d
	}
	return ""
}

// sameArguments reports whether two tools share at least half of the
// arguments either takes (or both take none).
func sameArguments(x, y tool) bool {
	px, py := props(x.InputSchema), props(y.InputSchema)
	shared := 0
	for k := range px {
		if _, ok := py[k]; ok {
			shared++
		}
	}
	return 2*shared >= len(px)+len(py)-shared
}

// signature is what a tool says besides its name: its description and
// its arguments, descriptions by their words; "" for one that says
// nothing (no description, no argument), which tells no tool from
// another.
func signature(t tool) string {
	desc := strings.Join(strings.Fields(t.Description), " ")
	if desc == "" && len(props(t.InputSchema)) == 0 {
		return ""
	}
	schema, err := json.Marshal(spaced(t.InputSchema))
	if err != nil {
		return ""
	}
	return desc + "\x00" + string(schema)
}

// spaced is a copy of a schema whose descriptions are their words spaced
// by one space.
func spaced(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			if d, ok := x.(string); ok && k == "description" {
				x = strings.Join(strings.Fields(d), " ")
			}
			m[k] = spaced(x)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, x := range v {
			l[i] = spaced(x)
		}
		return l
	}
	return v
}

func compareTool(a, b tool) []Change {
	var out []Change
	switch {
	case readOnly(a) && !readOnly(b) && destructive(b):
		out = append(out, Change{Tool: a.Name, What: "is no longer read-only and may now destroy or overwrite data (destructiveHint)", Breaking: true})
	case readOnly(a) && !readOnly(b):
		out = append(out, Change{Tool: a.Name, What: "is no longer read-only", Breaking: true})
	case !readOnly(a) && !destructive(a) && destructive(b):
		out = append(out, Change{Tool: a.Name, What: "may now destroy or overwrite data (destructiveHint)", Breaking: true})
	case !readOnly(a) && readOnly(b):
		out = append(out, Change{Tool: a.Name, What: "is read-only now"})
	case destructive(a) && !destructive(b):
		// Calls still work, but rules that ask before a destructive
		// tool runs may now let it run unasked.
		out = append(out, Change{Tool: a.Name, What: "no longer says it may destroy or overwrite data (destructiveHint false): permission rules may now let it run without asking"})
	}
	if !readOnly(a) && !readOnly(b) && idempotent(a) != idempotent(b) {
		if idempotent(b) {
			out = append(out, Change{Tool: a.Name, What: "is idempotent now (idempotentHint)"})
		} else {
			out = append(out, Change{Tool: a.Name, What: "is no longer idempotent (idempotentHint): a call retried may repeat its effect"})
		}
	}
	var args []Change
	compareNode(a.Name, "", a.InputSchema, b.InputSchema, view{}, view{}, &args)
	// An argument's description last among its changes, and once: the
	// members of its anyOf have theirs.
	slices.SortStableFunc(args, func(x, y Change) int {
		return cmp.Or(strings.Compare(x.Argument, y.Argument), cmpBool(x.What == DescriptionChanged, y.What == DescriptionChanged))
	})
	args = slices.CompactFunc(args, func(x, y Change) bool {
		return x.Argument == y.Argument && x.What == DescriptionChanged && y.What == DescriptionChanged
	})
	// Once each: an enum's values are the argument's and its members'.
	seen := map[Change]bool{}
	args = slices.DeleteFunc(args, func(c Change) bool {
		dup := seen[c]
		seen[c] = true
		return dup
	})
	out = append(out, args...)
	if !sameText(a.Title, b.Title) {
		out = append(out, Change{Tool: a.Name, What: TitleChanged, Before: a.Title, After: b.Title})
	}
	if !sameText(a.Description, b.Description) {
		out = append(out, Change{Tool: a.Name, What: DescriptionChanged, Before: a.Description, After: b.Description})
	}
	return out
}

func cmpBool(x, y bool) int {
	switch {
	case x == y:
		return 0
	case y:
		return -1
	}
	return 1
}

// sameText reports whether two descriptions say the same words, however
// spaced.
func sameText(a, b string) bool {
	return slices.Equal(strings.Fields(a), strings.Fields(b))
}

func readOnly(t tool) bool { return t.Annotations != nil && t.Annotations.ReadOnlyHint }

// idempotent is the tool's idempotentHint, false by default.
func idempotent(t tool) bool { return t.Annotations != nil && t.Annotations.IdempotentHint }

// destructive is the tool's destructiveHint, whose default is true for a
// tool that is not read-only.
func destructive(t tool) bool {
	if readOnly(t) {
		return false
	}
	return t.Annotations == nil || t.Annotations.DestructiveHint == nil || *t.Annotations.DestructiveHint
}

// compareNode compares the object schemas a and b found at path (its
// fields: their presence, whether required, their types and enums) and
// goes into the fields both have. The fields of a schema are its own with
// those of its allOf members, or, when it has none, those of the object
// members of its anyOf or oneOf (fieldsOf).
//
// A field whose fields one listing shows and the other does not is
// compared no further. When the listing shows the other in short (va, vb:
// a large body lists its deeper objects by their type and a note naming
// their fields), that is a change in the listing, not in the calls it
// takes, but for the fields the note names as required: where the other
// did not require them, calls that leave them out break. When the old one
// lists none because it has none (a free-form object, which took any
// fields), the fields the new one requires, listed or named, break calls
// that leave them out.
func compareNode(name, path string, a, b map[string]any, va, vb view, out *[]Change) {
	fa, fb := fieldsOf(a, va), fieldsOf(b, vb)
	if path == "" {
		// A tool's arguments: none when it lists none.
		fa, fb = arguments(a), arguments(b)
	}
	if fa.members == 1 && fb.members == 1 {
		// One object member each side: compared as alternatives.
		return
	}
	listedA, listedB := fa.kind == fieldsListed, fb.kind == fieldsListed
	if listedA && listedB {
		compareFields(name, path, fa, fb, out)
		return
	}
	if listedA != listedB {
		what := "fields no longer listed"
		if listedB {
			what = "fields listed now"
		}
		*out = append(*out, Change{Tool: name, Argument: path, What: what})
	}
	removedNamed(name, path, fa, fb, out)
	for _, k := range slices.Sorted(maps.Keys(fb.required)) {
		switch {
		case fa.required[k], fa.kind == fieldsUnknown:
		case fa.kind == fieldsFree, !fa.names[k] && fa.complete:
			*out = append(*out, Change{Tool: name, Argument: join(path, k), What: "added, required", Breaking: true})
		default:
			// Named, or maybe among those a note counts.
			*out = append(*out, Change{Tool: name, Argument: join(path, k), What: "now required", Breaking: true})
		}
	}
}

// removedNamed says the fields that the old listing lists or names and
// the new one, naming some by a note, does not: each removed, as a field
// no longer listed is, when the new note names them all. One that counts
// those it does not name ("; 3 more") may count any of these among them,
// but no more of them than it counts: past that count some are gone,
// which ones it does not tell, and within it nothing can be said. A side
// that takes any field, or says nothing of them, tells no field gone.
func removedNamed(name, path string, fa, fb fields, out *[]Change) {
	if fa.kind < fieldsNamed || fb.kind < fieldsNamed {
		return
	}
	var gone []string
	for _, k := range slices.Sorted(maps.Keys(fa.names)) {
		if !fb.names[k] {
			gone = append(gone, k)
		}
	}
	switch {
	case fb.complete:
		for _, k := range gone {
			*out = append(*out, Change{Tool: name, Argument: join(path, k), What: "removed", Breaking: true})
		}
	case len(gone) > fb.more:
		*out = append(*out, Change{Tool: name, Argument: path, What: fmt.Sprintf("at least %d of its fields %s removed", len(gone)-fb.more, strings.Join(gone, ", ")), Breaking: true})
	}
}

// compareFields compares the fields two listings list of an argument.
func compareFields(name, path string, fa, fb fields, out *[]Change) {
	pa, pb := fa.props, fb.props
	ra, rb := fa.required, fb.required
	for _, k := range slices.Sorted(maps.Keys(pa)) {
		if _, ok := pb[k]; !ok {
			*out = append(*out, Change{Tool: name, Argument: join(path, k), What: "removed", Breaking: true})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(pb)) {
		arg := join(path, k)
		sa, inA := pa[k]
		sb := pb[k]
		switch {
		case !inA && rb[k]:
			*out = append(*out, Change{Tool: name, Argument: arg, What: "added, required", Breaking: true})
			continue
		case !inA:
			*out = append(*out, Change{Tool: name, Argument: arg, What: "added"})
			continue
		case rb[k] && !ra[k]:
			*out = append(*out, Change{Tool: name, Argument: arg, What: "now required", Breaking: true})
		case ra[k] && !rb[k]:
			*out = append(*out, Change{Tool: name, Argument: arg, What: "no longer required"})
		}
		compareValue(name, arg, sa, sb, view{}, view{}, out)
	}
}

// fieldKind is how much a schema says of the fields it takes.
type fieldKind int

const (
	// fieldsUnknown: nothing, it is no object or one shown in short.
	fieldsUnknown fieldKind = iota
	// fieldsFree: a free-form object, which takes any fields.
	fieldsFree
	// fieldsNamed: its fields are named by a note, not listed.
	fieldsNamed
	// fieldsListed: its fields are listed.
	fieldsListed
)

// fields is what a schema says of the fields it takes.
type fields struct {
	kind  fieldKind
	props map[string]map[string]any // listed
	// names are the fields listed or named; complete is set when they
	// are all the fields it takes (a note that counts others is not).
	names    map[string]bool
	complete bool
	// more is, when not complete, at most how many fields it takes that
	// names leaves out (the count of a note, or the sum of those of the
	// notes of members).
	more     int
	required map[string]bool
	// members is how many object members of an anyOf or oneOf the
	// fields are those of; 0 for the schema's own.
	members int
}

// arguments is the fields of a tool's input schema: none when it lists
// none.
func arguments(s map[string]any) fields {
	if f, ok := allFields(s); ok && f.kind == fieldsListed {
		return f
	}
	return ownFields(s)
}

// ownFields is the fields a schema lists itself, none when it lists none.
func ownFields(s map[string]any) fields {
	p := props(s)
	names := make(map[string]bool, len(p))
	for k := range p {
		names[k] = true
	}
	return fields{kind: fieldsListed, props: p, names: names, complete: true, required: set(s["required"])}
}

// fieldsOf is what a schema that the listing shows as v says of its
// fields: those it lists, with those its allOf members list or name
// (allFields); those the note that shows it in short names, or nothing
// when the listing shows it in short otherwise; else, when its anyOf or
// oneOf has object members, theirs, as any of them takes them (a field
// any member lists or names, required when every member requires it; any
// field when a member is free-form); else any field for an object (or a
// schema that says no type), which is free-form.
func fieldsOf(s map[string]any, v view) fields {
	f, ok := allFields(s)
	switch {
	case ok:
		return f
	case v.named != nil:
		return *v.named
	case v.short:
		return fields{}
	}
	if members := objectMembers(s); len(members) > 0 {
		var f fields
		for i, m := range members {
			vm, _ := shownBy(m, view{})
			if i == 0 {
				f = fieldsOf(m, vm)
			} else {
				f = either(f, fieldsOf(m, vm))
			}
		}
		f.members = len(members)
		return f
	}
	if t := takes(s); t.any || slices.Contains(t.types, "object") {
		return fields{kind: fieldsFree}
	}
	return fields{}
}

// view is how a listing shows a schema: whole (the zero view), or in
// short, as part of the one above it (an array's items) or by a note
// that stands for what it does not list; named is what a note that
// names its fields says of them.
type view struct {
	short bool
	named *fields
}

// shownBy is how the listing shows a schema that the one above it shows
// as v, and how it shows its items: by its own note, if it has one.
func shownBy(s map[string]any, v view) (self, items view) {
	n := fieldnote.Words(note(s))
	if n == "" {
		return v, view{short: v.short}
	}
	self, items = view{short: true}, view{short: true}
	if f, ok := namedFields(n, "(fields: "); ok {
		self.named = &f
	}
	if f, ok := namedFields(n, "(items' fields: "); ok {
		items.named = &f
	}
	return self, items
}

// namedFields reads a note that names fields, "(fields: required a, b;
// optional c; 3 more)" or "(fields: c, d)", with its prefix (a note in
// braces, in those words: fieldnote.Words).
func namedFields(n, prefix string) (fields, bool) {
	body, ok := strings.CutPrefix(n, prefix)
	if !ok {
		return fields{}, false
	}
	f := fields{kind: fieldsNamed, names: map[string]bool{}, complete: true, required: map[string]bool{}}
	for _, part := range strings.Split(strings.TrimSuffix(body, ")"), "; ") {
		if count, ok := strings.CutSuffix(part, " more"); ok && count != "" && strings.Trim(count, "0123456789") == "" {
			n, err := strconv.Atoi(count)
			if err != nil {
				n = math.MaxInt
			}
			f.complete, f.more = false, satAdd(f.more, n)
			continue
		}
		required := false
		if rest, ok := strings.CutPrefix(part, "required "); ok {
			part, required = rest, true
		} else if rest, ok := strings.CutPrefix(part, "optional "); ok {
			part = rest
		}
		for _, k := range strings.Split(part, ", ") {
			f.names[k] = true
			if required {
				f.required[k] = true
			}
		}
	}
	return f, true
}

// satAdd is x+y, or math.MaxInt past it.
func satAdd(x, y int) int {
	if x > math.MaxInt-y {
		return math.MaxInt
	}
	return x + y
}

// allFields is the fields a schema lists and those its allOf members say
// (of which a value takes all): a field any of them lists or names,
// required when one requires it. ok is false when none says any (a
// member that takes any field says none).
func allFields(s map[string]any) (f fields, ok bool) {
	if _, listed := s["properties"]; listed {
		f, ok = ownFields(s), true
	}
	list, _ := s["allOf"].([]any)
	for _, m := range list {
		m, isMap := m.(map[string]any)
		if !isMap {
			continue
		}
		vm, _ := shownBy(m, view{})
		switch g := fieldsOf(m, vm); {
		case g.kind == fieldsFree:
		case !ok:
			f, ok = g, true
		default:
			f = both(f, g)
		}
	}
	return f, ok
}

// both is the fields of a value that follows x and y: those either lists
// or names (a field both list, differently, follows both schemas), those
// either requires.
func both(x, y fields) fields {
	if x.kind == fieldsUnknown || y.kind == fieldsUnknown {
		return fields{}
	}
	f := fields{kind: fieldsNamed, names: maps.Clone(x.names), complete: x.complete && y.complete, more: satAdd(x.more, y.more), required: maps.Clone(x.required)}
	maps.Copy(f.names, y.names)
	maps.Copy(f.required, y.required)
	if x.kind == fieldsListed && y.kind == fieldsListed {
		f.kind, f.props = fieldsListed, merge(x.props, y.props, "allOf")
	}
	return f
}

// merge is the fields of x and y, a field both list differently as the
// keyword ("anyOf", "allOf") of the two schemas, described as x's.
func merge(x, y map[string]map[string]any, keyword string) map[string]map[string]any {
	m := maps.Clone(x)
	for k, sy := range y {
		sx, ok := m[k]
		switch {
		case !ok:
			m[k] = sy
		case !reflect.DeepEqual(sx, sy):
			s := map[string]any{keyword: []any{sx, sy}}
			// Without x's note: it stands for x's fields alone.
			d, _ := sx["description"].(string)
			if n, i := noteAt(sx); n != "" {
				d = strings.TrimSpace(d[:i] + d[i+len(n):])
			}
			if d != "" {
				s["description"] = d
			}
			m[k] = s
		}
	}
	return m
}

// objectMembers are the members of the schema's anyOf and oneOf that take
// objects alone.
func objectMembers(s map[string]any) []map[string]any {
	var l []map[string]any
	for _, k := range []string{"anyOf", "oneOf"} {
		alts, _ := s[k].([]any)
		for _, alt := range alts {
			if m, ok := alt.(map[string]any); ok && takes(m).String() == "object" {
				l = append(l, m)
			}
		}
	}
	return l
}

// either is the fields of a value that follows x or y: those either
// lists or names (a field both list, differently, follows either schema),
// those both require.
func either(x, y fields) fields {
	switch {
	case x.kind == fieldsFree || y.kind == fieldsFree:
		return fields{kind: fieldsFree}
	case x.kind == fieldsUnknown || y.kind == fieldsUnknown:
		return fields{}
	}
	f := fields{kind: fieldsNamed, names: maps.Clone(x.names), complete: x.complete && y.complete, more: satAdd(x.more, y.more), required: map[string]bool{}}
	maps.Copy(f.names, y.names)
	for k := range x.required {
		if y.required[k] {
			f.required[k] = true
		}
	}
	if x.kind == fieldsListed && y.kind == fieldsListed {
		f.kind, f.props = fieldsListed, merge(x.props, y.props, "anyOf")
	}
	return f
}

// compareValue compares the schemas of one argument. va and vb say how
// the listing shows a side as part of the one above it (the items of an
// array listed by a note naming their fields).
func compareValue(name, arg string, a, b map[string]any, va, vb view, out *[]Change) {
	if !va.short && !vb.short {
		compareDescription(name, arg, a, b, out)
	}
	va, itemsA := shownBy(a, va)
	vb, itemsB := shownBy(b, vb)
	if compareTypes(name, arg, a, b, va.short, vb.short, out) {
		return
	}
	// Paired members' values are compared member by member (below);
	// else the members' values are the argument's.
	members := !paired(a, b)
	compareValues(name, arg, valuesOf(a, members), valuesOf(b, members), out)
	if !va.short && !vb.short {
		compareLimits(name, arg, a, b, out)
	}
	compareNode(name, arg, a, b, va, vb, out)
	if ia, ib := items(a), items(b); ia != nil && ib != nil {
		compareValue(name, arg+"[]", ia, ib, itemsA, itemsB, out)
	}
	// The alternatives of an anyOf or oneOf, each with the one of the
	// same types: their enums and fields.
	altA, altB := alternatives(a), alternatives(b)
	for _, k := range slices.Sorted(maps.Keys(altA)) {
		if sb := altB[k]; altA[k] != nil && sb != nil {
			compareValue(name, arg, altA[k], sb, view{}, view{}, out)
		}
	}
}

// compareDescription says whether an argument's description changed. The
// note by which a listing stands for fields or values it does not list
// is left out, wherever it sits, when one side has it and the other not:
// that is how deep the listing goes, said on its own.
func compareDescription(name, arg string, a, b map[string]any, out *[]Change) {
	da, _ := a["description"].(string)
	db, _ := b["description"].(string)
	ta, tb := da, db
	na, ia := noteAt(a)
	nb, ib := noteAt(b)
	if (na == "") != (nb == "") {
		ta, tb = da[:ia]+" "+da[ia+len(na):], db[:ib]+" "+db[ib+len(nb):]
	} else if na != "" {
		// The same note in braces or in words says the same.
		ta, tb = da[:ia]+fieldnote.Words(na)+da[ia+len(na):], db[:ib]+fieldnote.Words(nb)+db[ib+len(nb):]
	}
	ta, tb = listedForWords(ta), listedForWords(tb)
	if !sameText(ta, tb) {
		*out = append(*out, Change{Tool: name, Argument: arg, What: DescriptionChanged, Before: da, After: db})
	}
}

// compareTypes says whether the types an argument takes changed, and
// reports whether they narrowed: a type it took and no longer takes
// (any type, for an argument that said none and now says one) breaks
// calls; one more (or number for integer, or any for a type) does not.
// Types read from the new side's fields or items (object, array) are
// compared as said ones; those read from its enum are left to the enum's
// comparison. A side the listing shows in short (short) may lack the
// type its full schema says, so only a type it says is compared.
func compareTypes(name, arg string, a, b map[string]any, shortA, shortB bool, out *[]Change) (narrowed bool) {
	ta, tb := takes(a), takes(b)
	switch {
	case ta.any == tb.any && slices.Equal(ta.types, tb.types), shortA && !ta.said, shortB && !tb.said:
		return false
	case !tb.any && !tb.said && tb.enum:
		// Types read from the new side's enum: its values, compared on
		// their own, are what limit it.
		return false
	}
	narrowed = !tb.any && (ta.any || slices.ContainsFunc(ta.types, func(t string) bool {
		return !slices.Contains(tb.types, t) && (t != "integer" || !slices.Contains(tb.types, "number"))
	}))
	if !narrowed && !ta.any && !tb.any && !ta.said {
		// Types read from the old side's enum or fields, none gone.
		return false
	}
	*out = append(*out, Change{Tool: name, Argument: arg, What: fmt.Sprintf("type %s → %s", ta, tb), Breaking: narrowed})
	return narrowed
}

// alternatives are the members of the schema's anyOf and oneOf by their
// types ("integer", "object", "null|string"); nil for types that two
// members share, which cannot be told apart.
func alternatives(s map[string]any) map[string]map[string]any {
	var m map[string]map[string]any
	for _, k := range []string{"anyOf", "oneOf"} {
		alts, _ := s[k].([]any)
		for _, alt := range alts {
			a, ok := alt.(map[string]any)
			t := takes(a)
			if !ok || t.any {
				continue
			}
			key := t.String()
			if m == nil {
				m = map[string]map[string]any{}
			}
			if _, seen := m[key]; seen {
				a = nil
			}
			m[key] = a
		}
	}
	return m
}

// paired reports whether the members of the anyOf and oneOf of a and b
// pair one to one by their types, to be compared so (alternatives).
func paired(a, b map[string]any) bool {
	altA, altB := alternatives(a), alternatives(b)
	if len(altA) == 0 || len(altA) != len(altB) {
		return false
	}
	for k, x := range altA {
		if x == nil || altB[k] == nil {
			return false
		}
	}
	return true
}

// valueSet is the values a schema takes, as far as enums tell them: those
// it lists, as JSON texts, and the types of which it takes any value.
type valueSet struct {
	listed map[string]bool
	open   map[string]bool
	any    bool
}

// valuesOf is the values the schema takes: its enum; else, with members
// set, those of the members of its anyOf and oneOf, each of which takes
// its enum's values, or any value of its types (a member that takes null
// alone, that value); else any value of its types.
func valuesOf(s map[string]any, members bool) valueSet {
	if e := enum(s); e != nil {
		return valueSet{listed: e}
	}
	var alts []map[string]any
	if members {
		for _, k := range []string{"anyOf", "oneOf"} {
			l, _ := s[k].([]any)
			for _, alt := range l {
				if m, ok := alt.(map[string]any); ok {
					alts = append(alts, m)
				}
			}
		}
	}
	if len(alts) == 0 {
		t := takes(s)
		v := valueSet{any: t.any, open: map[string]bool{}}
		for _, x := range t.types {
			v.open[x] = true
		}
		return v
	}
	v := valueSet{listed: map[string]bool{}, open: map[string]bool{}}
	for _, alt := range alts {
		m := valuesOf(alt, true)
		if m.any {
			return m
		}
		if len(m.listed) == 0 && len(m.open) == 1 && m.open["null"] {
			m = valueSet{listed: map[string]bool{"null": true}}
		}
		maps.Copy(v.listed, m.listed)
		maps.Copy(v.open, m.open)
	}
	return v
}

// anyOf reports whether the set takes any value of type t (a number's
// any integer too).
func (v valueSet) anyOf(t string) bool {
	return v.any || v.open[t] || t == "integer" && v.open["number"]
}

// takes reports whether the set takes the value x, a JSON text.
func (v valueSet) takes(x string) bool {
	return v.listed[x] || v.anyOf(valueType(x))
}

// compareValues says what values an argument no longer takes, or takes
// now. A listed value is gone when the new side takes it neither as
// listed nor as any value of its type; one is new when the old side took
// it neither way. A type of which the old side took any value and the new
// one only those it lists is narrowed to them; the other way round, it is
// widened. A type neither lists nor takes is the types' comparison's.
func compareValues(name, arg string, a, b valueSet, out *[]Change) {
	var gone, only, widened, added []string
	for _, x := range slices.Sorted(maps.Keys(a.listed)) {
		switch t := valueType(x); {
		case !b.takes(x):
			gone = append(gone, x)
		case !a.anyOf(t) && b.anyOf(t):
			widened = append(widened, x)
		}
	}
	for _, x := range slices.Sorted(maps.Keys(b.listed)) {
		switch t := valueType(x); {
		case !a.takes(x):
			added = append(added, x)
		case a.anyOf(t) && !b.anyOf(t):
			only = append(only, x)
		}
	}
	if len(gone) > 0 {
		*out = append(*out, Change{Tool: name, Argument: arg, What: "no longer takes " + strings.Join(gone, ", "), Breaking: true})
	}
	if len(only) > 0 {
		*out = append(*out, Change{Tool: name, Argument: arg, What: "takes only " + strings.Join(only, ", ") + " now", Breaking: true})
	}
	if len(widened) > 0 {
		*out = append(*out, Change{Tool: name, Argument: arg, What: "takes any value of its type now, not only " + strings.Join(widened, ", ")})
	}
	if len(added) > 0 {
		*out = append(*out, Change{Tool: name, Argument: arg, What: "also takes " + strings.Join(added, ", ")})
	}
}

// valueType is the JSON Schema type of a value as a JSON text.
func valueType(x string) string {
	var v any
	if json.Unmarshal([]byte(x), &v) != nil {
		return ""
	}
	return jsonType(v)
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func props(s map[string]any) map[string]map[string]any {
	m := map[string]map[string]any{}
	p, _ := s["properties"].(map[string]any)
	for k, v := range p {
		if vs, ok := v.(map[string]any); ok {
			m[k] = vs
		}
	}
	return m
}

func items(s map[string]any) map[string]any {
	i, _ := s["items"].(map[string]any)
	return i
}

func set(v any) map[string]bool {
	l, _ := v.([]any)
	m := make(map[string]bool, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			m[s] = true
		}
	}
	return m
}

// accepted is what values of which types a schema takes.
type accepted struct {
	types []string // sorted
	any   bool     // a value of any type
	// said is set when the schema says its types (by a type or type
	// list, or by anyOf or oneOf members that say theirs), not when they
	// are read from its enum, its fields or items, or its allOf.
	said bool
	// enum is set when they are read from its enum, or from those of
	// anyOf or oneOf members that do not say theirs.
	enum bool
}

func (a accepted) String() string {
	if a.any {
		return "any"
	}
	return strings.Join(a.types, "|")
}

// takes is the types of the values the schema s takes: its type or type
// list with those of its anyOf or oneOf members; without them, those of
// its enum's values, object for a schema with fields, array for one with
// items, those its allOf members take; a value of any type when it says
// nothing of them (an anyOf member that does not, neither).
func takes(s map[string]any) accepted {
	var l []string
	switch t := s["type"].(type) {
	case string:
		l = append(l, t)
	case []any:
		for _, x := range t {
			if x, ok := x.(string); ok {
				l = append(l, x)
			}
		}
	}
	said := len(l) > 0
	var alts []string
	hasAlts, anyAlt, altsSaid, altsEnum := false, false, true, false
	for _, k := range []string{"anyOf", "oneOf"} {
		list, _ := s[k].([]any)
		for _, alt := range list {
			if m, ok := alt.(map[string]any); ok {
				t := takes(m)
				hasAlts = true
				anyAlt = anyAlt || t.any
				altsSaid = altsSaid && t.said
				altsEnum = altsEnum || t.enum
				alts = append(alts, t.types...)
			}
		}
	}
	switch {
	case said:
		return accepted{types: sortedSet(append(l, alts...)), said: true}
	case hasAlts && !anyAlt:
		return accepted{types: sortedSet(alts), said: altsSaid, enum: altsEnum}
	}
	if e, ok := s["enum"].([]any); ok {
		for _, v := range e {
			l = append(l, jsonType(v))
		}
		return accepted{types: sortedSet(l), enum: true}
	}
	_, fields := s["properties"]
	_, required := s["required"]
	if _, m := s["additionalProperties"].(map[string]any); fields || required || m {
		l = append(l, "object")
	}
	if _, ok := s["items"]; ok {
		l = append(l, "array")
	}
	if len(l) == 0 {
		list, _ := s["allOf"].([]any)
		for _, m := range list {
			if m, ok := m.(map[string]any); ok {
				if t := takes(m); !t.any {
					l = append(l, t.types...)
				}
			}
		}
	}
	if len(l) == 0 {
		return accepted{any: true}
	}
	return accepted{types: sortedSet(l)}
}

func sortedSet(l []string) []string {
	slices.Sort(l)
	return slices.Compact(l)
}

// jsonType is the JSON Schema type of a decoded JSON value.
func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if v == math.Trunc(v) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	}
	return "object"
}

// note is the note by which a listing stands for what it does not list:
// the fields of an object past its budget ("{city, country}", "[{k}]";
// in earlier listings "(fields: city, country)", "(items' fields: k)"),
// a recursive one ("(Node, recursive; fields not listed)"), a long enum
// ("(one of 288 values, such as …)"); "" without one. It is one of the
// groups that end the description: the resources layout writes more
// after it, the actions that take the argument ("(create, update)") and
// the one an argument is listed for ("(as for create; others:
// describe_action)").
func note(s map[string]any) string {
	n, _ := noteAt(s)
	return n
}

// noteAt is note and where it starts in the description.
func noteAt(s map[string]any) (string, int) {
	d, _ := s["description"].(string)
	for end := len(strings.TrimRight(d, " \t\n")); end > 0; end = len(strings.TrimRight(d[:end], " \t\n")) {
		if d[end-1] != ')' {
			n, i := fieldnote.At(s, d[:end])
			if n == "" {
				return "", 0
			}
			return n, i
		}
		// The group's opening parenthesis, past those it holds.
		depth, i := 0, end-1
		for ; i >= 0; i-- {
			if d[i] == ')' {
				depth++
			} else if d[i] == '(' {
				if depth--; depth == 0 {
					break
				}
			}
		}
		if i < 0 {
			return "", 0
		}
		if n := d[i:end]; strings.HasPrefix(n, "(fields: ") || strings.HasPrefix(n, "(items' fields: ") ||
			strings.HasSuffix(n, "fields not listed)") || enumNote(n) {
			return n, i
		}
		end = i
	}
	return "", 0
}

// listedForWords is a description with the note that says which actions
// an argument is listed for in the words of earlier listings: "(as for
// create; others: describe_action)" was "(as listed for create; other
// actions: describe_action)", "(update differs: describe_action)" was
// "(not as listed for update: describe_action)".
func listedForWords(d string) string {
	for i := 0; i < len(d); {
		j := strings.Index(d[i:], "(")
		if j < 0 {
			break
		}
		j += i
		k := strings.Index(d[j:], ")")
		if k < 0 {
			break
		}
		k += j + 1
		g, was := d[j:k], ""
		if rest, ok := strings.CutPrefix(g, "(as for "); ok {
			if first, describe, ok := strings.Cut(rest, "; others: "); ok {
				was = "(as listed for " + first + "; other actions: " + describe
			}
		} else if others, describe, ok := strings.Cut(g[1:], " differs: "); ok {
			was = "(not as listed for " + others + ": " + describe
		} else if others, describe, ok := strings.Cut(g[1:], " differ: "); ok {
			was = "(not as listed for " + others + ": " + describe
		}
		if was != "" {
			d = d[:j] + was + d[k:]
			k = j + len(was)
		}
		i = k
	}
	return d
}

// enumNote reports whether n is the note of a long enum, "(one of 288
// values, such as …)", not words of the description ("(one of the
// owners)").
func enumNote(n string) bool {
	rest, ok := strings.CutPrefix(n, "(one of ")
	digits := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
	return ok && digits > 0 && strings.HasPrefix(rest[digits:], " values")
}

// enum is the schema's enum as JSON texts, nil without one.
func enum(s map[string]any) map[string]bool {
	l, ok := s["enum"].([]any)
	if !ok {
		return nil
	}
	m := make(map[string]bool, len(l))
	for _, v := range l {
		b, _ := json.Marshal(v)
		m[string(b)] = true
	}
	return m
}

// maxNamed is how many arguments a line of Text names.
const maxNamed = 10

// Text is the changes as lines to read: the breaking ones first, then the
// others, then one line a tool for its title and descriptions that
// changed, its own and its arguments' ("list_projects: descriptions of 3 arguments
// changed (owner.name, page, status)"), so that a release that rewords
// many does not bury what breaks.
func Text(changes []Change) []string {
	var breaking, other, described []string
	var args map[string][]string
	tool, title := map[string]bool{}, map[string]bool{}
	for _, c := range changes {
		switch {
		case c.What == TitleChanged && c.Argument == "":
			if _, seen := args[c.Tool]; !seen && !tool[c.Tool] && !title[c.Tool] {
				described = append(described, c.Tool)
			}
			title[c.Tool] = true
		case c.What == DescriptionChanged:
			if _, seen := args[c.Tool]; !seen && !tool[c.Tool] && !title[c.Tool] {
				described = append(described, c.Tool)
			}
			if c.Argument == "" {
				tool[c.Tool] = true
			} else {
				if args == nil {
					args = map[string][]string{}
				}
				args[c.Tool] = append(args[c.Tool], c.Argument)
			}
		case c.Breaking:
			breaking = append(breaking, c.String())
		default:
			other = append(other, c.String())
		}
	}
	lines := append(breaking, other...)
	for _, t := range described {
		switch {
		case !title[t]:
			lines = append(lines, t+": "+descriptionsChanged(tool[t], args[t]))
		case tool[t] || len(args[t]) > 0:
			lines = append(lines, t+": "+TitleChanged+"; "+descriptionsChanged(tool[t], args[t]))
		default:
			lines = append(lines, t+": "+TitleChanged)
		}
	}
	return lines
}

// descriptionsChanged says which descriptions of a tool changed: its own
// (self) and those of the arguments args.
func descriptionsChanged(self bool, args []string) string {
	var of, names string
	switch len(args) {
	case 0:
		return DescriptionChanged
	case 1:
		of = fmt.Sprintf("argument %q", args[0])
	default:
		named, more := args, ""
		if len(named) > maxNamed {
			named, more = named[:maxNamed], fmt.Sprintf(" and %d more", len(args)-maxNamed)
		}
		of, names = fmt.Sprintf("%d arguments", len(args)), " ("+strings.Join(named, ", ")+more+")"
	}
	switch {
	case self:
		return "descriptions of the tool and of " + of + " changed" + names
	case len(args) == 1:
		return "description of " + of + " changed"
	}
	return "descriptions of " + of + " changed" + names
}

// limits are the keywords that bound a value, each side: a lower bound
// (min) or an upper one, with the keyword that makes it exclusive.
var limits = []struct {
	keyword, exclusive string
	min                bool
}{
	{"minimum", "exclusiveMinimum", true},
	{"maximum", "exclusiveMaximum", false},
	{"minLength", "", true},
	{"maxLength", "", false},
	{"minItems", "", true},
	{"maxItems", "", false},
	{"minProperties", "", true},
	{"maxProperties", "", false},
}

// bound is a schema's limit on one side of its values.
type bound struct {
	keyword   string
	v         float64
	exclusive bool
	set       bool
}

func (b bound) String() string {
	s := b.keyword + " " + strconv.FormatFloat(b.v, 'g', -1, 64)
	if b.exclusive && !strings.HasPrefix(b.keyword, "exclusive") {
		// exclusiveMinimum: true, as OpenAPI 3.0 says it.
		s += " (exclusive)"
	}
	return s
}

// tighter reports whether x takes fewer values than y, as a lower bound
// (min) or an upper one.
func (x bound) tighter(y bound, min bool) bool {
	switch {
	case !y.set:
		return x.set
	case !x.set:
		return false
	case x.v != y.v:
		return x.v > y.v == min
	}
	return x.exclusive && !y.exclusive
}

// boundOf is the schema's bound by keyword and, when it has one, the
// keyword that bounds it exclusively (a number), the tighter of them.
func boundOf(s map[string]any, keyword, exclusive string, min bool) bound {
	var b bound
	if v, ok := s[keyword].(float64); ok {
		b = bound{keyword: keyword, v: v, exclusive: exclusive != "" && s[exclusive] == true, set: true}
	}
	if exclusive != "" {
		if v, ok := s[exclusive].(float64); ok {
			if e := (bound{keyword: exclusive, v: v, exclusive: true, set: true}); e.tighter(b, min) {
				b = e
			}
		}
	}
	return b
}

// compareLimits says what limits the listing shows of an argument's
// values changed: a new or tighter bound, multipleOf or pattern may
// reject a value that passed before, which breaks calls; a looser or
// removed one does not, nor does a format (a hint of what a string holds,
// which the API may or may not check).
func compareLimits(name, arg string, a, b map[string]any, out *[]Change) {
	add := func(what string, breaking bool) {
		*out = append(*out, Change{Tool: name, Argument: arg, What: what, Breaking: breaking, Limit: true})
	}
	for _, l := range limits {
		ba, bb := boundOf(a, l.keyword, l.exclusive, l.min), boundOf(b, l.keyword, l.exclusive, l.min)
		switch {
		case ba == bb:
		case !ba.set:
			add(bb.String()+" added", true)
		case !bb.set:
			add(ba.String()+" removed", false)
		case ba.keyword == bb.keyword && ba.exclusive == bb.exclusive:
			add(fmt.Sprintf("%s → %s", ba, strconv.FormatFloat(bb.v, 'g', -1, 64)), bb.tighter(ba, l.min))
		default:
			add(fmt.Sprintf("%s → %s", ba, bb), bb.tighter(ba, l.min))
		}
	}
	ma, okA := a["multipleOf"].(float64)
	mb, okB := b["multipleOf"].(float64)
	switch {
	case okA == okB && ma == mb:
	case !okA:
		add("multipleOf "+strconv.FormatFloat(mb, 'g', -1, 64)+" added", true)
	case !okB:
		add("multipleOf "+strconv.FormatFloat(ma, 'g', -1, 64)+" removed", false)
	default:
		// Every multiple of ma is one of mb when ma is.
		q := ma / mb
		add(fmt.Sprintf("multipleOf %s → %s", strconv.FormatFloat(ma, 'g', -1, 64), strconv.FormatFloat(mb, 'g', -1, 64)),
			!(ma > 0 && mb > 0 && q == math.Trunc(q) && !math.IsInf(q, 0)))
	}
	// A pattern changed may reject what the old one took: which, a
	// comparison of the two cannot tell.
	pa, okA := a["pattern"].(string)
	pb, okB := b["pattern"].(string)
	switch {
	case okA == okB && pa == pb:
	case !okA:
		add(fmt.Sprintf("pattern %q added", pb), true)
	case !okB:
		add(fmt.Sprintf("pattern %q removed", pa), false)
	default:
		add(fmt.Sprintf("pattern %q → %q", pa, pb), true)
	}
	fa, _ := a["format"].(string)
	fb, _ := b["format"].(string)
	switch {
	case fa == fb:
	case fa == "":
		add("format "+fb+" added", false)
	case fb == "":
		add("format "+fa+" removed", false)
	default:
		add("format "+fa+" → "+fb, false)
	}
	if ua, ub := a["uniqueItems"] == true, b["uniqueItems"] == true; ua != ub {
		if ub {
			add("uniqueItems added", true)
		} else {
			add("uniqueItems removed", false)
		}
	}
}

// Layout is the layout a listing was served with, as far as its tools
// tell: "search" (tools that search the operations and call one by
// name), "resources" (a tool a resource, its operations actions picked
// by an argument), "operations" (some tools, none of either), else ""
// (no tool, or not a listing). A listing of either of the first two does
// not list the operations its tools run: what changed in them, a
// comparison cannot see.
func Layout(listing []byte) string {
	tools, ok, err := parse(listing)
	if !ok || err != nil || len(tools) == 0 {
		return ""
	}
	for _, t := range tools {
		if t.Title == "Search the API's operations" || t.Title == "Call an API operation" {
			return "search"
		}
	}
	for _, t := range tools {
		if t.Title == "Describe an action" {
			return "resources"
		}
		required := set(t.InputSchema["required"])
		for _, selector := range []string{"action", "resource_action", "tool_action"} {
			// A resource tool is titled by its path; earlier listings
			// described its selector as "What to do.".
			s := props(t.InputSchema)[selector]
			if s != nil && required[selector] && (s["description"] == "What to do." || strings.HasPrefix(t.Title, "/") && s["enum"] != nil) {
				return "resources"
			}
		}
	}
	return "operations"
}

// Disjoint reports whether the listings old and new, each of some tools,
// share no tool name: more likely listed with other settings (a prefix,
// a layout, a selection) or of another API than one changed into the
// other.
func Disjoint(old, new []byte) bool {
	a, okA, errA := parse(old)
	b, okB, errB := parse(new)
	if !okA || !okB || errA != nil || errB != nil || len(a) == 0 || len(b) == 0 {
		return false
	}
	names := map[string]bool{}
	for _, t := range a {
		names[t.Name] = true
	}
	return !slices.ContainsFunc(b, func(t tool) bool { return names[t.Name] })
}
