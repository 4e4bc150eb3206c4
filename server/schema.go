package server

import (
	"fmt"
	"sort"
	"strings"

	"github.com/restmcp/restmcp/client"
)

// Argument locations. A binding with In == inBody and Name == "" carries the
// whole request body.
const (
	inPath   = "path"
	inQuery  = "query"
	inHeader = "header"
	inCookie = "cookie"
	inBody   = "body"
)

// binding says where one tool argument goes on the wire.
type binding struct {
	In   string // inPath, inQuery, inHeader, inCookie or inBody
	Name string // wire name; "" with inBody for the whole body
}

// maxSchemaDepth bounds how deep a schema is copied; deeper parts become
// {} (any value). The loader already cuts recursion; this is a safety net.
const maxSchemaDepth = 24

// schemaKeywords are the JSON Schema keywords kept in tool schemas: the ones
// that describe or constrain a value and that Claude, OpenAI and Gemini
// accept. Everything else (examples, x- extensions, xml, OpenAPI-only
// keywords, $ref, $schema, $defs, titles) is dropped.
var schemaKeywords = map[string]bool{
	"type": true, "format": true, "description": true, "enum": true, "const": true,
	"default": true, "items": true, "properties": true, "required": true,
	"additionalProperties": true, "anyOf": true, "oneOf": true, "allOf": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true,
	"multipleOf": true, "minLength": true, "maxLength": true, "pattern": true,
	"minItems": true, "maxItems": true, "uniqueItems": true,
	"minProperties": true, "maxProperties": true, "prefixItems": true,
}

// cleanSchema returns a copy of s with only schemaKeywords, descriptions
// shortened, and no deeper than maxSchemaDepth. Data keywords (enum, const,
// default) are copied as they are; property names are kept whatever they
// are (a property may be called "$ref").
func cleanSchema(s map[string]any, depth int) map[string]any {
	out := make(map[string]any, len(s))
	if depth > maxSchemaDepth {
		return out
	}
	for k, v := range s {
		if !schemaKeywords[k] {
			continue
		}
		switch k {
		case "description":
			if d, ok := v.(string); ok {
				if depth > 0 {
					d = sentence(d, 0, nestedDescMax)
				} else {
					d = sentence(d, paramDescWant, paramDescMax)
				}
				if d != "" {
					out[k] = d
				}
			}
		case "items", "additionalProperties":
			switch t := v.(type) {
			case map[string]any:
				out[k] = cleanSchema(t, depth+1)
			case []any: // draft-4 tuple items
				if k == "items" {
					out["prefixItems"] = cleanList(t, depth)
				}
			case bool:
				out[k] = t
			}
		case "anyOf", "oneOf", "allOf", "prefixItems":
			if l, ok := v.([]any); ok {
				out[k] = cleanList(l, depth)
			}
		case "properties":
			if m, ok := v.(map[string]any); ok {
				props := make(map[string]any, len(m))
				for name, ps := range m {
					if pm, ok := ps.(map[string]any); ok {
						props[name] = cleanSchema(pm, depth+1)
					} else if b, ok := ps.(bool); ok {
						props[name] = b
					}
				}
				out[k] = props
			}
		case "required":
			if l, ok := v.([]any); ok && len(l) > 0 {
				out[k] = l
			} else if l, ok := v.([]string); ok && len(l) > 0 {
				req := make([]any, len(l))
				for i, r := range l {
					req[i] = r
				}
				out[k] = req
			}
		case "enum":
			// A very long enum (Stripe's 300 merchant categories, repeated
			// in several arguments) is described by a note with a few
			// examples; it stays for checking calls but is not listed
			// (see listedSchema).
			if l, ok := v.([]any); ok && len(l) > maxEnum {
				out["x-enum-note"] = enumNote(l)
			}
			out[k] = v
		default:
			out[k] = v
		}
	}
	if note, ok := out["x-enum-note"].(string); ok {
		delete(out, "x-enum-note")
		d, _ := out["description"].(string)
		if d != "" {
			d += " "
		}
		out["description"] = d + note
	}
	return out
}

