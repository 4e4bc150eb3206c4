//go:build linux

package keyring

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestSecretService talks to a real Secret Service. It runs when
// RESTMCP_TEST_SECRET_SERVICE=1 (scripts/with-keyring.sh sets it, with a
// private gnome-keyring) and then fails, rather than skips, if the service
// does not work. It reads back with secret-tool (libsecret) to prove the key
// is in the real keyring under go-keyring's attributes "service" and
// "username".
func TestSecretService(t *testing.T) {
	if os.Getenv("RESTMCP_TEST_SECRET_SERVICE") != "1" {
		t.Skip("needs a Secret Service: run under scripts/with-keyring.sh (sets RESTMCP_TEST_SECRET_SERVICE=1)")
	}
	if _, err := exec.LookPath("secret-tool"); err != nil {
		t.Fatalf("RESTMCP_TEST_SECRET_SERVICE=1 but secret-tool is missing (Debian package libsecret-tools): %v", err)
	}
	s := Store{Service: "restmcp-test-" + randomHex(t)}
	const account = "acme"
	lookup := func() (string, error) {
		out, err := exec.Command("secret-tool", "lookup", "service", s.Service, "username", account).Output()
		return string(out), err
	}

	if _, err := s.Get(account); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Set = %v, want ErrNotFound", err)
	}
	for _, key := range []string{"first-" + randomHex(t), "second-" + randomHex(t)} {
		if err := s.Set(account, key); err != nil {
			t.Fatalf("Set: %v", err)
		}
		got, err := lookup()
		if err != nil || got != key {
			t.Fatalf("secret-tool lookup = %q, %v; want %q", got, err, key)
		}
		if got, err := s.Get(account); err != nil || got != key {
			t.Fatalf("Get = %q, %v; want %q", got, err, key)
		}
	}
	// Re-setting replaced the item instead of adding a second one.
	out, err := exec.Command("secret-tool", "search", "--all", "service", s.Service).CombinedOutput()
	if err != nil {
		t.Fatalf("secret-tool search: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "attribute.username = "+account); n != 1 {
		t.Errorf("%d items for the account after two Sets, want 1:\n%s", n, out)
	}
	if err := s.Delete(account); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if got, err := lookup(); err == nil || got != "" {
		t.Errorf("secret-tool still finds the key after Delete: %q", got)
	}
	if _, err := s.Get(account); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
	if err := s.Delete(account); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete = %v, want ErrNotFound", err)
	}
}

// TestNoSessionBus points D-Bus at a socket that does not exist: every call
// must fail fast with ErrUnavailable naming the cause. It runs in a child
// process because the D-Bus library keeps its session connection.
func TestNoSessionBus(t *testing.T) {
	if !inChild(t, []string{"DBUS_SESSION_BUS_ADDRESS=unix:path=" + t.TempDir() + "/no-such-bus"}) {
		return
	}
	s := Store{Service: "restmcp-test"}
	start := time.Now()
	err := s.Set("acme", "k")
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Set = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "no-such-bus") {
		t.Errorf("error %q does not name the cause", err)
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		t.Errorf("Set timed out instead of failing at once: %v", err)
	}
	if _, err := s.Get("acme"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Get = %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d >= DefaultTimeout {
		t.Errorf("two calls took %v without a bus: they should fail at once, not time out", d)
	}
}

func randomHex(t *testing.T) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
