package filelock

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLockExcludesAndReleases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "f.json")
	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + ".lock"); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("lock file: %v, %v; want it private", fi, err)
	}
	_, err = lockWithin(path, 50*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "another restmcp command") || !strings.Contains(err.Error(), path) {
		t.Fatalf("second Lock while held = %v, want a busy error naming the file", err)
	}
	takenOnRelease(t, unlock, func() (func(), error) { return lockWithin(path, 5*time.Second) })
}

// takenOnRelease checks that lock, waiting while the lock is held, gets
// it once unlock releases it.
func takenOnRelease(t *testing.T, unlock func(), lock func() (func(), error)) {
	t.Helper()
	got := make(chan error, 1)
	go func() {
		u, err := lock()
		if err == nil {
			u()
		}
		got <- err
	}()
	time.Sleep(20 * time.Millisecond)
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("lock after the release = %v", err)
	}
}

// TestHelperHoldLock is not a test: run as a subprocess, it holds the lock
// of $FILELOCK_HOLD until its input ends.
func TestHelperHoldLock(t *testing.T) {
	path := os.Getenv("FILELOCK_HOLD")
	if path == "" {
		t.Skip("helper process only")
	}
	lock := Lock
	if os.Getenv("FILELOCK_TRANSIENT") != "" {
		lock = func(path string) (func(), error) { return LockTransient(path, nil) }
	}
	unlock, err := lock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	os.Stdout.WriteString("locked\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
}

// holdInAnotherProcess starts a process that holds the lock of path (the
// transient one with transient) until stdin is closed.
func holdInAnotherProcess(t *testing.T, path string, transient bool) (*exec.Cmd, io.Closer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestHelperHoldLock$")
	cmd.Env = append(os.Environ(), "FILELOCK_HOLD="+path)
	if transient {
		cmd.Env = append(cmd.Env, "FILELOCK_TRANSIENT=1")
	}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "locked\n" {
		t.Fatalf("helper said %q", line)
	}
	return cmd, stdin
}

func TestLockExcludesAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	cmd, stdin := holdInAnotherProcess(t, path, false)
	if _, err := lockWithin(path, 50*time.Millisecond); err == nil {
		t.Fatal("took the lock another process holds")
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	unlock, err := lockWithin(path, 5*time.Second)
	if err != nil {
		t.Fatalf("Lock after the other process ended = %v", err)
	}
	unlock()
}

// A transient lock leaves no lock file, and still excludes: parallel
// read-modify-write cycles each see what the previous one wrote, though
// each release removes the file the waiters opened.
func TestLockTransient(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			// Staggered, so that some open the lock file after a holder
			// removed it, while others wait on the removed one.
			time.Sleep(time.Duration(i) * 500 * time.Microsecond)
			unlock, err := LockTransient(path, nil)
			if err != nil {
				errs <- err
				return
			}
			defer unlock()
			b, _ := os.ReadFile(path)
			time.Sleep(time.Millisecond)
			errs <- os.WriteFile(path, append(b, 'x'), 0o600)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(path); len(b) != n {
		t.Errorf("%d writes kept, want %d: two holders overlapped", len(b), n)
	}
	if _, err := os.Stat(path + ".lock"); !os.IsNotExist(err) {
		t.Errorf("lock file left behind: %v", err)
	}
}

// A folder at the lock's name is another program's lock (Claude Code
// takes one on ~/.claude.json with mkdir): the lock waits for it to go,
// and says what holds it when it does not.
func TestLockWaitsForALockFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".claude.json")
	if err := os.Mkdir(path+".lock", 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := lockWithin(path, 100*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "another program, which holds the folder "+path+".lock") {
		t.Fatalf("lock folder held: err = %v, want it to name the folder", err)
	}
	go func() {
		time.Sleep(200 * time.Millisecond)
		os.Remove(path + ".lock")
	}()
	unlock, err := LockTransient(path, nil)
	if err != nil {
		t.Fatalf("lock folder removed meanwhile: %v", err)
	}
	unlock()
	if _, err := os.Stat(path + ".lock"); !os.IsNotExist(err) {
		t.Errorf("lock file left: %v", err)
	}
}

// warnings collects what LockTransient warns about.
func warnings() (*[]string, func(string)) {
	var ws []string
	return &ws, func(w string) { ws = append(ws, w) }
}

