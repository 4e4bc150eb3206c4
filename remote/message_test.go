package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// fakeSSE is a server of the HTTP+SSE transport, written out: the stream
// names /message as where messages go; initialize is answered, and what
// answers tools/call is up to the test (an event's data, as is).
type fakeSSE struct {
	events chan string
	call   func(body []byte) string
	// late holds back the answer to a call's POST this long after its
	// event went on the stream.
	late time.Duration
}

func newFakeSSE(call func(body []byte) string) *httptest.Server {
	return httptest.NewServer(&fakeSSE{events: make(chan string, 16), call: call})
}

func (f *fakeSSE) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "event: endpoint\ndata: /message?session=1\n\n")
		w.(http.Flusher).Flush()
		for {
			select {
			case data := <-f.events:
				io.WriteString(w, "event: message\ndata: "+data+"\n\n")
				w.(http.Flusher).Flush()
			case <-r.Context().Done():
				return
			}
		}
	}
	if r.URL.Path != "/message" {
		http.Error(w, "only HTTP+SSE here", http.StatusMethodNotAllowed)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var msg struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
	}
	json.Unmarshal(body, &msg)
	switch msg.Method {
	case "initialize":
		f.events <- `{"jsonrpc":"2.0","id":` + string(msg.ID) + `,"result":{"protocolVersion":"2024-11-05","capabilities":{"tools":{}},"serverInfo":{"name":"fake","version":"1"}}}`
	case "tools/call":
		f.events <- f.call(body)
		time.Sleep(f.late)
	}
	w.WriteHeader(http.StatusAccepted)
}

// A message the server refuses with a 4xx on a session that is open is
// named as refused, with the server's reason, over either transport: not
// as a failure to connect.
func TestRefusedMessageIsNamed(t *testing.T) {
	refuse := func(w http.ResponseWriter, r *http.Request, body []byte) {
		http.Error(w, `text is too long {"access_token":"srv-tok-1"} (see /help?api_key=srv-key-2)`, http.StatusBadRequest)
	}
	srv := newTestServer()
	sse := mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	for name, ts := range map[string]*httptest.Server{
		"streamable": interceptPosts(`"name":"echo"`, refuse),
		"sse":        httptest.NewServer(intercept(sse, `"name":"echo"`, refuse)),
	} {
		t.Run(name, func(t *testing.T) {
			t.Cleanup(ts.Close)
			cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
			text, isErr := callText(t, cs, "echo", map[string]any{"text": "x"})
			if !isErr || !strings.Contains(text, `the MCP server refused the tools/call message: it answered 400 Bad Request: text is too long {"access_token":"[hidden]"} (see /help?api_key=[hidden])`) ||
				!strings.Contains(text, "session with the server is open") || strings.Contains(text, "connecting to") {
				t.Errorf("answer = %q (error %v), want the refused message named, with the reason", text, isErr)
			}
			// The session is fine: the next call passes.
			if text, isErr := callText(t, cs, "delete_all", map[string]any{}); isErr || text != "deleted" {
				t.Errorf("next call = %q (error %v)", text, isErr)
			}
		})
	}
}

// A batch (a JSON array) of messages is relayed message by message; one
// that holds something other than JSON-RPC messages is named, with the
// server and what is wrong, not as the decoder's error.
func TestBatchAnswers(t *testing.T) {
	answer := func(id string) string {
		return `{"jsonrpc":"2.0","id":` + id + `,"result":{"content":[{"type":"text","text":"from a batch"}]}}`
	}
	for _, tc := range []struct {
		name   string
		stream bool
		batch  func(id string) string
		want   string // in the tool error; "" for the answer
	}{
		{"json", false, func(id string) string {
			return `[{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hi"}},` + answer(id) + `]`
		}, ""},
		{"stream", true, func(id string) string { return `[` + answer(id) + `]` }, ""},
		{"no version", false, func(id string) string {
			return `[{"jsonrpc":"2.0","method":"notifications/progress"},{"id":` + id + `,"result":{}}]`
		},
			`answer to tools/call, a body that is a batch (a JSON array) whose message 2 of 2 is not a JSON-RPC message (no "jsonrpc": "2.0")`},
		{"not objects", true, func(string) string { return `[1,2]` },
			`sent an event that is a batch (a JSON array) whose message 1 of 2 is not a JSON-RPC message (a JSON number where a JSON-RPC object belongs): "1"`},
		{"empty", false, func(string) string { return `[]` }, "is an empty batch"},
		{"error without id", false, func(string) string {
			return `[{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request"}}]`
		}, `an error answer without an id, which answers no request: "Invalid Request"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := interceptPosts(`"name":"echo"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
				batch := tc.batch(string(idOf(body)))
				if tc.stream {
					w.Header().Set("Content-Type", "text/event-stream")
					io.WriteString(w, "data: "+batch+"\n\n")
					return
				}
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, batch)
			})
			t.Cleanup(ts.Close)
			cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "x"}})
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			text := resultText(res)
			if tc.want == "" {
				if res.IsError || text != "from a batch" {
					t.Errorf("answer = %q (error %v), want the batch's answer", text, res.IsError)
				}
				return
			}
			if !res.IsError || !strings.Contains(text, "the MCP server at "+ts.URL+" sent") || !strings.Contains(text, tc.want) ||
				!strings.Contains(text, "report it to the server's maintainers") || strings.Contains(text, "unmarshal") {
				t.Errorf("answer = %q (error %v), want the server and %q", text, res.IsError, tc.want)
			}
		})
	}
}

