//go:build linux || darwin

package client

import (
	"os"
	"syscall"
)

// mapFile maps a file's bytes into memory, read-only: the pages come from
// the file cache as they are read, without the copy of a read into memory
// the process would first have to be given (on a virtual machine, the
// largest cost of reading a large description).
func mapFile(fh *os.File, size int) ([]byte, func(), error) {
	b, err := syscall.Mmap(int(fh.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return b, func() { _ = syscall.Munmap(b) }, nil
}
