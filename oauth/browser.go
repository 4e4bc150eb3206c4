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
	if err := browserUnavailable(runtime.GOOS, os.Getenv); errors.Is(err, ErrSSHSession) {
		return err
	}
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

// ErrSSHSession means this is an SSH session on macOS or Windows, whose
// URL handler would open a browser on that machine's own screen, where
// the user at the other end of the session does not see it.
var ErrSSHSession = errors.New("an SSH session, whose browser would open on this machine's screen")

// BrowserUnavailable says why OpenBrowser cannot start a browser, with
// the environment getenv: ErrNoDisplay, or xdg-open missing (on systems
// other than macOS and Windows, which have their URL handler), or
// ErrSSHSession (on macOS and Windows); nil when it can try.
func BrowserUnavailable(getenv func(string) string) error {
	return browserUnavailable(runtime.GOOS, getenv)
}

func browserUnavailable(goos string, getenv func(string) string) error {
	switch goos {
	case "darwin", "windows":
		// On Linux and the BSDs an SSH session has a display only when
		// it forwards one (ssh -X), which shows the browser where the
		// user is; these two have no such thing.
		if getenv("SSH_CONNECTION") != "" || getenv("SSH_CLIENT") != "" || getenv("SSH_TTY") != "" {
			return ErrSSHSession
		}
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
