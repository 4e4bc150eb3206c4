package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// MaxMessageBytes bounds one inbound message (a tool call with a large body
// fits). A longer line is answered with an error and skipped.
const MaxMessageBytes = 16 << 20

// MaxMessageDepth bounds how deeply a message's objects and arrays nest.
const MaxMessageDepth = 128

// DefaultDrain is how long a StdioTransport waits, at the end of its input,
// for the answers to requests already read before it cancels them.
const DefaultDrain = time.Second

// cancelWait is how long the answers of requests cancelled at the end of the
// input are waited for.
const cancelWait = 500 * time.Millisecond

// idPrefix is how much of a message that cannot be decoded is searched for
// its id.
const idPrefix = 64 << 10

// StdioTransport speaks newline-delimited JSON-RPC over r and w, like
// mcp.StdioTransport, and is forgiving where an editor or a script is not
// careful:
//   - a line that is not a JSON-RPC 2.0 message (not JSON, a batch, another
//     version, longer than MaxMessageBytes or nested deeper than
//     MaxMessageDepth) is answered with an error, with the line's id when
//     it can be read, and the session goes on;
//   - a second initialize is refused with Invalid Request;
//   - a request the client cancelled is not answered;
//   - served by a Front, a plain tools/call is answered by the transport
//     itself once initialize is answered, as the MCP SDK would answer it
//     (see transport_call.go);
//   - at the end of the input, or when Stop is closed, the answers that come
//     within Drain still go out; requests still running then are cancelled
//     and answered with a cancellation error if they end quickly.
type StdioTransport struct {
	In  io.Reader
	Out io.Writer
	// Drain bounds the wait at the end of the input (default DefaultDrain).
	Drain time.Duration
	// Stop, when closed, ends the session as the end of the input does,
	// but without waiting for running requests.
	Stop <-chan struct{}

	maxLine int // MaxMessageBytes unless a test lowers it
	// list, when set, returns the encoded tools/list result to answer a
	// tools/list request without a cursor with (nil: the MCP server
	// answers).
	list func() []byte
	// call, when set, runs the tools/call requests the transport answers
	// itself (nil: the MCP server answers them all).
	call callFunc
	// sdkCalls leaves every tools/call to the MCP server (tests compare
	// the two paths).
	sdkCalls bool
}

// Connect implements mcp.Transport.
func (t *StdioTransport) Connect(ctx context.Context) (mcp.Connection, error) {
	drain := t.Drain
	if drain <= 0 {
		drain = DefaultDrain
	}
	maxLine := t.maxLine
	if maxLine <= 0 {
		maxLine = MaxMessageBytes
	}
	c := &lineConn{
		out:       t.Out,
		drain:     drain,
		stop:      t.Stop,
		msgs:      make(chan inMsg),
		readErr:   make(chan error, 1),
		closed:    make(chan struct{}),
		pending:   map[any]bool{},
		cancelled: map[any]bool{},
		idle:      make(chan struct{}, 1),
		list:      t.list,
		call:      t.call,
		base:      context.WithoutCancel(ctx),
		running:   map[any]context.CancelCauseFunc{},
		broken:    make(chan struct{}),
		jobs:      make(chan func()),
	}
	c.in = lineReader{br: bufio.NewReaderSize(t.In, 64<<10), maxLine: maxLine}
	c.leadJob = c.lead
	go c.work(c.leadJob)
	return c, nil
}

// inLine is one line of input; an oversized line keeps only its start.
type inLine struct {
	data     []byte
	oversize bool
}

// inMsg is what Read returns for a line: a message for the MCP server, or
// the error of answering the line.
type inMsg struct {
	msg jsonrpc.Message
	err error
}

