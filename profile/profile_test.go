package profile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestStoreRoundTrip(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "cfg")}
	if _, err := s.Get("acme"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get on empty store: %v, want ErrNotFound", err)
	}
	empty := ""
	want := Profile{Name: "acme", Spec: "https://api.acme.test/openapi.json", AuthScheme: &empty, Tags: []string{"projects"}}
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(Profile{Name: "beta", Spec: "beta.yaml"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get("acme")
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec != want.Spec || got.Scheme() != "" || got.Header() != "Authorization" || len(got.Tags) != 1 {
		t.Fatalf("got %+v", got)
	}
	beta, _ := s.Get("beta")
	if beta.Scheme() != "Bearer" {
		t.Fatalf("default scheme = %q, want Bearer", beta.Scheme())
	}
	list, err := s.List()
	if err != nil || len(list) != 2 || list[0].Name != "acme" || list[1].Name != "beta" {
		t.Fatalf("List = %+v, %v", list, err)
	}
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	// Windows has no Unix permission bits: Go reports 0666 for every
	// writable file there.
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
	if err := s.Delete("acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("acme"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after Delete: %v", err)
	}
}

func TestStoreRefusesToOverwriteUnparsableFile(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	bad := []byte("{not json")
	if err := os.WriteFile(s.Path(), bad, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(Profile{Name: "x"}); err == nil {
		t.Fatal("Save over an unparsable file succeeded")
	}
	b, _ := os.ReadFile(s.Path())
	if string(b) != string(bad) {
		t.Fatalf("file changed to %q", b)
	}
}

// Parallel commands each saving their own profile keep every profile: each
// read-modify-write holds the file's lock.
func TestStoreParallelSavesKeepEveryProfile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	const n = 20
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s := Store{Dir: dir} // one Store per command, as separate processes have
			errs <- s.Save(Profile{Name: fmt.Sprintf("p%d", i), Spec: "spec.yaml"})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	list, err := Store{Dir: dir}.List()
	if err != nil || len(list) != n {
		t.Fatalf("List = %d profiles, %v; want %d", len(list), err, n)
	}
}

