package keyring

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestPlainFile(t *testing.T) {
	t.Parallel()
	p := PlainFile{Path: filepath.Join(t.TempDir(), "sub", "insecure-keys.json")}
	if _, err := p.Get("acme"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get on no file = %v, want ErrNotFound", err)
	}
	for _, k := range []string{"first", "second"} {
		if err := p.Set("acme", k); err != nil {
			t.Fatal(err)
		}
		if got, err := p.Get("acme"); err != nil || got != k {
			t.Fatalf("Get = %q, %v; want %q", got, err, k)
		}
	}
	if err := p.Set("beta", "b"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p.Path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	if err := p.Delete("acme"); err != nil {
		t.Fatal(err)
	}
	if err := p.Delete("acme"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete = %v, want ErrNotFound", err)
	}
	if got, _ := p.Get("beta"); got != "b" {
		t.Errorf("Delete of acme lost beta: %q", got)
	}
	if err := p.Delete("beta"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p.Path); !os.IsNotExist(err) {
		t.Errorf("file left behind after its last key: %v", err)
	}
}

func TestPlainFileCorruptNotEchoed(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "insecure-keys.json")
	if err := os.WriteFile(path, []byte(`{"keys": {"acme": "sk-secret-1234567890"`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := PlainFile{Path: path}.Get("acme")
	if err == nil || strings.Contains(err.Error(), "sk-secret") || !strings.Contains(err.Error(), "fix it in an editor") {
		t.Errorf("Get on a corrupt file = %v", err)
	}
	if err := (PlainFile{Path: path}).Set("acme", "x"); err == nil {
		t.Error("Set overwrote a file it could not parse")
	}
}

// Parallel commands each storing their own key keep every key, and removing
// one key while others are stored loses none of the others.
func TestPlainFileParallelWritersKeepEveryKey(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "insecure-keys.json")
	if err := (PlainFile{Path: path}).Set("gone", "x"); err != nil {
		t.Fatal(err)
	}
	const n = 20
	errs := make(chan error, n+1)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs <- PlainFile{Path: path}.Set(fmt.Sprintf("acct%d", i), fmt.Sprintf("key%d", i))
		})
	}
	wg.Go(func() { errs <- PlainFile{Path: path}.Delete("gone") })
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	p := PlainFile{Path: path}
	for i := range n {
		if got, err := p.Get(fmt.Sprintf("acct%d", i)); err != nil || got != fmt.Sprintf("key%d", i) {
			t.Errorf("acct%d: %q, %v", i, got, err)
		}
	}
	if _, err := p.Get("gone"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted key: %v, want ErrNotFound", err)
	}
}

// A key file that cannot be read is left byte for byte as it is by every
// change (it may hold other profiles' keys), and the error says what is
// wrong and where, never quoting the file.
func TestPlainFileCorruptLeftAsItIs(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, text, reason string }{
		{"cut short", `{"keys": {"other": "sk-other-1234567890", "acme": "sk-acme-12`, "it ends too early"},
		{"empty", "", "it is empty"},
		{"a trailing comma", "{\n  \"keys\": {\"other\": \"sk-other-1234567890\",}\n}\n", "it is not valid JSON (line 2)"},
		{"a key that is no string", `{"keys": {"other": 1234567890}}`, `the key of "other" is a number, not a string`},
		{"keys that are no object", `{"keys": ["sk-other-1234567890"]}`, `"keys" holds an array, not an object of profile names and keys`},
		{"no object", `["sk-other-1234567890"]`, `it holds an array, not an object with "keys"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := PlainFile{Path: filepath.Join(t.TempDir(), "insecure-keys.json")}
			if err := os.WriteFile(p.Path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, getErr := p.Get("acme")
			for _, err := range []error{getErr, p.Set("acme", "sk-new"), p.Delete("acme"), p.Delete("other")} {
				var ce *CorruptFileError
				if !errors.As(err, &ce) || ce.Path != p.Path || !strings.Contains(err.Error(), tt.reason) || !strings.Contains(err.Error(), p.Path) {
					t.Errorf("err = %v, want a CorruptFileError naming the file and %q", err, tt.reason)
				}
				if err != nil && strings.Contains(err.Error(), "sk-") {
					t.Errorf("the error quotes the file: %v", err)
				}
			}
			if b, _ := os.ReadFile(p.Path); string(b) != tt.text {
				t.Errorf("the file changed to %q", b)
			}
		})
	}
}

// What the file holds besides the keys (a member a newer version wrote),
// and a byte order mark an editor added, do not stop it being read; the
// other members are written back.
func TestPlainFileKeepsOtherMembers(t *testing.T) {
	t.Parallel()
	p := PlainFile{Path: filepath.Join(t.TempDir(), "insecure-keys.json")}
	if err := os.WriteFile(p.Path, []byte("\ufeff{\"keys\": {\"other\": \"o\"}, \"version\": 2}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := p.Set("acme", "a"); err != nil {
		t.Fatal(err)
	}
	if err := p.Delete("other"); err != nil {
		t.Fatal(err)
	}
	if err := p.Delete("acme"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(p.Path); err != nil || !strings.Contains(string(b), `"version": 2`) {
		t.Errorf("file = %q, %v; want its version member kept", b, err)
	}
}
