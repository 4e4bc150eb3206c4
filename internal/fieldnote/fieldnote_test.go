package fieldnote

import "testing"

// TestAt checks that a note in braces is read only where a listing writes
// one: on an object listed without its properties, or an array whose
// items say nothing, naming fields alone, at the start of the description
// or after a space. Braces that end a description for other reasons are
// no note.
func TestAt(t *testing.T) {
	obj := func(d string) map[string]any { return map[string]any{"type": "object", "description": d} }
	arr := func(d string, items map[string]any) map[string]any {
		return map[string]any{"type": "array", "description": d, "items": items}
	}
	for _, tc := range []struct {
		name string
		s    map[string]any
		d    string
		want string
		at   int
	}{
		{"object", obj("{city, country}"), "{city, country}", "{city, country}", 0},
		{"after the description", obj("Billing address. {city}"), "Billing address. {city}", "{city}", 17},
		{"required and more", obj(""), "{required day, month; optional tz; 3 more}", "{required day, month; optional tz; 3 more}", 0},
		{"required only", obj(""), "{required a; 2 more}", "{required a; 2 more}", 0},
		{"items", arr("", map[string]any{}), "[{price, quantity}]", "[{price, quantity}]", 0},
		{"items not said", map[string]any{"type": "array"}, "[{price}]", "[{price}]", 0},
		{"before other notes", obj(""), "{a} (as for create; others: describe_action) (create)", "", -1},
		{"a string", map[string]any{"type": "string"}, "A template such as {name}", "", -1},
		{"an object with properties", map[string]any{"type": "object", "properties": map[string]any{}}, "{a, b}", "", -1},
		{"an object with no type", map[string]any{}, "{a, b}", "", -1},
		{"an array of strings", arr("", map[string]any{"type": "string"}), "[{a}]", "", -1},
		{"braces on an object", map[string]any{"type": "array", "items": map[string]any{}}, "{a}", "", -1},
		{"JSON", obj(""), `Pairs such as {"key": "value"}`, "", -1},
		{"words", obj(""), "Set as {a key and a value}", "", -1},
		{"glued", obj(""), "Labels{a, b}", "", -1},
		{"empty", obj(""), "{}", "", -1},
		{"more alone", obj(""), "{3 more}", "", -1},
		{"parts out of order", obj(""), "{optional a; required b}", "", -1},
		{"two plain parts", obj(""), "{a; b}", "", -1},
		{"a count that is no number", obj(""), "{a; many more}", "", -1},
	} {
		if got, at := At(tc.s, tc.d); got != tc.want || at != tc.at {
			t.Errorf("%s: At(%q) = %q, %d; want %q, %d", tc.name, tc.d, got, at, tc.want, tc.at)
		}
	}
}

// TestWords checks that a note in braces reads as the words of earlier
// listings, and that other text is left as it is.
func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"{required a; optional b; 2 more}": "(fields: required a; optional b; 2 more)",
		"[{a, b}]":                         "(items' fields: a, b)",
		"(fields: a)":                      "(fields: a)",
		"(one of 288 values, such as x)":   "(one of 288 values, such as x)",
		"":                                 "",
	} {
		if got := Words(in); got != want {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
		}
	}
}
