package keyring

import (
	"runtime"
	"sync"
)

// Memory is an in-memory Backend for tests: safe for concurrent use, and
// private to the Store that holds it (unlike MockInit).
type Memory struct {
	mu   sync.Mutex
	keys map[[2]string]string
	// Err, when set, is returned by every call.
	Err  error
	gets int
}

// NewMemory returns an empty in-memory keyring.
func NewMemory() *Memory { return &Memory{keys: map[[2]string]string{}} }

// Get implements Backend.
func (m *Memory) Get(service, account string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gets++
	if m.Err != nil {
		return "", m.Err
	}
	v, ok := m.keys[[2]string{service, account}]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// Set implements Backend.
func (m *Memory) Set(service, account, secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return m.Err
	}
	if m.keys == nil {
		m.keys = map[[2]string]string{}
	}
	m.keys[[2]string{service, account}] = secret
	return nil
}

// Delete implements Backend.
func (m *Memory) Delete(service, account string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return m.Err
	}
	k := [2]string{service, account}
	if _, ok := m.keys[k]; !ok {
		return ErrNotFound
	}
	delete(m.keys, k)
	return nil
}

func osKeyringName(b Backend) string {
	if _, ok := b.(*Memory); ok {
		return "the in-memory test keyring"
	}
	switch runtime.GOOS {
	case "darwin":
		return "the macOS Keychain"
	case "windows":
		return "the Windows Credential Manager"
	default:
		return "the Secret Service keyring"
	}
}

// Gets is how many times Get was called (a test of caching counts them).
func (m *Memory) Gets() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gets
}
