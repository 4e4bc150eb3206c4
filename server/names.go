package server

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/restmcp/restmcp/client"
)

// maxNameLen is the longest tool name every MCP client and model API
// accepts (OpenAI and Claude allow 64 characters).
const maxNameLen = 64

// fillerWords are dropped from the middle of a name that is too long.
var fillerWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "for": true, "to": true,
	"in": true, "on": true, "with": true, "from": true, "at": true, "by": true,
	"that": true, "is": true, "are": true, "its": true,
}

// abbreviations shorten common long words of a name that is too long.
var abbreviations = map[string]string{
	"organization": "org", "organizations": "orgs",
	"repository": "repo", "repositories": "repos",
	"configuration": "config", "configurations": "configs",
	"application": "app", "applications": "apps",
	"authentication": "auth", "authenticated": "auth",
	"authorization": "auth", "authorizations": "auths",
	"information": "info", "environment": "env", "environments": "envs",
	"permission": "perm", "permissions": "perms", "administrator": "admin",
	"description": "desc", "identifier": "id", "identifiers": "ids",
	"notification": "notif", "notifications": "notifs",
	"subscription": "sub", "subscriptions": "subs", "management": "mgmt",
	"attribute": "attr", "attributes": "attrs", "statistics": "stats",
	"parameter": "param", "parameters": "params",
	"definition": "def", "definitions": "defs",
	"installation": "install", "installations": "installs",
	"specification": "spec", "metadata": "meta",
	"reference": "ref", "references": "refs",
	"package": "pkg", "packages": "pkgs", "message": "msg", "messages": "msgs",
	"directory": "dir", "directories": "dirs",
	"document": "doc", "documents": "docs",
}

// nameWords splits an operationId (or any identifier) into lower-case words:
// separators are any character outside [A-Za-z0-9], and camelCase or
// PascalCase boundaries (getHTTPStatus → get, http, status). A segment that
// looks like a random token (6VMVochwUWo) is kept whole.
func nameWords(s string) []string {
	var words []string
	for _, seg := range strings.FieldsFunc(s, func(r rune) bool {
		return r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r))
	}) {
		parts := splitCamel(seg)
		single := 0
		for _, p := range parts {
			if len(p) == 1 {
				single++
			}
		}
		if single >= 2 {
			parts = []string{seg}
		}
		for _, p := range parts {
			words = append(words, strings.ToLower(p))
		}
	}
	return words
}

// splitCamel splits one alphanumeric segment at case changes: a lower-case
// letter or digit followed by an upper-case one, and the last capital of an
// acronym followed by a lower-case letter (HTTPServer → HTTP, Server).
func splitCamel(s string) []string {
	var parts []string
	start := 0
	for i := 1; i < len(s); i++ {
		prev, cur := s[i-1], s[i]
		next := byte(0)
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch {
		case isUpper(cur) && (isLower(prev) || isDigit(prev)):
			parts = append(parts, s[start:i])
			start = i
		case isUpper(cur) && isUpper(prev) && isLower(next):
			parts = append(parts, s[start:i])
			start = i
		}
	}
	return append(parts, s[start:])
}

func isUpper(b byte) bool { return b >= 'A' && b <= 'Z' }
func isLower(b byte) bool { return b >= 'a' && b <= 'z' }
func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// pathWords names an operation without an operationId from its method and
// path: GET /projects/{id}/tasks → get, projects, by, id, tasks.
func pathWords(method, path string) []string {
	words := []string{strings.ToLower(method)}
	for _, seg := range strings.Split(path, "/") {
		if seg == "" {
			continue
		}
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			words = append(words, "by")
			words = append(words, nameWords(seg)...)
			continue
		}
		words = append(words, nameWords(seg)...)
	}
	if len(words) == 1 {
		words = append(words, "root")
	}
	return words
}

// baseName is the readable name of op before prefixing, shortening and
// deduplication.
func baseWords(op *client.Operation) []string {
	if w := nameWords(op.ID); len(w) > 0 {
		return w
	}
	return pathWords(op.Method, op.Path)
}

// shorten joins words with "_" within limit bytes, keeping the name
// readable: first drop filler words from the middle, then abbreviate common
// long words, then drop repeated words, then drop words from the middle
// (the start says what the operation does, the end what it acts on), and
// only then cut the last word.
func shorten(words []string, limit int) string {
	join := func(w []string) string { return strings.Join(w, "_") }
	if len(join(words)) <= limit {
		return join(words)
	}
	w := append([]string(nil), words...)
	// 1. filler words, never the first or last.
	for i := len(w) - 2; i >= 1 && len(join(w)) > limit; i-- {
		if fillerWords[w[i]] {
			w = append(w[:i], w[i+1:]...)
		}
	}
	// 2. abbreviations, from the end.
	for i := len(w) - 1; i >= 0 && len(join(w)) > limit; i-- {
		if a, ok := abbreviations[w[i]]; ok {
			w[i] = a
		}
	}
	// 3. repeated words (the later occurrence goes).
	seen := map[string]bool{}
	for i := 0; i < len(w) && len(join(w)) > limit; i++ {
		if seen[w[i]] && i > 0 {
			w = append(w[:i], w[i+1:]...)
			i--
			continue
		}
		seen[w[i]] = true
	}
	// 4. middle words: keep the first two and the last two as long as possible.
	for len(join(w)) > limit && len(w) > 3 {
		keepHead := 2
		if len(w) <= 4 {
			keepHead = 1
		}
		i := keepHead + (len(w)-keepHead-2)/2
		if i >= len(w)-1 {
			i = len(w) - 2
		}
		if i < 1 {
			break
		}
		w = append(w[:i], w[i+1:]...)
	}
	s := join(w)
	if len(s) > limit {
		s = strings.TrimRight(s[:limit], "_")
	}
	return s
}

// sanitizePrefix reduces a configured prefix to name characters and adds the
// separator.
func sanitizePrefix(p string) string {
	w := nameWords(p)
	if len(w) == 0 {
		return ""
	}
	s := strings.Join(w, "_")
	if len(s) > maxPrefixLen {
		s = strings.TrimRight(s[:maxPrefixLen], "_")
	}
	return s + "_"
}

// maxPrefixLen is the longest tool name prefix: the rest of the 64
// characters is the operation's.
const maxPrefixLen = 24

// namer hands out unique tool names.
type namer struct {
	prefix string
	used   map[string]bool
}

func newNamer(prefix string) *namer {
	return &namer{prefix: sanitizePrefix(prefix), used: map[string]bool{}}
}

// limit is how many bytes a name may take after the prefix.
func (n *namer) limit() int { return maxNameLen - len(n.prefix) }

// name returns a unique name for words: the shortened name, or when that is
// taken, the name with a readable suffix that still fits: the HTTP method
// (list_projects_post) when the name does not say it, else a number
// (_2, _3, …).
func (n *namer) name(words []string, method string) string {
	if len(words) == 0 {
		words = []string{"operation"}
	}
	base := shorten(words, n.limit())
	if !n.used[n.prefix+base] {
		n.used[n.prefix+base] = true
		return n.prefix + base
	}
	try := func(suffix string) (string, bool) {
		cand := n.prefix + shorten(words, n.limit()-len(suffix)) + suffix
		if n.used[cand] {
			return "", false
		}
		n.used[cand] = true
		return cand, true
	}
	if m := strings.ToLower(method); m != "" && !slices.Contains(words, m) {
		if c, ok := try("_" + m); ok {
			return c
		}
	}
	for i := 2; ; i++ {
		if c, ok := try(fmt.Sprintf("_%d", i)); ok {
			return c
		}
	}
}
