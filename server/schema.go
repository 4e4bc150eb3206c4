package server

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/internal/fieldnote"
	"github.com/restmcp/restmcp/internal/prose"
)

// Argument locations. A binding with In == inBody and Whole set carries the
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
	Name string // wire name ("" is a name: JSON allows a property called so)
	// Whole, with inBody, is the whole request body rather than one of
	// its properties.
	Whole bool
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
	"contentMediaType": true,
}

// cleanSchema returns a copy of s with only schemaKeywords, descriptions
// shortened, and no deeper than maxSchemaDepth. Data keywords (enum, const,
// default) are copied as they are; property names are kept whatever they
// are (a property may be called "$ref"). A node the loader cut
// (client.CutKey) says so in its description.
func cleanSchema(s map[string]any, depth int) map[string]any {
	out := make(map[string]any, len(s))
	if depth > maxSchemaDepth {
		return out
	}
	// Notes are added once the description is in place.
	var notes []string
	for k, v := range s {
		if !schemaKeywords[k] {
			continue
		}
		switch k {
		case "description":
			setDescription(out, v, depth)
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
				notes = append(notes, enumNote(l))
			}
			out[k] = v
		default:
			out[k] = v
		}
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

// structured reports whether a schema has fields worth cutting: its own
// properties or those of its items. A choice (anyOf, oneOf, allOf) is not
// cut itself: its alternatives are, so that the types stay listed.
func structured(s map[string]any) bool {
	if _, ok := s["properties"]; ok {
		return true
	}
	if _, ok := s["additionalProperties"].(map[string]any); ok {
		return true
	}
	items, ok := s["items"].(map[string]any)
	return ok && structured(items)
}

// setDescription sets the description of a schema copy at the given depth
// from v, shortened, when v is a string that says something.
func setDescription(out map[string]any, v any, depth int) {
	if d, ok := v.(string); ok {
		if d = descriptionAt(d, depth); d != "" {
			out["description"] = d
		}
	}
}

// descriptionAt shortens a description for a schema at the given depth:
// an argument's first sentences, a nested field's first sentence.
func descriptionAt(d string, depth int) string {
	if depth > 0 {
		return prose.Sentence(d, 0, nestedDescMax)
	}
	return prose.Sentence(d, paramDescWant, paramDescMax)
}

// plainWords say nothing about an argument that its name does not.
var plainWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a an the of for to this that is are in on by with and or its it be will which parameter value given specified unique identifier id ids object number string list request") {
		plainWords[w] = true
	}
}

// restates reports whether a description only restates an argument's
// name ("team_slug parameter", "The ID of the file." for file, "The
// request body" for body): every word of it is a word of the name (or
// its plural) or a plain word.
func restates(name, d string) bool {
	return restatesIn(name, d, nil)
}

// restatesIn is restates, the words of the context (the operation's own,
// see toolContext) counting as the name's when the description says the
// name too: "Unique identifier of the self-hosted runner group." for
// runner_group_id says nothing the tool's summary "Add repository access to
// a self-hosted runner group" does not, while "An organization ID." for
// since, "The comment to delete." for id say which value to send.
func restatesIn(name, d string, context map[string]bool) bool {
	words := map[string]bool{}
	for _, w := range nameWords(name) {
		if !plainWords[w] {
			words[strings.TrimSuffix(w, "s")] = true
		}
	}
	f := proseWords(d)
	if len(f) == 0 {
		return false
	}
	said, usedContext := map[string]bool{}, false
	for _, w := range f {
		if plainWords[w] || w == "s" { // "s" of "customer's"
			continue
		}
		w = strings.TrimSuffix(w, "s")
		switch {
		case words[w]:
			said[w] = true
		case context[w]:
			usedContext = true
		default:
			return false
		}
	}
	// In the operation's words, a description that does not say the
	// name's may say what the name does not.
	return !usedContext || len(words) > 0 && len(said) == len(words)
}

// saidBy reports whether a tool's name and the rest of its description say
// every word of a summary that is not a plain word (in a form baseWord
// takes to its own: "adds" says "add", "org" says "organization").
func saidBy(summary, name, desc string) bool {
	have := map[string]bool{}
	for _, w := range nameWords(name) {
		have[baseWord(w)] = true
	}
	for _, w := range proseWords(desc) {
		have[baseWord(w)] = true
	}
	words := proseWords(summary)
	for _, w := range words {
		if !plainWords[w] && !have[baseWord(w)] {
			return false
		}
	}
	return len(words) > 0
}

