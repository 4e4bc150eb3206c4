//go:build !windows

package keyring

// restrictToOwner has nothing to add where the file's mode (0600) already
// keeps it private.
func restrictToOwner(string) error { return nil }
