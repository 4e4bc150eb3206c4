package oauth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// DefaultLoginTimeout bounds how long a sign-in waits for the user.
const DefaultLoginTimeout = 5 * time.Minute

// CallbackPath is the path of the loopback redirect URI.
const CallbackPath = "/callback"

// LoginOptions are how a sign-in reaches the user.
type LoginOptions struct {
	// Out receives the instructions: the URL to open, the device code
	// (stderr in the product). Nil discards them.
	Out io.Writer
	// OpenBrowser opens a URL in the user's browser. Nil (--no-browser)
	// or an error makes the sign-in print the URL on Out and wait.
	OpenBrowser func(url string) error
	// Timeout bounds the wait for the user (default DefaultLoginTimeout).
	Timeout time.Duration
	// hooks are the tests' view of the authorization code sign-in's
	// steps (nil: none).
	hooks *loginHooks
	// CallbackPort is the loopback redirect's port, for providers that
	// only accept a registered one; 0 picks a free port.
	CallbackPort int
	// Unattended means nobody can open a URL by hand on this machine (a
	// CI job without a terminal): when no browser was opened, the
	// authorization code sign-in fails at once with ErrNoBrowser instead
	// of waiting for a redirect that cannot come. The device grant, whose
	// code is entered on any device, still waits.
	Unattended bool
}

// loginHooks are called at steps of the authorization code sign-in
// whose order the tests set: each is nil or a function that returns once
// the test has done what it needs at that step.
type loginHooks struct {
	// queued: the callback handed an answer to the sign-in.
	queued func()
	// ending: the sign-in stops waiting for an answer (it timed out or
	// was cancelled) and is about to return.
	ending func()
}

func (h *loginHooks) atQueued() {
	if h != nil && h.queued != nil {
		h.queued()
	}
}

func (h *loginHooks) atEnding() {
	if h != nil && h.ending != nil {
		h.ending()
	}
}

func (o LoginOptions) out() io.Writer {
	if o.Out == nil {
		return io.Discard
	}
	return o.Out
}

func (o LoginOptions) timeout() time.Duration {
	if o.Timeout <= 0 {
		return DefaultLoginTimeout
	}
	return o.Timeout
}

// ErrNoBrowser means an unattended authorization code sign-in opened no
// browser (LoginOptions.Unattended).
var ErrNoBrowser = errors.New("oauth: no browser was opened for the sign-in")

// ErrLoginTimeout means the user did not finish signing in in time.
var ErrLoginTimeout = errors.New("oauth: the sign-in was not completed in time; start it again")

// ErrExchangeTimeout means the sign-in's time ran out while the
// authorization code was being exchanged for a token.
var ErrExchangeTimeout = errors.New("oauth: the sign-in ran out of time while exchanging the authorization code for a token; start it again")

// ErrExchangeCancelled means the sign-in was cancelled while the
// authorization code was being exchanged for a token.
var ErrExchangeCancelled = errors.New("oauth: the sign-in was cancelled while exchanging the authorization code for a token")

// cancelledExchange is ErrExchangeCancelled, caused by the context's
// error (errors.Is sees both), said in plain words.
type cancelledExchange struct{ cause error }

func (e cancelledExchange) Error() string   { return ErrExchangeCancelled.Error() }
func (e cancelledExchange) Unwrap() []error { return []error{ErrExchangeCancelled, e.cause} }

// AuthorizationError is an error the authorization endpoint sent back to
// the redirect URI (the user denied access, an unknown scope …).
type AuthorizationError struct {
	Code        string // e.g. "access_denied"
	Description string
}

// RedirectError is the error an authorization redirect's query q carries
// (RFC 6749 4.1.2.1) as an *AuthorizationError, its text fit for a
// terminal; nil when q carries none.
func RedirectError(q url.Values) error {
	if q.Get("error") == "" {
		return nil
	}
	return &AuthorizationError{Code: printable(q.Get("error"), 64), Description: printable(q.Get("error_description"), 300)}
}

