package keyring

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	gokeyring "github.com/zalando/go-keyring"
)

// fixedErr is a Backend whose every call fails with err.
type fixedErr struct{ err error }

func (b fixedErr) Get(string, string) (string, error) { return "", b.err }
func (b fixedErr) Set(string, string, string) error   { return b.err }
func (b fixedErr) Delete(string, string) error        { return b.err }

// blocking is a Backend that never answers until release is closed, like a
// Secret Service waiting on an unlock prompt.
type blocking struct{ release chan struct{} }

func (b blocking) Get(string, string) (string, error) { <-b.release; return "late", nil }
func (b blocking) Set(string, string, string) error   { <-b.release; return nil }
func (b blocking) Delete(string, string) error        { <-b.release; return nil }

func TestErrorMapping(t *testing.T) {
	dbusErr := errors.New("dbus: DBUS_SESSION_BUS_ADDRESS not set")
	tests := []struct {
		name    string
		backend error
		want    error
		notWant []error
		cause   error
		locked  bool // Locked(err)
	}{
		{name: "go-keyring not found", backend: gokeyring.ErrNotFound, want: ErrNotFound, notWant: []error{ErrUnavailable}},
		{name: "too big", backend: gokeyring.ErrSetDataTooBig, want: ErrTooBig, notWant: []error{ErrUnavailable, ErrNotFound}},
		{name: "no session bus", backend: dbusErr, want: ErrUnavailable, notWant: []error{ErrNotFound}, cause: dbusErr},
		{name: "locked collection", backend: fmt.Errorf("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), want: ErrUnavailable, locked: true},
	}
	ops := map[string]func(Store) error{
		"get":    func(s Store) error { _, err := s.Get("acme"); return err },
		"set":    func(s Store) error { return s.Set("acme", "k") },
		"delete": func(s Store) error { return s.Delete("acme") },
	}
	for _, tt := range tests {
		for op, call := range ops {
			t.Run(tt.name+"/"+op, func(t *testing.T) {
				t.Parallel()
				err := call(Store{Service: "restmcp", Backend: fixedErr{tt.backend}})
				if !errors.Is(err, tt.want) {
					t.Fatalf("error %v does not match %v", err, tt.want)
				}
				for _, nw := range tt.notWant {
					if errors.Is(err, nw) {
						t.Errorf("error %v should not match %v", err, nw)
					}
				}
				if Locked(err) != tt.locked {
					t.Errorf("Locked(%v) = %v, want %v", err, !tt.locked, tt.locked)
				}
				if tt.cause != nil && !errors.Is(err, tt.cause) {
					t.Errorf("error %v does not wrap the cause %v", err, tt.cause)
				}
				var ue *UnavailableError
				if errors.As(err, &ue) && ue.Op != op {
					t.Errorf("Op = %q, want %q", ue.Op, op)
				}
			})
		}
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	b := blocking{release: make(chan struct{})}
	t.Cleanup(func() { close(b.release) })
	s := Store{Service: "restmcp", Backend: b, Timeout: 50 * time.Millisecond}
	start := time.Now()
	_, err := s.Get("acme")
	elapsed := time.Since(start)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Get error = %v, want ErrUnavailable", err)
	}
	var te *TimeoutError
	if !errors.As(err, &te) || te.After != 50*time.Millisecond || te.Op != "get" {
		t.Fatalf("Get error = %#v, want a *TimeoutError for get after 50ms", err)
	}
	if elapsed > 2*time.Second {
		t.Errorf("Get took %v with a 50ms timeout", elapsed)
	}
	if err := s.Set("acme", "k"); !errors.As(err, &te) || te.Op != "set" {
		t.Errorf("Set error = %v, want a timeout", err)
	}
}

func TestDefaultTimeout(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		set, want time.Duration
	}{{0, DefaultTimeout}, {-1, DefaultTimeout}, {time.Second, time.Second}} {
		if got := (Store{Timeout: tt.set}).timeout(); got != tt.want {
			t.Errorf("timeout with Timeout %v = %v, want %v", tt.set, got, tt.want)
		}
	}
	if DefaultTimeout != 3*time.Second {
		t.Errorf("DefaultTimeout = %v; docs/keyring.md and login's 5 s promise assume 3s", DefaultTimeout)
	}
}

func TestMemoryRoundTrip(t *testing.T) {
	t.Parallel()
	s := Store{Service: "restmcp", Backend: NewMemory()}
	other := Store{Service: "acme-mcp", Backend: s.Backend}
	if _, err := s.Get("acme"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get on empty keyring: %v, want ErrNotFound", err)
	}
	for _, k := range []string{"first", "second"} {
		if err := s.Set("acme", k); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get("acme"); err != nil || got != k {
			t.Fatalf("Get = %q, %v; want %q", got, err, k)
		}
	}
	if _, err := other.Get("acme"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another service sees the key: %v", err)
	}
	if err := s.Delete("acme"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("acme"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete = %v, want ErrNotFound", err)
	}
}

// TestMockInit checks that the zero-Backend Store goes through go-keyring.
// go-keyring's mock is process-wide and cannot be undone, so the test runs
// in a child process and leaves the real keyring to the other tests.
func TestMockInit(t *testing.T) {
	if !inChild(t, nil) {
		return
	}
	MockInit()
	s := Store{Service: "restmcp-mock"}
	if err := s.Set("acme", "k1"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("acme"); err != nil || got != "k1" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	MockInitWithError(gokeyring.ErrSetDataTooBig)
	if err := s.Set("acme", "k2"); !errors.Is(err, ErrTooBig) {
		t.Errorf("Set with a too-big error = %v, want ErrTooBig", err)
	}
	MockInitWithError(errors.New("no secret service"))
	if _, err := s.Get("acme"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Get = %v, want ErrUnavailable", err)
	}
	MockInit()
}

const childEnv = "RESTMCP_KEYRING_TEST_CHILD"

// inChild re-runs the calling test alone in a child process with env added
// and reports whether the caller is that child (and should do the work).
// In the parent it fails the test when the child fails.
func inChild(t *testing.T, env []string) bool {
	t.Helper()
	if os.Getenv(childEnv) == t.Name() {
		return true
	}
	c := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	c.Env = append(append(os.Environ(), childEnv+"="+t.Name()), env...)
	out, err := c.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s in a child process: %v\n%s", t.Name(), err, out)
	}
	return false
}
