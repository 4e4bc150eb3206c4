package cmd

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestAPICachePathStaysInCacheDir(t *testing.T) {
	f, _, _ := testFactory(t, nil)
	dir, err := f.ConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	cacheDir := filepath.Join(dir, "cache")
	seen := map[string]string{}
	for _, name := range []string{"default", "acme", "../../escape", "a/b", `a\b`, "..", "a b", "a%2Fb", "C:x"} {
		path, err := f.apiCachePath(name)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(path) != cacheDir {
			t.Errorf("profile %q: cache file %s is outside %s", name, path, cacheDir)
		}
		base := filepath.Base(path)
		if strings.ContainsAny(base, `/\:`) || !strings.HasSuffix(base, ".api.json") {
			t.Errorf("profile %q: cache file name %q", name, base)
		}
		if other, ok := seen[base]; ok {
			t.Errorf("profiles %q and %q share the cache file %s", other, name, base)
		}
		seen[base] = name
	}
	if p, _ := f.apiCachePath("acme"); filepath.Base(p) != "acme.api.json" {
		t.Errorf("a plain profile name is not kept as it is: %s", p)
	}
}