// A lock its holder abandoned is taken over, with a warning: a folder
// left unchanged for StaleAfter (a killed restmcp command's, or Claude
// Code's), and a lock file no one holds (an earlier release's).
func TestLockTransientTakesOverAnAbandonedLock(t *testing.T) {
	takeOver := func(t *testing.T, path, want string) {
		t.Helper()
		ws, warn := warnings()
		unlock, err := lockTransientWithin(path, 5*time.Second, warn)
		if err != nil {
			t.Fatalf("abandoned lock: %v", err)
		}
		if fi, err := os.Stat(path + ".lock"); err != nil || !fi.IsDir() {
			t.Errorf("held lock: %v, %v; want the folder", fi, err)
		}
		unlock()
		if len(*ws) != 1 || !strings.Contains((*ws)[0], want) || !strings.Contains((*ws)[0], path+".lock") {
			t.Errorf("warnings = %q, want one saying %q of %s.lock", *ws, want, path)
		}
		if _, err := os.Stat(path + ".lock"); !os.IsNotExist(err) {
			t.Errorf("lock left after the release: %v", err)
		}
	}
	t.Run("an old folder", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), ".claude.json")
		if err := os.Mkdir(path+".lock", 0o700); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-time.Minute)
		if err := os.Chtimes(path+".lock", old, old); err != nil {
			t.Fatal(err)
		}
		takeOver(t, path, "took over the lock folder")
	})
	t.Run("a lock file no one holds", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), ".claude.json")
		if err := os.WriteFile(path+".lock", nil, 0o600); err != nil {
			t.Fatal(err)
		}
		takeOver(t, path, "removed the lock file")
	})
	t.Run("a killed holder", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("a folder there is known by its age alone, which the first case tests")
		}
		defer func(d time.Duration) { staleAfter = d }(staleAfter)
		staleAfter = 300 * time.Millisecond
		path := filepath.Join(t.TempDir(), ".claude.json")
		cmd, _ := holdInAnotherProcess(t, path, true)
		if _, err := lockTransientWithin(path, 50*time.Millisecond, nil); err == nil {
			t.Fatal("took the lock a live process holds")
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if _, err := os.Stat(path + ".lock"); err != nil {
			t.Fatalf("the killed holder left no folder: %v", err)
		}
		takeOver(t, path, "took over the lock folder")
	})
}

// A live holder is waited for, up to the bound, however old its lock:
// another restmcp command's folder, in this process or another, and an
// earlier release's lock file.
func TestLockTransientWaitsForALiveHolder(t *testing.T) {
	busy := func(t *testing.T, path string) {
		t.Helper()
		ws, warn := warnings()
		_, err := lockTransientWithin(path, 100*time.Millisecond, warn)
		want := "another restmcp command"
		if runtime.GOOS == "windows" {
			want = "is being changed by another" // a folder's age alone tells there
		}
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Fatalf("live holder: err = %v, want a busy error naming the file", err)
		}
		if len(*ws) != 0 {
			t.Errorf("warned of a live holder: %q", *ws)
		}
		if _, err := os.Stat(path + ".lock"); err != nil {
			t.Errorf("the live holder's lock is gone: %v", err)
		}
	}
	t.Run("a folder held in this process, made old", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), ".claude.json")
		unlock, err := LockTransient(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" { // there the age tells
			old := time.Now().Add(-time.Hour)
			if err := os.Chtimes(path+".lock", old, old); err != nil {
				t.Fatal(err)
			}
		}
		busy(t, path)
		takenOnRelease(t, unlock, func() (func(), error) { return lockTransientWithin(path, 5*time.Second, nil) })
	})
	t.Run("a folder held by another process", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), ".claude.json")
		holdInAnotherProcess(t, path, true)
		busy(t, path)
	})
	t.Run("an earlier release's lock file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), ".claude.json")
		unlock, err := Lock(path)
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		busy(t, path)
	})
}

// A lock folder of Node's proper-lockfile (Claude Code's) is live until it
// is more than 10 s old, its default: its holder may touch it late, and
// what its own kind still waits for is not taken over.
func TestLockTransientLeavesALateTouchedFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".claude.json")
	if err := os.Mkdir(path+".lock", 0o700); err != nil {
		t.Fatal(err)
	}
	touched := time.Now().Add(-9900 * time.Millisecond) // touched every 5 s, this time late
	if err := os.Chtimes(path+".lock", touched, touched); err != nil {
		t.Fatal(err)
	}
	ws, warn := warnings()
	unlock, err := lockTransientWithin(path, 50*time.Millisecond, warn)
	if err == nil {
		unlock()
		t.Fatalf("took over a folder proper-lockfile still counts held (warnings %q)", *ws)
	}
	if StaleAfter <= 10*time.Second || TransientTimeout <= StaleAfter {
		t.Errorf("StaleAfter %s, TransientTimeout %s: want a folder held more than 10 s, and a waiter outlasting it", StaleAfter, TransientTimeout)
	}
}

