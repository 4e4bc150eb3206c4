package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// On a stateless Streamable HTTP endpoint the MCP SDK's handler starts a
// session for every request: it decodes the body twice, connects a server
// session with its goroutines, and runs the call through it. HTTPCall
// answers a plain tools/call without that, with the bytes and headers the
// SDK's handler (Stateless, JSONResponse) would send. Only a request the
// SDK would answer as a plain call takes this path: a POST of one JSON-RPC
// request, tools/call with a name, arguments that are an object and a
// _meta of plain values, JSON content, an Accept that takes JSON and event
// streams, a protocol version header of a version before per-request
// versions (which check no Mcp-Method, Mcp-Name or Mcp-Param header), no
// Last-Event-ID, a Host the SDK's DNS rebinding protection lets through
// (or one the server checked itself: WithHostChecked), and objects nested no deeper than MaxMessageDepth. Anything else is left
// to the SDK, unanswered; the headers are checked before the body is read.

// httpCallVersions are the protocol versions whose calls HTTPCall answers.
var httpCallVersions = map[string]bool{"2025-03-26": true, "2025-06-18": true, "2025-11-25": true}

// HTTPCall answers r when it is a plain tools/call, and reports whether
// it did. When it did not, nothing was written and r.Body reads what it
// read before (its bytes, then its error): the MCP SDK's handler reads the
// same request. observe, when set, is told of each call it runs, as a
// receiving middleware of the MCP server would be. The call runs with r's
// context (its time limit, the caller's key).
func (f *Front) HTTPCall(w http.ResponseWriter, r *http.Request, observe func(name string, res *mcp.CallToolResult, err error, took time.Duration)) bool {
	if !plainHTTPCall(r) {
		return false
	}
	var body []byte
	var err error
	if rb, ok := r.Body.(*RequestBody); ok {
		body = rb.data // read whole already: not copied again
	} else {
		body, err = io.ReadAll(r.Body)
	}
	if err != nil || depthOver(body, MaxMessageDepth) {
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		return false
	}
	req, ok := decodeRequest(body)
	var name string
	var args json.RawMessage
	if ok && req.Method == "tools/call" && req.ID.IsValid() {
		name, args, ok = callParams(req.Params)
	} else {
		ok = false
	}
	if !ok {
		r.Body = io.NopCloser(bytes.NewReader(body))
		return false
	}
	start := time.Now()
	res, err := f.call(r.Context(), name, args)
	if observe != nil {
		observe(name, res, err, time.Since(start))
	}
	w.Header().Set("Cache-Control", "no-cache, no-transform")
	w.Header().Set("Content-Type", "application/json")
	// A result that does not encode is not answered, as by the SDK.
	resp, err := callResponse(req.ID, name, res, err)
	if err != nil {
		return true
	}
	if answer, err := encodeMessage(resp); err == nil {
		_, _ = w.Write(answer)
	}
	return true
}

// errReader returns err (io.EOF when nil): the end of a body read before.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, io.EOF
	}
	return 0, e.err
}

// plainHTTPCall reports whether r's method and headers are those of a
// request the SDK's stateless handler answers as a plain call.
func plainHTTPCall(r *http.Request) bool {
	if r.Method != http.MethodPost || !httpCallVersions[r.Header.Get("Mcp-Protocol-Version")] ||
		len(r.Header.Values("Last-Event-ID")) > 0 {
		return false
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return false
	}
	if !acceptsJSONAndEvents(r.Header.Values("Accept")) {
		return false
	}
	// DNS rebinding protection: on a loopback address, only a loopback
	// Host, unless the server judged the Host itself (WithHostChecked).
	if hostChecked, _ := r.Context().Value(hostCheckedKey{}).(bool); hostChecked {
		return true
	}
	if local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && local != nil {
		if loopback(local.String()) && !loopback(r.Host) {
			return false
		}
	}
	return true
}

// hostCheckedKey is the context key of WithHostChecked.
type hostCheckedKey struct{}

// WithHostChecked returns ctx saying that the request's Host was judged
// already, by a server whose MCP SDK handler has its DNS rebinding
// protection off (DisableLocalhostProtection): HTTPCall then makes no
// check of its own, as that handler makes none.
func WithHostChecked(ctx context.Context) context.Context {
	return context.WithValue(ctx, hostCheckedKey{}, true)
}

// acceptsJSONAndEvents reports whether Accept values take both JSON and
// event streams (by exact type or a wildcard).
func acceptsJSONAndEvents(values []string) bool {
	var js, events bool
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			t, _, _ := strings.Cut(part, ";")
			switch strings.ToLower(strings.TrimSpace(t)) {
			case "*/*":
				js, events = true, true
			case "application/json", "application/*":
				js = true
			case "text/event-stream", "text/*":
				events = true
			}
		}
	}
	return js && events
}

// loopback reports whether a host, with or without a port, is a loopback
// name or address.
func loopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = strings.Trim(hostport, "[]")
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// RequestBody is a request body read whole already (serve --http reads it
// before the call, to bound what the requests in flight hold): HTTPCall
// takes its bytes as they are, and the MCP SDK reads it as any body.
type RequestBody struct {
	*bytes.Reader
	data []byte
}

// NewRequestBody is data as a request body.
func NewRequestBody(data []byte) *RequestBody {
	return &RequestBody{Reader: bytes.NewReader(data), data: data}
}

// Close implements io.Closer.
func (*RequestBody) Close() error { return nil }