func (e *AuthorizationError) Error() string {
	msg := "oauth: the authorization server refused: " + e.Code
	if e.Description != "" {
		msg += " (" + e.Description + ")"
	}
	return msg
}

// LoginAuthCode runs the authorization code grant with PKCE (S256): it
// listens on http://127.0.0.1:<port>/callback, sends the user's browser to
// the authorization URL (or prints it), waits for the one redirect that
// carries this sign-in's state, or an error without a state (any other
// request to the callback is answered 400 and ignored: any page the
// browser shows may send one), and exchanges the code for a token.
//
// Every request to the callback gets a page: the redirect that ends the
// sign-in says whether it worked once the code is exchanged, or, when the
// sign-in ended first (its time ran out, or it was cancelled), that it
// failed.
func (c Config) LoginAuthCode(ctx context.Context, o LoginOptions) (_ *Token, err error) {
	if err := c.Validate(GrantAuthorizationCode); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout())
	defer cancel()

	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(o.CallbackPort)))
	if err != nil {
		return nil, fmt.Errorf("oauth: cannot listen for the browser's redirect on 127.0.0.1: %w", err)
	}
	redirect := "http://" + ln.Addr().String() + CallbackPath
	state, err := randomString()
	if err != nil {
		ln.Close()
		return nil, err
	}
	verifier := oauth2.GenerateVerifier()
	oc := c.oauth2Config(redirect, false)
	authOpts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	if c.Resource != "" {
		authOpts = append(authOpts, oauth2.SetAuthURLParam("resource", c.Resource))
	}
	authURL := oc.AuthCodeURL(state, authOpts...)

	type answer struct {
		code string
		err  error
		// exchanged receives the code exchange's outcome, which the
		// browser's page then shows.
		exchanged chan error
	}
	answers := make(chan answer, 1)
	// finished is closed when the sign-in returns, with ended its error:
	// a page still waiting for the code's exchange is answered then.
	finished := make(chan struct{})
	var ended error
	mux := http.NewServeMux()
	mux.HandleFunc(CallbackPath, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		stateless := !q.Has("state") && q.Get("error") != ""
		if !stateless && subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
			// Not the answer to this sign-in: another page, or an old
			// tab. The sign-in keeps waiting for its own.
			http.Error(w, "This is not the answer to the sign-in in progress (its state does not match): start the sign-in from the terminal again if it does not go on.", http.StatusBadRequest)
			return
		}
		// Some providers leave the state off an error (access_denied when
		// the user declines): that ends the sign-in too, rather than a
		// wait until the timeout. It can only end it, never sign in.
		a := answer{err: RedirectError(q)}
		switch {
		case a.err != nil:
		case q.Get("code") == "":
			a.err = errors.New("oauth: the redirect carried no authorization code")
		case c.issuerError(q) != nil:
			a.err = c.issuerError(q)
		default:
			a.code, a.exchanged = q.Get("code"), make(chan error, 1)
		}
		select {
		case answers <- a: // one-shot: only the first answer counts
		default:
			http.Error(w, "This sign-in is already finished.", http.StatusGone)
			return
		}
		o.hooks.atQueued()
		RedirectPage(w, r, a.err, a.exchanged, finished, func() error { return ended })
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), time.Second)
		defer scancel()
		srv.Shutdown(sctx)
	}()
	// Before the shutdown, which waits for the pages being answered.
	defer func() {
		ended = err
		if ended == nil {
			ended = errors.New("oauth: the sign-in ended")
		}
		close(finished)
	}()

	out := o.out()
	opened := false
	if o.OpenBrowser != nil {
		opened = o.OpenBrowser(authURL) == nil
	}
	if !opened && o.Unattended {
		return nil, ErrNoBrowser
	}
	if opened {
		fmt.Fprintf(out, "Opened the browser to sign in. If it did not open, visit:\n\n  %s\n\n", authURL)
	} else {
		fmt.Fprintf(out, "Open this URL in a browser to sign in:\n\n  %s\n\n", authURL)
	}
	fmt.Fprintf(out, "Waiting for the sign-in (up to %s; Ctrl-C cancels)…\n", o.timeout().Round(time.Second))

	var a answer
	select {
	case a = <-answers:
	case <-ctx.Done():
		o.hooks.atEnding()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, ErrLoginTimeout
		}
		return nil, ctx.Err()
	}
	if a.err != nil {
		return nil, a.err
	}
	t, style, err := c.withClientAuth(func(c Config) (*oauth2.Token, error) {
		return c.oauth2Config(redirect, false).Exchange(c.withClient(ctx), a.code, oauth2.VerifierOption(verifier))
	})
	switch {
	case err == nil:
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		// The wait's time ran out during the exchange: the page and the
		// terminal say so, not the HTTP client's "context deadline
		// exceeded".
		err = ErrExchangeTimeout
	case ctx.Err() != nil:
		err = cancelledExchange{ctx.Err()}
	default:
		err = serverError("token", err, a.code, verifier, c.ClientSecret)
	}
	a.exchanged <- err
	if err != nil {
		return nil, err
	}
	tok, err := FromOAuth2(t, GrantAuthorizationCode, c.Scopes)
	if err != nil {
		return nil, err
	}
	tok.ClientAuth = style
	return tok, nil
}

