package server

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// resourceKey groups an operation by its path without parameters:
// /projects and /projects/{id} are both "projects"; /projects/{id}/tasks
// is "projects/tasks". item reports that the path ends with a parameter.
// A format suffix goes (Calls.json → Calls); a last segment made of a
// group and a method (Slack's /chat.postMessage) is the group "chat" and
// the action "post_message".
func resourceKey(path string) (key string, item bool, action string) {
	var lit []string
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, s := range segs {
		if s == "" || strings.HasPrefix(s, "{") {
			continue
		}
		for _, ext := range formatSuffixes {
			s = strings.TrimSuffix(s, ext)
		}
		lit = append(lit, s)
	}
	if len(segs) > 0 && strings.HasPrefix(segs[len(segs)-1], "{") {
		item = true
	}
	if len(lit) == 0 {
		return "root", item, ""
	}
	if last := lit[len(lit)-1]; !item {
		if group, act, ok := strings.Cut(last, "."); ok && group != "" && act != "" {
			lit[len(lit)-1] = group
			action = strings.Join(nameWords(act), "_")
		}
	}
	return strings.Join(lit, "/"), item, action
}

// formatSuffixes are the suffixes of a path's segments that say the
// answer's format (Twilio's /Calls.json), not what it names.
var formatSuffixes = []string{".json", ".xml"}

// actionName is the conventional action of a method on a collection or an
// item (list, create, retrieve, update, partial_update, delete).
func actionName(method string, item bool) string {
	switch m := strings.ToUpper(method); {
	case m == "GET" && !item:
		return "list"
	case m == "POST" && !item:
		return "create"
	case m == "GET":
		return "retrieve"
	case (m == "PUT" || m == "POST") && item:
		// POST on an item updates it in APIs without PUT (Stripe).
		return "update"
	case m == "PATCH" && item:
		return "partial_update"
	case m == "DELETE" && item:
		return "delete"
	}
	return strings.ToLower(method)
}

// resourceTools is the resources layout: one tool per resource path, whose
// action argument picks the operation. The operation tools stay behind it
// and validate their own arguments. Resources and actions are grouped and
// named over the whole API, then the operations the filter left out go
// (and a resource left with none), so that a filter renames nothing.
func (s *Server) resourceTools() []*tool {
	groups := map[string][]*tool{}
	named := map[*tool]string{}
	var keys []string
	for _, t := range s.all {
		k, _, act := resourceKey(t.op.Path)
		if act != "" {
			named[t] = act
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], t)
	}
	// A small group under another one is an action of it: POST
	// /projects/{id}/archive is the action "archive" of /projects.
	for _, k := range keys {
		i := strings.LastIndex(k, "/")
		if i < 0 || len(groups[k]) > 2 {
			continue
		}
		parent := k[:i]
		if _, ok := groups[parent]; !ok || len(groups[parent]) == 0 {
			continue
		}
		for _, t := range groups[k] {
			a := strings.Join(nameWords(k[i+1:]), "_")
			if len(groups[k]) > 1 {
				a += "_" + strings.ToLower(t.op.Method)
			}
			named[t] = a
			groups[parent] = append(groups[parent], t)
		}
		delete(groups, k)
	}
	keys = slices.DeleteFunc(keys, func(k string) bool { _, ok := groups[k]; return !ok })
	strip := commonPrefix(keys)
	reqs := make([]nameRequest, len(keys))
	for i, k := range keys {
		reqs[i] = nameRequest{words: nameWords(strings.TrimPrefix(k, strip)), path: k}
	}
	// With SeparateWrites, the actions of a resource that change data
	// are a tool of their own, named as the resource and "write", for
	// every resource that has such an operation (before the filter, so
	// that a filter renames nothing either).
	writeAt := map[string]int{}
	if s.cfg.SeparateWrites {
		for _, k := range keys {
			if slices.ContainsFunc(groups[k], func(t *tool) bool { return !t.def.Annotations.ReadOnlyHint }) {
				writeAt[k] = len(reqs)
				reqs = append(reqs, nameRequest{words: append(nameWords(strings.TrimPrefix(k, strip)), "write"), path: k})
			}
		}
	}
	names := assignNames(s.cfg.Prefix, reqs)
	s.describe = describeToolName(s.cfg.Prefix, names)
	selected := make(map[*tool]bool, len(s.ops))
	for _, t := range s.ops {
		selected[t] = true
	}
	// build makes the tools, describe_action last, or nil once their
	// listing passes limit bytes.
	build := func(compact bool, limit int) []*tool {
		out := make([]*tool, 0, len(keys)+1)
		actions := map[string]map[string]*tool{}
		size := listingSize(nil)
		for i, k := range keys {
			parts := []resourcePart{{names[i].name, selected, ""}}
			if w, ok := writeAt[k]; ok {
				parts = []resourcePart{
					{names[i].name, only(selected, true), "Read "},
					{names[w].name, only(selected, false), "Change "},
				}
			}
			var made []*tool
			for _, part := range parts {
				rt, acts := s.resourceTool(part.name, k, groups[k], named, part.selected, compact)
				if rt == nil {
					continue
				}
				rt.def.Title = part.title + rt.def.Title
				made = append(made, rt)
				out = append(out, rt)
				actions[rt.def.Name] = acts
				if size += toolSize(rt); size > limit {
					return nil
				}
			}
			if len(made) == 2 {
				made[0].other, made[1].other = made[1], made[0]
			}
		}
		d := s.describeTool(out, actions)
		if size += toolSize(d); size > limit {
			return nil
		}
		return append(out, d)
	}
	// Listed in full when that fits the auto layout's budget (about
	// 25,000 tokens), measured as tools/list sends it while the tools are
	// made (an estimate from the arguments missed a quarter to three
	// quarters of it); else compactly.
	if out := build(false, autoMaxTokens*4); out != nil {
		return out
	}
	return build(true, math.MaxInt)
}

