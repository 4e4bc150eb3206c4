// Package cmd is restmcp's command line: the only importer of cobra. Each
// subcommand lives in its own file with an options struct and a run function.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/restmcp/restmcp/oauth"
)

// Main runs the command line and returns the process exit code.
func Main() int {
	ctx, stop := notifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first signal asks the command to finish; a second one ends the
	// process at once, whatever the command is waiting on.
	context.AfterFunc(ctx, stop)
	f := NewFactory()
	root := rootFor(f, os.Args[1:])
	root.SetArgs(os.Args[1:])
	return Execute(ctx, f, root)
}

// rootFor is the command tree that runs args: for `serve`, which editors
// start often and wait on, the root with serve alone (its help, flags and
// errors are the same: serve has no subcommand and the root no flag of
// its own), so that a start does not build every other command and flag.
func rootFor(f *Factory, args []string) *cobra.Command {
	if len(args) > 0 && args[0] == "serve" {
		root := newRoot(f, newServeCmd(f, nil))
		// Only `completion` reaches the completion command.
		root.CompletionOptions.DisableDefaultCmd = true
		return root
	}
	return NewRootCmd(f)
}

// renewalWait bounds the wait, before the process exits, for OAuth token
// renewals still in flight: one token request's own timeout, and the
// keyring writes that store its answer.
const renewalWait = oauth.DefaultHTTPTimeout + 10*time.Second

// Execute runs root and maps its error to an exit code, printing it once.
// Before it returns it waits (see waitRenewals) for the OAuth token
// renewals still in flight, whose callers may have given up: the refresh
// token they spent is replaced by the one their answer brings, lost if
// the process ends first.
func Execute(ctx context.Context, f *Factory, root *cobra.Command) int {
	code := exitCode(ctx, f, root.ExecuteContext(ctx))
	waitRenewals(ctx, f)
	return code
}

// exitCode prints err, once, and maps it to the process's exit code: 2
// for bad input, 128 plus the signal's number (130 for Ctrl-C) for a
// command a signal interrupted (errInterrupted), else 1.
func exitCode(ctx context.Context, f *Factory, err error) int {
	if err == nil {
		return 0
	}
	var silent *SilentError
	if errors.As(err, &silent) {
		return silent.Code
	}
	fmt.Fprintf(f.IO.ErrOut, "Error: %v\n", err)
	var flagErr *FlagError
	switch {
	case errors.As(err, &flagErr):
		return 2
	case errors.Is(err, errInterrupted), endedBySignal(ctx, err):
		return interruptedCode(ctx)
	}
	return 1
}

// endedBySignal reports whether err is the end of what a signal
// interrupted (a description still loading when SIGTERM came): its cause
// in the chain, or the context's cancellation once a signal ended ctx.
func endedBySignal(ctx context.Context, err error) bool {
	var sc signalCause
	if errors.As(err, &sc) {
		return true
	}
	return errors.As(context.Cause(ctx), &sc) && errors.Is(err, context.Canceled)
}

// signalCause is the cause of a context that a signal ended.
type signalCause struct{ sig os.Signal }

// Error implements error.
func (c signalCause) Error() string { return c.sig.String() + " received" }

// notifyContext is signal.NotifyContext whose context, when one of sigs
// arrives, ends with that signal as its cause (a signalCause), so that the
// exit code can name it.
func notifyContext(parent context.Context, sigs ...os.Signal) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		select {
		case sig := <-ch:
			cancel(signalCause{sig})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(nil)
	}
}

// interruptedCode is the exit code of a command ctx's end interrupted:
// 128 plus the number of the signal that ended it (130 for SIGINT, 143
// for SIGTERM), as shells report a process the signal killed; 130 when
// ctx ended otherwise.
func interruptedCode(ctx context.Context) int {
	var sc signalCause
	if errors.As(context.Cause(ctx), &sc) {
		if n, ok := sc.sig.(syscall.Signal); ok {
			return 128 + int(n)
		}
	}
	return 130
}

// waitRenewals waits, up to renewalWait, for f's token renewals in flight,
// and says so. A signal that comes during the wait ends it; after a signal
// that ended the command, a second one ends the process at once (Main).
func waitRenewals(ctx context.Context, f *Factory) {
	if !f.renewals.Pending() {
		return
	}
	wctx, cancel := context.WithTimeout(context.Background(), renewalWait)
	defer cancel()
	if ctx.Err() == nil {
		defer context.AfterFunc(ctx, cancel)()
	}
	if f.Log != nil {
		f.Log.Info("waiting for an OAuth token renewal to finish, so that the new refresh token it brings is kept", "at most", renewalWait)
	}
	if err := f.renewals.Wait(wctx); err != nil && f.Log != nil {
		f.Log.Warn("an OAuth token renewal did not finish before the exit: the next use may have to sign in again", "err", err)
	}
}

// SilentError means the failure was already reported; exit with Code.
type SilentError struct{ Code int }

// Error implements error.
func (e *SilentError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// FlagError is bad command-line input: the command exits with status 2.
type FlagError struct{ Err error }

// Error implements error.
func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the bad input.
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf formats a FlagError.
func FlagErrorf(format string, a ...any) error {
	return &FlagError{Err: fmt.Errorf(format, a...)}
}

// extraCommands are added by files built only under a build tag.
var extraCommands []func(*Factory) *cobra.Command

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	cmds := []*cobra.Command{
		newServeCmd(f, nil),
		newToolsCmd(f, nil),
		newCallCmd(f, nil),
		newLoginCmd(f, nil),
		newLogoutCmd(f, nil),
		newStatusCmd(f, nil),
		newInstallCmd(f, nil),
		newUninstallCmd(f, nil),
		newVersionCmd(f, nil),
	}
	for _, extra := range extraCommands {
		cmds = append(cmds, extra(f))
	}
	return newRoot(f, cmds...)
}

// newRoot is the root command with cmds under it.
func newRoot(f *Factory, cmds ...*cobra.Command) *cobra.Command {
	root := &cobra.Command{
		Use:   f.Brand.Name,
		Short: "Serve any REST API described by OpenAPI as MCP tools",
		Long: f.Brand.Name + ` reads an API's OpenAPI description, exposes each operation as a typed MCP
tool over stdio, takes the API key from the OS keyring and forwards every tool
call to the REST API.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &FlagError{Err: fmt.Errorf("%w\nSee '%s --help'.", redactFlagError(f, err), c.CommandPath())}
	})
	// Runnable, so that its arguments are checked (unknownCommand): alone,
	// it prints its help.
	root.Args = unknownCommand
	root.SuggestionsMinimumDistance = 2
	root.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	root.AddCommand(cmds...)
	brandHelp(root, f.Brand)
	plainBoolFlags(root)
	checkFlagValues(root)
	return root
}
