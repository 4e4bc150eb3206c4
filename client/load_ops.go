package client

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// methods in the order operations are listed for one path.
var pathMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// builder turns a decoded description into an API.
type builder struct {
	docs    *docSet
	loc     string // location of the main document
	root    map[string]any
	swagger bool
	srcURL  *url.URL // the source, when it is a URL
	lim     schemaLimits
	// located is set once a URL was resolved against srcURL (see
	// API.Located).
	located bool
}

func build(docs *docSet, source, loc string, doc any, lim schemaLimits) (*API, error) {
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not an OpenAPI description: the document is %s, not an object", kindOf(doc))
	}
	format, err := detectFormat(root)
	if err != nil {
		return nil, err
	}
	b := &builder{docs: docs, loc: loc, root: root, swagger: format == "swagger-2.0", lim: lim}
	if IsURL(loc) {
		b.srcURL, _ = url.Parse(loc)
	}
	info, _ := root["info"].(map[string]any)
	api := &API{
		Source:      source,
		Format:      format,
		Title:       text(info["title"]),
		Version:     text(info["version"]),
		Description: strings.TrimSpace(text(info["description"])),
	}
	if b.swagger {
		api.Servers = b.swaggerServers()
	} else {
		api.Servers = b.servers(root["servers"])
		if len(api.Servers) == 0 && b.srcURL != nil {
			// OpenAPI 3: without servers the default server is "/".
			api.Servers = []string{b.resolveServer("/")}
		}
	}
	api.SecuritySchemes = b.securitySchemes(api.Servers)
	if hooks, ok := root["webhooks"].(map[string]any); ok && !b.swagger {
		for name := range hooks {
			if !strings.HasPrefix(name, "x-") {
				api.Webhooks++
			}
		}
	}
	paths, _ := root["paths"].(map[string]any)
	keys := make([]string, 0, len(paths))
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	for _, p := range keys {
		if strings.HasPrefix(p, "x-") {
			continue
		}
		item, iloc, err := docs.deref(paths[p], loc)
		if err != nil {
			api.Skipped = append(api.Skipped, Skipped{Path: p, Reason: "path item: " + err.Error()})
			continue
		}
		for _, m := range pathMethods {
			raw, ok := item[m]
			if !ok {
				continue
			}
			op, err := b.operation(p, m, item, iloc, raw)
			if err != nil {
				api.Skipped = append(api.Skipped, Skipped{Method: strings.ToUpper(m), Path: p, Reason: err.Error()})
				continue
			}
			api.Operations = append(api.Operations, op)
		}
	}
	api.Located = b.located
	return api, nil
}

func detectFormat(root map[string]any) (string, error) {
	if v, ok := root["swagger"]; ok {
		if s := text(v); strings.HasPrefix(s, "2") {
			return "swagger-2.0", nil
		}
		return "", fmt.Errorf("unsupported Swagger version %q (2.0 is supported)", text(v))
	}
	if v, ok := root["openapi"]; ok {
		s := text(v)
		switch {
		case strings.HasPrefix(s, "3.0"), s == "3":
			return "openapi-3.0", nil
		case strings.HasPrefix(s, "3."):
			return "openapi-3.1", nil
		}
		return "", fmt.Errorf("unsupported OpenAPI version %q (3.0 and 3.1 are supported)", s)
	}
	return "", errors.New(`not an OpenAPI description: no "openapi" or "swagger" field`)
}

