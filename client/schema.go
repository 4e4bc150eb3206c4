package client

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
)

// schemaLimits bound the inlining of references. They never drop a
// constraint for its size: an enum of any length, a maxLength of any value
// and every description (as written) are handed over, and the server
// decides what it lists.
type schemaLimits struct {
	// Depth is how many levels of nested properties/items/
	// additionalProperties are inlined below a parameter or body schema
	// (references and allOf/anyOf members do not count). A structured
	// schema deeper than that, or a reference back into itself (recursion),
	// becomes a cut node: its type (so any value of that type validates),
	// its description and CutKey. Constraints below a cut node are not
	// checked.
	Depth int
}

// defaultLimits inline four levels, which cover the whole request schemas of
// most operations of the Stripe and GitHub descriptions
// (docs/openapi-library.md) while keeping the load time bounded.
var defaultLimits = schemaLimits{Depth: 4}

// CutKey marks a schema node whose nested fields were not inlined (see
// schemaLimits). Its value is a note, such as "Account, recursive", or "".
const CutKey = "x-restmcp-cut"

// converter turns OpenAPI schemas (Swagger 2.0, 3.0 or 3.1) into
// self-contained JSON Schema that Claude, OpenAI and Gemini accept: $refs
// inlined, recursion cut, OpenAPI-only keywords converted or dropped.
//
// Only positions where a schema can appear are walked (properties values,
// items, allOf/anyOf/oneOf members, additionalProperties), so a "$ref" key
// inside example, default or enum data, or a property named "$ref", is never
// taken for a reference.
type converter struct {
	docs *docSet
	// request drops readOnly properties (a request body or parameter).
	request bool
	lim     schemaLimits
	// stack holds the references being expanded on the current path.
	stack []string
	// nodes counts the schema objects converted, bounded by maxSchemaNodes.
	nodes int
}

// maxSchemaNodes bounds the work for one parameter or body schema:
// allOf/anyOf members do not count as nesting, so a description whose
// combinators fan out over shared schemas could otherwise take exponential
// time. Past the bound, schemas are cut like deep ones.
const maxSchemaNodes = 20_000

func newConverter(docs *docSet, request bool, lim schemaLimits) *converter {
	return &converter{docs: docs, request: request, lim: lim}
}

// root converts a parameter or body schema.
func (c *converter) root(v any, loc string) (map[string]any, error) {
	out, err := c.schema(v, loc, 0)
	if err != nil {
		return nil, err
	}
	delete(out, "readOnly")
	scrub(out)
	return out, nil
}

// droppedKey marks, while converting, the readOnly properties removed from
// an object, so that required lists of merged allOf members drop them too.
const droppedKey = "\x00readOnly"

// scrub removes the droppedKey markers (and readOnly flags left inside
// combinators) from a converted schema.
func scrub(s map[string]any) {
	delete(s, droppedKey)
	delete(s, "readOnly")
	for k, v := range s {
		switch k {
		case "properties":
			for _, p := range v.(map[string]any) {
				scrub(p.(map[string]any))
			}
		case "items", "additionalProperties":
			if m, ok := v.(map[string]any); ok {
				scrub(m)
			}
		case "anyOf", "allOf", "prefixItems":
			for _, b := range v.([]any) {
				scrub(b.(map[string]any))
			}
		}
	}
}

// dropRequired removes the readOnly properties dropped from s from its
// required list.
func dropRequired(s map[string]any) {
	dropped, _ := s[droppedKey].([]any)
	req, _ := s["required"].([]any)
	if len(dropped) == 0 || len(req) == 0 {
		return
	}
	req = slices.DeleteFunc(slices.Clone(req), func(x any) bool { return slices.Contains(dropped, x) })
	if len(req) == 0 {
		delete(s, "required")
	} else {
		s["required"] = req
	}
}

func (c *converter) schema(v any, loc string, depth int) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		if b, ok := v.(bool); ok && !b {
			return map[string]any{"not": map[string]any{}}, nil
		}
		return map[string]any{}, nil
	}
	if c.nodes++; c.nodes > maxSchemaNodes {
		return cutNode(m, ""), nil
	}
	if ref, ok := m["$ref"].(string); ok {
		return c.ref(m, ref, loc, depth)
	}
	if depth > c.lim.Depth && structured(m) {
		return cutNode(m, ""), nil
	}
	return c.plain(m, loc, depth)
}

