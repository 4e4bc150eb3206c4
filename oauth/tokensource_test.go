package oauth_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/oauth/oauthtest"
)

// Environment of the refreshing child process (see TestMain).
const (
	envHelper   = "OAUTH_TEST_REFRESH_HELPER"
	envStore    = "OAUTH_TEST_STORE"
	envLockDir  = "OAUTH_TEST_LOCK_DIR"
	envTokenURL = "OAUTH_TEST_TOKEN_URL"
	envClientID = "OAUTH_TEST_CLIENT_ID"
)

func TestMain(m *testing.M) {
	if os.Getenv(envHelper) == "1" {
		os.Exit(refreshHelper())
	}
	os.Exit(m.Run())
}

// refreshHelper is another process using the same token: it prints the
// access token its TokenSource hands out.
func refreshHelper() int {
	cfg := oauth.Config{ClientID: os.Getenv(envClientID), TokenURL: os.Getenv(envTokenURL)}
	src := oauth.NewTokenSource(cfg, keyring.PlainFile{Path: os.Getenv(envStore)}, "acme", os.Getenv(envLockDir))
	src.Skew = time.Millisecond
	tok, err := src.Token(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Print(tok.AccessToken)
	return 0
}

// signIn gets a token through the device grant, the quickest flow to drive.
func signIn(t *testing.T, s *oauthtest.Server) *oauth.Token {
	t.Helper()
	out := newURLWriter()
	res := make(chan loginResult, 1)
	go func() {
		tok, err := s.Config("read").LoginDevice(t.Context(), oauth.LoginOptions{Out: out, Timeout: 20 * time.Second})
		res <- loginResult{tok, err}
	}()
	<-out.urls
	browse(t, <-out.urls)
	r := <-res
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.tok
}

func TestTokenSourceUsesStoredTokenWithoutRefresh(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	store := memStore()
	tok := signIn(t, s)
	if err := oauth.Save(store, "acme", tok); err != nil {
		t.Fatal(err)
	}
	src := oauth.NewTokenSource(s.Config("read"), store, "acme", t.TempDir())
	for range 3 {
		got, err := src.Token(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if got.AccessToken != tok.AccessToken {
			t.Fatal("a valid stored token was replaced")
		}
	}
	if st := s.Stats(); st.Refreshes != 0 {
		t.Errorf("refreshes = %d, want 0", st.Refreshes)
	}
}

func TestTokenSourceRefreshesBeforeExpiryAndStoresRotatedToken(t *testing.T) {
	s := startServer(t, oauthtest.Options{AccessTTL: 3 * time.Second})
	store := memStore()
	first := signIn(t, s)
	oauth.Save(store, "acme", first)
	src := oauth.NewTokenSource(s.Config("read"), store, "acme", t.TempDir())
	src.Skew = 2500 * time.Millisecond // capped at half the token's 3 s: renewed after 1.5 s

	time.Sleep(1600 * time.Millisecond)
	// Still valid at the server: renewed early, before the API refuses it.
	if got := apiStatus(t, s, first); got != http.StatusOK {
		t.Fatalf("the first token was refused before its expiry: %d", got)
	}
	got, err := src.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken == first.AccessToken || got.RefreshToken == first.RefreshToken || got.RefreshToken == "" {
		t.Fatal("the token was not renewed with a rotated refresh token")
	}
	if strings.Join(got.Scopes, " ") != "read" || got.Grant != oauth.GrantDeviceCode {
		t.Errorf("renewed token = %v, want the scopes and grant kept", got)
	}
	stored, err := oauth.Load(store, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if stored.RefreshToken != got.RefreshToken || stored.AccessToken != got.AccessToken {
		t.Fatal("the rotated refresh token was not stored")
	}
	if apiStatus(t, s, got) != http.StatusOK {
		t.Fatal("the API refuses the renewed token")
	}
	if st := s.Stats(); st.Refreshes != 1 {
		t.Errorf("refreshes = %d, want 1", st.Refreshes)
	}
	// A second source (the next process) starts from the stored token.
	next := oauth.NewTokenSource(s.Config("read"), store, "acme", t.TempDir())
	next.Skew = time.Millisecond
	if tok, err := next.Token(t.Context()); err != nil || tok.AccessToken != got.AccessToken {
		t.Fatalf("next process: %v, %v", tok, err)
	}
}

// A token that lasts less than twice the skew is used for half its life,
// not renewed on every use.
func TestTokenSourceShortLivedTokensLastHalfTheirLife(t *testing.T) {
	s := startServer(t, oauthtest.Options{AccessTTL: 2 * time.Second})
	store := memStore()
	first := signIn(t, s)
	oauth.Save(store, "acme", first)
	src := oauth.NewTokenSource(s.Config("read"), store, "acme", t.TempDir())
	for range 3 {
		if got, err := src.Token(t.Context()); err != nil || got.AccessToken != first.AccessToken {
			t.Fatalf("a fresh 2 s token was not used: %v", err)
		}
	}
	if st := s.Stats(); st.Refreshes != 0 {
		t.Errorf("refreshes = %d, want 0 with the default 30 s skew", st.Refreshes)
	}
	time.Sleep(1100 * time.Millisecond)
	if got, err := src.Token(t.Context()); err != nil || got.AccessToken == first.AccessToken {
		t.Fatalf("past half its life the token was not renewed: %v", err)
	}
	if st := s.Stats(); st.Refreshes != 1 {
		t.Errorf("refreshes = %d, want 1", st.Refreshes)
	}
}

func TestTokenSourceRenewsOnceAfterRejection(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	store := memStore()
	first := signIn(t, s)
	oauth.Save(store, "acme", first)
	src := oauth.NewTokenSource(s.Config("read"), store, "acme", t.TempDir())
	s.ExpireAccessTokens() // the API now refuses a token the client believes valid
	if apiStatus(t, s, first) != http.StatusUnauthorized {
		t.Fatal("the API accepts an expired token")
	}
	// Several requests got the 401 at the same time.
	for range 3 {
		src.Invalidate(first.AccessToken)
	}
	second, err := src.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if second.AccessToken == first.AccessToken || apiStatus(t, s, second) != http.StatusOK {
		t.Fatal("the refused token was not renewed")
	}
	// A late 401 for the old token does not renew again.
	src.Invalidate(first.AccessToken)
	if third, err := src.Token(t.Context()); err != nil || third.AccessToken != second.AccessToken {
		t.Fatalf("late rejection: %v, %v", third, err)
	}
	if st := s.Stats(); st.Refreshes != 1 {
		t.Errorf("refreshes = %d, want 1", st.Refreshes)
	}
}

// revokedSignIn stores an expired token of a sign-in the server has
// revoked since.
func revokedSignIn(t *testing.T) (*oauthtest.Server, keyring.Store, *oauth.Token) {
	t.Helper()
	s := startServer(t, oauthtest.Options{})
	store := memStore()
	tok := signIn(t, s)
	tok.Expiry = time.Now().Add(-time.Minute)
	oauth.Save(store, "acme", tok)
	s.RevokeAll()
	return s, store, tok
}

func TestTokenSourceRevokedRefreshTokenNeedsLogin(t *testing.T) {
	s, store, tok := revokedSignIn(t)
	src := oauth.NewTokenSource(s.Config("read"), store, "acme", t.TempDir())
	_, err := src.Token(t.Context())
	if !errors.Is(err, oauth.ErrLoginRequired) {
		t.Fatalf("err = %v, want ErrLoginRequired", err)
	}
	var le *oauth.LoginRequiredError
	if !errors.As(err, &le) || le.Account != "acme" || !strings.Contains(le.Reason, "invalid_grant") {
		t.Errorf("err = %#v", err)
	}
	for _, secret := range []string{tok.AccessToken, tok.RefreshToken} {
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("the error shows a token: %v", err)
		}
	}
}

// A refused refresh token is noted on the stored token: no process sends
// it again, the token no longer reads as renewable, and a new sign-in
// replaces the note.
func TestTokenSourceRecordsARefusedRefreshToken(t *testing.T) {
	s, store, tok := revokedSignIn(t)
	lockDir := t.TempDir()
	if _, err := oauth.NewTokenSource(s.Config("read"), store, "acme", lockDir).Token(t.Context()); !errors.Is(err, oauth.ErrLoginRequired) {
		t.Fatalf("err = %v, want ErrLoginRequired", err)
	}
	stored, err := oauth.Load(store, "acme")
	if err != nil || stored.Refused != "invalid_grant" || stored.RefusedAt.IsZero() || stored.Renewable() || stored.RefreshToken != tok.RefreshToken {
		t.Fatalf("stored after the refusal: %+v, %v", stored, err)
	}
	if d := stored.Describe(time.Now()); !strings.Contains(d, "refresh token refused") || strings.Contains(d, "refreshable") {
		t.Errorf("Describe = %q", d)
	}
	// Another process (a new source) does not send it again.
	_, err = oauth.NewTokenSource(s.Config("read"), store, "acme", lockDir).Token(t.Context())
	var le *oauth.LoginRequiredError
	if !errors.As(err, &le) || !strings.Contains(le.Reason, "refused the refresh token (invalid_grant) at ") {
		t.Fatalf("second process: %v", err)
	}
	if st := s.Stats(); st.RefusedRefreshes != 1 {
		t.Errorf("refused refreshes = %d, want 1: the refused refresh token was sent again", st.RefusedRefreshes)
	}
	// A new sign-in is used as before.
	fresh := signIn(t, s)
	oauth.Save(store, "acme", fresh)
	if got, err := oauth.NewTokenSource(s.Config("read"), store, "acme", lockDir).Token(t.Context()); err != nil || got.AccessToken != fresh.AccessToken {
		t.Fatalf("after a new sign-in: %v, %v", got, err)
	}
}

// A token from client credentials that also carries a refresh token gets
// a new one with the client credentials once the refresh token is refused.
func TestTokenSourceClientCredentialsAfterARefusedRefreshToken(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	store := memStore()
	oauth.Save(store, "acme", &oauth.Token{AccessToken: "old", RefreshToken: "gone", Expiry: time.Now().Add(-time.Minute), Grant: oauth.GrantClientCredentials, Refused: "invalid_grant", RefusedAt: time.Now()})
	cfg := s.Config("read")
	cfg.ClientSecret = s.ClientSecret()
	got, err := oauth.NewTokenSource(cfg, store, "acme", t.TempDir()).Token(t.Context())
	if err != nil || got.AccessToken == "old" {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestTokenSourceWithoutRefreshToken(t *testing.T) {
	store := memStore()
	oauth.Save(store, "acme", &oauth.Token{AccessToken: "at", Expiry: time.Now().Add(-time.Second), Grant: oauth.GrantAuthorizationCode})
	src := oauth.NewTokenSource(oauth.Config{ClientID: "c", TokenURL: "https://auth.example.com/token"}, store, "acme", "")
	if _, err := src.Token(t.Context()); !errors.Is(err, oauth.ErrLoginRequired) {
		t.Fatalf("expired, no refresh token: err = %v, want ErrLoginRequired", err)
	}
	if _, err := oauth.NewTokenSource(oauth.Config{}, memStore(), "none", "").Token(t.Context()); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("nothing stored: err = %v, want the store's not-found error", err)
	}
	store.Set("bad", "not json: secret-value")
	_, err := oauth.NewTokenSource(oauth.Config{}, store, "bad", "").Token(t.Context())
	if !errors.Is(err, oauth.ErrLoginRequired) || strings.Contains(err.Error(), "secret-value") {
		t.Fatalf("unreadable token: err = %v", err)
	}
}

func TestTokenSourceClientCredentialsRenewsWithSecret(t *testing.T) {
	s := startServer(t, oauthtest.Options{AccessTTL: time.Second})
	cfg := s.Config("read")
	cfg.ClientSecret = s.ClientSecret()
	tok, err := cfg.ClientCredentials(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	stored := *tok
	stored.Expiry = time.Now().Add(-time.Second) // expired
	store := memStore()
	oauth.Save(store, "acme", &stored)
	src := oauth.NewTokenSource(cfg, store, "acme", t.TempDir())
	got, err := src.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken == tok.AccessToken || got.Grant != oauth.GrantClientCredentials {
		t.Fatalf("not renewed: %v", got)
	}
	if st := s.Stats(); st.ClientCredentials != 2 {
		t.Errorf("client credentials tokens = %d, want 2", st.ClientCredentials)
	}
}

// Several processes find the token expired at once: exactly one spends the
// refresh token (with rotation a second spend would be refused), the others
// pick up what it stored.
func TestTokenSourceRefreshesOnceAcrossProcesses(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	dir := t.TempDir()
	store := keyring.PlainFile{Path: filepath.Join(dir, "tokens.json")}
	lockDir := filepath.Join(dir, "locks")
	tok := signIn(t, s)
	tok.Expiry = time.Now().Add(-time.Minute)
	if err := oauth.Save(store, "acme", tok); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, processes = 6, 3
	var wg sync.WaitGroup
	results := make(chan string, goroutines+processes)
	errs := make(chan error, goroutines+processes)
	start := make(chan struct{})
	for range goroutines {
		wg.Go(func() {
			<-start
			src := oauth.NewTokenSource(oauth.Config{ClientID: s.Config().ClientID, TokenURL: s.Config().TokenURL}, store, "acme", lockDir)
			src.Skew = time.Millisecond
			got, err := src.Token(t.Context())
			if err != nil {
				errs <- err
				return
			}
			results <- got.AccessToken
		})
	}
	for range processes {
		wg.Go(func() {
			<-start
			cmd := exec.CommandContext(t.Context(), exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), envHelper+"=1", envStore+"="+store.Path, envLockDir+"="+lockDir,
				envTokenURL+"="+s.Config().TokenURL, envClientID+"="+s.Config().ClientID)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				errs <- fmt.Errorf("child: %v: %s", err, stderr.String())
				return
			}
			results <- stdout.String()
		})
	}
	close(start)
	wg.Wait()
	close(results)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[string]bool{}
	for r := range results {
		seen[r] = true
	}
	if len(seen) != 1 || seen[tok.AccessToken] {
		t.Errorf("the sources got %d distinct access tokens, want the same renewed one", len(seen))
	}
	st := s.Stats()
	if st.Refreshes != 1 || st.RefusedRefreshes != 0 {
		t.Errorf("refreshes = %d, refused = %d; want exactly one refresh", st.Refreshes, st.RefusedRefreshes)
	}
}

func TestTokenNeverPrintsSecrets(t *testing.T) {
	tok := oauth.Token{AccessToken: "at-secret", RefreshToken: "rt-secret", Expiry: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), Scopes: []string{"read"}, Grant: oauth.GrantAuthorizationCode}
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok), fmt.Sprintf("%v %+v %#v", &tok, &tok, &tok)} {
		if strings.Contains(s, "secret") {
			t.Fatalf("printed a token: %s", s)
		}
	}
	if got := tok.String(); got != "Bearer token from authorization_code, expires 2030-01-02T03:04:05Z, scopes read, refreshable" {
		t.Errorf("String() = %q", got)
	}
}

