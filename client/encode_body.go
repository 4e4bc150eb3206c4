package client

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// encodeBody encodes v per op.Body.ContentType into b.
//
//   - application/json and any +json type: JSON (HTML characters not escaped).
//   - application/x-www-form-urlencoded: see encodeForm.
//   - multipart/form-data: see encodeMultipart.
//   - text/*: a string as is, another scalar as JSON writes it.
//   - anything else: a string (or []byte) sent as is, or the bytes of a
//     data: URI with base64 (see DataURI).
func encodeBody(b *built, op *Operation, v any) error {
	if op.Body == nil {
		if v != nil {
			return fmt.Errorf("%s %s takes no request body", op.Method, op.Path)
		}
		return nil
	}
	if v == nil {
		if op.Body.Required {
			return fmt.Errorf("missing required request body for %s %s", op.Method, op.Path)
		}
		return nil
	}
	ct := op.Body.ContentType
	if ct == "" {
		ct = "application/json"
	}
	mt := mediaType(ct)
	if raw, ok := v.([]byte); ok {
		b.body, b.contentType = raw, ct
		return nil
	}
	v, err := normalize(v)
	if err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		b.body, b.contentType = []byte(compactJSON(v)), ct
		if strings.Contains(mt, "*") {
			// A range of JSON types (ASP.NET's application/*+json) names
			// none to send: JSON is.
			b.contentType = "application/json"
		}
	case mt == "application/x-www-form-urlencoded":
		if s, ok := v.(string); ok { // already encoded
			b.body, b.contentType = []byte(s), ct
			return nil
		}
		body, err := encodeForm(op.Body, v)
		if err != nil {
			return err
		}
		b.body, b.contentType = []byte(body), ct
	case mt == "multipart/form-data":
		body, ctype, err := encodeMultipart(op.Body, v)
		if err != nil {
			return err
		}
		b.body, b.contentType = body, ctype
	case strings.HasPrefix(mt, "text/"):
		if !isScalar(v) {
			return fmt.Errorf("request body: %s takes text; pass a string", ct)
		}
		b.body, b.contentType = []byte(scalarString(v)), ct
	case strings.Contains(mt, "*"): // */*, application/*: pick for the value
		if data, dt, ok := DataURI(v); ok {
			b.body, b.contentType = data, cmp.Or(dt, "application/octet-stream")
		} else if s, ok := v.(string); ok {
			b.body, b.contentType = []byte(s), "text/plain; charset=utf-8"
		} else {
			b.body, b.contentType = []byte(compactJSON(v)), "application/json"
		}
	default:
		if data, dt, ok := DataURI(v); ok {
			b.body, b.contentType = data, offeredType(op.Body, ct, dt)
			return nil
		}
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("request body: restmcp sends %s bodies as given; pass the body as a string (binary content as a data: URI with base64)", mt)
		}
		b.body, b.contentType = []byte(s), ct
	}
	return nil
}

// offeredType is the media type a binary body given as a data: URI of
// type dt goes as: dt when the description offers it for the body (as one
// of its types, or under a range such as image/*), else ct, the one
// chosen from the description.
func offeredType(body *Body, ct, dt string) string {
	if dt == "" {
		return ct
	}
	want := mediaType(dt)
	for _, t := range body.Types {
		mt := mediaType(t)
		if mt == want {
			return t
		}
		if r, ok := strings.CutSuffix(mt, "/*"); ok && r != "*" && strings.HasPrefix(want, r+"/") {
			return want
		}
	}
	return ct
}

// DataURI decodes v when it is a data: URI with base64 content
// ("data:image/png;base64,iVBOR…", RFC 2397): how a model, which writes
// text, sends a file's bytes to a binary body or file field. It returns
// the bytes and the media type the URI names ("" when none).
func DataURI(v any) (data []byte, mediaType string, ok bool) {
	data, mediaType, _, ok = dataURI(v)
	return data, mediaType, ok
}

