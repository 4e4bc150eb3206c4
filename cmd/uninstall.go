package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

// UninstallOptions are the inputs of `uninstall`.
type UninstallOptions struct {
	F *Factory
}

func newUninstallCmd(f *Factory, runF func(*UninstallOptions) error) *cobra.Command {
	opts := &UninstallOptions{F: f}
	return &cobra.Command{
		Use:   "uninstall",
		Short: "uninstall (not yet available)",
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return errors.New("uninstall: not implemented yet")
		},
	}
}