func TestTokenDescribeSaysExpired(t *testing.T) {
	expiry := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tok := oauth.Token{Expiry: expiry, Grant: oauth.GrantAuthorizationCode}
	if got := tok.Describe(expiry.Add(-time.Second)); got != "Bearer token from authorization_code, expires 2030-01-02T03:04:05Z" {
		t.Errorf("before the expiry: %q", got)
	}
	if got := tok.Describe(expiry); got != "Bearer token from authorization_code, expired 2030-01-02T03:04:05Z" {
		t.Errorf("at the expiry: %q", got)
	}
	if got := (oauth.Token{}).Describe(expiry); got != "Bearer token, no expiry" {
		t.Errorf("without an expiry: %q", got)
	}
}

// A caller that gives up while the refresh is on its way does not lose the
// rotated refresh token: the renewal completes and is stored, counted in
// Renewals until then so that a process about to exit can wait for it.
func TestTokenSourceKeepsRefreshWhenCallerGivesUp(t *testing.T) {
	s := startServer(t, oauthtest.Options{TokenDelay: 300 * time.Millisecond})
	store := memStore()
	tok := signIn(t, s)
	tok.Expiry = time.Now().Add(-time.Minute)
	oauth.Save(store, "acme", tok)
	var renewals oauth.Renewals
	src := oauth.NewTokenSource(s.Config("read"), store, "acme", t.TempDir())
	src.Renewals = &renewals
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if _, err := src.Token(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the caller's deadline", err)
	}
	wctx, wcancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer wcancel()
	if err := renewals.Wait(wctx); err != nil {
		t.Fatal(err)
	}
	if mustLoad(t, store).RefreshToken == tok.RefreshToken {
		t.Fatal("Wait returned before the rotated refresh token was stored")
	}
	// Nothing in flight: Wait returns at once, even with a context that
	// has ended; so does a nil *Renewals.
	if err := renewals.Wait(ctx); err != nil {
		t.Errorf("Wait with nothing in flight: %v", err)
	}
	if err := (*oauth.Renewals)(nil).Wait(ctx); err != nil {
		t.Errorf("nil Wait: %v", err)
	}
	got, err := src.Token(t.Context()) // waits for the renewal in flight
	if err != nil {
		t.Fatal(err)
	}
	stored, err := oauth.Load(store, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken == tok.AccessToken || stored.RefreshToken != got.RefreshToken {
		t.Fatal("the renewal in flight was not completed and stored")
	}
	if st := s.Stats(); st.Refreshes != 1 || st.RefusedRefreshes != 0 {
		t.Errorf("refreshes = %d, refused = %d; want one refresh", st.Refreshes, st.RefusedRefreshes)
	}
}

func TestRevoke(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	tok := signIn(t, s)
	cfg := s.Config("read")
	if err := cfg.Revoke(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	tok.Expiry = time.Now().Add(-time.Minute)
	store := memStore()
	oauth.Save(store, "acme", tok)
	if _, err := oauth.NewTokenSource(cfg, store, "acme", "").Token(t.Context()); !errors.Is(err, oauth.ErrLoginRequired) {
		t.Fatalf("after revocation: err = %v, want ErrLoginRequired", err)
	}
	cfg.RevocationURL = ""
	if err := cfg.Revoke(t.Context(), tok); err == nil {
		t.Error("revoking without an endpoint succeeded")
	}
}

// What is stored that is no token is told apart (ErrUnreadable) from a
// sign-in that ended; both need a new sign-in.
func TestLoadUnreadable(t *testing.T) {
	store := memStore()
	for _, v := range []string{"{not json", `{"refresh_token":"rt"}`} {
		store.Set("acme", v)
		_, err := oauth.Load(store, "acme")
		if !errors.Is(err, oauth.ErrUnreadable) || !errors.Is(err, oauth.ErrLoginRequired) {
			t.Errorf("%s: err = %v, want ErrUnreadable and ErrLoginRequired", v, err)
		}
	}
	store.Set("acme", `{"access_token":"at","expiry":"2001-01-01T00:00:00Z"}`)
	_, err := oauth.NewTokenSource(oauth.Config{ClientID: "c"}, store, "acme", "").Token(t.Context())
	if !errors.Is(err, oauth.ErrLoginRequired) || errors.Is(err, oauth.ErrUnreadable) {
		t.Errorf("expired without a refresh token: err = %v, want ErrLoginRequired only", err)
	}
}

// A revocation endpoint's answer is a success whatever its 2xx status
// (204 No Content is common); any other is reported with its status.
func TestRevokeStatus(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   string // "" for success
	}{
		{http.StatusOK, ""},
		{http.StatusNoContent, ""},
		{http.StatusAccepted, ""},
		{http.StatusBadRequest, "the revocation endpoint refused the request: HTTP 400 Bad Request"},
		{http.StatusServiceUnavailable, "HTTP 503"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
		}))
		cfg := oauth.Config{ClientID: "c", RevocationURL: srv.URL + "/revoke"}
		err := cfg.Revoke(t.Context(), &oauth.Token{AccessToken: "at", RefreshToken: "rt"})
		srv.Close()
		var se *oauth.ServerError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%d: err = %v, want success", tc.status, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &se) || se.Status != tc.status):
			t.Errorf("%d: err = %v, want a *ServerError saying %q", tc.status, err, tc.want)
		}
	}
}

