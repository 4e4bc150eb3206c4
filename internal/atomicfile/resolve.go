package atomicfile

import (
	"os"
	"path/filepath"
)

// Resolve returns the file path names once symbolic links are followed, so
// that Write replaces the file a link points to and the link stays (dotfile
// managers link configuration files). A link to a missing file resolves to
// that file; path itself is returned when it is no link or the links loop.
func Resolve(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	p := path
	for range 40 { // the usual limit on links followed
		target, err := os.Readlink(p)
		if err != nil {
			if p == path {
				return path
			}
			return p
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		p = target
	}
	return path
}
