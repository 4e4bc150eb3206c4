package client

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// built is a request ready to send: everything but the key.
type built struct {
	method string
	url    *url.URL
	// keyOrigin is the operation's own server when the credential goes
	// there too (nil: only to the base URL's origin).
	keyOrigin   *url.URL
	header      http.Header
	body        []byte // nil: no body
	contentType string
}

// build turns r into a method, URL, headers and body.
func (c *Client) build(r Request) (*built, error) {
	op := r.Op
	if op == nil {
		return nil, errors.New("request has no operation")
	}
	method := strings.ToUpper(op.Method)
	if method == "" {
		method = http.MethodGet
	}
	base, err := c.baseFor(op)
	if err != nil {
		return nil, err
	}
	path, fixedQuery, err := expandPath(op, r.Path)
	if err != nil {
		return nil, err
	}
	query, err := encodeQuery(op, r.Query, c.FillsFor(op))
	if err != nil {
		return nil, err
	}
	query = joinQuery(fixedQuery, query)
	u := *base
	u.Path, u.RawPath = "", ""
	rawPath := strings.TrimSuffix(base.EscapedPath(), "/") + path
	parsed, err := url.Parse(u.Scheme + "://" + u.Host + rawPath)
	if err != nil {
		return nil, fmt.Errorf("%s %s: building the URL: %w", method, op.Path, err)
	}
	u.Path, u.RawPath = parsed.Path, parsed.RawPath
	u.RawQuery = joinQuery(base.RawQuery, query)
	u.Fragment, u.RawFragment = "", ""

	b := &built{method: method, url: &u, header: http.Header{}}
	if base != c.base && c.base != nil && (base.Scheme == "https" || base.Scheme == c.base.Scheme) {
		// The description sends this operation to a server of its own
		// (uploads on another host): the key goes along, never from https
		// down to plain http.
		b.keyOrigin = base
	}
	if err := setHeaders(b.header, op, r.Header, c.FillsFor(op)); err != nil {
		return nil, err
	}
	if err := setCookies(b.header, op, r.Cookie, c.FillsFor(op)); err != nil {
		return nil, err
	}
	if err := encodeBody(b, op, r.Body); err != nil {
		return nil, err
	}
	return b, nil
}

// baseFor returns the base URL for op: the first of the operation's own
// servers when it declares any (a relative one resolved against
// Options.BaseURL) unless Options.OverrideServers, else Options.BaseURL. The key is only sent when the
// result has the same origin as Options.BaseURL.
func (c *Client) baseFor(op *Operation) (*url.URL, error) {
	base := c.base
	hasServer := !c.opts.OverrideServers && len(op.Servers) > 0 && op.Servers[0] != ""
	if base == nil && !hasServer {
		return nil, c.baseErr
	}
	if hasServer {
		if v := UnsetVariable(op.Servers[0]); v != "" {
			return nil, fmt.Errorf("server URL %q of %s %s has the variable %s, which the description gives no value: set the API's address with --base-url", op.Servers[0], op.Method, op.Path, v)
		}
		s, err := url.Parse(op.Servers[0])
		if err != nil {
			return nil, fmt.Errorf("server URL %q of %s %s: %w", op.Servers[0], op.Method, op.Path, err)
		}
		if !s.IsAbs() {
			if base == nil {
				return nil, fmt.Errorf("server URL %q of %s %s is relative and no base URL is set: set one with --base-url", op.Servers[0], op.Method, op.Path)
			}
			s = base.ResolveReference(s)
		}
		base = s
	}
	if base.Scheme != "http" && base.Scheme != "https" {
		return nil, fmt.Errorf("server URL %q of %s %s must be an http or https URL", base.Redacted(), op.Method, op.Path)
	}
	return base, nil
}

// UnsetVariable is the first server variable ("{region}") left in a
// server URL of the description, which declares no value for it; "" when
// there is none.
func UnsetVariable(u string) string {
	i := strings.IndexByte(u, '{')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(u[i:], '}')
	if j < 0 {
		return ""
	}
	return u[i : i+j+1]
}