// dataURI is DataURI with the file name the URI gives, in a name or
// filename parameter before ;base64 (`data:text/csv;name=report.csv;base64,…`,
// as JSON Schema form libraries write a file: react-jsonschema-form's
// data-url), percent-decoded and made safe to send (see fileName); "" when
// it gives none.
func dataURI(v any) (data []byte, mediaType, name string, ok bool) {
	s, isString := v.(string)
	rest, found := strings.CutPrefix(s, "data:")
	if !isString || !found {
		return nil, "", "", false
	}
	meta, payload, found := strings.Cut(rest, ",")
	meta, isBase64 := strings.CutSuffix(meta, ";base64")
	if !found || !isBase64 {
		return nil, "", "", false
	}
	payload = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, payload)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if data, err := enc.DecodeString(payload); err == nil {
			mt, _, _ := strings.Cut(meta, ";")
			mt = strings.TrimSpace(mt)
			if parsed, _, err := mime.ParseMediaType(mt); err != nil || !strings.Contains(parsed, "/") {
				// Not a media type (a line break, a header after it): it
				// names none, and goes in no Content-Type.
				mt = ""
			}
			return data, mt, dataURIName(meta), true
		}
	}
	return nil, "", "", false
}

// dataURIName is the file name a data: URI's parameters give (name=, or
// filename=; the last one given), percent-decoded and made safe to send.
func dataURIName(meta string) string {
	name := ""
	for _, p := range strings.Split(meta, ";") {
		// The parameter exactly: not one that text after a line break
		// spells (`text/plain\r\nContent-Disposition: …; name="admin"`).
		k, v, found := strings.Cut(p, "=")
		if k = strings.ToLower(k); !found || k != "name" && k != "filename" {
			continue
		}
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		if d, err := url.PathUnescape(v); err == nil {
			v = d
		}
		name = v
	}
	return fileName(name)
}

// maxFileName bounds a file name sent in a part's Content-Disposition, as
// most file systems bound one.
const maxFileName = 255

// fileName makes a file name given with a file safe to send in a part's
// Content-Disposition: its last path segment (after / or \), without
// quotes, control characters (CR, LF, …) or bytes that are not UTF-8, its
// spaces trimmed, at most maxFileName bytes (the extension kept). What is
// left of "", "." or ".." is no name: "".
func fileName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if r == '"' || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	s = strings.TrimSpace(s)
	if len(s) > maxFileName {
		ext := path.Ext(s)
		if len(ext) > 16 {
			ext = ""
		}
		stem := s[:maxFileName-len(ext)]
		for !utf8.ValidString(stem) {
			stem = stem[:len(stem)-1]
		}
		s = stem + ext
	}
	if s == "." || s == ".." {
		return ""
	}
	return s
}

// encodeForm writes an application/x-www-form-urlencoded body from an
// object. Each property follows its OpenAPI encoding (style, explode,
// contentType) when the description gives one. Without one, scalars are
// name=value, arrays of scalars repeat the name (OpenAPI's default, form
// exploded), and objects or arrays of objects use the bracket form Stripe
// uses (see bracketPairs), the only form in common use for nested values.
// Brackets in names stay literal, as Stripe's libraries send them.
func encodeForm(body *Body, v any) (string, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return "", fmt.Errorf("request body: a form body must be an object of fields, got %s", jsonKind(v))
	}
	var sb strings.Builder
	for _, name := range sortedKeys(obj) {
		val := obj[name]
		if val == nil {
			continue
		}
		enc := body.Encoding[name]
		if jsonPart(enc, nil) {
			// The encoding asks for JSON and names no style: the value
			// goes as JSON, percent-encoded, a string included
			// (`"draft"`, with its quotes; OpenAPI 3.1.1, encoding by
			// content type), as a multipart field's does.
			encodePairs(&sb, []styledPair{{name: name, parts: []string{compactJSON(val)}}}, false)
			continue
		}
		style := enc.Style
		explode := style == "" || style == "form"
		if enc.Explode != nil {
			explode = *enc.Explode
		}
		if style == "" && !isScalarArray(val) {
			style = "deepObject"
		}
		switch style {
		case "", "form", "spaceDelimited", "pipeDelimited", "tabDelimited", "deepObject":
		default:
			return "", fmt.Errorf("request body field %q has style %q, which restmcp cannot send", name, style)
		}
		if style == "" {
			style = "form"
		}
		encodePairs(&sb, styled(name, style, explode, val), false)
	}
	return sb.String(), nil
}

