package server

import (
	"path/filepath"
	"regexp"
	"slices"
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
		{"accented letters", "", client.Operation{ID: "créerCommande", Method: "POST", Path: "/commandes"}, "creer_commande"},
		{"accented capital", "", client.Operation{ID: "listeÉvénements", Method: "GET", Path: "/e"}, "liste_evenements"},
		{"accented path", "", client.Operation{Method: "GET", Path: "/größen/{straßeId}"}, "get_grossen_by_strasse_id"},
		{"capital ligature starting a word", "", client.Operation{ID: "ÆbleKage", Method: "GET", Path: "/a"}, "aeble_kage"},
		{"capital ligature in capitals", "", client.Operation{ID: "getŒUVRE", Method: "GET", Path: "/o"}, "get_oeuvre"},
		{"capital ligature after an acronym", "", client.Operation{ID: "listŒuvres", Method: "GET", Path: "/o"}, "list_oeuvres"},
		{"FastAPI", "", client.Operation{ID: "read_items_items__get", Method: "GET", Path: "/items/"}, "read_items"},
		{"FastAPI path parameter", "", client.Operation{ID: "read_item_items__item_id__get", Method: "GET", Path: "/items/{item_id}"}, "read_item"},
		{"FastAPI root", "", client.Operation{ID: "root__get", Method: "GET", Path: "/"}, "root"},
		{"FastAPI method of another route", "", client.Operation{ID: "handle_hooks_hook_id__get", Method: "POST", Path: "/hooks/hook-id/"}, "handle"},
		{"FastAPI path not its own", "", client.Operation{ID: "read_items_items__get", Method: "GET", Path: "/v2/items/"}, "read_items_items"},
		{"springfox", "", client.Operation{ID: "getUserUsingGET_1", Method: "GET", Path: "/users/{id}"}, "get_user"},
		{"NestJS", "", client.Operation{ID: "UsersController_findAll", Method: "GET", Path: "/users"}, "users_find_all"},
		{"path and method", "", client.Operation{ID: "allauth_auth_login_post", Method: "POST", Path: "/api/auth/v1/auth/login"}, "allauth_auth_login"},
		{"path and method, several words", "", client.Operation{ID: "account_recovery_codes_get", Method: "GET", Path: "/account/recovery-codes"}, "account_recovery_codes"},
		{"a method word that is not the method", "", client.Operation{ID: "chat.delete", Method: "POST", Path: "/chat.delete"}, "chat_delete"},
		{"a method word that is not the path's", "", client.Operation{ID: "repos_get", Method: "GET", Path: "/repos/{owner}/{repo}"}, "repos_get"},
		{"a number in the path", "", client.Operation{ID: "put_users_id_folders_0", Method: "PUT", Path: "/users/{user_id}/folders/0"}, "put_users_id_folders_0"},
		{"a number without a twin", "", client.Operation{ID: "getUser_1", Method: "GET", Path: "/users/{id}"}, "get_user_1"},
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
			got := opNames(tt.prefix, &tt.op)[0]
			if got != tt.want {
				t.Errorf("name = %q, want %q", got, tt.want)
			}
			if !validName.MatchString(got) {
				t.Errorf("name %q is not a valid tool name", got)
			}
		})
	}
}

// opNames names operations as the operations layout does.
func opNames(prefix string, ops ...*client.Operation) []string {
	ids := map[string]bool{}
	for _, op := range ops {
		ids[op.ID] = true
	}
	reqs := make([]nameRequest, len(ops))
	for i, op := range ops {
		reqs[i] = operationNameRequest(op, ids, "https://api.example.com")
	}
	var out []string
	for _, n := range assignNames(prefix, reqs) {
		out = append(out, n.name)
	}
	return out
}

