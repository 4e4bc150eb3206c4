package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

// ToolsOptions are the inputs of `tools`.
type ToolsOptions struct {
	F *Factory
}

func newToolsCmd(f *Factory, runF func(*ToolsOptions) error) *cobra.Command {
	opts := &ToolsOptions{F: f}
	return &cobra.Command{
		Use:   "tools",
		Short: "tools (not yet available)",
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return errors.New("tools: not implemented yet")
		},
	}
}
