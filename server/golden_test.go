package server

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenConfigs are the settings a fixture is served with, besides its API
// (default: none), by variant: "tools" is <fixture>.tools.golden.json.
var goldenConfigs = map[string]map[string]Config{
	"naming": {"tools": {Prefix: "acme"}},
	"drf":    {"tools": {}, "resources": {Layout: LayoutResources}, "search": {Layout: LayoutSearch}},
}

// TestGolden turns every fixture description in testdata/ into tools and
// compares them with <fixture>.tools.golden.json, exactly as tools/list
// sends them. `go test ./server -update` rewrites the golden files.
func TestGolden(t *testing.T) {
	fixtures, _ := filepath.Glob("testdata/*.yaml")
	if len(fixtures) == 0 {
		t.Fatal("no fixtures in testdata/")
	}
	for _, fixture := range fixtures {
		name := strings.TrimSuffix(filepath.Base(fixture), ".yaml")
		variants := goldenConfigs[name]
		if variants == nil {
			variants = map[string]Config{"tools": {}}
		}
		for variant, cfg := range variants {
			t.Run(name+"."+variant, func(t *testing.T) {
				cfg.API = loadSpec(t, fixture)
				s, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				checkAnnotations(t, s)
				if cfg.Layout == "" && len(s.Tools()) != len(cfg.API.Operations)+describes(s) {
					t.Errorf("%d tools for %d operations", len(s.Tools()), len(cfg.API.Operations))
				}
				got, err := json.MarshalIndent(s.Tools(), "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, '\n')
				golden := filepath.Join("testdata", name+"."+variant+".golden.json")
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v: run `go test ./server -update` to create it", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("tools differ from %s (run `go test ./server -update` if the change is intended):\n%s", golden, lineDiff(string(want), string(got)))
				}
			})
		}
	}
}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl + "\n")
			shown++
		}
	}
	return b.String()
}
