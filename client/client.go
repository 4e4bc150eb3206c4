package client

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Options configure a Client.
type Options struct {
	// BaseURL is where operation paths are appended (required). An
	// operation that declares its own servers is sent to the first of them
	// instead (a relative one resolved against BaseURL); the credential is
	// sent to BaseURL's origin, and to an operation's own server for that
	// operation's requests when it is https or of BaseURL's scheme (Stripe's
	// files.stripe.com for uploads).
	BaseURL string
	// StayOnOrigin refuses to follow a redirect to another origin (an
	// *OffOriginError): for a key check, whose answer must come from the
	// API.
	StayOnOrigin bool
	// OverrideServers sends every operation to BaseURL, also those that
	// declare servers of their own: set it when the user chose the base URL
	// (a proxy, a staging host).
	OverrideServers bool
	// Credential is applied to requests for BaseURL's origin, for
	// operations that require security; nil sends requests without one.
	Credential Credential
	// Scheme names the declared security scheme Credential satisfies.
	// When set, an operation that accepts only other schemes fails before
	// any request, with MissingScheme's error (given the schemes it
	// accepts) or else a *SchemeError.
	Scheme        string
	MissingScheme func(op *Operation, accepts []string) error
	// UserAgent, e.g. "restmcp/1.2.3".
	UserAgent string
	// Headers are fixed, non-secret headers sent with every request to
	// the origins the credential goes to (see Transport.Headers); an
	// operation's header parameter of one of their names is not an
	// argument (see Fills).
	Headers http.Header
	// Timeout bounds one call, its retries and reading the answer included
	// (default 30 s); going over it is a *TimeoutError.
	Timeout time.Duration
	// Transport sends requests below the credential Transport (default
	// DefaultTransport()).
	Transport http.RoundTripper
	// MaxBodyBytes caps how much of a response is read (default 8 MiB).
	MaxBodyBytes int64
}

// Client sends requests for operations of one API. It is safe for
// concurrent use.
type Client struct {
	opts    Options
	base    *url.URL // nil when Options.BaseURL is unusable
	baseErr error    // why, returned by Do for operations without servers
	http    *http.Client

	// retry tuning; tests shorten them.
	retryWait     time.Duration // first pause between attempts, doubled each time
	maxRetryAfter time.Duration // cap on a Retry-After pause
}

// Defaults applied by New.
const (
	DefaultAuthHeader   = "Authorization"
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBodyBytes = 8 << 20
	// DefaultAccept is sent when the request does not set Accept.
	DefaultAccept = "application/json, */*;q=0.5"
	// MaxRedirects is how many redirects one request follows.
	MaxRedirects = 10
	// MaxRetries is how many times an idempotent request is retried.
	MaxRetries = 2
)

// New returns a Client. An unusable BaseURL is reported by Do.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	c := &Client{opts: opts, retryWait: 300 * time.Millisecond, maxRetryAfter: 5 * time.Second}
	c.base, c.baseErr = parseBase(opts.BaseURL)
	t := &Transport{Credential: opts.Credential, UserAgent: opts.UserAgent, Headers: opts.Headers, Next: opts.Transport, StayOnOrigin: opts.StayOnOrigin}
	if c.base != nil {
		t.Origin = c.base
	}
	c.http = NewHTTPClient(t, 0)
	return c
}

// Fills reports whether the credential or a fixed header fills parameter
// p of an operation that requires security: the key travels in that
// header, query parameter or cookie, or Options.Headers has a header of
// that name. An operation's own parameter of that name is not an
// argument, and a call is not missing it. See FillsFor for an operation
// that may be public.
func (c *Client) Fills(p *Param) bool {
	return c.fixedHeader(p) || c.keyFills(p)
}

// FillsFor is Fills for the parameters of op: the key fills none of an
// operation declared public (`security: []`), which is sent without it,
// so that such a parameter stays an argument; a fixed header, sent with
// every request, still fills its own.
func (c *Client) FillsFor(op *Operation) func(*Param) bool {
	if op != nil && !op.Security {
		return c.fixedHeader
	}
	return c.Fills
}

// fixedHeader reports whether Options.Headers has a header of p's name.
func (c *Client) fixedHeader(p *Param) bool {
	if p.In == "header" && c.opts.Headers != nil {
		if _, fixed := c.opts.Headers[http.CanonicalHeaderKey(p.Name)]; fixed {
			return true
		}
	}
	return false
}

// keyFills reports whether the credential travels as parameter p.
func (c *Client) keyFills(p *Param) bool {
	switch cr := Unwrap(c.opts.Credential).(type) {
	case HeaderKey:
		return p.In == "header" && strings.EqualFold(p.Name, cr.HeaderName())
	case QueryKey:
		return p.In == "query" && p.Name == cr.Name
	case CookieKey:
		return p.In == "cookie" && p.Name == cr.Name
	case BasicAuth, BearerToken:
		return p.In == "header" && strings.EqualFold(p.Name, DefaultAuthHeader)
	}
	return false
}

// Request is one call of an operation, its values keyed by wire name and
// location. Values are JSON-decoded Go values (string, float64, bool,
// []any, map[string]any).
type Request struct {
	Op     *Operation
	Path   map[string]any
	Query  map[string]any
	Header map[string]any
	Cookie map[string]any
	// Body is the request body value, encoded per Op.Body.ContentType.
	Body any
}

