package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
)

// selected is what a selection of paths from body keeps, or the note
// that it matched nothing (within the default budget, nothing redacted).
func selected(body string, paths []string) string {
	out, miss := selectFields([]byte(body), paths)
	if miss != nil {
		return string(miss.note(nil, DefaultMaxResultBytes))
	}
	return string(out)
}

func TestSelectFields(t *testing.T) {
	body := `{"count":2,"next":null,"results":[{"id":1,"name":"a","owner":{"login":"x","id":9}},{"id":2,"name":"b","owner":{"login":"y","id":8}},7]}`
	for _, tt := range []struct {
		paths []string
		want  string
	}{
		{[]string{"results.id"}, `{"results":[{"id":1},{"id":2},7]}`},
		{[]string{"count", "results.owner.login"}, `{"count":2,"results":[{"owner":{"login":"x"}},{"owner":{"login":"y"}},7]}`},
		{[]string{"results.owner", "results.owner.id"}, `{"results":[{"owner":{"id":9,"login":"x"}},{"owner":{"id":8,"login":"y"}},7]}`},
		{[]string{"next"}, `{"next":null}`},
	} {
		if got := selected(body, tt.paths); got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.paths, got, tt.want)
		}
	}
	// An empty list is an answer (nothing found), not a wrong path; text
	// stays as the API wrote it.
	for _, tt := range []struct {
		body  string
		paths []string
		want  string
	}{
		{`{"count":0,"results":[]}`, []string{"results.id", "results.title"}, `{"results":[]}`},
		{`[]`, []string{"id"}, `[]`},
		{`{"results":[{"id":1,"title":"<b>Fish & chips</b>"}]}`, []string{"results.title"}, `{"results":[{"title":"<b>Fish & chips</b>"}]}`},
	} {
		if got := selected(tt.body, tt.paths); got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.paths, got, tt.want)
		}
	}
	// A top-level array: the paths apply to each element.
	if got := selected(`[{"id":1,"n":"a"},{"id":2,"n":"b"}]`, []string{"id"}); got != `[{"id":1},{"id":2}]` {
		t.Errorf("array: %s", got)
	}
	// Big numbers stay as written.
	if got := selected(`{"id":12345678901234567890,"x":1}`, []string{"id"}); got != `{"id":12345678901234567890}` {
		t.Errorf("number: %s", got)
	}
	// Nothing matched: the answer says which fields there are.
	got := selected(body, []string{"items.id"})
	for _, want := range []string{"no field matched items.id", "results.owner", "count"} {
		if !strings.Contains(got, want) {
			t.Errorf("no match: %s lacks %q", got, want)
		}
	}
	// Nothing matched, within a small budget: the names that fit, then
	// how many more, as valid JSON.
	_, miss := selectFields([]byte(body), []string{"items.id", "title"})
	note := miss.note(nil, 120)
	if want := `{"note":"no field matched items.id, title; the answer has: count, next, results, results.id, … (2 more)"}`; string(note) != want {
		t.Errorf("within 120 bytes: %s\nwant %s", note, want)
	}
	// A budget too small for a name and the count of the rest: the note
	// alone.
	if note := miss.note(nil, 40); string(note) != `{"note":"no field matched"}` {
		t.Errorf("within 40 bytes: %s", note)
	}
	// Not JSON: unchanged.
	if got := selected("plain", []string{"a"}); got != "plain" {
		t.Errorf("text: %s", got)
	}
}

// A key that holds a dot is named as written: a path is read against the
// keys the answer has, and where it names both a key with a dot and a
// nested field, both are kept. The names a note lists select their fields.
func TestSelectFieldsKeysWithDots(t *testing.T) {
	for _, tt := range []struct {
		body  string
		paths []string
		want  string
	}{
		{`{"a.b":1,"a":{"c":2},"d":3}`, []string{"a.b"}, `{"a.b":1}`},
		{`{"meta":{"x.y":2,"z":3},"n":1}`, []string{"meta.x.y"}, `{"meta":{"x.y":2}}`},
		{`{"items":[{"v.1":"a","v":{"1":"b","2":"c"}},{"v":{"1":"d"}}]}`, []string{"items.v.1"}, `{"items":[{"v":{"1":"b"},"v.1":"a"},{"v":{"1":"d"}}]}`},
		{`{"k8s.io/name":{"x.y.z":{"w":1,"q":2}}}`, []string{"k8s.io/name.x.y.z.w"}, `{"k8s.io/name":{"x.y.z":{"w":1}}}`},
		{`{"a.b":{"c":1,"d":2}}`, []string{"a.b", "a.b.c"}, `{"a.b":{"c":1,"d":2}}`},
		{`{"a":{"b":1}}`, []string{"a.b"}, `{"a":{"b":1}}`},
	} {
		if got := selected(tt.body, tt.paths); got != tt.want {
			t.Errorf("%s %v: got %s, want %s", tt.body, tt.paths, got, tt.want)
		}
	}
	body := `{"meta":{"x.y":2,"z":3},"n":1}`
	note := selected(body, []string{"nothing"})
	if !strings.Contains(note, "meta.x.y") {
		t.Fatalf("the note does not list meta.x.y: %s", note)
	}
	if got := selected(body, []string{"meta.x.y"}); got != `{"meta":{"x.y":2}}` {
		t.Errorf("the name the note gave selects %s", got)
	}
}

