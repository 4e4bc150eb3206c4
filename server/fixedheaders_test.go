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

// TestFixedHeaderParameterIsNotAnArgument checks that an operation's header
// parameter that a fixed header (--header) fills, in any letter case, is
// neither listed nor checked: a call without it, required as it is, goes
// out with the fixed value, and a call that passes it is refused with a
// message naming the header restmcp sends.
func TestFixedHeaderParameterIsNotAnArgument(t *testing.T) {
	var got []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Notion-Version"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(api.Close)
	op := &client.Operation{ID: "getPage", Method: "GET", Path: "/pages/{id}", Params: []*client.Param{
		{Name: "id", In: "path", Required: true, Style: "simple", Schema: map[string]any{"type": "string"}},
		{Name: "notion-version", In: "header", Required: true, Style: "simple", Schema: map[string]any{"type": "string"}},
	}}
	c := client.New(client.Options{BaseURL: api.URL, Headers: client.HeaderSet(map[string]string{"Notion-Version": "2022-06-28"})})
	s, err := New(Config{API: &client.API{Operations: []*client.Operation{op}}, Client: c})
	if err != nil {
		t.Fatal(err)
	}
	tl, ok := s.Tool("get_page")
	if !ok {
		t.Fatal("no tool get_page")
	}
	listed, _ := json.Marshal(tl.InputSchema)
	checked, _ := json.Marshal(s.ops[0].checkSchema())
	for what, schema := range map[string][]byte{"listed": listed, "checked": checked} {
		if strings.Contains(strings.ToLower(string(schema)), "notion") || !strings.Contains(string(schema), `"id"`) {
			t.Errorf("%s schema %s: want id alone", what, schema)
		}
	}
	r, err := s.Call(context.Background(), "get_page", json.RawMessage(`{"id": "p1"}`))
	if err != nil || r.IsError {
		t.Fatalf("call: %v %s", err, resultText(t, r))
	}
	if len(got) != 1 || got[0] != "2022-06-28" {
		t.Errorf("Notion-Version sent %q, want the fixed value", got)
	}
	r, err = s.Call(context.Background(), "get_page", json.RawMessage(`{"id": "p1", "notion_version": "2021-01-01"}`))
	if err != nil {
		t.Fatal(err)
	}
	if msg := resultText(t, r); !r.IsError || !strings.Contains(msg, `unknown argument "notion_version"`) || !strings.Contains(msg, "sends the header notion-version itself") {
		t.Errorf("a call passing the header: %v %s", r.IsError, msg)
	}
	if len(got) != 1 {
		t.Errorf("a refused call was sent")
	}
}
