package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/internal/tooldiff"
	"github.com/restmcp/restmcp/profile"
	"github.com/spf13/cobra"
)

// toolsDiff prints what changed from the listing opts.Diff names to tools
// (p's), and fails when a change breaks calls made against the old one.
func toolsDiff(c *cobra.Command, opts *ToolsOptions, p profile.Profile, tools []*mcp.Tool) error {
	f := opts.F
	now, err := json.Marshal(tools)
	if err != nil {
		return err
	}
	changes, err := compareWith(c.Context(), opts, p, now)
	if err != nil {
		return err
	}
	breaking := 0
	for _, ch := range changes {
		if ch.Breaking {
			breaking++
		}
	}
	if opts.JSON {
		if changes == nil {
			changes = []tooldiff.Change{}
		}
		b, err := json.MarshalIndent(struct {
			Changes  []tooldiff.Change `json:"changes"`
			Breaking int               `json:"breaking"`
		}{changes, breaking}, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(f.IO.Out, string(b))
	} else {
		for _, l := range tooldiff.Text(changes) {
			fmt.Fprintln(f.IO.Out, l)
		}
		switch {
		case len(changes) == 0:
			fmt.Fprintf(f.IO.Out, "no change from %s (%s)\n", opts.Diff, count(len(tools), "tool"))
		case breaking == 0:
			fmt.Fprintf(f.IO.Out, "%s from %s, none breaking\n", count(len(changes), "change"), opts.Diff)
		default:
			fmt.Fprintf(f.IO.Out, "%s from %s, %d breaking: calls, prompts or permission rules written for %s may fail\n",
				count(len(changes), "change"), opts.Diff, breaking, opts.Diff)
		}
	}
	if breaking > 0 {
		return &SilentError{Code: 1}
	}
	return nil
}

// compareWith compares now with the listing opts.Diff names: a saved
// `tools --json`, else a description listed with p's other settings.
func compareWith(ctx context.Context, opts *ToolsOptions, p profile.Profile, now []byte) ([]tooldiff.Change, error) {
	if !client.IsURL(opts.Diff) {
		old, err := os.ReadFile(opts.Diff)
		if err != nil {
			return nil, FlagErrorf("--diff: %v: give a file that `tools --json` wrote, or an OpenAPI description", err)
		}
		changes, err := tooldiff.Compare(old, now)
		if !errors.Is(err, tooldiff.ErrNotListing) {
			if err != nil {
				return nil, fmt.Errorf("--diff %s: %w", opts.Diff, err)
			}
			return changes, nil
		}
	}
	// A description: listed as the current one is, with the same profile
	// flags (layout, prefix, selection).
	p.Spec, p.MCPURL = opts.Diff, ""
	srv, done, err := opts.Profile.app(opts.F, opts.NoCache).Tools(ctx, p, false)
	if err != nil {
		return nil, fmt.Errorf("--diff %s: %w", opts.Diff, err)
	}
	defer done()
	old, err := json.Marshal(srv.Tools())
	if err != nil {
		return nil, err
	}
	return tooldiff.Compare(old, now)
}

// count is n and the noun, plural unless n is 1: "1 tool", "2 tools".
func count(n int, noun string) string {
	if n != 1 {
		noun += "s"
	}
	return fmt.Sprintf("%d %s", n, noun)
}
