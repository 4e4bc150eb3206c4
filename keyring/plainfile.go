package keyring

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

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
	Keys map[string]string
	// other are the file's other top-level members, written back as
	// they were.
	other map[string]json.RawMessage
}

// CorruptFileError means the plain-text key file exists but cannot be
// read as one: it is left as it is, since it may hold other profiles'
// keys. The message never quotes the file, which holds keys.
type CorruptFileError struct {
	Path string
	// Reason says what is wrong, and where, without the file's text.
	Reason string
}

// Error implements error.
func (e *CorruptFileError) Error() string {
	return fmt.Sprintf("the plain-text key file %s cannot be read: %s. It was left as it is, since it may hold other profiles' keys: "+
		"fix it in an editor (it is JSON: {\"keys\": {\"PROFILE\": \"KEY\", …}}), or move it away and log in again "+
		"for each profile whose key it held", e.Path, e.Reason)
}

// corruptReason says what is wrong with the key file b, which
// json.Unmarshal refused with err, and where, without quoting it.
func corruptReason(b []byte, err error) string {
	line := func(off int64) int { return 1 + bytes.Count(b[:min(int(off), len(b))], []byte("\n")) }
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(b)) == 0:
		return "it is empty"
	case errors.As(err, &syn) && syn.Offset >= int64(len(b)):
		return "it ends too early (cut short?)"
	case errors.As(err, &syn):
		return fmt.Sprintf("it is not valid JSON (line %d)", line(syn.Offset))
	case errors.As(err, &typ):
		return fmt.Sprintf("it holds %s, not an object with \"keys\"", kind(b))
	default:
		return "it is not a key file"
	}
}

// kind names the JSON type of the value v.
func kind(v json.RawMessage) string {
	switch t := bytes.TrimSpace(v); {
	case len(t) == 0:
		return "nothing"
	case t[0] == '{':
		return "an object"
	case t[0] == '[':
		return "an array"
	case t[0] == '"':
		return "a string"
	case t[0] == 'n':
		return "null"
	case t[0] == 't' || t[0] == 'f':
		return "a boolean"
	default:
		return "a number"
	}
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
	// A byte order mark (an editor's) is no part of the JSON.
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return d, &CorruptFileError{Path: p.Path, Reason: corruptReason(b, err)}
	}
	for k, v := range top {
		if !strings.EqualFold(k, "keys") {
			if d.other == nil {
				d.other = map[string]json.RawMessage{}
			}
			d.other[k] = v
			continue
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(v, &keys); err != nil {
			return d, &CorruptFileError{Path: p.Path, Reason: fmt.Sprintf("%q holds %s, not an object of profile names and keys", k, kind(v))}
		}
		for a, raw := range keys {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return d, &CorruptFileError{Path: p.Path, Reason: fmt.Sprintf("the key of %q is %s, not a string", a, kind(raw))}
			}
			d.Keys[a] = s
		}
	}
	return d, nil
}

func (d plainFileData) marshal() ([]byte, error) {
	top := map[string]any{"keys": d.Keys}
	for k, v := range d.other {
		top[k] = v
	}
	return json.MarshalIndent(top, "", "  ")
}

// update applies change to the keys as they are on disk, holding the
// file's lock from the read to the write so that no other command's key is
// lost. The file is removed with its last key. A file that cannot be read
// is left as it is (CorruptFileError).
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
	if len(d.Keys) == 0 && len(d.other) == 0 {
		return os.Remove(p.Path)
	}
	b, err := d.marshal()
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
