package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Credential proves who sends a request. A Transport applies it, at send
// time, to requests bound for the API's origin and to no other: a key in a
// header today (HeaderKey); a key in a query parameter or a cookie, basic
// credentials or an OAuth token source are other implementations.
type Credential interface {
	// Apply adds the credential to r. It returns the secret it added, so
	// that an echo of it in the answer can be redacted, or an error that
	// stops the request (a missing key says how to log in).
	Apply(r *http.Request) (secret string, err error)
}

// KeySource returns the API key at the moment a request is sent. An error
// (for example "no key: run restmcp login") stops the request and is
// returned unchanged, inside a *CredentialError.
type KeySource func(ctx context.Context) (string, error)

// StaticKey is a KeySource that always returns key.
func StaticKey(key string) KeySource {
	return func(context.Context) (string, error) { return key, nil }
}

// HeaderKey sends a key in a header: "<Scheme> <key>", or the bare key
// when Scheme is empty.
type HeaderKey struct {
	// Header carries the key (default "Authorization").
	Header string
	// Scheme prefixes the key ("Bearer", "Api-Key", "Token").
	Scheme string
	// Key is asked for the key when a request is sent.
	Key KeySource
	// Format, when set, is the whole header value with "{key}" where the
	// key goes ("Token token={key}"); Scheme is then ignored.
	Format string
}

// Apply implements Credential.
func (h HeaderKey) Apply(r *http.Request) (string, error) {
	k, err := cleanKey(r.Context(), h.Key)
	if err != nil {
		return "", err
	}
	if h.Format != "" {
		r.Header.Set(h.HeaderName(), strings.ReplaceAll(h.Format, "{key}", k))
		return k, nil
	}
	r.Header.Set(h.HeaderName(), AuthValue(h.Scheme, k))
	return k, nil
}

// HeaderName is the header that carries the key.
func (h HeaderKey) HeaderName() string {
	if h.Header == "" {
		return DefaultAuthHeader
	}
	return h.Header
}

// AuthValue is the value of the auth header for key: "<scheme> <key>", or
// the bare key without a scheme. A key stored with the scheme already in
// front ("Bearer abc") is not prefixed twice.
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

// CredentialError is a Credential's refusal to apply itself (no key, a
// keyring that does not answer, a token that cannot be renewed). Its
// message is the credential's own, after what the credential is ("API
// key: ", "OAuth access token: ").
type CredentialError struct {
	Err error
	// What names the credential; empty means "API key".
	What string
}

func (e *CredentialError) Error() string {
	what := e.What
	if what == "" {
		what = "API key"
	}
	msg := e.Err.Error()
	if strings.Contains(strings.ToLower(msg), strings.ToLower(what)) {
		// "no API key for profile …" says what it is about already.
		return msg
	}
	return what + ": " + msg
}
func (e *CredentialError) Unwrap() error { return e.Err }

// credentialName is what c is called in its errors: its own name when it
// has one (Named), else "API key".
func credentialName(c Credential) string {
	if n, ok := Unwrap(c).(Named); ok {
		return n.CredentialName()
	}
	return ""
}

// Wrapper is a Credential that applies another, chosen once it is known
// (the way a description declares, read after the credential is made).
type Wrapper interface {
	Credential
	Unwrap() Credential
}

// Unwrap is the credential c applies now: c itself, or what its Wrappers
// hold.
func Unwrap(c Credential) Credential {
	for {
		w, ok := c.(Wrapper)
		if !ok {
			return c
		}
		c = w.Unwrap()
	}
}

// Named is a Credential that is not an API key and says what it is.
type Named interface {
	CredentialName() string
}

// OffOriginError is a redirect to another origin that a Transport with
// StayOnOrigin refused to follow.
type OffOriginError struct{ URL string }

func (e *OffOriginError) Error() string { return "redirected to another origin: " + e.URL }

