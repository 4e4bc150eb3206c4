package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/log"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
)

const specAuthKey = "sk-spec-0123456789abcdef"

// privateSpec is a description whose calls take the key in the query
// parameter api_key (scheme k).
const privateSpec = `{"openapi": "3.0.3", "info": {"title": "Private", "version": "1"},
 "servers": [{"url": "BASE"}],
 "components": {"securitySchemes": {"k": {"type": "apiKey", "in": "query", "name": "api_key"}}},
 "security": [{"k": []}],
 "paths": {"/items": {"get": {"operationId": "listItems", "responses": {"200": {"description": "OK"}}}}}}`

// keyIn reports where r carries specAuthKey: "header:NAME", "query:NAME",
// "cookie:NAME" or "bearer" for each place it is in.
func keyIn(r *http.Request) []string {
	var at []string
	for name, v := range r.Header {
		if name == "Cookie" {
			continue
		}
		for _, s := range v {
			switch {
			case name == "Authorization" && s == "Bearer "+specAuthKey:
				at = append(at, "bearer")
			case strings.Contains(s, specAuthKey):
				at = append(at, "header:"+name)
			}
		}
	}
	for name, v := range r.URL.Query() {
		for _, s := range v {
			if strings.Contains(s, specAuthKey) {
				at = append(at, "query:"+name)
			}
		}
	}
	for _, c := range r.Cookies() {
		if strings.Contains(c.Value, specAuthKey) {
			at = append(at, "cookie:"+c.Name)
		}
	}
	return at
}

// privateAPI serves privateSpec at /openapi.json only to a request with
// the key in exactly the place want (401 otherwise), and /items to one
// with the key in the query parameter api_key. /moved redirects the
// description to another origin, which records where it received the key.
type privateAPI struct {
	*httptest.Server
	other *httptest.Server
	mu    sync.Mutex
	hits  []string // path and where the key was
}

func newPrivateAPI(t *testing.T, want string) *privateAPI {
	t.Helper()
	want = canonPlace(want)
	s := &privateAPI{}
	s.other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.record("OTHER "+r.URL.Path, r)
		_, _ = io.WriteString(w, strings.ReplaceAll(privateSpec, "BASE", s.URL))
	}))
	t.Cleanup(s.other.Close)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := s.record(r.URL.Path, r)
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, s.other.URL+"/openapi.json", http.StatusFound)
		case "/openapi.json":
			if want != "" && (len(at) != 1 || at[0] != want) {
				http.Error(w, `{"detail":"you sent `+r.URL.RawQuery+`"}`, http.StatusUnauthorized)
				return
			}
			_, _ = io.WriteString(w, strings.ReplaceAll(privateSpec, "BASE", s.URL))
		case "/items":
			if len(at) != 1 || at[0] != "query:api_key" && at[0] != "header:X-Calls-Key" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `[]`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// canonPlace is place as keyIn reports it: a header's name canonical.
func canonPlace(place string) string {
	if name, ok := strings.CutPrefix(place, "header:"); ok {
		return "header:" + http.CanonicalHeaderKey(name)
	}
	return place
}

func (s *privateAPI) record(path string, r *http.Request) []string {
	at := keyIn(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits = append(s.hits, path+" "+strings.Join(at, "+"))
	return at
}

func (s *privateAPI) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.hits, ", ")
}

// specAuthProfile is a profile whose calls would send the key in the
// header X-Calls-Key: the description's own fetch takes it elsewhere only
// as SpecAuth says.
func specAuthProfile(s *privateAPI, spec, specAuth string) profile.Profile {
	empty := ""
	return profile.Profile{Name: "priv", Spec: s.URL + spec, BaseURL: s.URL, AuthHeader: "X-Calls-Key", AuthScheme: &empty, SpecAuth: specAuth}
}

