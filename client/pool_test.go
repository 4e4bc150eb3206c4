package client

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Bursts of eight concurrent calls reuse the connections of the first
// burst: the default transport keeps as many idle connections as calls ran
// (http.DefaultTransport keeps two and would open six more per burst).
func TestConcurrentCallsReuseConnections(t *testing.T) {
	var opened atomic.Int64
	var inFlight sync.WaitGroup
	var mu sync.Mutex
	release := make(chan struct{})
	gate := func() chan struct{} { mu.Lock(); defer mu.Unlock(); return release }
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inFlight.Done()
		<-gate() // every burst is in flight at once: eight connections
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	api.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	api.Start()
	defer api.Close()
	c := New(Options{BaseURL: api.URL, Credential: HeaderKey{Scheme: "Bearer", Key: StaticKey("sk-pool-0123456789")}})
	op := &Operation{Method: "GET", Path: "/things", Security: true}
	const callers, bursts = 8, 4
	for range bursts {
		inFlight.Add(callers)
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				if _, err := c.Do(context.Background(), Request{Op: op}); err != nil {
					t.Error(err)
				}
			})
		}
		inFlight.Wait()
		close(gate())
		wg.Wait()
		mu.Lock()
		release = make(chan struct{})
		mu.Unlock()
		time.Sleep(10 * time.Millisecond) // the connections return to the pool
	}
	if n := opened.Load(); n > callers {
		t.Errorf("%d connections opened for %d bursts of %d calls, want at most %d", n, bursts, callers, callers)
	}
}
