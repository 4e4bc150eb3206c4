package app

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/profile"
)

// serve --http keeps no session past a request and reads its description
// once, so it never sends notifications/tools/list_changed: initialize
// (and server/discover, protocol 2026-07-28) say the tools are offered,
// without listChanged. Over stdio it is declared, and sent
// (server.TestStdioInitialize…, app's cache tests).
func TestHTTPDeclaresNoListChanged(t *testing.T) {
	endpoint, _ := serveHTTPTest(t, HTTPConfig{})
	for _, tc := range []struct {
		version, method, body string
	}{
		{"", "initialize", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}`},
		{"2026-07-28", "server/discover", `{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{` +
			`"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`},
	} {
		req, _ := http.NewRequest("POST", endpoint, strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("X-Api-Key", "sk-caller-1-0123456789")
		req.Header.Set("Mcp-Method", tc.method)
		if tc.version != "" {
			req.Header.Set("Mcp-Protocol-Version", tc.version)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var answer struct {
			Result struct {
				Capabilities map[string]json.RawMessage `json:"capabilities"`
			} `json:"result"`
		}
		err = json.NewDecoder(resp.Body).Decode(&answer)
		resp.Body.Close()
		tools, ok := answer.Result.Capabilities["tools"]
		if err != nil || resp.StatusCode != http.StatusOK || !ok {
			t.Fatalf("%s: %d %v, capabilities %s", tc.method, resp.StatusCode, err, answer.Result.Capabilities)
		}
		if strings.Contains(string(tools), "listChanged") {
			t.Errorf("%s: tools %s, want no listChanged: a stateless server never sends it", tc.method, tools)
		}
	}
}

// A changed description reaches a team's clients with a restart (a
// rollout): a client that lists the tools again then gets the new ones, on
// the session it had, without reconnecting, in each protocol version.
// It is never told to (no notification), and does not wait to be: a
// client that would act on notifications/tools/list_changed holds no
// stream open for it.
func TestHTTPClientListsAgainAfterRestart(t *testing.T) {
	notes, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	more := strings.Replace(string(notes), "paths:\n", "paths:\n  /tags/:\n    get:\n      operationId: listTags\n      responses:\n        \"200\": {description: OK}\n", 1)
	for _, version := range []string{"2025-11-25", "2026-07-28"} {
		t.Run(version, func(t *testing.T) {
			spec := filepath.Join(t.TempDir(), "openapi.yaml")
			if err := os.WriteFile(spec, notes, 0o600); err != nil {
				t.Fatal(err)
			}
			a := testApp(t, nil)
			empty := ""
			p := profile.Profile{Name: "acme", Spec: spec, BaseURL: "http://127.0.0.1:1", AuthHeader: "X-Api-Key", AuthScheme: &empty}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ctx, stop := context.WithCancel(context.Background())
			done := startHTTP(ctx, a, p, HTTPConfig{Listener: ln})

			c := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, &mcp.ClientOptions{
				ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {},
			})
			cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s, err := c.Connect(cctx, &mcp.StreamableClientTransport{
				Endpoint: "http://" + addr + "/mcp",
				// A new connection for each request: the first server
				// closes the ones it had, as a replaced replica does
				// (behind a load balancer the client's stay open).
				HTTPClient: &http.Client{Transport: keyHeader{header: "X-Api-Key", key: "sk-caller-1-0123456789",
					next: &http.Transport{DisableKeepAlives: true}}},
			}, &mcp.ClientSessionOptions{ProtocolVersion: version})
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			defer s.Close()
			names := func() []string {
				t.Helper()
				res, err := s.ListTools(cctx, nil)
				if err != nil {
					t.Fatalf("tools/list: %v", err)
				}
				var names []string
				for _, tool := range res.Tools {
					names = append(names, tool.Name)
				}
				return names
			}
			if got := names(); len(got) != 4 {
				t.Fatalf("tools %q, want the 4 of notes.yaml", got)
			}

			// The description changes; the server restarts on the same
			// address.
			stop()
			if err := <-done; err != nil {
				t.Fatalf("first server: %v", err)
			}
			if err := os.WriteFile(spec, []byte(more), 0o600); err != nil {
				t.Fatal(err)
			}
			ln, err = net.Listen("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			ctx, stop = context.WithCancel(context.Background())
			done = startHTTP(ctx, a, p, HTTPConfig{Listener: ln})
			defer func() {
				stop()
				if err := <-done; err != nil {
					t.Errorf("second server: %v", err)
				}
			}()
			if got := names(); len(got) != 5 || !strings.Contains(strings.Join(got, " "), "list_tags") {
				t.Errorf("tools after the restart %q, want list_tags among 5", got)
			}
		})
	}
}
