package cmd

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/profile"
)

// exampleSpec is the bundled example API's description: its scheme is an
// apiKey in Authorization whose description says to put "Api-Key" first.
const exampleSpec = "../examples/django-drf/openapi.yaml"

// TestLoginRejectedKeySaysHowItWasSent: a key sent in Authorization
// without the word the API expects is refused; the error shows the header
// as sent (never the key), quotes the scheme's description and names
// --auth-scheme with the word it quotes. With that flag, login succeeds.
func TestLoginRejectedKeySaysHowItWasSent(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Api-Key")
	f, out, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(goodKey + "\n")
	if code := run(t, f, "login", "-p", "ex", "--spec", exampleSpec, "--base-url", api.URL, "--with-key"); code == 0 {
		t.Fatal("login succeeded with the key sent as Bearer")
	}
	msg := errOut.String()
	for _, want := range []string{
		"the API rejected the key",
		"sent as `Authorization: Bearer <key>`",
		"The word `Api-Key`, a space, then the key.",
		"--auth-scheme Api-Key",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("stderr lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(out.String()+msg, goodKey) {
		t.Error("the key was printed")
	}

	errOut.Reset()
	f.IO.In = strings.NewReader(goodKey + "\n")
	if code := run(t, f, "login", "-p", "ex", "--spec", exampleSpec, "--base-url", api.URL, "--auth-scheme", "Api-Key", "--with-key"); code != 0 {
		t.Fatalf("login with the hinted flag: exit %d: %s", code, errOut)
	}
}

func TestSentAs(t *testing.T) {
	empty := ""
	for _, tt := range []struct {
		p    profile.Profile
		want string
	}{
		{profile.Profile{}, "Authorization: Bearer <key>"},
		{profile.Profile{AuthScheme: &empty}, "Authorization: <key>"},
		{profile.Profile{AuthHeader: "X-Api-Key", AuthScheme: &empty}, "X-Api-Key: <key>"},
		{profile.Profile{AuthFormat: "Token token={key}"}, "Authorization: Token token=<key>"},
		{profile.Profile{Auth: &profile.Auth{Kind: profile.AuthAPIKey, In: "query", Name: "api_key"}}, "the query parameter api_key=<key>"},
		{profile.Profile{Auth: &profile.Auth{Kind: profile.AuthAPIKey, In: "cookie", Name: "session"}}, "the cookie session=<key>"},
		{profile.Profile{Auth: &profile.Auth{Kind: profile.AuthBasic, Username: "AC1"}}, `HTTP basic, user "AC1", the key as the password`},
	} {
		if got := app.SentAs(tt.p); got != tt.want {
			t.Errorf("SentAs(%+v) = %q, want %q", tt.p, got, tt.want)
		}
	}
}

// TestLoginUnreachableNamesBaseURL: when the connection itself fails to
// the description's server, the fix named first is --base-url; when the
// address was given with --base-url, the message says that address could
// not be reached, and does not ask for --base-url again.
func TestLoginUnreachableNamesBaseURL(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"the description's server", nil, "if the API is not at http://127.0.0.1:9, pass --base-url URL"},
		{"given with --base-url", []string{"--base-url", "http://127.0.0.1:1/api/v3"}, "http://127.0.0.1:1/api/v3, given with --base-url, could not be reached; check it"},
		{"given with credentials in it", []string{"--base-url", "http://u:pw-4417@127.0.0.1:1/api/v3?sig=q-8812"}, "http://127.0.0.1:1/api/v3, given with --base-url, could not be reached; check it"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, _, errOut := testFactory(t, nil)
			f.IO.In = strings.NewReader(goodKey + "\n")
			if code := run(t, f, append([]string{"login", "-p", "a", "--spec", "testdata/notes.yaml", "--with-key"}, tt.args...)...); code == 0 {
				t.Fatal("login succeeded against a closed port")
			}
			msg := errOut.String()
			i, j := strings.Index(msg, tt.want), strings.Index(msg, "--no-check")
			if i < 0 || j < 0 || i > j {
				t.Errorf("stderr lacks %q before --no-check:\n%s", tt.want, msg)
			}
			if strings.Contains(msg, "pw-4417") || strings.Contains(msg, "q-8812") {
				t.Errorf("the address's password or query is shown:\n%s", msg)
			}
			if tt.args != nil && strings.Contains(msg, "pass --base-url") {
				t.Errorf("asks for --base-url although it was given:\n%s", msg)
			}
		})
	}
}

