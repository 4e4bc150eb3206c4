package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"github.com/tailscale/hujson"
)

// The fuzz targets below run their seeds as plain tests; `go test ./install
// -run '^$' -fuzz FuzzJSONInstall` explores further. Each does to a file's
// bytes what Install and Uninstall do, and checks the promises of
// docs/install.md: a file that does not parse is refused; install adds or
// updates the one entry and leaves every other value and comment as it
// was; installing again changes nothing; uninstall gives back the values
// (and, with the backup, the bytes) of the file before install.

// installBytes does to src what Install does (without Force unless force),
// and returns the file's new contents: src when nothing changes, nil with
// the error when install refuses.
func installBytes(t *testing.T, c Client, src []byte, e Entry, force bool) ([]byte, Action, error) {
	t.Helper()
	f, err := c.lookup("f", src, e.Name, &e)
	if err == nil {
		err = c.readable("f", src)
	}
	if err != nil {
		return nil, "", err
	}
	switch {
	case f.same:
		return src, Unchanged, nil
	case f.present && !f.ours(e) && !force:
		return nil, "", &ConflictError{Path: "f", Name: e.Name}
	}
	if old, ok := otherProfile(f, e); ok && !force {
		return nil, "", &ProfileError{Path: "f", Name: e.Name, Profile: old}
	}
	action := Added
	if f.present {
		action = Updated
	}
	keep := f.present && f.ours(e)
	var out []byte
	if c.format == formatTOML {
		out, err = c.tomlUpsert("f", src, e, keep)
	} else {
		out, err = c.jsonUpsert("f", src, e, keep)
	}
	if err != nil {
		if out != nil {
			t.Fatalf("install failed (%v) and returned a file", err)
		}
		return nil, "", err
	}
	return out, action, nil
}

// uninstallBytes does to src what UninstallEntry does with Force, the
// previous version being in the file backup ("" for none).
func uninstallBytes(t *testing.T, c Client, src []byte, e Entry, backup string) ([]byte, error) {
	t.Helper()
	f, err := c.lookup("f", src, e.Name, nil)
	if err != nil || !f.present {
		return src, err
	}
	if err := c.readable("f", src); err != nil {
		return nil, err
	}
	var out []byte
	if prev, ok := c.previousVersion("f", src, e.Name, f, backup); ok {
		out = prev
	} else if c.format == formatTOML {
		out, _, err = c.tomlRemove("f", src, e.Name)
	} else {
		out, _, err = c.jsonRemove("f", src, e.Name)
		if err == nil {
			out, err = removeInputs("f", out, c.installedInputs("f", src, e.Name))
		}
		if err == nil {
			out = c.withoutWhatInstallCreated("f", out, backup)
		}
	}
	if err != nil && out != nil {
		t.Fatalf("uninstall failed (%v) and returned a file", err)
	}
	return out, err
}

// fuzzEntry is the entry a fuzz run installs: a command entry serving
// profile, or (remote, for a client that takes one) a remote entry with a
// header.
func fuzzEntry(c Client, name, profile string, remote bool) Entry {
	if ValidName(name) != nil {
		name = "acme"
	}
	profile = strings.ToValidUTF8(profile, "?")
	if remote && c.urlKey != "" {
		return Entry{Name: name, URL: "https://mcp.example.com/" + profile, Headers: []Header{{Name: "Authorization", Env: "RESTMCP_HEADER_AUTHORIZATION"}}}
	}
	return Entry{Name: name, Command: testCommand, Args: []string{"serve", "--profile", profile}}
}

// internalError fails on the error an editor returns when its own result
// does not check: the file was valid, and install or uninstall could not
// edit it.
func internalError(t *testing.T, what string, err error, src []byte) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), "internal error") {
		t.Fatalf("%s: %v\ninput:\n%q", what, err, src)
	}
}

var backups atomic.Int64

