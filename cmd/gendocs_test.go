//go:build gendocs

package cmd

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenDocs(t *testing.T) {
	tests := []struct {
		name  string
		brand Brand
	}{
		{"restmcp", newBrand("restmcp", Brand{}.Defaults, unsetScheme)},
		{"vendor", acmeBrand()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := brandFactory(t, tt.brand)
			dir := t.TempDir()
			root := NewRootCmd(f)
			root.SetArgs([]string{"gen-docs", dir, "--date", "2026-11-21T00:00:00Z"})
			if err := root.Execute(); err != nil {
				t.Fatal(err)
			}
			n := tt.brand.Name
			want := map[string]string{
				// file → text it must contain
				"man/" + n + ".1":            `.TH "` + strings.ToUpper(n) + `" "1" "Nov 2026"`,
				"man/" + n + "-serve.1":      n + "-serve - ",
				"completions/" + n + ".bash": "__start_" + n,
				"completions/_" + n:          "#compdef " + n,
				"completions/" + n + ".fish": "complete -c " + n,
				"completions/" + n + ".ps1":  "Register-ArgumentCompleter -CommandName '" + n + "'",
				"man/" + n + "-version.1":    "--json",
			}
			for file, text := range want {
				b, err := os.ReadFile(filepath.Join(dir, file))
				if err != nil {
					t.Errorf("%s: %v", file, err)
					continue
				}
				if !strings.Contains(string(b), text) {
					t.Errorf("%s does not contain %q", file, text)
				}
			}
			if tt.brand.Name != "restmcp" {
				matches, _ := filepath.Glob(filepath.Join(dir, "*", "*restmcp*"))
				if len(matches) > 0 {
					t.Errorf("vendor docs carry restmcp's name: %v", matches)
				}
			}
		})
	}
}

// A second run into the same directory refuses without --clean, and with it
// leaves no page of the first build behind.
func TestGenDocsClean(t *testing.T) {
	dir := t.TempDir()
	run := func(b Brand, args ...string) error {
		f, _ := brandFactory(t, b)
		root := NewRootCmd(f)
		root.SetArgs(append([]string{"gen-docs", dir}, args...))
		return root.Execute()
	}
	if err := run(newBrand("restmcp", Brand{}.Defaults, unsetScheme)); err != nil {
		t.Fatal(err)
	}
	if err := run(acmeBrand()); err == nil || !strings.Contains(err.Error(), "pass --clean") {
		t.Fatalf("second run without --clean: err = %v, want a refusal naming --clean", err)
	}
	if err := run(acmeBrand(), "--clean"); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*", "*restmcp*"))
	if len(left) > 0 {
		t.Errorf("--clean left the first build's files: %v", left)
	}
	if _, err := os.Stat(filepath.Join(dir, "man", "acme-mcp.1")); err != nil {
		t.Error(err)
	}
}

func TestGenDocsBadDate(t *testing.T) {
	f, _ := brandFactory(t, acmeBrand())
	root := NewRootCmd(f)
	root.SetArgs([]string{"gen-docs", t.TempDir(), "--date", "yesterday"})
	err := root.Execute()
	var fe *FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "RFC 3339") {
		t.Fatalf("err = %v, want a flag error naming the format", err)
	}
}

func TestGenDocsIsHidden(t *testing.T) {
	f, out := brandFactory(t, newBrand("restmcp", Brand{}.Defaults, unsetScheme))
	root := NewRootCmd(f)
	root.SetArgs([]string{"--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "gen-docs") {
		t.Errorf("help lists gen-docs:\n%s", out)
	}
}

func TestGenDocsFlags(t *testing.T) {
	var got *GenDocsOptions
	parse(t, newGenDocsCmd(flagFactory(), func(o *GenDocsOptions) error { got = o; return nil }),
		"out", "--date", "2026-01-02T00:00:00Z", "--clean")
	if got.Dir != "out" || got.Date != "2026-01-02T00:00:00Z" || !got.Clean {
		t.Errorf("options = %+v", *got)
	}
}
