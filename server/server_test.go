package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
)

func resultText(t *testing.T, r *mcp.CallToolResult) string {
	t.Helper()
	var b strings.Builder
	for _, c := range r.Content {
		tc, ok := c.(*mcp.TextContent)
		if !ok {
			t.Fatalf("content %T, want text", c)
		}
		b.WriteString(tc.Text)
	}
	return b.String()
}

func TestInitializeAndListTools(t *testing.T) {
	ts := newTestAPIServer(t)
	s := newTestServer(t, ts, nil, Config{Version: "1.2.3"})
	cs := connect(t, s)

	init := cs.InitializeResult()
	if init.ServerInfo.Name != "acme" || init.ServerInfo.Version != "1.2.3" {
		t.Errorf("server info = %+v, want acme 1.2.3", init.ServerInfo)
	}
	if !strings.Contains(init.Instructions, "Projects API") || !strings.Contains(init.Instructions, "8 tools") {
		t.Errorf("instructions = %q, want the title and the tool count", init.Instructions)
	}
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	want := []string{"create_project", "delete_project", "download_project", "get_health", "get_project", "list_projects", "set_project_tags", "update_project"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("tools = %v, want %v", names, want)
	}
	// Tools() is what tools/list sends.
	local, _ := json.Marshal(s.Tools())
	remote, _ := json.Marshal(res.Tools)
	var a, b any
	json.Unmarshal(local, &a)
	json.Unmarshal(remote, &b)
	la, _ := json.Marshal(a)
	lb, _ := json.Marshal(b)
	if !bytes.Equal(la, lb) {
		t.Errorf("Tools() differs from tools/list:\n%s\n%s", la, lb)
	}
	if ts.hits.Load() != 0 {
		t.Errorf("listing tools sent %d requests to the API", ts.hits.Load())
	}
}