// TestDescriptionFetchedWhereSpecAuthSays checks each place of SpecAuth
// against an API that shows its description only with the key in exactly
// that place: the description loads (for serve, tools and call, and
// again from the cache's revalidation), the key check asks an operation
// as the calls send the key, and a redirect to another origin carries the
// key nowhere.
func TestDescriptionFetchedWhereSpecAuthSays(t *testing.T) {
	for _, place := range []string{"header:X-API-Key", "query:api_key", "cookie:session", "bearer"} {
		t.Run(place, func(t *testing.T) {
			s := newPrivateAPI(t, place)
			a := testApp(t, nil)
			if err := a.Keyring.Set("priv", specAuthKey); err != nil {
				t.Fatal(err)
			}
			p := specAuthProfile(s, "/openapi.json", place)
			ctx := context.Background()
			api, err := a.LoadAPI(ctx, p, a.ProfileCredential(p))
			if err != nil {
				t.Fatalf("LoadAPI: %v\nrequests: %s", err, s.log())
			}
			if len(api.Operations) != 1 {
				t.Fatalf("operations: %d", len(api.Operations))
			}
			// serve, tools and call build the server from it (the
			// second build revalidates the cached copy), and its calls
			// go as the profile says, not as the description's fetch.
			for range 2 {
				srv, err := a.NewServer(ctx, p)
				if err != nil {
					t.Fatalf("NewServer: %v\nrequests: %s", err, s.log())
				}
				if _, err := srv.Call(ctx, "list_items", json.RawMessage(`{}`)); err != nil {
					t.Fatal(err)
				}
			}
			// The compiled description cache holds no key, whatever
			// URL the description was read from.
			_ = filepath.WalkDir(a.Cache.Dir, func(path string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					if b, _ := os.ReadFile(path); bytes.Contains(b, []byte(specAuthKey)) {
						t.Errorf("%s holds the key", path)
					}
				}
				return nil
			})
			if got := s.log(); !strings.Contains(got, "/items header:X-Calls-Key") {
				t.Errorf("the calls did not send the key as the profile says: %s", got)
			}
			// The key check asks an operation, as the calls send the
			// key: the description proves the key, not their way.
			kc, err := a.CheckKey(ctx, p, specAuthKey, 5*time.Second)
			if err != nil || !kc.Accepted || kc.Description || kc.URL != s.URL+"/items" {
				t.Fatalf("CheckKey: %+v, %v\nrequests: %s", kc, err, s.log())
			}
			// Every fetch of the description carried the key in that
			// place alone (the key check's first GET, without a key,
			// aside).
			for _, h := range strings.Split(s.log(), ", ") {
				if strings.HasPrefix(h, "/openapi.json ") && h != "/openapi.json "+canonPlace(place) && h != "/openapi.json " {
					t.Errorf("description fetched with the key in %q", h)
				}
			}
			// A description moved to another origin is read there
			// without the key.
			moved := specAuthProfile(s, "/moved", place)
			if _, err := a.LoadAPI(ctx, moved, a.ProfileCredential(moved)); err != nil {
				t.Fatal(err)
			}
			if log := s.log(); !strings.Contains(log, "OTHER /openapi.json ") || strings.Contains(log, "OTHER /openapi.json "+canonPlace(place)) {
				t.Errorf("requests: %s", log)
			}
			for _, h := range strings.Split(s.log(), ", ") {
				if strings.HasPrefix(h, "OTHER ") && !strings.HasSuffix(h, " ") {
					t.Errorf("the key reached another origin: %s", h)
				}
			}
		})
	}
}

// TestKeyCheckWithSpecAuth checks that a profile whose description takes
// the key in another place than its calls is checked with an operation,
// so that calls that send it wrongly are refused at login, not at the
// first call (the description accepted it); and with the description's
// own URL when no operation can be called without arguments.
func TestKeyCheckWithSpecAuth(t *testing.T) {
	ctx := context.Background()
	t.Run("calls send it wrongly", func(t *testing.T) {
		s := newPrivateAPI(t, "query:api_key")
		a := testApp(t, nil)
		p := specAuthProfile(s, "/openapi.json", "query:api_key")
		p.AuthHeader = "X-Wrong-Key"
		kc, err := a.CheckKey(ctx, p, specAuthKey, 5*time.Second)
		if err != nil || kc.Accepted || !errors.Is(kc.Err, ErrKeyRejected) || kc.Description {
			t.Fatalf("CheckKey: %+v, %v\nrequests: %s", kc, err, s.log())
		}
		if !strings.Contains(s.log(), "/items header:X-Wrong-Key") {
			t.Errorf("requests: %s", s.log())
		}
	})
	t.Run("a key the description refuses", func(t *testing.T) {
		// status reads no description first: the check says the key
		// is rejected, not that the description could not be loaded.
		s := newPrivateAPI(t, "query:api_key")
		a := testApp(t, nil)
		a.Cache = nil
		p := specAuthProfile(s, "/openapi.json", "query:api_key")
		kc, err := a.CheckKey(ctx, p, "sk-wrong-key-000000", 5*time.Second)
		if err != nil || kc.Accepted || !errors.Is(kc.Err, ErrKeyRejected) || !kc.Description {
			t.Fatalf("CheckKey: %+v, %v\nrequests: %s", kc, err, s.log())
		}
	})
	t.Run("no operation to call", func(t *testing.T) {
		var hits []string
		var mu sync.Mutex
		var srv *httptest.Server
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			at := keyIn(r)
			mu.Lock()
			hits = append(hits, r.URL.Path+" "+strings.Join(at, "+"))
			mu.Unlock()
			if r.URL.Path != "/openapi.json" || len(at) != 1 || at[0] != "query:api_key" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			// Its only operation needs an argument.
			spec := strings.ReplaceAll(strings.ReplaceAll(privateSpec, "BASE", srv.URL), `"/items"`, `"/items/{id}"`)
			spec = strings.ReplaceAll(spec, `"operationId": "listItems",`, `"operationId": "getItem", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],`)
			_, _ = io.WriteString(w, spec)
		}))
		t.Cleanup(srv.Close)
		a := testApp(t, nil)
		empty := ""
		p := profile.Profile{Name: "priv", Spec: srv.URL + "/openapi.json", BaseURL: srv.URL, AuthHeader: "X-Calls-Key", AuthScheme: &empty, SpecAuth: "query:api_key"}
		kc, err := a.CheckKey(ctx, p, specAuthKey, 5*time.Second)
		if err != nil || !kc.Accepted || !kc.Description {
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("CheckKey: %+v, %v\nrequests: %s", kc, err, strings.Join(hits, ", "))
		}
		if strings.Contains(kc.URL, specAuthKey) {
			t.Errorf("the check's URL shows the key: %s", kc.URL)
		}
	})
}

