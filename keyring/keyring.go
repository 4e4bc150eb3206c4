// Package keyring stores API keys in the operating system's keyring (macOS
// Keychain, Windows Credential Manager, the Secret Service on Linux). It is
// the only importer of github.com/zalando/go-keyring.
//
// Every call is bounded by a timeout: on Linux a locked collection makes the
// Secret Service show an unlock prompt, and a prompt nobody answers (a
// headless machine, an editor launching the server) would otherwise block
// forever. Errors are mapped to [ErrNotFound], [ErrUnavailable] and
// [ErrTooBig], checked with errors.Is.
//
//	s := keyring.Store{Service: "restmcp"}
//	if err := s.Set("acme", key); errors.Is(err, keyring.ErrUnavailable) { … }
//	key, err := s.Get("acme")
package keyring

import (
	"errors"
	"fmt"
	"strings"
	"time"

	gokeyring "github.com/zalando/go-keyring"
)

// DefaultTimeout bounds one keyring call when Store.Timeout is zero.
const DefaultTimeout = 3 * time.Second

var (
	// ErrNotFound means no key is stored for the account.
	ErrNotFound = errors.New("no key in the keyring")
	// ErrUnavailable means the keyring could not be used: no D-Bus session,
	// no Secret Service, a locked collection, a refused prompt, or no answer
	// within the timeout. The error that carries it names the cause.
	ErrUnavailable = errors.New("the OS keyring is unavailable")
	// ErrDamaged means a keyring entry was read but does not hold what was
	// stored (a secret kept in parts with one missing): storing it again
	// (logging in again) repairs it.
	ErrDamaged = errors.New("the keyring entry is damaged")
	// ErrTooBig means the keyring refused the value as too large.
	ErrTooBig = errors.New("the key is too big for the OS keyring")
)

// UnavailableError is returned when the keyring could not be used. It
// matches ErrUnavailable with errors.Is and unwraps to the cause.
type UnavailableError struct {
	Op    string // "get", "set" or "delete"
	Cause error
}

// Error implements error.
func (e *UnavailableError) Error() string {
	return fmt.Sprintf("%v: %v", ErrUnavailable, e.Cause)
}

// Is reports whether target is ErrUnavailable.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// Unwrap returns the cause.
func (e *UnavailableError) Unwrap() error { return e.Cause }

// TimeoutError is the cause of an UnavailableError when the keyring did not
// answer in time.
type TimeoutError struct {
	Op    string
	After time.Duration
}

// Error implements error.
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("no answer to %s within %v (a locked keyring may be waiting for an unlock prompt)", e.Op, e.After)
}

// HowToUnlock says how a user unlocks a locked keyring (see Locked), for
// messages: "unlock it (" + HowToUnlock + ")".
const HowToUnlock = "log in to the desktop session, or run `gnome-keyring-daemon --unlock` with its password on standard input"

// Locked reports whether err is a locked keyring that could show no
// unlock prompt: the Secret Service's "failed to unlock correct
// collection" (go-keyring). Unlocking it is what the user does, not
// signing in again.
func Locked(err error) bool {
	return err != nil && strings.Contains(err.Error(), "failed to unlock")
}

// Backend is a keyring implementation. The zero Store uses the OS keyring
// through go-keyring; tests may plug in their own (see Memory).
type Backend interface {
	Get(service, account string) (string, error)
	Set(service, account, secret string) error
	Delete(service, account string) error
}

// Store reads and writes the keys of one service (the binary's name); the
// account is the profile name.
type Store struct {
	Service string
	// Timeout bounds each call (default DefaultTimeout).
	Timeout time.Duration
	// Backend is the keyring to use (default: the OS keyring).
	Backend Backend
	// OS is the operating system whose keyring limits Fits applies
	// (default: this one).
	OS string
}

// Get returns the key stored for account.
func (s Store) Get(account string) (string, error) {
	var v string
	err := s.do("get", func(b Backend) error {
		var err error
		v, err = b.Get(s.Service, account)
		return err
	})
	if err != nil {
		return "", err
	}
	return v, nil
}

// Set stores secret for account, replacing any key stored before.
func (s Store) Set(account, secret string) error {
	return s.do("set", func(b Backend) error { return b.Set(s.Service, account, secret) })
}

// Delete removes the key of account; ErrNotFound when there was none.
func (s Store) Delete(account string) error {
	return s.do("delete", func(b Backend) error { return b.Delete(s.Service, account) })
}

// Describe names where keys are stored, for messages ("the OS keyring
// (service restmcp)").
func (s Store) Describe() string {
	return fmt.Sprintf("%s (service %q)", osKeyringName(s.Backend), s.Service)
}

func (s Store) timeout() time.Duration {
	if s.Timeout <= 0 {
		return DefaultTimeout
	}
	return s.Timeout
}

// do runs call in its own goroutine so that a keyring that never answers
// cannot block the caller beyond the timeout; the goroutine is abandoned then.
func (s Store) do(op string, call func(Backend) error) error {
	b := s.Backend
	if b == nil {
		b = osBackend{}
	}
	timeout := s.timeout()
	done := make(chan error, 1)
	go func() { done <- call(b) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return mapError(op, err)
	case <-t.C:
		return &UnavailableError{Op: op, Cause: &TimeoutError{Op: op, After: timeout}}
	}
}

func mapError(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gokeyring.ErrNotFound), errors.Is(err, ErrNotFound):
		return ErrNotFound
	case errors.Is(err, gokeyring.ErrSetDataTooBig), errors.Is(err, ErrTooBig):
		return fmt.Errorf("%w: %v", ErrTooBig, err)
	case errors.Is(err, ErrUnavailable):
		return err
	default:
		return &UnavailableError{Op: op, Cause: err}
	}
}

// osBackend is go-keyring: the OS keyring, or its in-memory mock after
// MockInit.
type osBackend struct{}

func (osBackend) Get(service, account string) (string, error) {
	return gokeyring.Get(service, account)
}

func (osBackend) Set(service, account, secret string) error {
	return gokeyring.Set(service, account, secret)
}

func (osBackend) Delete(service, account string) error {
	return gokeyring.Delete(service, account)
}

// MockInit replaces the OS keyring of every zero-Backend Store in this
// process with an in-memory one (go-keyring's mock). For tests only; it
// changes process-wide state, so tests that use it must not run in parallel
// with others that touch the keyring. Prefer Store{Backend: NewMemory()}.
func MockInit() { gokeyring.MockInit() }

// MockInitWithError is MockInit with a keyring whose every call fails with
// err.
func MockInitWithError(err error) { gokeyring.MockInitWithError(err) }