// withBackup writes b to a new file in dir and returns its path.
func withBackup(t *testing.T, dir string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, strconv.FormatInt(backups.Add(1), 10)+".bak")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func fuzzDir(f *testing.F) string {
	dir, err := os.MkdirTemp("", "restmcp-fuzz")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// entryOf returns the entry called name in the parsed file doc, nil when
// it has none.
func entryOf(c Client, doc map[string]any, name string) any {
	servers, _ := doc[c.Key].(map[string]any)
	return servers[name]
}

// --- JSON ---

// jsonValue parses a JSON(C) file as the editor reads it (a byte order
// mark skipped, a blank file an empty object); ok is false when it is
// not an object.
func jsonValue(src []byte) (map[string]any, bool) {
	src = bytes.TrimPrefix(src, utf8BOM)
	if isSpace(src) {
		return map[string]any{}, true
	}
	v, err := hujson.Parse(src)
	if err != nil {
		return nil, false
	}
	if _, ok := v.Value.(*hujson.Object); !ok {
		return nil, false
	}
	std, err := hujson.Standardize(append([]byte(nil), src...))
	if err != nil {
		return nil, false
	}
	var m map[string]any
	if err := json.Unmarshal(std, &m); err != nil {
		return nil, false
	}
	return m, true
}

// comment is a comment of a JSONC text, with its offset.
type comment struct {
	at   int
	text string
}

// jsonComments lists the comments of src, which parses.
func jsonComments(src []byte) []comment {
	var out []comment
	for i := 0; i < len(src); i++ {
		switch {
		case src[i] == '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case bytes.HasPrefix(src[i:], []byte("//")):
			end := bytes.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			out = append(out, comment{i, strings.TrimSuffix(string(src[i:i+end]), "\r")})
			i += end
		case bytes.HasPrefix(src[i:], []byte("/*")):
			end := bytes.Index(src[i+2:], []byte("*/"))
			out = append(out, comment{i, string(src[i : i+2+end+2])})
			i += 2 + end + 1
		}
	}
	return out
}

// span is a range of offsets of a text.
type span struct{ start, end int }

// keepsComments fails unless every comment of in outside the spans is in
// out, in the same order.
func keepsComments(t *testing.T, what string, in, out []byte, gone []span) {
	t.Helper()
	keeps(t, what, jsonComments(bytes.TrimPrefix(in, utf8BOM)), jsonComments(bytes.TrimPrefix(out, utf8BOM)), gone, in, out)
}

// keeps fails unless every comment of before outside the spans is in
// after, in the same order.
func keeps(t *testing.T, what string, before, after []comment, gone []span, in, out []byte) {
	t.Helper()
	j := 0
next:
	for _, c := range before {
		for _, s := range gone {
			if c.at >= s.start && c.at < s.end {
				continue next
			}
		}
		for j < len(after) && after[j].text != c.text {
			j++
		}
		if j == len(after) {
			t.Fatalf("%s lost the comment %q\ninput:\n%q\noutput:\n%q", what, c.text, in, out)
		}
		j++
	}
}

// memberSpan is where the member m of src goes when it is removed: from its
// name to its comma, and the rest of that line.
func memberSpan(src []byte, start, end int) span {
	p := skipExtra(src, end)
	if p < len(src) && src[p] == ',' {
		p++
	}
	if i := bytes.IndexByte(src[p:], '\n'); i >= 0 {
		p += i
	} else {
		p = len(src)
	}
	return span{lineStart(src, start), p}
}

// entrySpans are the spans of src an edit of the entry called name may
// take comments from: its value, on install (member false); its member
// with the rest of its line, and the inputs uninstall removes, on
// uninstall.
func entrySpans(c Client, src []byte, name string, asMember bool, inputIDs map[string]bool) []span {
	src = bytes.TrimPrefix(src, utf8BOM)
	root, err := hujson.Parse(src)
	if err != nil {
		return nil
	}
	var spans []span
	if servers := lastMember(&root, c.Key); servers != nil {
		if m := lastMember(&servers.Value, name); m != nil {
			if asMember {
				spans = append(spans, memberSpan(src, m.Name.StartOffset, m.Value.EndOffset))
			} else {
				spans = append(spans, span{m.Value.StartOffset, m.Value.EndOffset})
			}
		}
	}
	if in := lastMember(&root, "inputs"); in != nil {
		if a, ok := in.Value.Value.(*hujson.Array); ok {
			for _, el := range a.Elements {
				var x struct{ ID string }
				std := el.Clone()
				std.Standardize()
				if json.Unmarshal(std.Pack(), &x) == nil && inputIDs[x.ID] {
					spans = append(spans, memberSpan(src, el.StartOffset, el.EndOffset))
				}
			}
		}
	}
	return spans
}

// withoutEntry returns doc (a parsed file) without the entry called name,
// and without the inputs called ids; a servers object or inputs array left
// empty goes too when had (the file before) has none.
func withoutEntry(c Client, doc, had map[string]any, name string, ids map[string]bool) map[string]any {
	out := map[string]any{}
	for k, v := range doc {
		out[k] = v
	}
	if servers, ok := out[c.Key].(map[string]any); ok {
		m := map[string]any{}
		for k, v := range servers {
			if k != name {
				m[k] = v
			}
		}
		out[c.Key] = m
		if _, ok := had[c.Key]; !ok && len(m) == 0 {
			delete(out, c.Key)
		}
	}
	if list, ok := out["inputs"].([]any); ok && len(ids) > 0 {
		var kept []any
		for _, in := range list {
			if m, ok := in.(map[string]any); ok {
				if id, _ := m["id"].(string); ids[id] {
					continue
				}
			}
			kept = append(kept, in)
		}
		if kept == nil {
			kept = []any{}
		}
		out["inputs"] = kept
		if _, ok := had["inputs"]; !ok && len(kept) == 0 {
			delete(out, "inputs")
		}
	}
	return out
}

// wantJSONEntry fails unless the entry in out says what e says, and keeps
// what the user had added to the old one (when updated in place).
func wantJSONEntry(t *testing.T, c Client, out map[string]any, e Entry, old map[string]any, keep bool) {
	t.Helper()
	servers, _ := out[c.Key].(map[string]any)
	got, ok := servers[e.Name].(map[string]any)
	if !ok {
		t.Fatalf("no entry %q under %q: %v", e.Name, c.Key, out)
	}
	want := map[string]any{}
	if keep {
		for k, v := range old {
			want[k] = v
		}
	}
	if e.URL != "" {
		for _, f := range c.remote {
			want[f[0]] = f[1]
		}
		want[c.urlKey] = e.URL
		if hs := c.headers(e); len(hs) > 0 {
			h := map[string]any{}
			for _, x := range hs {
				h[x[0]] = x[1]
			}
			want["headers"] = h
		}
	} else {
		for _, f := range c.fields {
			want[f[0]] = f[1]
		}
		want["command"] = e.Command
		var oldArgs []string
		if keep {
			oldArgs = decodeEntry(mustValue(t, old)).Args
		}
		var args []any
		for _, a := range mergeArgs(oldArgs, e.Args) {
			args = append(args, a)
		}
		want["args"] = args
	}
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		t.Fatalf("entry = %s, want %s", gj, wj)
	}
}

