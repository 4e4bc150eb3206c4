package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
)

// projectsAPI is a small API description built by hand: a projects
// resource with list, create, retrieve, update, delete, an array body and a
// binary download.
func projectsAPI() *client.API {
	idParam := &client.Param{Name: "id", In: "path", Required: true, Schema: map[string]any{"type": "integer"}, Style: "simple"}
	project := map[string]any{
		"type":     "object",
		"required": []any{"name"},
		"properties": map[string]any{
			"id":          map[string]any{"type": "integer", "description": "Identifier in the body"},
			"name":        map[string]any{"type": "string", "maxLength": 50},
			"description": map[string]any{"type": "string"},
		},
	}
	return &client.API{
		Title:       "Projects API",
		Version:     "1.0",
		Description: "Projects and their tasks.\n\nMore text that is not needed.",
		Servers:     []string{"http://example.invalid"},
		Operations: []*client.Operation{
			{
				ID: "listProjects", Method: "GET", Path: "/projects", Summary: "List projects", Tags: []string{"projects"}, Security: true,
				Params: []*client.Param{
					{Name: "page", In: "query", Schema: map[string]any{"type": "integer", "minimum": 1}, Style: "form", Explode: true},
					{Name: "page_size", In: "query", Schema: map[string]any{"type": "integer", "maximum": 100}, Style: "form", Explode: true},
					{Name: "search", In: "query", Description: "Text to look for.", Schema: map[string]any{"type": "string"}, Style: "form", Explode: true},
					{Name: "status", In: "query", Schema: map[string]any{"type": "string", "enum": []any{"active", "archived"}, "default": "active"}, Style: "form", Explode: true},
					{Name: "include[]", In: "query", Schema: map[string]any{"type": "array", "items": map[string]any{"type": "string"}}, Style: "form", Explode: true},
					{Name: "X-Request-Id", In: "header", Schema: map[string]any{"type": "string"}, Style: "simple"},
				},
			},
			{
				ID: "createProject", Method: "POST", Path: "/projects", Summary: "Create a project", Tags: []string{"projects"}, Security: true,
				Body: &client.Body{Required: true, ContentType: "application/json", Schema: project},
			},
			{
				ID: "getProject", Method: "GET", Path: "/projects/{id}", Summary: "Retrieve a project", Tags: []string{"projects"}, Security: true,
				Params: []*client.Param{idParam},
			},
			{
				ID: "updateProject", Method: "PUT", Path: "/projects/{id}", Summary: "Update a project", Tags: []string{"projects"}, Security: true,
				Params: []*client.Param{idParam},
				Body:   &client.Body{Required: true, ContentType: "application/json", Schema: project},
			},
			{
				ID: "deleteProject", Method: "DELETE", Path: "/projects/{id}", Summary: "Delete a project", Tags: []string{"projects"}, Security: true,
				Params: []*client.Param{idParam},
			},
			{
				ID: "setProjectTags", Method: "POST", Path: "/projects/{id}/tags", Summary: "Replace the tags of a project", Tags: []string{"projects"}, Security: true,
				Params: []*client.Param{idParam},
				Body:   &client.Body{Required: true, ContentType: "application/json", Schema: map[string]any{"type": "array", "items": map[string]any{"type": "string"}}},
			},
			{
				ID: "downloadProject", Method: "GET", Path: "/projects/{id}/export", Summary: "Export a project", Tags: []string{"exports"}, Security: true,
				Params: []*client.Param{idParam},
			},
			{
				Method: "GET", Path: "/health", Summary: "Health check", Security: false,
			},
		},
	}
}

// recorded is one request the test API received.
type recorded struct {
	Method, Path, RawQuery, Auth, RequestID string
	Body                                    string
}

// testAPIServer serves projectsAPI; it counts and records requests.
type testAPIServer struct {
	*httptest.Server
	hits atomic.Int32
	last atomic.Pointer[recorded]
}

func newTestAPIServer(t *testing.T) *testAPIServer {
	t.Helper()
	ts := &testAPIServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /projects", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("search") == "everything" {
			w.Header().Set("Content-Type", "application/json")
			var items []string
			for i := range 2000 {
				items = append(items, `{"id":`+itoa(i)+`,"name":"project number `+itoa(i)+`"}`)
			}
			io.WriteString(w, `{"count":2000,"results":[`+strings.Join(items, ",")+`]}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `[ {"id": 1, "name": "alpha"}, {"id": 2, "name": "beta"} ]`)
	})
	mux.HandleFunc("POST /projects", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id": 3, "name": "created"}`)
	})
	mux.HandleFunc("GET /projects/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "1" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"detail": "Not found."}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id": 1, "name": "alpha", "description": "first"}`)
	})
	mux.HandleFunc("PUT /projects/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok": true}`)
	})
	mux.HandleFunc("DELETE /projects/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /projects/{id}/tags", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `["a","b"]`)
	})
	mux.HandleFunc("GET /projects/{id}/export", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="project-1.zip"`)
		w.Write(make([]byte, 4096))
	})
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok")
	})
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		ts.last.Store(&recorded{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
			Auth: r.Header.Get("Authorization"), RequestID: r.Header.Get("X-Request-Id"), Body: string(b)})
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// newTestServer builds a Server for projectsAPI against ts with cfg's
// other fields.
func newTestServer(t *testing.T, ts *testAPIServer, key client.KeySource, cfg Config) *Server {
	t.Helper()
	cfg.API = projectsAPI()
	opts := client.Options{BaseURL: ts.URL}
	if key != nil {
		opts.Credential = client.HeaderKey{Scheme: "Bearer", Key: key}
	}
	cfg.Client = client.New(opts)
	if cfg.Name == "" {
		cfg.Name = "acme"
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// connect runs s over in-memory transports and returns a client session.
func connect(t *testing.T, s *Server) *mcp.ClientSession {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ct, st := mcp.NewInMemoryTransports()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, st) }()
	c := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "0"}, nil)
	cs, err := c.Connect(ctx, ct, nil)
	if err != nil {
		cancel()
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() {
		cs.Close()
		cancel()
		<-done
	})
	return cs
}

// mcpCall builds CallToolParams in one expression.
type mcpCall struct {
	Name      string
	Arguments map[string]any
}

func (c mcpCall) params() *mcp.CallToolParams {
	return &mcp.CallToolParams{Name: c.Name, Arguments: c.Arguments}
}

// schemaOf decodes a tool's input schema, whatever its representation.
func schemaOf(t testing.TB, tool *mcp.Tool) map[string]any {
	t.Helper()
	b, err := json.Marshal(tool.InputSchema)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