func cleanList(l []any, depth int) []any {
	out := make([]any, 0, len(l))
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, cleanSchema(m, depth+1))
		} else if b, ok := e.(bool); ok {
			out = append(out, b)
		}
	}
	return out
}

// argName turns a wire name into a property name every model API accepts
// (^[a-zA-Z0-9_.-]{1,64}$): comparison suffixes become words (StartTime< →
// StartTime_lt, created>= → created_gte), a trailing [] goes (include[] →
// include), brackets become underscores (filter[name] → filter_name), other
// characters become "_".
func argName(wire string) string {
	s := wire
	for _, r := range []struct{ op, word string }{
		{"<=", "_lte"}, {">=", "_gte"}, {"!=", "_ne"}, {"<", "_lt"}, {">", "_gt"}, {"=", "_eq"},
	} {
		s = strings.ReplaceAll(s, r.op, r.word)
	}
	s = strings.TrimSuffix(s, "[]")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80 && (isLower(byte(r)) || isUpper(byte(r)) || isDigit(byte(r)) || r == '_' || r == '.' || r == '-'):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s = b.String()
	for strings.Contains(s, "__") {
		s = strings.ReplaceAll(s, "__", "_")
	}
	s = strings.Trim(s, "_")
	if s == "" {
		s = "param"
	}
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "_")
	}
	return s
}

// skippedHeaders are header parameters restmcp sets itself.
var skippedHeaders = map[string]bool{
	"authorization": true, "content-type": true, "accept": true,
	"user-agent": true, "content-length": true,
}

// inputSchema is the merged input schema of one operation.
type inputSchema struct {
	schema   map[string]any
	bindings map[string]binding
	// extraBody names no property: when true, arguments that match no
	// property go into the body (the body schema allows any property).
	extraBody bool
	// additional is the root's additionalProperties when extraBody is set.
	additional any
	// skipped lists parameters left out (cookies, auth headers).
	skipped []string
}