// Transport is the one way restmcp's requests reach the network: tool
// calls, description fetches and key checks. For every request, each hop of
// a redirect included, it
//   - applies Credential only when the request goes to Origin's scheme,
//     host and port (a redirect elsewhere arrives without it, whatever
//     header carries it), and not for a request marked WithoutCredential;
//   - never sends Referer, which would tell another origin the API's URLs;
//   - sets User-Agent, then Headers (fixed, non-secret headers) only
//     when the request goes to Origin, like Credential, but also for a
//     request marked WithoutCredential;
//   - replaces the secret it sent, when the answer echoes it in any form
//     (see redactor), with "[REDACTED]";
//   - with StayOnOrigin, refuses a request to another origin with an
//     *OffOriginError.
type Transport struct {
	// Origin is where Credential may go; nil sends it nowhere (a request
	// may name one more, see withKeyOrigin).
	Origin *url.URL
	// Credential to apply; nil sends requests without one.
	Credential Credential
	// StayOnOrigin refuses to leave Origin (a key check whose answer must
	// come from the API).
	StayOnOrigin bool
	// UserAgent, e.g. "restmcp/1.2.3".
	UserAgent string
	// Headers are fixed, non-secret headers (a profile's --header) set on
	// every request to Origin, replacing any of the same name (but Cookie,
	// whose fixed cookies go before the request's own), before the
	// credential (which therefore wins over one of its header's name).
	Headers http.Header
	// Next sends the request (default DefaultTransport()).
	Next http.RoundTripper
}

// MaxIdleConnsPerHost is how many idle connections to one API the default
// transport keeps: as many as calls may run at once, so that a burst of
// concurrent calls reuses its connections instead of opening new ones
// (http.DefaultTransport keeps 2).
const MaxIdleConnsPerHost = 64

// DefaultTransport sends requests for every Transport and Client that names
// no other: http.DefaultTransport's settings (proxy from the environment,
// timeouts, HTTP/2), keeping MaxIdleConnsPerHost idle connections per host.
// One is shared by the process, so that its connections are.
func DefaultTransport() http.RoundTripper { return defaultTransport() }

var defaultTransport = sync.OnceValue(func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = MaxIdleConnsPerHost
	t.MaxIdleConns = max(t.MaxIdleConns, 4*MaxIdleConnsPerHost)
	return t
})

type noCredentialKey struct{}

// keyOrigin is the context key of one more origin a request's credential
// goes to: its operation's own server.
type keyOrigin struct{}

// withKeyOrigin returns ctx whose request's credential also goes to o's
// origin (each redirect hop is checked again).
func withKeyOrigin(ctx context.Context, o *url.URL) context.Context {
	return context.WithValue(ctx, keyOrigin{}, o)
}

// onKeyOrigin reports whether r goes to the origin its context names.
func onKeyOrigin(r *http.Request) bool {
	o, ok := r.Context().Value(keyOrigin{}).(*url.URL)
	return ok && SameOrigin(r.URL, o)
}

// WithoutCredential marks requests made with ctx as sent without the
// credential (operations declaring `security: []`, a request that checks
// whether a document is public).
func WithoutCredential(ctx context.Context) context.Context {
	return context.WithValue(ctx, noCredentialKey{}, true)
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	onOrigin := t.Origin != nil && (SameOrigin(r.URL, t.Origin) || onKeyOrigin(r))
	if t.StayOnOrigin && !onOrigin {
		closeBody(r)
		return nil, &OffOriginError{URL: displayURL(r.URL)}
	}
	apply := onOrigin && t.Credential != nil && r.Context().Value(noCredentialKey{}) == nil
	resp, secret, err := t.send(r, onOrigin, apply)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !apply {
		return t.redact(resp, secret), err
	}
	rn, ok := t.Credential.(Renewer)
	if !ok || (r.Body != nil && r.GetBody == nil) || !rn.Renew(r.Context(), secret) {
		return t.redact(resp, secret), nil
	}
	again := r.Clone(r.Context())
	if r.GetBody != nil {
		if again.Body, err = r.GetBody(); err != nil {
			return t.redact(resp, secret), nil
		}
	}
	// Refused: renewed once, sent once more.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	resp, secret, err = t.send(again, true, true)
	return t.redact(resp, secret), err
}

