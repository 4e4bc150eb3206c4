package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/charmbracelet/log"
	"golang.org/x/term"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
)

// IOStreams are the command's standard streams.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// InTTY and OutTTY report whether stdin and stdout are terminals.
	InTTY, OutTTY bool
	// ReadSecret reads one line from the terminal without echo; it gives
	// up when ctx ends (Ctrl-C).
	ReadSecret func(ctx context.Context) (string, error)
}

// CanPrompt reports whether the user can be asked interactively.
func (io *IOStreams) CanPrompt() bool { return io.InTTY && io.OutTTY }

// Factory holds what commands depend on, so tests can replace it.
type Factory struct {
	IO     *IOStreams
	Brand  Brand
	Getenv func(string) string
	// Keyring stores keys under the brand's service name.
	Keyring keyring.Store
	Log     *log.Logger

	// renewals are the OAuth token renewals in flight, which Execute
	// waits for before the process exits.
	renewals oauth.Renewals
}

// NewFactory returns the Factory of a real process.
func NewFactory() *Factory {
	b := defaultBrand()
	stdin := int(os.Stdin.Fd())
	f := &Factory{
		IO: &IOStreams{
			In:     os.Stdin,
			Out:    os.Stdout,
			ErrOut: os.Stderr,
			InTTY:  term.IsTerminal(stdin),
			OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
			ReadSecret: func(ctx context.Context) (string, error) {
				return readPassword(ctx, stdin)
			},
		},
		Brand:   b,
		Getenv:  os.Getenv,
		Keyring: keyring.Store{Service: b.Name},
		Log:     newLogger(os.Stderr, b.Name),
	}
	return f
}

// ConfigDir is where profiles live: $<BRAND>_CONFIG_DIR, else the user
// config directory's <brand> folder.
func (f *Factory) ConfigDir() (string, error) {
	if d := f.Getenv(f.Brand.Env("CONFIG_DIR")); d != "" {
		return d, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no directory for profiles: %w (set %s to one)", err, f.Brand.Env("CONFIG_DIR"))
	}
	return filepath.Join(d, f.Brand.Name), nil
}

// CacheDir is where compiled descriptions are kept: $<BRAND>_CACHE_DIR;
// else, when $<BRAND>_CONFIG_DIR is set, its cache folder (an isolated
// configuration keeps its cache with it); else the user cache
// directory's <brand> folder.
func (f *Factory) CacheDir() (string, error) {
	if d := f.Getenv(f.Brand.Env("CACHE_DIR")); d != "" {
		return d, nil
	}
	if d := f.Getenv(f.Brand.Env("CONFIG_DIR")); d != "" {
		return filepath.Join(d, "cache"), nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory: %w (set %s to one, or pass --no-cache)", err, f.Brand.Env("CACHE_DIR"))
	}
	return filepath.Join(d, f.Brand.Name), nil
}

// App is the program below its command line, over the Factory's
// dependencies.
func (f *Factory) App() *app.App {
	a := &app.App{
		Name:      f.Brand.Name,
		Version:   Version(),
		KeyEnv:    f.Brand.Env("API_KEY"),
		Getenv:    f.Getenv,
		Keyring:   f.Keyring,
		ConfigDir: f.ConfigDir,
		Log:       f.Log,
		Renewals:  &f.renewals,
	}
	if f.Getenv == nil || f.Log == nil {
		return a // a Factory for help text or a test: no cache
	}
	if dir, err := f.CacheDir(); err != nil {
		f.Log.Debug("no compiled description cache", "err", err)
	} else {
		a.Cache = &app.Cache{Dir: dir, Stamp: app.BuildStamp(a.Version), Log: f.Log}
	}
	return a
}

// AppNoCache is App without the compiled description cache, for --no-cache.
func (f *Factory) AppNoCache(noCache bool) *app.App {
	a := f.App()
	if noCache {
		a.Cache = nil
	}
	return a
}

// Profiles returns the profile store.
func (f *Factory) Profiles() (profile.Store, error) {
	d, err := f.ConfigDir()
	if err != nil {
		return profile.Store{}, err
	}
	return profile.Store{Dir: d}, nil
}

// newLogger returns the stderr logger. The writer is wrapped so the logger
// does not see a terminal: on one, it would query the terminal's colours at
// start-up, which prints escape codes and waits seconds on terminals that do
// not answer (and can swallow keys typed before login's prompt).
func newLogger(w io.Writer, prefix string) *log.Logger {
	return log.NewWithOptions(struct{ io.Writer }{w}, log.Options{Prefix: prefix})
}

// readPassword reads a line without echo from the terminal fd. Ctrl-C does
// not end the process while it waits (the command's context catches the
// signal), so it gives up when ctx ends, and puts the terminal back as it
// was: echo on.
func readPassword(ctx context.Context, fd int) (string, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	return readUntilDone(ctx, func() ([]byte, error) { return term.ReadPassword(fd) },
		func() { _ = term.Restore(fd, state) })
}

// errInterrupted is returned by a prompt or a wait that Ctrl-C (or
// SIGTERM) ended; a command that returns it exits with 128 plus the
// signal's number (exitCode).
var errInterrupted = errors.New("interrupted")

// readUntilDone returns what read returns, or errInterrupted as soon as ctx
// ends, after calling restore; read is then abandoned.
func readUntilDone(ctx context.Context, read func() ([]byte, error), restore func()) (string, error) {
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := read()
		ch <- result{b, err}
	}()
	select {
	case r := <-ch:
		return string(r.b), r.err
	case <-ctx.Done():
		restore()
		return "", errInterrupted
	}
}