// parseBase checks Options.BaseURL.
func parseBase(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("no base URL: set one with --base-url (the description declares no servers)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("base URL %q: %w", ShowURL(raw), parseError(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("base URL %q must be an absolute http or https URL, e.g. https://api.example.com/v1: set it with --base-url", displayURL(u))
	}
	return u, nil
}

func joinQuery(a, b string) string {
	if a != "" && b != "" {
		return a + "&" + b
	}
	return a + b
}

// expandPath substitutes the {templates} of op.Path with escaped values.
// A fragment in the path is dropped (Box writes `/files/{file_id}#get_shared_link`
// to tell apart operations on one path) and a query written in the path is
// returned apart, to go first in the query string. Every value is fully percent-encoded (only RFC 3986 unreserved characters
// stay), so `a/b?c#d` becomes `a%2Fb%3Fc%23d` and stays one segment; a
// segment that would read `.` or `..` has its dots encoded, so that neither
// the client nor a server normalising the path can climb out of it.
func expandPath(op *Operation, values map[string]any) (path, query string, err error) {
	tmpl, _, _ := strings.Cut(op.Path, "#")
	tmpl, query, _ = strings.Cut(tmpl, "?")
	query = escape(query, reservedQuery+"&[]", true)
	if tmpl != "" && !strings.HasPrefix(tmpl, "/") {
		tmpl = "/" + tmpl
	}
	var sb strings.Builder
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			sb.WriteString(escape(tmpl, pathKeep, true))
			break
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			return "", "", fmt.Errorf("path %q has an unclosed {", op.Path)
		}
		end += open
		sb.WriteString(escape(tmpl[:open], pathKeep, true))
		name := tmpl[open+1 : end]
		tmpl = tmpl[end+1:]

		p := findParam(op, "path", name)
		v, ok := lookup(values, name, false)
		if !ok || v == nil {
			return "", "", fmt.Errorf("missing required path parameter %q", name)
		}
		v, err = normalize(v)
		if err != nil {
			return "", "", fmt.Errorf("path parameter %q: %w", name, err)
		}
		style, explode := "simple", false
		if p != nil {
			if p.Style != "" {
				style = p.Style
			}
			explode = p.Explode
		}
		if style == StyleJSON {
			style, v = "simple", compactJSON(v)
		}
		s, err := pathValue(name, style, explode, v)
		if err != nil {
			return "", "", err
		}
		if s == "" {
			return "", "", fmt.Errorf("path parameter %q is empty: give it a value", name)
		}
		sb.WriteString(s)
	}
	segs := strings.Split(sb.String(), "/")
	for i, s := range segs {
		if s == "." || s == ".." {
			segs[i] = strings.ReplaceAll(s, ".", "%2E")
		}
	}
	return strings.Join(segs, "/"), query, nil
}

// pathValue serialises one path parameter: style simple (`a,b`), label
// (`.a.b`) or matrix (`;id=a;id=b`, `;id` for ""), or one of the delimited styles
// Swagger 2.0's collectionFormat maps to (ssv, pipes, tsv: `a%7Cb`), each
// value and delimiter escaped.
func pathValue(name, style string, explode bool, v any) (string, error) {
	esc := func(s string) string { return escape(s, "", false) }
	var items []string // escaped
	var kv [][2]string // escaped, for objects
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			items = append(items, esc(scalarString(e)))
		}
	case map[string]any:
		for _, k := range sortedKeys(t) {
			kv = append(kv, [2]string{esc(k), esc(scalarString(t[k]))})
		}
	default:
		items = []string{esc(scalarString(v))}
	}
	_, isObject := v.(map[string]any)
	join := func(sep, kvSep string) string {
		if !isObject {
			return strings.Join(items, sep)
		}
		parts := make([]string, 0, 2*len(kv))
		for _, p := range kv {
			if kvSep == "" {
				parts = append(parts, p[0], p[1])
			} else {
				parts = append(parts, p[0]+kvSep+p[1])
			}
		}
		return strings.Join(parts, sep)
	}
	if d, ok := delimiters[style]; ok {
		return join(esc(d), ""), nil
	}
	n := esc(name)
	switch style {
	case "simple":
		if explode {
			return join(",", "="), nil
		}
		return join(",", ""), nil
	case "label":
		if explode {
			return "." + join(".", "="), nil
		}
		return "." + join(",", ""), nil
	case "matrix":
		// RFC 6570's path-style parameters, as OpenAPI's style table
		// writes them: a name whose value is empty stands alone (`;color`
		// for "", `;color=a;color` for ["a", ""]), also that of an array
		// or object of no members (the table's empty, later undefined,
		// column).
		named := func(name, value string) string {
			if value == "" {
				return name
			}
			return name + "=" + value
		}
		switch {
		case !explode, len(items) == 0 && len(kv) == 0:
			return ";" + named(n, join(",", "")), nil
		case isObject:
			parts := make([]string, len(kv))
			for i, p := range kv {
				parts[i] = named(p[0], p[1])
			}
			return ";" + strings.Join(parts, ";"), nil
		default:
			parts := make([]string, len(items))
			for i, it := range items {
				parts[i] = named(n, it)
			}
			return ";" + strings.Join(parts, ";"), nil
		}
	}
	return "", fmt.Errorf("path parameter %q has style %q, which restmcp cannot send (simple, label, matrix, spaceDelimited, pipeDelimited and tabDelimited can be)", name, style)
}