// resourcePart is one tool of a resource: its name, the operations it
// serves and what its title starts with.
type resourcePart struct {
	name     string
	selected map[*tool]bool
	title    string
}

// only is the selected operations that are read-only (readOnly) or that
// change data.
func only(selected map[*tool]bool, readOnly bool) map[*tool]bool {
	out := make(map[*tool]bool, len(selected))
	for t := range selected {
		if t.def.Annotations.ReadOnlyHint == readOnly {
			out[t] = true
		}
	}
	return out
}

// compactArg is an argument as a compact resources listing shows it: its
// type, enum and a note of the actions that take it, without its
// description; an object (or an array of objects) by the names of its
// fields. describe_action shows the rest.
func compactArg(ps map[string]any) map[string]any {
	return cutListed(withoutDescriptions(ps), 1, 0)
}

// withoutDescriptions copies a listed schema without its descriptions,
// keeping the notes that stand for what is not listed (a long enum's
// values, a node the loader cut).
func withoutDescriptions(s map[string]any) map[string]any {
	return copySchema(s, func(node map[string]any, k string, v any) (any, bool) {
		if k != "description" {
			return v, true
		}
		note := keptNote(node)
		return note, note != ""
	})
}

// copySchema copies a listed schema, nested ones included, each keyword
// of each node through keep (which may change its value or leave it out).
func copySchema(s map[string]any, keep func(node map[string]any, k string, v any) (any, bool)) map[string]any {
	out := make(map[string]any, len(s))
	for k, v := range s {
		switch k {
		case "properties":
			m := v.(map[string]any)
			props := make(map[string]any, len(m))
			for name, p := range m {
				props[name] = copySchema(p.(map[string]any), keep)
			}
			v = props
		case "items":
			v = copySchema(v.(map[string]any), keep)
		case "anyOf", "oneOf", "allOf":
			l := v.([]any)
			list := make([]any, len(l))
			for i, e := range l {
				list[i] = copySchema(e.(map[string]any), keep)
			}
			v = list
		default:
			var ok bool
			if v, ok = keep(s, k, v); !ok {
				continue
			}
		}
		out[k] = v
	}
	return out
}

