package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/oauth/oauthtest"
	"golang.org/x/oauth2"
)

// The product's stores fit without an adapter.
var (
	_ oauth.Store = keyring.Store{}
	_ oauth.Store = keyring.PlainFile{}
)

func startServer(t *testing.T, o oauthtest.Options) *oauthtest.Server {
	t.Helper()
	s, err := oauthtest.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func memStore() keyring.Store {
	return keyring.Store{Service: "restmcp-test", Backend: keyring.NewMemory()}
}

// urlWriter is the terminal: it keeps what a sign-in prints and sends each
// URL it sees on urls.
type urlWriter struct {
	mu   sync.Mutex
	text strings.Builder
	seen map[string]bool
	urls chan string
}

func newURLWriter() *urlWriter {
	return &urlWriter{seen: map[string]bool{}, urls: make(chan string, 8)}
}

var urlRE = regexp.MustCompile(`https?://\S+`)

func (w *urlWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.text.Write(p)
	for _, u := range urlRE.FindAllString(w.text.String(), -1) {
		if !w.seen[u] {
			w.seen[u] = true
			w.urls <- u
		}
	}
	return len(p), nil
}

func (w *urlWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.text.String()
}

// browse follows u as a browser would (redirects included) and returns the
// final status.
func browse(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Errorf("browsing %s: %v", u, err)
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// apiStatus calls the test server's protected API with tok.
func apiStatus(t *testing.T, s *oauthtest.Server, tok *oauth.Token) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.APIURL(), nil)
	tok.SetAuthHeader(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

type loginResult struct {
	tok *oauth.Token
	err error
}

func loginAsync(ctx context.Context, cfg oauth.Config, o oauth.LoginOptions) chan loginResult {
	ch := make(chan loginResult, 1)
	go func() {
		tok, err := cfg.LoginAuthCode(ctx, o)
		ch <- loginResult{tok, err}
	}()
	return ch
}

func TestLoginAuthCodePrintsURLAndExchangesWithPKCE(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	out := newURLWriter()
	res := loginAsync(t.Context(), s.Config("read", "write"), oauth.LoginOptions{Out: out, Timeout: 10 * time.Second})
	authURL := <-out.urls
	u, _ := url.Parse(authURL)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" {
		t.Fatalf("authorization URL lacks PKCE or state: %s", authURL)
	}
	if redirect := q.Get("redirect_uri"); !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/callback$`).MatchString(redirect) {
		t.Fatalf("redirect_uri = %q, want http://127.0.0.1:<port>/callback", redirect)
	}
	if got := browse(t, authURL); got != http.StatusOK {
		t.Fatalf("the browser ended on status %d", got)
	}
	r := <-res
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.tok.RefreshToken == "" || r.tok.Grant != oauth.GrantAuthorizationCode || strings.Join(r.tok.Scopes, " ") != "read write" {
		t.Fatalf("token = %v", r.tok)
	}
	if got := apiStatus(t, s, r.tok); got != http.StatusOK {
		t.Fatalf("API answered %d with the new token", got)
	}
	if !strings.Contains(out.String(), "Open this URL in a browser") {
		t.Errorf("no browser: the URL should be offered to open by hand; printed:\n%s", out)
	}
	if st := s.Stats(); st.CodeExchanges != 1 {
		t.Errorf("code exchanges = %d, want 1", st.CodeExchanges)
	}
	// The one-shot server is gone.
	if _, err := http.Get(q.Get("redirect_uri")); err == nil {
		t.Error("the loopback server still answers after the sign-in")
	}
}

func TestLoginAuthCodeOpensBrowser(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	var opened []string
	tok, err := s.Config().LoginAuthCode(t.Context(), oauth.LoginOptions{
		Timeout: 10 * time.Second,
		OpenBrowser: func(u string) error {
			opened = append(opened, u)
			go browse(t, u)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(opened) != 1 || tok.AccessToken == "" {
		t.Fatalf("opened %v, token %v", opened, tok)
	}
}

func TestLoginAuthCodeFallsBackToPrintingWhenBrowserFails(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	out := newURLWriter()
	res := loginAsync(t.Context(), s.Config(), oauth.LoginOptions{
		Out: out, Timeout: 10 * time.Second,
		OpenBrowser: func(string) error { return errors.New("no display") },
	})
	browse(t, <-out.urls)
	if r := <-res; r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(out.String(), "Open this URL in a browser") {
		t.Errorf("printed:\n%s", out)
	}
}

// A request to the callback with another state, or a code without one
// (from any page), is refused and ignored: the sign-in goes on and ends
// with its own answer.
func TestLoginAuthCodeIgnoresOtherStates(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	out := newURLWriter()
	res := loginAsync(t.Context(), s.Config(), oauth.LoginOptions{Out: out, Timeout: 10 * time.Second})
	authURL := <-out.urls
	u, _ := url.Parse(authURL)
	redirect := u.Query().Get("redirect_uri")
	for _, q := range []string{"?code=forged&state=not-ours", "?code=forged", "", "?error=access_denied&state=not-ours"} {
		if got := browse(t, redirect+q); got != http.StatusBadRequest {
			t.Errorf("callback %s answered %d, want 400", q, got)
		}
	}
	select {
	case r := <-res:
		t.Fatalf("the sign-in ended on a foreign answer: %v", r.err)
	default:
	}
	if got := browse(t, authURL); got != http.StatusOK {
		t.Errorf("the sign-in's own answer got %d", got)
	}
	if r := <-res; r.err != nil {
		t.Fatal(r.err)
	}
	if st := s.Stats(); st.CodeExchanges != 1 {
		t.Errorf("code exchanges = %d, want the sign-in's own only", st.CodeExchanges)
	}
}

func TestLoginAuthCodeReportsAuthorizationError(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	out := newURLWriter()
	res := loginAsync(t.Context(), s.Config(), oauth.LoginOptions{Out: out, Timeout: 10 * time.Second})
	u, _ := url.Parse(<-out.urls)
	q := u.Query()
	q.Del("code_challenge") // the server requires PKCE and redirects back with an error
	u.RawQuery = q.Encode()
	browse(t, u.String())
	var ae *oauth.AuthorizationError
	if r := <-res; !errors.As(r.err, &ae) || ae.Code != "invalid_request" {
		t.Fatalf("err = %v, want an AuthorizationError invalid_request", r.err)
	}
}

// An error redirect with this sign-in's state is reported, its text fit
// for the terminal.
func TestLoginAuthCodeReportsAnErrorSafely(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	out := newURLWriter()
	res := loginAsync(t.Context(), s.Config(), oauth.LoginOptions{Out: out, Timeout: 10 * time.Second})
	u, _ := url.Parse(<-out.urls)
	browse(t, u.Query().Get("redirect_uri")+"?error=access_denied&error_description=The+user+said+no%1b%5b2J&state="+url.QueryEscape(u.Query().Get("state")))
	var ae *oauth.AuthorizationError
	if r := <-res; !errors.As(r.err, &ae) || ae.Code != "access_denied" {
		t.Fatalf("err = %v, want an AuthorizationError access_denied", r.err)
	}
	// Any page may send this redirect: no escape sequence reaches the
	// terminal.
	if ae.Description != "The user said no[2J" {
		t.Errorf("description %q", ae.Description)
	}
}

// An error redirect without a state, as some providers send when the
// user declines, ends the sign-in at once with the provider's error,
// rather than a wait until the timeout.
func TestLoginAuthCodeErrorWithoutState(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	out := newURLWriter()
	res := loginAsync(t.Context(), s.Config(), oauth.LoginOptions{Out: out, Timeout: 10 * time.Second})
	u, _ := url.Parse(<-out.urls)
	if got := browse(t, u.Query().Get("redirect_uri")+"?error=access_denied&error_description=User+denied"); got != http.StatusBadRequest {
		t.Errorf("the error page answered %d, want 400 (sign-in failed)", got)
	}
	select {
	case r := <-res:
		var ae *oauth.AuthorizationError
		if !errors.As(r.err, &ae) || ae.Code != "access_denied" || ae.Description != "User denied" {
			t.Fatalf("err = %v, want access_denied (User denied)", r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the sign-in did not end on the provider's error")
	}
}

func TestLoginAuthCodeTimeoutAndCancel(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	_, err := s.Config().LoginAuthCode(t.Context(), oauth.LoginOptions{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, oauth.ErrLoginTimeout) {
		t.Errorf("err = %v, want ErrLoginTimeout", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	out := newURLWriter()
	res := loginAsync(ctx, s.Config(), oauth.LoginOptions{Out: out, Timeout: time.Minute})
	<-out.urls
	cancel()
	select {
	case r := <-res:
		if !errors.Is(r.err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the sign-in did not stop when its context was cancelled")
	}
}

// The server refuses a code exchanged with another verifier than the one
// whose challenge was sent: PKCE is checked, so the success above means
// the client sent the right one.
func TestServerRejectsWrongVerifier(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	cfg := s.Config()
	oc := &oauth2.Config{ClientID: cfg.ClientID, Endpoint: oauth2.Endpoint{AuthURL: cfg.AuthURL, TokenURL: cfg.TokenURL}, RedirectURL: "http://127.0.0.1:1/callback"}
	verifier := oauth2.GenerateVerifier()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	code := func() string {
		resp, err := noRedirect.Get(oc.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		return loc.Query().Get("code")
	}
	_, err := oc.Exchange(t.Context(), code(), oauth2.VerifierOption(oauth2.GenerateVerifier()))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("wrong verifier: err = %v, want invalid_grant", err)
	}
	if _, err := oc.Exchange(t.Context(), code()); err == nil {
		t.Fatal("no verifier: the code was exchanged")
	}
	if _, err := oc.Exchange(t.Context(), code(), oauth2.VerifierOption(verifier)); err != nil {
		t.Fatalf("right verifier: %v", err)
	}
}

func TestLoginDevice(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	out := newURLWriter()
	res := make(chan loginResult, 1)
	go func() {
		tok, err := s.Config("read").LoginDevice(t.Context(), oauth.LoginOptions{Out: out, Timeout: 20 * time.Second})
		res <- loginResult{tok, err}
	}()
	<-out.urls // verification URI
	complete := <-out.urls
	if !strings.Contains(complete, "user_code=") {
		t.Fatalf("second URL printed is %q, want the complete verification URI", complete)
	}
	if got := browse(t, complete); got != http.StatusOK {
		t.Fatalf("approving the device answered %d", got)
	}
	r := <-res
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.tok.Grant != oauth.GrantDeviceCode || r.tok.RefreshToken == "" || apiStatus(t, s, r.tok) != http.StatusOK {
		t.Fatalf("token = %v", r.tok)
	}
	if !strings.Contains(out.String(), "enter the code") {
		t.Errorf("printed:\n%s", out)
	}
}

func TestClientCredentials(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	cfg := s.Config("read")
	if _, err := cfg.ClientCredentials(t.Context()); err == nil {
		t.Fatal("client credentials without a secret succeeded")
	}
	cfg.ClientSecret = "wrong"
	_, err := cfg.ClientCredentials(t.Context())
	var se *oauth.ServerError
	if !errors.As(err, &se) || se.Code != "invalid_client" {
		t.Fatalf("wrong secret: err = %v, want a ServerError invalid_client", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the error shows the secret: %v", err)
	}
	cfg.ClientSecret = s.ClientSecret()
	tok, err := cfg.ClientCredentials(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if tok.Grant != oauth.GrantClientCredentials || tok.RefreshToken != "" || apiStatus(t, s, tok) != http.StatusOK {
		t.Fatalf("token = %v", tok)
	}
}

func TestValidateRefusesPlainHTTPEndpoints(t *testing.T) {
	cfg := oauth.Config{ClientID: "x", AuthURL: "http://auth.example.com/authorize", TokenURL: "https://auth.example.com/token"}
	if err := cfg.Validate(oauth.GrantAuthorizationCode); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("err = %v, want a refusal naming https", err)
	}
	cfg.AuthURL = "https://auth.example.com/authorize"
	if err := cfg.Validate(oauth.GrantAuthorizationCode); err != nil {
		t.Error(err)
	}
	if err := cfg.Validate(oauth.GrantDeviceCode); err == nil {
		t.Error("device grant without a device authorization URL accepted")
	}
	if err := (oauth.Config{TokenURL: "https://a/t"}).Validate(oauth.GrantAuthorizationCode); err == nil || !strings.Contains(err.Error(), "client ID") {
		t.Errorf("err = %v, want one naming the client ID", err)
	}
}

// echoingServer is an authorization server that approves every sign-in
// and then refuses it, quoting the client secret it was sent.
func echoingServer(t *testing.T, secret string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/authorize" {
			q := r.URL.Query()
			http.Redirect(w, r, q.Get("redirect_uri")+"?code=c0de&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":"invalid_client","error_description":"unknown secret %s"}`, secret)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// An error answer that quotes the client secret never shows it, whatever
// the grant.
func TestLoginErrorsHideTheClientSecret(t *testing.T) {
	const secret = "cs-secret-0123456789"
	srv := echoingServer(t, secret)
	cfg := oauth.Config{ClientID: "c", ClientSecret: secret, ClientAuth: oauth.ClientAuthPost,
		AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token", DeviceAuthURL: srv.URL + "/device"}
	o := oauth.LoginOptions{Timeout: 10 * time.Second, OpenBrowser: func(u string) error {
		go browse(t, u)
		return nil
	}}
	_, codeErr := cfg.LoginAuthCode(t.Context(), o)
	_, devErr := cfg.LoginDevice(t.Context(), o)
	for name, err := range map[string]error{"authorization code": codeErr, "device": devErr} {
		if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "invalid_client") {
			t.Errorf("%s: error %v, want invalid_client without the secret", name, err)
		}
	}
}

// The browser's page is answered once the code is exchanged: it says
// whether the sign-in worked.
func TestLoginAuthCodePageShowsTheExchange(t *testing.T) {
	refusing := echoingServer(t, "cs-secret-0123456789")
	for name, cfg := range map[string]oauth.Config{
		"accepted": startServer(t, oauthtest.Options{}).Config(),
		"refused":  {ClientID: "c", AuthURL: refusing.URL + "/authorize", TokenURL: refusing.URL + "/token"},
	} {
		t.Run(name, func(t *testing.T) {
			page := make(chan string, 1)
			_, err := cfg.LoginAuthCode(t.Context(), oauth.LoginOptions{Timeout: 10 * time.Second, OpenBrowser: oauthtest.PageBrowser(page)})
			got := <-page
			switch {
			case err == nil && !strings.HasPrefix(got, "200 ") || err == nil && !strings.Contains(got, "Signed in"):
				t.Errorf("signed in, but the page says %q", got)
			case err != nil && (!strings.HasPrefix(got, "400 ") || !strings.Contains(got, "invalid_client")):
				t.Errorf("sign-in failed (%v), but the page says %q", err, got)
			case (err == nil) != (name == "accepted"):
				t.Errorf("err = %v", err)
			}
		})
	}
}

// Unattended, a sign-in that opened no browser fails at once; one that
// opened a browser waits for it.
func TestLoginAuthCodeUnattended(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	for name, open := range map[string]func(string) error{
		"no browser":     nil,
		"browser failed": func(string) error { return errors.New("no graphical display") },
	} {
		var out strings.Builder
		start := time.Now()
		_, err := s.Config().LoginAuthCode(t.Context(), oauth.LoginOptions{Out: &out, OpenBrowser: open, Unattended: true, Timeout: 10 * time.Second})
		if !errors.Is(err, oauth.ErrNoBrowser) || time.Since(start) > 5*time.Second || out.Len() != 0 {
			t.Errorf("%s: err = %v after %s, printed %q; want ErrNoBrowser at once", name, err, time.Since(start), out.String())
		}
	}
	opened := func(u string) error {
		go browse(t, u)
		return nil
	}
	if tok, err := s.Config().LoginAuthCode(t.Context(), oauth.LoginOptions{OpenBrowser: opened, Unattended: true, Timeout: 10 * time.Second}); err != nil || tok.AccessToken == "" {
		t.Errorf("browser opened: %v, %v", tok, err)
	}
}

// deadlineCtx is a context whose deadline passes when the test closes
// done.
type deadlineCtx struct {
	context.Context
	done chan struct{}
}

func (c *deadlineCtx) Done() <-chan struct{} { return c.done }

func (c *deadlineCtx) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// timedOut is a context whose deadline passes when end is called.
func timedOut() (ctx context.Context, end func()) {
	c := &deadlineCtx{Context: context.Background(), done: make(chan struct{})}
	return c, func() { close(c.done) }
}

// cancelled is a context cancelled when end is called.
func cancelled() (ctx context.Context, end func()) {
	return context.WithCancel(context.Background())
}

// endCase is a way a sign-in ends (ctx, ended by calling its end
// function), the error it returns then, and what the browser's page says.
type endCase struct {
	name string
	ctx  func() (context.Context, func())
	want error
	page string
}

// A redirect that arrives as the sign-in ends (its time ran out, or it
// was cancelled) gets a page that says the sign-in failed, rather than
// one the browser waits for until it gives up.
func TestLoginAuthCodePageWhenTheSignInEndsFirst(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	for _, tc := range []endCase{
		{"timed out", timedOut, oauth.ErrLoginTimeout, "not completed in time"},
		{"cancelled", cancelled, context.Canceled, "canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, end := tc.ctx()
			page := make(chan string, 1)
			queued := make(chan struct{})
			var authURL string
			o := oauth.WithLoginHooks(oauth.LoginOptions{Timeout: time.Hour, OpenBrowser: func(u string) error {
				// The sign-in ends as soon as it waits; the redirect
				// comes in while it stops waiting.
				authURL = u
				end()
				return nil
			}}, func() { close(queued) }, func() {
				oauthtest.PageBrowser(page)(authURL)
				<-queued
			})
			_, err := s.Config().LoginAuthCode(ctx, o)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			select {
			case got := <-page:
				if !strings.HasPrefix(got, "400 ") || !strings.Contains(got, "Sign-in failed") || !strings.Contains(got, tc.page) {
					t.Errorf("page = %q, want a 400 that says the sign-in failed (%s)", got, tc.page)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the browser got no page: it waits until it gives up")
			}
		})
	}
}

// When the sign-in's time runs out (or it is cancelled) while the code is
// being exchanged, the browser's page and the error say so in plain words,
// not with the HTTP client's "context deadline exceeded".
func TestLoginAuthCodeEndsDuringTheExchange(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	for _, tc := range []endCase{
		{"timed out", timedOut, oauth.ErrExchangeTimeout, "the sign-in ran out of time while exchanging the authorization code for a token; start it again"},
		{"cancelled", cancelled, context.Canceled, "the sign-in was cancelled while exchanging the authorization code for a token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, end := tc.ctx()
			var once sync.Once
			// The token endpoint ends the sign-in when the code comes,
			// and answers only once the client has given up.
			token := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.ParseForm() // read whole: the server then sees the client leave
				once.Do(end)
				<-r.Context().Done()
			}))
			t.Cleanup(token.Close)
			cfg := s.Config()
			cfg.TokenURL = token.URL + "/token"
			page := make(chan string, 1)
			_, err := cfg.LoginAuthCode(ctx, oauth.LoginOptions{Timeout: time.Hour, OpenBrowser: oauthtest.PageBrowser(page)})
			if !errors.Is(err, tc.want) || strings.Contains(err.Error(), "context") {
				t.Errorf("err = %v, want %v in plain words", err, tc.want)
			}
			got := <-page
			if !strings.HasPrefix(got, "400 ") || !strings.Contains(got, tc.page) || strings.Contains(got, "context") {
				t.Errorf("page = %q, want a 400 that says %q", got, tc.page)
			}
		})
	}
}