type lineConn struct {
	out   io.Writer
	drain time.Duration
	stop  <-chan struct{}

	in      lineReader // used by the goroutine leading only
	leadJob func()     // c.lead
	msgs    chan inMsg
	readErr chan error
	closed  chan struct{}
	once    sync.Once

	// ending holds the cancellations Read still has to deliver at the end.
	ending []jsonrpc.Message
	ended  error
	// stopping is set when the session starts to end: no line is read
	// after it.
	stopping atomic.Bool

	mu        sync.Mutex    // guards out and the fields below
	pending   map[any]bool  // ids of requests read and not answered
	cancelled map[any]bool  // pending ids the client cancelled
	initID    any           // id of the initialize request being answered
	inited    bool          // initialize was answered with a result
	idle      chan struct{} // signalled when pending becomes empty

	list func() []byte // see StdioTransport.list

	// The tools/call requests answered here (transport_call.go).
	call      callFunc
	base      context.Context                 // what their contexts derive from
	running   map[any]context.CancelCauseFunc // by id, under mu
	over      bool                            // the session ended: their answers are dropped (under mu)
	calls     sync.WaitGroup                  // the calls running
	jobs      chan func()                     // hands a call to an idle worker
	broken    chan struct{}                   // closed when writing one of their answers failed
	outErr    error                           // that failure, set before broken is closed
	brokeOnce sync.Once
}

// lineReader reads the input line by line; only the goroutine leading
// (see lead) uses it.
type lineReader struct {
	br      *bufio.Reader
	maxLine int
}

// next reads the next line, without its newline when it is the last;
// an empty line when the input ended.
func (r *lineReader) next() (inLine, error) {
	var l inLine
	for {
		chunk, err := r.br.ReadSlice('\n')
		switch {
		case l.oversize:
			// Skip the rest of a line that is too long.
		case len(l.data)+len(chunk) > r.maxLine+1: // +1: the newline
			// Keep the start only, where the id usually is.
			keep := min(idPrefix, r.maxLine)
			l.data = append(bytes.Clone(l.data[:min(len(l.data), keep)]), chunk[:max(0, min(len(chunk), keep-len(l.data)))]...)
			l.oversize = true
		default:
			l.data = append(l.data, chunk...)
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return l, err
		}
	}
}

// lead reads the input and decodes each line: the messages for the MCP
// server go to Read, in order; the lines the transport answers (errors,
// tools/list, tools/call) are answered from here, without a hand-off to
// the MCP server's reading goroutine. A tools/call is run by the goroutine
// that read it, once it has handed the reading to another worker: the
// call starts at once, on a warm stack.
func (c *lineConn) lead() {
	for {
		l, err := c.in.next()
		if len(l.data) > 0 || l.oversize {
			if c.stopping.Load() {
				return
			}
			msg, run, derr := c.decode(l)
			if run != nil {
				if err == nil {
					c.dispatch(c.leadJob) // another worker reads on
					run()
					return
				}
				c.dispatch(run) // the last line
			}
			if msg != nil || derr != nil {
				select {
				case c.msgs <- inMsg{msg, derr}:
				case <-c.closed:
					return
				}
			}
		}
		if err != nil {
			c.readErr <- err
			return
		}
	}
}

// Read returns the next message, answering lines that are not messages.
func (c *lineConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	if c.ended != nil {
		return c.nextEnding()
	}
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.closed:
			return nil, io.EOF
		case <-c.stop:
			return c.end(ctx, 0, io.EOF, "the server is stopping")
		case <-c.broken:
			c.ended = c.outErr
			return nil, c.stopCalls(c.outErr)
		case err := <-c.readErr:
			return c.end(ctx, c.drain, err, "the input ended")
		case m := <-c.msgs:
			return m.msg, m.err
		}
	}
}

