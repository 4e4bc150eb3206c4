package install

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// The TOML editor works on the entry's text alone. go-toml checks the whole
// file and reads the entry; its parser gives the offset of every table
// header, key and value. The entry is written in any form Codex reads (see
// tomlPlace): a `[mcp_servers.NAME]` table (from its header to the next
// header, less the comments and blank lines just above that next header,
// which describe the next table), dotted keys, inline tables. Our entry is
// updated by replacing values; a new one is added as a table. Everything
// else is left as it was, comments included — go-toml (like
// BurntSushi/toml) drops comments when it re-encodes a document, so the
// file is never re-encoded.

type tomlTable struct {
	keys       []string
	start, end int // header line start; end of its content (see above)
}

func tomlParseError(path string, err error) error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		return &ParseError{Path: path, Err: fmt.Sprintf("line %d, column %d: %s", row, col, de.Error())}
	}
	return &ParseError{Path: path, Err: err.Error()}
}

// tomlComments returns the offsets of the comments of src that stand on
// lines of their own: a line that starts with # inside a multi-line string
// is none of them.
func tomlComments(src []byte) map[int]bool {
	p := unstable.Parser{KeepComments: true}
	p.Reset(src)
	at := map[int]bool{}
	for p.NextExpression() {
		if e := p.Expression(); e.Kind == unstable.Comment {
			at[int(e.Raw.Offset)] = true
		}
	}
	return at
}

// tomlTables lists the [table] and [[array]] headers of src.
func tomlTables(src []byte) []tomlTable {
	var p unstable.Parser
	p.Reset(src)
	var tables []tomlTable
	comments := tomlComments(src)
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.Table && e.Kind != unstable.ArrayTable {
			continue
		}
		var keys []string
		first := -1
		it := e.Key()
		for it.Next() {
			k := it.Node()
			if first < 0 {
				first = int(k.Raw.Offset)
			}
			keys = append(keys, string(k.Data))
		}
		tables = append(tables, tomlTable{keys: keys, start: lineStart(src, first)})
	}
	for i := range tables {
		end := len(src)
		if i+1 < len(tables) {
			end = tables[i+1].start
		}
		tables[i].end = trimTrailingComments(src, tables[i].start, end, comments)
	}
	return tables
}

// trimTrailingComments moves end back over the comment and blank lines that
// precede it, but not before the header line; comments are the offsets of
// the comments on lines of their own.
func trimTrailingComments(src []byte, start, end int, comments map[int]bool) int {
	headerEnd := bytes.IndexByte(src[start:end], '\n')
	if headerEnd < 0 {
		return end
	}
	min := start + headerEnd + 1
	for end > min {
		ls := lineStart(src, end-1)
		text := bytes.TrimLeft(src[ls:end], " \t")
		if line := bytes.TrimSpace(text); len(line) != 0 && (line[0] != '#' || !comments[end-len(text)]) {
			break
		}
		end = ls
	}
	return end
}

