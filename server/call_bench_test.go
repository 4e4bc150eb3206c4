package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
)

// The per-call benchmarks of docs/performance.md; run them with
// `go test ./server -run XXX -bench 'Call|Result|Validate|ToolsList' -benchmem`.

// BenchmarkCallInMemory is one tools/call through the MCP SDK's in-memory
// transport, validation, the request, a loopback API's JSON answer and the
// result.
func BenchmarkCallInMemory(b *testing.B) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[{"id":1,"name":"alpha"},{"id":2,"name":"beta"}]`)
	}))
	defer api.Close()
	s, err := New(Config{API: projectsAPI(), Client: client.New(client.Options{BaseURL: api.URL,
		Credential: client.HeaderKey{Scheme: "Bearer", Key: client.StaticKey("sk-bench-0123456789")}})})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ct, st := mcp.NewInMemoryTransports()
	go func() { _ = s.Run(ctx, st) }()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer cs.Close()
	params := &mcp.CallToolParams{Name: "list_projects", Arguments: map[string]any{"page": 2, "search": "al"}}
	for b.Loop() {
		res, err := cs.CallTool(ctx, params)
		if err != nil || res.IsError {
			b.Fatalf("%v %+v", err, res)
		}
	}
}

// BenchmarkResult turns a 20 kB JSON answer into a tool result and encodes
// it as the stdio transport writes it: whole within the budget, cut to the
// budget, and with a fields selection.
func BenchmarkResult(b *testing.B) {
	s, err := New(Config{API: projectsAPI()})
	if err != nil {
		b.Fatal(err)
	}
	t := s.byName["list_projects"]
	var items []string
	for i := 0; len(strings.Join(items, ",")) < 20000; i++ {
		items = append(items, fmt.Sprintf(`{"id":%d,"name":"project number %d","owner":{"id":%d,"login":"user%d"},"tags":["a","b"]}`, i, i, i%7, i%7))
	}
	body := []byte(`{"count":` + fmt.Sprint(len(items)) + `,"results":[` + strings.Join(items, ",") + `]}`)
	for _, c := range []struct {
		name   string
		budget int
		fields []string
	}{
		{"whole", 40000, nil},
		{"budget", DefaultMaxResultBytes / 2, nil},
		{"fields", 40000, []string{"results.id", "results.owner.login"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			s.cfg.MaxResultBytes = c.budget
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				r := &client.Response{Status: 200, Header: http.Header{}, ContentType: "application/json", Body: body}
				if c.fields != nil {
					r.Body, _ = selectFields(r.Body, c.fields)
				}
				if _, err := encodeCallResult(s.result(t, r)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidate checks arguments against a tool's schema: a small GET
// and, with the shared descriptions, a Stripe body (POST /v1/customers).
func BenchmarkValidate(b *testing.B) {
	s, err := New(Config{API: projectsAPI(), Layout: LayoutOperations})
	if err != nil {
		b.Fatal(err)
	}
	bench := func(b *testing.B, t *tool, args map[string]any) {
		if msg := t.validate(t.def.Name, args); msg != "" {
			b.Fatal(msg)
		}
		for b.Loop() {
			if msg := t.validate(t.def.Name, args); msg != "" {
				b.Fatal(msg)
			}
		}
	}
	b.Run("projects", func(b *testing.B) {
		bench(b, s.byName["list_projects"], map[string]any{"page": json.Number("2"), "search": "al", "status": "active"})
	})
	for _, file := range sharedSpecs(b) {
		if !strings.HasPrefix(filepath.Base(file), "stripe") {
			continue
		}
		ss, err := New(Config{API: loadSpec(b, file), Layout: LayoutOperations})
		if err != nil {
			b.Fatal(err)
		}
		var t *tool
		for _, o := range ss.ops {
			if o.op.Method == "POST" && o.op.Path == "/v1/customers" {
				t = o
			}
		}
		if t == nil {
			b.Fatal("no POST /v1/customers in the Stripe description")
		}
		b.Run("stripe-customer", func(b *testing.B) {
			bench(b, t, map[string]any{"email": "a@example.com", "name": "Ada", "description": "first",
				"metadata": map[string]any{"plan": "pro"}, "address": map[string]any{"line1": "1 Main St", "city": "Paris", "country": "FR"},
				"expand": []any{"tax"}})
		})
	}
}
