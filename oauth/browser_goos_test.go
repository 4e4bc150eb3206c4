package oauth

import (
	"errors"
	"testing"
)

// On macOS and Windows the URL handler opens a browser on the machine's
// own screen: over SSH the user at the other end would not see it, so no
// browser counts as available there; on Linux a forwarded display shows
// it where the user is.
func TestBrowserUnavailableOverSSH(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	ssh := map[string]string{"SSH_CONNECTION": "10.0.0.2 52114 10.0.0.3 22"}
	for _, goos := range []string{"darwin", "windows"} {
		if err := browserUnavailable(goos, env(ssh)); !errors.Is(err, ErrSSHSession) {
			t.Errorf("%s over SSH: %v, want ErrSSHSession", goos, err)
		}
		if err := browserUnavailable(goos, env(map[string]string{"SSH_TTY": "/dev/ttys001"})); !errors.Is(err, ErrSSHSession) {
			t.Errorf("%s with an SSH terminal: %v, want ErrSSHSession", goos, err)
		}
		if err := browserUnavailable(goos, env(nil)); err != nil {
			t.Errorf("%s at its own screen: %v", goos, err)
		}
	}
	forwarded := map[string]string{"SSH_CONNECTION": "10.0.0.2 52114 10.0.0.3 22", "DISPLAY": "localhost:10.0"}
	if err := browserUnavailable("linux", env(forwarded)); errors.Is(err, ErrSSHSession) || errors.Is(err, ErrNoDisplay) {
		t.Errorf("linux over SSH with a forwarded display: %v", err)
	}
	if err := browserUnavailable("linux", env(ssh)); !errors.Is(err, ErrNoDisplay) {
		t.Errorf("linux over SSH without a display: %v, want ErrNoDisplay", err)
	}
}
