// Package filelock serialises the read-modify-write cycles of restmcp's
// commands on a shared file: each cycle holds an exclusive lock on a lock
// file next to it (flock on Unix, LockFileEx on Windows), so a second
// command waits for the first and then reads what the first wrote. The
// operating system releases the lock when a process ends, however it ends.
// LockTransient, for the files of other programs, takes a lock folder
// instead, as Claude Code does, and takes over one its holder abandoned.
package filelock

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
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
		return nil, busyError(path, timeout, isDir(path+".lock"))
	}
	return release, err
}

// LockContext is Lock waiting until ctx is done instead of Timeout; the
// error then wraps ctx's.
func LockContext(ctx context.Context, path string) (release func(), err error) {
	return lockContext(ctx, path)
}

// StaleAfter is how long a lock folder may go unchanged before it counts
// as abandoned: its holder ended without removing it. A holder touches it
// more often than that (Node's proper-lockfile, which Claude Code uses,
// every 5 s; LockTransient every StaleAfter/3). It is longer than the
// 10 s after which proper-lockfile takes a folder over: one whose holder
// touched it late, which Claude Code still counts held, is not taken.
const StaleAfter = 12 * time.Second

// TransientTimeout is how long LockTransient waits: longer than
// StaleAfter, so that a waiter outlasts a folder abandoned just before.
const TransientTimeout = StaleAfter + 3*time.Second

// staleAfter is StaleAfter; tests shorten it.
var staleAfter = StaleAfter

// afterMkdir is called when a lock folder was just made; tests hold it.
var afterMkdir = func(string) {}

// LockTransient is Lock, except that the lock is the folder path+".lock",
// removed on release, so that none is left beside a file that others see
// (a project's configuration, which a "git add -A" would commit). A
// folder is the lock Claude Code takes on ~/.claude.json, so each waits
// for the other; one left behind, by a command that was killed, is taken
// over once it is StaleAfter old, by restmcp or by Claude Code, and warn
// (if not nil) says so. A lock file another restmcp release left behind
// is removed the same way. Another restmcp command holding the lock is
// waited for, up to TransientTimeout, however old its folder. A folder
// another program put in the place of the one held is that program's:
// the holder neither touches nor removes it.
func LockTransient(path string, warn func(string)) (unlock func(), err error) {
	return lockTransientWithin(path, TransientTimeout, warn)
}

func lockTransientWithin(path string, timeout time.Duration, warn func(string)) (func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if warn == nil {
		warn = func(string) {}
	}
	name := path + ".lock"
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", filepath.Dir(name), err)
	}
	wait := time.Millisecond
	foreign := false // what the last wait was for: another program's folder, or another restmcp command
	for {
		release, err := takeFolder(name, &foreign, warn)
		if err == nil {
			return release, nil
		}
		if !errors.Is(err, errBusy) {
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			return nil, busyError(path, timeout, foreign)
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// takeFolder makes the lock folder name, or takes over one its holder
// abandoned; errBusy means a live holder has it (foreign says whether
// another program). The release removes the folder.
func takeFolder(name string, foreign *bool, warn func(string)) (func(), error) {
	made := time.Now()
	mkErr := os.Mkdir(name, 0o700)
	if mkErr != nil && !errors.Is(mkErr, fs.ErrExist) {
		return nil, mkErr
	}
	if mkErr == nil {
		afterMkdir(name)
	}
	fi, err := os.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errBusy // removed meanwhile: try again
	case err != nil:
		return nil, err
	case !fi.IsDir():
		*foreign = false
		return nil, removeAbandonedFile(name, warn)
	}
	unhold, err := holdFolder(name)
	// Another command may hold a folder just made for a moment, to look
	// at it: it lets go as it finds it new.
	for try := 0; mkErr == nil && errors.Is(err, errBusy) && try < 100; try++ {
		time.Sleep(time.Millisecond)
		unhold, err = holdFolder(name)
	}
	if err != nil {
		*foreign = false
		if mkErr == nil && time.Since(made) < staleAfter/2 {
			// Made here, but held on by a command that looks at it, under
			// a heavy load: removed, so that it is not left to wait out
			// StaleAfter as if its maker had ended. Only while it is too
			// young for anyone to have taken it over as abandoned: made
			// longer ago (this command stalled), the one holding it may
			// be its new holder, whose lock it now is.
			os.Remove(name)
		}
		return nil, err
	}
	// The folder held: the one touched and removed, and no other.
	mine, err := os.Lstat(name)
	if err != nil || !mine.IsDir() {
		unhold()
		return nil, errBusy
	}
	os.SameFile(mine, mine) // on Windows, reads its identity now, not at the first comparison
	ours := func() bool {
		fi, err := os.Lstat(name)
		return err == nil && os.SameFile(mine, fi)
	}
	if mkErr != nil {
		// Made by another program, or by a restmcp command that ended
		// (a live one holds it): abandoned once it is staleAfter old.
		age := time.Since(mine.ModTime())
		if age < staleAfter {
			unhold()
			*foreign = true
			return nil, errBusy
		}
		warn(fmt.Sprintf("took over the lock folder %s, unchanged for %s: the program that made it ended without removing it", name, age.Round(time.Second)))
	}
	touch := func() {
		// Only while it is ours: a folder another program put in its place
		// (its holder stopped for longer than StaleAfter) is that
		// program's lock, which proper-lockfile counts taken from it once
		// its time changes.
		if ours() {
			now := time.Now()
			_ = os.Chtimes(name, now, now)
		}
	}
	touch()
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		// Touched while held, so that no one takes it over.
		defer close(stopped)
		for {
			select {
			case <-done:
				return
			case <-time.After(staleAfter / 3):
				touch()
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		if ours() {
			os.Remove(name) // while held, so that a waiter that then wins the old folder sees it is gone
		}
		unhold()
	}, nil
}

// removeAbandonedFile removes the lock file name (an earlier release's
// lock, or another program's) when no one holds it; errBusy when someone
// does.
func removeAbandonedFile(name string, warn func(string)) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return errBusy
	}
	if err != nil {
		return err
	}
	if err := tryLock(f); err != nil {
		f.Close()
		return err
	}
	if !current(f, name) {
		unlock(f)
		f.Close()
		return errBusy
	}
	// Removed while held, where the system allows it (Unix), so that a
	// waiter that then wins the old file sees it is gone; Windows refuses
	// to delete a file that is open.
	var rmErr error
	if runtime.GOOS != "windows" {
		rmErr = os.Remove(name)
	}
	unlock(f)
	f.Close()
	if runtime.GOOS == "windows" {
		rmErr = os.Remove(name)
	}
	if rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
		return rmErr
	}
	warn(fmt.Sprintf("removed the lock file %s, which no running program held: the command that made it ended without removing it", name))
	return errBusy // take the folder now
}

// busyError says that the lock of path is held: by another program's
// lock folder (foreign), else by another restmcp command.
func busyError(path string, timeout time.Duration, foreign bool) error {
	if foreign {
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

// lockContext takes the lock. A lock won on a file that was removed (or
// replaced) meanwhile is no lock at all, since the next command creates a
// new file: it is given up and taken again on the file now at that name.
func lockContext(ctx context.Context, path string) (release func(), err error) {
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
			unlock(f)
			f.Close()
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
