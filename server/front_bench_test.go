package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// BenchmarkToolsList is one tools/list answer for every tool of the largest
// shared descriptions (--layout operations): as the MCP SDK builds it per
// request (the result encoded, then the response around it), from the
// bytes prepared once, and through the Streamable HTTP handler as serve
// --http answers it.
func BenchmarkToolsList(b *testing.B) {
	for _, file := range sharedSpecs(b) {
		base := filepath.Base(file)
		if !strings.HasPrefix(base, "github") && !strings.HasPrefix(base, "stripe") {
			continue
		}
		s, err := New(Config{API: loadSpec(b, file), Layout: LayoutOperations})
		if err != nil {
			b.Fatal(err)
		}
		name := strings.SplitN(base, "-", 2)[0]
		id, _ := jsonrpc.MakeID(float64(2))
		b.Run(name+"/sdk", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := json.Marshal(&mcp.ListToolsResult{Cacheable: mcp.Cacheable{CacheScope: "public"}, Tools: s.list})
				if err != nil {
					b.Fatal(err)
				}
				line, err := jsonrpc.EncodeMessage(&jsonrpc.Response{ID: id, Result: res})
				if err != nil {
					b.Fatal(err)
				}
				io.Discard.Write(line)
			}
		})
		b.Run(name+"/http", func(b *testing.B) {
			h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s.MCPServer() }, &mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true})
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("POST", "http://127.0.0.1/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json, text/event-stream")
				req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
		b.Run(name+"/prepared", func(b *testing.B) {
			list := s.Prepared().List
			c := &lineConn{out: io.Discard}
			b.ReportAllocs()
			for b.Loop() {
				if err := c.writeResultLocked(id, list); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
