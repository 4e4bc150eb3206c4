package cmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// vendorConfig is the part of examples/vendor/.goreleaser.yaml that decides
// what the branded binary is.
type vendorConfig struct {
	Env    []string `yaml:"env"`
	Before struct {
		Hooks []string `yaml:"hooks"`
	} `yaml:"before"`
	Builds []struct {
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
	} `yaml:"builds"`
}

// TestDocsHookRunsOnHost: the hook that writes man pages and completions
// runs `go run`, which must build for the machine it runs on even when
// GOOS/GOARCH select another target (GOOS=windows goreleaser build
// --single-target), in restmcp's configuration and the vendor example.
// Hooks run with the global env; every build sets its own GOOS and GOARCH
// after it.
func TestDocsHookRunsOnHost(t *testing.T) {
	for _, path := range []string{"../.goreleaser.yaml", "../examples/vendor/.goreleaser.yaml"} {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var cfg vendorConfig
		if err := yaml.Unmarshal(raw, &cfg); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, want := range []string{"GOOS={{ .Runtime.Goos }}", "GOARCH={{ .Runtime.Goarch }}"} {
			if !slices.Contains(cfg.Env, want) {
				t.Errorf("%s: env lacks %s, so its go run hook builds for the target", path, want)
			}
		}
		// gen-docs exists only in builds tagged gendocs.
		for _, hook := range cfg.Before.Hooks {
			if strings.Contains(hook, "gen-docs") && !strings.Contains(hook, "-tags gendocs") {
				t.Errorf("%s: the hook %q lacks -tags gendocs, so its binary has no gen-docs command", path, hook)
			}
		}
	}
}

var tmplField = regexp.MustCompile(`\{\{\s*\.(Env\.)?(\w+)\s*\}\}`)

// expand applies the few goreleaser template fields the example uses.
func expand(t *testing.T, s string, env, fields map[string]string) string {
	t.Helper()
	out := tmplField.ReplaceAllStringFunc(s, func(m string) string {
		g := tmplField.FindStringSubmatch(m)
		src := fields
		if g[1] != "" {
			src = env
		}
		v, ok := src[g[2]]
		if !ok {
			t.Fatalf("template %s in %q: no value for it", m, s)
		}
		return v
	})
	if strings.Contains(out, "{{") {
		t.Fatalf("unexpanded template in %q", out)
	}
	return out
}

var xFlag = regexp.MustCompile(`-X\s+(\S+)`)

