// Package keyring stores API keys in the operating system's keyring (macOS
// Keychain, Windows Credential Manager, the Secret Service on Linux). It is
// the only importer of github.com/zalando/go-keyring; every call is bounded
// by a timeout.
package keyring

import (
	"errors"

	gokeyring "github.com/zalando/go-keyring"
)

// ErrNotFound means no key is stored for the account.
var ErrNotFound = errors.New("no key in the keyring")

// Store reads and writes keys of one service (the binary's name).
type Store struct {
	Service string
}

// Get returns the key stored for account.
func (s Store) Get(account string) (string, error) {
	v, err := gokeyring.Get(s.Service, account)
	if errors.Is(err, gokeyring.ErrNotFound) {
		return "", ErrNotFound
	}
	return v, err
}
