package server

import (
	"encoding/json"

	"context"
	"fmt"
	"github.com/modelcontextprotocol/go-sdk/mcp"
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
	r := s.httpErrorResult(opTool(), &client.HTTPError{Method: "GET", URL: "https://api.example.com/projects", Response: resp, Wait: 600 * time.Second})
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
	r := s.httpErrorResult(opTool(), &client.HTTPError{Method: "GET", URL: "https://api.example.com/" + long, Response: resp})
	if n := len(resultText(t, r)); n > 2000 {
		t.Errorf("error result of %d bytes, budget 2000", n)
	}
	resp.Status = 429
	r = s.httpErrorResult(opTool(), &client.HTTPError{Method: "GET", URL: "https://api.example.com/" + long, Response: resp})
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
