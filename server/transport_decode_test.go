package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// decodeRequest reads what the SDK's decoder reads, or leaves the line to it.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`,
		` { "jsonrpc" : "2.0" , "id" : "a-1" , "method" : "tools/list" } `,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":null,"method":"x"}`,
		`{"jsonrpc":"2.0","id":-3.5e2,"method":"x","params":[1,"]}",{"a":"}"}]}`,
		`{"method":"x","id":2,"jsonrpc":"2.0","extra":{"id":9},"params":{}}`,
		`{"jsonrpc":"2.0","id":1,"result":{}}`,
		`{"jsonrpc":"2.0","id":1,"method":"a\"b"}`,
		`{"jsonrpc":"2.0","id":"\u0041","method":"x"}`,
		`{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}`,
		`{"jsonrpc":"2.0","id":true,"method":"x"}`,
		`{"jsonrpc":"1.0","id":1,"method":"x"}`,
		`{"jsonrpc":"2.0","id":1,"method":7}`,
		`{"jsonrpc":"2.0","id":1,"method":"x","params":null}`,
		`{"jsonr\u0070c":"2.0","id":1,"method":"x"}`,
		`{"JSONRPC":"2.0","id":1,"method":"x"}`,
		`[1]`, `{`, `{}`, `{"jsonrpc":"2.0","id":1e400,"method":"x"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		got, ok := decodeRequest(line)
		if !ok {
			return
		}
		msg, err := jsonrpc.DecodeMessage(line)
		if err != nil {
			t.Fatalf("%s: read as %+v, the SDK refuses it: %v", line, got, err)
		}
		want, isReq := msg.(*jsonrpc.Request)
		if !isReq {
			t.Fatalf("%s: read as a request, the SDK reads %T", line, msg)
		}
		if got.ID != want.ID || got.Method != want.Method || !bytes.Equal(got.Params, want.Params) {
			t.Fatalf("%s: read as %v %q %s, the SDK reads %v %q %s", line, got.ID, got.Method, got.Params, want.ID, want.Method, want.Params)
		}
	})
}

// The usual messages take the fast path.
func TestDecodeRequestFastPath(t *testing.T) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":"abc","method":"ping"}`,
	} {
		if _, ok := decodeRequest([]byte(s)); !ok {
			t.Errorf("%s: not read", s)
		}
	}
}

// encodeResult writes what jsonrpc.EncodeMessage writes for a result the
// SDK encoded (compact JSON), or leaves the response to it.
func FuzzEncodeResult(f *testing.F) {
	f.Add(int64(1), "", true, `{"content":[{"type":"text","text":"[{\"id\":1}]"}]}`)
	f.Add(int64(-7), "", true, `{"a":"<b>&</b>","c":"\u2028"}`)
	f.Add(int64(0), "abc-1", false, `{}`)
	f.Add(int64(0), "a\"b\\c", false, `[1,2]`)
	f.Add(int64(0), "é<>&", false, `"x"`)
	f.Fuzz(func(t *testing.T, n int64, s string, numeric bool, result string) {
		var buf bytes.Buffer
		if json.Compact(&buf, []byte(result)) != nil || buf.Len() == 0 {
			return
		}
		id, _ := jsonrpc.MakeID(float64(n))
		if !numeric {
			id, _ = jsonrpc.MakeID(s)
		}
		resp := &jsonrpc.Response{ID: id, Result: json.RawMessage(buf.Bytes())}
		got, ok := encodeResult(resp)
		if !ok {
			return
		}
		want, err := jsonrpc.EncodeMessage(resp)
		if err != nil {
			t.Fatalf("EncodeMessage: %v", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("encodeResult = %s\nEncodeMessage = %s", got, want)
		}
	})
}

// A usual answer takes the direct path; an error does not.
func TestEncodeResultPaths(t *testing.T) {
	id, _ := jsonrpc.MakeID(float64(3))
	if _, ok := encodeResult(&jsonrpc.Response{ID: id, Result: json.RawMessage(`{"content":[]}`)}); !ok {
		t.Error("a result was not written directly")
	}
	if _, ok := encodeResult(&jsonrpc.Response{ID: id, Error: &jsonrpc.Error{Code: 1, Message: "x"}}); ok {
		t.Error("an error was written directly")
	}
}

// BenchmarkEncodeAnswer writes the answer of a call whose result holds a
// 20 kB JSON text: directly, and through jsonrpc.EncodeMessage.
func BenchmarkEncodeAnswer(b *testing.B) {
	text := `[` + strings.Repeat(`{"id":1,"name":"project number 1","tags":["a","b"]},`, 400) + `{}]`
	result, _ := json.Marshal(map[string]any{"content": []any{map[string]any{"type": "text", "text": text}}})
	id, _ := jsonrpc.MakeID(float64(42))
	resp := &jsonrpc.Response{ID: id, Result: result}
	b.Run("direct", func(b *testing.B) {
		b.SetBytes(int64(len(result)))
		for b.Loop() {
			if _, ok := encodeResult(resp); !ok {
				b.Fatal("not written directly")
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		b.SetBytes(int64(len(result)))
		for b.Loop() {
			if _, err := jsonrpc.EncodeMessage(resp); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// A line with more members than a request has is left to the MCP SDK:
// checking it for repeated keys costs at most maxMembers² comparisons,
// whatever its size (a line of 100,000 members took seconds).
func TestDecodeRequestLeavesManyMembersToTheSDK(t *testing.T) {
	line := func(extra int) []byte {
		var b strings.Builder
		b.WriteString(`{"jsonrpc":"2.0","id":1,"method":"ping"`)
		for i := range extra {
			fmt.Fprintf(&b, `,"k%d":0`, i)
		}
		b.WriteString("}")
		return []byte(b.String())
	}
	if _, ok := decodeRequest(line(maxMembers - 3)); !ok {
		t.Errorf("a request of %d members was left to the SDK", maxMembers)
	}
	for _, extra := range []int{maxMembers - 2, 100000} {
		if _, ok := decodeRequest(line(extra)); ok {
			t.Errorf("a request of %d members was decoded here", extra+3)
		}
	}
	var b strings.Builder
	b.WriteString(`{"name":"t","arguments":{}`)
	for i := range maxMembers {
		fmt.Fprintf(&b, `,"k%d":0`, i)
	}
	b.WriteString("}")
	if _, _, ok := callParams([]byte(b.String())); ok {
		t.Error("params of more members than maxMembers were read here")
	}
}
