package client

import (
	"context"
	"encoding/json"
	"testing"
)

// convertJSON converts one schema written as JSON; components/schemas of
// the same document may be referenced as #/components/schemas/Name.
func convertJSON(t *testing.T, schema string, components string, lim schemaLimits) map[string]any {
	t.Helper()
	var root any
	doc := `{"components":{"schemas":` + components + `},"s":` + schema + `}`
	if err := json.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatalf("bad test document: %v", err)
	}
	docs := newDocSet(context.Background(), newFetcher(LoadOptions{}))
	docs.docs["mem"] = document{root: root, loc: "mem"}
	out, err := newConverter(docs, true, lim).root(root.(map[string]any)["s"], "mem")
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	return out
}

func TestConvertSchema(t *testing.T) {
	tests := []struct {
		name, schema, components, want string
	}{
		{"nullable without type wraps in anyOf",
			`{"nullable":true,"description":"d","properties":{"a":{"type":"string"}},"allOf":[{"type":"object"},{"type":"string"}]}`, `{}`,
			`{"description":"d","anyOf":[{"allOf":[{"type":"object"},{"type":"string"}],"properties":{"a":{"type":"string"}}},{"type":"null"}]}`},
		{"nullable anyOf gains a null branch",
			`{"nullable":true,"anyOf":[{"type":"string"},{"type":"integer"}]}`, `{}`,
			`{"anyOf":[{"type":"string"},{"type":"integer"},{"type":"null"}]}`},
		{"exclusiveMinimum boolean becomes the bound",
			`{"type":"number","minimum":0,"exclusiveMinimum":true,"maximum":9,"exclusiveMaximum":false}`, `{}`,
			`{"type":"number","exclusiveMinimum":0,"maximum":9}`},
		{"allOf of an object and a string is kept",
			`{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"string","minLength":1}]}`, `{}`,
			`{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"string","minLength":1}]}`},
		{"allOf of two objects is merged",
			`{"description":"outer","allOf":[{"$ref":"#/components/schemas/A"},{"type":"object","required":["b"],"properties":{"b":{"type":"integer"}},"additionalProperties":false}]}`,
			`{"A":{"type":"object","description":"A.","required":["a"],"properties":{"a":{"type":"string"}},"additionalProperties":false}}`,
			`{"type":"object","description":"outer","required":["a","b"],"properties":{"a":{"type":"string"},"b":{"type":"integer"}}}`},
		{"single anyOf member is folded in",
			`{"description":"x","anyOf":[{"$ref":"#/components/schemas/A"}]}`, `{"A":{"type":"string","format":"uuid"}}`,
			`{"description":"x","type":"string","format":"uuid"}`},
		{"oneOf becomes anyOf",
			`{"oneOf":[{"type":"string"},{"type":"integer"}]}`, `{}`,
			`{"anyOf":[{"type":"string"},{"type":"integer"}]}`},
		{"long enum kept whole",
			`{"type":"string","description":"Zone.","enum":["a","b","c","d","e","f","g"]}`, `{}`,
			`{"type":"string","description":"Zone.","enum":["a","b","c","d","e","f","g"]}`},
		{"huge maxLength kept, Go-incompatible pattern dropped",
			`{"type":"string","maxLength":5000,"minLength":1,"pattern":"^(?!x)"}`, `{}`,
			`{"type":"string","maxLength":5000,"minLength":1}`},
		{"descriptions handed over as written",
			`{"type":"string","description":"  See [the docs](https://x.example).\n\nA <b>second</b> paragraph, long enough to have been cut before. It goes on and on.  "}`, `{}`,
			`{"type":"string","description":"See [the docs](https://x.example).\n\nA <b>second</b> paragraph, long enough to have been cut before. It goes on and on."}`},
		{"small maxLength and valid pattern kept",
			`{"type":"string","maxLength":34,"pattern":"^AC[0-9a-f]{32}$"}`, `{}`,
			`{"type":"string","maxLength":34,"pattern":"^AC[0-9a-f]{32}$"}`},
		{"default outside its enum dropped",
			`{"type":"string","enum":["a","b"],"default":"c"}`, `{}`,
			`{"type":"string","enum":["a","b"]}`},
		{"default inside its enum kept",
			`{"type":"integer","enum":[1,2],"default":2}`, `{}`,
			`{"type":"integer","enum":[1,2],"default":2}`},
		{"OpenAPI-only keywords dropped",
			`{"type":"object","xml":{"name":"x"},"example":{"a":1},"examples":[1],"discriminator":{"propertyName":"k"},"externalDocs":{"url":"u"},"deprecated":true,"x-extra":1,"title":"T","properties":{"a":{"type":"string","title":"A","writeOnly":true}}}`, `{}`,
			`{"type":"object","properties":{"a":{"type":"string"}}}`},
		{"readOnly removed from properties and required",
			`{"type":"object","required":["id","name"],"properties":{"id":{"$ref":"#/components/schemas/Id"},"name":{"type":"string"}}}`,
			`{"Id":{"type":"string","readOnly":true}}`,
			`{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}`},
		{"depth limit cuts nested objects with their description",
			`{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"object","description":"The b.","properties":{"c":{"type":"string"}}}}}}}`, `{}`,
			`{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"object","description":"The b.","x-restmcp-cut":""}}}}}`},
		{"recursion cut with a note",
			`{"$ref":"#/components/schemas/Node"}`,
			`{"Node":{"type":"object","properties":{"next":{"$ref":"#/components/schemas/Node"}}}}`,
			`{"type":"object","properties":{"next":{"type":"object","x-restmcp-cut":"Node, recursive"}}}`},
		{"primitive past the depth limit kept",
			`{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"array","items":{"type":"string"}}}}}}`, `{}`,
			`{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"array","items":{"type":"string"}}}}}}`},
	}
	lim := schemaLimits{Depth: 1}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jsonEqual(t, tt.name, convertJSON(t, tt.schema, tt.components, lim), tt.want)
		})
	}
}