func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func tomlArgs(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = tomlString(a)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

func (c Client) renderTable(e Entry, nl string) string {
	return "[" + c.Key + "." + e.Name + "]" + nl +
		"command = " + tomlString(e.Command) + nl +
		"args = " + tomlArgs(e.Args) + nl
}

// tomlPlace is where the entry mcp_servers.NAME is written in a file.
// Codex reads it in every form TOML has: a [mcp_servers.NAME] table,
// dotted keys (mcp_servers.NAME.command = … at the top, NAME.args = …
// under [mcp_servers]), an inline table (NAME = { … } under
// [mcp_servers]), with sub-tables such as [mcp_servers.NAME.env].
type tomlPlace struct {
	found bool
	// tables are its [mcp_servers.NAME] table and sub-tables.
	tables []tomlTable
	// lines are its key/values outside those tables (dotted keys, an
	// inline table), each from its line's start to the end of its last
	// line, newline included.
	lines [][2]int
	// nested: it is inside an inline table that holds other entries too
	// (mcp_servers = { NAME = { … }, … }): its values can be changed, but
	// it cannot be taken out alone.
	nested bool
	// servers is the inline table that holds it then: its braces and
	// its key/values, ours marked.
	servers tomlInline
	// command and args are its values.
	command, args tomlValue
}

// tomlInline is an inline table: src[open] is its '{', src[close] its '}'.
type tomlInline struct {
	open, close int
	kvs         []tomlInlineKV
}

type tomlInlineKV struct {
	start, end int
	ours       bool
}

// tomlValue is a value in the file: src[start:end].
type tomlValue struct {
	ok         bool
	start, end int
	// For an array: the spans of its elements when every one is a
	// string; bad is the first element that is not one, as written
	// ("" when none is); comments, whether a comment is inside it.
	elems    [][2]int
	bad      string
	comments bool
	// inline: the value is in an inline table; else keys is how a
	// sibling key is written on the next line (indentation, the dotted
	// key's first parts: "mcp_servers.NAME.").
	inline bool
	keys   string
}

func tomlKeys(it unstable.Iterator) []string {
	var keys []string
	for it.Next() {
		keys = append(keys, string(it.Node().Data))
	}
	return keys
}

func hasPrefix(keys, prefix []string) bool {
	return len(keys) >= len(prefix) && slices.Equal(keys[:len(prefix)], prefix)
}

// lineEnd returns the offset just after the newline that ends the line p
// is on (the end of src on its last line).
func lineEnd(src []byte, p int) int {
	if i := bytes.IndexByte(src[p:], '\n'); i >= 0 {
		return p + i + 1
	}
	return len(src)
}

// tomlPlaceOf finds the entry called name.
func (c Client) tomlPlaceOf(src []byte, name string) tomlPlace {
	target := []string{c.Key, name}
	var pl tomlPlace
	p := unstable.Parser{KeepComments: true}
	p.Reset(src)
	var header []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			header = tomlKeys(e.Key())
			continue
		case unstable.KeyValue:
		default:
			continue
		}
		path := append(append([]string(nil), header...), tomlKeys(e.Key())...)
		switch {
		case hasPrefix(path, target):
			pl.found = true
			if !hasPrefix(header, target) {
				start := int(e.Raw.Offset)
				pl.lines = append(pl.lines, [2]int{lineStart(src, start), lineEnd(src, start+int(e.Raw.Length))})
			}
		case !hasPrefix(target, path):
			continue
		}
		tomlVisit(src, e, path, target, &pl, len(header), false)
	}
	for _, t := range tomlTables(src) {
		if hasPrefix(t.keys, target) {
			pl.found = true
			pl.tables = append(pl.tables, t)
		}
	}
	return pl
}

// tomlVisit records the command and args of the entry target found in the
// key/value kv, whose whole key is path (its own keys from path[own]; in an
// inline table with inline), looking into inline tables.
func tomlVisit(src []byte, kv *unstable.Node, path, target []string, pl *tomlPlace, own int, inline bool) {
	v := kv.Value()
	if len(path) == len(target)+1 && hasPrefix(path, target) {
		at := tomlValue{ok: true, start: tomlValueStart(src, kv), end: int(kv.Raw.Offset + kv.Raw.Length), inline: inline}
		if !inline {
			ls := lineStart(src, int(kv.Raw.Offset))
			at.keys = string(src[ls:int(kv.Raw.Offset)])
			for _, k := range path[own : len(path)-1] {
				at.keys += k + "."
			}
		}
		switch path[len(target)] {
		case "command":
			pl.command = at
		case "args":
			pl.args = tomlArray(src, v, at)
		}
		return
	}
	if v.Kind != unstable.InlineTable || len(path) > len(target) {
		return
	}
	servers := tomlInline{open: int(v.Raw.Offset), close: int(kv.Raw.Offset+kv.Raw.Length) - 1}
	for it := v.Children(); it.Next(); {
		ch := it.Node()
		if ch.Kind != unstable.KeyValue {
			continue
		}
		cp := append(append([]string(nil), path...), tomlKeys(ch.Key())...)
		ours := hasPrefix(cp, target)
		servers.kvs = append(servers.kvs, tomlInlineKV{int(ch.Raw.Offset), int(ch.Raw.Offset + ch.Raw.Length), ours})
		if ours && len(path) < len(target) {
			pl.found, pl.nested = true, true
		}
		if hasPrefix(cp, target) || hasPrefix(target, cp) {
			tomlVisit(src, ch, cp, target, pl, len(path), true)
		}
	}
	if pl.nested && len(path) < len(target) {
		pl.servers = servers
	}
}

// tomlValueStart returns the offset of the value of the key/value kv:
// after its key, the = and the spaces around it.
func tomlValueStart(src []byte, kv *unstable.Node) int {
	p := 0
	for it := kv.Key(); it.Next(); {
		k := it.Node()
		p = int(k.Raw.Offset + k.Raw.Length)
	}
	// Only the closing quote of a quoted key and spaces come before the =.
	p += bytes.IndexByte(src[p:], '=') + 1
	for p < len(src) && (src[p] == ' ' || src[p] == '\t') {
		p++
	}
	return p
}