func (c *converter) ref(m map[string]any, ref, loc string, depth int) (map[string]any, error) {
	target, tloc, key, err := c.docs.resolve(loc, ref)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	switch {
	case slices.Contains(c.stack, key):
		out = cutNode(target, refName(ref)+", recursive")
	case depth > c.lim.Depth && structured(target):
		out = cutNode(target, "")
	default:
		if len(c.stack) > 3*maxRefChain+c.lim.Depth*8 {
			out = cutNode(target, "")
			break
		}
		c.stack = append(c.stack, key)
		out, err = c.schema(target, tloc, depth)
		c.stack = c.stack[:len(c.stack)-1]
		if err != nil {
			return nil, err
		}
	}
	if len(m) == 1 {
		return out, nil
	}
	// Sibling keys (description, nullable, readOnly, …) override the target's.
	sib := make(map[string]any, len(m)-1)
	for k, v := range m {
		if k != "$ref" && k != "nullable" && k != "x-nullable" {
			sib[k] = v
		}
	}
	sout, err := c.plain(sib, loc, depth)
	if err != nil {
		return nil, err
	}
	overlay(out, sout)
	if isTrue(m["nullable"]) || isTrue(m["x-nullable"]) {
		out = makeNullable(out)
	}
	return out, nil
}

// refName is the last segment of a reference, for notes on cut nodes.
func refName(ref string) string {
	if i := strings.LastIndexAny(ref, "/#"); i >= 0 {
		ref = ref[i+1:]
	}
	return strings.ReplaceAll(strings.ReplaceAll(ref, "~1", "/"), "~0", "~")
}

// structured reports whether a schema has nested structure worth cutting.
func structured(m any) bool {
	s, ok := m.(map[string]any)
	if !ok {
		return false
	}
	for _, k := range []string{"$ref", "properties", "allOf", "anyOf", "oneOf"} {
		if _, ok := s[k]; ok {
			return true
		}
	}
	if _, ok := s["additionalProperties"].(map[string]any); ok {
		return true
	}
	if l, ok := s["prefixItems"].([]any); ok && slices.ContainsFunc(l, structured) {
		return true
	}
	return structured(s["items"])
}

// cutNode stands for a schema whose nested fields are not inlined: it
// keeps the type (so any value of that type validates), the description
// and CutKey with the note.
func cutNode(target any, note string) map[string]any {
	out := map[string]any{CutKey: note}
	m, _ := target.(map[string]any)
	switch t := m["type"].(type) {
	case string:
		setType(out, t)
	case []any:
		out["type"] = slices.Clone(t)
	default:
		if m["properties"] != nil {
			out["type"] = "object"
		}
	}
	if d := strings.TrimSpace(text(m["description"])); d != "" {
		out["description"] = d
	}
	ensureItems(out)
	return out
}

// schemaKeys are the keywords of one schema object that plain reads,
// gathered in one pass over the map (a schema has a few keys; looking up
// each keyword in turn was the loader's main cost).
type schemaKeys struct {
	typ, format, description, properties, required, items, additional, enum any
	prefixItems                                                             any
	def, pattern, uniqueItems, exclMin, exclMax, readOnly                   any
	anyOf, oneOf, allOf, nullable, xNullable, constant                      any
	mediaType, mediaEncoding                                                any
	hasConst, hasDef                                                        bool
	nums                                                                    [len(numericKeywords)]any
}

func gather(m map[string]any) schemaKeys {
	var k schemaKeys
	for name, v := range m {
		switch name {
		case "type":
			k.typ = v
		case "format":
			k.format = v
		case "description":
			k.description = v
		case "properties":
			k.properties = v
		case "required":
			k.required = v
		case "items":
			k.items = v
		case "prefixItems":
			k.prefixItems = v
		case "additionalProperties":
			k.additional = v
		case "enum":
			k.enum = v
		case "const":
			k.constant, k.hasConst = v, true
		case "default":
			k.def, k.hasDef = v, true
		case "pattern":
			k.pattern = v
		case "uniqueItems":
			k.uniqueItems = v
		case "exclusiveMinimum":
			k.exclMin = v
		case "exclusiveMaximum":
			k.exclMax = v
		case "readOnly":
			k.readOnly = v
		case "anyOf":
			k.anyOf = v
		case "oneOf":
			k.oneOf = v
		case "allOf":
			k.allOf = v
		case "nullable":
			k.nullable = v
		case "x-nullable":
			k.xNullable = v
		case "contentMediaType":
			k.mediaType = v
		case "contentEncoding":
			k.mediaEncoding = v
		default:
			if i := slices.Index(numericKeywords[:], name); i >= 0 {
				k.nums[i] = v
			}
		}
	}
	return k
}

