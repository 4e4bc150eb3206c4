package oauth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// DefaultSkew is how long before its expiry a token is renewed.
const DefaultSkew = 30 * time.Second

// DefaultLockWait bounds the wait for another process's refresh.
const DefaultLockWait = time.Minute

// TokenSource hands out the access token stored for one account, renewing
// it when it is about to expire or after the API refused it: with the
// refresh token (the rotated one is stored at once), or for client
// credentials with a new request. Renewals are serialised across processes
// by a lock file in LockDir; under the lock the store is read again, so a
// token another process has just renewed is used rather than spending the
// refresh token twice. A renewal once sent is completed and stored even if
// the caller's context ends meanwhile, so a rotated refresh token is never
// lost, and counted in Renewals until then so that the process can wait for
// it before it exits. A renewed token the store refuses stays in use and is
// what the next renewal starts from (the stored one's refresh token is
// spent); it is stored again then. Safe for concurrent use; not to be
// copied after first use.
type TokenSource struct {
	Config  Config
	Store   Store
	Account string
	// LockDir holds the lock files (created 0700 if missing). Empty
	// serialises renewals within this process only.
	LockDir string
	// Skew renews a token this long before it expires (default DefaultSkew).
	Skew time.Duration
	// LockWait bounds the wait for another process's renewal (default
	// DefaultLockWait).
	LockWait time.Duration
	// Warn, when set, is told about a renewed token that could not be
	// stored (it is still used by this process, and stored again at its
	// next renewal). The error holds no token.
	Warn func(msg string, err error)
	// Renewals, when set, counts each renewal from the moment it may be
	// sent until its token is stored; the process waits for them before
	// it exits (Renewals.Wait). Nil: not counted.
	Renewals *Renewals

	once sync.Once
	sem  chan struct{} // held while the store is read or the token renewed

	mu       sync.Mutex // guards cur, rejected, unsaved and spent
	cur      *Token
	rejected string // an access token the API refused
	// unsaved is cur when the store refused it after a renewal, and spent
	// the refresh token that renewal sent: the store still holds it,
	// spent, until unsaved is stored (see own).
	unsaved *Token
	spent   string
}

// NewTokenSource returns a TokenSource for the token stored for account in
// store, renewing it with cfg and locking in lockDir.
func NewTokenSource(cfg Config, store Store, account, lockDir string) *TokenSource {
	return &TokenSource{Config: cfg, Store: store, Account: account, LockDir: lockDir}
}

// Token returns a token that has not expired (nor will within Skew) and
// was not refused. It fails with a *LoginRequiredError (errors.Is
// ErrLoginRequired) when the user must sign in again: the stored token is
// unreadable, the refresh token was refused (invalid_grant), or the token
// cannot be renewed at all; with the store's error, wrapped, when it
// cannot be read (nothing stored, keyring unavailable).
func (s *TokenSource) Token(ctx context.Context) (*Token, error) {
	if t := s.current(); t != nil {
		return t, nil
	}
	s.once.Do(func() { s.sem = make(chan struct{}, 1) })
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	type result struct {
		tok *Token
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-s.sem }()
		tok, err := s.loadOrRenew(ctx)
		done <- result{tok, err}
	}()
	select {
	case r := <-done:
		return r.tok, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Invalidate tells the source that the API refused accessToken (an HTTP
// 401), and reports whether the next Token gives another: it renews it,
// once, unless another process already has. Retrying the request once with
// the new token is the caller's job. A token nothing renews (no refresh
// token, no client credentials: GitHub's OAuth apps) stays in use unless
// a new sign-in stored another, and Invalidate reports false: one endpoint
// that refuses it (one that needs more rights answers 401 in many APIs)
// must not end it for the others, and the API's answer says more than a
// sign-in error would. Once it expires, Token asks for a sign-in.
func (s *TokenSource) Invalidate(accessToken string) bool {
	s.mu.Lock()
	cur := s.cur
	if cur == nil || cur.AccessToken != accessToken || cur.Renewable() {
		s.rejected = accessToken
		s.mu.Unlock()
		return true
	}
	s.mu.Unlock()
	stored, err := Load(s.Store, s.Account)
	if err != nil || stored.AccessToken == accessToken {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected = accessToken // the next Token reads the new sign-in
	return true
}

// current is the token in memory when it is still usable.
func (s *TokenSource) current() *Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil && s.usable(s.cur) {
		return copyToken(s.cur)
	}
	return nil
}

// use makes tok the token in memory; renewed clears a rejection.
func (s *TokenSource) use(tok *Token, renewed bool) *Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = tok
	if renewed {
		s.rejected = ""
	}
	return copyToken(tok)
}

func (s *TokenSource) wasRejected(accessToken string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return accessToken == s.rejected
}

// usableNow is usable under s.mu.
func (s *TokenSource) usableNow(t *Token) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.usable(t)
}