func TestPickContentType(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"application/xml", "multipart/form-data", "application/x-www-form-urlencoded"}, "application/x-www-form-urlencoded"},
		{[]string{"multipart/form-data", "application/xml"}, "multipart/form-data"},
		{[]string{"application/x-www-form-urlencoded", "application/vnd.api+json"}, "application/vnd.api+json"},
		{[]string{"application/vnd.api+json", "application/json; charset=utf-8"}, "application/json; charset=utf-8"},
		{[]string{"text/plain", "application/octet-stream"}, "text/plain"},
		{[]string{"*/*", "multipart/form-data"}, "*/*"},
	}
	for _, tt := range tests {
		if got := pickContentType(tt.in); got != tt.want {
			t.Errorf("pickContentType(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOrigin(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"https://API.example.com/x", "https://api.example.com:443/y", true},
		{"http://api.example.com", "https://api.example.com", false},
		{"https://api.example.com", "https://api.example.com.evil.test", false},
		{"https://api.example.com:8443/", "https://api.example.com/", false},
		{"/relative", "/relative", false},
	}
	for _, tt := range tests {
		if got := sameOriginURL(tt.a, tt.b); got != tt.same {
			t.Errorf("sameOriginURL(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

// TestYAMLBooleansAsWritten checks that the unquoted booleans of YAML 1.1
// and 1.2 in the enum, const and default of a string schema stand for
// their text as written (the API expects "True", not "true"), also in a
// Swagger 2.0 parameter and a server variable, and stay booleans in a
// boolean schema and everywhere else (required: True).
func TestYAMLBooleansAsWritten(t *testing.T) {
	api := loadString(t, `openapi: 3.0.3
info: {title: bools, version: "1"}
servers:
  - url: http://h/{flag}
    variables:
      flag: {default: False}
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - {name: s, in: query, required: True, schema: {type: string, enum: [True, False, TRUE, true, yes, no, on, off, Y, n, 010], default: False}}
        - {name: c, in: query, schema: {type: string, const: On}}
        - {name: k, in: query, schema: {type: string, enum: [FALSE, Off], nullable: True}}
        - {name: b, in: query, schema: {type: boolean, enum: [True, False], default: TRUE}}
      responses: {default: {description: ok}}
`)
	if api.Servers[0] != "http://h/False" {
		t.Errorf("server %q", api.Servers[0])
	}
	want := map[string]string{
		"s": `{"default":"False","enum":["True","False","TRUE","true","yes","no","on","off","Y","n","010"],"type":"string"}`,
		"c": `{"enum":["On"],"type":"string"}`,
		"k": `{"enum":["FALSE","Off",null],"type":["string","null"]}`,
		"b": `{"default":true,"enum":[true,false],"type":"boolean"}`,
	}
	ps := api.Operations[0].Params
	for _, p := range ps {
		b, err := json.Marshal(p.Schema)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != want[p.Name] {
			t.Errorf("%s: %s\nwant %s", p.Name, b, want[p.Name])
		}
	}
	if !ps[0].Required {
		t.Errorf("required: True is not true")
	}
	swagger := loadString(t, `swagger: "2.0"
info: {title: bools, version: "1"}
host: h
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - {name: s, in: query, type: string, enum: [True, No], default: True}
      responses: {"200": {description: ok}}
`)
	if b, _ := json.Marshal(swagger.Operations[0].Params[0].Schema); string(b) != `{"default":"True","enum":["True","No"],"type":"string"}` {
		t.Errorf("swagger: %s", b)
	}
}

// TestYAMLNumbersAsWritten checks that an unquoted YAML number stands for
// its text as written where text is wanted (a server variable, the enum,
// const and default of a string schema) and for its number elsewhere,
// never reformatted into another string (2023.10 is not 2023.1).
func TestYAMLNumbersAsWritten(t *testing.T) {
	api := loadString(t, `openapi: 3.1.0
info: {title: nums, version: 1.10}
servers:
  - url: http://h/v{version}/{rev}
    variables:
      version: {default: 1.0}
      rev: {enum: [010, 2]}
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - {name: s, in: query, required: true, schema: {type: string, enum: [2023.10, 1.0, 010, 7, 1e3, true], default: 1.0}}
        - {name: c, in: query, schema: {type: string, const: 0x1F}}
        - {name: o, in: query, schema: {type: [string, "null"], enum: [1.50, null]}}
        - {name: n, in: query, schema: {type: number, enum: [1.0, 2.50, 7], minimum: 1.0, maximum: 1e3, default: 1.0}}
        - {name: d, in: query, schema: {type: object, default: {a: 1.0, b: [2.0, x]}}}
      responses: {"200": {description: ok}}
`)
	if api.Servers[0] != "http://h/v1.0/010" || api.Version != "1.10" {
		t.Errorf("servers %q, version %q: want http://h/v1.0/010, 1.10", api.Servers, api.Version)
	}
	want := map[string]string{
		"s": `{"default":"1.0","enum":["2023.10","1.0","010","7","1e3","true"],"type":"string"}`,
		"c": `{"enum":["0x1F"],"type":"string"}`,
		"o": `{"enum":["1.50",null],"type":["string","null"]}`,
		"n": `{"default":1,"enum":[1,2.5,7],"maximum":1000,"minimum":1,"type":"number"}`,
		"d": `{"default":{"a":1,"b":[2,"x"]},"type":"object"}`,
	}
	for _, p := range api.Operations[0].Params {
		b, err := json.Marshal(p.Schema)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != want[p.Name] {
			t.Errorf("%s: %s\nwant %s", p.Name, b, want[p.Name])
		}
	}
}

// TestYAMLInfinityAndNaN checks that YAML's .inf and .nan, which JSON cannot
// hold, never reach a schema where a number is meant (the listing could not
// be encoded, nor a call send them), and stay as written where a string is.
func TestYAMLInfinityAndNaN(t *testing.T) {
	api := loadString(t, `openapi: 3.0.3
info: {title: inf, version: "1"}
paths:
  /a:
    post:
      operationId: postA
      parameters:
        - {name: n, in: query, schema: {type: number, maximum: .inf, minimum: -.Inf, default: .nan, enum: [1, -.inf, .NaN]}}
        - {name: x, in: query, schema: {type: number, exclusiveMaximum: .inf, const: .inf}}
        - {name: s, in: query, schema: {type: string, enum: [.inf, a], default: .inf}}
        - {name: m, in: query, schema: {type: integer, multipleOf: .inf, enum: [.inf]}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                r: {type: array, items: {type: number, maximum: .inf}, default: [1, .inf]}
      responses: {default: {description: ok}}
`)
	want := map[string]string{
		"n": `{"enum":[1],"type":"number"}`,
		"x": `{"type":"number"}`,
		"s": `{"default":".inf","enum":[".inf","a"],"type":"string"}`,
		"m": `{"type":"integer"}`,
	}
	op := api.Operations[0]
	for _, p := range op.Params {
		b, err := json.Marshal(p.Schema)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if string(b) != want[p.Name] {
			t.Errorf("%s: %s\nwant %s", p.Name, b, want[p.Name])
		}
	}
	if _, err := json.Marshal(op.Body); err != nil {
		t.Errorf("body: %v", err)
	}
}
