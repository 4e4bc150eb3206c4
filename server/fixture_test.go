package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/client"
)

// fixtureServer serves testdata/<name>.yaml against an httptest API that
// records the last request.
func fixtureServer(t *testing.T, name string, cfg Config) (*Server, *http.Request, *[]byte) {
	t.Helper()
	var last http.Request
	var body []byte
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		last = *r.Clone(context.Background())
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(ts.Close)
	cfg.API = loadSpec(t, "testdata/"+name+".yaml")
	cfg.Client = client.New(client.Options{BaseURL: ts.URL, Credential: client.HeaderKey{Key: client.StaticKey("k")}})
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, &last, &body
}

func call(t *testing.T, s *Server, tool, args string) string {
	t.Helper()
	r, err := s.Call(context.Background(), tool, json.RawMessage(args))
	if err != nil {
		t.Fatal(err)
	}
	text := resultText(t, r)
	if r.IsError {
		t.Fatalf("%s %s: %s", tool, args, text)
	}
	return text
}

// TestWireNames checks that arguments are sent under their wire names and
// in their locations.
func TestWireNames(t *testing.T) {
	s, last, body := fixtureServer(t, "params", Config{})

	call(t, s, "list_calls", `{"AccountSid": "AC00000000000000000000000000000000", "StartTime_lt": "2024-01-01T00:00:00Z",
		"StartTime_gt": "2023-01-01T00:00:00Z", "include": ["events"], "completed_on.before": "2024-02-01",
		"filter_status": "done", "top": 5, "X-Request-Id": "trace-1"}`)
	q := last.URL.Query()
	for wire, want := range map[string]string{
		"StartTime<": "2024-01-01T00:00:00Z", "StartTime>": "2023-01-01T00:00:00Z", "include[]": "events",
		"completed_on.before": "2024-02-01", "filter[status]": "done", "$top": "5",
	} {
		if got := q.Get(wire); got != want {
			t.Errorf("query %s = %q, want %q (query %s)", wire, got, want, last.URL.RawQuery)
		}
	}
	if last.URL.Path != "/accounts/AC00000000000000000000000000000000/calls" {
		t.Errorf("path = %s", last.URL.Path)
	}
	if got := last.Header.Get("X-Request-Id"); got != "trace-1" {
		t.Errorf("X-Request-Id = %q", got)
	}

	call(t, s, "update_item", `{"id": 1, "query_id": "q", "header_id": "h", "body_id": 2, "name": "n", "version": 3, "body_version": 4}`)
	if last.URL.Path != "/items/1" || last.URL.Query().Get("id") != "q" || last.URL.Query().Get("version") != "3" || last.Header.Get("id") != "h" {
		t.Errorf("request = %s %s, id header %q", last.Method, last.URL, last.Header.Get("id"))
	}
	var b map[string]any
	if err := json.Unmarshal(*body, &b); err != nil || b["id"] != float64(2) || b["version"] != float64(4) || b["name"] != "n" {
		t.Errorf("body = %s", *body)
	}
}

func TestBodies(t *testing.T) {
	s, last, body := fixtureServer(t, "body", Config{})
	tests := []struct {
		tool, args, want string
	}{
		{"create_object", `{"name": "x", "kind": "a"}`, `{"kind":"a","name":"x"}`},
		{"create_composed", `{"name": "x", "tags": ["t"]}`, `{"name":"x","tags":["t"]}`},
		{"create_batch", `{"body": [{"name": "a"}, {"name": "b"}]}`, `[{"name":"a"},{"name":"b"}]`},
		{"create_extensible", `{"name": "x", "colour": "red"}`, `{"colour":"red","name":"x"}`},
		{"create_open", `{"name": "x", "colour": "red", "size": 2}`, `{"colour":"red","name":"x","size":2}`},
		{"put_settings", `{"body": {"theme": "dark"}}`, `{"theme":"dark"}`},
		{"body_clash", `{"body": "q", "request_body": [1, 2]}`, `[1,2]`},
	}
	for _, tt := range tests {
		call(t, s, tt.tool, tt.args)
		var got, want any
		if err := json.Unmarshal(*body, &got); err != nil {
			t.Errorf("%s: body %q: %v", tt.tool, *body, err)
			continue
		}
		json.Unmarshal([]byte(tt.want), &want)
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("%s: body = %s, want %s", tt.tool, g, w)
		}
	}
	if last.URL.Query().Get("body") != "q" {
		t.Errorf("body_clash: query body = %q", last.URL.Query().Get("body"))
	}

	call(t, s, "submit_form", `{"amount": 5, "metadata": {"a": "b"}}`)
	form, _ := url.ParseQuery(string(*body))
	if form.Get("amount") != "5" || form.Get("metadata[a]") != "b" {
		t.Errorf("form body = %s", *body)
	}
	call(t, s, "create_note", `{"body": "hello"}`)
	if string(*body) != "hello" || !strings.HasPrefix(last.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("text body = %q (%s)", *body, last.Header.Get("Content-Type"))
	}
	// Unknown arguments are refused where the body takes no others.
	r, _ := s.Call(context.Background(), "create_object", json.RawMessage(`{"name": "x", "kind": "a", "colour": "red"}`))
	if !r.IsError || !strings.Contains(resultText(t, r), `"colour"`) {
		t.Errorf("unknown argument accepted: %s", resultText(t, r))
	}
}