// numeric keywords copied as they are.
var numericKeywords = [...]string{
	"minimum", "maximum", "multipleOf", "minLength", "maxLength",
	"minItems", "maxItems", "minProperties", "maxProperties",
}

func (c *converter) plain(m map[string]any, loc string, depth int) (map[string]any, error) {
	k := gather(m)
	out := make(map[string]any, 4)
	setTypes(out, k.typ)
	if f, ok := k.format.(string); ok && f != "" {
		out["format"] = f
	}
	// OpenAPI 3.1's file: a string of that media type, its bytes as they
	// are (with contentEncoding, the string is that encoding's text).
	if mt, ok := k.mediaType.(string); ok && mt != "" && k.mediaEncoding == nil {
		out["contentMediaType"] = mt
	}
	if d, ok := k.description.(string); ok {
		if d = strings.TrimSpace(d); d != "" {
			out["description"] = d
		}
	}
	if err := c.objectKeys(out, k, loc, depth); err != nil {
		return nil, err
	}
	if err := c.memberKeys(out, k, loc, depth); err != nil {
		return nil, err
	}
	c.valueKeys(out, k)
	out, err := c.combinators(out, k, loc, depth)
	if err != nil {
		return nil, err
	}
	ensureItems(out)
	if isTrue(k.nullable) || isTrue(k.xNullable) {
		out = makeNullable(out)
	}
	return out, nil
}

// setTypes copies a schema's type: one name, or for a list (OpenAPI 3.1,
// and Slack's invalid Swagger) its distinct names, Swagger's "file" read
// as "string".
func setTypes(out map[string]any, typ any) {
	switch t := typ.(type) {
	case string:
		setType(out, t)
	case []any:
		var types []any
		for _, x := range t {
			s, ok := x.(string)
			if s == "file" {
				s = "string"
			}
			if ok && !slices.Contains(types, any(s)) {
				types = append(types, s)
			}
		}
		switch len(types) {
		case 0:
		case 1:
			out["type"] = types[0]
		default:
			out["type"] = types
		}
	}
}

// sub converts a subschema that is not a property: its readOnly flag
// means nothing there.
func (c *converter) sub(v any, loc string, depth int) (map[string]any, error) {
	s, err := c.schema(v, loc, depth+1)
	if err != nil {
		return nil, err
	}
	delete(s, "readOnly")
	return s, nil
}

// objectKeys converts properties and required. In a request, readOnly
// properties are dropped, from required too.
func (c *converter) objectKeys(out map[string]any, k schemaKeys, loc string, depth int) error {
	var dropped map[string]bool
	if p, ok := k.properties.(map[string]any); ok {
		props := make(map[string]any, len(p))
		for name, pv := range p {
			sub, err := c.schema(pv, loc, depth+1)
			if err != nil {
				return err
			}
			if isTrue(sub["readOnly"]) && c.request {
				if dropped == nil {
					dropped = map[string]bool{}
				}
				dropped[name] = true
				out[droppedKey] = append(asList(out[droppedKey]), name)
				continue
			}
			delete(sub, "readOnly")
			props[name] = sub
		}
		out["properties"] = props
		if out["type"] == nil && k.allOf == nil && k.anyOf == nil && k.oneOf == nil {
			out["type"] = "object"
		}
	}
	if r, ok := k.required.([]any); ok {
		var req []any
		for _, x := range r {
			if s, ok := x.(string); ok && !dropped[s] && !slices.Contains(req, x) {
				req = append(req, s)
			}
		}
		if len(req) > 0 {
			out["required"] = req
		}
	}
	return nil
}