// A Config with a Resource names it (RFC 8707) in every token request,
// the refresh that golang.org/x/oauth2 sends included; without one, none.
func TestResourceIndicatorOnEveryTokenRequest(t *testing.T) {
	for _, resource := range []string{"https://mcp.example.com/mcp", ""} {
		s := startServer(t, oauthtest.Options{})
		cfg := s.Config("read")
		cfg.Resource = resource
		cfg.ClientSecret = s.ClientSecret()
		if _, err := cfg.ClientCredentials(t.Context()); err != nil {
			t.Fatal(err)
		}
		store := memStore()
		oauth.Save(store, "acme", signIn(t, s))
		s.ExpireAccessTokens()
		src := oauth.NewTokenSource(cfg, store, "acme", t.TempDir())
		src.Invalidate(mustLoad(t, store).AccessToken)
		if _, err := src.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		st := s.Stats()
		if st.Refreshes != 1 {
			t.Fatalf("refreshes = %d, want 1", st.Refreshes)
		}
		// Client credentials, the device sign-in (signIn, with a Config
		// without Resource), the refresh.
		if len(st.Resources) != 3 {
			t.Fatalf("token requests %q, want 3", st.Resources)
		}
		for i, got := range st.Resources {
			want := resource
			if i == 1 {
				want = ""
			}
			if got != want {
				t.Errorf("resource %q of token request %d = %q, want %q", resource, i, got, want)
			}
		}
	}
}

