package server

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/client"
)

func TestResourcesLayout(t *testing.T) {
	ts := newTestAPIServer(t)
	s := newTestServer(t, ts, nil, Config{Layout: LayoutResources})
	var names []string
	for _, tool := range s.Tools() {
		names = append(names, tool.Name)
	}
	// /projects/{id}/tags and /projects/{id}/export are actions of projects.
	if got := strings.Join(names, " "); got != "describe_action health projects" {
		t.Fatalf("tools = %s, want describe_action health projects", got)
	}
	cs := connect(t, s)
	ctx := context.Background()
	tests := []struct {
		args    map[string]any
		isError bool
		want    string
		path    string
	}{
		{map[string]any{"action": "retrieve", "id": 1}, false, `"name":"alpha"`, "/projects/1"},
		{map[string]any{"action": "list", "search": "a"}, false, `"beta"`, "/projects"},
		{map[string]any{"action": "create", "name": "new"}, false, `"created"`, "/projects"},
		{map[string]any{"action": "tags", "id": 1, "body": []any{"x"}}, false, `["a","b"]`, "/projects/1/tags"},
		{map[string]any{"action": "retrieve"}, true, `invalid arguments for projects (action retrieve): missing required argument "id"`, ""},
		{map[string]any{"action": "retrieve", "id": "x"}, true, `argument "id"`, ""},
		{map[string]any{"action": "retrieve", "id": 1, "search": "a"}, true, `unknown argument "search"`, ""},
		{map[string]any{"action": "explode"}, true, `use one of list, create, retrieve`, ""},
		{map[string]any{"id": 1}, true, `missing required argument "action"`, ""},
	}
	for _, tt := range tests {
		before := ts.hits.Load()
		r, err := cs.CallTool(ctx, mcpCall{Name: "projects", Arguments: tt.args}.params())
		if err != nil {
			t.Fatal(err)
		}
		text := resultText(t, r)
		if r.IsError != tt.isError || !strings.Contains(text, tt.want) {
			t.Errorf("%v: IsError=%v %s; want %v %q", tt.args, r.IsError, text, tt.isError, tt.want)
		}
		if tt.isError && ts.hits.Load() != before {
			t.Errorf("%v: an invalid call reached the API", tt.args)
		}
		if tt.path != "" && ts.last.Load().Path != tt.path {
			t.Errorf("%v: path %s, want %s", tt.args, ts.last.Load().Path, tt.path)
		}
	}
	if !strings.Contains(s.Instructions(), "action") || !strings.Contains(s.Instructions(), "describe_action") {
		t.Errorf("instructions do not explain actions: %s", s.Instructions())
	}
	for _, tt := range []struct {
		args    map[string]any
		isError bool
		want    string
	}{
		{map[string]any{"tool": "projects", "action": "retrieve"}, false, `"action":"retrieve"`},
		{map[string]any{"tool": "projects", "action": "explode"}, true, "projects has no action \"explode\": use one of"},
		{map[string]any{"tool": "nope", "action": "list"}, true, `unknown tool "nope": use one of health, projects`},
	} {
		r, err := cs.CallTool(ctx, mcpCall{Name: "describe_action", Arguments: tt.args}.params())
		if err != nil {
			t.Fatal(err)
		}
		text := resultText(t, r)
		if r.IsError != tt.isError || !strings.Contains(text, tt.want) {
			t.Errorf("describe_action %v: IsError=%v %s; want %q", tt.args, r.IsError, text, tt.want)
		}
		if !tt.isError && !strings.Contains(text, `"required":["id"]`) {
			t.Errorf("describe_action %v: no input schema: %s", tt.args, text)
		}
	}
}

