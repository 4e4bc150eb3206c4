package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// send sends b, with the credential when the operation requires security
// (the Transport decides by origin), retrying idempotent requests.
func (c *Client) send(ctx context.Context, b *built, secured bool) (*Response, error) {
	if !secured {
		ctx = WithoutCredential(ctx)
	}
	start := time.Now()
	ctx, cancel := context.WithTimeoutCause(ctx, c.opts.Timeout, &TimeoutError{Limit: c.opts.Timeout})
	defer cancel()
	for attempt := 0; ; attempt++ {
		resp, beforeResponse, err := c.attempt(ctx, b)
		ok, wait := c.retryAfter(ctx, b.method, resp, beforeResponse, err, attempt)
		if wait < 0 {
			resp.Duration = time.Since(start)
			return resp, &HTTPError{Method: b.method, URL: displayURL(b.url), Response: resp, Wait: -wait}
		}
		if ok {
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
		if resp.Status >= 400 {
			return resp, &HTTPError{Method: b.method, URL: displayURL(b.url), Response: resp}
		}
		if resp.Corrupt && resp.Status < 300 {
			return resp, &BodyError{Method: b.method, URL: displayURL(b.url), Response: resp}
		}
		return resp, nil
	}
}

// attempt sends b once and reads the answer. beforeResponse is true when
// the error happened before any response arrived.
func (c *Client) attempt(ctx context.Context, b *built) (resp *Response, beforeResponse bool, err error) {
	var body io.Reader
	if b.body != nil {
		body = bytes.NewReader(b.body)
	}
	// The URL is built already: it is not printed and parsed again.
	if b.keyOrigin != nil {
		ctx = withKeyOrigin(ctx, b.keyOrigin)
	}
	var redactors []*redactor
	ctx = withRedactors(ctx, &redactors)
	req, err := http.NewRequestWithContext(ctx, b.method, "", body)
	if err != nil {
		return nil, true, fmt.Errorf("%s %s: %w", b.method, displayURL(b.url), err)
	}
	u := *b.url
	req.URL, req.Host = &u, strings.TrimSuffix(u.Host, ":")
	req.Header = b.header.Clone()
	if b.contentType != "" {
		req.Header.Set("Content-Type", b.contentType)
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", DefaultAccept)
	}
	hr, err := c.http.Do(req)
	if err != nil {
		return nil, true, c.transportError(ctx, b, err)
	}
	defer hr.Body.Close()
	data, err := io.ReadAll(io.LimitReader(hr.Body, c.opts.MaxBodyBytes+1))
	var ce *corruptError
	if err != nil && errors.As(err, &ce) {
		// A body that does not read as its encoding says: the answer is
		// its status, without the body (as an error in an encoding
		// restmcp cannot read, see decodeBody); a success so read fails
		// the call, with its status (see send).
		data, err = nil, nil
	} else {
		ce = nil
	}
	var te *TimeoutError
	unfinished := err != nil && len(data) > 0 && errors.As(context.Cause(ctx), &te)
	if err != nil && !unfinished {
		return nil, false, c.transportError(ctx, b, fmt.Errorf("reading the response: %w", err))
	}
	// Cut first, then convert: a cut answer in another charset is
	// converted like a whole one.
	truncated := int64(len(data)) > c.opts.MaxBodyBytes
	if truncated {
		data = data[:c.opts.MaxBodyBytes]
	}
	resp = &Response{
		Status:      hr.StatusCode,
		Header:      hr.Header,
		ContentType: hr.Header.Get("Content-Type"),
		Body:        asUTF8(hr.Header.Get("Content-Type"), data),
		Truncated:   truncated,
		Encoding:    undecoded(hr.Header),
		redactors:   redactors,
	}
	if ce != nil {
		resp.Encoding, resp.Corrupt = ce.enc, true
	}
	if unfinished {
		// A stream, or a slow answer: what arrived is an answer.
		resp.Unfinished = te.Limit
	}
	return resp, false, nil
}

// transportError gives a transport failure a readable message naming the
// method and the URL without its query string (*url.Error would print the
// whole URL). The credential's own refusal is returned as it is.
func (c *Client) transportError(ctx context.Context, b *built, err error) error {
	var ce *CredentialError
	if errors.As(err, &ce) {
		return ce
	}
	var te *TimeoutError
	if errors.As(context.Cause(ctx), &te) {
		return fmt.Errorf("%s %s: %w", b.method, displayURL(b.url), te)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%s %s: %w", b.method, displayURL(b.url), err)
}

// retryAfter decides whether attempt number attempt (0-based) is retried,
// and after how long. Only idempotent methods are, on 429, 502, 503, 504 or
// a connection reset before any response. A Retry-After longer than
// maxRetryAfter (or too large to read) is not waited for: the wait is then
// returned negated, and the call gives up.
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
			return false, -wait
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
	v = strings.TrimSpace(v)
	if n, err := strconv.ParseUint(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if err != nil || n > uint64(math.MaxInt64/int64(time.Second)) {
			return time.Duration(math.MaxInt64), true // too large to wait for
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// ShowURL is raw as messages may show it: without its user info, query
// string or fragment, also when raw does not parse as a URL.
func ShowURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return displayURL(u)
	}
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	auth, path, _ := strings.Cut(rest, "/")
	if i := strings.LastIndex(auth, "@"); i >= 0 {
		auth = auth[i+1:]
	}
	if path != "" || strings.Contains(rest, "/") {
		return scheme + "://" + auth + "/" + path
	}
	return scheme + "://" + auth
}

// parseError is the reason of a url.Parse error without the URL, which
// *url.Error repeats whole.
func parseError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// displayURL is u without its query string, user info or fragment.
func displayURL(u *url.URL) string {
	v := *u
	v.User, v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment = nil, "", false, "", ""
	return v.String()
}

// TimeoutError is a call that got no complete answer within Options.Timeout,
// retries included.
type TimeoutError struct{ Limit time.Duration }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("no complete answer within %s (the limit for one call, retries included)", e.Limit)
}

// Unwrap makes a TimeoutError a context.DeadlineExceeded.
func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

// asUTF8 is a JSON or text body (or one of no stated type) as UTF-8: a
// leading byte order mark goes (JSON may not begin with one, so it would
// be read as text), and a body in the charsets legacy APIs still send
// (ISO-8859-1, Windows-1252) is decoded ("café" would otherwise read
// "caf\ufffd"). Other bodies are returned as they are.
func asUTF8(contentType string, body []byte) []byte {
	mt, params, _ := mime.ParseMediaType(contentType)
	if mt != "" && !strings.HasPrefix(mt, "text/") && mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return body
	}
	switch strings.ToLower(params["charset"]) {
	case "iso-8859-1", "latin1", "iso_8859-1", "l1", "windows-1252", "cp1252":
		return latin1(body, strings.HasSuffix(strings.ToLower(params["charset"]), "1252"))
	}
	return bytes.TrimPrefix(body, []byte(utf8BOM))
}

// cp1252 are the characters Windows-1252 puts at 0x80–0x9F, where
// ISO-8859-1 has control characters (0 for the five it leaves undefined).
var cp1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}

// latin1 decodes ISO-8859-1 (or, with windows, Windows-1252) to UTF-8.
func latin1(body []byte, windows bool) []byte {
	out := make([]byte, 0, len(body)+len(body)/8)
	for _, c := range body {
		r := rune(c)
		if windows && c >= 0x80 && c <= 0x9F && cp1252[c-0x80] != 0 {
			r = cp1252[c-0x80]
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}
