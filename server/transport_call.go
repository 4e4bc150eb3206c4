package server

import (
	"bytes"
	"context"
	"encoding/json"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// A StdioTransport serving a Front answers a plain tools/call itself: the
// MCP SDK's handling of a request (a goroutine hand-off, two decodes of the
// params with a 32 KiB buffer each, its middleware) costs more CPU than
// restmcp's own work on a call. What a client sees is what the SDK would
// send: the same answer bytes, the same errors, cancellation by
// notifications/cancelled, a request whose id is in use dropped
// unanswered, calls running concurrently, nothing answered once the
// session is over. Only calls the
// SDK would handle as a plain call take this path: once initialize is
// answered (a call pipelined behind it goes to the SDK), with params
// holding a name, arguments that are an object, and a _meta of plain
// values without a protocol version. Anything else goes to the SDK.

// callFunc runs a tool call as the Front's middleware does.
type callFunc func(ctx context.Context, name string, args json.RawMessage) (*mcp.CallToolResult, error)

// startCall registers req, a tools/call, and returns the function that
// runs it and writes its answer, or nil when the MCP server is to answer
// it. c.mu is held.
func (c *lineConn) startCall(req *jsonrpc.Request) func() {
	id := req.ID.Raw()
	if c.call == nil || !c.inited || c.over || c.pending[id] {
		return nil
	}
	name, args, ok := callParams(req.Params)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithCancelCause(c.base)
	c.pending[id] = true
	c.running[id] = cancel
	c.calls.Add(1)
	return func() {
		defer c.calls.Done()
		res, err := c.call(ctx, name, args)
		resp, encErr := callResponse(req.ID, name, res, err)
		c.mu.Lock()
		delete(c.running, id) // before the answer: the client may use the id again
		c.mu.Unlock()
		if encErr == nil { // a result that does not encode is not answered, as by the SDK
			_ = c.write(resp, true)
		}
		cancel(nil)
	}
}

// callResponse is the answer to a call of the tool name: its result, or
// its error.
func callResponse(id jsonrpc.ID, name string, res *mcp.CallToolResult, err error) (*jsonrpc.Response, error) {
	resp := &jsonrpc.Response{ID: id, Error: err}
	switch {
	case err != nil:
		return resp, nil
	case res == nil: // never from a Front; the SDK answers an internal error
		resp.Error = &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "no result for " + name}
		return resp, nil
	}
	var encErr error
	resp.Result, encErr = encodeCallResult(res)
	return resp, encErr
}

// dispatch runs job on an idle worker goroutine, or on a new one. Workers
// wait for more until the connection closes: a call runs on a stack grown
// by the calls before it, instead of growing a new goroutine's each time.
// The jobs are reading the input (lead) and the calls read with it.
func (c *lineConn) dispatch(job func()) {
	select {
	case c.jobs <- job:
	default:
		go c.work(job)
	}
}

func (c *lineConn) work(job func()) {
	for {
		job()
		select {
		case job = <-c.jobs:
		case <-c.closed:
			return
		}
	}
}

// cancelCall cancels the running call id when params are cancellation
// params the MCP SDK accepts. c.mu is held.
func (c *lineConn) cancelCall(id any, params json.RawMessage) {
	cancel := c.running[id]
	if cancel == nil {
		return
	}
	var p mcp.CancelledParams
	if json.Unmarshal(params, &p) == nil {
		cancel(nil)
	}
}

// stopCalls ends the calls running here at the end of the session: they
// are cancelled and their answers dropped, as the SDK drops its answers
// once the input ended. It returns err.
func (c *lineConn) stopCalls(err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.over = true
	for _, cancel := range c.running {
		cancel(err)
	}
	return err
}

// breakLocked records that writing an answer failed: the running calls are
// cancelled and the session ends with err, as in the SDK. c.mu is held.
func (c *lineConn) breakLocked(err error) {
	c.brokeOnce.Do(func() {
		c.outErr = err
		for _, cancel := range c.running {
			cancel(err)
		}
		close(c.broken)
	})
}