// An event whose data is not JSON is named, clipped, as the server's
// fault: not as a dropped stream to try again. Over Streamable HTTP it
// answers the call whose stream carried it; over HTTP+SSE, the calls
// waiting on the stream it broke.
func TestNonJSONEventIsNamed(t *testing.T) {
	page := "<html><body>" + strings.Repeat("Service Unavailable ", 20) + "</body></html>"
	streamable := interceptPosts(`"name":"echo"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "id: 1\ndata: "+page+"\n\n")
	})
	sse := newFakeSSE(func([]byte) string { return page })
	// The stream ends (at the event) before the POST is answered, or
	// after, as a busy machine has it: the same answer either way.
	late := httptest.NewServer(&fakeSSE{events: make(chan string, 16), call: func([]byte) string { return page }, late: 300 * time.Millisecond})
	for name, ts := range map[string]*httptest.Server{"streamable": streamable, "sse": sse, "sse, the stream ended first": late} {
		t.Run(name, func(t *testing.T) {
			t.Cleanup(ts.Close)
			cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
			text, isErr := callText(t, cs, "echo", map[string]any{"text": "x"})
			want := fmt.Sprintf("the MCP server at %s sent an event that is not JSON: %q…", ts.URL, page[:clipBytes])
			if !isErr || !strings.Contains(text, want) || !strings.Contains(text, "trying again will not help") ||
				strings.Contains(text, "try again") || strings.Contains(text, "Service Unavailable </body>") {
				t.Errorf("answer = %q (error %v), want %q", text, isErr, want)
			}
		})
	}
}

// What a bad message quotes is clipped, and what looks like a credential
// in it is hidden.
func TestClipHidesCredentials(t *testing.T) {
	for in, want := range map[string]string{
		`{"access_token":"abc123","x":1`:        `"{\"access_token\":\"[hidden]\",\"x\":1"`,
		`Authorization: Bearer sk-live-1`:       `"Authorization: Bearer [hidden]"`,
		`{"api_key": "k1"} rest`:                `"{\"api_key\": \"[hidden]\"} rest"`,
		strings.Repeat("a", 119) + "é and more": `"` + strings.Repeat("a", 119) + `"…`,
	} {
		if got := clip([]byte(in)); got != want {
			t.Errorf("clip(%q) = %s, want %s", in, got, want)
		}
	}
}

// The message of an error answer without an id is quoted as the rest of
// a bad message is: clipped, with what looks like a credential hidden.
func TestErrorWithoutIDMessageIsClipped(t *testing.T) {
	long := strings.Repeat("x", 500)
	data := `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"header Authorization: Bearer sk-live-secret1 refused ` + long + `"}}`
	_, err := decodeMessages([]byte(data))
	if err == nil {
		t.Fatal("decoded")
	}
	msg := err.Error()
	if strings.Contains(msg, "sk-live-secret1") || strings.Contains(msg, long) ||
		!strings.Contains(msg, `an error answer without an id, which answers no request: "header Authorization: Bearer [hidden] refused`) {
		t.Errorf("error = %q, want the message clipped, the token hidden", msg)
	}
}

// Over HTTP+SSE, an answer over 16 MiB ends the session's stream; the
// call waiting on it is told that the answer was too large, as over
// Streamable HTTP, not that the connection ended (which a model would
// take as a reason to call again, and get the same).
func TestSSEAnswerTooLargeSaysSo(t *testing.T) {
	big := strings.Repeat("x", 17<<20)
	// The stream ends (at the event) before the POST is answered, or
	// after: the same answer either way.
	for name, late := range map[string]time.Duration{"posted first": 0, "the stream ended first": 300 * time.Millisecond} {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(&fakeSSE{events: make(chan string, 16), late: late, call: func(body []byte) string {
				return `{"jsonrpc":"2.0","id":` + string(idOf(body)) + `,"result":{"content":[{"type":"text","text":"` + big + `"}]}}`
			}})
			t.Cleanup(ts.Close)
			cs := connectTest(t, Config{URL: ts.URL, HTTPClient: http.DefaultClient}, nil)
			text, isErr := callText(t, cs, "echo", map[string]any{"text": "x"})
			if !isErr || !strings.Contains(text, "over 16 MiB") || !strings.Contains(text, "may or may not have run") {
				t.Errorf("answer = %.300q (error %v), want the answer named as over 16 MiB", text, isErr)
			}
		})
	}
}

