package install

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	cursor, _ := Lookup("cursor")
	codex, _ := Lookup("codex")
	tests := []struct {
		name   string
		c      Client
		src    string
		hidden []string // values that must not show
		shown  []string // text that must stay
	}{
		{
			name: "env and headers",
			c:    cursor,
			src: `{"mcpServers": {"gh": {"command": "npx", "env": {"GITHUB_TOKEN": "ghp_1", "DEBUG": "1"},
  "headers": {"X-Team": "t_2", "Authorization": "${env:GH_AUTH}"}}}}`,
			hidden: []string{"ghp_1", `"1"`, "t_2"},
			shown:  []string{`"command": "npx"`, `"DEBUG": "…"`, `"Authorization": "${env:GH_AUTH}"`},
		},
		{
			name: "secret names, at any depth",
			c:    cursor,
			src: `// a comment
{"mcpServers": {"x": {"command": {"path": "x", "env": {"A": "a_1"}}, "apiKey": "k_2", "client_secret": "s_3"}},
 "theme": "dark"}`,
			hidden: []string{"a_1", "k_2", "s_3"},
			shown:  []string{"// a comment", `"path": "x"`, `"theme": "dark"`},
		},
		{
			name:   "arguments",
			c:      cursor,
			src:    `{"mcpServers": {"x": {"command": "x", "args": ["--token", "tk_1", "--api-key=ak_2", "--header", "Authorization: Bearer ab_3", "--header", "Authorization:${AUTH}", "--verbose", "--port", "80"]}}}`,
			hidden: []string{"tk_1", "ak_2", "ab_3"},
			shown:  []string{`"--token", "…"`, `"Authorization:${AUTH}"`, `"--port", "80"`},
		},
		{
			name:   "URLs",
			c:      cursor,
			src:    `{"mcpServers": {"x": {"url": "https://me:pw_1@mcp.example.com/sse?team=7&access_token=at_2"}, "y": {"url": "https://mcp.example.com/mcp"}}}`,
			hidden: []string{"pw_1", "at_2"},
			shown:  []string{"me:…@mcp.example.com", "access_token=…", "team=7", `"https://mcp.example.com/mcp"`},
		},
		{
			name: "Codex tables",
			c:    codex,
			src: `# servers
[mcp_servers.a]
command = "npx"
args = ["--api-key", "ak_1"]
env = { A_TOKEN = "at_2" }
env.B = 'b_3'
http_headers = { "X-Key" = "xk_4" }

[mcp_servers.a.env]
C = """c_5"""

[mcp_servers.a.env_http_headers]
Authorization = "AUTH_VAR"

[profile]
model = "o3"
`,
			hidden: []string{"ak_1", "at_2", "b_3", "xk_4", "c_5", "AUTH_VAR"},
			shown:  []string{"# servers", `command = "npx"`, `A_TOKEN = "…"`, `C = "…"`, `model = "o3"`},
		},
		{
			name:   "a file that does not parse",
			c:      cursor,
			src:    `{"mcpServers": {"x": {"env": {"A": "a_1"}`,
			hidden: []string{"a_1"},
			shown:  []string{`"A": "…"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(tt.c.Redact([]byte(tt.src)))
			for _, h := range tt.hidden {
				if strings.Contains(got, h) {
					t.Errorf("%s shows %s", got, h)
				}
			}
			for _, s := range tt.shown {
				if !strings.Contains(got, s) {
					t.Errorf("%s lacks %s", got, s)
				}
			}
			if strings.Count(got, "\n") != strings.Count(tt.src, "\n") {
				t.Errorf("lines changed:\n%s", got)
			}
		})
	}
	for _, c := range []Client{cursor, codex} {
		if got := c.Redact(nil); got != nil {
			t.Errorf("%s: a missing file became %q", c.ID, got)
		}
	}
}

// What install writes stays as it is: it holds no secret.
func TestRedactKeepsOurEntries(t *testing.T) {
	remote := Entry{Name: "acme", URL: "https://mcp.example.com/mcp", Headers: []Header{{Name: "Authorization", Env: "RESTMCP_HEADER_AUTHORIZATION"}}}
	for _, c := range Clients() {
		entries := []Entry{testEntry("acme")}
		if c.SupportsURL() == nil {
			entries = append(entries, remote)
		}
		for _, e := range entries {
			b, err := c.Snippet(e)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Redact(b); string(got) != string(b) {
				t.Errorf("%s: %s\nbecame\n%s", c.ID, b, got)
			}
		}
	}
}