func TestCallOverMCP(t *testing.T) {
	ts := newTestAPIServer(t)
	var logs bytes.Buffer
	logger := log.New(&logs)
	logger.SetLevel(log.DebugLevel)
	var audit bytes.Buffer
	s := newTestServer(t, ts, client.StaticKey("sekret-key"), Config{Logger: logger, AuditLog: &audit})
	cs := connect(t, s)
	ctx := context.Background()

	call := func(name string, args map[string]any) *mcp.CallToolResult {
		t.Helper()
		r, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
		if err != nil {
			t.Fatalf("CallTool(%s): %v", name, err)
		}
		return r
	}

	t.Run("object result has structured content", func(t *testing.T) {
		r := call("get_project", map[string]any{"id": 1})
		if r.IsError {
			t.Fatalf("IsError: %s", resultText(t, r))
		}
		if got := resultText(t, r); got != `{"id":1,"name":"alpha","description":"first"}` {
			t.Errorf("text = %s, want compact JSON", got)
		}
		if r.StructuredContent != nil {
			t.Errorf("structuredContent = %#v, want none: the text is the one copy of the JSON", r.StructuredContent)
		}
		if got := ts.last.Load(); got.Path != "/projects/1" || got.Auth != "Bearer sekret-key" {
			t.Errorf("request = %+v", got)
		}
	})
	t.Run("array result", func(t *testing.T) {
		r := call("list_projects", map[string]any{"search": "al", "include": []any{"tasks", "owner"}, "X-Request-Id": "r-1"})
		if r.IsError {
			t.Fatalf("IsError: %s", resultText(t, r))
		}
		if got := resultText(t, r); got != `[{"id":1,"name":"alpha"},{"id":2,"name":"beta"}]` {
			t.Errorf("text = %s", got)
		}
		if r.StructuredContent != nil {
			t.Errorf("structuredContent = %v, want none", r.StructuredContent)
		}
		last := ts.last.Load()
		if !strings.Contains(last.RawQuery, "include%5B%5D=tasks") && !strings.Contains(last.RawQuery, "include[]=tasks") {
			t.Errorf("query = %q, want the wire name include[]", last.RawQuery)
		}
		if last.RequestID != "r-1" {
			t.Errorf("X-Request-Id = %q, want r-1", last.RequestID)
		}
	})
	t.Run("body merged with a clash", func(t *testing.T) {
		r := call("update_project", map[string]any{"id": 7, "body_id": 8, "name": "n"})
		if r.IsError {
			t.Fatalf("IsError: %s", resultText(t, r))
		}
		last := ts.last.Load()
		if last.Path != "/projects/7" {
			t.Errorf("path = %q", last.Path)
		}
		var body map[string]any
		if err := json.Unmarshal([]byte(last.Body), &body); err != nil || body["id"] != float64(8) || body["name"] != "n" || len(body) != 2 {
			t.Errorf("body = %s, want {id: 8, name: n}", last.Body)
		}
	})
	t.Run("non-object body", func(t *testing.T) {
		r := call("set_project_tags", map[string]any{"id": 1, "body": []any{"a", "b"}})
		if r.IsError {
			t.Fatalf("IsError: %s", resultText(t, r))
		}
		if got := ts.last.Load().Body; got != `["a","b"]` {
			t.Errorf("body = %s", got)
		}
	})
	t.Run("invalid argument never reaches the API", func(t *testing.T) {
		before := ts.hits.Load()
		for _, tc := range []struct {
			tool  string
			args  map[string]any
			field string
		}{
			{"get_project", map[string]any{"id": "one"}, `"id"`},
			{"get_project", map[string]any{}, `"id"`},
			{"list_projects", map[string]any{"status": "deleted"}, `"status"`},
			{"list_projects", map[string]any{"page_size": 500}, `"page_size"`},
			{"list_projects", map[string]any{"pages": 2}, `"pages"`},
			{"create_project", map[string]any{"name": strings.Repeat("x", 51)}, `"name"`},
			{"create_project", map[string]any{"description": "no name"}, `"name"`},
		} {
			r := call(tc.tool, tc.args)
			text := resultText(t, r)
			if !r.IsError || !strings.Contains(text, tc.field) || !strings.Contains(text, "invalid arguments") {
				t.Errorf("%s %v: IsError=%v text=%q, want an error naming %s", tc.tool, tc.args, r.IsError, text, tc.field)
			}
		}
		if n := ts.hits.Load() - before; n != 0 {
			t.Errorf("invalid calls sent %d requests to the API", n)
		}
	})
	t.Run("large integers reach the API as written", func(t *testing.T) {
		r, err := s.Call(ctx, "get_project", json.RawMessage(`{"id": 9007199254740993}`))
		if err != nil {
			t.Fatal(err)
		}
		if got := ts.last.Load().Path; got != "/projects/9007199254740993" {
			t.Errorf("path = %s (%s)", got, resultText(t, r))
		}
	})
	t.Run("404 is a tool error with a hint", func(t *testing.T) {
		r := call("get_project", map[string]any{"id": 42})
		text := resultText(t, r)
		if !r.IsError || !strings.Contains(text, "404") || !strings.Contains(text, "Not found.") || !strings.Contains(text, `check "id"`) {
			t.Errorf("IsError=%v text=%q", r.IsError, text)
		}
	})
	t.Run("204", func(t *testing.T) {
		r := call("delete_project", map[string]any{"id": 1})
		if r.IsError || resultText(t, r) != "204 No Content (empty body)" {
			t.Errorf("IsError=%v text=%q", r.IsError, resultText(t, r))
		}
	})
	t.Run("binary is described", func(t *testing.T) {
		r := call("download_project", map[string]any{"id": 1})
		text := resultText(t, r)
		if r.IsError || !strings.Contains(text, "application/zip") || !strings.Contains(text, "4.0 KiB") || !strings.Contains(text, "project-1.zip") {
			t.Errorf("IsError=%v text=%q", r.IsError, text)
		}
	})
	t.Run("unknown tool is a protocol error", func(t *testing.T) {
		_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "nope", Arguments: map[string]any{}})
		if err == nil || !strings.Contains(err.Error(), "nope") {
			t.Errorf("err = %v, want unknown tool", err)
		}
	})

	if strings.Contains(logs.String(), "sekret-key") || strings.Contains(audit.String(), "sekret-key") {
		t.Errorf("the key appears in the logs")
	}
	if strings.Contains(logs.String(), "r-1") || strings.Contains(audit.String(), "r-1") {
		t.Errorf("a header value appears in the logs")
	}
	if !strings.Contains(logs.String(), "tool=get_project") || !strings.Contains(logs.String(), "status=404") {
		t.Errorf("debug log lacks the call line:\n%s", logs.String())
	}
	var entries []auditEntry
	for _, line := range strings.Split(strings.TrimSpace(audit.String()), "\n") {
		var e auditEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		entries = append(entries, e)
	}
	sent, invalid := 0, 0
	for _, e := range entries {
		if e.Event == "start" {
			continue
		}
		switch e.Outcome {
		case "invalid_arguments":
			invalid++
		case "ok", "http_error":
			sent++
			if e.Status == 0 || e.Method == "" || e.Path == "" || e.Time == "" {
				t.Errorf("audit entry lacks fields: %+v", e)
			}
		default:
			t.Errorf("audit outcome %q", e.Outcome)
		}
	}
	if sent != int(ts.hits.Load()) || invalid < 7 {
		t.Errorf("audit: %d sent for %d API requests, %d invalid", sent, ts.hits.Load(), invalid)
	}
}

