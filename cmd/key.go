package cmd

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/keyring"
)

// Where a profile's key comes from, as status reports it.
const (
	keyFromEnv         = "env"
	keyFromKeyring     = "keyring"
	keyFromFile        = "file" // login --insecure-storage
	keyMissing         = "missing"
	keyringUnavailable = "unavailable"
)

// resolvedKey is a profile's key and where it came from. When the key
// could not be had (Source keyMissing, keyringUnavailable, or keyFromFile
// for a file that cannot be read), Key is empty and Err says what to do.
type resolvedKey struct {
	Key    string
	Source string
	Err    error
}

// resolveKey finds a profile's key: $<BRAND>_API_KEY, else the plain-text
// file when the user chose login --insecure-storage for the profile, else
// the keyring.
func (f *Factory) resolveKey(profileName string) resolvedKey {
	if k := f.Getenv(f.Brand.Env("API_KEY")); k != "" {
		return resolvedKey{Key: k, Source: keyFromEnv}
	}
	return f.storedKey(profileName)
}

// storedKey finds the key login stored for a profile, ignoring the
// environment: the plain-text file when the user chose login
// --insecure-storage, else the keyring.
func (f *Factory) storedKey(profileName string) resolvedKey {
	envName := f.Brand.Env("API_KEY")
	if pf, err := f.insecureKeys(); err == nil {
		k, err := pf.Get(profileName)
		switch {
		case err == nil:
			return resolvedKey{Key: k, Source: keyFromFile}
		case !errors.Is(err, keyring.ErrNotFound):
			return resolvedKey{Source: keyFromFile, Err: fmt.Errorf("reading the key of profile %q: %w", profileName, err)}
		}
	}
	k, err := f.Keyring.Get(profileName)
	switch {
	case err == nil:
		return resolvedKey{Key: k, Source: keyFromKeyring}
	case errors.Is(err, keyring.ErrNotFound):
		return resolvedKey{Source: keyMissing, Err: fmt.Errorf("no API key for profile %q: run `%s` (or set %s)",
			profileName, f.loginCommand(profileName), envName)}
	default:
		return resolvedKey{Source: keyringUnavailable, Err: fmt.Errorf("reading the key of profile %q: %w (set %s to pass the key without the keyring)",
			profileName, err, envName)}
	}
}

// keyCacheTTL is how long a keySource reuses what the keyring said: a
// long-running server then asks the keyring at most twice a minute, a
// keyring that does not answer costs one timeout per period rather than
// one per tool call, and a new login is picked up within the period.
const keyCacheTTL = 30 * time.Second

// keySource resolves a profile's key when a request needs it:
// $<BRAND>_API_KEY, else the keyring, else an error naming the login
// command. A missing key is looked up again on every call, so that a login
// in another terminal takes effect at once.
func (f *Factory) keySource(profileName string) client.KeySource {
	var (
		mu   sync.Mutex
		last resolvedKey
		at   time.Time
	)
	return func(ctx context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if at.IsZero() || last.Source == keyMissing || time.Since(at) >= keyCacheTTL {
			last, at = f.resolveKey(profileName), time.Now()
		}
		return last.Key, last.Err
	}
}

// loginCommand is the command that stores a key for the profile.
func (f *Factory) loginCommand(profileName string) string {
	return fmt.Sprintf("%s login --profile %s", f.Brand.Name, quoteProfileName(profileName))
}

// maskKey shows at most the last 4 characters of a key, and none of a key
// shorter than 12 characters.
func maskKey(k string) string {
	r := []rune(k)
	if len(r) < 12 {
		return "****"
	}
	return "****" + string(r[len(r)-4:])
}

var plainWord = regexp.MustCompile(`^[A-Za-z0-9_.@%+=:,/-]+$`)

// quoteProfileName quotes a profile name for a POSIX shell when it needs it.
func quoteProfileName(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
