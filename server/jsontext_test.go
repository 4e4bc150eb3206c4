package server

import (
	"encoding/json"
	"math"
	"path/filepath"
	"testing"
)

// sameAsMarshal checks appendSchemaJSON against json.Marshal.
func sameAsMarshal(t *testing.T, at string, v any) {
	t.Helper()
	want, wantErr := json.Marshal(v)
	got, err := appendSchemaJSON([]byte("x"), v)
	if (err != nil) != (wantErr != nil) || err == nil && string(got[1:]) != string(want) {
		t.Errorf("%s: appendSchemaJSON = %s, %v\njson.Marshal    = %s, %v", at, got, err, want, wantErr)
	}
}

func TestAppendSchemaJSONIsMarshal(t *testing.T) {
	for i, v := range []any{
		nil, true, false, "", "<a href='x'>&amp;</a>\u2028\u2029\x00\x1f\"\\\t\n\xff", 0.0, math.Copysign(0, -1),
		1.0, -1.5, 1e-6, 1e-7, 9.99e-7, 1e20, 1e21, 123456789012345678901234.0, -1e-300, math.MaxFloat64,
		math.NaN(), math.Inf(1), []any(nil), []any{}, map[string]any(nil), map[string]any{},
		map[string]any{"b": []any{1.0, "x", nil, map[string]any{"z": 1.0, "a": []string{"q"}}}, "a": true, "é": 2, "B": int64(3), "<": json.RawMessage(` {"a" : "<"} `)},
		[]any{math.NaN()}, map[string]any{"x": math.Inf(-1)}, []string(nil), map[string]string{"b": "1", "a": "2"},
	} {
		sameAsMarshal(t, string(rune('a'+i)), v)
	}
	for _, file := range sharedSpecs(t) {
		s, err := New(Config{API: loadSpec(t, file), Layout: LayoutOperations})
		if err != nil {
			t.Fatal(err)
		}
		for _, tl := range s.ops {
			sameAsMarshal(t, filepath.Base(file)+" "+tl.def.Name+" listed", tl.in.listed)
			sameAsMarshal(t, filepath.Base(file)+" "+tl.def.Name+" checked", tl.checkSchema())
		}
		for _, tl := range append(s.resourceTools(), s.searchTools()...) {
			sameAsMarshal(t, filepath.Base(file)+" "+tl.def.Name, tl.def.InputSchema)
		}
	}
}
