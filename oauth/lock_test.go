package oauth

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestLockIsExclusiveAndWaitIsBounded(t *testing.T) {
	path := lockPath(filepath.Join(t.TempDir(), "locks"), "acme/oauth")
	first, err := acquireLock(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if _, err := acquireLock(ctx, path); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock while held: err = %v, want the deadline", err)
	}
	got := make(chan error, 1)
	go func() {
		l, err := acquireLock(t.Context(), path)
		if err == nil {
			l()
		}
		got <- err
	}()
	time.Sleep(50 * time.Millisecond)
	first()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the lock was not handed over after release")
	}
}

func TestLockPathKeepsAccountsApart(t *testing.T) {
	a, b := lockPath("d", "acme/oauth"), lockPath("d", "acme_oauth")
	if a == b {
		t.Errorf("two accounts share the lock file %s", a)
	}
	if filepath.Dir(a) != "d" {
		t.Errorf("lock file %s outside its directory", a)
	}
	if p := lockPath("d", "../../etc/x"); filepath.Dir(p) != "d" {
		t.Errorf("lock file %s escapes its directory", p)
	}
}
