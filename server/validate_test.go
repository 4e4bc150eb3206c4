package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func TestValidate(t *testing.T) {
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"id":     map[string]any{"type": "integer"},
			"status": map[string]any{"type": "string", "enum": []any{"open", "closed"}},
			"code":   map[string]any{"type": "string", "pattern": `^(?=[A-Z])[A-Z0-9]+$`, "maxLength": 4},
			"filter": map[string]any{"type": "object", "properties": map[string]any{
				"tags": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			}},
		},
		"required": []any{"id"},
	}
	tests := []struct {
		name string
		args map[string]any
		want string // "" when valid
	}{
		{"valid", map[string]any{"id": 1.0, "status": "open"}, ""},
		{"null optional is dropped", map[string]any{"id": 1.0, "status": nil}, ""},
		{"missing", map[string]any{"status": "open"}, `missing required argument "id"`},
		{"null required is missing", map[string]any{"id": nil}, `missing required argument "id"`},
		{"unknown", map[string]any{"id": 1.0, "ids": 2.0, "x": 1.0}, `unknown arguments "ids", "x"; it takes: code, filter, id, status`},
		{"type", map[string]any{"id": "one"}, `argument "id": type: one has type "string", want "integer"`},
		{"null item", map[string]any{"id": 1.0, "filter": map[string]any{"tags": []any{nil}}}, `argument "filter.tags[]": has type "null", want "string"`},
		{"big integer", map[string]any{"id": 1.0, "status": json.Number("12345678901234567890")}, `argument "status": has type "integer", want "string"`},
		{"fraction for integer", map[string]any{"id": 1.5}, `argument "id"`},
		{"enum", map[string]any{"id": 1.0, "status": "gone"}, `argument "status": enum`},
		{"nested", map[string]any{"id": 1.0, "filter": map[string]any{"tags": []any{1.0}}}, `argument "filter.tags[]"`},
		// The lookahead is not Go syntax: patterns are dropped, other rules stay.
		{"pattern dropped, length kept", map[string]any{"id": 1.0, "code": "ABCDE"}, `argument "code": maxLength`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tool := &tool{def: &mcp.Tool{Name: "t", InputSchema: schema}, schema: schema, strict: true}
			got := tool.validate(tool.def.Name, tt.args)
			if tt.want == "" {
				if got != "" {
					t.Errorf("validate = %q, want valid", got)
				}
				return
			}
			if !strings.HasPrefix(got, "invalid arguments for t: ") || !strings.Contains(got, tt.want) {
				t.Errorf("validate = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestValidationMessage(t *testing.T) {
	tests := []struct{ in, want string }{
		{`validating root: validating /properties/page: type: 1.5 has type "number", want "integer"`, `argument "page": type: 1.5 has type "number", want "integer"`},
		{`validating root: validating /properties/a/properties/b~1c/items: minimum: 0 is less than 1`, `argument "a.b/c[]": must be at least 1 (got 0)`},
		{`validating root: validating /properties/limit: minimum: 0/1 is less than 1.000000`, `argument "limit": must be at least 1 (got 0)`},
		{`validating root: validating /properties/limit: maximum: 61/2 is greater than 25.000000`, `argument "limit": must be at most 25 (got 30.5)`},
		{`validating root: validating /properties/ratio: exclusiveMinimum: 0/1 is less than or equal to 0.000000`, `argument "ratio": must be greater than 0 (got 0)`},
		{`validating root: validating /properties/ratio: exclusiveMaximum: 21/2 is greater than or equal to 10.000000`, `argument "ratio": must be less than 10 (got 10.5)`},
		{`validating root: required: missing properties: ["x"]`, `required: missing properties: ["x"]`},
	}
	for _, tt := range tests {
		if got := validationMessage(tt.in); got != tt.want {
			t.Errorf("validationMessage(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestListedSchemaIsPortable(t *testing.T) {
	in := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"kind":  map[string]any{"const": "user"},
			"name":  map[string]any{"type": []any{"string", "null"}, "maxLength": 5000.0},
			"value": map[string]any{"type": []any{"string", "number"}},
			"ratio": map[string]any{"type": "number", "exclusiveMinimum": 0.0, "multipleOf": 0.5},
			"tags":  map[string]any{"type": "array", "items": true, "uniqueItems": true, "maxItems": 10.0},
			"meta":  map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
			"any":   true,
		},
		"required":             []any{"kind", "ghost"},
		"additionalProperties": false,
	}
	want := `{"properties":{"any":{},"kind":{"enum":["user"]},"meta":{"type":"object"},"name":{"type":"string"},` +
		`"ratio":{"type":"number"},"tags":{"items":{},"maxItems":10,"type":"array"},` +
		`"value":{"anyOf":[{"type":"string"},{"type":"number"}]}},"required":["kind"],"type":"object"}`
	b, _ := json.Marshal(listedSchema(in))
	if string(b) != want {
		t.Errorf("listed =\n%s\nwant\n%s", b, want)
	}
	// The schema used for checks is untouched.
	if in["additionalProperties"] != false || in["properties"].(map[string]any)["ratio"].(map[string]any)["multipleOf"] != 0.5 {
		t.Errorf("listedSchema changed its input: %v", in)
	}
}

// A call without arguments gets the schema's verdict on {}, every time.
func TestValidateNoArguments(t *testing.T) {
	for _, tt := range []struct {
		schema map[string]any
		want   string
	}{
		{map[string]any{"type": "object", "properties": map[string]any{"q": map[string]any{"type": "string"}}}, ""},
		{map[string]any{"type": "object", "minProperties": 1.0, "properties": map[string]any{"q": map[string]any{"type": "string"}}}, "minProperties"},
	} {
		tool := &tool{def: &mcp.Tool{Name: "t", InputSchema: tt.schema}, schema: tt.schema, strict: true}
		for _, args := range []map[string]any{{}, {"q": nil}, {}} {
			got := tool.validate(tool.def.Name, args)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("schema %v, args %v: validate = %q, want %q", tt.schema, args, got, tt.want)
			}
		}
		if got := tool.validate(tool.def.Name, map[string]any{"q": "x"}); got != "" {
			t.Errorf("schema %v: a valid argument refused: %q", tt.schema, got)
		}
	}
}

// TestValidateBigIntegers checks that enum values, consts and bounds past
// 2^53, as the loader hands them over (json.Number from JSON, int from
// YAML), are checked exactly: the validator reads them as float64, which
// rounds 9007199254740993 to 9007199254740992.
func TestValidateBigIntegers(t *testing.T) {
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"id":   map[string]any{"type": "integer", "enum": []any{json.Number("9007199254740993"), 9223372036854775807}},
			"one":  map[string]any{"type": "integer", "const": json.Number("9007199254740993")},
			"max":  map[string]any{"type": "integer", "maximum": json.Number("9007199254740993")},
			"min":  map[string]any{"type": "integer", "exclusiveMinimum": 9007199254740993},
			"list": map[string]any{"type": "array", "items": map[string]any{"type": "integer", "maximum": json.Number("9007199254740993")}},
		},
	}
	num := func(s string) json.Number { return json.Number(s) }
	tests := []struct {
		args map[string]any
		want string // "" when valid
	}{
		{map[string]any{"id": num("9007199254740993")}, ""},
		{map[string]any{"id": num("9223372036854775807")}, ""},
		{map[string]any{"id": num("9007199254740992")}, `argument "id": enum`},
		{map[string]any{"one": num("9007199254740993")}, ""},
		{map[string]any{"one": num("9007199254740992")}, `argument "one": const`},
		{map[string]any{"max": num("9007199254740993")}, ""},
		{map[string]any{"max": num("9007199254740994")}, `argument "max": must be at most 9007199254740993 (got 9007199254740994)`},
		{map[string]any{"min": num("9007199254740994")}, ""},
		{map[string]any{"min": num("9007199254740993")}, `argument "min": must be greater than 9007199254740993 (got 9007199254740993)`},
		{map[string]any{"list": []any{num("1"), num("9007199254740993")}}, ""},
		{map[string]any{"list": []any{num("9007199254740994")}}, `argument "list[]": must be at most 9007199254740993`},
	}
	for _, tt := range tests {
		tool := &tool{def: &mcp.Tool{Name: "t", InputSchema: schema}, schema: schema, strict: true}
		got := tool.validate(tool.def.Name, tt.args)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%v: validate = %q, want %q", tt.args, got, tt.want)
		}
	}
}

