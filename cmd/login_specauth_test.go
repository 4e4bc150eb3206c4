package cmd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/restmcp/restmcp/profile"
)

// TestLoginSpecAuth logs in to an API that shows its description only
// with the key in X-API-Key, and takes it in the query parameter api_key
// for calls: --scheme alone cannot read the description and says to use
// --spec-auth; with it, login checks the key with an operation, as calls
// send it, and saves where the description takes it, which call and status
// then use.
func TestLoginSpecAuth(t *testing.T) {
	var mu sync.Mutex
	var hits []string
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits = append(hits, r.URL.Path+" header="+r.Header.Get("X-Api-Key")+" auth="+r.Header.Get("Authorization")+" query="+r.URL.Query().Get("api_key"))
		mu.Unlock()
		switch r.URL.Path {
		case "/openapi.json":
			if r.Header.Get("X-Api-Key") != goodKey || r.URL.RawQuery != "" || r.Header.Get("Authorization") != "" {
				http.Error(w, `{"detail":"Invalid API key."}`, http.StatusUnauthorized)
				return
			}
			_, _ = io.WriteString(w, strings.ReplaceAll(`{"openapi": "3.0.3", "info": {"title": "Private", "version": "1"},
 "servers": [{"url": "BASE"}],
 "components": {"securitySchemes": {
   "k": {"type": "apiKey", "in": "query", "name": "api_key"},
   "t": {"type": "http", "scheme": "bearer"}}},
 "security": [{"k": []}, {"t": []}],
 "paths": {"/items": {"get": {"operationId": "listItems", "responses": {"200": {"description": "OK"}}}}}}`, "BASE", srv.URL))
		case "/items":
			if r.URL.Query().Get("api_key") != goodKey {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `[{"id": 1}]`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	requests := func() string {
		mu.Lock()
		defer mu.Unlock()
		s := strings.Join(hits, "\n")
		hits = nil
		return s
	}
	e := newAuthEnv(t)
	login := []string{"login", "-p", "priv", "--spec", srv.URL + "/openapi.json", "--base-url", srv.URL, "--scheme", "k", "--with-key"}

	r := e.run(goodKey, login...)
	if r.code != 1 || !strings.Contains(r.err, "sent as `Authorization: Bearer <key>`") || !strings.Contains(r.err, "--spec-auth header:NAME, query:NAME, cookie:NAME") ||
		!strings.Contains(r.err, "nothing was stored") {
		t.Fatalf("login without --spec-auth: exit %d, stderr:\n%s", r.code, r.err)
	}
	if _, err := (profile.Store{Dir: e.dir}).Get("priv"); err == nil || e.storedKey("priv") != "" {
		t.Fatalf("saved after a refused description: %v, key %q", err, e.storedKey("priv"))
	}
	requests()

	r = e.run(goodKey, append(login, "--spec-auth", "header:X-API-Key")...)
	if r.code != 0 {
		t.Fatalf("login --spec-auth: exit %d, stderr:\n%s\nrequests:\n%s", r.code, r.err, requests())
	}
	for _, want := range []string{"Using scheme k", "accepted the key (GET " + srv.URL + "/items: 200)"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("login stderr lacks %q:\n%s", want, r.err)
		}
	}
	p, err := profile.Store{Dir: e.dir}.Get("priv")
	if err != nil || p.SpecAuth != "header:X-API-Key" || p.Auth == nil || p.Auth.Scheme != "k" || p.Auth.In != "query" {
		t.Fatalf("saved %+v (auth %+v), %v", p, p.Auth, err)
	}
	if e.storedKey("priv") != goodKey {
		t.Fatalf("key not stored")
	}
	// The description's URL never had the key in the query or in
	// Authorization.
	for _, h := range strings.Split(requests(), "\n") {
		if strings.HasPrefix(h, "/openapi.json") && !strings.HasSuffix(h, " auth= query=") {
			t.Errorf("description fetched with the key elsewhere: %s", h)
		}
	}

	// call reads the description as the profile says, and calls as the
	// scheme says.
	r = e.run("", "call", "list_items", "-p", "priv", "--no-cache")
	if r.code != 0 || !strings.Contains(r.out, `"id":1`) {
		t.Fatalf("call: exit %d\nout: %s\nerr: %s\nrequests:\n%s", r.code, r.out, r.err, requests())
	}
	got := requests()
	if !strings.Contains(got, "/openapi.json header="+goodKey+" auth= query=\n") || !strings.Contains(got, "/items header= auth= query="+goodKey) {
		t.Errorf("call requests:\n%s", got)
	}
	// status checks the key as the calls send it.
	r = e.run("", "status", "-p", "priv")
	if r.code != 0 || !strings.Contains(r.out, "/openapi.json (read with the key as `X-Api-Key: <key>`)") ||
		!strings.Contains(r.out, "accepts the key (GET "+srv.URL+"/items: 200)") {
		t.Errorf("status: exit %d\nout: %s\nerr: %s", r.code, r.out, r.err)
	}

	// A key the description refuses where --spec-auth puts it: said, and
	// the stored key kept.
	r = e.run(badKey, login...)
	if r.code != 1 || !strings.Contains(r.err, "sent as `X-Api-Key: <key>`") || !strings.Contains(r.err, "where the description takes it (--spec-auth") {
		t.Errorf("bad key: exit %d, stderr:\n%s", r.code, r.err)
	}
	if e.storedKey("priv") != goodKey {
		t.Errorf("the stored key changed")
	}
	e.assertKeyNowhere(goodKey)
	e.assertKeyNowhere(badKey)
}

// --spec-auth is refused, before anything is read or saved, when it says
// no place, without repeating what was typed; a stored value no flag gave
// is refused naming the login that fixes it.
func TestSpecAuthFlagRefused(t *testing.T) {
	e := newAuthEnv(t)
	for _, v := range []string{"query", "header:" + goodKey + "=x", goodKey} {
		r := e.run(goodKey, "login", "-p", "priv", "--spec", "testdata/notes.yaml", "--base-url", "http://127.0.0.1:1", "--spec-auth", v, "--with-key")
		if r.code != 2 || !strings.Contains(r.err, "--spec-auth") {
			t.Errorf("%q: exit %d, stderr:\n%s", v, r.code, r.err)
		}
	}
	if _, err := (profile.Store{Dir: e.dir}).Get("priv"); err == nil {
		t.Error("a profile was saved")
	}
	if err := (profile.Store{Dir: e.dir}).Save(profile.Profile{Name: "hand", Spec: "testdata/notes.yaml", SpecAuth: "header"}); err != nil {
		t.Fatal(err)
	}
	r := e.run("", "tools", "-p", "hand")
	if r.code == 0 || !strings.Contains(r.err, "restmcp login --profile hand --spec-auth header:NAME") {
		t.Errorf("stored spec_auth: exit %d, stderr:\n%s", r.code, r.err)
	}
	e.assertKeyNowhere(goodKey)
}
