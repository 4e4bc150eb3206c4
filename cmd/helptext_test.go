package cmd

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

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

// Switches are listed as they are typed, "--json", not with pflag's
// "--json[=true|false]", and still take an explicit value.
func TestSwitchesListedPlainly(t *testing.T) {
	f, out, _ := testFactory(t, nil)
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"tools", "--help"}, {"call", "--help"}, {"logout", "--help"}, {"install", "--help"}, {"version", "--help"}} {
		out.Reset()
		if code := run(t, f, args...); code != 0 {
			t.Fatalf("%v: exit %d", args, code)
		}
		if strings.Contains(out.String(), "[=") || !strings.Contains(out.String(), "  -h, --help ") {
			t.Errorf("%v lists a switch with a value to give:\n%s", args, out)
		}
	}
	for _, tt := range []struct {
		command string
		args    []string
		flag    string
		want    bool
	}{
		{"tools", []string{"--json"}, "json", true},
		{"tools", []string{"--json=false"}, "json", false},
		{"tools", []string{"--json=true", "--tokens"}, "tokens", true},
		{"serve", []string{"-v"}, "verbose", true},
		{"logout", []string{"--all", "--profile", "acme"}, "all", true},
	} {
		c, _, err := NewRootCmd(f).Find([]string{tt.command})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.ParseFlags(tt.args); err != nil {
			t.Fatalf("%s %v: %v", tt.command, tt.args, err)
		}
		if got, err := c.Flags().GetBool(tt.flag); err != nil || got != tt.want {
			t.Errorf("%s %v: --%s = %v (%v), want %v", tt.command, tt.args, tt.flag, got, err, tt.want)
		}
		if rest := c.Flags().Args(); len(rest) != 0 {
			t.Errorf("%s %v: arguments left %q", tt.command, tt.args, rest)
		}
	}
}

// invocations finds each "NAME SUBCOMMAND ..." in text, up to the end of
// its code span, a comment or the line, with the flags it gives.
func invocations(name, text string) (found [][2]string) {
	re := regexp.MustCompile(regexp.QuoteMeta(name) + ` ([a-z]+)\b([^` + "`" + `#\n]*)`)
	flagRe := regexp.MustCompile(`(?:^|[\s\[(])--([a-z][a-z0-9-]*)`)
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		for _, fm := range flagRe.FindAllStringSubmatch(m[2], -1) {
			found = append(found, [2]string{m[1], fm[1]})
		}
	}
	return found
}

// checkFlags reports each flag that text gives a command that lacks it.
func checkFlags(t *testing.T, root *cobra.Command, where, text string) {
	t.Helper()
	for _, inv := range invocations(root.Name(), text) {
		c, _, err := root.Find([]string{inv[0]})
		if err != nil || c == root {
			continue // a word after the name, not a command
		}
		c.InitDefaultHelpFlag()
		if c.Flags().Lookup(inv[1]) == nil {
			t.Errorf("%s: %s %s --%s: %s %s has no such flag", where, root.Name(), inv[0], inv[1], root.Name(), inv[0])
		}
	}
}

// Every flag an example of --help gives exists on its command, in
// restmcp and in a vendor's build.
func TestExamplesNameRealFlags(t *testing.T) {
	for _, b := range []Brand{
		newBrand("restmcp", profile.Profile{}, unsetScheme),
		newBrand("acme-mcp", profile.Profile{Name: "acme", Spec: "https://api.acme.example/openapi.json", Prefix: "acme"}, ""),
	} {
		f, _, _ := testFactory(t, nil)
		f.Brand = b
		root := NewRootCmd(f)
		n := 0
		var walk func(c *cobra.Command)
		walk = func(c *cobra.Command) {
			n += len(invocations(b.Name, c.Example))
			checkFlags(t, root, b.Name+" "+c.Name()+" --help", c.Example)
			for _, sub := range c.Commands() {
				walk(sub)
			}
		}
		walk(root)
		if n < 20 {
			t.Errorf("%s: only %d flags found in the examples: is the pattern still right?", b.Name, n)
		}
	}
}

// Every flag README.md and docs/ give a restmcp command exists on it.
func TestDocsNameRealFlags(t *testing.T) {
	f, _, _ := testFactory(t, nil)
	root := NewRootCmd(f)
	files, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../README.md", "../scripts/demo.sh")
	n := 0
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		n += len(invocations("restmcp", string(b)))
		checkFlags(t, root, file, string(b))
	}
	if n < 200 {
		t.Errorf("only %d flags found in the docs: is the pattern still right?", n)
	}
}
