package tooldiff

import (
	"errors"
	"strings"
	"testing"
)

const before = `[
 {"name":"list_notes","description":"List the notes.","annotations":{"readOnlyHint":true},
  "inputSchema":{"type":"object","properties":{
   "status":{"type":"string","enum":["open","done","archived"]},
   "limit":{"type":"integer"},
   "owner":{"type":"string"},
   "filter":{"type":"object","properties":{"tag":{"type":"string"},"since":{"type":"string"}},"required":["tag"]},
   "ids":{"type":"array","items":{"type":"object","properties":{"id":{"type":"integer"}}}}}}},
 {"name":"create_note","description":"Create a note.","annotations":{"readOnlyHint":false,"destructiveHint":false},
  "inputSchema":{"type":"object","properties":{"title":{"type":"string"},"body":{"type":"string"},"kind":{"type":"string"}},"required":["title"]}},
 {"name":"delete_note","description":"Delete a note.","inputSchema":{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}},
 {"name":"archive_note","description":"Archive a note.","annotations":{"readOnlyHint":true},"inputSchema":{"type":"object"}}
]`

const after = `{"tools":[
 {"name":"list_notes","description":"List the notes, newest first.","annotations":{"readOnlyHint":true},
  "inputSchema":{"type":"object","properties":{
   "status":{"type":"string","enum":["open","done","snoozed"]},
   "limit":{"type":"number"},
   "owner":{"type":"integer"},
   "filter":{"type":"object","properties":{"tag":{"type":"string"},"until":{"type":"string"}}},
   "ids":{"type":"array","items":{"type":"object","properties":{"id":{"type":"integer"},"rev":{"type":"integer"}},"required":["rev"]}},
   "page":{"type":"integer"}}}},
 {"name":"create_note","description":"Create a note.","annotations":{"readOnlyHint":false},
  "inputSchema":{"type":"object","properties":{"title":{"type":"string"},"body":{"anyOf":[{"type":"string"},{"type":"object"}]},"kind":{"type":"string","enum":["memo"]},"project":{"type":"integer"}},"required":["title","project"]}},
 {"name":"archive_note","description":"Archive a note.","annotations":{"readOnlyHint":false},"inputSchema":{"type":"object"}},
 {"name":"restore_note","description":"Restore a note.","inputSchema":{"type":"object"}}
]}`

// changeLines is what Compare says of old and new, a change a line.
func changeLines(t *testing.T, old, new string) string {
	t.Helper()
	changes, err := Compare([]byte(old), []byte(new))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, c.String())
	}
	return strings.Join(got, "\n")
}

