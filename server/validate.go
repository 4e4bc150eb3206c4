package server

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/internal/prose"
)

// maxValidationMessage bounds the validator's part of a message (an enum
// of 300 values lists them all).
const maxValidationMessage = 2000

// checkSchema is the schema that checks the tool's calls.
func (t *tool) checkSchema() map[string]any {
	if t.in != nil {
		return t.in.checked()
	}
	return t.schema
}

// resolve prepares the tool's schema for validation, once.
func (t *tool) resolve() {
	t.once.Do(func() { t.resolved, t.resolveErr = resolveSchema(t.checkSchema()) })
}

// validate checks args against the tool's input schema and returns a
// message for the model naming the argument and the problem, or "".
// Missing and unknown arguments are checked first, by hand, for clear
// messages; types, enums and formats by the JSON Schema validator, whose
// schema is compiled on the first call and cached.
func (t *tool) validate(name string, args map[string]any) string {
	schema := t.checkSchema()
	props, _ := schema["properties"].(map[string]any)
	var missing []string
	for _, r := range stringList(schema["required"]) {
		if v, ok := args[r]; !ok || v == nil && !t.sendsNull(r, props) {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return fmt.Sprintf("invalid arguments for %s: missing required %s %s", name, plural(len(missing), "argument"), quoteList(missing))
	}
	if t.strict {
		var unknown []string
		for k := range args {
			if _, ok := props[k]; !ok {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			names := make([]string, 0, len(props))
			for k := range props {
				names = append(names, k)
			}
			sort.Strings(names)
			takes := "no arguments"
			if len(names) > 0 {
				takes = strings.Join(names, ", ")
			}
			return fmt.Sprintf("invalid arguments for %s: unknown %s %s; it takes: %s%s", name, plural(len(unknown), "argument"), quoteList(unknown), takes, t.sentHeaders(unknown))
		}
	}
	if t.shallow {
		return ""
	}
	// Drop explicit nulls of optional arguments: models send them for
	// "not set", and they are not sent to the API. A body field whose
	// schema takes null keeps it: there null is a value the API defines
	// (GitHub's `"milestone": null` removes an issue's milestone), and
	// dropping it would answer success for a change never made.
	for k, v := range args {
		if v == nil && !t.sendsNull(k, props) {
			delete(args, k)
		}
	}
	t.resolve()
	if t.resolved == nil {
		return ""
	}
	if len(args) == 0 {
		// The same answer every time: the schema's verdict on {} is
		// reached once.
		t.emptyOnce.Do(func() { t.emptyMsg = t.check(name, map[string]any{}) })
		return t.emptyMsg
	}
	return t.check(name, args)
}

// sentHeaders says which of the unknown arguments name a header parameter
// of the operation that restmcp sends itself (the key's header, or a
// profile's fixed header, --header), "" when none does.
func (t *tool) sentHeaders(unknown []string) string {
	if t.in == nil {
		return ""
	}
	// Compared as a model may write the header's name: in any case, with
	// - or _.
	loose := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	var sent []string
	for _, s := range t.in.skipped {
		h, ok := strings.CutPrefix(s, inHeader+" ")
		if ok && slices.ContainsFunc(unknown, func(u string) bool { return loose(u) == loose(argName(h)) }) {
			sent = append(sent, h)
		}
	}
	if len(sent) == 0 {
		return ""
	}
	return fmt.Sprintf(" (restmcp sends the %s %s itself, with the value it is configured with)", plural(len(sent), "header"), strings.Join(sent, ", "))
}

// sendsNull reports whether an explicit null for the argument k goes to
// the API: k is a field of a JSON object body whose schema takes null as a
// value of its own. A null default says null is what leaving it out means
// (FastAPI writes one for every optional field, and strict clients send
// null for every field they leave out): such a null is "not set", as
// elsewhere.
func (t *tool) sendsNull(k string, props map[string]any) bool {
	if t.in == nil || t.op == nil || t.op.Body == nil || !client.SendsJSON(t.op.Body.ContentType) {
		return false
	}
	b, ok := t.in.bindings[k]
	if !ok || b.In != inBody || b.Whole {
		return false
	}
	p, _ := props[k].(map[string]any)
	if d, has := p["default"]; has && d == nil {
		return false
	}
	return takesNull(p)
}

// takesNull reports whether a schema takes null, as the validator reads it:
// its type allows null (or it has none), and so do its enum and const when
// it has them. A schema that says nothing, {}, does not count: there null
// is more likely "not set" than a value.
func takesNull(s map[string]any) bool {
	typed := false
	switch t := s["type"].(type) {
	case string:
		typed = t == "null"
	case []any:
		typed = slices.Contains(t, any("null"))
	}
	_, hasType := s["type"]
	e, hasEnum := s["enum"].([]any)
	c, hasConst := s["const"]
	if (typed || !hasType) && (hasEnum || hasConst || typed) {
		return (!hasEnum || slices.Contains(e, any(nil))) && (!hasConst || c == nil)
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		l, _ := s[k].([]any)
		for _, m := range l {
			if m, ok := m.(map[string]any); ok && takesNull(m) {
				return true
			}
		}
	}
	return false
}

// check runs the compiled schema on args.
func (t *tool) check(name string, args map[string]any) string {
	if err := t.resolved.Validate(numbers(args)); err != nil {
		msg := validationMessage(err.Error())
		if k := t.otherArgument(err.Error(), args); k != "" {
			msg = fmt.Sprintf("argument %q: %s", k, msg)
		}
		return fmt.Sprintf("invalid arguments for %s: %s", name, prose.Cut(msg, maxValidationMessage))
	}
	return ""
}

// otherArgument names the argument that broke the schema of the arguments
// the tool does not list (a body that takes other properties of a schema:
// additionalProperties), whose message from the validator names none: the
// first, by name, refused beside the listed ones. "" when the message is
// about something else.
func (t *tool) otherArgument(msg string, args map[string]any) string {
	if path, _ := innermost(msg); path != "/additionalProperties" {
		return ""
	}
	props, _ := t.checkSchema()["properties"].(map[string]any)
	listed := map[string]any{}
	var others []string
	for k, v := range args {
		if _, ok := props[k]; ok {
			listed[k] = v
		} else {
			others = append(others, k)
		}
	}
	sort.Strings(others)
	for _, k := range others {
		one := maps.Clone(listed)
		one[k] = args[k]
		if t.resolved.Validate(numbers(one)) != nil {
			return k
		}
	}
	return ""
}

// resolveSchema compiles a tool schema for validation. A schema the
// validator cannot compile (a pattern in a regexp dialect Go lacks) is
// retried without patterns; if that fails too, calls go unvalidated.
func resolveSchema(schema map[string]any) (*schemaCheck, error) {
	r, err := compileSchema(schema)
	if err == nil {
		return r, nil
	}
	r, err2 := compileSchema(withoutPatterns(schema))
	if err2 == nil {
		return r, nil
	}
	return nil, fmt.Errorf("compiling the input schema: %w", err)
}

// compileSchema resolves a schema map with the JSON Schema validator, its
// numbers exact (see schemaCheck).
func compileSchema(m map[string]any) (*schemaCheck, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	c := &schemaCheck{}
	exactNumbers(&s, m, nil, true, &c.bounds)
	if c.resolved, err = s.Resolve(nil); err != nil {
		return nil, err
	}
	return c, nil
}

// withoutPatterns returns a copy of a schema with every pattern keyword
// removed.
func withoutPatterns(v any) map[string]any {
	m, _ := stripKey(v, "pattern").(map[string]any)
	return m
}

func stripKey(v any, key string) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if k == key {
				if _, isString := e.(string); isString {
					continue
				}
			}
			out[k] = stripKey(e, key)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = stripKey(e, key)
		}
		return out
	}
	return v
}

