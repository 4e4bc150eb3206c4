package client

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// treeSame checks that decodeTree gives what encoding/json gives, or
// leaves the document to it.
func treeSame(t *testing.T, doc []byte, wantOK bool) {
	t.Helper()
	var want any
	jsonErr := json.Unmarshal(doc, &want)
	got, ok := decodeTree(doc)
	if ok != wantOK {
		t.Fatalf("%.80q: decodeTree ok = %v, want %v (encoding/json: %v)", doc, ok, wantOK, jsonErr)
	}
	if !ok {
		return
	}
	if jsonErr != nil {
		t.Fatalf("%.80q: decodeTree accepted what encoding/json refuses: %v", doc, jsonErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%.80q: decodeTree = %#v, encoding/json = %#v", doc, got, want)
	}
}

func TestDecodeTreeIsEncodingJSON(t *testing.T) {
	for _, doc := range []string{
		`{}`, `[]`, ` {"a": [] , "b" : {} } `, `"x"`, `0`, `-0`, `-1`, `255`, `256`, `123456789012345`,
		`1234567890123456789`, `1.5`, `-2.5e3`, `1E+2`, `1e-2`, `true`, `false`, `null`,
		`{"a":1,"a":2}`, `{"a":{"b":[1,"two",null,true,{"c":false}]}}`,
		`"caf\u00e9 \ud83d\ude00 \n\t\"\\\/"`, `"\ud800"`, `"é ü 日本"`, `{"é":"\u0041"}`,
		`[1,2,3,"type","type","type"]`, "\"\xff\"", "{\"k\xfe\":1}", `{"description":"` + strings.Repeat("long ", 40) + `"}`,
	} {
		treeSame(t, []byte(doc), true)
	}
	for _, doc := range []string{
		``, ` `, `{`, `[1,]`, `{"a"}`, `{"a":1,}`, `01`, `1.`, `.5`, `1e`, `-`, `+1`, `tru`, `nul`, `[1 2]`,
		`{"a":1}x`, "\"a\x01b\"", `"abc`, `"ab\"`, `1e999`, `{1:2}`, `NaN`,
		strings.Repeat("[", maxTreeDepth+1) + strings.Repeat("]", maxTreeDepth+1),
	} {
		treeSame(t, []byte(doc), false)
	}
	deep := strings.Repeat("[", maxTreeDepth) + strings.Repeat("]", maxTreeDepth)
	treeSame(t, []byte(deep), true)
}

// TestDecodeTreeSharedSpecs decodes the real JSON descriptions both ways.
func TestDecodeTreeSharedSpecs(t *testing.T) {
	for _, file := range sharedSpecFiles(t) {
		if filepath.Ext(file) != ".json" {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			treeSame(t, data, true)
		})
	}
}

func FuzzDecodeTree(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x\u00e9",null,true]}`, `[]`, `"\ud83d\ude00"`, `-0.0e1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var want any
		jsonErr := json.Unmarshal(doc, &want)
		got, ok := decodeTree(doc)
		if ok && (jsonErr != nil || !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q: decodeTree = %#v, encoding/json = %#v, %v", doc, got, want, jsonErr)
		}
	})
}

// BenchmarkDecodeJSON decodes the largest shared descriptions with
// encoding/json into an `any` and with decodeTree.
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
		b.Run(short+"/tree", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := decodeTree(data); !ok {
					b.Fatal("not decoded")
				}
			}
		})
	}
}
