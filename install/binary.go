package install

import (
	"os"
	"path/filepath"
)

// StablePath picks the command to write for the executable exe (from
// os.Executable). On some systems exe is the resolved file, such as
// /opt/homebrew/Cellar/restmcp/1.2.0/bin/restmcp, which the next upgrade
// deletes. Each candidate (the path the program was started by, found on
// $PATH) that reaches the same file is preferred, since a package manager's
// link like /opt/homebrew/bin/restmcp survives upgrades. The result is
// absolute.
func StablePath(exe string, candidates ...string) string {
	exe = absClean(exe)
	want, err := os.Stat(exe)
	if err != nil {
		return exe
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		c = absClean(c)
		if fi, err := os.Stat(c); err == nil && os.SameFile(fi, want) {
			return c
		}
	}
	return exe
}

func absClean(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}
