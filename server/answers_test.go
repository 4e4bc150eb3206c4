package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
)

const answerKey = "sk-test-SECRETKEY123"

// callAnswer calls get_x (GET /x, which takes page and fields) of an API
// that answers with h, through a client with opts (sending answerKey as a
// bearer token when they name no credential), and returns the result.
func callAnswer(t *testing.T, h http.HandlerFunc, opts client.Options, cfg Config, args string) *mcp.CallToolResult {
	t.Helper()
	api := httptest.NewServer(h)
	t.Cleanup(api.Close)
	opts.BaseURL = api.URL
	if opts.Credential == nil {
		opts.Credential = client.HeaderKey{Scheme: "Bearer", Key: client.StaticKey(answerKey)}
	}
	op := &client.Operation{ID: "getX", Method: "GET", Path: "/x", Security: true,
		Params: []*client.Param{{Name: "page", In: "query", Schema: map[string]any{"type": "integer"}}}}
	cfg.API = &client.API{Operations: []*client.Operation{op}}
	cfg.Client = client.New(opts)
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Call(context.Background(), "get_x", json.RawMessage(args))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// answerWith is a handler answering with status, content type and body.
func answerWith(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// The key echoed in a form read only after the transport's redaction (an
// HTML reference, a JSON escape the field selection reads) reaches no
// result, success or error, selected or not.
func TestKeyDecodedFromAnAnswerIsRedacted(t *testing.T) {
	// Many leading zeros and one "\/" of two are no form the transport
	// knows: only the text decoded from them spells the key.
	const key = "sk-test/SECRET/KEY123"
	const html = "<html><body><p>Your token: sk&#0000045;test/SECRET/KEY123</p></body></html>"
	const jsonEsc = `{"token":"sk-test\/SECRET/KEY123","sk-test\/SECRET/KEY123":1}`
	for _, tt := range []struct {
		name, args string
		h          http.HandlerFunc
	}{
		{"html", `{}`, answerWith(200, "text/html", html)},
		{"html error", `{}`, answerWith(403, "text/html", html)},
		{"fields", `{"fields":["token"]}`, answerWith(200, "application/json", jsonEsc)},
		{"no field matched", `{"fields":["nope"]}`, answerWith(200, "application/json", jsonEsc)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := client.Options{Credential: client.HeaderKey{Key: client.StaticKey(key)}}
			text := resultText(t, callAnswer(t, tt.h, opts, Config{}, tt.args))
			if strings.Contains(text, "SECRET") || !strings.Contains(text, "[REDACTED]") {
				t.Errorf("%s", text)
			}
		})
	}
}

// A short key that is a common word is replaced where the answer echoes
// it (body, headers, the field names a selection that matched nothing
// lists) and in the paths of that selection, not in restmcp's own words
// around them: the hint of an error, a redirect's and a cut answer's
// notes, the note that no field matched.
func TestShortKeyIsRedactedInTheAnswerOnly(t *testing.T) {
	for _, tt := range []struct {
		name, key, args string
		cfg             Config
		h               http.HandlerFunc
		own, echo       string // restmcp's words, which stay; the answer's, which go
	}{
		{"hint", "wrong", `{}`, Config{}, answerWith(403, "application/json", `{"error":"wrong key"}`),
			"it may lack the permission, or be wrong", `[REDACTED] key`},
		{"redirect", "followed", `{}`, Config{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/x?followed")
			answerWith(300, "text/plain", "not followed")(w, r)
		}, "a redirect, not followed (Location: /x?[REDACTED])", "not [REDACTED]"},
		{"cut text", "smaller", `{}`, Config{MaxResultBytes: 500}, answerWith(200, "text/plain", strings.Repeat("smaller ", 200)),
			"ask for a smaller page", "[REDACTED] [REDACTED]"},
		{"not JSON", "JSON", `{"fields":["a"]}`, Config{}, answerWith(200, "text/plain", "JSON"),
			"applies to JSON answers only", "[REDACTED]"},
		{"no field matched", "field", `{"fields":["nope"]}`, Config{}, answerWith(200, "application/json", `{"field":1,"a":{"field":2}}`),
			`{"note":"no field matched nope; the answer has: `, `[REDACTED], a, a.[REDACTED]"}`},
		{"no field matched, a path", "matched", `{"fields":["matched.x"]}`, Config{}, answerWith(200, "application/json", `{"matched":1}`),
			`{"note":"no field matched [REDACTED].x; the answer has: `, `[REDACTED]"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := client.Options{Credential: client.HeaderKey{Scheme: "Bearer", Key: client.StaticKey(tt.key)}}
			text := resultText(t, callAnswer(t, tt.h, opts, tt.cfg, tt.args))
			if !strings.Contains(text, tt.own) || !strings.Contains(text, tt.echo) {
				t.Errorf("want %q and %q in:\n%s", tt.own, tt.echo, text)
			}
		})
	}
}

// A header the result shows (Location, a file name, the content type, the
// next page's arguments) is clipped: its length is the API's, and the
// result stays within the budget.
func TestHeadersInAResultAreClipped(t *testing.T) {
	huge := strings.Repeat("L", 1<<20)
	for _, tt := range []struct {
		name string
		h    http.HandlerFunc
	}{
		{"location", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/items/"+huge)
			w.WriteHeader(http.StatusCreated)
		}},
		{"file name", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/zip")
			w.Header().Set("Content-Disposition", `attachment; filename="`+huge+`.zip"`)
			_, _ = w.Write([]byte{0, 1, 2})
		}},
		{"content type", answerWith(200, "application/x-"+huge, "\x00\x01")},
		{"next page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", `</x?page=`+huge+`>; rel="next"`)
			answerWith(200, "application/json", "[1,2]")(w, r)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := callAnswer(t, tt.h, client.Options{}, Config{MaxResultBytes: 2000}, `{}`)
			if text := resultText(t, r); len(text) > 2000 || !strings.Contains(text, "LLL…") {
				t.Errorf("%d bytes: %.200s", len(text), text)
			}
		})
	}
}

// Fields selected from an answer longer than the read cap: the result
// says the answer was cut before the selection, with the bytes read, and
// does not ask to narrow a selection that is whole.
func TestFieldsFromAnAnswerCutAtTheReadCap(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"results":[`)
	for i := range 2000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"%s"}`, i, strings.Repeat("x", 90))
	}
	b.WriteString(`],"next_cursor":"abc"}`)
	h := answerWith(200, "application/json", b.String())
	r := callAnswer(t, h, client.Options{MaxBodyBytes: 50000}, Config{}, `{"fields":["next_cursor"]}`)
	text := resultText(t, r)
	if r.IsError || !strings.Contains(text, "longer than the 50000 bytes read") || !strings.Contains(text, "may lie beyond") ||
		strings.Contains(text, "keep only the fields") || strings.Contains(text, "truncated at") {
		t.Errorf("%s", text)
	}
}

// A JSON answer longer than the read cap is compacted too: the budget is
// not spent on its indentation.
func TestJSONCutAtTheReadCapIsCompacted(t *testing.T) {
	items := make([]map[string]any, 2000)
	for i := range items {
		items[i] = map[string]any{"id": i, "tags": []string{"a", "b"}}
	}
	pretty, _ := json.MarshalIndent(map[string]any{"count": len(items), "results": items}, "", "    ")
	h := answerWith(200, "application/json", string(pretty))
	r := callAnswer(t, h, client.Options{MaxBodyBytes: 50000}, Config{MaxResultBytes: 2000}, `{}`)
	first := r.Content[0].(*mcp.TextContent).Text
	if !json.Valid([]byte(first)) || strings.Contains(first, "\n") || !strings.HasPrefix(first, `{"count":2000,"results":[{"id":0,"tags":["a","b"]},`) {
		t.Errorf("%.300s", first)
	}
}

// A stream still arriving when the call's time ends is an answer: what
// arrived, with a note that the time limit cut it.
func TestStreamCutAtTheTimeLimit(t *testing.T) {
	h := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: {\"n\":0}\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}
	r := callAnswer(t, h, client.Options{Timeout: 300 * time.Millisecond}, Config{}, `{}`)
	text := resultText(t, r)
	if r.IsError || !strings.Contains(text, `data: {"n":0}`) || !strings.Contains(text, "still arriving when the 300ms limit") {
		t.Errorf("IsError=%v: %s", r.IsError, text)
	}
}

// A JSON answer still arriving when the call's time ends is cut at its
// last whole value.
func TestJSONCutAtTheTimeLimit(t *testing.T) {
	h := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"results":[{"id":1},{"id":2},{"id":`)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}
	r := callAnswer(t, h, client.Options{Timeout: 300 * time.Millisecond}, Config{}, `{}`)
	if text := resultText(t, r); r.IsError || !strings.HasPrefix(text, `{"results":[{"id":1},{"id":2}]}HTTP 200: the answer was still arriving`) {
		t.Errorf("IsError=%v: %s", r.IsError, text)
	}
}

