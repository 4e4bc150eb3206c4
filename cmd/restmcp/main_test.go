//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds restmcp once for the process tests.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "restmcp")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startServe launches `serve` on the command tests' fixture spec and
// completes the MCP handshake.
func startServe(t *testing.T, bin string) (*exec.Cmd, io.WriteCloser, *bufio.Reader, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--spec", "../testdata/notes.yaml")
	cmd.Env = append(os.Environ(), "RESTMCP_CONFIG_DIR="+t.TempDir(), "RESTMCP_API_KEY=")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	r := bufio.NewReader(stdout)
	send := func(msg string) {
		if _, err := io.WriteString(stdin, msg+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}`)
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("no initialize answer: %v; stderr: %s", err, stderr)
	}
	var resp struct {
		Result struct {
			ServerInfo struct {
				Name, Version string
			} `json:"serverInfo"`
			Instructions string `json:"instructions"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(line), &resp); err != nil {
		t.Fatalf("stdout carried a non-JSON line %q: %v", line, err)
	}
	if resp.Result.ServerInfo.Name != "restmcp" {
		t.Fatalf("serverInfo = %+v", resp.Result.ServerInfo)
	}
	if !strings.Contains(resp.Result.Instructions, "Notes API") {
		t.Errorf("instructions do not name the API: %q", resp.Result.Instructions)
	}
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	line, err = r.ReadString('\n')
	if err != nil || !strings.Contains(line, `"list_notes"`) {
		t.Fatalf("tools/list: %q, %v", line, err)
	}
	return cmd, stdin, r, stderr
}

func waitExit(t *testing.T, cmd *exec.Cmd, stderr *strings.Builder) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v; stderr: %s", err, stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("serve did not exit; stderr: %s", stderr)
	}
}

func TestServeExitsOnStdinEOF(t *testing.T) {
	bin := buildBinary(t)
	cmd, stdin, _, stderr := startServe(t, bin)
	stdin.Close()
	waitExit(t, cmd, stderr)
}

func TestServeExitsOnSIGTERM(t *testing.T) {
	bin := buildBinary(t)
	cmd, _, _, stderr := startServe(t, bin)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, cmd, stderr)
}

func TestServeAnswersABadLineAndKeepsServing(t *testing.T) {
	bin := buildBinary(t)
	cmd, stdin, r, stderr := startServe(t, bin)
	io.WriteString(stdin, "{oops\n")
	line, err := r.ReadString('\n')
	if err != nil || !strings.Contains(line, "-32700") {
		t.Fatalf("answer to a bad line: %q, %v; stderr: %s", line, err, stderr)
	}
	io.WriteString(stdin, `{"jsonrpc":"2.0","id":3,"method":"tools/list"}`+"\n")
	line, err = r.ReadString('\n')
	if err != nil || !strings.Contains(line, `"list_notes"`) {
		t.Fatalf("tools/list after a bad line: %q, %v; stderr: %s", line, err, stderr)
	}
	stdin.Close()
	waitExit(t, cmd, stderr)
}

func TestServeAnswersCallsSentBeforeEOF(t *testing.T) {
	bin := buildBinary(t)
	cmd, stdin, r, stderr := startServe(t, bin)
	io.WriteString(stdin, `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}`+"\n")
	stdin.Close()
	line, err := r.ReadString('\n')
	if err != nil || !strings.Contains(line, `"id":4`) {
		t.Fatalf("no answer to a call sent just before the end of input: %q, %v; stderr: %s", line, err, stderr)
	}
	if !strings.Contains(line, `"isError":true`) || !(strings.Contains(line, "restmcp login") || strings.Contains(line, "RESTMCP_API_KEY")) {
		t.Errorf("a call without a key should be a tool error saying how to provide one: %s", line)
	}
	waitExit(t, cmd, stderr)
}
