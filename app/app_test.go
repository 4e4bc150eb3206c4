package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/log"

	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/profile"
)

// testApp is an App over an in-memory keyring, a temporary config dir and
// the environment env.
func testApp(t testing.TB, env map[string]string) *App {
	t.Helper()
	dir := t.TempDir()
	return &App{
		Name:      "restmcp",
		Version:   "1.2.3",
		KeyEnv:    "RESTMCP_API_KEY",
		Getenv:    func(k string) string { return env[k] },
		Keyring:   keyring.Store{Service: "restmcp", Backend: keyring.NewMemory()},
		ConfigDir: func() (string, error) { return dir, nil },
		Log:       log.New(io.Discard),
		Cache:     &Cache{Dir: filepath.Join(dir, "cache"), Stamp: "test", Log: log.New(io.Discard)},
	}
}

// A server is built from an App and a profile, without the command line,
// and its calls carry the key from the keyring to the API only.
func TestNewServerFromProfile(t *testing.T) {
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Api-Key")+" "+r.UserAgent())
		mu.Unlock()
		if r.URL.Path == "/openapi.yaml" {
			_, _ = w.Write(spec)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"count": 0, "results": []}`)
	}))
	defer api.Close()

	a := testApp(t, nil)
	if err := a.Keyring.Set("acme", "sk-app-0123456789"); err != nil {
		t.Fatal(err)
	}
	empty := ""
	p := profile.Profile{Name: "acme", Spec: "HTTP://" + strings.TrimPrefix(api.URL, "http://") + "/openapi.yaml",
		BaseURL: api.URL + "/api", AuthHeader: "X-Api-Key", AuthScheme: &empty}
	srv, err := a.NewServer(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := srv.Call(context.Background(), "list_notes", json.RawMessage(`{}`))
	if err != nil || res.IsError {
		t.Fatalf("call: %v %+v", err, res)
	}
	want := []string{
		"GET /openapi.yaml sk-app-0123456789 restmcp/1.2.3",
		"GET /api/notes/ sk-app-0123456789 restmcp/1.2.3",
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
	// A description fetched by URL, in any letter case, is kept for
	// offline starts.
	if e, err := a.Cache.latest("acme", p.Spec); err != nil {
		t.Errorf("no saved copy of the description: %v", err)
	} else {
		e.close()
	}
}

func fileExists(path string) bool { _, err := os.Stat(path); return err == nil }