func TestCompare(t *testing.T) {
	want := []string{
		`archive_note: is no longer read-only (breaking)`,
		`create_note: may now destroy or overwrite data (destructiveHint) (breaking)`,
		`create_note: argument "body" type string → object|string`,
		`create_note: argument "kind" takes only "memo" now (breaking)`,
		`create_note: argument "project" added, required (breaking)`,
		`delete_note: removed (breaking)`,
		`list_notes: argument "filter.since" removed (breaking)`,
		`list_notes: argument "filter.tag" no longer required`,
		`list_notes: argument "filter.until" added`,
		`list_notes: argument "ids[].rev" added, required (breaking)`,
		`list_notes: argument "limit" type integer → number`,
		`list_notes: argument "owner" type string → integer (breaking)`,
		`list_notes: argument "page" added`,
		`list_notes: argument "status" no longer takes "archived" (breaking)`,
		`list_notes: argument "status" also takes "snoozed"`,
		`list_notes: description changed`,
		`restore_note: added`,
	}
	if got := changeLines(t, before, after); got != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestCompareSame(t *testing.T) {
	changes, err := Compare([]byte(before), []byte(before))
	if err != nil || len(changes) != 0 {
		t.Errorf("a listing against itself: %v %v", changes, err)
	}
}

func TestCompareNotAListing(t *testing.T) {
	for name, old := range map[string]string{
		"openapi": `{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{}}`,
		"yaml":    "openapi: 3.0.3\npaths: {}\n",
	} {
		if _, err := Compare([]byte(old), []byte(after)); !errors.Is(err, ErrNotListing) {
			t.Errorf("%s: err = %v, want ErrNotListing", name, err)
		}
	}
	for old, want := range map[string]string{
		`[{"description":"no name"}]`: "tool 1 of the listing is not a tool",
		`[{"name":"a"},{"name":"a"}]`: `two tools named "a"`,
	} {
		if _, err := Compare([]byte(old), []byte(after)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", old, err, want)
		}
	}
}

// A field the listing summarises on one side (by its type and a note of
// its fields, as a large body is listed) is compared only as far as both
// listings show it: its fields are not removed nor added, and nothing
// breaks.
func TestCompareSummarisedField(t *testing.T) {
	const full = `[{"name":"create","inputSchema":{"type":"object","properties":{"address":{"type":"object",
	 "properties":{"city":{"type":"string"},
	  "geo":{"type":"object","properties":{"lat":{"type":"number"},"lng":{"type":"number"}},"required":["lat"]},
	  "tags":{"type":"array","items":{"type":"object","properties":{"k":{"type":"string"}}}},
	  "meta":{"anyOf":[{"type":"object","properties":{"k":{"type":"string"}}},{"type":"string"}]}},"required":["city"]}}}}]`
	const summarised = `[{"name":"create","inputSchema":{"type":"object","properties":{"address":{"type":"object",
	 "properties":{"city":{"type":"string"},
	  "geo":{"type":"object","description":"(fields: required lat; optional lng)"},
	  "tags":{"type":"array","items":{},"description":"(items' fields: k)"},
	  "meta":{"anyOf":[{"type":"object","description":"(fields: k)"},{"type":"string"}]}},"required":["city"]}}}}]`
	for _, tt := range []struct{ old, new, want string }{
		{full, summarised, "create: argument \"address.geo\" fields no longer listed\ncreate: argument \"address.meta\" fields no longer listed\ncreate: argument \"address.tags[]\" fields no longer listed"},
		{summarised, full, "create: argument \"address.geo\" fields listed now\ncreate: argument \"address.meta\" fields listed now\ncreate: argument \"address.tags[]\" fields listed now"},
	} {
		if got := changeLines(t, tt.old, tt.new); got != tt.want {
			t.Errorf("changes:\n%s\nwant:\n%s", got, tt.want)
		}
	}
}

// The alternatives of an anyOf or oneOf are compared with those of the
// same type: an enum value or a field gone from one breaks calls.
func TestCompareAlternatives(t *testing.T) {
	const old = `[{"name":"update","inputSchema":{"type":"object","properties":{
	 "anchor":{"anyOf":[{"type":"string","enum":["now","unchanged"]},{"type":"integer"}]},
	 "created":{"anyOf":[{"type":"object","properties":{"gt":{"type":"integer"},"gte":{"type":"integer"}}},{"type":"integer"}]}}}}]`
	const new = `[{"name":"update","inputSchema":{"type":"object","properties":{
	 "anchor":{"anyOf":[{"type":"string","enum":["now"]},{"type":"integer"}]},
	 "created":{"anyOf":[{"type":"object","properties":{"gt":{"type":"integer"},"lt":{"type":"integer"}}},{"type":"integer"}]}}}}]`
	want := []string{
		`update: argument "anchor" no longer takes "unchanged" (breaking)`,
		`update: argument "created.gte" removed (breaking)`,
		`update: argument "created.lt" added`,
	}
	if got := changeLines(t, old, new); got != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// An argument that says a type where it said none takes fewer values:
// that breaks calls, as a type gone does; one that no longer says its
// type takes more. Types read from an enum or from fields are compared
// only on the old side, and only when a value they allow is no longer
// taken; an enum listed as a note says nothing of its type.
func TestCompareTypeSaidOrNot(t *testing.T) {
	const old = `[{"name":"search","inputSchema":{"type":"object","properties":{
	 "q":{"description":"What to look for."},
	 "owner":{"description":"Whose (one of the members)"},
	 "kind":{"description":"(one of 300 values, such as a, b, c, d, e, …)"},
	 "sort":{"type":"string"},
	 "filter":{"type":"object","properties":{"tag":{}}},
	 "ids":{"type":"array","items":{}},
	 "anchor":{"anyOf":[{"type":"string"},{}]},
	 "since":{"type":["integer","string"]},
	 "until":{"anyOf":[{"type":"integer"}]},
	 "mode":{"enum":["a","b"]},
	 "level":{"enum":[1,2]},
	 "rank":{"enum":[1,2]},
	 "where":{"properties":{"x":{"type":"string"}}},
	 "meta":{"allOf":[{"type":"object"}]}}}}]`
	const new = `[{"name":"search","inputSchema":{"type":"object","properties":{
	 "q":{"type":"string","description":"What to look for."},
	 "owner":{"type":"string","description":"Whose (one of the members)"},
	 "kind":{"type":"string","description":"(one of 300 values, such as a, b, c, d, e, …)"},
	 "sort":{},
	 "filter":{"type":"object","properties":{"tag":{"type":"string"}}},
	 "ids":{"type":"array","items":{"type":"integer"}},
	 "anchor":{"anyOf":[{"type":"string"},{"type":"integer"}]},
	 "since":{"anyOf":[{"type":"string"}]},
	 "until":{"type":["integer","string"]},
	 "mode":{"type":"string","enum":["a","b"]},
	 "level":{"type":"number","enum":[1,2]},
	 "rank":{"type":"string","enum":[1,2]},
	 "where":{"type":"object","properties":{"x":{"type":"string"}}},
	 "meta":{"type":"object"}}}}]`
	want := []string{
		`search: argument "anchor" type any → integer|string (breaking)`,
		`search: argument "filter.tag" type any → string (breaking)`,
		`search: argument "ids[]" type any → integer (breaking)`,
		`search: argument "owner" type any → string (breaking)`,
		`search: argument "q" type any → string (breaking)`,
		`search: argument "rank" type integer → string (breaking)`,
		`search: argument "since" type integer|string → string (breaking)`,
		`search: argument "sort" type string → any`,
		`search: argument "until" type integer → integer|string`,
	}
	if got := changeLines(t, old, new); got != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	// The other way round, what narrowed widens.
	want = []string{
		`search: argument "anchor" type integer|string → any`,
		`search: argument "filter.tag" type string → any`,
		`search: argument "ids[]" type integer → any`,
		`search: argument "owner" type string → any`,
		`search: argument "q" type string → any`,
		`search: argument "since" type string → integer|string`,
		`search: argument "sort" type any → string (breaking)`,
		`search: argument "until" type integer|string → integer (breaking)`,
	}
	if got := changeLines(t, new, old); got != strings.Join(want, "\n") {
		t.Errorf("changes, the other way round:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}