// isScalarArray reports whether v is a scalar or an array of scalars.
func isScalarArray(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		return false
	case []any:
		for _, e := range t {
			if !isScalar(e) {
				return false
			}
		}
	}
	return true
}

// encodeMultipart writes a multipart/form-data body from an object: one
// part per scalar field (repeated for arrays of scalars), objects and other
// arrays as JSON parts, unless the field's encoding names a style: then
// one part per pair that style makes of it, as in a form body
// (`meta[a]`, `tags=a,b`). A field whose encoding names a JSON content
// type and no style is one part of that type holding its value as JSON, a
// string included (`"draft"`, with its quotes), as OpenAPI's encoding
// says. A string field whose schema says it is binary
// (format: binary, or contentMediaType in OpenAPI 3.1; also as the one
// alternative to null of an anyOf or oneOf, see orNull) is sent as a file
// part, with the file name its data: URI gives (dataURI), else named after
// the field, and with the encoding's content type, else the data: URI's,
// else the schema's contentMediaType, else application/octet-stream.
func encodeMultipart(body *Body, v any) ([]byte, string, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, "", fmt.Errorf("request body: a multipart body must be an object of fields, got %s", jsonKind(v))
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	props, _ := body.Schema["properties"].(map[string]any)
	for _, name := range sortedKeys(obj) {
		val := obj[name]
		if val == nil {
			continue
		}
		schema := orNull(props[name])
		enc := body.Encoding[name]
		if jsonPart(enc, schema) && !isBinarySchema(orNull(schema["items"])) {
			// The encoding asks for JSON: the value goes as JSON, whole
			// (a string as a JSON string, an array in one part).
			if err := writePart(w, name, schema, enc, val); err != nil {
				return nil, "", fmt.Errorf("request body field %q: %w", name, err)
			}
			continue
		}
		if styledPart(enc.Style) && !isScalar(val) && !isBinarySchema(orNull(schema["items"])) {
			// A style the encoding names (OpenAPI 3.1 applies it to
			// multipart too; Swagger 2.0's collectionFormat): one plain
			// part per pair it makes, as a form body writes them
			// (Stripe's file_link_data[create], expand[]; a csv
			// array's items joined in one part).
			explode := enc.Style == "form"
			if enc.Explode != nil {
				explode = *enc.Explode
			}
			sep := cmp.Or(delimiters[enc.Style], ",")
			for _, p := range styled(name, enc.Style, explode, val) {
				if err := writePart(w, p.name, nil, Encoding{}, strings.Join(p.parts, sep)); err != nil {
					return nil, "", fmt.Errorf("request body field %q: %w", name, err)
				}
			}
			continue
		}
		values := []any{val}
		if arr, ok := val.([]any); ok && isScalarArray(val) {
			values = arr
			schema = orNull(schema["items"])
		}
		for _, e := range values {
			if e == nil {
				// A null item of a list (of optional files, say) is
				// no part at all, as a null field is none.
				continue
			}
			if err := writePart(w, name, schema, enc, e); err != nil {
				return nil, "", fmt.Errorf("request body field %q: %w", name, err)
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

func writePart(w *multipart.Writer, name string, schema map[string]any, enc Encoding, v any) error {
	h := textproto.MIMEHeader{}
	s, isString := v.(string)
	switch {
	case isString && isBinarySchema(schema):
		mediaType, _ := schema["contentMediaType"].(string)
		vague := func(ct string) bool { return ct == "" || strings.Contains(ct, "*") || strings.Contains(ct, ",") }
		ct := enc.ContentType
		filename := name
		if data, dt, given, ok := dataURI(s); ok {
			s = string(data)
			if vague(ct) {
				ct = dt
			}
			if given != "" {
				filename = given
			}
		}
		if vague(ct) {
			ct = mediaType
		}
		if vague(ct) {
			ct = "application/octet-stream"
		}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscape(name), quoteEscape(filename)))
		h.Set("Content-Type", ct)
	case jsonPart(enc, schema):
		s = compactJSON(v)
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, quoteEscape(name)))
		h.Set("Content-Type", enc.ContentType)
	case isScalar(v):
		s = scalarString(v)
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, quoteEscape(name)))
		if enc.ContentType != "" && !strings.Contains(enc.ContentType, "*") {
			h.Set("Content-Type", enc.ContentType)
		}
	default:
		s = compactJSON(v)
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, quoteEscape(name)))
		h.Set("Content-Type", "application/json")
	}
	pw, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = pw.Write([]byte(s))
	return err
}

