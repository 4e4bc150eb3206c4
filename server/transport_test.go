package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// pipeConn connects a StdioTransport to pipes the test writes and reads.
func pipeConn(t *testing.T, drain time.Duration) (mcp.Connection, io.WriteCloser, *bufio.Reader) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	tr := &StdioTransport{In: inR, Out: outW, Drain: drain}
	conn, err := tr.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); inW.Close(); outR.Close() })
	return conn, inW, bufio.NewReader(outR)
}

func TestStdioTransportAnswersBadLinesAndGoesOn(t *testing.T) {
	conn, in, out := pipeConn(t, time.Second)
	go io.WriteString(in, "this is not json\n\n{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}\n")

	type readResult struct {
		msg jsonrpc.Message
		err error
	}
	got := make(chan readResult, 1)
	go func() {
		msg, err := conn.Read(context.Background())
		got <- readResult{msg, err}
	}()

	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		ID    any `json:"id"`
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(line), &resp); err != nil {
		t.Fatalf("answer %q: %v", line, err)
	}
	if resp.Error.Code != -32700 || resp.ID != nil || !strings.Contains(resp.Error.Message, "Parse error") {
		t.Errorf("answer to a bad line = %s", line)
	}
	r := <-got
	if r.err != nil {
		t.Fatalf("Read after a bad line: %v", r.err)
	}
	req, ok := r.msg.(*jsonrpc.Request)
	if !ok || req.Method != "ping" {
		t.Fatalf("Read = %#v, want the ping request", r.msg)
	}
}

func TestStdioTransportAnswersPendingRequestsAtEOF(t *testing.T) {
	conn, in, out := pipeConn(t, 10*time.Second)
	go func() {
		io.WriteString(in, `{"jsonrpc":"2.0","id":1,"method":"tools/call"}`+"\n")
		in.Close()
	}()
	msg, err := conn.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	req := msg.(*jsonrpc.Request)

	eof := make(chan error, 1)
	go func() {
		_, err := conn.Read(context.Background())
		eof <- err
	}()
	select {
	case err := <-eof:
		t.Fatalf("Read returned %v before the pending request was answered", err)
	case <-time.After(100 * time.Millisecond):
	}
	go out.ReadString('\n')
	resp := &jsonrpc.Response{ID: req.ID, Result: json.RawMessage(`{}`)}
	if err := conn.Write(context.Background(), resp); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-eof:
		if err != io.EOF {
			t.Fatalf("Read at the end = %v, want io.EOF", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read did not return after the answer was written")
	}
}

func TestStdioTransportDrainIsBounded(t *testing.T) {
	conn, in, _ := pipeConn(t, 50*time.Millisecond)
	go func() {
		io.WriteString(in, `{"jsonrpc":"2.0","id":"a","method":"tools/call"}`+"\n")
		in.Close()
	}()
	if _, err := conn.Read(context.Background()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := conn.Read(context.Background()); err != io.EOF {
		t.Fatalf("Read = %v, want io.EOF", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("waited %v for an answer that never came", d)
	}
}
