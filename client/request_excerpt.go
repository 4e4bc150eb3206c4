package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"mime"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// DefaultExcerptBytes is the length of HTTPError.Excerpt.
const DefaultExcerptBytes = 500

// Excerpt returns at most about maxBytes of the body as readable text: JSON
// compacted, HTML reduced to its text, other text with its whitespace
// collapsed, binary content described by size and type, a body in an
// encoding restmcp cannot read, or not valid in its encoding, named by it.
// A cut excerpt ends with "…".
func (r *Response) Excerpt(maxBytes int) string {
	body := bytes.TrimSpace(r.Body)
	// The encoding is a header of the answer, in lower case: a key it
	// echoes in upper case now spells the key.
	if enc := r.Redact(r.Encoding); len(body) == 0 && enc != "" && r.Corrupt {
		return cut(fmt.Sprintf("(the body is compressed as %q but could not be read: it is not valid %s, or was cut short)", enc, enc), maxBytes)
	} else if len(body) == 0 && enc != "" {
		return cut(fmt.Sprintf("(the body is compressed as %q, which restmcp cannot read: it asks for gzip)", enc), maxBytes)
	}
	if len(body) == 0 {
		return ""
	}
	mt, _, _ := mime.ParseMediaType(r.ContentType)
	var text string
	switch {
	case (mt == "application/json" || strings.HasSuffix(mt, "+json") || body[0] == '{' || body[0] == '[') && json.Valid(body):
		var buf bytes.Buffer
		if err := json.Compact(&buf, body); err == nil {
			text = buf.String()
		}
	case mt == "text/html" || mt == "application/xhtml+xml" || looksHTML(body):
		text = htmlText(string(body))
	case isBinaryType(mt) || mt == "" && !utf8.Valid(body):
		// Bytes of no stated type that are not text are described; a
		// text type's bytes that are not UTF-8 read as U+FFFD, the
		// message around them kept.
		ct := mt
		if ct == "" {
			ct = "unknown type"
		}
		return fmt.Sprintf("(%d bytes of %s)", len(r.Body), ct)
	}
	if text == "" {
		text = strings.Join(strings.Fields(strings.ToValidUTF8(string(body), "\uFFFD")), " ")
	}
	return cut(r.Redact(text), maxBytes)
}

func looksHTML(b []byte) bool {
	head := strings.ToLower(string(b[:min(len(b), 64)]))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

func isBinaryType(mt string) bool {
	switch {
	case mt == "", strings.HasPrefix(mt, "text/"), strings.HasSuffix(mt, "json"), strings.HasSuffix(mt, "xml"),
		mt == "application/x-www-form-urlencoded", mt == "application/javascript":
		return false
	}
	return true
}

var (
	htmlDropRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?is)<(script|style|head)\b.*?</(script|style|head)\s*>|<!--.*?-->`)
	})
	htmlTagRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)<[^>]*>`) })
)

// htmlText reduces an HTML page to its visible text.
func htmlText(s string) string {
	s = htmlDropRE().ReplaceAllString(s, " ")
	s = htmlTagRE().ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

// cut shortens s to at most n bytes on a rune boundary, marking the cut.
func cut(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
