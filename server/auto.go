package server

import (
	"encoding/json"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The auto layout serves one tool per operation when the API fits what the
// strictest common client accepts, else one tool per resource when that
// fits, else the search tools, which fit any API.
const (
	// autoMaxTools is the most tools the strictest common client takes
	// (Windsurf: 100 in total, across all its servers; VS Code: 128 in one
	// request).
	autoMaxTools = 100
	// autoMaxTokens is the most the tool definitions of one server may
	// cost the model: about 25,000 tokens, an eighth of a 200,000-token
	// context, paid on every turn (what it reads of them: listingSize).
	autoMaxTokens = 25000
)

// tokens estimates the tokens of JSON text: about four bytes a token.
func tokens(bytes int) int { return (bytes + 3) / 4 }

// listingSize is the size in bytes of what a model reads of the list of
// tools' definitions: each tool's name, description and input schema, as
// json.Marshal encodes them (clients pass those to the model; titles and
// annotations are for their own display). They are counted as an encoder
// writes them (with its newline), not kept.
func listingSize(tools []*tool) int {
	n := 0
	for _, t := range tools {
		n += toolSize(t)
	}
	// json.Marshal of the list: a comma between tools where Encode ends
	// each with a newline, and the brackets.
	return n + 1
}

// toolSize is what one tool adds to listingSize: what a model reads of
// its definition, and the comma (or bracket) after it.
func toolSize(t *tool) int { return ModelBytes(t.def) }

// ModelBytes is the size in bytes of what a model reads of a tool's
// definition (its name, description and input schema as JSON), and one
// byte more for the comma that separates it from the next in a list.
func ModelBytes(t *mcp.Tool) int {
	var n byteCount
	if json.NewEncoder(&n).Encode(modelRead{t.Name, t.Description, t.InputSchema}) != nil {
		n++
	}
	return int(n)
}

// modelRead is what clients pass to the model of a tool.
type modelRead struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	InputSchema any    `json:"inputSchema"`
}

// byteCount counts the bytes written to it.
type byteCount int

func (c *byteCount) Write(p []byte) (int, error) {
	*c += byteCount(len(p))
	return len(p), nil
}

// autoLayout picks the layout for the auto setting and says why.
func (s *Server) autoLayout() (string, []*tool, string) {
	budget := fmt.Sprintf("the budget of %d tools and %d tokens the strictest common client accepts", autoMaxTools, autoMaxTokens)
	fits := func(tools []*tool) (bool, string) {
		t := tokens(listingSize(tools))
		n, also := len(tools), ""
		if n > 0 && tools[n-1].op == nil && tools[n-1].def.Name == s.describe {
			// The operations' tools, and describe_tool.
			n, also = n-1, " and "+s.describe
		}
		return len(tools) <= autoMaxTools && t <= autoMaxTokens, fmt.Sprintf("%d %s%s, about %d tokens", n, plural(n, "tool"), also, t)
	}
	opTools := s.operationsListing()
	ok, ops := fits(opTools)
	if ok {
		return LayoutOperations, opTools, fmt.Sprintf("one tool per operation (%s) fits %s", ops, budget)
	}
	res := s.resourceTools()
	ok, r := fits(res)
	if ok {
		return LayoutResources, res, fmt.Sprintf("one tool per operation (%s) exceeds %s; one per resource (%s) fits", ops, budget, r)
	}
	return LayoutSearch, s.searchTools(), fmt.Sprintf("one tool per operation (%s) and one per resource (%s) exceed %s", ops, r, budget)
}

// Layout returns the layout served and, for the auto setting, why it was
// chosen ("" otherwise).
func (s *Server) Layout() (layout, reason string) { return s.cfg.Layout, s.layoutReason }
