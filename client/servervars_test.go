package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A server variable takes its default, "" included; the first value of
// its enum only when it has no default. One the description does not
// declare is left as written, and a call through that server is refused
// with what to do rather than sent to a path holding "%7Bregion%7D".
func TestServerVariables(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a request was sent to %s", r.URL)
	}))
	defer api.Close()
	spec := `openapi: 3.0.3
info: {title: vars, version: "1"}
servers:
  - url: http://h/{stage}api/{version}
    variables:
      stage: {default: "", enum: ["beta/", ""]}
      version: {enum: [v2, v1]}
paths:
  /a:
    get:
      operationId: getA
      servers: [{url: "` + api.URL + `/{region}/api"}]
      responses: {"200": {description: ok}}
`
	file := filepath.Join(t.TempDir(), "vars.yaml")
	if err := os.WriteFile(file, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(context.Background(), file, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := loaded.Servers; len(got) != 1 || got[0] != "http://h/api/v2" {
		t.Errorf("servers %q, want http://h/api/v2 (the empty default, the enum's first value)", got)
	}
	op := loaded.Operations[0]
	if v := UnsetVariable(op.Servers[0]); v != "{region}" {
		t.Errorf("UnsetVariable(%q) = %q", op.Servers[0], v)
	}
	c := New(Options{BaseURL: "http://h/api/v2"})
	_, err = c.Do(context.Background(), Request{Op: op})
	if err == nil || !strings.Contains(err.Error(), "{region}") || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("a call through a server with an undeclared variable: %v", err)
	}
}

// A description's location is a file path or an http(s) (or file) URL;
// another scheme is refused with what to do, not read as a path.
func TestCheckSource(t *testing.T) {
	for _, ok := range []string{"openapi.yaml", "./a://b.yaml", `C:\specs\api.yaml`, "C:/specs/api.yaml", "https://x/a.json", "HTTP://x/a.json", "file:///tmp/a.yaml"} {
		if err := CheckSource(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"ftp://x/y.yaml", "s3://bucket/api.json", "git+ssh://h/r"} {
		err := CheckSource(bad)
		if err == nil || !strings.Contains(err.Error(), "http(s) URL") {
			t.Errorf("%s: %v", bad, err)
		}
		if _, err := Load(context.Background(), bad, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "download it first") {
			t.Errorf("Load(%s): %v", bad, err)
		}
	}
}

// A key written twice in one YAML mapping is refused, naming both lines:
// the second "/a:" would silently take the first one's operations away.
// A key a merge (<<) brings and the mapping then writes is no duplicate.
func TestYAMLDuplicateKeys(t *testing.T) {
	dup := "openapi: 3.0.3\ninfo: {title: d, version: \"1\"}\npaths:\n  /a:\n    get: {responses: {\"200\": {description: ok}}}\n  /a:\n    post: {responses: {\"200\": {description: ok}}}\n"
	_, err := decodeDocument([]byte(dup))
	if err == nil || !strings.Contains(err.Error(), `line 6: the key "/a" is written twice`) || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("a key written twice: %v", err)
	}
	merged := "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  x: 3\n"
	v, err := decodeDocument([]byte(merged))
	if err != nil {
		t.Fatalf("a merge then a key: %v", err)
	}
	if o := v.(map[string]any)["other"].(map[string]any); o["x"] != 3 || o["y"] != 2 {
		t.Errorf("merged mapping %v, want x 3 (written) and y 2 (merged)", o)
	}
}