func mustLoad(t *testing.T, store oauth.Store) *oauth.Token {
	t.Helper()
	tok, err := oauth.Load(store, "acme")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// tornStore answers its first read with half a token, as a token split
// into parts reads while another process writes it.
type tornStore struct {
	oauth.Store
	reads int
}

func (s *tornStore) Get(account string) (string, error) {
	s.reads++
	if s.reads == 1 {
		return `{"access_token":"at_half`, nil
	}
	return s.Store.Get(account)
}

// A read that meets another process saving the token is read again under
// the lock, not taken for a token that needs a new sign-in.
func TestTokenSourceReadsATornTokenAgainUnderTheLock(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	store := &tornStore{Store: memStore()}
	tok := signIn(t, s)
	if err := oauth.Save(store, "acme", tok); err != nil {
		t.Fatal(err)
	}
	src := oauth.NewTokenSource(s.Config("read"), store, "acme", t.TempDir())
	got, err := src.Token(t.Context())
	if err != nil || got.AccessToken != tok.AccessToken {
		t.Fatalf("token %v, %v; want the stored one", got, err)
	}
	if store.reads != 2 {
		t.Errorf("%d reads, want 2", store.reads)
	}
}

// A confidential client whose way to authenticate is known sends each
// token request once, that way; unknown, a refused request goes out twice
// (golang.org/x/oauth2 tries Basic, then the form).
func TestClientAuthSendsTokenRequestsOnce(t *testing.T) {
	type seen struct{ basic, form bool }
	var mu sync.Mutex
	var got []seen
	answer := `{"error":"invalid_grant"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		_, _, basic := r.BasicAuth()
		mu.Lock()
		got = append(got, seen{basic, r.PostForm.Get("client_secret") != ""})
		a := answer
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if a == "form only" && !basic {
			_, _ = io.WriteString(w, `{"access_token":"at-form","token_type":"bearer","expires_in":1}`)
			return
		}
		if a == "form only" {
			a = `{"error":"invalid_request","error_description":"client_id missing"}`
		}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, a)
	}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		auth, answer string
		want         []seen
	}{
		{oauth.ClientAuthBasic, `{"error":"invalid_client"}`, []seen{{basic: true}}},
		{oauth.ClientAuthPost, `{"error":"invalid_client"}`, []seen{{form: true}}},
		// Unknown: the form is tried only when the server refuses the
		// client; any other refusal (a spent refresh token, a server
		// that cannot answer now) is not sent again.
		{"", `{"error":"invalid_client"}`, []seen{{basic: true}, {form: true}}},
		// "client_id missing": a provider that reads the client only
		// from the form.
		{"", `{"error":"invalid_request"}`, []seen{{basic: true}, {form: true}}},
		{"", `{"error":"unauthorized_client"}`, []seen{{basic: true}, {form: true}}},
		{"", `not json`, []seen{{basic: true}, {form: true}}},
		{"", `{"error":"invalid_grant"}`, []seen{{basic: true}}},
		{"", `{"error":"temporarily_unavailable"}`, []seen{{basic: true}}},
	} {
		mu.Lock()
		got, answer = nil, tc.answer
		mu.Unlock()
		cfg := oauth.Config{ClientID: "c", ClientSecret: "s", TokenURL: srv.URL, ClientAuth: tc.auth, HTTPClient: srv.Client()}
		if _, err := cfg.ClientCredentials(t.Context()); err == nil {
			t.Fatalf("%q: a refused request succeeded", tc.auth)
		}
		tok := &oauth.Token{AccessToken: "at", RefreshToken: "rt", Expiry: time.Now().Add(-time.Minute)}
		store := memStore()
		oauth.Save(store, "acme", tok)
		if _, err := oauth.NewTokenSource(cfg, store, "acme", "").Token(t.Context()); err == nil {
			t.Fatalf("%q: a refused refresh succeeded", tc.auth)
		}
		mu.Lock()
		if want := append(slices.Clone(tc.want), tc.want...); !slices.Equal(got, want) {
			t.Errorf("%q, %s: requests %+v, want %+v", tc.auth, tc.answer, got, want)
		}
		mu.Unlock()
	}
	// The way found at sign-in is kept with the token: its renewals are
	// sent that way at once.
	mu.Lock()
	got, answer = nil, "form only"
	mu.Unlock()
	cfg := oauth.Config{ClientID: "c", ClientSecret: "s", TokenURL: srv.URL, HTTPClient: srv.Client()}
	tok, err := cfg.ClientCredentials(t.Context())
	if err != nil || tok.ClientAuth != oauth.ClientAuthPost {
		t.Fatalf("token %+v (%v), want the form remembered", tok, err)
	}
	tok.Expiry = time.Now().Add(-time.Minute)
	store := memStore()
	oauth.Save(store, "acme", tok)
	src := oauth.NewTokenSource(cfg, store, "acme", "")
	if _, err := src.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []seen{{basic: true}, {form: true}, {form: true}}; !slices.Equal(got, want) {
		t.Errorf("requests %+v, want %+v", got, want)
	}
	md := oauth.Metadata{}
	if md.ClientAuth() != oauth.ClientAuthBasic {
		t.Error("a provider that lists no method takes Basic (RFC 8414)")
	}
	md.TokenAuthMethods = []string{"private_key_jwt", "client_secret_post"}
	if md.ClientAuth() != oauth.ClientAuthPost {
		t.Error("a provider that lists only the form takes the form")
	}
}

// WithLock holds the lock a renewal takes: a renewal waits for a sign-in
// or a logout running under it, and runs after it.
func TestWithLockHoldsTheRenewalLock(t *testing.T) {
	s := startServer(t, oauthtest.Options{})
	store := memStore()
	tok := signIn(t, s)
	tok.Expiry = time.Now().Add(-time.Minute)
	if err := oauth.Save(store, "acme", tok); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := oauth.NewTokenSource(s.Config("read"), store, "acme", dir)
	src.LockWait = 200 * time.Millisecond
	err := oauth.WithLock(t.Context(), dir, "acme", func() error {
		if _, err := src.Token(t.Context()); err == nil {
			t.Error("a renewal went on while the lock was held")
		}
		return store.Delete("acme") // a logout
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(t.Context()); err == nil {
		t.Error("after the logout the token was renewed from nothing")
	}
	if err := oauth.WithLock(t.Context(), "", "acme", func() error { return nil }); err != nil {
		t.Errorf("without a lock folder: %v", err)
	}
}

// A token's type says how it is used: a bearer token in any case is sent
// as "Bearer"; one restmcp cannot use (MAC, DPoP) fails the sign-in or the
// renewal naming its type, and a stored one is not handed out.
func TestTokenTypes(t *testing.T) {
	for _, typ := range []string{"bearer", "BEARER", "Bearer"} {
		s := startServer(t, oauthtest.Options{TokenType: typ})
		cfg := s.Config("read")
		cfg.ClientSecret = s.ClientSecret()
		tok, err := cfg.ClientCredentials(t.Context())
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		req, _ := http.NewRequest(http.MethodGet, s.APIURL(), nil)
		tok.SetAuthHeader(req)
		if h := req.Header.Get("Authorization"); h != "Bearer "+tok.AccessToken || apiStatus(t, s, tok) != http.StatusOK {
			t.Errorf("%s: Authorization %q", typ, h)
		}
	}
	s := startServer(t, oauthtest.Options{TokenType: "mac"})
	cfg := s.Config("read")
	cfg.ClientSecret = s.ClientSecret()
	tok, err := cfg.ClientCredentials(t.Context())
	var ut *oauth.UnsupportedTokenTypeError
	if !errors.As(err, &ut) || ut.Type != "mac" || tok != nil || !strings.Contains(err.Error(), `type "mac", which restmcp cannot use`) {
		t.Fatalf("mac: %v, %v", tok, err)
	}

	// A renewal that brings another type fails naming it.
	s = startServer(t, oauthtest.Options{})
	store := memStore()
	first := signIn(t, s)
	if err := oauth.Save(store, "acme", first); err != nil {
		t.Fatal(err)
	}
	src := oauth.NewTokenSource(s.Config("read"), store, "acme", t.TempDir())
	s.SetTokenType("DPoP")
	src.Invalidate(first.AccessToken)
	if tok, err := src.Token(t.Context()); !errors.As(err, &ut) || ut.Type != "DPoP" {
		t.Fatalf("renewal: %v, %v", tok, err)
	}

	// A stored token of such a type is not handed out, nor renewed.
	stored := *first
	stored.TokenType = "MAC"
	if err := oauth.Save(store, "acme", &stored); err != nil {
		t.Fatal(err)
	}
	before := s.Stats().Refreshes
	src = oauth.NewTokenSource(s.Config("read"), store, "acme", t.TempDir())
	if tok, err := src.Token(t.Context()); !errors.As(err, &ut) || ut.Type != "MAC" || s.Stats().Refreshes != before {
		t.Fatalf("stored: %v, %v", tok, err)
	}
}

// rotatingServer is a token endpoint whose refresh tokens rotate: each is
// good for one renewal. It records every refresh token sent.
type rotatingServer struct {
	mu    sync.Mutex
	valid map[string]bool
	n     int
	sent  []string
}

func newRotatingServer(t *testing.T, first string) (*rotatingServer, string) {
	rs := &rotatingServer{valid: map[string]bool{first: true}}
	srv := httptest.NewServer(rs)
	t.Cleanup(srv.Close)
	return rs, srv.URL + "/token"
}

func (s *rotatingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := r.Form.Get("refresh_token")
	s.sent = append(s.sent, rt)
	w.Header().Set("Content-Type", "application/json")
	if !s.valid[rt] {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid_grant"}`)
		return
	}
	delete(s.valid, rt)
	s.n++
	next := fmt.Sprintf("rt-%d", s.n)
	s.valid[next] = true
	fmt.Fprintf(w, `{"access_token":"at-%d","token_type":"bearer","expires_in":3600,"refresh_token":%q}`, s.n, next)
}