// A value that fits none of a choice's forms (anyOf, or a oneOf the
// loader made one) is told what each form found wrong, by the field it
// concerns, not the validator's schema paths and "<anonymous schema>".
func TestValidateChoice(t *testing.T) {
	price := map[string]any{"type": "object", "required": []any{"price"}, "properties": map[string]any{"price": map[string]any{"type": "string"}}}
	priceData := map[string]any{"type": "object", "required": []any{"price_data"}, "properties": map[string]any{
		"price_data": map[string]any{"type": "object", "required": []any{"currency"}, "properties": map[string]any{
			"currency": map[string]any{"type": "string"},
			"unit": map[string]any{"anyOf": []any{
				map[string]any{"type": "integer"}, map[string]any{"type": "string", "enum": []any{"day"}}}},
		}}}}
	schema := map[string]any{"type": "object", "properties": map[string]any{
		"metadata": map[string]any{"anyOf": []any{
			map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
			map[string]any{"type": "string", "enum": []any{""}}}},
		"items": map[string]any{"type": "array", "items": map[string]any{"anyOf": []any{price, priceData}}},
	}}
	for _, tt := range []struct {
		args string
		want string
	}{
		{`{"metadata": 5}`, `argument "metadata": matches none of the 2 forms it takes: (1) type: 5 has type "integer", want "object"; (2) type: 5 has type "integer", want "string"`},
		{`{"metadata": ["a"]}`, `argument "metadata": matches none of the 2 forms it takes: (1) has type "array", want "object"; (2) has type "array", want "string"`},
		{`{"items": [{"price_data": {}}]}`, `argument "items[]": matches none of the 2 forms it takes: (1) required: missing properties: ["price"]; (2) "price_data": required: missing properties: ["currency"]`},
		{`{"items": [{"price_data": {"currency": "usd", "unit": "week"}}]}`, `argument "items[]": matches none of the 2 forms it takes: (1) required: missing properties: ["price"]; (2) "price_data.unit": matches none of the 2 forms it takes: (1) type: week has type "string", want "integer"; (2) enum: week does not equal any of: [day]`},
	} {
		var args map[string]any
		if err := json.Unmarshal([]byte(tt.args), &args); err != nil {
			t.Fatal(err)
		}
		tool := &tool{def: &mcp.Tool{Name: "t", InputSchema: schema}, schema: schema, strict: true}
		if got, want := tool.validate("t", args), "invalid arguments for t: "+tt.want; got != want {
			t.Errorf("%s:\n got %q\nwant %q", tt.args, got, want)
		}
	}
}