// proseWords are the lower-case words of a text.
func proseWords(d string) []string {
	return strings.FieldsFunc(strings.ToLower(d), func(r rune) bool { return !isLower(byte(r)) && !isDigit(byte(r)) || r >= 0x80 })
}

// toolContext are the words a tool says of its operation besides its
// arguments: those of its operationId (its name), its path and its summary
// (which opens its description), in the singular.
func toolContext(op *client.Operation) map[string]bool {
	out := map[string]bool{}
	for _, list := range [][]string{nameWords(op.ID), nameWords(op.Path), proseWords(op.Summary)} {
		for _, w := range list {
			out[strings.TrimSuffix(w, "s")] = true
		}
	}
	return out
}

// cutNote says that a node's fields are not listed.
func cutNote(note string) string {
	if note != "" {
		return "(" + note + "; fields not listed)"
	}
	return "(fields not listed)"
}

// appendNote adds a note to a schema's description.
func appendNote(s map[string]any, note string) {
	if note == "" {
		return
	}
	if d, _ := s["description"].(string); d != "" {
		note = d + " " + note
	}
	s["description"] = note
}

// argName turns a wire name into a property name every model API accepts
// (^[a-zA-Z0-9_.-]{1,64}$): comparison suffixes become words (StartTime< →
// StartTime_lt, created>= → created_gte), a trailing [] goes (include[] →
// include), brackets become underscores (filter[name] → filter_name), other
// characters become "_" (accented Latin letters read as theirs: prénom →
// prenom, see foldLatin).
func argName(wire string) string {
	s := foldLatin(wire)
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

// skippedHeaders are header parameters restmcp sets itself (Host: the
// API's address, whatever a request's headers say).
var skippedHeaders = map[string]bool{
	"authorization": true, "content-type": true, "accept": true,
	"user-agent": true, "content-length": true, "host": true,
}

// inputSchema is the merged input schema of one operation.
type inputSchema struct {
	// listed is what tools/list shows (listedSchema of the checked schema,
	// with large bodies listed less deep).
	listed   map[string]any
	bindings map[string]binding
	// extraBody names no property: when true, arguments that match no
	// property go into the body (the body schema allows any property).
	extraBody bool
	// additional is the root's additionalProperties when extraBody is set.
	additional any
	// skipped lists parameters left out (cookies, auth headers).
	skipped []string
	// fields names the field selection argument ("" when there is none;
	// see fields.go).
	fields string
	// shared are the arguments whose description is said once, in the
	// instructions, rather than in this tool's listing (see shareArgs).
	shared []sharedArg
	// clears is set when the listing leaves out that an argument may be
	// "" to clear it (see unclear): the instructions say it once.
	clears bool
	// summarised names the body arguments the listing gives with some
	// of their nested fields by name alone (see fitBody).
	summarised []string

	// op and fills build the checked schema on the first call.
	op     *client.Operation
	fills  func(*client.Param) bool
	once   sync.Once
	schema map[string]any
}

// checked returns the schema that checks calls, every constraint the
// loader handed over, built on the first call: starting needs only the
// listed one.
func (in *inputSchema) checked() map[string]any {
	in.once.Do(func() {
		if in.schema == nil {
			in.schema = mergeInput(in.op, in.fills, true).schema
		}
	})
	return in.schema
}

// buildInput merges the path, query, header and body parameters of op into
// one object schema, as tools/list shows it; the schema that checks calls
// is made by checked. Names are claimed in that order, so on a clash the
// later location is prefixed (body id beside path id → body_id). A
// parameter the credential fills (fills, when set) is not an argument.
func buildInput(op *client.Operation, fills func(*client.Param) bool) *inputSchema {
	return mergeInput(op, fills, false)
}

// mergeInput is buildInput, making the listed schema, or with check the
// schema that checks calls instead.
func mergeInput(op *client.Operation, fills func(*client.Param) bool, check bool) *inputSchema {
	in := &inputSchema{bindings: map[string]binding{}, op: op, fills: fills}
	// props are the arguments' schemas: listed, or checked with check.
	props := map[string]any{}
	shape := listedClean
	if check {
		shape = cleanSchema
	}
	var required []string
	var bodyArgs []bodyArg
	claim := func(wire, loc string) string {
		name := argName(wire)
		if _, taken := props[name]; !taken {
			return name
		}
		// A wire name with no character a name keeps ("", "$") is
		// prefixed as "param": body "" beside body param → body_param,
		// not body, the name of a whole body.
		prefixed := argName(loc + "_" + name)
		name = prefixed
		for i := 2; ; i++ {
			if _, taken := props[name]; !taken {
				break
			}
			name = fmt.Sprintf("%s_%d", prefixed, i)
		}
		return name
	}
	for _, loc := range []string{inPath, inQuery, inHeader, inCookie} {
		for _, p := range op.Params {
			if p.In != loc {
				continue
			}
			if fills != nil && fills(p) || loc == inHeader && skippedHeaders[strings.ToLower(p.Name)] {
				in.skipped = append(in.skipped, loc+" "+p.Name)
				continue
			}
			name := claim(p.Name, loc)
			ps := shape(p.Schema, 0)
			if d := prose.Sentence(p.Description, paramDescWant, paramDescMax); d != "" {
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
		bodySchema, textNote := b.Schema, ""
		asText := client.SendsText(b.ContentType) && !scalarSchema(b.Schema)
		if asText {
			// Sent as the text given (XML, CSV…): restmcp writes no such
			// format from an object, so the body is that text.
			bodySchema, textNote = map[string]any{"type": "string"}, textFields(b.Schema)
		}
		bp, breq, extra, ok := objectProperties(bodySchema)
		multipart := multipartBody(b.ContentType)
		if ok && len(bp) > 0 {
			names := make([]string, 0, len(bp))
			for n := range bp {
				names = append(names, n)
			}
			sort.Strings(names)
			if len(names) > 1 && names[0] == "" {
				// A property named "" (JSON allows it) is named after
				// the others, which keep their own names.
				names = append(names[1:], "")
			}
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
				arg := bodyArg{name: name, schema: ps, level: 1, files: multipart}
				bodyArgs = append(bodyArgs, arg)
				props[name] = arg.clean(shape)
				in.bindings[name] = binding{In: inBody, Name: wire}
				if b.Required && isReq[wire] {
					required = append(required, name)
				}
			}
			in.extraBody = extra
			if extra && check {
				// Other arguments are welcome (the listing cannot say so:
				// operationTool's description does).
				if ap, isSchema := bodySchema["additionalProperties"].(map[string]any); isSchema {
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
			desc := prose.Brief(b.Description, bodyDescMax, bodyDescMax)
			if desc == "" && asText {
				desc = prose.Brief(str(b.Schema["description"]), bodyDescMax, bodyDescMax)
			}
			if desc == "" {
				desc = "The request body"
			}
			if b.ContentType != "" && !strings.Contains(b.ContentType, "json") && !strings.Contains(b.ContentType, "*") {
				desc += " (sent as " + b.ContentType + ")"
			}
			arg := bodyArg{name: name, schema: bodySchema, desc: desc, note: textNote}
			if rawBytes(b.ContentType) && !isFile(bodySchema) {
				// A file's bytes (an upload's octet-stream, */*) travel as
				// a data: URI, as a file field's do.
				arg.note = binaryNote
			}
			bodyArgs = append(bodyArgs, arg)
			props[name] = arg.clean(shape)
			in.bindings[name] = binding{In: inBody, Whole: true}
			if b.Required {
				required = append(required, name)
			}
		}
	}
	context := toolContext(op)
	for name, p := range props {
		if ps, ok := p.(map[string]any); ok && restatesIn(name, str(ps["description"]), context) {
			delete(ps, "description")
		}
	}
	if selects(op) {
		in.fields = addFields(props)
	}
	root := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		// Every required name is a property: listedSchema keeps them all.
		req := make([]any, len(required))
		for i, r := range required {
			req[i] = r
		}
		root["required"] = req
	}
	if check {
		if in.additional != nil {
			root["additionalProperties"] = in.additional
		}
		in.schema = root
		return in
	}
	// listedSchema of the checked root: its properties are listed already,
	// additionalProperties is not listed.
	in.listed = root
	plainDescriptions(root)
	in.clears = unclear(root)
	in.summarised = fitBody(in.listed, bodyArgs)
	return in
}

// scalarSchema reports whether s takes only scalars (strings, numbers,
// booleans, maybe null): a value a text body is written from as it is.
func scalarSchema(s map[string]any) bool {
	var types []string
	switch t := s["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		types = stringList(t)
	}
	if len(types) == 0 {
		return false
	}
	for _, t := range types {
		switch t {
		case "string", "integer", "number", "boolean", "null":
		default:
			return false
		}
	}
	return true
}

// textFields names the fields of a body sent as text whose schema
// declares them (an XML object): "(fields: id, name)"; "" when it declares
// none. The body is a string: the note keeps its words, as braces on a
// string could be the description's own.
func textFields(s map[string]any) string {
	if _, isObj := s["properties"].(map[string]any); !isObj && s["items"] == nil {
		return ""
	}
	names, items, ok := noteFields(s)
	switch {
	case !ok || names == "":
		return ""
	case items:
		return "(items' fields: " + names + ")"
	}
	return "(fields: " + names + ")"
}

// bodyArg is an argument that carries the request body or one of its
// properties.
type bodyArg struct {
	name   string
	schema map[string]any
	// level is the nesting level of schema in the body (1 for a property).
	level int
	// desc is the description used when schema has none.
	desc string
	// note ends the description (binaryNote for a raw body).
	note string
	// files is set for a field of a multipart body: a file there (the
	// field, or each of its items) may be given a name (fileNote).
	files bool
}

// clean returns the argument's schema shaped (cleanSchema or listedClean).
func (a bodyArg) clean(shape func(map[string]any, int) map[string]any) map[string]any {
	var s map[string]any
	if a.schema != nil {
		s = shape(a.schema, 0)
	} else {
		s = map[string]any{}
	}
	if _, has := s["description"]; !has && a.desc != "" {
		s["description"] = a.desc
	}
	if a.note != "" && !strings.HasSuffix(str(s["description"]), a.note) {
		appendNote(s, a.note)
	}
	if a.files {
		nameFiles(s, a.schema)
	}
	return s
}

// nameFiles ends the description of each file in out, a multipart body
// field's shaped schema (the field, or its items, as schema declares
// them), with fileNote in place of binaryNote. A file that is the one
// alternative to null of an anyOf or oneOf (FastAPI's optional upload,
// `UploadFile | None`, and an optional list of them) is sent as a file
// (client.NullChoice) and listed as one: the note ends the description of
// the field (or of its items), not the alternative's.
func nameFiles(out, schema map[string]any) {
	items, _ := orNullSchema(schema)["items"].(map[string]any)
	outItems, _ := orNullSchema(out)["items"].(map[string]any)
	for _, n := range [][2]map[string]any{{out, schema}, {outItems, items}} {
		if n[0] == nil || n[1] == nil || !isFile(orNullSchema(n[1])) || strings.HasSuffix(str(n[0]["description"]), fileNote) {
			continue
		}
		dropNote(client.NullChoice(n[0]), binaryNote)
		dropNote(n[0], binaryNote)
		appendNote(n[0], fileNote)
	}
}

// orNullSchema is client.NullChoice's alternative of s when it has one,
// else s.
func orNullSchema(s map[string]any) map[string]any {
	if alt := client.NullChoice(s); alt != nil {
		return alt
	}
	return s
}

// dropNote takes note off the end of s's description (the description
// goes when nothing else is left of it); s may be nil.
func dropNote(s map[string]any, note string) {
	d, ok := s["description"].(string)
	if !ok || !strings.HasSuffix(d, note) {
		return
	}
	if d = strings.TrimSpace(strings.TrimSuffix(d, note)); d == "" {
		delete(s, "description")
	} else {
		s["description"] = d
	}
}

// multipartBody reports whether a body of content type ct is
// multipart/form-data.
func multipartBody(ct string) bool {
	mt, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(ct)), ";")
	return strings.TrimSpace(mt) == "multipart/form-data"
}

// rawBytes reports whether a body of content type ct is sent as the bytes
// given, which may be a file's (client.encodeBody): not JSON, a form,
// text or XML.
func rawBytes(ct string) bool {
	mt, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(ct)), ";")
	switch {
	case mt == "", strings.Contains(mt, "json"), strings.Contains(mt, "xml"), strings.HasPrefix(mt, "text/"),
		mt == "application/x-www-form-urlencoded", mt == "multipart/form-data":
		return false
	}
	return true
}