// loadOrRenew runs with s.sem held: it reads the store (another process
// may have renewed the token) and renews the token under the lock file if
// still needed.
func (s *TokenSource) loadOrRenew(ctx context.Context) (*Token, error) {
	if t := s.current(); t != nil { // renewed while we waited for s.sem
		return t, nil
	}
	tok, err := Load(s.Store, s.Account)
	if err == nil {
		if err := tok.CheckType(); err != nil {
			return nil, err // renewing it would bring the same type
		}
		tok = s.own(tok, s.LockDir == "")
	}
	switch {
	case err == nil && s.usableNow(tok):
		return s.use(tok, false), nil
	case err != nil && s.LockDir == "":
		return nil, err
	}
	// A read that failed may have met another process saving the token
	// (a token split into parts is written part by part): it is read
	// again under the lock, which that process holds while it saves.
	if s.LockDir != "" {
		wait := s.LockWait
		if wait <= 0 {
			wait = DefaultLockWait
		}
		lctx, cancel := context.WithTimeout(ctx, wait)
		release, err := acquireLock(lctx, lockPath(s.LockDir, s.Account))
		cancel()
		if err != nil {
			return nil, err
		}
		defer release()
		// Read again under the lock: the process that held it may have
		// renewed the token while we waited.
		if tok, err = Load(s.Store, s.Account); err != nil {
			return nil, err
		}
		tok = s.own(tok, true)
		if s.usableNow(tok) {
			return s.use(tok, false), nil
		}
	}
	// Counted before ctx is checked: a caller that gives up after this
	// check leaves a renewal the process waits for; one that gave up
	// before it leaves none.
	defer s.Renewals.start()()
	if err := ctx.Err(); err != nil {
		return nil, err // nothing sent yet: leave the renewal to the next caller
	}
	// From here the renewal is completed whatever happens to ctx: the
	// server may rotate the refresh token as soon as it receives it.
	fresh, err := s.renew(context.WithoutCancel(ctx), tok)
	if err != nil {
		var le *LoginRequiredError
		if errors.As(err, &le) && le.refused != "" && s.LockDir != "" {
			s.recordRefusal(tok.RefreshToken, le.refused)
		}
		return nil, err
	}
	if err := Save(s.Store, s.Account, fresh); err != nil {
		s.keepUnsaved(fresh, tok.RefreshToken)
		if s.Warn != nil {
			s.Warn("the renewed OAuth token could not be stored: this process goes on with it and stores it at its next renewal; until then the keyring holds a refresh token the server may refuse, so another process may ask for a new sign-in", err)
		}
	} else {
		s.keepUnsaved(nil, "")
	}
	return s.use(fresh, true), nil
}

// recordRefusal notes on the stored token that the authorization server
// refused its refresh token with code, so that no process sends it again
// and status can say why a sign-in is needed. Only under the renewal lock
// (a sign-in saved meanwhile would be overwritten otherwise), and only
// while the store still holds that refresh token. A store that refuses
// the write loses the note, nothing else.
func (s *TokenSource) recordRefusal(refreshToken, code string) {
	stored, err := Load(s.Store, s.Account)
	if err != nil || stored.RefreshToken != refreshToken {
		return
	}
	stored.Refused, stored.RefusedAt = code, time.Now().UTC()
	_ = Save(s.Store, s.Account, stored)
}

// keepUnsaved notes tok as the token the store refused after spending the
// refresh token spent (nil: the store holds the current token).
func (s *TokenSource) keepUnsaved(tok *Token, spent string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok == nil || spent == "" {
		// Nothing spent (client credentials): the stored token still
		// renews as well as ours.
		s.unsaved, s.spent = nil, ""
		return
	}
	if s.unsaved == nil {
		// A token refused before this one keeps the refresh token the
		// store still holds as the spent one.
		s.spent = spent
	}
	s.unsaved = copyToken(tok)
}

// own is stored, the token just read from the store, unless it still
// carries the refresh token this process spent in a renewal whose token
// the store refused: that one is spent (a rotating server refuses it and
// may revoke every token of the sign-in for its reuse), so the token this
// process holds is used, and saved again when save (the renewal lock is
// held).
func (s *TokenSource) own(stored *Token, save bool) *Token {
	s.mu.Lock()
	unsaved, spent := s.unsaved, s.spent
	s.mu.Unlock()
	switch {
	case unsaved == nil:
		return stored
	case stored.RefreshToken != spent:
		// The store moved on (a new sign-in): its token is the one to use.
		s.keepUnsaved(nil, "")
		return stored
	}
	if save && Save(s.Store, s.Account, unsaved) == nil {
		s.keepUnsaved(nil, "")
	}
	return copyToken(unsaved)
}

