package cmd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/restmcp/restmcp/keyring"
)

// A key saved with its scheme in front ("Bearer sk-…") is sent once
// prefixed, when the description is fetched as when tools are called.
func TestDescriptionFetchSendsKeyAsCallsDo(t *testing.T) {
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const want = "Bearer sk-test-0123456789"
	var got []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("Authorization"))
		mu.Unlock()
		if r.Header.Get("Authorization") != want {
			http.Error(w, `{"detail":"Authentication credentials were not provided."}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.oai.openapi")
		w.Write(spec)
	}))
	defer srv.Close()
	for _, key := range []string{"sk-test-0123456789", want, want + "\n"} {
		f, _, errOut := testFactory(t, map[string]string{"RESTMCP_API_KEY": key})
		if code := run(t, f, "tools", "--spec", srv.URL+"/schema/", "--base-url", srv.URL+"/api", "--json"); code != 0 {
			mu.Lock()
			t.Errorf("key %q: exit %d (the API saw %q): %s", key, code, got, errOut)
			mu.Unlock()
		}
	}
}

// A call whose description is on the API's origin reads the keyring once:
// the description and the call share the key.
func TestDescriptionAndCallReadKeyringOnce(t *testing.T) {
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.URL.Path+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		if r.URL.Path == "/schema/" {
			w.Header().Set("Content-Type", "application/vnd.oai.openapi")
			w.Write(spec)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"count": 0, "results": []}`))
	}))
	defer srv.Close()
	f, _, errOut := testFactory(t, nil)
	cb := keyring.NewMemory()
	if err := cb.Set("restmcp", "default", goodKey); err != nil {
		t.Fatal(err)
	}
	f.Keyring.Backend = cb
	if code := run(t, f, "call", "list_notes", "--spec", srv.URL+"/schema/", "--base-url", srv.URL+"/api"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"/schema/ Bearer " + goodKey, "/api/notes/ Bearer " + goodKey}
	if strings.Join(auth, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(auth, "\n"), strings.Join(want, "\n"))
	}
	if n := cb.Gets(); n != 1 {
		t.Errorf("%d keyring reads, want 1", n)
	}
}

// An API that describes itself only to authenticated callers (an empty
// "paths" without the key): without a usable key, the copy saved at login
// is served and calls say which login to run, or, for a key from
// RESTMCP_API_KEY (nothing stored), to correct that variable; without a
// copy, the error says why the description is empty.
func TestDescriptionOnlyForAuthenticatedCallers(t *testing.T) {
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path != "/schema/":
			http.Error(w, `{"detail":"Invalid token."}`, http.StatusUnauthorized)
		case r.Header.Get("Authorization") == "Bearer sk-good-0123456789":
			w.Header().Set("Content-Type", "application/vnd.oai.openapi")
			w.Write(spec)
		default:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"openapi":"3.0.3","info":{"title":"Notes","version":"1"},"paths":{}}`)
		}
	}))
	defer srv.Close()
	args := []string{"--spec", srv.URL + "/schema/", "--base-url", srv.URL + "/api"}
	env := map[string]string{"RESTMCP_API_KEY": "sk-good-0123456789"}
	f, out, errOut := testFactory(t, env)
	if code := run(t, f, append([]string{"tools"}, args...)...); code != 0 || !strings.Contains(out.String(), "list_notes") {
		t.Fatalf("with the key: exit %d: %s%s", code, out, errOut)
	}
	for key, fix := range map[string]string{"": "restmcp login", "sk-revoked-0123456789": "the key from RESTMCP_API_KEY: correct that variable"} {
		env["RESTMCP_API_KEY"] = key
		out.Reset()
		errOut.Reset()
		if code := run(t, f, append([]string{"tools"}, args...)...); code != 0 || !strings.Contains(out.String(), "list_notes") {
			t.Errorf("key %q: tools exit %d, want the saved copy's tools: %s%s", key, code, out, errOut)
		}
		out.Reset()
		errOut.Reset()
		run(t, f, append([]string{"call", "list_notes"}, args...)...)
		if !strings.Contains(out.String()+errOut.String(), fix) {
			t.Errorf("key %q: call does not say %q: %s%s", key, fix, out, errOut)
		}
	}
	f, out, errOut = testFactory(t, map[string]string{})
	if code := run(t, f, append([]string{"tools"}, args...)...); code == 0 || !strings.Contains(errOut.String(), "authenticated callers") {
		t.Errorf("without a saved copy: exit %d: %s%s", code, out, errOut)
	}
}