func mustValue(t *testing.T, m map[string]any) hujson.Value {
	t.Helper()
	b, _ := json.Marshal(m)
	v, err := hujson.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// sameValues fails unless a and b are equal.
func sameValues(t *testing.T, what string, a, b any, in, out []byte) {
	t.Helper()
	if !reflect.DeepEqual(normal(a), normal(b)) {
		t.Fatalf("%s changed what it should have left:\nbefore: %#v\nafter:  %#v\ninput:\n%q\noutput:\n%q", what, a, b, in, out)
	}
}

// normal makes NaN equal to itself.
func normal(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := map[string]any{}
		for k, x := range v {
			m[k] = normal(x)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, x := range v {
			l[i] = normal(x)
		}
		return l
	case float64:
		if math.IsNaN(v) {
			return "NaN"
		}
	}
	return v
}

// crlfOnly reports whether every line break of b is CRLF.
func crlfOnly(b []byte) bool {
	return bytes.Contains(b, []byte("\r\n")) && !bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\n"))
}

var jsonSeeds = []string{
	"",
	"  \n",
	"{}",
	"{}\n",
	"\ufeff{}\n",
	"\ufeff{\r\n  \"mcpServers\": {\r\n    \"github\": {\"command\": \"npx\"}\r\n  }\r\n}\r\n",
	`{"mcpServers": {"x": {"command": "x"}}}`,
	"{\n  // my settings\n  \"theme\": \"dark\",\n  \"mcpServers\": {\n    \"github\": {\n      \"command\": \"npx\",\n      \"args\": [\"-y\", \"@modelcontextprotocol/server-github\"] // official\n    }\n  },\n  \"other\": [1, 2, 3]\n}\n",
	"{\n\t\"servers\": {\n\t\t\"x\": {\"type\": \"stdio\", \"command\": \"x\"},\n\t},\n}\n",
	"{\n    \"theme\": \"One Dark\" // dark\n}\n",
	"{\n  \"mcpServers\": {\n    \"acme\": {\n      \"command\": \"/old/bin/restmcp\",\n      \"args\": [\"serve\", \"--read-only\", \"--profile\", \"acme\", \"--layout\", \"search\"],\n      \"disabled\": true, // switched off\n      \"env\": {\"HTTPS_PROXY\": \"http://proxy:3128\"}\n    }\n  }\n}\n",
	`{"servers": {"acme": {"command": "/old/restmcp", "args": ["serve", "-p=acme", "--tag", "pets"], "envFile": ".env"}}}`,
	"{\"mcpServers\": {\n  \"acme\": {\"command\": \"x\"}, // ours\n  \"b\": {}\n}}",
	"{\"mcpServers\": {\n  \"b\": {},\n  \"acme\": {\"command\": \"x\"},\n}}",
	`{"mcpServers": {"b": 1, "acme": {"command": "x"}, "c": 2}}`,
	`{"mcpServers": {"acme": {"command": "/opt/restmcp/bin/restmcp", "args": ["serve", "--profile", "acme"]}, "acme": 1}}`,
	`{"mcpServers": {"acme": []}, "mcpServers": {}}`,
	`{"mcpServers": []}`,
	`{"context_servers": null, "servers": "x"}`,
	"{\n  \"inputs\": []\n}\n",
	"{\n  \"servers\": {},\n  \"inputs\": [{\"type\": \"promptString\", \"id\": \"acme-authorization\"}, /* mine */]\n}\n",
	`{"inputs": {}, "servers": {"acme": {"type": "http", "url": "https://mcp.example.com/acme", "headers": {"Authorization": "${input:acme-authorization}"}}}}`,
	"{\n  \"mcpServers\": {\"github\": {\"command\": \"npx\"}},\n  \"theme\": \"dark\"\n}\n",
	"{\n  // servers\n  \"servers\": {\"github\": {\"command\": \"npx\"}}, // mine\n  /* theme */\n  \"theme\": \"dark\",\n}\n",
	"{\n  \"servers\": {\n    \"github\": {\"command\": \"npx\"}, // npm\n    // more to come\n  },\n}\n",
	"{/*a*/\"mcpServers\"/*b*/:/*c*/{/*d*/\"acme\"/*e*/:/*f*/{\"command\":\"x\"}/*g*/,/*h*/}/*i*/}/*j*/",
	"{\"名前\": \"値 \\u00e9 \\\"q\\\" //not a comment\", \"emoji\": \"🦀\", \"nested\": {\"a\": {\"b\": [1, {\"c\": null}]}}}",
	"[1, 2]",
	"\"x\"",
	"{\"a\": 1,}",
	"{\"a\" 1}",
	"{\"mcpServers\": {\"acme\": {\"url\": \"https://mcp.example.com/acme\", \"disabled\": true}}}",
	// Arguments that are not strings, under every client's key: refused,
	// never read as "".
	`{"mcpServers": {"acme": {"command": "/opt/restmcp/bin/restmcp", "args": ["serve", "--profile", "acme", 30]}}, "servers": {"acme": {"command": "/old/restmcp", "args": ["serve", true, ["x"], {"a": 1}]}}, "context_servers": {"acme": {"command": {"path": "/old/restmcp", "args": ["serve", null]}}}}`,
	`{"mcpServers": {"acme": {"command": "/old/restmcp", "args": "serve --profile acme --read-only"}}, "servers": {"acme": {"command": "/opt/restmcp/bin/restmcp", "args": ["serve", "--profile", "acme", 1e3]}}, "context_servers": {"acme": {"command": "/opt/restmcp/bin/restmcp", "args": ["serve", "--profile", "acme", -0.5]}}}`,
}

// FuzzJSONInstall installs an entry into a JSON(C) file, installs it
// again, and uninstalls it with and without the backup; it also
// uninstalls an entry of that name the file already had.
func FuzzJSONInstall(f *testing.F) {
	var jsonClients []Client
	for _, c := range Clients() {
		if c.format == formatJSON {
			jsonClients = append(jsonClients, c)
		}
	}
	for i, s := range jsonSeeds {
		f.Add([]byte(s), uint8(i), "acme", "acme", i%3 == 0, i%4 == 0)
	}
	dir := fuzzDir(f)
	f.Fuzz(func(t *testing.T, src []byte, client uint8, name, profile string, remote, force bool) {
		c := jsonClients[int(client)%len(jsonClients)]
		e := fuzzEntry(c, name, profile, remote)
		in, ok := jsonValue(src)
		if _, err := parseJSON("f", src); (err == nil) != ok {
			t.Fatalf("the editor's parser says %v, hujson says %v", err, ok)
		}
		out, action, err := installBytes(t, c, src, e, force)
		if !ok {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("a file that does not parse: err = %v", err)
			}
			return
		}
		internalError(t, "install", err, src)
		checkJSONUninstall(t, c, src, in, e, "")
		oldEntry, _ := entryOf(c, in, e.Name).(map[string]any)
		if fd, _ := c.lookup("f", src, e.Name, nil); err == nil && e.URL == "" && fd.present && fd.ours(e) && !stringArgs(c, oldEntry) {
			t.Fatalf("install took an entry whose args are not all strings (%v): %v\ninput:\n%q\noutput:\n%q", oldEntry, action, src, out)
		}
		if err != nil {
			return
		}
		outV, ok := jsonValue(out)
		if !ok {
			t.Fatalf("install wrote a file that does not parse:\n%q\ninput:\n%q", out, src)
		}
		if bytes.HasPrefix(src, utf8BOM) != bytes.HasPrefix(out, utf8BOM) {
			t.Fatalf("byte order mark not kept: %q", out)
		}
		if crlfOnly(src) && !crlfOnly(out) {
			t.Fatalf("bare LF written into a CRLF file: %q", out)
		}
		if action == Unchanged {
			if !bytes.Equal(out, src) {
				t.Fatal("unchanged, but the file changed")
			}
		} else {
			keep := action == Updated && oldEntry != nil && func() bool {
				fd, _ := c.lookup("f", src, e.Name, nil)
				return fd.ours(e)
			}()
			wantJSONEntry(t, c, outV, e, oldEntry, keep)
		}
		ids := map[string]bool{}
		for _, id := range c.installedInputs("f", out, e.Name) {
			ids[id] = true
		}
		addedIDs := map[string]bool{}
		if c.inputs && e.URL != "" {
			have := map[string]bool{}
			if l, ok := in["inputs"].([]any); ok {
				for _, x := range l {
					if m, ok := x.(map[string]any); ok {
						id, _ := m["id"].(string)
						have[id] = true
					}
				}
			}
			for id := range ids {
				if !have[id] {
					addedIDs[id] = true
				}
			}
		}
		sameValues(t, "install", withoutEntry(c, in, in, e.Name, addedIDs), withoutEntry(c, outV, in, e.Name, addedIDs), src, out)
		keepsComments(t, "install", src, out, entrySpans(c, src, e.Name, false, nil))

		// Again: nothing changes.
		again, action2, err := installBytes(t, c, out, e, false)
		if err != nil || action2 != Unchanged || !bytes.Equal(again, out) {
			t.Fatalf("second install: %v, %v\n%q\nfirst:\n%q", action2, err, again, out)
		}

		// Uninstall, with no backup: the values come back, the entry and
		// the inputs it used gone.
		back, err := uninstallBytes(t, c, out, e, "")
		if err != nil && strings.Contains(err.Error(), "is defined more than once") {
			return // the file had the name twice: refused, by hand it goes
		}
		if err != nil {
			t.Fatalf("uninstall: %v\ninput:\n%q\ninstalled:\n%q", err, src, out)
		}
		backV, ok := jsonValue(back)
		if !ok {
			t.Fatalf("uninstall wrote a file that does not parse:\n%q", back)
		}
		sameValues(t, "install then uninstall", withoutEntry(c, in, in, e.Name, ids), withoutEntry(c, backV, in, e.Name, ids), src, back)
		keepsComments(t, "install then uninstall", src, back, entrySpans(c, src, e.Name, true, ids))

		// With the backup install made, the bytes come back.
		if action == Added {
			back, err := uninstallBytes(t, c, out, e, withBackup(t, dir, src))
			if err != nil || !bytes.Equal(back, src) {
				t.Fatalf("install then uninstall with the backup: %v\ngot:\n%q\nwant:\n%q\ninstalled:\n%q", err, back, src, out)
			}
		}
	})
}

