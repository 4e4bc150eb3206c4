package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

// StatusOptions are the inputs of `status`.
type StatusOptions struct {
	F *Factory
}

func newStatusCmd(f *Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{F: f}
	return &cobra.Command{
		Use:   "status",
		Short: "status (not yet available)",
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return errors.New("status: not implemented yet")
		},
	}
}