func TestSearchLayout(t *testing.T) {
	ts := newTestAPIServer(t)
	s := newTestServer(t, ts, nil, Config{Layout: LayoutSearch, Prefix: "acme"})
	var names []string
	for _, tool := range s.Tools() {
		names = append(names, tool.Name)
	}
	if got := strings.Join(names, " "); got != "acme_call_operation acme_call_write_operation acme_search_operations" {
		t.Fatalf("tools = %s", got)
	}
	// Reads and writes are run by two tools, so that a client may let the
	// one that only reads run without asking.
	for name, want := range map[string][2]bool{"acme_call_operation": {true, false}, "acme_call_write_operation": {false, true}} {
		def, _ := s.Tool(name)
		if a := def.Annotations; a.ReadOnlyHint != want[0] || a.DestructiveHint == nil || *a.DestructiveHint != want[1] {
			t.Errorf("%s: readOnlyHint %v, destructiveHint %v; want %v", name, a.ReadOnlyHint, a.DestructiveHint, want)
		}
	}
	cs := connect(t, s)
	ctx := context.Background()

	r, err := cs.CallTool(ctx, mcpCall{Name: "acme_search_operations", Arguments: map[string]any{"query": "delete project", "limit": 2}}.params())
	if err != nil {
		t.Fatal(err)
	}
	var found []struct {
		Name        string         `json:"name"`
		Description string         `json:"description"`
		InputSchema map[string]any `json:"inputSchema"`
	}
	body, note, _ := strings.Cut(resultText(t, r), "\n")
	if err := json.Unmarshal([]byte(body), &found); err != nil {
		t.Fatalf("search result %q: %v", resultText(t, r), err)
	}
	if len(found) != 2 || found[0].Name != "acme_delete_project" || found[0].InputSchema["type"] != "object" {
		t.Errorf("search = %+v, want acme_delete_project first with its schema", found)
	}
	// The second matches one word of two: listed without its schema.
	if found[1].InputSchema != nil || !strings.HasPrefix(note, "1 match is listed without its input schema") {
		t.Errorf("search = %+v, note %q: want the weaker match without its schema, and a note", found, note)
	}

	r, _ = cs.CallTool(ctx, mcpCall{Name: "acme_search_operations", Arguments: map[string]any{"query": "zebra"}}.params())
	if text := resultText(t, r); r.IsError || !strings.Contains(text, "No operation matches") || !strings.Contains(text, "projects") {
		t.Errorf("empty search: %s", text)
	}

	r, _ = cs.CallTool(ctx, mcpCall{Name: "acme_call_operation", Arguments: map[string]any{"name": "acme_get_project", "arguments": map[string]any{"id": 1}}}.params())
	if text := resultText(t, r); r.IsError || !strings.Contains(text, `"alpha"`) {
		t.Errorf("call_operation: %s", text)
	}
	before := ts.hits.Load()
	r, _ = cs.CallTool(ctx, mcpCall{Name: "acme_call_operation", Arguments: map[string]any{"name": "acme_get_project", "arguments": map[string]any{"id": "one"}}}.params())
	if text := resultText(t, r); !r.IsError || !strings.Contains(text, `argument "id"`) {
		t.Errorf("call_operation with a bad argument: %s", text)
	}
	r, _ = cs.CallTool(ctx, mcpCall{Name: "acme_call_operation", Arguments: map[string]any{"name": "get_projects"}}.params())
	if text := resultText(t, r); !r.IsError || !strings.Contains(text, "acme_get_project") {
		t.Errorf("call_operation with an unknown name: %s", text)
	}
	// An operation that changes data is refused by the tool that only
	// reads, before anything is sent, and names the one that runs it.
	r, _ = cs.CallTool(ctx, mcpCall{Name: "acme_call_operation", Arguments: map[string]any{"name": "acme_delete_project", "arguments": map[string]any{"id": 1}}}.params())
	if text := resultText(t, r); !r.IsError || !strings.Contains(text, "acme_delete_project changes data") || !strings.Contains(text, "run it with acme_call_write_operation") {
		t.Errorf("call_operation with an operation that changes data: %s", text)
	}
	if ts.hits.Load() != before {
		t.Errorf("invalid calls reached the API")
	}
	r, _ = cs.CallTool(ctx, mcpCall{Name: "acme_call_write_operation", Arguments: map[string]any{"name": "acme_delete_project", "arguments": map[string]any{"id": 1}}}.params())
	if r.IsError || ts.hits.Load() != before+1 {
		t.Errorf("call_write_operation acme_delete_project: %s (%d requests)", resultText(t, r), ts.hits.Load()-before)
	}
	// The write tool runs a read-only operation asked of it too.
	r, _ = cs.CallTool(ctx, mcpCall{Name: "acme_call_write_operation", Arguments: map[string]any{"name": "acme_get_project", "arguments": map[string]any{"id": 1}}}.params())
	if text := resultText(t, r); r.IsError || !strings.Contains(text, `"alpha"`) {
		t.Errorf("call_write_operation acme_get_project: %s", text)
	}
	if _, err := s.Call(ctx, "acme_delete_project", nil); err == nil || !strings.Contains(err.Error(), "run it with acme_call_write_operation") {
		t.Errorf("an operation that changes data, called by its name: %v", err)
	}
	if !strings.Contains(s.Instructions(), "behind three tools") || !strings.Contains(s.Instructions(), "acme_call_write_operation if it changes data") {
		t.Errorf("instructions: %s", s.Instructions())
	}

	// Operations that all read are run by one tool, read-only.
	ro := newTestServer(t, ts, nil, Config{Layout: LayoutSearch, Filter: Filter{ReadOnly: true}})
	names = names[:0]
	for _, tool := range ro.Tools() {
		names = append(names, tool.Name)
	}
	if got := strings.Join(names, " "); got != "call_operation search_operations" {
		t.Errorf("read-only tools = %s", got)
	}
	if def, _ := ro.Tool("call_operation"); !def.Annotations.ReadOnlyHint || def.Title != "Call an API operation" {
		t.Errorf("read-only call_operation: %+v", def.Annotations)
	}
}

