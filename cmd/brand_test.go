package cmd

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/log"
	"github.com/spf13/cobra"

	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/profile"
)

// acmeBrand is a vendor brand as a build with the example vendor
// settings (examples/vendor/.goreleaser.yaml) would produce.
func acmeBrand() Brand {
	return newBrand("acme-mcp", profile.Profile{
		Name:       "acme",
		Spec:       "https://api.acme.test/openapi.json",
		BaseURL:    "https://api.acme.test/v1",
		AuthHeader: "X-Api-Key",
		Prefix:     "acme",
	}, "")
}

// brandFactory returns a Factory of brand b whose config dir is a fresh
// temporary directory, whose keyring is in memory, and whose output is
// captured.
func brandFactory(t *testing.T, b Brand) (*Factory, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	out := &bytes.Buffer{}
	env := map[string]string{b.Env("CONFIG_DIR"): dir}
	return &Factory{
		IO:      &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: io.Discard},
		Brand:   b,
		Getenv:  func(k string) string { return env[k] },
		Keyring: keyring.Store{Service: b.Name, Backend: keyring.NewMemory()},
		Log:     log.New(io.Discard),
	}, out
}

func strPtr(s string) *string { return &s }

func TestNewBrand(t *testing.T) {
	tests := []struct {
		name       string
		bin        string
		defaults   profile.Profile
		scheme     string
		wantName   string
		wantEnv    string
		wantScheme *string
		wantVendor bool
		wantProf   string
	}{
		{name: "restmcp", bin: "restmcp", scheme: unsetScheme,
			wantName: "restmcp", wantEnv: "RESTMCP_API_KEY", wantProf: "default"},
		{name: "empty name falls back to restmcp", bin: "", scheme: unsetScheme,
			wantName: "restmcp", wantEnv: "RESTMCP_API_KEY", wantProf: "default"},
		{name: "vendor with bare key", bin: "acme-mcp", defaults: profile.Profile{Name: "acme"}, scheme: "",
			wantName: "acme-mcp", wantEnv: "ACME_MCP_API_KEY", wantScheme: strPtr(""), wantVendor: true, wantProf: "acme"},
		{name: "vendor with a scheme, no profile name", bin: "beta.cli", defaults: profile.Profile{Spec: "s.yaml"}, scheme: "Token",
			wantName: "beta.cli", wantEnv: "BETA_CLI_API_KEY", wantScheme: strPtr("Token"), wantVendor: true, wantProf: "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBrand(tt.bin, tt.defaults, tt.scheme)
			if b.Name != tt.wantName {
				t.Errorf("Name = %q, want %q", b.Name, tt.wantName)
			}
			if got := b.Env("API_KEY"); got != tt.wantEnv {
				t.Errorf("Env(API_KEY) = %q, want %q", got, tt.wantEnv)
			}
			if got := b.Defaults.AuthScheme; (got == nil) != (tt.wantScheme == nil) || (got != nil && *got != *tt.wantScheme) {
				t.Errorf("AuthScheme = %v, want %v", got, tt.wantScheme)
			}
			if got := b.HasDefaults(); got != tt.wantVendor {
				t.Errorf("HasDefaults = %v, want %v", got, tt.wantVendor)
			}
			if got := b.ProfileName(); got != tt.wantProf {
				t.Errorf("ProfileName = %q, want %q", got, tt.wantProf)
			}
		})
	}
}

