package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
)

// specServer serves descriptions and records which requests carried the key.
type specServer struct {
	*httptest.Server
	mu     sync.Mutex
	hits   []string // path + " auth" or " anon"
	routes map[string]func(w http.ResponseWriter, r *http.Request)
}

func newSpecServer(t *testing.T) *specServer {
	s := &specServer{routes: map[string]func(http.ResponseWriter, *http.Request){}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who := " anon"
		if r.Header.Get("Authorization") != "" {
			who = " auth"
		}
		s.mu.Lock()
		s.hits = append(s.hits, r.URL.Path+who)
		s.mu.Unlock()
		h, ok := s.routes[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *specServer) serve(path, contentType, body string) {
	s.routes[path] = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write([]byte(body))
	}
}

func (s *specServer) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.hits, ",")
}

// auth is a credential with a key; noKey one whose key is missing.
var (
	auth  = HeaderKey{Scheme: "Bearer", Key: StaticKey("secret")}
	noKey = HeaderKey{Key: func(context.Context) (string, error) { return "", errors.New("no key") }}
)

const yamlSpec = `openapi: 3.0.0
info: {title: Served, version: "1"}
servers: [{url: /api}]
paths:
  /items:
    get: {operationId: listItems}
    post:
      operationId: createItem
      requestBody:
        content:
          application/json:
            schema: {$ref: 'schemas.json#/Item'}
`

func TestLoadURLContentSniffing(t *testing.T) {
	srv := newSpecServer(t)
	// Django REST Framework serves YAML under this media type.
	srv.serve("/api/schema/", "application/vnd.oai.openapi", yamlSpec)
	srv.serve("/api/schema/schemas.json", "text/plain", `{"Item": {"type": "object", "properties": {"name": {"type": "string", "description": "caf\u00e9 \ud83d\ude00"}}}}`)
	api, err := Load(context.Background(), srv.URL+"/api/schema/", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, "relative server resolved against the spec URL", api.Servers, `["`+srv.URL+`/api"]`)
	// A user name and password in the description's URL stay out of the
	// servers (which the cache keeps and logs show).
	withUser := strings.Replace(srv.URL, "http://", "http://alice:pw-0123456789@", 1)
	if api, err := Load(context.Background(), withUser+"/api/schema/", LoadOptions{}); err != nil {
		t.Error(err)
	} else {
		jsonEqual(t, "relative server without the URL's user info", api.Servers, `["`+srv.URL+`/api"]`)
	}
	if len(api.Operations) != 2 {
		t.Fatalf("%d operations", len(api.Operations))
	}
	jsonEqual(t, "remote ref relative to the spec URL, surrogate pairs decoded",
		opByID(t, api, "createItem").Body.Schema, `{"type":"object","properties":{"name":{"type":"string","description":"café 😀"}}}`)
}

