package server

import (
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// BenchmarkToolsList is one tools/list answer for every tool of the largest
// shared descriptions (--layout operations): as the MCP SDK builds it per
// request (the result encoded, then the response around it), and from the
// bytes prepared once.
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
