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
// fields named (required ones first), none for an object that has none,
// and a note that there are some when their names are not known.
func TestFieldsNote(t *testing.T) {
	str := map[string]any{"type": "string"}
	for _, tc := range []struct {
		schema map[string]any
		want   string
	}{
		{map[string]any{"type": "object", "properties": map[string]any{"b": str, "a": str}, "required": []any{"b"}}, "(fields: required b; optional a)"},
		{map[string]any{"type": "array", "items": map[string]any{"properties": map[string]any{"a": str}}}, "(items' fields: a)"},
		{map[string]any{"type": "object", "properties": map[string]any{}}, ""},
		{map[string]any{"type": "object"}, "(fields not listed)"},
	} {
		if got := fieldsNote(tc.schema); got != tc.want {
			t.Errorf("fieldsNote(%v) = %q, want %q", tc.schema, got, tc.want)
		}
	}
	s := map[string]any{"description": "Settings."}
	appendNote(s, "")
	if s["description"] != "Settings." {
		t.Errorf("an empty note changed the description: %q", s["description"])
	}
}

// TestResourceArgumentsThatDifferByAction checks that an argument the
// actions of a resource take with different schemas lists each with its
// actions (compact: the first, and describe_action for the others), so that
// no action is shown another's values.
func TestResourceArgumentsThatDifferByAction(t *testing.T) {
	id := &client.Param{Name: "id", In: "path", Required: true, Schema: map[string]any{"type": "string"}, Style: "simple"}
	status := func(values ...any) map[string]any { return map[string]any{"type": "string", "enum": values} }
	api := &client.API{Title: "Calls", Operations: []*client.Operation{
		{ID: "listCalls", Method: "GET", Path: "/calls", Params: []*client.Param{
			{Name: "status", In: "query", Schema: status("queued", "ringing"), Style: "form", Explode: true}}},
		{ID: "updateCall", Method: "POST", Path: "/calls/{id}", Params: []*client.Param{id},
			Body: &client.Body{ContentType: "application/json", Schema: map[string]any{"type": "object", "properties": map[string]any{"status": status("completed", "canceled")}}}},
		{ID: "getCall", Method: "GET", Path: "/calls/{id}", Params: []*client.Param{id}},
	}}
	s, err := New(Config{API: api, Layout: LayoutResources})
	if err != nil {
		t.Fatal(err)
	}
	tool, ok := s.Tool("calls")
	if !ok {
		t.Fatal("no tool calls")
	}
	b, _ := json.Marshal(schemaOf(t, tool)["properties"].(map[string]any)["status"])
	if want := `{"anyOf":[{"description":"(list)","enum":["queued","ringing"],"type":"string"},{"description":"(update)","enum":["completed","canceled"],"type":"string"}],"description":"(list, update)"}`; string(b) != want {
		t.Errorf("status listed as %s, want %s", b, want)
	}
	// Each action's own values go through.
	for _, args := range []string{`{"action": "update", "id": "c1", "status": "completed"}`, `{"action": "list", "status": "ringing"}`} {
		r, err := s.Call(context.Background(), "calls", json.RawMessage(args))
		if err != nil || r.IsError && strings.Contains(resultText(t, r), "invalid arguments") {
			t.Errorf("%s: %v %s", args, err, resultText(t, r))
		}
	}

	var g argShapes
	g.add("list", status("queued", "ringing"))
	g.add("update", status("completed", "canceled"))
	g.add("retrieve", status("queued", "ringing"))
	b, _ = json.Marshal(g.listed(true, "acme_describe_action"))
	if want := `{"description":"(as listed for list, retrieve; other actions: acme_describe_action)","enum":["queued","ringing"],"type":"string"}`; string(b) != want {
		t.Errorf("compact: %s, want %s", b, want)
	}
}