func TestLoadURLServers(t *testing.T) {
	srv := newSpecServer(t)
	srv.serve("/swagger.json", "application/json", `{"swagger":"2.0","info":{"title":"x","version":"1"},"basePath":"/v1","paths":{"/a":{"get":{}}}}`)
	srv.serve("/deep/openapi.yaml", "text/yaml", "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {/a: {get: {}}}\n")
	srv.serve("/rel/openapi.json", "application/json", `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"servers":[{"url":"../api/"},{"url":"https://{env}.example.com/","variables":{"env":{"default":"prod"}}}],"paths":{}}`)
	tests := []struct{ path, want string }{
		{"/swagger.json", `["` + srv.URL + `/v1"]`},
		{"/deep/openapi.yaml", `["` + srv.URL + `"]`},
		{"/rel/openapi.json", `["` + srv.URL + `/api","https://prod.example.com"]`},
	}
	for _, tt := range tests {
		api, err := Load(context.Background(), srv.URL+tt.path, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		jsonEqual(t, tt.path, api.Servers, tt.want)
	}
}

func TestLoadURLAuthPolicy(t *testing.T) {
	other := newSpecServer(t)
	other.serve("/spec.yaml", "application/yaml", strings.Replace(yamlSpec, "/api", "https://api.example", 1))
	other.serve("/schemas.json", "application/json", `{"Item": {"type": "object"}}`)

	tests := []struct {
		name    string
		setup   func(api *specServer) (source string, opts LoadOptions)
		wantErr string
		wantOps int
		apiLog  string // requests the API's own server saw
		other   string // requests the other origin saw
	}{
		{
			name: "base URL on the spec origin: key sent at once",
			setup: func(s *specServer) (string, LoadOptions) {
				s.serve("/api/schema/", "application/json", `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{}}}}`)
				return s.URL + "/api/schema/", LoadOptions{BaseURL: s.URL + "/api", Credential: auth}
			},
			wantOps: 1,
			apiLog:  "/api/schema/ auth",
		},
		{
			name: "base URL on another origin: key never sent",
			setup: func(s *specServer) (string, LoadOptions) {
				return other.URL + "/spec.yaml", LoadOptions{BaseURL: s.URL, Credential: auth}
			},
			wantOps: 2,
			other:   "/spec.yaml anon,/schemas.json anon",
		},
		{
			name: "no base URL, spec needs the key: error says to pass --base-url",
			setup: func(s *specServer) (string, LoadOptions) {
				s.routes["/api/schema/"] = func(w http.ResponseWriter, r *http.Request) {
					http.Error(w, "authentication required", http.StatusUnauthorized)
				}
				return s.URL + "/api/schema/", LoadOptions{Credential: auth}
			},
			wantErr: "--base-url",
			apiLog:  "/api/schema/ anon",
		},
		{
			name: "base URL on the spec origin, spec needs the key, none given: error says so",
			setup: func(s *specServer) (string, LoadOptions) {
				s.routes["/api/schema/"] = func(w http.ResponseWriter, r *http.Request) {
					http.Error(w, "authentication required", http.StatusForbidden)
				}
				return s.URL + "/api/schema/", LoadOptions{BaseURL: s.URL, Credential: noKey}
			},
			wantErr: "the API description needs the key, and none was given",
			apiLog:  "/api/schema/ anon",
		},
		{
			name: "base URL on the spec origin, key refused: error says so",
			setup: func(s *specServer) (string, LoadOptions) {
				s.routes["/api/schema/"] = func(w http.ResponseWriter, r *http.Request) {
					http.Error(w, "invalid key", http.StatusForbidden)
				}
				return s.URL + "/api/schema/", LoadOptions{BaseURL: s.URL, Credential: auth}
			},
			wantErr: "HTTP 403 Forbidden: the API refused the key sent with it",
			apiLog:  "/api/schema/ auth",
		},
		{
			name: "no base URL, fetched again with the key, key refused: error says so",
			setup: func(s *specServer) (string, LoadOptions) {
				s.routes["/api/schema/"] = func(w http.ResponseWriter, r *http.Request) {
					if r.Header.Get("Authorization") != "" {
						http.Error(w, "invalid key", http.StatusUnauthorized)
						return
					}
					_, _ = w.Write([]byte(`{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{}}`))
				}
				return s.URL + "/api/schema/", LoadOptions{Credential: auth}
			},
			wantErr: "HTTP 401 Unauthorized: the API refused the key sent with it",
			apiLog:  "/api/schema/ anon,/api/schema/ auth",
		},
		{
			name: "base URL on another origin, spec needs the key: error says it is not sent there",
			setup: func(s *specServer) (string, LoadOptions) {
				other.routes["/private.yaml"] = func(w http.ResponseWriter, r *http.Request) {
					http.Error(w, "authentication required", http.StatusForbidden)
				}
				return other.URL + "/private.yaml", LoadOptions{BaseURL: s.URL, Credential: auth}
			},
			wantErr: "the key is only sent to the API's origin",
			other:   "/private.yaml anon",
		},
		{
			name: "no base URL, default server on the spec origin: fetched again with the key",
			setup: func(s *specServer) (string, LoadOptions) {
				s.routes["/api/schema/"] = func(w http.ResponseWriter, r *http.Request) {
					spec := yamlSpec
					if r.Header.Get("Authorization") == "" { // DRF lists only what the caller may see
						spec = strings.Replace(spec, "    post:\n", "    x-hidden:\n", 1)
					}
					_, _ = w.Write([]byte(spec))
				}
				s.serve("/api/schema/schemas.json", "application/json", `{"Item": {"type": "object"}}`)
				return s.URL + "/api/schema/", LoadOptions{Credential: auth}
			},
			wantOps: 2,
			apiLog:  "/api/schema/ anon,/api/schema/ auth,/api/schema/schemas.json auth",
		},
		{
			name: "no base URL, default server on the spec origin, no key available: fetched once",
			setup: func(s *specServer) (string, LoadOptions) {
				s.serve("/api/schema/", "application/json", `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{}}}}`)
				return s.URL + "/api/schema/", LoadOptions{Credential: noKey}
			},
			wantOps: 1,
			apiLog:  "/api/schema/ anon",
		},
		{
			name: "no base URL, default server elsewhere: key never sent",
			setup: func(s *specServer) (string, LoadOptions) {
				return other.URL + "/spec.yaml", LoadOptions{Credential: auth}
			},
			wantOps: 2,
			other:   "/spec.yaml anon,/schemas.json anon",
		},
		{
			name: "redirect to another origin drops the key",
			setup: func(s *specServer) (string, LoadOptions) {
				s.routes["/moved"] = func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.URL+"/spec.yaml", http.StatusFound)
				}
				return s.URL + "/moved", LoadOptions{BaseURL: s.URL, Credential: auth}
			},
			wantOps: 2,
			apiLog:  "/moved auth",
			other:   "/spec.yaml anon,/schemas.json anon",
		},
		{
			name: "redirect within the origin keeps the key",
			setup: func(s *specServer) (string, LoadOptions) {
				s.routes["/old"] = func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, "/api/schema/", http.StatusMovedPermanently)
				}
				s.serve("/api/schema/", "application/json", `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{}}}}`)
				return s.URL + "/old", LoadOptions{BaseURL: s.URL, Credential: auth}
			},
			wantOps: 1,
			apiLog:  "/old auth,/api/schema/ auth",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSpecServer(t)
			other.mu.Lock()
			other.hits = nil
			other.mu.Unlock()
			source, opts := tt.setup(s)
			api, err := Load(context.Background(), source, opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error shows the key: %v", err)
				}
				if needs := strings.Contains(tt.wantErr, "none was given"); errors.Is(err, ErrNeedsKey) != needs {
					t.Errorf("errors.Is(err, ErrNeedsKey) = %v, want %v", !needs, needs)
				}
				if refused := strings.Contains(tt.wantErr, "refused the key"); errors.Is(err, ErrKeyRefused) != refused {
					t.Errorf("errors.Is(err, ErrKeyRefused) = %v, want %v", !refused, refused)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if len(api.Operations) != tt.wantOps {
					t.Errorf("%d operations, want %d", len(api.Operations), tt.wantOps)
				}
			}
			if got := s.log(); got != tt.apiLog {
				t.Errorf("API origin saw %q, want %q", got, tt.apiLog)
			}
			if got := other.log(); got != tt.other {
				t.Errorf("other origin saw %q, want %q", got, tt.other)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	srv := newSpecServer(t)
	srv.serve("/docs/", "text/html", "\n<!DOCTYPE html><html><body>Swagger UI</body></html>")
	srv.routes["/moved.json"] = func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusFound) } // no Location
	srv.routes["/unasked.json"] = func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotModified) }
	tests := []struct {
		name, source string
		want         []string
	}{
		{"missing file", "testdata/load/nope.yaml", []string{"nope.yaml", notExistText(t)}},
		{"bad YAML", "testdata/bad/bad.yaml", []string{"bad.yaml", "line 5"}},
		{"bad JSON", "testdata/bad/bad.json", []string{"bad.json", "line 3"}},
		{"not OpenAPI", "testdata/bad/notopenapi.yaml", []string{"notopenapi.yaml", `no "openapi" or "swagger"`}},
		{"HTTP 404", srv.URL + "/missing.json", []string{"/missing.json", "404"}},
		{"HTML page", srv.URL + "/docs/", []string{"/docs/", "HTML", "schema file"}},
		{"redirect without Location", srv.URL + "/moved.json", []string{"/moved.json", "302"}},
		{"304 not asked for", srv.URL + "/unasked.json", []string{"/unasked.json", "304"}},
		{"empty source", " ", []string{"--spec"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(context.Background(), tt.source, LoadOptions{})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadSkipsBrokenOperations(t *testing.T) {
	api := loadFixture(t, "../bad/broken-op.yaml")
	if len(api.Operations) != 1 || api.Operations[0].ID != "good" {
		t.Errorf("operations %v, want only good", api.Operations)
	}
	if len(api.Skipped) != 2 {
		t.Fatalf("skipped %v, want 2", api.Skipped)
	}
	for _, s := range api.Skipped {
		if s.Reason == "" || s.Method == "" {
			t.Errorf("skipped entry without method or reason: %+v", s)
		}
	}
}

func TestLoadTolerant(t *testing.T) {
	api := loadFixture(t, "../bad/weird.yaml")
	jsonEqual(t, "servers", api.Servers, `["https://a.example"]`)
	var skipped []string
	for _, s := range api.Skipped {
		skipped = append(skipped, s.Method+" "+s.Path)
	}
	jsonEqual(t, "skipped", skipped, `[" /list","PUT /ok","POST /ok"]`)
	part := opByID(t, api, "getPart")
	if p := paramByName(t, part, "thingId"); !p.Required || p.In != "path" || p.Style != "simple" {
		t.Errorf("undeclared path template not added: %+v", p)
	}
	jsonEqual(t, "declared partId kept", paramByName(t, part, "partId").Schema, `{"type":"integer"}`)
	if len(part.Params) != 2 {
		t.Errorf("getPart params %d, want 2", len(part.Params))
	}
	op := opByID(t, api, "ok")
	jsonEqual(t, "a (merge key)", paramByName(t, op, "a").Schema, `{"type":"string","description":"merged","maxLength":5000}`)
	jsonEqual(t, "b (malformed keywords ignored)", paramByName(t, op, "b").Schema, `{"type":"object"}`)
	jsonEqual(t, "c (content)", paramByName(t, op, "c").Schema, `{"type":"array","items":{"type":"integer"}}`)
	jsonEqual(t, "d (no schema)", paramByName(t, op, "d").Schema, `{}`)
	jsonEqual(t, "e (array without items)", paramByName(t, op, "e").Schema, `{"type":"array","items":{}}`)
	if len(op.Params) != 5 {
		t.Errorf("%d params, want a to e (Authorization header ignored)", len(op.Params))
	}
	if op.Body == nil || op.Body.ContentType != "application/octet-stream" {
		t.Errorf("body %+v", op.Body)
	}
}

func TestDecodeYAMLAliasBomb(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&sb, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	_, err := decodeDocument([]byte(sb.String()))
	if err == nil || !strings.Contains(err.Error(), "too many values") {
		t.Fatalf("err = %v, want a limit on alias expansion", err)
	}
}

func TestLoadFanOutIsBounded(t *testing.T) {
	start := time.Now()
	api := loadFixture(t, "../bad/fanout.json")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("loading took %v", d)
	}
	if b, _ := json.Marshal(opByID(t, api, "fan").Body.Schema); len(b) > 2<<20 {
		t.Errorf("body schema is %d bytes", len(b))
	}
}

// Errors about a description URL never show its user info or query, where
// credentials such as ?token=… live.
func TestLoadErrorsHideURLCredentials(t *testing.T) {
	s := newSpecServer(t)
	s.routes["/not-openapi"] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"hello": "world"}`))
	}
	s.routes["/bad-ref"] = func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"parameters": [{"$ref": "/broken?token=s3cr3t-ref#/p"}], "responses": {}}}}}`))
	}
	s.routes["/broken"] = func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{not yaml: [")) }
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	withCreds := func(base, path string) string {
		return strings.Replace(base, "http://", "http://user:p4ssw0rd@", 1) + path + "?token=s3cr3t"
	}
	tests := []struct {
		name   string
		source string
		want   string
	}{
		{"not a description", withCreds(s.URL, "/not-openapi"), "not an OpenAPI description"},
		{"HTTP error", withCreds(s.URL, "/missing"), "404"},
		{"unreachable", withCreds(closed.URL, "/spec"), "GET http://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(context.Background(), tt.source, LoadOptions{})
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error lacks %q: %s", tt.want, msg)
			}
			for _, secret := range []string{"s3cr3t", "p4ssw0rd"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error shows %q: %s", secret, msg)
				}
			}
		})
	}
	// A $ref to a broken document: the reason quotes the $ref as the
	// description writes it, and names the document it fetched without
	// the query.
	api, err := Load(context.Background(), s.URL+"/bad-ref", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(api.Skipped) != 1 || !strings.Contains(api.Skipped[0].Reason, "/broken: invalid JSON") {
		t.Errorf("skipped = %+v", api.Skipped)
	}
}