// send sends a copy of r without Referer, with User-Agent and, when
// onOrigin, the fixed headers, and when apply the credential, whose secret
// it returns.
func (t *Transport) send(r *http.Request, onOrigin, apply bool) (*http.Response, string, error) {
	r = r.Clone(r.Context())
	r.Header.Del("Referer")
	if t.UserAgent != "" {
		r.Header.Set("User-Agent", t.UserAgent)
	}
	if onOrigin {
		for name, v := range t.Headers {
			if c := r.Header.Get("Cookie"); c != "" && len(v) > 0 && http.CanonicalHeaderKey(name) == "Cookie" {
				// The request's cookies (its cookie parameters) go
				// beside the fixed ones, in one header.
				r.Header.Set("Cookie", strings.Join(v, "; ")+"; "+c)
				continue
			}
			r.Header[name] = slices.Clone(v)
		}
	}
	var secret string
	if apply {
		s, err := t.Credential.Apply(r)
		if err != nil {
			closeBody(r)
			return nil, "", &CredentialError{Err: err, What: credentialName(t.Credential)}
		}
		secret = s
	}
	next := t.Next
	if next == nil {
		next = defaultTransport()
	}
	resp, err := next.RoundTrip(r)
	if err == nil {
		if secret != "" {
			if rd := newRedactor(sentSecrets(r, secret)); rd != nil {
				// Before decoding, whose failure may name a header (the
				// Content-Encoding of an answer it cannot read).
				rd.redactHeader(resp.Header)
			}
		}
		// Decoded before the secret is looked for in it.
		if err = decodeBody(resp); err != nil {
			_ = resp.Body.Close()
			return nil, secret, err
		}
	}
	return resp, secret, err
}

// redact makes resp's headers and body replace the secret the request
// carried, in every form (see redactor), when they echo it.
func (t *Transport) redact(resp *http.Response, secret string) *http.Response {
	if resp == nil || secret == "" {
		return resp
	}
	if rd := newRedactor(sentSecrets(resp.Request, secret)); rd != nil {
		if resp.Request != nil {
			if seen, ok := resp.Request.Context().Value(redactorsKey{}).(*[]*redactor); ok && !slices.Contains(*seen, rd) {
				*seen = append(*seen, rd)
			}
		}
		rd.redactHeader(resp.Header)
		resp.Body = &redactingBody{src: resp.Body, r: rd}
		resp.ContentLength = -1
		resp.Header.Del("Content-Length")
	}
	return resp
}

// redactorsKey is the context key of the redactors a request's answers
// were read through (withRedactors), for the text made from them.
type redactorsKey struct{}

// withRedactors returns ctx whose requests' redactors are added to seen.
func withRedactors(ctx context.Context, seen *[]*redactor) context.Context {
	return context.WithValue(ctx, redactorsKey{}, seen)
}

func closeBody(r *http.Request) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
}

// NewHTTPClient returns an http.Client that sends through t and follows at
// most MaxRedirects redirects.
func NewHTTPClient(t *Transport, timeout time.Duration) *http.Client {
	return &http.Client{Transport: t, Timeout: timeout, CheckRedirect: limitRedirects}
}

func limitRedirects(_ *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return fmt.Errorf("stopped after %d redirects", MaxRedirects)
	}
	return nil
}

// An echo of the credential in an answer, body or headers, is replaced by
// redacted, so that it never reaches a tool result: the secret a Credential
// reports, and the password of the basic credentials it sent, in every form
// an answer can carry them (see secretForms). A form of at least
// minRedactLen bytes is replaced wherever it appears, also split by HTML
// tags; a shorter one only where it stands alone (not next to a letter,
// digit, '-' or '_'), since replacing a few common characters everywhere
// would destroy the answer.
//
// A form longer than maxTaggedLen (a long JWT) is found only as it is.
const (
	minRedactLen = 8
	maxTaggedLen = 512
	redacted     = "[REDACTED]"
)