// bodyBudget is the size in bytes of listed JSON above which a request
// body is listed less deep, so that a few huge operations (Stripe's
// issuing cardholders and payment intents, Box's AI agents) do not
// dominate the tool list: first one nested level less at a time, then its
// optional object arguments by their field names, then the required ones.
// The operations layout's describe tool shows what was left out (see
// describeOps), and calls are still checked against the whole body.
const bodyBudget = 2 << 10

// listedDepth is the deepest level of a body the loader inlines.
const listedDepth = 4

// fitBody lists the body arguments of listed less deep while they take
// more than bodyBudget, an object below the cut by its type, description
// and field names (fieldsNote). It returns the arguments it listed with
// fewer fields, sorted (none when no argument has a level to cut: a body
// of plain values over the budget is listed whole).
func fitBody(listed map[string]any, args []bodyArg) []string {
	if len(args) == 0 {
		return nil
	}
	props := listed["properties"].(map[string]any)
	size := func(props map[string]any) int {
		n := 0
		for _, a := range args {
			n += jsonSize(props[a.name], bodyBudget+1-n)
			if n > bodyBudget {
				break
			}
		}
		return n
	}
	if size(props) <= bodyBudget {
		return nil
	}
	full := make(map[string]any, len(args))
	for _, a := range args {
		full[a.name] = props[a.name]
	}
	cut := make(map[string]bool)
	fit := func(a bodyArg, level int) {
		if cutsAny(full[a.name].(map[string]any), a.level, level) {
			props[a.name] = cutListed(full[a.name].(map[string]any), a.level, level)
			cut[a.name] = true
		}
	}
	fits := false
	for level := listedDepth - 1; level >= 1 && !fits; level-- {
		for _, a := range args {
			fit(a, level)
		}
		fits = size(props) <= bodyBudget
	}
	// What a call must send keeps its shape longest.
	required := stringList(listed["required"])
	for _, optional := range []bool{true, false} {
		if fits {
			break
		}
		for _, a := range args {
			if !optional || !slices.Contains(required, a.name) {
				fit(a, 0)
			}
		}
		fits = size(props) <= bodyBudget
	}
	return slices.Sorted(maps.Keys(cut))
}