// TestValidateOtherBodyArguments checks that an argument the listing does
// not name, sent in a body that takes other properties of a schema
// (additionalProperties), is named when it breaks that schema: the
// validator's message names no property there.
func TestValidateOtherBodyArguments(t *testing.T) {
	schema := map[string]any{
		"type":                 "object",
		"properties":           map[string]any{"b": map[string]any{"type": "string"}},
		"additionalProperties": map[string]any{"type": "integer"},
	}
	for _, tt := range []struct{ args, want string }{
		{`{"b": "y", "zz": 3}`, ``},
		{`{"b": "y", "zz": "s"}`, `argument "zz": type: s has type "string", want "integer"`},
		{`{"zz": {"a": 1}}`, `argument "zz": has type "object", want "integer"`},
		{`{"aa": 1, "b": "y", "zz": "s"}`, `argument "zz": type: s has type "string", want "integer"`},
		{`{"b": 1, "zz": 2}`, `argument "b": type: 1 has type "integer", want "string"`},
	} {
		var args map[string]any
		if err := json.Unmarshal([]byte(tt.args), &args); err != nil {
			t.Fatal(err)
		}
		tool := &tool{def: &mcp.Tool{Name: "t", InputSchema: schema}, schema: schema}
		want := tt.want
		if want != "" {
			want = "invalid arguments for t: " + want
		}
		if got := tool.validate("t", args); got != want {
			t.Errorf("%s:\n got %q\nwant %q", tt.args, got, want)
		}
	}
}
