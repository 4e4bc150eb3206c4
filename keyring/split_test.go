package keyring

import (
	"errors"
	"slices"
	"strconv"
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
	for _, k := range []string{"p/oauth-token#g1.1", "p/oauth-token#g1.2", "p/oauth-token#g1.3", "p/oauth-token#g1.4"} {
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
	if _, err := s.Store.Get("p/oauth-token#g1.1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("part 1 left behind: %v", err)
	}

	if err := s.Set("p/oauth-token", long); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("p/oauth-token"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"p/oauth-token", "p/oauth-token#g2.1", "p/oauth-token#g2.4"} {
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
	_ = s.Store.Delete("q#g1.2")
	if _, err := s.Get("q"); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "log in again") {
		t.Errorf("Get with a missing part = %v, want ErrDamaged naming login", err)
	}
	// So is a pointer to parts that says not where they are.
	if err := s.Store.Set("r", partsMark+"x"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("r"); !errors.Is(err, ErrDamaged) {
		t.Errorf("Get with a damaged pointer = %v, want ErrDamaged", err)
	}
}

// failingSets is a keyring whose failAt-th Set fails (counting from 1).
type failingSets struct {
	*Memory
	sets, failAt int
}

func (f *failingSets) Set(service, account, secret string) error {
	f.sets++
	if f.sets == f.failAt {
		return errors.New("the keyring refused the write")
	}
	return f.Memory.Set(service, account, secret)
}

// keys lists the accounts stored in mem, sorted.
func keys(mem *Memory) []string {
	mem.mu.Lock()
	defer mem.mu.Unlock()
	var ks []string
	for k := range mem.keys {
		ks = append(ks, k[1])
	}
	slices.Sort(ks)
	return ks
}

// A long secret whose writing fails at any step, over a long secret stored
// before (in parts of a generation or in the parts written before
// generations), leaves the one stored before readable as it was.
func TestSplitFailedSetKeepsOldSecret(t *testing.T) {
	oldSecret := strings.Repeat("old-eyJhbGciOiJSUzI1NiJ9.", 250) // 6,250 bytes
	newSecret := strings.Repeat("new-eyJhbGciOiJSUzI1NiJ9.", 300) // 7,500 bytes
	for _, oldFormat := range []bool{false, true} {
		// 4 parts of newSecret and the account: 5 writes.
		for k := 1; k <= 5; k++ {
			mem := NewMemory()
			f := &failingSets{Memory: mem}
			s := Split{Store: Store{Service: "restmcp", Backend: f, OS: "windows"}}
			if oldFormat {
				for i, part := range []string{oldSecret[:2000], oldSecret[2000:4000], oldSecret[4000:]} {
					_ = mem.Set("restmcp", "p/oauth-token#"+strconv.Itoa(i+1), part)
				}
				_ = mem.Set("restmcp", "p/oauth-token", partsMark+"3")
			} else if err := s.Set("p/oauth-token", oldSecret); err != nil {
				t.Fatal(err)
			}
			before := keys(mem)
			f.sets, f.failAt = 0, k
			if err := s.Set("p/oauth-token", newSecret); err == nil {
				t.Fatalf("old format %v, write %d failing: Set returned no error", oldFormat, k)
			}
			got, err := s.Get("p/oauth-token")
			if err != nil || got != oldSecret {
				t.Errorf("old format %v, write %d failing: Get = %d bytes (%.30q…), %v; want the old secret", oldFormat, k, len(got), got, err)
			}
			// A failed part leaves none of the new parts behind.
			if k < 5 && !slices.Equal(keys(mem), before) {
				t.Errorf("old format %v, write %d failing: stored %q, want %q as before", oldFormat, k, keys(mem), before)
			}
			// The next Set succeeds and leaves only its own parts.
			f.failAt = 0
			if err := s.Set("p/oauth-token", newSecret); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Get("p/oauth-token"); err != nil || got != newSecret {
				t.Errorf("old format %v, write %d failing, then Set again: Get = %d bytes, %v; want the new secret", oldFormat, k, len(got), err)
			}
			if ks := keys(mem); len(ks) != 5 {
				t.Errorf("old format %v, write %d failing, then Set again: stored %q, want the account and 4 parts", oldFormat, k, ks)
			}
		}
	}
}

// Entries written before generations (the account holding
// "\x00restmcp-parts:N", parts "<account>#1"…) are read, removed whole by
// Delete, and replaced cleanly by Set.
func TestSplitReadsPartsWithoutGeneration(t *testing.T) {
	var mem *Memory
	var s Split
	writeOld := func() {
		t.Helper()
		mem = NewMemory()
		s = Split{Store: Store{Service: "restmcp", Backend: mem, OS: "windows"}}
		for k, v := range map[string]string{"p/oauth-token": partsMark + "2", "p/oauth-token#1": "first-", "p/oauth-token#2": "second"} {
			if err := s.Store.Set(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	writeOld()
	if got, err := s.Get("p/oauth-token"); err != nil || got != "first-second" {
		t.Fatalf("Get = %q, %v; want first-second", got, err)
	}
	if err := s.Delete("p/oauth-token"); err != nil {
		t.Fatal(err)
	}
	if ks := keys(mem); len(ks) != 0 {
		t.Errorf("left after Delete: %q", ks)
	}

	long := strings.Repeat("eyJhbGciOiJSUzI1NiJ9.", 300)
	writeOld()
	if err := s.Set("p/oauth-token", long); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("p/oauth-token"); err != nil || got != long {
		t.Errorf("Get = %d bytes, %v; want the %d bytes stored", len(got), err, len(long))
	}
	want := []string{"p/oauth-token", "p/oauth-token#g1.1", "p/oauth-token#g1.2", "p/oauth-token#g1.3", "p/oauth-token#g1.4"}
	if ks := keys(mem); !slices.Equal(ks, want) {
		t.Errorf("stored %q, want %q", ks, want)
	}

	writeOld()
	if err := s.Set("p/oauth-token", "short"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("p/oauth-token"); err != nil || got != "short" {
		t.Errorf("Get = %q, %v; want short", got, err)
	}
	if ks := keys(mem); !slices.Equal(ks, []string{"p/oauth-token"}) {
		t.Errorf("stored %q, want only the account", ks)
	}
}

// Secrets long, short and long again, one over the other, leave no part
// of an earlier one behind.
func TestSplitLeavesNoOrphanParts(t *testing.T) {
	mem := NewMemory()
	s := Split{Store: Store{Service: "restmcp", Backend: mem, OS: "windows"}}
	long := strings.Repeat("eyJhbGciOiJSUzI1NiJ9.", 300)   // 4 parts
	longer := strings.Repeat("eyJhbGciOiJSUzI1NiJ9.", 500) // 6 parts
	steps := []struct {
		secret string
		want   []string
	}{
		{longer, []string{"a", "a#g1.1", "a#g1.2", "a#g1.3", "a#g1.4", "a#g1.5", "a#g1.6"}},
		{long, []string{"a", "a#g2.1", "a#g2.2", "a#g2.3", "a#g2.4"}},
		{"short", []string{"a"}},
		{long, []string{"a", "a#g1.1", "a#g1.2", "a#g1.3", "a#g1.4"}},
		{longer, []string{"a", "a#g2.1", "a#g2.2", "a#g2.3", "a#g2.4", "a#g2.5", "a#g2.6"}},
	}
	for i, st := range steps {
		if err := s.Set("a", st.secret); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get("a"); err != nil || got != st.secret {
			t.Errorf("step %d: Get = %d bytes, %v; want %d", i, len(got), err, len(st.secret))
		}
		if ks := keys(mem); !slices.Equal(ks, st.want) {
			t.Errorf("step %d: stored %q, want %q", i, ks, st.want)
		}
	}
	if err := s.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if ks := keys(mem); len(ks) != 0 {
		t.Errorf("left after Delete: %q", ks)
	}
}

// The account's write fails after the parts of a new generation were
// written (kept: a keyring that timed out may still store it). When it did
// not, Delete (logout) still removes those parts.
func TestSplitDeleteRemovesPartsOfAFailedSet(t *testing.T) {
	mem := NewMemory()
	f := &failingSets{Memory: mem}
	s := Split{Store: Store{Service: "restmcp", Backend: f, OS: "windows"}}
	if err := s.Set("p/oauth-token", strings.Repeat("old-eyJhbGciOiJSUzI1NiJ9.", 250)); err != nil {
		t.Fatal(err)
	}
	f.sets, f.failAt = 0, 8 // 7 parts of the new secret, then the account
	if err := s.Set("p/oauth-token", strings.Repeat("new-eyJhbGciOiJSUzI1NiJ9.", 500)); err == nil {
		t.Fatal("Set returned no error")
	}
	f.failAt = 0
	if err := s.Delete("p/oauth-token"); err != nil {
		t.Fatal(err)
	}
	if ks := keys(mem); len(ks) != 0 {
		t.Errorf("left after Delete (logout): %q", ks)
	}
}