// tomlArray describes the array v at.
func tomlArray(src []byte, v *unstable.Node, at tomlValue) tomlValue {
	if v.Kind != unstable.Array {
		at.bad = notArray
		return at
	}
	at.elems = [][2]int{}
	for it := v.Children(); it.Next(); {
		switch n := it.Node(); n.Kind {
		case unstable.Comment:
			at.comments = true
		case unstable.String:
			at.elems = append(at.elems, [2]int{int(n.Raw.Offset), int(n.Raw.Offset + n.Raw.Length)})
		default:
			if at.bad == "" {
				at.bad = tomlDescribe(src, n)
			}
		}
	}
	if at.bad != "" {
		at.elems = nil
	}
	return at
}

// notArray is tomlValue.bad for args that are not an array.
const notArray = "not an array"

// tomlDescribe names the value n for a message: as written when it is a
// plain value.
func tomlDescribe(src []byte, n *unstable.Node) string {
	switch n.Kind {
	case unstable.Array:
		return "an array"
	case unstable.InlineTable:
		return "a table"
	}
	return string(src[n.Raw.Offset : n.Raw.Offset+n.Raw.Length])
}

// updateTOMLEntry edits our entry in place, in the form it is written in:
// command and args are set, every other key (startup_timeout_sec, env, …)
// and extra argument stays, as do a comment after a value and, when the
// arguments are as many as before or written one a line, the comments
// between them.
func (c Client) updateTOMLEntry(path string, src []byte, pl tomlPlace, e Entry, f found) ([]edit, error) {
	if !pl.command.ok {
		return nil, c.notEditable(path, e.Name)
	}
	var edits []edit
	cmd := pl.command
	if f.command != e.Command {
		edits = append(edits, edit{cmd.start, cmd.end, tomlString(e.Command)})
	}
	args := mergeArgs(f.args, e.Args)
	a := pl.args
	switch {
	case equalStrings(f.args, args):
		return edits, nil
	case !a.ok && cmd.inline:
		return append(edits, edit{cmd.end, cmd.end, ", args = " + tomlArgs(args)}), nil
	case !a.ok:
		// On a line of its own after the command's, written as it is.
		nl := newline(src)
		text := cmd.keys + "args = " + tomlArgs(args) + nl
		at := lineEnd(src, cmd.end)
		if at > 0 && src[at-1] != '\n' {
			text = nl + text // after a last line with no newline
		}
		return append(edits, edit{at, at, text}), nil
	}
	if len(a.elems) == len(args) && len(f.args) == len(args) {
		// As many arguments: only those that changed are replaced,
		// and the comments between them stay.
		for j, span := range a.elems {
			if f.args[j] != args[j] {
				edits = append(edits, edit{span[0], span[1], tomlString(args[j])})
			}
		}
		return edits, nil
	}
	if text, ok := relayoutArray(src, a.start, a.end-1, a.elems, f.args, e.Args, tomlString, tomlComment); ok {
		return append(edits, edit{a.start, a.end, text}), nil
	}
	if a.comments {
		return nil, fmt.Errorf("%s: the args of %s.%s hold comments this command cannot keep when it changes how many arguments there are (nothing was written): write one argument a line, or set it by hand to%s%s",
			path, c.Key, e.Name, newline(src)+newline(src), "args = "+tomlArgs(args))
	}
	return append(edits, edit{a.start, a.end, tomlArgs(args)}), nil
}