func (s *rotatingServer) refreshTokensSent() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// refusingStore refuses every Set while refuse is on.
type refusingStore struct {
	oauth.Store
	mu     sync.Mutex
	refuse bool
}

func (s *refusingStore) Set(account, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse {
		return errors.New("the keyring did not answer")
	}
	return s.Store.Set(account, secret)
}

func (s *refusingStore) setRefuse(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = on
}

// expiredBehindRefusingStore is a token source whose stored token has
// expired, its store one that can be told to refuse writes, and the
// authorization server that rotates its refresh tokens (from rt-0).
func expiredBehindRefusingStore(t *testing.T, lockFile bool) (*rotatingServer, *refusingStore, *oauth.TokenSource) {
	t.Helper()
	rs, tokenURL := newRotatingServer(t, "rt-0")
	store := &refusingStore{Store: memStore()}
	if err := oauth.Save(store, "acme", &oauth.Token{AccessToken: "at-0", RefreshToken: "rt-0", Expiry: time.Now().Add(-time.Minute), Grant: oauth.GrantAuthorizationCode}); err != nil {
		t.Fatal(err)
	}
	dir := ""
	if lockFile {
		dir = t.TempDir()
	}
	return rs, store, oauth.NewTokenSource(oauth.Config{ClientID: "c", TokenURL: tokenURL}, store, "acme", dir)
}

