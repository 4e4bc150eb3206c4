package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/restmcp/restmcp/server"
	"github.com/spf13/cobra"
)

// ToolsOptions are the inputs of `tools`.
type ToolsOptions struct {
	F       *Factory
	Profile *profileFlags
	NoCache bool
	JSON    bool
	Tokens  bool
	// Diff is the listing to compare with: a file of `tools --json`, or an
	// OpenAPI description (file or URL) listed with the same flags.
	Diff string
}

func newToolsCmd(f *Factory, runF func(*ToolsOptions) error) *cobra.Command {
	opts := &ToolsOptions{F: f}
	c := &cobra.Command{
		Use:   "tools",
		Short: "List the tools serve would expose",
		Long: `List the tools that serve would expose, as the model sees them. --json
prints the tools exactly as tools/list returns them; --tokens estimates what
each tool costs the model and says which layout is served (and, for the auto
layout, why); --tokens --json prints that as a size report. No key is needed.

--diff OLD compares the tools with those of OLD: a file that an earlier
tools --json wrote, or an earlier OpenAPI description (file or URL), listed
with the same flags. It prints each change (tools and arguments added or
removed, a tool probably renamed, arguments now required or of another type,
enum values gone, new or tighter limits such as maxLength or pattern, a
read-only tool that now writes), the breaking ones first, then one line a
tool for its title and descriptions changed (--json prints each change as
JSON), and exits with status 1 when one breaks calls or rules made against
OLD, so that a release that renames a tool or an argument shows in CI. The
resources and search layouts (what auto picks for a large API) list no
operation: against an earlier description, the operations their tools run
are compared too, as --layout operations lists them. A listing kept for CI
should be one that --layout operations --json wrote, compared with
--layout operations; one of another layout cannot show them. A listing
compared with one listed in another layout (auto's pick included) stops
with status 2 and says which --layout to give.`,
		Example: toolsExample(f.Brand),
		Args:    noArgs(""),
		RunE: func(c *cobra.Command, _ []string) error {
			if c.Flags().Changed("diff") && strings.TrimSpace(opts.Diff) == "" {
				// An unset variable in a CI job (--diff "$OLD"): listing
				// the tools and exiting 0 would pass for "no change".
				return FlagErrorf("--diff needs OLD: a file that tools --json wrote, or an OpenAPI description (file or URL)\nSee '%s --help'.", c.CommandPath())
			}
			if opts.Diff != "" && opts.Tokens {
				// A usage error: 2, as diff(1) gives, where 1 would say
				// that a change breaks calls.
				return FlagErrorf("--diff and --tokens cannot be used together\nSee '%s --help'.", c.CommandPath())
			}
			if runF != nil {
				return runF(opts)
			}
			return toolsRun(c, opts)
		},
	}
	opts.Profile = addProfileFlags(c)
	c.Flags().BoolVar(&opts.NoCache, "no-cache", false, "read and build the description now, without the compiled description cache")
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the tools as a JSON array, exactly as tools/list returns them")
	c.Flags().BoolVar(&opts.Tokens, "tokens", false, "show an estimate of the tokens each tool costs the model")
	c.Flags().StringVar(&opts.Diff, "diff", "", "compare with `OLD`, an earlier listing: a file that tools --json wrote, or an OpenAPI description (file or URL); exit 1 on breaking changes")
	return c
}

// estimateTokens is a rough token count for n bytes of JSON text: about
// four bytes a token, the usual rule of thumb for English and JSON.
func estimateTokens(n int) int { return (n + 3) / 4 }

func toolsRun(c *cobra.Command, opts *ToolsOptions) error {
	err := listTools(c, opts)
	var silent *SilentError
	if opts.Diff != "" && err != nil && !errors.As(err, &silent) {
		// With --diff, 1 says that a change breaks calls: a comparison
		// that could not be made exits with 2, as diff(1) does.
		var flagErr *FlagError
		if !errors.As(err, &flagErr) {
			err = &FlagError{Err: err}
		}
	}
	return err
}