// decode turns a line into a message, or answers it and returns nil, or
// returns the tools/call to run that answers it.
func (c *lineConn) decode(l inLine) (jsonrpc.Message, func(), error) {
	// A byte-order mark (a PowerShell pipe writes one) is no part of the
	// message.
	line := bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(l.data), []byte("\xef\xbb\xbf")))
	if l.oversize {
		return nil, nil, c.writeError(peekID(line), jsonrpc.CodeInvalidRequest,
			fmt.Sprintf("Invalid Request: a message is limited to %d MiB", MaxMessageBytes>>20))
	}
	if len(line) == 0 {
		return nil, nil, nil
	}
	if depthOver(line, MaxMessageDepth) {
		return nil, nil, c.writeError(peekID(line), jsonrpc.CodeInvalidRequest,
			fmt.Sprintf("Invalid Request: objects and arrays nest more than %d levels", MaxMessageDepth))
	}
	var msg jsonrpc.Message
	req, ok, problem := decodeRequestID(line)
	switch {
	case problem != "":
		return nil, nil, c.writeError(nil, jsonrpc.CodeInvalidRequest, "Invalid Request: "+problem)
	case ok:
		msg = req
	case !json.Valid(line):
		// Not one JSON value (text after it, a second message on the
		// line): the SDK's decoder would take the first and drop the rest.
		code, text := invalid(line, nil)
		return nil, nil, c.writeError(peekID(line), code, text)
	default:
		var err error
		if msg, err = jsonrpc.DecodeMessage(line); err != nil {
			code, text := invalid(line, err)
			return nil, nil, c.writeError(peekID(line), code, text)
		}
		if resp, isResp := msg.(*jsonrpc.Response); isResp && !isResponse(line) {
			return nil, nil, c.writeError(resp.ID.Raw(), jsonrpc.CodeInvalidRequest,
				`Invalid Request: a message has a "method" (a request or notification) or a "result" or "error" (a response)`)
		}
		if req, ok = msg.(*jsonrpc.Request); !ok {
			return msg, nil, nil
		}
	}
	// The prepared tools/list bytes are got without holding c.mu: reading
	// them may take a while (a cache section read, or the tools built when
	// it cannot be), and answers must be written meanwhile. Lines are
	// decoded one at a time, so nothing is decoded in between.
	var list []byte
	if req.Method == "tools/list" && c.list != nil && firstPage(req.Params) {
		c.mu.Lock()
		inited := c.inited
		c.mu.Unlock()
		if inited {
			list = c.list()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case req.Method == "notifications/cancelled" && !req.IsCall():
		var p struct {
			RequestID any `json:"requestId"`
		}
		if json.Unmarshal(req.Params, &p) == nil {
			if id, err := jsonrpc.MakeID(p.RequestID); err == nil && c.pending[id.Raw()] {
				c.cancelled[id.Raw()] = true
				c.cancelCall(id.Raw(), req.Params)
			}
		}
	case !req.IsCall():
	// tools/list from the prepared bytes once initialize is answered: a
	// request pipelined behind initialize goes to the MCP server, so that
	// its answer never overtakes initialize's.
	case list != nil:
		return nil, nil, c.writeResultLocked(req.ID, list)
	case req.Method == "initialize" && (c.inited || c.initID != nil):
		return nil, nil, c.writeLocked(req.ID.Raw(), jsonrpc.CodeInvalidRequest,
			"Invalid Request: the session is already initialized")
	case c.running[req.ID.Raw()] != nil:
		// The id of a call running here: the SDK drops a request whose
		// id is in use, unanswered.
		return nil, nil, nil
	default:
		if req.Method == "tools/call" {
			if run := c.startCall(req); run != nil {
				return nil, run, nil
			}
		}
		if req.Method == "initialize" {
			c.initID = req.ID.Raw()
		}
		c.pending[req.ID.Raw()] = true
	}
	return msg, nil, nil
}

// isResponse reports whether line, a JSON object, has a "result" or an
// "error" member: what makes it a response.
func isResponse(line []byte) bool {
	found := false
	members(line, func(key, _ []byte) bool {
		found = found || string(key) == `"result"` || string(key) == `"error"`
		return !found
	})
	return found
}

// invalid classifies a line that does not decode as a JSON-RPC message.
func invalid(line []byte, cause error) (int, string) {
	if !json.Valid(line) {
		text := "Parse error: each line must be one JSON-RPC 2.0 message"
		var syn *json.SyntaxError
		if err := json.Unmarshal(line, new(any)); errors.As(err, &syn) {
			text = "Parse error: not JSON (" + syn.Error() + ")"
		}
		return jsonrpc.CodeParseError, text
	}
	if line[0] == '[' {
		return jsonrpc.CodeInvalidRequest, "Invalid Request: batches are not supported; send one message per line"
	}
	var head struct {
		Version any `json:"jsonrpc"`
	}
	if json.Unmarshal(line, &head) != nil || head.Version != "2.0" {
		return jsonrpc.CodeInvalidRequest, `Invalid Request: "jsonrpc" must be "2.0"`
	}
	return jsonrpc.CodeInvalidRequest, "Invalid Request: " + cause.Error()
}

