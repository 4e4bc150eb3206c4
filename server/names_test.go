package server

import (
	"regexp"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/client"
)

var validName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func TestToolNames(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
		op     client.Operation
		want   string
	}{
		{"operationId", "", client.Operation{ID: "listProjects", Method: "GET", Path: "/projects"}, "list_projects"},
		{"acronyms", "", client.Operation{ID: "getHTTPStatusV2", Method: "GET", Path: "/s"}, "get_http_status_v2"},
		{"slash", "", client.Operation{ID: "repos/get", Method: "GET", Path: "/repos/{owner}/{repo}"}, "repos_get"},
		{"hash", "", client.Operation{ID: "get_files_id#get_shared_link", Method: "GET", Path: "/files/{id}"}, "get_files_id_get_shared_link"},
		{"kebab", "", client.Operation{ID: "oauth-authorizations/get-grant", Method: "GET", Path: "/g"}, "oauth_authorizations_get_grant"},
		{"pascal", "", client.Operation{ID: "PostCustomersCustomerSources", Method: "POST", Path: "/c"}, "post_customers_customer_sources"},
		{"random token kept whole", "", client.Operation{ID: "get_files_id_metadata_securityClassification-6VMVochwUWo", Method: "GET", Path: "/f"}, "get_files_id_metadata_security_classification_6vmvochwuwo"},
		{"no operationId", "", client.Operation{Method: "GET", Path: "/projects/{id}"}, "get_projects_by_id"},
		{"no operationId nested", "", client.Operation{Method: "DELETE", Path: "/projects/{projectId}/tasks/{task_id}"}, "delete_projects_by_project_id_tasks_by_task_id"},
		{"root path", "", client.Operation{Method: "GET", Path: "/"}, "get_root"},
		{"prefix", "acme", client.Operation{ID: "listProjects", Method: "GET", Path: "/projects"}, "acme_list_projects"},
		{"prefix normalised", "Acme-API", client.Operation{ID: "listProjects", Method: "GET", Path: "/projects"}, "acme_api_list_projects"},
		{
			"long name drops filler words, then abbreviates", "",
			client.Operation{ID: "packages/get-all-package-versions-for-package-owned-by-authenticated-user", Method: "GET", Path: "/p"},
			"packages_get_all_package_versions_package_owned_auth_user",
		},
		{
			"long name abbreviates and drops repeated words", "",
			client.Operation{ID: "enterprise-admin/list-selected-organizations-enabled-github-actions-enterprise", Method: "GET", Path: "/p"},
			"enterprise_admin_list_selected_orgs_enabled_github_actions",
		},
		{
			"prefix counts toward the limit", "acme",
			client.Operation{ID: "packages/get-all-package-versions-for-package-owned-by-authenticated-user", Method: "GET", Path: "/p"},
			"acme_packages_get_all_package_versions_package_owned_auth_user",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newNamer(tt.prefix).name(baseWords(&tt.op), tt.op.Method)
			if got != tt.want {
				t.Errorf("name = %q, want %q", got, tt.want)
			}
			if !validName.MatchString(got) {
				t.Errorf("name %q is not a valid tool name", got)
			}
		})
	}
}

func TestShortenKeepsStartAndEnd(t *testing.T) {
	// 80 characters of words with nothing to drop or abbreviate.
	words := strings.Split("prefect_flow_run_notification_policy_update_deployment_schedule_concurrency_limit_tags_read_write_alpha", "_")
	got := shorten(words, 64)
	if len(got) > 64 {
		t.Fatalf("len = %d > 64: %q", len(got), got)
	}
	if !strings.HasPrefix(got, "prefect_flow") || !strings.HasSuffix(got, "write_alpha") {
		t.Errorf("shorten lost the start or the end: %q", got)
	}
}

func TestNamerDeduplicates(t *testing.T) {
	long := "enterprise-admin/list-selected-organizations-enabled-github-actions-enterprise-alpha-beta-gamma"
	n := newNamer("")
	got := []string{
		n.name(nameWords("listProjects"), "GET"),
		n.name(nameWords("listProjects"), "POST"),
		n.name(nameWords("list_projects"), "POST"),
		n.name(nameWords("list_projects"), "GET"),
		n.name(nameWords(long), "GET"),
		n.name(nameWords(long), "GET"),
		n.name(nameWords("get_thing"), "GET"),
		n.name(nameWords("get_thing"), "GET"),
	}
	seen := map[string]bool{}
	for _, g := range got {
		if seen[g] {
			t.Errorf("duplicate name %q in %q", g, got)
		}
		seen[g] = true
		if !validName.MatchString(g) {
			t.Errorf("invalid name %q", g)
		}
	}
	want := map[int]string{1: "list_projects_post", 2: "list_projects_2", 3: "list_projects_get", 7: "get_thing_2"}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("name %d = %q, want %q", i, got[i], w)
		}
	}
	if !strings.HasSuffix(got[5], "_get") || len(got[5]) > maxNameLen {
		t.Errorf("shortened duplicate = %q, want a _get suffix within %d", got[5], maxNameLen)
	}
}

func TestLongPrefix(t *testing.T) {
	if _, err := New(Config{API: projectsAPI(), Prefix: strings.Repeat("acme", 10)}); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Errorf("err = %v, want a prefix too long error", err)
	}
	s, err := New(Config{API: projectsAPI(), Prefix: strings.Repeat("a", maxPrefixLen)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range s.Tools() {
		if !validName.MatchString(tool.Name) {
			t.Errorf("invalid name %q", tool.Name)
		}
	}
	// The namer never panics, whatever prefix it is given.
	if n := newNamer(strings.Repeat("b", 100)).name([]string{"x"}, "GET"); !validName.MatchString(n) {
		t.Errorf("name %q", n)
	}
}
