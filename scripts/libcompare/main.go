// Command libcompare measures OpenAPI loaders on real descriptions: whether
// each loads, how many operations it finds and how long it takes. It
// compares getkin/kin-openapi, pb33f/libopenapi and restmcp's own loader
// (client.Load), and prints a Markdown table.
//
//	cd scripts/libcompare && go run . [-specs DIR] [-runs N]
//
// It is its own module so that restmcp itself does not depend on either
// library.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/pb33f/libopenapi"
	"go.yaml.in/yaml/v4"

	"github.com/restmcp/restmcp/client"
)

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// result is one loader on one file.
type result struct {
	ops int
	dur time.Duration
	err error
}

func main() {
	specs := flag.String("specs", "", "directory of descriptions (default: shared/specs beside the repository)")
	runs := flag.Int("runs", 3, "runs per loader and file; the median time is shown")
	flag.Parse()
	if err := run(*specs, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "libcompare:", err)
		os.Exit(1)
	}
}

func run(dir string, runs int) error {
	if dir == "" {
		var err error
		if dir, err = findSpecs(); err != nil {
			return err
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		return err
	}
	loaders := []struct {
		name string
		load func(file string, data []byte, swagger bool) (int, error)
	}{
		{"restmcp client.Load", loadOurs},
		{"kin-openapi v0.152.0", loadKin},
		{"libopenapi v0.40.0", loadLibopenapi},
		{"decode only (encoding/json or yaml.v4 Node)", decodeOnly},
	}
	fmt.Println("| file | operations in the document | " + strings.Join(names(loaders), " | ") + " |")
	fmt.Println("|---|---|" + strings.Repeat("---|", len(loaders)))
	for _, file := range files {
		ext := strings.ToLower(filepath.Ext(file))
		if ext != ".json" && ext != ".yaml" && ext != ".yml" {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		want, swagger, err := countOperations(data)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		row := []string{filepath.Base(file), fmt.Sprint(want)}
		for _, l := range loaders {
			var rs []result
			for range runs {
				start := time.Now()
				n, err := l.load(file, data, swagger)
				rs = append(rs, result{n, time.Since(start), err})
			}
			slices.SortFunc(rs, func(a, b result) int { return int(a.dur - b.dur) })
			r := rs[len(rs)/2]
			cell := fmt.Sprintf("%d ms", r.dur.Milliseconds())
			if r.ops >= 0 {
				cell += fmt.Sprintf(", %d ops", r.ops)
			}
			if r.err != nil {
				cell += ", error: " + firstLine(r.err)
			}
			row = append(row, cell)
		}
		fmt.Println("| " + strings.Join(row, " | ") + " |")
	}
	return nil
}

func names[T any](ls []struct {
	name string
	load T
}) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.name)
	}
	return out
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if len(s) > 90 {
		s = s[:90] + "…"
	}
	return strings.ReplaceAll(s, "|", "\\|")
}

func findSpecs() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		specs := filepath.Join(dir, "shared", "specs")
		if st, err := os.Stat(specs); err == nil && st.IsDir() {
			return specs, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("shared/specs not found beside the repository: pass -specs DIR")
		}
		dir = parent
	}
}

// countOperations counts HTTP methods under paths, independently of the
// loaders, and reports whether the document is Swagger 2.0.
func countOperations(data []byte) (int, bool, error) {
	var doc struct {
		Swagger any                       `json:"swagger" yaml:"swagger"`
		Paths   map[string]map[string]any `json:"paths" yaml:"paths"`
	}
	var err error
	if isJSON(data) {
		err = json.Unmarshal(data, &doc)
	} else {
		err = yaml.Unmarshal(data, &doc)
	}
	if err != nil {
		return 0, false, err
	}
	n := 0
	for _, item := range doc.Paths {
		for m := range item {
			if slices.Contains(methods, m) {
				n++
			}
		}
	}
	return n, doc.Swagger != nil, nil
}

func isJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

func loadOurs(file string, _ []byte, _ bool) (int, error) {
	api, err := client.Load(context.Background(), file, client.LoadOptions{})
	if err != nil {
		return -1, err
	}
	if len(api.Skipped) > 0 {
		return len(api.Operations), fmt.Errorf("%d operations skipped", len(api.Skipped))
	}
	return len(api.Operations), nil
}

func loadKin(file string, data []byte, swagger bool) (int, error) {
	var doc *openapi3.T
	if swagger {
		var d2 openapi2.T
		if err := json.Unmarshal(data, &d2); err != nil {
			return -1, err
		}
		var err error
		if doc, err = openapi2conv.ToV3(&d2); err != nil {
			return -1, err
		}
	} else {
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = true
		var err error
		if doc, err = loader.LoadFromData(data); err != nil {
			return -1, err
		}
	}
	n := 0
	if doc.Paths != nil {
		for _, item := range doc.Paths.Map() {
			for m := range item.Operations() {
				if slices.Contains(methods, strings.ToLower(m)) {
					n++
				}
			}
		}
	}
	return n, nil
}

func loadLibopenapi(file string, data []byte, swagger bool) (int, error) {
	doc, err := libopenapi.NewDocument(data)
	if err != nil {
		return -1, err
	}
	n := 0
	if swagger {
		m, err := doc.BuildV2Model()
		if m != nil && m.Model.Paths != nil {
			for _, item := range m.Model.Paths.PathItems.FromOldest() {
				for k := range item.GetOperations().KeysFromOldest() {
					if slices.Contains(methods, strings.ToLower(k)) {
						n++
					}
				}
			}
		}
		return n, err
	}
	m, err := doc.BuildV3Model()
	if m == nil {
		return -1, err
	}
	if m.Model.Paths != nil {
		for _, item := range m.Model.Paths.PathItems.FromOldest() {
			for k := range item.GetOperations().KeysFromOldest() {
				if slices.Contains(methods, strings.ToLower(k)) {
					n++
				}
			}
		}
	}
	return n, err
}

// decodeOnly is the floor: decoding the bytes without any OpenAPI work.
func decodeOnly(_ string, data []byte, _ bool) (int, error) {
	if isJSON(data) {
		var v any
		return -1, json.Unmarshal(data, &v)
	}
	var n yaml.Node
	return -1, yaml.Unmarshal(data, &n)
}
