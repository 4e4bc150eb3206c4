package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// sseConn is the client side of the older HTTP+SSE transport (protocol
// version 2024-11-05), as an mcp.Connection: a GET event stream whose
// first event, "endpoint", names where each message is POSTed; everything
// the server sends, answers included, comes on the stream, which is the
// session.
//
// It is written here rather than taken from the SDK so that a POST the
// server refuses keeps its status and body (the SDK's error keeps the
// status line only), and an event that holds no message is named (the
// SDK's decode error has none of it).
type sseConn struct {
	url    string
	client *http.Client
	post   string // where messages go (set before dialSSE returns)

	ctx    context.Context // the connection's life
	cancel context.CancelFunc

	incoming chan jsonrpc.Message
	done     chan struct{} // closed when reading the stream ended
	err      error         // why (set before done is closed)
	once     sync.Once
}

var _ mcp.Connection = (*sseConn)(nil)

// dialSSE opens the stream at rawURL and waits, within ctx, for the event
// that names where messages go. The stream lives as long as life.
func dialSSE(ctx, life context.Context, rawURL string, client *http.Client) (*sseConn, error) {
	base, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithCancel(life)
	c := &sseConn{
		url:      rawURL,
		client:   client,
		ctx:      cctx,
		cancel:   cancel,
		incoming: make(chan jsonrpc.Message, 16),
		done:     make(chan struct{}),
	}
	stop := context.AfterFunc(ctx, cancel)
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, rawURL, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := client.Do(req)
	if err != nil {
		stop()
		cancel()
		return nil, errors.Join(err, ctx.Err())
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		stop()
		cancel()
		return nil, statusError(resp, rawURL)
	}
	if ct := mediaType(resp.Header.Get("Content-Type")); ct != "text/event-stream" {
		stop()
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("the MCP server answered the stream's GET with %q, not an event stream", ct)
	}
	endpoint := make(chan string, 1)
	go c.read(resp.Body, base, endpoint)
	select {
	case c.post = <-endpoint:
		if !stop() {
			// ctx ended meanwhile, and with it the stream.
			c.Close()
			return nil, ctx.Err()
		}
		return c, nil
	case <-c.done:
		stop()
		cancel()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(c.err, io.EOF) {
			return nil, errors.New("the MCP server's event stream ended before it named where to send messages (its endpoint event)")
		}
		return nil, c.err
	}
}

// read reads the stream until it ends: the endpoint event first, then the
// server's messages.
func (c *sseConn) read(body io.ReadCloser, base *url.URL, endpoint chan<- string) {
	var pos streamPos
	named := false
	err := scanEvents(c.ctx, body, &pos, func(event string, data []byte) (bool, error) {
		switch {
		case event == "endpoint" && !named:
			u, err := base.Parse(strings.TrimSpace(string(data)))
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				return false, &badMessageError{server: shownURL(c.url), sent: "an endpoint event", what: "does not hold an http(s) URL: " + clip(data)}
			}
			named = true
			endpoint <- u.String()
			return false, nil
		case event != "" && event != "message":
			return false, nil
		}
		msgs, err := decodeMessages(data)
		if err != nil {
			return false, &badMessageError{server: shownURL(c.url), sent: "an event", what: err.Error()}
		}
		for _, m := range msgs {
			select {
			case c.incoming <- m:
			case <-c.ctx.Done():
			}
		}
		return false, nil
	})
	if err == nil {
		err = io.EOF
	}
	c.err = err
	close(c.done)
}

// Read returns the next message of the server. Those that came before the
// stream ended are returned first.
func (c *sseConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	return next(ctx, c.incoming, c.done, nil, func() error { return c.err })
}

// Write POSTs msg to the endpoint. An error is io.EOF when the stream (the
// session) had ended, so that nothing was sent; a *StatusError when the
// server refused it; else a network error.
func (c *sseConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	select {
	case <-c.done:
		return io.EOF
	default:
	}
	data, err := jsonrpc.EncodeMessage(msg)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.post, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	se := statusError(resp, c.post)
	se.MessageEndpoint = true
	// The session is in the endpoint's URL.
	se.gone = sessionGone(se.Status, "the stream's", func() bool {
		return pingSession(ctx, c.client, c.post, func(*http.Request) {})
	})
	if req, _ := msg.(*jsonrpc.Request); !se.gone && se.answerTo(req) != nil {
		// The server's own answer, in the POST's body rather than on the
		// stream: passed on as if it came there.
		select {
		case c.incoming <- se.answerTo(req):
			return nil
		case <-c.ctx.Done():
		case <-ctx.Done():
		}
	}
	return se
}

// Close ends the stream, and with it the session.
func (c *sseConn) Close() error {
	c.once.Do(c.cancel)
	<-c.done
	return nil
}

// SessionID implements mcp.Connection: the session is the stream.
func (c *sseConn) SessionID() string { return "" }
