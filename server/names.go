package server

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
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

// latinFold reads the accented Latin letters (Latin-1 and Latin
// Extended-A) as the ASCII letters they are written with, so that a
// French, German or Polish operationId or parameter name keeps its words
// ("créerCommande" → creer_commande, "prénom" → prenom) instead of being
// cut at each of them (cr_er_commande, pr_nom).
var latinFold = sync.OnceValue(func() map[rune]string {
	folds := map[rune]string{}
	for from, to := range map[string]string{
		"ÀÁÂÃÄÅĀĂĄ": "A", "àáâãäåāăą": "a", "Æ": "AE", "æ": "ae", "ÇĆĈĊČ": "C", "çćĉċč": "c", "ÐĎĐ": "D",
		"ðďđ": "d", "ÈÉÊËĒĔĖĘĚ": "E", "èéêëēĕėęě": "e", "ĜĞĠĢ": "G", "ĝğġģ": "g", "ĤĦ": "H", "ĥħ": "h",
		"ÌÍÎÏĨĪĬĮİ": "I", "ìíîïĩīĭįı": "i", "Ĳ": "IJ", "ĳ": "ij", "Ĵ": "J", "ĵ": "j", "Ķ": "K", "ķĸ": "k",
		"ĹĻĽĿŁ": "L", "ĺļľŀł": "l", "ÑŃŅŇŊ": "N", "ñńņňŉŋ": "n", "ÒÓÔÕÖØŌŎŐ": "O", "òóôõöøōŏő": "o",
		"Œ": "OE", "œ": "oe", "ŔŖŘ": "R", "ŕŗř": "r", "ŚŜŞŠ": "S", "śŝşšſ": "s", "ß": "ss", "ŢŤŦ": "T",
		"ţťŧ": "t", "Þ": "Th", "þ": "th", "ÙÚÛÜŨŪŬŮŰŲ": "U", "ùúûüũūŭůűų": "u", "Ŵ": "W", "ŵ": "w",
		"ÝŶŸ": "Y", "ýÿŷ": "y", "ŹŻŽ": "Z", "źżž": "z",
	} {
		for _, r := range from {
			folds[r] = to
		}
	}
	return folds
})

// foldLatin is s with its accented Latin letters read as ASCII (see
// latinFold). A capital ligature before a lower-case letter starts a word
// (Æble → Aeble, one word), else it is all capitals (ÆBLE → AEBLE): "AE"
// before "ble" would read as an acronym and a word, a, eble.
func foldLatin(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	folds := latinFold()
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		to, ok := folds[r]
		switch {
		case !ok:
			b.WriteRune(r)
		case len(to) == 2 && unicode.IsUpper(rune(to[1])) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			b.WriteString(to[:1] + strings.ToLower(to[1:]))
		default:
			b.WriteString(to)
		}
	}
	return b.String()
}

