package client

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

const credSecret = "sk-credential-7f3a9"

// Each kind of credential reaches the API where the description says, and
// never the origin a redirect leads to.
func TestCredentialKindsStayOnOrigin(t *testing.T) {
	for _, tt := range []struct {
		name  string
		cred  Credential
		found func(r *http.Request) bool
	}{
		{"query", QueryKey{Name: "api_key", Key: StaticKey(credSecret)}, func(r *http.Request) bool {
			return r.URL.Query().Get("api_key") == credSecret
		}},
		{"cookie", CookieKey{Name: "sessionid", Key: StaticKey(credSecret)}, func(r *http.Request) bool {
			c, err := r.Cookie("sessionid")
			return err == nil && c.Value == credSecret
		}},
		{"basic", BasicAuth{Username: "AC123", Password: StaticKey(credSecret)}, func(r *http.Request) bool {
			u, p, ok := r.BasicAuth()
			return ok && u == "AC123" && p == credSecret
		}},
		{"format", HeaderKey{Format: "Token token={key}", Key: StaticKey(credSecret)}, func(r *http.Request) bool {
			return r.Header.Get("Authorization") == "Token token="+credSecret
		}},
		{"bearer token", BearerToken{Tokens: &fakeTokens{tokens: []string{credSecret}}}, func(r *http.Request) bool {
			return r.Header.Get("Authorization") == "Bearer "+credSecret
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			api, _, apiSeen, otherSeen := twoOrigins(t)
			c := New(Options{BaseURL: api.URL, Credential: tt.cred})
			if _, err := c.Check(context.Background(), "GET", "/away"); err != nil {
				t.Fatal(err)
			}
			reqs := apiSeen.all()
			if len(reqs) != 1 || !tt.found(reqs[0]) {
				t.Fatalf("the API did not get the credential: %v", reqs)
			}
			for _, r := range otherSeen.all() {
				dump := r.URL.String() + strings.Join(r.Header.Values("Authorization"), "") + strings.Join(r.Header.Values("Cookie"), "")
				b64 := base64.StdEncoding.EncodeToString([]byte("AC123:" + credSecret))
				if strings.Contains(dump, credSecret) || strings.Contains(dump, b64) {
					t.Errorf("the other origin got the credential: %s", dump)
				}
			}
			if len(otherSeen.all()) != 1 {
				t.Errorf("the redirect was not followed")
			}
		})
	}
}

// A basic key given as user:password without a stored user name is the
// pair; "KEY:" is the key as the user name with no password (curl -u KEY:),
// and an echo of that key is redacted.
func TestBasicKeyAsPair(t *testing.T) {
	const key = "sk_live_0123456789"
	for _, tt := range []struct{ key, user, pw string }{
		{"AC123:" + credSecret, "AC123", credSecret},
		{key + ":", key, ""},
	} {
		var gotUser, gotPW string
		var ok bool
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			gotUser, gotPW, ok = r.BasicAuth()
			_, _ = io.WriteString(w, "account "+gotUser)
		}))
		c := New(Options{BaseURL: srv.URL, Credential: BasicAuth{Password: StaticKey(tt.key)}})
		resp, err := c.Check(context.Background(), "GET", "/me")
		srv.Close()
		if err != nil || !ok || gotUser != tt.user || gotPW != tt.pw {
			t.Errorf("key %q: sent %q:%q (%v), err %v", tt.key, gotUser, gotPW, ok, err)
			continue
		}
		if tt.pw == "" && strings.Contains(string(resp.Body), key) {
			t.Errorf("key %q: the answer shows it: %s", tt.key, resp.Body)
		}
	}
}

// A query key never appears in the URL an error shows.
func TestQueryKeyNotInErrors(t *testing.T) {
	s := &seen{}
	srv := s.server(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "you sent "+r.URL.Query().Get("key"))
	})
	c := New(Options{BaseURL: srv.URL, Credential: QueryKey{Name: "key", Key: StaticKey(credSecret)}})
	resp, err := c.Check(context.Background(), "GET", "/x?page=2")
	if err == nil {
		t.Fatal("want an HTTP error")
	}
	if strings.Contains(err.Error(), credSecret) || strings.Contains(string(resp.Body), credSecret) {
		t.Errorf("the key leaked: %v / %s", err, resp.Body)
	}
	if got := s.all()[0].URL.Query(); got.Get("page") != "2" || got.Get("key") != credSecret {
		t.Errorf("query sent: %v", got)
	}
}

type fakeTokens struct {
	mu          sync.Mutex
	tokens      []string // handed out in turn
	invalidated []string
	fixed       bool // the token cannot be renewed
}

func (f *fakeTokens) AccessToken(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens[0], nil
}

func (f *fakeTokens) Invalidate(tok string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.invalidated = append(f.invalidated, tok)
	if len(f.tokens) > 1 && f.tokens[0] == tok {
		f.tokens = f.tokens[1:]
	}
	return !f.fixed
}

// A 401 renews the token once and sends the request again, body and all;
// a second 401 is returned as it is.
func TestBearerTokenRenewsOnceAfter401(t *testing.T) {
	s := &seen{}
	srv := s.server(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != "Bearer new-token-222" || string(b) != `{"a":1}` {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, "ok")
	})
	tokens := &fakeTokens{tokens: []string{"old-token-111", "new-token-222"}}
	tr := &Transport{Origin: mustURL(t, srv.URL), Credential: BearerToken{Tokens: tokens}}
	hc := NewHTTPClient(tr, 0)
	resp, err := hc.Post(srv.URL+"/x", "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(s.all()) != 2 || len(tokens.invalidated) != 1 {
		t.Fatalf("status %d after %d requests, invalidated %v", resp.StatusCode, len(s.all()), tokens.invalidated)
	}

	tokens2 := &fakeTokens{tokens: []string{"bad-token-333"}}
	s2 := &seen{}
	srv2 := s2.server(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	tr2 := &Transport{Origin: mustURL(t, srv2.URL), Credential: BearerToken{Tokens: tokens2}}
	resp, err = NewHTTPClient(tr2, 0).Get(srv2.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || len(s2.all()) != 2 {
		t.Errorf("status %d after %d requests, want 401 after 2", resp.StatusCode, len(s2.all()))
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// A token that cannot be renewed is not sent again after a 401: the API's
// answer, body and all, is the response.
func TestBearerTokenPassesA401ThroughWhenItCannotRenew(t *testing.T) {
	s := &seen{}
	srv := s.server(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"message":"Requires admin scope"}`)
	})
	tokens := &fakeTokens{tokens: []string{"fixed-token-444"}, fixed: true}
	hc := NewHTTPClient(&Transport{Origin: mustURL(t, srv.URL), Credential: BearerToken{Tokens: tokens}}, 0)
	resp, err := hc.Get(srv.URL + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || string(body) != `{"message":"Requires admin scope"}` || len(s.all()) != 1 {
		t.Fatalf("status %d, body %q after %d requests; want the API's 401 after one", resp.StatusCode, body, len(s.all()))
	}
}
