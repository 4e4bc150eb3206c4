package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

// InstallOptions are the inputs of `install`.
type InstallOptions struct {
	F *Factory
}

func newInstallCmd(f *Factory, runF func(*InstallOptions) error) *cobra.Command {
	opts := &InstallOptions{F: f}
	return &cobra.Command{
		Use:   "install",
		Short: "install (not yet available)",
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return errors.New("install: not implemented yet")
		},
	}
}