// keptNote returns the note at the end of a listed schema's description
// that stands for something not listed ("(one of 288 values, such as …)",
// "{city, country}" and "[{price, quantity}]" for an object or array
// listed without its fields, see bracedNote, "(fields: id, name)" for an
// XML body, "(Node, recursive; fields not listed)"), or "".
func keptNote(s map[string]any) string {
	if note := bracedNote(s); note != "" {
		return note
	}
	d := str(s["description"])
	i := strings.LastIndex(d, "(")
	if i < 0 || !strings.HasSuffix(d, ")") {
		return ""
	}
	if note := d[i:]; strings.HasPrefix(note, "(one of ") || strings.HasSuffix(note, "fields not listed)") ||
		strings.HasPrefix(note, "(fields: ") || strings.HasPrefix(note, "(items' fields: ") {
		return note
	}
	return ""
}

// commonPrefix is the leading path segments ("api/", "v1/") that all keys
// share and that leave every key something of its own.
func commonPrefix(keys []string) string {
	if len(keys) < 2 {
		return ""
	}
	prefix := keys[0]
	for _, k := range keys[1:] {
		for !strings.HasPrefix(k, prefix) {
			i := strings.LastIndex(strings.TrimSuffix(prefix, "/"), "/")
			if i < 0 {
				return ""
			}
			prefix = prefix[:i+1]
		}
	}
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		prefix = prefix[:i+1]
	} else {
		return ""
	}
	for _, k := range keys {
		if k == strings.TrimSuffix(prefix, "/") || k == prefix {
			return ""
		}
	}
	return prefix
}

