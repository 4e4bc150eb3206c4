package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/client"
)

// bigObject is an object schema of n string fields, each with a
// description long enough that a few such objects pass bodyBudget.
func bigObject(prefix string, n int, required ...any) map[string]any {
	props := map[string]any{}
	for i := range n {
		props[fmt.Sprintf("%s_%02d", prefix, i)] = map[string]any{
			"type":        "string",
			"description": fmt.Sprintf("The %s setting number %d, which changes how the order is handled.", prefix, i),
		}
	}
	s := map[string]any{"type": "object", "description": "The " + prefix + " settings.", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// ordersAPI has one operation whose body passes bodyBudget (a required
// address, optional options) and one small one.
func ordersAPI(optionalFields int) *client.API {
	return &client.API{Title: "Orders", Operations: []*client.Operation{
		{ID: "createOrder", Method: "POST", Path: "/orders", Summary: "Create an order",
			Body: &client.Body{Required: true, ContentType: "application/json", Schema: map[string]any{
				"type":     "object",
				"required": []any{"address"},
				"properties": map[string]any{
					"address": bigObject("address", 8, "address_00"),
					"options": bigObject("options", optionalFields),
					"note":    map[string]any{"type": "string"},
				},
			}}},
		{ID: "listOrders", Method: "GET", Path: "/orders", Summary: "List orders"},
	}}
}

// TestBodyCutOptionalFirst checks the order in which a body over
// bodyBudget is listed by field names: its optional object arguments
// before the required ones, which keep their fields while that is enough.
func TestBodyCutOptionalFirst(t *testing.T) {
	for _, c := range []struct {
		optional       int
		addressListed  bool
		optionsSummary string
	}{
		{optional: 20, addressListed: true, optionsSummary: "{options_00, options_01"},
		{optional: 20 + 40, addressListed: true, optionsSummary: "; 48 more}"},
	} {
		s, err := New(Config{API: ordersAPI(c.optional), Layout: LayoutOperations})
		if err != nil {
			t.Fatal(err)
		}
		tool, _ := s.Tool("create_order")
		props := schemaOf(t, tool)["properties"].(map[string]any)
		address := props["address"].(map[string]any)
		if _, listed := address["properties"]; listed != c.addressListed {
			t.Errorf("%d optional fields: the required address listed with its fields: %v, want %v (%v)", c.optional, listed, c.addressListed, address)
		}
		options := props["options"].(map[string]any)
		if _, listed := options["properties"]; listed || !strings.Contains(str(options["description"]), c.optionsSummary) {
			t.Errorf("%d optional fields: options listed as %v, want its field names (%q)", c.optional, options, c.optionsSummary)
		}
	}

	// A required argument too large alone is listed by its field names
	// too, its required ones named.
	api := ordersAPI(2)
	addr := api.Operations[0].Body.Schema["properties"].(map[string]any)
	addr["address"] = bigObject("address", 40, "address_00", "address_39")
	s, err := New(Config{API: api, Layout: LayoutOperations})
	if err != nil {
		t.Fatal(err)
	}
	tool, _ := s.Tool("create_order")
	address := schemaOf(t, tool)["properties"].(map[string]any)["address"].(map[string]any)
	if _, listed := address["properties"]; listed || !strings.Contains(str(address["description"]), "required address_00, address_39") {
		t.Errorf("a required argument over the budget alone is listed as %v", address)
	}
}

// TestDescribeTool checks the operations layout's describe tool: listed
// (and named in the instructions) only when a listing gives fields by name
// alone, it answers with the whole schema, or one argument's, and names a
// listed tool when asked for another.
func TestDescribeTool(t *testing.T) {
	s, err := New(Config{API: ordersAPI(60), Layout: LayoutOperations})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Tools()); n != 3 {
		t.Fatalf("%d tools for 2 operations and describe_tool", n)
	}
	if _, ok := s.Tool("describe_tool"); !ok {
		t.Fatal("no describe_tool")
	}
	if in := s.Instructions(); !strings.HasPrefix(strings.SplitN(in, "\n", 2)[1], "2 tools, one per API operation") ||
		!strings.Contains(in, "describe_tool shows their fields in full") {
		t.Errorf("instructions: %s", in)
	}

	whole := call(t, s, "describe_tool", `{"tool": "create_order"}`)
	var got struct {
		Tool        string         `json:"tool"`
		InputSchema map[string]any `json:"inputSchema"`
	}
	if err := json.Unmarshal([]byte(whole), &got); err != nil {
		t.Fatalf("%v: %s", err, whole)
	}
	options := got.InputSchema["properties"].(map[string]any)["options"].(map[string]any)
	if fields, _ := options["properties"].(map[string]any); len(fields) != 60 || got.Tool != "create_order" {
		t.Errorf("describe_tool create_order gives options as %v", options)
	}
	if !strings.HasPrefix(whole, `{"tool":"create_order","description":"Create an order`) || !strings.Contains(whole, `"inputSchema":{"type":"object","required":["address"]`) {
		t.Errorf("describe_tool create_order: %.300s", whole)
	}

	one := call(t, s, "describe_tool", `{"tool": "create_order", "argument": "address"}`)
	if !strings.HasPrefix(one, `{"tool":"create_order","argument":"address","required":true,"schema":{`) || !strings.Contains(one, `"address_07":{"description":"The address setting number 7`) {
		t.Errorf("describe_tool create_order address: %.300s", one)
	}

	// A field of an argument, by its dotted path.
	nested := map[string]any{"type": "object", "properties": map[string]any{"deep": bigObject("deep", 3, "deep_02")}}
	api := ordersAPI(60)
	api.Operations[0].Body.Schema["properties"].(map[string]any)["options"].(map[string]any)["properties"].(map[string]any)["options_00"] = nested
	s, err = New(Config{API: api, Layout: LayoutOperations})
	if err != nil {
		t.Fatal(err)
	}
	field := call(t, s, "describe_tool", `{"tool": "create_order", "argument": "options.options_00.deep"}`)
	if !strings.HasPrefix(field, `{"tool":"create_order","argument":"options.options_00.deep","required":false,"schema":{"description":"The deep settings.","properties":{"deep_00":`) ||
		!strings.Contains(field, `"required":["deep_02"]`) {
		t.Errorf("describe_tool options.options_00.deep: %.400s", field)
	}

	// Through an anyOf (Stripe's object or "" to clear it), into a field
	// whose name holds a dot; required only when every holder is.
	opts := api.Operations[0].Body.Schema["properties"].(map[string]any)["options"].(map[string]any)["properties"].(map[string]any)
	opts["options_01"] = map[string]any{"anyOf": []any{
		map[string]any{"type": "object", "required": []any{"v1.2"}, "properties": map[string]any{"v1.2": bigObject("dotted", 2, "dotted_01")}},
		map[string]any{"type": "string", "enum": []any{""}},
	}}
	addr := api.Operations[0].Body.Schema["properties"].(map[string]any)["address"].(map[string]any)["properties"].(map[string]any)
	addr["address_00"] = map[string]any{"type": "object", "required": []any{"line"}, "properties": map[string]any{"line": map[string]any{"type": "string"}}}
	s, err = New(Config{API: api, Layout: LayoutOperations})
	if err != nil {
		t.Fatal(err)
	}
	for args, want := range map[string]string{
		`{"tool": "create_order", "argument": "options.options_01.v1.2"}`:           `"argument":"options.options_01.v1.2","required":false,"schema":{"description":"The dotted settings."`,
		`{"tool": "create_order", "argument": "options.options_01.v1.2.dotted_01"}`: `"required":false,"schema":{"description":"The dotted setting number 1`,
		`{"tool": "create_order", "argument": "address.address_00.line"}`:           `"argument":"address.address_00.line","required":true,"schema":{"type":"string"}`,
		`{"tool": "create_order", "argument": "address.address_01"}`:                `"required":false`,
	} {
		if got := call(t, s, "describe_tool", args); !strings.Contains(got, want) {
			t.Errorf("describe_tool %s = %.300s, want %s", args, got, want)
		}
	}

	for args, want := range map[string]string{
		`{"tool": "create_order", "argument": "options.options_01.v1.3"}`: `create_order: options.options_01 has no field "v1": use one of v1.2`,
		`{"tool": "create_order", "argument": "options.options_00.dep"}`:  `create_order: options.options_00 has no field "dep": use one of deep`,
		`{"tool": "create_order", "argument": "note.x"}`:                  `create_order: note has no fields`,
		`{"tool": "create_orders"}`:                                       `unknown tool "create_orders": did you mean create_order`,
		`{"tool": "zzz"}`:                                                 `unknown tool "zzz": use the name of a listed tool, such as create_order`,
		`{"tool": "create_order", "argument": "adress"}`:                  `create_order has no argument "adress": use one of address, note, options`,
		`{}`: `"tool"`,
	} {
		r, err := s.Call(context.Background(), "describe_tool", json.RawMessage(args))
		if err != nil {
			t.Fatal(err)
		}
		if text := resultText(t, r); !r.IsError || !strings.Contains(text, want) {
			t.Errorf("describe_tool %s = %q (error %v), want %q", args, text, r.IsError, want)
		}
	}

	// A whole schema longer than a result: the listed one, and the
	// arguments to ask for one at a time.
	small, err := New(Config{API: ordersAPI(60), Layout: LayoutOperations, MaxResultBytes: 4000})
	if err != nil {
		t.Fatal(err)
	}
	text := call(t, small, "describe_tool", `{"tool": "create_order"}`)
	if len(text) > 4000 || !strings.Contains(text, "Pass `argument` to see one in full (options)") {
		t.Errorf("a schema over the result budget is described as (%d bytes) %s", len(text), text)
	}

	// An argument longer than a result is given less deep.
	text = call(t, small, "describe_tool", `{"tool": "create_order", "argument": "options"}`)
	if len(text) > 4000 || !strings.Contains(text, `"options_59":{"type":"string"}`) || strings.Contains(text, "setting number 59") ||
		!strings.Contains(text, `options.FIELD\" to see one with its own`) {
		t.Errorf("an argument over the result budget is described as (%d bytes) %s", len(text), text)
	}

	// A body over the budget with nothing to cut (plain values): listed
	// whole, no describe tool.
	flat := &client.API{Title: "Flat", Operations: []*client.Operation{{ID: "createFlat", Method: "POST", Path: "/flat",
		Body: &client.Body{ContentType: "application/json", Schema: bigObject("flat", 40)}}}}
	if s, err := New(Config{API: flat, Layout: LayoutOperations}); err != nil || len(s.Tools()) != 1 || strings.Contains(s.Instructions(), "describe_tool") {
		t.Errorf("a body of plain values over the budget: %v, %d tools, instructions %s", err, len(s.Tools()), s.Instructions())
	}

	// Nothing summarised: no describe tool.
	plain, err := New(Config{API: ordersAPI(0), Layout: LayoutOperations})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := plain.Tool("describe_tool"); ok || strings.Contains(plain.Instructions(), "describe_tool") {
		t.Error("describe_tool listed though every field is")
	}
}

// TestDescribeToolName checks that describe_tool takes the prefix, and a
// number when an operation has its name, and that the search layout shows
// a match's whole schema where the operations listing summarises it.
func TestDescribeToolName(t *testing.T) {
	api := ordersAPI(60)
	api.Operations = append(api.Operations, &client.Operation{ID: "describe_tool", Method: "GET", Path: "/describe"})
	s, err := New(Config{API: api, Layout: LayoutOperations, Prefix: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Tool("shop_describe_tool_2"); !ok {
		t.Errorf("tools: %v", s.Tools())
	}
	if !strings.Contains(s.Instructions(), "shop_describe_tool_2 shows their fields") {
		t.Errorf("instructions: %s", s.Instructions())
	}

	search, err := New(Config{API: ordersAPI(60), Layout: LayoutSearch})
	if err != nil {
		t.Fatal(err)
	}
	found := call(t, search, "search_operations", `{"query": "create order", "limit": 1}`)
	if !strings.Contains(found, `"options_59":{"description":"The options setting number 59`) {
		t.Errorf("search gives the summarised schema: %.600s", found)
	}
}

// TestSearchSaysWhatItLeftOut checks that a search answer says when a
// match lists arguments by their fields' names because its whole schema
// did not fit, and when matches were left out of it.
func TestSearchSaysWhatItLeftOut(t *testing.T) {
	s, err := New(Config{API: ordersAPI(60), Layout: LayoutSearch, MaxResultBytes: 3000})
	if err != nil {
		t.Fatal(err)
	}
	found := call(t, s, "search_operations", `{"query": "create order", "limit": 1}`)
	if !strings.Contains(found, `{options_00`) || !strings.Contains(found, "1 match lists some arguments by their fields' names alone") {
		t.Errorf("search over the budget: %s", found)
	}

	api := &client.API{Title: "Notes"}
	for i := range 6 {
		api.Operations = append(api.Operations, &client.Operation{ID: fmt.Sprintf("listNotes%d", i), Method: "GET", Path: fmt.Sprintf("/notes%d", i),
			Summary: "List notes", Description: strings.Repeat("Lists the notes of one notebook, newest first. ", 4)})
	}
	s, err = New(Config{API: api, Layout: LayoutSearch, MaxResultBytes: 700})
	if err != nil {
		t.Fatal(err)
	}
	found = call(t, s, "search_operations", `{"query": "list notes", "limit": 6}`)
	if !strings.Contains(found, "more matches are left out to stay within the result budget") {
		t.Errorf("search with matches left out: %s", found)
	}
}