// A lock folder another program put in the place of the one held (Claude
// Code does, when it finds the folder old: a holder stopped for long) is
// that program's lock: the holder neither touches it, which would tell
// that program its lock was taken, nor removes it on release.
func TestLockTransientLeavesAFolderPutInItsPlace(t *testing.T) {
	defer func(d time.Duration) { staleAfter = d }(staleAfter)
	staleAfter = 150 * time.Millisecond // touched every 50 ms
	path := filepath.Join(t.TempDir(), ".claude.json")
	unlock, err := LockTransient(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path + ".lock"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path+".lock", 0o700); err != nil {
		t.Fatal(err)
	}
	theirs := time.Now().Add(-time.Second).Truncate(time.Second)
	if err := os.Chtimes(path+".lock", theirs, theirs); err != nil {
		t.Fatal(err)
	}
	time.Sleep(4 * staleAfter / 3)
	unlock()
	fi, err := os.Stat(path + ".lock")
	if err != nil {
		t.Fatalf("the other program's lock folder was removed: %v", err)
	}
	if !fi.ModTime().Equal(theirs) {
		t.Errorf("the other program's lock folder was touched: modified %s, want %s", fi.ModTime(), theirs)
	}
}

// A folder made here but held by another command for longer than a look
// (under a heavy load) is removed and made again, not left to wait out
// StaleAfter and then taken over as if its maker had ended.
func TestLockTransientRemovesAFolderItCouldNotHold(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a folder cannot be held on Windows")
	}
	defer func(d time.Duration) { staleAfter = d }(staleAfter)
	staleAfter = 3 * time.Second
	defer func(f func(string)) { afterMkdir = f }(afterMkdir)
	released := make(chan struct{})
	var once sync.Once
	afterMkdir = func(name string) {
		once.Do(func() {
			unhold, err := holdFolder(name)
			if err != nil {
				t.Error(err)
				close(released)
				return
			}
			go func() { time.Sleep(300 * time.Millisecond); unhold(); close(released) }()
		})
	}
	path := filepath.Join(t.TempDir(), ".claude.json")
	ws, warn := warnings()
	unlock, err := lockTransientWithin(path, 2*time.Second, warn)
	<-released
	if err != nil {
		t.Fatalf("the lock was not taken: %v", err)
	}
	unlock()
	if len(*ws) != 0 {
		t.Errorf("warnings %q, want none: the folder was made here", *ws)
	}
}

// A command that stalled between making its folder and holding it (for
// longer than StaleAfter: a laptop asleep, a stopped process) finds that
// another command took the folder over as abandoned and holds it: it
// must not remove that folder, which is now the other command's lock.
func TestLockTransientKeepsAFolderTakenOverWhileStalled(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a folder cannot be held on Windows")
	}
	defer func(d time.Duration) { staleAfter = d }(staleAfter)
	staleAfter = time.Second
	defer func(f func(string)) { afterMkdir = f }(afterMkdir)
	var (
		once    sync.Once
		release func()
		theirs  os.FileInfo
	)
	afterMkdir = func(name string) {
		once.Do(func() {
			time.Sleep(staleAfter + 100*time.Millisecond) // stalled
			var foreign bool
			var err error
			release, err = takeFolder(name, &foreign, func(string) {})
			if err != nil {
				t.Errorf("the other command did not take the stalled folder over: %v", err)
				return
			}
			theirs, _ = os.Lstat(name)
		})
	}
	path := filepath.Join(t.TempDir(), ".claude.json")
	unlock, err := lockTransientWithin(path, 2500*time.Millisecond, nil)
	if err == nil {
		unlock()
		t.Errorf("the lock was taken while another command held it")
	}
	if release == nil {
		t.FailNow()
	}
	if fi, err := os.Lstat(path + ".lock"); err != nil || !os.SameFile(fi, theirs) {
		t.Errorf("the other command's lock folder was removed or replaced while it held it (%v)", err)
	}
	release()
}
