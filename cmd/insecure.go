package cmd

import (
	"path/filepath"

	"github.com/restmcp/restmcp/keyring"
)

// insecureKeysFile is where login --insecure-storage keeps keys, unencrypted,
// in the config directory.
const insecureKeysFile = "insecure-keys.json"

// insecureKeys is the plain-text key file, used only after a user chose
// login --insecure-storage.
func (f *Factory) insecureKeys() (keyring.PlainFile, error) {
	d, err := f.ConfigDir()
	if err != nil {
		return keyring.PlainFile{}, err
	}
	return keyring.PlainFile{Path: filepath.Join(d, insecureKeysFile)}, nil
}
