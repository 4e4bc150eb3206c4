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
	// Transport fetches URL sources and remote $refs below the credential
	// Transport (default http.DefaultTransport).
	Transport http.RoundTripper
	// BaseURL is the configured API base URL, when the user set one. A spec
	// URL on the same origin is fetched with the credential.
	BaseURL string
	// Credential, when set, is applied to fetches on the API's own origin
	// only. One that cannot apply itself (no key yet) is left out: the
	// description is then fetched without it.
	Credential Credential
	// UserAgent is sent when fetching URLs.
	UserAgent string
}

// Load reads an API description from a file path or an http(s) URL.
//
// The credential is only ever sent to the API's own origin: when BaseURL is
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
	remote := IsURL(loc)
	if !remote {
		abs, err := filepath.Abs(loc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		loc = abs
	} else if _, err := url.Parse(loc); err != nil {
		return nil, fmt.Errorf("%s: %w", redactSource(source), err)
	}

	cred := opts.Credential
	if cred != nil && (!remote || !applies(ctx, cred, loc)) {
		cred = nil
	}
	f := newFetcher(opts)
	if cred != nil && opts.BaseURL != "" && sameOriginURL(loc, opts.BaseURL) {
		f = f.withCredential(cred, loc)
	}
	api, err := loadOnce(ctx, source, loc, f, defaultLimits)
	if err != nil {
		var se *statusError
		if remote && errors.As(err, &se) && (se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden) && !f.authed() {
			if opts.BaseURL == "" {
				return nil, fmt.Errorf("%w: the description needs the API key; pass --base-url with the API's address so the key can be sent to %s", err, originOf(loc))
			}
			return nil, fmt.Errorf("%w: the key is only sent to the API's origin (%s), not to %s", err, originOf(opts.BaseURL), originOf(loc))
		}
		return nil, err
	}
	if cred != nil && opts.BaseURL == "" && !f.authed() &&
		api.BaseURL() != "" && sameOriginURL(api.BaseURL(), loc) {
		f = f.withCredential(cred, loc)
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

// fetcher reads files and URLs, the latter through a Transport that sends
// the credential to one origin only.
type fetcher struct {
	client    *http.Client
	transport *Transport
}

// newFetcher returns a fetcher that sends no credential.
func newFetcher(opts LoadOptions) *fetcher {
	t := &Transport{UserAgent: opts.UserAgent, Next: opts.Transport}
	return &fetcher{client: NewHTTPClient(t, 30*time.Second), transport: t}
}

// withCredential is f sending cred to the origin of loc.
func (f *fetcher) withCredential(cred Credential, loc string) *fetcher {
	u, err := url.Parse(loc)
	if err != nil {
		return f
	}
	t := *f.transport
	t.Origin, t.Credential = Origin(u), cred
	return &fetcher{client: NewHTTPClient(&t, f.client.Timeout), transport: &t}
}

// authed reports whether the fetcher sends a credential.
func (f *fetcher) authed() bool { return f.transport.Credential != nil }

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
	if !IsURL(loc) {
		data, err := os.ReadFile(loc)
		return data, loc, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Accept", "application/vnd.oai.openapi+json, application/json;q=0.9, application/vnd.oai.openapi;q=0.8, application/yaml;q=0.8, */*;q=0.5")
	resp, err := f.client.Do(req)
	if err != nil {
		// *url.Error would print the whole URL, query included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, "", fmt.Errorf("GET %s: %w", redact(loc), err)
	}
	defer resp.Body.Close()
	target := resp.Request.URL.String() // after redirects
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

// redactSource is a file path as it is, a URL as redact shows it.
func redactSource(source string) string {
	if IsURL(source) {
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

// originOf is the origin of the http(s) URL raw (see Origin); "" for
// anything else.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || !IsURL(raw) {
		return ""
	}
	return Origin(u).String()
}

func sameOriginURL(a, b string) bool {
	oa := originOf(a)
	return oa != "" && oa == originOf(b)
}

// applies reports whether cred can apply itself to a request for loc (it
// cannot when no key is available), so that a description is not fetched
// twice for nothing, and a missing key only means fetching without it.
func applies(ctx context.Context, cred Credential, loc string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
	if err != nil {
		return false
	}
	_, err = cred.Apply(req)
	return err == nil
}