// A profiles file that is a symbolic link (a dotfile manager's) stays one:
// the file it points to is replaced.
func TestStoreWritesThroughASymlink(t *testing.T) {
	root := t.TempDir()
	s := Store{Dir: filepath.Join(root, "cfg")}
	target := filepath.Join(root, "dotfiles", "profiles.json")
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte(`{"profiles":{"old":{"spec":"old.yaml"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, s.Path()); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := s.Save(Profile{Name: "new", Spec: "new.yaml"}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(s.Path()); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("profiles.json is no longer a symbolic link: %v, %v", fi, err)
	}
	b, err := os.ReadFile(target)
	if err != nil || !strings.Contains(string(b), `"old"`) || !strings.Contains(string(b), `"new"`) {
		t.Fatalf("target holds %s, %v; want both profiles", b, err)
	}
}

func TestTimeoutRoundTrip(t *testing.T) {
	b, err := json.Marshal(Profile{Timeout: Duration(90 * time.Second)})
	if err != nil || string(b) != `{"timeout":"1m30s"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var p Profile
	for in, want := range map[string]time.Duration{`{"timeout":"2m"}`: 2 * time.Minute, `{"timeout":45}`: 45 * time.Second, `{}`: 0} {
		p = Profile{}
		if err := json.Unmarshal([]byte(in), &p); err != nil || time.Duration(p.Timeout) != want {
			t.Errorf("%s: %v, %v; want %v", in, time.Duration(p.Timeout), err, want)
		}
	}
	if err := json.Unmarshal([]byte(`{"timeout":"soon"}`), &p); err == nil {
		t.Error("a timeout of \"soon\" was accepted")
	}
}

// Members this version does not know (a newer version's, a hand-edit's),
// in a profile or at the top, survive a save of any profile.
func TestStoreKeepsUnknownMembers(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	in := `{
  "profiles": {
    "acme": {
      "spec": "acme.yaml",
      "future_field": {"mode": "fast", "list": [1, 2]},
      "Prefix": "ac"
    },
    "beta": {"spec": "beta.yaml"}
  },
  "future_top": "kept"
}
`
	if err := os.WriteFile(s.Path(), []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(Profile{Name: "gamma", Spec: "gamma.yaml"}); err != nil {
		t.Fatal(err)
	}
	acme, err := s.Get("acme")
	if err != nil || acme.Prefix != "ac" {
		t.Fatalf("Get = %+v, %v", acme, err)
	}
	acme.BaseURL = "https://acme.test"
	if err := s.Save(acme); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Profiles map[string]map[string]any `json:"profiles"`
		Top      string                    `json:"future_top"`
	}
	b, _ := os.ReadFile(s.Path())
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	a := got.Profiles["acme"]
	future, _ := a["future_field"].(map[string]any)
	if got.Top != "kept" || future["mode"] != "fast" || a["base_url"] != "https://acme.test" || a["prefix"] != "ac" || a["Prefix"] != nil || len(got.Profiles) != 3 {
		t.Errorf("after saves the file holds:\n%s", b)
	}
	// Deleting the profile deletes its unknown members with it.
	if err := s.Delete("acme"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(s.Path()); strings.Contains(string(b), "future_field") || !strings.Contains(string(b), "future_top") {
		t.Errorf("after Delete the file holds:\n%s", b)
	}
}

// A file with nothing unknown is written as before: the profiles
// indented by two spaces, in name order, fields in their declared order.
func TestStoreFileFormat(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	empty := ""
	for _, p := range []Profile{
		{Name: "b", Spec: "b.yaml", AuthScheme: &empty, Tags: []string{"x<y"}, Timeout: Duration(time.Minute)},
		{Name: "a", MCPURL: "https://mcp.test/mcp", Auth: &Auth{Scheme: "o", Kind: AuthOAuth2, OAuth: &OAuth{Grant: "device_code", TokenURL: "https://t"}}},
	} {
		if err := s.Save(p); err != nil {
			t.Fatal(err)
		}
	}
	f, err := s.read()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.MarshalIndent(struct {
		Profiles map[string]Profile `json:"profiles"`
	}{f.Profiles}, "", "  ")
	if got, _ := os.ReadFile(s.Path()); string(got) != string(want)+"\n" {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
}

// Members this version does not know inside auth and auth.oauth survive a
// save: of another profile (written back as it was) and of the profile
// itself (put back into the objects that still exist).
func TestStoreKeepsUnknownNestedMembers(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	in := `{
  "profiles": {
    "acme": {
      "mcp_url": "https://mcp.acme.test/mcp",
      "auth": {"scheme": "o", "kind": "oauth2", "future_auth": 1,
        "oauth": {"grant": "authorization_code", "token_url": "https://t", "future_oauth": {"pkce": "S256"}}}
    },
    "beta": {"spec": "beta.yaml", "auth": {"scheme": "k", "kind": "apiKey", "in": "header", "name": "X-Key", "future_auth": "b"}}
  }
}
`
	if err := os.WriteFile(s.Path(), []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(Profile{Name: "gamma", Spec: "gamma.yaml"}); err != nil {
		t.Fatal(err)
	}
	beta, err := s.Get("beta")
	if err != nil {
		t.Fatal(err)
	}
	beta.Prefix = "b"
	if err := s.Save(beta); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Profiles map[string]struct {
			Prefix string `json:"prefix"`
			Auth   struct {
				Kind   string `json:"kind"`
				Future any    `json:"future_auth"`
				OAuth  struct {
					Grant  string         `json:"grant"`
					Future map[string]any `json:"future_oauth"`
				} `json:"oauth"`
			} `json:"auth"`
		} `json:"profiles"`
	}
	b, _ := os.ReadFile(s.Path())
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	acme, bp := got.Profiles["acme"], got.Profiles["beta"]
	if acme.Auth.Future != 1.0 || acme.Auth.OAuth.Future["pkce"] != "S256" || acme.Auth.OAuth.Grant != "authorization_code" {
		t.Errorf("another profile's auth lost members:\n%s", b)
	}
	if bp.Prefix != "b" || bp.Auth.Future != "b" || bp.Auth.Kind != "apiKey" {
		t.Errorf("the saved profile's auth lost members:\n%s", b)
	}
	// A profile saved without auth drops what its auth held.
	beta.Auth = nil
	if err := s.Save(beta); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(s.Path()); strings.Count(string(b), "future_auth") != 1 {
		t.Errorf("after saving beta without auth:\n%s", b)
	}
}

// TestEmptyOrBrokenFile: an empty (or blank) profiles.json holds no
// profiles and takes a new one; one that does not parse is an error with
// its line and column, and is never written over.
func TestEmptyOrBrokenFile(t *testing.T) {
	for _, text := range []string{"", " \n\t\n"} {
		s := Store{Dir: t.TempDir()}
		if err := os.WriteFile(s.Path(), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if list, err := s.List(); err != nil || len(list) != 0 {
			t.Fatalf("List of %q = %v, %v; want none", text, list, err)
		}
		if err := s.Save(Profile{Name: "acme", Spec: "a.yaml"}); err != nil {
			t.Fatalf("Save over %q: %v", text, err)
		}
		if p, err := s.Get("acme"); err != nil || p.Spec != "a.yaml" {
			t.Fatalf("Get = %+v, %v", p, err)
		}
	}
	for text, at := range map[string]string{
		"{\n  \"profiles\": {,}\n}\n":      "line 2, column 16",
		"{\n  \"profiles\": {\"a\": 1}\n}": "line 2, column 21",
		"{\"profiles\": {":                 "line 1, column 14",
	} {
		s := Store{Dir: t.TempDir()}
		if err := os.WriteFile(s.Path(), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.List(); err == nil || !strings.Contains(err.Error(), "profiles.json: "+at+": ") {
			t.Errorf("List of %q: %v, want the error at %s", text, err, at)
		}
		if err := s.Save(Profile{Name: "acme"}); err == nil {
			t.Errorf("Save over %q succeeded", text)
		}
		if b, _ := os.ReadFile(s.Path()); string(b) != text {
			t.Errorf("the file was written over: %q", b)
		}
	}
}

// SetHeader replaces a fixed header of the same name in any letter case,
// and an empty value removes it; the profile is saved and read back so.
func TestSetHeader(t *testing.T) {
	var p Profile
	p.SetHeader("Notion-Version", "2022-06-28")
	p.SetHeader("X-Trace", "on")
	p.SetHeader("notion-version", "2025-09-03")
	if len(p.Headers) != 2 || p.Headers["notion-version"] != "2025-09-03" {
		t.Errorf("headers %v, want notion-version replaced", p.Headers)
	}
	p.SetHeader("x-trace", "")
	p.SetHeader("notion-VERSION", "")
	if p.Headers != nil {
		t.Errorf("headers %v, want none", p.Headers)
	}
	p.Name = "acme"
	p.SetHeader("X-GitHub-Api-Version", "2022-11-28")
	s := Store{Dir: t.TempDir()}
	if err := s.Save(p); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get("acme")
	if err != nil || got.Headers["X-GitHub-Api-Version"] != "2022-11-28" || len(got.HeaderNames()) != 1 {
		t.Errorf("read back %v (%v)", got.Headers, err)
	}
}
