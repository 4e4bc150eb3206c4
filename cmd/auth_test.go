package cmd

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/log"

	"github.com/restmcp/restmcp/keyring"
)

// authEnv is an isolated world for the login, logout and status tests: a
// temporary config directory, an in-memory keyring and a fake environment.
// It records everything the commands printed.
type authEnv struct {
	t       *testing.T
	dir     string
	env     map[string]string
	kr      *keyring.Memory
	keyring keyring.Store
	// tty makes stdin and stdout terminals; secret is what the hidden
	// prompt reads.
	tty    bool
	secret string

	mu      sync.Mutex
	printed []string
}

func newAuthEnv(t *testing.T) *authEnv {
	t.Helper()
	e := &authEnv{t: t, dir: filepath.Join(t.TempDir(), "config"), kr: keyring.NewMemory()}
	e.env = map[string]string{"RESTMCP_CONFIG_DIR": e.dir}
	e.keyring = keyring.Store{Service: "restmcp", Backend: e.kr}
	return e
}

type result struct {
	out, err string
	code     int
	elapsed  time.Duration
}

// run executes the command line args with stdin and returns what it printed
// and its exit code.
func (e *authEnv) run(stdin string, args ...string) result {
	e.t.Helper()
	var out, errOut bytes.Buffer
	f := &Factory{
		IO: &IOStreams{
			In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut,
			InTTY: e.tty, OutTTY: e.tty,
			ReadSecret: func(context.Context) (string, error) { return e.secret, nil },
		},
		Brand:   Brand{Name: "restmcp"},
		Getenv:  func(k string) string { return e.env[k] },
		Keyring: e.keyring,
		Log:     log.New(&errOut),
	}
	root := NewRootCmd(f)
	root.SetArgs(args)
	start := time.Now()
	code := Execute(context.Background(), f, root)
	r := result{out: out.String(), err: errOut.String(), code: code, elapsed: time.Since(start)}
	e.mu.Lock()
	e.printed = append(e.printed, r.out, r.err)
	e.mu.Unlock()
	return r
}

// storedKey returns the key in the keyring for the profile ("" if none).
func (e *authEnv) storedKey(profileName string) string {
	k, err := e.kr.Get("restmcp", profileName)
	if err != nil {
		return ""
	}
	return k
}

// assertKeyNowhere fails when key appears in anything the commands printed
// or in any file under the config directory.
func (e *authEnv) assertKeyNowhere(key string) {
	e.t.Helper()
	for _, s := range e.printed {
		if strings.Contains(s, key) {
			e.t.Errorf("the key was printed:\n%s", s)
		}
	}
	_ = filepath.WalkDir(e.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, rerr := os.ReadFile(path)
		if rerr != nil {
			e.t.Errorf("reading %s: %v", path, rerr)
			return nil
		}
		if bytes.Contains(b, []byte(key)) {
			e.t.Errorf("the key is in %s", path)
		}
		return nil
	})
}

// fakeAPI is an httptest API that accepts one key, sent as
// "Authorization: Bearer <key>" unless header/scheme say otherwise.
type fakeAPI struct {
	*httptest.Server
	mu   sync.Mutex
	hits []string // "METHOD path"
	// elsewhere is the URL of another origin /elsewhere redirects to.
	elsewhere string
}

func newFakeAPI(t *testing.T, goodKey, header, scheme string) *fakeAPI {
	t.Helper()
	a := &fakeAPI{}
	// elsewhere is another origin that answers 200 to anything and records
	// whether a key reached it.
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.hits = append(a.hits, "ELSEWHERE "+r.URL.RequestURI()+" key="+r.Header.Get(header))
		a.mu.Unlock()
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(elsewhere.Close)
	a.elsewhere = elsewhere.URL
	want := goodKey
	if scheme != "" {
		want = scheme + " " + goodKey
	}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok := r.Header.Get(header) == want
		a.mu.Lock()
		a.hits = append(a.hits, r.Method+" "+r.URL.RequestURI())
		a.mu.Unlock()
		switch {
		case r.URL.Path == "/missing":
			http.NotFound(w, r)
		case r.URL.Path == "/elsewhere":
			http.Redirect(w, r, a.elsewhere+"/steal", http.StatusFound)
		case r.URL.Path == "/public/openapi.yaml" || r.URL.Path == "/private/openapi.yaml" && ok:
			// A description anyone may read, and one only the key may.
			b, err := os.ReadFile("testdata/keycheck-api.yaml")
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			w.Header().Set("Content-Type", "application/yaml")
			_, _ = w.Write(bytes.ReplaceAll(b, []byte("http://127.0.0.1:1/v1"), []byte(a.URL+"/v1")))
		case r.URL.Path == "/login-page":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = io.WriteString(w, "<html><form>Sign in</form></html>")
		case !ok:
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"detail":"Invalid API key."}`)
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"ok":true}`)
		}
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *fakeAPI) requests() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.hits...)
}
