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
	// Renew, when set, is called once when the origin answers 401: true
	// means Value now has new credentials (a refreshed token), and the
	// request is sent again with them.
	Renew func(ctx context.Context) bool
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
	resp, err := base.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || t.Renew == nil || (req.Body != nil && req.GetBody == nil) {
		return resp, err
	}
	if !t.Renew(req.Context()) {
		return resp, nil
	}
	again := req.Clone(req.Context())
	if req.GetBody != nil {
		if again.Body, err = req.GetBody(); err != nil {
			return resp, nil
		}
	}
	if v, err = t.Value(req.Context()); err != nil {
		return resp, nil
	}
	resp.Body.Close()
	again.Header.Set(t.Header, v)
	return base.RoundTrip(again)
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