// stringArgs reports whether the entry's args (in the command object of
// the client's nested form too) are absent, null or an array of strings.
func stringArgs(c Client, entry map[string]any) bool {
	args, has := entry["args"]
	if cmd, ok := entry["command"].(map[string]any); ok && c.nestedCommand {
		args, has = cmd["args"]
	}
	if !has || args == nil {
		return true
	}
	list, ok := args.([]any)
	if !ok {
		return false
	}
	for _, a := range list {
		if _, ok := a.(string); !ok {
			return false
		}
	}
	return true
}

// checkJSONUninstall uninstalls from src, which parses to in, the entry
// e.Name it may have: the file must still parse and hold everything else.
func checkJSONUninstall(t *testing.T, c Client, src []byte, in map[string]any, e Entry, backup string) {
	t.Helper()
	out, err := uninstallBytes(t, c, src, e, backup)
	internalError(t, "uninstall", err, src)
	if err != nil {
		return
	}
	outV, ok := jsonValue(out)
	if !ok {
		t.Fatalf("uninstall wrote a file that does not parse:\n%q\ninput:\n%q", out, src)
	}
	if servers, ok := outV[c.Key].(map[string]any); ok {
		if _, ok := servers[e.Name]; ok {
			t.Fatalf("uninstall left the entry:\n%q", out)
		}
	}
	ids := map[string]bool{}
	for _, id := range c.installedInputs("f", src, e.Name) {
		if !bytes.Contains(out, []byte("${input:"+id+"}")) {
			ids[id] = true
		}
	}
	sameValues(t, "uninstall", withoutEntry(c, in, in, e.Name, ids), withoutEntry(c, outV, in, e.Name, ids), src, out)
	keepsComments(t, "uninstall", src, out, entrySpans(c, src, e.Name, true, ids))
}

