package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/restmcp/restmcp/internal/filelock"
)

// lockPath is the path locked for account in dir (filelock adds ".lock"):
// the account's safe characters plus a hash, so two accounts never share a
// file.
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
	return filepath.Join(dir, "oauth-"+safe+"-"+hex.EncodeToString(sum[:4]))
}

// acquireLock takes the exclusive lock of path, shared with other
// processes, waiting until ctx is done; the returned function releases it.
func acquireLock(ctx context.Context, path string) (release func(), err error) {
	release, err = filelock.LockContext(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("oauth: waiting for another process to finish refreshing the token: %w", err)
	}
	return release, nil
}

// WithLock runs fn holding account's lock in dir, the one a TokenSource
// renews under, so that a sign-in that stores a token, or a logout that
// removes it, is not undone by a renewal another process is running: it
// waits for that renewal (up to DefaultLockWait) and runs after it. An
// empty dir runs fn without a lock.
func WithLock(ctx context.Context, dir, account string, fn func() error) error {
	if dir == "" {
		return fn()
	}
	lctx, cancel := context.WithTimeout(ctx, DefaultLockWait)
	release, err := acquireLock(lctx, lockPath(dir, account))
	cancel()
	if err != nil {
		return err
	}
	defer release()
	return fn()
}
