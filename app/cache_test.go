package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
	"github.com/restmcp/restmcp/server"
)

// logBuffer is a goroutine-safe log sink.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is what was logged since the last take, left there.
func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.b.String()
	l.b.Reset()
	return s
}

// cacheApp is a test App whose cache logs at debug level into the
// returned buffer.
func cacheApp(t *testing.T) (*App, *logBuffer) {
	t.Helper()
	a := testApp(t, map[string]string{"RESTMCP_API_KEY": "sk-cache-secret-0123"})
	var logs logBuffer
	a.Log = log.New(&logs)
	a.Log.SetLevel(log.DebugLevel)
	a.Cache.Log = a.Log
	return a, &logs
}

const (
	initLine = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
	listLine = `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
)

// serveOnce runs a.Serve with initialize, tools/list and the extra lines
// (each a request with an id), and returns the answer lines: initialize,
// tools/list, then the extra ones.
func serveOnce(t *testing.T, a *App, p profile.Profile, extra ...string) []string {
	t.Helper()
	in := initLine + "\n" + `{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n" + listLine + "\n" + strings.Join(extra, "\n")
	var out bytes.Buffer
	if err := a.Serve(context.Background(), p, strings.NewReader(in+"\n"), &out); err != nil {
		t.Fatalf("serve: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2+len(extra) {
		t.Fatalf("%d answers, want %d: %s", len(lines), 2+len(extra), out.String())
	}
	// Answers may come in any order: sort by id as sent.
	byID := map[string]string{}
	for _, l := range lines {
		var m struct{ ID json.RawMessage }
		json.Unmarshal([]byte(l), &m)
		byID[string(m.ID)] = l
	}
	ordered := []string{byID["1"], byID["2"]}
	for _, x := range extra {
		var m struct{ ID json.RawMessage }
		json.Unmarshal([]byte(x), &m)
		ordered = append(ordered, byID[string(m.ID)])
	}
	return ordered
}

// notesSpec writes the notes description into a temporary folder.
func notesSpec(t *testing.T) string {
	t.Helper()
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "notes.yaml")
	if err := os.WriteFile(path, spec, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// notesAPI answers every request with the request's method and path.
func notesAPI(t *testing.T) *httptest.Server {
	t.Helper()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery})
	}))
	t.Cleanup(api.Close)
	return api
}

const (
	hitLog   = "starting from the compiled description"
	staleLog = "compiled description out of date"
)

// Without the cache, writing it, and from it: the same initialize and
// tools/list bytes, and the same call results.
func TestCachedServeMatchesUncached(t *testing.T) {
	api := notesAPI(t)
	p := profile.Profile{Name: "notes", Spec: notesSpec(t), BaseURL: api.URL + "/api"}
	calls := []string{
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_notes","arguments":{"search":"x y","page":2}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"list_notes","arguments":{"page":"two"}}}`,
		`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}`,
	}
	a, logs := cacheApp(t)
	cache := a.Cache
	a.Cache = nil
	uncached := serveOnce(t, a, p, calls...)
	a.Cache = cache
	first := serveOnce(t, a, p, calls...)
	if strings.Contains(logs.take(), hitLog) {
		t.Fatal("the first start read a cache entry")
	}
	cached := serveOnce(t, a, p, calls...)
	if !strings.Contains(logs.take(), hitLog) {
		t.Fatal("the second start did not use the cache entry")
	}
	for i := range uncached {
		if first[i] != uncached[i] || cached[i] != uncached[i] {
			t.Errorf("answer %d differs:\nuncached %.400s\nfirst    %.400s\ncached   %.400s", i, uncached[i], first[i], cached[i])
		}
	}
	if !strings.Contains(cached[2], `\"query\":\"page=2\u0026search=x+y\"`) && !strings.Contains(cached[2], `page=2`) {
		t.Errorf("call from the cache did not reach the API: %s", cached[2])
	}
	// No key in the cache.
	files, _ := filepath.Glob(filepath.Join(a.Cache.Dir, "*"+cacheExt))
	if len(files) != 1 {
		t.Fatalf("%d entries, want 1", len(files))
	}
	b, _ := os.ReadFile(files[0])
	if bytes.Contains(b, []byte("sk-cache-secret")) {
		t.Error("the cache entry holds the key")
	}
	if st, _ := os.Stat(files[0]); st.Mode().Perm() != 0o600 {
		t.Errorf("entry mode %v, want 0600", st.Mode().Perm())
	}
}