// tomlComment reports whether b, the rest of a line, is a comment.
func tomlComment(b []byte) bool { return len(b) > 0 && b[0] == '#' }
func newline(src []byte) string {
	if bytes.Contains(src, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}

func (c Client) tomlLookup(path string, src []byte, name string, e *Entry) (found, error) {
	var doc map[string]any
	if err := toml.Unmarshal(src, &doc); err != nil {
		return found{}, tomlParseError(path, err)
	}
	servers, ok := doc[c.Key].(map[string]any)
	if !ok {
		if _, present := doc[c.Key]; present {
			return found{}, &ParseError{Path: path, Err: fmt.Sprintf("%q is not a table", c.Key)}
		}
		return found{}, nil
	}
	raw, present := servers[name]
	if !present {
		return found{}, nil
	}
	f := found{present: true}
	if t, ok := raw.(map[string]any); ok {
		f.command, _ = t["command"].(string)
		if list, ok := t["args"].([]any); ok {
			for _, a := range list {
				s, _ := a.(string)
				f.args = append(f.args, s)
			}
		}
	}
	pl := c.tomlPlaceOf(src, name)
	f.editable = pl.command.ok
	if pl.args.ok {
		f.badArg = pl.args.bad
	}
	if e != nil {
		f.same = f.editable && f.badArg == "" && f.command == e.Command && equalStrings(f.args, mergeArgs(f.args, e.Args))
	}
	return f, nil
}

func (c Client) notEditable(path, name string) error {
	return fmt.Errorf("%s defines %s.%s without a command and args this command can find; change or remove it by hand",
		path, c.Key, name)
}

// nestedError refuses to change the entry called name inside an inline
// table that holds the servers, in a way this command does not: what to
// do says what the user does by hand.
func (c Client) nestedError(path, name, what string) error {
	return fmt.Errorf("%s defines %s.%s inside an inline table (%s = { %s = { … }, … }), which this command does not edit so (nothing was written): %s, or write the servers as [%s.NAME] tables",
		path, c.Key, name, c.Key, name, what, c.Key)
}

// removeInline returns the edits that take our key/values out of the
// inline table t, with the commas and spaces that separated them: only
// when t is on one line (where no comment can be).
func removeInline(src []byte, t tomlInline) ([]edit, bool) {
	if bytes.IndexByte(src[t.open:t.close], '\n') >= 0 {
		return nil, false
	}
	var edits []edit
	kvs := t.kvs
	for i := 0; i < len(kvs); i++ {
		if !kvs[i].ours {
			continue
		}
		j := i
		for j+1 < len(kvs) && kvs[j+1].ours {
			j++
		}
		switch {
		case j+1 < len(kvs): // up to the next key/value that stays
			edits = append(edits, edit{kvs[i].start, kvs[j+1].start, ""})
		case i > 0: // from the end of the one before
			edits = append(edits, edit{kvs[i-1].end, kvs[j].end, ""})
		default: // all of them: the table is left empty, {}
			edits = append(edits, edit{t.open + 1, t.close, ""})
		}
		i = j
	}
	return edits, true
}

// badArgError refuses to update an entry whose args hold something other
// than strings: Codex does not read such a file at all.
func (c Client) badArgError(path, name, bad string) error {
	if bad == notArray {
		return fmt.Errorf("%s: the args of %s.%s are not an array, but Codex takes only an array of strings there and reads none of the file otherwise (nothing was written): write them as args = [\"serve\", …], then run install again",
			path, c.Key, name)
	}
	return fmt.Errorf("%s: the args of %s.%s hold %s, but Codex takes only strings there and reads none of the file while one is not (nothing was written): quote it or remove it, then run install again",
		path, c.Key, name, bad)
}

// tomlUpsert returns src with our [mcp_servers.NAME] table added or
// replaced; with keep, an existing entry is updated in place, in the form
// it is written in, and keeps what the user added.
func (c Client) tomlUpsert(path string, src []byte, e Entry, keep bool) ([]byte, error) {
	f, err := c.tomlLookup(path, src, e.Name, nil)
	if err != nil {
		return nil, err
	}
	nl := newline(src)
	table := c.renderTable(e, nl)
	pl := c.tomlPlaceOf(src, e.Name)
	main := slices.IndexFunc(pl.tables, func(t tomlTable) bool { return len(t.keys) == 2 })
	var out []byte
	switch {
	case f.present && keep:
		if f.badArg != "" {
			return nil, c.badArgError(path, e.Name, f.badArg)
		}
		edits, err := c.updateTOMLEntry(path, src, pl, e, f)
		if err != nil {
			return nil, err
		}
		out = applyEdits(src, edits)
	case f.present && pl.nested:
		return nil, c.nestedError(path, e.Name, fmt.Sprintf("replace %s = { … } in it by hand", e.Name))
	case f.present && len(pl.lines) == 0 && main >= 0:
		// Another program's entry goes whole, its sub-tables
		// ([NAME.env] and the like) with it, as in the JSON files:
		// restmcp's entry takes nothing of it (an env with that
		// program's token, say).
		edits := []edit{{pl.tables[main].start, pl.tables[main].end, table}}
		for i, sub := range pl.tables {
			if i == main {
				continue
			}
			// One right after the last edit (only blank lines
			// between) joins it.
			if last := &edits[len(edits)-1]; sub.start >= last.end && isSpace(src[last.end:sub.start]) {
				last.end = sub.end
				continue
			}
			edits = append(edits, edit{sub.start, sub.end, ""})
		}
		out = applyEdits(src, edits)
	default:
		from := src
		if f.present {
			// Another program's entry written in another form: it
			// goes, and ours is added as a table.
			if from, _, err = c.tomlRemove(path, src, e.Name); err != nil {
				return nil, err
			}
		}
		out = c.addTable(from, table, nl)
	}
	if g, err := c.tomlLookup(path, out, e.Name, &e); err != nil || !g.same {
		if !f.present && c.inlineServers(src) {
			return nil, fmt.Errorf("%s defines %s inline (%s = { … }), a form this command does not edit: turn it into [%s.NAME] tables, or add this table by hand (nothing was written):%s%s",
				path, c.Key, c.Key, c.Key, nl+nl, table)
		}
		return nil, fmt.Errorf("internal error: editing %s produced an invalid file (nothing was written)", path)
	}
	return out, nil
}

// addTable returns src with table added after the last server table, else
// at the end.
func (c Client) addTable(src []byte, table, nl string) []byte {
	at := -1
	for _, t := range tomlTables(src) {
		if len(t.keys) > 0 && t.keys[0] == c.Key {
			at = t.end
		}
	}
	switch {
	case at >= 0 && at < len(src):
		return applyEdits(src, []edit{{at, at, nl + table}})
	case len(bytes.TrimSpace(src)) == 0:
		return []byte(table)
	default:
		prefix := nl
		if !bytes.HasSuffix(src, []byte("\n")) {
			prefix = nl + nl
		}
		return append(append([]byte(nil), src...), prefix+table...)
	}
}

// inlineServers reports whether src sets the servers' table as a value
// (`mcp_servers = { … }`) rather than with [mcp_servers.NAME] headers.
func (c Client) inlineServers(src []byte) bool {
	var p unstable.Parser
	p.Reset(src)
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind == unstable.Table || e.Kind == unstable.ArrayTable {
			return false // keys below a header belong to that table
		}
		if e.Kind != unstable.KeyValue {
			continue
		}
		if it := e.Key(); it.Next() && string(it.Node().Data) == c.Key && !it.Next() {
			return true
		}
	}
	return false
}