// A renewed token the keyring would not take is the one the process renews
// with next: the stored token's refresh token is spent, and sending it again
// would be refused (or taken for a stolen token). It is stored once the
// keyring takes it.
func TestTokenSourceRenewsWithTheTokenItCouldNotStore(t *testing.T) {
	for _, lockDir := range []string{"lock file", "no lock file"} {
		t.Run(lockDir, func(t *testing.T) {
			rs, store, src := expiredBehindRefusingStore(t, lockDir == "lock file")
			var warned []string
			src.Warn = func(msg string, err error) { warned = append(warned, msg) }

			store.setRefuse(true)
			first, err := src.Token(t.Context())
			if err != nil || first.AccessToken != "at-1" {
				t.Fatalf("first renewal: %v, %v", first, err)
			}
			if len(warned) != 1 || !strings.Contains(warned[0], "stores it at its next renewal") {
				t.Errorf("warnings = %q", warned)
			}
			store.setRefuse(false)

			src.Invalidate(first.AccessToken) // the next call renews
			second, err := src.Token(t.Context())
			if err != nil || second.AccessToken != "at-2" {
				t.Fatalf("second renewal: %v, %v (refresh tokens sent: %q)", second, err, rs.refreshTokensSent())
			}
			if sent := rs.refreshTokensSent(); !slices.Equal(sent, []string{"rt-0", "rt-1"}) {
				t.Errorf("refresh tokens sent = %q, want rt-0 then rt-1 (each once)", sent)
			}
			if stored := mustLoad(t, store); stored.RefreshToken != "rt-2" {
				t.Errorf("stored refresh token = %q, want rt-2", stored.RefreshToken)
			}
		})
	}
}