// --- TOML ---

var tomlSeeds = []string{
	"",
	"\n\n",
	"model = \"o3\"",
	"# Codex settings\nmodel = \"gpt-5\"\n\n[mcp_servers.github]\ncommand = \"npx\" # from npm\nargs = [\"-y\", \"@modelcontextprotocol/server-github\"]\n\n# sandbox settings\n[sandbox]\nmode = \"workspace-write\"\n",
	"# settings\r\nmodel = \"o3\"\r\n",
	"[mcp_servers.x]\r\ncommand = \"y\"\r\n\r\n# tui\r\n[tui]\r\nx = 1\r\n",
	"[mcp_servers.acme]\ncommand = \"/old/bin/restmcp\"\n# slow API\nstartup_timeout_sec = 30\nargs = [\n  \"serve\", \"--profile\", \"acme\",\n  \"--read-only\",\n]\nenabled = false\n\n[mcp_servers.acme.env]\nHTTPS_PROXY = \"http://proxy:3128\"\n",
	"[mcp_servers.acme]\nargs = [\n  \"serve\", \"-p\", \"acme\", # short\n  \"--read-only\",\n]\ncommand = 'restmcp' # on PATH\nstartup_timeout_sec = 30\n",
	"[mcp_servers.acme]\ncommand = \"x\"\nargs = [\"serve\"]\n\n[mcp_servers.acme.env]\nA = \"1\"\n\n[other]\nb = 2\n",
	"[mcp_servers]\nacme = { command = \"x\", args = [\"serve\"] }\n",
	"model = \"o3\"\nmcp_servers = { other = { command = \"x\" } }\n",
	"[mcp_servers.other]\ncommand = \"x\"\n[[profiles]]\nname = \"p\"\n",
	"model = \"x\"\n\n[mcp_servers.github]\ncommand = \"npx\"\n[sandbox]\nmode = \"w\"\n",
	"[mcp_servers.github]\ncommand = \"npx\" # npm\n# the end\n",
	"mcp_servers.acme.command = \"x\"\n",
	"[mcp_servers.\"acme\"]\ncommand = \"\"\"\n/opt/restmcp/bin/restmcp\"\"\"\nargs = ['''serve''', \"--profile\", \"acme\"]\n",
	"title = '''\n[mcp_servers.acme]\n# not a table\n'''\nnote = \"\"\"\n[x]\n\"\"\"\n[mcp_servers.b]\ncommand = \"b\"\n",
	"[ mcp_servers . acme ]\ncommand = \"x\"\nenv = { A = \"1\", B = { c = [1, 2] } }\n[projects.\"/home/me/p\"]\ntrust_level = \"trusted\"\n",
	"[[mcp_servers.acme]]\ncommand = \"x\"\n",
	"a = 1979-05-27T07:32:00Z\nb = nan\nc = inf\nd = 0x1F\n\"名前\" = \"値 🦀\"\n",
	"[mcp_servers.acme.env]\nA = \"1\"\n",
	"mcp_servers = 5\n",
	"[mcp_servers\ncommand = \"npx\"\n",
	"a = 1\na = 2\n",
	"\ufeffmodel = \"o3\"\n",
	"[mcp_servers.acme]\ncommand = \"npx\"\nnote = \"\"\"\nfirst\n# second\"\"\"\n[other]\nx = 1\n",
	"[mcp_servers.acme]\ncommand = \"/opt/restmcp/bin/restmcp\"\nnote = \"\"\"\n# x\"\"\"\nargs = [\"serve\", \"--profile\", \"old\"]\n",
	"[mcp_servers.acme]\ncommand = \"/opt/restmcp/bin/restmcp\"\nargs = [\"serve\", \"--profile\", \"acme\", '''\n# x''']\n",
	"[mcp_servers.acme]\ncommand = \"/old/restmcp\"\nargs = [\"serve\", \"--profile\", \"acme\", '''\n# x''']\n",
	"[mcp_servers]\nother.command = \"x\"\nother.args = [\"y\"]\n\n[mcp_servers.acme]\ncommand = \"npx\"\n[[mcp_servers.acme.tools]]\nname = \"t\"\n# after\n[mcp_servers.z]\ncommand = \"z\"\n",
	"[mcp_servers.acme.env]\nA = \"1\"\n\n[mcp_servers.acme]\ncommand = \"/old/restmcp\"\nargs = [\"serve\", \"--profile\", \"acme\"]\n\n[mcp_servers.acme.env2]\nB = 2\n",
	"[mcp_servers.a]\r\ncommand = \"a\"\r\nnote = '''\r\n[mcp_servers.acme]\r\n#'''\r\n\r\n# b\r\n[b]\r\n",
	// The other forms Codex reads: dotted keys at the top and under
	// [mcp_servers], inline tables, sub-tables, nested inline tables,
	// arguments that are not strings, arrays one argument a line.
	"model = \"o3\"\nmcp_servers.acme.command = \"/old/bin/restmcp\" # moved\nmcp_servers.acme.args = [\"serve\", \"--profile=acme\", \"--read-only\"]\n\n[mcp_servers.acme.env]\nA = \"1\"\n",
	"[mcp_servers]\n# acme\nacme.command = \"restmcp\"\nacme.args = [\n  \"serve\", # ours\n  \"-pacme\",\n  \"--read-only\", # mine\n]\nacme.env.A = \"1\"\nother.command = \"npx\"\n",
	"[mcp_servers]\nacme = { command = \"/old/restmcp\", args = [\"serve\", \"-p\", \"acme\"], env = { A = \"1\" } } # mine\nother = { command = \"npx\" }\n",
	"[mcp_servers]\nacme = { command = \"/opt/restmcp/bin/restmcp\" }\n",
	"mcp_servers.acme = { command = '/old/restmcp', args = [\"serve\", \"--profile\", \"acme\"] }\r\n\r\n[other]\r\nb = 2\r\n",
	"mcp_servers.acme.command = \"/opt/restmcp/bin/restmcp\" # c",
	"mcp_servers = { acme = { command = \"/old/restmcp\", args = [\"serve\", \"--profile\", \"acme\"] }, other = { command = \"npx\" } }\n",
	"mcp_servers = { a = { command = \"a\" }, acme.command = \"/opt/restmcp/bin/restmcp\", acme.args = [\"serve\", \"-pacme\"], b = { command = \"b\" } }\n",
	"mcp_servers = { acme = { command = \"/old/restmcp\", args = [\n  \"serve\", \"--profile\", \"acme\",\n] }, other = { command = \"npx\" } }\n",
	"[mcp_servers]\nacme = { command = \"restmcp\", args = [\"serve\", \"--profile\", \"acme\", 30] }\n",
	"[mcp_servers.acme]\ncommand = \"restmcp\"\nargs = [\"serve\", true, [\"x\"]]\n",
	"[mcp_servers.acme]\ncommand = \"/opt/restmcp/bin/restmcp\"\nargs = [\n\t\"serve\",\n\t\"--profile\", \"acme\",\n\t# twice\n\t\"-p\", \"acme\", # old\n\t\"--read-only\" # mine\n]\n",
	"[mcp_servers.acme]\ncommand = \"/opt/restmcp/bin/restmcp\"\nargs = [\"serve\", # ours\n  \"--read-only\"]\n",
}

