package server

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// checkAnnotations asserts that every operation tool of s carries
// annotations whose hints match its HTTP method.
func checkAnnotations(t *testing.T, s *Server) {
	t.Helper()
	for _, op := range s.ops {
		a := op.def.Annotations
		if a == nil {
			t.Errorf("%s: no annotations", op.def.Name)
			continue
		}
		m := op.op.Method
		if a.ReadOnlyHint != isReadOnly(m) {
			t.Errorf("%s (%s): readOnlyHint %v", op.def.Name, m, a.ReadOnlyHint)
		}
		if a.OpenWorldHint == nil || !*a.OpenWorldHint {
			t.Errorf("%s: openWorldHint not true", op.def.Name)
		}
		if op.def.Title == "" || a.Title != "" {
			t.Errorf("%s: title %q, annotations' title %q: the title goes once, in the tool", op.def.Name, op.def.Title, a.Title)
		}
		if a.ReadOnlyHint && (a.DestructiveHint == nil || *a.DestructiveHint) {
			t.Errorf("%s (%s): destructiveHint %v, want false set", op.def.Name, m, a.DestructiveHint)
		}
		if !a.ReadOnlyHint {
			if a.DestructiveHint == nil || *a.DestructiveHint != (m != "POST") {
				t.Errorf("%s (%s): destructiveHint %v", op.def.Name, m, a.DestructiveHint)
			}
			if a.IdempotentHint != (m == "PUT" || m == "DELETE") {
				t.Errorf("%s (%s): idempotentHint %v", op.def.Name, m, a.IdempotentHint)
			}
		}
	}
}

// TestEveryToolSetsTheThreeHints checks every tool of every layout on the
// wire: readOnlyHint, destructiveHint and openWorldHint are all there, as
// app directories ask (a read-only tool is not destructive, and says so).
func TestEveryToolSetsTheThreeHints(t *testing.T) {
	for _, layout := range []string{LayoutOperations, LayoutResources, LayoutSearch} {
		s, err := New(Config{API: projectsAPI(), Layout: layout})
		if err != nil {
			t.Fatal(err)
		}
		for _, tool := range s.Tools() {
			b, _ := json.Marshal(tool.Annotations)
			for _, hint := range []string{`"readOnlyHint":`, `"destructiveHint":`, `"openWorldHint":`} {
				if !strings.Contains(string(b), hint) {
					t.Errorf("%s layout, %s: %s not set: %s", layout, tool.Name, hint, b)
				}
			}
			if d := tool.Annotations.DestructiveHint; tool.Annotations.ReadOnlyHint && d != nil && *d {
				t.Errorf("%s layout, %s: read-only and destructive", layout, tool.Name)
			}
		}
	}
}

// TestToolLiteralsSetReadOnlyHint scans the package's source: every
// mcp.ToolAnnotations literal must set ReadOnlyHint explicitly, because an
// unset hint and false look the same at run time.
func TestToolLiteralsSetReadOnlyHint(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			sel, ok := lit.Type.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "ToolAnnotations" {
				return true
			}
			found++
			for _, e := range lit.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "ReadOnlyHint" {
						return true
					}
				}
			}
			t.Errorf("%s: mcp.ToolAnnotations without ReadOnlyHint", fset.Position(lit.Pos()))
			return true
		})
	}
	if found == 0 {
		t.Fatal("no mcp.ToolAnnotations literal found: the scan is broken")
	}
}