// Two brands never share profiles or environment variables (the keyring
// service of a real build is checked in TestVendorBuild).
func TestConfigDirPerBrand(t *testing.T) {
	env := map[string]string{"RESTMCP_CONFIG_DIR": "/restmcp-dir"}
	userDir, err := os.UserConfigDir()
	if err != nil {
		t.Skipf("no user config dir here: %v", err)
	}
	tests := []struct {
		brand Brand
		want  string
	}{
		{newBrand("restmcp", profile.Profile{}, unsetScheme), "/restmcp-dir"},
		{acmeBrand(), filepath.Join(userDir, "acme-mcp")},
	}
	for _, tt := range tests {
		t.Run(tt.brand.Name, func(t *testing.T) {
			f := &Factory{Brand: tt.brand, Getenv: func(k string) string { return env[k] }}
			got, err := f.ConfigDir()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ConfigDir = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResolveAppliesBrandDefaults(t *testing.T) {
	stored := profile.Profile{Name: "acme", BaseURL: "https://eu.acme.test/v1", AuthScheme: strPtr("Token")}
	tests := []struct {
		name       string
		brand      Brand
		store      []profile.Profile
		args       []string
		want       profile.Profile
		wantStored bool
	}{
		{
			name: "restmcp without flags or profile", brand: newBrand("restmcp", profile.Profile{}, unsetScheme),
			want: profile.Profile{Name: "default"},
		},
		{
			name: "vendor build without flags uses its built-in profile", brand: acmeBrand(),
			want: profile.Profile{Name: "acme", Spec: "https://api.acme.test/openapi.json", BaseURL: "https://api.acme.test/v1",
				AuthHeader: "X-Api-Key", AuthScheme: strPtr(""), Prefix: "acme"},
		},
		{
			name: "stored profile overrides the vendor's defaults field by field", brand: acmeBrand(), store: []profile.Profile{stored},
			want: profile.Profile{Name: "acme", Spec: "https://api.acme.test/openapi.json", BaseURL: "https://eu.acme.test/v1",
				AuthHeader: "X-Api-Key", AuthScheme: strPtr("Token"), Prefix: "acme"},
			wantStored: true,
		},
		{
			name: "flags override both", brand: acmeBrand(), store: []profile.Profile{stored},
			args: []string{"--base-url", "http://127.0.0.1:9/", "--auth-scheme", "Bearer", "--prefix", "a"},
			want: profile.Profile{Name: "acme", Spec: "https://api.acme.test/openapi.json", BaseURL: "http://127.0.0.1:9/",
				AuthHeader: "X-Api-Key", AuthScheme: strPtr("Bearer"), Prefix: "a"},
			wantStored: true,
		},
		{
			name: "another profile of a vendor build starts from the same defaults", brand: acmeBrand(), store: []profile.Profile{stored},
			args: []string{"--profile", "staging", "--base-url", "https://staging.acme.test"},
			want: profile.Profile{Name: "staging", Spec: "https://api.acme.test/openapi.json", BaseURL: "https://staging.acme.test",
				AuthHeader: "X-Api-Key", AuthScheme: strPtr(""), Prefix: "acme"},
		},
		{
			name: "a profile of another API gets none of the vendor's settings", brand: acmeBrand(),
			args: []string{"--profile", "other", "--spec", "other.yaml"},
			want: profile.Profile{Name: "other", Spec: "other.yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := brandFactory(t, tt.brand)
			store, err := f.Profiles()
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range tt.store {
				if err := store.Save(p); err != nil {
					t.Fatal(err)
				}
			}
			c := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
			pf := addProfileFlags(c)
			if err := c.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			got, gotStored, err := pf.resolve(f)
			if err != nil {
				t.Fatal(err)
			}
			if gotStored != tt.wantStored {
				t.Errorf("stored = %v, want %v", gotStored, tt.wantStored)
			}
			if got.Name != tt.want.Name || got.Spec != tt.want.Spec || got.BaseURL != tt.want.BaseURL ||
				got.AuthHeader != tt.want.AuthHeader || got.Prefix != tt.want.Prefix {
				t.Errorf("got %+v,\nwant %+v", got, tt.want)
			}
			if (got.AuthScheme == nil) != (tt.want.AuthScheme == nil) ||
				(got.AuthScheme != nil && *got.AuthScheme != *tt.want.AuthScheme) {
				t.Errorf("AuthScheme = %v, want %v", got.AuthScheme, tt.want.AuthScheme)
			}
			if pf.Name != tt.want.Name {
				t.Errorf("pf.Name = %q after resolve, want %q", pf.Name, tt.want.Name)
			}
		})
	}
}

func TestVendorLoginSavesOnlyWhatTheUserSet(t *testing.T) {
	f, _ := brandFactory(t, acmeBrand())
	f.IO.In = strings.NewReader("acme-key-0123456789\n")
	if code := run(t, f, "login", "--with-key", "--no-check", "--prefix", "ac"); code != 0 {
		t.Fatalf("login exited %d", code)
	}
	store, err := f.Profiles()
	if err != nil {
		t.Fatal(err)
	}
	saved, err := store.Get("acme")
	if err != nil {
		t.Fatal(err)
	}
	if saved.Spec != "" || saved.BaseURL != "" || saved.AuthHeader != "" || saved.AuthScheme != nil {
		t.Errorf("login pinned the build's defaults in the profile: %+v", saved)
	}
	if saved.Prefix != "ac" {
		t.Errorf("the user's --prefix was not saved: %+v", saved)
	}
	// A later release with another description reaches the saved profile.
	b := acmeBrand()
	b.Defaults.Spec = "https://api.acme.test/v2/openapi.json"
	f.Brand = b
	c := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	pf := addProfileFlags(c)
	got, stored, err := pf.resolve(f)
	if err != nil || !stored {
		t.Fatalf("resolve: stored=%v err=%v", stored, err)
	}
	if got.Spec != b.Defaults.Spec || got.Prefix != "ac" {
		t.Errorf("resolved %+v", got)
	}
}

func TestVendorStatusBeforeLoginShowsBuiltInProfile(t *testing.T) {
	for _, args := range [][]string{{"status", "--offline"}, {"status", "--offline", "--profile", "acme"}} {
		f, out := brandFactory(t, acmeBrand())
		code := run(t, f, args...)
		if code == 0 {
			t.Errorf("%v exited 0 with no key", args)
		}
		s := out.String()
		for _, want := range []string{"acme", "https://api.acme.test/openapi.json", "acme-mcp login"} {
			if !strings.Contains(s, want) {
				t.Errorf("%v lacks %q:\n%s", args, want, s)
			}
		}
	}
}

func TestSplitScopes(t *testing.T) {
	for in, want := range map[string]string{"": "", "read": "read", "read,write": "read|write", "read, write admin": "read|write|admin", "a\tb\n": "a|b"} {
		if got := strings.Join(splitScopes(in), "|"); got != want {
			t.Errorf("splitScopes(%q) = %q, want %q", in, got, want)
		}
	}
}
