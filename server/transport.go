package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// maxLine bounds one inbound message (a tool call with a large body fits).
const maxLine = 16 << 20

// DefaultDrain is how long a StdioTransport waits, at the end of its input,
// for the answers to requests already read.
const DefaultDrain = 30 * time.Second

// StdioTransport speaks newline-delimited JSON-RPC over r and w, like
// mcp.StdioTransport, and is forgiving where an editor or a script is not
// careful:
//   - a line that is not a JSON-RPC message is answered with a parse error
//     (-32700) and the session goes on;
//   - at the end of the input it waits, up to Drain, for the answers to the
//     requests already read (`printf '…' | restmcp serve` gets its answers).
type StdioTransport struct {
	In  io.Reader
	Out io.Writer
	// Drain bounds the wait at the end of the input (default DefaultDrain).
	Drain time.Duration
}

// Connect implements mcp.Transport.
func (t *StdioTransport) Connect(context.Context) (mcp.Connection, error) {
	drain := t.Drain
	if drain <= 0 {
		drain = DefaultDrain
	}
	c := &lineConn{
		out:     t.Out,
		drain:   drain,
		lines:   make(chan []byte),
		readErr: make(chan error, 1),
		closed:  make(chan struct{}),
		pending: map[any]bool{},
		idle:    make(chan struct{}, 1),
	}
	go c.readLines(t.In)
	return c, nil
}

type lineConn struct {
	out   io.Writer
	drain time.Duration

	lines   chan []byte
	readErr chan error
	closed  chan struct{}
	once    sync.Once

	mu      sync.Mutex // guards out and pending
	pending map[any]bool
	idle    chan struct{} // signalled when pending becomes empty
}

func (c *lineConn) readLines(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	for sc.Scan() {
		line := bytes.Clone(sc.Bytes())
		select {
		case c.lines <- line:
		case <-c.closed:
			return
		}
	}
	err := sc.Err()
	if err == nil {
		err = io.EOF
	}
	c.readErr <- err
}

// Read returns the next message, answering lines that are not messages.
func (c *lineConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.closed:
			return nil, io.EOF
		case err := <-c.readErr:
			c.waitPending(ctx)
			return nil, err
		case line := <-c.lines:
			line = bytes.TrimSpace(line)
			if len(line) == 0 {
				continue
			}
			msg, err := jsonrpc.DecodeMessage(line)
			if err != nil {
				if werr := c.writeParseError(err); werr != nil {
					return nil, werr
				}
				continue
			}
			if req, ok := msg.(*jsonrpc.Request); ok && req.IsCall() {
				c.mu.Lock()
				c.pending[req.ID.Raw()] = true
				c.mu.Unlock()
			}
			return msg, nil
		}
	}
}

// waitPending waits until every request read has been answered, the drain
// time is over, or the connection is closed.
func (c *lineConn) waitPending(ctx context.Context) {
	timer := time.NewTimer(c.drain)
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

func (c *lineConn) writeParseError(cause error) error {
	msg := "Parse error: each line must be one JSON-RPC 2.0 message"
	var syn *json.SyntaxError
	if errors.As(cause, &syn) {
		msg = "Parse error: not JSON (" + syn.Error() + ")"
	}
	b, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0",
		"id":      nil,
		"error":   map[string]any{"code": jsonrpc.CodeParseError, "message": msg},
	})
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err = c.out.Write(append(b, '\n'))
	return err
}

// Write sends one message as one line.
func (c *lineConn) Write(_ context.Context, msg jsonrpc.Message) error {
	b, err := jsonrpc.EncodeMessage(msg)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.out.Write(append(b, '\n')); err != nil {
		return err
	}
	if resp, ok := msg.(*jsonrpc.Response); ok {
		delete(c.pending, resp.ID.Raw())
		if len(c.pending) == 0 {
			select {
			case c.idle <- struct{}{}:
			default:
			}
		}
	}
	return nil
}

// Close ends the connection; a blocked Read returns.
func (c *lineConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}

// SessionID implements mcp.Connection; stdio has one session.
func (c *lineConn) SessionID() string { return "" }