func TestBudget(t *testing.T) {
	ts := newTestAPIServer(t)
	s := newTestServer(t, ts, nil, Config{MaxResultBytes: 5000})
	cs := connect(t, s)
	r, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "list_projects", Arguments: map[string]any{"search": "everything"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.IsError || len(r.Content) != 2 {
		t.Fatalf("IsError=%v, %d content items: %.300s", r.IsError, len(r.Content), resultText(t, r))
	}
	body := r.Content[0].(*mcp.TextContent).Text
	note, ok := strings.CutPrefix(r.Content[1].(*mcp.TextContent).Text, "… truncated at ")
	if !ok {
		t.Fatalf("no truncation note: %q", r.Content[1].(*mcp.TextContent).Text)
	}
	if len(body) > 5000 || len(body) < 4000 {
		t.Errorf("kept %d bytes, budget 5000", len(body))
	}
	if !strings.HasSuffix(body, "}") {
		t.Errorf("cut is not after a complete element: …%s", body[len(body)-40:])
	}
	if !json.Valid([]byte(body)) {
		t.Errorf("the kept part is not valid JSON: …%s", body[len(body)-40:])
	}
	var kept, total int
	if _, err := fmt.Sscanf(note, "%d of %d bytes", &kept, &total); err != nil || kept > len(body) || len(body)-kept > 3 || total <= 5000 {
		t.Errorf("note %q for %d bytes kept: %v", note, len(body), err)
	}
	for _, want := range []string{"ask for a smaller page (this operation takes: page, page_size, search)"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q lacks %q", note, want)
		}
	}
	if r.StructuredContent != nil {
		t.Errorf("a truncated result carries structuredContent")
	}
}

func TestNoKeyIsAToolError(t *testing.T) {
	ts := newTestAPIServer(t)
	noKey := func(context.Context) (string, error) {
		return "", errors.New("no API key for profile default: run `acme login`")
	}
	s := newTestServer(t, ts, noKey, Config{})
	cs := connect(t, s) // initialize works without a key
	r, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "get_project", Arguments: map[string]any{"id": 1}})
	if err != nil {
		t.Fatal(err)
	}
	if text := resultText(t, r); !r.IsError || !strings.Contains(text, "run `acme login`") {
		t.Errorf("IsError=%v text=%q", r.IsError, text)
	}
	if ts.hits.Load() != 0 {
		t.Errorf("a request was sent without a key")
	}
	// An operation that needs no authentication still works.
	r, err = cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "get_health"})
	if err != nil {
		t.Fatal(err)
	}
	if r.IsError || resultText(t, r) != "ok" {
		t.Errorf("health: IsError=%v text=%q", r.IsError, resultText(t, r))
	}
}

// listTool is a GET of a collection with two query arguments.
func listTool() *tool {
	return &tool{op: &client.Operation{Method: "GET", Path: "/projects"}, in: &inputSchema{bindings: map[string]binding{
		"page": {In: inQuery, Name: "page"}, "search": {In: inQuery, Name: "search"}}}}
}

// newTool is a tool of op with no arguments.
func newTool(op *client.Operation) *tool { return &tool{op: op, in: &inputSchema{}} }

