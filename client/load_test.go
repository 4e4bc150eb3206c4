package client

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
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
		case "type":
			if (v == "array" || slices.Contains(asList(v), any("array"))) && s["items"] == nil {
				return "array without items"
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
	jsonEqual(t, "description", s["description"], `"A pet in the store.\n\nSecond paragraph that is kept."`)
	jsonEqual(t, "nullable name", at(t, s, "name"), `{"type":["string","null"]}`)
	jsonEqual(t, "nullable enum", at(t, s, "kind"), `{"type":["string","null"],"enum":["cat","dog",null]}`)
	jsonEqual(t, "owner", at(t, s, "owner"), `{"type":"object","properties":{"name":{"type":"string"}}}`)

	create := opByID(t, api, "createPet")
	jsonEqual(t, "createPet servers", create.Servers, `["https://upload.pets.example"]`)
	if create.Body == nil || !create.Body.Required || create.Body.ContentType != "multipart/form-data" {
		t.Fatalf("createPet body = %+v", create.Body)
	}
	// OpenAPI 3.0 ignores style and explode in a multipart body.
	jsonEqual(t, "encoding", create.Body.Encoding, `{"photo":{"ContentType":"image/png","Style":"","Explode":null},"tags":{"ContentType":"","Style":"","Explode":null}}`)
	jsonEqual(t, "photo", at(t, create.Body.Schema, "photo"), `{"type":"string","format":"binary"}`)

	list := opByID(t, api, "listPets")
	jsonEqual(t, "limit", paramByName(t, list, "limit").Schema, `{"type":"integer","minimum":1,"exclusiveMaximum":100,"default":20}`)
}

