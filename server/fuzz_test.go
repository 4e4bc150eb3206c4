package server

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/restmcp/restmcp/internal/prose"
)

// FuzzNamesAndText checks the invariants of names and text cleaning on any
// input: valid names within the limit, text within its budget and valid
// UTF-8 when the input was.
func FuzzNamesAndText(f *testing.F) {
	for _, s := range []string{"repos/get", "get_files_id#x", "StartTime<", "include[]", "héllo wörld. Second.",
		"<p>a&amp;b</p>", "[x](y) **z**", strings.Repeat("word ", 100), "名前", "a.b.c", "```x```"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names := assignNames("acme", []nameRequest{
			{words: nameWords(s), method: "GET", path: "/" + s},
			{words: nameWords(s), method: "GET", path: "/v2/" + s},
			{words: nameWords(s), method: "POST", path: "/" + s},
		})
		seen := map[string]bool{}
		for _, n := range names {
			if !validName.MatchString(n.name) || seen[n.name] {
				t.Errorf("name %q from %q (invalid or repeated)", n.name, s)
			}
			seen[n.name] = true
		}
		if a := argName(s); !validArg.MatchString(a) {
			t.Errorf("argName %q from %q", a, s)
		}
		for _, max := range []int{10, 100, 1000} {
			for _, out := range []string{prose.Brief(s, max/2, max), prose.Sentence(s, max/4, max), prose.OneLine(s, max)} {
				if len(out) > max+len("…") {
					t.Errorf("%d bytes for max %d from %q", len(out), max, s)
				}
				if utf8.ValidString(s) && !utf8.ValidString(out) {
					t.Errorf("invalid UTF-8 %q from %q", out, s)
				}
			}
		}
		if b, err := json.Marshal(s); err == nil {
			for _, max := range []int{1, 5, 50} {
				if kept, _ := truncateJSON(b, max); len(kept) > max && len(b) > max {
					t.Errorf("truncateJSON(%s, %d) = %s", b, max, kept)
				}
			}
		}
	})
}