// redactor replaces the forms of a set of secrets. Its expression is
// compiled only when an answer may hold one of them: most answers hold none
// of the forms and no '<', and cost a few byte searches.
type redactor struct {
	forms   [][]byte
	short   map[string]bool // forms matched only as whole tokens
	escaped [][]rune        // secrets also matched with characters escaped
	alts    []string

	once sync.Once
	re   *regexp.Regexp
}

// redactors keeps the redactors of recent secret sets: a process sends the
// same key or token again and again.
var redactors struct {
	sync.Mutex
	m map[string]*redactor
}

// newRedactor returns the redactor of the secrets, nil when there is none.
func newRedactor(secrets []string) *redactor {
	id := strings.Join(secrets, "\x00")
	redactors.Lock()
	defer redactors.Unlock()
	if r, ok := redactors.m[id]; ok {
		return r
	}
	r := buildRedactor(secrets)
	if redactors.m == nil || len(redactors.m) >= 16 {
		redactors.m = map[string]*redactor{}
	}
	redactors.m[id] = r
	return r
}

func buildRedactor(secrets []string) *redactor {
	forms := map[string]bool{}
	for _, s := range secrets {
		for _, f := range secretForms(s) {
			forms[f] = true
		}
	}
	if len(forms) == 0 {
		return nil
	}
	sorted := slices.SortedFunc(maps.Keys(forms), func(a, b string) int { return len(b) - len(a) })
	r := &redactor{short: map[string]bool{}}
	for _, f := range sorted {
		r.forms = append(r.forms, []byte(f))
		if len(f) < minRedactLen {
			r.short[f] = true
			r.alts = append(r.alts, regexp.QuoteMeta(f))
			continue
		}
		if len(f) > maxTaggedLen {
			// A long form is matched as it is: a tag skipper between
			// each of thousands of characters costs seconds and
			// hundreds of MB to compile.
			r.alts = append(r.alts, regexp.QuoteMeta(f))
			continue
		}
		// Tags between characters (<b>, </span>, <!-- -->) do not hide
		// the secret.
		var b strings.Builder
		for i, c := range f {
			if i > 0 {
				b.WriteString(`(?:<[A-Za-z/!][^<>]*>)*`)
			}
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
		r.alts = append(r.alts, b.String())
	}
	for _, s := range secrets {
		if len(s) >= minRedactLen && len(s) <= maxTaggedLen {
			r.escaped = append(r.escaped, []rune(s))
			r.alts = append(r.alts, escapedExpr(s))
		}
	}
	return r
}

// escapedExpr matches s with any of its characters written as a JSON
// escape (\u0042) or an HTML character reference (&#66;, &#x42;): an API
// that escapes every character, or a template that writes references,
// would otherwise pass the secret on in a form a model reads.
func escapedExpr(s string) string {
	var b strings.Builder
	for _, c := range s {
		fmt.Fprintf(&b, `(?:%s|\\u(?i:%04x)|&#0{0,3}%d;|&#[xX]0{0,3}(?i:%x);)`, regexp.QuoteMeta(string(c)), c, c, c)
	}
	return b.String()
}

// expr is the expression matching every form.
func (r *redactor) expr() *regexp.Regexp {
	r.once.Do(func() { r.re = regexp.MustCompile(strings.Join(r.alts, "|")) })
	return r.re
}

// mayHold reports whether b may hold a form: one as it is, or one split by
// tags (b has a '<'). Short forms always take the expression.
func (r *redactor) mayHold(b []byte) bool {
	if len(r.short) > 0 || bytes.IndexByte(b, '<') >= 0 {
		return true
	}
	if len(r.escaped) > 0 && (bytes.Contains(b, []byte(`\u`)) || bytes.Contains(b, []byte("&#"))) && r.holdsEscaped(b) {
		return true
	}
	for _, f := range r.forms {
		if bytes.Contains(b, f) {
			return true
		}
	}
	return false
}

// holdsEscaped reports whether b, its JSON and HTML character escapes
// read, holds a secret: a linear pass, where the expression that finds
// escaped forms reads text many times slower (Go's JSON encoder writes
// every & as \u0026, so that many answers hold escapes and few a key).
func (r *redactor) holdsEscaped(b []byte) bool {
	plain := make([]byte, 0, len(b))
	for len(b) > 0 {
		c, n := unescapeOne(b)
		if n == 0 { // an escape cut at the end: as it is
			plain, b = append(plain, b...), nil
			break
		}
		plain, b = utf8.AppendRune(plain, c), b[n:]
	}
	for _, s := range r.escaped {
		if bytes.Contains(plain, []byte(string(s))) {
			return true
		}
	}
	return false
}

// secretForms are the ways an answer may carry secret: as it is,
// JSON-escaped (with or without HTML-safe escapes and "\/"), URL-encoded
// (either hex case), HTML-escaped and base64 (either alphabet, also inside
// a longer encoded text such as a basic-auth pair).
func secretForms(secret string) []string {
	if secret == "" {
		return nil
	}
	forms := []string{secret, html.EscapeString(secret)}
	var b bytes.Buffer
	for _, escapeHTML := range []bool{true, false} {
		b.Reset()
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(escapeHTML)
		_ = enc.Encode(secret)
		j := strings.TrimSuffix(strings.TrimSpace(b.String()), `"`)[1:]
		forms = append(forms, j, strings.ReplaceAll(j, "/", `\/`))
	}
	for _, e := range []string{url.QueryEscape(secret), url.PathEscape(secret)} {
		forms = append(forms, e, percentLower().ReplaceAllStringFunc(e, strings.ToLower))
	}
	// In base64 the secret may follow anything ("user:" in a basic-auth
	// pair): at each of the three alignments, the characters that encode
	// only the secret's bits are the same whatever comes before or after.
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		for o := range 3 {
			e := enc.EncodeToString(append(make([]byte, o), secret...))
			if start, end := (8*o+5)/6, (o+len(secret))*8/6; end > start {
				forms = append(forms, e[start:end])
			}
		}
	}
	return forms
}