// jsonPart reports whether a multipart field of schema is sent as JSON
// because its encoding names a JSON content type (application/json, any
// +json type): any value but a file's, unless the encoding also names a
// style or explode, which OpenAPI 3.1.1 has win over contentType.
func jsonPart(enc Encoding, schema map[string]any) bool {
	return isJSONType(enc.ContentType) && enc.Style == "" && enc.Explode == nil && !isBinarySchema(schema)
}

// styledPart reports whether a multipart field of an encoding of style
// is written as the pairs that style makes (see styled).
func styledPart(style string) bool {
	switch style {
	case "form", "spaceDelimited", "pipeDelimited", "tabDelimited", "deepObject":
		return true
	}
	return false
}

// orNull is the schema v takes a value by: NullChoice's alternative when
// it has one (FastAPI writes an optional upload, `UploadFile | None`, as
// anyOf binary or null), else v.
func orNull(v any) map[string]any {
	s, _ := v.(map[string]any)
	if alt := NullChoice(s); alt != nil {
		return alt
	}
	return s
}

// NullChoice is the one alternative of s's anyOf or oneOf that is not
// null, when all the others are (`anyOf: [{type: string, format: binary},
// {type: "null"}]`); nil when s is no such choice. A multipart field so
// declared is sent as its alternative is.
func NullChoice(s map[string]any) map[string]any {
	for _, k := range []string{"anyOf", "oneOf"} {
		alts, _ := s[k].([]any)
		var only map[string]any
		n := 0
		for _, a := range alts {
			if m, _ := a.(map[string]any); m != nil && m["type"] != "null" {
				only = m
				n++
			}
		}
		if n == 1 {
			return only
		}
	}
	return nil
}

func isBinarySchema(s map[string]any) bool {
	if s == nil {
		return false
	}
	if f, _ := s["format"].(string); f == "binary" {
		return true
	}
	_, ok := s["contentMediaType"]
	return ok
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "%0D", "\n", "%0A")

func quoteEscape(s string) string { return quoteEscaper.Replace(s) }

// SendsJSON reports whether a body of the declared media type ct is sent
// as JSON when its value is an object: JSON types, none declared, and the
// wildcards (*/*, application/*), where an object goes as JSON.
func SendsJSON(ct string) bool {
	return ct == "" || isJSONType(ct) || strings.Contains(ct, "*")
}

// SendsText reports whether a body of the declared media type ct is sent
// only as the text given (or the bytes of a data: URI), never written from
// an object or array: XML, YAML, CSV, text/*, octet-stream and the like,
// which restmcp does not write from structured values. JSON types, the
// wildcards, forms and multipart are not.
func SendsText(ct string) bool {
	if SendsJSON(ct) {
		return false
	}
	mt := mediaType(ct)
	return mt != "application/x-www-form-urlencoded" && mt != "multipart/form-data"
}

func isJSONType(ct string) bool {
	mt := mediaType(ct)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// mediaType is ct's media type, lower case, without parameters: also when
// a parameter does not parse (an unquoted URL in
// `application/ld+json; profile=https://…`), so that every reader of a
// declared type takes it as the same type.
func mediaType(ct string) string {
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt
	}
	return strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
