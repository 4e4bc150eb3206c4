package cmd

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version returns the build's version: the one stamped at release, else the
// module version recorded by `go install`, else "dev".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func newVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			fmt.Fprintf(f.IO.Out, "%s %s\n", f.Brand.Name, Version())
			if commit != "" {
				fmt.Fprintf(f.IO.Out, "commit: %s\n", commit)
			}
			if date != "" {
				fmt.Fprintf(f.IO.Out, "built: %s\n", date)
			}
			return nil
		},
	}
}