// Each rule that makes an entry unusable: the description's bytes, a file
// its $refs read, the build, an option; corrupt or truncated entries.
func TestCacheInvalidation(t *testing.T) {
	api := notesAPI(t)
	a, logs := cacheApp(t)
	p := profile.Profile{Name: "notes", Spec: notesSpec(t), BaseURL: api.URL + "/api"}
	warm := func() []string {
		t.Helper()
		out := serveOnce(t, a, p)
		logs.take()
		return out
	}
	expectMiss := func(what string) []string {
		t.Helper()
		out := serveOnce(t, a, p)
		if l := logs.take(); strings.Contains(l, hitLog) {
			t.Errorf("%s: the stale entry was used", what)
		}
		// The entry was written again: the next start uses it.
		again := serveOnce(t, a, p)
		if l := logs.take(); !strings.Contains(l, hitLog) {
			t.Errorf("%s: no entry written again", what)
		}
		if again[1] != out[1] {
			t.Errorf("%s: rebuilt and cached lists differ", what)
		}
		return out
	}
	before := warm()

	t.Run("description bytes", func(t *testing.T) {
		b, _ := os.ReadFile(p.Spec)
		os.WriteFile(p.Spec, bytes.Replace(b, []byte("List notes"), []byte("List every note"), 1), 0o600)
		out := expectMiss("changed description")
		if out[1] == before[1] || !strings.Contains(out[1], "List every note") {
			t.Errorf("the tools do not show the changed description: %.300s", out[1])
		}
	})

	t.Run("option", func(t *testing.T) {
		p.Prefix = "acme"
		defer func() { p.Prefix = "" }()
		out := expectMiss("another prefix")
		if !strings.Contains(out[1], `"name":"acme_list_notes"`) {
			t.Errorf("prefix not applied: %.300s", out[1])
		}
	})

	t.Run("build", func(t *testing.T) {
		old := a.Cache.Stamp
		a.Cache.Stamp = "another build"
		defer func() { a.Cache.Stamp = old }()
		expectMiss("another build")
	})

	entry := func() string {
		t.Helper()
		warm()
		return a.Cache.path(a.Cache.key(a.Name, p))
	}
	for _, tc := range []struct {
		name  string
		spoil func(b []byte) []byte
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)-10] }},
		{"garbage", func([]byte) []byte { return []byte("not an entry\n{") }},
		{"empty", func([]byte) []byte { return nil }},
		{"header cut", func(b []byte) []byte { return b[:len(cacheMagic)+20] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := entry()
			b, _ := os.ReadFile(path)
			os.WriteFile(path, tc.spoil(b), 0o600)
			expectMiss(tc.name)
		})
	}

	// A damaged tools/list section is found when tools/list is first
	// answered (initialize comes from the header alone): its bytes are
	// never sent, the tools are built and listed instead, and the entry
	// is written again.
	t.Run("flipped byte in the list", func(t *testing.T) {
		want := warm()
		path := a.Cache.path(a.Cache.key(a.Name, p))
		b, _ := os.ReadFile(path)
		i := bytes.Index(b, []byte(`"tools":[`)) + 12
		b[i] ^= 0x20
		os.WriteFile(path, b, 0o600)
		// initialize alone does not read the section.
		var initOut bytes.Buffer
		if err := a.Serve(context.Background(), p, strings.NewReader(initLine+"\n"), &initOut); err != nil {
			t.Fatal(err)
		}
		if l := logs.take(); strings.TrimSpace(initOut.String()) != want[0] || !strings.Contains(l, hitLog) || strings.Contains(l, "ignored") {
			t.Errorf("initialize from the header:\n got %s\nwant %s\n%s", initOut.String(), want[0], l)
		}
		out := serveOnce(t, a, p, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`)
		l := logs.take()
		if !strings.Contains(l, hitLog) || !strings.Contains(l, "compiled description ignored") {
			t.Errorf("the damaged list section was not found when read:\n%s", l)
		}
		if out[0] != want[0] || out[1] != want[1] {
			t.Errorf("answers from a damaged list section differ:\n got %.300s\nwant %.300s", out[1], want[1])
		}
		if !strings.Contains(out[2], `/api/notes/`) || strings.Contains(out[2], `"isError":true`) {
			t.Errorf("call after a damaged list section: %s", out[2])
		}
		again := serveOnce(t, a, p)
		if l := logs.take(); !strings.Contains(l, hitLog) || strings.Contains(l, "compiled description ignored") {
			t.Errorf("the entry was not written again:\n%s", l)
		}
		if again[1] != want[1] {
			t.Errorf("rewritten entry lists other tools: %.300s", again[1])
		}
	})

	// A damaged description section is found at the first call, which
	// then loads the description itself.
	t.Run("damaged description section", func(t *testing.T) {
		path := entry()
		b, _ := os.ReadFile(path)
		b[len(b)-5] ^= 0x20
		os.WriteFile(path, b, 0o600)
		out := serveOnce(t, a, p, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`)
		if !strings.Contains(out[2], `/api/notes/`) || strings.Contains(out[2], `"isError":true`) {
			t.Errorf("call after a damaged section: %s", out[2])
		}
		// The entry was written again: the next call reads it.
		logs.take()
		serveOnce(t, a, p, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`)
		if l := logs.take(); !strings.Contains(l, hitLog) || strings.Contains(l, "cannot be read") {
			t.Errorf("the entry was not written again:\n%s", l)
		}
	})

	// restmcp tools and call (one-shot) write a damaged entry again too.
	t.Run("damaged description section, one-shot", func(t *testing.T) {
		os.Remove(a.Cache.path(a.Cache.key(a.Name, p)))
		path := entry()
		b, _ := os.ReadFile(path)
		b[len(b)-5] ^= 0x20
		os.WriteFile(path, b, 0o600)
		if _, err := a.buildServer(context.Background(), p, false); err != nil {
			t.Fatal(err)
		}
		e, err := a.Cache.open(a.Cache.key(a.Name, p))
		if err != nil {
			t.Fatal(err)
		}
		defer e.close()
		if _, err := e.api(); err != nil {
			t.Errorf("the entry was not written again: %v", err)
		}
	})
}

// A description older than the entry is recognized by its size and time;
// a change of its bytes that changes either is still found.
func TestCacheTrustsOldFilesBySizeAndTime(t *testing.T) {
	api := notesAPI(t)
	a, logs := cacheApp(t)
	p := profile.Profile{Name: "notes", Spec: notesSpec(t), BaseURL: api.URL + "/api"}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(p.Spec, old, old)
	serveOnce(t, a, p)
	e, err := a.Cache.open(a.Cache.key(a.Name, p))
	if err != nil {
		t.Fatal(err)
	}
	if len(e.head.Files) != 1 || e.head.Files[0].MTime != old.UnixNano() {
		t.Errorf("files recorded: %+v", e.head.Files)
	}
	e.close()
	serveOnce(t, a, p)
	if !strings.Contains(logs.take(), hitLog) {
		t.Fatal("entry not used")
	}
	b, _ := os.ReadFile(p.Spec)
	os.WriteFile(p.Spec, bytes.Replace(b, []byte("List notes"), []byte("List notez"), 1), 0o600)
	os.Chtimes(p.Spec, old.Add(time.Minute), old.Add(time.Minute)) // same size, another old time
	out := serveOnce(t, a, p)
	if l := logs.take(); strings.Contains(l, hitLog) || !strings.Contains(out[1], "List notez") {
		t.Errorf("changed bytes with an old time: entry used")
	}
}

// A file read by a $ref is part of what an entry depends on.
func TestCacheFollowsRefFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.yaml"), []byte(`openapi: 3.0.3
info: {title: Refs, version: "1"}
servers: [{url: "http://127.0.0.1:9"}]
paths:
  /things:
    get:
      operationId: listThings
      summary: List things
      parameters:
        - $ref: "params.yaml#/limit"
      responses: {"200": {description: OK}}
`), 0o600)
	params := filepath.Join(dir, "params.yaml")
	os.WriteFile(params, []byte("limit: {name: limit, in: query, description: At most this many., schema: {type: integer}}\n"), 0o600)
	a, logs := cacheApp(t)
	p := profile.Profile{Name: "refs", Spec: filepath.Join(dir, "main.yaml")}
	serveOnce(t, a, p)
	serveOnce(t, a, p)
	if !strings.Contains(logs.take(), hitLog) {
		t.Fatal("no cache entry used")
	}
	os.WriteFile(params, []byte("limit: {name: limit, in: query, description: Up to this many things., schema: {type: integer}}\n"), 0o600)
	out := serveOnce(t, a, p)
	if l := logs.take(); strings.Contains(l, hitLog) || !strings.Contains(l, staleLog) {
		t.Errorf("changed $ref file: entry used: %s", l)
	}
	if !strings.Contains(out[1], "Up to this many things") {
		t.Errorf("the tools do not show the changed $ref file: %s", out[1])
	}

	// An operation whose $ref file is missing is left out; the entry
	// built without it is stale once the file appears.
	os.WriteFile(filepath.Join(dir, "main.yaml"), []byte(`openapi: 3.0.3
info: {title: Refs, version: "1"}
servers: [{url: "http://127.0.0.1:9"}]
paths:
  /things:
    get:
      operationId: listThings
      summary: List things
      responses: {"200": {description: OK}}
  /others:
    $ref: "others.yaml#/others"
`), 0o600)
	if out := serveOnce(t, a, p); strings.Contains(out[1], "list_others") {
		t.Fatalf("an operation of a missing file is listed: %s", out[1])
	}
	serveOnce(t, a, p)
	if !strings.Contains(logs.take(), hitLog) {
		t.Fatal("no cache entry used while the $ref file is missing")
	}
	os.WriteFile(filepath.Join(dir, "others.yaml"), []byte(`others:
  get:
    operationId: listOthers
    summary: List others
    responses: {"200": {description: OK}}
`), 0o600)
	out = serveOnce(t, a, p)
	if l := logs.take(); strings.Contains(l, hitLog) {
		t.Errorf("the missing $ref file appeared: entry used: %s", l)
	}
	if !strings.Contains(out[1], "list_others") {
		t.Errorf("the tools do not show the operation of the $ref file that appeared: %.400s", out[1])
	}
}

// A URL description: served from the cache at once; fetched again with
// its validators; 304 changes nothing; a changed description replaces the
// tools and the client hears of it.
func TestCachedURLDescriptionIsRevalidated(t *testing.T) {
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	version, sent304 := 1, 0
	var conds []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		etag := `"v` + string(rune('0'+version)) + `"`
		conds = append(conds, r.Header.Get("If-None-Match"))
		if r.Header.Get("If-None-Match") == etag {
			sent304++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		body := spec
		if version > 1 {
			body = bytes.Replace(spec, []byte("summary: List notes"), []byte("summary: List the notes, newest first"), 1)
		}
		w.Write(body)
	}))
	defer srv.Close()
	a, logs := cacheApp(t)
	// A URL that carries a secret in its query: the entry never holds it.
	p := profile.Profile{Name: "notes", Spec: srv.URL + "/openapi.yaml?token=sk-url-secret-1", BaseURL: "http://127.0.0.1:9/api"}
	first := serveOnce(t, a, p)
	logs.take()
	files, _ := filepath.Glob(filepath.Join(a.Cache.Dir, "*"+cacheExt))
	for _, f := range files {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte("sk-url-secret-1")) {
			t.Errorf("%s holds the secret of the description's URL", f)
		}
	}

	// Unchanged: 304, the same tools.
	second := serveOnce(t, a, p)
	mu.Lock()
	got304 := sent304
	mu.Unlock()
	if l := logs.take(); !strings.Contains(l, hitLog) {
		t.Fatalf("URL description not served from the cache: %s", l)
	}
	if got304 != 1 || second[1] != first[1] {
		t.Errorf("304s %d (conditions sent %q); lists equal %v", got304, conds, second[1] == first[1])
	}

	// Changed: a client connected over stdio is told and lists the new tools.
	mu.Lock()
	version = 2
	mu.Unlock()
	ctx := context.Background()
	cs, end := serveWatching(t, a, p, func() string { return "log: " + logs.take() })
	res, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var desc string
	for _, tl := range res.Tools {
		if tl.Name == "list_notes" {
			desc = tl.Description
		}
	}
	if !strings.Contains(desc, "newest first") {
		t.Errorf("list_notes after the change: %q", desc)
	}
	end()
	// The next start serves the changed tools from the cache.
	third := serveOnce(t, a, p)
	if !strings.Contains(third[1], "newest first") {
		t.Errorf("the cache was not updated: %.300s", third[1])
	}
}

// serveWatching runs a.Serve for an MCP client over pipes and returns its
// session once the server has sent notifications/tools/list_changed (the
// test fails after 10 s without it, saying why()); end closes the
// session and waits for Serve to return.
func serveWatching(t *testing.T, a *App, p profile.Profile, why func() string) (cs *mcp.ClientSession, end func()) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- a.Serve(context.Background(), p, inR, outW) }()
	changed := make(chan struct{}, 1)
	c := mcp.NewClient(&mcp.Implementation{Name: "t"}, &mcp.ClientOptions{
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
			select {
			case changed <- struct{}{}:
			default:
			}
		},
	})
	cs, err := c.Connect(context.Background(), &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(10 * time.Second):
		t.Fatalf("no notifications/tools/list_changed; %s", why())
	}
	return cs, func() {
		cs.Close()
		inW.Close()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		outR.Close()
	}
}

// The cache stays within its size: the least recently used entries go.
func TestCachePrunes(t *testing.T) {
	api := notesAPI(t)
	a, _ := cacheApp(t)
	p := profile.Profile{Name: "notes", Spec: notesSpec(t), BaseURL: api.URL + "/api"}
	serveOnce(t, a, p)
	files, _ := filepath.Glob(filepath.Join(a.Cache.Dir, "*"+cacheExt))
	if len(files) != 1 {
		t.Fatalf("%d entries", len(files))
	}
	st, _ := os.Stat(files[0])
	a.Cache.MaxBytes = st.Size() + 10
	old := time.Now().Add(-time.Hour)
	os.Chtimes(files[0], old, old)
	// Files of the user's in the same folder, older and larger than any
	// entry, and a temporary file a killed write left two hours ago.
	user := filepath.Join(a.Cache.Dir, "build.tools")
	tmp := filepath.Join(a.Cache.Dir, "."+strings.Repeat("ab", 20)+cacheExt+".tmp-123")
	for _, f := range []string{user, tmp} {
		if err := os.WriteFile(f, make([]byte, 2*st.Size()), 0o600); err != nil {
			t.Fatal(err)
		}
		older := time.Now().Add(-2 * time.Hour)
		os.Chtimes(f, older, older)
	}
	p.Prefix = "other"
	serveOnce(t, a, p)
	left, _ := filepath.Glob(filepath.Join(a.Cache.Dir, "*"+cacheExt))
	if len(left) != 2 || !slices.Contains(left, user) || slices.Contains(left, files[0]) {
		t.Errorf("entries after pruning: %v (the older was %s; %s is the user's)", left, files[0], user)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the left-over temporary file is still there (%v)", err)
	}
}

// A server started from the cache keeps the audit log of its calls.
func TestCachedServeAudits(t *testing.T) {
	api := notesAPI(t)
	a, logs := cacheApp(t)
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	p := profile.Profile{Name: "notes", Spec: notesSpec(t), BaseURL: api.URL + "/api", AuditLog: audit}
	serveOnce(t, a, p)
	serveOnce(t, a, p, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`)
	if !strings.Contains(logs.take(), hitLog) {
		t.Fatal("not started from the cache")
	}
	b, err := os.ReadFile(audit)
	if err != nil || strings.Count(string(b), `"tool":"list_notes"`) != 2 {
		t.Errorf("audit log: %s %v", b, err)
	}
}

// The audit log a session opens numbers the calls of every server of the
// session: a server rebuilt from a changed description goes on numbering.
func TestAuditLogNumbersTheSession(t *testing.T) {
	w, err := openAuditLog(filepath.Join(t.TempDir(), "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.(io.Closer).Close()
	if _, ok := w.(server.CallNumbers); !ok {
		t.Fatalf("%T does not number the session's calls", w)
	}
}

// TestCachedAPIKeepsBigIntegers: a description read from the cache checks
// calls against enum values past 2^53 as written, as the description read
// anew does (decoded into float64, 9007199254740993 would be refused).
func TestCachedAPIKeepsBigIntegers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	spec := filepath.Join(t.TempDir(), "big.json")
	doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"operationId":"getA","parameters":[
{"name":"id","in":"query","required":true,"schema":{"type":"integer","enum":[9007199254740993]}}]}}}}`
	if err := os.WriteFile(spec, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	p := profile.Profile{Name: "big", Spec: spec, BaseURL: srv.URL}
	call := `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_a","arguments":{"id":9007199254740993}}}`
	a, logs := cacheApp(t)
	for i := range 2 {
		got := serveOnce(t, a, p, call)[2]
		if i == 1 && !strings.Contains(logs.take(), hitLog) {
			t.Fatal("the second start did not use the cache entry")
		}
		if !strings.Contains(got, `ok`) || strings.Contains(got, "invalid arguments") {
			t.Errorf("start %d: %s", i+1, got)
		}
	}
}

