package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// heldOf is what a caller holding api tells Load.
func heldOf(api *API) Held {
	return Held{Digest: api.Digest, Location: api.Location, Base: api.BaseURL()}
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// A URL description answered whole with the bytes the caller holds, read
// from the same place, is recognized before it is decoded: Load answers
// ErrNotModified with the answer's validators, whatever they are (none, or
// new ones). Other bytes, or the same bytes read from elsewhere, are
// decoded.
func TestLoadHeldIsNotDecoded(t *testing.T) {
	spec, err := os.ReadFile("testdata/load/oas30.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	body, etag := spec, ""
	serve := func(b []byte, tag string) {
		mu.Lock()
		defer mu.Unlock()
		body, etag = b, tag
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved.yaml" {
			http.Redirect(w, r, "/v2/openapi.yaml?sig=1", http.StatusFound)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		w.Write(body)
	}))
	defer srv.Close()
	ctx := context.Background()
	url := srv.URL + "/openapi.yaml?token=sk-held-1"
	api, err := Load(ctx, url, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if api.Location != srv.URL+"/openapi.yaml" {
		t.Errorf("location %q, want the URL without its query", api.Location)
	}
	held := heldOf(api)

	// No validators: every fetch is answered whole.
	var nm *NotModifiedError
	if _, err := Load(ctx, url, LoadOptions{Held: held}); !errors.As(err, &nm) || !errors.Is(err, ErrNotModified) || nm.Validators != (Validators{}) {
		t.Fatalf("the same bytes without validators: got %v (%+v), want ErrNotModified", err, nm)
	}
	// New validators for the same bytes (a replica, a redeploy): said.
	serve(spec, `"replica-2"`)
	if _, err := Load(ctx, url, LoadOptions{Held: held}); !errors.As(err, &nm) || nm.Validators.ETag != `"replica-2"` {
		t.Fatalf("the same bytes under a new ETag: got %v (%+v)", err, nm)
	}
	// Not decoded: bytes that are no description, held, are not refused.
	garbage := []byte("{this is not a description")
	serve(garbage, "")
	if _, err := Load(ctx, url, LoadOptions{Held: Held{Digest: digestOf(garbage), Location: api.Location}}); !errors.Is(err, ErrNotModified) {
		t.Fatalf("held bytes were decoded: %v", err)
	}
	// The same bytes read from another place (its relative servers would
	// resolve elsewhere): decoded.
	serve(spec, "")
	moved, err := Load(ctx, srv.URL+"/moved.yaml", LoadOptions{Held: held})
	if err != nil || moved.Location != srv.URL+"/v2/openapi.yaml" || moved.Digest != api.Digest {
		t.Fatalf("read from another place: %v, %+v", err, moved)
	}
	// Changed: decoded.
	changed := []byte(strings.Replace(string(spec), "summary: Get a pet", "summary: Get one pet", 1))
	serve(changed, "")
	again, err := Load(ctx, url, LoadOptions{Held: held})
	if err != nil || again.Digest != digestOf(changed) {
		t.Fatalf("changed: %v, %+v", err, again)
	}
	if i := slices.IndexFunc(again.Operations, func(op *Operation) bool { return op.ID == "getPet" }); i < 0 || again.Operations[i].Summary != "Get one pet" {
		t.Errorf("changed: the operations are the earlier ones")
	}
	// A file is read whatever is held (a caller checks its files itself).
	path := filepath.Join(t.TempDir(), "openapi.yaml")
	os.WriteFile(path, spec, 0o600)
	if local, err := Load(ctx, path, LoadOptions{Held: Held{Digest: digestOf(spec), Location: path}}); err != nil || local.Location != "" {
		t.Fatalf("a file: %v, %+v", err, local)
	}
}

// Held bytes are recognized with or without the key, and Load's rules of
// the key's fetch stand: fetched without the key, they are the held API,
// whose base URL says whether the key's fetch follows (on the
// description's own origin it does, and its answer is the API).
func TestLoadHeldWithAndWithoutKey(t *testing.T) {
	const key = "sk-held-key-1"
	doc := func(server, paths string) []byte {
		return []byte("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\nservers: [{url: " + server + "}]\npaths:\n" + paths)
	}
	const opA = "  /a: {get: {operationId: a, responses: {\"200\": {description: ok}}}}\n"
	const opB = "  /b: {get: {operationId: b, responses: {\"200\": {description: ok}}}}\n"
	var mu sync.Mutex
	var anonDoc, keyedDoc []byte
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(r.Header.Get("Authorization"), key) {
			asked = append(asked, "key")
			w.Write(keyedDoc)
			return
		}
		asked = append(asked, "anon")
		w.Write(anonDoc)
	}))
	defer srv.Close()
	serve := func(anon, keyed []byte) {
		mu.Lock()
		defer mu.Unlock()
		anonDoc, keyedDoc, asked = anon, keyed, nil
	}
	fetches := func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(asked, ",")
	}
	ctx := context.Background()
	spec := srv.URL + "/openapi.yaml"
	opts := LoadOptions{Credential: HeaderKey{Key: StaticKey(key)}}

	// The API's own origin: the key's fetch follows the one without it.
	serve(doc("/", opA), doc("/", opA+opB))
	keyed, err := Load(ctx, spec, opts)
	if err != nil || len(keyed.Operations) != 2 || fetches() != "anon,key" {
		t.Fatalf("with the key: %v, %+v, fetches %s", err, keyed, fetches())
	}
	opts.Held = heldOf(keyed)
	serve(doc("/", opA), doc("/", opA+opB))
	if _, err := Load(ctx, spec, opts); !errors.Is(err, ErrNotModified) || fetches() != "anon,key" {
		t.Fatalf("with the key, unchanged: got %v, fetches %s", err, fetches())
	}

	// An API that describes itself alike to all: the bytes fetched without
	// the key are the held ones, and the key's fetch still follows.
	same := doc("/", opA+opB)
	serve(same, same)
	all, err := Load(ctx, spec, LoadOptions{Credential: opts.Credential})
	if err != nil {
		t.Fatal(err)
	}
	opts.Held = heldOf(all)
	serve(same, same)
	if _, err := Load(ctx, spec, opts); !errors.Is(err, ErrNotModified) || fetches() != "anon,key" {
		t.Fatalf("alike to all, unchanged: got %v, fetches %s", err, fetches())
	}
	serve(same, doc("/", opB))
	now, err := Load(ctx, spec, opts)
	if err != nil || len(now.Operations) != 1 || now.Operations[0].ID != "b" || fetches() != "anon,key" {
		t.Fatalf("the key holder's description changed: %v, %+v, fetches %s", err, now, fetches())
	}

	// Another origin's API: the answer without the key is the API, and
	// the held one is not fetched again with the key.
	other := doc("https://api.example.com", opA)
	serve(other, doc("https://api.example.com", opA+opB))
	anon, err := Load(ctx, spec, LoadOptions{Credential: opts.Credential})
	if err != nil || len(anon.Operations) != 1 || fetches() != "anon" {
		t.Fatalf("another origin's API: %v, %+v, fetches %s", err, anon, fetches())
	}
	opts.Held = heldOf(anon)
	serve(other, doc("https://api.example.com", opA+opB))
	if _, err := Load(ctx, spec, opts); !errors.Is(err, ErrNotModified) || fetches() != "anon" {
		t.Fatalf("another origin's API, unchanged: got %v, fetches %s", err, fetches())
	}
}

