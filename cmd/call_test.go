package cmd

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/restmcp/restmcp/profile"
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
			"since":  map[string]any{"anyOf": []any{map[string]any{"type": "integer"}, map[string]any{"type": "string"}}},
			"when":   map[string]any{"anyOf": []any{map[string]any{"type": "object"}, map[string]any{"type": "integer"}}},
			"nums":   map[string]any{"anyOf": []any{map[string]any{"type": "array", "items": map[string]any{"type": "integer"}}}},
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
		{name: "integer", pairs: []string{"page=2"}, want: map[string]any{"page": json.Number("2")}},
		{name: "integer past 64 bits", pairs: []string{"page=12345678901234567890"}, want: map[string]any{"page": json.Number("12345678901234567890")}},
		{name: "nullable number", pairs: []string{"ratio=0.5"}, want: map[string]any{"ratio": json.Number("0.5")}},
		{name: "number as written", pairs: []string{"ratio=1.10"}, want: map[string]any{"ratio": json.Number("1.10")}},
		{name: "JSON numbers as written", json: `{"ids": [9007199254740993], "big": 1e400}`,
			want: map[string]any{"ids": []any{json.Number("9007199254740993")}, "big": json.Number("1e400")}},
		{name: "boolean", pairs: []string{"active=true"}, want: map[string]any{"active": true}},
		{name: "comma array of integers", pairs: []string{"ids=1, 2,3"}, want: map[string]any{"ids": []any{json.Number("1"), json.Number("2"), json.Number("3")}}},
		{name: "JSON array", pairs: []string{`tags=["a,b","c"]`}, want: map[string]any{"tags": []any{"a,b", "c"}}},
		{name: "object", pairs: []string{`meta={"k":"v"}`}, want: map[string]any{"meta": map[string]any{"k": "v"}}},
		{name: "value with equals sign", pairs: []string{"name=a=b"}, want: map[string]any{"name": "a=b"}},
		{name: "unknown property kept as string", pairs: []string{"other=x"}, want: map[string]any{"other": "x"}},
		{name: "--arg overrides --json", json: `{"page": 1, "name": "x"}`, pairs: []string{"page=3"}, want: map[string]any{"page": json.Number("3"), "name": "x"}},
		{name: "bad integer", pairs: []string{"page=two"}, wantErr: `--arg page: "two" is not an integer`},
		{name: "missing equals", pairs: []string{"page"}, wantErr: `--arg "page" has no value: write it as name=value, e.g. --arg page=VALUE`},
		{name: "missing name", pairs: []string{"=3"}, wantErr: `--arg "=3" names no argument: write it as name=value`},
		{name: "bad JSON", json: `[1]`, wantErr: "--json: not a JSON object"},
		{name: "two JSON values", json: `{"page": 1} {}`, wantErr: "--json: not a JSON object"},
		{name: "bad number", pairs: []string{"ratio=1,5"}, wantErr: `--arg ratio: "1,5" is not a number`},
		{name: "anyOf integer or string: an integer", pairs: []string{"since=5"}, want: map[string]any{"since": json.Number("5")}},
		{name: "anyOf integer or string: a string", pairs: []string{"since=007"}, want: map[string]any{"since": "007"}},
		{name: "anyOf object or integer", pairs: []string{`when={"gt":1}`, "since=x"}, want: map[string]any{"when": map[string]any{"gt": json.Number("1")}, "since": "x"}},
		{name: "anyOf object or integer: an integer", pairs: []string{"when=12"}, want: map[string]any{"when": json.Number("12")}},
		{name: "anyOf of one array", pairs: []string{"nums=1,2"}, want: map[string]any{"nums": []any{json.Number("1"), json.Number("2")}}},
		{name: "an array given again adds to it", pairs: []string{"tags=a", "tags=b,c", `tags=["d"]`}, want: map[string]any{"tags": []any{"a", "b", "c", "d"}}},
		{name: "an array given again replaces --json's once", json: `{"tags": ["x"]}`, pairs: []string{"tags=a", "tags=b"}, want: map[string]any{"tags": []any{"a", "b"}}},
		{name: "a scalar given twice", pairs: []string{"page=1", "page=2"}, wantErr: "--arg page is given more than once, and page takes one value"},
		{name: "an unknown argument given twice", pairs: []string{"other=x", "other=y"}, wantErr: "--arg other is given more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := callArguments(tool, nil, tt.json, tt.pairs)
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

// TestCallArgumentsOfAnAction checks that --arg values of a resource tool
// are read by the schema of the action the arguments choose, not the
// resource's listing (where labels is the list action's string).
func TestCallArgumentsOfAnAction(t *testing.T) {
	resource := &mcp.Tool{Name: "issues", InputSchema: map[string]any{"type": "object", "properties": map[string]any{
		"action": map[string]any{"type": "string", "enum": []any{"list", "create"}},
		"labels": map[string]any{"type": "string", "description": "(as listed for list; other actions: describe_action)"},
		"title":  map[string]any{"type": "string"},
	}}}
	create := &mcp.Tool{Name: "issues_create", InputSchema: map[string]any{"type": "object", "properties": map[string]any{
		"labels": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		"title":  map[string]any{"type": "string"},
	}}}
	action := func(args map[string]any) *mcp.Tool {
		if args["action"] == "create" {
			return create
		}
		return nil
	}
	for _, tt := range []struct {
		json  string
		pairs []string
		want  map[string]any
	}{
		{pairs: []string{"action=create", "labels=bug,docs", "title=t"}, want: map[string]any{"action": "create", "labels": []any{"bug", "docs"}, "title": "t"}},
		{json: `{"action": "create"}`, pairs: []string{"labels=bug"}, want: map[string]any{"action": "create", "labels": []any{"bug"}}},
		{pairs: []string{"labels=bug,docs", "action=list"}, want: map[string]any{"action": "list", "labels": "bug,docs"}},
	} {
		got, err := callArguments(resource, action, tt.json, tt.pairs)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %v: got %#v, want %#v", tt.json, tt.pairs, got, tt.want)
		}
	}
}

// A mistyped --profile on a command that reads the description says that
// there is no such profile and names those there are, not that the
// profile has no description.
func TestMissingProfileNamesTheProfiles(t *testing.T) {
	for _, args := range [][]string{{"call", "list_notes"}, {"tools"}, {"serve"}} {
		f, _, errOut := testFactory(t, nil)
		store, err := f.Profiles()
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Save(profile.Profile{Name: "example", Spec: "https://api.example.com/openapi.json"}); err != nil {
			t.Fatal(err)
		}
		f.IO.In = strings.NewReader("")
		code := run(t, f, append(args, "--profile", "exmple")...)
		want := `no profile "exmple" in ` + store.Path() + ": run `restmcp login --profile exmple --spec FILE|URL` to create it, or pass --spec FILE|URL (profiles: example)"
		if code != 1 || !strings.Contains(errOut.String(), want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", args[0], code, errOut, want)
		}
	}
}
