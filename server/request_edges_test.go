package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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