// TestResourcesOpenBodies checks that a resource tool lets through the
// arguments its chosen action's open body takes, as the operation's own
// tool does, and refuses them for an action whose body is closed, naming
// that action's arguments.
func TestResourcesOpenBodies(t *testing.T) {
	s, _, body := fixtureServer(t, "body", Config{Layout: LayoutResources})
	for _, tt := range []struct{ tool, args, want string }{
		{"extensible", `{"action": "create", "name": "x", "colour": "red"}`, `{"colour":"red","name":"x"}`},
		{"open", `{"action": "create", "name": "x", "colour": "red"}`, `{"colour":"red","name":"x"}`},
	} {
		call(t, s, tt.tool, tt.args)
		if got, _ := compactJSON("application/json", *body); string(got) != tt.want {
			t.Errorf("%s: body = %s, want %s", tt.tool, *body, tt.want)
		}
	}
	r, _ := s.Call(context.Background(), "objects", json.RawMessage(`{"action": "create", "name": "x", "kind": "a", "colour": "red"}`))
	if text := resultText(t, r); !r.IsError || !strings.Contains(text, `unknown argument "colour"; it takes: kind, name, note`) {
		t.Errorf("unknown argument of a closed body: %s", text)
	}
}

// TestExplicitNull checks that a null goes to the API where the body
// field's schema takes null (it clears the field there) and is dropped
// everywhere else, where models send it for "not set".
func TestExplicitNull(t *testing.T) {
	s, last, body := fixtureServer(t, "body", Config{})
	call(t, s, "update_issue", `{"number": 7, "notify": null, "title": null, "milestone": null, "assignee": null, "state": null, "reason": null, "kind": null, "labels": null, "meta": null}`)
	if got := string(*body); got != `{"assignee":null,"kind":null,"milestone":null,"state":null}` {
		t.Errorf("body = %s, want the nullable fields as null and nothing else", got)
	}
	if last.URL.RawQuery != "" {
		t.Errorf("query = %q, want none", last.URL.RawQuery)
	}
	call(t, s, "update_issue", `{"number": 7, "title": null, "due": null}`)
	if got := string(*body); got != "" {
		t.Errorf("body = %q, want none for a null the field does not take or that means its default", got)
	}
	// A required field that takes null takes it as its value.
	call(t, s, "replace_issue", `{"number": 7, "title": "t", "milestone": null}`)
	if got := string(*body); got != `{"milestone":null,"title":"t"}` {
		t.Errorf("body = %s, want the required milestone as null", got)
	}
	// A body declared */* goes as JSON: its null too.
	call(t, s, "patch_any", `{"id": 1, "note": null}`)
	if got := string(*body); got != `{"note":null}` {
		t.Errorf("*/* body = %q, want the null sent", got)
	}
	// A form has no spelling for null: nothing is sent.
	call(t, s, "comment_issue", `{"number": 7, "due": null}`)
	if got := string(*body); got != "" {
		t.Errorf("form body = %q, want none", got)
	}
	for _, tc := range []struct {
		schema string
		takes  bool
	}{
		{`{"type":["string","null"]}`, true},
		{`{"type":["string","null"],"enum":["open","closed"]}`, false},
		{`{"type":["string","null"],"enum":["open",null]}`, true},
		{`{"type":"string","enum":["open",null]}`, false},
		{`{"enum":["bug",null]}`, true},
		{`{"const":null}`, true},
		{`{"anyOf":[{"type":"integer"},{"type":"null"}]}`, true},
		{`{}`, false},
	} {
		var m map[string]any
		_ = json.Unmarshal([]byte(tc.schema), &m)
		if got := takesNull(m); got != tc.takes {
			t.Errorf("takesNull(%s) = %v", tc.schema, got)
		}
	}
}