// Response is an API answer.
type Response struct {
	Status      int
	Header      http.Header
	ContentType string
	Body        []byte
	// Truncated is true when the body was longer than MaxBodyBytes.
	Truncated bool
	// Unfinished is the call's time limit when the answer (a stream, a
	// slow body) was still arriving as it ended: Body is what arrived.
	Unfinished time.Duration
	// Duration is how long the request took.
	Duration time.Duration
	// Encoding is the Content-Encoding of an answer whose body restmcp
	// could not read, whose Body is then empty; "" otherwise. It is one
	// restmcp cannot read (br, zstd) on an error or redirect, or, when
	// Corrupt, one it reads (gzip, deflate) that the body is not valid in,
	// whatever the status (a success then comes with a *BodyError).
	Encoding string
	Corrupt  bool

	redactors []*redactor // of the credential the request carried
}

// Redact replaces in text made from the answer every form of the
// credential the request carried. The transport replaced them in the bytes
// read; text decoded from them (HTML references, JSON escapes read) may
// spell the secret again.
func (r *Response) Redact(text string) string {
	if r == nil {
		return text
	}
	for _, rd := range r.redactors {
		text = string(rd.replace([]byte(text)))
	}
	return text
}

// HTTPError is returned by Do for an answer with status >= 400, together
// with the Response. Its message never holds the key nor the query string.
type HTTPError struct {
	Method, URL string // URL without its query string
	Response    *Response
	// Wait is how long the API's Retry-After asked to wait, when that was
	// longer than restmcp waits (the call then gave up).
	Wait time.Duration
}

// Error implements error.
func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.Response.Status, http.StatusText(e.Response.Status))
	if e.Wait > 0 {
		msg += "; " + e.WaitText()
	}
	return msg
}

// WaitText says how long the API asks to wait, "" when it did not ask
// for more than restmcp waits.
func (e *HTTPError) WaitText() string {
	switch {
	case e.Wait <= 0:
		return ""
	case e.Wait >= time.Duration(math.MaxInt64):
		return "the API asks to wait longer than can be counted: try much later"
	}
	return fmt.Sprintf("the API asks to wait %d s before calling again", int64(e.Wait.Round(time.Second)/time.Second))
}

// Excerpt is a short text of the error body for a person or a model to
// read: see Response.Excerpt.
func (e *HTTPError) Excerpt() string { return e.Response.Excerpt(DefaultExcerptBytes) }

// BodyError is returned by Do for a success (2xx) whose body does not read
// as its Content-Encoding says (gzip, deflate), together with the
// Response: its status and headers, the encoding in place of the body
// (Response.Encoding, Response.Corrupt). The API answered, so what the
// status says was done was done. Its message never holds the key nor the
// query string.
type BodyError struct {
	Method, URL string // URL without its query string
	Response    *Response
}

// Error implements error.
func (e *BodyError) Error() string {
	r := e.Response
	return fmt.Sprintf("%s %s: the API answered %d %s, but its body, compressed as %q, could not be read: it is not valid %s, or was cut short",
		e.Method, e.URL, r.Status, http.StatusText(r.Status), r.Encoding, r.Encoding)
}

// Do builds and sends the request. A status >= 400 returns the response and
// an *HTTPError, a success whose body cannot be read the response and a
// *BodyError; other errors are invalid arguments, the key source's error
// (wrapped: errors.Is and errors.As see it) or transport failures.
//
// The URL is the base URL (Options.BaseURL, or the operation's first own
// server) followed by the operation path. The Transport applies
// Options.Credential only when the request's origin (scheme, host, port) is
// the base URL's, and only for operations that require security; a
// redirect to another origin arrives without it. GET, HEAD, PUT, DELETE and OPTIONS are retried up to MaxRetries
// times on 429, 502, 503, 504 or a connection reset, honouring Retry-After
// up to 5 s (a longer one gives up at once); POST and PATCH never are.
// Options.Timeout bounds the whole call, retries included.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	if o := c.opts; r.Op.Security && o.Scheme != "" && !r.Op.SatisfiedBy(o.Scheme) {
		if o.MissingScheme != nil {
			return nil, o.MissingScheme(r.Op, r.Op.SchemesIn())
		}
		return nil, &SchemeError{Scheme: o.Scheme, Accepts: r.Op.SchemesIn()}
	}
	b, err := c.build(r)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, b, r.Op.Security)
}

// Check sends an authenticated request for path (which may carry a query
// string, e.g. "/me" or "/projects?limit=1") on the base URL, for example to
// verify a key before storing it. Its result is Do's.
func (c *Client) Check(ctx context.Context, method, path string) (*Response, error) {
	if c.baseErr != nil {
		return nil, c.baseErr
	}
	rawPath, rawQuery, _ := strings.Cut(path, "?")
	if strings.ContainsAny(rawPath, "{}") {
		return nil, fmt.Errorf("check path %q has {templates}: give a concrete path", path)
	}
	b, err := c.build(Request{Op: &Operation{Method: method, Path: rawPath, Security: true}})
	if err != nil {
		return nil, err
	}
	if rawQuery != "" {
		if b.url.RawQuery != "" {
			b.url.RawQuery += "&"
		}
		b.url.RawQuery += rawQuery
	}
	return c.send(ctx, b, true)
}
