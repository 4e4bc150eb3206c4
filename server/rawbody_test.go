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

// A body sent as the bytes given (octet-stream, an image, */*) says that a
// file goes as a data: URI, as a file field does; a JSON, text or XML body
// does not.
func TestRawBodySaysHowToSendAFile(t *testing.T) {
	str := func() map[string]any { return map[string]any{"type": "string", "description": "The raw file data"} }
	for ct, want := range map[string]bool{
		"application/octet-stream": true,
		"*/*":                      true,
		"image/png":                true,
		"application/zip":          true,
		"text/plain":               false,
		"application/xml":          false,
		"application/json":         false,
	} {
		op := &client.Operation{ID: "upload", Method: "POST", Path: "/assets", Body: &client.Body{ContentType: ct, Schema: str()}}
		s, err := New(Config{API: &client.API{Operations: []*client.Operation{op}}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(s.Tools()[0].InputSchema)
		var listed struct {
			Properties map[string]struct{ Description string }
		}
		if err := json.Unmarshal(b, &listed); err != nil {
			t.Fatal(err)
		}
		desc := listed.Properties["body"].Description
		if got := strings.HasSuffix(desc, binaryNote); got != want || !strings.HasPrefix(desc, "The raw file data") {
			t.Errorf("%s: body described %q, want the data: URI note %v", ct, desc, want)
		}
	}
}

// A body sent in a format restmcp does not write from an object (XML,
// CSV) is one argument, the text in that format, even where its schema
// declares an object or an array: merged into arguments, such a body could
// not be sent at all.
func TestStructuredTextBodyIsText(t *testing.T) {
	var got []byte
	var gotType string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		gotType = r.Header.Get("Content-Type")
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(api.Close)
	pet := map[string]any{"type": "object", "required": []any{"name"}, "properties": map[string]any{
		"name": map[string]any{"type": "string"}, "tag": map[string]any{"type": "string"}}}
	rows := map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"id": map[string]any{"type": "integer"}}}}
	ops := []*client.Operation{
		{ID: "addPet", Method: "POST", Path: "/pets", Body: &client.Body{Required: true, ContentType: "application/xml", Schema: pet}},
		{ID: "importRows", Method: "POST", Path: "/rows", Body: &client.Body{Required: true, ContentType: "text/csv", Schema: rows}},
	}
	s, err := New(Config{API: &client.API{Operations: ops}, Client: client.New(client.Options{BaseURL: api.URL})})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ tool, ct, note, body string }{
		{"add_pet", "application/xml", "(fields: required name; optional tag)", "<pet><name>Rex</name></pet>"},
		{"import_rows", "text/csv", "(items' fields: id)", "id\n1\n2\n"},
	} {
		tool, _ := s.Tool(tt.tool)
		b, _ := json.Marshal(tool.InputSchema)
		var listed struct {
			Properties map[string]struct{ Type, Description string }
			Required   []string
		}
		if err := json.Unmarshal(b, &listed); err != nil {
			t.Fatal(err)
		}
		arg := listed.Properties["body"]
		if len(listed.Properties) != 1 || arg.Type != "string" || !strings.Contains(arg.Description, "sent as "+tt.ct) ||
			!strings.Contains(arg.Description, tt.note) || len(listed.Required) != 1 {
			t.Errorf("%s listed %s", tt.tool, b)
		}
		args, _ := json.Marshal(map[string]any{"body": tt.body})
		r, err := s.Call(context.Background(), tt.tool, args)
		if err != nil {
			t.Fatal(err)
		}
		if r.IsError || string(got) != tt.body || gotType != tt.ct {
			t.Errorf("%s sent %q as %q: %s", tt.tool, got, gotType, resultText(t, r))
		}
	}
}

// A JSON body whose declared media type has a parameter Go cannot parse
// (an unquoted URL) is still JSON: listed by its fields and sent as an
// object, not as one string argument sent as a JSON string.
func TestJSONBodyWithAnUnparsedParameter(t *testing.T) {
	var got []byte
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(api.Close)
	pet := map[string]any{"type": "object", "required": []any{"name"}, "properties": map[string]any{"name": map[string]any{"type": "string"}}}
	for _, ct := range []string{"application/json; profile=https://x.example/s", "application/ld+json; profile=http://www.w3.org/ns/json-ld#compacted"} {
		ops := []*client.Operation{{ID: "addPet", Method: "POST", Path: "/pets", Body: &client.Body{Required: true, ContentType: ct, Schema: pet}}}
		s, err := New(Config{API: &client.API{Operations: ops}, Client: client.New(client.Options{BaseURL: api.URL})})
		if err != nil {
			t.Fatal(err)
		}
		tool, _ := s.Tool("add_pet")
		if b, _ := json.Marshal(tool.InputSchema); !strings.Contains(string(b), `"name"`) || strings.Contains(string(b), `"body"`) {
			t.Errorf("%s listed %s", ct, b)
		}
		got = nil
		r, err := s.Call(context.Background(), "add_pet", json.RawMessage(`{"name":"Rex"}`))
		if err != nil {
			t.Fatal(err)
		}
		if r.IsError || string(got) != `{"name":"Rex"}` {
			t.Errorf("%s sent %q: %s", ct, got, resultText(t, r))
		}
	}
}