// TestMultipartFileNamed checks that a multipart body's file fields say
// how to name the file, in the listing and in the whole schema, and that a
// name given so reaches the API (a raw binary body, which has no file
// name, keeps the plain note: TestRawBodySaysHowToSendAFile).
func TestMultipartFileNamed(t *testing.T) {
	s, last, body := fixtureServer(t, "body", Config{})
	tool, _ := s.Tool("upload_file")
	in, _ := json.Marshal(tool.InputSchema)
	full, _ := json.Marshal(listedSchema(s.byName["upload_file"].in.checked()))
	for _, schema := range []string{string(in), string(full)} {
		var m struct {
			Properties map[string]struct {
				Description string
				Items       struct{ Description string }
			}
		}
		if err := json.Unmarshal([]byte(schema), &m); err != nil {
			t.Fatal(err)
		}
		if d := m.Properties["file"].Description; d != fileNote {
			t.Errorf("file: description %q, want %q", d, fileNote)
		}
		if d := m.Properties["attachments"].Items.Description; d != fileNote {
			t.Errorf("attachments' items: description %q, want %q", d, fileNote)
		}
		if d := m.Properties["comment"].Description; d != "" {
			t.Errorf("comment: description %q, want none", d)
		}
	}

	csv := "data:text/csv;name=report%202024.csv;base64,aWQsdG90YWwKMSw5LjUwCg=="
	call(t, s, "upload_file", `{"file": "`+csv+`", "attachments": ["data:text/plain;filename=a.txt;base64,aGk=", "aGk="]}`)
	got := partLines(t, last, *body)
	want := []string{
		"attachments a.txt text/plain hi",
		"attachments attachments application/octet-stream aGk=",
		"file report 2024.csv text/csv id,total\n1,9.50\n",
	}
	if !slices.Equal(got, want) {
		t.Errorf("parts:\n got %q\nwant %q", got, want)
	}
}

// partLines is each part of the multipart/form-data body of a request
// as "name file-name content-type content".
func partLines(t *testing.T, r *http.Request, body []byte) []string {
	t.Helper()
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var lines []string
	for {
		p, err := mr.NextPart()
		if err != nil {
			return lines
		}
		b, _ := io.ReadAll(p)
		lines = append(lines, p.FormName()+" "+p.FileName()+" "+p.Header.Get("Content-Type")+" "+string(b))
	}
}

// TestMultipartOptionalFileNamed checks that a file field declared as the
// file or null (FastAPI's optional upload, `UploadFile | None`), an
// optional list of files and a list of optional files are listed as a
// plain file field is, the note on the field (or its items) and not on the
// alternative, in the listing and in the whole schema; and that such files
// reach the API as files, with the names their data: URIs give.
func TestMultipartOptionalFileNamed(t *testing.T) {
	s, last, body := fixtureServer(t, "fastapi", Config{})
	tool, ok := s.Tool("create_upload")
	if !ok {
		t.Fatal("no create_upload tool")
	}
	in, _ := json.Marshal(tool.InputSchema)
	full, _ := json.Marshal(listedSchema(s.byName["create_upload"].in.checked()))
	for _, schema := range []string{string(in), string(full)} {
		checkOptionalFiles(t, schema)
	}

	uri := "data:text/csv;name=report.csv;base64,aWQsdG90YWwKMSw5LjUwCg=="
	call(t, s, "create_upload", `{"file": "`+uri+`", "avatar": "data:image/png;name=me.png;base64,iVBORw==",
		"attachments": ["`+uri+`"], "pages": ["`+uri+`"], "note": null}`)
	got := partLines(t, last, *body)
	csv := " id,total\n1,9.50\n"
	want := []string{
		"attachments report.csv text/csv" + csv,
		"avatar me.png image/png \x89PNG",
		"file report.csv text/csv" + csv,
		"pages report.csv text/csv" + csv,
	}
	if !slices.Equal(got, want) {
		t.Errorf("parts:\n got %q\nwant %q", got, want)
	}
}

// checkOptionalFiles checks the schema of create_upload (testdata/fastapi.yaml)
// as listed: each optional file says how to send and name it once, where a
// plain file field says it.
func checkOptionalFiles(t *testing.T, schema string) {
	t.Helper()
	type node struct {
		Description string
		AnyOf       []struct {
			Description string
			Items       struct{ Description string }
		}
		Items struct {
			Description string
			AnyOf       []struct{ Description string }
		}
	}
	var m struct{ Properties map[string]node }
	if err := json.Unmarshal([]byte(schema), &m); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"file": fileNote, "avatar": "The picture shown beside the name. " + fileNote} {
		p := m.Properties[name]
		if p.Description != want {
			t.Errorf("%s: description %q, want %q", name, p.Description, want)
		}
		if len(p.AnyOf) != 2 || p.AnyOf[0].Description != "" {
			t.Errorf("%s: alternatives %+v, want the file's without a description, then null", name, p.AnyOf)
		}
	}
	if a := m.Properties["attachments"]; len(a.AnyOf) != 2 || a.AnyOf[0].Items.Description != fileNote || a.Description != "" {
		t.Errorf("attachments: %+v, want the list's items described %q", a, fileNote)
	}
	if p := m.Properties["pages"]; p.Items.Description != fileNote || len(p.Items.AnyOf) != 2 || p.Items.AnyOf[0].Description != "" {
		t.Errorf("pages: %+v, want the items described %q, their alternatives not", p, fileNote)
	}
	if strings.Contains(schema, binaryNote) {
		t.Errorf("schema says %q beside the file note: %s", binaryNote, schema)
	}
}

