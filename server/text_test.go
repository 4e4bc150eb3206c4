package server

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestTruncateJSON(t *testing.T) {
	b := []byte(`{"count":3,"results":[{"a":"x,y"},{"a":"z","b":[1,2]},{"a":"w"}]}`)
	for max := 1; max < len(b); max++ {
		kept, cut := truncateJSON(b, max)
		if len(kept) > max {
			t.Fatalf("max %d: kept %d bytes: %s", max, len(kept), kept)
		}
		if cut > 10 && !json.Valid(kept) {
			t.Errorf("max %d: %s is not valid JSON", max, kept)
		}
		if !bytes.HasPrefix(b, kept[:cut]) {
			t.Errorf("max %d: %s is not a prefix plus closers", max, kept)
		}
	}
	// The last member that fits is kept, even inside a nested object.
	if kept, cut := truncateJSON(b, 45); string(kept) != `{"count":3,"results":[{"a":"x,y"},{"a":"z"}]}` || cut != 42 {
		t.Errorf("truncateJSON(45) = %s, %d", kept, cut)
	}
	if kept, cut := truncateJSON(b, 40); string(kept) != `{"count":3,"results":[{"a":"x,y"}]}` || cut != 33 {
		t.Errorf("truncateJSON(40) = %s, %d", kept, cut)
	}
	if kept, cut := truncateJSON(b, len(b)); cut != len(b) || string(kept) != string(b) {
		t.Errorf("no cut needed: %s %d", kept, cut)
	}
}

func TestArgName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"page", "page"},
		{"include[]", "include"},
		{"StartTime<", "StartTime_lt"},
		{"StartTime>=", "StartTime_gte"},
		{"completed_on.before", "completed_on.before"},
		{"filter[status]", "filter_status"},
		{"$top", "top"},
		{"$ref", "ref"},
		{"X-Request-Id", "X-Request-Id"},
		{"名前", "param"},
		{"prénom", "prenom"},
		{"Straße[]", "Strasse"},
		{"łódź_id", "lodz_id"},
		{strings.Repeat("a", 70), strings.Repeat("a", 64)},
	}
	for _, tt := range tests {
		got := argName(tt.in)
		if got != tt.want {
			t.Errorf("argName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !validArg.MatchString(got) {
			t.Errorf("argName(%q) = %q is not a valid property name", tt.in, got)
		}
	}
}

// An answer whose bulk is one long string is cut inside it, not before
// it: between characters (never inside a UTF-8 sequence, an escape or a
// surrogate pair), at a word boundary when one is near, the string and
// the brackets closed, and where it was cut said.
func TestCutJSONInsideALongString(t *testing.T) {
	words := strings.Repeat("Grüße aus Köln, 東京 \"quoted\" tab\there\nnew line 😀 and more words ", 40)
	doc, _ := json.Marshal(map[string]any{"id": 7, "data": map[string]any{"items": []any{map[string]any{"body": words}}}})
	s := string(doc)
	// The escaped form of the emoji as some APIs write it: a surrogate pair.
	s = strings.ReplaceAll(s, "😀", `\ud83d\ude00`)
	b := []byte(s)
	start := strings.Index(s, `"body":"`) + len(`"body":"`)
	total := strings.Index(s, `"}]},"id":7}`) - start
	// Up to where the string and its brackets fit whole.
	for limit := start + len(`x"}]}}`) + 4; limit <= strings.Index(s, `,"id"`); limit++ {
		kept, cut, sc := cutJSON(b, limit)
		if len(kept) > limit || !json.Valid(kept) {
			t.Fatalf("max %d: %d bytes, valid %v: …%s", limit, len(kept), json.Valid(kept), kept[max(0, len(kept)-40):])
		}
		if !bytes.HasPrefix(b, kept[:cut]) {
			t.Fatalf("max %d: not a prefix", limit)
		}
		var v struct {
			Data struct{ Items []struct{ Body string } }
		}
		if err := json.Unmarshal(kept, &v); err != nil || len(v.Data.Items) != 1 {
			t.Fatalf("max %d: %v %s", limit, err, kept)
		}
		body := v.Data.Items[0].Body
		if !utf8.ValidString(body) || strings.ContainsRune(body, utf8.RuneError) || !strings.HasPrefix(words, body) {
			t.Fatalf("max %d: the string kept is no prefix of the text: …%q", limit, body[max(0, len(body)-20):])
		}
		if sc == nil || sc.path != "data.items.body" || sc.total != total || sc.kept != cut-start {
			t.Fatalf("max %d: %+v, want data.items.body, %d of %d", limit, sc, cut-start, total)
		}
		// A word boundary was near enough everywhere past the first words.
		if len(body) > 80 && !strings.HasPrefix(words[len(body):], " ") && !strings.HasPrefix(words[len(body):], "\n") && !strings.HasPrefix(words[len(body):], "\t") {
			t.Fatalf("max %d: cut inside a word: …%q|%q", limit, body[len(body)-10:], words[len(body):len(body)+10])
		}
	}
	// An answer that is one string.
	one, _ := json.Marshal(words)
	kept, _, sc := cutJSON(one, 500)
	if len(kept) > 500 || !json.Valid(kept) || sc == nil || sc.path != "" || sc.total != len(one)-2 {
		t.Errorf("one string: %s %+v", kept, sc)
	}
	// A string before the last comma that fits is not cut: that would keep less.
	odd := []byte(`{"a":"hello world","n":` + strings.Repeat("1", 2000) + `}`)
	if kept, cut, sc := cutJSON(odd, 1000); sc != nil || string(kept) != `{"a":"hello world"}` || cut != len(`{"a":"hello world"`) {
		t.Errorf("string before the comma: %s %d %+v", kept, cut, sc)
	}
	// No string at all: nothing is cut inside one.
	if _, _, sc := cutJSON([]byte("0.7208576763931844"), 5); sc != nil {
		t.Errorf("a number: %+v", sc)
	}
	// Records whose strings are long: whole records are kept, not a cut one.
	var recs []any
	for i := range 20 {
		recs = append(recs, map[string]any{"id": i, "text": strings.Repeat("word ", 40)})
	}
	doc, _ = json.Marshal(recs)
	if kept, _, sc := cutJSON(doc, 1000); sc != nil || !json.Valid(kept) || strings.Count(string(kept), `"text":"word`) != 4 || strings.Count(string(kept), `word "}`) != 4 {
		t.Errorf("records: %+v %s", sc, kept)
	}
}

// An answer nested deep, cut at the read cap (where the whole read is
// scanned), is cut in time linear in its length: the containers open at
// each comma and string are not copied whole.
func TestCutJSONDeepNestingIsLinear(t *testing.T) {
	const depth = 100_000
	for _, elem := range []string{`"a",`, `1,`} {
		b := []byte(strings.Repeat("[", depth) + strings.Repeat(elem, 200_000))
		done := make(chan []byte, 1)
		go func() {
			kept, cut := truncateJSON(b, len(b)-1)
			done <- kept[cut:]
		}()
		select {
		case closers := <-done:
			// Deeper than encoding/json reads: the closers are checked.
			if string(closers) != strings.Repeat("]", depth) {
				t.Errorf("%s: %d bytes closed: %.20s", elem, len(closers), closers)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: %d bytes %d deep not cut within 5 s", elem, len(b), depth)
		}
	}
}
