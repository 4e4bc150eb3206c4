package cmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
)

// LogoutOptions are the inputs of `logout`.
type LogoutOptions struct {
	F           *Factory
	ProfileName string
	// All removes the profile's stored settings as well as its key.
	All bool
}

func newLogoutCmd(f *Factory, runF func(*LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{F: f}
	c := &cobra.Command{
		Use:   "logout",
		Short: "Remove a profile's API key from the OS keyring",
		Long: `Logout deletes the profile's API key from the OS keyring. The profile's
settings (description, base URL, auth header) stay, so a later login only asks
for the key again. With --all the profile itself is removed too: its key and
its settings. Other profiles are never touched.

A key passed in ` + f.Brand.Env("API_KEY") + ` is not affected: unset the variable yourself.`,
		Example: logoutExample(f.Brand),
		Args:    noArgs(""),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return logoutRun(opts)
		},
	}
	c.Flags().StringVarP(&opts.ProfileName, "profile", "p", f.Brand.ProfileName(), "profile name")
	c.Flags().BoolVar(&opts.All, "all", false, "remove the profile's settings too, not only its key")
	return c
}

func logoutRun(opts *LogoutOptions) error {
	f := opts.F
	errOut := f.IO.ErrOut
	name := opts.ProfileName
	store, err := f.Profiles()
	if err != nil {
		return err
	}
	stored, perr := store.Get(name)
	if perr != nil && !errors.Is(perr, profile.ErrNotFound) {
		return perr
	}
	hasProfile := perr == nil
	// An OAuth profile keeps tokens, not a key: its logout says what
	// became of them, not that no key was found.
	isOAuth := hasProfile && stored.Auth != nil && stored.Auth.Kind == profile.AuthOAuth2 && stored.Auth.OAuth != nil
	if !hasProfile {
		// A profile saved before names were checked keeps its logout;
		// otherwise such a name could only reach another profile's entries.
		if err := simpleProfileName(name); err != nil {
			return err
		}
	}

	// The plain-text file first: on a machine without a usable keyring
	// (where --insecure-storage is used) the keyring's failure must not keep
	// the key in the file.
	pf, err := f.App().InsecureKeys()
	if err != nil {
		return err
	}
	removedFile := false
	// removed counts what this logout found under the name: with no
	// profile either, the name was most likely mistyped.
	removed := 0
	// A plain-text file that cannot be read is left as it is (it may hold
	// other profiles' keys), and the rest of the logout still happens:
	// fileErr says so at the end.
	var fileErr error
	var corrupt *keyring.CorruptFileError
	switch err := pf.Delete(name); {
	case err == nil:
		removedFile = true
		removed++
		fmt.Fprintf(errOut, "✓ Removed the plain-text key of profile %q from %s.\n", name, pf.Path)
	case errors.As(err, &corrupt):
		fileErr = fmt.Errorf("a plain-text key of profile %q may remain: %w. Once it is fixed, run `%s logout --profile %s` again",
			name, err, f.Brand.Name, app.QuoteProfileName(name))
	case !errors.Is(err, keyring.ErrNotFound):
		return fmt.Errorf("removing the plain-text key of profile %q: %w", name, err)
	}

	var keyringErr error
	searched := true // the keyring answered whether it holds a key
	switch err := f.Keyring.Delete(name); {
	case err == nil:
		removed++
		fmt.Fprintf(errOut, "✓ Removed the key of profile %q from %s.\n", name, f.Keyring.Describe())
	case errors.Is(err, keyring.ErrNotFound):
		if !removedFile && !isOAuth && hasProfile {
			fmt.Fprintf(errOut, "No key of profile %q in %s: nothing to remove.\n", name, f.Keyring.Describe())
		}
	case errors.Is(err, keyring.ErrUnavailable):
		searched = false
		// Nothing more can be done now, and the keyring may well hold
		// nothing (a machine without one): say what may be left, and how
		// it goes, without failing what was done.
		fmt.Fprintf(errOut, "! Could not look for a key of profile %q in %s (%v): a key may remain there; once the keyring can be used, remove it with `%s logout --profile %s`.\n",
			name, f.Keyring.Describe(), err, f.Brand.Name, app.QuoteProfileName(name))
	default:
		// Finish what can be done, then report it.
		keyringErr = fmt.Errorf("removing the key of profile %q from %s: %w (run `%s logout --profile %s` again once the keyring can be used)",
			name, f.Keyring.Describe(), err, f.Brand.Name, app.QuoteProfileName(name))
	}

	oauthErr := error(nil)
	if isOAuth {
		oauthErr = logoutOAuth(opts, f.Brand.Apply(stored))
	} else {
		// No OAuth profile (any more): a token or client secret left by
		// an earlier logout that could not reach the keyring still goes.
		var forgot int
		forgot, oauthErr = forgetOAuthEntries(opts, name)
		removed += forgot
	}
	if oauthErr != nil && keyringErr == nil {
		keyringErr = oauthErr
	}

	if !hasProfile && removed == 0 && keyringErr == nil && fileErr == nil {
		return noProfileError(store, name, searched)
	}
	if opts.All {
		if hasProfile && oauthErr != nil {
			// The profile says where to revoke the token: it stays until
			// the token is gone, so that the next logout can finish.
			fmt.Fprintf(errOut, "! Kept profile %q in %s until its OAuth token is removed.\n", name, store.Path())
		} else if hasProfile {
			if err := store.Delete(name); err != nil {
				return fmt.Errorf("removing profile %q: %w", name, err)
			}
			fmt.Fprintf(errOut, "✓ Removed profile %q from %s.\n", name, store.Path())
		} else {
			fmt.Fprintf(errOut, "No profile %q in %s.\n", name, store.Path())
		}
	} else if hasProfile {
		fmt.Fprintf(errOut, "The profile's settings stay in %s (remove them with --all).\n", store.Path())
	}

	if env := f.Brand.Env("API_KEY"); f.Getenv(env) != "" {
		fmt.Fprintf(errOut, "! %s is still set: commands keep using that key until you unset it.\n", env)
	}
	return errors.Join(keyringErr, fileErr)
}