// What a bad message quotes hides credentials in escaped JSON (a JSON
// document within a JSON string) and Basic credentials as well, and keeps
// the words that only look like them.
func TestClipHidesEscapedAndBasicCredentials(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Hidden.
		{`{"error":"{\"access_token\":\"abc\",\"x\":1}"}`, `{"error":"{\"access_token\":\"[hidden]\",\"x\":1}"}`},
		{`\"client_secret\": \"s3\/cr\\\"et\"`, `\"client_secret\": \"[hidden]\"`},
		{`\"password\":\"a\\\\\", \"x\":1`, `\"password\":\"[hidden]\\\\\", \"x\":1`},
		// Escaped twice: hidden to the end.
		{`\\\"api_key\\\":\\\"k1\\\", x`, `\\\"api_key\\\":\\\"[hidden]`},
		{`\"Authorization\":\"Bearer abc\/def\"`, `\"Authorization\":\"[hidden]\"`},
		{`"message":"Bearer abc\/def\" refused"`, `"message":"Bearer [hidden]\" refused"`},
		{`Authorization: Basic dXNlcjpwYXNz`, `Authorization: Basic [hidden]`},
		{`"header":"basic YTpiPz4\/ refused"`, `"header":"basic [hidden] refused"`},
		{`got Basic YWxpY2U6czNjcj90Png=, want another`, `got Basic [hidden], want another`},
		{`{"db_password":"pw","x-api-key":"k2"}`, `{"db_password":"[hidden]","x-api-key":"[hidden]"}`},
		{`GET /mcp?api_key=k3&x=1 refused`, `GET /mcp?api_key=[hidden]&x=1 refused`},
		{`password=hunter2 token=t4, rest`, `password=[hidden] token=[hidden], rest`},
		// Kept.
		{`Basic auth is not enabled`, `Basic auth is not enabled`},
		{`basic usage: call it with Basic Authentication`, `basic usage: call it with Basic Authentication`},
		{`{"max_tokens":"5","keyword":"find","monkey":"x"}`, `{"max_tokens":"5","keyword":"find","monkey":"x"}`},
		{`?monkey=1&keys=2&max_tokens=5`, `?monkey=1&keys=2&max_tokens=5`},
		{`\"tokens\":\"12\", \"message\":\"the token expired\"`, `\"tokens\":\"12\", \"message\":\"the token expired\"`},
	} {
		got, err := strconv.Unquote(clip([]byte(tc.in)))
		if err != nil || got != tc.want {
			t.Errorf("clip(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
	// The start of credentials where the quote is cut is hidden.
	in := strings.Repeat("x", clipBytes-12) + " Basic dXNlcjpwYXNzd29yZA=="
	if got := clip([]byte(in)); !strings.HasSuffix(got, `Basic [hidden]"…`) {
		t.Errorf("clip(%s) = %s, want the cut credentials hidden", in, got)
	}
}

// A parameter named like a credential is hidden wherever a URL or a form
// puts it (a fragment, an HTML page's &amp;, a JSON string's \u0026), and
// a message's own words are kept: "key" names a credential only as a
// URL's parameter, and a placeholder in brackets is no value.
func TestHideSecretsInParameters(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Hidden.
		{`redirected to https://app.acme.com/cb#access_token=at-1&state=s`, `redirected to https://app.acme.com/cb#access_token=[hidden]&state=s`},
		{`<a href="/login?next=%2F&amp;token=t-2">`, `<a href="/login?next=%2F&amp;token=[hidden]">`},
		{`{"url":"https://acme.com/x?a=1\u0026api_key=k-3"}`, `{"url":"https://acme.com/x?a=1\u0026api_key=[hidden]"}`},
		{`GET /maps?key=AIzaSyk4&x=1`, `GET /maps?key=[hidden]&x=1`},
		{`password=hunter2 token=t4, rest`, `password=[hidden] token=[hidden], rest`},
		// Kept.
		{`expected key=value pairs`, `expected key=value pairs`},
		{`the primary key=id must be unique`, `the primary key=id must be unique`},
		{`invalid request: secret=[REDACTED]`, `invalid request: secret=[REDACTED]`},
	} {
		if got := hideSecrets(tc.in, false); got != tc.want {
			t.Errorf("hideSecrets(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
