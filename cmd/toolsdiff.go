package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/charmbracelet/log"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/internal/tooldiff"
	"github.com/restmcp/restmcp/profile"
	"github.com/restmcp/restmcp/server"
	"github.com/spf13/cobra"
)

// toolsDiff prints what changed from the listing opts.Diff names to
// srv's (p's), and fails when a change breaks calls made against the old
// one.
func toolsDiff(c *cobra.Command, opts *ToolsOptions, p profile.Profile, srv app.ToolSource) error {
	f := opts.F
	d, err := compareWith(c.Context(), opts, p, srv)
	if err != nil {
		return err
	}
	breaking := 0
	for _, ch := range slices.Concat(d.changes, d.operations) {
		if ch.Breaking {
			breaking++
		}
	}
	all := len(d.changes) + len(d.operations)
	if opts.JSON {
		if d.changes == nil {
			d.changes = []tooldiff.Change{}
		}
		b, err := json.MarshalIndent(struct {
			Changes []tooldiff.Change `json:"changes"`
			// Operations are the changes of the operations that the
			// layout's tools run, as the operations layout lists them.
			Operations []tooldiff.Change `json:"operations,omitempty"`
			Breaking   int               `json:"breaking"`
		}{d.changes, d.operations, breaking}, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(f.IO.Out, string(b))
	} else {
		for _, l := range tooldiff.Text(d.changes) {
			fmt.Fprintln(f.IO.Out, l)
		}
		if len(d.operations) > 0 {
			fmt.Fprintf(f.IO.Out, "operations that the %s layout's tools run, as --layout operations lists them:\n", d.layout)
			for _, l := range tooldiff.Text(d.operations) {
				fmt.Fprintln(f.IO.Out, "  "+l)
			}
		}
		switch {
		case all == 0:
			fmt.Fprintf(f.IO.Out, "no change from %s (%s)\n", opts.Diff, count(len(srv.Tools()), "tool"))
		case breaking == 0:
			fmt.Fprintf(f.IO.Out, "%s from %s, none breaking\n", count(all, "change"), opts.Diff)
		default:
			fmt.Fprintf(f.IO.Out, "%s from %s, %d breaking: calls, prompts or permission rules written for %s may fail\n",
				count(all, "change"), opts.Diff, breaking, opts.Diff)
		}
	}
	if breaking > 0 {
		return &SilentError{Code: 1}
	}
	return nil
}

// diff is what changed from one listing to another.
type diff struct {
	changes []tooldiff.Change
	// operations are the changes of the operations that the tools of
	// layout (resources or search) run, when both sides could be listed
	// one tool an operation.
	operations []tooldiff.Change
	layout     string
}

// compareWith compares srv's listing with the one opts.Diff names: a
// saved `tools --json`, else a description listed with p's other
// settings. The resources and search layouts list no operation: against
// a description, the operations of both sides are compared too, listed
// as --layout operations lists them, since a change in one breaks the
// calls that run it whatever tool runs them.
func compareWith(ctx context.Context, opts *ToolsOptions, p profile.Profile, srv app.ToolSource) (diff, error) {
	now, err := json.Marshal(srv.Tools())
	if err != nil {
		return diff{}, err
	}
	if !client.IsURL(opts.Diff) {
		old, err := os.ReadFile(opts.Diff)
		if err != nil {
			return diff{}, FlagErrorf("--diff: %v: give a file that `tools --json` wrote, or an OpenAPI description", err)
		}
		changes, err := tooldiff.Compare(old, now)
		if !errors.Is(err, tooldiff.ErrNotListing) {
			if err != nil {
				return diff{}, fmt.Errorf("--diff %s: %w", opts.Diff, err)
			}
			if err := sameLayout(opts, srv, old, now); err != nil {
				return diff{}, err
			}
			disjoint(opts, old, now)
			if l := tooldiff.Layout(old); l == server.LayoutResources || l == server.LayoutSearch {
				fmt.Fprintf(opts.F.IO.ErrOut, "Warning: %s is a listing of the %s layout, which lists no operation: "+
					"what changed in the operations its tools run (one removed, an argument now required) cannot be seen. "+
					"Keep the listing that `tools --layout operations --json` writes, or give the earlier OpenAPI description to --diff.\n", opts.Diff, l)
			}
			return diff{changes: changes}, nil
		}
	}
	// A description: listed as the current one is, with the same profile
	// flags (layout, prefix, selection).
	old, oldLayout, err := listing(ctx, opts, p, opts.Diff, false)
	if err != nil {
		return diff{}, neither(opts, err)
	}
	changes, err := tooldiff.Compare(old, now)
	if err != nil {
		return diff{}, err
	}
	disjoint(opts, old, now)
	if nowLayout, why := layoutOf(srv); why != "" && oldLayout != "" && nowLayout != oldLayout {
		// auto picked another layout for one of them: every tool name
		// changes, which is true of what is served, but says why.
		fmt.Fprintf(opts.F.IO.ErrOut, "Note: auto lists %s in the %s layout and this description in the %s layout (%s): the tools served change with it; "+
			"give --layout to compare the operations like with like.\n", opts.Diff, oldLayout, nowLayout, why)
	}
	d := diff{changes: changes}
	d.layout, _ = layoutOf(srv)
	if d.layout == server.LayoutOperations {
		d.layout = oldLayout
	}
	if d.layout == "" || d.layout == server.LayoutOperations {
		return d, nil
	}
	if nowLayout, _ := layoutOf(srv); nowLayout == server.LayoutSearch && oldLayout == server.LayoutSearch {
		// The search tools describe the catalogue ("6 operations in
		// all"): what changed in it is said operation by operation.
		d.changes = slices.DeleteFunc(d.changes, func(c tooldiff.Change) bool { return c.What == tooldiff.DescriptionChanged })
	}
	p.Layout = server.LayoutOperations
	// Listed again, one tool an operation: their warnings were said.
	oldOps, _, err := listing(ctx, opts, p, opts.Diff, true)
	if err != nil {
		return diff{}, err
	}
	nowOps, _, err := listing(ctx, opts, p, p.Spec, true)
	if err != nil {
		return diff{}, err
	}
	d.operations, err = tooldiff.Compare(oldOps, nowOps)
	if d.layout == server.LayoutResources {
		// An argument several actions share is listed with the limits of
		// one of them: the operations' own limits, compared above, tell
		// whether a call breaks.
		for i, c := range d.changes {
			if c.Limit && c.Breaking {
				d.changes[i].Breaking = false
				d.changes[i].What += " (listed for one of the actions that share the argument; the operations below tell)"
			}
		}
	}
	return d, err
}

// sameLayout is the error when the listing old was served in another
// layout than now's: each of its tools would be said removed, and
// breaking, for want of a flag. A remote server's tools (no layout
// given here) are compared as they are.
func sameLayout(opts *ToolsOptions, srv app.ToolSource, old, now []byte) error {
	served, why := layoutOf(srv)
	was, is := tooldiff.Layout(old), tooldiff.Layout(now)
	if served == "" || was == "" || is == "" || was == is {
		return nil
	}
	if why != "" {
		return FlagErrorf("%s lists the %s layout and this listing is the %s layout (auto picks it for this API): "+
			"add --layout %s to compare like with like", opts.Diff, was, is, was)
	}
	return FlagErrorf("%s lists the %s layout and this listing is the %s layout: "+
		"list with --layout %s to compare like with like", opts.Diff, was, is, was)
}

// neither is the error of OLD that could not be listed as a description:
// when it is a file that is no OpenAPI description either (the table
// that tools prints, say), it says what OLD must be; else err, which says
// what is wrong with the description.
func neither(opts *ToolsOptions, err error) error {
	if client.IsURL(opts.Diff) {
		return err
	}
	b, rerr := os.ReadFile(opts.Diff)
	if rerr != nil || describesAPI(b) {
		return err
	}
	// The loader's own words, after the file's name.
	detail := err.Error()
	if i := strings.LastIndex(detail, opts.Diff+": "); i >= 0 {
		detail = detail[i+len(opts.Diff)+2:]
	}
	detail = strings.TrimPrefix(detail, "not an OpenAPI description: ")
	return FlagErrorf("%s is neither a listing that tools --json wrote nor an OpenAPI description (%s): "+
		"write it with %s tools --layout operations --json > FILE", opts.Diff, detail, opts.F.Brand.Name)
}

// describesAPI reports whether b has the "openapi" or "swagger" field of
// an OpenAPI description at its top: a JSON object's member, or a YAML
// line that starts with the key.
func describesAPI(b []byte) bool {
	var doc map[string]json.RawMessage
	if json.Unmarshal(b, &doc) == nil {
		return doc["openapi"] != nil || doc["swagger"] != nil
	}
	for line := range strings.Lines(string(b)) {
		line = strings.TrimLeft(line, "{ \t")
		line = strings.TrimLeft(line, `"'`)
		for _, key := range []string{"openapi", "swagger"} {
			if rest, ok := strings.CutPrefix(line, key); ok {
				if rest = strings.TrimLeft(rest, `"' \t`); strings.HasPrefix(rest, ":") {
					return true
				}
			}
		}
	}
	return false
}

// disjoint warns when no tool of the listing old has a name that now
// lists: the two were more likely listed otherwise than changed.
func disjoint(opts *ToolsOptions, old, now []byte) {
	if tooldiff.Disjoint(old, now) {
		fmt.Fprintf(opts.F.IO.ErrOut, "Warning: no tool of %s is named as a tool listed now: it may have been listed with other flags "+
			"(--prefix, --layout, --tag, --method, --read-only) or of another API; list both alike.\n", opts.Diff)
	}
}

// listing is the tools of the description spec as p lists them, as JSON,
// and the layout they are listed in.
func listing(ctx context.Context, opts *ToolsOptions, p profile.Profile, spec string, quiet bool) ([]byte, string, error) {
	p.Spec, p.MCPURL = spec, ""
	a := opts.Profile.app(opts.F, opts.NoCache)
	if quiet && a.Log != nil {
		a.Log = a.Log.With()
		a.Log.SetLevel(log.ErrorLevel)
	}
	srv, done, err := a.Tools(ctx, p, false)
	if err != nil {
		return nil, "", fmt.Errorf("--diff %s: %w", spec, err)
	}
	defer done()
	b, err := json.Marshal(srv.Tools())
	layout, _ := layoutOf(srv)
	return b, layout, err
}

// layoutOf is the layout src serves (the one auto chose), and why; "" for
// a remote server's tools.
func layoutOf(src app.ToolSource) (layout, why string) {
	if l, ok := src.(interface{ Layout() (string, string) }); ok {
		return l.Layout()
	}
	return "", ""
}

// count is n and the noun, plural unless n is 1: "1 tool", "2 tools".
func count(n int, noun string) string {
	if n != 1 {
		noun += "s"
	}
	return fmt.Sprintf("%d %s", n, noun)
}