// RedirectPage answers the browser's request to a sign-in's loopback
// redirect URI, the one that carries the sign-in's answer, with a page
// that says how the sign-in ended. err is the redirect's own failure (an
// error the authorization server sent, no code, another issuer), known at
// once. Otherwise outcome receives how the sign-in ended once the
// redirect's code was used (exchanged for a token; nil: signed in), and
// the page waits for it, for as long as the browser does: it never says
// "Signed in" before that. When finished is closed first (the sign-in
// ended without using the code: its time ran out, it was cancelled), the
// page says it failed, with ended's error; an outcome sent before finished
// was closed is what the page says, whichever the wait sees first.
func RedirectPage(w http.ResponseWriter, r *http.Request, err error, outcome <-chan error, finished <-chan struct{}, ended func() error) {
	if err == nil && outcome != nil {
		select {
		case err = <-outcome:
		case <-finished:
			select {
			case err = <-outcome:
			default:
				err = fmt.Errorf("the sign-in ended before this answer could be used (%w)", ended())
			}
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "<!doctype html><title>Sign-in failed</title><p>Sign-in failed: %s</p><p>The terminal says what to do next.</p>", html.EscapeString(err.Error()))
		return
	}
	io.WriteString(w, "<!doctype html><title>Signed in</title><p>Signed in. You can close this window and go back to the terminal.</p>")
}

// issuerError checks the issuer an authorization redirect's query q names
// (RFC 9207): when c knows its provider's issuer, a redirect that names
// another comes from another authorization server (a mix-up: its code,
// sent with the PKCE verifier to this provider's token endpoint, could
// reach the wrong one) and is refused; so is one that names none from a
// provider that says it always does.
func (c Config) issuerError(q url.Values) error {
	switch {
	case c.Issuer == "":
		return nil
	case q.Has("iss") && q.Get("iss") != c.Issuer:
		return fmt.Errorf("oauth: the sign-in's answer comes from the authorization server %q, not %q (the provider's issuer): it was refused and its code not used; start the sign-in again, and check the provider configured", printable(q.Get("iss"), 200), c.Issuer)
	case !q.Has("iss") && c.IssParameterSupported:
		return fmt.Errorf("oauth: the sign-in's answer does not name its authorization server (iss), which the provider (issuer %q) says it always does: it was refused and its code not used; start the sign-in again", c.Issuer)
	}
	return nil
}