// A description given as a file:// URL is cached as its file: one with
// an escape (a space) or the host localhost too.
func TestCacheFileURL(t *testing.T) {
	api := notesAPI(t)
	dir := filepath.Join(t.TempDir(), "my specs")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "notes.yaml")
	if err := os.Rename(notesSpec(t), path); err != nil {
		t.Fatal(err)
	}
	slashed := filepath.ToSlash(path)
	if !strings.HasPrefix(slashed, "/") {
		slashed = "/" + slashed
	}
	escaped := (&url.URL{Path: slashed}).EscapedPath()
	for _, spec := range []string{"file://" + escaped, "file://localhost" + escaped} {
		a, logs := cacheApp(t)
		p := profile.Profile{Name: "notes", Spec: spec, BaseURL: api.URL + "/api"}
		serveOnce(t, a, p)
		logs.take()
		serveOnce(t, a, p)
		if !strings.Contains(logs.take(), hitLog) {
			t.Errorf("%s: the second start did not use the cache entry", spec)
		}
	}
}

// A URL description answered again whole with other validators (a
// redeploy gives the same bytes a new ETag) keeps the new validators:
// the next start asks with them, and is answered 304.
func TestCachedURLKeepsNewValidators(t *testing.T) {
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	etag := `"deploy-1"`
	var conds []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		conds = append(conds, r.Header.Get("If-None-Match"))
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Write(spec)
	}))
	defer srv.Close()
	redeploy := func(tag string) {
		mu.Lock()
		defer mu.Unlock()
		etag, conds = tag, nil
	}
	sent := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(conds)
	}
	a, _ := cacheApp(t)
	p := profile.Profile{Name: "notes", Spec: srv.URL + "/openapi.yaml", BaseURL: "http://127.0.0.1:9/api"}
	serveOnce(t, a, p)

	// Over stdio: the background fetch.
	redeploy(`"deploy-2"`)
	serveOnce(t, a, p)
	serveOnce(t, a, p)
	if got := sent(); !slices.Equal(got, []string{`"deploy-1"`, `"deploy-2"`}) {
		t.Errorf("stdio: conditions sent %q, want the first ETag, then the new one", got)
	}

	// Listing tools: the fetch before the tools are built.
	redeploy(`"deploy-3"`)
	for range 2 {
		if _, err := a.ListServer(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	if got := sent(); !slices.Equal(got, []string{`"deploy-2"`, `"deploy-3"`}) {
		t.Errorf("tools: conditions sent %q, want the earlier ETag, then the new one", got)
	}
}

// A URL description that cannot be read when an entry exists is asked
// for once, and the entry's copy used: asked again, a URL that does not
// answer would take its time limit twice before the copy is used.
func TestCachedURLFailureIsAskedOnce(t *testing.T) {
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	down, asked := false, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if down {
			asked++
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Write(spec)
	}))
	defer srv.Close()
	a, logs := cacheApp(t)
	p := profile.Profile{Name: "notes", Spec: srv.URL + "/openapi.yaml", BaseURL: "http://127.0.0.1:9/api"}
	if _, err := a.ListServer(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	down = true
	mu.Unlock()
	srvTools, err := a.ListServer(context.Background(), p)
	if err != nil {
		t.Fatalf("the saved copy was not used: %v", err)
	}
	if len(srvTools.Tools()) == 0 {
		t.Fatal("no tools")
	}
	mu.Lock()
	defer mu.Unlock()
	if asked != 1 {
		t.Errorf("the description was asked for %d times, want once; log: %s", asked, logs.take())
	}
}