var rePropPath = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`/properties/([^/]+)|/items(/\d+)?|/prefixItems/(\d+)|/(anyOf|oneOf|allOf)/\d+|/additionalProperties`)
})

// validationMessage turns a validator error ("validating root: validating
// /properties/page: type: 1.5 has type \"number\", want \"integer\"") into
// one that names the argument: `argument "page": 1.5 has type "number",
// want "integer"`.
func validationMessage(msg string) string {
	path, msg := innermost(msg)
	msg = plainChoice(path, msg)
	field := fieldOf(path)
	if field == "" {
		return msg
	}
	return fmt.Sprintf("argument %q: %s", field, msg)
}

// innermost splits a validator error into the schema path it names last
// ("/properties/a/items") and what it says there.
func innermost(msg string) (path, rest string) {
	const marker = "validating "
	for strings.HasPrefix(msg, marker) {
		rest := msg[len(marker):]
		i := strings.Index(rest, ": ")
		if i < 0 {
			break
		}
		path = rest[:i]
		msg = rest[i+2:]
	}
	return path, msg
}

// fieldOf is the dotted argument path a schema path names ("a.b[]", a
// tuple's position "a[0]"), "" for the root.
func fieldOf(path string) string {
	var field []string
	for _, m := range rePropPath().FindAllStringSubmatch(path, -1) {
		switch {
		case m[1] != "":
			field = append(field, strings.ReplaceAll(strings.ReplaceAll(m[1], "~1", "/"), "~0", "~"))
		case strings.HasPrefix(m[0], "/items"):
			if len(field) > 0 {
				field[len(field)-1] += "[]"
			}
		case m[3] != "":
			// A tuple's position: its index, counted from 0.
			if len(field) > 0 {
				field[len(field)-1] += "[" + m[3] + "]"
			}
		}
	}
	return strings.Join(field, ".")
}