// encodeQuery serialises the query parameters: declared ones in the order of
// the description, then undeclared ones by name (form, exploded). A
// required parameter the credential fills is satisfied by the key.
func encodeQuery(op *Operation, values map[string]any, fills func(*Param) bool) (string, error) {
	var sb strings.Builder
	seen := map[string]bool{}
	for _, p := range op.Params {
		if p.In != "query" {
			continue
		}
		seen[p.Name] = true
		v, ok := values[p.Name]
		if !ok || v == nil {
			if p.Required && !fills(p) {
				return "", fmt.Errorf("missing required query parameter %q", p.Name)
			}
			continue
		}
		v, err := normalize(v)
		if err != nil {
			return "", fmt.Errorf("query parameter %q: %w", p.Name, err)
		}
		style := p.Style
		if style == StyleJSON {
			style, v = "form", compactJSON(v)
		}
		switch style {
		case "", "form", "spaceDelimited", "pipeDelimited", "tabDelimited", "deepObject":
		default:
			return "", fmt.Errorf("query parameter %q has style %q, which restmcp cannot send", p.Name, style)
		}
		encodePairs(&sb, styled(p.Name, style, p.Explode || style == "", v), p.AllowReserved)
	}
	for _, name := range sortedKeys(values) {
		if seen[name] || values[name] == nil {
			continue
		}
		v, err := normalize(values[name])
		if err != nil {
			return "", fmt.Errorf("query parameter %q: %w", name, err)
		}
		encodePairs(&sb, styled(name, "form", true, v), false)
	}
	return sb.String(), nil
}

// headerSkip are header parameters OpenAPI says to ignore: the client sets
// them itself.
var headerSkip = map[string]bool{"Content-Type": true, "Authorization": true}

// headerOwn are headers the client sends whatever the values say: a
// description that declares one as required is satisfied. (Host is the
// API's address: Go's client sends no Host header a request sets.)
var headerOwn = map[string]bool{"Content-Type": true, "Authorization": true, "Accept": true, "User-Agent": true, "Content-Length": true, "Host": true}

