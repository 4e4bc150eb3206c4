package install

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// The TOML editor works one table at a time. go-toml checks the whole file
// and reads the entry; its parser gives the offset of every table header.
// The entry is the `[mcp_servers.NAME]` table: from its header to the next
// header, less the comments and blank lines just above that next header
// (they describe the next table). Everything else is left as it was,
// comments included — go-toml (like BurntSushi/toml) drops comments when it
// re-encodes a document, so the file is never re-encoded.

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

// tomlKeyValue is one `key = value` of a table: from its line's start to the
// end of its value's last line. The key starts at keyAt, after the line's
// indentation, and the value ends at valueEnd, before the spaces and the
// comment that may follow it on its line.
type tomlKeyValue struct {
	key             string
	start, end      int
	keyAt, valueEnd int
	// strings are the spans of the value's elements when it is an array
	// of strings (nil otherwise).
	strings [][2]int
}

// tomlKeyValues lists the top-level keys of the table t (a dotted key is
// listed by its first part).
func tomlKeyValues(src []byte, t tomlTable) []tomlKeyValue {
	p := unstable.Parser{KeepComments: true}
	p.Reset(src)
	var kvs []tomlKeyValue
	var trailing []int // offset of the comment after each value; -1: none
	comments := tomlComments(src)
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.KeyValue {
			continue
		}
		it := e.Key()
		if !it.Next() {
			continue
		}
		k := it.Node()
		off := int(k.Raw.Offset)
		if off < t.start || off >= t.end {
			continue
		}
		ls := lineStart(src, off)
		keyAt := ls + len(src[ls:]) - len(bytes.TrimLeft(src[ls:], " \t"))
		kvs = append(kvs, tomlKeyValue{key: string(k.Data), start: ls, keyAt: keyAt, strings: tomlStrings(e.Value())})
		c := -1
		if n := e.Next(); n.Valid() && n.Kind == unstable.Comment {
			c = int(n.Raw.Offset)
		}
		trailing = append(trailing, c)
	}
	for i := range kvs {
		end := t.end
		if i+1 < len(kvs) {
			end = kvs[i+1].start
		}
		kvs[i].end = trimTrailingComments(src, kvs[i].start, end, comments)
		// The value ends where its comment starts, else at the end of
		// its last line; the spaces before either are not part of it.
		v := trailing[i]
		if v < 0 {
			v = len(bytes.TrimRight(src[:kvs[i].end], "\r\n"))
		}
		kvs[i].valueEnd = len(bytes.TrimRight(src[:v], " \t"))
	}
	return kvs
}

// tomlStrings returns the spans of the elements of the array v, when
// every element is a string; nil otherwise.
func tomlStrings(v *unstable.Node) [][2]int {
	if v.Kind != unstable.Array {
		return nil
	}
	spans := [][2]int{}
	for it := v.Children(); it.Next(); {
		switch n := it.Node(); n.Kind {
		case unstable.Comment:
		case unstable.String:
			spans = append(spans, [2]int{int(n.Raw.Offset), int(n.Raw.Offset + n.Raw.Length)})
		default:
			return nil
		}
	}
	return spans
}

// updateTable edits our table t in place: command and args are set, every
// other key (startup_timeout_sec, env, …) and extra argument stays, as do
// the indentation of a key that changes, a comment after its value and,
// when the arguments are as many as before, the comments between them.
func (c Client) updateTable(src []byte, t tomlTable, e Entry, f found, nl string) []edit {
	args := mergeArgs(f.args, e.Args)
	want := [][2]string{{"command", "command = " + tomlString(e.Command)}, {"args", "args = " + tomlArgs(args)}}
	kvs := tomlKeyValues(src, t)
	var edits []edit
	at := t.start + bytes.IndexByte(src[t.start:t.end], '\n') + 1
	for _, w := range want {
		i := -1
		for j, kv := range kvs {
			if kv.key == w[0] {
				i = j
			}
		}
		switch {
		case i < 0 && at > 0 && src[at-1] != '\n':
			// After a last line with no newline at the end of the file.
			edits = append(edits, edit{at, at, nl + w[1] + nl})
		case i < 0:
			edits = append(edits, edit{at, at, w[1] + nl})
		case w[0] == "command" && f.command == e.Command, w[0] == "args" && equalStrings(f.args, args):
			at = kvs[i].end
		case w[0] == "args" && len(kvs[i].strings) == len(args) && len(f.args) == len(args):
			// As many arguments: only those that changed are replaced,
			// and the comments between them stay.
			for j, span := range kvs[i].strings {
				if f.args[j] != args[j] {
					edits = append(edits, edit{span[0], span[1], tomlString(args[j])})
				}
			}
			at = kvs[i].end
		default:
			edits = append(edits, edit{kvs[i].keyAt, kvs[i].valueEnd, w[1]})
			at = kvs[i].end
		}
	}
	return edits
}

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
	for _, t := range tomlTables(src) {
		if len(t.keys) == 2 && t.keys[0] == c.Key && t.keys[1] == name {
			f.editable = true
		}
	}
	if e != nil {
		f.same = f.editable && f.command == e.Command && equalStrings(f.args, mergeArgs(f.args, e.Args))
	}
	return f, nil
}

