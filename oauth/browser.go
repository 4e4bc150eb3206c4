package oauth

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
)

// OpenBrowser opens url in the user's default browser: open on macOS,
// the URL handler on Windows, xdg-open elsewhere when a display is
// available. An error means no browser could be started; the caller then
// prints the URL.
func OpenBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		path, err := xdgOpen(os.Getenv)
		if err != nil {
			return err
		}
		cmd = exec.Command(path, url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

// ErrNoDisplay means no graphical display is available (neither DISPLAY
// nor WAYLAND_DISPLAY set): an SSH session, a container, a server.
var ErrNoDisplay = errors.New("no graphical display")

// BrowserUnavailable says why OpenBrowser cannot start a browser, with
// the environment getenv: ErrNoDisplay, or xdg-open missing (on systems
// other than macOS and Windows, which always have their URL handler);
// nil when it can try.
func BrowserUnavailable(getenv func(string) string) error {
	switch runtime.GOOS {
	case "darwin", "windows":
		return nil
	}
	_, err := xdgOpen(getenv)
	return err
}

// xdgOpen is the path of xdg-open, or why it cannot open anything here.
func xdgOpen(getenv func(string) string) (string, error) {
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return "", ErrNoDisplay
	}
	path, err := exec.LookPath("xdg-open")
	if err != nil {
		return "", errors.New("no xdg-open to start a browser with")
	}
	return path, nil
}