// The token that could not be stored is stored again under the renewal
// lock, before it is renewed: another process then renews with it.
func TestTokenSourceStoresTheUnsavedTokenAgain(t *testing.T) {
	rs, tokenURL := newRotatingServer(t, "rt-0")
	store := &refusingStore{Store: memStore()}
	oauth.Save(store, "acme", &oauth.Token{AccessToken: "at-0", RefreshToken: "rt-0", Expiry: time.Now().Add(-time.Minute)})
	cfg := oauth.Config{ClientID: "c", TokenURL: tokenURL}
	dir := t.TempDir()
	src := oauth.NewTokenSource(cfg, store, "acme", dir)
	store.setRefuse(true)
	if _, err := src.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	store.setRefuse(false)
	// The token endpoint is out of reach for this renewal: the token is
	// still stored.
	src.Config.TokenURL = "http://127.0.0.1:1/token"
	src.Invalidate("at-1")
	if _, err := src.Token(t.Context()); err == nil {
		t.Fatal("renewed without a token endpoint")
	}
	if stored := mustLoad(t, store); stored.RefreshToken != "rt-1" {
		t.Fatalf("stored refresh token = %q, want rt-1", stored.RefreshToken)
	}
	other := oauth.NewTokenSource(cfg, store, "acme", dir)
	other.Invalidate("at-1") // renews at once
	if tok, err := other.Token(t.Context()); err != nil || tok.AccessToken != "at-2" {
		t.Fatalf("another process: %v, %v (sent %q)", tok, err, rs.refreshTokensSent())
	}
}

