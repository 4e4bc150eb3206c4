package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/internal/fieldnote"
)

// TestListingComplete checks, on every shared description, that the
// listed schema of every operation leaves out nothing a call needs: every
// argument, every required field (listed, or named in the note of a node
// whose fields are not listed) and every enum (listed, or summarised in a
// note when longer than maxEnum); and that calls are checked against the
// full schema.
func TestListingComplete(t *testing.T) {
	for _, file := range sharedSpecs(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			s, err := New(Config{API: loadSpec(t, file)})
			if err != nil {
				t.Fatal(err)
			}
			var problems []string
			clears := false
			for _, tl := range s.ops {
				if tl.in == nil {
					continue
				}
				clears = clears || tl.in.clears
				if fmt.Sprintf("%p", tl.checkSchema()) != fmt.Sprintf("%p", tl.in.checked()) {
					problems = append(problems, tl.def.Name+": calls are not checked against the full schema")
				}
				problems = append(problems, compareListed(tl.def.Name, tl.in.checked(), tl.in.listed)...)
			}
			if clears != strings.Contains(s.Instructions(), clearsNote) {
				problems = append(problems, fmt.Sprintf("arguments listed without \"\": %v, the instructions say so: %v", clears, !clears))
			}
			for i, p := range problems {
				if i == 10 {
					t.Errorf("… and %d more", len(problems)-10)
					break
				}
				t.Error(p)
			}
		})
	}
}

// TestResourcesListingComplete checks, on every shared description, that
// a resource tool lists every argument of each of its actions, and that
// what it lists leaves out nothing a call needs (as TestListingComplete,
// against one of the actions that take the argument).
func TestResourcesListingComplete(t *testing.T) {
	for _, file := range sharedSpecs(t) {
		for _, separate := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/separate-writes=%v", filepath.Base(file), separate), func(t *testing.T) {
				s, err := New(Config{API: loadSpec(t, file), Layout: LayoutResources, SeparateWrites: separate})
				if err != nil {
					t.Fatal(err)
				}
				props := map[string]map[string]any{}
				for _, tool := range s.Tools() {
					props[tool.Name], _ = schemaOf(t, tool)["properties"].(map[string]any)
				}
				var problems []string
				takers := map[string][]*tool{} // "resource.arg" → actions
				for _, op := range s.ops {
					resource, _, ok := strings.Cut(op.label, " (action ")
					if !ok {
						problems = append(problems, op.def.Name+": no resource tool")
						continue
					}
					for name := range op.in.listed["properties"].(map[string]any) {
						takers[resource+"."+name] = append(takers[resource+"."+name], op)
					}
				}
				for at, ops := range takers {
					resource, name, _ := strings.Cut(at, ".")
					listed, ok := props[resource][name].(map[string]any)
					if !ok {
						problems = append(problems, at+": not listed")
						continue
					}
					var first []string
					for i, op := range ops {
						p := compareListed(at, op.in.checked()["properties"].(map[string]any)[name].(map[string]any), forAction(listed, op))
						if len(p) == 0 {
							first = nil
							break
						}
						if i == 0 {
							first = p
						}
					}
					problems = append(problems, first...)
				}
				sort.Strings(problems)
				for i, p := range problems {
					if i == 10 {
						t.Errorf("… and %d more", len(problems)-10)
						break
					}
					t.Error(p)
				}
			})
		}
	}
}

// forAction is the alternative of an argument listed for several schemas
// (see argShapes) that names op's action, or the listed schema.
func forAction(listed map[string]any, op *tool) map[string]any {
	_, action, _ := strings.Cut(strings.TrimSuffix(op.label, ")"), " (action ")
	alts, _ := listed["anyOf"].([]any)
	for _, a := range alts {
		m, _ := a.(map[string]any)
		d := str(m["description"])
		if i := strings.LastIndex(d, "("); i >= 0 && slices.Contains(strings.Split(strings.Trim(d[i:], "()"), ", "), action) {
			return m
		}
	}
	return listed
}

