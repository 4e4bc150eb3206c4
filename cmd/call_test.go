package cmd

import (
	"reflect"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func TestCallArguments(t *testing.T) {
	tool := &mcp.Tool{Name: "t", InputSchema: map[string]any{
		"type": "object",
		"properties": map[string]any{
			"name":   map[string]any{"type": "string"},
			"page":   map[string]any{"type": "integer"},
			"ratio":  map[string]any{"type": []any{"number", "null"}},
			"active": map[string]any{"type": "boolean"},
			"ids":    map[string]any{"type": "array", "items": map[string]any{"type": "integer"}},
			"tags":   map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			"meta":   map[string]any{"type": "object"},
		},
	}}
	tests := []struct {
		name    string
		json    string
		pairs   []string
		want    map[string]any
		wantErr string
	}{
		{name: "string stays a string even when numeric", pairs: []string{"name=007"}, want: map[string]any{"name": "007"}},
		{name: "integer", pairs: []string{"page=2"}, want: map[string]any{"page": int64(2)}},
		{name: "nullable number", pairs: []string{"ratio=0.5"}, want: map[string]any{"ratio": 0.5}},
		{name: "boolean", pairs: []string{"active=true"}, want: map[string]any{"active": true}},
		{name: "comma array of integers", pairs: []string{"ids=1, 2,3"}, want: map[string]any{"ids": []any{int64(1), int64(2), int64(3)}}},
		{name: "JSON array", pairs: []string{`tags=["a,b","c"]`}, want: map[string]any{"tags": []any{"a,b", "c"}}},
		{name: "object", pairs: []string{`meta={"k":"v"}`}, want: map[string]any{"meta": map[string]any{"k": "v"}}},
		{name: "value with equals sign", pairs: []string{"name=a=b"}, want: map[string]any{"name": "a=b"}},
		{name: "unknown property kept as string", pairs: []string{"other=x"}, want: map[string]any{"other": "x"}},
		{name: "--arg overrides --json", json: `{"page": 1, "name": "x"}`, pairs: []string{"page=3"}, want: map[string]any{"page": int64(3), "name": "x"}},
		{name: "bad integer", pairs: []string{"page=two"}, wantErr: `--arg page: "two" is not an integer`},
		{name: "missing equals", pairs: []string{"page"}, wantErr: "want name=value"},
		{name: "bad JSON", json: `[1]`, wantErr: "--json: not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := callArguments(tool, tt.json, tt.pairs)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}