// resourceTool makes the tool of one resource and returns it with its
// actions: those of ops that are selected, named among all of ops; nil
// when none is selected. A compact one lists its arguments with
// compactArg.
func (s *Server) resourceTool(name, key string, ops []*tool, named map[*tool]string, selected map[*tool]bool, compact bool) (*tool, map[string]*tool) {
	// Action names: conventional ones when they are unique in the group,
	// else the operation tool's own name.
	action := func(t *tool) string {
		if a, ok := named[t]; ok {
			return a
		}
		_, item, _ := resourceKey(t.op.Path)
		return actionName(t.op.Method, item)
	}
	count := map[string]int{}
	for _, t := range ops {
		count[action(t)]++
	}
	actions := map[string]*tool{}
	var order []string
	for _, t := range ops {
		if !selected[t] {
			continue
		}
		a := action(t)
		if count[a] > 1 {
			a = strings.TrimPrefix(t.def.Name, sanitizePrefix(s.cfg.Prefix))
		}
		actions[a] = t
		order = append(order, a)
		t.label = fmt.Sprintf("%s (action %s)", name, a)
	}
	if len(order) == 0 {
		return nil, nil
	}

	// The union of the actions' arguments as listed; a property some
	// actions lack says which take it. The action's own tool checks the
	// values against its whole schema.
	props := map[string]any{}
	users := map[string][]string{}
	shapes := map[string]*argShapes{}
	for _, a := range order {
		t := actions[a]
		for p, ps := range t.in.listed["properties"].(map[string]any) {
			m := ps.(map[string]any)
			if compact {
				m = compactArg(m)
			}
			if shapes[p] == nil {
				shapes[p] = &argShapes{}
			}
			shapes[p].add(a, m)
			users[p] = append(users[p], a)
		}
	}
	listed := make(map[string]map[string]any, len(users))
	notes := make(map[string]string, len(users))
	for p, who := range users {
		listed[p] = shapes[p].listed(compact, s.describe)
		if len(who) < len(order) {
			notes[p] = takers(who, order)
		}
	}
	// The actions most arguments are for (Stripe's create and update) are
	// said once, in the description: those arguments carry no note, and
	// one every action takes says "(all)".
	unnoted := unnotedTakers(listed, notes)
	for p, ps := range listed {
		switch note := notes[p]; {
		case unnoted == "" && note != "", unnoted != "" && note != unnoted && note != "":
			appendTakers(ps, note)
		case unnoted != "" && note == "":
			appendTakers(ps, "all")
		}
		props[p] = ps
	}
	// Arguments every action requires are required of the tool; an
	// action's line names the others it requires.
	var common []string
	for i, a := range order {
		req := stringList(actions[a].in.listed["required"])
		if i == 0 {
			common = req
			continue
		}
		common = slices.DeleteFunc(common, func(r string) bool { return !slices.Contains(req, r) })
	}
	var lines []string
	readOnly, idempotent, destructive := true, true, false
	for _, a := range order {
		t := actions[a]
		// A compact listing gives the method only: describe_action
		// gives the path.
		// The arguments it requires: the tool's schema cannot say them
		// per action.
		needs := ""
		req := slices.DeleteFunc(stringList(t.in.listed["required"]), func(r string) bool { return slices.Contains(common, r) })
		if len(req) > 0 {
			needs = "; needs " + strings.Join(req, ", ")
		}
		lines = append(lines, actionLine(a, key, t, needs, compact, conventional(t, a)))
		ann := t.def.Annotations
		readOnly = readOnly && ann.ReadOnlyHint
		idempotent = idempotent && ann.IdempotentHint
		destructive = destructive || (ann.DestructiveHint != nil && *ann.DestructiveHint)
	}
	// The selector is "action", unless an operation of the resource (one
	// a filter left out included) has an argument of that name.
	selector := "action"
	for _, candidate := range []string{"action", "resource_action", "tool_action"} {
		selector = candidate
		if !slices.ContainsFunc(ops, func(t *tool) bool {
			_, taken := t.in.listed["properties"].(map[string]any)[candidate]
			return taken
		}) {
			break
		}
	}
	props[selector] = map[string]any{"type": "string", "enum": toAny(order)}
	if len(order) > maxEnum {
		// Listed as any long enum is not: the description names them.
		delete(props[selector].(map[string]any), "enum")
	}
	schema := map[string]any{"type": "object", "properties": props, "required": toAny(append([]string{selector}, common...))}
	title := "/" + key
	ann := &mcp.ToolAnnotations{ReadOnlyHint: readOnly, IdempotentHint: idempotent, OpenWorldHint: ptr(true), DestructiveHint: ptr(destructive)}
	rt := &tool{
		def: &mcp.Tool{
			Name:        name,
			Title:       title,
			Description: fmt.Sprintf("/%s%s:\n%s%s", key, selectorNote(selector), strings.Join(lines, "\n"), unnotedNote(unnoted)),
			// Made of listed schemas already: no copy.
			InputSchema: schema,
			Annotations: ann,
		},
		// Only the action is required here: the action's own check names
		// every argument it misses at once (and an unknown action is
		// named before any argument).
		schema: withRequired(schema, selector),
		// The action's own tool checks the arguments, their names
		// included (an open body takes others); here only the action.
		shallow:  true,
		selector: selector,
		actions:  actions,
	}
	rt.run = func(ctx context.Context, args map[string]any) *mcp.CallToolResult {
		t := rt.action(args)
		if t == nil {
			a, _ := args[selector].(string)
			return s.refuse(rt, fmt.Sprintf("invalid arguments for %s: action %q: use one of %s", name, a, strings.Join(order, ", ")))
		}
		rest := maps.Clone(args)
		delete(rest, selector)
		return s.callAs(ctx, t, t.label, rest)
	}
	return rt, actions
}

// actionLine is an action's line in its resource tool's description: its
// name, what it does (the operation's title, unless that only restates
// the action and the resource), then its method and path and the
// arguments it needs besides those of every action. A compact one gives
// the method only (describe_action gives the path), and not that where
// the action's name is the one the method gives (list, retrieve, create,
// update, delete).
func actionLine(a, key string, t *tool, needs string, compact, conventional bool) string {
	what, how := ": "+t.def.Title, t.op.Method+" "+t.op.Path
	switch {
	case t.def.Title == how:
		// The title is the method and path already.
		how = ""
	case restatesAction(t.def.Title, a, key):
		what = ""
		fallthrough
	default:
		if compact && conventional {
			how = ""
		} else if compact {
			how = t.op.Method
		}
	}
	if how == "" {
		needs = strings.TrimPrefix(needs, "; ")
	}
	if how+needs == "" {
		return "- " + a + what
	}
	return fmt.Sprintf("- %s%s (%s%s)", a, what, how, needs)
}