// TestSpecAuthNone checks that "none" fetches a description on the API's
// own origin without the key, and does not take that URL to check the
// key with.
func TestSpecAuthNone(t *testing.T) {
	s := newPrivateAPI(t, "")
	a := testApp(t, nil)
	if err := a.Keyring.Set("priv", specAuthKey); err != nil {
		t.Fatal(err)
	}
	p := specAuthProfile(s, "/openapi.json", "none")
	p.AuthHeader, p.AuthScheme = "", nil
	p.Auth = &profile.Auth{Scheme: "k", Kind: profile.AuthAPIKey, In: "query", Name: "api_key"}
	ctx := context.Background()
	if _, err := a.LoadAPI(ctx, p, a.ProfileCredential(p)); err != nil {
		t.Fatal(err)
	}
	kc, err := a.CheckKey(ctx, p, specAuthKey, 5*time.Second)
	if err != nil || !kc.Accepted || kc.Description {
		t.Fatalf("CheckKey: %+v, %v", kc, err)
	}
	if got := s.log(); got != "/openapi.json , /openapi.json , /items query:api_key" {
		t.Errorf("requests: %s", got)
	}
}

// TestSpecKeyRefusedIsRedacted checks that a description that refuses
// the key sent in its query says so without the key (the answer and the
// URL hold it) and names --spec-auth; and that without SpecAuth, the
// refusal names the flag as the fix.
func TestSpecKeyRefusedIsRedacted(t *testing.T) {
	s := newPrivateAPI(t, "header:X-Other")
	var logged bytes.Buffer
	a := testApp(t, nil)
	a.Log = log.New(&logged)
	a.Cache = nil // no saved copy stands in
	if err := a.Keyring.Set("priv", specAuthKey); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		specAuth string
		want     []string
	}{
		{"query:api_key", []string{"HTTP 401", "the API refused the key", "the query parameter api_key=<key>", "--spec-auth"}},
		{"", []string{"HTTP 401", "X-Calls-Key: <key>", "--spec-auth header:NAME, query:NAME, cookie:NAME"}},
	} {
		p := specAuthProfile(s, "/openapi.json?v=2", tt.specAuth)
		_, err := a.LoadAPI(context.Background(), p, a.ProfileCredential(p))
		if !errors.Is(err, client.ErrKeyRefused) {
			t.Fatalf("spec auth %q: %v", tt.specAuth, err)
		}
		msg := err.Error()
		for _, w := range tt.want {
			if !strings.Contains(msg, w) {
				t.Errorf("spec auth %q: error lacks %q: %s", tt.specAuth, w, msg)
			}
		}
		if strings.Contains(msg, specAuthKey) || strings.Contains(logged.String(), specAuthKey) {
			t.Errorf("the key is shown: %s\n%s", msg, logged.String())
		}
	}
	if !strings.Contains(s.log(), "/openapi.json query:api_key") {
		t.Errorf("the key did not go in the query: %s", s.log())
	}
}

// TestDescriptionCredential checks what each SpecAuth makes of the
// profile's credential, and how it is shown.
func TestDescriptionCredential(t *testing.T) {
	keys := client.StaticKey(keyPlaceholder)
	calls := client.QueryKey{Name: "api_key", Key: keys}
	for _, tt := range []struct {
		specAuth string
		want     string
	}{
		{"", "the query parameter api_key=<key>"},
		{"bearer", "Authorization: Bearer <key>"},
		{"header:X-API-Key", "X-Api-Key: <key>"},
		{"query:token", "the query parameter token=<key>"},
		{"cookie:sid", "the cookie sid=<key>"},
		{"none", ""},
	} {
		p := profile.Profile{SpecAuth: tt.specAuth, Auth: &profile.Auth{Kind: profile.AuthAPIKey, In: "query", Name: "api_key"}}
		if got := DescriptionSentAs(p); got != tt.want {
			t.Errorf("%q: shown as %q, want %q", tt.specAuth, got, tt.want)
		}
		c := DescriptionCredential(p, calls)
		if (c == nil) != (tt.specAuth == "none") {
			t.Errorf("%q: credential %#v", tt.specAuth, c)
		}
		if c != nil && sentAs(c) != tt.want {
			t.Errorf("%q: sends %q, want %q", tt.specAuth, sentAs(c), tt.want)
		}
	}
	if c := DescriptionCredential(profile.Profile{SpecAuth: "header:X-Key"}, nil); c != nil {
		t.Errorf("no credential became %#v", c)
	}
}
