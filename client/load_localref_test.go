//go:build unix

// The cases are Unix files: /dev/zero, a FIFO, /etc/passwd.

package client

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestLocalRefLimits(t *testing.T) {
	dir := t.TempDir()
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "schemas.json"), []byte(`{"Q":{"type":"string"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "shared.json"), []byte(`{"Q":{"type":"integer"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link.json")); err != nil {
		t.Fatal(err)
	}
	linked := filepath.Join(t.TempDir(), "linked")
	if err := os.Symlink(dir, linked); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	fh, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := fh.Truncate(maxDocumentBytes + 10); err != nil {
		t.Fatal(err)
	}
	fh.Close()

	tests := []struct {
		name, ref string
		opts      LoadOptions
		want      string // "" means success
	}{
		{"same folder", "schemas.json#/Q", LoadOptions{}, ""},
		{"dev zero", "/dev/zero", LoadOptions{}, "outside"},
		{"dev zero allowed folder", "/dev/zero", LoadOptions{RefDirs: []string{"/dev"}}, "not a regular file"},
		{"fifo", "fifo.json", LoadOptions{}, "not a regular file"},
		{"etc passwd", "/etc/passwd#/x", LoadOptions{}, "outside"},
		{"symlink out", "link.json#/x", LoadOptions{}, "outside"},
		{"parent escape", "../" + filepath.Base(other) + "/shared.json#/Q", LoadOptions{}, "outside"},
		{"other folder allowed", filepath.Join(other, "shared.json") + "#/Q", LoadOptions{RefDirs: []string{other}}, ""},
		{"other folder not allowed", filepath.Join(other, "shared.json") + "#/Q", LoadOptions{}, "--allow-ref-dir"},
		{"too large", "big.json", LoadOptions{}, "larger than"},
		// Refused as written, before the path is looked at (it does not
		// exist: resolving it would fail with "no such file"). On Windows
		// //host/share/x would connect to that host.
		{"outside, not looked at", filepath.Join(other, "missing", "x.json") + "#/Q", LoadOptions{}, "outside the description's folder"},
		// A folder reached through a symbolic link is its own folder.
		{"through a linked folder", filepath.Join(linked, "schemas.json") + "#/Q", LoadOptions{RefDirs: []string{linked}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := writeSpec(t, dir, tt.ref)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			api, err := Load(ctx, spec, tt.opts)
			msg := ""
			if err != nil {
				msg = err.Error()
			} else {
				for _, s := range api.Skipped {
					msg += s.Reason
				}
			}
			if tt.want == "" {
				if msg != "" {
					t.Fatalf("Load: %s", msg)
				}
				return
			}
			if !strings.Contains(msg, tt.want) {
				t.Fatalf("Load error = %q, want one containing %q", msg, tt.want)
			}
		})
	}
}

// A description given directly must be a regular file too.
func TestLocalDescriptionRegularFile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := Load(ctx, "/dev/zero", LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("Load(/dev/zero) = %v, want a not-a-regular-file error", err)
	}
}
