package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// treeSame checks that decodeTree gives what encoding/json gives (with
// the numbers a float64 cannot hold exactly as json.Number), or leaves
// the document to it.
func treeSame(t *testing.T, doc []byte, wantOK bool) {
	t.Helper()
	want, jsonErr := jsonExact(doc)
	got, ok := decodeTree(doc)
	if ok != wantOK {
		t.Fatalf("%.80q: decodeTree ok = %v, want %v (encoding/json: %v)", doc, ok, wantOK, jsonErr)
	}
	if !ok {
		if _, ok := decodeDescription(doc); ok {
			t.Fatalf("%.80q: decodeDescription accepted what decodeTree leaves to encoding/json", doc)
		}
		return
	}
	if jsonErr != nil {
		t.Fatalf("%.80q: decodeTree accepted what encoding/json refuses: %v", doc, jsonErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%.80q: decodeTree = %#v, encoding/json = %#v", doc, got, want)
	}
	if lazy, ok := decodeDescription(doc); !ok || !reflect.DeepEqual(readAll(lazy), want) {
		t.Fatalf("%.80q: decodeDescription = %#v, %v, encoding/json = %#v", doc, lazy, ok, want)
	}
}

// jsonExact decodes doc with encoding/json, every number a float64 holds
// as a float64 and the others as json.Number.
func jsonExact(doc []byte) (any, error) {
	if !json.Valid(doc) {
		var v any
		return nil, json.Unmarshal(doc, &v)
	}
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return settle(v), nil
}

// readAll replaces the members decodeDescription kept as text with their
// values.
func readAll(v any) any {
	switch x := v.(type) {
	case *lazyJSON:
		return readAll(x.value())
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = readAll(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = readAll(e)
		}
		return out
	}
	return v
}

func TestDecodeTreeIsEncodingJSON(t *testing.T) {
	for _, doc := range []string{
		`{}`, `[]`, ` {"a": [] , "b" : {} } `, `"x"`, `0`, `-0`, `-1`, `255`, `256`, `123456789012345`,
		`1234567890123456789`, `1.5`, `-2.5e3`, `1E+2`, `1e-2`, `true`, `false`, `null`,
		`1e999`, `-1e999`, `9007199254740993`, `9007199254740992`, `-9223372036854775808`, `100000000000000000000`,
		`[9007199254740993, 1e400, 12345678901234567890]`,
		`{"a":1,"a":2}`, `{"a":{"b":[1,"two",null,true,{"c":false}]}}`,
		`"caf\u00e9 \ud83d\ude00 \n\t\"\\\/"`, `"\ud800"`, `"é ü 日本"`, `{"é":"\u0041"}`,
		`[1,2,3,"type","type","type"]`, "\"\xff\"", "{\"k\xfe\":1}", `{"description":"` + strings.Repeat("long ", 40) + `"}`,
	} {
		treeSame(t, []byte(doc), true)
	}
	for _, doc := range []string{
		``, ` `, `{`, `[1,]`, `{"a"}`, `{"a":1,}`, `01`, `1.`, `.5`, `1e`, `-`, `+1`, `tru`, `nul`, `[1 2]`,
		`{"a":1}x`, "\"a\x01b\"", `"abc`, `"ab\"`, `{1:2}`, `NaN`,
		strings.Repeat("[", maxTreeDepth+1) + strings.Repeat("]", maxTreeDepth+1),
	} {
		treeSame(t, []byte(doc), false)
	}
	deep := strings.Repeat("[", maxTreeDepth) + strings.Repeat("]", maxTreeDepth)
	treeSame(t, []byte(deep), true)
}

// eachSharedJSON runs test on each real JSON description, with its bytes.
func eachSharedJSON(t *testing.T, test func(t *testing.T, file string, data []byte)) {
	for _, file := range sharedSpecFiles(t) {
		if filepath.Ext(file) != ".json" {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			test(t, file, data)
		})
	}
}

// TestDecodeTreeSharedSpecs decodes the real JSON descriptions both ways.
func TestDecodeTreeSharedSpecs(t *testing.T) {
	eachSharedJSON(t, func(t *testing.T, _ string, data []byte) { treeSame(t, data, true) })
}

