package cmd

import (
	"strings"
	"testing"

	"github.com/restmcp/restmcp/profile"
)

// TestLoginKeyTooBigForKeyring: a key the Windows Credential Manager would
// refuse is refused before the profile is saved, naming the two ways
// around it; --insecure-storage takes it.
func TestLoginKeyTooBigForKeyring(t *testing.T) {
	big := "sk-" + strings.Repeat("x", 3000)
	e := newAuthEnv(t)
	e.keyring.OS = "windows"
	r := e.run(big+"\n", "login", "--profile", "acme", "--spec", "testdata/keycheck-api.yaml", "--with-key", "--no-check")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.err)
	}
	for _, s := range []string{"too big", "3003 bytes", "Windows Credential Manager takes at most 2560", "Nothing was stored", "RESTMCP_API_KEY", "--insecure-storage"} {
		if !strings.Contains(r.err, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.err)
		}
	}
	if _, err := (profile.Store{Dir: e.dir}).Get("acme"); err == nil {
		t.Error("the profile was saved")
	}
	if e.storedKey("acme") != "" {
		t.Error("the key was stored")
	}

	r = e.run(big+"\n", "login", "--profile", "acme", "--spec", "testdata/keycheck-api.yaml", "--with-key", "--no-check", "--insecure-storage")
	if r.code != 0 {
		t.Fatalf("--insecure-storage: exit %d\n%s", r.code, r.err)
	}
	if strings.Contains(r.out+r.err, big) {
		t.Error("the key was printed")
	}
	// A login without a new key keeps it in the file: it is not refused.
	r = e.run("", "login", "--profile", "acme", "--no-check")
	if r.code != 0 || !strings.Contains(r.err, "The key stays UNENCRYPTED") || strings.Contains(r.out+r.err, big) {
		t.Errorf("login keeping the key: exit %d\n%s", r.code, r.err)
	}
}
