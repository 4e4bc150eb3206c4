package cmd

import (
	"strings"
	"testing"

	"github.com/restmcp/restmcp/profile"
)

func TestLogout(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		env         map[string]string
		haveKey     bool
		wantErr     []string
		wantKey     bool // acme's key still stored
		wantProfile bool // acme's profile still stored
	}{
		{name: "removes the key, keeps the profile", haveKey: true,
			wantErr: []string{`Removed the key of profile "acme"`, "settings stay", "--all"}, wantProfile: true},
		{name: "--all removes the profile too", args: []string{"--all"}, haveKey: true,
			wantErr: []string{`Removed the key of profile "acme"`, `Removed profile "acme"`}},
		{name: "no key is fine", haveKey: false,
			wantErr: []string{`No key of profile "acme"`, "nothing to remove"}, wantProfile: true},
		{name: "env var still set", haveKey: true, env: map[string]string{"RESTMCP_API_KEY": "sk-env-1"},
			wantErr: []string{"RESTMCP_API_KEY is still set"}, wantProfile: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAuthEnv(t)
			for k, v := range tt.env {
				e.env[k] = v
			}
			store := profile.Store{Dir: e.dir}
			for _, name := range []string{"acme", "other"} {
				if err := store.Save(profile.Profile{Name: name, Spec: "x.yaml"}); err != nil {
					t.Fatal(err)
				}
			}
			if tt.haveKey {
				if err := e.keyring.Set("acme", goodKey); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.keyring.Set("other", "sk-other-key-000000"); err != nil {
				t.Fatal(err)
			}
			r := e.run("", append([]string{"logout", "--profile", "acme"}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(r.err, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.err)
				}
			}
			if got := e.storedKey("acme") != ""; got != tt.wantKey {
				t.Errorf("key stored = %v, want %v", got, tt.wantKey)
			}
			_, err := store.Get("acme")
			if got := err == nil; got != tt.wantProfile {
				t.Errorf("profile stored = %v, want %v", got, tt.wantProfile)
			}
			if e.storedKey("other") == "" {
				t.Error("logout removed another profile's key")
			}
			if _, err := store.Get("other"); err != nil {
				t.Errorf("logout removed another profile: %v", err)
			}
			e.assertKeyNowhere(goodKey)
		})
	}
}

func TestLogoutKeyringUnavailable(t *testing.T) {
	tests := []struct {
		name     string
		fileKey  bool // login --insecure-storage stored acme's key
		wantCode int
		wantErr  []string
	}{
		{name: "no plain-text key: the failure is reported", wantCode: 1,
			wantErr: []string{"the OS keyring is unavailable", "logout --profile acme` again"}},
		{name: "plain-text key: removed all the same", fileKey: true,
			wantErr: []string{"Removed the plain-text key", `Removed profile "acme"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAuthEnv(t)
			e.keyring.Backend = unavailableBackend{}
			if err := (profile.Store{Dir: e.dir}).Save(profile.Profile{Name: "acme", Spec: "x.yaml"}); err != nil {
				t.Fatal(err)
			}
			pf, err := e.newFactoryForKeys().App().InsecureKeys()
			if err != nil {
				t.Fatal(err)
			}
			if tt.fileKey {
				if err := pf.Set("acme", goodKey); err != nil {
					t.Fatal(err)
				}
			}
			r := e.run("", "logout", "--profile", "acme", "--all")
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tt.wantCode, r.err)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(r.err, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.err)
				}
			}
			if k, err := pf.Get("acme"); err == nil {
				t.Errorf("the plain-text key %q is still stored", k)
			}
			if _, err := (profile.Store{Dir: e.dir}).Get("acme"); err == nil {
				t.Error("logout --all kept the profile")
			}
			e.assertKeyNowhere(goodKey)
		})
	}
}
