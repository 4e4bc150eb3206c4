package cmd

import (
	"strings"
	"testing"

	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
)

func TestProfileFlagDefaults(t *testing.T) {
	plain := profileFlagDefaults(newBrand("restmcp", profile.Profile{}, unsetScheme))
	for flag, want := range map[string]string{
		"auth-scheme": `(default "Bearer")`,
		"auth-header": `(default "Authorization")`,
		"base-url":    "(default: the description's first server)",
	} {
		if plain[flag] != want {
			t.Errorf("restmcp --%s: %q, want %q", flag, plain[flag], want)
		}
	}
	if _, ok := plain["spec"]; ok {
		t.Error("restmcp --spec has a default")
	}
	bare := profileFlagDefaults(newBrand("acme-mcp", profile.Profile{Name: "acme", Spec: "https://api.acme.example/openapi.json", Prefix: "acme"}, ""))
	for flag, want := range map[string]string{
		"auth-scheme": "(default: the bare key)",
		"spec":        `(default "https://api.acme.example/openapi.json")`,
		"prefix":      `(default "acme")`,
	} {
		if bare[flag] != want {
			t.Errorf("acme-mcp --%s: %q, want %q", flag, bare[flag], want)
		}
	}
}

func TestExamplesFollowTheBrand(t *testing.T) {
	vendor := newBrand("acme-mcp", profile.Profile{Name: "acme", Prefix: "acme"}, unsetScheme)
	for _, ex := range []string{loginExample(vendor), logoutExample(vendor), callExample(vendor)} {
		if strings.Contains(ex, "restmcp") || strings.Contains(ex, "--profile") || !strings.Contains(ex, "acme-mcp") {
			t.Errorf("vendor example:\n%s", ex)
		}
	}
	if ex := callExample(vendor); !strings.Contains(ex, "acme-mcp call acme_list_projects") {
		t.Errorf("call example without the vendor's prefix:\n%s", ex)
	}
	plain := newBrand("restmcp", profile.Profile{}, unsetScheme)
	if ex := loginExample(plain); !strings.Contains(ex, "Get-Content acme.key | restmcp login --profile acme --with-key") {
		t.Errorf("login example lacks the PowerShell form:\n%s", ex)
	}
}

// The listing the tools example keeps for --diff is one that shows every
// operation (the resources and search layouts list none), and is compared
// so.
func TestToolsExampleKeepsOperations(t *testing.T) {
	ex := toolsExample(newBrand("restmcp", profile.Profile{}, unsetScheme))
	for _, want := range []string{"--layout operations --json > tools.json", "--layout operations --diff tools.json"} {
		if !strings.Contains(ex, want) {
			t.Errorf("tools example lacks %q:\n%s", want, ex)
		}
	}
}

// The help of login and status says what a user of an OAuth 2.0 API needs:
// the redirect URI to register (the one the sign-in listens on), the
// device grant and the client secret; the access token RESTMCP_API_KEY
// stands for; and what status checks of a sign-in.
func TestOAuthHelp(t *testing.T) {
	f, out, _ := testFactory(t, nil)
	for command, wants := range map[string][]string{
		"login": {
			"its redirect URI: http://127.0.0.1" + oauth.CallbackPath + ")",
			"a code to enter on any device (the device grant)",
			"When the provider offers both, the browser unless none can be opened here (no display: SSH, a container); --flow browser or --flow device chooses",
			"--flow device",
			"--with-key reads a client secret from standard input",
			"for an OAuth 2.0 profile it is an access token, sent instead of the sign-in's and never renewed",
		},
		"status": {
			"or an initialize for a remote MCP server",
			"the API is not asked about it",
			"the variable's access token is what calls send, and is checked like a key",
			"when an OAuth 2.0 profile has no sign-in or one that expired and cannot be renewed",
		},
	} {
		out.Reset()
		if code := run(t, f, command, "--help"); code != 0 {
			t.Fatalf("%s --help: exit %d", command, code)
		}
		help := strings.Join(strings.Fields(out.String()), " ")
		for _, want := range wants {
			if !strings.Contains(help, want) {
				t.Errorf("%s --help lacks %q:\n%s", command, want, out)
			}
		}
	}
}