// memberKeys converts the schemas of members: a tuple's prefixItems, each
// position's schema kept in its place; items (a list of items, as Slack
// writes, becomes one schema, an anyOf of them when there are several;
// false is a maxItems, see valueKeys), then additionalProperties.
func (c *converter) memberKeys(out map[string]any, k schemaKeys, loc string, depth int) error {
	if l, ok := k.prefixItems.([]any); ok && len(l) > 0 {
		prefix := make([]any, 0, len(l))
		for _, x := range l {
			sub, err := c.sub(x, loc, depth)
			if err != nil {
				return err
			}
			prefix = append(prefix, sub)
		}
		out["prefixItems"] = prefix
	}
	switch it := k.items.(type) {
	case map[string]any:
		sub, err := c.sub(it, loc, depth)
		if err != nil {
			return err
		}
		out["items"] = sub
	case []any:
		var subs []any
		for _, x := range it {
			sub, err := c.sub(x, loc, depth)
			if err != nil {
				return err
			}
			subs = append(subs, sub)
		}
		switch len(subs) {
		case 0:
		case 1:
			out["items"] = subs[0]
		default:
			out["items"] = map[string]any{"anyOf": subs}
		}
	}
	switch ap := k.additional.(type) {
	case bool:
		// true is kept too: a body declared open takes other fields.
		out["additionalProperties"] = ap
	case map[string]any:
		sub := ap
		if len(ap) > 0 {
			var err error
			if sub, err = c.sub(ap, loc, depth); err != nil {
				return err
			}
		}
		if len(sub) > 0 {
			out["additionalProperties"] = sub
		} else {
			out["additionalProperties"] = true // {}: any value
		}
	}
	return nil
}

// valueKeys copies the keywords that constrain values, whatever their
// size: enum, const, default, pattern, the numeric bounds, uniqueItems,
// exclusive bounds and readOnly.
func (c *converter) valueKeys(out map[string]any, k schemaKeys) {
	asText := stringOnly(out["type"])
	// YAML's .inf and .nan have no JSON form: no call can send them, and
	// the listing could not be encoded with them. As text (a string
	// schema's) they are what was written.
	sendable := func(v any) bool { return asText || finite(v) }
	if e, ok := k.enum.([]any); ok && len(e) > 0 {
		var members []any
		for _, x := range e {
			if sendable(x) {
				members = append(members, schemaValue(x, asText))
			}
		}
		if len(members) > 0 {
			out["enum"] = members
		}
	}
	if k.hasConst && sendable(k.constant) {
		out["enum"] = []any{schemaValue(k.constant, asText)}
	}
	// A null default is kept: it says that null is what leaving the value
	// out means, not a value of its own.
	if def := schemaValue(k.def, asText); k.hasDef && sendable(k.def) && (def == nil || inEnum(out["enum"], def)) {
		out["default"] = def
	}
	if p, ok := k.pattern.(string); ok && p != "" {
		// Keep only patterns Go (and so the argument validator) can compile.
		if c.docs.patternOK(p) {
			out["pattern"] = p
		}
	}
	for i, name := range numericKeywords {
		if v := schemaValue(k.nums[i], false); v != nil && isNumber(v) {
			out[name] = v
		}
	}
	if closed, ok := k.items.(bool); ok && !closed {
		// items: false, after a tuple's prefixItems or alone: no item
		// past those positions, said as the bound every model reads.
		l, _ := k.prefixItems.([]any)
		if m, ok := Number(out["maxItems"]); !ok || m > float64(len(l)) {
			out["maxItems"] = len(l)
		}
	}
	if isTrue(k.uniqueItems) {
		out["uniqueItems"] = true
	}
	exclusive(out, schemaValue(k.exclMin, false), "exclusiveMinimum", "minimum")
	exclusive(out, schemaValue(k.exclMax, false), "exclusiveMaximum", "maximum")
	if isTrue(k.readOnly) {
		out["readOnly"] = true
	}
}

// stringOnly reports whether a schema's type allows strings and no other
// value but null: the numbers and booleans of its enum, const and default
// stand for text (`enum: [2023.10, 1.0]` in YAML, unquoted).
func stringOnly(typ any) bool {
	switch t := typ.(type) {
	case string:
		return t == "string"
	case []any:
		for _, x := range t {
			if x != "string" && x != "null" {
				return false
			}
		}
		return slices.Contains(t, any("string"))
	}
	return false
}

