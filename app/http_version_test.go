package app

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// A client of a protocol version this server does not know: its
// initialize is answered with a version the server speaks (version
// negotiation), the MCP-Protocol-Version header it came with or not; any
// other request with that header gets 400 and an error that names the
// versions spoken (code -32022, the versions in its data), not the
// go-sdk's request for a "_meta" field of the 2026-07-28 protocol.
func TestHTTPUnknownProtocolVersion(t *testing.T) {
	endpoint, _ := serveHTTPTest(t, HTTPConfig{})
	const key = "sk-caller-1-0123456789"
	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2099-01-01","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}`
	for _, header := range []string{"", "2099-01-01"} {
		code, b, err := rawPost(endpoint, initialize, header, key)
		var answer struct {
			Result struct {
				ProtocolVersion string `json:"protocolVersion"`
			} `json:"result"`
		}
		if err == nil {
			err = json.Unmarshal(b, &answer)
		}
		if err != nil || code != http.StatusOK || !slices.Contains(mcp.SupportedProtocolVersions(), answer.Result.ProtocolVersion) {
			t.Errorf("initialize of 2099-01-01, header %q: %d %s %v; want a version the server speaks", header, code, b, err)
		}
	}

	for _, tc := range []struct{ header, body, id string }{
		{"2099-01-01", `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, "2"},
		{"2099-01-01", `{"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"list_notes","arguments":{}}}`, `"c"`},
		{"2020-01-01", `{"jsonrpc":"2.0","id":3,"method":"tools/list"}`, "3"},
	} {
		code, b, err := rawPost(endpoint, tc.body, tc.header, key)
		if err != nil {
			t.Fatal(err)
		}
		var answer struct {
			ID    json.RawMessage `json:"id"`
			Error struct {
				Code    int                                `json:"code"`
				Message string                             `json:"message"`
				Data    mcp.UnsupportedProtocolVersionData `json:"data"`
			} `json:"error"`
		}
		err = json.Unmarshal(b, &answer)
		e := answer.Error
		if err != nil || code != http.StatusBadRequest || e.Code != mcp.CodeUnsupportedProtocolVersion || string(answer.ID) != tc.id {
			t.Errorf("header %q, %s: %d %s %v; want 400, code -32022, id %s", tc.header, tc.body, code, b, err, tc.id)
			continue
		}
		for _, want := range []string{tc.header, "2026-07-28", "2025-11-25", "2024-11-05"} {
			if !strings.Contains(e.Message, want) {
				t.Errorf("header %q: the message does not say %q: %s", tc.header, want, e.Message)
			}
		}
		if strings.Contains(e.Message, "_meta") {
			t.Errorf("header %q: the message speaks of _meta: %s", tc.header, e.Message)
		}
		if !slices.Equal(e.Data.Supported, mcp.SupportedProtocolVersions()) || e.Data.Requested != tc.header {
			t.Errorf("header %q: data %+v", tc.header, e.Data)
		}
	}
}

// A go-sdk client asked to speak a version the server does not know
// learns the versions it does from the error, and works in one of them.
func TestHTTPClientOfANewerVersionFallsBack(t *testing.T) {
	endpoint, _ := serveHTTPTest(t, HTTPConfig{})
	c := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil)
	s, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{
		Endpoint:   endpoint,
		HTTPClient: &http.Client{Transport: keyHeader{header: "X-Api-Key", key: "sk-caller-1-0123456789", next: http.DefaultTransport}},
	}, &mcp.ClientSessionOptions{ProtocolVersion: "2099-01-01"})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer s.Close()
	res, err := s.ListTools(context.Background(), nil)
	if err != nil || len(res.Tools) != 4 {
		t.Fatalf("tools/list: %v", err)
	}
}

// A batch (protocol 2025-03-26) that holds initialize, sent with an
// MCP-Protocol-Version header of a version the server does not know, is
// answered as a single initialize is: the header of no version agreed yet
// is dropped, and the batch answered as one without it.
func TestHTTPBatchInitializeUnknownHeader(t *testing.T) {
	endpoint, _ := serveHTTPTest(t, HTTPConfig{})
	const key = "sk-caller-1-0123456789"
	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}`
	for _, body := range []string{"[" + initialize + "]", " [" + initialize + `,{"jsonrpc":"2.0","method":"notifications/initialized"}]`} {
		want, wantBody, err := rawPost(endpoint, body, "", key)
		if err != nil || want != http.StatusOK {
			t.Fatalf("batch without the header: %d %s %v", want, wantBody, err)
		}
		code, b, err := rawPost(endpoint, body, "2099-01-01", key)
		var answers []struct {
			ID     int `json:"id"`
			Result struct {
				ProtocolVersion string `json:"protocolVersion"`
			} `json:"result"`
		}
		if err == nil {
			err = json.Unmarshal(b, &answers)
		}
		if err != nil || code != http.StatusOK || len(answers) != 1 || answers[0].ID != 1 || answers[0].Result.ProtocolVersion != "2025-03-26" {
			t.Errorf("batch %.30s… with header 2099-01-01: %d %s %v; want initialize answered in 2025-03-26", body, code, b, err)
		}
	}
	// A batch without initialize is still refused for its header.
	code, b, err := rawPost(endpoint, `[{"jsonrpc":"2.0","id":2,"method":"tools/list"}]`, "2099-01-01", key)
	if err != nil || code != http.StatusBadRequest || !strings.Contains(string(b), "-32022") {
		t.Errorf("batch of tools/list with header 2099-01-01: %d %s %v; want 400 and -32022", code, b, err)
	}
}
