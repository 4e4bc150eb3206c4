package app

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
)

// trackerDescription is a description as Django REST Framework serves
// it: its operations under /api/, no servers.
const trackerDescription = `{"openapi":"3.0.3","info":{"title":"tracker","version":"1"},"paths":{
"/api/projects/":{"get":{"operationId":"list_projects","responses":{"200":{"description":"ok"}}}},
"/api/projects/{id}/":{"get":{"operationId":"retrieve_project","parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer"}}],"responses":{"200":{"description":"ok"}}}}}}`

// trackerAPI serves trackerDescription at /api/schema/ and the projects
// at /api/projects/, both only to `Authorization: Api-Key <key>` (403
// otherwise), and 404 for any other path. It records each request as
// "PATH key" or "PATH -" (without the key).
func trackerAPI(t *testing.T, key string) (*httptest.Server, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		mu.Lock()
		if auth == "" {
			seen = append(seen, r.URL.Path+" -")
		} else {
			seen = append(seen, r.URL.Path+" key")
		}
		mu.Unlock()
		if r.URL.Path != "/api/schema/" && r.URL.Path != "/api/projects/" {
			http.NotFound(w, r)
			return
		}
		if auth != "Api-Key "+key {
			http.Error(w, `{"detail":"Authentication credentials were not provided."}`, http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/api/schema/" {
			_, _ = w.Write([]byte(trackerDescription))
			return
		}
		_, _ = w.Write([]byte(`[]`))
	}))
	t.Cleanup(ts.Close)
	return ts, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

// A base URL whose path does not lead to the API's operations is caught
// by the key check, whether the description is the API's own URL (which
// answers with the key wherever the base URL points) or a file: the check
// asks an operation where the calls go, and its 404 names that base URL.
func TestCheckKeyCatchesABaseURLThatMissesTheOperations(t *testing.T) {
	const key = "sk-tracker-0123456789"
	ts, seen := trackerAPI(t, key)
	file := filepath.Join(t.TempDir(), "tracker.json")
	if err := os.WriteFile(file, []byte(trackerDescription), 0o600); err != nil {
		t.Fatal(err)
	}
	word := "Api-Key"
	for _, tc := range []struct {
		name, spec, base, checkPath string
		accepted                    bool
		url                         string
		wantErr                     []string
		requests                    []string
	}{
		{
			name: "description URL, right base URL", spec: ts.URL + "/api/schema/", base: ts.URL,
			accepted: true, url: ts.URL + "/api/projects/",
			requests: []string{"/api/schema/ key", "/api/projects/ key"},
		},
		{
			name: "description URL, mistyped base URL", spec: ts.URL + "/api/schema/", base: ts.URL + "/apii",
			url: ts.URL + "/apii/api/projects/",
			wantErr: []string{"GET " + ts.URL + "/apii/api/projects/ answered 404 Not Found",
				"most likely the base URL " + ts.URL + "/apii does not lead to the API's operations"},
			requests: []string{"/api/schema/ key", "/apii/api/projects/ key"},
		},
		{
			name: "description file, mistyped base URL", spec: file, base: ts.URL + "/apii",
			url: ts.URL + "/apii/api/projects/",
			wantErr: []string{"GET " + ts.URL + "/apii/api/projects/ answered 404 Not Found",
				"most likely the base URL " + ts.URL + "/apii does not lead to the API's operations"},
			requests: []string{"/apii/api/projects/ key"},
		},
		{
			name: "check path that is not there", spec: file, base: ts.URL, checkPath: "/api/me/",
			url:      ts.URL + "/api/me/",
			wantErr:  []string{"answered 404 Not Found", "the check path, or the base URL " + ts.URL + " it is put under, is likely wrong"},
			requests: []string{"/api/me/ key"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(seen())
			p := profile.Profile{Name: "tracker", Spec: tc.spec, BaseURL: tc.base, AuthScheme: &word, CheckPath: tc.checkPath}
			kc, err := testApp(t, nil).CheckKey(context.Background(), p, key, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if kc.Accepted != tc.accepted || kc.URL != tc.url || kc.Description {
				t.Errorf("key check: %+v; want accepted=%v on %s, an operation", kc, tc.accepted, tc.url)
			}
			if tc.wantErr != nil && (kc.Err == nil || kc.Status != http.StatusNotFound) {
				t.Fatalf("key check: %+v; want a 404", kc)
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(kc.Err.Error(), s) {
					t.Errorf("error %q lacks %q", kc.Err, s)
				}
			}
			if got := seen()[before:]; strings.Join(got, ",") != strings.Join(tc.requests, ",") {
				t.Errorf("requests %q, want %q", got, tc.requests)
			}
		})
	}
}

// A key the description on the API's origin refuses is reported rejected
// by the description's URL, as it was sent there, in as many requests as
// asking the description alone would take: the reading that refused it,
// then the check, without asking again without the key.
func TestCheckKeyRefusedByTheDescription(t *testing.T) {
	ts, seen := trackerAPI(t, "sk-tracker-0123456789")
	word := "Api-Key"
	p := profile.Profile{Name: "tracker", Spec: ts.URL + "/api/schema/", BaseURL: ts.URL + "/apii", AuthScheme: &word}
	kc, err := testApp(t, nil).CheckKey(context.Background(), p, "sk-tracker-wrongwrong", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(kc.Err, ErrKeyRejected) || !kc.Description || kc.Status != http.StatusForbidden || kc.URL != ts.URL+"/api/schema/" {
		t.Errorf("key check: %+v; want rejected by the description's URL", kc)
	}
	if got, want := seen(), []string{"/api/schema/ key", "/api/schema/ key"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("requests %q, want %q", got, want)
	}
}

// A description on the API's own address that gives no answer is said to
// be out of reach, the network and the address to check: not a
// description to fix, nor a verdict on the key.
func TestCheckKeyDescriptionOnTheAPIsAddressUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close() // no answer
		}
	}()
	u := "http://" + ln.Addr().String()
	p := profile.Profile{Name: "acme", Spec: u + "/openapi.json", BaseURL: u}
	kc, err := testApp(t, nil).CheckKey(context.Background(), p, "sk-acme-0123456789", 5*time.Second)
	var se *CheckSetupError
	if !errors.As(err, &se) || se.Fix != FixUnreachable || !strings.Contains(err.Error(), "the API description at "+u+"/openapi.json cannot be reached") {
		t.Fatalf("key check: %+v, %v; want the description out of reach", kc, err)
	}
}

