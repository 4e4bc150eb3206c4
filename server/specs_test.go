package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/client"
)

// sharedSpecs returns the API descriptions in ../shared/specs beside the
// repository root, skipping the test when there are none.
func sharedSpecs(tb testing.TB) []string {
	tb.Helper()
	// The repository root's sibling; from a linked worktree, the main
	// checkout's sibling.
	var dir string
	for _, arg := range []string{"--show-toplevel", "--git-common-dir"} {
		out, err := exec.Command("git", "rev-parse", "--path-format=absolute", arg).Output()
		if err != nil {
			continue
		}
		root := strings.TrimSpace(string(out))
		if arg == "--git-common-dir" {
			root = filepath.Dir(root)
		}
		if st, err := os.Stat(filepath.Join(root, "..", "shared", "specs")); err == nil && st.IsDir() {
			dir = filepath.Join(root, "..", "shared", "specs")
			break
		}
	}
	if dir == "" {
		tb.Skip("no ../shared/specs beside the repository")
	}
	var files []string
	for _, pat := range []string{"*.json", "*.yaml", "*.yml"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		files = append(files, m...)
	}
	if len(files) == 0 {
		tb.Skipf("no API descriptions in %s", dir)
	}
	return files
}

func loadSpec(tb testing.TB, file string) *client.API {
	tb.Helper()
	api, err := client.Load(context.Background(), file, client.LoadOptions{})
	if err != nil {
		tb.Fatalf("Load(%s): %v", filepath.Base(file), err)
	}
	return api
}

var reSchemaRefs = regexp.MustCompile(`"\$(ref|defs|schema)":`)

// TestSharedSpecs turns every shared description into tools and checks
// what every MCP client and model API needs of them.
func TestSharedSpecs(t *testing.T) {
	for _, file := range sharedSpecs(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			api := loadSpec(t, file)
			s, err := New(Config{API: api, Prefix: "acme", Layout: LayoutOperations})
			if err != nil {
				t.Fatal(err)
			}
			checkAnnotations(t, s)
			tools := s.Tools()
			if want := len(api.Operations) + describes(s); len(tools) != want {
				t.Errorf("%d tools for %d operations (and %d describe tool)", len(tools), len(api.Operations), describes(s))
			}
			seen := map[string]bool{}
			for _, tool := range tools {
				if !validName.MatchString(tool.Name) {
					t.Errorf("invalid name %q", tool.Name)
				}
				if seen[tool.Name] {
					t.Errorf("duplicate name %q", tool.Name)
				}
				seen[tool.Name] = true
				schema := schemaOf(t, tool)
				if schema["type"] != "object" {
					t.Errorf("%s: schema root type %v", tool.Name, schema["type"])
				}
				for name := range schema["properties"].(map[string]any) {
					if !validArg.MatchString(name) {
						t.Errorf("%s: invalid property name %q", tool.Name, name)
					}
					if tool.Name == s.describe {
						continue
					}
					// No model can know the API's own key (Slack's token
					// parameter); a token in a body is data (GitHub's
					// apps/check-token).
					op := s.byName[tool.Name].op
					if b := s.byName[tool.Name].in.bindings[name]; b.In == inHeader || b.In == inQuery {
						for _, p := range op.Params {
							if p.Name == b.Name && (p.Name == "token" || p.Name == "access_token") && strings.Contains(strings.ToLower(p.Description), "auth") {
								t.Errorf("%s: takes the authentication token %q as an argument", tool.Name, name)
							}
						}
					}
				}
				if tool.Annotations == nil {
					t.Errorf("%s: no annotations", tool.Name)
				}
			}
			b, err := json.Marshal(tools)
			if err != nil {
				t.Fatal(err)
			}
			// Property names may legitimately be "$ref" (SCIM); keywords never.
			if m := reSchemaRefs.FindAllIndex(b, 3); m != nil {
				for _, loc := range m {
					ctx := string(b[max(0, loc[0]-80):min(len(b), loc[1]+40)])
					if !strings.Contains(ctx, `"properties":{`) {
						t.Errorf("schema keyword in tools: …%s…", ctx)
					}
				}
			}
			sizes := []string{fmt.Sprintf("operations: %d tools, %d bytes", len(tools), len(b))}
			for _, layout := range []string{LayoutResources, LayoutSearch} {
				ls, err := New(Config{API: api, Prefix: "acme", Layout: layout})
				if err != nil {
					t.Fatalf("layout %s: %v", layout, err)
				}
				seen := map[string]bool{}
				for _, tool := range ls.Tools() {
					if !validName.MatchString(tool.Name) || seen[tool.Name] {
						t.Errorf("layout %s: invalid or duplicate name %q", layout, tool.Name)
					}
					seen[tool.Name] = true
				}
				lb, _ := json.Marshal(ls.Tools())
				sizes = append(sizes, fmt.Sprintf("%s: %d tools, %d bytes", layout, len(ls.Tools()), len(lb)))
			}
			t.Logf("tools/list sizes: %s", strings.Join(sizes, "; "))
		})
	}
}