// A JSON answer whose time ran out before its first value ended ("[",
// "{\"a") is an answer with nothing whole in it, not an internal error.
func TestJSONCutBeforeItsFirstValue(t *testing.T) {
	for _, arrived := range []string{"[", "{", `"`, `{"a`} {
		h := func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, arrived)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}
		r := callAnswer(t, h, client.Options{Timeout: 100 * time.Millisecond}, Config{}, `{}`)
		if text := resultText(t, r); r.IsError || !strings.Contains(text, "HTTP 200: the answer was still arriving") {
			t.Errorf("%s: IsError=%v: %s", arrived, r.IsError, text)
		}
	}
}

// A redirect that was not followed (no Location, a 300's choice) is an
// error saying so, not the redirect's body as an answer.
func TestRedirectNotFollowedIsAnError(t *testing.T) {
	for _, tt := range []struct {
		status   int
		location string
		want     string
	}{
		{302, "", "HTTP 302 Found (GET /x): a redirect, not followed (the answer names no Location)\n{\"moved\":true}"},
		{300, "/x/2", "HTTP 300 Multiple Choices (GET /x): a redirect, not followed (Location: /x/2)\n{\"moved\":true}"},
	} {
		h := func(w http.ResponseWriter, r *http.Request) {
			if tt.location != "" {
				w.Header().Set("Location", tt.location)
			}
			answerWith(tt.status, "application/json", `{"moved":true}`)(w, r)
		}
		r := callAnswer(t, h, client.Options{}, Config{}, `{}`)
		if text := resultText(t, r); !r.IsError || text != tt.want {
			t.Errorf("IsError=%v: %q", r.IsError, text)
		}
	}
}