// conventional reports whether an action's name is the one its method
// gives it on its path (see actionName): the name says what the method
// does.
func conventional(t *tool, action string) bool {
	_, item, _ := resourceKey(t.op.Path)
	return action == actionName(t.op.Method, item)
}

// restatesAction reports whether an action's title says nothing its name
// and its resource's path do not ("Retrieves the coupon with the given
// ID." for retrieve on /v1/coupons, "Creates a new person." for create on
// /v1/accounts/{account}/persons): every word of it is a plain word, a
// word of either, or a word such titles add to the action's verb.
func restatesAction(title, action, key string) bool {
	said := map[string]bool{}
	for _, w := range append(nameWords(action), nameWords(key)...) {
		said[baseWord(w)] = true
	}
	for _, w := range actionFiller[action] {
		said[w] = true
	}
	words := proseWords(title)
	for _, w := range words {
		if b := baseWord(w); !plainWords[w] && !plainWords[b] && w != "s" && !said[b] {
			return false
		}
	}
	return len(words) > 0
}

// actionFiller are the words a title of a conventional action adds to
// what its name says ("Retrieves the details of an existing …", "Returns
// a list of your …", "Creates a new …", "Updates the specified … by
// setting the values of the parameters passed.").
var actionFiller = map[string][]string{
	"list":           {"return", "all", "your", "you", "ve", "previously", "created", "available", "api"},
	"retrieve":       {"return", "get", "detail", "information", "about", "existing", "your"},
	"create":         {"new", "existing"},
	"update":         {"existing", "your", "setting", "passed"},
	"partial_update": {"existing", "your", "setting", "passed"},
	"delete":         {"existing", "your"},
}

// action is the operation tool of a resource tool that args pick, or nil.
func (t *tool) action(args map[string]any) *tool {
	a, _ := args[t.selector].(string)
	return t.actions[a]
}

// ActionTool returns the tool whose input schema the arguments of a call of
// the tool called name follow: for a resource tool, the operation of the
// action args choose (false when they choose none); for any other listed
// tool, the tool itself.
func (s *Server) ActionTool(name string, args map[string]any) (*mcp.Tool, bool) {
	t, ok := s.byName[name]
	switch {
	case !ok:
		return nil, false
	case t.actions == nil:
		return t.def, true
	}
	if a := t.action(args); a != nil {
		return a.def, true
	}
	return nil, false
}

// argShapes are the schemas the actions of a resource list for one
// argument, told apart by what they accept (types, enums, fields: not
// their prose), in the order of the actions.
type argShapes struct {
	keys    []string
	schemas []map[string]any
	actions [][]string
}

func (g *argShapes) add(action string, schema map[string]any) {
	b, _ := json.Marshal(shapeOf(schema)) // sorted keys
	key := string(b)
	if i := slices.Index(g.keys, key); i >= 0 {
		g.actions[i] = append(g.actions[i], action)
		return
	}
	g.keys = append(g.keys, key)
	g.schemas = append(g.schemas, schema)
	g.actions = append(g.actions, []string{action})
}

// shapeOf is what a schema accepts as argShapes compares it: without its
// prose, defaults and bounds (a create's default status, a list's maximum
// page size), which do not change what a model sends; with the notes that
// stand for what is not listed.
func shapeOf(s map[string]any) map[string]any {
	return copySchema(s, func(node map[string]any, k string, v any) (any, bool) {
		switch k {
		case "description":
			note := keptNote(node)
			return note, note != ""
		case "default", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern":
			return nil, false
		}
		return v, true
	})
}

