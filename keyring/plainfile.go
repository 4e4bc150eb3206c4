package keyring

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/restmcp/restmcp/internal/atomicfile"
	"github.com/restmcp/restmcp/internal/filelock"
)

// PlainFile keeps keys unencrypted in one JSON file readable only by its
// owner: mode 0600, and on Windows, which ignores modes, an access list
// that grants the current user alone. It exists for machines without a usable OS keyring, only
// when the user asks for it (login --insecure-storage); anyone who can read
// the file has the keys.
type PlainFile struct {
	Path string
}

type plainFileData struct {
	Keys map[string]string `json:"keys"`
}

func (p PlainFile) read() (plainFileData, error) {
	d := plainFileData{Keys: map[string]string{}}
	b, err := os.ReadFile(p.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return d, nil
	}
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal(b, &d); err != nil {
		// Never echo the content: it holds keys.
		return d, fmt.Errorf("%s is not valid JSON (fix or remove it)", p.Path)
	}
	if d.Keys == nil {
		d.Keys = map[string]string{}
	}
	return d, nil
}

// update applies change to the keys as they are on disk, holding the
// file's lock from the read to the write so that no other command's key is
// lost. The file is removed with its last key.
func (p PlainFile) update(change func(d plainFileData) error) error {
	unlock, err := filelock.Lock(p.Path)
	if err != nil {
		return err
	}
	defer unlock()
	d, err := p.read()
	if err != nil {
		return err
	}
	if err := change(d); err != nil {
		return err
	}
	if len(d.Keys) == 0 {
		return os.Remove(p.Path)
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(p.Path, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return restrictToOwner(p.Path)
}

// Get returns the key of account, or ErrNotFound.
func (p PlainFile) Get(account string) (string, error) {
	d, err := p.read()
	if err != nil {
		return "", err
	}
	k, ok := d.Keys[account]
	if !ok {
		return "", ErrNotFound
	}
	return k, nil
}

// Set stores secret for account, replacing any key stored before.
func (p PlainFile) Set(account, secret string) error {
	return p.update(func(d plainFileData) error {
		d.Keys[account] = secret
		return nil
	})
}

// Delete removes the key of account; ErrNotFound when there was none. The
// file is removed with its last key.
func (p PlainFile) Delete(account string) error {
	return p.update(func(d plainFileData) error {
		if _, ok := d.Keys[account]; !ok {
			return ErrNotFound
		}
		delete(d.Keys, account)
		return nil
	})
}
