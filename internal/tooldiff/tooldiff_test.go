package tooldiff

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
 {"name":"archive_note","description":"Archive a note.","annotations":{"readOnlyHint":false,"destructiveHint":false},"inputSchema":{"type":"object"}},
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

// An argument's description, nested fields' too, is compared by its
// words: one reworded, added or removed is a change that breaks nothing,
// one spaced otherwise is none. The note by which one listing stands for
// fields it does not list is not part of it.
func TestCompareDescriptions(t *testing.T) {
	const old = `[{"name":"list_projects","description":"List the  projects.",
	 "inputSchema":{"type":"object","properties":{
	 "status":{"type":"string","description":"Only projects in this status."},
	 "page":{"type":"integer","description":"Page number,\n starting at 1."},
	 "owner":{"type":"object","properties":{"name":{"type":"string","description":"The owner's login."}}},
	 "ids":{"type":"array","items":{"type":"integer","description":"An id."}},
	 "since":{"type":"string"},
	 "until":{"type":"string","description":"Before this date."},
	 "by":{"type":"string","description":"Who (one of the members)"},
	 "anchor":{"description":"Where to start.","anyOf":[{"type":"string","description":"A cursor."},{"type":"integer"}]},
	 "address":{"type":"object","description":"Where.","properties":{"city":{"type":"string"}}},
	 "geo":{"type":"object","description":"Place (fields: lat)"}}}}]`
	const new = `[{"name":"list_projects","description":"List the projects.",
	 "inputSchema":{"type":"object","properties":{
	 "status":{"type":"string","description":"Only projects in this state."},
	 "page":{"type":"integer","description":"Page number, starting at 1."},
	 "owner":{"type":"object","properties":{"name":{"type":"string","description":"The owner's user name."}}},
	 "ids":{"type":"array","items":{"type":"integer","description":"A project's id."}},
	 "since":{"type":"string","description":"After this date."},
	 "until":{"type":"string"},
	 "by":{"type":"string","description":"Who"},
	 "anchor":{"description":"Where to begin.","anyOf":[{"type":"string","description":"A cursor from next."},{"type":"integer"}]},
	 "address":{"type":"object","description":"Where. (fields: city)"},
	 "geo":{"type":"object","description":"Place (fields: lat, lng)"}}}}]`
	changes, err := Compare([]byte(old), []byte(new))
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{
		{Tool: "list_projects", Argument: "address", What: "fields no longer listed"},
		{Tool: "list_projects", Argument: "anchor", What: DescriptionChanged, Before: "Where to start.", After: "Where to begin."},
		{Tool: "list_projects", Argument: "by", What: DescriptionChanged, Before: "Who (one of the members)", After: "Who"},
		{Tool: "list_projects", Argument: "geo", What: DescriptionChanged, Before: "Place (fields: lat)", After: "Place (fields: lat, lng)"},
		{Tool: "list_projects", Argument: "ids[]", What: DescriptionChanged, Before: "An id.", After: "A project's id."},
		{Tool: "list_projects", Argument: "owner.name", What: DescriptionChanged, Before: "The owner's login.", After: "The owner's user name."},
		{Tool: "list_projects", Argument: "since", What: DescriptionChanged, After: "After this date."},
		{Tool: "list_projects", Argument: "status", What: DescriptionChanged, Before: "Only projects in this status.", After: "Only projects in this state."},
		{Tool: "list_projects", Argument: "until", What: DescriptionChanged, Before: "Before this date."},
	}
	if !slices.Equal(changes, want) {
		t.Errorf("changes:\n%v\nwant:\n%v", changes, want)
	}
	b, err := json.Marshal(changes[1])
	if err != nil || string(b) != `{"tool":"list_projects","argument":"anchor","what":"description changed","breaking":false,"before":"Where to start.","after":"Where to begin."}` {
		t.Errorf("as JSON: %s %v", b, err)
	}
}

