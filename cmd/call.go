package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

// CallOptions are the inputs of `call`.
type CallOptions struct {
	F *Factory
}

func newCallCmd(f *Factory, runF func(*CallOptions) error) *cobra.Command {
	opts := &CallOptions{F: f}
	return &cobra.Command{
		Use:   "call",
		Short: "call (not yet available)",
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return errors.New("call: not implemented yet")
		},
	}
}