// listed is the argument's listed schema, a copy: the one schema all its
// actions list, or, where they differ (Twilio's Status, a call's or a
// payment's; Asana's data, a task or a story), each schema with the actions
// it is for, so that no action is shown another's types. A compact listing
// shows the first schema, says which actions it is for and sends the others
// to describe_action: every schema would cost Asana's listing 30 KB.
func (g *argShapes) listed(compact bool, describe string) map[string]any {
	if len(g.schemas) == 1 {
		return maps.Clone(g.schemas[0])
	}
	if compact {
		out := maps.Clone(g.schemas[0])
		var others []string
		for _, l := range g.actions[1:] {
			others = append(others, l...)
		}
		note := listedForNote(g.actions[0], others, describe)
		appendNote(out, note)
		return out
	}
	alts := make([]any, len(g.schemas))
	desc := ""
	for i, sc := range g.schemas {
		alt := maps.Clone(sc)
		if desc == "" {
			desc = withoutNote(alt)
		}
		note := "(" + strings.Join(g.actions[i], ", ") + ")"
		if kept := keptNote(alt); kept != "" {
			note = kept + " " + note
		}
		alt["description"] = note
		alts[i] = alt
	}
	out := map[string]any{"anyOf": alts}
	if desc != "" {
		out["description"] = desc
	}
	return out
}

// listedForNote says, of an argument a compact listing shows as the
// actions of first take it, that the others (which take it otherwise)
// are shown by describe: "(as for create; others: describe_action)", or
// "(update differs: describe_action)" when naming those is shorter.
func listedForNote(first, others []string, describe string) string {
	f, o := strings.Join(first, ", "), strings.Join(others, ", ")
	if len(o) < len(f) {
		verb := " differs: "
		if len(others) > 1 {
			verb = " differ: "
		}
		return "(" + o + verb + describe + ")"
	}
	return "(as for " + f + "; others: " + describe + ")"
}

// withoutNote is a schema's description without the note that ends it
// (keptNote).
func withoutNote(s map[string]any) string {
	d := str(s["description"])
	if note := keptNote(s); note != "" {
		return strings.TrimSpace(strings.TrimSuffix(d, note))
	}
	return d
}

// withRequired is a copy of an object schema requiring only names.
func withRequired(schema map[string]any, names ...string) map[string]any {
	out := maps.Clone(schema)
	out["required"] = toAny(names)
	return out
}

// selectorNote names the argument that picks the action where it is not
// "action", which the instructions name.
func selectorNote(selector string) string {
	if selector == "action" {
		return ""
	}
	return " (pick the action with " + selector + ": an operation has an argument called action)"
}

// unnotedTakers is the note of takers (notes, by argument) that is left
// out of the listed arguments (listed, by argument), said once instead,
// or "" when no note saves more than that and the "(all)" notes it makes
// cost: the one that saves the most.
func unnotedTakers(listed map[string]map[string]any, notes map[string]string) string {
	// A note costs " (note)" after a description, else a description.
	cost := func(p, note string) int {
		if str(listed[p]["description"]) != "" {
			return len(note) + 3
		}
		return len(note) + len(`"description":"()",`)
	}
	saved := map[string]int{}
	for p, note := range notes {
		saved[note] += cost(p, note)
	}
	all := 0
	for p := range listed {
		if notes[p] == "" {
			all += cost(p, "all")
		}
	}
	best, most := "", 0
	for note, n := range saved {
		if n -= all + len(unnotedNote(note)); n > most || n == most && most > 0 && note < best {
			best, most = note, n
		}
	}
	return best
}

// unnotedNote is the description's sentence for unnotedTakers, or "".
func unnotedNote(note string) string {
	if note == "" {
		return ""
	}
	return "\nAn argument with no note is for " + note + "."
}

// appendTakers ends a listed argument's description with the note of the
// actions that take it.
func appendTakers(ps map[string]any, note string) {
	ps["description"] = strings.TrimSpace(fmt.Sprintf("%s (%s)", str(ps["description"]), note))
}

// takers names the actions that take an argument, or those that do not
// when that is shorter: "list, retrieve" or "all but list, create".
func takers(who, all []string) string {
	l := strings.Join(who, ", ")
	var not []string
	for _, a := range all {
		if !slices.Contains(who, a) {
			not = append(not, a)
		}
	}
	if but := "all but " + strings.Join(not, ", "); len(but) < len(l) {
		return but
	}
	return l
}

func str(v any) string { s, _ := v.(string); return s }

func toAny(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}