func TestHTTPErrorHints(t *testing.T) {
	s := &Server{cfg: Config{Name: "acme"}}
	tool := &tool{op: &client.Operation{Method: "GET", Path: "/projects/{id}", Security: true}, in: &inputSchema{bindings: map[string]binding{"id": {In: inPath, Name: "id"}}}}
	tests := []struct {
		status int
		header map[string]string
		want   string
	}{
		{401, nil, "run `acme login`"},
		{403, nil, "run `acme login`"},
		{404, nil, `check "id"`},
		{429, map[string]string{"Retry-After": "7"}, "wait 7 s"},
		{422, nil, "fix what the message names"},
		{503, nil, "try again later"},
	}
	for _, tt := range tests {
		h := make(map[string][]string)
		for k, v := range tt.header {
			h[k] = []string{v}
		}
		resp := &client.Response{Status: tt.status, Header: h, ContentType: "application/json", Body: []byte(`{"error": "nope"}`)}
		r := s.httpErrorResult(context.Background(), tool, &client.HTTPError{Method: "GET", URL: "https://api.example.com/projects/9", Response: resp})
		text := resultText(t, r)
		if !r.IsError || !strings.Contains(text, "HTTP ") || !strings.Contains(text, `{"error":"nope"}`) || !strings.Contains(text, tt.want) {
			t.Errorf("%d: text = %q, want %q", tt.status, text, tt.want)
		}
	}
	// A list whose page is past the last (Django REST Framework answers
	// 404 "Invalid page."): the arguments, not the base URL, come first.
	list := listTool()
	resp404 := &client.Response{Status: 404, Header: http.Header{}, ContentType: "application/json", Body: []byte(`{"detail":"Invalid page."}`)}
	if text := resultText(t, s.httpErrorResult(context.Background(), list, &client.HTTPError{Method: "GET", URL: "https://api.example.com/projects?page=9", Response: resp404})); !strings.Contains(text, "check the arguments given (this operation takes page, search)") {
		t.Errorf("404 of a list: %q", text)
	}
	// The login of the profile served, or the variable the key came from
	// and what to do about it (KeyEnvFix: whether unsetting it helps).
	type config struct {
		Name, Login, KeyEnv, fix string
		caller                   bool
	}
	const unset = "correct that variable, or unset it to use the stored sign-in"
	for _, tt := range []struct {
		cfg    config
		status int
		want   string
	}{
		{config{Name: "acme", Login: "acme login --profile work"}, 401, "run `acme login --profile work`"},
		{config{Name: "acme", Login: "acme login --profile work"}, 403, "run `acme login --profile work`"},
		{config{Name: "acme", KeyEnv: "ACME_API_KEY"}, 401, "the key from ACME_API_KEY: correct that variable."},
		{config{Name: "acme", KeyEnv: "ACME_API_KEY"}, 403, "the key from ACME_API_KEY: it may lack the permission, or be wrong (correct that variable)."},
		{config{Name: "acme", KeyEnv: "ACME_API_KEY", fix: unset}, 401, "the key from ACME_API_KEY: " + unset + "."},
		{config{Name: "acme", KeyEnv: "ACME_API_KEY", fix: unset}, 403, "the key from ACME_API_KEY: it may lack the permission, or be wrong (" + unset + ")."},
		// serve --http: the caller's own key.
		{config{Name: "acme", Login: "acme login --profile work", caller: true}, 401, "the key this request carried: send a valid one"},
		{config{Name: "acme", Login: "acme login --profile work", caller: true}, 403, "the key this request carried"},
	} {
		cfg := Config{Name: tt.cfg.Name, Login: tt.cfg.Login, KeyEnv: tt.cfg.KeyEnv}
		if fix := tt.cfg.fix; fix != "" {
			cfg.KeyEnvFix = func() string { return fix }
		}
		s := &Server{cfg: cfg}
		ctx := context.Background()
		if tt.cfg.caller {
			ctx = client.WithCallerKey(ctx, "sk-caller")
		}
		resp := &client.Response{Status: tt.status, Header: http.Header{}, ContentType: "application/json", Body: []byte(`{}`)}
		text := resultText(t, s.httpErrorResult(ctx, tool, &client.HTTPError{Method: "GET", URL: "https://api.example.com/projects/9", Response: resp}))
		if !strings.Contains(text, tt.want) {
			t.Errorf("%+v, %d: text = %q, want %q", tt.cfg, tt.status, text, tt.want)
		}
	}
	// An operation declared public went without a key: the key is not
	// blamed.
	public := newTool(&client.Operation{Method: "GET", Path: "/status"})
	resp := &client.Response{Status: 401, Header: http.Header{}, ContentType: "application/json", Body: []byte(`{}`)}
	text := resultText(t, s.httpErrorResult(context.Background(), public, &client.HTTPError{Method: "GET", URL: "https://api.example.com/status", Response: resp}))
	if !strings.Contains(text, "declares this operation public (security: [])") || strings.Contains(text, "rejected the key") {
		t.Errorf("public operation: %q", text)
	}
	anonymous := newTool(&client.Operation{Method: "GET", Path: "/status", Requirements: []client.Requirement{{}}})
	text = resultText(t, s.httpErrorResult(context.Background(), anonymous, &client.HTTPError{Method: "GET", URL: "https://api.example.com/status", Response: resp}))
	if !strings.Contains(text, "declares this operation public (security: [{}], anonymous access only)") {
		t.Errorf("anonymous operation: %q", text)
	}
}

