package server

import (
	"bytes"
	"errors"
	"sync"

	"encoding/json"
	"github.com/charmbracelet/log"

	"context"
	"fmt"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/restmcp/restmcp/client"
)

func opTool() *tool {
	return &tool{op: &client.Operation{Method: "GET", Path: "/projects"}, in: &inputSchema{bindings: map[string]binding{}}}
}

// The timeout's tool error names the limit and how to raise it.
func TestTimeoutResultNamesLimit(t *testing.T) {
	err := fmt.Errorf("GET https://api.example.com/projects: %w", &client.TimeoutError{Limit: 30 * time.Second})
	text := resultText(t, requestErrorResult(context.Background(), opTool(), err))
	for _, want := range []string{"30s", "--timeout"} {
		if !strings.Contains(text, want) {
			t.Errorf("text = %q, want it to contain %q", text, want)
		}
	}
}

// A Retry-After beyond what restmcp waits is reported as such.
func TestRetryAfterTooLongResult(t *testing.T) {
	s := &Server{cfg: Config{Name: "acme", MaxResultBytes: 20000}}
	resp := &client.Response{Status: 503, Header: map[string][]string{"Retry-After": {"600"}}}
	r := s.httpErrorResult(context.Background(), opTool(), &client.HTTPError{Method: "GET", URL: "https://api.example.com/projects", Response: resp, Wait: 600 * time.Second})
	if text := resultText(t, r); !strings.Contains(text, "API asks to wait 600 s") {
		t.Errorf("text = %q", text)
	}
}

// An HTTP error result respects the result budget whatever the body and
// headers hold.
func TestHTTPErrorResultWithinBudget(t *testing.T) {
	s := &Server{cfg: Config{Name: "acme", MaxResultBytes: 2000}}
	long := strings.Repeat("x", 1_000_000)
	resp := &client.Response{Status: 414, Header: map[string][]string{"Retry-After": {long}}, ContentType: "text/plain", Body: []byte(long)}
	r := s.httpErrorResult(context.Background(), opTool(), &client.HTTPError{Method: "GET", URL: "https://api.example.com/" + long, Response: resp})
	if n := len(resultText(t, r)); n > 2000 {
		t.Errorf("error result of %d bytes, budget 2000", n)
	}
	resp.Status = 429
	r = s.httpErrorResult(context.Background(), opTool(), &client.HTTPError{Method: "GET", URL: "https://api.example.com/" + long, Response: resp})
	if n := len(resultText(t, r)); n > 2000 {
		t.Errorf("429 result of %d bytes, budget 2000", n)
	}
}

// A JSON body cut by the read cap is cut at a value boundary and says so.
func TestReadCapCutJSONStaysValid(t *testing.T) {
	s := &Server{cfg: Config{Name: "acme", MaxResultBytes: 20000}}
	body := []byte(`[{"name":"` + strings.Repeat("a", 300) + `"},{"name":"` + strings.Repeat("b", 300))
	r := s.bodyResult(opTool(), &client.Response{Status: 200, ContentType: "application/json", Body: body, Truncated: true})
	if len(r.Content) != 2 {
		t.Fatalf("%d content items, want the JSON and a note", len(r.Content))
	}
	first := r.Content[0].(*mcp.TextContent).Text
	if !json.Valid([]byte(first)) {
		t.Errorf("cut JSON is invalid: %q", first)
	}
	if note := r.Content[1].(*mcp.TextContent).Text; !strings.Contains(note, "truncated") {
		t.Errorf("note = %q", note)
	}
}

// hitsWriter records each audit line with the API requests seen when it
// was written.
type hitsWriter struct {
	mu    sync.Mutex
	ts    *testAPIServer
	lines []string
	hits  []int64
	err   error
}

func (w *hitsWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	w.lines = append(w.lines, string(b))
	w.hits = append(w.hits, int64(w.ts.hits.Load()))
	return len(b), nil
}

// A start line is written before the request reaches the API, an end line
// after, paired by call number.
func TestAuditStartAndEndLines(t *testing.T) {
	ts := newTestAPIServer(t)
	w := &hitsWriter{ts: ts}
	s := newTestServer(t, ts, client.StaticKey("k"), Config{AuditLog: w})
	if r, err := s.Call(context.Background(), "get_project", json.RawMessage(`{"id":1}`)); err != nil || r.IsError {
		t.Fatal(err, r)
	}
	if len(w.lines) != 2 {
		t.Fatalf("%d audit lines, want start and end: %q", len(w.lines), w.lines)
	}
	var start, end auditEntry
	_ = json.Unmarshal([]byte(w.lines[0]), &start)
	_ = json.Unmarshal([]byte(w.lines[1]), &end)
	if start.Event != "start" || w.hits[0] != 0 || start.Tool != "get_project" {
		t.Errorf("first line %q written after %d requests, want a start line before the request", w.lines[0], w.hits[0])
	}
	if end.Event != "end" || w.hits[1] != 1 || end.Outcome != "ok" || end.Status != 200 || end.Call != start.Call || start.Call == 0 {
		t.Errorf("second line %q, want the end line of call %d", w.lines[1], start.Call)
	}
}

// An audit log that cannot be written warns once on the log, and calls go
// on.
func TestAuditWriteErrorWarnsOnce(t *testing.T) {
	ts := newTestAPIServer(t)
	var logs bytes.Buffer
	w := &hitsWriter{ts: ts, err: errors.New("no space left on device")}
	s := newTestServer(t, ts, client.StaticKey("k"), Config{AuditLog: w, Logger: log.New(&logs)})
	for range 3 {
		if r, err := s.Call(context.Background(), "get_project", json.RawMessage(`{"id":1}`)); err != nil || r.IsError {
			t.Fatal(err, r)
		}
	}
	if n := strings.Count(logs.String(), "audit log"); n != 1 || !strings.Contains(logs.String(), "no space left") {
		t.Errorf("%d warnings, want one naming the error:\n%s", n, logs.String())
	}
}

// A credential that could not be read because its own connection failed
// (the keyring's D-Bus socket) is not reported as an API that could not
// be reached: nothing was sent to the API, whose address is right.
func TestCredentialDialFailureIsNotTheAPI(t *testing.T) {
	dbus := &net.OpError{Op: "dial", Net: "unix", Err: errors.New("connect: no such file or directory")}
	err := fmt.Errorf("GET https://api.example.com/projects: %w", &client.CredentialError{
		Err: fmt.Errorf("reading the key of profile \"acme\": the OS keyring is unavailable: %w (set RESTMCP_API_KEY to pass the key without the keyring)", dbus),
	})
	text := resultText(t, requestErrorResult(context.Background(), opTool(), err))
	if strings.Contains(text, "could not be reached") || strings.Contains(text, "base URL") {
		t.Errorf("text = %q, blames the API's address for the keyring", text)
	}
	if !strings.Contains(text, "RESTMCP_API_KEY") {
		t.Errorf("text = %q, lost the credential's own advice", text)
	}
}
