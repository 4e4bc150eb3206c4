package client

import (
	"context"
	"errors"
	"net/http"
)

// LoadOptions tune Load.
type LoadOptions struct {
	// HTTPClient fetches URL sources and remote $refs (default: a client
	// with a 30 s timeout).
	HTTPClient *http.Client
	// BaseURL is the configured API base URL, when the user set one. A spec
	// URL on the same origin is fetched with the key.
	BaseURL string
	// Auth, when set, adds the credentials to a request for the spec; Load
	// only calls it for URLs on the API's own origin.
	Auth func(*http.Request) error
	// UserAgent is sent when fetching URLs.
	UserAgent string
}

// Load reads an API description from a file path or an http(s) URL.
func Load(ctx context.Context, source string, opts LoadOptions) (*API, error) {
	return nil, errors.New("client.Load: not implemented")
}
