package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/restmcp/restmcp/client"
)

// edgeServer serves the description text spec (YAML or JSON) against an
// httptest API; last returns the last request's body.
func edgeServer(t *testing.T, spec string) (*Server, func() []byte) {
	t.Helper()
	var mu sync.Mutex
	var body []byte
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		body = b
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(api.Close)
	path := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(path, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{API: loadSpec(t, path), Client: client.New(client.Options{BaseURL: api.URL})})
	if err != nil {
		t.Fatal(err)
	}
	return s, func() []byte {
		mu.Lock()
		defer mu.Unlock()
		return body
	}
}

// TestEmptyBodyPropertyIsSent checks that a JSON body property named ""
// (which JSON Schema allows) is an argument sent as that property, beside
// the body's other properties, and never in place of the whole body.
func TestEmptyBodyPropertyIsSent(t *testing.T) {
	s, last := edgeServer(t, `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /labels:
    post:
      operationId: createLabel
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                "": {type: string, description: The unnamed value.}
                name: {type: string}
                param: {type: integer}
  /tags:
    post:
      operationId: createTag
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                "": {type: string}
`)
	// Alone in its body: a property, not the whole body.
	call(t, s, "create_tag", `{"param": "x"}`)
	if body := last(); string(body) != `{"":"x"}` {
		t.Errorf("body = %s, want {\"\":\"x\"}", body)
	}

	// Beside the others, whose names it does not take.
	tl, ok := s.Tool("create_label")
	if !ok {
		t.Fatal("no tool create_label")
	}
	props := schemaOf(t, tl)["properties"].(map[string]any)
	// The description's own "param" keeps its name; "" takes the next.
	if _, ok := props["param"]; !ok {
		t.Errorf("listed arguments %v: want param, the body's own", props)
	}
	if _, ok := props["body_param"]; !ok {
		t.Errorf("listed arguments %v: want body_param for the property \"\"", props)
	}
	call(t, s, "create_label", `{"name": "bug", "body_param": "x", "param": 2}`)
	if body := last(); string(body) != `{"":"x","name":"bug","param":2}` {
		t.Errorf("body = %s, want the property \"\" beside the others", body)
	}
}

// TestTupleCheckedPerPosition checks that an OpenAPI 3.1 tuple
// (prefixItems, JSON Schema 2020-12) is checked position by position:
// a value that breaks a position's schema is refused, one that fits each
// is sent, items after the positions follow items (false: none), and the
// listing, which shows no prefixItems, says what each position takes.
func TestTupleCheckedPerPosition(t *testing.T) {
	s, last := edgeServer(t, `openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /marks:
    post:
      operationId: createMark
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                point:
                  type: array
                  prefixItems: [{type: string}, {type: integer}]
                  items: false
                tagged:
                  type: array
                  prefixItems: [{type: string, enum: [asc, desc]}]
                  items: {type: integer}
`)
	for _, tt := range []struct{ args, body string }{
		{`{"point": ["a", 1]}`, `{"point":["a",1]}`},
		{`{"point": ["a"]}`, `{"point":["a"]}`},
		{`{"tagged": ["asc", 1, 2]}`, `{"tagged":["asc",1,2]}`},
	} {
		call(t, s, "create_mark", tt.args)
		if body := last(); string(body) != tt.body {
			t.Errorf("%s: body = %s, want %s", tt.args, body, tt.body)
		}
	}
	for _, tt := range []struct{ args, want string }{
		{`{"point": [1, "a"]}`, `argument "point[0]": type: 1 has type "integer", want "string"`},
		{`{"point": ["a", "b"]}`, `argument "point[1]": type: b has type "string", want "integer"`},
		{`{"point": ["a", 1, 2]}`, `argument "point": maxItems: array length 3 is greater than 2`},
		{`{"tagged": ["up", 1]}`, `argument "tagged[0]": enum`},
		{`{"tagged": ["asc", 1, "b"]}`, `argument "tagged[]": type: b has type "string", want "integer"`},
	} {
		r, err := s.Call(context.Background(), "create_mark", json.RawMessage(tt.args))
		if err != nil {
			t.Fatal(err)
		}
		if msg := resultText(t, r); !r.IsError || !strings.Contains(msg, tt.want) {
			t.Errorf("%s: %s, want it refused: %s", tt.args, msg, tt.want)
		}
	}

	tl, _ := s.Tool("create_mark")
	listed, _ := json.Marshal(tl.InputSchema)
	props := schemaOf(t, tl)["properties"].(map[string]any)
	point := props["point"].(map[string]any)
	if strings.Contains(string(listed), "prefixItems") || point["maxItems"] != float64(2) ||
		!strings.Contains(str(point["description"]), "(items in this order: string, integer)") {
		t.Errorf("listed point: %v", point)
	}
	if d := str(props["tagged"].(map[string]any)["description"]); !strings.Contains(d, `(items in this order: "asc" or "desc")`) {
		t.Errorf("listed tagged: %q", d)
	}
	checked := s.ops[0].checkSchema()["properties"].(map[string]any)["point"].(map[string]any)
	if l, _ := checked["prefixItems"].([]any); len(l) != 2 {
		t.Errorf("checked point: %v, want its 2 positions", checked)
	}
}