// Text says the breaking changes first, then the others, then one line a
// tool for its descriptions.
func TestText(t *testing.T) {
	many := []Change{{Tool: "z", What: DescriptionChanged}}
	for i := range 12 {
		many = append(many, Change{Tool: "z", Argument: fmt.Sprintf("a%02d", i), What: DescriptionChanged})
	}
	for _, tt := range []struct {
		changes []Change
		want    []string
	}{
		{nil, nil},
		{[]Change{
			{Tool: "a", What: "added"},
			{Tool: "b", What: DescriptionChanged},
			{Tool: "c", Argument: "page", What: DescriptionChanged},
			{Tool: "c", Argument: "q", What: "removed", Breaking: true},
			{Tool: "c", Argument: "status", What: DescriptionChanged},
			{Tool: "d", Argument: "owner.name", What: DescriptionChanged},
			{Tool: "d", What: "removed", Breaking: true},
			{Tool: "e", Argument: "x", What: "added"},
			{Tool: "e", Argument: "x", What: DescriptionChanged},
			{Tool: "e", What: DescriptionChanged},
		}, []string{
			`c: argument "q" removed (breaking)`,
			`d: removed (breaking)`,
			`a: added`,
			`e: argument "x" added`,
			`b: description changed`,
			`c: descriptions of 2 arguments changed (page, status)`,
			`d: description of argument "owner.name" changed`,
			`e: descriptions of the tool and of argument "x" changed`,
		}},
		{many, []string{`z: descriptions of the tool and of 12 arguments changed (a00, a01, a02, a03, a04, a05, a06, a07, a08, a09 and 2 more)`}},
	} {
		if got := Text(tt.changes); !slices.Equal(got, tt.want) {
			t.Errorf("Text:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}

// A free-form object that lists its fields now takes only calls that give
// those it requires: each is a breaking change. One the listing showed in
// short (a note naming its fields) is not free-form, and the other way
// round nothing is required any more.
func TestCompareFreeFormListed(t *testing.T) {
	const old = `[{"name":"create","inputSchema":{"type":"object","properties":{
	 "meta":{"type":"object","description":"Anything."},
	 "labels":{"type":"object","additionalProperties":{"type":"string"}},
	 "tags":{"type":"array","items":{"type":"object"}},
	 "geo":{"type":"object","description":"(fields: required lat; optional lng)"},
	 "parts":{"type":"array","items":{},"description":"(items' fields: required id)"}}}}]`
	const new = `[{"name":"create","inputSchema":{"type":"object","properties":{
	 "meta":{"type":"object","description":"Anything.","properties":{"k":{"type":"string"},"v":{"type":"string"},"w":{"type":"string"}},"required":["v","k"]},
	 "labels":{"type":"object","properties":{"en":{"type":"string"}},"required":["en"]},
	 "tags":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}},
	 "geo":{"type":"object","properties":{"lat":{"type":"number"},"lng":{"type":"number"}},"required":["lat"]},
	 "parts":{"type":"array","items":{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}}}}}]`
	want := []string{
		`create: argument "geo" fields listed now`,
		`create: argument "labels" fields listed now`,
		`create: argument "labels.en" added, required (breaking)`,
		`create: argument "meta" fields listed now`,
		`create: argument "meta.k" added, required (breaking)`,
		`create: argument "meta.v" added, required (breaking)`,
		`create: argument "parts[]" fields listed now`,
		`create: argument "tags[]" fields listed now`,
		`create: argument "tags[].name" added, required (breaking)`,
	}
	if got := changeLines(t, old, new); got != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	want = []string{
		`create: argument "geo" fields no longer listed`,
		`create: argument "labels" fields no longer listed`,
		`create: argument "meta" fields no longer listed`,
		`create: argument "parts[]" fields no longer listed`,
		`create: argument "tags[]" fields no longer listed`,
	}
	if got := changeLines(t, new, old); got != strings.Join(want, "\n") {
		t.Errorf("changes, the other way round:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// A tool removed and one added that say the same (description and
// arguments, however spaced) are one probably renamed: still breaking, as
// prompts and rules name the old name. Only when neither could be another
// tool's. One that changed too (tag) is paired by its description
// (TestCompareRenamedChanged).
func TestCompareRenamed(t *testing.T) {
	const old = `[
	 {"name":"list_notes","description":"List the notes.","annotations":{"readOnlyHint":true},
	  "inputSchema":{"type":"object","properties":{"q":{"type":"string","description":"Words  to find."},"page":{"type":"integer"}}}},
	 {"name":"archive_a","description":"Archive it.","inputSchema":{"type":"object","properties":{"id":{"type":"integer"}}}},
	 {"name":"archive_b","description":"Archive it.","inputSchema":{"type":"object","properties":{"id":{"type":"integer"}}}},
	 {"name":"pin","description":"Pin a note.","inputSchema":{"type":"object","properties":{"id":{"type":"integer"}}}},
	 {"name":"get","description":"Get a note.","inputSchema":{"type":"object","properties":{"id":{"type":"integer"}}}},
	 {"name":"tag","description":"Tag a note.","inputSchema":{"type":"object","properties":{"id":{"type":"integer"}}}},
	 {"name":"ping","inputSchema":{"type":"object"}}]`
	const new = `[
	 {"name":"notes_list","description":"List  the notes.",
	  "inputSchema":{"properties":{"page":{"type":"integer"},"q":{"description":"Words to find.","type":"string"}},"type":"object"}},
	 {"name":"archive_c","description":"Archive it.","inputSchema":{"type":"object","properties":{"id":{"type":"integer"}}}},
	 {"name":"pin_a","description":"Pin a note.","inputSchema":{"type":"object","properties":{"id":{"type":"integer"}}}},
	 {"name":"pin_b","description":"Pin a note.","inputSchema":{"type":"object","properties":{"id":{"type":"integer"}}}},
	 {"name":"get_note","description":"Get one note.","inputSchema":{"type":"object","properties":{"id":{"type":"integer"}}}},
	 {"name":"tag_note","description":"Tag a note.","inputSchema":{"type":"object","properties":{"id":{"type":"string"}}}},
	 {"name":"health","inputSchema":{"type":"object"}}]`
	changes, err := Compare([]byte(old), []byte(new))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, c.String())
	}
	want := []string{
		`archive_a: removed (breaking)`,
		`archive_b: removed (breaking)`,
		`archive_c: added`,
		`get: removed (breaking)`,
		`get_note: added`,
		`health: added`,
		`notes_list: probably renamed from list_notes (breaking)`,
		`notes_list: is no longer read-only and may now destroy or overwrite data (destructiveHint) (breaking)`,
		`pin: removed (breaking)`,
		`pin_a: added`,
		`pin_b: added`,
		`ping: removed (breaking)`,
		`tag_note: probably renamed from tag (breaking)`,
		`tag_note: argument "id" type integer → string (breaking)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	i := slices.IndexFunc(changes, func(c Change) bool { return c.Tool == "notes_list" })
	b, err := json.Marshal(changes[i])
	if err != nil || string(b) != `{"tool":"notes_list","what":"probably renamed from list_notes","breaking":true,"before":"list_notes","after":"notes_list"}` {
		t.Errorf("as JSON: %s %v", b, err)
	}
}

// The resources layout writes more after the note of a summarised
// argument: the actions that take it, the one it is listed for. The note
// is found among those groups, so an array listed by its items' fields
// does not take any items, and its description is the same without it,
// wherever it sits.
func TestCompareNoteBeforeActions(t *testing.T) {
	const summarised = `[{"name":"payment_links","inputSchema":{"type":"object","properties":{
	 "x":{"type":"array","description":"(items' fields: a, b) (create, update)","items":{}},
	 "line_items":{"type":"array","items":{},"description":"(items' fields: required price; optional quantity) (as listed for create; other actions: describe_action) (create, update)"},
	 "card":{"anyOf":[{"type":"object","description":"(fields: required number; optional cvc) (create)"},{"type":"string","description":"(update)"}]}}}}]`
	const listed = `[{"name":"payment_links","inputSchema":{"type":"object","properties":{
	 "x":{"type":"array","description":"(create, update)","items":{"type":"object","description":"(fields: a, b)"}},
	 "line_items":{"type":"array","description":"(as listed for create; other actions: describe_action) (create, update)",
	  "items":{"type":"object","properties":{"price":{"type":"string"},"quantity":{"type":"integer"}},"required":["price"]}},
	 "card":{"anyOf":[{"type":"object","description":"(create)","properties":{"number":{"type":"string"},"cvc":{"type":"string"}},"required":["number"]},{"type":"string","description":"(update)"}]}}}}]`
	want := []string{
		`payment_links: argument "card" fields listed now`,
		`payment_links: argument "line_items[]" fields listed now`,
	}
	if got := changeLines(t, summarised, listed); got != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	want = []string{
		`payment_links: argument "card" fields no longer listed`,
		`payment_links: argument "line_items[]" fields no longer listed`,
	}
	if got := changeLines(t, listed, summarised); got != strings.Join(want, "\n") {
		t.Errorf("changes, the other way round:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// An argument listed as an anyOf of objects (the resources layout lists
// so one whose actions take different shapes) is not free-form: its
// fields are its object members', any of them (a field any member lists,
// required when all require it), compared with those of a plain object,
// or of the object members of the other side when they cannot be paired
// one to one.
func TestCompareObjectMembers(t *testing.T) {
	const shapes = `[{"name":"issues","inputSchema":{"type":"object","properties":{
	 "data":{"description":"The issue.","anyOf":[
	  {"type":"object","description":"(create)","properties":{"name":{"type":"string"},"notes":{"type":"string","description":"Notes."},"project":{"type":"string"}},"required":["name","project"]},
	  {"type":"object","description":"(update)","properties":{"name":{"type":"string"},"notes":{"type":"string","description":"Notes, in Markdown."},"done":{"type":"boolean"}},"required":["name"]}]},
	 "meta":{"type":"object","oneOf":[
	  {"type":"object","properties":{"k":{"type":"string"}},"required":["k"]},
	  {"type":"object","properties":{"k":{"type":"string"},"v":{"type":"string"}},"required":["k"]}]},
	 "free":{"anyOf":[{"type":"object"},{"type":"object","properties":{"a":{"type":"string"}}}]},
	 "tags":{"type":"array","items":{"anyOf":[
	  {"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]},
	  {"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}]}}}}}]`
	const merged = `[{"name":"issues","inputSchema":{"type":"object","properties":{
	 "data":{"type":"object","description":"The issue.","properties":{"name":{"type":"string"},"notes":{"type":"string","description":"Notes."},"project":{"type":"string"},"done":{"type":"boolean"},"due":{"type":"string"}},"required":["name"]},
	 "meta":{"type":"object","properties":{"k":{"type":"string"},"v":{"type":"string"}},"required":["k","v"]},
	 "free":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},
	 "tags":{"type":"array","items":{"anyOf":[
	  {"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]},
	  {"type":"object","properties":{"name":{"type":"string"},"id":{"type":"integer"}},"required":["name","id"]}]}}}}}]`
	want := []string{
		`issues: argument "data.due" added`,
		`issues: argument "free" fields listed now`,
		`issues: argument "free.a" added, required (breaking)`,
		`issues: argument "meta.v" now required (breaking)`,
		`issues: argument "tags[].id" now required (breaking)`,
	}
	if got := changeLines(t, shapes, merged); got != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	want = []string{
		`issues: argument "data.due" removed (breaking)`,
		`issues: argument "free" fields no longer listed`,
		`issues: argument "meta.v" no longer required`,
		`issues: argument "tags[].id" no longer required`,
	}
	if got := changeLines(t, merged, shapes); got != strings.Join(want, "\n") {
		t.Errorf("changes, the other way round:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// The values of an anyOf's or oneOf's members that each list theirs are
// the argument's values, compared with another's enum: members of one
// type that merge into one enum take what they took. A member that lists
// none takes any value of its type; one that takes null alone, null.
func TestCompareMemberEnums(t *testing.T) {
	const old = `[{"name":"list","inputSchema":{"type":"object","properties":{
	 "kind":{"anyOf":[{"type":"string","enum":["a","b"]},{"type":"string","enum":["a","b","c"]}]},
	 "level":{"oneOf":[{"type":"string","enum":["a","b"]},{"type":"string","enum":["c"]}]},
	 "mode":{"anyOf":[{"type":"string","enum":["a"]},{"type":"string"}]},
	 "sort":{"type":"string","enum":["asc"]},
	 "anchor":{"anyOf":[{"type":"string","enum":["now"]},{"type":"integer","enum":[1]}]}}}}]`
	const new = `[{"name":"list","inputSchema":{"type":"object","properties":{
	 "kind":{"type":"string","enum":["a","b","c"]},
	 "level":{"type":"string","enum":["a","c"]},
	 "mode":{"type":"string","enum":["a"]},
	 "sort":{"anyOf":[{"type":"string","enum":["asc"]},{"type":"null"}]},
	 "anchor":{"anyOf":[{"type":"string","enum":["now","later"]},{"type":"number","enum":[1]}]}}}}]`
	want := []string{
		`list: argument "anchor" type integer|string → number|string`,
		`list: argument "anchor" also takes "later"`,
		`list: argument "level" no longer takes "b" (breaking)`,
		`list: argument "mode" takes only "a" now (breaking)`,
		`list: argument "sort" type string → null|string`,
		`list: argument "sort" also takes null`,
	}
	if got := changeLines(t, old, new); got != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	want = []string{
		`list: argument "anchor" type number|string → integer|string (breaking)`,
		`list: argument "level" also takes "b"`,
		`list: argument "mode" takes any value of its type now, not only "a"`,
		`list: argument "sort" type null|string → string (breaking)`,
	}
	if got := changeLines(t, new, old); got != strings.Join(want, "\n") {
		t.Errorf("changes, the other way round:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// The note that names a summarised object's fields names those it
// requires: each is a breaking change where the old listing did not
// require it, added where it took any field (a free-form object) or
// named all its fields and not this one, now required where it named it
// or may have counted it among those it did not name. A note that names
// no field says nothing of them.
func TestCompareNamedRequired(t *testing.T) {
	const old = `[{"name":"create","inputSchema":{"type":"object","properties":{
	 "m":{"type":"object"},
	 "geo":{"type":"object","description":"(fields: a, b)"},
	 "addr":{"type":"object","description":"(fields: city, zip)"},
	 "more":{"type":"object","description":"(fields: a; 3 more)"},
	 "listed":{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}},
	 "parts":{"type":"array","items":{"type":"object"}},
	 "node":{"type":"object"},
	 "same":{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}}}}]`
	const new = `[{"name":"create","inputSchema":{"type":"object","properties":{
	 "m":{"type":"object","description":"(fields: required a; optional b)"},
	 "geo":{"type":"object","description":"(fields: required c; optional a, b)"},
	 "addr":{"type":"object","description":"(fields: required zip; optional city)"},
	 "more":{"type":"object","description":"(fields: required x; optional a)"},
	 "listed":{"type":"object","description":"(fields: required a, c; optional b)"},
	 "parts":{"type":"array","items":{},"description":"(items' fields: required id)"},
	 "node":{"type":"object","description":"(Node, recursive; fields not listed)"},
	 "same":{"type":"object","description":"(fields: required id) (create)"}}}}]`
	want := []string{
		`create: argument "addr.zip" now required (breaking)`,
		`create: argument "geo.c" added, required (breaking)`,
		`create: argument "listed.a" now required (breaking)`,
		`create: argument "listed.c" added, required (breaking)`,
		`create: argument "m.a" added, required (breaking)`,
		`create: argument "more.x" now required (breaking)`,
		`create: argument "parts[].id" added, required (breaking)`,
		`create: argument "listed" fields no longer listed`,
		`create: argument "same" fields no longer listed`,
		`create: descriptions of 4 arguments changed (addr, geo, more, same)`,
	}
	changes, err := Compare([]byte(old), []byte(new))
	if err != nil {
		t.Fatal(err)
	}
	if got := Text(changes); !slices.Equal(got, want) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The other way round, what the old note named and the new listing
	// does not is gone.
	want = []string{
		`create: argument "geo.c" removed (breaking)`,
		`create: argument "listed.c" removed (breaking)`,
		`create: argument "listed" fields listed now`,
		`create: argument "same" fields listed now`,
		`create: descriptions of 4 arguments changed (addr, geo, more, same)`,
	}
	changes, err = Compare([]byte(new), []byte(old))
	if err != nil {
		t.Fatal(err)
	}
	if got := Text(changes); !slices.Equal(got, want) {
		t.Errorf("changes, the other way round:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The fields of an allOf's members are all the argument's, with its own:
// a field one of them lists or names, required when one requires it.
func TestCompareAllOf(t *testing.T) {
	const old = `[{"name":"create","inputSchema":{"type":"object","properties":{
	 "owner":{"allOf":[{"type":"object","properties":{"id":{"type":"integer"}}},{"type":"object","properties":{"name":{"type":"string"}}}]},
	 "meta":{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"description":"Anything else."}]},
	 "plain":{"type":"object","properties":{"a":{"type":"string"}}},
	 "noted":{"allOf":[{"type":"object","description":"(fields: a, b)"}]},
	 "own":{"type":"object","properties":{"a":{"type":"string"}},"allOf":[{"type":"object","properties":{"b":{"type":"string"}}}]},
	 "same":{"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}]}}}}]`
	const new = `[{"name":"create","inputSchema":{"type":"object","properties":{
	 "owner":{"allOf":[{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]},{"type":"object","properties":{"name":{"type":"string"}}}]},
	 "meta":{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"object","properties":{"b":{"type":"string"}},"required":["b"]}]},
	 "plain":{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"object","properties":{"b":{"type":"string"}},"required":["b"]}]},
	 "noted":{"allOf":[{"type":"object","description":"(fields: required a; optional b)"}]},
	 "own":{"type":"object","properties":{"a":{"type":"string"}},"allOf":[{"type":"object","properties":{"b":{"type":"integer"}},"required":["b"]}]},
	 "same":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}}}}]`
	want := []string{
		`create: argument "meta.b" added, required (breaking)`,
		`create: argument "noted.a" now required (breaking)`,
		`create: argument "own.b" now required (breaking)`,
		`create: argument "own.b" type string → integer (breaking)`,
		`create: argument "owner.id" now required (breaking)`,
		`create: argument "plain.b" added, required (breaking)`,
	}
	if got := changeLines(t, old, new); got != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	want = []string{
		`create: argument "meta.b" removed (breaking)`,
		`create: argument "own.b" no longer required`,
		`create: argument "own.b" type integer → string (breaking)`,
		`create: argument "owner.id" no longer required`,
		`create: argument "plain.b" removed (breaking)`,
	}
	if got := changeLines(t, new, old); got != strings.Join(want, "\n") {
		t.Errorf("changes, the other way round:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// An argument that now says no type but lists fields or items takes
// objects or arrays: a type it took that they are not is gone, as when it
// says its type. One that lists an enum takes its values, compared as
// such.
func TestCompareTypeReadFromFields(t *testing.T) {
	const old = `[{"name":"search","inputSchema":{"type":"object","properties":{
	 "q":{"type":"string"},
	 "ids":{"type":"string"},
	 "anything":{},
	 "either":{"type":["object","string"]},
	 "where":{"type":"object","properties":{"x":{"type":"string"}}},
	 "mode":{"type":"string"}}}}]`
	const new = `[{"name":"search","inputSchema":{"type":"object","properties":{
	 "q":{"properties":{"text":{"type":"string"}}},
	 "ids":{"items":{"type":"string"}},
	 "anything":{"properties":{"x":{"type":"string"}}},
	 "either":{"properties":{"x":{"type":"string"}}},
	 "where":{"properties":{"x":{"type":"string"}}},
	 "mode":{"enum":["a"]}}}}]`
	want := []string{
		`search: argument "anything" type any → object (breaking)`,
		`search: argument "either" type object|string → object (breaking)`,
		`search: argument "ids" type string → array (breaking)`,
		`search: argument "mode" takes only "a" now (breaking)`,
		`search: argument "q" type string → object (breaking)`,
	}
	if got := changeLines(t, old, new); got != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// describe_tool, which the operations layout lists while some tool lists
// an argument by its field names alone, goes when none does any more:
// that is said, and breaks nothing. Another tool removed still breaks
// calls, and so does describe_tool gone while a note still names fields,
// or a tool of that name that is not the helper.
func TestCompareDescribeToolGone(t *testing.T) {
	const helper = `{"name":"%s","title":"Describe a tool","description":"The full input schema of one tool.","annotations":{"readOnlyHint":true},
	 "inputSchema":{"type":"object","properties":{"tool":{"type":"string"},"argument":{"type":"string"}},"required":["tool"]}}`
	const summarised = `{"name":"create","inputSchema":{"type":"object","properties":{"body":{"type":"object","description":"(fields: a, b)"}}}}`
	const listed = `{"name":"create","inputSchema":{"type":"object","properties":{"body":{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}}}}`
	const other = `{"name":"get","inputSchema":{"type":"object"}}`
	list := func(tools ...string) string { return "[" + strings.Join(tools, ",") + "]" }
	for _, tt := range []struct{ name, old, new, want string }{
		{"gone", list(summarised, fmt.Sprintf(helper, "describe_tool"), other), list(listed),
			"create: argument \"body\" fields listed now\ndescribe_tool: no longer listed: no tool lists its fields by name alone any more\nget: removed (breaking)"},
		{"prefixed and numbered", list(summarised, fmt.Sprintf(helper, "acme_describe_tool_2")), list(listed),
			"acme_describe_tool_2: no longer listed: no tool lists its fields by name alone any more\ncreate: argument \"body\" fields listed now"},
		{"back", list(listed), list(summarised, fmt.Sprintf(helper, "describe_tool")),
			"create: argument \"body\" fields no longer listed\ndescribe_tool: added"},
		{"fields still named", list(summarised, fmt.Sprintf(helper, "describe_tool")), list(summarised),
			"describe_tool: removed (breaking)"},
		{"not the helper", list(listed, `{"name":"describe_tool","inputSchema":{"type":"object"}}`), list(listed),
			"describe_tool: removed (breaking)"},
	} {
		if got := changeLines(t, tt.old, tt.new); got != tt.want {
			t.Errorf("%s: changes:\n%s\nwant:\n%s", tt.name, got, tt.want)
		}
	}
}

// A field that a note naming all the fields (no "; N more") no longer
// names is removed, as one no longer listed is. One a note that counts
// others may count among them is not said; but where more are gone than
// it counts, some are, which ones is not told.
func TestCompareNamedRemoved(t *testing.T) {
	const old = `[{"name":"create","inputSchema":{"type":"object","properties":{
	 "geo":{"type":"object","description":"(fields: required lat; optional lng, alt)"},
	 "addr":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"string"}}},
	 "tags":{"type":"array","items":{},"description":"(items' fields: k, v)"},
	 "more":{"type":"object","description":"(fields: a, b, c)"},
	 "hidden":{"type":"object","description":"(fields: a, b, c)"},
	 "was":{"type":"object","description":"(fields: a, b; 3 more)"},
	 "free":{"type":"object","description":"(fields: a, b)"},
	 "short":{"type":"object","description":"(fields: a, b)"}}}}]`
	const new = `[{"name":"create","inputSchema":{"type":"object","properties":{
	 "geo":{"type":"object","description":"(fields: required lat; optional lng)"},
	 "addr":{"type":"object","description":"(fields: city)"},
	 "tags":{"type":"array","items":{},"description":"(items' fields: k)"},
	 "more":{"type":"object","description":"(fields: a; 2 more)"},
	 "hidden":{"type":"object","description":"(fields: x; 1 more)"},
	 "was":{"type":"object","description":"(fields: a)"},
	 "free":{"type":"object"},
	 "short":{"type":"object","description":"(fields not listed)"}}}}]`
	want := []string{
		`create: argument "addr.zip" removed (breaking)`,
		`create: argument "geo.alt" removed (breaking)`,
		`create: argument "hidden" at least 2 of its fields a, b, c removed (breaking)`,
		`create: argument "tags[].v" removed (breaking)`,
		`create: argument "was.b" removed (breaking)`,
		`create: argument "addr" fields no longer listed`,
	}
	changes, err := Compare([]byte(old), []byte(new))
	if err != nil {
		t.Fatal(err)
	}
	got := Text(changes)
	got = slices.DeleteFunc(got, func(l string) bool { return strings.Contains(l, "descriptions of") })
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A plain enum against an anyOf one of whose members lists no values (it
// takes any value of its type) or takes another type: a value is gone
// only when the new schema takes it no more, by a member's values or
// type; a type of which any value was taken and now only listed ones is
// narrowed to them.
func TestCompareEnumAgainstOpenMember(t *testing.T) {
	const old = `[{"name":"list","inputSchema":{"type":"object","properties":{
	 "kind":{"type":"string","enum":["a","b"]},
	 "mode":{"type":"string","enum":["a","b"]},
	 "level":{"type":"integer","enum":[1,2]},
	 "sort":{"type":"string","enum":["a","b"]},
	 "page":{"type":"string"}}}}]`
	const new = `[{"name":"list","inputSchema":{"type":"object","properties":{
	 "kind":{"anyOf":[{"type":"string","enum":["a"]},{"type":"integer"}]},
	 "mode":{"anyOf":[{"type":"string","enum":["a"]},{"type":"string"}]},
	 "level":{"anyOf":[{"type":"integer","enum":[1,3]},{"type":"string"}]},
	 "sort":{"anyOf":[{"type":"string"},{"type":"null"}]},
	 "page":{"anyOf":[{"type":"string","enum":["first"]},{"type":"integer"}]}}}}]`
	want := []string{
		`list: argument "kind" type string → integer|string`,
		`list: argument "kind" no longer takes "b" (breaking)`,
		`list: argument "level" type integer → integer|string`,
		`list: argument "level" no longer takes 2 (breaking)`,
		`list: argument "level" also takes 3`,
		`list: argument "mode" takes any value of its type now, not only "a", "b"`,
		`list: argument "page" type string → integer|string`,
		`list: argument "page" takes only "first" now (breaking)`,
		`list: argument "sort" type string → null|string`,
		`list: argument "sort" takes any value of its type now, not only "a", "b"`,
		`list: argument "sort" also takes null`,
	}
	if got := changeLines(t, old, new); got != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	// The other way round, with types of the anyOf kept: an open type
	// narrowed to listed values breaks calls, a value added does not.
	const oldAny = `[{"name":"list","inputSchema":{"type":"object","properties":{
	 "kind":{"anyOf":[{"type":"string","enum":["a"]},{"type":"integer"}]},
	 "mode":{"anyOf":[{"type":"string","enum":["a"]},{"type":"string"}]}}}}]`
	const newPlain = `[{"name":"list","inputSchema":{"type":"object","properties":{
	 "kind":{"type":["integer","string"],"enum":["a","b",1]},
	 "mode":{"type":"string","enum":["a","b"]}}}}]`
	want = []string{
		`list: argument "kind" takes only 1 now (breaking)`,
		`list: argument "kind" also takes "b"`,
		`list: argument "mode" takes only "a", "b" now (breaking)`,
	}
	if got := changeLines(t, oldAny, newPlain); got != strings.Join(want, "\n") {
		t.Errorf("changes, the other way round:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// A tool removed and one added that changed too are one probably renamed,
// its changes said under the new name, when they say the same of
// themselves (title, else description), which no other tool of either
// listing says, do not end their descriptions with different methods or
// paths, and keep most of their arguments (at least half of those either
// takes). Else each is removed or added.
func TestCompareRenamedChanged(t *testing.T) {
	const old = `[
	 {"name":"list_notes","title":"List notes","description":"List the notes.",
	  "inputSchema":{"type":"object","properties":{"q":{"type":"string"},"page":{"type":"integer"}}}},
	 {"name":"delete_user","title":"Delete","inputSchema":{"type":"object","properties":{"id":{"type":"string"}}}},
	 {"name":"delete_team","title":"Delete","inputSchema":{"type":"object","properties":{"id":{"type":"string"}}}},
	 {"name":"export","description":"Export data.","inputSchema":{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}},
	 {"name":"tag","description":"Tag a note.","inputSchema":{"type":"object","properties":{"id":{"type":"integer"}}}},
	 {"name":"find_pets","title":"Finds pets by status.","description":"Several values.\n\nGET /pet/findByStatus","inputSchema":{"type":"object","properties":{"status":{"type":"string"}}}},
	 {"name":"get_thing","title":"Get a thing","description":"GET /things/{id}","inputSchema":{"type":"object","properties":{"id":{"type":"string"}}}}]`
	const new = `[
	 {"name":"notes_list","title":"List  notes","description":"List the notes.",
	  "inputSchema":{"type":"object","properties":{"q":{"type":"string"},"page":{"type":"integer"},"limit":{"type":"integer"}},"required":["q"]}},
	 {"name":"delete_team","title":"Delete","inputSchema":{"type":"object","properties":{"id":{"type":"string"}}}},
	 {"name":"delete_member","title":"Delete","inputSchema":{"type":"object","properties":{"id":{"type":"string"},"force":{"type":"boolean"}}}},
	 {"name":"export_all","description":"Export data.","inputSchema":{"type":"object","properties":{"a":{"type":"string"},"x":{"type":"string"},"y":{"type":"string"}}}},
	 {"name":"tag_note","description":"Tag a note.","inputSchema":{"type":"object","properties":{"id":{"type":"string"}}}},
	 {"name":"list_pets","title":"Finds pets by status.","description":"Finds pets by status.\n\nSeveral values.\n\nGET /pet/findByStatus","inputSchema":{"type":"object","properties":{"status":{"type":"string"},"limit":{"type":"integer"}}}},
	 {"name":"fetch_item","title":"Get a thing","description":"GET /items/{id}","inputSchema":{"type":"object","properties":{"id":{"type":"string"}}}}]`
	want := []string{
		`delete_member: added`,
		`delete_user: removed (breaking)`,
		`export: removed (breaking)`,
		`export_all: added`,
		`fetch_item: added`,
		`get_thing: removed (breaking)`,
		`list_pets: probably renamed from find_pets (breaking)`,
		`list_pets: argument "limit" added`,
		`list_pets: description changed`,
		`notes_list: probably renamed from list_notes (breaking)`,
		`notes_list: argument "limit" added`,
		`notes_list: argument "q" now required (breaking)`,
		`tag_note: probably renamed from tag (breaking)`,
		`tag_note: argument "id" type integer → string (breaking)`,
	}
	if got := changeLines(t, old, new); got != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// A new or tighter limit rejects values that passed before: breaking. A
// looser or removed one, or a format, does not.
func TestCompareLimits(t *testing.T) {
	listing := func(props string) string {
		return `[{"name":"list_notes","inputSchema":{"type":"object","properties":{` + props + `}}}]`
	}
	for _, tt := range []struct{ old, new, want string }{
		{`"owner":{"type":"string"}`, `"owner":{"type":"string","maxLength":3}`, `argument "owner" maxLength 3 added (breaking)`},
		{`"owner":{"type":"string","maxLength":10}`, `"owner":{"type":"string","maxLength":3}`, `argument "owner" maxLength 10 → 3 (breaking)`},
		{`"owner":{"type":"string","maxLength":3}`, `"owner":{"type":"string","maxLength":10}`, `argument "owner" maxLength 3 → 10`},
		{`"owner":{"type":"string","maxLength":3}`, `"owner":{"type":"string"}`, `argument "owner" maxLength 3 removed`},
		{`"owner":{"type":"string"}`, `"owner":{"type":"string","minLength":1}`, `argument "owner" minLength 1 added (breaking)`},
		{`"owner":{"type":"string","minLength":2}`, `"owner":{"type":"string","minLength":1}`, `argument "owner" minLength 2 → 1`},
		{`"page":{"type":"integer"}`, `"page":{"type":"integer","maximum":100}`, `argument "page" maximum 100 added (breaking)`},
		{`"page":{"type":"integer","minimum":0}`, `"page":{"type":"integer","minimum":1}`, `argument "page" minimum 0 → 1 (breaking)`},
		{`"page":{"type":"integer","minimum":1}`, `"page":{"type":"integer","exclusiveMinimum":1}`, `argument "page" minimum 1 → exclusiveMinimum 1 (breaking)`},
		{`"page":{"type":"integer","exclusiveMaximum":10}`, `"page":{"type":"integer","maximum":10}`, `argument "page" exclusiveMaximum 10 → maximum 10`},
		{`"page":{"type":"number","minimum":0,"exclusiveMinimum":true}`, `"page":{"type":"number","minimum":0}`, `argument "page" minimum 0 (exclusive) → minimum 0`},
		{`"page":{"type":"integer"}`, `"page":{"type":"integer","multipleOf":5}`, `argument "page" multipleOf 5 added (breaking)`},
		{`"page":{"type":"integer","multipleOf":10}`, `"page":{"type":"integer","multipleOf":5}`, `argument "page" multipleOf 10 → 5`},
		{`"page":{"type":"integer","multipleOf":5}`, `"page":{"type":"integer","multipleOf":10}`, `argument "page" multipleOf 5 → 10 (breaking)`},
		{`"tags":{"type":"array","items":{"type":"string"}}`, `"tags":{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":5}`,
			"argument \"tags\" minItems 1 added (breaking)\nlist_notes: argument \"tags\" maxItems 5 added (breaking)"},
		{`"tags":{"type":"array","items":{"type":"string"},"maxItems":5}`, `"tags":{"type":"array","items":{"type":"string","maxLength":8}}`,
			"argument \"tags\" maxItems 5 removed\nlist_notes: argument \"tags[]\" maxLength 8 added (breaking)"},
		{`"owner":{"type":"string"}`, `"owner":{"type":"string","pattern":"^[a-z]+$"}`, `argument "owner" pattern "^[a-z]+$" added (breaking)`},
		{`"owner":{"type":"string","pattern":"^[a-z]+$"}`, `"owner":{"type":"string","pattern":"^[a-z0-9]+$"}`, `argument "owner" pattern "^[a-z]+$" → "^[a-z0-9]+$" (breaking)`},
		{`"owner":{"type":"string","pattern":"^[a-z]+$"}`, `"owner":{"type":"string"}`, `argument "owner" pattern "^[a-z]+$" removed`},
		{`"owner":{"type":"string"}`, `"owner":{"type":"string","format":"email"}`, `argument "owner" format email added`},
		{`"owner":{"type":"string","format":"email"}`, `"owner":{"type":"string","format":"uri"}`, `argument "owner" format email → uri`},
		{`"ids":{"type":"array","items":{"type":"string"}}`, `"ids":{"type":"array","items":{"type":"string"},"uniqueItems":true}`, `argument "ids" uniqueItems added (breaking)`},
		{`"owner":{"type":"string","maxLength":3,"pattern":"x"}`, `"owner":{"type":"string","maxLength":3,"pattern":"x"}`, ``},
	} {
		want := tt.want
		if want != "" {
			want = "list_notes: " + want
		}
		if got := changeLines(t, listing(tt.old), listing(tt.new)); got != want {
			t.Errorf("%s → %s:\n%s\nwant:\n%s", tt.old, tt.new, got, want)
		}
	}
}

// The hints a permission rule or a client goes by: each change said.
func TestCompareHints(t *testing.T) {
	tool := func(annotations string) string {
		return `[{"name":"stats","inputSchema":{"type":"object"},"annotations":` + annotations + `}]`
	}
	for _, tt := range []struct{ old, new, want string }{
		{`{"readOnlyHint":true}`, `{"readOnlyHint":false,"destructiveHint":true}`, `stats: is no longer read-only and may now destroy or overwrite data (destructiveHint) (breaking)`},
		{`{"readOnlyHint":true}`, `{"readOnlyHint":false,"destructiveHint":false}`, `stats: is no longer read-only (breaking)`},
		{`{"readOnlyHint":false,"destructiveHint":true}`, `{"readOnlyHint":false,"destructiveHint":false}`,
			`stats: no longer says it may destroy or overwrite data (destructiveHint false): permission rules may now let it run without asking`},
		{`{"readOnlyHint":false,"destructiveHint":false}`, `{"readOnlyHint":true}`, `stats: is read-only now`},
		{`{"destructiveHint":false,"idempotentHint":true}`, `{"destructiveHint":false}`, `stats: is no longer idempotent (idempotentHint): a call retried may repeat its effect`},
		{`{"destructiveHint":false}`, `{"destructiveHint":false,"idempotentHint":true}`, `stats: is idempotent now (idempotentHint)`},
		// Meaningless for a read-only tool.
		{`{"readOnlyHint":true,"idempotentHint":true}`, `{"readOnlyHint":true}`, ``},
	} {
		if got := changeLines(t, tool(tt.old), tool(tt.new)); got != tt.want {
			t.Errorf("%s → %s:\n%s\nwant:\n%s", tt.old, tt.new, got, tt.want)
		}
	}
}

// A title changed is said on the line of the tool's descriptions.
func TestTextTitle(t *testing.T) {
	old := `[{"name":"a","title":"List notes","description":"List.","inputSchema":{"type":"object"}},
	 {"name":"b","title":"Get a note","description":"Get.","inputSchema":{"type":"object"}}]`
	new := `[{"name":"a","title":"List the notes","description":"List all.","inputSchema":{"type":"object"}},
	 {"name":"b","title":"Get one note","description":"Get.","inputSchema":{"type":"object"}}]`
	changes, err := Compare([]byte(old), []byte(new))
	if err != nil {
		t.Fatal(err)
	}
	want := "a: title changed; description changed\nb: title changed"
	if got := strings.Join(Text(changes), "\n"); got != want {
		t.Errorf("%s\nwant:\n%s", got, want)
	}
}

// The layout a listing was served with, from its tools.
func TestLayout(t *testing.T) {
	for listing, want := range map[string]string{
		`[{"name":"x_search_operations","title":"Search the API's operations","inputSchema":{}}]`:                                                                        "search",
		`[{"name":"call_operation","title":"Call an API operation","inputSchema":{}}]`:                                                                                   "search",
		`[{"name":"notes","inputSchema":{"type":"object","properties":{"action":{"type":"string","enum":["list"],"description":"What to do."}},"required":["action"]}}]`: "resources",
		`[{"name":"notes","title":"/notes","inputSchema":{"type":"object","properties":{"action":{"type":"string","enum":["list"]}},"required":["action"]}}]`:            "resources",
		`[{"name":"notes","title":"Notes","inputSchema":{"type":"object","properties":{"action":{"type":"string","enum":["list"]}},"required":["action"]}}]`:             "operations",
		`[{"name":"describe_action","title":"Describe an action","inputSchema":{}}]`:                                                                                     "resources",
		`[{"name":"list_notes","inputSchema":{"type":"object","properties":{"action":{"type":"string"}}}}]`:                                                              "operations",
		`{"tools":[{"name":"list_notes","inputSchema":{}}]}`:                                                                                                             "operations",
		`[]`:                    "",
		`{"openapi":"3.0.3"}`:   "",
		`[{"title":"no name"}]`: "",
	} {
		if got := Layout([]byte(listing)); got != want {
			t.Errorf("%s: %q, want %q", listing, got, want)
		}
	}
}

func TestDisjoint(t *testing.T) {
	for _, tt := range []struct {
		old, new string
		want     bool
	}{
		{`[{"name":"a","inputSchema":{}}]`, `[{"name":"x_a","inputSchema":{}}]`, true},
		{`[{"name":"a","inputSchema":{}}]`, `[{"name":"a","inputSchema":{}},{"name":"b","inputSchema":{}}]`, false},
		{`[]`, `[{"name":"a","inputSchema":{}}]`, false},
		{`{"openapi":"3.0.3"}`, `[{"name":"a","inputSchema":{}}]`, false},
	} {
		if got := Disjoint([]byte(tt.old), []byte(tt.new)); got != tt.want {
			t.Errorf("%s, %s: %v", tt.old, tt.new, got)
		}
	}
}

// A listing saved by an earlier version, which named the fields of an
// argument listed without them in words ("(fields: …)", "(items' fields:
// …)") and said which actions an argument is listed for as "(as listed
// for create; other actions: …)", says the same as one that writes them
// in braces ("{…}", "[{…}]") and as "(as for create; others: …)": no
// change. A field gone from a note in braces is still one.
func TestCompareNotationAlone(t *testing.T) {
	const words = `[{"name":"charges","inputSchema":{"type":"object","properties":{
	 "shipping":{"type":"object","description":"Shipping information. (fields: required address, name; optional phone)"},
	 "items":{"type":"array","items":{},"description":"The items. (items' fields: price, quantity; 2 more)"},
	 "transfer_data":{"type":"object","description":"(fields: required destination; optional amount) (as listed for create; other actions: describe_action) (create, capture)"},
	 "lines":{"type":"array","items":{},"description":"(items' fields: required price; optional tax_rates) (as listed for create, update; other actions: describe_action)"},
	 "status":{"type":"string","enum":["a","b"],"description":"(not as listed for update: describe_action) (all but retrieve)"},
	 "kind":{"type":"string","description":"(not as listed for update, delete: describe_action)"},
	 "card":{"anyOf":[{"type":"object","description":"(fields: required number; optional cvc) (create)"},{"type":"object","description":"(fields: required token) (update)"}]}}}},
	 {"name":"describe_action","title":"Describe a tool","inputSchema":{"type":"object"}}]`
	const braces = `[{"name":"charges","inputSchema":{"type":"object","properties":{
	 "shipping":{"type":"object","description":"Shipping information. {required address, name; optional phone}"},
	 "items":{"type":"array","items":{},"description":"The items. [{price, quantity; 2 more}]"},
	 "transfer_data":{"type":"object","description":"{required destination; optional amount} (as for create; others: describe_action) (create, capture)"},
	 "lines":{"type":"array","items":{},"description":"[{required price; optional tax_rates}] (as for create, update; others: describe_action)"},
	 "status":{"type":"string","enum":["a","b"],"description":"(update differs: describe_action) (all but retrieve)"},
	 "kind":{"type":"string","description":"(update, delete differ: describe_action)"},
	 "card":{"anyOf":[{"type":"object","description":"{required number; optional cvc} (create)"},{"type":"object","description":"{required token} (update)"}]}}}},
	 {"name":"describe_action","title":"Describe a tool","inputSchema":{"type":"object"}}]`
	for _, tt := range []struct{ name, old, new string }{
		{"words to braces", words, braces},
		{"braces to words", braces, words},
	} {
		if got := changeLines(t, tt.old, tt.new); got != "" {
			t.Errorf("%s: changes:\n%s\nwant none", tt.name, got)
		}
	}
	// Fewer fields, in either notation: the changes read from braces are
	// those read from words.
	fewerWords := strings.Replace(words, "required address, name; optional phone", "required address, name", 1)
	fewerWords = strings.Replace(fewerWords, "required price; optional tax_rates", "required price, tax_rates", 1)
	fewerBraces := strings.Replace(braces, "required address, name; optional phone", "required address, name", 1)
	fewerBraces = strings.Replace(fewerBraces, "required price; optional tax_rates", "required price, tax_rates", 1)
	want := changeLines(t, words, fewerWords)
	for _, w := range []string{`charges: argument "shipping.phone" removed (breaking)`, `charges: argument "lines[].tax_rates" now required (breaking)`} {
		if !strings.Contains(want, w) {
			t.Fatalf("changes in words:\n%s\nwant %s among them", want, w)
		}
	}
	for _, tt := range []struct{ name, old, new string }{
		{"words to braces", words, fewerBraces},
		{"braces to braces", braces, fewerBraces},
		{"braces to words", braces, fewerWords},
	} {
		if got := changeLines(t, tt.old, tt.new); got != want {
			t.Errorf("%s, fewer fields: changes:\n%s\nwant:\n%s", tt.name, got, want)
		}
	}
}