// fields on an answer that is not JSON: a note says it applies to JSON
// only, and a cut text's note does not offer it.
func TestFieldsOnText(t *testing.T) {
	h := answerWith(200, "text/plain", strings.Repeat("line\n", 1000))
	r := callAnswer(t, h, client.Options{}, Config{MaxResultBytes: 1000}, `{"fields":["a"]}`)
	text := resultText(t, r)
	if !strings.Contains(text, "fields applies to JSON answers only: this one (text/plain) is shown whole") || strings.Contains(text, "keep only the fields") {
		t.Errorf("%s", text[len(text)-300:])
	}
	// The text and its note stay within the budget.
	if first := r.Content[0].(*mcp.TextContent).Text; len(first) > 1000 || !strings.Contains(first, "truncated at") {
		t.Errorf("%d bytes: …%s", len(first), first[max(0, len(first)-200):])
	}
}

// A selection from an answer without fields (null, a number) says so.
func TestFieldsOnAnAnswerWithoutFields(t *testing.T) {
	r := callAnswer(t, answerWith(200, "application/json", "null"), client.Options{}, Config{}, `{"fields":["a"]}`)
	if text := resultText(t, r); text != `{"note":"no field matched a; the answer has no fields"}` {
		t.Errorf("%s", text)
	}
}

// An answer whose bulk is one long string keeps the string's beginning,
// cut between words, as valid JSON, and the note says how much of it was
// kept and how to ask for the rest.
func TestALongStringIsCutInside(t *testing.T) {
	text := strings.Repeat("Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich. ", 800)
	body, _ := json.Marshal(map[string]any{"id": 1, "content": text})
	r := callAnswer(t, answerWith(200, "application/json", string(body)), client.Options{}, Config{MaxResultBytes: 2000}, `{}`)
	if r.IsError || len(r.Content) != 2 {
		t.Fatalf("IsError=%v, %d items", r.IsError, len(r.Content))
	}
	first := r.Content[0].(*mcp.TextContent).Text
	var v struct{ Content string }
	if len(first) > 2000 || json.Unmarshal([]byte(first), &v) != nil || len(v.Content) < 1900 || !strings.HasPrefix(text, v.Content) ||
		!strings.HasPrefix(text[len(v.Content):], " ") {
		t.Fatalf("%d bytes: %.100s…%s", len(first), first, first[max(0, len(first)-60):])
	}
	note := r.Content[1].(*mcp.TextContent).Text
	want := fmt.Sprintf("the string at content was cut after %d of its %d bytes — ask for less, or for the rest, with the arguments this operation takes: page", len(v.Content), len(text))
	if !strings.Contains(note, want) || strings.Contains(note, "keep only the fields") {
		t.Errorf("note: %s\nwant: %s", note, want)
	}
}

