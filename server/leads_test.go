package server

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/internal/prose"
)

// leadAPI has n operations whose descriptions open with the same
// sentence, then one of their own.
func leadAPI(n int) *client.API {
	api := &client.API{Title: "Leads", Servers: []string{"http://example.invalid"}}
	for i := range n {
		api.Operations = append(api.Operations, &client.Operation{
			ID: fmt.Sprintf("get_thing_%d", i), Method: "GET", Path: fmt.Sprintf("/things/%d", i),
			Summary:     fmt.Sprintf("Fetch thing %d", i),
			Description: fmt.Sprintf("Things are available with the Pro plan.\n\nReturns thing %d with its parts.", i),
		})
	}
	return api
}

func TestCommonLeadsArePassedOver(t *testing.T) {
	for _, tc := range []struct {
		n      int
		common bool
	}{{commonLeadMin, true}, {commonLeadMin - 1, false}} {
		for _, filter := range [][]string{nil, {"get_thing_1"}} {
			s, err := New(Config{API: leadAPI(tc.n), Layout: LayoutOperations, Filter: Filter{Operations: filter}})
			if err != nil {
				t.Fatal(err)
			}
			for _, tool := range s.Tools() {
				i := strings.TrimPrefix(tool.Name, "get_thing_")
				want := "Fetch thing " + i + "\n\nThings are available with the Pro plan."
				if tc.common {
					want = "Fetch thing " + i + "\n\nReturns thing " + i + " with its parts."
				}
				if withoutRoute(tool.Description) != want {
					t.Errorf("%d operations, filter %v: %s is described %q, want %q", tc.n, filter, tool.Name, tool.Description, want)
				}
			}
		}
	}
}

func TestDescriptionLeads(t *testing.T) {
	api := &client.API{Title: "Leads", Servers: []string{"http://example.invalid"}}
	for _, op := range []struct{ id, summary, desc, want string }{
		{"restated", "Add followers to a task", "Adds followers to a task.\n\nMore.", "Add followers to a task"},
		{"prefixed", "Create a payment", "Create a payment for an order. It starts a session.", "Create a payment for an order."},
		{"aside", "Delete a reaction", "**Note:** You can also use another route.\n\nRemoves the reaction from a review comment.",
			"Delete a reaction\n\nRemoves the reaction from a review comment."},
		{"asides_only", "Fork a gist", "**Note:** This was previously `/gists/:gist_id/fork`.", "Fork a gist"},
		{"heading", "Get a commit", "**Signature verification object**\n\nThe response includes a verification object.",
			"Get a commit\n\nThe response includes a verification object."},
		{"no_summary_aside", "", "**Note:** Only an aside here.", "Only an aside here."},
		// A summary the name and the lead say in full goes (the title
		// shows it); one word said nowhere else keeps it.
		{"cancel_workflow_run", "Cancel a workflow run", "Cancels a workflow run using its `id`.", "Cancels a workflow run using its `id`."},
		{"add_repo_to_org_secret", "Add a repository to an organization secret", "Adds it when its visibility is `selected`.",
			"Adds it when its visibility is `selected`."},
		{"approve_run", "Approve a run for a fork", "Approves a run from a first-time contributor.",
			"Approve a run for a fork\n\nApproves a run from a first-time contributor."},
		{"no_summary", "", "<b>Required scope: </b><code>tasks:read</code>\n\nReturns the task. With its parts.\n\nMore.",
			"Returns the task. With its parts."},
	} {
		api.Operations = append(api.Operations, &client.Operation{ID: op.id, Method: "GET", Path: "/" + op.id, Summary: op.summary, Description: op.desc})
		t.Run(op.id, func(t *testing.T) {
			want := op.want
			s, err := New(Config{API: api, Layout: LayoutOperations, Filter: Filter{Operations: []string{op.id}}})
			if err != nil {
				t.Fatal(err)
			}
			tool, ok := s.Tool(op.id)
			if !ok {
				t.Fatalf("no tool %s", op.id)
			}
			if withoutRoute(tool.Description) != want {
				t.Errorf("description %q, want %q", tool.Description, want)
			}
		})
	}
}

// routeLine is the method and path that end a tool's description unless its
// name says them (see says).
var routeLine = regexp.MustCompile(`(^|\n\n)(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) /\S*$`)

// withoutRoute is a description without the method and path ending it.
func withoutRoute(d string) string {
	return routeLine.ReplaceAllString(d, "")
}

// TestNoAsideDescribesATool checks every shared description: what a tool's
// description adds to its summary is never a label, a heading or a note
// beside what the operation does, nor a sentence many tools share.
func TestNoAsideDescribesATool(t *testing.T) {
	for _, file := range sharedSpecs(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			s, err := New(Config{API: loadSpec(t, file), Layout: LayoutOperations})
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			n := 0
			for _, tool := range s.Tools() {
				paras := strings.Split(withoutRoute(tool.Description), "\n\n")
				for _, p := range paras[1:] {
					if strings.HasPrefix(p, "Deprecated: prefer another tool") || strings.HasPrefix(p, "Arguments not listed here") {
						continue // restmcp's own notes
					}
					count[p]++
					if l, _ := prose.Leads(p, 1, len(p), true); (len(l) == 0 || l[0].Aside) && n < 10 {
						n++
						t.Errorf("%s is described by an aside: %q", tool.Name, p)
					}
				}
			}
			for p, c := range count {
				if c >= commonLeadMin {
					t.Errorf("%d tools add the same sentence: %q", c, p)
				}
			}
		})
	}
}

// A title made from the description is cleaned once: entities decoded
// once, never read as tags.
func TestTitleFromTheDescriptionIsCleanedOnce(t *testing.T) {
	api := &client.API{Title: "Titles", Servers: []string{"http://example.invalid"}}
	for i, d := range []string{"Returns the `&lt;select&gt;` element.", "Sets it to 1 &lt; 2 &gt; 0 for all.", "Use &amp;lt; to escape."} {
		api.Operations = append(api.Operations, &client.Operation{ID: fmt.Sprintf("op%d", i), Method: "GET", Path: fmt.Sprintf("/op%d", i), Description: d})
	}
	s, err := New(Config{API: api, Layout: LayoutOperations})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"Returns the `<select>` element.", "Sets it to 1 < 2 > 0 for all.", "Use &lt; to escape."} {
		tool, _ := s.Tool(fmt.Sprintf("op%d", i))
		if tool.Title != want || !strings.HasPrefix(tool.Description, want) {
			t.Errorf("title %q, description %q; want %q", tool.Title, tool.Description, want)
		}
	}
}
