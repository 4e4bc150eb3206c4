package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/client"
)

// TestClearingAlternativeSaidOnce checks that the empty string an argument
// may take to clear it (Stripe's anyOf of a value and "") is left out of
// the listing, its other alternative listed in its place, the instructions
// saying it once; and that a call still sends "" where the API takes it and
// is refused where it does not.
func TestClearingAlternativeSaidOnce(t *testing.T) {
	var sent string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		sent = string(b)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(api.Close)
	empty := map[string]any{"type": "string", "enum": []any{""}}
	body := map[string]any{"type": "object", "properties": map[string]any{
		"metadata": map[string]any{"description": "Set of key-value pairs.", "anyOf": []any{
			map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}, empty}},
		"tax_rates": map[string]any{"anyOf": []any{map[string]any{"type": "array", "items": map[string]any{"type": "string"}}, empty}},
		"ip":        map[string]any{"anyOf": []any{map[string]any{"type": "string"}, empty}},
		"when":      map[string]any{"anyOf": []any{map[string]any{"type": "integer"}, map[string]any{"type": "string", "enum": []any{"now"}}, empty}},
		"name":      map[string]any{"type": "string"},
		// null alone is no type to list; an empty string with a sentence
		// of its own is listed; oneOf too.
		"limit": map[string]any{"anyOf": []any{empty, map[string]any{"type": "null"}}},
		"label": map[string]any{"anyOf": []any{map[string]any{"type": "string", "enum": []any{""}, "description": "Empty removes the label."}, map[string]any{"type": "integer"}}},
		"kind":  map[string]any{"description": "Sort of thing", "oneOf": []any{map[string]any{"type": "string", "enum": []any{"a", "b"}, "description": "One of two."}, empty}},
	}}
	op := &client.Operation{ID: "PostCustomers", Method: "POST", Path: "/customers",
		Body: &client.Body{ContentType: "application/json", Schema: body}}
	s, err := New(Config{API: &client.API{Operations: []*client.Operation{op}}, Client: client.New(client.Options{BaseURL: api.URL})})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(s.Tools()[0].InputSchema)
	want := map[string]string{
		"metadata":  `{"description":"Set of key-value pairs.","type":"object"}`,
		"tax_rates": `{"items":{"type":"string"},"type":"array"}`,
		"ip":        `{"type":"string"}`,
		"when":      `{"anyOf":[{"type":"integer"},{"enum":["now"],"type":"string"}]}`,
		"name":      `{"type":"string"}`,
		"limit":     `{"anyOf":[{"enum":[""],"type":"string"},{"type":"null"}]}`,
		"label":     `{"anyOf":[{"description":"Empty removes the label.","enum":[""],"type":"string"},{"type":"integer"}]}`,
		"kind":      `{"description":"Sort of thing. One of two.","enum":["a","b"],"type":"string"}`,
	}
	var listed struct{ Properties map[string]json.RawMessage }
	if err := json.Unmarshal(b, &listed); err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		if got := string(listed.Properties[name]); got != w {
			t.Errorf("%s listed as %s, want %s", name, got, w)
		}
	}
	if !strings.Contains(s.Instructions(), clearsNote) {
		t.Errorf("the instructions do not say that \"\" clears: %s", s.Instructions())
	}
	r, err := s.Call(context.Background(), "post_customers", json.RawMessage(`{"metadata": "", "tax_rates": "", "when": ""}`))
	if err != nil || r.IsError {
		t.Fatalf("a call clearing arguments: %v %s", err, resultText(t, r))
	}
	if sent != `{"metadata":"","tax_rates":"","when":""}` {
		t.Errorf("sent %s", sent)
	}
	sent = ""
	r, err = s.Call(context.Background(), "post_customers", json.RawMessage(`{"name": 5}`))
	if err != nil || !r.IsError || sent != "" {
		t.Errorf("a call the full schema refuses: %v %s, sent %q", err, resultText(t, r), sent)
	}

	// Without an argument that clears, the instructions say nothing of it.
	op.Body.Schema = map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}}
	s, err = New(Config{API: &client.API{Operations: []*client.Operation{op}}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s.Instructions(), clearsNote) {
		t.Errorf("the instructions say that \"\" clears with no argument that does")
	}
}

// TestFieldsNote checks the note of a node listed without its fields: the
// fields named in braces (required ones first), as a JSON value holds
// them, none for an object that has none, and a note that there are some
// when their names are not known. Where the braces could not be read back
// (a name with a space, a node listed without its type), the note says
// "fields" in words.
func TestFieldsNote(t *testing.T) {
	str := map[string]any{"type": "string"}
	obj, arr := map[string]any{"type": "object"}, map[string]any{"type": "array", "items": map[string]any{}}
	for _, tc := range []struct {
		schema, out map[string]any
		want        string
	}{
		{map[string]any{"type": "object", "properties": map[string]any{"b": str, "a": str}, "required": []any{"b"}}, obj, "{required b; optional a}"},
		{map[string]any{"type": "array", "items": map[string]any{"properties": map[string]any{"a": str}}}, arr, "[{a}]"},
		{map[string]any{"type": "object", "properties": map[string]any{"a b": str}}, obj, "(fields: a b)"},
		{map[string]any{"items": map[string]any{"properties": map[string]any{"a": str}}}, map[string]any{}, "(items' fields: a)"},
		{map[string]any{"type": "object", "properties": map[string]any{}}, obj, ""},
		{map[string]any{"type": "object"}, obj, "(fields not listed)"},
	} {
		if got := fieldsNote(tc.schema, tc.out); got != tc.want {
			t.Errorf("fieldsNote(%v) = %q, want %q", tc.schema, got, tc.want)
		}
	}
	s := map[string]any{"description": "Settings."}
	appendNote(s, "")
	if s["description"] != "Settings." {
		t.Errorf("an empty note changed the description: %q", s["description"])
	}
}
