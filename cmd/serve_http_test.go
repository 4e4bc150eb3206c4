package cmd

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// SIGTERM while serve --http still reads its description URL ends it as a
// shutdown once serving does: exit status 0, no error, nothing served,
// with or without a copy of the description saved earlier.
func TestServeHTTPSignalWhileLoading(t *testing.T) {
	spec, err := os.ReadFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var slow atomic.Bool
	asked := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slow.Load() {
			select {
			case asked <- struct{}{}:
			default:
			}
			<-r.Context().Done() // answers only when given up on
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(spec)
	}))
	defer srv.Close()
	args := []string{"--spec", srv.URL + "/openapi.yaml", "--base-url", "http://127.0.0.1:1"}
	for _, saved := range []bool{false, true} {
		f, _, errOut := testFactory(t, nil)
		if saved {
			// tools saves the description read from its URL.
			slow.Store(false)
			if code := run(t, f, append([]string{"tools"}, args...)...); code != 0 {
				t.Fatalf("tools: exit %d: %s", code, errOut)
			}
			errOut.Reset()
		}
		slow.Store(true)
		ctx, cancel := context.WithCancelCause(context.Background())
		go func() {
			select {
			case <-asked:
				cancel(signalCause{syscall.SIGTERM})
			case <-time.After(10 * time.Second):
				cancel(nil)
			}
		}()
		root := NewRootCmd(f)
		root.SetArgs(append([]string{"serve", "--http", "127.0.0.1:0"}, args...))
		code := Execute(ctx, f, root)
		cancel(nil)
		msg := errOut.String()
		if code != 0 || strings.Contains(msg, "Error:") {
			t.Errorf("saved copy %v: exit %d, want 0 and no error:\n%s", saved, code, msg)
		}
		if strings.Contains(msg, `"serving"`) || strings.Contains(msg, "saved earlier") {
			t.Errorf("saved copy %v: served after SIGTERM:\n%s", saved, msg)
		}
	}
}
