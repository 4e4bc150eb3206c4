package client

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func loadFixture(t *testing.T, name string) *API {
	t.Helper()
	api, err := Load(context.Background(), filepath.Join("testdata", "load", name), LoadOptions{})
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	assertSelfContained(t, api)
	return api
}

// assertSelfContained checks every schema of api is JSON-marshalable and
// free of $ref, $defs and $schema keywords (data under enum/default is not
// a schema and may hold anything).
func assertSelfContained(t *testing.T, api *API) {
	t.Helper()
	for _, op := range api.Operations {
		var schemas []map[string]any
		for _, p := range op.Params {
			schemas = append(schemas, p.Schema)
		}
		if op.Body != nil {
			schemas = append(schemas, op.Body.Schema)
		}
		for _, s := range schemas {
			if s == nil {
				t.Errorf("%s %s: nil schema", op.Method, op.Path)
				continue
			}
			if _, err := json.Marshal(s); err != nil {
				t.Errorf("%s %s: schema does not marshal: %v", op.Method, op.Path, err)
			}
			if kw := forbiddenKeyword(s); kw != "" {
				t.Errorf("%s %s: schema contains %s", op.Method, op.Path, kw)
			}
		}
	}
}

// forbiddenKeyword walks a converted schema structurally and returns the
// first keyword no client should see.
func forbiddenKeyword(s map[string]any) string {
	for k, v := range s {
		switch k {
		case "$ref", "$defs", "$schema", "definitions", "nullable", "example", "examples",
			"discriminator", "xml", "externalDocs", "readOnly", "writeOnly", "$id", "oneOf", "const":
			return k
		case "properties":
			for _, p := range v.(map[string]any) {
				if kw := forbiddenKeyword(p.(map[string]any)); kw != "" {
					return kw
				}
			}
		case "items", "additionalProperties", "not":
			if m, ok := v.(map[string]any); ok {
				if kw := forbiddenKeyword(m); kw != "" {
					return kw
				}
			}
		case "anyOf", "allOf":
			for _, b := range v.([]any) {
				if kw := forbiddenKeyword(b.(map[string]any)); kw != "" {
					return kw
				}
			}
		case "exclusiveMinimum", "exclusiveMaximum":
			if _, ok := v.(bool); ok {
				return k + " (boolean)"
			}
		}
	}
	return ""
}

func opByID(t *testing.T, api *API, id string) *Operation {
	t.Helper()
	for _, op := range api.Operations {
		if op.ID == id {
			return op
		}
	}
	t.Fatalf("operation %q not found", id)
	return nil
}

func paramByName(t *testing.T, op *Operation, name string) *Param {
	t.Helper()
	for _, p := range op.Params {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("%s: parameter %q not found", op.ID, name)
	return nil
}

// at walks a schema along property names ("properties" is implied) and
// "[]" for items.
func at(t *testing.T, s map[string]any, path ...string) map[string]any {
	t.Helper()
	cur := s
	for _, p := range path {
		var next any
		if p == "[]" {
			next = cur["items"]
		} else {
			props, _ := cur["properties"].(map[string]any)
			next = props[p]
		}
		m, ok := next.(map[string]any)
		if !ok {
			b, _ := json.Marshal(cur)
			t.Fatalf("no %q in %s", p, b)
		}
		cur = m
	}
	return cur
}

func jsonEqual(t *testing.T, what string, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want %s: %v", want, err)
	}
	gb, _ := json.Marshal(got)
	var g any
	_ = json.Unmarshal(gb, &g)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, gb, want)
	}
}