// noProfileError says that name is no profile, nor a name keys are
// stored under (unless the keyring could not be searched), and names the
// profiles there are.
func noProfileError(store profile.Store, name string, searched bool) error {
	msg := fmt.Sprintf("no profile %q in %s", name, store.Path())
	if searched {
		msg += ", and no key stored under that name: nothing to remove"
	}
	return errors.New(msg + profilesThere(store))
}

// forgetOAuthEntries removes an OAuth token and client secret stored under
// a profile name that is no OAuth profile, without revoking (nothing says
// where), and counts those it removed: an error only when the keyring
// cannot be used.
func forgetOAuthEntries(opts *LogoutOptions, name string) (removed int, err error) {
	f := opts.F
	for _, e := range []struct {
		what string
		del  func() error
	}{
		{"OAuth token", func() error { return f.App().Tokens().Delete(app.TokenAccount(name)) }},
		{"client secret", func() error { return f.Keyring.Delete(app.ClientSecretAccount(name)) }},
	} {
		switch err := e.del(); {
		case err == nil:
			removed++
			fmt.Fprintf(f.IO.ErrOut, "✓ Removed the %s left under profile %q from %s.\n", e.what, name, f.Keyring.Describe())
		case errors.Is(err, keyring.ErrNotFound), errors.Is(err, keyring.ErrUnavailable):
			// Nothing there, or no keyring: the key's removal above
			// already reports an unusable keyring.
		default:
			return removed, fmt.Errorf("removing the %s of profile %q: %w", e.what, name, err)
		}
	}
	return removed, nil
}

// logoutOAuth revokes p's OAuth 2.0 token where the provider allows it,
// then removes it and the client secret from the keyring.
func logoutOAuth(opts *LogoutOptions, p profile.Profile) error {
	// Under the renewal lock: a serve renewing the token just now stores
	// it first, and this removes what it stored.
	return oauth.WithLock(context.Background(), opts.F.App().LockDir(), app.TokenAccount(p.Name), func() error {
		return logoutOAuthLocked(opts, p)
	})
}

func logoutOAuthLocked(opts *LogoutOptions, p profile.Profile) error {
	f := opts.F
	errOut := f.IO.ErrOut
	account := app.TokenAccount(p.Name)
	tok, err := oauth.Load(f.App().Tokens(), account)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		fmt.Fprintf(errOut, "No OAuth token of profile %q in %s.\n", p.Name, f.Keyring.Describe())
	case errors.Is(err, keyring.ErrUnavailable):
		return fmt.Errorf("reading the OAuth token of profile %q: %w", p.Name, err)
	case err != nil:
		// A damaged entry (not JSON, or split into parts with one
		// missing) cannot be revoked, but it still goes: nothing else
		// would ever remove it once the profile is gone.
		fmt.Fprintf(errOut, "! The stored OAuth token of profile %q is not readable, so it was not revoked at the provider.\n", p.Name)
		if err := f.App().Tokens().Delete(account); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return fmt.Errorf("removing the OAuth token of profile %q: %w", p.Name, err)
		}
		fmt.Fprintf(errOut, "✓ Removed the OAuth token of profile %q from %s.\n", p.Name, f.Keyring.Describe())
	default:
		cfg, cerr := f.App().OAuthConfig(p)
		switch {
		case cerr != nil && p.Auth.OAuth.RevocationURL != "":
			// Revoking needs the client to authenticate: say the token
			// still works at the provider until it expires.
			fmt.Fprintf(errOut, "! The token was not revoked at the provider (%v), only removed from this machine; revoke the app's access in the provider's settings if it must stop working now.\n", cerr)
		case cerr == nil && cfg.RevocationURL != "":
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			rerr := cfg.Revoke(ctx, tok)
			cancel()
			if rerr != nil {
				fmt.Fprintf(errOut, "! The provider did not revoke the token: %v\n", rerr)
			} else {
				fmt.Fprintln(errOut, "✓ Revoked the token at the provider.")
			}
		}
		if err := f.App().Tokens().Delete(account); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return fmt.Errorf("removing the OAuth token of profile %q: %w", p.Name, err)
		}
		fmt.Fprintf(errOut, "✓ Removed the OAuth token of profile %q from %s.\n", p.Name, f.Keyring.Describe())
	}
	if err := f.Keyring.Delete(app.ClientSecretAccount(p.Name)); err == nil {
		fmt.Fprintf(errOut, "✓ Removed the client secret of profile %q.\n", p.Name)
	}
	return nil
}
