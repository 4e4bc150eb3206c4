package cmd

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/profile"
)

func TestInsecureStorage(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	e := newAuthEnv(t)
	e.keyring.Backend = unavailableBackend{} // the reason to use it
	inFolderWith(t, "x.yaml")
	path := filepath.Join(e.dir, "insecure-keys.json")
	login := []string{"login", "-p", "acme", "--spec", "x.yaml", "--base-url", api.URL, "--check-path", "/me", "--with-key"}

	r := e.run(goodKey, append(login, "--insecure-storage")...)
	if r.code != 0 {
		t.Fatalf("login --insecure-storage: %s", r.err)
	}
	if !strings.Contains(r.err, "Stored the key UNENCRYPTED in "+path) {
		t.Errorf("login does not warn loudly:\n%s", r.err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), goodKey) {
		t.Fatalf("key file: %v\n%s", err, b)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}

	// status and the key source use the file, and say so loudly.
	r = e.run("", "status", "-p", "acme")
	if r.code != 0 || !strings.Contains(r.out, "****WXYZ from "+path) || !strings.Contains(r.out, "⚠ INSECURE") || !strings.Contains(r.out, "✓ accepts") {
		t.Errorf("status: exit %d\n%s%s", r.code, r.out, r.err)
	}
	// Moving the key to the keyring is advised only where there is one.
	if !strings.Contains(r.out, "the OS keyring cannot be reached here") || strings.Contains(r.out, "to move it to the OS keyring") {
		t.Errorf("status advises the keyring it cannot reach:\n%s", r.out)
	}
	e.keyring.Backend = e.kr
	if r := e.run("", "status", "-p", "acme", "--offline"); !strings.Contains(r.out, "run `restmcp login --profile acme` to move it to the OS keyring") {
		t.Errorf("status with a keyring does not advise moving the key:\n%s", r.out)
	}
	e.keyring.Backend = unavailableBackend{}
	r = e.run("", "status", "--json", "--offline")
	if !strings.Contains(r.out, `"key_source": "file"`) {
		t.Errorf("status --json:\n%s", r.out)
	}
	if k, err := e.newFactoryForKeys().App().KeySource("acme")(t.Context()); k != goodKey || err != nil {
		t.Errorf("keySource = %q, %v", k, err)
	}

	// A normal login moves the key to the keyring and removes the file.
	e.keyring.Backend = e.kr
	r = e.run(goodKey, login...)
	if r.code != 0 || !strings.Contains(r.err, "Removed the plain-text copy") {
		t.Fatalf("login: exit %d\n%s", r.code, r.err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("key file still there: %v", err)
	}
	if e.storedKey("acme") != goodKey {
		t.Error("key not in the keyring")
	}

	// logout removes a plain-text key too.
	_ = e.run(goodKey, append(login, "--insecure-storage")...)
	r = e.run("", "logout", "-p", "acme")
	if r.code != 0 || !strings.Contains(r.err, "Removed the plain-text key") {
		t.Errorf("logout: exit %d\n%s", r.code, r.err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("key file still there after logout: %v", err)
	}
}

// newFactoryForKeys is a Factory over the env's config dir and keyring.
func (e *authEnv) newFactoryForKeys() *Factory {
	return &Factory{
		Brand:   Brand{Name: "restmcp"},
		Getenv:  func(k string) string { return e.env[k] },
		Keyring: e.keyring,
	}
}

// A plain-text key file that cannot be read is reported as such, with what
// to do, not as a missing key; the file is left as it is.
func TestInsecureKeyFileUnreadable(t *testing.T) {
	e := newAuthEnv(t)
	if err := (profile.Store{Dir: e.dir}).Save(profile.Profile{Name: "acme", Spec: "x.yaml"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(e.dir, "insecure-keys.json")
	broken := []byte(`{"keys": {"acme": "sk-half-written`)
	if err := os.WriteFile(path, broken, 0o600); err != nil {
		t.Fatal(err)
	}
	r := e.run("", "status", "--offline")
	if r.code != 1 || !strings.Contains(r.out, "unreadable: ") || !strings.Contains(r.out, "fix it in an editor") || strings.Contains(r.out, "missing") {
		t.Errorf("status: exit %d\n%s", r.code, r.out)
	}
	if strings.Contains(r.out, "sk-half-written") {
		t.Errorf("status shows the file's contents:\n%s", r.out)
	}
	if b, _ := os.ReadFile(path); string(b) != string(broken) {
		t.Errorf("the file changed to %q", b)
	}
}

// A login without a new key, as status advises for a key in the
// plain-text file, moves that key to the keyring when it works; when it
// does not, or with --insecure-storage again, the key stays in the file.
func TestLoginMovesKeptFileKeyToKeyring(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	e := newAuthEnv(t)
	inFolderWith(t, "x.yaml")
	path := filepath.Join(e.dir, "insecure-keys.json")
	login := []string{"login", "-p", "acme", "--spec", "x.yaml", "--base-url", api.URL, "--check-path", "/me"}
	inFile := func() bool {
		k := e.newFactoryForKeys().App().StoredKey("acme")
		return k.Source == app.KeyFromFile && k.Key == goodKey
	}
	if r := e.run(goodKey, append(login, "--with-key", "--insecure-storage")...); r.code != 0 || !inFile() {
		t.Fatalf("login --insecure-storage: exit %d\n%s", r.code, r.err)
	}
	r := e.run("", "status", "-p", "acme", "--offline")
	if !strings.Contains(r.out, "run `restmcp login --profile acme` to move it to the OS keyring") {
		t.Fatalf("status no longer gives the advice this test follows:\n%s", r.out)
	}

	// The keyring is unavailable: the key stays, and login says so.
	e.keyring.Backend = unavailableBackend{}
	r = e.run("", login...)
	if r.code != 0 || !strings.Contains(r.err, "The key stays UNENCRYPTED in "+path) || !inFile() {
		t.Errorf("keyring unavailable: exit %d, in the file %v\n%s", r.code, inFile(), r.err)
	}
	e.keyring.Backend = e.kr

	// --insecure-storage again: the key stays where it is.
	r = e.run("", append(login, "--insecure-storage")...)
	if r.code != 0 || !inFile() || e.storedKey("acme") != "" {
		t.Errorf("--insecure-storage: exit %d, in the file %v, in the keyring %q\n%s", r.code, inFile(), e.storedKey("acme"), r.err)
	}

	// What status advises: the key moves.
	r = e.run("", login...)
	if r.code != 0 || !strings.Contains(r.err, "Keeping the stored key") || !strings.Contains(r.err, "Removed the plain-text copy") {
		t.Fatalf("login: exit %d\n%s", r.code, r.err)
	}
	if e.storedKey("acme") != goodKey || inFile() {
		t.Errorf("the key was not moved: keyring %q, in the file %v", e.storedKey("acme"), inFile())
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), goodKey) {
		t.Errorf("the key is still in %s", path)
	}
	if r := e.run("", "status", "-p", "acme"); r.code != 0 || strings.Contains(r.out, "INSECURE") || !strings.Contains(r.out, "from the") {
		t.Errorf("status after the move: exit %d\n%s", r.code, r.out)
	}
	e.assertKeyNowhere(goodKey)
}