func TestLoadOpenAPI30(t *testing.T) {
	api := loadFixture(t, "oas30.yaml")
	if api.Format != "openapi-3.0" || api.Title != "Pets" || api.Version != "1.0" {
		t.Errorf("format/title/version = %q %q %q", api.Format, api.Title, api.Version)
	}
	jsonEqual(t, "servers", api.Servers, `["https://eu.pets.example/v1"]`)
	var order []string
	for _, op := range api.Operations {
		order = append(order, op.Method+" "+op.Path)
	}
	jsonEqual(t, "order", order, `["GET /pets","POST /pets","GET /pets/{petId}","PATCH /pets/{petId}"]`)

	get := opByID(t, api, "getPet")
	if len(get.Params) != 3 {
		t.Errorf("getPet has %d params, want petId, verbose, ids (Accept ignored)", len(get.Params))
	}
	petID := paramByName(t, get, "petId")
	if petID.In != "path" || !petID.Required || petID.Style != "simple" || petID.Explode || petID.Description != "The pet's id." {
		t.Errorf("petId = %+v", petID)
	}
	verbose := paramByName(t, get, "verbose")
	jsonEqual(t, "verbose schema (operation-level wins)", verbose.Schema, `{"type":"string","enum":["yes","no"]}`)
	if verbose.Style != "form" || !verbose.Explode {
		t.Errorf("verbose style %q explode %v, want form true", verbose.Style, verbose.Explode)
	}
	ids := paramByName(t, get, "ids")
	if ids.Style != "pipeDelimited" || ids.Explode {
		t.Errorf("ids style %q explode %v", ids.Style, ids.Explode)
	}
	if !get.Security || !reflect.DeepEqual(get.Tags, []string{"pets"}) || get.Summary != "Get a pet" {
		t.Errorf("getPet = %+v", get)
	}

	patch := opByID(t, api, "updatePet")
	if patch.Security {
		t.Error("updatePet has security: [] but Security is true")
	}
	if patch.Body == nil || patch.Body.ContentType != "application/merge-patch+json" || patch.Body.Description != "A pet." {
		t.Fatalf("updatePet body = %+v", patch.Body)
	}
	s := patch.Body.Schema
	if _, ok := s["properties"].(map[string]any)["id"]; ok {
		t.Error("readOnly id kept in the request body")
	}
	jsonEqual(t, "required", s["required"], `["name"]`)
	jsonEqual(t, "description", s["description"], `"A pet in the store."`)
	jsonEqual(t, "nullable name", at(t, s, "name"), `{"type":["string","null"]}`)
	jsonEqual(t, "nullable enum", at(t, s, "kind"), `{"type":["string","null"],"enum":["cat","dog",null]}`)
	jsonEqual(t, "owner", at(t, s, "owner"), `{"type":"object","properties":{"name":{"type":"string"}}}`)

	create := opByID(t, api, "createPet")
	jsonEqual(t, "createPet servers", create.Servers, `["https://upload.pets.example"]`)
	if create.Body == nil || !create.Body.Required || create.Body.ContentType != "multipart/form-data" {
		t.Fatalf("createPet body = %+v", create.Body)
	}
	jsonEqual(t, "encoding", create.Body.Encoding, `{"photo":{"ContentType":"image/png","Style":"","Explode":null},"tags":{"ContentType":"","Style":"form","Explode":false}}`)
	jsonEqual(t, "photo", at(t, create.Body.Schema, "photo"), `{"type":"string","format":"binary"}`)

	list := opByID(t, api, "listPets")
	jsonEqual(t, "limit", paramByName(t, list, "limit").Schema, `{"type":"integer","minimum":1,"exclusiveMaximum":100,"default":20}`)
}

func TestLoadCircular(t *testing.T) {
	api := loadFixture(t, "circular.json")
	s := opByID(t, api, "createNode").Body.Schema
	for _, path := range [][]string{{"children", "[]"}, {"parent"}} {
		n := at(t, s, path...)
		if n["type"] != "object" || n["properties"] != nil || !strings.Contains(n["description"].(string), "recursive") {
			t.Errorf("%v: want a cut recursive node, got %v", path, n)
		}
	}
	// Depth: root 0, deep 1, l2 2, l3 3, l4 4; l5 would be 5, cut.
	l4 := at(t, s, "deep", "l2", "l3", "l4")
	l5 := at(t, l4, "l5")
	if l5["properties"] != nil || l5["type"] != "object" {
		t.Errorf("l5 past the depth limit not cut: %v", l5)
	}
}