// notExistText is how this OS says a file does not exist ("no such file or
// directory", "The system cannot find the file specified.").
func notExistText(t *testing.T) string {
	t.Helper()
	_, err := os.Stat(filepath.Join(t.TempDir(), "missing"))
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		t.Fatalf("stat of a missing file: %v", err)
	}
	return pe.Err.Error()
}

// TestSlowRefBodyIsRead checks that RefTimeout bounds the wait for a
// referenced document's answer to begin, not its reading: a large one on a
// slow link that has begun to arrive is read whole.
func TestSlowRefBodyIsRead(t *testing.T) {
	s := newSpecServer(t)
	s.routes["/big.json"] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		for _, part := range []string{`{"P":{"name":"q",`, `"in":"query",`, `"schema":{"type":"string"}}}`} {
			time.Sleep(150 * time.Millisecond)
			io.WriteString(w, part)
			w.(http.Flusher).Flush()
		}
	}
	f := filepath.Join(t.TempDir(), "openapi.json")
	spec := `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"operationId":"a","parameters":[{"$ref":"` + s.URL + `/big.json#/P"}]}}}}`
	if err := os.WriteFile(f, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	api, err := Load(context.Background(), f, LoadOptions{RefTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(api.Skipped) != 0 || len(api.Operations) != 1 || len(api.Operations[0].Params) != 1 {
		t.Fatalf("skipped %v, operations %d: the document that took 450 ms to arrive was not read", api.Skipped, len(api.Operations))
	}
}

// TestUnreachableRefIsAskedOnce checks that a document a $ref names by URL
// and that cannot be read (no answer in time, an error status) is asked for
// once however many $refs name it, and that the operations it fails are
// skipped with a reason naming the URL.
func TestUnreachableRefIsAskedOnce(t *testing.T) {
	s := newSpecServer(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	s.routes["/slow.json"] = func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
	s.routes["/gone.json"] = func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}
	for _, doc := range []string{"slow.json", "gone.json"} {
		t.Run(doc, func(t *testing.T) {
			var paths []string
			for i := range 4 {
				paths = append(paths, fmt.Sprintf(`"/p%d":{"get":{"operationId":"op%d","parameters":[{"$ref":"%s/%s#/P"}]}}`, i, i, s.URL, doc))
			}
			f := filepath.Join(t.TempDir(), "openapi.json")
			spec := `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{` + strings.Join(paths, ",") + `}}`
			if err := os.WriteFile(f, []byte(spec), 0o600); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			api, err := Load(context.Background(), f, LoadOptions{RefTimeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 4*time.Second {
				t.Errorf("took %v", d)
			}
			if got := strings.Count(s.log(), "/"+doc); got != 1 {
				t.Errorf("%s asked for %d times, want once (%s)", doc, got, s.log())
			}
			if len(api.Skipped) != 4 {
				t.Fatalf("skipped %v, want 4", api.Skipped)
			}
			for _, sk := range api.Skipped {
				if !strings.Contains(sk.Reason, s.URL+"/"+doc) {
					t.Errorf("reason %q does not name the URL", sk.Reason)
				}
				if doc == "slow.json" && !strings.Contains(sk.Reason, "did not begin to answer within 1s") {
					t.Errorf("reason %q does not say it did not answer", sk.Reason)
				}
			}
		})
	}
}

// A server relative to a description URL whose query holds a key is
// resolved without that query (nor a fragment): the base URL is sent with
// every call and shown in logs.
func TestLoadURLServersLeaveTheQueryOut(t *testing.T) {
	srv := newSpecServer(t)
	for name, server := range map[string]string{
		"fragment":       `{"url":"#x"}`,
		"empty variable": `{"url":"{base}","variables":{"base":{"default":""}}}`,
		"query only":     `{"url":"?"}`,
		"dot":            `{"url":"."}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := "/" + strings.ReplaceAll(name, " ", "-") + "/openapi.json"
			srv.serve(path, "application/json", `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"servers":[`+server+`],"paths":{}}`)
			api, err := Load(context.Background(), srv.URL+path+"?apiKey=sk-query-0123456789#frag", LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(api.Servers) != 1 || strings.Contains(api.Servers[0], "sk-query") || strings.Contains(api.Servers[0], "#") {
				t.Errorf("servers %q, want the description's URL without its query and fragment", api.Servers)
			}
		})
	}
}

// A description compressed with gzip is read whatever says so or not: a
// .json.gz file, or a URL that answers its gzip file without a
// Content-Encoding (a bucket serving a pre-compressed file).
func TestLoadGzipDescription(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(yamlSpec))
	_ = zw.Close()
	srv := newSpecServer(t)
	srv.serve("/api/openapi.yaml", "application/yaml", gz.String())
	srv.serve("/api/schemas.json", "application/json", `{"Item": {"type": "object"}}`)
	path := filepath.Join(t.TempDir(), "openapi.yaml.gz")
	if err := os.WriteFile(path, gz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{srv.URL + "/api/openapi.yaml", path} {
		api, err := Load(context.Background(), src, LoadOptions{})
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if api.Title != "Served" || len(api.Operations)+len(api.Skipped) != 2 {
			t.Errorf("%s: title %q, %d operations", src, api.Title, len(api.Operations))
		}
	}
	// What it expands to is bounded as a document is.
	var bomb bytes.Buffer
	zw = gzip.NewWriter(&bomb)
	_, _ = zw.Write(bytes.Repeat([]byte(" "), maxDocumentBytes+1))
	_ = zw.Close()
	srv.serve("/bomb.yaml", "application/yaml", bomb.String())
	if _, err := Load(context.Background(), srv.URL+"/bomb.yaml", LoadOptions{}); err == nil || !strings.Contains(err.Error(), "MiB") {
		t.Errorf("gzip bomb: %v, want an error naming the size limit", err)
	}
}

// A description URL that gives no complete answer in time fails saying
// so and what to do, whether the answer never begins or stops midway.
func TestLoadTimeoutSaysWhatToDo(t *testing.T) {
	defer func(d time.Duration) { documentTimeout = d }(documentTimeout)
	documentTimeout = 200 * time.Millisecond
	release := make(chan struct{})
	srv := newSpecServer(t)
	t.Cleanup(func() { close(release) }) // before the server closes
	srv.routes["/hang.json"] = func(http.ResponseWriter, *http.Request) { <-release }
	srv.routes["/stall.json"] = func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"openapi": "3.0.0",`))
		w.(http.Flusher).Flush()
		<-release
	}
	for _, path := range []string{"/hang.json", "/stall.json"} {
		_, err := Load(context.Background(), srv.URL+path, LoadOptions{})
		if err == nil || !strings.Contains(err.Error(), path+": no complete answer within 200ms") || !strings.Contains(err.Error(), "pass its file") || !errors.Is(err, ErrUnreachable) {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// ErrUnreachable tells an address that gave no answer (which asking again
// at once would wait for as long) from one that answered.
func TestLoadUnreachable(t *testing.T) {
	srv := newSpecServer(t)
	srv.routes["/gone.json"] = func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) }
	if _, err := Load(context.Background(), srv.URL+"/gone.json", LoadOptions{}); err == nil || errors.Is(err, ErrUnreachable) {
		t.Errorf("a 404: %v", err)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	_, err := Load(context.Background(), closed.URL+"/openapi.json", LoadOptions{})
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "refused") {
		t.Errorf("a closed port: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, srv.URL+"/gone.json", LoadOptions{}); errors.Is(err, ErrUnreachable) {
		t.Errorf("a cancelled load: %v", err)
	}
}

// TestPathTemplateNameInAnotherCase checks a path parameter declared in
// another letter case than its path template writes it (`/cases/{ID}`,
// parameter `id`): it is that template's parameter, with its schema, not
// a second one that no request would send.
func TestPathTemplateNameInAnotherCase(t *testing.T) {
	api := loadString(t, `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{
"/cases/{ID}/notes/{noteId}":{"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer"}}],
"get":{"operationId":"getNote","parameters":[{"name":"noteID","in":"path","required":true,"schema":{"type":"string","format":"uuid"}},
{"name":"Id","in":"query","schema":{"type":"string"}}],"responses":{"200":{"description":"ok"}}}},
"/both/{id}/{ID}":{"get":{"operationId":"both","parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer"}}],
"responses":{"200":{"description":"ok"}}}}}}`)
	op := opByID(t, api, "getNote")
	var path []string
	for _, p := range op.Params {
		if p.In == "path" {
			path = append(path, p.Name)
		}
	}
	if strings.Join(path, " ") != "ID noteId" {
		t.Fatalf("path parameters %v, want ID noteId", path)
	}
	jsonEqual(t, "ID", paramByName(t, op, "ID").Schema, `{"type":"integer"}`)
	jsonEqual(t, "noteId", paramByName(t, op, "noteId").Schema, `{"type":"string","format":"uuid"}`)
	if p := paramByName(t, op, "Id"); p.In != "query" {
		t.Errorf("query parameter Id moved to %s", p.In)
	}
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	if _, err := c.Do(context.Background(), Request{Op: op, Path: map[string]any{"ID": 7.0, "noteId": "n-1"}}); err != nil {
		t.Fatal(err)
	}
	if got := srv.last(t).RequestURI; got != "/cases/7/notes/n-1" {
		t.Errorf("path %s, want /cases/7/notes/n-1", got)
	}
	// Both spellings in the template: each its own parameter.
	both := opByID(t, api, "both")
	jsonEqual(t, "id", paramByName(t, both, "id").Schema, `{"type":"integer"}`)
	jsonEqual(t, "ID", paramByName(t, both, "ID").Schema, `{"type":"string"}`)
}
