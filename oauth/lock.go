package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// lockPoll is how often a waiting process retries a held lock.
const lockPoll = 25 * time.Millisecond

// lockFile is an exclusive lock on a file, held across processes.
type lockFile struct{ f *os.File }

// lockPath is the lock file of account in dir: the account's safe
// characters plus a hash, so two accounts never share a file.
func lockPath(dir, account string) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, account)
	if len(safe) > 40 {
		safe = safe[:40]
	}
	sum := sha256.Sum256([]byte(account))
	return filepath.Join(dir, "oauth-"+safe+"-"+hex.EncodeToString(sum[:4])+".lock")
}

// acquireLock takes the exclusive lock on path, retrying until ctx is done.
func acquireLock(ctx context.Context, path string) (*lockFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("oauth: creating the lock directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("oauth: opening the lock file: %w", err)
	}
	t := time.NewTicker(lockPoll)
	defer t.Stop()
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("oauth: locking %s: %w", path, err)
		}
		if ok {
			return &lockFile{f: f}, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("oauth: waiting for another process to finish refreshing the token (%s): %w", path, ctx.Err())
		case <-t.C:
		}
	}
}

// release unlocks and closes the file; it stays on disk for the next one.
func (l *lockFile) release() {
	unlock(l.f)
	l.f.Close()
}
