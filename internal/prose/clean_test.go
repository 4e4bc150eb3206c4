package prose

import (
	"fmt"
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
		if got := Plain(tt.in); got != tt.want {
			t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBriefAndSentence(t *testing.T) {
	long := strings.Repeat("Word ", 300) + "end."
	if got := Brief(long, 400, 1000); len(got) > 1000 || !strings.HasSuffix(got, "…") {
		t.Errorf("Brief(long) = %d bytes, %q…", len(got), got[len(got)-10:])
	}
	if got := Brief("First.\n\nSecond.\n\nThird.", 10, 1000); got != "First.\n\nSecond." {
		t.Errorf("brief adds paragraphs while short: %q", got)
	}
	if got := Brief("A first paragraph that is long enough.\n\nSecond.", 10, 1000); got != "A first paragraph that is long enough." {
		t.Errorf("brief stops once long enough: %q", got)
	}
	if got := Sentence("Short. A second sentence. A third.", 10, 200); got != "Short. A second sentence." {
		t.Errorf("sentence = %q", got)
	}
	if got := Sentence("A cursor for use in pagination. More text.", 10, 200); got != "A cursor for use in pagination." {
		t.Errorf("sentence = %q", got)
	}
	// A label is read with the sentence after it.
	for in, want := range map[string]string{
		"Used for pagination: the number of results to return. More.":  "Used for pagination: the number of results to return.",
		"**Deprecated:** new integrations use `due_on`. The due date.": "Deprecated: new integrations use `due_on`.",
		"Lists the files in a repository: all of them. More.":          "Lists the files in a repository",
	} {
		if got := Sentence(in, 0, 160); got != want {
			t.Errorf("Sentence(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSentenceReadsAListAsOneLine(t *testing.T) {
	in := "* `10` - OK\n* `50` - Attention needed\n\nMore."
	if got := Sentence(in, 0, 100); got != "* `10` - OK * `50` - Attention needed" {
		t.Errorf("Sentence(list) = %q", got)
	}
}

// Control characters and bidirectional overrides never pass, also when
// written as HTML entities.
func TestPlainStripsControls(t *testing.T) {
	in := "Get\x00 the\u202e pet\u2066s\u200f\x1b[31m &#x202E;red\x7f\u0085 list\tnow"
	got := Plain(in)
	if got != "Get the pets[31m red list now" {
		t.Errorf("Plain = %q", got)
	}
	for _, f := range []func(string) string{
		func(s string) string { return OneLine(s, 100) },
		func(s string) string { return Brief(s, 100, 200) },
		func(s string) string { return Sentence(s, 0, 100) },
	} {
		if out := f(in); strings.ContainsAny(out, "\x00\u202e\u2066\u200f\x1b\x7f\u0085") {
			t.Errorf("%q keeps a control character", out)
		}
	}
}

func TestCutsEndOutsideMarkup(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Login for the user that this issue should be assigned to. _NOTE: Only users with push access can set the assignee for new issues._", "Login for the user that this issue should be assigned to."},
		{"*Deprecated: new integrations should prefer the other field.*", "*Deprecated: new integrations should prefer the other field.*"},
		{"The `name` field.", "The `name` field."},
	} {
		if got := Sentence(tt.in, 0, 200); got != tt.want {
			t.Errorf("Sentence(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		max  int
		want string
	}{
		{"One of * `a` - Alpha * `b` - Beta * `c` - Gamma * `d` - Delta", 40, "One of * `a` - Alpha * `b` - Beta…"},
		{"Use the value `some_long_code_identifier_here` for this", 30, "Use the value…"},
	} {
		if got := Cut(tt.in, tt.max); got != tt.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestLeads(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		whole bool
		want  []Lead
	}{
		{"a label is an aside, taken off", "**Deprecation Notice:** GitHub will discontinue the API. More.\n\nList grants.", false,
			[]Lead{{"GitHub will discontinue the API.", true}, {"List grants.", false}}},
		{"a note, then the text", "**Note:** You can also use another route.\n\nDelete a reaction to a comment.", false,
			[]Lead{{"You can also use another route.", true}, {"Delete a reaction to a comment.", false}}},
		{"Note that", "Note that you'll need to set `Content-Length` to zero.\n\nStar a gist.", false,
			[]Lead{{"Note that you'll need to set `Content-Length` to zero.", true}, {"Star a gist.", false}}},
		{"a quoted alert", "> [!NOTE]\n> Quoted note.\n\nMain text.", false,
			[]Lead{{"Quoted note.", true}, {"Main text.", false}}},
		{"a paragraph in italics", "*Board view only*\n\nReturns the records.", false,
			[]Lead{{"*Board view only*", true}, {"Returns the records.", false}}},
		{"a label that is no aside stays, with its sentence", "*Board view only*: Returns the compact records. More.", false,
			[]Lead{{"Board view only: Returns the compact records.", false}}},
		{"HTML label and scope", "<b>Required scope: </b><code>tasks:read</code>\n\nReturns the task.", false,
			[]Lead{{"tasks:read", true}, {"Returns the task.", false}}},
		{"headings are asides, tables and code are no paragraphs", "**Signature verification object**\n\n## Heading\n\n| a | b |\n|---|---|\n\n<table><tr><td>x</td></tr></table>\n\n```\ncode\n\nmore code\n```\n\nThe text.", false,
			[]Lead{{"Signature verification object", true}, {"Heading", true}, {"The text.", false}}},
		{"the text under a heading line", "## Delete a customer\nDeletes the customer and its cards. More.", false,
			[]Lead{{"Deletes the customer and its cards.", false}}},
		{"a paragraph all in bold", "**Deletes the customer.**", true,
			[]Lead{{"Deletes the customer.", true}}},
		{"a label alone, then a list", "Returns:\n\n- id\n- name", false,
			[]Lead{{"Returns", true}, {"- id - name", true}}},
		{"a list that opens with labels", "* Ready: the build is ready.\n* Failed: it is not.", true,
			[]Lead{{"* Ready: the build is ready.\n* Failed: it is not.", true}}},
		{"the text after a label keeps its marks", "Default: `true`. Returns the things.", true,
			[]Lead{{"Default: `true`. Returns the things.", false}}},
		{"an aside label's own marks go", "*Deprecated:* use `due_on`.", false,
			[]Lead{{"use `due_on`.", true}}},
		{"a comment over a blank line", "<!-- internal\n\nnote -->Returns the widget.", true,
			[]Lead{{"Returns the widget.", false}}},
		{"whole paragraphs", "First. Second.\n\nThird.", true,
			[]Lead{{"First. Second.", false}, {"Third.", false}}},
		{"at most n", "One.\n\nTwo.\n\nThree.\n\nFour.", false,
			[]Lead{{"One.", false}, {"Two.", false}, {"Three.", false}}},
		{"a colon in a sentence is no label", "Lists the files in a repository: all of them.", false,
			[]Lead{{"Lists the files in a repository", false}}},
		{"empty", "  \n\n ", false, nil},
	}
	for _, tt := range tests {
		got, _ := Leads(tt.in, 3, 300, tt.whole)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: Leads(%q) =\n%+v, want\n%+v", tt.name, tt.in, got, tt.want)
		}
	}
}

// Reading on from the rest gives the leads of one longer read.
func TestLeadsReadOn(t *testing.T) {
	in := "**Note:** an aside.\n\n## Heading\n\nOne. More.\n\nTwo.\n\nThree."
	first, rest := Leads(in, 1, 300, false)
	more, _ := Leads(rest, 2, 300, false)
	all, _ := Leads(in, 3, 300, false)
	if got := append(first, more...); fmt.Sprint(got) != fmt.Sprint(all) {
		t.Errorf("read on: %+v, read at once: %+v", got, all)
	}
}