// TestLoginSeveralSchemesRepeatsTheCommand: the suggested command is the
// one given, with --scheme added (a bare `login --profile P --scheme X`
// would have no description).
func TestLoginSeveralSchemesRepeatsTheCommand(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(authKey + "\n")
	if code := run(t, f, "login", "-p", "s2", "--spec", "testdata/auth-api.yaml", "--base-url", "http://127.0.0.1:1", "--with-key"); code == 0 {
		t.Fatal("login succeeded without a scheme")
	}
	want := "`restmcp login --profile s2 --base-url http://127.0.0.1:1 --spec testdata/auth-api.yaml --with-key --scheme "
	if !strings.Contains(errOut.String(), want) || !strings.Contains(errOut.String(), "Add --scheme NAME to the same command") {
		t.Errorf("stderr lacks %q:\n%s", want, errOut)
	}
	if strings.Contains(errOut.String(), authKey) {
		t.Error("the key was printed")
	}
}

// TestLoginAgainKeepsTheStoredKey: a new description path without a key
// keeps the stored key (checked again), in a script and on a terminal
// (Enter); --with-key still replaces it.
func TestLoginAgainKeepsTheStoredKey(t *testing.T) {
	api := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	f, _, errOut := testFactory(t, nil)
	f.IO.In = strings.NewReader(goodKey + "\n")
	if code := run(t, f, "login", "-p", "acme", "--spec", "testdata/notes.yaml", "--base-url", api.URL, "--check-path", "/v1/me", "--with-key"); code != 0 {
		t.Fatalf("first login: exit %d: %s", code, errOut)
	}
	moved := t.TempDir() + "/moved.yaml"
	b, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(moved, b, 0o600); err != nil {
		t.Fatal(err)
	}

	// A script: no terminal, no --with-key.
	errOut.Reset()
	before := len(api.requests())
	f.IO.In = strings.NewReader("")
	if code := run(t, f, "login", "-p", "acme", "--spec", moved); code != 0 {
		t.Fatalf("login with a new spec: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "Keeping the stored key") || !strings.Contains(errOut.String(), "accepted the key") {
		t.Errorf("stderr: %s", errOut)
	}
	if len(api.requests()) == before {
		t.Error("the kept key was not checked")
	}
	p, _ := profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}.Get("acme")
	if p.Spec != moved {
		t.Errorf("spec %q, want %q", p.Spec, moved)
	}
	if k, _ := f.Keyring.Get("acme"); k != goodKey {
		t.Errorf("keyring holds %q", k)
	}

	// A terminal: Enter keeps it.
	errOut.Reset()
	f.IO.InTTY, f.IO.OutTTY = true, true
	f.IO.ReadSecret = func(context.Context) (string, error) { return "", nil }
	if code := run(t, f, "login", "-p", "acme", "--spec", "testdata/notes.yaml"); code != 0 {
		t.Fatalf("login on a terminal: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "Enter keeps the stored key") || !strings.Contains(errOut.String(), "Keeping the stored key") {
		t.Errorf("stderr: %s", errOut)
	}

	// A kept key the API now refuses is not saved with the new settings.
	errOut.Reset()
	f.IO.InTTY, f.IO.OutTTY = false, false
	if code := run(t, f, "login", "-p", "acme", "--spec", moved, "--check-path", "/v1/me", "--auth-scheme", "Token"); code == 0 {
		t.Fatal("a refused kept key was accepted")
	}
	if p, _ := (profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}).Get("acme"); p.AuthScheme != nil {
		t.Errorf("the profile was saved: %+v", p)
	}

	// A new profile has no key to keep.
	errOut.Reset()
	if code := run(t, f, "login", "-p", "other", "--spec", moved); code == 0 || !strings.Contains(errOut.String(), "--with-key") {
		t.Errorf("a new profile without a key: exit %d: %s", code, errOut)
	}

	// Another address: the stored key is not sent there without being
	// given again.
	other := newFakeAPI(t, goodKey, "Authorization", "Bearer")
	errOut.Reset()
	if code := run(t, f, "login", "-p", "acme", "--spec", moved, "--base-url", other.URL, "--check-path", "/v1/me"); code == 0 {
		t.Error("the stored key was kept for another address")
	}
	if !strings.Contains(errOut.String(), "The API's address changed") {
		t.Errorf("stderr: %s", errOut)
	}
	if n := len(other.requests()); n != 0 {
		t.Errorf("%d requests reached the other address", n)
	}
}

