package filelock

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
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
	got := make(chan error, 1)
	go func() {
		u, err := lockWithin(path, 5*time.Second)
		if err == nil {
			u()
		}
		got <- err
	}()
	time.Sleep(20 * time.Millisecond)
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("Lock after release = %v", err)
	}
}

// TestHelperHoldLock is not a test: run as a subprocess, it holds the lock
// of $FILELOCK_HOLD until its input ends.
func TestHelperHoldLock(t *testing.T) {
	path := os.Getenv("FILELOCK_HOLD")
	if path == "" {
		t.Skip("helper process only")
	}
	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	os.Stdout.WriteString("locked\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
}

func TestLockExcludesAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	cmd := exec.Command(os.Args[0], "-test.run", "^TestHelperHoldLock$")
	cmd.Env = append(os.Environ(), "FILELOCK_HOLD="+path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "locked\n" {
		t.Fatalf("helper said %q", line)
	}
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
			unlock, err := LockTransient(path)
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
	unlock, err := LockTransient(path)
	if err != nil {
		t.Fatalf("lock folder removed meanwhile: %v", err)
	}
	unlock()
	if _, err := os.Stat(path + ".lock"); !os.IsNotExist(err) {
		t.Errorf("lock file left: %v", err)
	}
}
