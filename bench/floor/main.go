// Command floor is the start-up floor in scripts/bench.sh: the least an MCP
// server over stdio can do, a static Go binary that answers initialize and
// a one-tool tools/list with fixed bytes and nothing else. Its spawn →
// initialize time on a machine is the part of any server's start-up that
// no server can remove there (exec, page faults of a Go binary, runtime
// start, one pipe round trip).
package main

import (
	"bufio"
	"encoding/json"
	"os"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64<<10), 1<<20)
	for in.Scan() {
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if json.Unmarshal(in.Bytes(), &req) != nil || req.ID == nil {
			continue
		}
		var result string
		switch req.Method {
		case "initialize":
			result = `{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"floor","version":"1"}}`
		case "tools/list":
			result = `{"tools":[{"name":"ping","description":"Answers pong.","inputSchema":{"type":"object","properties":{"text":{"type":"string"}}}}]}`
		default:
			result = `{}`
		}
		os.Stdout.WriteString(`{"jsonrpc":"2.0","id":` + string(req.ID) + `,"result":` + result + "}\n")
	}
}
