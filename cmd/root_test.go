package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/log"

	"github.com/restmcp/restmcp/keyring"
)

// `serve` runs under a root that holds it alone: its help, flag errors,
// other errors and logs are those of the whole command tree.
func TestServeAloneIsTheSameCommand(t *testing.T) {
	argss := [][]string{
		{"serve", "--help"},
		{"serve", "-h"},
		{"serve", "help"},
		{"serve", "extra"},
		{"serve", "--no-such-flag"},
		{"serve", "--max-body", "many"},
		{"serve", "--http"},
		{"serve"},
		{"serve", "--profile", "nosuch"},
		{"serve", "--spec", "/nonexistent/openapi.yaml", "--no-cache"},
		{"serve", "--spec", "/nonexistent/openapi.yaml", "--http", "127.0.0.1:0", "--tls-cert", "x"},
	}
	for _, b := range []Brand{{Name: "restmcp"}, acmeBrand()} {
		for _, args := range argss {
			t.Run(b.Name+" "+strings.Join(args, " "), func(t *testing.T) {
				type result struct {
					code        int
					out, errOut string
				}
				runWith := func(tree func(*Factory, []string) int) result {
					dir := t.TempDir()
					var out, errOut bytes.Buffer
					f := &Factory{
						IO:      &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
						Brand:   b,
						Getenv:  func(k string) string { return map[string]string{b.Env("CONFIG_DIR"): dir}[k] },
						Keyring: keyring.Store{Service: b.Name, Backend: keyring.NewMemory()},
						Log:     log.New(&errOut),
					}
					code := tree(f, args)
					return result{code, strings.ReplaceAll(out.String(), dir, "DIR"), strings.ReplaceAll(errOut.String(), dir, "DIR")}
				}
				whole := runWith(func(f *Factory, args []string) int {
					root := NewRootCmd(f)
					root.SetArgs(args)
					return Execute(context.Background(), f, root)
				})
				alone := runWith(func(f *Factory, args []string) int {
					root := rootFor(f, args)
					if len(root.Commands()) != 1 {
						t.Fatalf("serve runs under a root of %d commands", len(root.Commands()))
					}
					root.SetArgs(args)
					return Execute(context.Background(), f, root)
				})
				if whole != alone {
					t.Errorf("the whole tree and serve alone differ:\nwhole %+v\nalone %+v", whole, alone)
				}
			})
		}
	}
	if got := rootFor(&Factory{IO: &IOStreams{}, Brand: Brand{Name: "restmcp"}}, []string{"version"}); len(got.Commands()) < 9 {
		t.Errorf("other commands run under a root of %d commands", len(got.Commands()))
	}
}