// TestNoToolsListsTagsAndWhereTheSelectionCameFrom: a --tag no operation
// carries lists the description's tags, the closest first, and the fix
// fits where the filter came from.
func TestNoToolsListsTagsAndWhereTheSelectionCameFrom(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "-p", "ex", "--spec", exampleSpec, "--tag", "Task"); code == 0 {
		t.Fatal("tools succeeded with a tag no operation has")
	}
	msg := errOut.String()
	if !strings.Contains(msg, "the description's tags are tasks, ") || !strings.Contains(msg, "given on the command line") ||
		strings.Contains(msg, "`restmcp login --profile ex --tag TAG` stores another") {
		t.Errorf("stderr:\n%s", msg)
	}

	// Stored in the profile: login changes it.
	store := profile.Store{Dir: f.Getenv("RESTMCP_CONFIG_DIR")}
	abs, _ := absPath("--spec", exampleSpec)
	if err := store.Save(profile.Profile{Name: "ex", Spec: abs, Tags: []string{"Project"}}); err != nil {
		t.Fatal(err)
	}
	errOut.Reset()
	if code := run(t, f, "tools", "-p", "ex"); code == 0 {
		t.Fatal("tools succeeded with a stored tag no operation has")
	}
	msg = errOut.String()
	if !strings.Contains(msg, `stored in profile "ex"`) || !strings.Contains(msg, "tags are projects, ") ||
		!strings.Contains(msg, "`restmcp login --profile ex --tag TAG` stores another") {
		t.Errorf("stderr:\n%s", msg)
	}

	// A description without tags says so.
	errOut.Reset()
	if code := run(t, f, "tools", "-p", "n", "--spec", "testdata/notes.yaml", "--tag", "x"); code == 0 || !strings.Contains(errOut.String(), "tags no operation") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestClosestTags(t *testing.T) {
	got := app.ClosestTags([]string{"pulls", "repos", "issues", "Issue-comments", "actions"}, []string{"Issue"})
	if want := "issues, Issue-comments, "; !strings.HasPrefix(strings.Join(got, ", "), want) || len(got) != 5 {
		t.Errorf("ClosestTags = %v, want %s", got, want)
	}
}

// TestDurationFlagShowsTheValue: a number without a unit is shown with an
// example; a value that may be a key stays hidden.
func TestDurationFlagShowsTheValue(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "-p", "a", "--timeout", "5"); code != 2 ||
		!strings.Contains(errOut.String(), `invalid value "5" for --timeout`) || !strings.Contains(errOut.String(), "30s") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	errOut.Reset()
	if code := run(t, f, "tools", "-p", "a", "--timeout", "sk-live-abcdef123"); code != 2 ||
		strings.Contains(errOut.String(), "sk-live") || !strings.Contains(errOut.String(), "30s") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestHostEntryName(t *testing.T) {
	for in, want := range map[string]string{
		"https://mcp.acme.example/mcp":       "acme",
		"https://www.api.stripe.com/v1/mcp":  "stripe",
		"https://tools.example.com:8443/mcp": "tools",
		"http://127.0.0.1:8080/mcp":          "127-0-0-1",
		"http://[::1]:8080/mcp":              "1",
		"https://mcp.my_team.example/mcp":    "my_team",
		"https://mcp/mcp":                    "mcp",
	} {
		if got := hostEntryName(in); got != want {
			t.Errorf("hostEntryName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestInstallURLNamesEntryAfterHost: without --name (and without
// --profile) a remote entry is named after the URL's host, and install
// says so; uninstall finds it by the same name.
func TestInstallURLNamesEntryAfterHost(t *testing.T) {
	x := newInstallFixture(t, "linux")
	const u = "https://mcp.acme.example/mcp"
	if code := x.run(t, "install", "cursor", "--url", u, "--header", "Authorization"); code != 0 {
		t.Fatalf("exit %d: %s", code, x.errOut)
	}
	b, _ := os.ReadFile(x.path(t, "cursor", false))
	if !strings.Contains(string(b), `"acme": {`) || strings.Contains(string(b), `"default"`) {
		t.Errorf("file:\n%s", b)
	}
	if !strings.Contains(x.errOut.String(), `named "acme" after the URL's host`) {
		t.Errorf("stderr: %s", x.errOut)
	}
	if code := x.run(t, "uninstall", "cursor", "--url", u); code != 0 || !strings.Contains(x.out.String(), `Removed "acme"`) {
		t.Errorf("uninstall: exit %d: %s%s", code, x.out, x.errOut)
	}
}
