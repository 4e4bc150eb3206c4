package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/client"
)

// sharedAPI has n operations that all take "cursor" with one description,
// and "note" with a description of their own.
func sharedAPI(n int) *client.API {
	api := &client.API{Title: "Shared", Servers: []string{"http://example.invalid"}}
	for i := range n {
		api.Operations = append(api.Operations, &client.Operation{
			ID: fmt.Sprintf("list_things_%d", i), Method: "GET", Path: fmt.Sprintf("/things%d", i),
			Params: []*client.Param{
				{Name: "cursor", In: "query", Description: "A cursor for use in pagination.", Schema: map[string]any{"type": "string"}, Style: "form", Explode: true},
				{Name: "note", In: "query", Description: fmt.Sprintf("Text to keep with thing %d, on its own.", i), Schema: map[string]any{"type": "string"}, Style: "form", Explode: true},
			},
		})
	}
	return api
}

func TestSharedArgumentsAreDescribedOnce(t *testing.T) {
	for _, tc := range []struct {
		n      int
		shared bool
	}{{sharedMinTools, true}, {sharedMinTools - 1, false}} {
		for _, filter := range [][]string{nil, {"list_things_1"}} {
			s, err := New(Config{API: sharedAPI(tc.n), Layout: LayoutOperations, Filter: Filter{Operations: filter}})
			if err != nil {
				t.Fatal(err)
			}
			for _, tool := range s.Tools() {
				props := schemaOf(t, tool)["properties"].(map[string]any)
				cursor := props["cursor"].(map[string]any)
				if _, has := cursor["description"]; has == tc.shared {
					t.Errorf("%d tools, filter %v: %s lists cursor as %v", tc.n, filter, tool.Name, cursor)
				}
				if cursor["type"] != "string" {
					t.Errorf("%s: cursor listed without its type: %v", tool.Name, cursor)
				}
				if _, has := props["note"].(map[string]any)["description"]; !has {
					t.Errorf("%s: an argument of its own lost its description", tool.Name)
				}
				// The field selection is shared by every GET tool: described
				// once in the instructions like cursor, or in each tool.
				if _, has := props["fields"].(map[string]any)["description"]; has == tc.shared {
					t.Errorf("%d tools, filter %v: %s lists fields as %v", tc.n, filter, tool.Name, props["fields"])
				}
			}
			for _, said := range []string{"cursor: A cursor for use in pagination", "fields: " + strings.TrimSuffix(fieldsDescription, ".")} {
				if says := strings.Contains(s.instructions, said); says != tc.shared {
					t.Errorf("%d tools, filter %v: instructions %q, saying %q: %v", tc.n, filter, s.instructions, said, says)
				}
			}
		}
	}
}

// TestSharedDefaultIsSaidOnce checks that the default of a shared
// argument moves to the instructions with its description when every tool
// has it, and stays in every listing when one tool's differs.
func TestSharedDefaultIsSaidOnce(t *testing.T) {
	for _, differ := range []bool{false, true} {
		api := sharedAPI(sharedMinTools)
		for i, op := range api.Operations {
			def := 30.0
			if differ && i == 3 {
				def = 100
			}
			op.Params = append(op.Params, &client.Param{Name: "per_page", In: "query", Description: "Results per page (max 100).",
				Schema: map[string]any{"type": "integer", "default": def}, Style: "form", Explode: true})
		}
		s, err := New(Config{API: api, Layout: LayoutOperations})
		if err != nil {
			t.Fatal(err)
		}
		for _, tool := range s.Tools() {
			p := schemaOf(t, tool)["properties"].(map[string]any)["per_page"].(map[string]any)
			if _, has := p["default"]; has != differ {
				t.Errorf("defaults differ: %v; %s lists per_page as %v", differ, tool.Name, p)
			}
			if _, has := p["description"]; has {
				t.Errorf("%s: per_page keeps its shared description: %v", tool.Name, p)
			}
		}
		says := strings.Contains(s.instructions, "per_page: Results per page (max 100; default 30)")
		if says == differ {
			t.Errorf("defaults differ: %v; instructions %q", differ, s.instructions)
		}
		if !strings.Contains(s.instructions, "per_page: Results per page") {
			t.Errorf("instructions lost per_page: %q", s.instructions)
		}
	}
}

func TestRestates(t *testing.T) {
	for _, tc := range []struct {
		name, desc string
		want       bool
	}{
		{"team_slug", "team_slug parameter", true},
		{"file", "The ID of the file.", true},
		{"tax_rates", "A list of Tax Rate ids.", true},
		{"body", "The request body", true},
		{"Parameter14.Value", "Parameter value", true},
		{"issue_number", "The number that identifies the issue.", false},
		{"per_page", "Results per page (max 100)", false},
		{"state", "", false},
		{"name", "Nom du projet", false},
	} {
		if got := restates(tc.name, tc.desc); got != tc.want {
			t.Errorf("restates(%q, %q) = %v", tc.name, tc.desc, got)
		}
	}
	// The words of the operation count as the argument's own.
	op := &client.Operation{ID: "actions/add-repo-access-to-self-hosted-runner-group-in-org", Method: "PUT",
		Path:    "/orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}",
		Summary: "Add repository access to a self-hosted runner group in an organization"}
	context := toolContext(op)
	for _, tc := range []struct {
		name, desc string
		want       bool
	}{
		{"runner_group_id", "Unique identifier of the self-hosted runner group.", true},
		{"repository_id", "The id of the repository.", true},
		{"runner_group_id", "Unique identifier of the runner group, from the list of groups.", false},
		{"visibility", "Visibility of the group: all, selected or private.", false},
		// Without the name's words, the operation's say which value to send.
		{"since", "An organization ID.", false},
		{"id", "The repository to add.", false},
	} {
		if got := restatesIn(tc.name, tc.desc, context); got != tc.want {
			t.Errorf("restatesIn(%q, %q) = %v", tc.name, tc.desc, got)
		}
	}
	// Plain words are plain before a plural's s is taken off ("is", "this").
	if !restates("is_active", "Is this active?") {
		t.Error(`restates("is_active", "Is this active?") = false`)
	}
}