// cutListed returns a copy of a listed schema at the given level of a body
// whose structured nodes below the cut level are replaced by their type and
// description with a note (the members of anyOf, oneOf and allOf do not
// count as levels, as in the loader).
func cutListed(s map[string]any, level, cut int) map[string]any {
	if level > cut && structured(s) {
		out := map[string]any{}
		switch t := s["type"].(type) {
		case string:
			out["type"] = t
			if t == "array" {
				out["items"] = map[string]any{}
			}
		default:
			if s["properties"] != nil {
				out["type"] = "object"
			}
		}
		if d, _ := s["description"].(string); d != "" {
			out["description"] = d
		}
		appendNote(out, fieldsNote(s, out))
		return out
	}
	out := make(map[string]any, len(s))
	for k, v := range s {
		switch k {
		case "properties":
			m := v.(map[string]any)
			props := make(map[string]any, len(m))
			for name, p := range m {
				props[name] = cutBelow(p.(map[string]any), level+1, cut)
			}
			v = props
		case "items":
			v = cutBelow(v.(map[string]any), level+1, cut)
		case "anyOf", "oneOf", "allOf":
			l := v.([]any)
			list := make([]any, len(l))
			for i, e := range l {
				list[i] = cutBelow(e.(map[string]any), level, cut)
			}
			v = list
		}
		out[k] = v
	}
	return out
}

