package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

// LoginOptions are the inputs of `login`.
type LoginOptions struct {
	F *Factory
}

func newLoginCmd(f *Factory, runF func(*LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{F: f}
	return &cobra.Command{
		Use:   "login",
		Short: "login (not yet available)",
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return errors.New("login: not implemented yet")
		},
	}
}