// FuzzTOMLInstall is FuzzJSONInstall for Codex's TOML file.
func FuzzTOMLInstall(f *testing.F) {
	codex, _ := Lookup("codex")
	for i, s := range tomlSeeds {
		f.Add([]byte(s), "acme", "acme", i%4 == 0)
	}
	dir := fuzzDir(f)
	f.Fuzz(func(t *testing.T, src []byte, name, profile string, force bool) {
		c := codex
		e := fuzzEntry(c, name, profile, false)
		var in map[string]any
		inErr := toml.Unmarshal(src, &in)
		out, action, err := installBytes(t, c, src, e, force)
		if inErr != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("a file that does not parse: err = %v", err)
			}
			return
		}
		internalError(t, "install", err, src)
		checkTOMLUninstall(t, c, src, in, e.Name)
		if err != nil {
			return
		}
		var outV map[string]any
		if err := toml.Unmarshal(out, &outV); err != nil {
			t.Fatalf("install wrote a file that does not parse: %v\n%q\ninput:\n%q", err, out, src)
		}
		if crlfOnly(src) && !crlfOnly(out) {
			t.Fatalf("bare LF written into a CRLF file: %q", out)
		}
		if action == Unchanged {
			if !bytes.Equal(out, src) {
				t.Fatal("unchanged, but the file changed")
			}
			return
		}
		old, _ := entryOf(c, in, e.Name).(map[string]any)
		got, _ := entryOf(c, outV, e.Name).(map[string]any)
		fd, _ := c.lookup("f", src, e.Name, nil)
		want := e.Args
		if action == Updated && fd.ours(e) {
			want = mergeArgs(fd.args, e.Args)
		}
		if gotArgs := decodeEntry(mustValue(t, got)).Args; got["command"] != e.Command || !equalStrings(gotArgs, want) {
			t.Fatalf("entry = %v, want %s %q\n%q", got, e.Command, want, out)
		}
		if action == Updated && fd.ours(e) {
			for k, v := range old {
				if k != "command" && k != "args" && !reflect.DeepEqual(normal(got[k]), normal(v)) {
					t.Fatalf("update lost %s = %v:\n%q", k, v, out)
				}
			}
		}
		sameValues(t, "install", tomlWithoutEntry(c, in, e.Name), tomlWithoutEntry(c, outV, e.Name), src, out)
		outsideTables(t, c, src, out, e.Name)

		again, action2, err := installBytes(t, c, out, e, false)
		if err != nil || action2 != Unchanged || !bytes.Equal(again, out) {
			t.Fatalf("second install: %v, %v\n%q\nfirst:\n%q", action2, err, again, out)
		}

		back, err := uninstallBytes(t, c, out, e, "")
		if err != nil && c.tomlPlaceOf(out, e.Name).nested && !strings.Contains(err.Error(), "internal error") {
			return // refused: an entry inside mcp_servers = { … } is taken out by hand
		}
		if err != nil {
			t.Fatalf("uninstall: %v\ninput:\n%q\ninstalled:\n%q", err, src, out)
		}
		var backV map[string]any
		if err := toml.Unmarshal(back, &backV); err != nil {
			t.Fatalf("uninstall wrote a file that does not parse: %v\n%q", err, back)
		}
		sameValues(t, "install then uninstall", tomlWithoutEntry(c, in, e.Name), tomlWithoutEntry(c, backV, e.Name), src, back)
		if action == Added {
			back, err := uninstallBytes(t, c, out, e, withBackup(t, dir, src))
			if err != nil || !bytes.Equal(back, src) {
				t.Fatalf("install then uninstall with the backup: %v\ngot:\n%q\nwant:\n%q\ninstalled:\n%q", err, back, src, out)
			}
		}
	})
}

