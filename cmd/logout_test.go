package cmd

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/keyring"
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
	// Whatever is left can only be a key in the keyring, which cannot be
	// reached: a warning says so and how it goes later, with or without
	// --all, and the logout does not fail.
	mayRemain := "a key may remain there; once the keyring can be used, remove it with `restmcp logout --profile acme`"
	tests := []struct {
		name    string
		fileKey bool // login --insecure-storage stored acme's key
		all     bool
		wantErr []string
	}{
		{name: "no plain-text key", all: true, wantErr: []string{"the OS keyring is unavailable", mayRemain, `Removed profile "acme"`}},
		{name: "no plain-text key, without --all", wantErr: []string{"the OS keyring is unavailable", mayRemain, "settings stay"}},
		{name: "plain-text key", fileKey: true, all: true,
			wantErr: []string{"Removed the plain-text key", mayRemain, `Removed profile "acme"`}},
		{name: "plain-text key, without --all", fileKey: true, wantErr: []string{"Removed the plain-text key", mayRemain}},
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
			args := []string{"logout", "--profile", "acme"}
			if tt.all {
				args = append(args, "--all")
			}
			r := e.run("", args...)
			if r.code != 0 {
				t.Errorf("exit %d, want 0; stderr:\n%s", r.code, r.err)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(r.err, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.err)
				}
			}
			if k, err := pf.Get("acme"); err == nil {
				t.Errorf("the plain-text key %q is still stored", k)
			}
			if _, err := (profile.Store{Dir: e.dir}).Get("acme"); (err == nil) == tt.all {
				t.Errorf("profile kept: %v, want %v", err == nil, !tt.all)
			}
			e.assertKeyNowhere(goodKey)
		})
	}
}

// TestLogoutAllKeepsOAuthProfileUntilTokenGone checks that logout --all
// with the keyring out of reach keeps an OAuth profile (it says where the
// token is revoked), so that the logout it asks for removes the token and
// the client secret once the keyring is back.
func TestLogoutAllKeepsOAuthProfileUntilTokenGone(t *testing.T) {
	e := newAuthEnv(t)
	store := profile.Store{Dir: e.dir}
	if err := store.Save(profile.Profile{Name: "acme", Spec: "x.yaml", Auth: &profile.Auth{Scheme: "oa", Kind: profile.AuthOAuth2,
		OAuth: &profile.OAuth{Grant: "authorization_code", TokenURL: "https://idp.example/token", ClientSecret: true}}}); err != nil {
		t.Fatal(err)
	}
	e.kr.Set("restmcp", "acme/oauth-token", `{"access_token":"at-1","refresh_token":"rt-1"}`)
	e.kr.Set("restmcp", "acme/client-secret", "cs-1")
	good := e.keyring.Backend
	e.keyring.Backend = unavailableBackend{}
	r := e.run("", "logout", "--profile", "acme", "--all")
	if r.code == 0 || !strings.Contains(r.err, `Kept profile "acme"`) {
		t.Errorf("exit %d, want a failure that keeps the profile; stderr:\n%s", r.code, r.err)
	}
	if _, err := store.Get("acme"); err != nil {
		t.Fatalf("the profile is gone with its token still stored: %v", err)
	}
	e.keyring.Backend = good
	if r := e.run("", "logout", "--profile", "acme", "--all"); r.code != 0 {
		t.Fatalf("second logout: exit %d\n%s", r.code, r.err)
	}
	for _, a := range []string{"acme/oauth-token", "acme/client-secret"} {
		if v, err := e.kr.Get("restmcp", a); err == nil {
			t.Errorf("left in the keyring: %s = %s", a, v)
		}
	}
	if _, err := store.Get("acme"); err == nil {
		t.Error("the second logout --all kept the profile")
	}
}

// TestLogoutRemovesOrphanedOAuthEntries checks that a token and client
// secret stored under a name with no OAuth profile are removed too.
func TestLogoutRemovesOrphanedOAuthEntries(t *testing.T) {
	e := newAuthEnv(t)
	e.kr.Set("restmcp", "acme/oauth-token", `{"access_token":"at-1","refresh_token":"rt-1"}`)
	e.kr.Set("restmcp", "acme/client-secret", "cs-1")
	e.kr.Set("restmcp", "other/oauth-token", `{"access_token":"at-2"}`)
	r := e.run("", "logout", "--profile", "acme", "--all")
	if r.code != 0 || !strings.Contains(r.err, "Removed the OAuth token left under profile") {
		t.Errorf("exit %d; stderr:\n%s", r.code, r.err)
	}
	for _, a := range []string{"acme/oauth-token", "acme/client-secret"} {
		if _, err := e.kr.Get("restmcp", a); err == nil {
			t.Errorf("left in the keyring: %s", a)
		}
	}
	if _, err := e.kr.Get("restmcp", "other/oauth-token"); err != nil {
		t.Errorf("another profile's token went: %v", err)
	}
}