// Renewals counts the token renewals in flight in a process, so that it
// can wait for them before it exits: a renewal outlives the caller that
// started it (a tool call that timed out, a session whose input ended),
// and the refresh token it spends is replaced by the one its answer
// brings, which only a completed renewal stores. The zero value is ready
// to use; a nil *Renewals counts nothing.
type Renewals struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops back to 0
}

// start counts one renewal; the function it returns ends it.
func (r *Renewals) start() (done func()) {
	if r == nil {
		return func() {}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == 0 {
		r.idle = make(chan struct{})
	}
	r.n++
	return sync.OnceFunc(func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.n--; r.n == 0 {
			close(r.idle)
		}
	})
}

// Pending reports whether a renewal is in flight. A nil *Renewals has none.
func (r *Renewals) Pending() bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n > 0
}

// Wait returns when no renewal is in flight, or with ctx's error when ctx
// ends first. A nil *Renewals has none.
func (r *Renewals) Wait(ctx context.Context) error {
	if r == nil {
		return nil
	}
	for {
		// Again after each idle moment: a renewal may have started since.
		r.mu.Lock()
		n, idle := r.n, r.idle
		r.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *TokenSource) usable(t *Token) bool {
	skew := s.Skew
	if skew <= 0 {
		skew = DefaultSkew
	}
	return t.AccessToken != "" && t.AccessToken != s.rejected && !t.ExpiresWithin(t.margin(skew), time.Now())
}

func copyToken(t *Token) *Token {
	c := *t
	c.Scopes = append([]string(nil), t.Scopes...)
	return &c
}

// renew gets a new token for tok, the client's secret sent as it was
// when tok was obtained unless the Config says how.
func (s *TokenSource) renew(ctx context.Context, tok *Token) (*Token, error) {
	cfg := s.Config
	if cfg.ClientAuth == "" {
		cfg.ClientAuth = tok.ClientAuth
	}
	switch {
	case tok.RefreshToken != "" && tok.Refused == "":
		return s.refresh(ctx, cfg, tok)
	case tok.Grant == GrantClientCredentials:
		return cfg.ClientCredentials(ctx)
	case tok.RefreshToken != "":
		// Refused: sent again it would be refused again (and a server
		// that detects reuse may revoke what is left of the sign-in).
		return nil, &LoginRequiredError{Account: s.Account, Reason: fmt.Sprintf("the authorization server refused the refresh token (%s) at %s", tok.Refused, tok.RefusedAt.UTC().Format(time.RFC3339))}
	case s.wasRejected(tok.AccessToken):
		return nil, &LoginRequiredError{Account: s.Account, Reason: "the API refused the access token and no refresh token was granted"}
	default:
		return nil, &LoginRequiredError{Account: s.Account, Reason: "the access token expired and no refresh token was granted"}
	}
}

// refresh spends tok's refresh token with cfg.
func (s *TokenSource) refresh(ctx context.Context, cfg Config, tok *Token) (*Token, error) {
	tokenURL := cfg.oauth2Config("", true).Endpoint.TokenURL
	if tokenURL == "" {
		return nil, &LoginRequiredError{Account: s.Account, Reason: "no token URL to refresh the token with"}
	}
	if err := checkEndpoint(tokenURL); err != nil {
		return nil, err
	}
	t, style, err := cfg.withClientAuth(func(c Config) (*oauth2.Token, error) {
		return c.oauth2Config("", true).TokenSource(c.withClient(ctx), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	})
	if err != nil {
		var re *oauth2.RetrieveError
		// GitHub says bad_refresh_token (in a 200 answer) where RFC 6749
		// says invalid_grant.
		if errors.As(err, &re) && (re.ErrorCode == "invalid_grant" || re.ErrorCode == "invalid_token" || re.ErrorCode == "bad_refresh_token") {
			return nil, &LoginRequiredError{Account: s.Account, Reason: "the authorization server refused the refresh token (" + re.ErrorCode + ")", refused: re.ErrorCode}
		}
		return nil, serverError("token", err, tok.RefreshToken, tok.AccessToken, cfg.ClientSecret)
	}
	fresh, err := FromOAuth2(t, tok.Grant, tok.Scopes)
	if err != nil {
		return nil, err
	}
	fresh.ClientAuth = style
	if fresh.Grant == "" {
		fresh.Grant = GrantAuthorizationCode
	}
	return fresh, nil
}
