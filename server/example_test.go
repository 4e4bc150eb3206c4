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