// A base URL that leads to a web site serving every path as a page is
// named by the key check: the operation answered HTML, not the API's JSON.
func TestCheckKeyOnAWebSiteNamesTheBaseURL(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!doctype html><title>Acme</title><p>Welcome"))
	}))
	t.Cleanup(site.Close)
	file := filepath.Join(t.TempDir(), "tracker.json")
	if err := os.WriteFile(file, []byte(trackerDescription), 0o600); err != nil {
		t.Fatal(err)
	}
	word := "Api-Key"
	p := profile.Profile{Name: "tracker", Spec: file, BaseURL: site.URL, AuthScheme: &word}
	kc, err := testApp(t, nil).CheckKey(context.Background(), p, "sk-tracker-0123456789", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if kc.Accepted || kc.Err == nil {
		t.Fatalf("key check: %+v; want an HTML page refused", kc)
	}
	for _, s := range []string{"GET " + site.URL + "/api/projects/ answered with an HTML page", "a web site at the base URL " + site.URL} {
		if !strings.Contains(kc.Err.Error(), s) {
			t.Errorf("error %q lacks %q", kc.Err, s)
		}
	}
}

// writesDescription is a description with no GET that takes no
// arguments (its operations create, or need an ID), served on the API's
// origin to the key only, its server SERVER; ADMIN is where an operation
// of another scheme may go.
const writesDescription = `{"openapi":"3.0.3","info":{"title":"writes","version":"1"},"servers":[{"url":"SERVER"}],
"security":[{"keyAuth":[]}],
"components":{"securitySchemes":{"keyAuth":{"type":"apiKey","in":"header","name":"X-Api-Key"},"adminAuth":{"type":"http","scheme":"basic"}}},
"paths":{ADMIN
"/things":{"post":{"operationId":"create_thing","responses":{"201":{"description":"ok"}}}},
"/things/{id}":{"get":{"operationId":"get_thing","parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"ok"}}}}}}`

