package cmd

import (
	"encoding/json"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestResolveStamp(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123abcd"},
		{Key: "vcs.time", Value: "2026-11-20T10:00:00Z"},
		{Key: "vcs.modified", Value: "false"},
	}
	dirty := append(append([]debug.BuildSetting{}, vcs[:3]...), debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	tests := []struct {
		name  string
		stamp buildStamp
		bi    *debug.BuildInfo
		want  buildStamp
	}{
		{
			name:  "release stamp wins",
			stamp: buildStamp{"v1.2.3", "ffff", "2026-11-21T00:00:00Z"},
			bi:    &debug.BuildInfo{Main: debug.Module{Version: "v9.9.9"}, Settings: vcs},
			want:  buildStamp{"v1.2.3", "ffff", "2026-11-21T00:00:00Z"},
		},
		{
			name: "go install of a tagged version",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}},
			want: buildStamp{Version: "v1.4.0"},
		},
		{
			name: "build from a checkout",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v1.4.1-0.20261120100000-0123abcd"}, Settings: vcs},
			want: buildStamp{"v1.4.1-0.20261120100000-0123abcd", "0123abcd", "2026-11-20T10:00:00Z"},
		},
		{
			name: "build from a modified checkout",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: dirty},
			want: buildStamp{"dev", "0123abcd-dirty", "2026-11-20T10:00:00Z"},
		},
		{
			name: "no VCS and no module version",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			want: buildStamp{Version: "dev"},
		},
		{
			name: "no build information",
			want: buildStamp{Version: "dev"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resolveStamp(tt.stamp, tt.bi, tt.bi != nil); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	tests := []struct {
		name  string
		brand Brand
		args  []string
		check func(t *testing.T, out string)
	}{
		{
			name: "text", brand: newBrand("restmcp", Brand{}.Defaults, unsetScheme), args: []string{"version"},
			check: func(t *testing.T, out string) {
				if !strings.HasPrefix(out, "restmcp ") || !strings.Contains(out, "\ngo: go") {
					t.Errorf("output %q: want it to start with the name and show the Go version", out)
				}
			},
		},
		{
			name: "JSON of a vendor build", brand: acmeBrand(), args: []string{"version", "--json"},
			check: func(t *testing.T, out string) {
				var v versionInfo
				if err := json.Unmarshal([]byte(out), &v); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, out)
				}
				if v.Name != "acme-mcp" || v.KeyringService != "acme-mcp" || v.EnvPrefix != "ACME_MCP" || v.Version == "" {
					t.Errorf("got %+v", v)
				}
				if !filepath.IsAbs(v.ConfigDir) {
					t.Errorf("config_dir = %q, want the temporary directory", v.ConfigDir)
				}
				d := v.DefaultProfile
				if d == nil || d.Name != "acme" || d.Spec != "https://api.acme.test/openapi.json" ||
					d.AuthScheme == nil || *d.AuthScheme != "" || d.Prefix != "acme" {
					t.Errorf("default_profile = %+v", d)
				}
			},
		},
		{
			name: "JSON of restmcp has no default profile", brand: newBrand("restmcp", Brand{}.Defaults, unsetScheme), args: []string{"version", "--json"},
			check: func(t *testing.T, out string) {
				var v map[string]any
				if err := json.Unmarshal([]byte(out), &v); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, out)
				}
				if _, ok := v["default_profile"]; ok || v["keyring_service"] != "restmcp" {
					t.Errorf("output:\n%s", out)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out := brandFactory(t, tt.brand)
			root := NewRootCmd(f)
			root.SetArgs(tt.args)
			if err := root.Execute(); err != nil {
				t.Fatal(err)
			}
			tt.check(t, out.String())
		})
	}
}