// TestProfileNameCannotReachAnotherProfilesEntries checks that a name with
// / or # is refused: it would name another profile's OAuth token, client
// secret or a part of a long token in the keyring.
func TestProfileNameCannotReachAnotherProfilesEntries(t *testing.T) {
	e := newAuthEnv(t)
	e.kr.Set("restmcp", "acme/oauth-token", `{"access_token":"at","refresh_token":"rt"}`)
	e.kr.Set("restmcp", "acme/oauth-token#1", "part")
	for _, args := range [][]string{
		{"logout", "--profile", "acme/oauth-token"},
		{"logout", "--profile", "acme/oauth-token#1", "--all"},
		{"login", "--profile", "acme/client-secret", "--spec", "x.yaml", "--with-key", "--no-check"},
	} {
		r := e.run("sk-1234567890\n", args...)
		if r.code == 0 || !strings.Contains(r.err, "would share keyring entries") {
			t.Errorf("%v: exit %d; stderr:\n%s", args, r.code, r.err)
		}
	}
	for _, a := range []string{"acme/oauth-token", "acme/oauth-token#1"} {
		if _, err := e.kr.Get("restmcp", a); err != nil {
			t.Errorf("%s went: %v", a, err)
		}
	}
}

// setFails is a keyring whose reads work and whose writes do not answer.
type setFails struct{ *keyring.Memory }

func (s setFails) Set(string, string, string) error {
	return &keyring.UnavailableError{Op: "set", Cause: errors.New("no answer to set within 3s")}
}

// TestLoginElsewhereKeepsOldKeyAtItsAddress checks that a login to another
// address whose key cannot be stored leaves the profile at the address the
// stored key is for: saved, the old key would go to the new address.
func TestLoginElsewhereKeepsOldKeyAtItsAddress(t *testing.T) {
	for _, withKey := range []bool{true, false} {
		e := newAuthEnv(t)
		store := profile.Store{Dir: e.dir}
		spec, _ := filepath.Abs("testdata/notes.yaml")
		if err := store.Save(profile.Profile{Name: "acme", Spec: spec, BaseURL: "https://old.example.com"}); err != nil {
			t.Fatal(err)
		}
		e.kr.Set("restmcp", "acme", "sk-old-key-1111")
		if withKey {
			e.keyring.Backend = setFails{e.kr}
		} else {
			e.keyring.Backend = unavailableBackend{}
		}
		args := []string{"login", "--profile", "acme", "--base-url", "https://new.example.com", "--no-check"}
		if withKey {
			args = append(args, "--with-key")
		}
		r := e.run("sk-new-key-2222\n", args...)
		if r.code == 0 {
			t.Errorf("with key %v: exit 0; stderr:\n%s", withKey, r.err)
		}
		if p, _ := store.Get("acme"); p.BaseURL != "https://old.example.com" {
			t.Errorf("with key %v: profile now at %q with the old key stored; stderr:\n%s", withKey, p.BaseURL, r.err)
		}
	}
}

// TestLoginWithKeyAtTerminalReadsHidden checks that --with-key at a
// terminal reads the key without echo (ReadSecret), not as a visible line.
func TestLoginWithKeyAtTerminalReadsHidden(t *testing.T) {
	e := newAuthEnv(t)
	e.tty, e.secret = true, "sk-typed-hidden-3333"
	spec, _ := filepath.Abs("testdata/notes.yaml")
	r := e.run("sk-echoed-line-4444\n", "login", "--profile", "acme", "--spec", spec, "--with-key", "--no-check")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.err)
	}
	if got := e.storedKey("acme"); got != e.secret {
		t.Errorf("stored %q, want the key read hidden", got)
	}
	if !strings.Contains(r.err, "input hidden") {
		t.Errorf("no prompt for the hidden key:\n%s", r.err)
	}
}