func TestResourcesLayoutActionArgument(t *testing.T) {
	api := projectsAPI()
	// An operation with its own "action" argument.
	api.Operations[0].Params = append(api.Operations[0].Params, &client.Param{Name: "action", In: "query", Schema: map[string]any{"type": "string"}})
	s, err := New(Config{API: api, Layout: LayoutResources})
	if err != nil {
		t.Fatal(err)
	}
	def, ok := s.Tool("projects")
	if !ok {
		t.Fatal("no projects tool")
	}
	schema := schemaOf(t, def)
	props := schema["properties"].(map[string]any)
	if _, ok := props["resource_action"]; !ok || schema["required"].([]any)[0] != "resource_action" {
		t.Errorf("selector is not resource_action: %v", schema["required"])
	}
	if !strings.HasPrefix(def.Description, "/projects (pick the action with resource_action") {
		t.Errorf("the description does not name the selector: %s", def.Description)
	}
	if p, ok := props["action"].(map[string]any); !ok || p["type"] != "string" || p["enum"] != nil {
		t.Errorf("the operation's action argument was replaced: %v", props["action"])
	}
}

func TestSearchStaysWithinBudget(t *testing.T) {
	api := projectsAPI()
	s, err := New(Config{API: api, Layout: LayoutSearch, MaxResultBytes: 700})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Call(context.Background(), "search_operations", json.RawMessage(`{"query": "project", "limit": 6}`))
	if err != nil {
		t.Fatal(err)
	}
	text := resultText(t, r)
	body, note, _ := strings.Cut(text, "\n")
	var found []map[string]any
	if err := json.Unmarshal([]byte(body), &found); err != nil {
		t.Fatalf("result is not JSON then a note: %q", text)
	}
	if len(body) > 700 || len(found) < 2 {
		t.Errorf("%d bytes, %d matches", len(body), len(found))
	}
	if found[0]["inputSchema"] == nil || found[len(found)-1]["inputSchema"] != nil {
		t.Errorf("the first match should keep its schema and the last lose it: %s", body)
	}
	if !strings.Contains(note, "search for one by its name") {
		t.Errorf("note = %q", note)
	}
	// Searching by an exact name puts that operation first.
	last := found[len(found)-1]["name"].(string)
	r, _ = s.Call(context.Background(), "search_operations", json.RawMessage(`{"query": "`+last+`", "limit": 1}`))
	if err := json.Unmarshal([]byte(resultText(t, r)), &found); err != nil || found[0]["name"] != last || found[0]["inputSchema"] == nil {
		t.Errorf("search by name %s: %s", last, resultText(t, r))
	}
}

