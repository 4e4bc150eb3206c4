package cmd

import (
	"github.com/charmbracelet/log"
	"github.com/spf13/cobra"
)

// ServeOptions are the inputs of `serve`.
type ServeOptions struct {
	F       *Factory
	Profile *profileFlags
	Verbose bool
}

func newServeCmd(f *Factory, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{F: f}
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API's operations as MCP tools over stdio",
		Long: `Serve speaks MCP over standard input and output: it is what an editor launches.
Logs go to standard error. It starts even without a key; each tool call then
says how to log in.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return serveRun(c, opts)
		},
	}
	opts.Profile = addProfileFlags(c)
	c.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "log every call (to stderr)")
	return c
}

func serveRun(c *cobra.Command, opts *ServeOptions) error {
	f := opts.F
	if opts.Verbose {
		f.Log.SetLevel(log.DebugLevel)
	}
	p, _, err := opts.Profile.resolve(f)
	if err != nil {
		return err
	}
	if p.MCPURL != "" {
		if err := checkMCPURL(p.MCPURL); err != nil {
			return err
		}
		return f.App().ServeRemote(c.Context(), p, f.IO.In, f.IO.Out)
	}
	return f.App().Serve(c.Context(), p, f.IO.In, f.IO.Out)
}
