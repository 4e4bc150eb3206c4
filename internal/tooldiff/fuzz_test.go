package tooldiff

import "testing"

// FuzzCompare: Compare and Text never panic, whatever either side holds,
// and a listing compared with itself has no change.
func FuzzCompare(f *testing.F) {
	for _, s := range [][2]string{
		{before, after},
		{after, before},
		{`[]`, `{"tools":[]}`},
		{`[{"name":"a","inputSchema":{"type":"object","properties":{"x":{"type":["string","null"],"enum":[1,"1",null,{"a":1}]}}}}]`,
			`[{"name":"a","inputSchema":{"type":"object","properties":{"x":{"items":{"items":{}},"properties":[]}},"required":"x"}}]`},
		{`[{"name":"a","inputSchema":{"properties":{"x":{"anyOf":[{"type":"string"},{"oneOf":[]}],"allOf":null}}}}]`, `[{"name":"a"}]`},
		{`[{"name":"a","annotations":{"readOnlyHint":true,"destructiveHint":null}}]`, `[{"name":"a","annotations":null}]`},
		{`[{"name":"a"},{"name":"a"}]`, `{"tools":null}`},
		{`{"openapi":"3.1.0"}`, `null`},
		{`[1, "x", null]`, `[{"name":""}]`},
		{``, `[{"name":"\u00e9\ud800","inputSchema":{"properties":{"":{"type":7}}}}]`},
		{`[{"name":"a","description":" x","inputSchema":{"properties":{"x":{"description":"(fields: a)","items":{"description":"b"},"anyOf":[{"description":"c"}]}}}}]`,
			`[{"name":"a","description":"x ","inputSchema":{"properties":{"x":{"description":"(one of 2 values)","items":{},"anyOf":[{"enum":[1.5]},{}]}}}}]`},
		{`[{"name":"a","inputSchema":{"properties":{"x":{"description":"(items' fields: required a; optional b; 2 more) (as listed for c; other actions: d) (c, u)","items":{}},"y":{"anyOf":[{"type":"object","description":"(fields: a) (c)"},{"type":"object","properties":{"a":{"enum":["x"]}},"required":["a"]}]}}}}]`,
			`[{"name":"a","inputSchema":{"properties":{"x":{"items":{"allOf":[{"properties":{"a":{}},"required":["a"]},{"description":"(fields: required b)"}]}},"y":{"type":"object","oneOf":[{"type":"null"},{"enum":["x",null]}],"properties":{"a":{"anyOf":[{"enum":["x"]},{"enum":["y"]}]}}}}}}]`},
		{`[{"name":"a","inputSchema":{"allOf":[{"properties":{"x":{"type":"string"}}},{"properties":{"x":{"type":"integer"}},"required":["x"]}],"properties":{"y":{"description":"((fields: a) (b)) )(fields: ; required ; 0 more)"}}}}]`,
			`[{"name":"a","inputSchema":{"properties":{"x":{"items":{"type":"string"}},"y":{"description":"(fields: required , a; optional)"}}}}]`},
		{`[{"name":"x_describe_tool_2","title":"Describe a tool"},{"name":"a","title":"T","description":"d\n\nGET /a","inputSchema":{"properties":{"x":{"description":"(fields: required a; optional b; 99999999999999999999 more)"},"y":{"enum":["a",1,null]}}}}]`,
			`[{"name":"b","title":"T","description":"GET /a","inputSchema":{"properties":{"x":{"description":"(fields: c; 1 more)"},"y":{"anyOf":[{"type":"string","enum":["a"]},{"type":"number"},{"type":"null"}]}}}}]`},
		{`[{"name":"a","inputSchema":{"properties":{"x":{"type":"array","description":"[{required a; optional b; 2 more}] (as for c; others: d) (c, u)","items":{}},"y":{"anyOf":[{"type":"object","description":"x {a} (c)"},{"type":"object","description":"{}}"}]}}}}]`,
			`[{"name":"a","inputSchema":{"properties":{"x":{"type":"array","description":"(u differs: d) [{a}]","items":{}},"y":{"type":"object","description":"{a; 1 more} {b}"}}}}]`},
	} {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, old, new []byte) {
		changes, _ := Compare(old, new)
		_ = Text(changes)
		for _, side := range [][]byte{old, new} {
			changes, err := Compare(side, side)
			if err == nil && len(changes) != 0 {
				t.Fatalf("a listing compared with itself has changes: %v\n%s", changes, side)
			}
		}
	})
}
