package keyring

import (
	"encoding/base64"
	"fmt"
	"runtime"
)

// Size limits of the OS keyrings, as go-keyring enforces them.
const (
	// windowsMaxSecret is the Credential Manager's limit on one secret.
	windowsMaxSecret = 2560
	// darwinMaxCommand bounds the security(1) command that stores a key on
	// macOS: service, account and the base64 of the key together.
	darwinMaxCommand = 4096
)

// Fits reports, before anything is stored, whether the OS keyring takes
// secret for account: nil, or an error matching ErrTooBig that says how
// big the key is and what the keyring takes. The Secret Service on Linux
// has no such limit.
func (s Store) Fits(account, secret string) error {
	goos := s.OS
	if goos == "" {
		goos = runtime.GOOS
	}
	switch goos {
	case "windows":
		if len(secret) > windowsMaxSecret {
			return fmt.Errorf("%w: it is %d bytes, and the Windows Credential Manager takes at most %d", ErrTooBig, len(secret), windowsMaxSecret)
		}
	case "darwin":
		// add-generic-password -U -s 'service' -a 'account' -w 'go-keyring-base64:…'
		n := len("add-generic-password -U -s '' -a '' -w 'go-keyring-base64:'\n") +
			len(s.Service) + len(account) + base64.StdEncoding.EncodedLen(len(secret))
		if n > darwinMaxCommand {
			return fmt.Errorf("%w: it is %d bytes, and the macOS Keychain takes about %d (less the service and account names)", ErrTooBig, len(secret), darwinMaxCommand*3/4-60)
		}
	}
	return nil
}
