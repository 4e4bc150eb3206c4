package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/log"

	"github.com/restmcp/restmcp/profile"
)

// sharedSpec is the path of a description in ../shared/specs beside the
// repository (from a linked worktree, beside the main checkout); the
// benchmark is skipped without it.
func sharedSpec(tb testing.TB, name string) string {
	tb.Helper()
	for _, arg := range []string{"--show-toplevel", "--git-common-dir"} {
		out, err := exec.Command("git", "rev-parse", "--path-format=absolute", arg).Output()
		if err != nil {
			continue
		}
		root := strings.TrimSpace(string(out))
		if arg == "--git-common-dir" {
			root = filepath.Dir(root)
		}
		if path := filepath.Join(root, "..", "shared", "specs", name); fileExists(path) {
			return path
		}
	}
	tb.Skipf("no ../shared/specs/%s beside the repository", name)
	return ""
}

// BenchmarkServe is what serve does from its start to the tools/list
// answer (initialize, initialized, tools/list on stdio), without the
// process start: cold (--no-cache) and from the compiled description
// cache, for the largest shared descriptions.
func BenchmarkServe(b *testing.B) {
	in := initLine + "\n" + `{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n" + listLine + "\n"
	for _, spec := range []string{"stripe-spec3.json", "github-api.github.com.json"} {
		path := sharedSpec(b, spec)
		for _, layout := range []string{"operations", "auto"} {
			p := profile.Profile{Name: "bench", Spec: path, BaseURL: "http://127.0.0.1:9", Layout: layout}
			for _, cached := range []bool{false, true} {
				name := strings.SplitN(spec, "-", 2)[0] + "/" + layout + "/" + map[bool]string{false: "cold", true: "cached"}[cached]
				b.Run(name, func(b *testing.B) {
					a := testApp(b, nil)
					a.Log = log.New(io.Discard)
					if !cached {
						a.Cache = nil
					} else if err := a.Serve(context.Background(), p, strings.NewReader(in), io.Discard); err != nil {
						b.Fatal(err) // writes the entry
					}
					b.ReportAllocs()
					for b.Loop() {
						if err := a.Serve(context.Background(), p, strings.NewReader(in), io.Discard); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// BenchmarkURLUnchanged is a start from the compiled description cache of
// a URL description that is fetched again whole: Stripe's, served without
// ETag or Last-Modified (as an application's /openapi.json often is), so
// that no fetch is answered 304. "serve" is
// BenchmarkServe's session, the fetch made in the background (the session's
// end waits for it); "tools" lists the tools, the fetch made before them.
func BenchmarkURLUnchanged(b *testing.B) {
	spec, err := os.ReadFile(sharedSpec(b, "stripe-spec3.json"))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(spec)))
		w.Write(spec)
	}))
	defer srv.Close()
	in := initLine + "\n" + `{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n" + listLine + "\n"
	p := profile.Profile{Name: "bench", Spec: srv.URL + "/openapi/spec3.json", BaseURL: "http://127.0.0.1:9", Layout: "operations"}
	a := testApp(b, nil)
	a.Log = log.New(io.Discard)
	if err := a.Serve(context.Background(), p, strings.NewReader(in), io.Discard); err != nil {
		b.Fatal(err) // writes the entry
	}
	b.Run("serve", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := a.Serve(context.Background(), p, strings.NewReader(in), io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tools", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.ListServer(context.Background(), p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
