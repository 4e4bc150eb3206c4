//go:build !(linux || darwin)

package client

import (
	"errors"
	"os"
)

// mapFile is not used here: descriptions are read.
func mapFile(*os.File, int) ([]byte, func(), error) {
	return nil, nil, errors.ErrUnsupported
}