// TestVendorBuild builds a binary with the -X flags of the example vendor
// configuration (only the description is replaced by the example's local
// file, so that serve works offline) and checks that it carries the vendor's
// name everywhere: version, environment variables, config dir, keyring
// service, default profile, tool names; and that login, status, tools and
// serve need no flags.
func TestVendorBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build with")
	}
	raw, err := os.ReadFile("../examples/vendor/.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg vendorConfig
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Builds) != 1 || len(cfg.Before.Hooks) != 1 {
		t.Fatalf("want one build and one before-hook in the example, got %d and %d", len(cfg.Builds), len(cfg.Before.Hooks))
	}
	want := map[string]string{} // the example's values, as the binary must report them
	for _, kv := range cfg.Env {
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("env entry %q is not NAME=value", kv)
		}
		want[name] = value
	}
	spec, err := filepath.Abs("../examples/vendor/acme-openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env := maps.Clone(want)
	env["BRAND_SPEC"] = spec
	fields := map[string]string{"Version": "1.2.3", "FullCommit": "0123456789abcdef", "CommitDate": "2026-11-21T00:00:00Z"}

	b := cfg.Builds[0]
	ldflags := make([]string, 0, len(b.Ldflags))
	for _, l := range b.Ldflags {
		ldflags = append(ldflags, expand(t, l, env, fields))
	}
	// The docs hook must brand its build the same way, or the man pages and
	// completions would name another binary.
	hook := expand(t, cfg.Before.Hooks[0], env, fields)
	for _, m := range xFlag.FindAllStringSubmatch(strings.Join(ldflags, " "), -1) {
		if strings.Contains(m[1], ".commit=") || strings.Contains(m[1], ".date=") {
			continue
		}
		if !strings.Contains(hook, "-X "+m[1]) {
			t.Errorf("the before-hook lacks -X %s", m[1])
		}
	}

	dir := t.TempDir()
	bin := filepath.Join(dir, expand(t, b.Binary, env, fields))
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	// Tagged like the docs hook, so that gen-docs below runs on this binary.
	args := append([]string{"build", "-tags", "gendocs"}, b.Flags...)
	args = append(args, "-ldflags", strings.Join(ldflags, " "), "-o", bin, "."+strings.TrimPrefix(b.Main, "."))
	build := exec.Command(goBin, args...)
	build.Dir = ".."
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}

	cfgDir := filepath.Join(dir, "config")
	otherDir := filepath.Join(dir, "restmcp-config")
	baseEnv := []string{
		"HOME=" + dir,
		"PATH=" + os.Getenv("PATH"),
		"ACME_MCP_CONFIG_DIR=" + cfgDir,
		"RESTMCP_CONFIG_DIR=" + otherDir,
		"RESTMCP_API_KEY=restmcp-key-must-not-be-used",
		// No reachable Secret Service: keyring calls fail at once.
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(dir, "no-bus"),
	}
	run := func(t *testing.T, stdin string, extraEnv []string, args ...string) (string, string, int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c := exec.CommandContext(ctx, bin, args...)
		c.Env = append(slices.Clone(baseEnv), extraEnv...)
		c.Stdin = strings.NewReader(stdin)
		var out, errOut bytes.Buffer
		c.Stdout, c.Stderr = &out, &errOut
		err := c.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%s %v: %v", bin, args, err)
		}
		return out.String(), errOut.String(), code
	}
	const key = "acme-test-key-ABCDEFWXYZ"
	keyEnv := []string{"ACME_MCP_API_KEY=" + key}

	t.Run("version", func(t *testing.T) {
		out, _, code := run(t, "", nil, "version")
		wantOut := "acme-mcp 1.2.3\ncommit: 0123456789abcdef\nbuilt: 2026-11-21T00:00:00Z\n"
		if code != 0 || !strings.HasPrefix(out, wantOut) {
			t.Errorf("exit %d, output:\n%s\nwant it to start with:\n%s", code, out, wantOut)
		}
	})

	t.Run("version --json", func(t *testing.T) {
		out, _, code := run(t, "", nil, "version", "--json")
		var v versionInfo
		if err := json.Unmarshal([]byte(out), &v); err != nil || code != 0 {
			t.Fatalf("exit %d, %v:\n%s", code, err, out)
		}
		if v.Name != "acme-mcp" || v.KeyringService != "acme-mcp" || v.EnvPrefix != "ACME_MCP" || v.ConfigDir != cfgDir {
			t.Errorf("got name %q, keyring service %q, env prefix %q, config dir %q; want acme-mcp, acme-mcp, ACME_MCP, %s",
				v.Name, v.KeyringService, v.EnvPrefix, v.ConfigDir, cfgDir)
		}
		d := v.DefaultProfile
		if d == nil {
			t.Fatal("no default_profile")
		}
		got := []string{d.Name, d.BaseURL, d.AuthHeader, d.Prefix, d.Spec}
		exp := []string{want["BRAND_PROFILE"], want["BRAND_BASE_URL"], want["BRAND_AUTH_HEADER"], want["BRAND_PREFIX"], spec}
		if !slices.Equal(got, exp) || d.AuthScheme == nil || *d.AuthScheme != want["BRAND_AUTH_SCHEME"] {
			t.Errorf("default profile = %+v (scheme %v), want %v and scheme %q", got, d.AuthScheme, exp, want["BRAND_AUTH_SCHEME"])
		}
	})

	t.Run("help shows the vendor's name and profile", func(t *testing.T) {
		for _, cmd := range []string{"login", "serve", "install", "logout"} {
			out, _, code := run(t, "", nil, cmd, "--help")
			if code != 0 || !strings.Contains(out, fmt.Sprintf("(default %q)", want["BRAND_PROFILE"])) || !strings.Contains(out, "acme-mcp "+cmd) {
				t.Errorf("%s --help: exit %d, want the vendor's profile as default and its name:\n%s", cmd, code, out)
			}
		}
	})

	// Every command's help and man page names acme-mcp, never restmcp, and
	// shows the built-in settings as the defaults of the profile flags.
	t.Run("help and man pages of every command", func(t *testing.T) {
		out, _, code := run(t, "", nil, "--help")
		if code != 0 {
			t.Fatalf("--help: exit %d", code)
		}
		_, list, _ := strings.Cut(out, "Available Commands:")
		list, _, _ = strings.Cut(list, "\n\n")
		var cmds []string
		for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
			cmds = append(cmds, strings.Fields(line)[0])
		}
		if len(cmds) < 9 {
			t.Fatalf("found commands %v in:\n%s", cmds, out)
		}
		defaults := []string{
			fmt.Sprintf("(default %q)", want["BRAND_AUTH_SCHEME"]),
			fmt.Sprintf("(default %q)", want["BRAND_AUTH_HEADER"]),
			fmt.Sprintf("(default %q)", want["BRAND_BASE_URL"]),
			fmt.Sprintf("(default %q)", want["BRAND_PREFIX"]),
			fmt.Sprintf("(default %q)", spec),
		}
		for _, c := range append([]string{""}, cmds...) {
			args := []string{"--help"}
			if c != "" {
				args = []string{c, "--help"}
			}
			out, errOut, code := run(t, "", nil, args...)
			if code != 0 || !strings.Contains(out, "acme-mcp") || strings.Contains(strings.ToLower(out+errOut), "restmcp") {
				t.Errorf("%s --help: exit %d, want acme-mcp and never restmcp:\n%s%s", c, code, out, errOut)
			}
			if strings.Contains(out, "--auth-scheme") {
				for _, d := range defaults {
					if !strings.Contains(out, d) {
						t.Errorf("%s --help lacks the built-in default %s:\n%s", c, d, out)
					}
				}
				if strings.Contains(out, "--profile acme") || strings.Contains(out, "--spec http") {
					t.Errorf("%s --help: the examples pass the built-in profile or description:\n%s", c, out)
				}
			}
		}

		docs := filepath.Join(dir, "docs")
		if _, errOut, code := run(t, "", nil, "gen-docs", docs); code != 0 {
			t.Fatalf("gen-docs: exit %d\n%s", code, errOut)
		}
		pages, _ := filepath.Glob(filepath.Join(docs, "man", "*.1"))
		if len(pages) <= len(cmds) {
			t.Errorf("%d man pages for %d commands: %v", len(pages), len(cmds), pages)
		}
		for _, page := range pages {
			b, err := os.ReadFile(page)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(filepath.Base(page), "acme-mcp") || !strings.Contains(string(b), "acme-mcp") ||
				strings.Contains(strings.ToLower(string(b)), "restmcp") {
				t.Errorf("man page %s does not name acme-mcp only", filepath.Base(page))
			}
		}
		call, _ := os.ReadFile(filepath.Join(docs, "man", "acme-mcp-call.1"))
		if !strings.Contains(string(call), "acme_list_projects") {
			t.Errorf("acme-mcp-call.1 lacks an example with the vendor's tool names:\n%s", call)
		}
	})

	t.Run("tools needs no flags", func(t *testing.T) {
		out, errOut, code := run(t, "", nil, "tools", "--json")
		var tools []struct{ Name string }
		if err := json.Unmarshal([]byte(out), &tools); err != nil || code != 0 {
			t.Fatalf("exit %d, %v\n%s%s", code, err, out, errOut)
		}
		var names []string
		for _, tl := range tools {
			names = append(names, tl.Name)
		}
		slices.Sort(names)
		if wantNames := []string{"acme_create_project", "acme_get_project", "acme_list_projects"}; !slices.Equal(names, wantNames) {
			t.Errorf("tools = %v, want %v", names, wantNames)
		}
	})

	t.Run("serve needs no flags", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c := exec.CommandContext(ctx, bin, "serve")
		c.Env = append(slices.Clone(baseEnv), keyEnv...)
		var errOut bytes.Buffer
		c.Stderr = &errOut
		stdin, err := c.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := c.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		// The server answers while stdin stays open; closing it ends serve.
		fmt.Fprintln(stdin, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}`)
		fmt.Fprintln(stdin, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
		fmt.Fprintln(stdin, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
		var msg struct {
			ID     int `json:"id"`
			Result struct {
				ServerInfo struct{ Name string } `json:"serverInfo"`
				Tools      []struct{ Name string }
			}
		}
		var serverName string
		var tools []string
		var out strings.Builder
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			out.Write(sc.Bytes())
			if err := json.Unmarshal(sc.Bytes(), &msg); err != nil {
				t.Fatalf("not JSON on stdout: %v\n%s", err, sc.Bytes())
			}
			if msg.ID == 1 {
				serverName = msg.Result.ServerInfo.Name
			}
			if msg.ID == 2 {
				for _, tl := range msg.Result.Tools {
					tools = append(tools, tl.Name)
				}
				break
			}
		}
		stdin.Close()
		if err := c.Wait(); err != nil {
			t.Errorf("serve: %v\n%s", err, errOut.String())
		}
		slices.Sort(tools)
		if serverName != "acme-mcp" || !slices.Equal(tools, []string{"acme_create_project", "acme_get_project", "acme_list_projects"}) {
			t.Errorf("server %q, tools %v; output:\n%s\nstderr:\n%s", serverName, tools, out.String(), errOut.String())
		}
		if strings.Contains(out.String()+errOut.String(), key) {
			t.Error("serve printed the key")
		}
	})

	// With no keyring to store it in, login still needs no flags: it saves
	// the vendor's profile in the vendor's config dir and names the vendor's
	// keyring service and environment variable.
	t.Run("login needs no flags and names the vendor's keyring service", func(t *testing.T) {
		if runtime.GOOS != "linux" {
			t.Skip("only Linux can be given a keyring that is certainly absent (a D-Bus address that does not exist)")
		}
		_, errOut, code := run(t, key+"\n", nil, "login", "--with-key", "--no-check")
		if code == 0 {
			t.Fatalf("login stored a key with no keyring:\n%s", errOut)
		}
		for _, s := range []string{`service "acme-mcp"`, "ACME_MCP_API_KEY", `Saved profile "acme"`} {
			if !strings.Contains(errOut, s) {
				t.Errorf("login output lacks %q:\n%s", s, errOut)
			}
		}
		saved, err := os.ReadFile(filepath.Join(cfgDir, "profiles.json"))
		if err != nil || !strings.Contains(string(saved), `"acme"`) {
			t.Errorf("profiles.json in the vendor's config dir: %v\n%s", err, saved)
		}
		if strings.Contains(string(saved), spec) {
			t.Errorf("login pinned the built-in description in the profile:\n%s", saved)
		}
		if strings.Contains(string(saved)+errOut, key) {
			t.Error("the key was written or printed")
		}
		if _, err := os.Stat(otherDir); err == nil {
			t.Errorf("acme-mcp wrote into restmcp's config dir %s", otherDir)
		}
	})

	t.Run("status", func(t *testing.T) {
		if runtime.GOOS != "linux" {
			t.Skip("needs the profile the Linux-only login step saves")
		}
		out, errOut, code := run(t, "", keyEnv, "status", "--offline")
		for _, s := range []string{"acme\n", "Description: " + spec, "****WXYZ from ACME_MCP_API_KEY", "Auth:        Authorization: Api-Key <key>"} {
			if !strings.Contains(out, s) {
				t.Errorf("status lacks %q (exit %d):\n%s%s", s, code, out, errOut)
			}
		}
		if code != 0 {
			t.Errorf("status exit %d:\n%s%s", code, out, errOut)
		}
	})

	// Under scripts/with-keyring.sh, a real Secret Service: the key lands
	// under the vendor's service name and nowhere else.
	t.Run("real keyring", func(t *testing.T) {
		if os.Getenv("RESTMCP_TEST_SECRET_SERVICE") != "1" {
			t.Skip("needs a Secret Service: run under scripts/with-keyring.sh")
		}
		realEnv := []string{"DBUS_SESSION_BUS_ADDRESS=" + os.Getenv("DBUS_SESSION_BUS_ADDRESS")}
		_, errOut, code := run(t, key+"\n", realEnv, "login", "--with-key", "--no-check")
		if code != 0 {
			t.Fatalf("login: exit %d\n%s", code, errOut)
		}
		defer run(t, "", realEnv, "logout")
		lookup := func(service string) string {
			out, _ := exec.Command("secret-tool", "lookup", "service", service, "username", "acme").Output()
			return string(out)
		}
		if got := lookup("acme-mcp"); got != key {
			t.Errorf("secret-tool lookup service acme-mcp = %q, want the key", got)
		}
		if got := lookup("restmcp"); got != "" {
			t.Errorf("the key is also under service restmcp")
		}
	})
}