// A key with spaces around it is named as written: a path is read as
// given, and only when it names nothing are the spaces around it
// forgiven.
func TestSelectFieldsKeysWithSpaces(t *testing.T) {
	for _, tt := range []struct {
		body  string
		paths []string
		want  string
	}{
		{`{" id":1,"id":2}`, []string{" id"}, `{" id":1}`},
		{`{"name ":"x","name":"y"}`, []string{"name "}, `{"name ":"x"}`},
		{`{" a":{"b":1},"a":{"b":2}}`, []string{" a.b"}, `{" a":{"b":1}}`},
		{`[{" id":1},{"id":2}]`, []string{" id"}, `[{" id":1},{}]`},
		{`{"id":2,"name":"a"}`, []string{" id"}, `{"id":2}`},
		{`{"id":1,"name":"a","x":3}`, []string{"id", " name "}, `{"id":1,"name":"a"}`},
		{`{"a":{"b":1,"c":2}}`, []string{"a.b "}, `{"a":{"b":1}}`},
		{`{"id":2,"name":"a"}`, []string{"  ", "id"}, `{"id":2}`},
	} {
		if got := selected(tt.body, tt.paths); got != tt.want {
			t.Errorf("%s %q: got %s, want %s", tt.body, tt.paths, got, tt.want)
		}
	}
}

// The empty key is named as written: "" at the top, "a." below a, ".b"
// above b. A note lists it as "", which selects it.
func TestSelectFieldsEmptyKey(t *testing.T) {
	for _, tt := range []struct {
		body  string
		paths []string
		want  string
	}{
		{`{"":1,"a":2}`, []string{""}, `{"":1}`},
		{`{"":1,"a":2}`, []string{"", "a"}, `{"":1,"a":2}`},
		{`[{"":1,"a":2},{"a":3}]`, []string{""}, `[{"":1},{}]`},
		{`{"a":{"":1,"b":2}}`, []string{"a."}, `{"a":{"":1}}`},
		{`{"":{"b":1,"c":2}}`, []string{".b"}, `{"":{"b":1}}`},
		{`{"":{"":1,"c":2}}`, []string{"."}, `{"":{"":1}}`},
		{`{"":1,"a":2}`, []string{" "}, `{"":1}`},
		{`{"a":1}`, []string{""}, `{"note":"no field matched \"\"; the answer has: a"}`},
		{`{"":1,"a":{"":2}}`, []string{"x"}, `{"note":"no field matched x; the answer has: \"\", a, a."}`},
	} {
		if got := selected(tt.body, tt.paths); got != tt.want {
			t.Errorf("%s %q: got %s, want %s", tt.body, tt.paths, got, tt.want)
		}
	}
}

// An API parameter named fields keeps its name; the selection takes the
// next free one.
func TestFieldsNameClash(t *testing.T) {
	op := &client.Operation{Method: "GET", Path: "/things", Params: []*client.Param{
		{Name: "fields", In: "query", Schema: map[string]any{"type": "string"}},
	}}
	in := buildInput(op, nil)
	if in.fields != "result_fields" {
		t.Fatalf("selection argument %q, want result_fields", in.fields)
	}
	if b := in.bindings["fields"]; b.In != inQuery || b.Name != "fields" {
		t.Errorf("the API's fields parameter is bound to %+v", b)
	}
	props := in.listed["properties"].(map[string]any)
	if props["fields"].(map[string]any)["type"] != "string" || props["result_fields"].(map[string]any)["type"] != "array" {
		t.Errorf("listed: %v", props)
	}
	args := map[string]any{"fields": "a,b", "result_fields": []any{"id"}}
	if got := takeFields(in, args); len(got) != 1 || got[0] != "id" {
		t.Errorf("takeFields: %v", got)
	}
	if r := request(&tool{op: op, in: in}, args); r.Query["fields"] != "a,b" || len(r.Query) != 1 {
		t.Errorf("query: %v", r.Query)
	}
	// Writes do not take it.
	if in := buildInput(&client.Operation{Method: "POST", Path: "/things"}, nil); in.fields != "" {
		t.Errorf("POST has %q", in.fields)
	}
}

