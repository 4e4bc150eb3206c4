package server

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
)

// schemaCheck is a compiled tool schema: the JSON Schema validator's, and
// the numeric bounds it cannot hold exactly, checked here.
//
// The validator reads numbers as float64, which rounds integers past 2^53
// (an enum of int64 IDs, a maximum of 9223372036854775807): a valid value
// would be refused and an invalid one taken. Enum and const values are
// handed to it as json.Number, which it compares exactly; a bound is taken
// from it and checked by exactBound, where the schema applies to the value
// whatever else holds (properties, items, allOf), and not checked inside
// anyOf and oneOf, where the API checks it.
type schemaCheck struct {
	resolved *jsonschema.Resolved
	bounds   []exactBound
}

// Validate checks v, as the validator does, then the exact bounds.
func (c *schemaCheck) Validate(v any) error {
	if err := c.resolved.Validate(v); err != nil {
		return err
	}
	for _, b := range c.bounds {
		if err := b.check(v, "", b.path); err != nil {
			return err
		}
	}
	return nil
}

// exactBound is a bound a float64 does not hold exactly.
type exactBound struct {
	// path leads to the values bounded: property names, "" for the items
	// of an array.
	path    []string
	keyword string // minimum, maximum, exclusiveMinimum or exclusiveMaximum
	text    string // as written
	value   *big.Rat
}

func (b exactBound) check(v any, at string, path []string) error {
	if len(path) > 0 {
		switch t := v.(type) {
		case map[string]any:
			if path[0] != "" {
				if e, ok := t[path[0]]; ok {
					name := strings.ReplaceAll(strings.ReplaceAll(path[0], "~", "~0"), "/", "~1")
					return b.check(e, at+"/properties/"+name, path[1:])
				}
			}
		case []any:
			if path[0] == "" {
				for _, e := range t {
					if err := b.check(e, at+"/items", path[1:]); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	n, ok := rat(v)
	if !ok {
		return nil
	}
	c := n.Cmp(b.value)
	var bad bool
	var says string
	switch b.keyword {
	case "minimum":
		bad, says = c < 0, "is less than"
	case "maximum":
		bad, says = c > 0, "is greater than"
	case "exclusiveMinimum":
		bad, says = c <= 0, "is less than or equal to"
	case "exclusiveMaximum":
		bad, says = c >= 0, "is greater than or equal to"
	}
	if !bad {
		return nil
	}
	return fmt.Errorf("validating %s: %s: %s %s %s", cmp.Or(at, "root"), b.keyword, n.RatString(), says, b.text)
}

// rat is a number argument (as numbers leaves it) exactly.
func rat(v any) (*big.Rat, bool) {
	switch n := v.(type) {
	case int64:
		return new(big.Rat).SetInt64(n), true
	case float64:
		return new(big.Rat).SetFloat64(n), true
	case json.Number:
		return new(big.Rat).SetString(n.String())
	}
	return nil, false
}

// inexact is the text of a number of a schema that a float64 does not
// hold exactly ("" for any other value).
func inexact(v any) string {
	var text string
	switch n := v.(type) {
	case json.Number:
		text = n.String()
	case int:
		text = fmt.Sprint(n)
	case int64:
		text = fmt.Sprint(n)
	case uint64:
		text = fmt.Sprint(n)
	default:
		return ""
	}
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return ""
	}
	f, _ := r.Float64()
	if r.Cmp(new(big.Rat).SetFloat64(f)) == 0 {
		return ""
	}
	return text
}

// boundKeywords are the numeric bounds, with where the validator keeps each.
var boundKeywords = []struct {
	name string
	at   func(*jsonschema.Schema) **float64
}{
	{"minimum", func(s *jsonschema.Schema) **float64 { return &s.Minimum }},
	{"maximum", func(s *jsonschema.Schema) **float64 { return &s.Maximum }},
	{"exclusiveMinimum", func(s *jsonschema.Schema) **float64 { return &s.ExclusiveMinimum }},
	{"exclusiveMaximum", func(s *jsonschema.Schema) **float64 { return &s.ExclusiveMaximum }},
}

// exactNumbers gives s, compiled from m, the numbers of m that a float64
// does not hold exactly: enum and const values as json.Number, bounds
// taken out into bounds (for the values at path, when direct says the
// schema applies to them whatever else holds).
func exactNumbers(s *jsonschema.Schema, m map[string]any, path []string, direct bool, bounds *[]exactBound) {
	if s == nil || m == nil {
		return
	}
	if l, ok := m["enum"].([]any); ok && len(l) == len(s.Enum) {
		for i, e := range l {
			if t := inexact(e); t != "" {
				s.Enum[i] = json.Number(t)
			}
		}
	}
	if t := inexact(m["const"]); t != "" && s.Const != nil {
		var c any = json.Number(t)
		s.Const = &c
	}
	for _, k := range boundKeywords {
		t := inexact(m[k.name])
		if t == "" {
			continue
		}
		*k.at(s) = nil
		if r, ok := new(big.Rat).SetString(t); ok && direct {
			*bounds = append(*bounds, exactBound{path: path, keyword: k.name, text: t, value: r})
		}
	}
	props, _ := m["properties"].(map[string]any)
	for name, p := range props {
		pm, _ := p.(map[string]any)
		exactNumbers(s.Properties[name], pm, append(path[:len(path):len(path)], name), direct, bounds)
	}
	items, _ := m["items"].(map[string]any)
	exactNumbers(s.Items, items, append(path[:len(path):len(path)], ""), direct, bounds)
	extra, _ := m["additionalProperties"].(map[string]any)
	exactNumbers(s.AdditionalProperties, extra, nil, false, bounds)
	for _, k := range []struct {
		name   string
		list   []*jsonschema.Schema
		direct bool
	}{{"allOf", s.AllOf, direct}, {"anyOf", s.AnyOf, false}, {"oneOf", s.OneOf, false}, {"prefixItems", s.PrefixItems, false}} {
		l, _ := m[k.name].([]any)
		for i, e := range l {
			if em, ok := e.(map[string]any); ok && i < len(k.list) {
				exactNumbers(k.list[i], em, path, k.direct, bounds)
			}
		}
	}
}