func FuzzDecodeTree(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x\u00e9",null,true]}`, `[]`, `"\ud83d\ude00"`, `-0.0e1`,
		`{"paths":{"/a":{"get":{"responses":{"200":{"x":[1e5,"\u00e9"]}}}}},"components":{"examples":{"E":{"value":-0}}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var want any
		jsonErr := json.Unmarshal(doc, &want)
		got, ok := decodeTree(doc)
		if ok && (jsonErr != nil || !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q: decodeTree = %#v, encoding/json = %#v, %v", doc, got, want, jsonErr)
		}
		lazy, ok := decodeDescription(doc)
		if ok && (jsonErr != nil || !reflect.DeepEqual(readAll(lazy), want)) {
			t.Fatalf("%q: decodeDescription = %#v, encoding/json = %#v, %v", doc, lazy, want, jsonErr)
		}
	})
}

// BenchmarkDecodeJSON decodes the largest shared descriptions with
// encoding/json into an `any` and with decodeDescription.
func BenchmarkDecodeJSON(b *testing.B) {
	files := sharedSpecFiles(b)
	for _, name := range []string{"stripe-spec3.json", "github-api.github.com.json"} {
		var data []byte
		for _, f := range files {
			if filepath.Base(f) == name {
				data, _ = os.ReadFile(f)
			}
		}
		if data == nil {
			continue
		}
		short := strings.SplitN(name, "-", 2)[0]
		b.Run(short+"/encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var v any
				if err := json.Unmarshal(data, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(short+"/description", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := decodeDescription(data); !ok {
					b.Fatal("not decoded")
				}
			}
		})
	}
}

// TestMappedJSON: a large JSON description is decoded from its mapped
// pages as encoding/json decodes it; one cut short while mapped is read
// again (no crash), and YAML or small files are left to the reader.
func TestMappedJSON(t *testing.T) {
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString("\ufeff {\"openapi\":\"3.0.0\",\"paths\":{")
	for i := 0; sb.Len() < 2*mapMinBytes; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"/p%d":{"get":{"description":"operation \u00e9 %d","responses":{"200":{"description":"ok"}}}}`, i, i)
	}
	sb.WriteString("}}\n")
	path := filepath.Join(dir, "big.json")
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	sum, root, ok := mappedJSON(path)
	if !ok {
		t.Fatal("a large JSON description was not decoded from its mapping")
	}
	var want any
	if err := json.Unmarshal([]byte(strings.TrimPrefix(sb.String(), "\ufeff")), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(readAll(root), want) || sum != sha256.Sum256([]byte(sb.String())) {
		t.Fatal("the mapped description decodes or digests differently")
	}

	small := filepath.Join(dir, "small.json")
	yml := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(small, []byte(`{"openapi":"3.0.0"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(yml, []byte("openapi: 3.0.0\n#"+strings.Repeat("x", 2*mapMinBytes)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{small, yml, filepath.Join(dir, "absent.json"), dir} {
		if _, _, ok := mappedJSON(p); ok {
			t.Errorf("%s was decoded from a mapping", p)
		}
	}

	afterMap = func(p string) {
		if err := os.Truncate(p, 0); err != nil {
			t.Error(err)
		}
	}
	defer func() { afterMap = nil }()
	if _, _, ok := mappedJSON(path); ok {
		t.Error("a description cut short while mapped was decoded")
	}
}

// TestSharedTreeBuildsTheSameAPI: the values decodeTree shares between
// equal texts are never changed by loading, and the API loaded from a
// real description is the one built from encoding/json's values.
func TestSharedTreeBuildsTheSameAPI(t *testing.T) {
	eachSharedJSON(t, func(t *testing.T, file string, data []byte) {
		got, err := Load(context.Background(), file, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var plain any
		if err := json.Unmarshal(data, &plain); err != nil {
			t.Fatal(err)
		}
		f := newFetcher(LoadOptions{})
		f.refDirs = refRoots(filepath.Dir(file), nil)
		docs := newDocSet(context.Background(), f)
		docs.docs[file] = document{root: plain, loc: file}
		want, err := build(docs, file, file, plain, defaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		want.Digest, want.Validators, want.Files, want.RemoteRefs = got.Digest, got.Validators, got.Files, got.RemoteRefs
		gotJSON, _ := json.Marshal(got)
		wantJSON, _ := json.Marshal(want)
		if !bytes.Equal(gotJSON, wantJSON) {
			t.Fatal("the API loaded from the shared tree differs from the one built from encoding/json's")
		}

		tree, ok := decodeTree(data)
		if !ok {
			t.Fatal("not decoded")
		}
		docs = newDocSet(context.Background(), f)
		docs.docs[file] = document{root: tree, loc: file}
		if _, err := build(docs, file, file, tree, defaultLimits); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(tree, plain) {
			t.Fatal("loading changed the decoded description")
		}
	})
}

// TestDecodeDescriptionKeepsUnreadMembers: operations' responses and the
// components' examples are kept as their checked text, decoded when a
// $ref reaches them; anything encoding/json would refuse there is refused.
func TestDecodeDescriptionKeepsUnreadMembers(t *testing.T) {
	doc := func(responses, examples string) string {
		return `{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"operationId":"getA",` +
			`"parameters":[{"name":"q","in":"query","schema":{"$ref":"#/paths/~1a/get/responses/200/content/application~1json/schema"}},` +
			`{"name":"r","in":"query","schema":{"$ref":"#/components/examples/E/value"}}],"responses":` + responses +
			`}}},"components":{"examples":` + examples + `}}`
	}
	good := doc(`{"200":{"description":"ok \u00e9\n","content":{"application/json":{"schema":{"type":"integer","maximum":-0.5e2}}}}}`,
		`{"E":{"value":{"type":"string","enum":["a","b",null,true,[]]}},"F":{"value":[1,2,{"x":{}}]}}`)
	treeSame(t, []byte(doc(`{}`, `[]`)), true)
	treeSame(t, []byte(good), true)
	v, _ := decodeDescription([]byte(good))
	root := v.(map[string]any)
	if _, ok := root["components"].(map[string]any)["examples"].(*lazyJSON); !ok {
		t.Error("components.examples was decoded")
	}
	op := root["paths"].(map[string]any)["/a"].(map[string]any)["get"].(map[string]any)
	if _, ok := op["responses"].(*lazyJSON); !ok {
		t.Error("the operation's responses were decoded")
	}
	if _, ok := op["parameters"].([]any); !ok {
		t.Error("the operation's parameters were not decoded")
	}
	treeSame(t, []byte(doc(`{"200":1e999}`, `{}`)), true)
	for _, bad := range []string{`{"200":"\x"}`, "{\"200\":\"a\tb\"}", `{"200":"\u12"}`, `{"200":[1,]}`,
		`{"200":01}`, `{"200"}`, `{"200":tru}`, `[` + strings.Repeat("[", maxTreeDepth) + strings.Repeat("]", maxTreeDepth) + `]`} {
		treeSame(t, []byte(doc(bad, `{}`)), false)
		treeSame(t, []byte(doc(`{}`, bad)), false)
	}

	path := filepath.Join(t.TempDir(), "refs.json")
	if err := os.WriteFile(path, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	api, err := Load(context.Background(), path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	params := api.Operations[0].Params
	if params[0].Schema["type"] != "integer" || params[1].Schema["type"] != "string" || len(params[1].Schema["enum"].([]any)) != 5 {
		t.Errorf("$refs into responses and examples resolve to %v and %v", params[0].Schema, params[1].Schema)
	}
}

// TestDecodeDescriptionInParallel: a large description is decoded in
// pieces on every core, put together as encoding/json decodes it (a
// repeated key keeps its last value); anything encoding/json refuses,
// between the pieces or inside one, is refused.
func TestDecodeDescriptionInParallel(t *testing.T) {
	var paths strings.Builder
	for i := 0; paths.Len() < parallelMinBytes; i++ {
		fmt.Fprintf(&paths, `"/p%d":{"get":{"operationId":"op%d","description":"caf\u00e9 %d","responses":{"200":{"description":"ok"}}}},`, i, i, i)
	}
	body := paths.String()
	doc := func(pathsTail, rest string) []byte {
		return []byte(`{"openapi":"3.0.0","paths":{` + body + pathsTail + `},"info":{"title":"t"},` +
			`"components":{"schemas":{"A":{"type":"string"}},"examples":{"E":{"value":1}}}` + rest + `}`)
	}
	treeSame(t, doc(`"/p0":{"get":{"operationId":"again"}}`, `,"openapi":"3.1.0"`), true)
	treeSame(t, doc(`"/z":1e999`, ``), true)
	v, ok := decodeDescription(doc(`"/z":{}`, ``))
	if !ok {
		t.Fatal("not decoded")
	}
	root := v.(map[string]any)
	if _, ok := root["components"].(map[string]any)["examples"].(*lazyJSON); !ok {
		t.Error("components.examples was decoded")
	}
	if _, ok := root["paths"].(map[string]any)["/p1"].(map[string]any)["get"].(map[string]any)["responses"].(*lazyJSON); !ok {
		t.Error("an operation's responses were decoded")
	}
	for _, bad := range [][2]string{
		{`"/z":{} "/y":{}`, ``}, {`"/z":{},`, ``}, {`"/z":{"get":{"responses":[1,]}}`, ``},
		{`"/z":{}`, `,"x":tru`}, {`"/z":{}`, `,"x"`}, {`"/z":{}`, `}`}, {`"/z":{}`, `,"x":"\q"`}, {`"/z" {}`, ``},
		{`"/z":` + strings.Repeat("[", maxTreeDepth) + strings.Repeat("]", maxTreeDepth), ``},
	} {
		treeSame(t, doc(bad[0], bad[1]), false)
	}
	treeSame(t, append(doc(`"/z":{}`, ``), " x"...), false)
}

// TestMappedJSONCutShortWhileDecodedInPieces: a large description whose
// file is cut short while its pieces are decoded on other goroutines is
// read again, not a crash.
func TestMappedJSONCutShortWhileDecodedInPieces(t *testing.T) {
	big := piecesDescription()
	path := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	cut := false
	beforePieces = func() {
		cut = true
		if err := os.Truncate(path, 4096); err != nil {
			t.Error(err)
		}
	}
	defer func() { beforePieces = nil }()
	if _, _, ok := mappedJSON(path); ok {
		t.Error("a description cut short while its pieces were decoded was decoded")
	}
	if !cut {
		t.Fatal("the description was not decoded in pieces")
	}
}

// TestMappedJSONRewrittenWhileDecoded: a description rewritten in place
// while it is decoded is not taken from the mapping (which may hold old and
// new bytes at once), and its digest is never that of bytes it was not
// decoded from.
func TestMappedJSONRewrittenWhileDecoded(t *testing.T) {
	before := piecesDescription()
	path := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(path, before, 0o600); err != nil {
		t.Fatal(err)
	}
	old, _ := os.Stat(path)
	after := bytes.Replace(before, []byte(`"/p0"`), []byte(`"/q0"`), 1)
	beforePieces = func() {
		fh, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		defer fh.Close()
		if _, err := fh.WriteAt(after, 0); err != nil {
			t.Error(err)
		}
		// A write in the same clock tick as the first one.
		if err := os.Chtimes(path, old.ModTime().Add(time.Second), old.ModTime().Add(time.Second)); err != nil {
			t.Error(err)
		}
	}
	defer func() { beforePieces = nil }()
	sum, _, ok := mappedJSON(path)
	if ok {
		t.Error("a description rewritten while it was decoded was taken from its mapping")
	}
	if sum == sha256.Sum256(after) {
		t.Error("the digest is of bytes that were not decoded")
	}
}

// piecesDescription is a JSON description large enough to be decoded in
// pieces.
func piecesDescription() []byte {
	var sb strings.Builder
	sb.WriteString(`{"openapi":"3.0.0","paths":{`)
	for i := 0; sb.Len() < 2*parallelMinBytes; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"/p%d":{"get":{"description":"operation %d","responses":{"200":{"description":"ok"}}}}`, i, i)
	}
	sb.WriteString("}}\n")
	return []byte(sb.String())
}
