package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A URL description carries its validators and digest; a fetch made
// conditional on them is ErrNotModified when the server answers 304, and
// the new description when it changed.
func TestLoadConditional(t *testing.T) {
	spec, err := os.ReadFile("testdata/load/oas30.yaml")
	if err != nil {
		t.Fatal(err)
	}
	etag := `"v1"`
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("If-None-Match")+"|"+r.Header.Get("If-Modified-Since"))
		w.Header().Set("Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT")
		answerUnlessMatch(w, r, etag, spec)
	}))
	defer srv.Close()
	ctx := context.Background()
	api, err := Load(ctx, srv.URL+"/openapi.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if api.Validators.ETag != etag || api.Validators.LastModified == "" || len(api.Digest) != 64 {
		t.Fatalf("validators %+v, digest %q", api.Validators, api.Digest)
	}
	var nm *NotModifiedError
	if _, err := Load(ctx, srv.URL+"/openapi.yaml", LoadOptions{IfChanged: api.Validators}); !errors.As(err, &nm) || nm.Validators != api.Validators {
		t.Fatalf("unchanged: got %v (%+v), want ErrNotModified with the validators asked with", err, nm)
	}
	if seen[1] != etag+"|"+api.Validators.LastModified {
		t.Errorf("conditional fetch sent %q", seen[1])
	}
	etag = `"v2"`
	again, err := Load(ctx, srv.URL+"/openapi.yaml", LoadOptions{IfChanged: api.Validators})
	if err != nil || again.Validators.ETag != `"v2"` {
		t.Fatalf("changed: %v, %+v", err, again)
	}
}

// answerUnlessMatch answers 304 Not Modified to a request that asks with
// etag, else body under etag.
func answerUnlessMatch(w http.ResponseWriter, r *http.Request, etag string, body []byte) {
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Write(body)
}

// A local description names the other files its $refs read.
func TestLoadNamesRefFiles(t *testing.T) {
	api, err := Load(context.Background(), "testdata/load/multi/main.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(api.Files) == 0 {
		t.Fatal("no $ref files named")
	}
	for _, f := range api.Files {
		if !filepath.IsAbs(f.Path) || len(f.Digest) != 64 {
			t.Errorf("%s is not absolute or has no digest (%q)", f.Path, f.Digest)
		}
	}
	if api.RemoteRefs {
		t.Error("a description with local $refs only says it read a URL")
	}
}

// An API that describes only what the caller may see answers a fetch
// without the key with another document and other validators: a copy
// fetched without the key is never taken as current for the key holder
// (an answer 304 to the first, anonymous fetch), nor the other way round.
func TestLoadConditionalKeepsKeyedAndAnonymousApart(t *testing.T) {
	const key = "sk-cond-1"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		etag, paths := `"anon"`, "  /a: {get: {operationId: a, responses: {\"200\": {description: ok}}}}\n"
		if strings.Contains(r.Header.Get("Authorization"), key) {
			etag, paths = `"authed"`, paths+"  /b: {get: {operationId: b, responses: {\"200\": {description: ok}}}}\n"
		}
		// A server that dates both documents alike answers any
		// If-Modified-Since with 304.
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") != "" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT")
		w.Write([]byte("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\nservers: [{url: /}]\npaths:\n" + paths))
	}))
	defer srv.Close()
	ctx := context.Background()
	spec := srv.URL + "/openapi.yaml"
	anon, err := Load(ctx, spec, LoadOptions{})
	if err != nil || len(anon.Operations) != 1 || anon.Validators.WithKey {
		t.Fatalf("without the key: %v, %+v", err, anon)
	}
	cred := HeaderKey{Key: StaticKey(key)}
	keyed, err := Load(ctx, spec, LoadOptions{Credential: cred, IfChanged: anon.Validators})
	if err != nil || len(keyed.Operations) != 2 || !keyed.Validators.WithKey {
		t.Fatalf("with the key, after a copy fetched without it: %v, %+v", err, keyed)
	}
	if _, err := Load(ctx, spec, LoadOptions{Credential: cred, IfChanged: keyed.Validators}); !errors.Is(err, ErrNotModified) {
		t.Fatalf("with the key, unchanged: got %v, want ErrNotModified", err)
	}
	again, err := Load(ctx, spec, LoadOptions{IfChanged: keyed.Validators})
	if err != nil || len(again.Operations) != 1 {
		t.Fatalf("without the key, after a copy fetched with it: %v, %+v", err, again)
	}
}

// A description whose $ref reads a URL says so: nothing else tells whether
// what it read there is still the same.
func TestLoadSaysARefReadAURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("limit: {name: limit, in: query, schema: {type: integer}}\n"))
	}))
	defer srv.Close()
	main := filepath.Join(t.TempDir(), "main.yaml")
	os.WriteFile(main, []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      parameters: [{$ref: "`+srv.URL+`/params.yaml#/limit"}]
      responses: {"200": {description: OK}}
`), 0o600)
	api, err := Load(context.Background(), main, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !api.RemoteRefs || len(api.Operations) != 1 || len(api.Operations[0].Params) != 1 {
		t.Errorf("remote refs %v, operations %+v", api.RemoteRefs, api.Operations)
	}
}
