// Command restmcp serves any REST API described by OpenAPI as MCP tools.
package main

import (
	"os"

	"github.com/restmcp/restmcp/cmd"
)

func main() {
	os.Exit(cmd.Main())
}
