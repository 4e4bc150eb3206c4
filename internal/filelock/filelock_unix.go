//go:build unix

package filelock

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

func tryLock(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return errBusy
		}
		return err
	}
}

func unlock(f *os.File) { _ = unix.Flock(int(f.Fd()), unix.LOCK_UN) }

// holdFolder takes the exclusive lock of the folder name, which another
// restmcp command holds while the folder is its lock; errBusy when one
// does. The operating system releases it when the process ends.
func holdFolder(name string) (func(), error) {
	d, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errBusy
	}
	if err != nil {
		return nil, err
	}
	if err := tryLock(d); err != nil {
		d.Close()
		return nil, err
	}
	if !current(d, name) {
		unlock(d)
		d.Close()
		return nil, errBusy
	}
	return func() { unlock(d); d.Close() }, nil
}
