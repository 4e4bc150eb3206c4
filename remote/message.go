package remote

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// badMessageError is something the server sent as a message that is no
// JSON-RPC message: the server's fault (or a proxy's in between), which
// sending the request again does not mend.
type badMessageError struct {
	server string // the server's URL, as a message may show it
	sent   string // what held it: "an event", "its answer to tools/call"
	what   string // what is wrong with it, quoting it clipped
}

func (e *badMessageError) Error() string {
	return fmt.Sprintf("the MCP server at %s sent %s that %s; the server (or a proxy in between) does not speak MCP's JSON-RPC properly, and trying again will not help: report it to the server's maintainers", e.server, e.sent, e.what)
}

// decodeMessages decodes what the server sent as one message: a JSON-RPC
// message, or a batch of them (a JSON array, which protocol versions
// 2025-03-26 and older allow). The error completes "the server sent …
// that": it says what is wrong, quoting what was sent, clipped. An
// answer's id given as a string of digits is read as a number (see
// numericID).
func decodeMessages(data []byte) ([]jsonrpc.Message, error) {
	data = bytes.TrimSpace(data)
	if !json.Valid(data) {
		return nil, fmt.Errorf("is not JSON: %s", clip(data))
	}
	if data[0] != '[' {
		m, err := jsonrpc.DecodeMessage(data)
		if err != nil {
			return nil, fmt.Errorf("is not a JSON-RPC message (%s): %s", notJSONRPC(data, err), clip(data))
		}
		return []jsonrpc.Message{numericID(m)}, nil
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(data, &elems); err != nil {
		return nil, fmt.Errorf("is a batch (a JSON array) that cannot be read: %s", clip(data))
	}
	if len(elems) == 0 {
		return nil, errors.New("is an empty batch (a JSON array with no message): []")
	}
	msgs := make([]jsonrpc.Message, 0, len(elems))
	for i, e := range elems {
		m, err := jsonrpc.DecodeMessage(e)
		if err != nil {
			return nil, fmt.Errorf("is a batch (a JSON array) whose message %d of %d is not a JSON-RPC message (%s): %s", i+1, len(elems), notJSONRPC(e, err), clip(e))
		}
		msgs = append(msgs, numericID(m))
	}
	return msgs, nil
}

// numericID is m with the id of an answer that the server gave as a
// string of digits ("3") read as the number the request had (3): some
// servers echo ids so, and clients of the TypeScript SDK, which look an
// answer's id up as a number, take it. The bridge sends its requests under
// numbers, or under strings that are not digits alone, so no answer is
// taken for another's; a request of the server keeps its id, under which
// its answer goes back.
func numericID(m jsonrpc.Message) jsonrpc.Message {
	r, ok := m.(*jsonrpc.Response)
	if !ok {
		return m
	}
	s, ok := r.ID.Raw().(string)
	if !ok {
		return m
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 1<<53 || strconv.FormatInt(n, 10) != s {
		return m
	}
	id, err := jsonrpc.MakeID(float64(n))
	if err != nil {
		return m
	}
	r.ID = id
	return r
}

// notJSONRPC says why the JSON value raw is not a JSON-RPC message (err is
// the decoder's reason, used when no plainer one is found).
func notJSONRPC(raw json.RawMessage, err error) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return "a JSON " + jsonKind(raw) + " where a JSON-RPC object belongs"
	}
	var version string
	if json.Unmarshal(obj["jsonrpc"], &version) != nil || version != "2.0" {
		return `no "jsonrpc": "2.0"`
	}
	id, hasID := obj["id"]
	_, hasMethod := obj["method"]
	if !hasMethod && (!hasID || string(bytes.TrimSpace(id)) == "null") {
		var e struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(obj["error"], &e) == nil && e.Message != "" {
			// A server that could not read a request answers so. Its
			// message is quoted as the rest is: clipped, credentials
			// hidden.
			return "an error answer without an id, which answers no request: " + clip([]byte(e.Message))
		}
		return "neither a method nor an id"
	}
	return err.Error()
}

