package cmd

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// parse runs c with args, its run function replaced by runF, and fails the
// test on a parse error.
func parse(t *testing.T, c *cobra.Command, args ...string) {
	t.Helper()
	c.SetArgs(args)
	c.SetOut(new(strings.Builder))
	c.SetErr(new(strings.Builder))
	if err := c.Execute(); err != nil {
		t.Fatalf("%s %q: %v", c.Name(), args, err)
	}
}

func flagFactory() *Factory { return &Factory{Brand: Brand{Name: "restmcp"}} }

func TestServeFlags(t *testing.T) {
	var got *ServeOptions
	parse(t, newServeCmd(flagFactory(), func(o *ServeOptions) error { got = o; return nil }),
		"-v", "--profile", "acme", "--layout", "search", "--read-only", "--tag", "a", "--tag", "b", "--audit-log", "a.jsonl", "--separate-writes")
	pf := got.Profile
	if !got.Verbose || pf.Name != "acme" || pf.Layout != "search" || !pf.ReadOnly || !pf.SeparateWrites ||
		!reflect.DeepEqual(pf.Tags, []string{"a", "b"}) || pf.AuditLog != "a.jsonl" {
		t.Errorf("options = %+v, profile flags = %+v", *got, *pf)
	}
}

func TestServeHTTPFlags(t *testing.T) {
	var got *ServeOptions
	parse(t, newServeCmd(flagFactory(), func(o *ServeOptions) error { got = o; return nil }),
		"--http", ":8080", "--base-path", "/tools", "--cors-origin", "https://a.example", "--tls-cert", "c.pem", "--tls-key", "k.pem",
		"--max-body", "1024", "--request-timeout", "5s", "--drain", "2s", "--auth-tokens", "tokens.txt")
	h := got.HTTP
	if h.Addr != ":8080" || h.BasePath != "/tools" || !reflect.DeepEqual(h.CORSOrigins, []string{"https://a.example"}) ||
		h.TLSCert != "c.pem" || h.TLSKey != "k.pem" || h.MaxBodyBytes != 1024 || h.Timeout != 5*time.Second || h.Drain != 2*time.Second || h.AuthTokens != "tokens.txt" {
		t.Errorf("http options = %+v", h)
	}
}

func TestServeHTTPFlagsNeedHTTP(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--auth-tokens", "tokens.txt"}, "--auth-tokens needs --http ADDR"},
		{[]string{"--tls-cert", "c.pem", "--tls-key", "k.pem"}, "--tls-cert and --tls-key need --http ADDR"},
		{[]string{"--base-path", "/x", "--cors-origin", "https://a.example", "--drain", "1s"}, "--base-path, --cors-origin and --drain need --http ADDR"},
		{[]string{"--http", "", "--max-body", "10"}, "--max-body needs --http ADDR"},
		{[]string{"--trusted-proxy", "10.0.0.0/8"}, "--trusted-proxy needs"},
		{[]string{"--max-inflight-bytes", "10"}, "--max-inflight-bytes needs"},
		{[]string{"--request-timeout", "1s"}, "--request-timeout needs"},
		{[]string{"--shutdown-delay", "1s"}, "--shutdown-delay needs"},
		// A flag error (exit status 2), before anything starts.
		{[]string{"--http", ":0", "--base-path", "/a b"}, `--base-path "/a b" is not a plain URL path`},
		{[]string{"--http", ":0", "--base-path", "/healthz"}, "is the path of an operators' endpoint"},
	} {
		ran := false
		c := newServeCmd(flagFactory(), func(*ServeOptions) error { ran = true; return nil })
		c.SetArgs(tc.args)
		c.SetOut(new(strings.Builder))
		c.SetErr(new(strings.Builder))
		err := c.Execute()
		var flagErr *FlagError
		if !errors.As(err, &flagErr) || !strings.Contains(err.Error(), tc.want) || ran {
			t.Errorf("serve %q: ran %v, err %v; want a flag error with %q", tc.args, ran, err, tc.want)
		}
	}
	// With --http, and without any of them, serve runs.
	parse(t, newServeCmd(flagFactory(), func(*ServeOptions) error { return nil }), "--http", ":0", "--auth-tokens", "t.txt")
	parse(t, newServeCmd(flagFactory(), func(*ServeOptions) error { return nil }), "--profile", "acme", "-v")
}

func TestToolsFlags(t *testing.T) {
	var got *ToolsOptions
	parse(t, newToolsCmd(flagFactory(), func(o *ToolsOptions) error { got = o; return nil }),
		"--json", "--tokens", "--spec", "api.yaml", "--method", "GET,POST", "--prefix", "acme")
	pf := got.Profile
	if !got.JSON || !got.Tokens || pf.Spec != "api.yaml" || !reflect.DeepEqual(pf.Methods, []string{"GET", "POST"}) || pf.Prefix != "acme" {
		t.Errorf("options = %+v, profile flags = %+v", *got, *pf)
	}
}

