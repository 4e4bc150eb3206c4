package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/restmcp/restmcp/profile"
)

// Help text that depends on the build: a vendor's build names its own
// binary, needs no --profile or --spec in its examples, and shows its
// built-in settings as the flags' defaults, in --help and in the man pages
// alike (both come from the command tree).

// exampleProfile is the profile an example passes: none in a vendor's
// build, whose default profile is built in.
func exampleProfile(b Brand) string {
	if b.HasDefaults() {
		return ""
	}
	return " --profile acme"
}

// exampleTool is a tool name as this build's tools are named.
func exampleTool(b Brand, name string) string {
	if b.Defaults.Prefix != "" {
		return b.Defaults.Prefix + "_" + name
	}
	return name
}

func loginExample(b Brand) string {
	n := b.Name
	if b.HasDefaults() {
		return fmt.Sprintf(`  %[1]s login
  %[1]s login --with-key < key.txt
  Get-Content key.txt | %[1]s login --with-key        # PowerShell`, n)
	}
	return fmt.Sprintf(`  # apiKey, bearer: the one scheme declared (or --scheme NAME)
  %[1]s login --profile acme --spec https://api.acme.com/openapi.json
  %[1]s login --profile acme --with-key < acme.key
  Get-Content acme.key | %[1]s login --profile acme --with-key        # PowerShell
  # http basic (Twilio: account SID + auth token)
  %[1]s login --profile twilio --spec twilio_api_v2010.json --username ACXXXXXXXX
  # OAuth 2.0 (Box, Slack, Asana): sign in through the browser
  %[1]s login --profile box --spec box-openapi.json --client-id CLIENT_ID --no-browser
  # OAuth 2.0 over SSH or in a container: a code entered on another device
  %[1]s login --profile acme --spec ./openapi.yaml --client-id CLIENT_ID --flow device
  # several schemes declared: choose one
  %[1]s login --profile stripe --spec stripe-spec3.json --scheme bearerAuth
  # a key inside a longer header value (PagerDuty)
  %[1]s login --profile pd --spec pagerduty.json --auth-format 'Token token={key}'
  # a header of your choice, overriding the description
  %[1]s login --profile acme --spec ./openapi.yaml --base-url https://api.acme.com --auth-scheme Token --check-path /me`, n)
}

func logoutExample(b Brand) string {
	return fmt.Sprintf(`  %[1]s logout%[2]s
  %[1]s logout%[2]s --all`, b.Name, exampleProfile(b))
}

func callExample(b Brand) string {
	return fmt.Sprintf(`  %[1]s call %[2]s%[4]s --arg status=active
  %[1]s call %[3]s%[4]s --json '{"project": 3, "title": "Write docs"}'`,
		b.Name, exampleTool(b, "list_projects"), exampleTool(b, "create_task"), exampleProfile(b))
}

func toolsExample(b Brand) string {
	return fmt.Sprintf(`  %[1]s tools%[2]s --tokens
  %[1]s tools%[2]s --layout operations --json > tools.json   # keep every operation's tool
  %[1]s tools%[2]s --layout operations --diff tools.json     # later: what changed since
  %[1]s tools%[2]s --diff old-openapi.yaml                    # or against the earlier description`, b.Name, exampleProfile(b))
}

func serveExample(b Brand) string {
	return fmt.Sprintf(`  # what an editor starts (%[1]s install writes it into the editor's configuration)
  %[1]s serve%[2]s
  %[1]s serve%[2]s --read-only --verbose
  # one server over HTTP for a team (docs/http.md)
  %[1]s serve%[2]s --http 127.0.0.1:8080`, b.Name, exampleProfile(b))
}

func statusExample(b Brand) string {
	return fmt.Sprintf(`  %[1]s status
  %[1]s status%[2]s
  %[1]s status --offline --json`, b.Name, exampleProfile(b))
}

// profileFlagDefaults is the "(default …)" note of each profile flag: the
// brand's built-in value, else the usual default where there is one.
func profileFlagDefaults(b Brand) map[string]string {
	d := b.Defaults
	p := b.Apply(profile.Profile{})
	m := map[string]string{
		"auth-header": fmt.Sprintf("(default %q)", p.Header()),
		"base-url":    "(default: the description's first server)",
	}
	if p.Scheme() == "" {
		m["auth-scheme"] = "(default: the bare key)"
	} else {
		m["auth-scheme"] = fmt.Sprintf("(default %q)", p.Scheme())
	}
	for flag, v := range map[string]string{"spec": d.Spec, "mcp-url": d.MCPURL, "base-url": d.BaseURL, "prefix": d.Prefix} {
		if v != "" {
			m[flag] = fmt.Sprintf("(default %q)", v)
		}
	}
	return m
}

// brandHelp shows the brand's built-in settings as the defaults of the
// profile flags of every command under root.
func brandHelp(root *cobra.Command, b Brand) {
	notes := profileFlagDefaults(b)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for flag, note := range notes {
			if fl := c.Flags().Lookup(flag); fl != nil {
				fl.Usage = strings.TrimSpace(fl.Usage + " " + note)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// plainBoolFlags lists the switches of every command under root as
// "--json", not "--json[=true|false]" as pflag writes every boolean flag:
// a switch is given alone, and the brackets read as something to type.
// "--json=false" still works: only the help's spelling changes.
func plainBoolFlags(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			if _, done := fl.Value.(switchValue); !done && fl.Value.Type() == "bool" {
				// A flag without IsBoolFlag is given alone when it has a
				// NoOptDefVal, which pflag set to "true" for it.
				fl.Value = switchValue{fl.Value}
				if fl.NoOptDefVal == "" {
					fl.NoOptDefVal = "true"
				}
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// switchValue is a boolean flag's value without the IsBoolFlag method,
// whose presence alone makes pflag write "[=true|false]" after the flag.
type switchValue struct{ pflag.Value }