// namesInBraces reports whether d holds a note that names fields in
// braces ("{a, b}", "[{a}]"), followed by nothing or by other notes.
func namesInBraces(d string) bool {
	i := strings.LastIndex(d, "{")
	j := strings.Index(d[max(i, 0):], "}")
	return i >= 0 && j >= 0 && fieldnote.List(d[i+1:i+j]) && (i == 0 || d[i-1] == ' ' || d[i-1] == '[')
}

// compareListed walks a full schema and its listed copy side by side.
func compareListed(at string, full, listed map[string]any) []string {
	var out []string
	desc, _ := listed["description"].(string)
	if e, ok := full["enum"].([]any); ok {
		le, _ := listed["enum"].([]any)
		switch {
		case len(e) <= maxEnum && len(le) != len(e):
			out = append(out, fmt.Sprintf("%s: enum of %d values listed with %d", at, len(e), len(le)))
		case len(e) > maxEnum && !strings.Contains(desc, fmt.Sprintf("one of %d values", len(e))):
			out = append(out, fmt.Sprintf("%s: long enum not named in the description %q", at, desc))
		}
	}
	fp, _ := full["properties"].(map[string]any)
	lp, listedProps := listed["properties"].(map[string]any)
	req := stringList(full["required"])
	if len(fp) > 0 && !listedProps {
		// A node whose fields are not listed names its required ones.
		if !strings.Contains(desc, "fields not listed") && !strings.Contains(desc, "fields: ") && !namesInBraces(desc) {
			out = append(out, fmt.Sprintf("%s: fields left out without a note", at))
		}
		for _, r := range req {
			// (A required name that is no property is not listed either
			// way: required names only defined properties.)
			if _, defined := fp[r]; defined && !strings.Contains(desc, r) {
				out = append(out, fmt.Sprintf("%s: required %s neither listed nor named in %q", at, r, desc))
			}
		}
		return out
	}
	lreq := stringList(listed["required"])
	for _, r := range req {
		if _, ok := fp[r]; ok && !slices.Contains(lreq, r) {
			out = append(out, fmt.Sprintf("%s: required %s not listed as required", at, r))
		}
	}
	for name, ps := range fp {
		fs, _ := ps.(map[string]any)
		ls, ok := lp[name].(map[string]any)
		if !ok {
			out = append(out, fmt.Sprintf("%s.%s: not listed", at, name))
			continue
		}
		out = append(out, compareListed(at+"."+name, fs, ls)...)
	}
	if fi, ok := full["items"].(map[string]any); ok {
		li, _ := listed["items"].(map[string]any)
		if len(fi) > 0 && len(li) == 0 {
			if r := stringList(fi["required"]); len(r) > 0 && !strings.Contains(desc, strings.Join(r, ", ")) {
				out = append(out, fmt.Sprintf("%s[]: required %v neither listed nor named in %q", at, r, desc))
			}
		} else if li != nil {
			out = append(out, compareListed(at+"[]", fi, li)...)
		}
	}
	for _, k := range []string{"anyOf", "oneOf", "allOf"} {
		fl, _ := full[k].([]any)
		ll, _ := listed[k].([]any)
		if k != "allOf" {
			// The empty string that clears an argument is said once, in
			// the instructions (see unclear); one alternative left stands
			// for the anyOf.
			fl = slices.DeleteFunc(slices.Clone(fl), func(e any) bool {
				m, ok := e.(map[string]any)
				return ok && clearing(listedSchema(m))
			})
			if len(fl) == 1 && ll == nil && len(full[k].([]any)) > 1 {
				m, _ := fl[0].(map[string]any)
				out = append(out, compareListed(at, m, listed)...)
				continue
			}
		}
		if len(fl) != len(ll) {
			if len(fl) > 0 {
				out = append(out, fmt.Sprintf("%s: %s of %d listed with %d", at, k, len(fl), len(ll)))
			}
			continue
		}
		for i := range fl {
			fm, _ := fl[i].(map[string]any)
			lm, _ := ll[i].(map[string]any)
			if fm != nil && lm != nil {
				out = append(out, compareListed(fmt.Sprintf("%s.%s[%d]", at, k, i), fm, lm)...)
			}
		}
	}
	return out
}

