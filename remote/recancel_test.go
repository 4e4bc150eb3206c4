package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// cancelFirst wraps the go-sdk's Streamable HTTP handler as a server under
// load may behave: it reads a call's cancellation before the call itself.
// The POST of a tools/call is held until the first cancellation's POST
// has been answered (and the cancellation ignored: the session knows no
// such call yet);
// every later cancellation is held until the tool runs, so that it comes
// after the call whatever the pace of the machine.
type cancelFirst struct {
	h       http.Handler
	once    sync.Once
	told    chan struct{} // closed once the first cancellation was handled
	arrived chan struct{} // closed as the call's POST arrives
	started chan struct{} // closed by the tool as it starts
	mu      sync.Mutex
	cancels int
	deleted chan struct{} // closed once a DELETE has been answered
	delOnce sync.Once
}

func (c *cancelFirst) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodDelete {
		c.h.ServeHTTP(w, r)
		c.delOnce.Do(func() { close(c.deleted) })
		return
	}
	if r.Method != http.MethodPost {
		c.h.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var m struct{ Method string }
	_ = json.Unmarshal(body, &m)
	switch m.Method {
	case "tools/call":
		close(c.arrived)
		<-c.told
	case "notifications/cancelled":
		c.mu.Lock()
		c.cancels++
		first := c.cancels == 1
		c.mu.Unlock()
		if first {
			// Taken and ignored, as the session knows no such call yet.
			// (Not passed to the go-sdk's handler: it cancels a call on
			// a goroutine of its own, which might run once the call has
			// arrived after all.)
			w.WriteHeader(http.StatusAccepted)
			c.once.Do(func() { close(c.told) })
			return
		}
		<-c.started
	}
	c.h.ServeHTTP(w, r)
}

// A call whose cancellation the server reads before the call itself (the
// two go as two requests) is cancelled all the same: the bridge tells the
// server again when the call is still unanswered a moment later. The
// tool stops, and the session ends at once rather than when the bridge
// gives up waiting for the server to end it (which the go-sdk does only
// once the session's calls have ended). So for a call the client
// cancels and for one its --timeout ends.
func TestCancellationReadBeforeCallIsRepeated(t *testing.T) {
	for _, how := range []string{"client cancels", "client goes", "timeout"} {
		t.Run(how, func(t *testing.T) {
			timeout := how == "timeout"
			srv := newTestServer()
			cf := &cancelFirst{told: make(chan struct{}), arrived: make(chan struct{}), started: make(chan struct{}), deleted: make(chan struct{})}
			cf.h = mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
			cancelled := make(chan struct{})
			release := make(chan struct{})
			mcp.AddTool(srv, &mcp.Tool{Name: "slow"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
				close(cf.started)
				select {
				case <-ctx.Done():
					close(cancelled)
				case <-release:
				}
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "done"}}}, nil, nil
			})
			ts := httptest.NewServer(cf)
			t.Cleanup(ts.Close)
			t.Cleanup(func() { close(release) }) // before the server closes
			cfg := Config{URL: ts.URL, HTTPClient: http.DefaultClient, recancelTimeout: 50 * time.Millisecond}
			if timeout {
				cfg.CallTimeout = 100 * time.Millisecond
			}
			ctx, end := context.WithTimeout(context.Background(), 10*time.Second)
			defer end()
			s, err := Connect(ctx, cfg, mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil))
			if err != nil {
				t.Fatal(err)
			}
			callCtx, cancel := context.WithCancel(ctx)
			// The client cancels the call once its request is out.
			if !timeout {
				go func() {
					<-cf.arrived
					cancel()
				}()
			}
			res, err := s.CallTool(callCtx, &mcp.CallToolParams{Name: "slow", Arguments: map[string]any{}})
			cancel()
			if timeout && (err != nil || !res.IsError) {
				t.Errorf("the call that timed out: %v, %+v", err, res)
			}
			if how == "client goes" {
				// At once, as `call` does at its --timeout or on Ctrl-C:
				// the cancellation may reach the bridge before the
				// client goes, or not.
				s.Close()
			}
			// The tool is cancelled; a cancellation the server ignored
			// would leave it running.
			select {
			case <-cancelled:
			case <-ctx.Done():
				t.Fatal("the tool was never cancelled: the server ran the call on")
			}
			s.Close()
			select {
			case <-cf.deleted:
			default:
				t.Error("the bridge gave up waiting for the server to end the session: the server held it up for the call")
			}
		})
	}
}
