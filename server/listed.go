package server

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/restmcp/restmcp/client"
)

// maxEnum is the longest enum listed in a tool schema.
const maxEnum = 50

// listedSchema returns s as tools/list shows it, in the subset of JSON
// Schema that every model API accepts (Gemini's function declarations
// reject several keywords Claude and OpenAI take), while s itself, used to
// check calls, keeps everything:
//   - enums longer than maxEnum go (the description already says what they
//     hold), and so do limits far beyond anything a model sends (Stripe's
//     maxLength 5000 on every string): they cost tokens and say nothing;
//   - additionalProperties, uniqueItems, multipleOf, prefixItems,
//     exclusiveMinimum and exclusiveMaximum go;
//   - const becomes a one-value enum;
//   - a nullable type list ["string", "null"] becomes its type, a list of
//     several types an anyOf of them;
//   - a boolean schema (true) becomes {}, and required names only defined
//     properties;
//   - a format that changes nothing a model sends goes (listedFormats are
//     kept), and so does a default that says the same as leaving the
//     argument out (false, "", null, [] or {}).
func listedSchema(s map[string]any) map[string]any {
	return portable(s)
}

// listedFormats are the formats worth their tokens: they say how to write
// a string the type alone does not (int64, decimal, unix-time… do not).
var listedFormats = map[string]bool{
	"date": true, "date-time": true, "time": true, "duration": true, "email": true,
	"uri": true, "url": true, "uuid": true, "binary": true, "byte": true, "ipv4": true, "ipv6": true,
}

// binaryNote tells how to send a file's bytes (client.DataURI).
const binaryNote = "(text as is; binary as a data: URI, base64)"

// fileNote is binaryNote for a file field of a multipart body, where the
// data: URI may also name the file (its part is named after the field
// otherwise, and an API that reads the type from the name's extension
// refuses it).
const fileNote = "(text as is; binary as a data: URI, base64; to name the file: data:text/csv;name=report.csv;base64,…)"

// saysFile reports whether a description ends with how to send a file.
func saysFile(d string) bool {
	return strings.HasSuffix(d, binaryNote) || strings.HasSuffix(d, fileNote)
}

// isFile reports whether a schema is a file's: format binary, or
// OpenAPI 3.1's contentMediaType (client.isBinarySchema).
func isFile(s map[string]any) bool {
	_, media := s["contentMediaType"].(string)
	return media || s["format"] == "binary"
}

// absentDefault reports whether a default says the same as no value.
func absentDefault(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// unlisted are the keywords listedSchema drops.
var unlisted = map[string]bool{
	"additionalProperties": true, "uniqueItems": true, "multipleOf": true, "prefixItems": true,
	"exclusiveMinimum": true, "exclusiveMaximum": true, "contentMediaType": true,
}

func portable(s map[string]any) map[string]any {
	out := make(map[string]any, len(s))
	for k, v := range s {
		if unlisted[k] {
			continue
		}
		switch k {
		case "format":
			if f, _ := v.(string); !listedFormats[f] {
				continue
			}
		case "default":
			if absentDefault(v) {
				continue
			}
		case "enum":
			if l, ok := v.([]any); ok && len(l) > maxEnum {
				continue
			}
		case "const":
			k, v = "enum", []any{v}
		case "maxLength", "maxItems", "maxProperties":
			if n, ok := client.Number(v); ok && n >= hugeLimit {
				continue
			}
		case "type":
			if l, ok := v.([]any); ok {
				t, one := listedType(l)
				if !one {
					if _, has := s["anyOf"]; !has {
						out["anyOf"] = typeChoice(l)
					}
					continue
				}
				v = t
			}
		case "properties":
			if m, ok := v.(map[string]any); ok {
				props := make(map[string]any, len(m))
				for name, ps := range m {
					switch p := ps.(type) {
					case map[string]any:
						props[name] = portable(p)
					default: // a boolean schema
						props[name] = map[string]any{}
					}
				}
				v = props
			}
		case "items":
			if m, ok := v.(map[string]any); ok {
				v = portable(m)
			} else {
				v = map[string]any{}
			}
		case "anyOf", "oneOf", "allOf":
			if l, ok := v.([]any); ok {
				list := make([]any, 0, len(l))
				for _, e := range l {
					if m, ok := e.(map[string]any); ok {
						list = append(list, portable(m))
					} else {
						list = append(list, map[string]any{})
					}
				}
				v = list
			}
		}
		out[k] = v
	}
	delete(out, "required")
	listRequired(out, stringList(s["required"]))
	if isFile(s) && !saysFile(str(out["description"])) {
		appendNote(out, binaryNote)
	}
	if alt := client.NullChoice(s); alt != nil && isFile(alt) && saysFile(str(out["description"])) {
		// An optional file whose own description says how to send it
		// (nameFiles): its alternative need not say it again.
		dropNote(client.NullChoice(out), binaryNote)
	}
	return out
}

// listRequired sets the required names of a listed schema: those of req
// that name one of its properties, if any.
func listRequired(out map[string]any, req []string) {
	props, _ := out["properties"].(map[string]any)
	var kept []any
	for _, r := range req {
		if _, ok := props[r]; ok {
			kept = append(kept, r)
		}
	}
	if len(kept) > 0 {
		out["required"] = kept
	}
}

// listedType is how a list of types is listed when it names one type
// besides "null" (or none: "null"); one is false for several types, which
// typeChoice lists.
func listedType(l []any) (t any, one bool) {
	t = "null"
	for _, e := range l {
		if e == "null" {
			continue
		}
		if t != "null" {
			return nil, false
		}
		t = e
	}
	return t, true
}

// typeChoice is an anyOf of the types of a list besides "null".
func typeChoice(l []any) []any {
	var alts []any
	for _, t := range l {
		if t != "null" {
			alts = append(alts, map[string]any{"type": t})
		}
	}
	return alts
}

// tupleNote says what each position of a tuple takes (prefixItems, or
// draft-4 items given as a list), which the listing cannot show:
// "(items in this order: string, integer)". "" for a schema that is no
// tuple. Calls are checked position by position.
func tupleNote(s map[string]any) string {
	l, ok := s["prefixItems"].([]any)
	if !ok {
		l, _ = s["items"].([]any)
	}
	if len(l) == 0 {
		return ""
	}
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = positionWords(e)
	}
	return "(items in this order: " + strings.Join(parts, ", ") + ")"
}