// nameWords splits an operationId (or any identifier) into lower-case words:
// separators are any character outside [A-Za-z0-9] (accented Latin letters
// read as theirs: foldLatin), and camelCase or PascalCase boundaries
// (getHTTPStatus → get, http, status). A segment that looks like a random
// token (6VMVochwUWo) is kept whole.
func nameWords(s string) []string {
	s = foldLatin(s)
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

// nameRequest is what one tool's name is made from.
type nameRequest struct {
	words  []string // the readable name, before prefixing and shortening
	method string   // upper case; "" for a tool that is not one operation
	path   string
	tag    string // the first tag
	server string // the base URL the operation is sent to
}

// operationNameRequest is the name request of one operation. ids holds
// every operationId of the API (generated ids are recognised by their
// neighbours); server is the API's base URL.
func operationNameRequest(op *client.Operation, ids map[string]bool, server string) nameRequest {
	r := nameRequest{words: operationWords(op, ids), method: strings.ToUpper(op.Method), path: op.Path, server: server}
	if len(op.Servers) > 0 {
		r.server = op.Servers[0]
	}
	if len(op.Tags) > 0 {
		r.tag = op.Tags[0]
	}
	return r
}

func (r *nameRequest) less(o *nameRequest) bool {
	return cmp.Or(
		cmp.Compare(r.path, o.path),
		cmp.Compare(methodRank(r.method), methodRank(o.method)),
		cmp.Compare(r.server, o.server),
		cmp.Compare(r.tag, o.tag),
		slices.Compare(r.words, o.words),
	) < 0
}

// methodRank orders methods as descriptions list them.
func methodRank(m string) int {
	return slices.Index([]string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"}, m)
}

// toolName is one name handed out by assignNames, with the note the tool's
// description carries when only a number tells it apart from others.
type toolName struct {
	name string
	note string
}

// assignNames gives every request a unique, valid tool name. A name depends
// only on its own request and on the requests whose readable name is the
// same, never on their order: a request whose readable name is its own keeps
// it, and the ones sharing a name are told apart by what differs between
// them (see clash.resolve). So adding, removing or changing one operation
// renames no other operation, except those that shared its name.
func assignNames(prefix string, reqs []nameRequest) []toolName {
	p := sanitizePrefix(prefix)
	limit := maxNameLen - len(p)
	out := make([]toolName, len(reqs))
	groups := map[string][]int{}
	for i := range reqs {
		if len(reqs[i].words) == 0 {
			reqs[i].words = []string{"operation"}
		}
		b := shorten(reqs[i].words, limit)
		groups[b] = append(groups[b], i)
	}
	taken := map[string]bool{}
	var shared []string
	for b, g := range groups {
		if len(g) == 1 {
			out[g[0]].name = p + b
			taken[p+b] = true
			continue
		}
		shared = append(shared, b)
	}
	sort.Strings(shared)
	for _, b := range shared {
		g := groups[b]
		sort.SliceStable(g, func(x, y int) bool { return reqs[g[x]].less(&reqs[g[y]]) })
		members := make([]*nameRequest, len(g))
		for i, j := range g {
			members[i] = &reqs[j]
		}
		c := clash{prefix: p, limit: limit, members: members, taken: taken}
		for i, n := range c.resolve() {
			out[g[i]] = n
			taken[n.name] = true
		}
	}
	return out
}

// clash is a group of requests whose readable names are the same.
type clash struct {
	prefix  string
	limit   int
	members []*nameRequest // in a stable order: path, method, server, tag
	taken   map[string]bool
}

// nameParts says how one member's name differs from the shared one.
type nameParts struct {
	verb   string   // replaces the leading verb of the words, or goes first
	qual   []string // after the leading verb (or first)
	suffix string   // at the end, with its "_"
}

// resolve names the members apart. It takes the first of these that makes
// every name unique and free: the verbs of the methods (list_/create_, or
// the method at the end where no verb fits); the methods at the end; what
// differs between the paths (segments, with the API group before a
// version), then the tags, then the servers, then the path parameters, each
// alone and then with the verbs; and only then a number, with a note saying
// what the others call.
func (c *clash) resolve() []toolName {
	verbs, methods := c.verbParts(false), c.verbParts(true)
	sources := [][]nameParts{c.pathParts(), c.tagParts(), c.serverParts(), c.paramParts()}
	tries := [][]nameParts{verbs, methods}
	for _, s := range sources {
		tries = append(tries, s, merge(verbs, s))
	}
	for _, parts := range tries {
		if names, ok := c.try(parts); ok {
			out := make([]toolName, len(names))
			for i, n := range names {
				out[i].name = n
			}
			return out
		}
	}
	return c.numbered()
}

// try composes the members' names from parts; ok is false when two of them
// are the same or one is taken.
func (c *clash) try(parts []nameParts) ([]string, bool) {
	if parts == nil {
		return nil, false
	}
	names := make([]string, len(c.members))
	seen := map[string]bool{}
	for i, m := range c.members {
		n := c.prefix + compose(m.words, parts[i], c.limit)
		if seen[n] || c.taken[n] {
			return nil, false
		}
		seen[n] = true
		names[i] = n
	}
	return names, true
}

// numbered is the last resort: the first member keeps the shared name, the
// others get _2, _3, …, and every description names the others and what
// they call.
func (c *clash) numbered() []toolName {
	out := make([]toolName, len(c.members))
	seen := map[string]bool{}
	n := 1
	for i, m := range c.members {
		for {
			var suffix string
			if n > 1 {
				suffix = fmt.Sprintf("_%d", n)
			}
			n++
			name := c.prefix + compose(m.words, nameParts{suffix: suffix}, c.limit)
			if !seen[name] && !c.taken[name] {
				seen[name] = true
				out[i].name = name
				break
			}
		}
	}
	for i := range out {
		var others []string
		for j, o := range c.members {
			if j != i {
				others = append(others, fmt.Sprintf("%s (%s)", out[j].name, c.calls(o, c.members[i])))
			}
		}
		out[i].note = "Not the same tool as " + strings.Join(others, ", ") + "."
	}
	return out
}

// calls says what member m calls: its method and path, and its server or
// tag when other calls the same method and path.
func (c *clash) calls(m, other *nameRequest) string {
	s := strings.TrimSpace(m.method + " " + m.path)
	if m.method != other.method || m.path != other.path {
		return s
	}
	switch {
	case m.server != other.server && m.server != "":
		return s + " on " + m.server
	case m.tag != other.tag && m.tag != "":
		return s + ", tag " + m.tag
	}
	return s
}

// compose builds a name from words and parts. The verb, qualifier and
// suffix always fit: the words are shortened around them.
func compose(words []string, p nameParts, limit int) string {
	rest := words
	var head []string
	switch {
	case p.verb != "":
		if verbFamily(rest[0]) != nil {
			rest = rest[1:]
		}
		head = []string{p.verb}
	case len(p.qual) > 0 && isVerb(rest[0]):
		head, rest = []string{rest[0]}, rest[1:]
	}
	if len(p.qual) > 0 {
		head = append(head, strings.Split(shorten(p.qual, maxQualifierLen), "_")...)
	}
	fixed := strings.Join(head, "_")
	budget := limit - len(p.suffix)
	if fixed != "" && len(rest) > 0 {
		budget -= len(fixed) + 1
	}
	if len(rest) == 0 || budget < 8 {
		return shorten(append(head, rest...), limit-len(p.suffix)) + p.suffix
	}
	if fixed == "" {
		return shorten(rest, budget) + p.suffix
	}
	return fixed + "_" + shorten(rest, budget) + p.suffix
}

// maxQualifierLen bounds the words that tell names apart.
const maxQualifierLen = 24

// merge joins the verbs of one way of naming apart with the qualifiers of
// another.
func merge(verbs, quals []nameParts) []nameParts {
	if quals == nil {
		return nil
	}
	out := make([]nameParts, len(verbs))
	for i := range verbs {
		out[i] = verbs[i]
		out[i].qual = quals[i].qual
		if quals[i].suffix != "" {
			out[i].suffix = quals[i].suffix + out[i].suffix
		}
	}
	return out
}

// crudVerbs are the leading words of a name that say which method an
// operation uses, with the methods they fit.
var crudVerbs = map[string][]string{
	"get": {"GET", "HEAD"}, "list": {"GET"}, "read": {"GET"}, "fetch": {"GET"}, "retrieve": {"GET"},
	"show": {"GET"}, "find": {"GET"},
	"create": {"POST"}, "add": {"POST"}, "new": {"POST"}, "insert": {"POST"}, "post": {"POST"},
	"update": {"PUT", "PATCH"}, "replace": {"PUT"}, "put": {"PUT"}, "set": {"PUT"},
	"patch": {"PATCH"}, "partial": {"PATCH"}, "modify": {"PATCH"}, "edit": {"PATCH"},
	"delete": {"DELETE"}, "remove": {"DELETE"}, "destroy": {"DELETE"},
}

// actionVerbs are other leading words that say what an operation does;
// words that tell names apart go after them.
var actionVerbs = map[string]bool{
	"search": true, "query": true, "send": true, "upload": true, "download": true, "export": true,
	"import": true, "check": true, "run": true, "start": true, "stop": true, "cancel": true,
	"close": true, "open": true, "reset": true, "test": true, "verify": true, "invite": true,
	"archive": true, "restore": true, "move": true, "copy": true, "merge": true, "lock": true,
	"unlock": true, "enable": true, "disable": true, "publish": true, "revoke": true,
}

// verbFamily is the methods a leading CRUD verb fits, nil for other words.
func verbFamily(w string) []string { return crudVerbs[w] }

func isVerb(w string) bool { return crudVerbs[w] != nil || actionVerbs[w] }

// methodVerb is the verb a name takes for an HTTP method on a path, "" when
// no verb says it better than the method: a POST that does not add to a
// collection (POST /auth/login), HEAD, OPTIONS, TRACE.
func methodVerb(method, path string, withPatch bool) string {
	switch method {
	case "GET":
		if isCollection(path) {
			return "list"
		}
		return "get"
	case "POST":
		if isCollection(path) {
			return "create"
		}
	case "PUT":
		if withPatch {
			return "replace"
		}
		return "update"
	case "PATCH":
		return "update"
	case "DELETE":
		return "delete"
	}
	return ""
}

// isCollection reports whether a path ends in a plural noun (/projects,
// not /projects/{id}, /status or /auth/login).
func isCollection(path string) bool {
	segs := strings.Split(strings.TrimRight(path, "/"), "/")
	last := segs[len(segs)-1]
	if strings.HasPrefix(last, "{") {
		return false
	}
	w := nameWords(last)
	if len(w) == 0 {
		return false
	}
	l := w[len(w)-1]
	return strings.HasSuffix(l, "s") && !strings.HasSuffix(l, "ss") && !strings.HasSuffix(l, "us") && !strings.HasSuffix(l, "is")
}

// verbParts names members apart by their methods: a member whose name
// already starts with a verb of its method keeps it (list_projects for GET),
// others get the method's verb in place of theirs or before the words
// (create_projects for POST); where no verb fits the method goes at the end
// (auth_login_post), and everywhere when methodsOnly. A lone GET among
// names without a verb keeps its name.
func (c *clash) verbParts(methodsOnly bool) []nameParts {
	withPatch, gets := false, 0
	methods := map[string]bool{}
	for _, m := range c.members {
		withPatch = withPatch || m.method == "PATCH"
		if m.method == "GET" {
			gets++
		}
		methods[m.method] = true
	}
	if len(methods) < 2 || methods[""] {
		return nil
	}
	out := make([]nameParts, len(c.members))
	for i, m := range c.members {
		w0 := m.words[0]
		if fam := verbFamily(w0); fam != nil {
			if slices.Contains(fam, m.method) && !(m.method == "PUT" && withPatch && w0 == "update") {
				continue
			}
		} else if m.method == "GET" && gets == 1 {
			continue
		}
		if v := methodVerb(m.method, m.path, withPatch); v != "" && !methodsOnly {
			out[i].verb = v
		} else {
			out[i].suffix = "_" + strings.ToLower(m.method)
		}
	}
	return out
}

// pathParts names members apart by the path segments that differ between
// them (v1, v1beta1), a version with the API group before it
// (/apis/rbac.authorization.k8s.io/v1 → rbac_v1). Words the name already
// has are left out.
func (c *clash) pathParts() []nameParts {
	segs := make([][]string, len(c.members))
	for i, m := range c.members {
		for _, s := range strings.Split(m.path, "/") {
			if s != "" && !strings.HasPrefix(s, "{") {
				segs[i] = append(segs[i], s)
			}
		}
	}
	pre, suf := commonEnds(segs)
	return c.qualified(func(i int) []string {
		s := segs[i]
		mid := s[pre : len(s)-suf]
		var q []string
		if len(mid) > 0 && isVersion(mid[0]) && pre > 0 && isDomain(s[pre-1]) {
			q = append(q, segmentWords(s[pre-1])...)
		}
		for _, seg := range mid {
			q = append(q, segmentWords(seg)...)
		}
		return q
	})
}

// tagParts names members apart by their first tags.
func (c *clash) tagParts() []nameParts {
	return c.qualified(func(i int) []string { return nameWords(c.members[i].tag) })
}

// serverParts names members apart by what differs between their servers:
// the host labels (api, messaging), or when the hosts are the same, the
// path segments.
func (c *clash) serverParts() []nameParts {
	hosts := make([][]string, len(c.members))
	paths := make([][]string, len(c.members))
	for i, m := range c.members {
		u, err := url.Parse(m.server)
		if err != nil {
			continue
		}
		hosts[i] = strings.Split(u.Hostname(), ".")
		for _, s := range strings.Split(u.Path, "/") {
			if s != "" {
				paths[i] = append(paths[i], s)
			}
		}
	}
	tokens := hosts
	if pre, _ := commonEnds(hosts); pre == len(hosts[0]) && allLen(hosts, pre) {
		tokens = paths
	}
	pre, suf := commonEnds(tokens)
	return c.qualified(func(i int) []string {
		var q []string
		for _, t := range tokens[i][pre : len(tokens[i])-suf] {
			q = append(q, nameWords(t)...)
		}
		return q
	})
}

// allLen reports whether every list has n tokens.
func allLen(lists [][]string, n int) bool {
	for _, l := range lists {
		if len(l) != n {
			return false
		}
	}
	return true
}

// paramParts names members apart by their path parameters, at the end
// (get_item_by_id, get_item_by_key).
func (c *clash) paramParts() []nameParts {
	parts := make([]nameParts, len(c.members))
	differ := false
	for i, m := range c.members {
		var w []string
		for _, s := range strings.Split(m.path, "/") {
			if strings.HasPrefix(s, "{") {
				w = append(append(w, "by"), nameWords(s)...)
			}
		}
		if len(w) > 0 {
			parts[i].suffix = "_" + shorten(w, maxQualifierLen)
		}
		differ = differ || parts[i].suffix != parts[0].suffix
	}
	if !differ {
		return nil
	}
	return parts
}

// qualified turns each member's distinguishing words into parts, leaving
// out words its name already has; nil when they are all the same.
func (c *clash) qualified(words func(i int) []string) []nameParts {
	parts := make([]nameParts, len(c.members))
	differ := false
	for i, m := range c.members {
		for _, w := range words(i) {
			if !slices.Contains(m.words, w) && !slices.Contains(parts[i].qual, w) {
				parts[i].qual = append(parts[i].qual, w)
			}
		}
		differ = differ || !slices.Equal(parts[i].qual, parts[0].qual)
	}
	if !differ {
		return nil
	}
	return parts
}

// commonEnds is how many leading and trailing tokens all lists share.
func commonEnds(lists [][]string) (pre, suf int) {
	shortest := len(lists[0])
	for _, l := range lists {
		shortest = min(shortest, len(l))
	}
	same := func(at func(l []string) string) bool {
		for _, l := range lists[1:] {
			if at(l) != at(lists[0]) {
				return false
			}
		}
		return true
	}
	for pre < shortest && same(func(l []string) string { return l[pre] }) {
		pre++
	}
	for suf < shortest-pre && same(func(l []string) string { return l[len(l)-1-suf] }) {
		suf++
	}
	return pre, suf
}

var reVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[vV]\d+([a-z]+\d*)?$`) })

// isVersion reports whether a path segment is an API version: v1, v2beta1.
func isVersion(seg string) bool { return reVersion().MatchString(seg) }

// isDomain reports whether a path segment is a domain name, as API groups
// are (rbac.authorization.k8s.io).
func isDomain(seg string) bool {
	labels := strings.Split(seg, ".")
	if len(labels) < 2 {
		return false
	}
	switch labels[len(labels)-1] {
	case "io", "com", "org", "net", "dev", "app", "cloud":
		return true
	}
	return false
}

// segmentWords are the words a path segment adds to a name: a domain's
// first label (rbac.authorization.k8s.io → rbac), else its words.
func segmentWords(seg string) []string {
	if isDomain(seg) {
		return nameWords(strings.Split(seg, ".")[0])
	}
	return nameWords(seg)
}