// setHeaders adds header parameters: style simple, or the delimiter of
// Swagger 2.0's collectionFormat (pipes: `a|b`). A required parameter the
// credential fills is satisfied by the key.
func setHeaders(h http.Header, op *Operation, values map[string]any, fills func(*Param) bool) error {
	seen := map[string]bool{}
	add := func(name, style string, explode bool, v any) error {
		v, err := normalize(v)
		if err != nil {
			return fmt.Errorf("header %q: %w", name, err)
		}
		if empty(v) {
			return nil // no value, as in the query: no empty header
		}
		if _, ok := delimiters[style]; !ok {
			style = "simple"
		}
		s, err := pathValue(name, style, explode, v)
		if err != nil {
			return err
		}
		// pathValue escapes; header values are sent as text, so undo that
		// and check the text is allowed in a header instead.
		if s, err = url.PathUnescape(s); err != nil {
			return fmt.Errorf("header %q: %w", name, err)
		}
		if !validHeaderValue(s) {
			return fmt.Errorf("header %q: the value contains a line break or control character, which a header cannot carry", name)
		}
		if !validHeaderName(name) {
			return fmt.Errorf("header name %q is not a valid HTTP header name", name)
		}
		h.Set(name, s)
		return nil
	}
	for _, p := range op.Params {
		if p.In != "header" {
			continue
		}
		seen[http.CanonicalHeaderKey(p.Name)] = true
		v, ok := lookup(values, p.Name, true)
		if !ok || v == nil {
			if p.Required && !headerOwn[http.CanonicalHeaderKey(p.Name)] && !fills(p) {
				return fmt.Errorf("missing required header %q", p.Name)
			}
			continue
		}
		if headerSkip[http.CanonicalHeaderKey(p.Name)] {
			continue
		}
		if p.Style == StyleJSON {
			v = compactJSON(v)
		}
		if err := add(p.Name, p.Style, p.Explode, v); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(values) {
		ck := http.CanonicalHeaderKey(name)
		if seen[ck] || headerSkip[ck] || values[name] == nil {
			continue
		}
		if err := add(name, "simple", false, values[name]); err != nil {
			return err
		}
	}
	return nil
}

// setCookies adds cookie parameters (style form) to the one Cookie header,
// after the cookies of a Cookie header parameter (less those of a cookie
// parameter's name: each cookie goes once). A required cookie the
// credential fills is satisfied by the key.
func setCookies(h http.Header, op *Operation, values map[string]any, fills func(*Param) bool) error {
	var parts []string
	seen := map[string]bool{}
	sent := map[string]bool{} // the names of parts, escaped
	add := func(name string, v any) error {
		v, err := normalize(v)
		if err != nil {
			return fmt.Errorf("cookie %q: %w", name, err)
		}
		if empty(v) {
			return nil
		}
		var s string
		switch t := v.(type) {
		case []any:
			vals := make([]string, len(t))
			for i, e := range t {
				vals[i] = escape(scalarString(e), "", false)
			}
			s = strings.Join(vals, ",")
		case map[string]any:
			var vals []string
			for _, k := range sortedKeys(t) {
				vals = append(vals, escape(k, "", false), escape(scalarString(t[k]), "", false))
			}
			s = strings.Join(vals, ",")
		default:
			s = escape(scalarString(v), "", false)
		}
		n := escape(name, "", false)
		sent[n] = true
		parts = append(parts, n+"="+s)
		return nil
	}
	for _, p := range op.Params {
		if p.In != "cookie" {
			continue
		}
		seen[p.Name] = true
		v, ok := values[p.Name]
		if !ok || v == nil {
			if p.Required && !fills(p) {
				return fmt.Errorf("missing required cookie %q", p.Name)
			}
			continue
		}
		if p.Style == StyleJSON {
			v = compactJSON(v)
		}
		if err := add(p.Name, v); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(values) {
		if seen[name] || values[name] == nil {
			continue
		}
		if err := add(name, values[name]); err != nil {
			return err
		}
	}
	if len(parts) > 0 {
		// A Cookie header parameter's cookies stay, before these, but
		// for one a cookie parameter gives: that one goes once, with the
		// parameter's value.
		dropCookies(h, func(name string) bool { return sent[name] })
		if c := h.Get("Cookie"); c != "" {
			parts = append([]string{c}, parts...)
		}
		h.Set("Cookie", strings.Join(parts, "; "))
	}
	return nil
}

// empty reports an empty array or object: a list of no values, sent
// nowhere (styled leaves it out of the query).
func empty(v any) bool {
	switch t := v.(type) {
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

func findParam(op *Operation, in, name string) *Param {
	for _, p := range op.Params {
		if p.In == in && p.Name == name {
			return p
		}
	}
	return nil
}

// lookup finds name in m; header names match case-insensitively.
func lookup(m map[string]any, name string, fold bool) (any, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	if fold {
		for k, v := range m {
			if strings.EqualFold(k, name) {
				return v, true
			}
		}
	}
	return nil, false
}

// validHeaderValue reports whether s may be sent as a header value: no
// control characters other than tab.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || strings.IndexByte("!#$%&'*+^`|", c) >= 0 {
			continue
		}
		return false
	}
	return true
}