// jsonKind names the kind of the JSON value raw.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '{':
		return "object"
	default:
		return "number"
	}
}

// clipBytes is how much of a bad message an error quotes.
const clipBytes = 120

// secretLike matches what in a server's message may be a credential: a
// bearer token; the value of a member named like one, in JSON or in JSON
// escaped within a JSON string (\"access_token\":\"…\"); or what follows
// "Basic " (see hideSecrets); or the value of a query or form parameter
// named like one (?api_key=…, password=…). Each alternative has its own group for what
// comes before the credential, which is kept.
// Compiled on first use, not at every start.
var secretLike = sync.OnceValue(func() *regexp.Regexp {
	const (
		name = `(?:[a-z_-]*(?:token|secret|password|passwd|api[_-]?key)|authorization|cookie|credentials?|key)`
		// A parameter's: "key" only where a URL or a form puts a
		// parameter (?key=…), for in words "key=value" is no credential;
		// after "#" (a fragment's access_token), ";" (&amp; in HTML) or
		// \u0026 (& in a JSON string) as well.
		param = `(?:(?:^|[?&#;\s]|\\u0026)(?:[a-z_-]*(?:token|secret|password|passwd|api[_-]?key)|authorization|cookie|credentials?)` +
			`|(?:[?&#;]|\\u0026)key)`
	)
	return regexp.MustCompile(`(?i)` +
		`(bearer\s+)(?:\\[^"\s]|[^\s"',;\\])+` + // bearer abc, up to an escaped quote
		`|("` + name + `"\s*:\s*")(?:\\.|[^"\\])*` + // "token":"abc"
		// \"token\":\"abc\": the value ends at \" (or \\\\\": an escaped
		// backslash, then the end), not at \\\" (a quote within it).
		`|(\\+"` + name + `\\+"\s*:\s*\\+")(?:[^"\\]|\\+[^"\\]|(?:\\{4})*\\{3}")*` +
		`|(basic\s+)((?:[a-z0-9+]|\\?/)+={0,2})` + // basic dXNlcjpwYXNz
		`|(` + param + `=)[^&\s"',;#\\()\[\]{}<>]+`) // ?api_key=abc, token=abc; not [REDACTED]
})

// hideSecrets replaces in s what looks like a credential with [hidden]
// (see secretLike). What follows "Basic " is hidden only when it is
// base64 of user:password, as the Basic scheme's credentials are ("Basic
// auth" is words), or when it runs to the end of s and s was cut there
// (cut): the start of credentials cannot be told from words.
func hideSecrets(s string, cut bool) string {
	var b strings.Builder
	last := 0
	for _, m := range secretLike().FindAllStringSubmatchIndex(s, -1) {
		for _, g := range []int{1, 2, 3, 4, 6} {
			if m[2*g] < 0 {
				continue
			}
			b.WriteString(s[last:m[2*g+1]])
			if g == 4 && !basicCredentials(s[m[10]:m[11]]) && !(cut && m[11] == len(s)) {
				b.WriteString(s[m[10]:m[11]])
			} else {
				b.WriteString("[hidden]")
			}
			break
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// basicCredentials reports whether tok, which followed "Basic ", is the
// base64 of user:password (with "/" perhaps escaped as in JSON).
func basicCredentials(tok string) bool {
	raw, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(tok, `\/`, "/"))
	return err == nil && bytes.IndexByte(raw, ':') >= 0
}

// clip quotes the start of data for an error: at most clipBytes, whole
// UTF-8 characters, with what looks like a credential replaced (the
// credential transport already hides the key restmcp sent, should the
// server echo it).
func clip(data []byte) string {
	cut := len(data) > clipBytes
	if cut {
		data = data[:clipBytes]
		// Not half a character at the cut.
		for n := 1; n < utf8.UTFMax && len(data) > 0; n++ {
			if r, size := utf8.DecodeLastRune(data); r != utf8.RuneError || size != 1 {
				break
			}
			data = data[:len(data)-1]
		}
	}
	s := hideSecrets(string(data), cut)
	if cut {
		return strconv.Quote(s) + "…"
	}
	return strconv.Quote(s)
}
