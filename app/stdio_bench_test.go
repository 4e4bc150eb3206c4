package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/restmcp/restmcp/profile"
)

// BenchmarkStdioCalls measures tool calls through the whole stdio server,
// as `restmcp serve` runs it (the key from the environment, a logger at
// its default level), against a loopback API that answers at once with
// the same JSON: raw JSON-RPC lines in, answers out, 1 and 8 calls in
// flight. With -cpuprofile it is the per-call profile of
// docs/performance.md.
func BenchmarkStdioCalls(b *testing.B) {
	for _, inFlight := range []int{1, 8} {
		b.Run(fmt.Sprintf("inflight=%d", inFlight), func(b *testing.B) {
			s := startStdio(b)
			call := func(id int64) string {
				return `{"jsonrpc":"2.0","id":` + strconv.FormatInt(id, 10) +
					`,"method":"tools/call","params":{"name":"list_notes","arguments":{}}}` + "\n"
			}
			// Warm up: the first call builds what calls share.
			s.roundTrip(b, call(1000000))
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for range inFlight {
				wg.Go(func() {
					for {
						id := next.Add(1)
						if id > int64(b.N) {
							return
						}
						s.roundTrip(b, call(id))
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
		})
	}
}

// stdioSession is a running stdio server and the answers it wrote, by id.
type stdioSession struct {
	mu      sync.Mutex // guards waiting
	waiting map[string]chan string
	wmu     sync.Mutex // guards in
	in      io.Writer
}

// roundTrip writes line (a request with an id) and waits for its answer.
func (s *stdioSession) roundTrip(tb testing.TB, line string) string {
	id := idOf(line)
	ch := make(chan string, 1)
	s.mu.Lock()
	s.waiting[id] = ch
	s.mu.Unlock()
	s.wmu.Lock()
	_, err := io.WriteString(s.in, line)
	s.wmu.Unlock()
	if err != nil {
		tb.Fatal(err)
	}
	select {
	case a := <-ch:
		return a
	case <-time.After(10 * time.Second):
		tb.Fatalf("no answer to %s", line)
		return ""
	}
}

// idOf is the text of a line's id member (a number): the text after
// `"id":` up to the comma.
func idOf(line string) string {
	const key = `"id":`
	for i := 0; i+len(key) < len(line); i++ {
		if line[i:i+len(key)] == key {
			j := i + len(key)
			k := j
			for k < len(line) && line[k] != ',' && line[k] != '}' {
				k++
			}
			return line[j:k]
		}
	}
	return ""
}

// startStdio serves the notes API over pipes, initialized, with the key in
// the environment; the API is a loopback server answering fixed JSON.
func startStdio(tb testing.TB) *stdioSession {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	api := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[{"id":1,"title":"first","body":"the first note"},{"id":2,"title":"second","body":"the second note"}]`)
	})}
	go func() { _ = api.Serve(ln) }()
	tb.Cleanup(func() { _ = api.Close() })

	a := testApp(tb, map[string]string{"RESTMCP_API_KEY": "sk-bench-0123456789"})
	p := profile.Profile{Name: "bench", Spec: "../cmd/testdata/notes.yaml", BaseURL: "http://" + ln.Addr().String(), Layout: "operations"}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- a.Serve(context.Background(), p, inR, outW) }()
	s := &stdioSession{in: inW, waiting: map[string]chan string{}}
	go func() {
		sc := bufio.NewScanner(outR)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			line := sc.Text()
			id := idOf(line)
			s.mu.Lock()
			ch := s.waiting[id]
			delete(s.waiting, id)
			s.mu.Unlock()
			if ch != nil {
				ch <- line
			}
		}
	}()
	tb.Cleanup(func() {
		_ = inW.Close()
		if err := <-done; err != nil {
			tb.Errorf("Serve: %v", err)
		}
		_ = outR.Close()
	})
	s.roundTrip(tb, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}`+"\n")
	s.wmu.Lock()
	_, _ = io.WriteString(s.in, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	s.wmu.Unlock()
	return s
}