func TestCallFlags(t *testing.T) {
	var got *CallOptions
	parse(t, newCallCmd(flagFactory(), func(o *CallOptions) error { got = o; return nil }),
		"list_notes", "--arg", "search=a,b", "-a", "page=2", "--json", `{"x": 1}`, "--raw", "--base-url", "https://api.example.com")
	if got.Tool != "list_notes" || !reflect.DeepEqual(got.Args, []string{"search=a,b", "page=2"}) ||
		got.JSON != `{"x": 1}` || !got.Raw || got.Profile.BaseURL != "https://api.example.com" {
		t.Errorf("options = %+v", *got)
	}
	c := newCallCmd(flagFactory(), func(*CallOptions) error { t.Error("ran without a tool name"); return nil })
	c.SetArgs(nil)
	c.SetOut(new(strings.Builder))
	c.SetErr(new(strings.Builder))
	if err := c.Execute(); err == nil {
		t.Error("call without a tool name: no error")
	}
}

func TestStatusFlags(t *testing.T) {
	var got *StatusOptions
	parse(t, newStatusCmd(flagFactory(), func(o *StatusOptions) error { got = o; return nil }), "-p", "acme", "--offline", "--json")
	if got.ProfileName != "acme" || !got.Offline || !got.JSON || got.CheckTimeout != statusCheckTimeout {
		t.Errorf("options = %+v", *got)
	}
	c := newStatusCmd(flagFactory(), func(*StatusOptions) error { t.Error("ran with an empty --profile"); return nil })
	c.SetArgs([]string{"--profile", ""})
	c.SetOut(new(strings.Builder))
	c.SetErr(new(strings.Builder))
	if err := c.Execute(); err == nil || !strings.Contains(err.Error(), "--profile needs a name") {
		t.Errorf("empty --profile: err = %v", err)
	}
}

func TestLogoutFlags(t *testing.T) {
	var got *LogoutOptions
	parse(t, newLogoutCmd(flagFactory(), func(o *LogoutOptions) error { got = o; return nil }))
	if got.ProfileName != "default" || got.All {
		t.Errorf("defaults = %+v", *got)
	}
	parse(t, newLogoutCmd(flagFactory(), func(o *LogoutOptions) error { got = o; return nil }), "--profile", "acme", "--all")
	if got.ProfileName != "acme" || !got.All {
		t.Errorf("options = %+v", *got)
	}
}

func TestVersionFlags(t *testing.T) {
	var got *VersionOptions
	parse(t, newVersionCmd(flagFactory(), func(o *VersionOptions) error { got = o; return nil }), "--json")
	if !got.JSON {
		t.Errorf("options = %+v", *got)
	}
}

func TestLoginRemoteFlags(t *testing.T) {
	var got *LoginOptions
	parse(t, newLoginCmd(flagFactory(), func(o *LoginOptions) error { got = o; return nil }),
		"-p", "acme", "--mcp-url", "https://mcp.example.com/mcp", "--oauth", "--no-browser", "--client-id", "cid",
		"--insecure-storage", "--auth-header", "X-Api-Key", "--auth-scheme", "", "--tool", "a,b", "--prefix", "acme")
	pf := got.Profile
	if !got.OAuth || !got.NoBrowser || got.ClientID != "cid" || !got.InsecureStorage || got.WithKey ||
		pf.Name != "acme" || pf.MCPURL != "https://mcp.example.com/mcp" || pf.AuthHeader != "X-Api-Key" || pf.AuthScheme != "" ||
		!reflect.DeepEqual(pf.Tools, []string{"a", "b"}) || pf.Prefix != "acme" {
		t.Errorf("options = %+v, profile flags = %+v", *got, *pf)
	}
	if got.CheckTimeout != loginCheckTimeout {
		t.Errorf("check timeout = %s, want %s", got.CheckTimeout, loginCheckTimeout)
	}
}

func TestUninstallFlags(t *testing.T) {
	var got *UninstallOptions
	parse(t, newUninstallCmd(flagFactory(), func(o *UninstallOptions) error { got = o; return nil }),
		"cursor", "-p", "acme", "--name", "a", "--project", "--dry-run", "--force", "--command", "/opt/bin/acme-mcp")
	if got.Client != "cursor" || got.Profile != "acme" || got.Name != "a" || !got.Project || !got.DryRun || !got.Force || got.Command != "/opt/bin/acme-mcp" {
		t.Errorf("options = %+v", *got)
	}
	parse(t, newUninstallCmd(flagFactory(), func(o *UninstallOptions) error { got = o; return nil }), "zed")
	if got.Profile != "default" || got.Name != "default" || got.Project || got.DryRun || got.Force {
		t.Errorf("defaults = %+v", *got)
	}
	c := newUninstallCmd(flagFactory(), func(*UninstallOptions) error { t.Error("ran without a client"); return nil })
	c.SetArgs(nil)
	c.SetOut(new(strings.Builder))
	c.SetErr(new(strings.Builder))
	if err := c.Execute(); err == nil {
		t.Error("uninstall without a client: no error")
	}
}
