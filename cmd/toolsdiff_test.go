package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// tools --diff compares with a saved listing or a description listed with
// the same flags, and exits 1 only on a change that breaks calls.
func TestToolsDiff(t *testing.T) {
	dir := t.TempDir()
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	saved := filepath.Join(dir, "tools.json")
	if err := os.WriteFile(saved, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, from, to string) string {
		t.Helper()
		if !strings.Contains(string(spec), from) {
			t.Fatalf("notes.yaml has no %q", from)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Replace(string(spec), from, to, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	renamed := write("renamed.yaml", "operationId: listNotes", "operationId: listAllNotes")
	// Renamed, and another tool added says the same.
	twice := strings.Replace(string(spec), "operationId: listNotes\n", "operationId: listAllNotes\n", 1)
	twice = strings.Replace(twice, "paths:\n", `paths:
  /notes/again/:
    get:
      operationId: listNotesAgain
      summary: List notes
      parameters:
        - name: search
          in: query
          schema: {type: string}
        - name: page
          in: query
          schema: {type: integer, minimum: 1}
      responses:
        "200": {description: OK}
`, 1)
	renamedTwice := filepath.Join(dir, "renamed-twice.yaml")
	if err := os.WriteFile(renamedTwice, []byte(twice), 0o600); err != nil {
		t.Fatal(err)
	}
	described := write("described.yaml", "operationId: getNote", "operationId: getNote\n      description: Fetch one note by its id.")
	// A release that rewords descriptions and breaks one call.
	reworded := write("reworded.yaml", `      summary: List notes
      parameters:
        - name: search
          in: query
          schema: {type: string}
        - name: page
          in: query
          schema: {type: integer, minimum: 1}`, `      summary: List the notes
      parameters:
        - name: search
          in: query
          description: Words the note holds.
          schema: {type: string}
        - name: page
          in: query
          description: The page, from 1.
          schema: {type: string}`)

	for _, tt := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"same", []string{"--spec", "testdata/notes.yaml", "--diff", saved}, 0, []string{"no change from " + saved + " (4 tools)"}},
		{"renamed", []string{"--spec", renamed, "--diff", saved}, 1,
			[]string{"list_all_notes: probably renamed from list_notes (breaking)\n1 change from " + saved + ", 1 breaking"}},
		{"description", []string{"--spec", described, "--diff", saved}, 0, []string{"get_note: description changed\n", "1 change from " + saved + ", none breaking"}},
		// What breaks first; the descriptions of a tool on one line.
		{"descriptions", []string{"--spec", reworded, "--diff", saved}, 1, []string{
			"list_notes: argument \"page\" type integer → string (breaking)\n" +
				"list_notes: title changed; descriptions of the tool and of 2 arguments changed (page, search)\n" +
				"5 changes from " + saved + ", 1 breaking"}},
		// Against a description, listed with the same selection.
		{"description file", []string{"--spec", renamed, "--diff", "testdata/notes.yaml", "--read-only"}, 1,
			[]string{"list_all_notes: probably renamed from list_notes (breaking)\n1 change from"}},
		// Which of two was renamed, if any, cannot be told.
		{"renamed ambiguous", []string{"--spec", renamedTwice, "--diff", saved}, 1,
			[]string{"list_all_notes: added\n", "list_notes: removed (breaking)\n", "list_notes_again: added\n", "3 changes from " + saved + ", 1 breaking"}},
		{"selection on both sides", []string{"--spec", described, "--diff", "testdata/notes.yaml", "--method", "POST"}, 0, []string{"no change from testdata/notes.yaml (1 tool)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := testFactory(t, nil)
			if code := run(t, f, append([]string{"tools"}, tt.args...)...); code != tt.code {
				t.Fatalf("exit %d, want %d: %s%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
		})
	}

	t.Run("json", func(t *testing.T) {
		f, out, errOut := testFactory(t, nil)
		if code := run(t, f, "tools", "--spec", renamed, "--diff", saved, "--json"); code != 1 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got struct {
			Changes []struct {
				Tool, What, Before, After string
				Breaking                  bool
			}
			Breaking int
		}
		if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.Breaking != 1 || len(got.Changes) != 1 ||
			got.Changes[0].Tool != "list_all_notes" || got.Changes[0].Before != "list_notes" || got.Changes[0].After != "list_all_notes" || !got.Changes[0].Breaking {
			t.Errorf("%v: %s", err, out)
		}
	})

	t.Run("json descriptions", func(t *testing.T) {
		f, out, errOut := testFactory(t, nil)
		if code := run(t, f, "tools", "--spec", reworded, "--diff", saved, "--json"); code != 1 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got struct {
			Changes []map[string]any
		}
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		want := []map[string]any{
			{"tool": "list_notes", "argument": "page", "what": "type integer → string", "breaking": true},
			{"tool": "list_notes", "argument": "page", "what": "description changed", "breaking": false, "after": "The page, from 1."},
			{"tool": "list_notes", "argument": "search", "what": "description changed", "breaking": false, "after": "Words the note holds."},
			{"tool": "list_notes", "what": "title changed", "breaking": false, "before": "List notes", "after": "List the notes"},
			{"tool": "list_notes", "what": "description changed", "breaking": false, "before": "List notes", "after": "List the notes"},
		}
		if !reflect.DeepEqual(got.Changes, want) {
			t.Errorf("changes: %v\nwant: %v", got.Changes, want)
		}
	})

	t.Run("bad old listing", func(t *testing.T) {
		dup := filepath.Join(dir, "dup.json")
		if err := os.WriteFile(dup, []byte(`[{"name":"a","inputSchema":{}},{"name":"a","inputSchema":{}}]`), 0o600); err != nil {
			t.Fatal(err)
		}
		for arg, want := range map[string]string{
			filepath.Join(dir, "missing.json"): "give a file that `tools --json` wrote, or an OpenAPI description",
			dup:                                `two tools named "a"`,
			// The current listing cannot be made: not a breaking change.
			"testdata/notes.yaml --spec " + filepath.Join(dir, "none.yaml"): "none.yaml",
		} {
			f, out, errOut := testFactory(t, nil)
			if code := run(t, f, append([]string{"tools", "--spec", "testdata/notes.yaml", "--diff"}, strings.Fields(arg)...)...); code != 2 || !strings.Contains(errOut.String(), want) {
				t.Errorf("--diff %s: exit %d, %s%s; want %q", arg, code, out, errOut, want)
			}
		}
	})
}

// --diff with --tokens is a usage error, exit 2: 1 would say that a
// change breaks calls.
func TestToolsDiffTokensUsage(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--diff", "testdata/notes.yaml", "--tokens"); code != 2 ||
		!strings.Contains(errOut.String(), "--diff and --tokens") {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
}

// The resources and search layouts list no operation: against a
// description, the operations their tools run are compared too, and a
// listing of either kept as OLD is said not to show them.
func TestToolsDiffOperationsOfLayout(t *testing.T) {
	dir := t.TempDir()
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// getNote gone: the text from its path to the next operation.
	from := strings.Index(string(spec), "    get:\n      operationId: getNote")
	to := strings.Index(string(spec), "    delete:\n      operationId: deleteNote")
	if from < 0 || to < from {
		t.Fatal("notes.yaml has no getNote before deleteNote")
	}
	removed := filepath.Join(dir, "removed.yaml")
	if err := os.WriteFile(removed, append(append([]byte{}, spec[:from]...), spec[to:]...), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, layout := range []string{"search", "resources"} {
		t.Run(layout, func(t *testing.T) {
			f, out, errOut := testFactory(t, nil)
			if code := run(t, f, "tools", "--spec", removed, "--layout", layout, "--diff", "testdata/notes.yaml"); code != 1 {
				t.Fatalf("exit %d, want 1: %s%s", code, out, errOut)
			}
			want := "operations that the " + layout + " layout's tools run, as --layout operations lists them:\n  get_note: removed (breaking)\n"
			if !strings.Contains(out.String(), want) {
				t.Errorf("stdout lacks %q:\n%s", want, out)
			}
			if layout == "search" && strings.Contains(out.String(), "search_operations") {
				t.Errorf("the search tools' descriptions, which count the operations, said changed:\n%s", out)
			}

			f, out, errOut = testFactory(t, nil)
			if code := run(t, f, "tools", "--spec", removed, "--layout", layout, "--diff", "testdata/notes.yaml", "--json"); code != 1 {
				t.Fatalf("exit %d, want 1: %s%s", code, out, errOut)
			}
			var got struct {
				Operations []struct {
					Tool, What string
					Breaking   bool
				}
				Breaking int
			}
			if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got.Operations) != 1 || got.Operations[0].Tool != "get_note" ||
				!got.Operations[0].Breaking || got.Breaking < 1 {
				t.Errorf("%v: %s", err, out)
			}

			// Itself: no change.
			f, out, errOut = testFactory(t, nil)
			if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--layout", layout, "--diff", "testdata/notes.yaml"); code != 0 ||
				!strings.HasPrefix(out.String(), "no change") {
				t.Errorf("exit %d: %s%s", code, out, errOut)
			}

			// A listing of the layout kept as OLD.
			f, out, errOut = testFactory(t, nil)
			if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--layout", layout, "--json"); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			saved := filepath.Join(dir, layout+".json")
			if err := os.WriteFile(saved, out.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			f, out, errOut = testFactory(t, nil)
			run(t, f, "tools", "--spec", removed, "--layout", layout, "--diff", saved)
			if want := "is a listing of the " + layout + " layout, which lists no operation"; !strings.Contains(errOut.String(), want) ||
				!strings.Contains(errOut.String(), "tools --layout operations --json") {
				t.Errorf("stderr lacks %q: %s", want, errOut)
			}
		})
	}
	// One tool an operation: nothing more to compare, nothing to warn of.
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", removed, "--layout", "operations", "--diff", "testdata/notes.yaml"); code != 1 ||
		strings.Contains(out.String(), "operations that") || errOut.Len() > 0 {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
}

// OLD listed with another prefix shares no tool name: said on stderr.
func TestToolsDiffDisjoint(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	saved := filepath.Join(t.TempDir(), "tools.json")
	if err := os.WriteFile(saved, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	f, out, errOut = testFactory(t, nil)
	run(t, f, "tools", "--spec", "testdata/notes.yaml", "--prefix", "acme", "--diff", saved)
	if !strings.Contains(errOut.String(), "may have been listed with other flags") {
		t.Errorf("stderr lacks the hint: %s%s", out, errOut)
	}
	f, out, errOut = testFactory(t, nil)
	run(t, f, "tools", "--spec", "testdata/notes.yaml", "--diff", saved)
	if errOut.Len() > 0 {
		t.Errorf("stderr: %s%s", out, errOut)
	}
}

// saveTools writes what `tools args... --json` prints to a file in dir.
func saveTools(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, append(append([]string{"tools"}, args...), "--json")...); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A listing of one layout compared with one of another would say each
// tool removed: a usage error (2), said first, that names the flag.
func TestToolsDiffLayoutMismatch(t *testing.T) {
	dir := t.TempDir()
	big := bigSpec(t, dir)
	bigOps := saveTools(t, dir, "big-ops.json", "--spec", big, "--layout", "operations")
	notesOps := saveTools(t, dir, "notes-ops.json", "--spec", "testdata/notes.yaml", "--layout", "operations")
	notesSearch := saveTools(t, dir, "notes-search.json", "--spec", "testdata/notes.yaml", "--layout", "search")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--spec", big, "--diff", bigOps},
			"big-ops.json lists the operations layout and this listing is the search layout (auto picks it for this API): add --layout operations to compare like with like"},
		{[]string{"--spec", "testdata/notes.yaml", "--layout", "search", "--diff", notesOps},
			"notes-ops.json lists the operations layout and this listing is the search layout: list with --layout operations"},
		{[]string{"--spec", "testdata/notes.yaml", "--layout", "resources", "--diff", notesSearch, "--json"},
			"notes-search.json lists the search layout and this listing is the resources layout: list with --layout search"},
		{[]string{"--spec", "testdata/notes.yaml", "--diff", notesSearch},
			"notes-search.json lists the search layout and this listing is the operations layout (auto picks it for this API): add --layout search"},
	} {
		f, out, errOut := testFactory(t, nil)
		if code := run(t, f, append([]string{"tools"}, tt.args...)...); code != 2 || out.Len() > 0 ||
			!strings.HasPrefix(strings.TrimPrefix(errOut.String(), "Error: "), filepath.Join(dir, "")) ||
			!strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: exit %d, want 2 and %q on stderr first:\n%s%s", tt.args, code, tt.want, out, errOut)
		}
	}
	// Alike: compared, whether auto picks the layout or it is given.
	for _, args := range [][]string{
		{"--spec", big, "--layout", "operations", "--diff", bigOps},
		{"--spec", "testdata/notes.yaml", "--diff", notesOps},
		{"--spec", "testdata/notes.yaml", "--layout", "auto", "--diff", notesOps},
		{"--spec", "testdata/notes.yaml", "--layout", "search", "--diff", notesSearch},
	} {
		f, out, errOut := testFactory(t, nil)
		if code := run(t, f, append([]string{"tools"}, args...)...); code != 0 || !strings.HasPrefix(out.String(), "no change") ||
			strings.Contains(errOut.String(), "compare like with like") {
			t.Errorf("%v: exit %d: %s%s", args, code, out, errOut)
		}
	}
}

// OLD that is neither a listing nor a description (the table tools
// prints, its size report) is said to be so, with how to write one; a
// description that cannot be read, or a missing file, keeps its own
// message.
func TestToolsDiffNeitherListingNorDescription(t *testing.T) {
	dir := t.TempDir()
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	table := out.String()
	f, out, errOut = testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--tokens", "--json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	size := out.String()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range []struct {
		old  string
		want []string
	}{
		{write("t.txt", table), []string{"t.txt is neither a listing that tools --json wrote nor an OpenAPI description (the document is",
			"): write it with restmcp tools --layout operations --json > FILE"}},
		{write("titles.txt", "NAME  KIND  TITLE\nlist_notes  read  List notes: all of them\nget_note  read  Get one: by id\n"),
			[]string{"titles.txt is neither a listing that tools --json wrote nor an OpenAPI description (", "tools --layout operations --json > FILE"}},
		{write("size.json", size), []string{"size.json is neither a listing", `(no "openapi" or "swagger" field)`}},
		{write("empty.txt", ""), []string{"empty.txt is neither a listing", "(the document is empty)"}},
		{write("v9.yaml", "openapi: 9.0.0\ninfo: {title: x, version: \"1\"}\npaths: {}\n"), []string{`unsupported OpenAPI version "9.0.0"`}},
		{write("v9.json", `{"info": {"title": "x"}, "openapi": "9.0.0", "paths": {}}`), []string{`unsupported OpenAPI version "9.0.0"`}},
		{filepath.Join(dir, "missing.json"), []string{"no such file", "give a file that `tools --json` wrote"}},
	} {
		f, out, errOut := testFactory(t, nil)
		code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--diff", tt.old)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2: %s%s", tt.old, code, out, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(errOut.String(), w) {
				t.Errorf("%s: stderr lacks %q: %s", tt.old, w, errOut)
			}
		}
		if !strings.Contains(tt.want[0], "neither") && strings.Contains(errOut.String(), "neither") {
			t.Errorf("%s: said neither: %s", tt.old, errOut)
		}
	}
}

func TestDescribesAPI(t *testing.T) {
	for text, want := range map[string]bool{
		"openapi: 3.0.3\ninfo: {}\n":             true,
		"# comment\nswagger: \"2.0\"\n":          true,
		"\"openapi\": 3.1.0\n":                   true,
		`{"info": {}, "openapi": "3.0.0"}`:       true,
		"{\n  \"swagger\": \"2.0\",\n  \"info\"": true,
		"NAME  KIND  TITLE\nlist  read  List\n":  false,
		`{"tools": 3, "layout": "operations"}`:   false,
		"openapi_version: 3\n":                   false,
		"":                                       false,
	} {
		if got := describesAPI([]byte(text)); got != want {
			t.Errorf("%q: %v, want %v", text, got, want)
		}
	}
}

// petsSpec is a small description whose create action and list action
// share an argument, name, with limits of their own.
const petsSpec = `openapi: 3.0.3
info: {title: Pets, version: "1"}
servers: [{url: https://api.example.com}]
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
        - {name: name, in: query, schema: {type: string, maxLength: 50, pattern: "^[a-z]+$"}}
      responses: {"200": {description: ok}}
    post:
      operationId: createPet
      summary: Create a pet
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string, maxLength: 100}
      responses: {"201": {description: ok}}
  /pets/{petId}:
    get:
      operationId: getPet
      summary: Get a pet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
`

// In the resources layout an argument several actions share is listed
// with one action's limits: a new optional parameter of another action
// that shares its name changes them there, and breaks nothing; the
// operations' own limits give the verdict.
func TestToolsDiffSharedArgumentLimits(t *testing.T) {
	dir := t.TempDir()
	now, old := filepath.Join(dir, "now.yaml"), filepath.Join(dir, "old.yaml")
	withoutName := strings.Replace(petsSpec, "        - {name: name, in: query, schema: {type: string, maxLength: 50, pattern: \"^[a-z]+$\"}}\n", "", 1)
	tighter := strings.Replace(petsSpec, "name: {type: string, maxLength: 100}", "name: {type: string, maxLength: 10}", 1)
	for _, tt := range []struct {
		name, now, old string
		code           int
		want           string
	}{
		{"an optional parameter sharing the name", petsSpec, withoutName, 0, "list_pets: argument \"name\" added\n"},
		{"an action's own limit tightened", tighter, petsSpec, 1, "create_pet: argument \"name\" maxLength 100 → 10 (breaking)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for path, text := range map[string]string{now: tt.now, old: tt.old} {
				if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			f, out, errOut := testFactory(t, nil)
			if code := run(t, f, "tools", "--spec", now, "--layout", "resources", "--diff", old); code != tt.code || !strings.Contains(out.String(), tt.want) {
				t.Errorf("exit %d, want %d and %q:\n%s%s", code, tt.code, tt.want, out, errOut)
			}
		})
	}
}

// --diff "" (an unset variable in a CI job) is a usage error, not a
// listing that passes for "no change".
func TestToolsDiffEmpty(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/notes.yaml", "--diff", ""); code != 2 || !strings.Contains(errOut.String(), "--diff needs OLD") || out.Len() != 0 {
		t.Errorf("exit %d:\n%s%s", code, out, errOut)
	}
}

// A description that grew past what auto lists one tool an operation is
// compared as served, every tool name changed, with a note saying that
// auto picked another layout.
func TestToolsDiffAutoPickedAnotherLayout(t *testing.T) {
	dir := t.TempDir()
	big := bigSpec(t, dir)
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", big, "--diff", "testdata/notes.yaml"); code != 1 ||
		!strings.Contains(errOut.String(), "auto lists testdata/notes.yaml in the operations layout and this description in the search layout") {
		t.Errorf("exit %d:\n%s%s", code, out, errOut)
	}
}

// bigSpec writes a description of 120 resources of one operation each,
// for which auto picks the search layout, and returns its path.
func bigSpec(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: Big, version: \"1\"}\npaths:\n")
	for i := range 120 {
		fmt.Fprintf(&b, "  /things%d:\n    get:\n      operationId: listThings%d\n      responses: {\"200\": {description: OK}}\n", i, i)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return big
}

// The operations listed again to compare them say no warning twice.
func TestToolsDiffWarnsOnceADescription(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	if code := run(t, f, "tools", "--spec", "testdata/auth-api.yaml", "--layout", "resources", "--diff", "testdata/auth-api.yaml"); code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
	if n := strings.Count(errOut.String(), "several ways to send the key"); n != 2 {
		t.Errorf("the warning said %d times, want 2 (the description now and OLD):\n%s", n, errOut)
	}
}