// LoginDevice runs the device authorization grant (RFC 8628): it asks for
// a user code, prints where to enter it, and polls the token endpoint until
// the user has approved, refused, or the code expired.
func (c Config) LoginDevice(ctx context.Context, o LoginOptions) (*Token, error) {
	if err := c.Validate(GrantDeviceCode); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout())
	defer cancel()
	oc := c.oauth2Config("", false)
	hctx := c.withClient(ctx)
	da, err := oc.DeviceAuth(hctx)
	if err != nil {
		return nil, serverError("device authorization", err, c.ClientSecret)
	}
	// The answer is printed on the user's terminal: what it shows is
	// without control characters (escape sequences), and only http(s)
	// URLs.
	uri, err := verificationURI("verification_uri", da.VerificationURI)
	if err != nil {
		return nil, err
	}
	complete := ""
	if da.VerificationURIComplete != "" {
		if complete, err = verificationURI("verification_uri_complete", da.VerificationURIComplete); err != nil {
			return nil, err
		}
	}
	da.Interval = deviceInterval(da.Interval)
	out := o.out()
	fmt.Fprintf(out, "To sign in, visit\n\n  %s\n\nand enter the code %s\n", uri, printable(da.UserCode, maxUserCode))
	if complete != "" {
		fmt.Fprintf(out, "or open\n\n  %s\n", complete)
	}
	fmt.Fprintf(out, "Waiting for the sign-in (up to %s; Ctrl-C cancels)…\n", o.timeout().Round(time.Second))
	t, style, err := c.withClientAuth(func(c Config) (*oauth2.Token, error) {
		return c.pollDevice(ctx, da)
	})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) { // our timeout, or the device code expired
			return nil, ErrLoginTimeout
		}
		return nil, serverError("token", err, da.DeviceCode, c.ClientSecret)
	}
	tok, err := FromOAuth2(t, GrantDeviceCode, c.Scopes)
	if err != nil {
		return nil, err
	}
	tok.ClientAuth = style
	return tok, nil
}

// pollDevice polls the token endpoint for da until the user has approved
// or refused, the code has expired or ctx ends. A poll that timed out (the
// server slow to answer) does not end the sign-in, whose code is still
// good: the next one waits twice as long (RFC 8628 3.5), from the interval
// the polls had reached: each slow_down the server sent before adds 5 s
// for the rest of the flow (3.5), and golang.org/x/oauth2, which adds
// them while it polls, does not say how many it saw.
func (c Config) pollDevice(ctx context.Context, da *oauth2.DeviceAuthResponse) (*oauth2.Token, error) {
	hc := http.Client{Timeout: DefaultHTTPTimeout}
	if c.HTTPClient != nil {
		hc = *c.HTTPClient
	}
	slow := &slowDowns{next: hc.Transport}
	hc.Transport = slow
	c.HTTPClient = &hc
	ctx = c.withClient(ctx)
	d := *da
	for {
		before := slow.n.Load()
		t, err := c.oauth2Config("", false).DeviceAccessToken(ctx, &d)
		if err == nil || !pollTimedOut(ctx, &d, err) {
			return t, err
		}
		d.Interval = min(2*(d.Interval+slowDownStep*(slow.n.Load()-before)), maxDeviceInterval)
	}
}

// slowDownStep is what each slow_down adds to the polling interval, in
// seconds (RFC 8628 3.5).
const slowDownStep = 5

// slowDowns counts the token endpoint's slow_down answers to device polls
// sent through next (nil: http.DefaultTransport), passing each answer on
// as it came.
type slowDowns struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (s *slowDowns) RoundTrip(req *http.Request) (*http.Response, error) {
	next := s.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err != nil || resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, err
	}
	// As much as golang.org/x/oauth2 reads of an error answer.
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(b, &e) != nil {
		q, _ := url.ParseQuery(string(b))
		e.Error = q.Get("error")
	}
	if e.Error == "slow_down" {
		s.n.Add(1)
	}
	return resp, nil
}

