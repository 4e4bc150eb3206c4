package cmd

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/keyring"
)

// Where a profile's key comes from, as status reports it.
const (
	keyFromEnv         = "env"
	keyFromKeyring     = "keyring"
	keyMissing         = "missing"
	keyringUnavailable = "unavailable"
)

// resolvedKey is a profile's key and where it came from. Key is empty when
// Source is keyMissing or keyringUnavailable; Err then says what to do.
type resolvedKey struct {
	Key    string
	Source string
	Err    error
}

// resolveKey finds a profile's key: $<BRAND>_API_KEY, else the keyring.
func (f *Factory) resolveKey(profileName string) resolvedKey {
	envName := f.Brand.Env("API_KEY")
	if k := f.Getenv(envName); k != "" {
		return resolvedKey{Key: k, Source: keyFromEnv}
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

// keySource resolves a profile's key when a request needs it:
// $<BRAND>_API_KEY, else the keyring, else an error naming the login command.
func (f *Factory) keySource(profileName string) client.KeySource {
	return func(ctx context.Context) (string, error) {
		r := f.resolveKey(profileName)
		return r.Key, r.Err
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
