package server

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strconv"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// decodeRequest reads a request or notification from line, a JSON-RPC
// message, without the SDK's decoder (which allocates a 32 KiB buffer for
// each value it decodes): it picks the top-level members out of line and
// keeps params as they are. It returns false for anything other than a
// plain well-formed request (a response, a key written with escapes, a
// member given twice, an id that is not a string or a number), which the
// SDK's decoder then reads, so that the result and every error are the
// SDK's own.
func decodeRequest(line []byte) (*jsonrpc.Request, bool) {
	req, ok, _ := decodeRequestID(line)
	return req, ok
}

// decodeRequestID is decodeRequest that also says what is wrong with the
// id of a request it cannot take ("" when nothing is): a null id where a
// request needs one, a number that is not an integer JSON-RPC can answer
// with the same id (1.5; one past 2^53, which would come back as another
// number).
func decodeRequestID(line []byte) (*jsonrpc.Request, bool, string) {
	if len(line) == 0 || line[0] != '{' || !json.Valid(line) {
		return nil, false, ""
	}
	var version, id, method, params []byte
	if !members(line, func(key, v []byte) bool {
		switch string(key) {
		case `"jsonrpc"`:
			version = v
		case `"id"`:
			id = v
		case `"method"`:
			method = v
		case `"params"`:
			params = v
		case `"result"`, `"error"`:
			return false
		}
		return true
	}) {
		return nil, false, ""
	}
	if string(version) != `"2.0"` || method == nil || !plainString(method) || string(params) == "null" {
		return nil, false, ""
	}
	name := string(method[1 : len(method)-1])
	var rawID any
	switch {
	case id == nil:
	case string(id) == "null":
		if !strings.HasPrefix(name, "notifications/") {
			return nil, false, "the id of a request must be a string or an integer, not null"
		}
	case id[0] == '"':
		if !plainString(id) {
			return nil, false, ""
		}
		rawID = string(id[1 : len(id)-1])
	case id[0] == '-' || id[0] >= '0' && id[0] <= '9':
		// The SDK keeps a number id as an int64 made from a float64: an
		// integer past 2^53 would come back as another number.
		// Written as a whole number any way (2, 2.0, 1e1), it is that
		// integer.
		n, ok := wholeID(id)
		if !ok {
			return nil, false, "the id must be a string or an integer within ±2^53, not " + clip(string(id), 40)
		}
		rawID = float64(n)
	default:
		return nil, false, ""
	}
	rid, err := jsonrpc.MakeID(rawID)
	if err != nil {
		return nil, false, ""
	}
	return &jsonrpc.Request{ID: rid, Method: name, Params: json.RawMessage(params)}, true, ""
}

// wholeID reads a JSON number id exactly: the integer it is, written any
// way (2, 2.0, 1e1), within ±2^53 (the SDK keeps a number id as a float64,
// which holds those exactly); false for anything else (1.5,
// 9007199254740993.0, a literal too long to be such a number).
func wholeID(lit []byte) (int64, bool) {
	if len(lit) > 40 {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(string(lit))
	if !ok || !r.IsInt() {
		return 0, false
	}
	n := r.Num()
	if n.CmpAbs(big.NewInt(1<<53)) > 0 {
		return 0, false
	}
	return n.Int64(), true
}

// plainString reports whether s is a JSON string of printable ASCII
// without escapes: its text is the bytes between the quotes.
func plainString(s []byte) bool {
	if len(s) < 2 || s[0] != '"' {
		return false
	}
	for _, c := range s[1 : len(s)-1] {
		if c < 0x20 || c > 0x7e || c == '\\' || c == '"' {
			return false
		}
	}
	return true
}

// encodeResult writes a successful response as jsonrpc.EncodeMessage does,
// without encoding its result again (encoding/json would check and compact
// the whole answer once more): the SDK encoded it compact already. It
// returns false for anything else (an error, an id that would need
// escaping, a result with a line break), which EncodeMessage then writes.
func encodeResult(resp *jsonrpc.Response) ([]byte, bool) {
	if resp == nil || resp.Error != nil || len(resp.Result) == 0 || bytes.IndexByte(resp.Result, '\n') >= 0 {
		return nil, false
	}
	var id []byte
	switch v := resp.ID.Raw().(type) {
	case int64:
		id = strconv.AppendInt(nil, v, 10)
	case string:
		id = append(append([]byte{'"'}, v...), '"')
		if !plainString(id) {
			return nil, false
		}
	default:
		return nil, false
	}
	b := make([]byte, 0, len(`{"jsonrpc":"2.0","id":,"result":}`)+len(id)+len(resp.Result)+1)
	b = append(b, `{"jsonrpc":"2.0","id":`...)
	b = append(b, id...)
	b = append(b, `,"result":`...)
	b = append(b, resp.Result...)
	return append(b, '}'), true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd is the index just after the string that starts at b[i].
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// valueEnd is the index just after the value that starts at b[i], in
// valid JSON.
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = stringEnd(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	return j
}