// A token that nothing renews (no refresh token: GitHub's OAuth apps) stays
// in use after a 401, which may come from an endpoint that needs more
// rights; a new sign-in stored since replaces it; its own expiry asks for
// a sign-in.
func TestTokenSourceKeepsATokenItCannotRenewAfterA401(t *testing.T) {
	store := memStore()
	oauth.Save(store, "acme", &oauth.Token{AccessToken: "at-0", Grant: oauth.GrantAuthorizationCode})
	src := oauth.NewTokenSource(oauth.Config{ClientID: "c", TokenURL: "https://127.0.0.1:1/token"}, store, "acme", t.TempDir())
	tok, err := src.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if src.Invalidate(tok.AccessToken) {
		t.Error("Invalidate reports a token it cannot renew as renewable")
	}
	if again, err := src.Token(t.Context()); err != nil || again.AccessToken != "at-0" {
		t.Fatalf("after a 401: %v, %v; want the same token", again, err)
	}

	// A sign-in in another terminal.
	oauth.Save(store, "acme", &oauth.Token{AccessToken: "at-new", Grant: oauth.GrantAuthorizationCode})
	if !src.Invalidate("at-0") {
		t.Error("Invalidate does not report the token signed in since")
	}
	if next, err := src.Token(t.Context()); err != nil || next.AccessToken != "at-new" {
		t.Fatalf("after a new sign-in: %v, %v; want the new token", next, err)
	}

	oauth.Save(store, "acme", &oauth.Token{AccessToken: "at-old", Expiry: time.Now().Add(-time.Minute), Grant: oauth.GrantAuthorizationCode})
	expired := oauth.NewTokenSource(oauth.Config{ClientID: "c", TokenURL: "https://127.0.0.1:1/token"}, store, "acme", t.TempDir())
	if _, err := expired.Token(t.Context()); !errors.Is(err, oauth.ErrLoginRequired) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired, no refresh token: err = %v, want ErrLoginRequired", err)
	}
}

// A keyring that refuses renewal after renewal (a lasting refusal) still
// holds the first refresh token spent: it is not taken for a new sign-in
// and sent again; each refresh token goes out once.
func TestTokenSourceSendsEachRefreshTokenOnceWhileTheStoreRefuses(t *testing.T) {
	for _, lockDir := range []string{"lock file", "no lock file"} {
		t.Run(lockDir, func(t *testing.T) {
			rs, store, src := expiredBehindRefusingStore(t, lockDir == "lock file")
			store.setRefuse(true)
			for i := 1; i <= 3; i++ {
				tok, err := src.Token(t.Context())
				if err != nil {
					t.Fatalf("renewal %d: %v (sent %q)", i, err, rs.refreshTokensSent())
				}
				src.Invalidate(tok.AccessToken)
			}
			sent := rs.refreshTokensSent()
			if !slices.Equal(sent, []string{"rt-0", "rt-1", "rt-2"}) {
				t.Errorf("refresh tokens sent = %q, want rt-0, rt-1, rt-2 (each once)", sent)
			}
		})
	}
}
