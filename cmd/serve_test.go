package cmd

import (
	"strings"
	"testing"
)

// serve started by hand in a terminal says what it is waiting for and
// what to run instead; started by an editor (stdin a pipe) it says nothing
// of that.
func TestServeInTerminalSaysWhatToRun(t *testing.T) {
	for _, tty := range []bool{true, false} {
		f, out, errOut := testFactory(t, nil)
		f.IO.InTTY = tty
		if code := run(t, f, "serve", "--profile", "acme", "--spec", "testdata/notes.yaml", "--no-cache"); code != 0 {
			t.Fatalf("tty %v: exit %d, stderr %s", tty, code, errOut)
		}
		note := "To add it to an editor: `restmcp install cursor --profile acme`"
		if got := strings.Contains(errOut.String(), note); got != tty {
			t.Errorf("tty %v: note shown %v, stderr:\n%s", tty, got, errOut)
		}
		if out.Len() != 0 {
			t.Errorf("tty %v: stdout, the MCP channel, got %q", tty, out)
		}
	}
}