// TestLongFormsAreOne checks that a short form of several long ones
// ("auth") is read the same way in every process, not by map order.
func TestLongFormsAreOne(t *testing.T) {
	first := readLongForms()
	if first["auth"] != "authenticated" {
		t.Errorf(`"auth" reads as %q, want "authenticated"`, first["auth"])
	}
	for range 50 {
		if again := readLongForms(); !maps.Equal(first, again) {
			t.Fatalf("long forms differ from one reading to the next: %v, %v", first, again)
		}
	}
}

func TestSearchRanking(t *testing.T) {
	api := projectsAPI()
	api.Operations = append(api.Operations, &client.Operation{ID: "listRepositories", Method: "GET", Path: "/repos", Summary: "List repositories"},
		&client.Operation{ID: "PostCustomers", Method: "POST", Path: "/v1/customers", Description: "Creates a new customer object."},
		&client.Operation{ID: "GetCustomers", Method: "GET", Path: "/v1/customers", Description: "Returns a list of your customers."},
		&client.Operation{ID: "PostCustomersCustomer", Method: "POST", Path: "/v1/customers/{customer}", Description: "Updates the specified customer by setting the values of the parameters passed."},
		&client.Operation{ID: "PostCustomersCustomerCardsId", Method: "POST", Path: "/v1/customers/{customer}/cards/{id}", Description: "Update a specified source for a given customer."},
		// Undescribed: only the method and the path say what they do.
		&client.Operation{ID: "PostWidgets", Method: "POST", Path: "/v1/widgets"},
		&client.Operation{ID: "PostWidgetsWidget", Method: "POST", Path: "/v1/widgets/{widget}"},
		&client.Operation{ID: "GetWidgets", Method: "GET", Path: "/v1/widgets"},
		&client.Operation{ID: "GetWidgetsWidget", Method: "GET", Path: "/v1/widgets/{widget}"},
		&client.Operation{ID: "repos/list-for-authenticated-user", Method: "GET", Path: "/user/repos", Summary: "List repositories for the authenticated user"},
		&client.Operation{ID: "repos/list-for-org", Method: "GET", Path: "/orgs/{org}/repos", Summary: "List organization repositories"},
		&client.Operation{ID: "actions/list-self-hosted-runners-for-repo", Method: "GET", Path: "/repos/{owner}/{repo}/actions/runners", Summary: "List self-hosted runners for a repository"})
	s, err := New(Config{API: api, Layout: LayoutSearch})
	if err != nil {
		t.Fatal(err)
	}
	ix := &searchIndex{}
	tests := []struct{ query, first string }{
		{"remove a project", "delete_project"},  // DELETE answers "remove"
		{"create customer", "post_customers"},   // POST answers "create"
		{"list the customers", "get_customers"}, // stop words go; GET answers "list"
		{"repositories", "list_repositories"},   // summary
		{"get_project", "get_project"},          // an exact name first
		{"export projects", "download_project"}, // summary words
		// The caller: "my" is the authenticated user, not "self-hosted".
		{"list my repositories", "repos_list_for_authenticated_user"},
		// A POST of one item updates it (Stripe).
		{"update a customer", "post_customers_customer"},
		{"list customers", "get_customers"}, // a GET of a collection lists
		{"update a widget", "post_widgets_widget"},
		{"create a widget", "post_widgets"},
		{"list widgets", "get_widgets"},
		{"retrieve a widget", "get_widgets_widget"},
	}
	for _, h := range ix.search(s.ops, "my", 25) {
		if h.t.def.Name != "repos_list_for_authenticated_user" {
			t.Errorf(`search "my" finds %s`, h.t.def.Name)
		}
	}
	for _, tt := range tests {
		hits := ix.search(s.ops, tt.query, 3)
		if len(hits) == 0 || hits[0].t.def.Name != tt.first {
			var names []string
			for _, h := range hits {
				names = append(names, h.t.def.Name)
			}
			t.Errorf("search %q = %v, want %s first", tt.query, names, tt.first)
		}
	}
}

