package cmd

import "strings"

// Build-time settings. Release builds set them with -ldflags -X; a vendor's
// branded build sets the name and default profile too (docs/vendor-builds.md).
var (
	version = ""
	commit  = ""
	date    = ""
	// name is the binary's name: the keyring service, the config directory
	// and the prefix of environment variables derive from it.
	name = "restmcp"
)

// Brand is the identity of this build.
type Brand struct {
	// Name of the binary ("restmcp", "acme-mcp").
	Name string
}

// EnvPrefix is the prefix of this build's environment variables:
// "RESTMCP" for restmcp, "ACME_MCP" for acme-mcp.
func (b Brand) EnvPrefix() string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(b.Name))
}

// Env is the name of an environment variable of this build ("API_KEY" →
// "RESTMCP_API_KEY").
func (b Brand) Env(suffix string) string { return b.EnvPrefix() + "_" + suffix }

func defaultBrand() Brand { return Brand{Name: name} }
