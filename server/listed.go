package server

import (
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
	"exclusiveMinimum": true, "exclusiveMaximum": true,
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
				var types []any
				for _, t := range l {
					if t != "null" {
						types = append(types, t)
					}
				}
				switch len(types) {
				case 0:
					v = "null"
				case 1:
					v = types[0]
				default:
					alts := make([]any, len(types))
					for i, t := range types {
						alts[i] = map[string]any{"type": t}
					}
					if _, has := s["anyOf"]; !has {
						out["anyOf"] = alts
					}
					continue
				}
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
	if req := stringList(out["required"]); len(req) > 0 {
		props, _ := out["properties"].(map[string]any)
		var kept []any
		for _, r := range req {
			if _, ok := props[r]; ok {
				kept = append(kept, r)
			}
		}
		if len(kept) > 0 {
			out["required"] = kept
		} else {
			delete(out, "required")
		}
	}
	return out
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