// TestVerbsOfOneItem checks that a path naming one item behind a format
// suffix (Twilio's {Sid}.json) or a fragment (Box's #get_shared_link)
// answers to the verbs of one item: a POST there updates, it does not send.
func TestVerbsOfOneItem(t *testing.T) {
	tests := []struct{ method, path, first string }{
		{"POST", "/Accounts/{AccountSid}/Messages.json", "create"},
		{"POST", "/Accounts/{AccountSid}/Messages/{Sid}.json", "update"},
		{"GET", "/Accounts/{AccountSid}/Messages/{Sid}.xml", "get"},
		{"GET", "/Accounts/{AccountSid}/Messages.json", "list"},
		{"GET", "/files/{file_id}#get_shared_link", "get"},
		{"PUT", "/files/{file_id}#add_shared_link", "put"},
		{"GET", "/files/{file_id}/", "get"},
		{"GET", "/files#search", "list"},
	}
	for _, tt := range tests {
		if got := verbs(tt.method, tt.path); len(got) == 0 || got[0] != tt.first || tt.method == "GET" && tt.first == "get" && got[1] != "retrieve" {
			t.Errorf("verbs(%s %s) = %v, want %s first", tt.method, tt.path, got, tt.first)
		}
	}
}

// A misspelt name is answered with the name meant: by call_operation, by
// describe_action and for a tool of another layout.
func TestMisspeltNamesFindTheirTool(t *testing.T) {
	api := projectsAPI()
	s, err := New(Config{API: api, Layout: LayoutSearch})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := s.Call(context.Background(), "call_operation", json.RawMessage(`{"name": "get_projetc", "arguments": {}}`))
	if text := resultText(t, r); !r.IsError || !strings.Contains(text, "close matches: get_project") {
		t.Errorf("call_operation get_projetc: %s", text)
	}
	if _, err := s.Call(context.Background(), "describe_action", nil); err == nil || !strings.Contains(err.Error(), "the resources layout") || !strings.Contains(err.Error(), "--layout resources") {
		t.Errorf("describe_action in the search layout: %v", err)
	}
	r2, err := New(Config{API: api, Layout: LayoutResources})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := r2.Call(context.Background(), "describe_action", json.RawMessage(`{"tool": "project", "action": "list"}`))
	if text := resultText(t, res); !res.IsError || !strings.Contains(text, "did you mean projects?") {
		t.Errorf("describe_action project: %s", text)
	}
	if _, err := r2.Call(context.Background(), "projetcs", nil); err == nil || !strings.Contains(err.Error(), "did you mean projects") {
		t.Errorf("projetcs: %v", err)
	}
}

// An operation called through call_operation is named as the operation,
// even where the auto layout weighed the resources layout before choosing
// search (which used to leave the resource's name on it).
func TestCallOperationNamesTheOperation(t *testing.T) {
	for _, file := range sharedSpecs(t) {
		if filepath.Base(file) != "stripe-spec3.json" {
			continue
		}
		s, err := New(Config{API: loadSpec(t, file)})
		if err != nil {
			t.Fatal(err)
		}
		r, _ := s.Call(context.Background(), "call_write_operation", json.RawMessage(`{"name": "post_customers_customer_tax_ids", "arguments": {}}`))
		if text := resultText(t, r); !r.IsError || !strings.HasPrefix(text, "invalid arguments for post_customers_customer_tax_ids:") {
			t.Errorf("call_operation: %s", text)
		}
	}
}

