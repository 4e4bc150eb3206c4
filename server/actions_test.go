package server

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
)

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
	if want := `{"description":"(update differs: acme_describe_action)","enum":["queued","ringing"],"type":"string"}`; string(b) != want {
		t.Errorf("compact: %s, want %s", b, want)
	}
	// The actions listed, when they are fewer.
	g.add("cancel", status("completed", "canceled"))
	g.add("complete", status("completed", "canceled"))
	b, _ = json.Marshal(g.listed(true, "acme_describe_action"))
	if want := `{"description":"(as for list, retrieve; others: acme_describe_action)","enum":["queued","ringing"],"type":"string"}`; string(b) != want {
		t.Errorf("compact: %s, want %s", b, want)
	}
}

// TestUnknownToolNamesTheToolThatServesIt checks that calling an
// operation's own name in the resources or search layout says which tool
// serves it, over MCP as through Call.
func TestUnknownToolNamesTheToolThatServesIt(t *testing.T) {
	for layout, want := range map[string]string{
		LayoutResources: `unknown tool \"get_project\": this server serves it as the tool projects with resource_action \"retrieve\"`,
		LayoutSearch:    `unknown tool \"get_project\": run it with call_operation {\"name\": \"get_project\", \"arguments\": {…}}`,
	} {
		api := projectsAPI()
		// An operation with its own "action": the resource's selector is
		// resource_action.
		api.Operations[0].Params = append(api.Operations[0].Params, &client.Param{Name: "action", In: "query", Schema: map[string]any{"type": "string"}})
		s, err := New(Config{API: api, Layout: layout})
		if err != nil {
			t.Fatal(err)
		}
		if layout == LayoutResources && !strings.Contains(s.Instructions(), "the argument a tool's description names") {
			t.Errorf("the instructions do not say that the selector may differ: %s", s.Instructions())
		}
		f := NewFront("restmcp", "1", s.Prepared(), func() (*Server, error) { return s, nil })
		l := startLive(t, f, false, nil)
		l.send(t, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_project","arguments":{"id":1}}}`)
		if got := l.next(t); !strings.Contains(got, want) {
			t.Errorf("%s: %s, want %s", layout, got, want)
		}
	}
}

// TestResourceActionsSayWhatTheyRequire checks that what every action of a
// resource requires is required of its tool, and that each action's line
// names the other arguments it requires.
func TestResourceActionsSayWhatTheyRequire(t *testing.T) {
	s, err := New(Config{API: projectsAPI(), Layout: LayoutResources})
	if err != nil {
		t.Fatal(err)
	}
	tool, ok := s.Tool("projects")
	if !ok {
		t.Fatal("no tool projects")
	}
	if req := schemaOf(t, tool)["required"]; !reflect.DeepEqual(req, []any{"action"}) {
		t.Errorf("required %v, want only action (list requires nothing)", req)
	}
	for _, want := range []string{"- create (POST /projects; needs name)", "- retrieve (GET /projects/{id}; needs id)", "- tags: Replace the tags of a project (POST /projects/{id}/tags; needs id, body)"} {
		if !strings.Contains(tool.Description, want) {
			t.Errorf("description lacks %q:\n%s", want, tool.Description)
		}
	}
	id := &client.Param{Name: "owner", In: "path", Required: true, Schema: map[string]any{"type": "string"}, Style: "simple"}
	num := &client.Param{Name: "number", In: "path", Required: true, Schema: map[string]any{"type": "integer"}, Style: "simple"}
	api := &client.API{Title: "Issues", Operations: []*client.Operation{
		{ID: "listIssues", Method: "GET", Path: "/repos/{owner}/issues", Params: []*client.Param{id}},
		{ID: "getIssue", Method: "GET", Path: "/repos/{owner}/issues/{number}", Params: []*client.Param{id, num}},
	}}
	if s, err = New(Config{API: api, Layout: LayoutResources}); err != nil {
		t.Fatal(err)
	}
	if tool, ok = s.Tool("repos_issues"); !ok {
		t.Fatalf("no tool repos_issues: %v", s.Tools())
	}
	if req := schemaOf(t, tool)["required"]; !reflect.DeepEqual(req, []any{"action", "owner"}) {
		t.Errorf("required %v, want action and owner, which every action requires", req)
	}
	if !strings.Contains(tool.Description, "- retrieve: GET /repos/{owner}/issues/{number} (needs number)") || strings.Contains(tool.Description, "needs owner") {
		t.Errorf("description %s", tool.Description)
	}
	// A call is told about an unknown action first, then about every
	// argument its action misses at once.
	for args, want := range map[string][]string{
		`{"action": "bogus"}`:    {"use one of list, retrieve"},
		`{"action": "retrieve"}`: {"repos_issues (action retrieve)", `"owner"`, `"number"`},
	} {
		r, err := s.Call(context.Background(), "repos_issues", json.RawMessage(args))
		if err != nil || !r.IsError {
			t.Fatalf("%s: %v", args, err)
		}
		for _, w := range want {
			if !strings.Contains(resultText(t, r), w) {
				t.Errorf("%s: %s, want %s in it", args, resultText(t, r), w)
			}
		}
	}
}

// TestCallOperationTakesArgumentsAsJSONText checks that call_operation
// reads arguments sent as the JSON text of an object (some models do), and
// says what to send for any other text.
func TestCallOperationTakesArgumentsAsJSONText(t *testing.T) {
	s, err := New(Config{API: projectsAPI(), Layout: LayoutSearch})
	if err != nil {
		t.Fatal(err)
	}
	// Checked against the operation's schema, as an object would be.
	r, err := s.Call(context.Background(), "call_operation", json.RawMessage(`{"name": "get_project", "arguments": "{\"id\": \"x\"}"}`))
	if err != nil || !r.IsError || !strings.Contains(resultText(t, r), `"id"`) || strings.Contains(resultText(t, r), "not a JSON object") {
		t.Errorf("arguments as JSON text: %v %s", err, resultText(t, r))
	}
	r, err = s.Call(context.Background(), "call_operation", json.RawMessage(`{"name": "get_project", "arguments": "id=1"}`))
	if err != nil || !r.IsError || !strings.Contains(resultText(t, r), "pass the operation's arguments as an object") {
		t.Errorf("arguments as other text: %v %s", err, resultText(t, r))
	}
	call, _ := s.Tool("call_operation")
	b, _ := json.Marshal(call.InputSchema)
	if !strings.Contains(string(b), `"arguments":{"description":"The operation's arguments.","type":"object"}`) {
		t.Errorf("listed %s", b)
	}
}

// A query that matches nothing is repeated at most 100 bytes long.
func TestSearchRepeatsALongQueryShort(t *testing.T) {
	s, err := New(Config{API: projectsAPI(), Layout: LayoutSearch})
	if err != nil {
		t.Fatal(err)
	}
	q := strings.Repeat("é", 60_000) // 120 KB: no word of it is an operation's
	b, _ := json.Marshal(map[string]any{"query": q})
	r, err := s.Call(context.Background(), "search_operations", b)
	if err != nil || len(resultText(t, r)) > 400 || !strings.Contains(resultText(t, r), "No operation matches") {
		t.Errorf("%v: %d bytes: %.200s", err, len(resultText(t, r)), resultText(t, r))
	}
}

// describe_action and search_operations give an input schema with its
// type and required arguments first, so that an answer cut to the result
// budget keeps them.
func TestSchemasInAnswersOpenWithRequired(t *testing.T) {
	s, err := New(Config{API: projectsAPI(), Layout: LayoutResources})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Call(context.Background(), "describe_action", json.RawMessage(`{"tool": "projects", "action": "create"}`))
	if err != nil || !strings.Contains(resultText(t, r), `"inputSchema":{"type":"object","required":["name"],"properties":`) {
		t.Errorf("describe_action: %v %s", err, resultText(t, r))
	}
	if s, err = New(Config{API: projectsAPI(), Layout: LayoutSearch}); err != nil {
		t.Fatal(err)
	}
	r, err = s.Call(context.Background(), "search_operations", json.RawMessage(`{"query": "create_project", "limit": 1}`))
	if err != nil || !strings.Contains(resultText(t, r), `"inputSchema":{"type":"object","required":["name"],"properties":`) {
		t.Errorf("search_operations: %v %s", err, resultText(t, r))
	}
}

// TestActionLines checks each part of an action's line: the title unless
// it only restates the action and the resource, the method and path (the
// method only in a compact listing, and not even that where the action's
// name is the method's), and what it needs.
func TestActionLines(t *testing.T) {
	op := func(method, path, title string) *tool {
		return &tool{op: &client.Operation{Method: method, Path: path}, def: &mcp.Tool{Title: title}}
	}
	for _, c := range []struct {
		action, key string
		t           *tool
		needs       string
		compact     bool
		want        string
	}{
		{"retrieve", "v1/coupons", op("GET", "/v1/coupons/{coupon}", "Retrieves the coupon with the given ID."), "; needs coupon", false,
			"- retrieve (GET /v1/coupons/{coupon}; needs coupon)"},
		{"retrieve", "v1/coupons", op("GET", "/v1/coupons/{coupon}", "Retrieves the coupon with the given ID."), "; needs coupon", true,
			"- retrieve (needs coupon)"},
		{"list", "v1/charges", op("GET", "/v1/charges", "Returns a list of charges you’ve previously created."), "", true,
			"- list"},
		{"update", "v1/invoices", op("POST", "/v1/invoices/{invoice}", "Draft invoices are fully editable."), "; needs invoice", true,
			"- update: Draft invoices are fully editable. (needs invoice)"},
		{"void", "v1/invoices", op("POST", "/v1/invoices/{invoice}/void", "Mark a finalized invoice as void."), "; needs invoice", true,
			"- void: Mark a finalized invoice as void. (POST; needs invoice)"},
		{"void", "v1/invoices", op("POST", "/v1/invoices/{invoice}/void", "Void an invoice."), "", true,
			"- void (POST)"},
		{"dispute_post", "v1/charges", op("POST", "/v1/charges/{charge}/dispute", "POST /v1/charges/{charge}/dispute"), "; needs charge", true,
			"- dispute_post: POST /v1/charges/{charge}/dispute (needs charge)"},
		{"create", "v1/accounts/persons", op("POST", "/v1/accounts/{account}/persons", "Creates a new person."), "; needs account", false,
			"- create (POST /v1/accounts/{account}/persons; needs account)"},
	} {
		if got := actionLine(c.action, c.key, c.t, c.needs, c.compact, conventional(c.t, c.action)); got != c.want {
			t.Errorf("%s on /%s: %q, want %q", c.action, c.key, got, c.want)
		}
	}
}

// TestRestatesAction checks which titles say nothing the action's name and
// the resource's path do not.
func TestRestatesAction(t *testing.T) {
	for _, c := range []struct {
		title, action, key string
		want               bool
	}{
		{"Retrieves the details of an existing refund.", "retrieve", "v1/refunds", true},
		{"Creates a new customer object.", "create", "v1/customers", true},
		{"Updates the specified payout by setting the values of the parameters passed.", "update", "v1/payouts", true},
		{"Updates the specified payout by setting the values of the parameters passed.", "update", "v1/transfers", false},
		{"List the tasks of a project", "list", "api/projects/tasks", true},
		{"Returns a list of people associated with the account’s legal entity.", "list", "v1/accounts/people", false},
		{"Permanently deletes a one-off invoice draft.", "delete", "v1/invoices", false},
		{"Retrieves a new customer.", "retrieve", "v1/customers", false}, // "new" is a create's word
		{"", "list", "v1/charges", false},
	} {
		if got := restatesAction(c.title, c.action, c.key); got != c.want {
			t.Errorf("restatesAction(%q, %s, %s) = %v, want %v", c.title, c.action, c.key, got, c.want)
		}
	}
}
