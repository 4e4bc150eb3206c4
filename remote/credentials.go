package remote

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// HeaderTransport adds one credential header to the requests it sends to
// one origin (scheme, host and port) and to no other: a redirect elsewhere
// goes without it.
type HeaderTransport struct {
	// Origin is where the header goes, e.g. "https://mcp.example.com".
	Origin string
	// Header is the header's name, e.g. "Authorization".
	Header string
	// Value returns the header's value, e.g. "Bearer KEY", when a request
	// is sent; an error fails the request.
	Value func(ctx context.Context) (string, error)
	// Base sends the requests (default http.DefaultTransport).
	Base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *HeaderTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if t.Value == nil || !sameOrigin(req.URL, t.Origin) {
		return base.RoundTrip(req)
	}
	v, err := t.Value(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Header.Set(t.Header, v)
	return base.RoundTrip(r)
}

// Origin returns the origin of rawURL ("scheme://host[:port]").
func Origin(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}

func sameOrigin(u *url.URL, origin string) bool {
	if origin == "" {
		return false
	}
	return strings.EqualFold(u.Scheme+"://"+u.Host, origin)
}