// text renders a scalar as text ("" for nil, maps and lists); a YAML
// number as written.
func text(v any) string {
	switch x := v.(type) {
	case nil, map[string]any, []any:
		return ""
	case string:
		return x
	case yamlScalar:
		return x.text
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

// servers reads an OpenAPI 3 servers list: variables substituted with their
// defaults, relative URLs resolved against a URL source.
func (b *builder) servers(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, s := range list {
		m, ok := s.(map[string]any)
		if !ok {
			continue
		}
		u, _ := m["url"].(string)
		if u == "" {
			continue
		}
		vars, _ := m["variables"].(map[string]any)
		for name, vv := range vars {
			vm, _ := vv.(map[string]any)
			d, has := vm["default"]
			def := text(d)
			if !has || d == nil {
				// A default is required; without one, the first value
				// allowed. An empty default ("") is a value.
				if e, _ := vm["enum"].([]any); len(e) > 0 {
					def = text(e[0])
				}
			}
			u = strings.ReplaceAll(u, "{"+name+"}", def)
		}
		if u = b.resolveServer(u); !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// resolveServer resolves a server URL against a URL source and drops a
// trailing slash. Relative URLs of a file source stay relative.
func (b *builder) resolveServer(u string) string {
	if !IsURL(u) && b.srcURL != nil {
		if r, err := url.Parse(u); err == nil {
			b.located = true
			// Without the user name and password, query and fragment
			// the description's URL may hold: a server is no place for
			// them (the cache keeps servers, logs show them, every call
			// sends the query). "" or "#x" would keep the query.
			base := *b.srcURL
			base.User, base.RawQuery, base.ForceQuery = nil, "", false
			res := base.ResolveReference(r)
			res.Fragment, res.RawFragment = "", ""
			u = res.String()
		}
	}
	if t := strings.TrimRight(u, "/"); t != "" && !strings.HasSuffix(t, ":") {
		u = t
	}
	return u
}

func (b *builder) swaggerServers() []string {
	// A host is a name and a port; generators also write it with its
	// scheme (https://api.example.com), which then wins, or a slash.
	written, host, ok := strings.Cut(strings.TrimRight(text(b.root["host"]), "/"), "://")
	if !ok {
		written, host = "", written
	}
	basePath := text(b.root["basePath"])
	if host == "" {
		if b.srcURL == nil {
			if basePath == "" {
				return nil
			}
			return []string{b.resolveServer(basePath)}
		}
		return []string{b.resolveServer(cmp.Or(basePath, "/"))}
	}
	scheme := "https"
	schemes, _ := b.root["schemes"].([]any)
	switch {
	case written != "":
		scheme = written
	case slices.Contains(schemes, any("https")):
	case len(schemes) > 0:
		scheme = text(schemes[0])
	case b.srcURL != nil:
		scheme, b.located = b.srcURL.Scheme, true
	}
	if basePath != "" && !strings.HasPrefix(basePath, "/") {
		basePath = "/" + basePath
	}
	return []string{b.resolveServer(scheme + "://" + host + basePath)}
}

// rawParam is a parameter object and the location its $refs resolve against.
type rawParam struct {
	m   map[string]any
	loc string
}

func (b *builder) operation(path, method string, item map[string]any, iloc string, raw any) (*Operation, error) {
	opm, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the operation is %s, not an object", kindOf(raw))
	}
	op := &Operation{
		ID:          text(opm["operationId"]),
		Method:      strings.ToUpper(method),
		Path:        path,
		Summary:     strings.TrimSpace(text(opm["summary"])),
		Description: strings.TrimSpace(text(opm["description"])),
		Deprecated:  isTrue(opm["deprecated"]),
		Security:    true,
	}
	if tags, ok := opm["tags"].([]any); ok {
		for _, t := range tags {
			if s := text(t); s != "" {
				op.Tags = append(op.Tags, s)
			}
		}
	}
	reqs, ok := requirements(opm["security"])
	if !ok {
		reqs, _ = requirements(b.root["security"])
	}
	if reqs != nil && !slices.ContainsFunc(reqs, func(r Requirement) bool { return len(r) > 0 }) {
		// `[]`, or only the anonymous alternative `{}`: no credential.
		op.Security = false
	}
	op.Requirements = reqs
	if !b.swagger {
		if s := b.servers(opm["servers"]); len(s) > 0 {
			op.Servers = s
		} else if s := b.servers(item["servers"]); len(s) > 0 {
			op.Servers = s
		}
	}

	params, err := b.mergedParams(item["parameters"], iloc, opm["parameters"], iloc)
	if err != nil {
		return nil, err
	}
	var bodyParam *rawParam
	var formParams []rawParam
	for _, rp := range params {
		in := text(rp.m["in"])
		name := text(rp.m["name"])
		switch {
		case op.Security && len(op.Requirements) > 0 && authToken(name, in, text(rp.m["description"])):
			// The credential goes where the profile says; no model can
			// know the key, so the operation does not take it.
			continue
		case b.swagger && in == "body":
			bodyParam = &rp
			continue
		case b.swagger && in == "formData":
			formParams = append(formParams, rp)
			continue
		}
		p, err := b.param(rp)
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %w", name, err)
		}
		if p != nil {
			op.Params = append(op.Params, p)
		}
	}
	op.Params = addTemplateParams(path, op.Params)
	switch {
	case b.swagger && bodyParam != nil:
		op.Body, err = b.swaggerBody(opm, *bodyParam)
	case b.swagger && len(formParams) > 0:
		op.Body, err = b.swaggerForm(opm, formParams)
	case !b.swagger && opm["requestBody"] != nil:
		op.Body, err = b.body(opm["requestBody"], iloc)
	}
	if err != nil {
		return nil, fmt.Errorf("request body: %w", err)
	}
	return op, nil
}

// authToken reports whether a parameter is the API's own credential, by
// the description's word: one named token or access_token, in a header,
// the query or a form, described as for authentication (Slack declares
// `token`, "Authentication token. Requires scope: chat:write", as a
// required parameter of 170 methods). A path parameter never is, nor a
// token whose description only has a word that begins like one ("articles
// by this author", "it authorizes this single reset"). The caller checks
// that the operation requires authentication by a declared requirement.
func authToken(name, in, description string) bool {
	switch in {
	case "header", "query", "formData":
	default:
		return false
	}
	switch strings.ToLower(name) {
	case "token", "access_token":
	default:
		return false
	}
	words := strings.FieldsFunc(strings.ToLower(description), func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	return slices.ContainsFunc(words, func(w string) bool { return authWords[w] })
}

// authWords are the words that say a token authenticates its caller.
var authWords = map[string]bool{
	"auth": true, "oauth": true, "authentication": true, "authenticate": true,
	"authenticates": true, "authenticated": true, "authenticating": true,
	"authorization": true,
}

// mergedParams joins path-level and operation-level parameters; an
// operation parameter replaces the path one with the same name and location
// (for a header, the same name in any case).
func (b *builder) mergedParams(pathLevel any, ploc string, opLevel any, oloc string) ([]rawParam, error) {
	var out []rawParam
	index := map[string]int{}
	for i, list := range []any{pathLevel, opLevel} {
		l, _ := list.([]any)
		loc := ploc
		if i == 1 {
			loc = oloc
		}
		for _, raw := range l {
			m, mloc, err := b.docs.deref(raw, loc)
			if err != nil {
				return nil, fmt.Errorf("parameter: %w", err)
			}
			name, in := text(m["name"]), text(m["in"])
			if in == "header" {
				// One header whatever the case of its name (HTTP
				// header names are case-insensitive): X-Request-Id at
				// the path, x-request-id in the operation.
				name = strings.ToLower(name)
			}
			key := name + "\x00" + in
			if j, ok := index[key]; ok {
				out[j] = rawParam{m, mloc}
				continue
			}
			index[key] = len(out)
			out = append(out, rawParam{m, mloc})
		}
	}
	return out, nil
}

// param converts one non-body parameter; nil for headers that OpenAPI says
// to ignore (Accept, Content-Type, Authorization).
func (b *builder) param(rp rawParam) (*Param, error) {
	m := rp.m
	name, in := text(m["name"]), text(m["in"])
	if name == "" {
		return nil, errors.New("no name")
	}
	switch in {
	case "path", "query", "header", "cookie":
	default:
		return nil, fmt.Errorf("unsupported location in: %q", in)
	}
	if in == "header" {
		switch strings.ToLower(name) {
		case "accept", "content-type", "authorization":
			return nil, nil
		}
	}
	p := &Param{
		Name:          name,
		In:            in,
		Required:      isTrue(m["required"]) || in == "path",
		Description:   strings.TrimSpace(text(m["description"])),
		AllowReserved: isTrue(m["allowReserved"]),
	}
	conv := newConverter(b.docs, true, b.lim)
	var err error
	if b.swagger {
		p.Schema, err = conv.root(m, rp.loc)
		delete(p.Schema, "description")
		p.Style, p.Explode = swaggerStyle(in, m)
		return p, err
	}
	switch {
	case m["schema"] != nil:
		p.Schema, err = conv.root(m["schema"], rp.loc)
	case m["content"] != nil:
		content, _ := m["content"].(map[string]any)
		if ct := pickContentType(sortedMapKeys(content)); ct != "" {
			media, _ := content[ct].(map[string]any)
			p.Schema, err = conv.root(media["schema"], rp.loc)
			if mt := strings.ToLower(ct); mt == "application/json" || strings.HasSuffix(mt, "+json") {
				p.Style = StyleJSON
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if p.Schema == nil {
		p.Schema = map[string]any{}
	}
	if p.Style == StyleJSON {
		return p, nil
	}
	p.Style = text(m["style"])
	if p.Style == "" {
		p.Style = "simple"
		if in == "query" || in == "cookie" {
			p.Style = "form"
		}
	}
	p.Explode = p.Style == "form"
	if e, ok := m["explode"].(bool); ok {
		p.Explode = e
	}
	return p, nil
}

// swaggerStyle maps Swagger 2.0's collectionFormat to style and explode.
func swaggerStyle(in string, m map[string]any) (string, bool) {
	style := "simple"
	if in == "query" || in == "cookie" || in == "formData" {
		style = "form"
	}
	if text(m["type"]) != "array" {
		return style, style == "form"
	}
	switch text(m["collectionFormat"]) {
	case "multi": // only for query and formData: elsewhere csv
		return style, style == "form"
	case "ssv":
		return "spaceDelimited", false
	case "pipes":
		return "pipeDelimited", false
	case "tsv":
		return "tabDelimited", false
	default: // csv
		return style, false
	}
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// contentRank orders media types: JSON first, then form-urlencoded, then
// multipart, then the rest in their given order.
func contentRank(ct string) int {
	mt := mediaType(ct)
	switch {
	case mt == "application/json":
		return 0
	case strings.HasSuffix(mt, "+json") || mt == "text/json":
		return 1
	case mt == "*/*" || mt == "application/*":
		return 2
	case mt == "application/x-www-form-urlencoded":
		return 3
	case mt == "multipart/form-data":
		return 4
	}
	return 5
}

// pickContentType chooses the media type restmcp sends from the ones a
// description offers ("" when there are none).
func pickContentType(types []string) string {
	if len(types) == 0 {
		return ""
	}
	best := slices.MinFunc(types, func(a, b string) int { return cmp.Compare(contentRank(a), contentRank(b)) })
	return best
}

func (b *builder) body(raw any, loc string) (*Body, error) {
	m, mloc, err := b.docs.deref(raw, loc)
	if err != nil {
		return nil, err
	}
	content, _ := m["content"].(map[string]any)
	types := sortedMapKeys(content)
	ct := pickContentType(types)
	if ct == "" {
		return nil, nil
	}
	schemaOf := func(ct string) (map[string]any, error) {
		media, _ := content[ct].(map[string]any)
		if media["schema"] == nil {
			return map[string]any{}, nil
		}
		return b.bodySchema(media["schema"], mloc)
	}
	schema, err := schemaOf(ct)
	if err != nil {
		return nil, err
	}
	if contentRank(ct) == 4 {
		schema = markNamedFiles(schema)
	}
	// A form that carries a file goes as multipart when the description
	// offers it: urlencoded would send the file's data: URI as text.
	if i := slices.IndexFunc(types, func(t string) bool { return contentRank(t) == 4 }); i >= 0 && contentRank(ct) == 3 {
		mp, err := schemaOf(types[i])
		if err != nil {
			return nil, err
		}
		if mp = markNamedFiles(mp); hasFileField(mp) {
			ct, schema = types[i], mp
		}
	}
	body := &Body{
		Required:    isTrue(m["required"]),
		Description: strings.TrimSpace(text(m["description"])),
		ContentType: ct,
		Types:       offered(types),
		Schema:      schema,
	}
	media, _ := content[ct].(map[string]any)
	// OpenAPI 3.0 ignores an encoding's style and explode but in a
	// urlencoded body; 3.1 applies them to multipart too.
	styles := contentRank(ct) != 4 || !strings.HasPrefix(text(b.root["openapi"]), "3.0")
	if enc, ok := media["encoding"].(map[string]any); ok && len(enc) > 0 {
		body.Encoding = map[string]Encoding{}
		for name, e := range enc {
			em, _ := e.(map[string]any)
			x := Encoding{ContentType: text(em["contentType"])}
			if styles {
				x.Style = text(em["style"])
				if v, ok := em["explode"].(bool); ok {
					x.Explode = &v
				}
			}
			body.Encoding[name] = x
		}
	}
	return body, nil
}

// hasFileField reports whether an object schema (a form body) has a file
// field: a binary string, or an array of them, among its properties or
// those of its allOf members.
func hasFileField(s map[string]any) bool {
	props, _ := s["properties"].(map[string]any)
	for _, p := range props {
		ps, _ := p.(map[string]any)
		items, _ := ps["items"].(map[string]any)
		if isBinarySchema(ps) || isBinarySchema(items) {
			return true
		}
	}
	all, _ := s["allOf"].([]any)
	return slices.ContainsFunc(all, func(m any) bool {
		ms, _ := m.(map[string]any)
		return hasFileField(ms)
	})
}

// markNamedFiles returns a multipart body's schema with each field that is
// a file by its name or description, though declared a plain string (no
// format, enum or contentMediaType), marked format: binary, so that a
// data: URI given to it is sent as the file it holds. Stripe declares
// POST /v1/files' `file` so ("A file to upload", `type: string`); sent as
// text, the API would store the data: URI's characters. A plain string
// given to such a field still goes as its text, in a part named after
// the field. s is not changed; a copy is returned when a field is marked.
func markNamedFiles(s map[string]any) map[string]any {
	props, _ := s["properties"].(map[string]any)
	var marked map[string]any
	for name, p := range props {
		ps, _ := p.(map[string]any)
		if !namesFile(name, ps) {
			continue
		}
		if marked == nil {
			marked = maps.Clone(props)
		}
		f := maps.Clone(ps)
		f["format"] = "binary"
		marked[name] = f
	}
	if marked == nil {
		return s
	}
	out := maps.Clone(s)
	out["properties"] = marked
	return out
}

// namesFile reports whether a multipart field declared a plain string is a
// file by its name (`file`) or its description (describesFile).
func namesFile(name string, s map[string]any) bool {
	if s == nil || s["type"] != "string" || s["format"] != nil || s["enum"] != nil || s["const"] != nil || s["contentMediaType"] != nil {
		return false
	}
	// Only `file` itself: `output_file` or `reportFile` may as well hold
	// a file's name or path, which sent as a file part the API would not
	// find among its form fields.
	return strings.EqualFold(name, "file") || describesFile(text(s["description"]))
}

// describesFile reports whether a field's description says that the field
// is the file to upload ("A file to upload.", "The PDF file to upload",
// "Contents of the file to upload"), not something said of it beside the
// file ("The name of the file to upload", "MIME type of the file to
// upload", "Folder to put the file to upload in"): those are text, and
// sent as a file part, an API would not find them among its form fields.
func describesFile(d string) bool {
	before, _, found := strings.Cut(strings.ToLower(d), "file to upload")
	if !found {
		return false
	}
	words := strings.Fields(before)
	for i, w := range words {
		switch w {
		case "of":
			if i == 0 || !slices.Contains([]string{"content", "contents", "data", "bytes"}, words[i-1]) {
				return false
			}
		case "to", "for", "in", "into", "where", "with", "from", "by", "on", "about", "as":
			return false
		}
	}
	return len(words) <= 4
}

// consumes is the Swagger 2.0 list of request media types for an operation.
func (b *builder) consumes(opm map[string]any) []string {
	list, ok := opm["consumes"].([]any)
	if !ok {
		list, _ = b.root["consumes"].([]any)
	}
	var out []string
	for _, x := range list {
		if s := text(x); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (b *builder) swaggerBody(opm map[string]any, rp rawParam) (*Body, error) {
	schema, err := b.bodySchema(rp.m["schema"], rp.loc)
	if err != nil {
		return nil, err
	}
	var types []string
	for _, t := range b.consumes(opm) {
		if r := contentRank(t); r != 3 && r != 4 {
			types = append(types, t)
		}
	}
	return &Body{
		Required:    isTrue(rp.m["required"]),
		Description: strings.TrimSpace(text(rp.m["description"])),
		ContentType: cmp.Or(pickContentType(types), "application/json"),
		Types:       offered(types),
		Schema:      schema,
	}, nil
}

// offered is Body.Types: the media types a body is offered in, when there
// are several.
func offered(types []string) []string {
	if len(types) < 2 {
		return nil
	}
	return slices.Clone(types)
}

// swaggerForm turns Swagger 2.0 formData parameters into an object body.
func (b *builder) swaggerForm(opm map[string]any, params []rawParam) (*Body, error) {
	props := map[string]any{}
	var required []any
	hasFile := false
	enc := map[string]Encoding{}
	conv := newConverter(b.docs, true, b.lim)
	for _, rp := range params {
		name := text(rp.m["name"])
		if name == "" {
			return nil, errors.New("a formData parameter has no name")
		}
		s, err := conv.root(rp.m, rp.loc)
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %w", name, err)
		}
		if text(rp.m["type"]) == "file" {
			hasFile = true
		}
		props[name] = s
		if isTrue(rp.m["required"]) {
			required = append(required, name)
		}
		if text(rp.m["type"]) == "array" { // csv when collectionFormat is not given
			style, explode := swaggerStyle("formData", rp.m)
			enc[name] = Encoding{Style: style, Explode: &explode}
		}
	}
	consumes := b.consumes(opm)
	ct := "application/x-www-form-urlencoded"
	hasMultipart := slices.ContainsFunc(consumes, func(t string) bool { return contentRank(t) == 4 })
	hasURLEnc := slices.ContainsFunc(consumes, func(t string) bool { return contentRank(t) == 3 })
	if hasFile || hasMultipart && !hasURLEnc {
		ct = "multipart/form-data"
	}
	schema := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		schema["required"] = required
	}
	body := &Body{Required: len(required) > 0, ContentType: ct, Schema: schema}
	if len(enc) > 0 {
		body.Encoding = enc
	}
	return body, nil
}

// bodySchema converts a request body schema.
func (b *builder) bodySchema(v any, loc string) (map[string]any, error) {
	return newConverter(b.docs, true, b.lim).root(v, loc)
}

// addTemplateParams declares the path's {templates} that the description
// forgot to declare, as required string path parameters, so that a call can
// still fill them. A path parameter declared in another letter case than
// its template writes it (`{ID}`, parameter id), which names no other
// template, is that template's: it takes the template's spelling, which the
// request fills.
func addTemplateParams(path string, params []*Param) []*Param {
	var names []string
	for rest := path; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			break
		}
		names = append(names, rest[i+1:i+j])
		rest = rest[i+j+1:]
	}
	for _, name := range names {
		if name == "" || slices.ContainsFunc(params, func(p *Param) bool { return p.In == "path" && p.Name == name }) {
			continue
		}
		if i := slices.IndexFunc(params, func(p *Param) bool {
			return p.In == "path" && strings.EqualFold(p.Name, name) && !slices.Contains(names, p.Name)
		}); i >= 0 {
			params[i].Name = name
			continue
		}
		params = append(params, &Param{
			Name:     name,
			In:       "path",
			Required: true,
			Schema:   map[string]any{"type": "string"},
			Style:    "simple",
		})
	}
	return params
}