// A success whose body is not valid in its encoding is an error that
// says the API answered, with its status, the encoding in place of the
// body as an error status shows it, and whether calling again is safe: a
// write the status says was done is not to be sent twice. The audit log
// has the status.
func TestASuccessWhoseBodyCannotBeReadShowsItsStatus(t *testing.T) {
	for _, tt := range []struct {
		method, encoding string
		status           int
		want             string
	}{
		{"GET", "gzip", http.StatusOK, "HTTP 200 OK (GET /x): the API answered, but its body could not be read\n(the body is compressed as \"gzip\" but could not be read: it is not valid gzip, or was cut short)\nThe answer may have been cut short on its way: calling again may help"},
		{"GET", "deflate", http.StatusOK, "HTTP 200 OK (GET /x): the API answered, but its body could not be read\n(the body is compressed as \"deflate\" but could not be read: it is not valid deflate, or was cut short)\n"},
		{"POST", "x-gzip", http.StatusCreated, "HTTP 201 Created (POST /x): the API answered, but its body could not be read\n(the body is compressed as \"x-gzip\" but could not be read: it is not valid x-gzip, or was cut short)\nThe status says the API did what was asked: calling again may do it twice.\nLocation: /x/7"},
		{"PUT", "gzip", http.StatusOK, "HTTP 200 OK (PUT /x): the API answered, but its body could not be read\n(the body is compressed as \"gzip\" but could not be read: it is not valid gzip, or was cut short)\nThe answer may have been cut short on its way: calling again may help"},
	} {
		t.Run(tt.method+" "+tt.encoding, func(t *testing.T) {
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", tt.encoding)
				w.Header().Set("Location", "/x/7")
				answerWith(tt.status, "application/json", `{"id":7}`)(w, r)
			}))
			defer api.Close()
			var audit strings.Builder
			op := &client.Operation{ID: "x", Method: tt.method, Path: "/x"}
			s, err := New(Config{API: &client.API{Operations: []*client.Operation{op}}, Client: client.New(client.Options{BaseURL: api.URL}), AuditLog: &audit})
			if err != nil {
				t.Fatal(err)
			}
			r, err := s.Call(context.Background(), "x", nil)
			if err != nil {
				t.Fatal(err)
			}
			if text := resultText(t, r); !r.IsError || !strings.HasPrefix(text, tt.want) {
				t.Errorf("IsError=%v: %q\nwant %q…", r.IsError, text, tt.want)
			}
			if !strings.Contains(audit.String(), fmt.Sprintf(`"status":%d,`, tt.status)) {
				t.Errorf("audit: %s", audit.String())
			}
		})
	}
}

// An answer whose long string the read cap cut keeps the string's
// beginning as valid JSON within the budget, and the note says that the
// string was cut, as when the budget cuts it.
func TestALongStringCutAtTheReadCap(t *testing.T) {
	text := strings.Repeat("Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich. ", 800)
	body, _ := json.Marshal(map[string]any{"id": 1, "content": text})
	r := callAnswer(t, answerWith(200, "application/json", string(body)), client.Options{MaxBodyBytes: 5000}, Config{MaxResultBytes: 20000}, `{}`)
	if r.IsError || len(r.Content) != 2 {
		t.Fatalf("IsError=%v, %d items", r.IsError, len(r.Content))
	}
	first := r.Content[0].(*mcp.TextContent).Text
	var v struct{ Content string }
	if json.Unmarshal([]byte(first), &v) != nil || len(v.Content) < 4900 || !strings.HasPrefix(text, v.Content) {
		t.Fatalf("%d bytes: %.100s…%s", len(first), first, first[max(0, len(first)-60):])
	}
	note := r.Content[1].(*mcp.TextContent).Text
	want := fmt.Sprintf("of more than 5000 bytes: the string at content was cut after %d bytes — ask for less, or for the rest, with the arguments this operation takes: page", len(v.Content))
	if !strings.Contains(note, want) {
		t.Errorf("note: %s\nwant: %s", note, want)
	}
}

// An error answer compressed in a way restmcp cannot read (br, zstd), or
// not valid in its encoding (gzip), shows its status, the encoding and the
// status's hint.
func TestAnErrorInAnUnreadableEncodingShowsItsStatus(t *testing.T) {
	for _, tt := range []struct {
		status   int
		encoding string
		want     string
	}{
		{http.StatusNotFound, "br", "HTTP 404 Not Found (GET /x)\n(the body is compressed as \"br\", which restmcp cannot read: it asks for gzip)\nNot found: check the arguments given"},
		{http.StatusUnauthorized, "zstd", "HTTP 401 Unauthorized (GET /x)\n(the body is compressed as \"zstd\", which restmcp cannot read: it asks for gzip)\nThe API rejected the key"},
		{http.StatusInternalServerError, "gzip", "HTTP 500 Internal Server Error (GET /x)\n(the body is compressed as \"gzip\" but could not be read: it is not valid gzip, or was cut short)\nThe API failed on its side"},
	} {
		h := func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", tt.encoding)
			answerWith(tt.status, "application/json", "\x28\xb5\x2f\xfd\x00\x58\x31\x00\x00")(w, r)
		}
		r := callAnswer(t, h, client.Options{}, Config{}, `{}`)
		if text := resultText(t, r); !r.IsError || !strings.HasPrefix(text, tt.want) {
			t.Errorf("IsError=%v: %q\nwant %q…", r.IsError, text, tt.want)
		}
	}
}