func TestLoadCircular(t *testing.T) {
	api := loadFixture(t, "circular.json")
	s := opByID(t, api, "createNode").Body.Schema
	for _, path := range [][]string{{"children", "[]"}, {"parent"}} {
		n := at(t, s, path...)
		if n["type"] != "object" || n["properties"] != nil || n[CutKey] != "Node, recursive" {
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

func TestLoadSwagger2(t *testing.T) {
	api := loadFixture(t, "swagger2.json")
	if api.Format != "swagger-2.0" {
		t.Errorf("format %q", api.Format)
	}
	jsonEqual(t, "servers (https preferred)", api.Servers, `["https://files.example/api"]`)
	if len(api.Operations) != 4 {
		t.Fatalf("%d operations, want 4", len(api.Operations))
	}
	list := opByID(t, api, "listFiles")
	tests := []struct {
		name, style string
		explode     bool
		schema      string
	}{
		{"page", "form", true, `{"type":"integer","minimum":1,"default":1}`},
		{"ids", "form", false, `{"type":"array","items":{"type":"string"}}`},
		{"tags", "form", true, `{"type":"array","items":{"type":"string"}}`},
		{"kinds", "pipeDelimited", false, `{"type":"array","items":{"type":"string"}}`},
		{"size", "form", true, `{"type":["integer","null"]}`},
	}
	for _, tt := range tests {
		p := paramByName(t, list, tt.name)
		if p.Style != tt.style || p.Explode != tt.explode {
			t.Errorf("%s: style %q explode %v, want %q %v", tt.name, p.Style, p.Explode, tt.style, tt.explode)
		}
		jsonEqual(t, tt.name, p.Schema, tt.schema)
	}

	upload := opByID(t, api, "uploadFile")
	if upload.Body == nil || upload.Body.ContentType != "multipart/form-data" || !upload.Body.Required {
		t.Fatalf("uploadFile body %+v", upload.Body)
	}
	jsonEqual(t, "upload schema", upload.Body.Schema, `{"type":"object","required":["file"],"properties":{
		"file":{"type":"string","format":"binary","description":"The file."},
		"channels":{"type":"array","items":{"type":"string"}},
		"title":{"type":"string"}}}`)
	if e := upload.Body.Encoding["channels"]; e.Style != "form" || e.Explode == nil || *e.Explode {
		t.Errorf("channels encoding %+v, want form, explode false", e)
	}

	replace := opByID(t, api, "replaceFile")
	if replace.Security || !list.Security {
		t.Errorf("security: replaceFile %v (want false), listFiles %v (want true)", replace.Security, list.Security)
	}
	if p := paramByName(t, replace, "id"); p.In != "path" || !p.Required {
		t.Errorf("path-level id param %+v", p)
	}
	if replace.Body == nil || replace.Body.ContentType != "application/json" || replace.Body.Description != "The new file record." {
		t.Fatalf("replaceFile body %+v", replace.Body)
	}
	jsonEqual(t, "definitions inlined, readOnly dropped", replace.Body.Schema,
		`{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"owner":{"type":"object","properties":{"login":{"type":"string"}}}}}`)

	rename := opByID(t, api, "renameFile")
	if rename.Body == nil || rename.Body.ContentType != "application/x-www-form-urlencoded" {
		t.Errorf("renameFile body %+v", rename.Body)
	}
}

func TestLoadOpenAPI31(t *testing.T) {
	api := loadFixture(t, "oas31.yaml")
	if api.Format != "openapi-3.1" || len(api.Operations) != 1 || api.Operations[0].ID != "createEvent" {
		t.Fatalf("format %q, operations %v (webhooks are not operations)", api.Format, api.Operations)
	}
	if api.Webhooks != 1 {
		t.Errorf("webhooks %d, want 1", api.Webhooks)
	}
	jsonEqual(t, "relative server of a file stays relative", api.Servers, `["/v2"]`)
	jsonEqual(t, "event", api.Operations[0].Body.Schema, `{"type":"object","properties":{
		"name":{"type":["string","null"]},
		"kind":{"enum":["gala"]},
		"price":{"type":"number","exclusiveMinimum":0},
		"notes":{"anyOf":[{"type":"string"},{"type":"null"}]},
		"flag":{}}}`)
}

func TestLoadYAMLKeys(t *testing.T) {
	api := loadFixture(t, "yaml-int-keys.yaml")
	if api.Version != "1" {
		t.Errorf("version %q, want 1", api.Version)
	}
	get := opByID(t, api, "getA")
	jsonEqual(t, "n", paramByName(t, get, "n").Schema, `{"type":"integer","enum":[1,2],"default":1}`)
	jsonEqual(t, "v (YAML 1.2: on/off are strings)", paramByName(t, get, "v").Schema, `{"type":"string","enum":["on","off","yes"]}`)
	post := opByID(t, api, "postA")
	jsonEqual(t, "numeric keys become strings", post.Body.Schema, `{"type":"object","properties":{
		"200":{"type":"string"},"1.5":{"type":"number"},"true":{"type":"boolean"}}}`)
}

func TestLoadMultiFile(t *testing.T) {
	abs, err := filepath.Abs(filepath.Join("testdata", "load", "multi", "main.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	byURL, err := Load(context.Background(), "file://"+filepath.ToSlash(abs), LoadOptions{})
	if err != nil || len(byURL.Operations) != 2 {
		t.Fatalf("file:// source: %v, %v", err, byURL)
	}
	api := loadFixture(t, filepath.Join("multi", "main.yaml"))
	create := opByID(t, api, "createPet")
	s := create.Body.Schema
	owner := at(t, s, "owner")
	if owner["description"] != "An owner." {
		t.Errorf("owner %v", owner)
	}
	jsonEqual(t, "limit via common.yaml relative to schemas/", at(t, owner, "limit"), `{"type":"integer","maximum":50}`)
	pet := at(t, owner, "pets", "[]")
	if pet["properties"] != nil || pet[CutKey] != "Pet, recursive" {
		t.Errorf("pet.yaml ⇄ owner.yaml cycle not cut: %v", pet)
	}
	list := opByID(t, api, "listOwners")
	jsonEqual(t, "limit param from params.json", paramByName(t, list, "limit").Schema, `{"type":"integer","maximum":50}`)
	if text(list.Body.Schema["description"]) != "An owner." {
		t.Errorf("owner body %v", list.Body.Schema)
	}
}

func TestLoadRefs(t *testing.T) {
	api := loadFixture(t, "refs.json")
	op := opByID(t, api, "createUser")
	if p := paramByName(t, op, "limit"); p.Description != "Overrides the shared description." {
		t.Errorf("limit description %q: a $ref's description overrides the target's", p.Description)
	}
	jsonEqual(t, "q (examples holding $ref are data)", paramByName(t, op, "q").Schema, `{"type":"string"}`)
	jsonEqual(t, "createUser body", op.Body.Schema, `{
		"type":"object",
		"description":"A user.",
		"required":["id","name"],
		"properties":{
			"id":{"type":"string"},
			"name":{"type":"string","description":"Sibling description wins.","maxLength":40},
			"nick":{"type":["string","null"],"description":"Target description.","maxLength":40},
			"$ref":{"type":"string","description":"A property named $ref (SCIM)."},
			"meta":{"type":"object","default":{"$ref":"#/also/missing"},"properties":{"k":{"type":"string","enum":[{"$ref":"#/x"}]}}},
			"kind":{"type":"string","description":"Kind of user.","maxLength":40},
			"pick":{"anyOf":[{"type":"string"},{"type":"integer"}]},
			"tags":{"type":"array","items":{"type":"string"},"minItems":1}
		}}`)
}

// TestFormWithFileGoesMultipart checks that a body offered both as
// application/x-www-form-urlencoded and multipart/form-data is sent as
// multipart when it has a file field (urlencoded would carry the file's
// data: URI as text), and urlencoded otherwise.
func TestFormWithFileGoesMultipart(t *testing.T) {
	api := loadString(t, `{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{
"/up":{"post":{"operationId":"up","requestBody":{"content":{
  "application/x-www-form-urlencoded":{"schema":{"$ref":"#/components/schemas/U"}},
  "multipart/form-data":{"schema":{"$ref":"#/components/schemas/U"}}}}}},
"/many":{"post":{"operationId":"many","requestBody":{"content":{
  "application/x-www-form-urlencoded":{"schema":{"allOf":[{"$ref":"#/components/schemas/M"}]}},
  "multipart/form-data":{"schema":{"allOf":[{"$ref":"#/components/schemas/M"}]}}}}}},
"/plain":{"post":{"operationId":"plain","requestBody":{"content":{
  "application/x-www-form-urlencoded":{"schema":{"$ref":"#/components/schemas/P"}},
  "multipart/form-data":{"schema":{"$ref":"#/components/schemas/P"}}}}}}},
"components":{"schemas":{
  "U":{"type":"object","properties":{"file":{"type":"string","format":"binary"},"name":{"type":"string"}}},
  "M":{"type":"object","properties":{"files":{"type":"array","items":{"type":"string","format":"binary"}}}},
  "P":{"type":"object","properties":{"name":{"type":"string"}}}}}}`)
	for id, want := range map[string]string{
		"up":    "multipart/form-data",
		"many":  "multipart/form-data",
		"plain": "application/x-www-form-urlencoded",
	} {
		if got := opByID(t, api, id).Body.ContentType; got != want {
			t.Errorf("%s: content type %q, want %q", id, got, want)
		}
	}
}

// TestContentMediaTypeIsAFile checks that OpenAPI 3.1's file field, a
// string with contentMediaType, keeps it (so that it is sent as a file
// part, and the body as multipart), while a string with contentEncoding
// is that encoding's text.
func TestContentMediaTypeIsAFile(t *testing.T) {
	api := loadString(t, `{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{
"/up":{"post":{"operationId":"up","requestBody":{"content":{
  "application/x-www-form-urlencoded":{"schema":{"$ref":"#/components/schemas/U"}},
  "multipart/form-data":{"schema":{"$ref":"#/components/schemas/U"}}}}}}},
"components":{"schemas":{"U":{"type":"object","properties":{
  "file":{"type":"string","contentMediaType":"image/png"},
  "b64":{"type":"string","contentMediaType":"image/png","contentEncoding":"base64"}}}}}}`)
	body := opByID(t, api, "up").Body
	if body.ContentType != "multipart/form-data" {
		t.Errorf("content type %q, want multipart/form-data", body.ContentType)
	}
	jsonEqual(t, "file", at(t, body.Schema, "file"), `{"type":"string","contentMediaType":"image/png"}`)
	jsonEqual(t, "b64", at(t, body.Schema, "b64"), `{"type":"string"}`)
}

// TestNamedFileFields checks that a multipart field declared a plain
// string but named a file (Stripe's POST /v1/files `file`, "A file to
// upload") is a file field, that a component the body shares with a JSON
// body is left as it is, and that a string field that does not name a
// file (one ending in "file" included), one whose description speaks of the file to upload without being
// it (its name, its type), one of another format, and one of a
// urlencoded-only body stay strings.
func TestNamedFileFields(t *testing.T) {
	api := loadString(t, `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{
"/v1/files":{"post":{"operationId":"PostFiles","requestBody":{"content":{"multipart/form-data":{"schema":{"$ref":"#/components/schemas/F"}}}}}},
"/v1/json":{"post":{"operationId":"json","requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/F"}}}}}},
"/v1/form":{"post":{"operationId":"form","requestBody":{"content":{"application/x-www-form-urlencoded":{"schema":{"$ref":"#/components/schemas/F"}}}}}}},
"components":{"schemas":{"F":{"type":"object","required":["file"],"properties":{
  "file":{"type":"string","description":"A file to upload. The file should follow the specifications of RFC 2388."},
  "output_file":{"type":"string","description":"Where the report is written."},
  "reportFile":{"type":"string"},
  "File":{"type":"string"},
  "scan":{"type":"string","description":"The file to upload, scanned."},
  "doc":{"type":"string","description":"The PDF file to upload."},
  "contents":{"type":"string","description":"Contents of the file to upload."},
  "name":{"type":"string","description":"The name of the file to upload."},
  "mime":{"type":"string","description":"MIME type of the file to upload, if not the data: URI's."},
  "folder":{"type":"string","description":"Folder to put the file to upload in."},
  "profile":{"type":"string"},
  "filename":{"type":"string"},
  "file_id":{"type":"string","format":"uuid"},
  "purpose":{"type":"string","enum":["dispute_evidence"]}}}}}}`)
	body := opByID(t, api, "PostFiles").Body
	if body.ContentType != "multipart/form-data" {
		t.Fatalf("content type %q", body.ContentType)
	}
	for name, want := range map[string]bool{
		// A name ending in "file" may hold a file's name or path.
		"file": true, "File": true, "output_file": false, "reportFile": false, "scan": true, "doc": true, "contents": true,
		"profile": false, "filename": false, "file_id": false, "purpose": false,
		// Said of the file, not the file: sent as text, as written.
		"name": false, "mime": false, "folder": false,
	} {
		if got := isBinarySchema(at(t, body.Schema, name)); got != want {
			t.Errorf("multipart %s: a file %v, want %v", name, got, want)
		}
	}
	for _, id := range []string{"json", "form"} {
		if isBinarySchema(at(t, opByID(t, api, id).Body.Schema, "file")) {
			t.Errorf("%s: file marked binary outside a multipart body", id)
		}
	}
}

// TestBigNumbersAreExact checks that integers a float64 cannot hold
// exactly keep their value as written, from JSON (json.Number) and YAML,
// and that a number out of a float64's range (an example's 1e400) loads,
// bounding nothing.
func TestBigNumbersAreExact(t *testing.T) {
	for _, doc := range []string{
		`{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"operationId":"a","parameters":[
{"name":"e","in":"query","schema":{"type":"integer","enum":[9007199254740993,9223372036854775807]}},
{"name":"m","in":"query","schema":{"type":"integer","maximum":9007199254740993}},
{"name":"b","in":"query","schema":{"type":"integer","maximum":1e400}}],
"responses":{"200":{"description":"ok","content":{"application/json":{"example":{"big":1e400}}}}}}}}}`,
		"openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n" +
			"        - {name: e, in: query, schema: {type: integer, enum: [9007199254740993, 9223372036854775807]}}\n" +
			"        - {name: m, in: query, schema: {type: integer, maximum: 9007199254740993}}\n" +
			"        - {name: b, in: query, schema: {type: integer}}\n",
	} {
		op := loadString(t, doc).Operations[0]
		for name, want := range map[string]string{
			"e": `{"enum":[9007199254740993,9223372036854775807],"type":"integer"}`,
			"m": `{"maximum":9007199254740993,"type":"integer"}`,
			"b": `{"type":"integer"}`,
		} {
			// Compared as text: decoding the JSON would round the numbers.
			if got, _ := json.Marshal(paramByName(t, op, name).Schema); string(got) != want {
				t.Errorf("%s: %s, want %s", name, got, want)
			}
		}
	}
}

func TestFileURLHost(t *testing.T) {
	abs, err := filepath.Abs(filepath.Join("testdata", "load", "oas30.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	slashed := filepath.ToSlash(abs)
	if !strings.HasPrefix(slashed, "/") {
		slashed = "/" + slashed // C:/… on Windows
	}
	if _, err := Load(context.Background(), "file://localhost"+slashed, LoadOptions{}); err != nil {
		t.Errorf("file://localhost/…: %v", err)
	}
	if runtime.GOOS == "windows" {
		t.Skip("file://server/share/… is a UNC path on Windows")
	}
	// file://openapi.yaml names the host "openapi.yaml"; file://./x the
	// host ".", whose path /x is another file.
	for _, src := range []string{"file://testdata/load/oas30.yaml", "file://./testdata/load/oas30.yaml"} {
		_, err := Load(context.Background(), src, LoadOptions{})
		if err == nil || !strings.Contains(err.Error(), "file:///") || !strings.Contains(err.Error(), src) {
			t.Errorf("%s: %v, want an error showing the file:/// form", src, err)
		}
	}
}

// A description saved as UTF-16 with its byte order mark (Windows
// PowerShell 5's > and Out-File write that) reads as the same document:
// JSON as JSON (its escaped surrogate pairs too), YAML as YAML.
func TestLoadUTF16(t *testing.T) {
	encode := func(s string, order binary.AppendByteOrder) []byte {
		out := order.AppendUint16(nil, 0xfeff) // the byte order mark
		for _, u := range utf16.Encode([]rune(s)) {
			out = order.AppendUint16(out, u)
		}
		return out
	}
	docs := map[string]string{
		"le.json": `{"openapi":"3.0.0","info":{"title":"caf\u00e9 \ud83d\ude00","version":"1"},"paths":{"/a":{"get":{"operationId":"a","summary":"d\u00e9j\u00e0 😀"}}}}`,
		"be.yaml": "openapi: 3.0.0\ninfo: {title: café 😀, version: '1'}\npaths:\n  /a:\n    get: {operationId: a, summary: déjà 😀}\n",
	}
	dir := t.TempDir()
	for name, doc := range docs {
		path := filepath.Join(dir, name)
		var order binary.AppendByteOrder = binary.LittleEndian
		if strings.HasPrefix(name, "be") {
			order = binary.BigEndian
		}
		if err := os.WriteFile(path, encode(doc, order), 0o600); err != nil {
			t.Fatal(err)
		}
		api, err := Load(context.Background(), path, LoadOptions{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if api.Title != "café 😀" || len(api.Operations) != 1 || api.Operations[0].Summary != "déjà 😀" {
			t.Errorf("%s: title %q, operations %v", name, api.Title, api.Operations)
		}
	}
}

// A Swagger 2.0 host written with its scheme or a trailing slash (which
// the format does not allow, and generators write) still makes the server.
func TestSwaggerHostWithScheme(t *testing.T) {
	dir := t.TempDir()
	for host, want := range map[string]string{
		"http://api.example.com":       "http://api.example.com/v1",
		"https://api.example.com:8443": "https://api.example.com:8443/v1",
		"api.example.com/":             "https://api.example.com/v1",
		"api.example.com":              "https://api.example.com/v1",
	} {
		doc := `{"swagger":"2.0","info":{"title":"t","version":"1"},"host":"` + host + `","basePath":"/v1","paths":{"/a":{"get":{}}}}`
		path := filepath.Join(dir, "swagger.json")
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		api, err := Load(context.Background(), path, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(api.Servers) != 1 || api.Servers[0] != want {
			t.Errorf("host %q: servers %q, want %q", host, api.Servers, want)
		}
	}
}

// TestHeaderParamCaseMerged checks that an operation's header parameter
// replaces the path's of the same name in another case (HTTP header names
// are case-insensitive): one parameter, the operation's, not two that
// would each be an argument and the path's still required.
func TestHeaderParamCaseMerged(t *testing.T) {
	for _, doc := range []string{
		`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/h":{
		  "parameters":[{"name":"X-Request-Id","in":"header","required":true,"schema":{"type":"string"}},
		                {"name":"Trace","in":"query","schema":{"type":"string"}}],
		  "get":{"operationId":"get","parameters":[
		    {"name":"x-request-id","in":"header","schema":{"type":"string"}},
		    {"name":"trace","in":"query","schema":{"type":"string"}}]}}}}`,
		`{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/h":{
		  "parameters":[{"name":"X-Request-Id","in":"header","required":true,"type":"string"},
		                {"name":"Trace","in":"query","type":"string"}],
		  "get":{"operationId":"get","parameters":[
		    {"name":"x-request-id","in":"header","type":"string"},
		    {"name":"trace","in":"query","type":"string"}]}}}}`,
	} {
		op := opByID(t, loadString(t, doc), "get")
		var got []string
		for _, p := range op.Params {
			got = append(got, fmt.Sprintf("%s %s required=%v", p.In, p.Name, p.Required))
		}
		// Query names are case-sensitive: Trace and trace are two.
		want := []string{"header x-request-id required=false", "query Trace required=false", "query trace required=false"}
		if strings.Join(got, "; ") != strings.Join(want, "; ") {
			t.Errorf("params %q, want %q", got, want)
		}
	}
}
