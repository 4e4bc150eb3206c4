package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
)

// Where a profile's key comes from, as status reports it.
const (
	KeyFromEnv         = "env"
	KeyFromKeyring     = "keyring"
	KeyFromFile        = "file" // login --insecure-storage
	KeyMissing         = "missing"
	KeyringUnavailable = "unavailable"
	// KeyDamaged: the keyring answered, but what it holds for an OAuth
	// profile is no token that can be read (see TokenUnreadable).
	KeyDamaged = "damaged"
)

// Key is a profile's key and where it came from. When the key could not
// be had (Source KeyMissing, KeyringUnavailable, or KeyFromFile for a file
// that cannot be read), Key is empty and Err says what to do.
type Key struct {
	Key    string
	Source string
	Err    error
}

// ResolveKey finds a profile's key: KeyEnv, else the plain-text file when
// the user chose login --insecure-storage for the profile, else the
// keyring.
func (a *App) ResolveKey(profileName string) Key {
	if k := a.Getenv(a.KeyEnv); k != "" {
		return Key{Key: k, Source: KeyFromEnv}
	}
	return a.StoredKey(profileName)
}

// HasStored reports whether login stored a key for p, or, for an OAuth
// 2.0 profile, a sign-in that can be read: what is sent once KeyEnv is
// unset.
func (a *App) HasStored(p profile.Profile) bool {
	if IsOAuthProfile(p) {
		_, err := oauth.Load(a.Tokens(), TokenAccount(p.Name))
		return err == nil
	}
	return a.StoredKey(p.Name).Err == nil
}

// EnvKeyFix is what to do about a key from KeyEnv that p's API refused:
// correct the variable, or unset it to use the key or sign-in stored for
// p when there is one (otherwise unsetting it leaves nothing to send).
func (a *App) EnvKeyFix(p profile.Profile) string {
	switch {
	case !a.HasStored(p):
		return "correct that variable"
	case IsOAuthProfile(p):
		return "correct that variable, or unset it to use the stored sign-in"
	}
	return fmt.Sprintf("correct that variable, or unset it to use the key `%s` stores", a.LoginCommand(p.Name))
}

// StoredKey finds the key login stored for a profile, ignoring the
// environment: the plain-text file when the user chose login
// --insecure-storage, else the keyring.
func (a *App) StoredKey(profileName string) Key {
	if pf, err := a.InsecureKeys(); err == nil {
		k, err := pf.Get(profileName)
		switch {
		case err == nil:
			return Key{Key: k, Source: KeyFromFile}
		case !errors.Is(err, keyring.ErrNotFound):
			return Key{Source: KeyFromFile, Err: fmt.Errorf("reading the key of profile %q: %w", profileName, err)}
		}
	}
	k, err := a.Keyring.Get(profileName)
	switch {
	case err == nil:
		return Key{Key: k, Source: KeyFromKeyring}
	case errors.Is(err, keyring.ErrNotFound):
		return Key{Source: KeyMissing, Err: fmt.Errorf("no API key for profile %q: run `%s` (or set %s)",
			profileName, a.LoginCommand(profileName), a.KeyEnv)}
	default:
		return Key{Source: KeyringUnavailable, Err: fmt.Errorf("reading the key of profile %q: %w (set %s to pass the key without the keyring)",
			profileName, err, a.KeyEnv)}
	}
}

// KeyCacheTTL is how long a KeySource reuses what the keyring said: a
// long-running server then asks the keyring at most twice a minute, a
// keyring that does not answer costs one timeout per period rather than
// one per tool call, and a new login is picked up within the period.
const KeyCacheTTL = 30 * time.Second

// KeySource resolves a profile's key when a request needs it (see
// ResolveKey), else an error naming the login command. A missing key is
// looked up again on every call, so that a login in another terminal
// takes effect at once.
func (a *App) KeySource(profileName string) client.KeySource {
	var (
		mu   sync.Mutex
		last Key
		at   time.Time
	)
	return func(ctx context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if at.IsZero() || last.Source == KeyMissing || time.Since(at) >= KeyCacheTTL {
			last, at = a.ResolveKey(profileName), time.Now()
		}
		return last.Key, last.Err
	}
}
