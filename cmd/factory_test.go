package cmd

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/log"
)

func TestReadUntilDone(t *testing.T) {
	t.Run("answer", func(t *testing.T) {
		restored := false
		s, err := readUntilDone(context.Background(), func() ([]byte, error) { return []byte("sk-typed"), nil }, func() { restored = true })
		if s != "sk-typed" || err != nil || restored {
			t.Errorf("got %q, %v, restored %v", s, err, restored)
		}
	})
	t.Run("Ctrl-C while waiting", func(t *testing.T) {
		block := make(chan struct{})
		defer close(block)
		ctx, cancel := context.WithCancel(context.Background())
		restored := make(chan bool, 1)
		go func() {
			time.Sleep(20 * time.Millisecond)
			cancel()
		}()
		wantInterrupted(t, "the prompt", func() error {
			_, err := readUntilDone(ctx, func() ([]byte, error) { <-block; return nil, nil }, func() { restored <- true })
			return err
		})
		select {
		case <-restored:
		default:
			t.Error("the terminal was not restored")
		}
	})
}

// login --with-key waiting on a terminal ends on Ctrl-C.
func TestReadKeyFromStdinEndsOnInterrupt(t *testing.T) {
	f, _, _ := testFactory(t, nil)
	stdin, w := io.Pipe() // nothing is ever typed
	defer w.Close()
	f.IO.In = stdin
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	wantInterrupted(t, "readSecret --with-key", func() error {
		_, err := readSecret(ctx, f, "restmcp login --profile acme", "acme", true, "API key")
		return err
	})
}

// wantInterrupted runs wait, which should end with errInterrupted soon
// after its context ends.
func wantInterrupted(t *testing.T, what string, wait func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- wait() }()
	select {
	case err := <-done:
		if !errors.Is(err, errInterrupted) {
			t.Errorf("%s: error %v, want errInterrupted", what, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s still waits after the context ended", what)
	}
}

// Without a home directory the error names the variable that replaces it.
func TestConfigDirWithoutHome(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("os.UserConfigDir reads $XDG_CONFIG_HOME and $HOME only on Linux")
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", "")
	f := &Factory{Brand: Brand{Name: "acme-mcp"}, Getenv: func(string) string { return "" }}
	_, err := f.ConfigDir()
	if err == nil || !strings.Contains(err.Error(), "set ACME_MCP_CONFIG_DIR") {
		t.Errorf("error %v does not name ACME_MCP_CONFIG_DIR", err)
	}
}

// The compiled description cache lives in <BRAND>_CACHE_DIR, else beside an
// isolated configuration, else in the user cache directory; --no-cache
// turns it off.
func TestCacheDir(t *testing.T) {
	userCache, err := os.UserCacheDir()
	if err != nil {
		t.Skip("no user cache directory here")
	}
	b := Brand{Name: "acme-mcp"}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"ACME_MCP_CACHE_DIR": "/c", "ACME_MCP_CONFIG_DIR": "/p"}, "/c"},
		{map[string]string{"ACME_MCP_CONFIG_DIR": "/p"}, filepath.Join("/p", "cache")},
		{nil, filepath.Join(userCache, "acme-mcp")},
	} {
		f := &Factory{Brand: b, Getenv: func(k string) string { return tc.env[k] }, Log: log.New(io.Discard)}
		got, err := f.CacheDir()
		if err != nil || got != tc.want {
			t.Errorf("env %v: %q, %v; want %q", tc.env, got, err, tc.want)
		}
		if a := f.App(); a.Cache == nil || a.Cache.Dir != tc.want {
			t.Errorf("env %v: App's cache %+v", tc.env, a.Cache)
		}
		if a := f.AppNoCache(true); a.Cache != nil {
			t.Errorf("--no-cache: App has a cache")
		}
	}
}
