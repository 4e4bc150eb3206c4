package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

// LogoutOptions are the inputs of `logout`.
type LogoutOptions struct {
	F *Factory
}

func newLogoutCmd(f *Factory, runF func(*LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{F: f}
	return &cobra.Command{
		Use:   "logout",
		Short: "logout (not yet available)",
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return errors.New("logout: not implemented yet")
		},
	}
}
