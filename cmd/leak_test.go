package cmd

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// leakKey is recognisable, and has characters JSON and URLs escape.
const leakKey = "sk-LEAK&<probe>/0123456789+xyz"

// leakForms are the forms of leakKey an answer may carry.
func leakForms() map[string]string {
	j, _ := json.Marshal(leakKey)
	return map[string]string{
		"raw":    leakKey,
		"json":   strings.Trim(string(j), `"`),
		"query":  url.QueryEscape(leakKey),
		"path":   url.PathEscape(leakKey),
		"base64": base64.StdEncoding.EncodeToString([]byte(leakKey)),
		"basic":  base64.StdEncoding.EncodeToString([]byte("user:" + leakKey)),
	}
}

// An API that echoes the key, in every form, in bodies and headers.
func newEchoAPI(t *testing.T) *httptest.Server {
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/schema/" {
			w.Header().Set("Content-Type", "application/yaml")
			w.Write(spec)
			return
		}
		echo := map[string]string{}
		for name, f := range leakForms() {
			echo[name] = f
			w.Header().Add("X-Echo-"+name, f)
		}
		w.Header().Set("Location", "/api/notes/1/?token="+url.QueryEscape(leakKey))
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(map[string]any{"id": 1, "title": "t", "echo": echo,
			"html": "<b>" + leakKey[:9] + "</b>" + leakKey[9:], "auth": r.Header.Get("Authorization")})
		switch {
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusForbidden)
		case r.Method == http.MethodPost:
			w.WriteHeader(http.StatusCreated)
		}
		w.Write(b)
	}))
}

// Across every command and a whole MCP session through the built binary,
// the key appears in no form in stdout, stderr, the config dir, the cache
// dir, the audit log or a tool result.
func TestKeyNeverLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "restmcp")
	if out, err := exec.Command("go", "build", "-o", bin, "./restmcp").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	api := newEchoAPI(t)
	defer api.Close()
	config, cache, home := filepath.Join(dir, "config"), filepath.Join(dir, "cache"), filepath.Join(dir, "home")
	audit := filepath.Join(dir, "audit.jsonl")
	env := append(os.Environ(), "RESTMCP_CONFIG_DIR="+config, "XDG_CACHE_HOME="+cache, "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "DBUS_SESSION_BUS_ADDRESS=disabled:", "RESTMCP_API_KEY="+leakKey)
	var seen bytes.Buffer
	exe := func(stdin string, args ...string) {
		c := exec.Command(bin, args...)
		c.Env, c.Stdin = env, strings.NewReader(stdin)
		var out, errOut bytes.Buffer
		c.Stdout, c.Stderr = &out, &errOut
		_ = c.Run()
		fmt.Fprintf(&seen, "$ %s\n%s%s", strings.Join(args, " "), out.String(), errOut.String())
	}
	prof := []string{"--profile", "leak", "--spec", api.URL + "/schema/", "--base-url", api.URL + "/api", "--audit-log", audit}
	exe(leakKey+"\n", append([]string{"login", "--with-key", "--no-check"}, prof...)...)
	exe("", append([]string{"tools", "--json"}, prof...)...)
	exe("", "status", "--offline")
	exe("", "status", "--json")
	for _, call := range [][]string{{"list_notes", "--arg", "search=x"}, {"get_note", "--arg", "id=1"}, {"create_note", "--json", `{"title":"t"}`}, {"delete_note", "--arg", "id=1"}} {
		exe("", append(append([]string{"call"}, call...), prof...)...)
		exe("", append(append([]string{"call", "--raw"}, call...), prof...)...)
	}
	session := []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_note","arguments":{"id":1}}}`,
		`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"create_note","arguments":{"title":"x"}}}`,
		`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"delete_note","arguments":{"id":1}}}`,
	}
	// The session's input stays open until the last call is answered.
	pr, pw := io.Pipe()
	srv := exec.Command(bin, append([]string{"serve"}, prof...)...)
	var sout syncBuffer
	var serr bytes.Buffer
	srv.Env, srv.Stdin, srv.Stdout, srv.Stderr = env, pr, &sout, &serr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(pw, strings.Join(session, "\n")+"\n")
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(sout.String(), `"id":6`) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	_ = pw.Close()
	_ = srv.Wait()
	fmt.Fprintf(&seen, "$ serve\n%s%s", sout.String(), serr.String())
	exe("", "logout", "--profile", "leak", "--all")

	if !strings.Contains(seen.String(), `"id":6`) || !strings.Contains(seen.String(), "[REDACTED]") {
		t.Fatalf("the session did not run, or nothing was echoed:\n%s", seen.String())
	}
	var files bytes.Buffer
	for _, root := range []string{config, cache, home, audit} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if b, err := os.ReadFile(p); err == nil {
					fmt.Fprintf(&files, "== %s\n%s\n", p, b)
				}
			}
			return nil
		})
	}
	for name, form := range leakForms() {
		for what, text := range map[string]string{"output": seen.String(), "files": files.String()} {
			if i := strings.Index(text, form); i >= 0 {
				t.Errorf("the key's %s form is in the %s: …%s…", name, what, text[max(0, i-200):min(len(text), i+len(form)+50)])
			}
		}
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
