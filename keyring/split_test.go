package keyring

import (
	"errors"
	"strings"
	"testing"
)

// A secret over the Windows Credential Manager's limit is kept in parts
// that each fit, read back whole, and replaced or removed with its parts.
func TestSplitKeepsLongSecretsInParts(t *testing.T) {
	mem := NewMemory()
	s := Split{Store: Store{Service: "restmcp", Backend: mem, OS: "windows"}}
	long := strings.Repeat("eyJhbGciOiJSUzI1NiJ9.", 300) // 6,600 bytes
	if err := s.Store.Fits("p/oauth-token", long); err == nil {
		t.Fatal("the test secret fits whole; make it longer")
	}
	if err := s.Set("p/oauth-token", long); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"p/oauth-token#1", "p/oauth-token#2", "p/oauth-token#3", "p/oauth-token#4"} {
		v, err := s.Store.Get(k)
		if err != nil {
			t.Fatalf("part %s: %v", k, err)
		}
		if err := s.Store.Fits(k, v); err != nil {
			t.Errorf("part %s does not fit: %v", k, err)
		}
	}
	if got, err := s.Get("p/oauth-token"); err != nil || got != long {
		t.Fatalf("Get = %d bytes, %v; want the %d bytes stored", len(got), err, len(long))
	}

	// A short secret replaces it and leaves no part behind.
	if err := s.Set("p/oauth-token", "short"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get("p/oauth-token"); got != "short" {
		t.Errorf("Get = %q, want short", got)
	}
	if _, err := s.Store.Get("p/oauth-token#1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("part 1 left behind: %v", err)
	}

	if err := s.Set("p/oauth-token", long); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("p/oauth-token"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"p/oauth-token", "p/oauth-token#1", "p/oauth-token#4"} {
		if _, err := s.Store.Get(k); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s left after Delete: %v", k, err)
		}
	}
	if _, err := s.Get("p/oauth-token"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}

	// A missing part is reported, not joined into a wrong token.
	if err := s.Set("q", long); err != nil {
		t.Fatal(err)
	}
	_ = s.Store.Delete("q#2")
	if _, err := s.Get("q"); err == nil || !strings.Contains(err.Error(), "log in again") {
		t.Errorf("Get with a missing part = %v, want an error naming login", err)
	}
}