func listTools(c *cobra.Command, opts *ToolsOptions) error {
	f := opts.F
	p, err := opts.Profile.resolveToServe(f)
	if err != nil {
		return err
	}
	srv, done, err := opts.Profile.app(f, opts.NoCache).Tools(c.Context(), p, false)
	if err != nil {
		return err
	}
	defer done()
	if opts.Diff != "" {
		return toolsDiff(c, opts, p, srv)
	}
	tools := srv.Tools()
	layout, why := layoutOf(srv)
	// What the model reads of the listing: the tools' names, descriptions
	// and input schemas (as a list: one byte more for its brackets), as
	// the auto layout counts it.
	read := 1
	for _, t := range tools {
		read += server.ModelBytes(t)
	}
	if opts.JSON && opts.Tokens {
		// A size report: the layout served and what its listing costs.
		all, _ := json.Marshal(tools)
		b, err := json.MarshalIndent(sizeReport{Layout: layout, Reason: why, Tools: len(tools), Bytes: len(all), ModelBytes: read, Tokens: estimateTokens(read)}, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(f.IO.Out, string(b))
		return nil
	}
	if opts.JSON {
		b, err := json.MarshalIndent(tools, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(f.IO.Out, string(b))
		return nil
	}
	w := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
	header := "NAME\tKIND\tTITLE"
	if opts.Tokens {
		header += "\tTOKENS"
	}
	fmt.Fprintln(w, header)
	for _, t := range tools {
		line := fmt.Sprintf("%s\t%s\t%s", t.Name, toolKind(t), oneLine(toolTitle(t), 70))
		if opts.Tokens {
			line += fmt.Sprintf("\t%d", estimateTokens(server.ModelBytes(t)))
		}
		fmt.Fprintln(w, line)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if opts.Tokens {
		// The total is the listing's estimate, as --json and the auto
		// layout's reason give it (the rows' estimates round each apart).
		all, _ := json.Marshal(tools)
		fmt.Fprintf(f.IO.Out, "\n%s, about %d tokens (%d bytes a model reads of %d bytes of tool definitions: names, descriptions and input schemas, not titles and annotations)\n", count(len(tools), "tool"), estimateTokens(read), read, len(all))
		if layout != "" {
			fmt.Fprintf(f.IO.Out, "layout %s", layout)
			if why != "" {
				fmt.Fprintf(f.IO.Out, " (auto: %s)", why)
			}
			fmt.Fprintln(f.IO.Out)
		}
	} else if f.IO.OutTTY {
		fmt.Fprintf(f.IO.Out, "\n%s\n", count(len(tools), "tool"))
	}
	return nil
}

// sizeReport is what `tools --tokens --json` prints.
type sizeReport struct {
	Layout string `json:"layout,omitempty"`
	// Reason says why the auto layout chose Layout.
	Reason string `json:"reason,omitempty"`
	Tools  int    `json:"tools"`
	// Bytes is the size of the tool definitions (tools/list's tools),
	// ModelBytes what a model reads of them, and Tokens its estimate.
	Bytes      int `json:"bytes"`
	ModelBytes int `json:"model_bytes"`
	Tokens     int `json:"tokens"`
}

func toolTitle(t *mcp.Tool) string {
	if t.Title != "" {
		return t.Title
	}
	if t.Annotations != nil && t.Annotations.Title != "" {
		return t.Annotations.Title
	}
	return t.Description
}

// toolKind labels a tool by its annotations: "read" (GET, HEAD), "write"
// (POST: adds), "destructive" (PUT, PATCH, DELETE: may overwrite or remove).
func toolKind(t *mcp.Tool) string {
	a := t.Annotations
	switch {
	case a == nil:
		return "?"
	case a.ReadOnlyHint:
		return "read"
	case a.DestructiveHint != nil && *a.DestructiveHint:
		return "destructive"
	default:
		return "write"
	}
}

func oneLine(s string, max int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}