func TestCallUnknownToolAndBadArguments(t *testing.T) {
	ts := newTestAPIServer(t)
	s := newTestServer(t, ts, nil, Config{})
	if _, err := s.Call(context.Background(), "list_project", nil); err == nil || !strings.Contains(err.Error(), "list_projects") {
		t.Errorf("err = %v, want a suggestion of list_projects", err)
	}
	r, err := s.Call(context.Background(), "list_projects", json.RawMessage(`[1,2]`))
	if err != nil || !r.IsError || !strings.Contains(resultText(t, r), "arguments must be a JSON object") {
		t.Errorf("r = %v, err = %v", r, err)
	}
	if ts.hits.Load() != 0 {
		t.Errorf("bad calls reached the API")
	}
}

func TestEveryToolHasAnnotations(t *testing.T) {
	s, err := New(Config{API: projectsAPI()})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range s.ops {
		tool, method := op.def, op.op.Method
		a := tool.Annotations
		if a == nil {
			t.Errorf("%s: no annotations", tool.Name)
			continue
		}
		if a.ReadOnlyHint != (method == "GET" || method == "HEAD") {
			t.Errorf("%s (%s): readOnlyHint = %v", tool.Name, method, a.ReadOnlyHint)
		}
		// ReadOnlyHint must be on the wire, even when false.
		b, _ := json.Marshal(a)
		if !strings.Contains(string(b), `"readOnlyHint":`) {
			t.Errorf("%s: readOnlyHint not serialised: %s", tool.Name, b)
		}
		if a.OpenWorldHint == nil || !*a.OpenWorldHint || tool.Title == "" || a.Title != "" {
			t.Errorf("%s: openWorldHint or title missing: %s", tool.Name, b)
		}
		switch method {
		case "DELETE":
			if a.DestructiveHint == nil || !*a.DestructiveHint || !a.IdempotentHint {
				t.Errorf("%s: DELETE must be destructive and idempotent: %s", tool.Name, b)
			}
		case "POST":
			if a.DestructiveHint == nil || *a.DestructiveHint || a.IdempotentHint {
				t.Errorf("%s: POST must be additive and not idempotent: %s", tool.Name, b)
			}
		case "PUT":
			if !a.IdempotentHint {
				t.Errorf("%s: PUT must be idempotent: %s", tool.Name, b)
			}
		}
	}
}