func TestFieldsOverMCP(t *testing.T) {
	ts := newTestAPIServer(t)
	s := newTestServer(t, ts, nil, Config{MaxResultBytes: 5000})
	cs := connect(t, s)
	ctx := context.Background()
	r, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "list_projects", Arguments: map[string]any{"search": "everything", "fields": []string{"count", "results.id"}}})
	if err != nil {
		t.Fatal(err)
	}
	text := resultText(t, r)
	if r.IsError || len(r.Content) != 2 || !strings.HasPrefix(text, `{"count":2000,"results":[{"id":0},{"id":1},`) {
		t.Fatalf("IsError=%v, %d items: %.200s", r.IsError, len(r.Content), text)
	}
	// The note says fields too.
	if note := r.Content[1].(*mcp.TextContent).Text; !strings.Contains(note, "keep only the fields you need (fields") {
		t.Errorf("note: %s", note)
	}
	r, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_project", Arguments: map[string]any{"id": 1, "fields": []string{"name"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := resultText(t, r); got != `{"name":"alpha"}` {
		t.Errorf("get_project: %s", got)
	}
	// Not a list of strings: a clear argument error.
	r, _ = cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_project", Arguments: map[string]any{"id": 1, "fields": "name"}})
	if !r.IsError || !strings.Contains(resultText(t, r), "fields") {
		t.Errorf("fields as a string: %v %s", r.IsError, resultText(t, r))
	}
}

// TestFieldsOnAnAnswerCutAtTheReadLimit checks that an answer longer than
// the client reads is selected from (its whole values), not passed whole.
func TestFieldsOnAnAnswerCutAtTheReadLimit(t *testing.T) {
	ts := newTestAPIServer(t)
	s := newTestServer(t, ts, nil, Config{MaxResultBytes: 5000})
	s.cfg.Client = client.New(client.Options{BaseURL: ts.URL, MaxBodyBytes: 30000})
	cs := connect(t, s)
	r, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "list_projects", Arguments: map[string]any{"search": "everything", "fields": []string{"count", "results.id"}}})
	if err != nil {
		t.Fatal(err)
	}
	text := resultText(t, r)
	if r.IsError || !strings.HasPrefix(text, `{"count":2000,"results":[{"id":0},{"id":1},`) || strings.Contains(text, "alpha") {
		t.Fatalf("IsError=%v: %.300s", r.IsError, text)
	}
	if first := r.Content[0].(*mcp.TextContent).Text; !json.Valid([]byte(first)) {
		t.Errorf("not JSON: %.300s", first)
	}
	if note := r.Content[len(r.Content)-1].(*mcp.TextContent).Text; !strings.Contains(note, "longer than the 30000 bytes read") {
		t.Errorf("note does not say the answer was longer: %s", note)
	}
}

// Many paths under one key cost time linear in their number: a key is
// looked into once with all of them, not once more for each path that
// found nothing below it.
func TestSelectFieldsManyPaths(t *testing.T) {
	paths := []string{"id"}
	for i := range 1000 {
		paths = append(paths, fmt.Sprintf("a.missing%d", i))
	}
	body := "[" + strings.TrimSuffix(strings.Repeat(`{"a":{"b":1,"c":{"d":2}},"id":1},`, 500), ",") + "]"
	done := make(chan string, 1)
	go func() { done <- selected(body, paths) }()
	select {
	case got := <-done:
		if want := "[" + strings.TrimSuffix(strings.Repeat(`{"id":1},`, 500), ",") + "]"; got != want {
			t.Errorf("%.100s", got)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("1000 paths over 500 objects not selected within 3 s")
	}
}

// TestHostHeaderIsNoArgument checks that a Host header parameter, which
// the HTTP client sets from the API's address whatever the request's
// headers say, is no argument: a value given for it would never be sent.
func TestHostHeaderIsNoArgument(t *testing.T) {
	op := &client.Operation{Method: "GET", Path: "/things", Params: []*client.Param{
		{Name: "Host", In: "header", Required: true, Schema: map[string]any{"type": "string"}},
		{Name: "X-Trace", In: "header", Schema: map[string]any{"type": "string"}},
	}}
	in := buildInput(op, nil)
	props, _ := in.listed["properties"].(map[string]any)
	if _, ok := props["Host"]; ok {
		t.Errorf("Host listed as an argument: %v", in.listed)
	}
	if _, ok := props["X-Trace"]; !ok {
		t.Errorf("X-Trace not listed: %v", in.listed)
	}
	if req, _ := in.listed["required"].([]any); len(req) > 0 {
		t.Errorf("required %v, want none", req)
	}
}
