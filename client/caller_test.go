package client

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// A caller's key reaches the request made with its context only.
func TestCallerKey(t *testing.T) {
	h := HeaderKey{Header: "X-Api-Key", Key: CallerKey}
	r, _ := http.NewRequestWithContext(WithCallerKey(context.Background(), "sk-one"), "GET", "https://api.example.com/", nil)
	if _, err := h.Apply(r); err != nil || r.Header.Get("X-Api-Key") != "sk-one" {
		t.Errorf("with a caller key: %v, header %q", err, r.Header.Get("X-Api-Key"))
	}
	r, _ = http.NewRequest("GET", "https://api.example.com/", nil)
	if _, err := h.Apply(r); !errors.Is(err, ErrNoCallerKey) || r.Header.Get("X-Api-Key") != "" {
		t.Errorf("without: %v, header %q", err, r.Header.Get("X-Api-Key"))
	}
}