// Every byte of an entry's header is covered: one changed anywhere in it
// (the format line, the checksum, the JSON) makes the entry refused, never
// served with what the changed byte says (another tool name, other
// instructions or validators), and the start builds the tools from the
// description and writes the entry again.
func TestCacheHeaderFlippedByte(t *testing.T) {
	api := notesAPI(t)
	a, _ := cacheApp(t)
	p := profile.Profile{Name: "notes", Spec: notesSpec(t), BaseURL: api.URL + "/api"}
	want := serveOnce(t, a, p)
	key := a.Cache.key(a.Name, p)
	path := a.Cache.path(key)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := a.Cache.open(key)
	if err != nil {
		t.Fatal(err)
	}
	end := e.head.List.Off
	e.close()
	for i := range end {
		// A letter's case, a bit past ASCII (JSON would read it as U+FFFD),
		// then the low bit, after which the start itself is watched.
		for _, flip := range []byte{0x20, 0x80, 0x01} {
			b := bytes.Clone(good)
			b[i] ^= flip
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if e, err := a.Cache.open(key); err == nil {
				e.close()
				t.Errorf("byte %d of %d (%q) ^ %#x: the entry was accepted", i, end, good[i], flip)
				continue
			}
			if flip != 0x01 || testing.Short() && i%16 != 0 {
				continue
			}
			got := serveOnce(t, a, p)
			if got[0] != want[0] || got[1] != want[1] {
				t.Errorf("byte %d ^ %#x: other answers than the description's:\n%.300s\n%.300s", i, flip, got[0], got[1])
			}
			e, err := a.Cache.open(key)
			if err != nil {
				t.Fatalf("byte %d ^ %#x: the entry was not written again: %v", i, flip, err)
			}
			e.close()
		}
	}
}

