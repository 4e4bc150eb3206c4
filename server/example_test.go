package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/server"
)

// An API of one operation becomes one tool; a call goes to the API and its
// JSON answer comes back compact.
func Example() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /projects/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{ "id": `+r.PathValue("id")+`, "name": "alpha" }`)
	})
	api := httptest.NewServer(mux)
	defer api.Close()

	desc := &client.API{Title: "Projects", Operations: []*client.Operation{{
		ID: "getProject", Method: "GET", Path: "/projects/{id}", Summary: "Retrieve a project",
		Params: []*client.Param{{Name: "id", In: "path", Required: true, Schema: map[string]any{"type": "integer"}, Style: "simple"}},
	}}}
	srv, err := server.New(server.Config{
		API:    desc,
		Client: client.New(client.Options{BaseURL: api.URL}),
		Prefix: "acme",
	})
	if err != nil {
		panic(err)
	}
	for _, t := range srv.Tools() {
		fmt.Println(t.Name, "-", t.Title, "- read only:", t.Annotations.ReadOnlyHint)
	}
	for _, args := range []string{`{"id": 1}`, `{"id": "one"}`} {
		res, _ := srv.Call(context.Background(), "acme_get_project", json.RawMessage(args))
		fmt.Println(res.IsError, res.Content[0].(*mcp.TextContent).Text)
	}
	// Output:
	// acme_get_project - Retrieve a project - read only: true
	// false {"id":1,"name":"alpha"}
	// true invalid arguments for acme_get_project: argument "id": type: one has type "string", want "integer"
}

// The names of docs/tools.md ("Tool names"), from operationIds as API
// generators write them, and from method and path without one.
func ExampleNew_names() {
	op := func(id, method, path string) *client.Operation {
		return &client.Operation{ID: id, Method: method, Path: path}
	}
	for _, ops := range [][]*client.Operation{
		{op("getHTTPStatusV2", "GET", "/status")},
		{op("PostCustomersCustomerSources", "POST", "/v1/customers/{customer}/sources")},
		{op("", "GET", "/projects/{id}")},
		{op("read_items_items__get", "GET", "/items/")},
		{op("allauth_auth_login_post", "POST", "/api/auth/v1/auth/login")},
		{op("getUserUsingGET", "GET", "/users/{id}")},
		{op("CatsController_findAll", "GET", "/cats")},
		{op("enterprise-admin/list-selected-organizations-enabled-github-actions-enterprise", "GET", "/enterprises/{enterprise}/actions/permissions/organizations")},
		{op("listProjects", "GET", "/projects"), op("listProjects", "POST", "/projects")},
		{op("getUser", "GET", "/api/v1/users/{id}"), op("getUser", "GET", "/api/v2/users/{id}")},
	} {
		for _, o := range ops {
			o.Summary = o.Method + " " + o.Path + " " + o.ID
		}
		srv, err := server.New(server.Config{API: &client.API{Title: "Names", Operations: ops}, Client: client.New(client.Options{BaseURL: "https://api.example.com"})})
		if err != nil {
			panic(err)
		}
		for _, t := range srv.Tools() {
			fmt.Printf("%s → %s\n", t.Title, t.Name)
		}
	}
	// Output:
	// GET /status getHTTPStatusV2 → get_http_status_v2
	// POST /v1/customers/{customer}/sources PostCustomersCustomerSources → post_customers_customer_sources
	// GET /projects/{id} → get_projects_by_id
	// GET /items/ read_items_items__get → read_items
	// POST /api/auth/v1/auth/login allauth_auth_login_post → allauth_auth_login
	// GET /users/{id} getUserUsingGET → get_user
	// GET /cats CatsController_findAll → cats_find_all
	// GET /enterprises/{enterprise}/actions/permissions/organizations… → enterprise_admin_list_selected_orgs_enabled_github_actions
	// POST /projects listProjects → create_projects
	// GET /projects listProjects → list_projects
	// GET /api/v1/users/{id} getUser → get_v1_user
	// GET /api/v2/users/{id} getUser → get_v2_user
}
