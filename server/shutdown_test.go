package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/restmcp/restmcp/client"
)

// At the end of the input, a call waiting on the API is cancelled and
// answered, its audit log end line is written, and the session ends within
// 2 s: nothing of a request that reached the API is lost at shutdown,
// whether the call is answered by the transport or by the MCP SDK.
func TestEndOfInputCancelsCallsAndCompletesTheAuditLog(t *testing.T) {
	for _, sdk := range []bool{false, true} {
		t.Run(fmt.Sprintf("sdk=%v", sdk), func(t *testing.T) { endOfInputCancelsCalls(t, sdk) })
	}
}

func endOfInputCancelsCalls(t *testing.T, sdkCalls bool) {
	reached := make(chan struct{}, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached <- struct{}{}
		<-r.Context().Done() // an API that never answers
	}))
	defer api.Close()

	auditPath := filepath.Join(t.TempDir(), "audit.jsonl")
	audit, err := os.OpenFile(auditPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer audit.Close()
	s, err := New(Config{
		API:      projectsAPI(),
		Client:   client.New(client.Options{BaseURL: api.URL}),
		AuditLog: audit,
	})
	if err != nil {
		t.Fatal(err)
	}

	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background(), &StdioTransport{In: inR, Out: outW, sdkCalls: sdkCalls}) }()
	answers := bufio.NewScanner(outR)
	send := func(line string) {
		t.Helper()
		if _, err := io.WriteString(inW, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	if !answers.Scan() {
		t.Fatal("no initialize answer")
	}
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_projects","arguments":{}}}`)
	select {
	case <-reached:
	case <-time.After(10 * time.Second):
		t.Fatal("the call never reached the API")
	}

	start := time.Now()
	inW.Close()
	if !answers.Scan() {
		t.Fatal("the running call was not answered")
	}
	var a struct {
		ID     any             `json:"id"`
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(answers.Bytes(), &a); err != nil || a.ID != 2.0 || !strings.Contains(string(a.Result), `"isError":true`) {
		t.Errorf("answer = %s, want a tool error for id 2", answers.Bytes())
	}
	go io.Copy(io.Discard, outR)
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("the session did not end")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the session took %v to end", d)
	}

	data, err := os.ReadFile(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e auditEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		if e.Tool != "list_projects" || e.Call != 1 {
			t.Errorf("audit line %q: want call 1 of list_projects", line)
		}
		events = append(events, e.Event+":"+e.Outcome)
	}
	if got := strings.Join(events, " "); got != "start: end:failed" {
		t.Errorf("audit events = %q, want %q", got, "start: end:failed")
	}
}
