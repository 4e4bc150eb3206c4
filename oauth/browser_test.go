package oauth_test

import (
	"errors"
	"runtime"
	"testing"

	"github.com/restmcp/restmcp/oauth"
)

// Without a display (over SSH, in a container) no browser can be started
// on Linux and the BSDs: the sign-in knows it before it starts.
func TestBrowserUnavailableWithoutDisplay(t *testing.T) {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("macOS and Windows always have their URL handler")
	}
	noDisplay := func(string) string { return "" }
	if err := oauth.BrowserUnavailable(noDisplay); !errors.Is(err, oauth.ErrNoDisplay) {
		t.Errorf("no display: %v, want ErrNoDisplay", err)
	}
	withDisplay := func(k string) string {
		if k == "WAYLAND_DISPLAY" {
			return "wayland-0"
		}
		return ""
	}
	if err := oauth.BrowserUnavailable(withDisplay); errors.Is(err, oauth.ErrNoDisplay) {
		t.Errorf("with a Wayland display: %v", err)
	}
}