// end finishes the input: it waits up to wait for the answers of pending
// requests, then queues a cancellation for each one still running.
func (c *lineConn) end(ctx context.Context, wait time.Duration, err error, reason string) (jsonrpc.Message, error) {
	if err == nil {
		err = io.EOF
	}
	c.ended = err
	c.stopping.Store(true)
	c.waitPending(ctx, wait)
	c.mu.Lock()
	for id := range c.pending {
		if c.cancelled[id] {
			continue
		}
		if cancel := c.running[id]; cancel != nil {
			cancel(nil) // as the MCP server cancels on a notification
			continue
		}
		params, _ := json.Marshal(map[string]any{"requestId": id, "reason": reason})
		c.ending = append(c.ending, &jsonrpc.Request{Method: "notifications/cancelled", Params: params})
	}
	c.mu.Unlock()
	return c.nextEnding()
}

// nextEnding delivers the queued cancellations, then waits briefly for
// their answers and reports the end of the input.
func (c *lineConn) nextEnding() (jsonrpc.Message, error) {
	if len(c.ending) > 0 {
		msg := c.ending[0]
		c.ending = c.ending[1:]
		return msg, nil
	}
	c.waitPending(context.Background(), cancelWait)
	return nil, c.stopCalls(c.ended)
}

// waitPending waits until every request read has been answered, wait is
// over, or the connection is closed.
func (c *lineConn) waitPending(ctx context.Context, wait time.Duration) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		c.mu.Lock()
		n := len(c.pending)
		c.mu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-c.idle:
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		case <-c.closed:
			return
		}
	}
}

// writeError answers a line that is not a message; id is nil when unknown.
func (c *lineConn) writeError(id any, code int, text string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writeLocked(id, code, text)
}

func (c *lineConn) writeLocked(id any, code int, text string) error {
	if c.over {
		return nil // the session ended: nothing more is answered
	}
	b, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0",
		"id":      id,
		"error":   map[string]any{"code": code, "message": text},
	})
	if err != nil {
		return err
	}
	_, err = c.out.Write(append(b, '\n'))
	return err
}

// writeResultLocked answers request id with result, encoded already: the
// line is written in three parts, the result not copied.
func (c *lineConn) writeResultLocked(id jsonrpc.ID, result []byte) error {
	if c.over {
		return nil // the session ended: nothing more is answered
	}
	idJSON, err := json.Marshal(id.Raw())
	if err != nil {
		return err
	}
	head := append(append([]byte(`{"jsonrpc":"2.0","id":`), idJSON...), `,"result":`...)
	for _, part := range [][]byte{head, result, []byte("}\n")} {
		if _, err := c.out.Write(part); err != nil {
			return err
		}
	}
	return nil
}

