package server

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"See [the guide](https://x.example/g) and ![img](i.png).", "See the guide and ."},
		{"## Title\n\nBody **bold** and __also__.", "Title\n\nBody bold and also."},
		{"<p>One&nbsp;<b>two</b></p><ul><li>a</li><li>b</li></ul>", "One two\n\n- a\n- b"},
		{"soft\nwrapped line\n\n- item one\n- item two", "soft wrapped line\n\n- item one\n- item two"},
		{"before\n```json\n{\"a\": 1}\n```\nafter", "before\n\nafter"},
		{"> [!NOTE]\n> Quoted note.", "Quoted note."},
		{"ref [link][1]\n\n[1]: https://x.example", "ref link"},
		{"<html><head><title>T</title></head><body><script>var x = 1;</script><style>p {}</style><!-- c -->Text</body></html>", "Text"},
	}
	for _, tt := range tests {
		if got := plainText(tt.in); got != tt.want {
			t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBriefAndSentence(t *testing.T) {
	long := strings.Repeat("Word ", 300) + "end."
	if got := brief(long, 400, 1000); len(got) > 1000 || !strings.HasSuffix(got, "…") {
		t.Errorf("brief(long) = %d bytes, %q…", len(got), got[len(got)-10:])
	}
	if got := brief("First.\n\nSecond.\n\nThird.", 10, 1000); got != "First.\n\nSecond." {
		t.Errorf("brief adds paragraphs while short: %q", got)
	}
	if got := brief("A first paragraph that is long enough.\n\nSecond.", 10, 1000); got != "A first paragraph that is long enough." {
		t.Errorf("brief stops once long enough: %q", got)
	}
	if got := sentence("Short. A second sentence. A third.", 10, 200); got != "Short. A second sentence." {
		t.Errorf("sentence = %q", got)
	}
	if got := sentence("A cursor for use in pagination. More text.", 10, 200); got != "A cursor for use in pagination." {
		t.Errorf("sentence = %q", got)
	}
}

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