// tomlWithoutEntry is withoutEntry for a TOML document, where a table
// holding nothing is the same as none: [mcp_servers.NAME] alone defines
// mcp_servers.
func tomlWithoutEntry(c Client, doc map[string]any, name string) map[string]any {
	return withoutEntry(c, doc, map[string]any{}, name, nil)
}

// outsideTables fails unless out differs from src only inside our
// tables (an insertion when src had none), comments included: install
// and uninstall edit nothing else.
func outsideTables(t *testing.T, c Client, src, out []byte, name string) {
	t.Helper()
	if isSpace(src) || isSpace(out) {
		return
	}
	p := 0
	for p < len(src) && p < len(out) && src[p] == out[p] {
		p++
	}
	s := 0
	for s < len(src)-p && s < len(out)-p && src[len(src)-1-s] == out[len(out)-1-s] {
		s++
	}
	lo, hi := p, len(src)-s // what changed in src
	if lo >= hi {
		return
	}
	for _, sp := range tomlEntrySpans(c, src, name) {
		if lo >= sp[0] && hi <= sp[1] {
			return
		}
	}
	// Edits in more than one place (another program's sub-tables, replaced
	// with --force, go with its table): what lies outside the entry's
	// tables is the same, but for the blank lines around them.
	if rest := func(b []byte) string {
		var kept []byte
		at := 0
		for _, sp := range tomlEntrySpans(c, b, name) {
			kept = append(kept, b[at:sp[0]]...)
			at = sp[1]
		}
		return strings.Join(strings.Fields(string(append(kept, b[at:]...))), " ")
	}; rest(src) == rest(out) {
		return
	}
	t.Fatalf("the edit changed %q outside the entry's tables\ninput:\n%q\noutput:\n%q", src[lo:hi], src, out)
}

