package server

import (
	"bytes"
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
