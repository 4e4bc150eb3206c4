package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/profile"
)

// TestCachedURLMovedResolvesServersAnew checks that a URL description
// whose operation or path servers are relative to where it is read, read
// again from another place (its URL now redirects there) with the very
// same bytes and the same top-level server, is not served from the entry
// built where it was first read: once the start that reads it there has
// told its client, its calls go to the operation's server under the new
// place, and so do the next starts'. The same holds when the new place
// answers the conditional fetch 304 Not Modified (it knows the ETag): the
// bytes are the same, not where they resolve. A description given as
// another URL has an entry of its own.
func TestCachedURLMovedResolvesServersAnew(t *testing.T) {
	for _, tc := range []struct {
		name string
		// etag: the description is served with one, and a fetch that
		// asks with it is answered 304.
		etag string
		// servers are the lines that give /ping its relative server.
		servers string
	}{
		{name: "operation server, answered whole", servers: "    get:\n      operationId: ping\n      servers: [{url: v2}]\n"},
		{name: "path server, answered 304", etag: `"v1"`, servers: "    servers: [{url: v2}]\n    get:\n      operationId: ping\n"},
	} {
		t.Run(tc.name, func(t *testing.T) { testCachedURLMoved(t, tc.etag, tc.servers) })
	}
}

func testCachedURLMoved(t *testing.T, etag, servers string) {
	var (
		mu    sync.Mutex
		moved bool
		calls []string
	)
	var spec []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.URL.Path {
		case "/a/openapi.yaml", "/b/openapi.yaml":
			if r.URL.Path == "/a/openapi.yaml" && moved {
				http.Redirect(w, r, "/b/openapi.yaml", http.StatusFound)
				return
			}
			if etag != "" && r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			if etag != "" {
				w.Header().Set("ETag", etag)
			}
			w.Write(spec)
		default:
			calls = append(calls, r.URL.Path)
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"ok":true}`)
		}
	}))
	defer srv.Close()
	// The top-level server is absolute: only the operation's is resolved
	// against the description's URL.
	spec = []byte(`openapi: 3.0.3
info: {title: moved, version: "1"}
servers: [{url: "` + srv.URL + `/api"}]
paths:
  /ping:
` + servers + `      responses: {"200": {description: ok}}
`)
	a, logs := cacheApp(t)
	p := profile.Profile{Name: "moved", Spec: srv.URL + "/a/openapi.yaml"}
	callLine := `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"ping","arguments":{}}}`
	last := func() string {
		mu.Lock()
		defer mu.Unlock()
		if len(calls) == 0 {
			return ""
		}
		return calls[len(calls)-1]
	}
	callOnce := func(p profile.Profile) {
		t.Helper()
		out := serveOnce(t, a, p, callLine)
		var res struct {
			Result struct{ IsError bool }
		}
		if err := json.Unmarshal([]byte(out[2]), &res); err != nil || res.Result.IsError {
			t.Fatalf("call: %s", out[2])
		}
	}

	callOnce(p)
	if got := last(); got != "/a/v2/ping" {
		t.Fatalf("first call went to %q", got)
	}
	mu.Lock()
	moved = true
	mu.Unlock()
	// This start reads it from /b in the background: once the client is
	// told, its calls go there.
	cs, end := serveWatching(t, a, p, logs.String)
	if res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "ping", Arguments: map[string]any{}}); err != nil || res.IsError {
		t.Fatalf("call: %v %+v", err, res)
	}
	if got := last(); got != "/b/v2/ping" {
		t.Errorf("after the move, this start's call went to %q, want /b/v2/ping", got)
	}
	end()
	// The next starts, from the entry.
	for range 2 {
		callOnce(p)
		if got := last(); got != "/b/v2/ping" {
			t.Errorf("after the move, the next start's call went to %q, want /b/v2/ping", got)
		}
	}

	// The description given as the URL it moved to: its own entry.
	moved2 := p
	moved2.Spec = srv.URL + "/b/openapi.yaml"
	callOnce(moved2)
	if got := last(); got != "/b/v2/ping" {
		t.Errorf("from the other URL, the call went to %q", got)
	}
}