func TestSharedNames(t *testing.T) {
	op := func(id, method, path string, tags ...string) *client.Operation {
		return &client.Operation{ID: id, Method: method, Path: path, Tags: tags}
	}
	tests := []struct {
		name string
		ops  []*client.Operation
		want []string
	}{
		{
			"versions",
			[]*client.Operation{
				op("createClusterRole", "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles"),
				op("createClusterRole", "POST", "/apis/rbac.authorization.k8s.io/v1beta1/clusterroles"),
			},
			[]string{"create_rbac_v1_cluster_role", "create_rbac_v1beta1_cluster_role"},
		},
		{
			"groups",
			[]*client.Operation{
				op("listNamespacedLease", "GET", "/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases"),
				op("listNamespacedLease", "GET", "/apis/storage.k8s.io/v1/namespaces/{namespace}/leases"),
			},
			[]string{"list_coordination_namespaced_lease", "list_storage_namespaced_lease"},
		},
		{
			"plain versions",
			[]*client.Operation{op("getUser", "GET", "/v1/users/{id}"), op("getUser", "GET", "/v2/users/{id}"), op("getUser", "GET", "/users/{id}")},
			[]string{"get_v1_user", "get_v2_user", "get_user"},
		},
		{
			"verbs",
			[]*client.Operation{op("listProjects", "GET", "/projects"), op("listProjects", "POST", "/projects")},
			[]string{"list_projects", "create_projects"},
		},
		{
			"verbs for names without one",
			[]*client.Operation{op("projects", "GET", "/projects"), op("projects", "POST", "/projects"), op("projects", "DELETE", "/projects")},
			[]string{"projects", "create_projects", "delete_projects"},
		},
		{
			"put and patch",
			[]*client.Operation{op("updateProject", "PUT", "/projects/{id}"), op("updateProject", "PATCH", "/projects/{id}")},
			[]string{"replace_project", "update_project"},
		},
		{
			"the method where no verb fits",
			[]*client.Operation{op("auth_login_get", "GET", "/auth/login"), op("auth_login_post", "POST", "/auth/login")},
			[]string{"auth_login", "auth_login_post"},
		},
		{
			"verbs and versions",
			[]*client.Operation{op("listTasks", "GET", "/v1/tasks"), op("listTasks", "POST", "/v1/tasks"), op("listTasks", "GET", "/v2/tasks")},
			[]string{"list_v1_tasks", "create_v1_tasks", "list_v2_tasks"},
		},
		{
			"FastAPI functions with the same name",
			[]*client.Operation{op("read_items_items__get", "GET", "/items/"), op("read_items_admin_items__get", "GET", "/admin/items/")},
			[]string{"read_items", "read_admin_items"},
		},
		{
			"FastAPI function beside an operationId",
			[]*client.Operation{op("read_items_items__get", "GET", "/items/"), op("read_items", "GET", "/legacy/items")},
			[]string{"read_items", "read_legacy_items"},
		},
		{
			"tags",
			[]*client.Operation{op("getThing", "GET", "/things/{a}", "Alpha"), op("getThing", "GET", "/things/{b}", "Beta")},
			[]string{"get_alpha_thing", "get_beta_thing"},
		},
		{
			"path parameters",
			[]*client.Operation{op("getThing", "GET", "/things/{id}"), op("getThing", "GET", "/things/{key}")},
			[]string{"get_thing_by_id", "get_thing_by_key"},
		},
		{
			"numbers last",
			[]*client.Operation{op("readItems", "GET", "/items"), op("readItems", "GET", "/items/")},
			[]string{"read_items", "read_items_2"},
		},
		{
			"springdoc numbers",
			[]*client.Operation{op("getUser", "GET", "/users/{id}"), op("getUser_1", "GET", "/admin/users/{id}")},
			[]string{"get_user", "get_admin_user"},
		},
		{
			"a shared name beside a taken one",
			[]*client.Operation{op("listProjects", "GET", "/projects"), op("listProjects", "POST", "/projects"), op("create_projects", "POST", "/x")},
			[]string{"list_projects", "list_projects_post", "create_projects"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := opNames("", tt.ops...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("names = %q, want %q", got, tt.want)
			}
			// The description's order does not matter.
			rev := slices.Clone(tt.ops)
			slices.Reverse(rev)
			back := opNames("", rev...)
			slices.Reverse(back)
			if !slices.Equal(back, got) {
				t.Errorf("names in reverse order = %q, want %q", back, got)
			}
		})
	}
}

