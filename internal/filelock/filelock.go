// Package filelock serialises the read-modify-write cycles of restmcp's
// commands on a shared file: each cycle holds an exclusive lock on a lock
// file next to it (flock on Unix, LockFileEx on Windows), so a second
// command waits for the first and then reads what the first wrote. The
// operating system releases the lock when a process ends, however it ends.
package filelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Timeout is how long Lock waits for another command to finish.
const Timeout = 10 * time.Second

// errBusy is what tryLock returns when another holder has the lock.
var errBusy = errors.New("locked")

// Lock takes the exclusive lock of path (on path+".lock", created 0600 with
// missing parent directories 0700), waiting up to Timeout. The returned
// function releases it.
func Lock(path string) (unlock func(), err error) {
	return lockWithin(path, Timeout)
}

func lockWithin(path string, timeout time.Duration) (func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	release, err := LockContext(ctx, path)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("%s is being changed by another restmcp command (waited %s for %s.lock); "+
			"try again once it has finished", path, timeout, path)
	}
	return release, err
}

// LockContext is Lock waiting until ctx is done instead of Timeout; the
// error then wraps ctx's.
func LockContext(ctx context.Context, path string) (release func(), err error) {
	name := path + ".lock"
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", filepath.Dir(name), err)
	}
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	wait := time.Millisecond
	for {
		err := tryLock(f)
		if err == nil {
			return func() {
				unlock(f)
				f.Close()
			}, nil
		}
		if !errors.Is(err, errBusy) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for the lock %s held by another restmcp process: %w", name, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}
