package prose

import (
	"html"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// patterns are the expressions Plain uses, compiled on first use: a
// process that cleans no text (a start from the compiled cache) does not
// pay for them.
type patterns struct {
	fence     *regexp.Regexp
	image     *regexp.Regexp
	link      *regexp.Regexp
	refLink   *regexp.Regexp
	linkDef   *regexp.Regexp
	heading   *regexp.Regexp
	bold      *regexp.Regexp
	blockTag  *regexp.Regexp
	listTag   *regexp.Regexp
	tag       *regexp.Regexp
	noText    *regexp.Regexp
	spaces    *regexp.Regexp
	blankRuns *regexp.Regexp
	admonish  *regexp.Regexp
	listItem  *regexp.Regexp
}

var re = sync.OnceValue(func() *patterns {
	return &patterns{
		fence:     regexp.MustCompile("(?s)```.*?```"),
		image:     regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`),
		link:      regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`),
		refLink:   regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`),
		linkDef:   regexp.MustCompile(`(?m)^\s*\[[^\]]+\]:\s*\S+.*$`),
		heading:   regexp.MustCompile(`(?m)^\s{0,3}#{1,6}\s*`),
		bold:      regexp.MustCompile(`\*\*([^*]+)\*\*|__([^_]+)__`),
		blockTag:  regexp.MustCompile(`(?i)<\s*(br|/p|p|/div|div|/ul|/ol|ul|ol|h[1-6]|/h[1-6]|table|/table|tr|/tr)\b[^>]*>`),
		listTag:   regexp.MustCompile(`(?i)<\s*li\b[^>]*>`),
		tag:       regexp.MustCompile(`<[^>]+>`),
		noText:    regexp.MustCompile(`(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>|<head\b.*?</head\s*>|<!--.*?-->`),
		spaces:    regexp.MustCompile(`[ \t\f\v]+`),
		blankRuns: regexp.MustCompile(`\n{3,}`),
		admonish:  regexp.MustCompile(`(?m)^>\s*\[!(NOTE|WARNING|IMPORTANT|TIP|CAUTION)\]\s*$`),
		listItem:  regexp.MustCompile(`^([-*+]|\d+[.)])\s`),
	}
})

// Plain removes HTML and markdown noise (links keep their text, images,
// code fences and link definitions go) and normalises white space, keeping
// paragraph breaks.
func Plain(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	// Each rewrite runs only when its marker is there: most descriptions
	// are plain sentences, and this runs for every argument.
	if strings.Contains(s, "```") {
		s = replace(re().fence, s, "")
	}
	if strings.Contains(s, "](") {
		if strings.Contains(s, "![") {
			s = replace(re().image, s, "")
		}
		s = re().link.ReplaceAllString(s, "$1")
	}
	if strings.Contains(s, "][") {
		s = replace(re().refLink, s, "$1")
	}
	if strings.Contains(s, "]:") {
		s = replace(re().linkDef, s, "")
	}
	if strings.Contains(s, "[!") {
		s = replace(re().admonish, s, "")
	}
	if strings.Contains(s, "#") {
		s = replace(re().heading, s, "")
	}
	if strings.Contains(s, "**") || strings.Contains(s, "__") {
		s = replace(re().bold, s, "$1$2")
	}
	if strings.ContainsRune(s, '<') {
		s = replace(re().noText, s, "")
		s = replace(re().listTag, s, "\n- ")
		s = replace(re().blockTag, s, "\n\n")
		s = re().tag.ReplaceAllString(s, "")
	}
	if strings.ContainsRune(s, '&') {
		s = strings.ReplaceAll(html.UnescapeString(s), "\u00a0", " ")
	}
	s = stripControls(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.ContainsAny(l, "\t\f\v") || strings.Contains(l, "  ") {
			l = re().spaces.ReplaceAllString(l, " ")
		}
		l = strings.TrimSpace(l)
		l = strings.TrimPrefix(l, "> ")
		if l == ">" {
			l = ""
		}
		lines[i] = l
	}
	s = joinSoftBreaks(lines)
	if strings.Contains(s, "\n\n\n") {
		s = replace(re().blankRuns, s, "\n\n")
	}
	return strings.TrimSpace(s)
}

// stripControls removes control characters (tab and line feed turn into
// white space) and the invisible marks that reorder text (bidirectional
// overrides, isolates, embeddings and marks), which could make a tool's
// text read differently from what it says.
func stripControls(s string) string {
	clean := true
	for _, r := range s {
		if unwanted(r) || r == '\t' || r == '\r' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\r':
			return ' '
		case unwanted(r):
			return -1
		}
		return r
	}, s)
}