// An entry's bytes, whatever they are, never make reading it panic: an
// entry is refused, or its sections read and checked.
func FuzzCacheEntry(f *testing.F) {
	a := testApp(f, nil)
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		f.Fatal(err)
	}
	p := profile.Profile{Name: "notes", Spec: filepath.Join(f.TempDir(), "notes.yaml")}
	if err := os.WriteFile(p.Spec, spec, 0o600); err != nil {
		f.Fatal(err)
	}
	api, err := a.LoadAPI(context.Background(), p, nil)
	if err != nil {
		f.Fatal(err)
	}
	srv, err := a.serverFor(p, api, false, nil, nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	key := a.Cache.key(a.Name, p)
	if err := a.Cache.write(key, p, srv.Prepared(), api); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(a.Cache.path(key))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(cacheMagic)+headerSum+40])
	f.Add([]byte(cacheMagic + "00000000 {}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(a.Cache.path(key), b, 0o600); err != nil {
			t.Fatal(err)
		}
		e, err := a.Cache.open(key)
		if err != nil {
			return
		}
		defer e.close()
		_, _ = e.head.Prepared.ReadList()
		_, _ = e.api()
	})
}

// A server whose every answer has its own ETag and Last-Modified (one per
// replica behind a load balancer) answers each conditional fetch whole,
// with the same bytes: the tools are not built again, the client is not
// told of a change, and the entry is not written again (the file read at
// start is the one still in place, its sections unchanged); only the new
// validators are kept in its header, so that a redeploy's are asked with
// next (TestCachedURLKeepsNewValidators).
func TestCachedURLReplicaValidators(t *testing.T) {
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var sent, conds []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		conds = append(conds, r.Header.Get("If-None-Match"))
		etag := fmt.Sprintf(`"replica-%d"`, len(conds))
		sent = append(sent, etag)
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", time.Unix(int64(len(conds))*3600, 0).UTC().Format(http.TimeFormat))
		w.Write(spec)
	}))
	defer srv.Close()
	a, logs := cacheApp(t)
	p := profile.Profile{Name: "notes", Spec: srv.URL + "/openapi.yaml", BaseURL: "http://127.0.0.1:9/api"}
	first := serveOnce(t, a, p)
	key := a.Cache.key(a.Name, p)
	path := a.Cache.path(key)
	// Held open, the file keeps its identity: one written in its place is
	// another file.
	orig, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	e, err := a.Cache.open(key)
	if err != nil {
		t.Fatal(err)
	}
	bodyOff := e.head.List.Off
	e.close()
	good, _ := os.ReadFile(path)
	check := func(what string) {
		t.Helper()
		cur, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer cur.Close()
		if !sameFile(orig, cur) {
			t.Errorf("%s: the entry was written again", what)
		}
		b, _ := os.ReadFile(path)
		if len(b) != len(good) || !bytes.Equal(b[bodyOff:], good[bodyOff:]) {
			t.Errorf("%s: the entry's sections changed", what)
		}
		e, err := a.Cache.open(key)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		defer e.close()
		mu.Lock()
		last := sent[len(sent)-1]
		mu.Unlock()
		if e.head.Validators.ETag != last {
			t.Errorf("%s: the entry keeps the ETag %s, want the last one sent, %s", what, e.head.Validators.ETag, last)
		}
	}

	// Over stdio: the background fetch, a client connected until it is
	// done.
	for i := range 2 {
		logs.take()
		inR, inW := io.Pipe()
		outR, outW := io.Pipe()
		done := make(chan error, 1)
		go func() { done <- a.Serve(context.Background(), p, inR, outW) }()
		var changed atomic.Int32
		c := mcp.NewClient(&mcp.Implementation{Name: "t"}, &mcp.ClientOptions{
			ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) { changed.Add(1) },
		})
		ctx := context.Background()
		cs, err := c.Connect(ctx, &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "the API description is unchanged"); {
			if time.Now().After(deadline) {
				t.Fatalf("start %d: the description was not fetched again; log: %s", i+2, logs.take())
			}
			time.Sleep(10 * time.Millisecond)
		}
		res, err := cs.ListTools(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		listed, _ := json.Marshal(res)
		time.Sleep(replaceWait / 10) // a notification would come now
		cs.Close()
		inW.Close()
		<-done
		outR.Close()
		if n := changed.Load(); n != 0 {
			t.Errorf("start %d: %d notifications/tools/list_changed", i+2, n)
		}
		if !strings.Contains(first[1], `"name":"list_notes"`) || !strings.Contains(string(listed), `"name":"list_notes"`) {
			t.Errorf("start %d: tools listed %.300s", i+2, listed)
		}
		check(fmt.Sprintf("start %d", i+2))
	}

	// Listing tools (and serve --http): the fetch before the tools are
	// built.
	for i := range 2 {
		if _, err := a.ListServer(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("listing %d", i+1))
	}
	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < len(conds); i++ {
		if conds[i] != sent[i-1] {
			t.Errorf("fetch %d asked with %s, want the ETag of the one before, %s", i+1, conds[i], sent[i-1])
		}
	}
}

