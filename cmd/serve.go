package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

// ServeOptions are the inputs of `serve`.
type ServeOptions struct {
	F *Factory
}

func newServeCmd(f *Factory, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{F: f}
	return &cobra.Command{
		Use:   "serve",
		Short: "serve (not yet available)",
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return errors.New("serve: not implemented yet")
		},
	}
}