// firstPage reports whether tools/list params ask for the first page in
// the protocol versions that negotiate at initialize: no cursor, and no
// per-request protocol version in _meta.
func firstPage(params json.RawMessage) bool {
	if len(params) == 0 || string(params) == "null" {
		return true
	}
	var p map[string]json.RawMessage
	if json.Unmarshal(params, &p) != nil {
		return false
	}
	for k, v := range p {
		switch k {
		case "_meta":
			var meta map[string]json.RawMessage
			if json.Unmarshal(v, &meta) != nil {
				return false
			}
			if _, ok := meta[mcp.MetaKeyProtocolVersion]; ok {
				return false
			}
		case "cursor":
			if string(v) != `""` && string(v) != "null" {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Write sends one message as one line; the answer to a request the client
// cancelled is dropped.
func (c *lineConn) Write(_ context.Context, msg jsonrpc.Message) error { return c.write(msg, false) }

// write sends msg; ours marks the answer of a call the transport ran.
func (c *lineConn) write(msg jsonrpc.Message, ours bool) error {
	resp, isResp := msg.(*jsonrpc.Response)
	b, err := encodeMessage(msg)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !isResp {
		_, err := c.out.Write(append(b, '\n'))
		return err
	}
	id := resp.ID.Raw()
	if !c.cancelled[id] && !(ours && c.over) {
		if _, err := c.out.Write(append(b, '\n')); err != nil {
			if ours {
				c.breakLocked(err)
			}
			return err
		}
	}
	if c.initID != nil && id == c.initID {
		c.inited = resp.Error == nil
		c.initID = nil
	}
	delete(c.cancelled, id)
	delete(c.pending, id)
	if len(c.pending) == 0 {
		select {
		case c.idle <- struct{}{}:
		default:
		}
	}
	return nil
}

// Close ends the connection; a blocked Read returns. The calls the
// transport runs are cancelled, and Close returns when they have ended.
func (c *lineConn) Close() error {
	c.stopping.Store(true) // no line is read and answered from here on
	c.once.Do(func() { close(c.closed) })
	_ = c.stopCalls(io.EOF)
	c.calls.Wait()
	return nil
}

// SessionID implements mcp.Connection; stdio has one session.
func (c *lineConn) SessionID() string { return "" }

// depthOver reports whether objects and arrays in data nest deeper than max.
func depthOver(data []byte, max int) bool {
	depth, _ := jsonShape(data, max, -1)
	return depth > max
}

// ValuesOver reports whether data holds more than max JSON values (array
// elements, object members), read without decoding it: decoded, each costs
// tens of bytes, so that a small message of many tiny values ([1,1,1,…])
// takes a hundred times its size in memory.
func ValuesOver(data []byte, max int) bool {
	_, values := jsonShape(data, -1, max)
	return values > max
}

// jsonShape scans data for its deepest nesting and its number of values,
// stopping once the depth passes maxDepth or the values pass maxValues (-1:
// no stop).
func jsonShape(data []byte, maxDepth, maxValues int) (deepest, values int) {
	depth := 0
	inString, escaped := false, false
	for _, b := range data {
		switch {
		case escaped:
			escaped = false
		case inString:
			switch b {
			case '\\':
				escaped = true
			case '"':
				inString = false
			}
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			depth++
			values++
			deepest = max(deepest, depth)
		case b == '}' || b == ']':
			depth--
		case b == ',' || b == ':':
			values++
		default:
			continue
		}
		if maxDepth >= 0 && deepest > maxDepth || maxValues >= 0 && values > maxValues {
			return deepest, values
		}
	}
	return deepest, values
}

// peekID returns the id member of a message that cannot be decoded whole,
// read from its first idPrefix bytes, or nil when it cannot be read there.
func peekID(line []byte) any {
	dec := json.NewDecoder(bytes.NewReader(line[:min(len(line), idPrefix)]))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil
		}
		if key == "id" {
			tok, err := dec.Token()
			if err != nil {
				return nil
			}
			switch v := tok.(type) {
			case string:
				return v
			case json.Number:
				if n, err := v.Int64(); err == nil {
					return n
				}
			}
			return nil
		}
		if skipValue(dec) != nil {
			return nil
		}
	}
	return nil
}

// skipValue reads one value of dec, however deep, token by token.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// encodeMessage encodes msg as the MCP SDK does: an error without a
// JSON-RPC code answers as an internal error.
func encodeMessage(msg jsonrpc.Message) ([]byte, error) {
	resp, isResp := msg.(*jsonrpc.Response)
	if isResp && resp.Error != nil {
		var coded *jsonrpc.Error
		if !errors.As(resp.Error, &coded) || coded.Code == 0 {
			resp = &jsonrpc.Response{ID: resp.ID,
				Error: &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: resp.Error.Error()}}
			msg = resp
		}
	}
	if b, ok := encodeResult(resp); ok {
		return b, nil
	}
	return jsonrpc.EncodeMessage(msg)
}
