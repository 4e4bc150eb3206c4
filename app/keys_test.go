package app

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/restmcp/restmcp/keyring"
)

const storedKey = "sk-live-0123456789abcdWXYZ"

// hangingBackend never answers, like an unlock prompt nobody sees.
type hangingBackend struct{ release chan struct{} }

func (b hangingBackend) Get(string, string) (string, error) { <-b.release; return "", nil }
func (b hangingBackend) Set(string, string, string) error   { <-b.release; return nil }
func (b hangingBackend) Delete(string, string) error        { <-b.release; return nil }

func TestResolveKey(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	unavailable := keyring.NewMemory()
	unavailable.Err = errors.New("The name org.freedesktop.secrets was not provided by any .service files")
	tests := []struct {
		name       string
		env        string
		stored     string
		file       string // stored with login --insecure-storage
		backend    keyring.Backend
		timeout    time.Duration
		wantKey    string
		wantSource string
		wantErr    []string
	}{
		{name: "env wins over keyring", env: "sk-env-111111111111", stored: storedKey, wantKey: "sk-env-111111111111", wantSource: KeyFromEnv},
		{name: "keyring", stored: storedKey, wantKey: storedKey, wantSource: KeyFromKeyring},
		{name: "plain-text file before the keyring", file: "sk-file-222222222222", stored: storedKey, wantKey: "sk-file-222222222222", wantSource: KeyFromFile},
		{name: "env wins over the file", env: "sk-env-111111111111", file: "sk-file-222222222222", wantKey: "sk-env-111111111111", wantSource: KeyFromEnv},
		{name: "missing names the login command", wantSource: KeyMissing,
			wantErr: []string{"no API key for profile \"acme\"", "run `restmcp login --profile acme`", "or set RESTMCP_API_KEY"}},
		{name: "keyring unavailable", backend: unavailable, wantSource: KeyringUnavailable,
			wantErr: []string{"the OS keyring is unavailable", "set RESTMCP_API_KEY"}},
		{name: "keyring timeout", backend: hangingBackend{release}, timeout: 50 * time.Millisecond, wantSource: KeyringUnavailable,
			wantErr: []string{"no answer to get within 50ms"}},
		{name: "env needs no keyring", env: "sk-env-111111111111", backend: hangingBackend{release}, wantKey: "sk-env-111111111111", wantSource: KeyFromEnv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testApp(t, map[string]string{"RESTMCP_API_KEY": tt.env})
			mem := keyring.NewMemory()
			a.Keyring = keyring.Store{Service: "restmcp", Backend: mem, Timeout: tt.timeout}
			if tt.backend != nil {
				a.Keyring.Backend = tt.backend
			}
			if tt.stored != "" {
				_ = mem.Set("restmcp", "acme", tt.stored)
			}
			if tt.file != "" {
				pf, err := a.InsecureKeys()
				if err != nil {
					t.Fatal(err)
				}
				if err := pf.Set("acme", tt.file); err != nil {
					t.Fatal(err)
				}
			}
			r := a.ResolveKey("acme")
			if r.Key != tt.wantKey || r.Source != tt.wantSource {
				t.Errorf("ResolveKey = %q from %q, want %q from %q", r.Key, r.Source, tt.wantKey, tt.wantSource)
			}
			k, err := a.KeySource("acme")(t.Context())
			if k != tt.wantKey {
				t.Errorf("KeySource = %q, want %q", k, tt.wantKey)
			}
			if (err != nil) != (len(tt.wantErr) > 0) {
				t.Fatalf("KeySource error = %v", err)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestKeySourceCaches(t *testing.T) {
	a := testApp(t, nil)
	mem := keyring.NewMemory()
	a.Keyring.Backend = mem
	ks := a.KeySource("acme")
	// Missing: asked again every time, so a login takes effect at once.
	for range 2 {
		if _, err := ks(t.Context()); err == nil {
			t.Fatal("no error for a missing key")
		}
	}
	_ = mem.Set("restmcp", "acme", storedKey)
	for range 3 {
		if k, err := ks(t.Context()); k != storedKey || err != nil {
			t.Fatalf("key = %q, %v", k, err)
		}
	}
	if n := mem.Gets(); n != 3 {
		t.Errorf("%d keyring reads, want 3 (two misses, then one read cached)", n)
	}
}