// TestDescriptionsEndWhole checks, on every shared description and in
// every layout, that no listed description ends inside a Markdown span
// (an open code span, a bare marker, a word that opens an emphasis).
func TestDescriptionsEndWhole(t *testing.T) {
	for _, file := range sharedSpecs(t) {
		api := loadSpec(t, file)
		for _, layout := range []string{LayoutOperations, LayoutResources, LayoutSearch} {
			t.Run(filepath.Base(file)+"/"+layout, func(t *testing.T) {
				s, err := New(Config{API: api, Layout: layout})
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, tool := range s.Tools() {
					walkDescriptions(tool.Name, map[string]any{"description": tool.Description}, func(at, d string) {
						if openEnd(d) && n < 10 {
							n++
							t.Errorf("%s ends inside markup: …%s", at, d[max(0, len(d)-80):])
						}
					})
					walkDescriptions(tool.Name, schemaOf(t, tool), func(at, d string) {
						if openEnd(d) && n < 10 {
							n++
							t.Errorf("%s ends inside markup: …%s", at, d[max(0, len(d)-80):])
						}
					})
				}
			})
		}
	}
}

func walkDescriptions(at string, v any, f func(at, d string)) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walkDescriptions(at, e, f)
		}
	case map[string]any:
		for k, e := range x {
			switch k {
			case "description":
				if d, ok := e.(string); ok {
					f(at, d)
				}
			case "properties":
				if m, ok := e.(map[string]any); ok {
					for name, p := range m {
						walkDescriptions(at+"."+name, p, f)
					}
				}
			default:
				walkDescriptions(at, e, f)
			}
		}
	}
}

// openEnd reports whether a description ends inside Markdown: an odd
// number of backticks, or a last word that opens an emphasis or code span
// it does not close, or is a bare marker.
func openEnd(d string) bool {
	if strings.Count(d, "`")%2 == 1 {
		return true
	}
	s := strings.TrimRight(d, "….,;:!?) \n")
	w := s[strings.LastIndexAny(s, " \n")+1:]
	open := strings.TrimLeft(w, "*_`~")
	return len(open) < len(w) && (open == "" || !strings.Contains(open, w[:1]))
}

// sizesFile is the committed size report: the bytes of the tools/list
// answer's tools (what `restmcp tools --tokens --json` reports) for every
// shared description and layout.
const sizesFile = "testdata/sizes.json"

// sizeTolerance is how far, in per cent, a listing may grow or shrink from
// the committed report before the test asks for it to be rewritten (so that
// the change shows in review).
const sizeTolerance = 2.0

// TestListingSizes compares the listing sizes with the committed report.
// `go test ./server -run TestListingSizes -update` rewrites it.
func TestListingSizes(t *testing.T) {
	got := map[string]map[string]int{}
	for _, file := range sharedSpecs(t) {
		api := loadSpec(t, file)
		sizes := map[string]int{}
		for _, layout := range []string{LayoutOperations, LayoutResources, LayoutSearch, LayoutAuto} {
			s, err := New(Config{API: api, Layout: layout})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(s.Tools())
			sizes[layout] = len(b)
		}
		if sizes[LayoutSearch] > 5000 {
			t.Errorf("%s: the search layout lists %d bytes, more than 5 kB", filepath.Base(file), sizes[LayoutSearch])
		}
		got[filepath.Base(file)] = sizes
	}
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(sizesFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(sizesFile)
	if err != nil {
		t.Fatalf("%v: run `go test ./server -run TestListingSizes -update`", err)
	}
	var want map[string]map[string]int
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatalf("%s: %v", sizesFile, err)
	}
	for spec, sizes := range got {
		for layout, n := range sizes {
			w, ok := want[spec][layout]
			if !ok {
				t.Errorf("%s %s: %d bytes, not in %s (rewrite it with -update)", spec, layout, n, sizesFile)
				continue
			}
			if d := 100 * float64(n-w) / float64(w); d > sizeTolerance || d < -sizeTolerance {
				t.Errorf("%s %s: %d bytes listed, %d in %s (%+.1f%%): rewrite it with `go test ./server -run TestListingSizes -update` if the change is intended", spec, layout, n, w, sizesFile, d)
			}
		}
	}
}

