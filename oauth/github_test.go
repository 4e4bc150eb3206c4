package oauth_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/restmcp/restmcp/oauth"
)

// GitHub refuses an expired or revoked refresh token with its own code,
// bad_refresh_token, in a 200 answer: the sign-in no longer holds, as with
// invalid_grant. It is noted on the stored token, not sent again, and the
// user is told to sign in again.
func TestTokenSourceGitHubBadRefreshToken(t *testing.T) {
	var sent atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"error":"bad_refresh_token","error_description":"The refresh token passed is incorrect or expired.","error_uri":"https://docs.github.com"}`)
	}))
	t.Cleanup(srv.Close)
	store := memStore()
	oauth.Save(store, "acme", &oauth.Token{AccessToken: "ghu_old", RefreshToken: "ghr_old", Expiry: time.Now().Add(-time.Minute), Grant: oauth.GrantAuthorizationCode})
	cfg := oauth.Config{ClientID: "c", ClientSecret: "client-secret-0123", ClientAuth: oauth.ClientAuthPost, TokenURL: srv.URL + "/login/oauth/access_token"}
	lockDir := t.TempDir()
	for i := range 2 {
		_, err := oauth.NewTokenSource(cfg, store, "acme", lockDir).Token(t.Context())
		if !errors.Is(err, oauth.ErrLoginRequired) {
			t.Fatalf("call %d: err = %v, want ErrLoginRequired", i+1, err)
		}
	}
	if n := sent.Load(); n != 1 {
		t.Errorf("the refused refresh token was sent %d times, want once", n)
	}
	if stored := mustLoad(t, store); stored.Renewable() {
		t.Errorf("stored %+v still reads as renewable", stored)
	}
}
