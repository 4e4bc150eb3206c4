package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
)

// errKeyRejected means the API answered 401 or 403 to the key.
var errKeyRejected = errors.New("the API rejected the key")

// keyCheck is the outcome of one authenticated request made to see whether
// the API accepts a key.
type keyCheck struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	// Status is the HTTP status, 0 when no answer came.
	Status int `json:"status,omitempty"`
	// Accepted is true for a 2xx answer.
	Accepted bool `json:"accepted"`
	// Err is why the key is not known to be accepted: errKeyRejected, an
	// unexpected status or a network error.
	Err error `json:"-"`
}

// checkKey sends one authenticated GET to the API: the profile's check
// path, else the description's URL when it is on the API's origin, else the
// first GET operation without required parameters. The key is only ever
// sent to the API's origin. An error means no request could be chosen (for
// example the description did not load); the request's own outcome is in
// the keyCheck.
func (f *Factory) checkKey(ctx context.Context, p profile.Profile, key string, timeout time.Duration) (*keyCheck, error) {
	target, err := f.checkTarget(ctx, p, key)
	if err != nil {
		return nil, err
	}
	kc := &keyCheck{Method: http.MethodGet, URL: target.String()}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set(p.Header(), authValue(p.Scheme(), key))
	req.Header.Set("User-Agent", f.userAgent())
	req.Header.Set("Accept", "application/json, */*;q=0.5")
	hc := &http.Client{CheckRedirect: func(r *http.Request, via []*http.Request) error {
		if !sameOrigin(r.URL, target) {
			// Keep the key on the API's origin: stop and report the redirect.
			return http.ErrUseLastResponse
		}
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		return nil
	}}
	resp, err := hc.Do(req)
	if err != nil {
		kc.Err = fmt.Errorf("GET %s: the API could not be reached: %w", kc.URL, stripURLError(err))
		return kc, nil
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	kc.Status = resp.StatusCode
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		kc.Accepted = true
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		kc.Err = fmt.Errorf("%w: GET %s answered %d %s", errKeyRejected, kc.URL, resp.StatusCode, http.StatusText(resp.StatusCode))
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		kc.Err = fmt.Errorf("GET %s redirects to %s (another origin; the key is not sent there)", kc.URL, resp.Header.Get("Location"))
	default:
		kc.Err = fmt.Errorf("GET %s answered %d %s, which does not tell whether the key is valid", kc.URL, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return kc, nil
}

// checkTarget picks the URL checkKey requests.
func (f *Factory) checkTarget(ctx context.Context, p profile.Profile, key string) (*url.URL, error) {
	var api *client.API
	load := func() error {
		if api != nil {
			return nil
		}
		var err error
		api, err = client.Load(ctx, p.Spec, client.LoadOptions{
			BaseURL: p.BaseURL,
			Auth: func(r *http.Request) error {
				r.Header.Set(p.Header(), authValue(p.Scheme(), key))
				return nil
			},
			UserAgent: f.userAgent(),
		})
		if err != nil {
			return fmt.Errorf("loading the API description to find a request that checks the key: %w (pass --base-url and --check-path, or --no-check)", err)
		}
		return nil
	}
	baseURL := func() (*url.URL, error) {
		b := p.BaseURL
		if b == "" {
			if err := load(); err != nil {
				return nil, err
			}
			b = api.BaseURL()
		}
		u, err := url.Parse(b)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("no absolute API base URL (got %q): pass --base-url https://api.example.com", b)
		}
		return u, nil
	}

	if p.CheckPath != "" {
		base, err := baseURL()
		if err != nil {
			return nil, err
		}
		u, err := url.Parse(p.CheckPath)
		if err != nil {
			return nil, fmt.Errorf("--check-path %q: %w", p.CheckPath, err)
		}
		if u.IsAbs() {
			if !sameOrigin(u, base) {
				return nil, fmt.Errorf("--check-path %q is not on the API's origin %s: the key is only sent there", p.CheckPath, origin(base))
			}
			return u, nil
		}
		return joinURL(base, p.CheckPath)
	}

	if spec, err := url.Parse(p.Spec); err == nil && (spec.Scheme == "http" || spec.Scheme == "https") {
		base, err := baseURL()
		if err != nil {
			return nil, err
		}
		if sameOrigin(spec, base) {
			return spec, nil
		}
	}

	if err := load(); err != nil {
		return nil, err
	}
	op := firstCheckableGET(api.Operations)
	if op == nil {
		return nil, errors.New("the API description has no GET operation without required parameters to check the key with: pass --check-path PATH (a GET that needs the key), or --no-check")
	}
	base, err := baseURL()
	if err != nil {
		return nil, err
	}
	if p.BaseURL == "" && len(op.Servers) > 0 {
		if b, err := url.Parse(op.Servers[0]); err == nil && b.IsAbs() && sameOrigin(b, base) {
			base = b
		}
	}
	return joinURL(base, op.Path)
}

// firstCheckableGET returns the first GET operation that needs no
// arguments, preferring one that requires authentication.
func firstCheckableGET(ops []*client.Operation) *client.Operation {
	var open *client.Operation
	for _, op := range ops {
		if op.Method != http.MethodGet || strings.Contains(op.Path, "{") {
			continue
		}
		required := false
		for _, prm := range op.Params {
			if prm.Required {
				required = true
				break
			}
		}
		if required {
			continue
		}
		if op.Security {
			return op
		}
		if open == nil {
			open = op
		}
	}
	return open
}

func joinURL(base *url.URL, path string) (*url.URL, error) {
	rel, err := url.Parse(strings.TrimLeft(path, "/"))
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", path, err)
	}
	b := *base
	if !strings.HasSuffix(b.Path, "/") {
		b.Path += "/"
		b.RawPath = ""
	}
	return b.ResolveReference(rel), nil
}

func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(hostPort(a), hostPort(b))
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return u.Hostname() + ":443"
	case "http":
		return u.Hostname() + ":80"
	}
	return u.Host
}

func origin(u *url.URL) string { return u.Scheme + "://" + u.Host }

// stripURLError drops the *url.Error wrapper, whose message repeats the
// method and URL.
func stripURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Errorf("no answer in time (%w)", ue.Err)
		}
		return ue.Err
	}
	return err
}