func (c Client) notEditable(path, name string) error {
	return fmt.Errorf("%s defines %s.%s in a form this command does not edit (not as a [%s.%s] table); change or remove it by hand",
		path, c.Key, name, c.Key, name)
}

// tomlUpsert returns src with our [mcp_servers.NAME] table added or
// replaced; with keep, an existing table is updated in place and keeps what
// the user added.
func (c Client) tomlUpsert(path string, src []byte, e Entry, keep bool) ([]byte, error) {
	f, err := c.tomlLookup(path, src, e.Name, nil)
	if err != nil {
		return nil, err
	}
	if f.present && !f.editable {
		return nil, c.notEditable(path, e.Name)
	}
	nl := newline(src)
	table := c.renderTable(e, nl)
	tables := tomlTables(src)
	var out []byte
	replaced := false
	for _, t := range tables {
		if len(t.keys) == 2 && t.keys[0] == c.Key && t.keys[1] == e.Name {
			if keep {
				out = applyEdits(src, c.updateTable(src, t, e, f, nl))
			} else {
				// Another program's entry goes whole, its sub-tables
				// ([NAME.env] and the like) with it, as in the JSON files:
				// restmcp's entry takes nothing of it (an env with that
				// program's token, say).
				edits := []edit{{t.start, t.end, table}}
				for _, sub := range tables {
					if len(sub.keys) <= 2 || sub.keys[0] != c.Key || sub.keys[1] != e.Name {
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
			}
			replaced = true
			break
		}
	}
	if !replaced {
		// After the last server table, else at the end of the file.
		at := -1
		for _, t := range tables {
			if len(t.keys) > 0 && t.keys[0] == c.Key {
				at = t.end
			}
		}
		switch {
		case at >= 0 && at < len(src):
			out = applyEdits(src, []edit{{at, at, nl + table}})
		case len(bytes.TrimSpace(src)) == 0:
			out = []byte(table)
		default:
			prefix := nl
			if !bytes.HasSuffix(src, []byte("\n")) {
				prefix = nl + nl
			}
			out = append(append([]byte(nil), src...), prefix+table...)
		}
	}
	if g, err := c.tomlLookup(path, out, e.Name, &e); err != nil || !g.same {
		if !replaced && c.inlineServers(src) {
			return nil, fmt.Errorf("%s defines %s inline (%s = { … }), a form this command does not edit: turn it into [%s.NAME] tables, or add this table by hand (nothing was written):%s%s",
				path, c.Key, c.Key, c.Key, nl+nl, table)
		}
		return nil, fmt.Errorf("internal error: editing %s produced an invalid file (nothing was written)", path)
	}
	return out, nil
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

// tomlRemove returns src without our table and its sub-tables.
func (c Client) tomlRemove(path string, src []byte, name string) ([]byte, bool, error) {
	f, err := c.tomlLookup(path, src, name, nil)
	if err != nil {
		return nil, false, err
	}
	if !f.present {
		return src, false, nil
	}
	if !f.editable {
		return nil, false, c.notEditable(path, name)
	}
	var edits []edit
	for _, t := range tomlTables(src) {
		if len(t.keys) < 2 || t.keys[0] != c.Key || t.keys[1] != name {
			continue
		}
		// A sub-table right after ours (only blank lines between) joins it.
		if n := len(edits); n > 0 && isBlank(bytes.TrimSpace(src[edits[n-1].end:t.start])) {
			edits[n-1].end = t.end
			continue
		}
		edits = append(edits, edit{t.start, t.end, ""})
	}
	// Drop one blank line that separated the removed table from its
	// neighbours: the one after it at the top of the file, else the one
	// before it, which install puts above a table it adds.
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
