package cmd

import "fmt"

// keyFits checks, before the profile is saved, that the OS keyring will
// take the key (the Windows Credential Manager and the macOS Keychain
// limit its size), and names the ways around it when it will not.
func keyFits(f *Factory, profileName, key string, insecure bool) error {
	if insecure {
		return nil
	}
	if err := f.Keyring.Fits(profileName, key); err != nil {
		return fmt.Errorf("%w. Nothing was stored: pass the key in %s instead, or store it in a file with --insecure-storage",
			err, f.Brand.Env("API_KEY"))
	}
	return nil
}
