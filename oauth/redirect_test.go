package oauth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restmcp/restmcp/oauth"
)

// elsewhere is a server of another origin that answers every token
// request, and records what reached it.
type elsewhere struct {
	*httptest.Server
	mu  sync.Mutex
	got []string
}

func newElsewhere(t *testing.T) *elsewhere {
	e := &elsewhere{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.got = append(e.got, r.Method+" "+r.URL.Path+" "+string(body)+" "+r.Header.Get("Authorization"))
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"from-elsewhere","token_type":"bearer","expires_in":3600,"refresh_token":"rt-elsewhere","device_code":"d","user_code":"U","verification_uri":"https://x.example/"}`)
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *elsewhere) requests() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.got...)
}

// redirectingAuthServer signs the user in at /authorize (straight back to
// the client with a code) and redirects every POST to to's origin with a
// 307, which keeps the method and the body.
func redirectingAuthServer(t *testing.T, to string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/device-ok" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"device_code":"DEVICE-SECRET","user_code":"U","verification_uri":"https://auth.example/device","expires_in":60,"interval":1}`)
			return
		}
		if r.URL.Path == "/authorize" {
			q := r.URL.Query()
			back := q.Get("redirect_uri") + "?" + url.Values{"code": {"the-code"}, "state": {q.Get("state")}}.Encode()
			http.Redirect(w, r, back, http.StatusFound)
			return
		}
		http.Redirect(w, r, to+r.URL.Path+"?from=authz", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// checkRedirected checks that err reports the redirect of endpoint to
// where, and says what to do.
func checkRedirected(t *testing.T, err error, endpoint, where string) {
	t.Helper()
	var re *oauth.RedirectedError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a *oauth.RedirectedError", err)
	}
	msg := err.Error()
	if re.Endpoint != endpoint || !strings.Contains(msg, "redirected to "+where) || !strings.Contains(msg, "the configured "+endpoint+" URL should be the final one") {
		t.Errorf("err = %q, want the %s endpoint redirected to %s", msg, endpoint, where)
	}
	if strings.Contains(msg, "from=authz") {
		t.Errorf("err = %q shows the redirect's query", msg)
	}
}

// No request to the authorization server follows a redirect: each carries
// a secret (the refresh token, the code and its verifier, the device code,
// the client secret, a token to revoke) that a 307 would send on to another
// origin.
func TestTokenRequestsDoNotFollowRedirects(t *testing.T) {
	const secret = "CLIENT-SECRET"
	other := newElsewhere(t)
	authz := redirectingAuthServer(t, other.URL)
	cfg := oauth.Config{
		ClientID: "c", ClientSecret: secret, AuthURL: authz.URL + "/authorize", TokenURL: authz.URL + "/token",
		DeviceAuthURL: authz.URL + "/device", RevocationURL: authz.URL + "/revoke",
	}
	public := cfg
	public.ClientSecret = ""
	cases := []struct {
		name, endpoint string
		run            func(ctx context.Context) error
	}{
		{"refresh", "token", func(ctx context.Context) error {
			store := memStore()
			oauth.Save(store, "acme", &oauth.Token{AccessToken: "at-0", RefreshToken: "RT-SECRET", Expiry: time.Now().Add(-time.Minute)})
			_, err := oauth.NewTokenSource(cfg, store, "acme", t.TempDir()).Token(ctx)
			return err
		}},
		{"client credentials", "token", func(ctx context.Context) error {
			_, err := cfg.ClientCredentials(ctx)
			return err
		}},
		{"code exchange", "token", func(ctx context.Context) error {
			_, err := public.LoginAuthCode(ctx, oauth.LoginOptions{Timeout: 10 * time.Second, OpenBrowser: func(u string) error {
				go http.Get(u) // the browser follows the sign-in back to the loopback
				return nil
			}})
			return err
		}},
		{"device authorization", "device authorization", func(ctx context.Context) error {
			_, err := public.LoginDevice(ctx, oauth.LoginOptions{Timeout: 10 * time.Second})
			return err
		}},
		{"device token", "token", func(ctx context.Context) error {
			c := public
			c.DeviceAuthURL = authz.URL + "/device-ok"
			_, err := c.LoginDevice(ctx, oauth.LoginOptions{Timeout: 10 * time.Second})
			return err
		}},
		{"revocation", "revocation", func(ctx context.Context) error {
			return cfg.Revoke(ctx, &oauth.Token{AccessToken: "at-0", RefreshToken: "RT-SECRET"})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(other.requests())
			err := tc.run(t.Context())
			if got := other.requests()[before:]; len(got) > 0 {
				t.Fatalf("the request went on to %s after the redirect: %q", other.URL, got)
			}
			checkRedirected(t, err, tc.endpoint, other.URL+"/")
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "RT-SECRET") || strings.Contains(err.Error(), "DEVICE-SECRET") {
				t.Errorf("err = %q shows a secret", err)
			}
		})
	}
}

// downgrading answers every request to https://auth.example with a redirect
// to plain http, and records the requests it is asked to send.
type downgrading struct {
	mu   sync.Mutex
	sent []string
}

func (d *downgrading) RoundTrip(r *http.Request) (*http.Response, error) {
	d.mu.Lock()
	d.sent = append(d.sent, r.Method+" "+r.URL.String())
	d.mu.Unlock()
	if r.Body != nil {
		r.Body.Close()
	}
	if r.URL.Host == "auth.example" {
		return &http.Response{StatusCode: http.StatusPermanentRedirect, Header: http.Header{"Location": {"http://auth.example/token"}}, Body: http.NoBody, Request: r}, nil
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"access_token":"x","token_type":"bearer","expires_in":3600}`)), Request: r}, nil
}

// A redirect from https to plain http is not followed either: the refresh
// token would cross the network in the clear.
func TestTokenRequestsDoNotFollowADowngrade(t *testing.T) {
	d := &downgrading{}
	store := memStore()
	oauth.Save(store, "acme", &oauth.Token{AccessToken: "at-0", RefreshToken: "RT-SECRET", Expiry: time.Now().Add(-time.Minute)})
	cfg := oauth.Config{ClientID: "c", TokenURL: "https://auth.example/token", RevocationURL: "https://auth.example/revoke", HTTPClient: &http.Client{Transport: d}}
	_, err := oauth.NewTokenSource(cfg, store, "acme", t.TempDir()).Token(t.Context())
	checkRedirected(t, err, "token", "http://auth.example/token")
	checkRedirected(t, cfg.Revoke(t.Context(), mustLoad(t, store)), "revocation", "http://auth.example/token")
	for _, s := range d.sent {
		if strings.HasPrefix(s, "POST http:") {
			t.Fatalf("a request went over plain http: %q", d.sent)
		}
	}
	if len(d.sent) != 2 {
		t.Errorf("requests = %q, want the refresh and the revocation, once each", d.sent)
	}
}