// New validators and location are written in the header's place when
// they fit in it, and otherwise the entry is written again with its
// sections as they were: either way, read back, the entry has them and the
// same sections.
func TestCacheKeepValidators(t *testing.T) {
	api := notesAPI(t)
	a, _ := cacheApp(t)
	p := profile.Profile{Name: "notes", Spec: notesSpec(t), BaseURL: api.URL + "/api"}
	serveOnce(t, a, p)
	key := a.Cache.key(a.Name, p)
	for _, tc := range []struct {
		etag    string
		inPlace bool
	}{
		{`"short"`, true},
		{`"` + strings.Repeat("long", 100) + `"`, false},
		{`"short again"`, true},
	} {
		e, err := a.Cache.open(key)
		if err != nil {
			t.Fatal(err)
		}
		list, _ := e.read(e.head.List)
		desc, _ := e.read(e.head.API)
		location := "https://specs.example/" + tc.etag[1:6]
		if err := a.Cache.keepValidators(e, client.Validators{ETag: tc.etag}, location); err != nil {
			t.Fatal(err)
		}
		got, err := a.Cache.open(key)
		if err != nil {
			t.Fatalf("%.20s: %v", tc.etag, err)
		}
		if got.head.Validators.ETag != tc.etag || got.head.Location != location {
			t.Errorf("%.20s: the entry has the ETag %.20s, location %s", tc.etag, got.head.Validators.ETag, got.head.Location)
		}
		if sameFile(e.f, got.f) != tc.inPlace {
			t.Errorf("%.20s: rewritten in place %v, want %v", tc.etag, !tc.inPlace, tc.inPlace)
		}
		gl, _ := got.read(got.head.List)
		gd, _ := got.read(got.head.API)
		if !bytes.Equal(gl, list) || !bytes.Equal(gd, desc) {
			t.Errorf("%.20s: the sections changed", tc.etag)
		}
		if d, err := got.api(); err != nil || d.Validators.ETag != tc.etag || d.Location != location {
			t.Errorf("%.20s: the description read back: %v", tc.etag, err)
		}
		e.close()
		got.close()
	}
}

