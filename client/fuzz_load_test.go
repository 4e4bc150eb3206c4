package client

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzLoad loads any document, with a schema file beside it: nothing
// panics or hangs, and a description that loads is self-contained.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"oas30.yaml", "oas31.yaml", "swagger2.json", "refs.json", "circular.json"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "load", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(specWithRef("schemas.json#/Q")))
	f.Add([]byte(specWithRef("/dev/zero")))
	f.Add([]byte(specWithRef("#/a/b")))
	f.Add([]byte("openapi: 3.1.0\npaths:\n  /a:\n    get: {}\n"))
	f.Add([]byte(`{"swagger":"2.0","paths":{"/x":{"get":{"parameters":[{"$ref":"#/parameters/p"}]}}},"parameters":{"p":{"$ref":"#/parameters/p"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "schemas.json"), []byte(`{"Q":{"type":"string"}}`), 0o600); err != nil {
			t.Fatal(err)
		}
		spec := filepath.Join(dir, "api")
		if err := os.WriteFile(spec, data, 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		api, err := Load(ctx, spec, LoadOptions{})
		if err == nil {
			assertSelfContained(t, api)
		}
	})
}

// specWithRef is a description whose one parameter schema is a $ref.
func specWithRef(ref string) string {
	return `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":[{"url":"http://api.test"}],
"paths":{"/x":{"get":{"operationId":"x","parameters":[{"name":"q","in":"query","schema":{"$ref":"` + ref + `"}}],
"responses":{"200":{"description":"ok"}}}}}}`
}

func writeSpec(t *testing.T, dir, ref string) string {
	t.Helper()
	p := filepath.Join(dir, "api.json")
	if err := os.WriteFile(p, []byte(specWithRef(ref)), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