// tomlRemove returns src without our entry: its tables, sub-tables
// included, and the lines of its dotted keys or inline table.
func (c Client) tomlRemove(path string, src []byte, name string) ([]byte, bool, error) {
	f, err := c.tomlLookup(path, src, name, nil)
	if err != nil {
		return nil, false, err
	}
	if !f.present {
		return src, false, nil
	}
	pl := c.tomlPlaceOf(src, name)
	var edits []edit
	for _, t := range pl.tables {
		// A sub-table right after ours (only blank lines between) joins it.
		if n := len(edits); n > 0 && isBlank(bytes.TrimSpace(src[edits[n-1].end:t.start])) {
			edits[n-1].end = t.end
			continue
		}
		edits = append(edits, edit{t.start, t.end, ""})
	}
	if len(edits) > 0 {
		// Drop one blank line that separated the removed table from its
		// neighbours: the one after it at the top of the file, else the
		// one before it, which install puts above a table it adds.
		first, last := &edits[0], &edits[len(edits)-1]
		switch {
		case first.start == 0:
			for last.end < len(src) && (src[last.end] == '\n' || src[last.end] == '\r') {
				last.end++
			}
		case first.start >= 2 && isBlankLineEnd(src[:first.start-1]):
			first.start--
			if first.start >= 1 && src[first.start-1] == '\r' {
				first.start--
			}
		}
	}
	for _, l := range pl.lines {
		edits = append(edits, edit{l[0], l[1], ""})
	}
	if pl.nested {
		inline, ok := removeInline(src, pl.servers)
		if !ok {
			return nil, false, c.nestedError(path, name, fmt.Sprintf("remove %s = { … } from it by hand", name))
		}
		edits = append(edits, inline...)
	}
	out := applyEdits(src, edits)
	if g, err := c.tomlLookup(path, out, name, nil); err != nil || g.present {
		return nil, false, fmt.Errorf("internal error: editing %s produced an invalid file (nothing was written)", path)
	}
	return out, true, nil
}

// isBlankLineEnd reports whether b ends with an empty line (so the newline
// that follows it only made a blank line).
func isBlankLineEnd(b []byte) bool {
	b = bytes.TrimSuffix(b, []byte("\r"))
	return len(b) == 0 || b[len(b)-1] == '\n'
}
