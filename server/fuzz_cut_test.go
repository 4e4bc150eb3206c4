package server

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// hasReplacement reports whether a string or key of the JSON text b
// holds U+FFFD as decoded: what a split UTF-8 sequence or surrogate pair
// decodes to (repeated keys included).
func hasReplacement(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if s, ok := tok.(string); ok && strings.ContainsRune(s, utf8.RuneError) {
			return true
		}
	}
}

// FuzzCutJSON checks cutJSON on any compact JSON and budget: the text
// kept fits, begins with the bytes of the answer it says it kept, and,
// unless nothing could be cut at an element or inside a string, is valid
// JSON whose strings hold no character the answer did not (no cut inside
// a UTF-8 sequence, an escape or a surrogate pair).
func FuzzCutJSON(f *testing.F) {
	for _, s := range []string{
		`{"count":3,"results":[{"a":"x,y"},{"a":"z","b":[1,2]},{"a":"w"}]}`,
		`"Grüße aus Köln, 東京 \"quoted\" tab\there\nnew line \ud83d\ude00 and more"`,
		`{"id":7,"data":{"items":[{"body":"word word word \u00e9\u00e9 word word word word"}]}}`,
		`[{"k.e\"y":"a\\nb c d e f g h"},"\ud800\udc00\ud800\udc00\ud800\udc00"]`,
		`{"a":"hello world","n":1111111111111111111111}`,
		`[[[[[[[[[[["deep string with words in it"]]]]]]]]]]]`,
		`0.7208576763931844`,
		`{"\u0041\u0042":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"}`,
		`{}`, `[]`, `""`, `"a"`,
	} {
		f.Add(s, 10)
		f.Add(s, 30)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		var buf bytes.Buffer
		if json.Compact(&buf, []byte(s)) != nil {
			return
		}
		b := buf.Bytes()
		if max < 1 || max > len(b)+2 {
			return
		}
		kept, cut, sc := cutJSON(b, max)
		if len(b) <= max {
			if !bytes.Equal(kept, b) || cut != len(b) || sc != nil {
				t.Fatalf("fits, yet cut: %s %d", kept, cut)
			}
			return
		}
		if len(kept) > max {
			t.Fatalf("max %d: %d bytes kept: %s", max, len(kept), kept)
		}
		if cut < 0 || cut > len(b) || cut > len(kept) || !bytes.Equal(kept[:cut], b[:cut]) {
			t.Fatalf("max %d: cut %d, kept %s is not the answer's prefix", max, cut, kept)
		}
		if bytes.Equal(kept, b[:cut]) && sc == nil && !json.Valid(kept) {
			return // nothing could be cut at an element or inside a string
		}
		if !json.Valid(kept) {
			t.Fatalf("max %d: invalid JSON kept: %s", max, kept)
		}
		if hasReplacement(kept) && !hasReplacement(b) {
			t.Fatalf("max %d: a character cut in two: %s", max, kept)
		}
		if sc != nil && (sc.kept < 1 || sc.total >= 0 && sc.kept >= sc.total) {
			t.Fatalf("max %d: %+v", max, sc)
		}
	})
}

// FuzzSelectFields checks the field selection on any answer and paths: it
// never fails, a JSON answer gives JSON, and every path a note of no match
// lists selects something.
func FuzzSelectFields(f *testing.F) {
	for _, s := range [][2]string{
		{`{"a.b":1,"a":{"c":2},"d":3}`, "a.b"},
		{`{"meta":{"x.y":2,"z":3},"n":1}`, "meta.x.y,n"},
		{`{"items":[{"v.1":"a","v":{"1":"b","2":"c"}},{"v":{"1":"d"}}]}`, "items.v.1"},
		{`{"a.b":{"c":1,"d":2}}`, "a.b,a.b.c"},
		{`[{"a":{"b":[{"c":1}]}},2,"x",[]]`, "a.b.c,.a,a.,.."},
		{`{"":{"":1},".":2}`, ".,..,."},
		{`{"a":1,"a":{"b":2}}`, "a.b"},
		{`"text"`, "a"}, {`12`, ""}, {`null`, "x"}, {`[]`, "a"}, {`{}`, "a"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, body, list string) {
		paths := strings.Split(list, ",")
		out, miss := selectFields([]byte(body), paths)
		if !json.Valid([]byte(body)) {
			return
		}
		if miss != nil {
			if out != nil {
				t.Fatalf("%s %q: a note and %s", body, paths, out)
			}
			if note := miss.note(nil, 200); len(note) > 200 || !json.Valid(note) {
				t.Fatalf("%s %q: %d bytes: %s", body, paths, len(note), note)
			}
			out = miss.note(nil, DefaultMaxResultBytes)
		}
		if !json.Valid(out) {
			t.Fatalf("%s %q: %s", body, paths, out)
		}
		var v any
		if json.Unmarshal([]byte(body), &v) != nil {
			return
		}
		for _, n := range fieldNames(v) {
			if strings.TrimSpace(n) != n || strings.Contains(n, ",") {
				continue // not a path a model can give as written
			}
			if _, miss := selectFields([]byte(body), []string{n}); miss != nil {
				t.Fatalf("%s: %q, listed, selects nothing", body, n)
			}
		}
	})
}
