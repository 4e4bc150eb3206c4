package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// send sends b, with the key when the request goes to the base URL's origin
// and the operation requires security, retrying idempotent requests.
func (c *Client) send(ctx context.Context, b *built, secured bool) (*Response, error) {
	var key string
	if secured && c.opts.Key != nil && c.base != nil && SameOrigin(b.url, c.base) {
		k, err := c.opts.Key(ctx)
		if err != nil {
			return nil, fmt.Errorf("API key: %w", err)
		}
		key = strings.TrimSpace(k)
		if !validHeaderValue(key) {
			return nil, errors.New("the API key contains a line break or control character and cannot be sent: store it again with restmcp login")
		}
	}
	start := time.Now()
	for attempt := 0; ; attempt++ {
		resp, beforeResponse, err := c.attempt(ctx, b, key)
		if ok, wait := c.retryAfter(ctx, b.method, resp, beforeResponse, err, attempt); ok {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, fmt.Errorf("%s %s: %w", b.method, displayURL(b.url), context.Cause(ctx))
			case <-t.C:
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		resp.Duration = time.Since(start)
		if len(key) >= minRedactLen && bytes.Contains(resp.Body, []byte(key)) {
			resp.Body = bytes.ReplaceAll(resp.Body, []byte(key), []byte(redacted))
		}
		if resp.Status >= 400 {
			return resp, &HTTPError{Method: b.method, URL: displayURL(b.url), Response: resp}
		}
		return resp, nil
	}
}

// A key echoed in a response body is replaced by redacted, so that it never
// reaches a tool result. Shorter keys are not looked for: replacing a few
// common characters would damage the answer.
const (
	minRedactLen = 8
	redacted     = "[REDACTED]"
)

// attempt sends b once and reads the answer. beforeResponse is true when
// the error happened before any response arrived.
func (c *Client) attempt(ctx context.Context, b *built, key string) (resp *Response, beforeResponse bool, err error) {
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	var body io.Reader
	if b.body != nil {
		body = bytes.NewReader(b.body)
	}
	u := *b.url
	req, err := http.NewRequestWithContext(actx, b.method, u.String(), body)
	if err != nil {
		return nil, true, fmt.Errorf("%s %s: %w", b.method, displayURL(b.url), err)
	}
	req.URL = &u
	req.Header = b.header.Clone()
	if b.contentType != "" {
		req.Header.Set("Content-Type", b.contentType)
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", DefaultAccept)
	}
	if c.opts.UserAgent != "" {
		req.Header.Set("User-Agent", c.opts.UserAgent)
	}
	if key != "" {
		req.Header.Set(c.opts.AuthHeader, AuthValue(c.opts.AuthScheme, key))
	}
	hr, err := c.http.Do(req)
	if err != nil {
		return nil, true, c.transportError(ctx, b, err)
	}
	defer hr.Body.Close()
	data, err := io.ReadAll(io.LimitReader(hr.Body, c.opts.MaxBodyBytes+1))
	if err != nil {
		return nil, false, c.transportError(ctx, b, fmt.Errorf("reading the response: %w", err))
	}
	resp = &Response{
		Status:      hr.StatusCode,
		Header:      hr.Header,
		ContentType: hr.Header.Get("Content-Type"),
		Body:        data,
	}
	if int64(len(data)) > c.opts.MaxBodyBytes {
		resp.Body, resp.Truncated = data[:c.opts.MaxBodyBytes], true
	}
	return resp, false, nil
}

// AuthValue is the value of the auth header for key: "<scheme> <key>", or
// the bare key without a scheme. A key stored with the scheme already in
// front ("Bearer abc") is not prefixed twice. Everything that sends the key
// (tool calls, fetching the description, checking a key) uses it, so the key
// is sent the same way everywhere.
func AuthValue(scheme, key string) string {
	key = strings.TrimSpace(key)
	if scheme == "" {
		return key
	}
	if len(key) > len(scheme) && strings.EqualFold(key[:len(scheme)], scheme) && key[len(scheme)] == ' ' {
		key = strings.TrimSpace(key[len(scheme):])
	}
	return scheme + " " + key
}

// transportError gives a transport failure a readable message naming the
// method and the URL without its query string (*url.Error would print the
// whole URL). The key is never part of it: keys travel in a header only.
func (c *Client) transportError(ctx context.Context, b *built, err error) error {
	if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s %s: no complete answer within %s: %w", b.method, displayURL(b.url), c.opts.Timeout, context.DeadlineExceeded)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%s %s: %w", b.method, displayURL(b.url), err)
}

// retryAfter decides whether attempt number attempt (0-based) is retried,
// and after how long. Only idempotent methods are, on 429, 502, 503, 504 or
// a connection reset before any response; a Retry-After longer than
// maxRetryAfter is not waited for (the answer is returned instead).
func (c *Client) retryAfter(ctx context.Context, method string, resp *Response, beforeResponse bool, err error, attempt int) (bool, time.Duration) {
	if attempt >= MaxRetries || ctx.Err() != nil {
		return false, 0
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
	default:
		return false, 0
	}
	backoff := c.retryWait << attempt
	if err != nil {
		if beforeResponse && isConnReset(err) {
			return true, backoff
		}
		return false, 0
	}
	switch resp.Status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return false, 0
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		wait, ok := parseRetryAfter(ra, time.Now())
		if !ok {
			return true, backoff
		}
		if wait > c.maxRetryAfter {
			return false, 0
		}
		return true, wait
	}
	return true, backoff
}

func isConnReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// parseRetryAfter reads a Retry-After value: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// checkRedirect follows at most MaxRedirects redirects and removes the auth
// header, whatever its name, from a redirect that leaves the base URL's
// origin (net/http itself only strips Authorization and Cookie, and only
// when the host changes).
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return fmt.Errorf("stopped after %d redirects", MaxRedirects)
	}
	if c.base == nil || !SameOrigin(req.URL, c.base) {
		req.Header.Del(c.opts.AuthHeader)
	}
	return nil
}

// SameOrigin reports whether a and b have the same scheme, host and port
// (default ports made explicit): the test that decides where the key may
// go.
func SameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// displayURL is u without its query string, user info or fragment.
func displayURL(u *url.URL) string {
	v := *u
	v.User, v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment = nil, "", false, "", ""
	return v.String()
}