// manyShapesAPI has n resources of five actions, each action taking ten
// arguments of its own enum: the resource tools list each argument as an
// anyOf of five schemas when in full, one when compact.
func manyShapesAPI(n int) *client.API {
	api := &client.API{Title: "Shapes", Servers: []string{"http://example.invalid"}}
	for r := range n {
		coll := fmt.Sprintf("/widgets%d", r)
		item := coll + "/{id}"
		for _, op := range []struct{ method, path, id string }{
			{"GET", coll, "list"}, {"POST", coll, "create"}, {"GET", item, "get"}, {"PUT", item, "update"}, {"DELETE", item, "delete"},
		} {
			o := &client.Operation{ID: fmt.Sprintf("%s_widget%d", op.id, r), Method: op.method, Path: op.path, Summary: op.id + " a widget"}
			if op.path == item {
				o.Params = append(o.Params, &client.Param{Name: "id", In: "path", Required: true, Schema: map[string]any{"type": "integer"}, Style: "simple"})
			}
			for j := range 10 {
				enum := []any{op.id + "_one", op.id + "_two", op.id + "_three"}
				o.Params = append(o.Params, &client.Param{Name: fmt.Sprintf("filter%d", j), In: "query",
					Schema: map[string]any{"type": "string", "enum": enum}, Style: "form", Explode: true})
			}
			api.Operations = append(api.Operations, o)
		}
	}
	return api
}

// TestResourcesCompactBySize checks that the resources layout is listed
// compactly when its whole listing exceeds the auto budget, measured (an
// estimate from each argument's first schema missed the anyOf of the
// others), and that auto then serves the compact listing that fits.
func TestResourcesCompactBySize(t *testing.T) {
	api := manyShapesAPI(40)
	s, err := New(Config{API: api, Layout: LayoutResources})
	if err != nil {
		t.Fatal(err)
	}
	size := listingSize(toolsOf(s))
	if tokens(size) > autoMaxTokens {
		t.Errorf("resources listing: %d bytes, over the budget of %d tokens", size, autoMaxTokens)
	}
	if d := s.list[len(s.list)-1].Description; strings.Contains(d, "GET /widgets") {
		t.Errorf("not compact: %s", d)
	}
	a, err := New(Config{API: api})
	if err != nil {
		t.Fatal(err)
	}
	if layout, reason := a.Layout(); layout != LayoutResources {
		t.Errorf("auto layout: %s (%s), want resources", layout, reason)
	}
	// A small one stays in full.
	small, err := New(Config{API: manyShapesAPI(3), Layout: LayoutResources})
	if err != nil {
		t.Fatal(err)
	}
	if d := small.list[len(small.list)-1].Description; !strings.Contains(d, "GET /widgets") {
		t.Errorf("compact: %s", d)
	}
}

func toolsOf(s *Server) []*tool {
	var out []*tool
	for _, d := range s.list {
		out = append(out, s.byName[d.Name])
	}
	return out
}