func TestResultExtras(t *testing.T) {
	s := &Server{cfg: Config{Name: "acme", MaxResultBytes: DefaultMaxResultBytes}}
	in := &inputSchema{bindings: map[string]binding{
		"page": {In: inQuery, Name: "page"}, "per_page": {In: inQuery, Name: "per_page"}, "state": {In: inQuery, Name: "state"},
	}}
	list := &tool{op: &client.Operation{Method: "GET", Path: "/issues"}, in: in, paging: pagingArgs(in)}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Add("Link", `<https://api.example.com/issues?state=open&page=1>; rel="prev", <https://api.example.com/issues?state=open&page=3&per_page=30>; rel="next"`)
	r := s.result(list, &client.Response{Status: 200, Header: h, ContentType: "application/json", Body: []byte(`[1,2]`)})
	if len(r.Content) != 2 || resultText(t, r) != "[1,2]More results: call again with page=3, per_page=30" {
		t.Errorf("content = %q", resultText(t, r))
	}

	page := &tool{op: &client.Operation{Method: "GET", Path: "/page"}, in: &inputSchema{}}
	r = s.result(page, &client.Response{Status: 200, Header: http.Header{}, ContentType: "text/html; charset=utf-8",
		Body: []byte("<html><body><h1>Title</h1><p>Some &amp; text.</p></body></html>")})
	if got := resultText(t, r); got != "Title\n\nSome & text." {
		t.Errorf("html = %q", got)
	}

	create := &tool{op: &client.Operation{Method: "POST", Path: "/issues"}, in: &inputSchema{}}
	h = http.Header{}
	h.Set("Location", "https://api.example.com/issues/9")
	h.Set("ETag", `"abc"`)
	r = s.result(create, &client.Response{Status: 201, Header: h})
	if got := resultText(t, r); got != "201 Created (empty body)\nLocation: https://api.example.com/issues/9" {
		t.Errorf("created = %q", got)
	}
	head := &tool{op: &client.Operation{Method: "HEAD", Path: "/issues"}, in: &inputSchema{}}
	r = s.result(head, &client.Response{Status: 200, Header: h})
	if got := resultText(t, r); !strings.Contains(got, `ETag: "abc"`) {
		t.Errorf("head = %q", got)
	}
}

func TestPanicBecomesToolError(t *testing.T) {
	var logs bytes.Buffer
	s, err := New(Config{API: projectsAPI(), Logger: log.New(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	s.byName["get_health"].run = func(context.Context, map[string]any) *mcp.CallToolResult { panic("boom") }
	r, err := s.Call(context.Background(), "get_health", nil)
	if err != nil || !r.IsError || !strings.Contains(resultText(t, r), "internal error in get_health: boom") {
		t.Errorf("r = %v, err = %v", r, err)
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Errorf("the panic was not logged: %q", logs.String())
	}
}

func TestTransportFailuresAreToolErrors(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	tests := []struct {
		name, base string
		want       string
	}{
		{"timeout", slow.URL, "did not answer within"},
		{"connection refused", closedURL, "GET " + closedURL + "/health: dial tcp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client.New(client.Options{BaseURL: tt.base, Timeout: 200 * time.Millisecond})
			s, err := New(Config{API: projectsAPI(), Client: c})
			if err != nil {
				t.Fatal(err)
			}
			r, err := s.Call(context.Background(), "get_health", nil)
			if err != nil {
				t.Fatal(err)
			}
			if text := resultText(t, r); !r.IsError || !strings.Contains(text, tt.want) || strings.Count(text, "GET ") != 1 {
				t.Errorf("IsError=%v text=%q, want %q (the method said once)", r.IsError, text, tt.want)
			}
			if text := resultText(t, r); tt.name == "connection refused" && !strings.Contains(text, "could not be reached") {
				t.Errorf("no advice in %q", text)
			}
		})
	}
}

func TestRunEndsWhenTheClientLeaves(t *testing.T) {
	s, err := New(Config{API: projectsAPI()})
	if err != nil {
		t.Fatal(err)
	}
	ct, st := mcp.NewInMemoryTransports()
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background(), st) }()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "0"}, nil).Connect(context.Background(), ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after the client left", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the client disconnected")
	}
}