func TestNumberedNamesSayWhatDiffers(t *testing.T) {
	reqs := []nameRequest{
		{words: []string{"read", "items"}, method: "GET", path: "/items/", server: "https://a.example.com"},
		{words: []string{"read", "items"}, method: "GET", path: "/items", server: "https://a.example.com"},
	}
	got := assignNames("", reqs)
	if got[1].name != "read_items" || got[0].name != "read_items_2" {
		t.Fatalf("names = %q", got)
	}
	if want := "Not the same tool as read_items (GET /items)."; got[0].note != want {
		t.Errorf("note = %q, want %q", got[0].note, want)
	}
	if want := "Not the same tool as read_items_2 (GET /items/)."; got[1].note != want {
		t.Errorf("note = %q, want %q", got[1].note, want)
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
	// Naming never panics, whatever prefix it is given.
	if n := assignNames(strings.Repeat("b", 100), []nameRequest{{words: []string{"x"}}, {words: []string{"x"}}}); !validName.MatchString(n[0].name) || !validName.MatchString(n[1].name) {
		t.Errorf("names %q", n)
	}
}

// namesOf names the operations of an API as the operations layout does,
// with the readable name each one started from.
func namesOf(api *client.API, skip int) (names, bases []string) {
	ids := map[string]bool{}
	for _, op := range api.Operations {
		ids[op.ID] = true
	}
	var reqs []nameRequest
	for i, op := range api.Operations {
		if i != skip {
			reqs = append(reqs, operationNameRequest(op, ids, api.BaseURL()))
		}
	}
	for _, r := range reqs {
		bases = append(bases, shorten(r.words, maxNameLen))
	}
	for _, n := range assignNames("", reqs) {
		names = append(names, n.name)
	}
	return names, bases
}

// TestNamesStable checks that names do not depend on anything but the
// description, and that leaving one operation out renames no other, except
// the ones that shared its readable name or take the name it leaves.
func TestNamesStable(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			checkStable(t, loadSpec(t, file), 1)
		})
	}
}

func checkStable(t *testing.T, api *client.API, step int) {
	all, bases := namesOf(api, -1)
	if again, _ := namesOf(api, -1); !slices.Equal(all, again) {
		t.Fatalf("two runs differ:\n%q\n%q", all, again)
	}
	for i := 0; i < len(all); i += step {
		without, _ := namesOf(api, i)
		for j, k := 0, 0; j < len(all); j++ {
			if j == i {
				continue
			}
			if without[k] != all[j] && bases[j] != bases[i] && without[k] != all[i] {
				t.Errorf("leaving %s out renames %s to %s", all[i], all[j], without[k])
			}
			k++
		}
	}
}

var reNumberEnd = regexp.MustCompile(`_(\d+)$`)

// TestSharedSpecNames checks every shared description: names stay the same
// when an operation is left out, and a name ends in a number only when the
// number is the API's own (a segment of the path) or the description says
// what tells the tool apart.
func TestSharedSpecNames(t *testing.T) {
	for _, file := range sharedSpecs(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			api := loadSpec(t, file)
			s, err := New(Config{API: api})
			if err != nil {
				t.Fatal(err)
			}
			for _, tool := range s.Tools() {
				m := reNumberEnd.FindStringSubmatch(tool.Name)
				op := s.byName[tool.Name].op
				if m == nil || op == nil { // a layout's tool (auto may serve resources)
					continue
				}
				if slices.Contains(strings.Split(op.Path, "/"), m[1]) || strings.Contains(tool.Description, "Not the same tool as ") {
					continue
				}
				t.Errorf("%s (%s %s) ends in a number its description does not explain", tool.Name, op.Method, op.Path)
			}
			if !testing.Short() {
				checkStable(t, api, 1+len(api.Operations)/40)
			}
		})
	}
}