// A token that cannot be revoked because the client secret is not in the
// keyring is removed all the same, and logout says it was not revoked and
// why.
func TestLogoutSaysWhyTheTokenWasNotRevoked(t *testing.T) {
	e := newAuthEnv(t)
	store := profile.Store{Dir: e.dir}
	if err := store.Save(profile.Profile{Name: "acme", Spec: "x.yaml", Auth: &profile.Auth{Scheme: "oa", Kind: profile.AuthOAuth2,
		OAuth: &profile.OAuth{Grant: "authorization_code", TokenURL: "https://idp.example/token", RevocationURL: "https://idp.example/revoke", ClientSecret: true}}}); err != nil {
		t.Fatal(err)
	}
	e.kr.Set("restmcp", "acme/oauth-token", `{"access_token":"at-1","refresh_token":"rt-1"}`)
	r := e.run("", "logout", "--profile", "acme")
	if r.code != 0 || !strings.Contains(r.err, "not revoked") || !strings.Contains(r.err, "client secret") {
		t.Errorf("exit %d, want the token removed and said not to be revoked, with why; stderr:\n%s", r.code, r.err)
	}
	if _, err := e.kr.Get("restmcp", "acme/oauth-token"); err == nil {
		t.Error("the token is still stored")
	}
}

// A name that is no profile and holds no key is most likely mistyped:
// logout says so, names the profiles there are, and fails; a key left
// under a name whose profile is gone is still removed.
func TestLogoutUnknownProfile(t *testing.T) {
	e := newAuthEnv(t)
	if err := (profile.Store{Dir: e.dir}).Save(profile.Profile{Name: "acme", Spec: "x.yaml"}); err != nil {
		t.Fatal(err)
	}
	r := e.run("", "logout", "--profile", "acmee")
	if r.code == 0 || !strings.Contains(r.err, `no profile "acmee"`) || !strings.Contains(r.err, "profiles: acme") || !strings.Contains(r.err, "nothing to remove") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.err)
	}

	if err := e.keyring.Set("gone", goodKey); err != nil {
		t.Fatal(err)
	}
	if r := e.run("", "logout", "--profile", "gone"); r.code != 0 || !strings.Contains(r.err, `Removed the key of profile "gone"`) {
		t.Errorf("a key without its profile: exit %d, stderr:\n%s", r.code, r.err)
	}
	e.assertKeyNowhere(goodKey)

	e.keyring.Backend = unavailableBackend{}
	r = e.run("", "logout", "--profile", "acmee")
	if r.code == 0 || !strings.Contains(r.err, `no profile "acmee"`) || strings.Contains(r.err, "no key stored") || !strings.Contains(r.err, "a key may remain") {
		t.Errorf("keyring unavailable: exit %d, stderr:\n%s", r.code, r.err)
	}
}

// A plain-text key file that cannot be read (cut short, say) is left as it
// is by logout and login, which never lose the other profiles' keys it
// holds: logout still removes the keyring's key and says what is wrong
// with the file, where it is and what to do; login says the key was not
// stored there, or that it is stored in the keyring but the file is read
// first.
func TestCorruptKeyFileLeftAsItIs(t *testing.T) {
	broken := `{"keys": {"other": "sk-other-key-000000", "acme": "sk-acme-`
	tests := []struct {
		name    string
		args    []string
		wantErr []string
	}{
		{"logout", []string{"logout", "--profile", "acme"},
			[]string{`Removed the key of profile "acme"`, `a plain-text key of profile "acme" may remain`, "cannot be read: it ends too early",
				"fix it in an editor", "run `restmcp logout --profile acme` again"}},
		{"logout --all", []string{"logout", "--profile", "acme", "--all"},
			[]string{`Removed the key of profile "acme"`, `Removed profile "acme"`, "cannot be read: it ends too early", "run `restmcp logout --profile acme` again"}},
		{"login --insecure-storage", []string{"login", "--profile", "acme", "--with-key", "--no-check", "--insecure-storage"},
			[]string{"the key was not stored: the plain-text key file", "cannot be read: it ends too early"}},
		{"login", []string{"login", "--profile", "acme", "--with-key", "--no-check"},
			[]string{"the key is stored in", "an earlier plain-text key of this profile may remain", "cannot be read: it ends too early"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAuthEnv(t)
			if err := (profile.Store{Dir: e.dir}).Save(profile.Profile{Name: "acme", Spec: "x.yaml"}); err != nil {
				t.Fatal(err)
			}
			if err := e.keyring.Set("acme", goodKey); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(e.dir, "insecure-keys.json")
			if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
				t.Fatal(err)
			}
			r := e.run(goodKey+"\n", tt.args...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1", r.code)
			}
			for _, s := range append(tt.wantErr, path) {
				if !strings.Contains(r.err, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.err)
				}
			}
			if strings.Contains(r.err+r.out, "sk-other") || strings.Contains(r.err+r.out, "sk-acme") {
				t.Errorf("the output quotes the file:\n%s", r.err)
			}
			if b, _ := os.ReadFile(path); string(b) != broken {
				t.Errorf("the file changed to %q", b)
			}
			if strings.HasPrefix(tt.name, "logout") && e.storedKey("acme") != "" {
				t.Error("the keyring's key of acme is still stored")
			}
		})
	}
}