// pollTimedOut reports whether err is a poll of the token endpoint that
// timed out while the sign-in and its device code still run (neither ctx
// nor the code's expiry, which also end as timeouts, is over).
func pollTimedOut(ctx context.Context, da *oauth2.DeviceAuthResponse, err error) bool {
	var ne net.Error
	return ctx.Err() == nil && (da.Expiry.IsZero() || time.Now().Before(da.Expiry)) && errors.As(err, &ne) && ne.Timeout()
}

// Limits on a device authorization answer: the polling interval (RFC 8628
// 3.2: 5 s when the server gives none; a server may ask for more with
// slow_down, which adds 5 s each time), and the length of what is printed.
const (
	defaultDeviceInterval = 5  // seconds
	maxDeviceInterval     = 60 // seconds
	maxUserCode           = 64
	maxVerificationURI    = 2048
)

// deviceInterval is the polling interval in seconds for the interval a
// server sent: the default when it sent none or one below a second, at
// most maxDeviceInterval (a longer one would spend the whole wait without
// asking once).
func deviceInterval(seconds int64) int64 {
	switch {
	case seconds <= 0:
		return defaultDeviceInterval
	case seconds > maxDeviceInterval:
		return maxDeviceInterval
	}
	return seconds
}

// verificationURI is a device authorization answer's field name, raw, as
// the terminal may show it: without control characters, and an error
// unless it is an http(s) URL of at most maxVerificationURI bytes.
func verificationURI(name, raw string) (string, error) {
	if len(raw) > maxVerificationURI {
		return "", fmt.Errorf("oauth: the authorization server's %s is longer than %d bytes: check the device authorization endpoint configured for the provider", name, maxVerificationURI)
	}
	shown := printable(raw, maxVerificationURI)
	if u, err := url.Parse(shown); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("oauth: the authorization server's %s %q is not an http(s) URL to open in a browser: check the device authorization endpoint configured for the provider", name, printable(raw, 200))
	}
	return shown, nil
}

// ClientCredentials gets a token for the client itself (no user). A
// TokenSource gets a new one the same way when it expires.
func (c Config) ClientCredentials(ctx context.Context) (*Token, error) {
	if err := c.Validate(GrantClientCredentials); err != nil {
		return nil, err
	}
	t, style, err := c.withClientAuth(func(c Config) (*oauth2.Token, error) {
		cc := clientcredentials.Config{
			ClientID:     c.ClientID,
			ClientSecret: c.ClientSecret,
			TokenURL:     c.TokenURL,
			Scopes:       c.Scopes,
			AuthStyle:    c.authStyle(),
		}
		return cc.Token(c.withClient(ctx))
	})
	if err != nil {
		return nil, serverError("token", err, c.ClientSecret)
	}
	tok, err := FromOAuth2(t, GrantClientCredentials, c.Scopes)
	if err != nil {
		return nil, err
	}
	tok.ClientAuth = style
	return tok, nil
}

// randomString is 32 random bytes, base64url without padding.
func randomString() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// maxPrintableError bounds the message of a PrintableError.
const maxPrintableError = 2000

// PrintableError is err as a terminal may show it: its message without
// control characters (escape sequences an authorization server's answer
// may carry) and at most maxPrintableError bytes; errors.Is and errors.As
// still see err. Nil stays nil.
func PrintableError(err error) error {
	if err == nil {
		return nil
	}
	return printableError{err}
}

type printableError struct{ err error }

func (e printableError) Error() string { return printable(e.err.Error(), maxPrintableError) }
func (e printableError) Unwrap() error { return e.err }

// printable is text from a redirect as the terminal may show it: control
// characters (escape sequences) out, at most max bytes. Any page that
// finds the callback's port can send an error redirect.
func printable(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	for len(s) > max {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
