package client

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedSpecs finds the directory of public API descriptions that sits
// beside the repository (shared/specs in an ancestor directory), or skips.
func sharedSpecs(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if fi, err := os.Stat(filepath.Join(dir, "shared", "specs")); err == nil && fi.IsDir() {
			return filepath.Join(dir, "shared", "specs")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no shared/specs directory beside the repository")
		}
		dir = parent
	}
}

// sample makes a value that fits schema: the first enum value, else a
// value of the first type, with every required property of objects.
func sample(schema map[string]any, depth int) any {
	if schema == nil || depth > 8 {
		return "x"
	}
	if enum, ok := schema["enum"].([]any); ok && len(enum) > 0 {
		return enum[0]
	}
	for _, k := range []string{"anyOf", "oneOf", "allOf"} {
		if alts, ok := schema[k].([]any); ok && len(alts) > 0 {
			if s, ok := alts[0].(map[string]any); ok {
				return sample(s, depth+1)
			}
		}
	}
	typ := schema["type"]
	if types, ok := typ.([]any); ok && len(types) > 0 {
		typ = types[0]
	}
	switch typ {
	case "integer", "number":
		return 1.0
	case "boolean":
		return true
	case "array":
		items, _ := schema["items"].(map[string]any)
		return []any{sample(items, depth+1)}
	case "object":
		props, _ := schema["properties"].(map[string]any)
		out := map[string]any{}
		req, _ := schema["required"].([]any)
		for _, r := range req {
			name, _ := r.(string)
			p, _ := props[name].(map[string]any)
			out[name] = sample(p, depth+1)
		}
		return out
	}
	return "x y/z"
}

// TestBuildEverySharedSpec builds a request with sample arguments for every
// operation of every public description: none may fail, every path
// template must be filled, and form bodies must parse.
func TestBuildEverySharedSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("loads every public description")
	}
	dir := sharedSpecs(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") && !strings.HasSuffix(name, ".yaml") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			api, err := Load(context.Background(), filepath.Join(dir, name), LoadOptions{})
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			c := New(Options{BaseURL: "https://api.example.com/base", Credential: HeaderKey{Key: StaticKey("k")}})
			counts := map[string]int{}
			for _, op := range api.Operations {
				r := Request{Op: op, Path: map[string]any{}, Query: map[string]any{}, Header: map[string]any{}, Cookie: map[string]any{}}
				for _, p := range op.Params {
					if !p.Required && p.In != "path" {
						continue
					}
					v := sample(p.Schema, 0)
					switch p.In {
					case "path":
						r.Path[p.Name] = v
					case "query":
						r.Query[p.Name] = v
					case "header":
						r.Header[p.Name] = v
					case "cookie":
						r.Cookie[p.Name] = v
					}
				}
				if op.Body != nil {
					r.Body = sample(op.Body.Schema, 0)
				}
				b, err := c.build(r)
				if err != nil {
					t.Errorf("%s %s: %v", op.Method, op.Path, err)
					continue
				}
				if strings.ContainsAny(b.url.EscapedPath(), "{}") {
					t.Errorf("%s %s: template left in %s", op.Method, op.Path, b.url)
				}
				if strings.Contains(b.url.EscapedPath(), "x y") || strings.Contains(b.url.EscapedPath(), "x%20y/z") {
					t.Errorf("%s %s: path value not escaped: %s", op.Method, op.Path, b.url.EscapedPath())
				}
				if b.body != nil && strings.HasPrefix(b.contentType, "application/x-www-form-urlencoded") {
					if _, err := url.ParseQuery(string(b.body)); err != nil {
						t.Errorf("%s %s: form body %q: %v", op.Method, op.Path, b.body, err)
					}
				}
				counts[b.contentType]++
			}
			t.Logf("%d operations built; body types %v", len(api.Operations), counts)
		})
	}
}
