package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/restmcp/restmcp/install"
)

// UninstallOptions are the inputs of `uninstall`.
type UninstallOptions struct {
	F       *Factory
	Client  string
	Profile string
	Name    string
	Project bool
	DryRun  bool
	Force   bool
	// Command is the command install wrote (--command); "" as install picks.
	Command string
	// URL is the URL install wrote with --url.
	URL string

	// Executable and Env: as in InstallOptions.
	Executable func() (string, error)
	Env        func() install.Env
}

func newUninstallCmd(f *Factory, runF func(*UninstallOptions) error) *cobra.Command {
	opts := &UninstallOptions{F: f}
	c := &cobra.Command{
		Use:   "uninstall CLIENT",
		Short: "Remove this server from an MCP client's configuration",
		Long: fmt.Sprintf(`Remove the entry that install added from an MCP client's configuration.

Clients: %s.

Only that entry is removed; the rest of the file is left as it was, and the
previous version is saved as <file>.bak (a project's, out of the project, in
the configuration folder's backups). A file left holding nothing but an empty
servers object, with no backup beside it (one install created), is deleted
instead. An entry of that name that runs another program is left alone
unless --force is given.`, strings.Join(install.IDs(), ", ")),
		Example: fmt.Sprintf(`  %[1]s uninstall cursor%[2]s
  %[1]s uninstall vscode --project --name acme`, f.Brand.Name, exampleProfile(f.Brand)),
		Args:      oneArg(clientArgHint("uninstall", f), ""),
		ValidArgs: install.IDs(),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Client = args[0]
			var err error
			if opts.Name, _, err = entryName(c, opts.Name, opts.Profile, opts.URL); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return uninstallRun(c.Context(), opts)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&opts.Profile, "profile", "p", f.Brand.ProfileName(), "profile whose entry to remove")
	fl.StringVar(&opts.Name, "name", "", "server name in the client's configuration (default: the profile name; with --url, the URL's host, as install names it)")
	fl.BoolVar(&opts.Project, "project", false, "edit the project's configuration file (in the current directory)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "show what would change and write nothing")
	fl.BoolVar(&opts.Force, "force", false, "remove the entry even if it runs another program")
	fl.StringVar(&opts.Command, "command", "", "the command install wrote with --command")
	fl.StringVar(&opts.URL, "url", "", "the URL install wrote with --url (a remote entry)")
	return c
}

func uninstallRun(_ context.Context, opts *UninstallOptions) error {
	f := opts.F
	if opts.Executable == nil {
		opts.Executable = func() (string, error) { return executablePath(f) }
	}
	if opts.Env == nil {
		opts.Env = func() install.Env { return installEnv(f) }
	}
	client, err := install.Lookup(opts.Client)
	if err != nil {
		return &FlagError{Err: err}
	}
	if opts.URL != "" && opts.Command != "" {
		return FlagErrorf("--url and --command cannot be used together: --url finds a remote entry, which runs no command")
	}
	if err := install.ValidName(opts.Name); err != nil {
		return FlagErrorf("%v: pass --name", err)
	}
	path, err := client.Path(opts.Env(), opts.Project)
	if err != nil {
		if errors.Is(err, install.ErrNoProjectFile) {
			return &FlagError{Err: err}
		}
		return err
	}
	entry := install.Entry{Name: opts.Name, URL: opts.URL}
	if opts.URL == "" {
		if entry.Command, err = entryCommand(f, opts.Project, opts.Command, opts.Env().Dir, opts.Executable); err != nil {
			return err
		}
	}
	res, err := client.UninstallEntry(path, entry, install.Options{Force: opts.Force, DryRun: opts.DryRun, BackupDir: backupDir(f, opts.Project)})
	for _, w := range res.Warnings {
		fmt.Fprintf(f.IO.ErrOut, "Warning: %s\n", w)
	}
	var conflict *install.ConflictError
	if errors.As(err, &conflict) {
		return fmt.Errorf("%w, not %s: left as it is (pass --force to remove it anyway)", err, f.Brand.Name)
	}
	var readOnly *install.ReadOnlyError
	if errors.As(err, &readOnly) {
		return fmt.Errorf("%w, or remove the entry %q by hand", err, opts.Name)
	}
	if err != nil {
		return err
	}
	out := f.IO.Out
	switch {
	case res.Action == install.Absent:
		if _, statErr := os.Stat(path); statErr != nil {
			fmt.Fprintf(out, "%s has no configuration file at %s; nothing to remove.\n", client.Title, path)
		} else {
			fmt.Fprintf(out, "%s has no server %q in %s; nothing changed.\n", client.Title, opts.Name, path)
		}
	case opts.DryRun:
		fmt.Fprintf(out, "Would remove %q from %s (%s); nothing was written:\n", opts.Name, client.Title, path)
		writeDiff(out, client.Redact(res.Before), client.Redact(res.After))
		if res.Deleted {
			fmt.Fprintln(out, "The file would hold nothing else, so it would be deleted.")
		}
		if res.Refused != nil {
			fmt.Fprintf(f.IO.ErrOut, "Without --dry-run this would stop: %v, or remove the entry %q by hand\n", res.Refused, opts.Name)
		}
	default:
		fmt.Fprintf(out, "Removed %q from %s: %s\n", opts.Name, client.Title, path)
		if res.Deleted {
			fmt.Fprintln(out, "The file held nothing else, so it was deleted.")
		}
		if res.Backup != "" {
			fmt.Fprintf(out, "The previous version is in %s.\n", res.Backup)
		}
	}
	return nil
}