var percentLower = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`%[0-9A-F]{2}`) })

// sentSecrets are the secrets a request carried: the one its Credential
// reported and, for basic credentials, the password and the encoded pair.
func sentSecrets(r *http.Request, secret string) []string {
	out := []string{secret}
	if r == nil {
		return out
	}
	if user, pw, ok := r.BasicAuth(); ok && pw != "" {
		out = append(out, pw, base64.StdEncoding.EncodeToString([]byte(user+":"+pw)))
	}
	return out
}

// pending is the length of the longest end of b that begins a form (and
// is shorter than it): what must wait for the next chunk. A long form may
// begin there split by HTML tags, or with a tag still open at the end.
func (r *redactor) pending(b []byte) int {
	tagged := bytes.IndexByte(b[max(0, len(b)-tagWindow):], '<') >= 0
	n := 0
	for _, f := range r.forms {
		if tagged && !r.short[string(f)] && len(f) <= maxTaggedLen {
			n = max(n, taggedStart(b, f))
		} else {
			n = max(n, secretStart(b, f))
		}
	}
	for _, s := range r.escaped {
		n = max(n, escapedStart(b, s))
	}
	return n
}

// escapedStart is the length of the longest end of b that begins secret
// with some of its characters escaped (see escapedExpr), the last escape
// maybe cut.
func escapedStart(b []byte, secret []rune) int {
	from := max(0, len(b)-maxEscapeLen*len(secret))
	if !bytes.ContainsAny(b[from:], `\&`) {
		return 0 // as it is: secretStart's
	}
	for i := from; i < len(b); i++ {
		if c := b[i]; (c == '\\' || c == '&' || rune(c) == secret[0]) && beginsEscaped(b[i:], secret) {
			return len(b) - i
		}
	}
	return 0
}