// positionWords says shortly what one position of a tuple takes: a
// value, a few values, a type or types, else "any value".
func positionWords(e any) string {
	m, _ := e.(map[string]any)
	if c, ok := m["const"]; ok {
		return jsonWord(c)
	}
	if l, ok := m["enum"].([]any); ok && len(l) > 0 && len(l) <= 3 {
		words := make([]string, len(l))
		for i, v := range l {
			words[i] = jsonWord(v)
		}
		return strings.Join(words, " or ")
	}
	switch t := m["type"].(type) {
	case string:
		return t
	case []any:
		var words []string
		for _, x := range t {
			if w, ok := x.(string); ok && w != "null" {
				words = append(words, w)
			}
		}
		if len(words) > 0 {
			return strings.Join(words, " or ")
		}
	}
	if _, ok := m["properties"]; ok {
		return "object"
	}
	return "any value"
}

// jsonWord is a value as JSON writes it ("asc", 3, true).
func jsonWord(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// enumNote describes a long enum by its size and first values.
func enumNote(l []any) string {
	var ex []string
	for _, v := range l[:5] {
		ex = append(ex, fmt.Sprint(v))
	}
	return fmt.Sprintf("(one of %d values, such as %s, …)", len(l), strings.Join(ex, ", "))
}

// hugeLimit is where a maxLength, maxItems or maxProperties stops being
// worth its tokens.
const hugeLimit = 1000

// listedClean is listedSchema(cleanSchema(s, depth)) made in one copy: what
// tools/list shows of an argument's schema, without first making the copy
// that checks calls (that one is made on the tool's first call).
func listedClean(s map[string]any, depth int) map[string]any {
	out := make(map[string]any, len(s))
	if depth > maxSchemaDepth {
		return out
	}
	// cleanSchema keeps anyOf only as a list; portable reads the copy.
	_, choice := s["anyOf"].([]any)
	var notes []string
	for k, v := range s {
		if !schemaKeywords[k] || unlisted[k] {
			continue
		}
		switch k {
		case "description":
			setDescription(out, v, depth)
		case "items":
			// A list (draft-4 tuple items) becomes prefixItems, not listed
			// but said by tupleNote.
			switch t := v.(type) {
			case map[string]any:
				out[k] = listedClean(t, depth+1)
			case bool:
				out[k] = map[string]any{}
			}
		case "anyOf", "oneOf", "allOf":
			if l, ok := v.([]any); ok {
				list := make([]any, 0, len(l))
				for _, e := range l {
					switch m := e.(type) {
					case map[string]any:
						list = append(list, listedClean(m, depth+1))
					case bool:
						list = append(list, map[string]any{})
					}
				}
				out[k] = list
			}
		case "properties":
			if m, ok := v.(map[string]any); ok {
				props := make(map[string]any, len(m))
				for name, ps := range m {
					switch p := ps.(type) {
					case map[string]any:
						props[name] = listedClean(p, depth+1)
					case bool:
						props[name] = map[string]any{}
					}
				}
				out[k] = props
			}
		case "required":
			// Filtered below, once the properties are in place.
		case "enum":
			if l, ok := v.([]any); ok && len(l) > maxEnum {
				notes = append(notes, enumNote(l))
				continue
			}
			out[k] = v
		case "const":
			out["enum"] = []any{v}
		case "format":
			if f, _ := v.(string); listedFormats[f] {
				out[k] = v
			}
		case "default":
			if !absentDefault(v) {
				out[k] = v
			}
		case "maxLength", "maxItems", "maxProperties":
			if n, ok := client.Number(v); !ok || n < hugeLimit {
				out[k] = v
			}
		case "type":
			if l, ok := v.([]any); ok {
				if t, one := listedType(l); one {
					out[k] = t
				} else if !choice {
					out["anyOf"] = typeChoice(l)
				}
				continue
			}
			out[k] = v
		default:
			out[k] = v
		}
	}
	listRequired(out, stringList(s["required"]))
	if isFile(s) && !saysFile(str(s["description"])) {
		// A model writes text; a file's bytes travel as base64.
		notes = append(notes, binaryNote)
	}
	if note := tupleNote(s); note != "" {
		notes = append(notes, note)
	}
	if note, ok := s[client.CutKey].(string); ok {
		notes = append(notes, cutNote(note))
	}
	for _, n := range notes {
		appendNote(out, n)
	}
	return out
}

// clearing reports whether a schema is the empty string alone, as an
// alternative of anyOf: Stripe's way to let an optional argument be
// cleared (metadata, address, a list of tax rates: anyOf the value's own
// schema and {"type": "string", "enum": [""]}, 339 times in its tools).
func clearing(s map[string]any) bool {
	e, ok := s["enum"].([]any)
	if !ok || len(e) != 1 || e[0] != "" {
		return false
	}
	for k, v := range s {
		switch k {
		case "enum":
		case "type":
			if v != "string" {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// unclear lists the anyOf and oneOf of a listed schema, and of its nested
// schemas, without their empty-string alternative (clearing): the
// instructions say once that "" clears an argument where the API allows it,
// and calls are checked against the whole schema, so "" is still taken
// where it was. A single alternative left stands for the choice. It
// reports whether it left one out.
func unclear(s map[string]any) bool {
	left := false
	if m, ok := s["properties"].(map[string]any); ok {
		for _, v := range m {
			if c, ok := v.(map[string]any); ok && unclear(c) {
				left = true
			}
		}
	}
	if c, ok := s["items"].(map[string]any); ok && unclear(c) {
		left = true
	}
	for _, k := range []string{"anyOf", "oneOf", "allOf"} {
		l, ok := s[k].([]any)
		if !ok {
			continue
		}
		kept := make([]any, 0, len(l))
		for _, e := range l {
			m, ok := e.(map[string]any)
			if ok && k != "allOf" && clearing(m) {
				continue
			}
			if ok && unclear(m) {
				left = true
			}
			kept = append(kept, e)
		}
		if len(kept) == len(l) || onlyNull(kept) {
			continue
		}
		left = true
		if alt, ok := kept[0].(map[string]any); ok && len(kept) == 1 && merges(s, alt) {
			delete(s, k)
			for ak, v := range alt {
				if ak == "description" {
					v = joinSentences(str(s["description"]), str(v))
				}
				s[ak] = v
			}
			continue
		}
		s[k] = kept
	}
	return left
}

// onlyNull reports whether a list of alternatives allows null alone (or
// nothing): listed without the empty string, it would say a type no model
// API takes.
func onlyNull(l []any) bool {
	for _, e := range l {
		if m, ok := e.(map[string]any); !ok || m["type"] != "null" {
			return false
		}
	}
	return true
}

// joinSentences joins two descriptions, the first ended as a sentence.
func joinSentences(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case strings.HasSuffix(a, ".") || strings.HasSuffix(a, "?") || strings.HasSuffix(a, "!") || strings.HasSuffix(a, ")"):
		return a + " " + b
	}
	return a + ". " + b
}

// merges reports whether a schema's keywords besides anyOf and its
// description can take those of alt without overwriting one.
func merges(s, alt map[string]any) bool {
	for k := range alt {
		if _, has := s[k]; has && k != "description" {
			return false
		}
	}
	return true
}
