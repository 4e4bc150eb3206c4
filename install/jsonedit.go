package install

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/tailscale/hujson"
)

// The JSON editor never re-encodes a file: it parses it with hujson (JSON
// with comments and trailing commas, a superset of JSON) only to learn where
// things are, then splices text at those offsets. Bytes outside the entry
// being changed are left as they were.

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// Edits at the same offset keep their order in the result.
func applyEdits(src []byte, edits []edit) []byte {
	rev := make([]edit, len(edits))
	for i, e := range edits {
		rev[len(edits)-1-i] = e
	}
	sort.SliceStable(rev, func(i, j int) bool { return rev[i].start > rev[j].start })
	out := append([]byte(nil), src...)
	for _, e := range rev {
		out = append(out[:e.start], append([]byte(e.text), out[e.end:]...)...)
	}
	return out
}

// jsonDoc is a parsed JSON(C) file.
type jsonDoc struct {
	src  []byte // without a byte order mark
	bom  bool
	root hujson.Value
	nl   string // "\n" or "\r\n"
	unit string // one level of indentation
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// parseJSON parses src; an empty (or blank) file is an empty object.
func parseJSON(path string, src []byte) (*jsonDoc, error) {
	d := &jsonDoc{src: src}
	if bytes.HasPrefix(src, utf8BOM) {
		d.bom, d.src = true, src[len(utf8BOM):]
	}
	d.nl = "\n"
	if bytes.Contains(d.src, []byte("\r\n")) {
		d.nl = "\r\n"
	}
	if len(bytes.TrimSpace(d.src)) == 0 {
		d.src = []byte("{}" + d.nl)
	}
	v, err := hujson.Parse(d.src)
	if err != nil {
		return nil, &ParseError{Path: path, Err: strings.TrimPrefix(err.Error(), "hujson: ")}
	}
	if _, ok := v.Value.(*hujson.Object); !ok {
		line, _ := lineColumn(d.src, v.StartOffset)
		return nil, &ParseError{Path: path, Err: fmt.Sprintf("line %d: the file holds %s, not a JSON object", line, kindName(v))}
	}
	d.root = v
	d.unit = detectIndent(d.src)
	return d, nil
}

func (d *jsonDoc) bytes(src []byte) []byte {
	if d.bom {
		return append(append([]byte(nil), utf8BOM...), src...)
	}
	return src
}

func kindName(v hujson.Value) string {
	switch v.Value.Kind() {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

func lineColumn(b []byte, n int) (line, column int) {
	line = 1 + bytes.Count(b[:n], []byte("\n"))
	column = 1 + n - (bytes.LastIndexByte(b[:n], '\n') + 1)
	return line, column
}

// detectIndent returns the indentation unit of src: the smallest leading
// whitespace of a line that starts a member, or two spaces.
func detectIndent(src []byte) string {
	best := ""
	for _, line := range strings.Split(string(src), "\n") {
		trimmed := strings.TrimLeft(line, " \t")
		if len(trimmed) == len(line) || !strings.HasPrefix(trimmed, `"`) {
			continue
		}
		ws := line[:len(line)-len(trimmed)]
		if strings.Contains(ws, "\t") {
			return "\t"
		}
		if best == "" || len(ws) < len(best) {
			best = ws
		}
	}
	if best == "" {
		return "  "
	}
	return best
}

func lineStart(src []byte, p int) int { return bytes.LastIndexByte(src[:p], '\n') + 1 }

func isBlank(b []byte) bool { return len(bytes.Trim(b, " \t")) == 0 }

// isSpace reports whether b holds only whitespace, line breaks included.
func isSpace(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }

// lineIndent is the leading whitespace of the line holding offset p.
func lineIndent(src []byte, p int) string {
	ls := lineStart(src, p)
	i := ls
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return string(src[ls:i])
}

// skipExtra skips whitespace and comments from p.
func skipExtra(src []byte, p int) int {
	for p < len(src) {
		switch {
		case src[p] == ' ' || src[p] == '\t' || src[p] == '\n' || src[p] == '\r':
			p++
		case bytes.HasPrefix(src[p:], []byte("//")):
			i := bytes.IndexByte(src[p:], '\n')
			if i < 0 {
				return len(src)
			}
			p += i + 1
		case bytes.HasPrefix(src[p:], []byte("/*")):
			i := bytes.Index(src[p+2:], []byte("*/"))
			if i < 0 {
				return len(src)
			}
			p += 2 + i + 2
		default:
			return p
		}
	}
	return p
}

// notPlainJSON returns the offset of the first comment or trailing comma
// in the JSONC text src, and which it is; -1 when src is plain JSON.
func notPlainJSON(src []byte) (int, string) {
	inString := false
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '/':
			return i, "a comment"
		case c == ',':
			if p := skipExtra(src, i+1); p < len(src) && (src[p] == '}' || src[p] == ']') {
				return i, "a trailing comma"
			}
		}
	}
	return -1, ""
}

// restOfLine returns the offset after the newline that ends the line at p
// when only spaces and a line comment stand between p and it; ok is false
// when something else follows on the line.
func restOfLine(src []byte, p int) (end int, ok bool) {
	for p < len(src) && (src[p] == ' ' || src[p] == '\t' || src[p] == '\r') {
		p++
	}
	if bytes.HasPrefix(src[p:], []byte("//")) {
		i := bytes.IndexByte(src[p:], '\n')
		if i < 0 {
			return len(src), true
		}
		return p + i + 1, true
	}
	if p == len(src) {
		return p, true
	}
	if src[p] == '\n' {
		return p + 1, true
	}
	return p, false
}

// member finds the last member called name in obj (the last one wins in
// every client's JSON parser).
func member(obj *hujson.Object, name string) int {
	idx := -1
	for i, m := range obj.Members {
		if lit, ok := m.Name.Value.(hujson.Literal); ok && lit.String() == name {
			idx = i
		}
	}
	return idx
}

// container returns the object under key in the root, or nil when the key
// is absent.
func (d *jsonDoc) container(path, key string) (*hujson.Value, error) {
	root := d.root.Value.(*hujson.Object)
	i := member(root, key)
	if i < 0 {
		return nil, nil
	}
	v := &root.Members[i].Value
	if _, ok := v.Value.(*hujson.Object); !ok {
		line, _ := lineColumn(d.src, v.StartOffset)
		return nil, &ParseError{Path: path, Err: fmt.Sprintf("line %d: %q holds %s, not an object", line, key, kindName(*v))}
	}
	return v, nil
}

// jsonEntry is a server entry as found in a file.
type jsonEntry struct {
	Command string   `json:"command"`
	Args    []string `json:"args"`
	fields  map[string]any
	// nested: the command and its arguments are in a "command" object
	// ("path", "args"), the form older Zed releases read.
	nested bool
	// badArg is the first of Args that is not a string, as written (30,
	// true, null, an array, an object), or notArray for args that are
	// no array (nor null); "" when all are strings. Args holds "" in its
	// place.
	badArg string
}

// readEntry decodes the entry v, in the client's nested form too.
func (c Client) readEntry(v hujson.Value) jsonEntry {
	e := decodeEntry(v)
	e.badArg = jsonBadArg(lastMember(&v, "args"))
	cmd, ok := e.fields["command"].(map[string]any)
	if !c.nestedCommand || !ok {
		return e
	}
	e.nested = true
	e.badArg = jsonBadArg(lastMember(&lastMember(&v, "command").Value, "args"))
	e.Command, _ = cmd["path"].(string)
	e.Args = nil
	if list, ok := cmd["args"].([]any); ok {
		for _, a := range list {
			s, _ := a.(string)
			e.Args = append(e.Args, s)
		}
	}
	return e
}

// jsonBadArg is jsonEntry.badArg for the args member m (nil when absent).
func jsonBadArg(m *hujson.ObjectMember) string {
	if m == nil {
		return ""
	}
	switch v := m.Value.Value.(type) {
	case *hujson.Array:
		for _, el := range v.Elements {
			switch x := el.Value.(type) {
			case hujson.Literal:
				if x.Kind() != '"' {
					return string(x)
				}
			default:
				return kindName(el)
			}
		}
		return ""
	case hujson.Literal:
		if v.Kind() == 'n' {
			return "" // no arguments: ours take their place
		}
	}
	return notArray
}

// badArgJSONError refuses to update an entry whose args hold something
// other than strings: the clients document args as strings and differ on
// anything else, and reading one as "" would change what the user wrote
// (or find the entry unchanged).
func (c Client) badArgJSONError(path, name, bad string) error {
	if bad == notArray {
		return fmt.Errorf(`%s: the args of %s are not an array, but %s takes an array of strings there (nothing was written): write them as "args": ["serve", …], then run install again`,
			path, name, c.Title)
	}
	return fmt.Errorf("%s: the args of %s hold %s, but %s takes strings there (nothing was written): quote it or remove it, then run install again",
		path, name, bad, c.Title)
}

func decodeEntry(v hujson.Value) jsonEntry {
	c := v.Clone()
	c.Standardize()
	var e jsonEntry
	_ = json.Unmarshal(c.Pack(), &e)
	_ = json.Unmarshal(c.Pack(), &e.fields)
	return e
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// ownedKey is a key restmcp sets in an entry: its rendered value, and
// whether the entry found already holds that value.
type ownedKey struct {
	key, text string
	same      bool
}

// owned lists the keys the entry e sets, in order, compared with the entry
// found (the user's extra arguments are merged into ours).
func (c Client) owned(found jsonEntry, e Entry) []ownedKey {
	var keys []ownedKey
	str := func(k, v string) {
		s, ok := found.fields[k].(string)
		keys = append(keys, ownedKey{k, jsonString(v), ok && s == v})
	}
	if e.URL != "" {
		for _, f := range c.remote {
			str(f[0], f[1])
		}
		str(c.urlKey, e.URL)
		if hs := c.headers(e); len(hs) > 0 {
			var parts []string
			same := true
			have, _ := found.fields["headers"].(map[string]any)
			for _, h := range hs {
				parts = append(parts, jsonString(h[0])+": "+jsonString(h[1]))
				if v, ok := have[h[0]].(string); !ok || v != h[1] {
					same = false
				}
			}
			keys = append(keys, ownedKey{"headers", "{" + strings.Join(parts, ", ") + "}", same && len(have) == len(hs)})
		}
		return keys
	}
	args := mergeArgs(found.Args, e.Args)
	if found.nested {
		// The keys of the "command" object: the entry's other keys
		// (Zed's "source" among them) stay as the user's Zed reads them.
		cmd, _ := found.fields["command"].(map[string]any)
		return append(keys,
			ownedKey{"path", jsonString(e.Command), found.Command == e.Command},
			ownedKey{"args", renderArgs(args), cmd["args"] != nil && equalStrings(found.Args, args)})
	}
	_, runs := found.fields["command"].(string)
	for _, f := range c.fields {
		if _, has := found.fields[f[0]]; runs && !has && c.fieldsForNew {
			continue
		}
		str(f[0], f[1])
	}
	keys = append(keys,
		ownedKey{"command", jsonString(e.Command), found.Command == e.Command},
		ownedKey{"args", renderArgs(args), found.fields["args"] != nil && equalStrings(found.Args, args)})
	return keys
}

// headers are the name and value of each header a remote entry sends, the
// value a reference to its environment variable; none when the client has
// no such reference.
func (c Client) headers(e Entry) [][2]string {
	var hs [][2]string
	for _, h := range e.Headers {
		switch {
		case c.inputs:
			hs = append(hs, [2]string{h.Name, "${input:" + inputID(e, h) + "}"})
		case c.headerRef != nil:
			hs = append(hs, [2]string{h.Name, c.headerRef(h.Env)})
		}
	}
	return hs
}

// inputID names the input that holds a header's value (VS Code).
func inputID(e Entry, h Header) string { return e.Name + "-" + strings.ToLower(h.Name) }

// missingInputs returns the inputs e's headers need that the file's
// top-level "inputs" array lacks, rendered; the array's value (nil when
// absent) is returned too.
func (c Client) missingInputs(path string, d *jsonDoc, e Entry) ([]string, *hujson.Value, error) {
	if !c.inputs || e.URL == "" || len(e.Headers) == 0 {
		return nil, nil, nil
	}
	root := d.root.Value.(*hujson.Object)
	var arr *hujson.Value
	have := map[string]bool{}
	if i := member(root, "inputs"); i >= 0 {
		arr = &root.Members[i].Value
		a, ok := arr.Value.(*hujson.Array)
		if !ok {
			line, _ := lineColumn(d.src, arr.StartOffset)
			return nil, nil, &ParseError{Path: path, Err: fmt.Sprintf("line %d: \"inputs\" holds %s, not an array", line, kindName(*arr))}
		}
		for _, el := range a.Elements {
			var in struct{ ID string }
			std := el.Clone()
			std.Standardize()
			if json.Unmarshal(std.Pack(), &in) == nil {
				have[in.ID] = true
			}
		}
	}
	var out []string
	for _, h := range e.Headers {
		if id := inputID(e, h); !have[id] {
			have[id] = true
			out = append(out, `{"type": "promptString", "id": `+jsonString(id)+`, "description": `+
				jsonString(h.Name+" header for "+e.Name)+`, "password": true}`)
		}
	}
	return out, arr, nil
}

// addInputs adds to src the inputs e's headers need (VS Code prompts for
// each once and keeps the answer in its secret storage).
func (c Client) addInputs(path string, src []byte, e Entry) ([]byte, error) {
	d, err := parseJSON(path, src)
	if err != nil {
		return nil, err
	}
	items, arr, err := c.missingInputs(path, d, e)
	if err != nil || len(items) == 0 {
		return src, err
	}
	text := strings.Join(items, ", ")
	switch {
	case arr == nil:
		return applyEdits(d.src, d.insertMember(&d.root, "inputs", func(string) string { return "[" + text + "]" })), nil
	case len(arr.Value.(*hujson.Array).Elements) == 0:
		return applyEdits(d.src, []edit{{arr.EndOffset - 1, arr.EndOffset - 1, text}}), nil
	default:
		els := arr.Value.(*hujson.Array).Elements
		end := els[len(els)-1].EndOffset
		return applyEdits(d.src, []edit{{end, end, ", " + text}}), nil
	}
}

// renderEntry writes the entry object for a member indented by ind; with
// nested, its command and arguments go in a "command" object (the form
// older Zed releases read).
func (c Client) renderEntry(e Entry, ind, unit, nl string, nested bool) string {
	keys := c.owned(jsonEntry{}, e)
	if nested && e.URL == "" {
		cmd := c.owned(jsonEntry{nested: true}, e)
		in := ind + unit
		keys = append(keys[:len(keys)-2], ownedKey{key: "command", text: renderObject(cmd, in, unit, nl)})
	}
	return renderObject(keys, ind, unit, nl)
}

// renderObject writes an object of keys, its members indented by ind+unit.
func renderObject(keys []ownedKey, ind, unit, nl string) string {
	var b strings.Builder
	b.WriteString("{" + nl)
	in := ind + unit
	for i, k := range keys {
		b.WriteString(in + jsonString(k.key) + ": " + k.text)
		if i < len(keys)-1 {
			b.WriteString(",")
		}
		b.WriteString(nl)
	}
	b.WriteString(ind + "}")
	return b.String()
}

// nestedForm reports whether a new entry in the servers' object cv takes
// the nested command form: the client reads it, and the entries that
// have a command all have it in that form (the user's Zed is one that
// reads only that form, or reads both).
func (c Client) nestedForm(cv *hujson.Value) bool {
	if !c.nestedCommand || cv == nil {
		return false
	}
	nested := false
	for _, m := range cv.Value.(*hujson.Object).Members {
		fe := c.readEntry(m.Value)
		switch {
		case fe.nested:
			nested = true
		case fe.fields["command"] != nil:
			return false
		}
	}
	return nested
}

// sameEntry reports whether the entry found already says what we would write
// (the user's extra arguments and keys aside).
func (c Client) sameEntry(found jsonEntry, e Entry) bool {
	for _, k := range c.owned(found, e) {
		if !k.same {
			return false
		}
	}
	return true
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// memberIndent is the indentation of obj's members.
func (d *jsonDoc) memberIndent(v *hujson.Value) string {
	obj := v.Value.(*hujson.Object)
	if len(obj.Members) > 0 {
		p := obj.Members[0].Name.StartOffset
		if ls := lineStart(d.src, p); ls > v.StartOffset && isBlank(d.src[ls:p]) {
			return string(d.src[ls:p])
		}
	}
	return lineIndent(d.src, v.StartOffset) + d.unit
}

// jsonMember is a member to insert: its name, and its value rendered for
// a given indentation.
type jsonMember struct {
	name  string
	value func(ind string) string
}

// insertMember adds `"name": value` as the last member of the object v;
// value renders the member's value for a given indentation.
func (d *jsonDoc) insertMember(v *hujson.Value, name string, value func(ind string) string) []edit {
	return d.insertMembers(v, []jsonMember{{name, value}})
}

// insertMembers adds members after the last member of the object v. When
// that member is followed by a comma (a JSONC trailing comma), so is the
// last one added, which keeps the file's style and lets removing them give
// the original text back.
func (d *jsonDoc) insertMembers(v *hujson.Value, members []jsonMember) []edit {
	obj := v.Value.(*hujson.Object)
	var edits []edit
	trailing := ""
	if n := len(obj.Members); n > 0 {
		end := obj.Members[n-1].Value.EndOffset
		if p := skipExtra(d.src, end); p >= len(d.src) || d.src[p] != ',' {
			edits = append(edits, edit{end, end, ","})
		} else {
			trailing = ","
		}
	}
	ind := d.memberIndent(v)
	parts := make([]string, len(members))
	for i, m := range members {
		parts[i] = ind + jsonString(m.name) + ": " + m.value(ind)
	}
	text := strings.Join(parts, ","+d.nl) + trailing
	closing := v.EndOffset - 1
	if ls := lineStart(d.src, closing); ls > v.StartOffset && isBlank(d.src[ls:closing]) {
		// The closing brace has a line of its own: add ours just above it.
		return append(edits, edit{ls, ls, text + d.nl})
	}
	return append(edits, edit{closing, closing, d.nl + text + d.nl + lineIndent(d.src, v.StartOffset)})
}

// updateEntry edits the entry object v in place so that it says what e
// says: the client's fields, the command and our arguments are set, and
// every other key and extra argument the user added stays as it was.
func (c Client) updateEntry(path string, d *jsonDoc, v *hujson.Value, e Entry) ([]edit, error) {
	fe := c.readEntry(*v)
	if fe.badArg != "" && e.URL == "" {
		return nil, c.badArgJSONError(path, e.Name, fe.badArg)
	}
	if fe.nested {
		// The command object is edited; the entry around it is left
		// as it is.
		v = &lastMember(v, "command").Value
	}
	obj := v.Value.(*hujson.Object)
	var edits []edit
	var missing []jsonMember
	for _, k := range c.owned(fe, e) {
		text := k.text
		j := member(obj, k.key)
		switch {
		case j < 0:
			missing = append(missing, jsonMember{k.key, func(string) string { return text }})
		case !k.same && k.key == "args" && e.URL == "":
			args, ok := replaceArgs(d.src, obj.Members[j].Value, fe.Args, e.Args, text)
			if !ok {
				return nil, fmt.Errorf("%s: the args of %s hold comments this command cannot keep when it changes how many arguments there are (nothing was written): write one argument a line, or set them by hand to%s%s",
					path, e.Name, d.nl+d.nl, `"args": `+renderArgs(mergeArgs(fe.Args, e.Args)))
			}
			edits = append(edits, args...)
		case !k.same:
			mv := obj.Members[j].Value
			edits = append(edits, edit{mv.StartOffset, mv.EndOffset, text})
		}
	}
	if len(missing) > 0 {
		edits = append(edits, d.insertMembers(v, missing)...)
	}
	return edits, nil
}

// replaceArgs edits the arguments array v, which holds old, to hold ours
// and the extra arguments old had (rendered on one line: text). When they
// are as many, only the elements that changed are replaced, and the
// comments and line breaks between them stay; else an array written on
// several lines gets one argument a line, and keeps its comments (see
// relayoutArray). ok is false when comments would be lost.
func replaceArgs(src []byte, v hujson.Value, old, ours []string, text string) (edits []edit, ok bool) {
	args := mergeArgs(old, ours)
	whole := []edit{{v.StartOffset, v.EndOffset, text}}
	arr, isArr := v.Value.(*hujson.Array)
	if !isArr {
		return whole, true
	}
	comments := bytes.Contains(arr.AfterExtra, []byte("/"))
	spans := make([][2]int, len(arr.Elements))
	for i, el := range arr.Elements {
		comments = comments || bytes.Contains(el.BeforeExtra, []byte("/")) || bytes.Contains(el.AfterExtra, []byte("/"))
		if lit, ok := el.Value.(hujson.Literal); !ok || lit.Kind() != '"' {
			return whole, true
		}
		spans[i] = [2]int{el.StartOffset, el.EndOffset}
	}
	if len(arr.Elements) == len(args) && len(old) == len(args) {
		for i, el := range arr.Elements {
			if old[i] != args[i] {
				edits = append(edits, edit{el.StartOffset, el.EndOffset, jsonString(args[i])})
			}
		}
		return edits, true
	}
	if out, ok := relayoutArray(src, v.StartOffset, v.EndOffset-1, spans, old, ours, jsonString, jsonComment); ok {
		return []edit{{v.StartOffset, v.EndOffset, out}}, true
	}
	return whole, !comments
}

// jsonComment reports whether b, the rest of a line, is a comment.
func jsonComment(b []byte) bool {
	if bytes.HasPrefix(b, []byte("/*")) {
		end := bytes.Index(b, []byte("*/"))
		return end > 0 && isBlank(b[end+2:])
	}
	return bytes.HasPrefix(b, []byte("//"))
}

func renderArgs(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = jsonString(a)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// removeMember deletes member i of the object v with its comma.
func (d *jsonDoc) removeMember(v *hujson.Value, i int) []edit {
	obj := v.Value.(*hujson.Object)
	m := obj.Members[i]
	start, valEnd := m.Name.StartOffset, m.Value.EndOffset
	ls := lineStart(d.src, start)
	ownLine := ls > v.StartOffset && isBlank(d.src[ls:start])
	after := skipExtra(d.src, valEnd)
	hasComma := after < len(d.src) && d.src[after] == ','
	var edits []edit
	end := valEnd
	if hasComma {
		end = after + 1
	} else if i > 0 {
		prevEnd := obj.Members[i-1].Value.EndOffset
		prev := skipExtra(d.src, prevEnd)
		closing := v.EndOffset - 1
		if first := obj.Members[0].Name.StartOffset; ownLine && !isBlank(d.src[lineStart(d.src, first):first]) &&
			isSpace(d.src[prev+1:start]) && isSpace(d.src[valEnd:closing]) && isSpace(d.src[prevEnd:prev]) {
			// The last member on a line of its own after members that
			// share the opening brace's line (`{"a": 1,` then `"b": 2`
			// and `}` below, as install adds one): the brace goes back up.
			return []edit{{prevEnd, closing, ""}}
		}
		edits = append(edits, edit{prev, prev + 1, ""})
	}
	if e, ok := restOfLine(d.src, end); ok && ownLine {
		start, end = ls, e
	} else {
		for end < len(d.src) && (d.src[end] == ' ' || d.src[end] == '\t') && hasComma {
			end++
		}
	}
	return append(edits, edit{start, end, ""})
}

// collapseEmpty turns an object left with nothing but whitespace inside
// into {}.
func collapseEmpty(src []byte, v *hujson.Value) []edit {
	obj, ok := v.Value.(*hujson.Object)
	if !ok || len(obj.Members) > 0 || !isBlank(bytes.ReplaceAll(bytes.ReplaceAll(src[v.StartOffset+1:v.EndOffset-1], []byte("\n"), nil), []byte("\r"), nil)) {
		return nil
	}
	return []edit{{v.StartOffset + 1, v.EndOffset - 1, ""}}
}

// found is what a file holds under our name.
type found struct {
	present bool
	command string
	args    []string
	// url is a remote entry's URL, and headers the headers it sends, in
	// the file's order, each with the variable its value refers to.
	url     string
	headers []Header
	// same reports that the entry already says what we would write.
	same bool
	// editable is false when the entry exists in a form we do not edit.
	editable bool
	// badArg is the first argument that is not a string, as written (a
	// number, a boolean, null, "an array", "a table" or "an object"), or
	// notArray; "" when all are strings.
	badArg string
}

func (c Client) jsonLookup(path string, src []byte, name string, e *Entry) (found, error) {
	d, err := parseJSON(path, src)
	if err != nil {
		return found{}, err
	}
	cv, err := d.container(path, c.Key)
	if err != nil || cv == nil {
		return found{}, err
	}
	obj := cv.Value.(*hujson.Object)
	i := member(obj, name)
	if i < 0 {
		return found{}, nil
	}
	fe := c.readEntry(obj.Members[i].Value)
	f := found{present: true, command: fe.Command, args: fe.Args, editable: true}
	if c.urlKey != "" {
		f.url, _ = fe.fields[c.urlKey].(string)
		f.headers = c.foundHeaders(obj.Members[i].Value)
	}
	if e != nil {
		missing, _, err := c.missingInputs(path, d, *e)
		if err != nil {
			return found{}, err
		}
		f.same = c.sameEntry(fe, *e) && len(missing) == 0 && (fe.badArg == "" || e.URL != "")
	}
	f.badArg = fe.badArg
	return f, nil
}

// foundHeaders lists the headers of the remote entry v, in order, each
// with the environment variable its value refers to in the client's
// syntax ("" when it refers to none, or to a VS Code input).
func (c Client) foundHeaders(v hujson.Value) []Header {
	m := lastMember(&v, "headers")
	if m == nil {
		return nil
	}
	obj, ok := m.Value.Value.(*hujson.Object)
	if !ok {
		return nil
	}
	var pre, post string
	if c.headerRef != nil {
		pre, post, _ = strings.Cut(c.headerRef("\x00"), "\x00")
	}
	var hs []Header
	for _, h := range obj.Members {
		name, ok := h.Name.Value.(hujson.Literal)
		value, isStr := h.Value.Value.(hujson.Literal)
		if !ok || !isStr || value.Kind() != '"' {
			continue
		}
		ref := value.String()
		env := ""
		if c.headerRef != nil && len(ref) >= len(pre)+len(post) && strings.HasPrefix(ref, pre) && strings.HasSuffix(ref, post) {
			env = ref[len(pre) : len(ref)-len(post)]
		}
		hs = append(hs, Header{Name: name.String(), Env: env})
	}
	return hs
}

// lastMember returns the last member called name of the object v; nil
// when v is not an object or has none.
func lastMember(v *hujson.Value, name string) *hujson.ObjectMember {
	obj, ok := v.Value.(*hujson.Object)
	if !ok {
		return nil
	}
	i := member(obj, name)
	if i < 0 {
		return nil
	}
	return &obj.Members[i]
}

// jsonUpsert returns src with our entry added or replaced; with keep, an
// existing entry object is updated in place and keeps what the user added.
func (c Client) jsonUpsert(path string, src []byte, e Entry, keep bool) ([]byte, error) {
	d, err := parseJSON(path, src)
	if err != nil {
		return nil, err
	}
	cv, err := d.container(path, c.Key)
	if err != nil {
		return nil, err
	}
	var edits []edit
	nested := c.nestedForm(cv)
	if cv == nil {
		root := &d.root
		edits = d.insertMember(root, c.Key, func(ind string) string {
			in := ind + d.unit
			return "{" + d.nl + in + jsonString(e.Name) + ": " + c.renderEntry(e, in, d.unit, d.nl, false) + d.nl + ind + "}"
		})
	} else {
		obj := cv.Value.(*hujson.Object)
		if i := member(obj, e.Name); i >= 0 {
			m := &obj.Members[i]
			if _, isObj := m.Value.Value.(*hujson.Object); keep && isObj {
				if edits, err = c.updateEntry(path, d, &m.Value, e); err != nil {
					return nil, err
				}
			} else {
				ind := lineIndent(d.src, m.Name.StartOffset)
				edits = []edit{{m.Value.StartOffset, m.Value.EndOffset, c.renderEntry(e, ind, d.unit, d.nl, nested)}}
			}
		} else {
			edits = d.insertMember(cv, e.Name, func(ind string) string { return c.renderEntry(e, ind, d.unit, d.nl, nested) })
		}
	}
	out := applyEdits(d.src, edits)
	if out, err = c.addInputs(path, out, e); err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(out, []byte("\n")) && len(bytes.TrimSpace(src)) == 0 {
		out = append(out, d.nl...)
	}
	// The result must parse and hold exactly our entry.
	f, err := c.jsonLookup(path, out, e.Name, &e)
	if err != nil || !f.same {
		return nil, fmt.Errorf("internal error: editing %s produced an invalid file (nothing was written)", path)
	}
	return d.bytes(out), nil
}

// withoutEmpty returns src without the top-level key when it holds an
// empty object or array; ok is false otherwise.
func withoutEmpty(path string, src []byte, key string) (out []byte, ok bool) {
	d, err := parseJSON(path, src)
	if err != nil {
		return nil, false
	}
	root := &d.root
	i := member(root.Value.(*hujson.Object), key)
	if i < 0 {
		return nil, false
	}
	switch v := root.Value.(*hujson.Object).Members[i].Value.Value.(type) {
	case *hujson.Object:
		ok = len(v.Members) == 0
	case *hujson.Array:
		ok = len(v.Elements) == 0
	}
	if !ok {
		return nil, false
	}
	out = applyEdits(d.src, d.removeMember(root, i))
	if v, err := hujson.Parse(out); err == nil {
		out = applyEdits(out, collapseEmpty(out, &v))
	}
	return d.bytes(out), true
}

// withoutWhatInstallCreated returns src without the servers' object and
// the inputs' array when they are empty and install created them: when
// the file without them is the version install replaced (backup). Else
// src is returned: an empty object or array the user had stays.
func (c Client) withoutWhatInstallCreated(path string, src []byte, backup string) []byte {
	bak, err := os.ReadFile(backup)
	if err != nil {
		return src
	}
	keys := []string{c.Key}
	if c.inputs {
		keys = append(keys, "inputs")
	}
	candidates := [][]byte{src}
	for _, key := range keys {
		for _, cand := range slices.Clone(candidates) {
			if alt, ok := withoutEmpty(path, cand, key); ok {
				candidates = append(candidates, alt)
			}
		}
	}
	for _, cand := range candidates[1:] {
		if bytes.Equal(cand, bak) {
			return cand
		}
	}
	return src
}

// installedInputs lists the inputs install added for the entry called
// name in src: those its headers refer to by the ID install gives them
// (NAME-<header>). An input of another ID is the user's.
func (c Client) installedInputs(path string, src []byte, name string) []string {
	if !c.inputs {
		return nil
	}
	d, err := parseJSON(path, src)
	if err != nil {
		return nil
	}
	cv, err := d.container(path, c.Key)
	if err != nil || cv == nil {
		return nil
	}
	obj := cv.Value.(*hujson.Object)
	i := member(obj, name)
	if i < 0 {
		return nil
	}
	headers, _ := decodeEntry(obj.Members[i].Value).fields["headers"].(map[string]any)
	var ids []string
	for h, v := range headers {
		if id := inputID(Entry{Name: name}, Header{Name: h}); v == "${input:"+id+"}" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// removeInputs returns src without the inputs called ids, each only when
// nothing in src refers to it any more (another entry may share it).
func removeInputs(path string, src []byte, ids []string) ([]byte, error) {
	for _, id := range ids {
		if bytes.Contains(src, []byte("${input:"+id+"}")) {
			continue
		}
		d, err := parseJSON(path, src)
		if err != nil {
			return nil, err
		}
		root := d.root.Value.(*hujson.Object)
		j := member(root, "inputs")
		if j < 0 {
			return src, nil
		}
		arr := &root.Members[j].Value
		a, ok := arr.Value.(*hujson.Array)
		if !ok {
			return src, nil
		}
		for k, el := range a.Elements {
			var in struct{ ID string }
			std := el.Clone()
			std.Standardize()
			if json.Unmarshal(std.Pack(), &in) == nil && in.ID == id {
				src = d.bytes(applyEdits(d.src, d.removeElement(arr, k)))
				break
			}
		}
	}
	if _, err := parseJSON(path, src); err != nil {
		return nil, fmt.Errorf("internal error: editing %s produced an invalid file (nothing was written)", path)
	}
	return src, nil
}

// removeElement deletes element i of the array v with its comma: the one
// after it, else the one before it, so that an element install appended
// (", {…}") goes whole. An element on a line of its own goes with its
// line.
func (d *jsonDoc) removeElement(v *hujson.Value, i int) []edit {
	els := v.Value.(*hujson.Array).Elements
	start, end := els[i].StartOffset, els[i].EndOffset
	ls := lineStart(d.src, start)
	ownLine := ls > v.StartOffset && isBlank(d.src[ls:start])
	after := skipExtra(d.src, end)
	switch {
	case after < len(d.src) && d.src[after] == ',':
		end = after + 1
		if e, ok := restOfLine(d.src, end); ok && ownLine {
			return []edit{{ls, e, ""}}
		}
		for end < len(d.src) && (d.src[end] == ' ' || d.src[end] == '\t') {
			end++
		}
	case i > 0:
		prev := skipExtra(d.src, els[i-1].EndOffset)
		if e, ok := restOfLine(d.src, end); ok && ownLine {
			return []edit{{prev, prev + 1, ""}, {ls, e, ""}}
		}
		start = els[i-1].EndOffset
	default:
		if e, ok := restOfLine(d.src, end); ok && ownLine {
			start, end = ls, e
		}
	}
	return []edit{{start, end, ""}}
}

// jsonRemove returns src without the entry called name.
func (c Client) jsonRemove(path string, src []byte, name string) ([]byte, bool, error) {
	d, err := parseJSON(path, src)
	if err != nil {
		return nil, false, err
	}
	cv, err := d.container(path, c.Key)
	if err != nil || cv == nil {
		return src, false, err
	}
	i := member(cv.Value.(*hujson.Object), name)
	if i < 0 {
		return src, false, nil
	}
	out := applyEdits(d.src, d.removeMember(cv, i))
	// Tidy an object left empty, and check the result.
	d2, err := parseJSON(path, out)
	if err != nil {
		return nil, false, fmt.Errorf("internal error: editing %s produced an invalid file (nothing was written)", path)
	}
	if cv2, _ := d2.container(path, c.Key); cv2 != nil {
		if member(cv2.Value.(*hujson.Object), name) >= 0 {
			return nil, false, fmt.Errorf("%s: %q is defined more than once under %q; remove the others by hand", path, name, c.Key)
		}
		out = applyEdits(out, collapseEmpty(out, cv2))
	}
	return d.bytes(out), true, nil
}
