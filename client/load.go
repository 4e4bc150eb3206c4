package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
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
//
// The key (Auth) is only ever sent to the API's own origin: when BaseURL is
// set, to a spec URL on BaseURL's origin; when it is not, the spec is first
// fetched without the key and fetched again with it only when the
// description's default server is on the spec URL's origin (APIs such as
// Django REST Framework describe only what the caller may see). Redirects to
// another origin never carry the key.
func Load(ctx context.Context, source string, opts LoadOptions) (*API, error) {
	source = strings.TrimSpace(source)
	if source == "" {
		return nil, errors.New("no API description given: pass --spec with a file path or an http(s) URL")
	}
	loc := source
	if strings.HasPrefix(source, "file://") {
		p, err := fileURLPath(source)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", redactSource(source), err)
		}
		loc = p
	}
	remote := isURL(loc)
	if !remote {
		abs, err := filepath.Abs(loc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		loc = abs
	} else if _, err := url.Parse(loc); err != nil {
		return nil, fmt.Errorf("%s: %w", redactSource(source), err)
	}

	f := newFetcher(opts)
	if remote && opts.Auth != nil && opts.BaseURL != "" && sameOriginURL(loc, opts.BaseURL) {
		f.authOrigin = originOf(loc)
	}
	api, err := loadOnce(ctx, source, loc, f, defaultLimits)
	if err != nil {
		var se *statusError
		if remote && errors.As(err, &se) && (se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden) && f.authOrigin == "" {
			if opts.BaseURL == "" {
				return nil, fmt.Errorf("%w: the description needs the API key; pass --base-url with the API's address so the key can be sent to %s", err, originOf(loc))
			}
			return nil, fmt.Errorf("%w: the key is only sent to the API's origin (%s), not to %s", err, originOf(opts.BaseURL), originOf(loc))
		}
		return nil, err
	}
	if remote && opts.Auth != nil && opts.BaseURL == "" && f.authOrigin == "" &&
		api.BaseURL() != "" && sameOriginURL(api.BaseURL(), loc) && addsCredentials(ctx, opts.Auth, loc) {
		f.authOrigin = originOf(loc)
		authed, err := loadOnce(ctx, source, loc, f, defaultLimits)
		if err != nil {
			return nil, fmt.Errorf("fetching the description again with the API key: %w", err)
		}
		api = authed
	}
	return api, nil
}

// loadOnce reads, decodes and indexes the description at loc.
func loadOnce(ctx context.Context, source, loc string, f *fetcher, lim schemaLimits) (*API, error) {
	data, final, err := f.read(ctx, loc)
	if err != nil {
		return nil, err // names the file or URL
	}
	root, err := decodeDocument(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", redactSource(source), err)
	}
	docs := newDocSet(ctx, f)
	docs.docs[loc] = document{root: root, loc: final}
	docs.docs[final] = docs.docs[loc]
	api, err := build(docs, source, final, root, lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", redactSource(source), err)
	}
	return api, nil
}

// maxDocumentBytes bounds one fetched document.
const maxDocumentBytes = 64 << 20

// fetcher reads files and URLs, sending the key only to authOrigin.
type fetcher struct {
	client     *http.Client
	userAgent  string
	auth       func(*http.Request) error
	authOrigin string
}

func newFetcher(opts LoadOptions) *fetcher {
	c := opts.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	cc := *c // redirects are followed by hand to decide on the key at each hop
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &fetcher{client: &cc, userAgent: opts.UserAgent, auth: opts.Auth}
}

// statusError is an HTTP answer >= 400 to a fetch.
type statusError struct {
	URL    string
	Status int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("GET %s: HTTP %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// read returns the content at loc and the location it was finally read
// from (after redirects).
func (f *fetcher) read(ctx context.Context, loc string) ([]byte, string, error) {
	if !isURL(loc) {
		data, err := os.ReadFile(loc)
		return data, loc, err
	}
	const maxRedirects = 10
	target := loc
	for range maxRedirects + 1 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return nil, "", err
		}
		req.Header.Set("Accept", "application/vnd.oai.openapi+json, application/json;q=0.9, application/vnd.oai.openapi;q=0.8, application/yaml;q=0.8, */*;q=0.5")
		if f.userAgent != "" {
			req.Header.Set("User-Agent", f.userAgent)
		}
		if f.auth != nil && f.authOrigin != "" && originOf(target) == f.authOrigin {
			if err := f.auth(req); err != nil {
				return nil, "", err
			}
		}
		resp, err := f.client.Do(req)
		if err != nil {
			// *url.Error would print the whole URL, query included.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return nil, "", fmt.Errorf("GET %s: %w", redact(target), err)
		}
		if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
			resp.Body.Close()
			next, err := req.URL.Parse(loc)
			if err != nil {
				return nil, "", fmt.Errorf("GET %s: bad redirect: %w", target, err)
			}
			target = next.String()
			continue
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 400 {
			return nil, "", &statusError{URL: redact(target), Status: resp.StatusCode}
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentBytes+1))
		if err != nil {
			return nil, "", fmt.Errorf("GET %s: %w", redact(target), err)
		}
		if len(data) > maxDocumentBytes {
			return nil, "", fmt.Errorf("GET %s: larger than %d MiB", redact(target), maxDocumentBytes>>20)
		}
		return data, target, nil
	}
	return nil, "", fmt.Errorf("GET %s: more than %d redirects", redact(loc), maxRedirects)
}

// redactSource is a file path as it is, a URL as redact shows it.
func redactSource(source string) string {
	if isURL(source) {
		return redact(source)
	}
	return source
}

// redact is the URL raw for messages: without its query, user info or
// fragment (see displayURL).
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return displayURL(u)
}

// origin is scheme://host[:port] in lower case, default ports dropped; ""
// for anything that is not an absolute http(s) URL.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if scheme == "http" && port == "80" || scheme == "https" && port == "443" {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host
}

func sameOriginURL(a, b string) bool {
	oa := originOf(a)
	return oa != "" && oa == originOf(b)
}

// addsCredentials reports whether auth changes a request for loc at all (it
// adds nothing when no key is available), so that a description is not
// fetched twice for nothing.
func addsCredentials(ctx context.Context, auth func(*http.Request) error, loc string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
	if err != nil {
		return false
	}
	before := req.URL.String()
	if err := auth(req); err != nil {
		return true // let the real fetch report the error
	}
	return len(req.Header) > 0 || req.URL.String() != before || req.URL.User != nil
}
