package keyring

import (
	"errors"
	"strings"
	"testing"
)

func TestFits(t *testing.T) {
	tests := []struct {
		os   string
		size int
		fits bool
	}{
		{"windows", 2560, true},
		{"windows", 2561, false},
		{"darwin", 2900, true},
		{"darwin", 3100, false},
		{"linux", 100_000, true},
	}
	for _, tt := range tests {
		s := Store{Service: "restmcp", OS: tt.os}
		err := s.Fits("acme", strings.Repeat("k", tt.size))
		if tt.fits != (err == nil) {
			t.Errorf("%s, %d bytes: %v, want fits=%v", tt.os, tt.size, err, tt.fits)
		}
		if err != nil && (!errors.Is(err, ErrTooBig) || strings.Contains(err.Error(), "kkkk")) {
			t.Errorf("%s: %v: want ErrTooBig, without the key", tt.os, err)
		}
	}
}