// maxEscapeLen bounds the escape of one character: &#x0001F600; (escapedExpr
// takes at most three leading zeros).
const maxEscapeLen = 16

// beginsEscaped reports whether b, its escapes read, is a prefix of secret
// shorter than it; an escape cut at b's end may continue it.
func beginsEscaped(b []byte, secret []rune) bool {
	k := 0
	for len(b) > 0 {
		if k == len(secret) {
			return false
		}
		c, n := unescapeOne(b)
		if n == 0 {
			return true // cut
		}
		if c != secret[k] {
			return false
		}
		b, k = b[n:], k+1
	}
	return k < len(secret)
}

// unescapeOne reads the character b begins with, a JSON \u escape or an
// HTML numeric reference read; n is 0 when b ends inside such an escape.
func unescapeOne(b []byte) (c rune, n int) {
	switch {
	case bytes.HasPrefix(b, []byte(`\u`)) || bytes.Equal(b, []byte(`\`)):
		if len(b) < 6 {
			return 0, 0
		}
		v, err := strconv.ParseUint(string(b[2:6]), 16, 32)
		if err != nil {
			return utf8.RuneError, 1
		}
		return rune(v), 6
	case bytes.HasPrefix(b, []byte("&#")) || bytes.Equal(b, []byte("&")):
		end := bytes.IndexByte(b[:min(len(b), maxEscapeLen)], ';')
		if end < 0 {
			if len(b) < maxEscapeLen {
				return 0, 0
			}
			return '&', 1
		}
		num, base := string(b[2:end]), 10
		if num != "" && (num[0] == 'x' || num[0] == 'X') {
			num, base = num[1:], 16
		}
		v, err := strconv.ParseUint(num, base, 32)
		if err != nil {
			return '&', 1
		}
		return rune(v), end + 1
	}
	c, n = utf8.DecodeRune(b)
	return c, n
}

// tagWindow bounds how far back an end of a chunk is searched for the
// start of a form split by tags: the tags between the characters a chunk
// ends with may take this much.
const tagWindow = 4 << 10

// taggedStart is the length of the longest end of b (within tagWindow)
// that begins secret with tags between its characters, or ends inside a
// tag after beginning it: b's end read without its tags is a prefix of
// secret, shorter than it.
func taggedStart(b, secret []byte) int {
	n := secretStart(b, secret)
	for i := max(0, len(b)-tagWindow); i < len(b)-n; i++ {
		if b[i] == secret[0] && beginsTagged(b[i:], secret, 0) {
			return len(b) - i
		}
	}
	return n
}

// beginsTagged reports whether b, read without its tags (one left open at
// its end included), is a prefix of secret[k:] shorter than it. A '<'
// that the secret holds is tried as the secret's own character first.
func beginsTagged(b, secret []byte, k int) bool {
	for i := 0; i < len(b); {
		if k == len(secret) {
			return false
		}
		if b[i] == '<' && k > 0 && tagStart(b[i+1:]) {
			if secret[k] == '<' && beginsTagged(b[i+1:], secret, k+1) {
				return true
			}
			end := bytes.IndexByte(b[i:], '>')
			if end < 0 {
				return !bytes.ContainsAny(b[i+1:], "<")
			}
			i += end + 1
			continue
		}
		if b[i] != secret[k] {
			return false
		}
		k++
		i++
	}
	return k < len(secret)
}

// tagStart reports whether what follows a '<' may open a tag (a letter,
// '/' or '!'), or is not there yet.
func tagStart(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	c := b[0]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!'
}

// replace returns b with every form replaced.
func (r *redactor) replace(b []byte) []byte {
	if !r.mayHold(b) {
		return b
	}
	locs := r.expr().FindAllIndex(b, -1)
	if locs == nil {
		return b
	}
	out := make([]byte, 0, len(b))
	last := 0
	for _, l := range locs {
		if r.short[string(b[l[0]:l[1]])] && !(standsAlone(b, l[0]-1) && standsAlone(b, l[1])) {
			continue
		}
		out = append(out, b[last:l[0]]...)
		out = append(out, redacted...)
		last = l[1]
	}
	return append(out, b[last:]...)
}

// standsAlone reports whether b[i] (out of range counts) does not continue
// a token.
func standsAlone(b []byte, i int) bool {
	if i < 0 || i >= len(b) {
		return true
	}
	c := b[i]
	return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c >= 0x80)
}

// redactHeader replaces the secrets in every header value (Location,
// Link, an echo of the request's own headers).
func (r *redactor) redactHeader(h http.Header) {
	for k, vs := range h {
		for i, v := range vs {
			vs[i] = string(r.replace([]byte(v)))
		}
		h[k] = vs
	}
}

// redactingBody replaces the secrets in what src reads, holding back only
// the end of a chunk that begins one of their forms (the next chunk may end
// it), so that a stream of events is passed on as it comes. A form split by
// HTML tags is found across two chunks too, when the tags between the
// characters the first chunk ends with take less than tagWindow.
type redactingBody struct {
	src   io.ReadCloser
	r     *redactor
	held  []byte  // read, not yet safe to return
	ready []byte  // safe to return
	err   error   // src's error, returned once held is drained
	chunk *[]byte // read buffer, from chunks until src ends
}

// chunks are the read buffers of redactingBody: an answer needs one only
// while it is read.
var chunks = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// release gives the read buffer back.
func (b *redactingBody) release() {
	if b.chunk != nil {
		chunks.Put(b.chunk)
		b.chunk = nil
	}
}

func (b *redactingBody) Read(p []byte) (int, error) {
	for len(b.ready) == 0 {
		if b.err != nil {
			if len(b.held) == 0 {
				return 0, b.err
			}
			b.ready, b.held = b.held, nil
			break
		}
		if b.chunk == nil {
			b.chunk = chunks.Get().(*[]byte)
		}
		n, err := b.src.Read(*b.chunk)
		b.err = err
		b.held = b.r.replace(append(b.held, (*b.chunk)[:n]...))
		if err != nil {
			b.release()
		}
		keep := 0
		if b.err == nil {
			keep = b.r.pending(b.held)
		}
		if len(b.held) > keep {
			cut := len(b.held) - keep
			b.ready = b.held[:cut]
			b.held = append([]byte(nil), b.held[cut:]...)
		}
	}
	n := copy(p, b.ready)
	b.ready = b.ready[n:]
	return n, nil
}

// secretStart is the length of the longest end of b that begins secret
// (shorter than secret).
func secretStart(b, secret []byte) int {
	for n := min(len(b), len(secret)-1); n > 0; n-- {
		if bytes.HasPrefix(secret, b[len(b)-n:]) {
			return n
		}
	}
	return 0
}

// Close closes src. It may be called while Read runs (to stop a stream),
// so the read buffer is left to Read: one that is not given back is
// collected as any garbage.
func (b *redactingBody) Close() error { return b.src.Close() }

// SameOrigin reports whether a and b are absolute URLs with the same
// scheme, host and port (default ports made explicit): the test that
// decides where the credential may go.
func SameOrigin(a, b *url.URL) bool {
	return a.Host != "" && Origin(a).String() == Origin(b).String()
}

// Origin is u's scheme, host and port, nothing else: in lower case, a
// default port dropped.
func Origin(u *url.URL) *url.URL {
	scheme := strings.ToLower(u.Scheme)
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
	return &url.URL{Scheme: scheme, Host: host}
}

// IsURL reports whether s is an http(s) URL, in any letter case
// ("HTTPS://…" is one).
func IsURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}