// cutBelow is cutListed for a node inside the copy cutListed makes: a
// node that nothing is cut from is kept, not copied (the copy is the
// only holder of what it is built from).
func cutBelow(s map[string]any, level, cut int) map[string]any {
	if !cutsAny(s, level, cut) {
		return s
	}
	return cutListed(s, level, cut)
}

// cutsAny reports whether cutListed would summarise s or a node below it.
func cutsAny(s map[string]any, level, cut int) bool {
	if level > cut && structured(s) {
		return true
	}
	for k, v := range s {
		switch k {
		case "properties":
			for _, p := range v.(map[string]any) {
				if cutsAny(p.(map[string]any), level+1, cut) {
					return true
				}
			}
		case "items":
			if cutsAny(v.(map[string]any), level+1, cut) {
				return true
			}
		case "anyOf", "oneOf", "allOf":
			for _, e := range v.([]any) {
				if cutsAny(e.(map[string]any), level, cut) {
					return true
				}
			}
		}
	}
	return false
}

// maxNamedFields is how many field names the note of a summarised node
// gives (required ones always).
const maxNamedFields = 12

// fieldsNote is the note of a node listed without its fields as out,
// which holds its type (and an array's empty items), in braces as a JSON
// value would hold them: "{city, country, line1}" for an object,
// "[{price, quantity}]" for an array of objects, required fields first
// ("{required day, month, year; optional tz}"). Required fields are always
// named; beyond maxNamedFields, optional ones are counted ("; 3 more").
// Where out's shape or a field's name would not let the note be read back
// as one (bracedNote), it is "(fields: …)" or "(items' fields: …)". It is
// "" for an object that has no fields, cutNote("") for one whose fields
// are not known.
func fieldsNote(s, out map[string]any) string {
	names, items, ok := noteFields(s)
	switch {
	case !ok:
		return cutNote("")
	case names == "":
		return ""
	}
	note, words := "{"+names+"}", "(fields: "+names+")"
	if items {
		note, words = "[{"+names+"}]", "(items' fields: "+names+")"
	}
	if bracedNote(map[string]any{"type": out["type"], "items": out["items"], "description": note}) != note {
		return words
	}
	return note
}