var validArg = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,64}$`)

func BenchmarkNew(b *testing.B) {
	for _, file := range sharedSpecs(b) {
		base := filepath.Base(file)
		if !strings.HasPrefix(base, "github") && !strings.HasPrefix(base, "stripe") {
			continue
		}
		api := loadSpec(b, file)
		b.Run(strings.TrimSuffix(base, filepath.Ext(base)), func(b *testing.B) {
			for b.Loop() {
				if _, err := New(Config{API: api}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewMCP is New plus registering every tool with the MCP server,
// what `serve` does before it answers initialize.
func BenchmarkNewMCP(b *testing.B) {
	for _, file := range sharedSpecs(b) {
		base := filepath.Base(file)
		if !strings.HasPrefix(base, "github") && !strings.HasPrefix(base, "stripe") {
			continue
		}
		api := loadSpec(b, file)
		b.Run(strings.TrimSuffix(base, filepath.Ext(base)), func(b *testing.B) {
			for b.Loop() {
				s, err := New(Config{API: api})
				if err != nil {
					b.Fatal(err)
				}
				s.MCPServer()
			}
		})
	}
}

// describes is 1 when the operations listing of s has describe_tool (some
// tool gives fields by their names alone), else 0.
func describes(s *Server) int {
	for _, t := range s.ops {
		if t.in != nil && len(t.in.summarised) > 0 {
			if _, ok := s.Tool(s.describe); !ok {
				panic("summarised fields without describe_tool")
			}
			return 1
		}
	}
	return 0
}

// TestSharedFastAPIOptionalFile lists the full-stack FastAPI template's
// upload as FastAPI writes it for an optional file (`UploadFile | None`:
// anyOf binary or null, not required) and checks that its file field says
// how to send and name the file as the template's own required one does.
func TestSharedFastAPIOptionalFile(t *testing.T) {
	var file string
	for _, f := range sharedSpecs(t) {
		if filepath.Base(f) == "fastapi-template-openapi.json" {
			file = f
		}
	}
	if file == "" {
		t.Skip("no fastapi-template-openapi.json in the shared specs")
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	body := doc["components"].(map[string]any)["schemas"].(map[string]any)["Body_documents-create_document"].(map[string]any)
	fileDesc := func(t *testing.T, file string) string {
		t.Helper()
		s, err := New(Config{API: loadSpec(t, file), Layout: LayoutOperations})
		if err != nil {
			t.Fatal(err)
		}
		for _, tool := range s.Tools() {
			if st, ok := s.byName[tool.Name]; ok && st.op.ID == "documents-create_document" {
				in, _ := json.Marshal(tool.InputSchema)
				var m struct {
					Properties map[string]struct{ Description string }
				}
				_ = json.Unmarshal(in, &m)
				return m.Properties["file"].Description
			}
		}
		t.Fatal("no tool for documents-create_document")
		return ""
	}
	if d := fileDesc(t, file); d != fileNote {
		t.Fatalf("the required file: description %q, want %q", d, fileNote)
	}
	body["properties"].(map[string]any)["file"] = map[string]any{
		"anyOf": []any{map[string]any{"type": "string", "format": "binary"}, map[string]any{"type": "null"}},
		"title": "File",
	}
	delete(body, "required")
	optional := filepath.Join(t.TempDir(), "fastapi-optional-file.json")
	out, _ := json.Marshal(doc)
	if err := os.WriteFile(optional, out, 0o600); err != nil {
		t.Fatal(err)
	}
	if d := fileDesc(t, optional); d != fileNote {
		t.Errorf("the optional file: description %q, want %q", d, fileNote)
	}
}
