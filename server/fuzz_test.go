package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/restmcp/restmcp/internal/prose"
)

// FuzzNamesAndText checks the invariants of names and text cleaning on any
// input: valid names within the limit, text within its budget and valid
// UTF-8 when the input was.
func FuzzNamesAndText(f *testing.F) {
	for _, s := range []string{"repos/get", "get_files_id#x", "StartTime<", "include[]", "héllo wörld. Second.",
		"<p>a&amp;b</p>", "[x](y) **z**", strings.Repeat("word ", 100), "名前", "a.b.c", "```x```"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names := assignNames("acme", []nameRequest{
			{words: nameWords(s), method: "GET", path: "/" + s},
			{words: nameWords(s), method: "GET", path: "/v2/" + s},
			{words: nameWords(s), method: "POST", path: "/" + s},
		})
		seen := map[string]bool{}
		for _, n := range names {
			if !validName.MatchString(n.name) || seen[n.name] {
				t.Errorf("name %q from %q (invalid or repeated)", n.name, s)
			}
			seen[n.name] = true
		}
		if a := argName(s); !validArg.MatchString(a) {
			t.Errorf("argName %q from %q", a, s)
		}
		for _, max := range []int{10, 100, 1000} {
			for _, out := range []string{prose.Brief(s, max/2, max), prose.Sentence(s, max/4, max), prose.OneLine(s, max)} {
				if len(out) > max+len("…") {
					t.Errorf("%d bytes for max %d from %q", len(out), max, s)
				}
				if utf8.ValidString(s) && !utf8.ValidString(out) {
					t.Errorf("invalid UTF-8 %q from %q", out, s)
				}
			}
		}
		if b, err := json.Marshal(s); err == nil {
			for _, max := range []int{1, 5, 50} {
				if kept, _ := truncateJSON(b, max); len(kept) > max && len(b) > max {
					t.Errorf("truncateJSON(%s, %d) = %s", b, max, kept)
				}
			}
		}
	})
}

// lockedBuffer is an io.Writer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// FuzzTransportLines feeds any input to the stdio transport, answering every
// request it reads: it must end at the end of the input, and every line it
// writes must be one JSON-RPC 2.0 response with a usable id.
func FuzzTransportLines(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"ping"}`,
		"not json\n{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/list\"}\n",
		`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`,
		`{"jsonrpc":"1.0","id":3,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":5,"params":{"a":[1,{"b":"\"}"}]},"method":"x"`,
		`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}`,
		strings.Repeat("[", 200) + strings.Repeat("]", 200),
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}` + "\n" + `{"jsonrpc":"2.0","id":2,"method":"initialize","params":{}}`,
		`{"jsonrpc":"2.0","params":{"s":"` + strings.Repeat("x", 5000) + `"},"id":9,"method":"tools/call"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		out := &lockedBuffer{}
		tr := &StdioTransport{In: bytes.NewReader(input), Out: out, Drain: time.Nanosecond, maxLine: 4096}
		conn, err := tr.Connect(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for {
			msg, err := conn.Read(context.Background())
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if _, err := jsonrpc.EncodeMessage(msg); err != nil {
				t.Fatalf("message read cannot be encoded: %v", err)
			}
			if req, ok := msg.(*jsonrpc.Request); ok && req.IsCall() {
				if err := conn.Write(context.Background(), &jsonrpc.Response{ID: req.ID, Result: json.RawMessage(`{}`)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		sc := bufio.NewScanner(bytes.NewReader(out.buf.Bytes()))
		for sc.Scan() {
			var a struct {
				Version string           `json:"jsonrpc"`
				ID      any              `json:"id"`
				Result  json.RawMessage  `json:"result"`
				Error   *json.RawMessage `json:"error"`
			}
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil || a.Version != "2.0" || (a.Result == nil) == (a.Error == nil) {
				t.Fatalf("written line %q is not a JSON-RPC response", sc.Bytes())
			}
			switch a.ID.(type) {
			case nil, string, float64:
			default:
				t.Fatalf("written line %q has an unusable id", sc.Bytes())
			}
		}
	})
}