// A key the description's own URL accepts (no GET operation can check it)
// says nothing of the base URL the calls go to. A base URL the
// description's servers do not name is asked once more, itself: a 404
// there is said beside the accepted key, not taken for a refusal (an API
// may answer 404 everywhere but at its operations); a base URL they name
// is not asked. When the description has a GET without arguments of
// another scheme, that real operation is asked instead, and its 404 is
// the check's verdict, as an operation's is.
func TestCheckKeyOnTheDescriptionAsksTheBaseURL(t *testing.T) {
	const key = "sk-writes-0123456789"
	var mu sync.Mutex
	var seen []string
	admin, server := "", ""
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Api-Key") == key {
			seen = append(seen, r.URL.Path+" key")
		} else {
			seen = append(seen, r.URL.Path+" -")
		}
		switch {
		case r.URL.Path == "/openapi.json" && r.Header.Get("X-Api-Key") != key:
			http.Error(w, "no key", http.StatusUnauthorized)
		case r.URL.Path == "/openapi.json":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, strings.NewReplacer("ADMIN", admin, "SERVER", server).Replace(writesDescription))
		case r.URL.Path == "/v2":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"version":2}`)
		case r.URL.Path == "/api/admin/stats" || r.URL.Path == "/v2/api/admin/stats":
			w.WriteHeader(http.StatusUnauthorized)
		default:
			// Nothing but the operations, and not at /api itself.
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	const adminOp = `"/admin/stats":{"get":{"operationId":"stats","security":[{"adminAuth":[]}],"responses":{"200":{"description":"ok"}}}},`
	spec := []string{"/openapi.json key", "/openapi.json -", "/openapi.json key"}
	for _, tc := range []struct {
		name, admin, server, base string
		// doubt is the URL said to answer 404 beside the accepted key.
		doubt string
		// refused is the operation whose 404 is the verdict.
		refused  string
		requests []string
	}{
		{name: "the description's server", base: ts.URL + "/api", requests: spec},
		{name: "the description's server, a trailing slash", base: ts.URL + "/api/", requests: spec},
		{name: "the path of the description's server on another host", server: "https://api.example.com/api", base: ts.URL + "/api", requests: spec},
		{name: "a mistyped path", base: ts.URL + "/apx", doubt: ts.URL + "/apx", requests: append(spec, "/apx key")},
		{name: "another path that answers", base: ts.URL + "/v2", requests: append(spec, "/v2 key")},
		{name: "a mistyped path, a GET of another scheme", admin: adminOp, base: ts.URL + "/apx",
			refused: ts.URL + "/apx/admin/stats", requests: append(spec, "/apx/admin/stats key")},
		{name: "another path, a GET of another scheme that is there", admin: adminOp, base: ts.URL + "/v2/api",
			requests: append(spec, "/v2/api/admin/stats key")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			admin, server, seen = tc.admin, cmp.Or(tc.server, "/api"), nil
			mu.Unlock()
			p := profile.Profile{Name: "writes", Spec: ts.URL + "/openapi.json", BaseURL: tc.base,
				Auth: &profile.Auth{Scheme: "keyAuth", Kind: profile.AuthAPIKey, In: "header", Name: "X-Api-Key"}}
			kc, err := testApp(t, nil).CheckKey(context.Background(), p, key, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.refused != "":
				if kc.Accepted || kc.Description || kc.Status != http.StatusNotFound || kc.URL != tc.refused || kc.Err == nil ||
					!strings.Contains(kc.Err.Error(), "most likely the base URL "+client.ShowURL(tc.base)+" does not lead to the API's operations") {
					t.Errorf("key check: %+v; want the 404 of %s", kc, tc.refused)
				}
			case !kc.Accepted || !kc.Description || kc.URL != ts.URL+"/openapi.json":
				t.Errorf("key check: %+v; want accepted by the description's URL", kc)
			case tc.doubt == "" && kc.BaseDoubt != nil:
				t.Errorf("base URL in doubt: %v", kc.BaseDoubt)
			case tc.doubt != "" && (kc.BaseDoubt == nil || !strings.Contains(kc.BaseDoubt.Error(), "GET "+tc.doubt+" answered 404 Not Found")):
				t.Errorf("base URL doubt %v; want the 404 of %s", kc.BaseDoubt, tc.doubt)
			}
			mu.Lock()
			defer mu.Unlock()
			if tc.requests != nil && strings.Join(seen, ",") != strings.Join(tc.requests, ",") {
				t.Errorf("requests %q, want %q", seen, tc.requests)
			}
		})
	}
}

// A description URL elsewhere than the API that gives no answer does not
// stop login: the copy saved when it last answered picks the request that
// checks the key, which goes to the API as usual.
func TestCheckKeyUsesTheSavedCopyWhenTheDescriptionIsOutOfReach(t *testing.T) {
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	docs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(spec) }))
	const key = "sk-notes-0123456789"
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != key {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"count": 0, "results": []}`)
	}))
	t.Cleanup(api.Close)
	a := testApp(t, nil)
	empty := ""
	p := profile.Profile{Name: "acme", Spec: docs.URL + "/openapi.yaml", BaseURL: api.URL + "/api", AuthHeader: "X-Api-Key", AuthScheme: &empty}
	if _, err := a.NewServer(context.Background(), p); err != nil { // reads and saves the description
		t.Fatal(err)
	}
	docs.Close()
	kc, err := a.CheckKey(context.Background(), p, key, 5*time.Second)
	if err != nil {
		t.Fatalf("key check with the description out of reach: %v", err)
	}
	if !kc.Accepted || kc.URL != api.URL+"/api/notes/" {
		t.Errorf("key check: %+v; want accepted by GET /api/notes/", kc)
	}
}
