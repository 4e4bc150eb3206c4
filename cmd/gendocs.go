//go:build gendocs

package cmd

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// The hidden `gen-docs` command exists only in builds tagged gendocs
// (`go run -tags gendocs ./cmd/restmcp gen-docs DIR`, the release's
// before-hook): the man-page generator and its Markdown parser stay out of
// the binary users run, which starts without initialising them.
func init() {
	extraCommands = append(extraCommands, func(f *Factory) *cobra.Command { return newGenDocsCmd(f, nil) })
}

// GenDocsOptions are the inputs of the hidden `gen-docs` command, which
// release builds run to ship man pages and shell completions.
type GenDocsOptions struct {
	F   *Factory
	Dir string
	// Date is the man pages' date (RFC 3339); empty means $SOURCE_DATE_EPOCH,
	// else now.
	Date string
	// Clean removes DIR/man and DIR/completions first, so that no page of
	// another build (another brand) is left behind.
	Clean bool
}

func newGenDocsCmd(f *Factory, runF func(*GenDocsOptions) error) *cobra.Command {
	opts := &GenDocsOptions{F: f}
	c := &cobra.Command{
		Use:   "gen-docs DIR",
		Short: "Write man pages and shell completions into DIR",
		Long: `Write man pages to DIR/man and shell completions (bash, zsh, fish, PowerShell)
to DIR/completions. Both must be empty or absent unless --clean is given.`,
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if runF != nil {
				return runF(opts)
			}
			return genDocsRun(c.Root(), opts)
		},
	}
	c.Flags().StringVar(&opts.Date, "date", "", "date of the man pages, RFC 3339 (default: $SOURCE_DATE_EPOCH, else now)")
	c.Flags().BoolVar(&opts.Clean, "clean", false, "remove DIR/man and DIR/completions first")
	return c
}

func genDocsRun(root *cobra.Command, opts *GenDocsOptions) error {
	name := opts.F.Brand.Name
	header := &doc.GenManHeader{
		Title:   strings.ToUpper(name),
		Section: "1",
		Source:  name + " " + Version(),
		Manual:  name + " manual",
	}
	if opts.Date != "" {
		d, err := time.Parse(time.RFC3339, opts.Date)
		if err != nil {
			return FlagErrorf("--date %q: %w (use RFC 3339, e.g. 2026-11-21T05:00:00Z)", opts.Date, err)
		}
		header.Date = &d
	}
	root.DisableAutoGenTag = true

	manDir := filepath.Join(opts.Dir, "man")
	compDir := filepath.Join(opts.Dir, "completions")
	for _, d := range []string{manDir, compDir} {
		if err := prepareDir(d, opts.Clean); err != nil {
			return err
		}
	}
	if err := doc.GenManTree(root, header, manDir); err != nil {
		return fmt.Errorf("writing man pages to %s: %w", manDir, err)
	}

	completions := []struct {
		file string
		gen  func(io.Writer) error
	}{
		{name + ".bash", func(w io.Writer) error { return root.GenBashCompletionV2(w, true) }},
		{"_" + name, root.GenZshCompletion},
		{name + ".fish", func(w io.Writer) error { return root.GenFishCompletion(w, true) }},
		{name + ".ps1", root.GenPowerShellCompletionWithDesc},
	}
	for _, c := range completions {
		if err := writeFile(filepath.Join(compDir, c.file), c.gen); err != nil {
			return err
		}
	}
	return nil
}

// prepareDir creates dir; an existing dir must be empty unless clean, which
// removes it first.
func prepareDir(dir string, clean bool) error {
	if clean {
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("removing %s: %w", dir, err)
		}
	} else if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty: pass --clean to replace what is there", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	return nil
}

func writeFile(path string, gen func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	if err := gen(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