// A URL description served without validators (never answered 304) is
// answered whole at every start: when its bytes are the entry's, read from
// the same place, they are not decoded, and the entry's tools are served.
// The entry is made to hold bytes that are no description: the start that
// fetches them uses the entry without a word only if they are not decoded
// (decoded, they fail, and the copy saved earlier stands in with a
// warning). Other bytes are decoded, and their tools served and kept.
func TestCachedURLSameBytesNotDecoded(t *testing.T) {
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	body, fetched := spec, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fetched++
		w.Write(body)
	}))
	defer srv.Close()
	serve := func(b []byte) {
		mu.Lock()
		defer mu.Unlock()
		body = b
	}
	a, logs := cacheApp(t)
	ctx := context.Background()
	p := profile.Profile{Name: "notes", Spec: srv.URL + "/openapi.yaml", BaseURL: "http://127.0.0.1:9/api"}
	first := serveOnce(t, a, p)
	key := a.Cache.key(a.Name, p)
	e, err := a.Cache.open(key)
	if err != nil {
		t.Fatal(err)
	}
	if e.head.Location != srv.URL+"/openapi.yaml" {
		t.Errorf("the entry says it was read from %q", e.head.Location)
	}
	garbage := []byte("{this is no description")
	sum := sha256.Sum256(garbage)
	h := e.head
	h.Digest = hex.EncodeToString(sum[:])
	list, err := e.read(e.head.List)
	if err != nil {
		t.Fatal(err)
	}
	held, err := e.api()
	if err != nil {
		t.Fatal(err)
	}
	held.Digest = h.Digest
	apiJSON, _ := json.Marshal(held)
	e.close()
	if err := a.Cache.store(key, &h, list, apiJSON); err != nil {
		t.Fatal(err)
	}
	serve(garbage)
	logs.take()

	// Over stdio: the background fetch.
	second := serveOnce(t, a, p)
	if l := logs.take(); !strings.Contains(l, hitLog) || !strings.Contains(l, "the API description is unchanged") || strings.Contains(l, "saved earlier") {
		t.Errorf("serve: the answer was not judged by the entry's digest; log: %s", l)
	}
	if second[1] != first[1] {
		t.Errorf("serve: other tools listed: %.300s", second[1])
	}
	// Listing tools: the fetch before the tools are built.
	tools, err := a.ListServer(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if l := logs.take(); strings.Contains(l, "saved earlier") || len(tools.Tools()) == 0 {
		t.Errorf("tools: %d tools; the answer was not judged by the entry's digest; log: %s", len(tools.Tools()), l)
	}
	mu.Lock()
	if fetched != 3 {
		t.Errorf("fetched %d times, want once a start", fetched)
	}
	mu.Unlock()

	// Changed: decoded, built and kept.
	changed := bytes.Replace(spec, []byte("summary: List notes"), []byte("summary: List the notes, newest first"), 1)
	serve(changed)
	tools, err = a.ListServer(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if tl, ok := tools.Tool("list_notes"); !ok || !strings.Contains(tl.Description, "newest first") {
		t.Errorf("tools after the change: %+v", tl)
	}
	if e, err := a.Cache.open(key); err != nil || e.head.Digest == h.Digest {
		t.Errorf("the entry was not written again: %v", err)
	} else {
		e.close()
	}
	if third := serveOnce(t, a, p); !strings.Contains(third[1], "newest first") {
		t.Errorf("serve after the change: %.300s", third[1])
	}
}