func unwanted(r rune) bool {
	switch {
	case r == '\n':
		return false
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0xfeff:
		return true
	}
	return false
}

// replace is re.ReplaceAllString(s, repl), without copying s when re does
// not match: the markers Plain looks for first (a "#" in a URL, a "**")
// often belong to no match.
func replace(re *regexp.Regexp, s, repl string) string {
	if !re.MatchString(s) {
		return s
	}
	return re.ReplaceAllString(s, repl)
}

// joinSoftBreaks joins the lines of a paragraph (markdown's soft line
// breaks) with spaces; list items and table rows keep their lines.
func joinSoftBreaks(lines []string) string {
	if len(lines) == 1 {
		return lines[0]
	}
	var b strings.Builder
	n := len(lines)
	for _, l := range lines {
		n += len(l)
	}
	b.Grow(n)
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			if prev != "" && l != "" && !re().listItem.MatchString(l) && !strings.HasPrefix(l, "|") && !strings.HasPrefix(prev, "|") {
				b.WriteByte(' ')
			} else {
				b.WriteByte('\n')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// Brief cleans s and keeps its first paragraphs: paragraphs are added
// while the text is shorter than want, and it stays within max bytes; a
// first paragraph longer than max is cut after its last full sentence that
// fits, else at a word, with "…".
func Brief(s string, want, max int) string {
	s = Plain(s)
	if len(s) <= want {
		return s
	}
	paras := strings.Split(s, "\n\n")
	var b strings.Builder
	for _, p := range paras {
		if b.Len() == 0 {
			if len(p) > max {
				return Cut(p, max)
			}
			b.WriteString(p)
			continue
		}
		if b.Len() >= want || b.Len()+2+len(p) > max {
			break
		}
		b.WriteString("\n\n")
		b.WriteString(p)
	}
	return b.String()
}

// Cut shortens one paragraph to at most max bytes: at the end of the
// last sentence that fits when that keeps at least half, else at a space,
// with "…".
func Cut(p string, max int) string {
	if len(p) <= max {
		return p
	}
	head := p[:max]
	for i := len(head) - 1; i > max/2; i-- {
		if (head[i] == '.' || head[i] == '!' || head[i] == '?') && (i+1 == len(p) || p[i+1] == ' ' || p[i+1] == '\n') {
			return head[:i+1]
		}
	}
	limit := max - len("…")
	if limit < 0 {
		limit = 0
	}
	for limit > 0 && !utf8.RuneStart(p[limit]) {
		limit--
	}
	head = p[:limit]
	if i := strings.LastIndexAny(head, " \n"); i > max/2 {
		head = head[:i]
	}
	return closeMarkup(strings.TrimRight(head, " ,;:")) + "…"
}

// markers open or close an inline Markdown span (or a list item).
const markers = "*_`~"

// closeMarkup makes the end of a cut text whole: no open code span (it is
// cut before its backtick), no bare list or emphasis marker, and no last
// word that opens an emphasis it does not close (its marker goes).
func closeMarkup(s string) string {
	if strings.Count(s, "`")%2 == 1 {
		s = s[:strings.LastIndexByte(s, '`')]
	}
	for {
		t := strings.TrimRight(s, " ,;:")
		w := t[strings.LastIndexAny(t, " \n")+1:]
		if w != "" && strings.TrimLeft(w, markers+"-") == "" {
			t = t[:len(t)-len(w)] // a bare marker or dash
		} else if open := strings.TrimLeft(w, markers); len(open) < len(w) && !strings.ContainsAny(open, w[:1]) {
			t = t[:len(t)-len(w)] + open
		}
		if t == s {
			return s
		}
		s = t
	}
}

// OneLine cleans s into a single line of at most max bytes.
func OneLine(s string, max int) string {
	s = Plain(s)
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.ReplaceAll(s, "\n", " ")
	return Cut(s, max)
}

// Sentence cleans s and keeps the first sentences of its first paragraph:
// sentences are added while the text is shorter than want, and it stays
// within max bytes.
func Sentence(s string, want, max int) string {
	// Only the first paragraph is kept: the rest is not cleaned (unless a
	// code fence may span paragraphs).
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "\n\n"); i >= 0 && !strings.Contains(s[:i], "```") {
		s = s[:i]
	}
	s = Plain(s)
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	// A label ("Deprecated: …", "Used for pagination: …") is read with
	// the sentence after it.
	if _, label, _ := splitLabel(s); label != "" {
		if colon := strings.IndexByte(s, ':') + 1; colon > want {
			want = colon
		}
	}
	// The lines of a list in the first paragraph ("* `10` - OK") are
	// read as one line.
	return firstSentence(s, want, max)
}

// firstSentence keeps the first sentences of one cleaned paragraph, as
// Sentence does.
func firstSentence(s string, want, max int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	last := -1 // the end of the last full sentence kept
	for i := 0; i+1 < len(s); i++ {
		if !SentenceEnd(s, i) {
			continue
		}
		if i >= want {
			if s[i] == ':' && last >= 0 {
				// A label ("…to. _NOTE:") starts what the cut leaves out.
				i = last
			}
			s = s[:i+1]
			break
		}
		if s[i] != ':' {
			last = i
		}
	}
	return Cut(closeMarkup(strings.TrimSuffix(s, ":")), max)
}

// A Lead is what one paragraph of a description says first: its first
// sentence, or the whole paragraph cut at a sentence end.
type Lead struct {
	Text string
	// Aside marks a paragraph beside the text's subject: a note (it opens
	// with a label such as "Note:", "**Deprecation Notice:**" or
	// "Warning:", with "Note that", is a quoted alert "> [!NOTE]" or is all
	// in italics), a heading ("## Listing", a paragraph all in bold), a
	// label alone ("Returns:") or a list. A note's label is not part of
	// Text.
	Aside bool
}

// Leads returns the leads of the first n paragraphs of s that have text
// (tables and code are not read as paragraphs), and the text after them,
// to read on from: the first sentence of each (at most max bytes), or with
// whole the paragraph (cut at max after its last full sentence that
// fits). Only those paragraphs are cleaned.
func Leads(s string, n, max int, whole bool) (leads []Lead, rest string) {
	rest = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	for len(leads) < n && rest != "" {
		para := rest
		rest = ""
		if i := paragraphEnd(para); i >= 0 {
			para, rest = para[:i], strings.TrimSpace(para[i:])
		}
		if l, ok := lead(para, max, whole); ok {
			leads = append(leads, l)
		}
	}
	return leads, rest
}

// lead is the lead of one raw paragraph, if it has text.
func lead(para string, max int, whole bool) (Lead, bool) {
	t := strings.TrimSpace(para)
	if notProse(t) {
		return Lead{}, false
	}
	var l Lead
	if t[0] == '#' {
		// A heading line: the text under it, else the heading itself, as
		// an aside.
		if i := strings.IndexByte(t, '\n'); i >= 0 {
			t = strings.TrimSpace(t[i+1:])
		} else {
			l.Aside = true
		}
	}
	l.Aside = l.Aside || heading(t) || listItem(t) ||
		(strings.Contains(t, "[!") && re().admonish.MatchString(t)) ||
		(!strings.HasPrefix(t, "**") && wrapped(t, "*", "*")) || (!strings.HasPrefix(t, "__") && wrapped(t, "_", "_"))
	p := Plain(t)
	if i := strings.Index(p, "\n\n"); i >= 0 {
		p = p[:i]
	}
	aside, label, text := splitLabel(p)
	if text == "" {
		if label == "" {
			return Lead{}, false
		}
		// A label alone ("Returns:") introduces what follows.
		text, aside = label, true
	}
	l.Aside = l.Aside || aside || isNoteThat(text)
	want := 0
	if label != "" && !aside {
		text = label + ": " + text
		want = len(label) + 1 // the sentence after the label
	}
	if whole {
		l.Text = Cut(text, max)
	} else {
		l.Text = firstSentence(text, want, max)
	}
	return l, l.Text != ""
}

// FirstSentence is the first sentence of a text already cleaned (a Lead's),
// at most max bytes; a label is read with the sentence after it.
func FirstSentence(text string, max int) string {
	want := 0
	if _, label, _ := splitLabel(text); label != "" {
		want = strings.IndexByte(text, ':') + 1
	}
	return firstSentence(text, want, max)
}

// paragraphEnd is the index of the blank line that ends the first
// paragraph of s, or -1: a code fence or an HTML comment open at a blank
// line runs on to its end.
func paragraphEnd(s string) int {
	// next finds sep at or after i, remembering the last answer: each
	// search runs over a part of s once.
	type mark struct{ at, searched int }
	next := func(m *mark, sep string, i int) int {
		if m.at >= i || m.at == -1 && m.searched >= 0 {
			return m.at
		}
		m.at = strings.Index(s[i:], sep)
		if m.at >= 0 {
			m.at += i
		}
		m.searched = i
		return m.at
	}
	fences, comments, blanks := mark{-2, -1}, mark{-2, -1}, mark{-2, -1}
	for i := 0; i < len(s); {
		blank := next(&blanks, "\n\n", i)
		if blank < 0 {
			return -1
		}
		open, closer := next(&fences, "```", i), "```"
		if c := next(&comments, "<!--", i); c >= 0 && (open < 0 || c < open) {
			open, closer = c, "-->"
		}
		if open < 0 || blank < open {
			return blank
		}
		// Skip the fence or comment, whatever blank lines it holds.
		from := open + 3
		if closer == "-->" {
			from = open + 4
		}
		end := strings.Index(s[from:], closer)
		if end < 0 {
			return -1
		}
		i = from + end + len(closer)
	}
	return -1
}

// notProse reports whether a raw paragraph is a table or code.
func notProse(t string) bool {
	for _, prefix := range []string{"|", "```", "<table", "<pre"} {
		if len(t) >= len(prefix) && strings.EqualFold(t[:len(prefix)], prefix) {
			return true
		}
	}
	return t == ""
}

// heading reports whether a raw paragraph is a heading: an HTML heading,
// or all in bold ("**Signature verification object**").
func heading(t string) bool {
	for _, prefix := range []string{"<h1", "<h2", "<h3", "<h4", "<h5", "<h6"} {
		if len(t) >= len(prefix) && strings.EqualFold(t[:len(prefix)], prefix) {
			return true
		}
	}
	if t[0] != '*' && t[0] != '_' && t[0] != '<' {
		return false
	}
	low := strings.ToLower(t)
	return wrapped(t, "**", "**") || wrapped(t, "__", "__") || wrapped(low, "<b>", "</b>") || wrapped(low, "<strong>", "</strong>")
}

// listItem reports whether a raw paragraph opens as a list.
func listItem(t string) bool {
	return re().listItem.MatchString(t) || strings.HasPrefix(strings.ToLower(t), "<ul") || strings.HasPrefix(strings.ToLower(t), "<ol")
}

// labelWords is the most words a label ("Deprecation Notice:") has.
const labelWords = 3

// asideLabels open a note beside what a text is about.
var asideLabels = map[string]bool{
	"note": true, "notes": true, "warning": true, "important": true, "caution": true, "tip": true,
	"deprecated": true, "deprecation notice": true, "required scope": true, "required scopes": true,
	"beta": true, "preview": true, "info": true, "notice": true,
}

// splitLabel reads a leading label of a cleaned paragraph: up to three
// words, the first capitalised, and a colon. An aside's label ("Note: You
// can…", "Deprecation Notice: …") is taken off; any other ("Board view
// only: Returns…") stays, with the sentence after it.
func splitLabel(p string) (aside bool, label, text string) {
	q := strings.TrimLeft(p, markers) // "*Deprecated: …*"
	open := p[:len(p)-len(q)]
	if open != "" && strings.HasPrefix(q, " ") {
		return false, "", p // a list item ("* Ready: …")
	}
	i := strings.IndexByte(q, ':')
	if i <= 0 || (i+1 < len(q) && q[i+1] != ' ' && !strings.ContainsRune(markers, rune(q[i+1]))) {
		return false, "", p
	}
	words := strings.Fields(q[:i])
	if len(words) == 0 || len(words) > labelWords || words[0][0] < 'A' || words[0][0] > 'Z' || strings.ContainsAny(q[:i], "`()[]{}.,;") {
		return false, "", p
	}
	label = strings.TrimRight(q[:i], markers)
	// The label's own closing marks ("*Deprecated:* new…"), not the
	// text's ("Default: `true`").
	text = strings.TrimPrefix(q[i+1:], open)
	return asideLabels[strings.ToLower(label)], label, strings.TrimSpace(text)
}

// wrapped reports whether t is all inside one open and close mark.
func wrapped(t, open, close string) bool {
	return len(t) > len(open)+len(close) && strings.HasPrefix(t, open) && strings.HasSuffix(t, close) &&
		!strings.Contains(t[len(open):len(t)-len(close)], close)
}

// isNoteThat reports whether a paragraph opens as a note ("Note that…",
// "Please note…").
func isNoteThat(p string) bool {
	for _, prefix := range []string{"Note that ", "Note, ", "Please note", "NOTE "} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}
