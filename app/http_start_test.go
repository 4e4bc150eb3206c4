package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/log"

	"github.com/restmcp/restmcp/profile"
)

// slowSpec serves testdata/notes.yaml; while slow is set, a request for it
// is announced on asked and answered only when its client gives up.
type slowSpec struct {
	slow  atomic.Bool
	asked chan struct{}
}

func newSlowSpec(t *testing.T) (*slowSpec, string) {
	t.Helper()
	spec, err := os.ReadFile("../cmd/testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := &slowSpec{asked: make(chan struct{}, 1)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.slow.Load() {
			select {
			case s.asked <- struct{}{}:
			default:
			}
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(spec)
	})}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	return s, "http://" + ln.Addr().String() + "/openapi.yaml"
}

// A shutdown (SIGTERM) that comes while a description URL is still being
// read stops the server at once: the copy of the description saved at an
// earlier start is not served meanwhile, nothing is said to be served, and
// ServeHTTP ends without an error, as a shutdown once serving does.
func TestHTTPStopWhileLoadingServesNothing(t *testing.T) {
	spec, url := newSlowSpec(t)
	a := testApp(t, nil)
	var logs logBuffer
	a.Log = log.New(&logs)
	p := profile.Profile{Name: "acme", Spec: url, BaseURL: "http://127.0.0.1:1"}

	// A first start saves the description.
	ctx, cancel := context.WithCancel(context.Background())
	done := startHTTP(ctx, a, p, HTTPConfig{Addr: "127.0.0.1:0"})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("first start: %v", err)
	}
	if _, _, err := a.savedAPI(p); err != nil {
		t.Fatalf("no saved copy after the first start: %v", err)
	}

	spec.slow.Store(true)
	for _, tc := range []struct {
		name string
		p    profile.Profile
	}{
		// The compiled entry of these options, asked for conditionally.
		{"same options", p},
		// Other options: the saved copy of another entry would stand in.
		{"other options", profile.Profile{Name: p.Name, Spec: p.Spec, BaseURL: p.BaseURL, Prefix: "acme"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs.take()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			base := "http://" + ln.Addr().String()
			var served atomic.Bool
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				done <- a.ServeHTTP(ctx, tc.p, HTTPConfig{Listener: ln, Ready: func(net.Addr) { served.Store(true) }})
			}()
			select {
			case <-spec.asked:
			case err := <-done:
				t.Fatalf("ServeHTTP ended before reading the description: %v", err)
			case <-time.After(10 * time.Second):
				t.Fatal("the description was not asked for")
			}
			if code := getCode(t, base+"/readyz"); code != http.StatusServiceUnavailable {
				t.Fatalf("/readyz while loading: %d, want 503", code)
			}
			start := time.Now()
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("ServeHTTP = %v, want nil: a shutdown while loading is a shutdown", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("ServeHTTP still runs 10 s after the shutdown")
			}
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("stopped in %v", took)
			}
			l := logs.take()
			if served.Load() || strings.Contains(l, `"serving"`) || strings.Contains(l, "serving profile") {
				t.Errorf("the tools were served after the shutdown:\n%s", l)
			}
			if strings.Contains(l, "saved earlier") {
				t.Errorf("the saved copy was taken after the shutdown:\n%s", l)
			}
			if !strings.Contains(l, "stopped while reading the API description") {
				t.Errorf("the log does not say the server stopped while loading:\n%s", l)
			}
			if _, err := http.Get(base + "/healthz"); err == nil {
				t.Error("the listener still answers after ServeHTTP ended")
			}
		})
	}
}

// getCode is the status of a GET of url.
func getCode(t *testing.T, url string) int {
	t.Helper()
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// The copy of a description saved earlier stands in for a URL that gave
// no answer within a time limit, but not for a load that was cancelled
// (a signal): the command is ending.
func TestSavedCopyNotForACancelledLoad(t *testing.T) {
	spec, url := newSlowSpec(t)
	a := testApp(t, nil)
	p := profile.Profile{Name: "acme", Spec: url, BaseURL: "http://127.0.0.1:1"}
	if _, err := a.ListServer(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	spec.slow.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if api, err := a.LoadAPI(ctx, p, nil); err != nil || len(api.Operations) != 4 {
		t.Errorf("past a time limit: %v, want the saved copy", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	go func() { <-spec.asked; cancel() }()
	if api, err := a.LoadAPI(ctx, p, nil); err == nil || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v (API %v), want the cancellation", err, api != nil)
	}
}