func TestConcurrentCalls(t *testing.T) {
	ts := newTestAPIServer(t)
	var audit bytes.Buffer
	s := newTestServer(t, ts, client.StaticKey("k"), Config{AuditLog: &audit, Layout: LayoutSearch})
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := `{"name": "get_project", "arguments": {"id": 1}}`
			if i%2 == 1 {
				args = `{"name": "list_projects", "arguments": {"page": 1}}`
			}
			r, err := s.Call(context.Background(), "call_operation", json.RawMessage(args))
			if err != nil || r.IsError {
				errs <- fmt.Sprint(err, r)
			}
			if _, err := s.Call(context.Background(), "search_operations", json.RawMessage(`{"query": "project"}`)); err != nil {
				errs <- err.Error()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := strings.Count(audit.String(), "\n"); n != 80 {
		t.Errorf("%d audit lines for 40 calls, want a start and an end line each", n)
	}
}

func TestTruncatedByTheClient(t *testing.T) {
	s := &Server{cfg: Config{MaxResultBytes: 100}}
	list := &tool{op: &client.Operation{Method: "GET", Path: "/x"}, in: &inputSchema{}}
	// The client stopped reading: the note says so even within the budget.
	for _, r := range []*client.Response{
		{Status: 200, Header: http.Header{}, ContentType: "text/plain", Body: []byte("héllo wörld"), Truncated: true},
		{Status: 200, Header: http.Header{}, ContentType: "application/json", Body: []byte(`[1,2,3]`), Truncated: true},
	} {
		text := resultText(t, s.result(list, r))
		if !strings.Contains(text, "of more than") {
			t.Errorf("%s: %q", r.ContentType, text)
		}
	}
}

// The instructions count tools and operations in words that agree with
// the number, one included.
func TestInstructionsCountOne(t *testing.T) {
	ts := newTestAPIServer(t)
	for layout, want := range map[string]string{
		LayoutOperations: "1 tool, one per API operation,",
		LayoutResources:  "1 tool, one per resource, covers 1 operation:",
		LayoutSearch:     "1 operation behind two tools:",
	} {
		s := newTestServer(t, ts, nil, Config{Layout: layout, Filter: Filter{Operations: []string{"listProjects"}}})
		if in := s.Instructions(); !strings.Contains(in, want) {
			t.Errorf("%s: instructions = %q, want %q", layout, in, want)
		}
	}
	s := newTestServer(t, ts, nil, Config{Layout: LayoutAuto, Filter: Filter{Operations: []string{"listProjects"}}})
	if _, why := s.Layout(); !strings.Contains(why, "(1 tool, about ") {
		t.Errorf("auto: the layout's reason = %q", why)
	}
	s = newTestServer(t, ts, nil, Config{Layout: LayoutResources, Filter: Filter{Operations: []string{"listProjects"}}})
	r, err := s.Call(context.Background(), "describe_action", json.RawMessage(`{"tool":"project","action":"list"}`))
	if err != nil || !strings.Contains(resultText(t, r), `did you mean projects? (the only tool that takes actions)`) {
		t.Errorf("describe_action of a misspelt tool: %v %v", r, err)
	}
	s = newTestServer(t, ts, nil, Config{Layout: LayoutResources})
	if in := s.Instructions(); !regexp.MustCompile(`\d+ tools, one per resource, cover \d+ operations:`).MatchString(in) {
		t.Errorf("resources: instructions = %q", in)
	}
}

// The next page is found in a Link header however RFC 8288 lets it be
// written: rel unquoted, one of several relation types, in capitals, a
// comma inside the URL, a quoted parameter holding a comma.
func TestNextPageLinkForms(t *testing.T) {
	s := &Server{cfg: Config{Name: "acme", MaxResultBytes: DefaultMaxResultBytes}}
	in := &inputSchema{bindings: map[string]binding{
		"page": {In: inQuery, Name: "page"}, "ids": {In: inQuery, Name: "ids"},
	}}
	list := &tool{op: &client.Operation{Method: "GET", Path: "/issues"}, in: in, paging: pagingArgs(in)}
	for _, link := range []string{
		`<https://api.example.com/issues?page=3>; rel=next`,
		`<https://api.example.com/issues?page=3>; rel="next last"`,
		`<https://api.example.com/issues?page=3>; REL="Next"`,
		`<https://api.example.com/issues?ids=1,2&page=3>; rel="next"`,
		`<https://api.example.com/issues?page=1>; rel="prev"; title="a, b", <https://api.example.com/issues?page=3>; rel="next"`,
		`</issues?page=3>;rel=next`,
	} {
		h := http.Header{}
		h.Set("Link", link)
		r := s.result(list, &client.Response{Status: 200, Header: h, ContentType: "application/json", Body: []byte(`[1,2]`)})
		if got := resultText(t, r); got != "[1,2]More results: call again with page=3" {
			t.Errorf("%s: %q", link, got)
		}
	}
	for _, link := range []string{
		`<https://api.example.com/issues?page=3>; rel="prev"`,
		`<https://api.example.com/issues?page=3>; rel="nextish"`,
		`<https://api.example.com/issues?page=3>; title="rel=next"`,
	} {
		h := http.Header{}
		h.Set("Link", link)
		r := s.result(list, &client.Response{Status: 200, Header: h, ContentType: "application/json", Body: []byte(`[1,2]`)})
		if got := resultText(t, r); got != "[1,2]" {
			t.Errorf("%s: %q", link, got)
		}
	}
}
