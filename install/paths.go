package install

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Env is what locating a client's file depends on: the operating system, the
// environment and the directories. Tests set all of it.
type Env struct {
	// OS is "darwin", "windows" or "linux" (any other value is treated as
	// linux).
	OS string
	// Getenv reads an environment variable.
	Getenv func(string) string
	// Home is the user's home directory; empty means $HOME ($USERPROFILE on
	// Windows).
	Home string
	// Dir is the project directory for project-level files.
	Dir string
}

func (e Env) getenv(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

func (e Env) home() (string, error) {
	if e.Home != "" {
		return e.Home, nil
	}
	k := "HOME"
	if e.OS == "windows" {
		k = "USERPROFILE"
	}
	if h := e.getenv(k); h != "" {
		return h, nil
	}
	return "", fmt.Errorf("cannot find the home directory: $%s is not set", k)
}

// absEnv returns the environment variable k when it holds an absolute path.
func (e Env) absEnv(k string) string {
	v := e.getenv(k)
	if v == "" || !(filepath.IsAbs(v) || e.isAbs(v)) {
		return ""
	}
	return v
}

// isAbs reports whether p is absolute on e.OS, wherever this runs (the
// tests simulate each OS on every other).
func (e Env) isAbs(p string) bool {
	if e.OS == "windows" {
		return isWindowsAbs(p)
	}
	return strings.HasPrefix(p, "/")
}

func isWindowsAbs(p string) bool {
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') || strings.HasPrefix(p, `\\`)
}

// appData is %APPDATA% (the roaming application data folder) on Windows.
func (e Env) appData() (string, error) { return e.envOrHome("APPDATA", "AppData", "Roaming") }

// xdgConfig is $XDG_CONFIG_HOME, else ~/.config.
func (e Env) xdgConfig() (string, error) { return e.envOrHome("XDG_CONFIG_HOME", ".config") }

// envOrHome is the absolute path in the environment variable k, else the
// folder rel under the home directory.
func (e Env) envOrHome(k string, rel ...string) (string, error) {
	if v := e.absEnv(k); v != "" {
		return v, nil
	}
	h, err := e.home()
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{h}, rel...)...), nil
}

// appSupport is ~/Library/Application Support on macOS.
func (e Env) appSupport() (string, error) {
	h, err := e.home()
	if err != nil {
		return "", err
	}
	return filepath.Join(h, "Library", "Application Support"), nil
}

// userConfig is the per-OS folder of GUI applications' settings: Application
// Support on macOS, %APPDATA% on Windows, $XDG_CONFIG_HOME on Linux.
func (e Env) userConfig() (string, error) {
	switch e.OS {
	case "darwin":
		return e.appSupport()
	case "windows":
		return e.appData()
	default:
		return e.xdgConfig()
	}
}

func homeFile(elem ...string) func(Env) (string, error) {
	return func(e Env) (string, error) {
		h, err := e.home()
		if err != nil {
			return "", err
		}
		return filepath.Join(append([]string{h}, elem...)...), nil
	}
}

func claudeDesktopPath(e Env) (string, error) {
	if e.OS == "windows" {
		if d := e.claudeMSIXDir(); d != "" {
			return filepath.Join(d, "claude_desktop_config.json"), nil
		}
	}
	return claudeDesktopClassicPath(e)
}

// claudeDesktopClassicPath is the file of Claude Desktop's classic installer
// on Windows (%APPDATA%\Claude), and its only file on macOS and Linux.
func claudeDesktopClassicPath(e Env) (string, error) {
	d, err := e.userConfig()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "Claude", "claude_desktop_config.json"), nil
}

// claudeMSIXDir is the folder the Microsoft Store (MSIX) build of Claude
// Desktop reads its settings from:
// %LOCALAPPDATA%\Packages\Claude_<publisher id>\LocalCache\Roaming\Claude.
// Windows redirects the packaged app's %APPDATA% there, so the app never
// sees %APPDATA%\Claude. It is "" when no such package is installed.
func (e Env) claudeMSIXDir() string {
	local, err := e.envOrHome("LOCALAPPDATA", "AppData", "Local")
	if err != nil {
		return ""
	}
	pkgs, _ := filepath.Glob(filepath.Join(local, "Packages", "Claude_*"))
	found := ""
	for _, p := range pkgs { // sorted; prefer a package that already has the file
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			continue
		}
		d := filepath.Join(p, "LocalCache", "Roaming", "Claude")
		if _, err := os.Stat(filepath.Join(d, "claude_desktop_config.json")); err == nil {
			return d
		}
		if found == "" {
			found = d
		}
	}
	return found
}