func TestFilter(t *testing.T) {
	api := loadSpec(t, "testdata/annotations.yaml")
	tests := []struct {
		name   string
		filter Filter
		want   []string
	}{
		{"all", Filter{}, []string{"count_widgets", "create_widget", "delete_widget", "legacy_widgets", "list_widgets", "long_description", "replace_widget", "update_widget", "widget_options"}},
		{"read-only", Filter{ReadOnly: true}, []string{"count_widgets", "legacy_widgets", "list_widgets", "long_description", "widget_options"}},
		{"methods", Filter{Methods: []string{"delete", "PUT"}}, []string{"delete_widget", "replace_widget"}},
		{"tags", Filter{Tags: []string{"LEGACY"}}, []string{"legacy_widgets"}},
		{"operations by id and name", Filter{Operations: []string{"createWidget", "delete_widget"}}, []string{"create_widget", "delete_widget"}},
		{"combined", Filter{Tags: []string{"widgets"}, ReadOnly: true, Methods: []string{"GET"}}, []string{"list_widgets", "long_description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Config{API: api, Filter: tt.filter})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tool := range s.Tools() {
				got = append(got, tool.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("tools = %v, want %v", got, tt.want)
			}
		})
	}
	// A prefixed server accepts names with or without the prefix.
	s, _ := New(Config{API: api, Prefix: "acme", Filter: Filter{Operations: []string{"list_widgets", "acme_delete_widget"}}})
	if n := len(s.Tools()); n != 2 {
		t.Errorf("prefixed filter: %d tools, want 2", n)
	}
}

// TestLongEnumIsCheckedNotListed: an enum too long to list is summarised in
// the description but still checked, like a limit too large to list.
func TestLongEnumIsCheckedNotListed(t *testing.T) {
	s, last, _ := fixtureServer(t, "schema", Config{})
	def, _ := s.Tool("list_things")
	category := schemaOf(t, def)["properties"].(map[string]any)["category"].(map[string]any)
	if category["enum"] != nil || !strings.Contains(category["description"].(string), "one of 60 values") {
		t.Errorf("listed category = %v", category)
	}
	call(t, s, "list_things", `{"category": "c59"}`)
	if last.URL.Query().Get("category") != "c59" {
		t.Errorf("query = %s", last.URL.RawQuery)
	}
	r, _ := s.Call(context.Background(), "list_things", json.RawMessage(`{"category": "c99"}`))
	if text := resultText(t, r); !r.IsError || !strings.Contains(text, `argument "category": enum`) || !strings.Contains(text, "c58") {
		t.Errorf("c99: IsError=%v %q", r.IsError, text)
	}
}

// TestHugeLimitIsCheckedNotListed: a limit too large to list is still checked.
func TestHugeLimitIsCheckedNotListed(t *testing.T) {
	api := &client.API{Operations: []*client.Operation{{ID: "setName", Method: "POST", Path: "/name",
		Params: []*client.Param{{Name: "name", In: "query", Schema: map[string]any{"type": "string", "maxLength": 5000}}}}}}
	s, err := New(Config{API: api})
	if err != nil {
		t.Fatal(err)
	}
	def, _ := s.Tool("set_name")
	if name := schemaOf(t, def)["properties"].(map[string]any)["name"].(map[string]any); name["maxLength"] != nil {
		t.Errorf("listed name = %v, want no maxLength 5000", name)
	}
	r, _ := s.Call(context.Background(), "set_name", json.RawMessage(`{"name": "`+strings.Repeat("n", 5001)+`"}`))
	if text := resultText(t, r); !r.IsError || !strings.Contains(text, `argument "name": maxLength`) {
		t.Errorf("long name: IsError=%v %.200q", r.IsError, text)
	}
	r, _ = s.Call(context.Background(), "set_name", json.RawMessage(`{"name": "ok"}`))
	if text := resultText(t, r); !strings.Contains(text, "no API client") {
		t.Errorf("a valid name was refused: %q", text)
	}
}
