package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/restmcp/restmcp/client"
)

// Once the session has ended (its context cancelled: the MCP SDK closes the
// connection), lines still arriving on stdin are not answered.
func TestNothingAnsweredAfterTheSessionEnded(t *testing.T) {
	api := newEchoAPI(t)
	s, err := New(Config{API: projectsAPI(), Client: client.New(client.Options{BaseURL: api.URL})})
	if err != nil {
		t.Fatal(err)
	}
	f := s.Front()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx, &StdioTransport{In: inR, Out: outW}) }()
	out := bufio.NewReader(outR)
	io.WriteString(inW, fmt.Sprintf(initializeLine, "2025-06-18")+"\n")
	if _, err := out.ReadBytes('\n'); err != nil {
		t.Fatal(err)
	}
	io.WriteString(inW, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	io.WriteString(inW, `{"jsonrpc":"2.0","id":3,"method":"ping"}`+"\n")
	if _, err := out.ReadBytes('\n'); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
	lines := answers(out)
	go io.WriteString(inW, `{"jsonrpc":"2.0","id":7,"method":"tools/list"}`+"\nnot json\n")
	select {
	case l := <-lines:
		t.Errorf("written after the session ended: %.120s", l)
	case <-time.After(time.Second):
	}
	select {
	case l := <-lines:
		t.Errorf("written after the session ended: %.120s", l)
	case <-time.After(200 * time.Millisecond):
	}
}

// A tools/list whose prepared bytes cannot be read is answered by the MCP
// server, which builds the tools: the transport goes on reading and
// answering meanwhile (a ping sent after it is answered before it).
func TestListBuiltWhileOtherLinesAreAnswered(t *testing.T) {
	s, err := New(Config{API: projectsAPI(), Client: client.New(client.Options{BaseURL: "http://127.0.0.1:1"})})
	if err != nil {
		t.Fatal(err)
	}
	prep := s.head()
	prep.ReadList = func() ([]byte, error) { return nil, errors.New("a damaged section") }
	release := make(chan struct{})
	f := NewFront("x", "1", prep, func() (*Server, error) { <-release; return s, nil })
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	go f.Run(context.Background(), &StdioTransport{In: inR, Out: outW})
	defer inW.Close()
	out := bufio.NewReader(outR)
	io.WriteString(inW, fmt.Sprintf(initializeLine, "2025-06-18")+"\n")
	if _, err := out.ReadBytes('\n'); err != nil {
		t.Fatal(err)
	}
	lines := answers(out)
	io.WriteString(inW, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	io.WriteString(inW, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`+"\n")
	io.WriteString(inW, `{"jsonrpc":"2.0","id":3,"method":"ping"}`+"\n")
	select {
	case l := <-lines:
		if !strings.Contains(l, `"id":3`) {
			t.Fatalf("first answer: %.120s", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the ping was not answered while the tools were built")
	}
	close(release)
	select {
	case l := <-lines:
		if !strings.Contains(l, `"id":2`) || !strings.Contains(l, `"tools":[`) {
			t.Fatalf("tools/list answer: %.120s", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("tools/list was not answered once the tools were built")
	}
}

// answers delivers the lines read from out.
func answers(out *bufio.Reader) <-chan string {
	lines := make(chan string, 8)
	go func() {
		for {
			b, err := out.ReadBytes('\n')
			if err != nil {
				return
			}
			lines <- string(b)
		}
	}()
	return lines
}