// noteFields is what a note says of the fields of a node listed without
// them (its items' fields, with items, for an array): "city, country",
// "required day, month; optional tz; 3 more"; "" for an object with no
// fields; ok is false when their names are not known.
func noteFields(s map[string]any) (names string, items, ok bool) {
	props, _ := s["properties"].(map[string]any)
	req := stringList(s["required"])
	if it, isMap := s["items"].(map[string]any); isMap && props == nil {
		props, _ = it["properties"].(map[string]any)
		req = stringList(it["required"])
		items = true
	}
	if len(props) == 0 {
		// An object with no fields (Stripe's payment method types that
		// take no settings: afterpay_clearpay {}) has none to leave out.
		return "", items, props != nil
	}
	isReq := map[string]bool{}
	for _, r := range req {
		isReq[r] = true
	}
	optional := make([]string, 0, len(props))
	for n := range props {
		if !isReq[n] {
			optional = append(optional, n)
		}
	}
	sort.Strings(optional)
	more := 0
	if room := maxNamedFields - len(req); len(optional) > max(room, 0) {
		more = len(optional) - max(room, 0)
		optional = optional[:max(room, 0)]
	}
	var parts []string
	if len(req) > 0 {
		parts = append(parts, "required "+strings.Join(req, ", "))
	}
	if len(optional) > 0 {
		l := strings.Join(optional, ", ")
		if len(req) > 0 {
			l = "optional " + l
		}
		parts = append(parts, l)
	}
	if more > 0 {
		parts = append(parts, fmt.Sprintf("%d more", more))
	}
	return strings.Join(parts, "; "), items, true
}

// bracedNote is the note in braces (fieldnote.At) that ends the
// description of a node listed without its fields (fieldsNote), or "":
// only on the shape such a node is listed with and only the names, as
// fieldsNote writes them. A description that merely ends in braces is no
// note (and plainDescriptions keeps a listing's own from reading as one).
func bracedNote(s map[string]any) string {
	note, _ := fieldnote.At(s, str(s["description"]))
	return note
}

// plainDescriptions ends with a full stop the description of a node of
// listed (and of those under it) that would read as a note in braces
// (bracedNote) without being one: the listing's braces notes are those
// fieldsNote writes.
func plainDescriptions(listed map[string]any) {
	if bracedNote(listed) != "" {
		listed["description"] = str(listed["description"]) + "."
	}
	for k, v := range listed {
		switch k {
		case "properties":
			for _, p := range v.(map[string]any) {
				if m, ok := p.(map[string]any); ok {
					plainDescriptions(m)
				}
			}
		case "items":
			if m, ok := v.(map[string]any); ok {
				plainDescriptions(m)
			}
		case "anyOf", "oneOf", "allOf":
			for _, e := range v.([]any) {
				if m, ok := e.(map[string]any); ok {
					plainDescriptions(m)
				}
			}
		}
	}
}

// jsonSize estimates the size of v encoded as compact JSON (exact for plain
// ASCII strings), stopping once it exceeds limit.
func jsonSize(v any, limit int) int {
	switch x := v.(type) {
	case nil:
		return 4
	case bool:
		if x {
			return 4
		}
		return 5
	case string:
		return len(x) + 2
	case map[string]any:
		n := 2
		for k, e := range x {
			n += len(k) + 4 + jsonSize(e, limit-n)
			if n > limit {
				return n
			}
		}
		return n
	case []any:
		n := 2
		for _, e := range x {
			n += 1 + jsonSize(e, limit-n)
			if n > limit {
				return n
			}
		}
		return n
	default:
		return len(fmt.Sprint(x))
	}
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