// tomlEntrySpans are the byte ranges of the entry name in src: its tables,
// sub-tables included, and the lines of its key/values outside them
// (dotted keys, an inline table, the inline table of all the servers that
// holds it), those with only blank lines between them joined.
func tomlEntrySpans(c Client, src []byte, name string) [][2]int {
	var parts [][2]int
	for _, tb := range tomlTables(src) {
		if len(tb.keys) >= 2 && tb.keys[0] == c.Key && tb.keys[1] == name {
			parts = append(parts, [2]int{tb.start, tb.end})
		}
	}
	var p unstable.Parser
	p.Reset(src)
	var header []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			header = tomlKeys(e.Key())
		case unstable.KeyValue:
			path := append(slices.Clone(header), tomlKeys(e.Key())...)
			if len(header) >= 2 && header[0] == c.Key && header[1] == name {
				continue // in a table above
			}
			if (len(path) >= 2 && path[0] == c.Key && path[1] == name) || (len(path) == 1 && path[0] == c.Key) {
				start := int(e.Raw.Offset)
				parts = append(parts, [2]int{lineStart(src, start), lineEnd(src, start+int(e.Raw.Length))})
			}
		}
	}
	slices.SortFunc(parts, func(a, b [2]int) int { return a[0] - b[0] })
	var spans [][2]int
	for _, sp := range parts {
		if n := len(spans); n > 0 && isSpace(src[spans[n-1][1]:sp[0]]) {
			spans[n-1][1] = sp[1]
			continue
		}
		spans = append(spans, sp)
	}
	return spans
}

// checkTOMLUninstall is checkJSONUninstall for a TOML file.
func checkTOMLUninstall(t *testing.T, c Client, src []byte, in map[string]any, name string) {
	t.Helper()
	out, err := uninstallBytes(t, c, src, Entry{Name: name}, "")
	internalError(t, "uninstall", err, src)
	if err != nil {
		return
	}
	var outV map[string]any
	if err := toml.Unmarshal(out, &outV); err != nil {
		t.Fatalf("uninstall wrote a file that does not parse: %v\n%q\ninput:\n%q", err, out, src)
	}
	if entryOf(c, outV, name) != nil {
		t.Fatalf("uninstall left the entry:\n%q", out)
	}
	sameValues(t, "uninstall", tomlWithoutEntry(c, in, name), tomlWithoutEntry(c, outV, name), src, out)
	keepsTOMLComments(t, c, src, out, name)
}

// keepsTOMLComments fails unless every comment of src outside our tables
// is in out, in order.
func keepsTOMLComments(t *testing.T, c Client, src, out []byte, name string) {
	t.Helper()
	var gone []span
	for _, sp := range tomlEntrySpans(c, src, name) {
		gone = append(gone, span{sp[0], sp[1]})
	}
	keeps(t, "uninstall", tomlCommentList(src), tomlCommentList(out), gone, src, out)
}

// tomlComments lists the comments of a TOML document that parses.
func tomlCommentList(src []byte) []comment {
	p := unstable.Parser{KeepComments: true}
	p.Reset(src)
	var out []comment
	var walk func(n *unstable.Node)
	walk = func(n *unstable.Node) {
		if n.Kind == unstable.Comment {
			out = append(out, comment{int(n.Raw.Offset), strings.TrimRight(string(n.Data), "\r")})
		}
		for it := n.Children(); it.Next(); {
			walk(it.Node())
		}
	}
	for p.NextExpression() {
		walk(p.Expression())
	}
	return out
}

// TestFuzzHelpersMatchInstall: installBytes and uninstallBytes do what
// Install and UninstallEntry do to a file, for every seed and client.
func TestFuzzHelpersMatchInstall(t *testing.T) {
	for _, c := range Clients() {
		seeds := jsonSeeds
		if c.format == formatTOML {
			seeds = tomlSeeds
		}
		for _, remote := range []bool{false, true} {
			e := fuzzEntry(c, "acme", "acme", remote)
			for _, s := range seeds {
				path := filepath.Join(t.TempDir(), "config")
				writeFile(t, path, s, 0o600)
				want, _, wantErr := installBytes(t, c, []byte(s), e, false)
				res, err := c.Install(path, e, Options{})
				if (err == nil) != (wantErr == nil) || err == nil && !bytes.Equal(readFile(t, path), want) {
					t.Fatalf("%s: install into %q: %v, want %v\ngot:\n%q\nwant:\n%q", c.ID, s, err, wantErr, readFile(t, path), want)
				}
				if err != nil {
					continue
				}
				want, wantErr = uninstallBytes(t, c, readFile(t, path), e, res.Backup)
				res, err = c.UninstallEntry(path, Entry{Name: e.Name, Command: e.Command, URL: e.URL}, Options{Force: true})
				if res.Deleted {
					// The file held nothing else: it goes, rather than
					// what uninstallBytes leaves.
					if _, serr := os.Stat(path); err != nil || !errors.Is(serr, os.ErrNotExist) || !c.holdsNothing("f", want) {
						t.Fatalf("%s: uninstall from %q deleted the file (%v, %v); it would hold:\n%q", c.ID, s, err, serr, want)
					}
					continue
				}
				if (err == nil) != (wantErr == nil) || err == nil && !bytes.Equal(readFile(t, path), want) {
					t.Fatalf("%s: uninstall from %q: %v, want %v\ngot:\n%q\nwant:\n%q", c.ID, s, err, wantErr, readFile(t, path), want)
				}
			}
		}
	}
}