// PathNote explains a choice Path made between two files the client may
// read, or is "" when there was none to make. On Windows with Claude
// Desktop's Microsoft Store package installed, it says why the package's file
// was written when the classic installer's file exists too; for Claude Code,
// that its older .config.json was written, which it reads instead of
// .claude.json while it exists.
func (c Client) PathNote(e Env, project bool) string {
	if c.ID == "claude-code" && !project {
		usual, legacy, err := claudeCodePaths(e)
		if err == nil && readsLegacyClaudeFile(usual, legacy) {
			return fmt.Sprintf("Claude Code reads its servers from %s, an older file it still prefers while it exists, not from %s.", legacy, usual)
		}
		return ""
	}
	if c.ID != "claude-desktop" || project || e.OS != "windows" || e.claudeMSIXDir() == "" {
		return ""
	}
	classic, err := claudeDesktopClassicPath(e)
	if err != nil {
		return ""
	}
	if _, err := os.Stat(classic); err != nil {
		return ""
	}
	return fmt.Sprintf("Claude Desktop is installed from the Microsoft Store and reads its settings from its package folder; %s, the classic installer's file, was left alone.", classic)
}

func vscodePath(e Env) (string, error) {
	d, err := e.userConfig()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "Code", "User", "mcp.json"), nil
}

// claudeCodePaths are the global files Claude Code may read: its usual
// one, $CLAUDE_CONFIG_DIR/.claude.json or ~/.claude.json
// (.claude-custom-oauth.json when CLAUDE_CODE_CUSTOM_OAUTH_URL is set),
// and the older .config.json in its configuration folder
// ($CLAUDE_CONFIG_DIR, else ~/.claude).
func claudeCodePaths(e Env) (usual, legacy string, err error) {
	name := ".claude.json"
	if e.getenv("CLAUDE_CODE_CUSTOM_OAUTH_URL") != "" {
		name = ".claude-custom-oauth.json"
	}
	if d := e.absEnv("CLAUDE_CONFIG_DIR"); d != "" {
		return filepath.Join(d, name), filepath.Join(d, ".config.json"), nil
	}
	h, err := e.home()
	if err != nil {
		return "", "", err
	}
	return filepath.Join(h, name), filepath.Join(h, ".claude", ".config.json"), nil
}

// claudeCodePath is the file Claude Code reads its user servers from. It
// still prefers the older .config.json when that file exists: when it holds
// anything, and, empty, when the usual file does not exist (and the empty
// file is writable), as Claude Code's own choice goes.
func claudeCodePath(e Env) (string, error) {
	usual, legacy, err := claudeCodePaths(e)
	if err != nil {
		return "", err
	}
	if readsLegacyClaudeFile(usual, legacy) {
		return legacy, nil
	}
	return usual, nil
}

func readsLegacyClaudeFile(usual, legacy string) bool {
	fi, err := os.Stat(legacy)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	if fi.Size() == 0 {
		if _, err := os.Stat(usual); fi.Mode().Perm()&0o222 == 0 || !errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	// On a file system that ignores case, .config.json is found under
	// another spelling too; Claude Code looks for this one in the folder.
	entries, err := os.ReadDir(filepath.Dir(legacy))
	if err != nil {
		return false
	}
	return slices.ContainsFunc(entries, func(d fs.DirEntry) bool { return d.Name() == filepath.Base(legacy) })
}

// geminiPath is ~/.gemini/settings.json, or under $GEMINI_CLI_HOME, which
// Gemini CLI takes for the home directory when it is set.
func geminiPath(e Env) (string, error) {
	if d := e.absEnv("GEMINI_CLI_HOME"); d != "" {
		return filepath.Join(d, ".gemini", "settings.json"), nil
	}
	return homeFile(".gemini", "settings.json")(e)
}

func codexPath(e Env) (string, error) {
	if d := e.absEnv("CODEX_HOME"); d != "" {
		return filepath.Join(d, "config.toml"), nil
	}
	return homeFile(".codex", "config.toml")(e)
}

// zedPath follows Zed's paths::config_dir: %APPDATA%\Zed on Windows,
// $FLATPAK_XDG_CONFIG_HOME or $XDG_CONFIG_HOME /zed on Linux, ~/.config/zed
// on macOS.
func zedPath(e Env) (string, error) {
	switch e.OS {
	case "windows":
		d, err := e.appData()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "Zed", "settings.json"), nil
	case "darwin":
		return homeFile(".config", "zed", "settings.json")(e)
	default:
		d := e.absEnv("FLATPAK_XDG_CONFIG_HOME")
		if d == "" {
			var err error
			if d, err = e.xdgConfig(); err != nil {
				return "", err
			}
		}
		return filepath.Join(d, "zed", "settings.json"), nil
	}
}

// ErrNoProjectFile means the client has no project-level configuration.
var ErrNoProjectFile = errors.New("no project-level configuration")

// Path returns the client's configuration file: the user's, or with project
// the one in e.Dir.
func (c Client) Path(e Env, project bool) (string, error) {
	if !project {
		return c.user(e)
	}
	if !c.SupportsProject() {
		return "", fmt.Errorf("%s has %w; --project works with %s", c.Title, ErrNoProjectFile, strings.Join(ProjectIDs(), ", "))
	}
	if e.Dir == "" {
		return "", errors.New("no project directory")
	}
	return filepath.Join(e.Dir, filepath.FromSlash(c.project)), nil
}
