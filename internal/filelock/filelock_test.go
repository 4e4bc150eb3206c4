package filelock

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