// TestRouteLeftOutWhenTheNameSaysIt checks that a description ends with its
// method and path unless the tool's name says them (see says), and that
// describe_action still gives them.
func TestRouteLeftOutWhenTheNameSaysIt(t *testing.T) {
	customer := &client.Param{Name: "customer", In: "path", Required: true, Schema: map[string]any{"type": "string"}, Style: "simple"}
	api := &client.API{Title: "Payments", Operations: []*client.Operation{
		{ID: "GetCustomers", Method: "GET", Path: "/v1/customers", Description: "Returns a list of your customers."},
		{ID: "PostCustomersCustomerSources", Method: "POST", Path: "/v1/customers/{customer}/sources", Params: []*client.Param{customer},
			Description: "Adds a payment source to a customer."},
		{ID: "listCharges", Method: "GET", Path: "/v1/charges", Description: "Returns a list of charges."},
		{ID: "PostCharges", Method: "GET", Path: "/v1/charges/search", Description: "Searches charges."},
		{ID: "GetCustomersCustomerDiscount", Method: "GET", Path: "/v1/customers/{customer}/discount", Params: []*client.Param{customer}},
	}}
	for _, prefix := range []string{"", "acme"} {
		s, err := New(Config{API: api, Layout: LayoutOperations, Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"get_customers":                   "Returns a list of your customers.",
			"post_customers_customer_sources": "Adds a payment source to a customer.",
			"list_charges":                    "Returns a list of charges.",
			// The name says POST, the method is GET.
			"post_charges": "Searches charges.\n\nGET /v1/charges/search",
			// Nothing else to say.
			"get_customers_customer_discount": "GET /v1/customers/{customer}/discount",
		}
		for _, tool := range s.Tools() {
			name := strings.TrimPrefix(tool.Name, sanitizePrefix(prefix))
			if tool.Description != want[name] {
				t.Errorf("prefix %q, %s: description %q, want %q", prefix, tool.Name, tool.Description, want[name])
			}
		}
	}
	// A name with a word for every word of the path, or of an argument
	// the path takes, says them too; one that leaves a word out does not.
	str := map[string]any{"type": "string"}
	param := func(name string) *client.Param {
		return &client.Param{Name: name, In: "path", Required: true, Schema: str, Style: "simple"}
	}
	gh := &client.API{Title: "Code", Operations: []*client.Operation{
		{ID: "actions/get-org-secret", Method: "GET", Path: "/orgs/{org}/actions/secrets/{secret_name}",
			Params: []*client.Param{param("org"), param("secret_name")}, Summary: "Get an organization secret"},
		{ID: "issues/list-labels", Method: "GET", Path: "/repos/{owner}/{repo}/labels",
			Params: []*client.Param{param("owner"), param("repo")}, Summary: "List labels"},
		{ID: "apps/create-from-manifest", Method: "POST", Path: "/app-manifests/{code}/conversions",
			Params: []*client.Param{param("code")}, Summary: "Create a GitHub App from a manifest"},
		{ID: "repos/get-branches", Method: "DELETE", Path: "/repos/{owner}/{repo}/branches",
			Params: []*client.Param{param("owner"), param("repo")}, Summary: "Delete branches"},
	}}
	s, err := New(Config{API: gh, Layout: LayoutOperations})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"actions_get_org_secret":    "Get an organization secret",
		"issues_list_labels":        "List labels",
		"apps_create_from_manifest": "Create a GitHub App from a manifest\n\nPOST /app-manifests/{code}/conversions",
		// The name says GET, the method is DELETE.
		"repos_get_branches": "Delete branches\n\nDELETE /repos/{owner}/{repo}/branches",
	} {
		if tool, ok := s.Tool(name); !ok {
			t.Errorf("no tool %s", name)
		} else if tool.Description != want {
			t.Errorf("%s: description %q, want %q", name, tool.Description, want)
		}
	}
	s, err = New(Config{API: api, Layout: LayoutResources})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Call(context.Background(), "describe_action", json.RawMessage(`{"tool": "customers", "action": "sources"}`))
	if err != nil {
		t.Fatal(err)
	}
	if text := resultText(t, r); !strings.Contains(text, `payment source to a customer.\n\nPOST /v1/customers/{customer}/sources"`) {
		t.Errorf("describe_action = %s", text)
	}
	r, err = s.Call(context.Background(), "describe_action", json.RawMessage(`{"tool": "customers", "action": "discount"}`))
	if err != nil {
		t.Fatal(err)
	}
	if text := resultText(t, r); !strings.Contains(text, `"description":"GET /v1/customers/{customer}/discount"`) {
		t.Errorf("describe_action = %s", text)
	}
}

