// Package app is restmcp below its command line: where a profile's key
// comes from, whether the API accepts it, loading the description (with the
// copy kept for offline starts), the MCP server built from a profile, and
// the relay to a remote MCP server for a profile of one.
// It parses no flags and prints nothing; cmd fills an App with the
// process's dependencies and calls it, and so can a test or another front
// end:
//
//	a := &app.App{Name: "restmcp", Version: "1.0.0", KeyEnv: "RESTMCP_API_KEY",
//		Getenv: os.Getenv, Keyring: keyring.Store{Service: "restmcp"},
//		ConfigDir: func() (string, error) { return dir, nil }, Log: log.Default()}
//	srv, err := a.NewServer(ctx, profile.Profile{Name: "acme", Spec: "openapi.yaml", BaseURL: "https://api.acme.com"})
package app

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/charmbracelet/log"

	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
)

// App holds what the library part of restmcp depends on.
type App struct {
	// Name of the binary ("restmcp", "acme-mcp"): the login command and
	// the User-Agent name it.
	Name    string
	Version string
	// KeyEnv is the environment variable that holds a key
	// ("RESTMCP_API_KEY"); it wins over stored keys.
	KeyEnv string
	Getenv func(string) string
	// Keyring stores keys under the brand's service name.
	Keyring keyring.Store
	// ConfigDir is where profiles, the plain-text key file and saved
	// descriptions live.
	ConfigDir func() (string, error)
	Log       *log.Logger
	// Cache is the compiled description cache; nil: none (--no-cache).
	Cache *Cache
	// SelectionFrom says where the profile's tool selection came from
	// (SelectionFlags, SelectionStored; SelectionUnknown when the caller
	// does not say), for the error that says none of it is left.
	SelectionFrom string
	// SpecGiven says that the profile's description was given on the
	// command line (--spec), not stored: a file missing there was not
	// moved, just not found.
	SpecGiven bool
	// Renewals counts the OAuth token renewals in flight, which the
	// process waits for before it exits; nil: not counted.
	Renewals *oauth.Renewals
}

// UserAgent is sent with every request: "restmcp/1.2.3".
func (a *App) UserAgent() string { return a.Name + "/" + a.Version }

// LoginCommand is the command that stores a key for the profile.
func (a *App) LoginCommand(profileName string) string {
	return fmt.Sprintf("%s login --profile %s", a.Name, QuoteProfileName(profileName))
}

var plainWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_.@%+=:,/-]+$`) })

// QuoteProfileName quotes a profile name for a POSIX shell when it needs it.
func QuoteProfileName(s string) string {
	if plainWord().MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// insecureKeysFile is where login --insecure-storage keeps keys,
// unencrypted, in the config directory.
const insecureKeysFile = "insecure-keys.json"

// InsecureKeys is the plain-text key file, used only after a user chose
// login --insecure-storage.
func (a *App) InsecureKeys() (keyring.PlainFile, error) {
	d, err := a.ConfigDir()
	if err != nil {
		return keyring.PlainFile{}, err
	}
	return keyring.PlainFile{Path: filepath.Join(d, insecureKeysFile)}, nil
}
