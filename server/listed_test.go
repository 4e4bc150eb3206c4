package server

import (
	"encoding/json"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/client"
)

// sameListing checks that listedClean(s, depth) is what listedSchema makes
// of cleanSchema(s, depth), the two copies it replaces at start.
func sameListing(t *testing.T, at string, s map[string]any, depth int) {
	t.Helper()
	want := portable(cleanSchema(s, depth))
	if got := listedClean(s, depth); !reflect.DeepEqual(got, want) {
		t.Errorf("%s (depth %d):\n got %v\nwant %v", at, depth, got, want)
	}
}

func TestListedCleanIsListedSchemaOfCleanSchema(t *testing.T) {
	long := make([]any, maxEnum+1)
	for i := range long {
		long[i] = i
	}
	for name, s := range map[string]map[string]any{
		"nullable":       {"type": []any{"string", "null"}, "format": "int64", "maxLength": 5000},
		"types":          {"type": []any{"string", "integer"}, "default": false, "uniqueItems": true},
		"types, anyOf":   {"type": []any{"string", "integer"}, "anyOf": []any{map[string]any{"type": "string"}, true}},
		"types, no list": {"type": []any{"string", "integer"}, "anyOf": map[string]any{}},
		"only null":      {"type": []any{"null"}},
		"const":          {"const": "x", "description": "A constant. More words here."},
		"long enum":      {"enum": long, "description": "Codes."},
		"tuple items":    {"type": "array", "items": []any{map[string]any{"type": "string"}}, "prefixItems": []any{true}},
		"bool items":     {"type": "array", "items": true, "maxItems": 2000, "minItems": 1},
		"required":       {"properties": map[string]any{"a": map[string]any{}, "b": true, "c": 3}, "required": []string{"a", "b", "c", "d"}},
		"required none":  {"properties": map[string]any{"a": map[string]any{}}, "required": []any{"x", 1}},
		"required empty": {"required": []any{}},
		"cut":            {"type": "object", client.CutKey: "Node, recursive", "description": "A node."},
		"cut, no name":   {"type": "object", client.CutKey: ""},
		"dropped":        {"$ref": "#/x", "x-y": 1, "additionalProperties": map[string]any{"type": "string"}, "title": "T", "example": 1},
		"choices":        {"oneOf": []any{map[string]any{"format": "date"}, false, "x"}, "allOf": "x", "pattern": "^a"},
		"description":    {"description": 3, "default": []any{}, "exclusiveMinimum": 1, "multipleOf": 2},
		"binary":         {"type": "string", "format": "binary", "description": "The file."},
		"media type":     {"type": "string", "contentMediaType": "image/png"},
	} {
		for _, depth := range []int{0, 1, maxSchemaDepth, maxSchemaDepth + 1} {
			sameListing(t, name, s, depth)
		}
	}
	deep := map[string]any{"type": "string"}
	for range maxSchemaDepth + 2 {
		deep = map[string]any{"type": "object", "properties": map[string]any{"a": deep}, "required": []any{"a"}}
	}
	sameListing(t, "deep", deep, 0)

	for _, file := range sharedSpecs(t) {
		api := loadSpec(t, file)
		for _, op := range api.Operations {
			at := filepath.Base(file) + " " + op.Method + " " + op.Path
			for _, p := range op.Params {
				sameListing(t, at+" "+p.Name, p.Schema, 0)
			}
			if op.Body == nil {
				continue
			}
			sameListing(t, at+" body", op.Body.Schema, 0)
			if props, _, _, ok := objectProperties(op.Body.Schema); ok {
				for name, ps := range props {
					if m, ok := ps.(map[string]any); ok {
						sameListing(t, at+" body "+name, m, 0)
					}
				}
			}
		}
	}
}

// TestFileFieldsSayDataURI checks that a file field, by format: binary or
// by OpenAPI 3.1's contentMediaType, is listed with the note that binary
// content goes as a data: URI, and that contentMediaType itself is kept for
// checks but not listed.
func TestFileFieldsSayDataURI(t *testing.T) {
	for _, s := range []map[string]any{
		{"type": "string", "format": "binary"},
		{"type": "string", "contentMediaType": "image/png", "description": "The picture."},
	} {
		got := listedClean(s, 1)
		if d := str(got["description"]); !strings.HasSuffix(d, binaryNote) {
			t.Errorf("%v listed with description %q, want the data: URI note", s, d)
		}
		if _, ok := got["contentMediaType"]; ok {
			t.Errorf("%v: contentMediaType listed", s)
		}
		if _, ok := cleanSchema(s, 1)["contentMediaType"]; !ok && s["contentMediaType"] != nil {
			t.Errorf("%v: contentMediaType not kept for checks", s)
		}
	}
}

// The checked schema is built on a tool's first call: it must be the one
// the listing was made from.
func TestCheckedSchemaMatchesListing(t *testing.T) {
	for _, file := range sharedSpecs(t) {
		if !strings.HasPrefix(filepath.Base(file), "stripe") {
			continue
		}
		api := loadSpec(t, file)
		for _, op := range api.Operations {
			in := buildInput(op, nil)
			if in.schema != nil {
				t.Fatalf("%s %s: the checked schema is built at start", op.Method, op.Path)
			}
			listed := listedSchema(in.checked())
			gp, wp := in.listed["properties"].(map[string]any), listed["properties"].(map[string]any)
			if len(gp) != len(wp) || !reflect.DeepEqual(in.listed["required"], listed["required"]) {
				t.Errorf("%s %s: listed %v, checked %v", op.Method, op.Path, in.listed, listed)
			}
		}
	}
}

// listingSize is what json.Marshal gives for the list of what a model
// reads of the definitions (names, descriptions, input schemas), without
// their titles and annotations.
func TestListingSizeIsWhatTheModelReads(t *testing.T) {
	s, _, _ := fixtureServer(t, "drf", Config{Layout: LayoutOperations})
	var defs []map[string]any
	var whole []*mcp.Tool
	for _, tl := range s.ops {
		defs = append(defs, map[string]any{"name": tl.def.Name, "description": tl.def.Description, "inputSchema": tl.def.InputSchema})
		whole = append(whole, tl.def)
	}
	b, err := json.Marshal(defs)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := json.Marshal(whole)
	want := len(b)
	if got := listingSize(s.ops); got != want || want < 100 || want >= len(all) {
		t.Errorf("listingSize = %d, want %d (the whole definitions: %d)", got, want, len(all))
	}
}
