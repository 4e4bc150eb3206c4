package server

import (
	"mime"
	"strings"
	"testing"
)

// mediaType reads a content type as mime.ParseMediaType does.
func FuzzMediaType(f *testing.F) {
	for _, s := range []string{"application/json", "Application/JSON; charset=UTF-8", " text/html ;charset=utf-8",
		"application/json; charset", "text/plain; charset=latin1", "", ";", "a/b/c; charset=utf-8", "json",
		"application/problem+json;charset=utf-8", "text/html; charset=utf-8; x=y", "te xt/html; charset=utf-8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ct string) {
		want, _, err := mime.ParseMediaType(ct)
		if err != nil || want == "" {
			want = strings.ToLower(strings.TrimSpace(ct))
		}
		if got := mediaType(ct); got != want {
			t.Errorf("mediaType(%q) = %q, want %q", ct, got, want)
		}
	})
}
