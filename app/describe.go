package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/internal/atomicfile"
	"github.com/restmcp/restmcp/internal/filelock"
	"github.com/restmcp/restmcp/profile"
)

// LoadAPI reads the profile's description. cred, when it has a key, is
// sent only for a description on the API's own origin (client.Load
// decides); a missing key is not an error here. A description read from
// a URL is kept in the config dir, so that serve still starts, with the
// last known tools, when the API's host is down or the laptop is offline;
// that copy is used when the URL cannot be read.
func (a *App) LoadAPI(ctx context.Context, p profile.Profile, cred client.Credential) (*client.API, error) {
	if p.Spec == "" {
		return nil, fmt.Errorf("profile %q has no OpenAPI description: pass --spec FILE|URL, or run `%s --spec FILE|URL`",
			p.Name, a.LoginCommand(p.Name))
	}
	api, err := client.Load(ctx, p.Spec, client.LoadOptions{
		BaseURL:    p.BaseURL,
		Credential: cred,
		UserAgent:  a.UserAgent(),
		RefDirs:    p.RefDirs,
	})
	remote := client.IsURL(p.Spec)
	switch {
	case err != nil && !remote:
		return nil, fmt.Errorf("loading the API description: %w", err)
	case err != nil:
		cached, cerr := a.readAPICache(p.Name, p.Spec)
		if cerr != nil {
			return nil, fmt.Errorf("loading the API description: %w", err)
		}
		a.Log.Warn("using the copy of the API description saved earlier", "fetched", cached.Fetched.Format(time.RFC3339), "err", err)
		api = cached.API
	case remote && len(api.Operations) == 0:
		// Some APIs describe themselves only to authenticated callers: with
		// no usable key the description is empty, and the copy saved with
		// the key still says what the API offers (calls then say how to
		// log in).
		if cached, cerr := a.readAPICache(p.Name, p.Spec); cerr == nil && len(cached.API.Operations) > 0 {
			a.Log.Warn("the API described no operations (it may describe itself only to authenticated callers): using the copy saved earlier",
				"fetched", cached.Fetched.Format(time.RFC3339))
			api = cached.API
		}
	case remote:
		a.saveAPICache(p.Name, api)
	}
	for _, s := range api.Skipped {
		a.Log.Warn("operation skipped", "method", s.Method, "path", s.Path, "reason", s.Reason)
	}
	return api, nil
}

// cachedAPI is the saved copy of a description: the description only,
// never a key.
type cachedAPI struct {
	Source  string      `json:"source"`
	Fetched time.Time   `json:"fetched"`
	API     *client.API `json:"api"`
}

// APICachePath is where the copy of the profile's description is kept.
func (a *App) APICachePath(profileName string) (string, error) {
	dir, err := a.ConfigDir()
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
func (a *App) saveAPICache(profileName string, api *client.API) {
	path, err := a.APICachePath(profileName)
	if err == nil {
		var unlock func()
		if unlock, err = filelock.Lock(path); err == nil {
			defer unlock()
			var b []byte
			if b, err = json.Marshal(cachedAPI{Source: api.Source, Fetched: time.Now().UTC(), API: api}); err == nil {
				err = atomicfile.Write(path, b, 0o600)
			}
		}
	}
	if err != nil {
		a.Log.Debug("could not keep a copy of the API description", "err", err)
	}
}

// readAPICache returns the saved copy of source for the profile.
func (a *App) readAPICache(profileName, source string) (*cachedAPI, error) {
	path, err := a.APICachePath(profileName)
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
