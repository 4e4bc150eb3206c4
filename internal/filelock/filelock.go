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
	"runtime"
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
		return nil, busyError(path, timeout)
	}
	return release, err
}

// LockContext is Lock waiting until ctx is done instead of Timeout; the
// error then wraps ctx's.
func LockContext(ctx context.Context, path string) (release func(), err error) {
	return lockContext(ctx, path, false)
}

// LockTransient is Lock, and the lock file is removed when the lock is
// released, so that none is left beside a file that others see (a
// project's configuration, which a "git add -A" would commit).
func LockTransient(path string) (unlock func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	release, err := lockContext(ctx, path, true)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, busyError(path, Timeout)
	}
	return release, err
}

func busyError(path string, timeout time.Duration) error {
	if isDir(path + ".lock") {
		return fmt.Errorf("%s is being changed by another program, which holds the folder %s.lock as its lock "+
			"(as Claude Code does for its settings; waited %s): try again once it has finished, or remove that folder "+
			"if no such program is running", path, path, timeout)
	}
	return fmt.Errorf("%s is being changed by another restmcp command (waited %s for %s.lock); "+
		"try again once it has finished", path, timeout, path)
}

func isDir(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.IsDir()
}

// lockContext takes the lock; with remove, the release deletes the lock
// file. A lock won on a file that was removed (or replaced) meanwhile is
// no lock at all, since the next command creates a new file: it is given
// up and taken again on the file now at that name.
func lockContext(ctx context.Context, path string, remove bool) (release func(), err error) {
	name := path + ".lock"
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", filepath.Dir(name), err)
	}
	wait := time.Millisecond
	for {
		f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil && isDir(name) {
			// Another program's lock: a folder of that name, made with
			// mkdir and removed when done (Node's proper-lockfile, which
			// Claude Code takes on ~/.claude.json). Wait for it to go.
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("waiting for the lock folder %s held by another program: %w", name, ctx.Err())
			case <-time.After(wait):
			}
			wait = min(2*wait, 50*time.Millisecond)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		for {
			err = tryLock(f)
			if !errors.Is(err, errBusy) {
				break
			}
			select {
			case <-ctx.Done():
				f.Close()
				return nil, fmt.Errorf("waiting for the lock %s held by another restmcp process: %w", name, ctx.Err())
			case <-time.After(wait):
			}
			wait = min(2*wait, 50*time.Millisecond)
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if !current(f, name) {
			unlock(f)
			f.Close()
			continue
		}
		return func() {
			// Removed while held, where the system allows it (Unix), so
			// that a waiter that then wins the old file sees it is gone;
			// Windows refuses to delete a file another process has open,
			// so there it goes after the release, when no one waits.
			if remove && runtime.GOOS != "windows" {
				os.Remove(name)
			}
			unlock(f)
			f.Close()
			if remove && runtime.GOOS == "windows" {
				os.Remove(name)
			}
		}, nil
	}
}

// current reports whether the open file f is still the one at name.
func current(f *os.File, name string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(name)
	return err == nil && os.SameFile(a, b)
}