// An answer 304 Not Modified from another place than where the held
// description was read (its URL redirects somewhere new) is no verdict on
// the caller's copy: its relative servers resolve against the new place.
// The description is fetched again whole and decoded there; from the
// place the caller holds, the 304 stands, and nothing more is asked.
func TestLoadNotModifiedElsewhereIsReadAgain(t *testing.T) {
	spec, err := os.ReadFile("testdata/load/oas30.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const etag = `"v1"`
	var mu sync.Mutex
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.Path+" "+r.Header.Get("If-None-Match"))
		mu.Unlock()
		if r.URL.Path == "/moved.yaml" {
			http.Redirect(w, r, "/v2/openapi.yaml", http.StatusFound)
			return
		}
		answerUnlessMatch(w, r, etag, spec)
	}))
	defer srv.Close()
	ctx := context.Background()
	api, err := Load(ctx, srv.URL+"/openapi.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	opts := LoadOptions{IfChanged: api.Validators, Held: heldOf(api)}
	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		a := asked
		asked = nil
		return a
	}
	take()

	moved, err := Load(ctx, srv.URL+"/moved.yaml", opts)
	if err != nil || moved.Location != srv.URL+"/v2/openapi.yaml" || moved.Digest != api.Digest || moved.Validators.ETag != etag {
		t.Fatalf("a 304 from another place: %v, %+v; want the description read there", err, moved)
	}
	if got := take(); len(got) != 4 || got[1] != "/v2/openapi.yaml "+etag || got[3] != "/v2/openapi.yaml " {
		t.Errorf("asked %q, want the conditional fetch, then one without condition", got)
	}

	var nm *NotModifiedError
	if _, err := Load(ctx, srv.URL+"/openapi.yaml", opts); !errors.As(err, &nm) || nm.Validators != api.Validators {
		t.Fatalf("a 304 from the place held: %v, want ErrNotModified", err)
	}
	if got := take(); len(got) != 1 {
		t.Errorf("asked %q, want one conditional fetch", got)
	}
}
