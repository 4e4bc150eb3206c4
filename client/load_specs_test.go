package client

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"go.yaml.in/yaml/v4"
)

// sharedSpecFiles returns the real descriptions in ../shared/specs beside the
// repository (found by walking up from this package), skipping the test
// when they are absent.
func sharedSpecFiles(tb testing.TB) []string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		specs := filepath.Join(dir, "shared", "specs")
		if st, err := os.Stat(specs); err == nil && st.IsDir() {
			var files []string
			entries, err := os.ReadDir(specs)
			if err != nil {
				tb.Fatal(err)
			}
			for _, e := range entries {
				switch strings.ToLower(filepath.Ext(e.Name())) {
				case ".json", ".yaml", ".yml":
					files = append(files, filepath.Join(specs, e.Name()))
				}
			}
			if len(files) == 0 {
				tb.Skipf("no descriptions in %s", specs)
			}
			return files
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("shared/specs not found beside the repository")
		}
		dir = parent
	}
}

// countOperations counts the operations of a description on its own terms:
// HTTP methods under each path item (webhooks are not operations).
func countOperations(t *testing.T, file string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths" yaml:"paths"`
	}
	if strings.HasSuffix(file, ".json") {
		err = json.Unmarshal(data, &doc)
	} else {
		err = yaml.Unmarshal(data, &doc)
	}
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	n := 0
	for _, item := range doc.Paths {
		for m := range item {
			if slices.Contains([]string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}, m) {
				n++
			}
		}
	}
	return n
}

func TestLoadSharedSpecs(t *testing.T) {
	for _, file := range sharedSpecFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			api, err := Load(context.Background(), file, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range api.Skipped {
				t.Errorf("skipped %s %s: %s", s.Method, s.Path, s.Reason)
			}
			if want := countOperations(t, file); len(api.Operations) != want {
				t.Errorf("%d operations, the document has %d", len(api.Operations), want)
			}
			if len(api.Servers) == 0 && api.Format != "openapi-3.1" {
				t.Errorf("no servers")
			}
			assertSelfContained(t, api)
			assertSorted(t, api)
			assertResolvable(t, api)
		})
	}
}

// assertResolvable checks that the argument validator (jsonschema-go, the
// library go-sdk uses) accepts every schema: patterns compile, keywords are
// well-formed.
func assertResolvable(t *testing.T, api *API) {
	t.Helper()
	check := func(op *Operation, what string, m map[string]any) {
		data, err := json.Marshal(m)
		if err != nil {
			t.Errorf("%s %s %s: %v", op.Method, op.Path, what, err)
			return
		}
		var s jsonschema.Schema
		if err := json.Unmarshal(data, &s); err != nil {
			t.Errorf("%s %s %s: not a JSON Schema: %v", op.Method, op.Path, what, err)
			return
		}
		if _, err := s.Resolve(nil); err != nil {
			t.Errorf("%s %s %s: %v", op.Method, op.Path, what, err)
		}
	}
	for _, op := range api.Operations {
		for _, p := range op.Params {
			check(op, "parameter "+p.Name, p.Schema)
		}
		if op.Body != nil {
			check(op, "body", op.Body.Schema)
		}
	}
}

func assertSorted(t *testing.T, api *API) {
	t.Helper()
	rank := func(m string) int { return slices.Index(pathMethods, strings.ToLower(m)) }
	ok := slices.IsSortedFunc(api.Operations, func(a, b *Operation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return rank(a.Method) - rank(b.Method)
	})
	if !ok {
		t.Error("operations not sorted by path, then method")
	}
}

func schemaBytes(api *API) int {
	n := 0
	for _, op := range api.Operations {
		for _, p := range op.Params {
			b, _ := json.Marshal(p.Schema)
			n += len(b)
		}
		if op.Body != nil {
			b, _ := json.Marshal(op.Body.Schema)
			n += len(b)
		}
	}
	return n
}

// BenchmarkLoad loads each shared description (read, decode, index, convert
// every schema) and reports the total JSON size of its parameter and body
// schemas.
func BenchmarkLoad(b *testing.B) {
	for _, file := range sharedSpecFiles(b) {
		b.Run(strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)), func(b *testing.B) {
			var api *API
			for b.Loop() {
				var err error
				api, err = Load(context.Background(), file, LoadOptions{})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(schemaBytes(api)), "schema-bytes")
			b.ReportMetric(float64(len(api.Operations)), "operations")
		})
	}
}