// buildInput merges the path, query, header and body parameters of op into
// one object schema. Names are claimed in that order, so on a clash the
// later location is prefixed (body id beside path id → body_id).
func buildInput(op *client.Operation, authHeader string) *inputSchema {
	in := &inputSchema{bindings: map[string]binding{}}
	props := map[string]any{}
	var required []string
	claim := func(wire, loc string) string {
		name := argName(wire)
		if _, taken := props[name]; taken {
			name = argName(loc + "_" + wire)
		}
		for i := 2; ; i++ {
			if _, taken := props[name]; !taken {
				break
			}
			name = fmt.Sprintf("%s_%d", argName(loc+"_"+wire), i)
		}
		return name
	}
	for _, loc := range []string{inPath, inQuery, inHeader, inCookie} {
		for _, p := range op.Params {
			if p.In != loc {
				continue
			}
			if loc == inCookie {
				in.skipped = append(in.skipped, "cookie "+p.Name)
				continue
			}
			if loc == inHeader && (skippedHeaders[strings.ToLower(p.Name)] || (authHeader != "" && strings.EqualFold(p.Name, authHeader))) {
				in.skipped = append(in.skipped, "header "+p.Name)
				continue
			}
			name := claim(p.Name, loc)
			ps := cleanSchema(p.Schema, 0)
			if d := sentence(p.Description, paramDescWant, paramDescMax); d != "" {
				ps["description"] = d
			}
			props[name] = ps
			in.bindings[name] = binding{In: loc, Name: p.Name}
			if p.Required || loc == inPath {
				required = append(required, name)
			}
		}
	}
	if b := op.Body; b != nil && !emptyObject(b.Schema) {
		bp, breq, extra, ok := objectProperties(b.Schema)
		if ok && len(bp) > 0 {
			names := make([]string, 0, len(bp))
			for n := range bp {
				names = append(names, n)
			}
			sort.Strings(names)
			isReq := map[string]bool{}
			for _, r := range breq {
				isReq[r] = true
			}
			for _, wire := range names {
				ps, _ := bp[wire].(map[string]any)
				if ps == nil {
					ps = map[string]any{}
				}
				name := claim(wire, inBody)
				cs := cleanSchema(ps, 0)
				props[name] = cs
				in.bindings[name] = binding{In: inBody, Name: wire}
				if b.Required && isReq[wire] {
					required = append(required, name)
				}
			}
			in.extraBody = extra
			if extra {
				// Tell the model other arguments are welcome, and what they are.
				if ap, isSchema := b.Schema["additionalProperties"].(map[string]any); isSchema {
					in.additional = cleanSchema(ap, 1)
				} else {
					in.additional = true
				}
			}
		} else {
			name := "body"
			if _, taken := props[name]; taken {
				name = claim("request_body", inBody)
			}
			var bs map[string]any
			if b.Schema != nil {
				bs = cleanSchema(b.Schema, 0)
			} else {
				bs = map[string]any{}
			}
			desc := brief(b.Description, bodyDescMax, bodyDescMax)
			if desc == "" {
				desc = "The request body"
			}
			if b.ContentType != "" && !strings.Contains(b.ContentType, "json") {
				desc += " (sent as " + b.ContentType + ")"
			}
			if _, has := bs["description"]; !has {
				bs["description"] = desc
			}
			props[name] = bs
			in.bindings[name] = binding{In: inBody}
			if b.Required {
				required = append(required, name)
			}
		}
	}
	in.schema = map[string]any{"type": "object", "properties": props}
	if in.additional != nil {
		in.schema["additionalProperties"] = in.additional
	}
	if len(required) > 0 {
		req := make([]any, len(required))
		for i, r := range required {
			req[i] = r
		}
		in.schema["required"] = req
	}
	return in
}

// objectProperties reports the properties and required names of an object
// schema, merging allOf members; ok is false for anything that is not a
// plain object (arrays, scalars, oneOf/anyOf alternatives, free-form maps).
// extra reports that the schema explicitly allows other properties.
func objectProperties(s map[string]any) (props map[string]any, required []string, extra bool, ok bool) {
	if s == nil {
		return nil, nil, false, false
	}
	if t, has := s["type"]; has && t != "object" {
		return nil, nil, false, false
	}
	if _, has := s["oneOf"]; has {
		return nil, nil, false, false
	}
	if _, has := s["anyOf"]; has {
		return nil, nil, false, false
	}
	props = map[string]any{}
	if p, has := s["properties"].(map[string]any); has {
		for k, v := range p {
			props[k] = v
		}
	}
	required = stringList(s["required"])
	switch ap := s["additionalProperties"].(type) {
	case bool:
		extra = ap
	case map[string]any:
		extra = true
	}
	if all, has := s["allOf"].([]any); has {
		for _, m := range all {
			ms, isMap := m.(map[string]any)
			if !isMap {
				return nil, nil, false, false
			}
			p, r, e, sub := objectProperties(ms)
			if !sub {
				return nil, nil, false, false
			}
			for k, v := range p {
				props[k] = v
			}
			required = append(required, r...)
			extra = extra || e
		}
	}
	if len(props) == 0 {
		return nil, nil, false, false
	}
	return props, required, extra, true
}

func stringList(v any) []string {
	switch l := v.(type) {
	case []string:
		return l
	case []any:
		out := make([]string, 0, len(l))
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// emptyObject reports a schema that admits only {}: an object with no
// properties that forbids others (Stripe declares one on GET operations).
func emptyObject(s map[string]any) bool {
	if s == nil || s["type"] != "object" || s["additionalProperties"] != false {
		return false
	}
	p, _ := s["properties"].(map[string]any)
	_, hasAll := s["allOf"]
	return len(p) == 0 && !hasAll
}
