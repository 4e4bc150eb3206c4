package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/keyring"
)

// keySource resolves a profile's key when a request needs it:
// $<BRAND>_API_KEY, else the keyring, else an error naming the login command.
func (f *Factory) keySource(profileName string) client.KeySource {
	return func(ctx context.Context) (string, error) {
		if k := f.Getenv(f.Brand.Env("API_KEY")); k != "" {
			return k, nil
		}
		k, err := f.Keyring.Get(profileName)
		if errors.Is(err, keyring.ErrNotFound) {
			return "", fmt.Errorf("no API key for profile %q: run `%s login --profile %s` (or set %s)",
				profileName, f.Brand.Name, profileName, f.Brand.Env("API_KEY"))
		}
		if err != nil {
			return "", fmt.Errorf("reading the key of profile %q from the keyring: %w (or set %s)", profileName, err, f.Brand.Env("API_KEY"))
		}
		return k, nil
	}
}
