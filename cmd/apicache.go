package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/restmcp/restmcp/client"

	"github.com/restmcp/restmcp/internal/atomicfile"
)

// A description read from a URL is kept in the config dir, so that serve
// still starts, with the last known tools, when the API's host is down or
// the laptop is offline. The copy holds the description only, never a key.

type cachedAPI struct {
	Source  string      `json:"source"`
	Fetched time.Time   `json:"fetched"`
	API     *client.API `json:"api"`
}

func isURL(source string) bool {
	return strings.HasPrefix(source, "http://") || strings.HasPrefix(source, "https://")
}

func (f *Factory) apiCachePath(profileName string) (string, error) {
	dir, err := f.ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "cache", fileNamePart(profileName)+".api.json"), nil
}

// fileNamePart turns a profile name into one safe file name: letters,
// digits, '_' and '-' stay, every other byte becomes %XX, so that a name
// such as "../x" or "a/b" cannot reach outside the cache directory and two
// names never share a file.
func fileNamePart(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c == '-' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// saveAPICache stores api for the profile; failures are only logged.
func (f *Factory) saveAPICache(profileName string, api *client.API) {
	path, err := f.apiCachePath(profileName)
	if err == nil {
		err = writeJSONAtomic(path, cachedAPI{Source: api.Source, Fetched: time.Now().UTC(), API: api})
	}
	if err != nil {
		f.Log.Debug("could not keep a copy of the API description", "err", err)
	}
}

// readAPICache returns the saved copy of source for the profile.
func (f *Factory) readAPICache(profileName, source string) (*cachedAPI, error) {
	path, err := f.apiCachePath(profileName)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c cachedAPI
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if c.Source != source || c.API == nil {
		return nil, fmt.Errorf("%s holds another description", path)
	}
	return &c, nil
}

func writeJSONAtomic(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, b, 0o600)
}
