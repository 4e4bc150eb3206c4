package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// KeySource returns the API key at the moment a request is sent. An error
// (for example "no key: run restmcp login") is returned from Do unchanged.
type KeySource func(ctx context.Context) (string, error)

// StaticKey is a KeySource that always returns key.
func StaticKey(key string) KeySource {
	return func(context.Context) (string, error) { return key, nil }
}

// Options configure a Client.
type Options struct {
	// BaseURL is where operation paths are appended (required).
	BaseURL string
	// AuthHeader is the header that carries the key (default "Authorization").
	AuthHeader string
	// AuthScheme prefixes the key ("Bearer", "Api-Key", "Token"); empty sends
	// the bare key.
	AuthScheme string
	// Key supplies the key; nil sends requests without one.
	Key KeySource
	// UserAgent, e.g. "restmcp/1.2.3".
	UserAgent string
	// Timeout bounds one request, body included (default 30 s).
	Timeout time.Duration
	// HTTPClient to use (default: a new client; its Transport is reused).
	HTTPClient *http.Client
	// MaxBodyBytes caps how much of a response is read (default 8 MiB).
	MaxBodyBytes int64
}

// Client sends requests for operations of one API.
type Client struct {
	opts Options
}

// New returns a Client.
func New(opts Options) *Client { return &Client{opts: opts} }

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
	// Duration is how long the request took.
	Duration time.Duration
}

// HTTPError is returned by Do for an answer with status >= 400.
type HTTPError struct {
	Method, URL string // URL without query secrets
	Response    *Response
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.Response.Status, http.StatusText(e.Response.Status))
}

// Do builds and sends the request. A status >= 400 returns the response and
// an *HTTPError; other errors are invalid arguments, the key source's error
// or transport failures.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	return nil, errors.New("client.Do: not implemented")
}