// schemaValue is a value of the description (an enum member, a default)
// as a schema holds it: its YAML numbers as numbers or, asText, a number
// or boolean as its text (a YAML number as written).
func schemaValue(v any, asText bool) any {
	if asText {
		switch x := v.(type) {
		case yamlScalar:
			return x.text
		case bool, float64, int, int64, uint64, json.Number:
			return text(x)
		}
	}
	v, _ = plainNumbers(v)
	return v
}

// plainNumbers replaces the yamlScalars in v by their numbers, copying
// the lists and objects that hold one (the raw document is shared);
// changed says whether there was one.
func plainNumbers(v any) (_ any, changed bool) {
	switch x := v.(type) {
	case yamlScalar:
		return x.value, true
	case []any:
		var out []any
		for i, e := range x {
			if u, ok := plainNumbers(e); ok {
				if out == nil {
					out = slices.Clone(x)
				}
				out[i] = u
			}
		}
		if out != nil {
			return out, true
		}
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			if u, ok := plainNumbers(e); ok {
				if out == nil {
					out = maps.Clone(x)
				}
				out[k] = u
			}
		}
		if out != nil {
			return out, true
		}
	}
	return v, false
}

// combinators converts anyOf, oneOf (both read as anyOf; a single branch is
// folded in) and allOf (merged where it can be).
func (c *converter) combinators(out map[string]any, k schemaKeys, loc string, depth int) (map[string]any, error) {
	var anyOf []any
	for _, v := range []any{k.anyOf, k.oneOf} {
		list, ok := v.([]any)
		if !ok {
			continue
		}
		branches, err := c.branches(list, loc, depth)
		if err != nil {
			return nil, err
		}
		if anyOf == nil {
			anyOf = branches
		} else {
			// Both anyOf and oneOf: both must hold.
			addAllOf(out, map[string]any{"anyOf": branches})
		}
	}
	switch len(anyOf) {
	case 0:
	case 1:
		b := anyOf[0].(map[string]any)
		overlayMissing(out, b)
	default:
		out["anyOf"] = anyOf
	}
	if list, ok := k.allOf.([]any); ok {
		branches, err := c.branches(list, loc, depth)
		if err != nil {
			return nil, err
		}
		out = mergeAllOf(out, branches)
		dropRequired(out)
	}
	return out, nil
}

// ensureItems gives an array schema without items an empty one: OpenAI
// rejects function parameters with "array schema missing items".
func ensureItems(out map[string]any) {
	if _, ok := out["items"]; ok {
		return
	}
	switch t := out["type"].(type) {
	case string:
		if t != "array" {
			return
		}
	case []any:
		if !slices.Contains(t, any("array")) {
			return
		}
	default:
		return
	}
	out["items"] = map[string]any{}
}

