package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestUnlistedLimitsAreChecked loads testdata/limits.yaml with client.Load
// and checks that constraints tools/list leaves out (a maxLength of 5000, a
// 66-value enum, fields below a cut node of a large body) still refuse a
// call before any request is sent, in every layout.
func TestUnlistedLimitsAreChecked(t *testing.T) {
	long := strings.Repeat("x", 6000)
	tests := []struct {
		name, tool, args, want string
	}{
		{"query maxLength", "list_notes", `{"q": "` + long + `"}`, `argument "q"`},
		{"query enum", "list_notes", `{"zone": "Mars/Olympus"}`, `argument "zone"`},
		{"body maxLength", "create_note", `{"text": "` + long + `"}`, `argument "text"`},
		{"body enum", "create_note", `{"text": "hi", "zone": "Zone/66"}`, `argument "zone"`},
		{"array item maxLength", "create_note", `{"text": "hi", "tags": ["ok", "` + long + `"]}`, `argument "tags[]"`},
		{"field below a cut node", "update_settings", `{"field07": {"inner": {"code": "toolong"}}}`, `argument "field07.inner.code"`},
	}
	for _, layout := range []string{LayoutOperations, LayoutResources} {
		s, last, _ := fixtureServer(t, "limits", Config{Layout: layout})
		for _, tt := range tests {
			t.Run(layout+"/"+tt.name, func(t *testing.T) {
				tool, args := tt.tool, tt.args
				if layout == LayoutResources {
					tool, args = resourceCall(t, tt.tool, args)
				}
				*last = http.Request{}
				r, err := s.Call(context.Background(), tool, json.RawMessage(args))
				if err != nil {
					t.Fatal(err)
				}
				text := resultText(t, r)
				if !r.IsError || !strings.Contains(text, "invalid arguments") || !strings.Contains(text, tt.want) {
					t.Errorf("result (error %v) = %.300s, want a validation error naming %s", r.IsError, text, tt.want)
				}
				if last.Method != "" {
					t.Errorf("a refused call reached the API: %s %s", last.Method, last.URL.Path)
				}
			})
		}
	}

	// The same calls within the limits are sent.
	s, last, _ := fixtureServer(t, "limits", Config{})
	for _, c := range [][2]string{
		{"list_notes", `{"q": "` + long[:5000] + `", "zone": "Zone/65"}`},
		{"update_settings", `{"field07": {"inner": {"code": "abc"}}}`},
	} {
		*last = http.Request{}
		call(t, s, c[0], c[1])
		if last.Method == "" {
			t.Errorf("%s was not sent", c[0])
		}
	}
}

// TestUnlistedLimitsAreNotListed checks the other half of the contract:
// the limits above are left out of what tools/list shows.
func TestUnlistedLimitsAreNotListed(t *testing.T) {
	s, _, _ := fixtureServer(t, "limits", Config{})
	listed := map[string]string{}
	for _, tool := range s.Tools() {
		b, _ := json.Marshal(tool.InputSchema)
		listed[tool.Name] = string(b)
	}
	for _, name := range []string{"list_notes", "create_note"} {
		if strings.Contains(listed[name], "maxLength") || strings.Contains(listed[name], `"enum"`) {
			t.Errorf("%s lists a limit far beyond what a model sends: %s", name, listed[name])
		}
		if !strings.Contains(listed[name], "one of 66 values") {
			t.Errorf("%s does not describe its long enum: %s", name, listed[name])
		}
	}
	if s := listed["update_settings"]; !strings.Contains(s, "{code}") || strings.Contains(s, `"code"`) {
		t.Errorf("update_settings lists its large body whole: %.500s", s)
	}
}

// resourceCall turns an operation tool call on testdata/limits.yaml into
// the call of its resource tool.
func resourceCall(t *testing.T, op, args string) (string, string) {
	t.Helper()
	action := map[string][2]string{
		"list_notes": {"notes", "list"}, "create_note": {"notes", "create"}, "update_settings": {"settings", "put"},
	}[op]
	if action[0] == "" {
		t.Fatalf("no resource tool for %s", op)
	}
	return action[0], `{"action": "` + action[1] + `", ` + strings.TrimPrefix(args, "{")
}
