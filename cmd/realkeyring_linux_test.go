//go:build linux

package cmd

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/keyring"
)

// TestRealKeyring drives login, status and logout against a real Secret
// Service (scripts/with-keyring.sh provides one and sets
// RESTMCP_TEST_SECRET_SERVICE=1; then this test fails rather than skips if
// the service does not work). secret-tool reads the item back under
// go-keyring's attributes, proving the key is in the real keyring.
func TestRealKeyring(t *testing.T) {
	if os.Getenv("RESTMCP_TEST_SECRET_SERVICE") != "1" {
		t.Skip("needs a Secret Service: run under scripts/with-keyring.sh")
	}
	// Other tests of this package may replace go-keyring's provider with
	// its process-wide mock; a child process has the real one.
	const child = "RESTMCP_TEST_REAL_KEYRING_CHILD"
	if os.Getenv(child) == "" {
		c := exec.Command(os.Args[0], "-test.run=^TestRealKeyring$", "-test.count=1", "-test.v")
		c.Env = append(os.Environ(), child+"=1")
		out, err := c.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestRealKeyring") {
			t.Fatalf("in a child process: %v\n%s", err, out)
		}
		return
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	service := "restmcp-cmd-test-" + hex.EncodeToString(b)
	lookup := func() string {
		out, _ := exec.Command("secret-tool", "lookup", "service", service, "username", "acme").Output()
		return string(out)
	}
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	e := newAuthEnv(t)
	e.keyring = keyring.Store{Service: service}

	r := e.run(goodKey+"\n", "login", "-p", "acme", "--spec", "testdata/keycheck-api.yaml", "--base-url", api.URL, "--check-path", "/me", "--with-key")
	if r.code != 0 {
		t.Fatalf("login: %s", r.err)
	}
	if !strings.Contains(r.err, "Stored the key in the Secret Service keyring") {
		t.Errorf("login does not say where the key went:\n%s", r.err)
	}
	if got := lookup(); got != goodKey {
		t.Fatalf("secret-tool lookup = %q, want the key", got)
	}
	r = e.run("", "status", "-p", "acme")
	if r.code != 0 || !strings.Contains(r.out, "****WXYZ from the Secret Service keyring") || !strings.Contains(r.out, "✓ accepts the key") {
		t.Errorf("status: exit %d\n%s%s", r.code, r.out, r.err)
	}
	r = e.run("", "logout", "-p", "acme")
	if r.code != 0 || lookup() != "" {
		t.Errorf("logout: exit %d, secret-tool still finds %q\n%s", r.code, lookup(), r.err)
	}
	r = e.run("", "status", "-p", "acme", "--offline")
	if r.code != 1 || !strings.Contains(r.out, "missing: run `restmcp login --profile acme`") {
		t.Errorf("status after logout: exit %d\n%s", r.code, r.out)
	}
	e.assertKeyNowhere(goodKey)
}