func (c *converter) branches(list []any, loc string, depth int) ([]any, error) {
	out := make([]any, 0, len(list))
	for _, x := range list {
		sub, err := c.schema(x, loc, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, nil
}

func setType(out map[string]any, t string) {
	if t == "file" { // Swagger 2.0
		out["type"] = "string"
		out["format"] = "binary"
		return
	}
	if t != "" {
		out["type"] = t
	}
}

// exclusive converts OpenAPI 3.0's boolean exclusiveMinimum/Maximum into
// the numeric form of JSON Schema.
func exclusive(out map[string]any, value any, key, bound string) {
	switch v := value.(type) {
	case bool:
		if b, ok := out[bound]; ok && v {
			out[key] = b
			delete(out, bound)
		}
	default:
		if isNumber(v) {
			out[key] = v
		}
	}
}

func isTrue(v any) bool { b, ok := v.(bool); return ok && b }

// isNumber reports whether v is a number a bound can be: one a float64
// holds, though perhaps not exactly (a json.Number past 2^53 is kept as
// written; one out of a float64's range, 1e400, bounds nothing).
func isNumber(v any) bool {
	switch n := v.(type) {
	case float64:
		return finite(n)
	case int, int64, uint64, float32, int32:
		return true
	case json.Number:
		_, err := n.Float64()
		return err == nil
	}
	return false
}

// finite reports whether v, a value of the description, has a JSON form:
// YAML's .inf, -.inf and .nan (anywhere inside v) have none.
func finite(v any) bool {
	switch x := v.(type) {
	case yamlScalar:
		return finite(x.value)
	case float64:
		return !math.IsInf(x, 0) && !math.IsNaN(x)
	case []any:
		return !slices.ContainsFunc(x, func(e any) bool { return !finite(e) })
	case map[string]any:
		for _, e := range x {
			if !finite(e) {
				return false
			}
		}
	}
	return true
}

// overlay copies src's keys over dst: properties are merged, required lists
// joined, every other key of src wins.
func overlay(dst, src map[string]any) { mergeKeys(dst, src, true, true) }

// overlayMissing copies src's keys that dst lacks (properties merged,
// required joined).
func overlayMissing(dst, src map[string]any) { mergeKeys(dst, src, false, false) }

// mergeKeys merges the schema src into dst: the property maps are merged
// (src's property wins a clash when srcProps), the required and dropped
// lists joined, and every other key is copied when dst lacks it, or always
// when srcKeys.
func mergeKeys(dst, src map[string]any, srcProps, srcKeys bool) {
	for k, v := range src {
		switch k {
		case "properties":
			dp, _ := dst[k].(map[string]any)
			if dp == nil {
				dp = map[string]any{}
			}
			for name, s := range v.(map[string]any) {
				if _, ok := dp[name]; srcProps || !ok {
					dp[name] = s
				}
			}
			dst[k] = dp
		case "required", droppedKey:
			dst[k] = union(dst[k], v)
		default:
			if _, ok := dst[k]; srcKeys || !ok {
				dst[k] = v
			}
		}
	}
}

func union(a, b any) []any {
	x, _ := a.([]any)
	out := slices.Clone(x)
	y, _ := b.([]any)
	for _, s := range y {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func addAllOf(out map[string]any, s map[string]any) {
	list, _ := out["allOf"].([]any)
	out["allOf"] = append(list, s)
}

// mergeAllOf folds allOf members into out when they are all objects (or
// there is only one), so that clients see one flat object; otherwise the
// allOf is kept.
func mergeAllOf(out map[string]any, branches []any) map[string]any {
	if len(branches) == 0 {
		return out
	}
	mergeable := true
	if len(branches) > 1 {
		for _, b := range branches {
			bm := b.(map[string]any)
			if _, ok := bm["anyOf"]; ok {
				mergeable = false
			}
			if _, ok := bm["allOf"]; ok {
				mergeable = false
			}
			if t, ok := bm["type"]; ok && t != "object" {
				mergeable = false
			}
		}
	}
	if !mergeable {
		list, _ := out["allOf"].([]any)
		out["allOf"] = append(list, branches...)
		return out
	}
	merged := map[string]any{}
	withProps := 0
	for _, b := range branches {
		bm := b.(map[string]any)
		if _, ok := bm["properties"]; ok {
			withProps++
		}
		mergeKeys(merged, bm, true, false)
	}
	if withProps > 1 {
		delete(merged, "additionalProperties")
	}
	overlay(merged, out)
	return merged
}

// makeNullable lets a schema also accept null (OpenAPI 3.0 nullable).
func makeNullable(out map[string]any) map[string]any {
	if e, ok := out["enum"].([]any); ok && !slices.Contains(e, nil) {
		out["enum"] = append(e, nil)
	}
	switch t := out["type"].(type) {
	case string:
		out["type"] = []any{t, "null"}
		return out
	case []any:
		if !slices.Contains(t, any("null")) {
			out["type"] = append(t, "null")
		}
		return out
	}
	if a, ok := out["anyOf"].([]any); ok {
		out["anyOf"] = append(a, map[string]any{"type": "null"})
		return out
	}
	// Annotations stay outside; if nothing else constrains the value, it
	// already accepts null.
	inner := map[string]any{}
	outer := map[string]any{}
	for k, v := range out {
		switch k {
		case "description", "default", "readOnly", droppedKey:
			outer[k] = v
		default:
			inner[k] = v
		}
	}
	if len(inner) == 0 {
		return out
	}
	outer["anyOf"] = []any{inner, map[string]any{"type": "null"}}
	return outer
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// inEnum reports whether v is allowed by enum (always, when there is none):
// a default outside its own enum (InvenTree has some) would mislead.
func inEnum(enum, v any) bool {
	list, ok := enum.([]any)
	if !ok {
		return true
	}
	for _, e := range list {
		if reflect.DeepEqual(e, v) || isNumber(e) && isNumber(v) && fmt.Sprint(e) == fmt.Sprint(v) {
			return true
		}
	}
	return false
}