// plainChoice is msg, said at the schema path path, as a model reads it:
// a value that fits none of the forms a choice (anyOf, or a oneOf the
// loader made one) takes is told what each form found wrong, numbered,
// each by the field it concerns (`matches none of the 2 forms it takes:
// (1) required: missing properties: ["price"]; (2) "price_data":
// required: …`), in place of the validator's "did not validate against any
// of [<anonymous schema> …]" and a line per form naming its schema path.
func plainChoice(path, msg string) string {
	const anyOf = "anyOf: did not validate against any of "
	list, ok := strings.CutPrefix(msg, anyOf)
	_, lines, found := strings.Cut(list, ":\n")
	if !ok || !found || path == "" {
		return plainType(plainBound(msg))
	}
	// One line per form, "validating PATH/anyOf/N: …"; the lines after
	// it that do not open another form are its own (a choice within it).
	prefix := "validating " + strings.TrimPrefix(path, "root") + "/anyOf/"
	var forms, owns []string
	for _, line := range strings.Split(lines, "\n") {
		if rest, isForm := strings.CutPrefix(line, prefix); isForm {
			if n, _, hasColon := strings.Cut(rest, ": "); hasColon && n != "" && strings.Trim(n, "0123456789") == "" {
				forms = append(forms, line)
				owns = append(owns, prefix[len("validating "):]+n)
				continue
			}
		}
		if len(forms) == 0 {
			return plainType(plainBound(msg))
		}
		forms[len(forms)-1] += "\n" + line
	}
	parts := make([]string, len(forms))
	for i, f := range forms {
		p, m := innermost(f)
		m = plainChoice(p, m)
		if field := fieldOf(strings.TrimPrefix(p, owns[i])); field != "" {
			m = fmt.Sprintf("%q: %s", field, m)
		}
		parts[i] = fmt.Sprintf("(%d) %s", i+1, m)
	}
	return fmt.Sprintf("matches none of the %d forms it takes: %s", len(forms), strings.Join(parts, "; "))
}

// reBound matches the validator's message for a number out of bounds,
// its numbers written as fractions and fixed-point ("minimum: 0/1 is less
// than 1.000000", "exclusiveMinimum: 0/1 is less than or equal to
// 0.000000").
var reBound = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(minimum|maximum|exclusiveMinimum|exclusiveMaximum): (\S+) is (?:less|greater) than (?:or equal to )?(\S+)$`)
})

// boundWords say each bound as a model reads it.
var boundWords = map[string]string{
	"minimum": "at least", "maximum": "at most",
	"exclusiveMinimum": "greater than", "exclusiveMaximum": "less than",
}

// plainBound rewrites a bound's message as a model reads it: "must be at
// least 1 (got 0)", "must be greater than 0 (got 0)".
func plainBound(msg string) string {
	m := reBound().FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	return fmt.Sprintf("must be %s %s (got %s)", boundWords[m[1]], plainNumber(m[3]), plainNumber(m[2]))
}

// reType matches the validator's message for a wrong type of null or of
// a whole number past float64's digits, whose value it prints as Go
// formats it: "<invalid reflect.Value>", 1.2345678901234567e+19; and of an
// object or array, printed as a Go map or slice ("map[a:1]").
var reType = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^type: (?:<invalid reflect\.Value>|[-0-9.]+e[-+]?[0-9]+) (has type "(?:null|integer)", want .*)$|(?s)^type: .*? (has type "(?:object|array)", want .*)$`)
})

// plainType is such a message without the value: `has type "null", want
// "string"`.
func plainType(msg string) string {
	if m := reType().FindStringSubmatch(msg); m != nil {
		return m[1] + m[2]
	}
	return msg
}

// plainNumber writes a fraction or a fixed-point number shortly: 1, 2.5,
// 1e+300; a whole number of up to 20 digits exactly (9007199254740993).
func plainNumber(s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return s
	}
	if n := r.Num(); r.IsInt() && len(n.String()) <= 21 {
		return n.String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// numbers returns a copy of v with every json.Number as an int64 (when it
// is one) or a float64, the values the validator understands; the
// arguments sent keep the numbers as written.
func numbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t.String()
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = numbers(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = numbers(e)
		}
		return out
	}
	return v
}