// encodeJSON encodes v as the SDK encodes a result: encoding/json
// without HTML escaping, no trailing newline.
func encodeJSON(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// encodeCallResult encodes res as encodeJSON does, without reflection for
// the results restmcp makes: text content items, structured content held
// as JSON text, isError. Each text and the structured content are escaped
// once, straight into the answer, where the SDK's encoding goes over them
// once per level of MarshalJSON methods (the text item's, the result's,
// the answer's), each in a buffer of its own. Any other result goes
// through encodeJSON. res comes straight from a call: the SDK never set
// its result type.
func encodeCallResult(res *mcp.CallToolResult) (json.RawMessage, error) {
	raw, isRaw := res.StructuredContent.(json.RawMessage)
	if res.Meta != nil || res.Content == nil || res.InputRequests != nil || res.RequestState != "" || res.NeedsInput() ||
		(res.StructuredContent != nil && (!isRaw || raw == nil)) {
		return encodeJSON(res)
	}
	size := 64 + len(raw) + len(raw)/8
	for _, c := range res.Content {
		t, ok := c.(*mcp.TextContent)
		if !ok || t == nil || t.Meta != nil || t.Annotations != nil {
			return encodeJSON(res)
		}
		size += 32 + len(t.Text) + len(t.Text)/8
	}
	b := make([]byte, 0, size)
	b = append(b, `{"content":[`...)
	for i, c := range res.Content {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":"text","text":`...)
		b = appendJSONString(b, c.(*mcp.TextContent).Text)
		b = append(b, '}')
	}
	b = append(b, ']')
	if raw != nil {
		b = append(b, `,"structuredContent":`...)
		var ok bool
		if b, ok = appendRawJSON(b, raw); !ok {
			return encodeJSON(res) // its error
		}
	}
	if res.IsError {
		b = append(b, `,"isError":true`...)
	}
	return append(b, '}'), nil
}

// metaProtocolVersion is the _meta key that makes a request one of the
// protocol versions without initialize.
const metaProtocolVersion = `"` + mcp.MetaKeyProtocolVersion + `"`

// callParams reads the name and arguments of tools/call params that the
// SDK reads as a plain call, or reports false: members name (a plain
// string), arguments (an object) and _meta (see plainMeta), each at most
// once, no other member.
func callParams(params json.RawMessage) (name string, args json.RawMessage, ok bool) {
	var rawName []byte
	ok = members(params, func(key, v []byte) bool {
		switch string(key) {
		case `"name"`:
			if rawName != nil || !plainString(v) {
				return false
			}
			rawName = v
		case `"arguments"`:
			if args != nil || v[0] != '{' || !utf8.Valid(v) {
				return false
			}
			args = json.RawMessage(v)
		case `"_meta"`:
			return plainMeta(v)
		default:
			return false
		}
		return true
	})
	if !ok || rawName == nil {
		return "", nil, false
	}
	return string(rawName[1 : len(rawName)-1]), args, true
}

// plainMeta reports whether meta is an object of plain strings and short
// integers (a progress token, a client's own keys) without a protocol
// version: a _meta the SDK passes on and nothing else.
func plainMeta(meta []byte) bool {
	return members(meta, func(key, v []byte) bool {
		if string(key) == metaProtocolVersion {
			return false
		}
		if v[0] == '"' {
			return plainString(v)
		}
		return shortInt(v)
	})
}

// shortInt reports whether v is an integer of at most 15 digits, which
// every decoder reads the same.
func shortInt(v []byte) bool {
	d := v
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || len(d) > 15 {
		return false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// maxMembers is the most members an object read here may have: a request
// line, its params and their _meta have a few. One with more goes to the
// MCP SDK, so that checking for repeated keys stays cheap whatever a line
// holds.
const maxMembers = 16

// members calls f with each member of obj, a JSON object in valid JSON,
// its key as written (quoted) and its value, while f reports true; it
// reports false when obj is not an object, has more than maxMembers
// members, a key is not a plain string, a key is given twice, or f
// reported false.
func members(obj []byte, f func(key, value []byte) bool) bool {
	if len(obj) == 0 || obj[0] != '{' {
		return false
	}
	var keys [maxMembers][]byte
	seen := keys[:0]
	i := skipSpace(obj, 1)
	for i < len(obj) && obj[i] != '}' {
		if obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
		keyEnd := stringEnd(obj, i)
		key := obj[i:keyEnd]
		if !plainString(key) {
			return false
		}
		if len(seen) == maxMembers {
			return false
		}
		for _, k := range seen {
			if bytes.Equal(k, key) {
				return false
			}
		}
		seen = append(seen, key)
		i = skipSpace(obj, keyEnd)
		i = skipSpace(obj, i+1) // the colon
		end := valueEnd(obj, i)
		if !f(key, obj[i:end]) {
			return false
		}
		i = skipSpace(obj, end)
	}
	return true
}