// TestResourceTakersSaid checks, on every shared description and on the
// example API, that a resource tool says of each argument exactly the
// actions that take it: by its note ("(list, retrieve)", "(all but
// delete)", "(all)"), or, without one, by the description's "An argument
// with no note is for …" (all actions when it has none).
func TestResourceTakersSaid(t *testing.T) {
	apis := map[string]func(t *testing.T) *client.API{"projects": func(*testing.T) *client.API { return projectsAPI() }}
	for _, file := range sharedSpecs(t) {
		apis[filepath.Base(file)] = func(t *testing.T) *client.API { return loadSpec(t, file) }
	}
	unnoted := 0
	for name, api := range apis {
		for _, separate := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/separate-writes=%v", name, separate), func(t *testing.T) {
				s, err := New(Config{API: api(t), Layout: LayoutResources, SeparateWrites: separate})
				if err != nil {
					t.Fatal(err)
				}
				// What the actions take: resource → argument → actions.
				take := map[string]map[string][]string{}
				actions := map[string][]string{}
				for _, op := range s.ops {
					resource, a, _ := strings.Cut(strings.TrimSuffix(op.label, ")"), " (action ")
					actions[resource] = append(actions[resource], a)
					if take[resource] == nil {
						take[resource] = map[string][]string{}
					}
					for p := range op.in.listed["properties"].(map[string]any) {
						take[resource][p] = append(take[resource][p], a)
					}
				}
				var problems []string
				for _, tool := range s.Tools() {
					all := actions[tool.Name]
					if all == nil {
						continue // describe_action
					}
					dflt := all
					if _, said, ok := strings.Cut(tool.Description, "\nAn argument with no note is for "); ok {
						dflt = saidTakers(strings.TrimSuffix(said, "."), all)
						unnoted++
					}
					for p, ps := range schemaOf(t, tool)["properties"].(map[string]any) {
						if p == "action" || p == "resource_action" || p == "tool_action" {
							continue
						}
						got := slices.Clone(dflt)
						d := str(ps.(map[string]any)["description"])
						if i := strings.LastIndex(d, "("); i >= 0 && strings.HasSuffix(d, ")") {
							if said := saidTakers(d[i+1:len(d)-1], all); said != nil {
								got = said
							}
						}
						want := slices.Clone(take[tool.Name][p])
						slices.Sort(got)
						slices.Sort(want)
						if !slices.Equal(got, want) {
							problems = append(problems, fmt.Sprintf("%s.%s: listed for %v, taken by %v", tool.Name, p, got, want))
						}
					}
				}
				for i, p := range problems {
					if i == 10 {
						t.Errorf("… and %d more", len(problems)-10)
						break
					}
					t.Error(p)
				}
			})
		}
	}
	if unnoted == 0 {
		t.Error("no resource tool says which actions an argument with no note is for")
	}
}

// saidTakers reads a note of the actions that take an argument, or nil
// when note is not one.
func saidTakers(note string, all []string) []string {
	if note == "all" {
		return slices.Clone(all)
	}
	but, isBut := strings.CutPrefix(note, "all but ")
	if isBut {
		note = but
	}
	listed := strings.Split(note, ", ")
	for _, a := range listed {
		if !slices.Contains(all, a) {
			return nil
		}
	}
	if !isBut {
		return listed
	}
	return slices.DeleteFunc(slices.Clone(all), func(a string) bool { return slices.Contains(listed, a) })
}