// TestFiltersRenameNoResource checks that the resources layout groups and
// names resources and actions over the whole API: a filter leaves every
// operation it keeps under the tool and action it has without one.
func TestFiltersRenameNoResource(t *testing.T) {
	apis := map[string]*client.API{"projects": projectsAPI()}
	for _, f := range sharedSpecs(t) {
		if b := filepath.Base(f); strings.HasPrefix(b, "github") || strings.HasPrefix(b, "stripe") {
			apis[b] = loadSpec(t, f)
		}
	}
	labels := func(t *testing.T, api *client.API, f Filter) map[string]string {
		s, err := New(Config{API: api, Layout: LayoutResources, Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, op := range s.ops {
			out[op.op.Method+" "+op.op.Path] = op.label
		}
		return out
	}
	for name, api := range apis {
		t.Run(name, func(t *testing.T) {
			all := labels(t, api, Filter{})
			last := api.Operations[len(api.Operations)-1]
			for _, f := range []Filter{{ReadOnly: true}, {Tags: []string{"pulls"}}, {Methods: []string{"POST"}},
				{Operations: []string{last.ID}}, {Tags: []string{"exports"}}, {Tags: []string{"projects"}, Methods: []string{"POST"}}} {
				got := labels(t, api, f)
				for op, label := range got {
					if label != all[op] {
						t.Errorf("filter %+v: %s is %s, without the filter %s", f, op, label, all[op])
					}
				}
			}
		})
	}
}

// TestActionTool checks that ActionTool names the tool whose schema a
// call's arguments follow: the chosen action's operation for a resource
// tool, the tool itself otherwise.
func TestActionTool(t *testing.T) {
	s, err := New(Config{API: projectsAPI(), Layout: LayoutResources})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := s.ActionTool("projects", map[string]any{"action": "retrieve"}); !ok || got.Name != "get_project" {
		t.Errorf("projects retrieve: %v, %v", got, ok)
	}
	if got, ok := s.ActionTool("projects", map[string]any{"action": "nope"}); ok {
		t.Errorf("projects nope: %v", got.Name)
	}
	if got, ok := s.ActionTool("describe_action", nil); !ok || got.Name != "describe_action" {
		t.Errorf("describe_action: %v, %v", got, ok)
	}
	if _, ok := s.ActionTool("get_project", nil); ok {
		t.Error("get_project is not listed")
	}
}

// TestResourcesRefusalsAudited checks that a resource tool's refused calls
// leave the audit line an operation's do, and that an unknown argument is
// answered with the chosen action's arguments.
func TestResourcesRefusalsAudited(t *testing.T) {
	checkRefusalsAudited(t, LayoutResources, "projects", []refusal{
		{`{"action": "retrieve", "id": 1, "bogus": 1}`, `unknown argument "bogus"; it takes: fields, id`, "get_project"},
		{`{"id": 1}`, `missing required argument "action"`, "projects"},
		{`{"action": "nope"}`, `action "nope": use one of`, "projects"},
	})
}

// TestSearchRefusalsAudited checks that call_operation's refused calls —
// an unknown operation, arguments that are no object — leave an audit
// line, as an operation tool's do.
func TestSearchRefusalsAudited(t *testing.T) {
	checkRefusalsAudited(t, LayoutSearch, "call_operation", []refusal{
		{`{"name": "get_projekt"}`, `unknown operation "get_projekt"`, "call_operation"},
		{`{"name": "get_project", "arguments": "id=1"}`, `arguments is a string that is not a JSON object`, "get_project"},
		{`{"name": "get_project", "arguments": {"id": 1, "bogus": 1}}`, `unknown argument "bogus"`, "get_project"},
	})
}

// refusal is a call refused before anything is sent: its arguments, what
// the answer says, and the tool its audit line names.
type refusal struct{ args, want, tool string }

// checkRefusalsAudited calls tool of the projects API served in layout
// with each refusal's arguments and checks the answer and the audit line.
func checkRefusalsAudited(t *testing.T, layout, tool string, refusals []refusal) {
	t.Helper()
	var audit strings.Builder
	s, err := New(Config{API: projectsAPI(), Layout: layout, AuditLog: &audit})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range refusals {
		audit.Reset()
		r, err := s.Call(context.Background(), tool, json.RawMessage(tt.args))
		if err != nil {
			t.Fatal(err)
		}
		if text := resultText(t, r); !r.IsError || !strings.Contains(text, tt.want) {
			t.Errorf("%s: %s, want %q", tt.args, text, tt.want)
		}
		var e auditEntry
		if err := json.Unmarshal([]byte(audit.String()), &e); err != nil || e.Outcome != "invalid_arguments" || e.Tool != tt.tool {
			t.Errorf("%s: audit %q, want an invalid_arguments line for %s", tt.args, audit.String(), tt.tool)
		}
	}
}

// TestDescribeRenamedIsNamed checks that where a resource is called
// describe_action, the describe tool's own name (describe_action_2) is the
// one the instructions and the compact listing's notes give.
func TestDescribeRenamedIsNamed(t *testing.T) {
	api := manyShapesAPI(40)
	for _, m := range []string{"GET", "POST", "PUT"} {
		api.Operations = append(api.Operations, &client.Operation{ID: m + "_da", Method: m, Path: "/describe/action"})
	}
	s, err := New(Config{API: api, Layout: LayoutResources})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Tool("describe_action_2"); !ok {
		t.Fatalf("no describe_action_2 among %v", s.list)
	}
	if in := s.Instructions(); !strings.Contains(in, "describe_action_2 shows") {
		t.Errorf("instructions: %s", in)
	}
	w, _ := s.Tool("widgets0")
	if b, _ := json.Marshal(w.InputSchema); !strings.Contains(string(b), "describe_action_2)") {
		t.Errorf("widgets0 listing: %s", b)
	}
}

// TestResourcesLayoutSeparateWrites checks that with SeparateWrites a
// resource's actions that change data are a tool of their own, that each
// tool's annotations hold for every action it runs, and that an action
// asked of the other tool is sent there by name before anything is sent.
func TestResourcesLayoutSeparateWrites(t *testing.T) {
	ts := newTestAPIServer(t)
	s := newTestServer(t, ts, nil, Config{Layout: LayoutResources, SeparateWrites: true})
	var names []string
	for _, tool := range s.Tools() {
		names = append(names, tool.Name)
	}
	if got := strings.Join(names, " "); got != "describe_action health projects projects_write" {
		t.Fatalf("tools = %s", got)
	}
	for name, want := range map[string]struct {
		readOnly, destructive bool
		actions               []any
	}{
		"projects":       {true, false, []any{"list", "retrieve", "export"}},
		"projects_write": {false, true, []any{"create", "update", "delete", "tags"}},
	} {
		def, _ := s.Tool(name)
		if a := def.Annotations; a.ReadOnlyHint != want.readOnly || *a.DestructiveHint != want.destructive {
			t.Errorf("%s: readOnlyHint %v, destructiveHint %v", name, a.ReadOnlyHint, *a.DestructiveHint)
		}
		if got := schemaOf(t, def)["properties"].(map[string]any)["action"].(map[string]any)["enum"]; !reflect.DeepEqual(got, want.actions) {
			t.Errorf("%s: actions %v, want %v", name, got, want.actions)
		}
	}
	if !strings.Contains(s.Instructions(), "named with _write, for those that change data") {
		t.Errorf("instructions: %s", s.Instructions())
	}
	cs := connect(t, s)
	ctx := context.Background()
	before := ts.hits.Load()
	r, _ := cs.CallTool(ctx, mcpCall{Name: "projects", Arguments: map[string]any{"action": "delete", "id": 1}}.params())
	if text := resultText(t, r); !r.IsError || !strings.Contains(text, `action "delete" changes data: call projects_write with it`) {
		t.Errorf("projects, action delete: %s", text)
	}
	r, _ = cs.CallTool(ctx, mcpCall{Name: "projects_write", Arguments: map[string]any{"action": "retrieve", "id": 1}}.params())
	if text := resultText(t, r); !r.IsError || !strings.Contains(text, `action "retrieve" only reads: call projects with it`) {
		t.Errorf("projects_write, action retrieve: %s", text)
	}
	if ts.hits.Load() != before {
		t.Errorf("a refused call reached the API")
	}
	r, _ = cs.CallTool(ctx, mcpCall{Name: "describe_action", Arguments: map[string]any{"tool": "projects", "action": "delete"}}.params())
	if text := resultText(t, r); !r.IsError || !strings.Contains(text, `projects_write takes it; describe it with tool "projects_write"`) {
		t.Errorf("describe_action projects delete: %s", text)
	}
	r, _ = cs.CallTool(ctx, mcpCall{Name: "projects_write", Arguments: map[string]any{"action": "delete", "id": 1}}.params())
	if r.IsError || ts.hits.Load() != before+1 {
		t.Errorf("projects_write, action delete: %s", resultText(t, r))
	}
	r, _ = cs.CallTool(ctx, mcpCall{Name: "describe_action", Arguments: map[string]any{"tool": "projects_write", "action": "create"}}.params())
	if text := resultText(t, r); r.IsError || !strings.Contains(text, "POST /projects") {
		t.Errorf("describe_action projects_write create: %s", text)
	}

	// A filter renames nothing: the writing tool keeps its name when no
	// action that reads is left.
	w := newTestServer(t, ts, nil, Config{Layout: LayoutResources, SeparateWrites: true, Filter: Filter{Methods: []string{"DELETE"}}})
	names = names[:0]
	for _, tool := range w.Tools() {
		names = append(names, tool.Name)
	}
	if got := strings.Join(names, " "); got != "describe_action projects_write" {
		t.Errorf("tools of DELETE alone = %s", got)
	}
}
