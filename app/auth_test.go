package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
)

// sharedSpecs lists ../shared/specs beside the repository, skipping when
// there is none.
func sharedSpecs(t *testing.T) []string {
	dir, _ := os.Getwd()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "shared", "specs", "*.*"))
		var specs []string
		for _, f := range files {
			if ext := filepath.Ext(f); ext == ".json" || ext == ".yaml" || ext == ".yml" {
				specs = append(specs, f)
			}
		}
		if len(specs) > 0 {
			return specs
		}
		if parent := filepath.Dir(dir); parent != dir {
			dir = parent
			continue
		}
		t.Skip("shared/specs not found beside the repository")
	}
}

// What login picks on each shared description without --scheme: the one
// usable scheme, or a list of choices that each say what they need.
func TestChooseSchemeSharedSpecs(t *testing.T) {
	want := map[string]string{
		"box-openapi.json":          "OAuth2Security",
		"slack_web_openapi_v2.json": "slackAuth",
		"twilio_api_v2010.json":     "accountSid_authToken",
		"museum-openapi-3.1.yaml":   "MuseumPlaceholderAuth",
		"asana_oas.yaml":            "choice",
		"stripe-spec3.json":         "choice",
	}
	for _, file := range sharedSpecs(t) {
		name := filepath.Base(file)
		api, err := client.Load(context.Background(), file, client.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := ChooseScheme(api, "")
		var choice *SchemeChoiceError
		got := ""
		switch {
		case errors.Is(err, ErrNoScheme):
			got = "header"
		case errors.As(err, &choice):
			got = "choice"
			for _, c := range choice.Schemes {
				if !strings.Contains(err.Error(), "--scheme "+c.Name) {
					t.Errorf("%s: the list lacks %s", name, c.Name)
				}
			}
			t.Logf("%s: choose: %s", name, strings.ReplaceAll(err.Error(), "\n", " | "))
		case err != nil:
			t.Fatalf("%s: %v", name, err)
		default:
			got = s.Name
			au := AuthFor(s, api.Operations)
			t.Logf("%s: %s (%s; needs %s) %+v", name, s.Name, s.Kind(), SchemeNeeds(s), au)
		}
		if w, ok := want[name]; ok && w != got {
			t.Errorf("%s: picked %q, want %q", name, got, w)
		}
	}
}

func TestCredentialKinds(t *testing.T) {
	keys := client.StaticKey("k")
	for _, tt := range []struct {
		auth *profile.Auth
		want string
	}{
		{nil, "client.HeaderKey"},
		{&profile.Auth{Kind: profile.AuthAPIKey, In: "query", Name: "key"}, "client.QueryKey"},
		{&profile.Auth{Kind: profile.AuthAPIKey, In: "cookie", Name: "sid"}, "client.CookieKey"},
		{&profile.Auth{Kind: profile.AuthBasic, Username: "u"}, "client.BasicAuth"},
		{&profile.Auth{Kind: profile.AuthBearer}, "client.HeaderKey"},
	} {
		got := typeName(Credential(profile.Profile{Name: "p", Auth: tt.auth}, keys))
		if got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.auth, got, tt.want)
		}
	}
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }

// The OAuth scopes login asks for are those of the operations the
// profile's filters keep, not of the whole API.
func TestScopesOfSelectedOperations(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(spec, []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://api.example.test"}]
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        authorizationCode:
          authorizationUrl: https://auth.example.test/authorize
          tokenUrl: https://auth.example.test/token
          scopes: {"tasks:read": read, "tasks:write": write, "admin": everything}
paths:
  /tasks:
    get:
      operationId: listTasks
      tags: [tasks]
      security: [{oauth: ["tasks:read"]}]
      responses: {"200": {description: ok}}
    post:
      operationId: createTask
      tags: [tasks]
      security: [{oauth: ["tasks:write"]}]
      responses: {"201": {description: ok}}
  /admin/reset:
    post:
      operationId: reset
      tags: [admin]
      security: [{oauth: ["admin"]}]
      responses: {"204": {description: ok}}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	api, err := client.Load(context.Background(), spec, client.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := api.SecuritySchemes["oauth"]
	for _, tt := range []struct {
		name string
		p    profile.Profile
		want string
	}{
		{"every operation", profile.Profile{}, "admin tasks:read tasks:write"},
		{"read-only", profile.Profile{ReadOnly: true}, "tasks:read"},
		{"a tag", profile.Profile{Tags: []string{"tasks"}}, "tasks:read tasks:write"},
		{"an operation by tool name", profile.Profile{Operations: []string{"create_task"}}, "tasks:write"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			au := AuthFor(s, SelectedOperations(api, tt.p))
			if au.OAuth == nil {
				t.Fatalf("AuthFor = %+v, want OAuth", au)
			}
			scopes := append([]string(nil), au.OAuth.Scopes...)
			slices.Sort(scopes)
			if got := strings.Join(scopes, " "); got != tt.want {
				t.Errorf("scopes = %q, want %q", got, tt.want)
			}
		})
	}
}

// A refresh the token endpoint refuses says what to do: sign in again only
// when the sign-in no longer holds, try again when the server could not
// answer just now; the client secret never shows.
func TestOAuthRenewalErrors(t *testing.T) {
	const secret = "cs-secret-0123456789"
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   string
		not    string
	}{
		{"unavailable", http.StatusServiceUnavailable, `{"error":"temporarily_unavailable"}`, "try again", "login"},
		{"server error", http.StatusInternalServerError, `{"error":"server_error"}`, "try again", "login"},
		// Rate limited (Okta's and Auth0's token endpoints answer 429): the
		// refresh token still holds, a new sign-in would not help.
		{"rate limited", http.StatusTooManyRequests, `{"error":"too_many_requests","error_description":"Rate limit exceeded"}`, "try again", "login"},
		{"rate limited, no body", http.StatusTooManyRequests, ``, "try again", "login"},
		{"refused", http.StatusBadRequest, `{"error":"invalid_grant"}`, "restmcp login --profile o", "try again"},
		// Not followed; signing in again would meet the same redirect.
		{"redirected", http.StatusTemporaryRedirect, ``, "the configured token URL should be the final one", "login"},
		{"echoes the secret", http.StatusBadRequest, `{"error":"invalid_request","error_description":"bad client_secret ` + secret + `"}`, "[redacted]", "try again"},
		// A token restmcp cannot send as a bearer token is refused by its
		// type, not sent to be refused by the API; signing in again would
		// bring the same type.
		{"mac token", http.StatusOK, `{"access_token":"at-new","token_type":"mac","refresh_token":"rt-new","expires_in":3600}`, `token of type "mac", which restmcp cannot use`, "login"},
		{"DPoP token", http.StatusOK, `{"access_token":"at-new","token_type":"DPoP","expires_in":3600}`, `token of type "DPoP", which restmcp cannot use`, "login"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			a := testApp(t, nil)
			p := profile.Profile{Name: "o", Auth: &profile.Auth{Kind: profile.AuthOAuth2, OAuth: &profile.OAuth{
				Grant: string(oauth.GrantAuthorizationCode), ClientID: "c", TokenURL: srv.URL + "/token", ClientSecret: true,
			}}}
			if err := a.Keyring.Set(ClientSecretAccount("o"), secret); err != nil {
				t.Fatal(err)
			}
			expired := &oauth.Token{AccessToken: "at-old", RefreshToken: "rt-old", Expiry: time.Now().Add(-time.Minute)}
			if err := oauth.Save(a.Tokens(), TokenAccount("o"), expired); err != nil {
				t.Fatal(err)
			}
			_, err := a.tokens(p).AccessToken(t.Context())
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, tc.not) || strings.Contains(msg, secret) {
				t.Errorf("error %q: want %q, not %q nor the secret", msg, tc.want, tc.not)
			}
		})
	}
}

// OpenAPI 3.2's device authorization flow signs in with the device grant.
func TestAuthForDeviceAuthorizationFlow(t *testing.T) {
	s := &client.SecurityScheme{Name: "dev", Type: client.TypeOAuth2, Flows: map[string]client.OAuthFlow{
		client.FlowDeviceAuthorization: {DeviceAuthURL: "https://auth.example.test/device", TokenURL: "https://auth.example.test/token"},
	}}
	if need := SchemeNeeds(s); !strings.Contains(need, "--client-id") || strings.Contains(need, "secret") || strings.Contains(need, "does not support") {
		t.Errorf("SchemeNeeds = %q", need)
	}
	o := AuthFor(s, nil).OAuth
	if o.Grant != string(oauth.GrantDeviceCode) || o.DeviceAuthURL != "https://auth.example.test/device" || o.TokenURL != "https://auth.example.test/token" {
		t.Errorf("AuthFor = %+v", o)
	}
}

// An OAuth profile whose token has no refresh token (GitHub's OAuth apps)
// gets the API's own 401 from an endpoint that refuses it, and its other
// endpoints keep working with the same token.
func TestOAuthTokenWithoutRefreshTokenOutlivesA401(t *testing.T) {
	var mu sync.Mutex
	var sent []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, r.URL.Path)
		mu.Unlock()
		switch {
		case r.Header.Get("Authorization") != "Bearer gho-token":
			w.WriteHeader(http.StatusUnauthorized)
		case r.URL.Path == "/admin": // needs more rights
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"Requires authentication with the admin:org scope"}`)
		default:
			io.WriteString(w, "ok")
		}
	}))
	defer api.Close()
	a := testApp(t, nil)
	p := profile.Profile{Name: "gh", Auth: &profile.Auth{Kind: profile.AuthOAuth2, OAuth: &profile.OAuth{
		Grant: string(oauth.GrantAuthorizationCode), ClientID: "c", TokenURL: "https://github.example/login/oauth/access_token",
	}}}
	if err := oauth.Save(a.Tokens(), TokenAccount("gh"), &oauth.Token{AccessToken: "gho-token", Grant: oauth.GrantAuthorizationCode}); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(api.URL)
	hc := client.NewHTTPClient(&client.Transport{Origin: u, Credential: a.OAuthCredential(p)}, 5*time.Second)
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := hc.Get(api.URL + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, _ := get("/me"); st != http.StatusOK {
		t.Fatalf("/me: %d", st)
	}
	if st, body := get("/admin"); st != http.StatusUnauthorized || !strings.Contains(body, "admin:org scope") {
		t.Fatalf("/admin: %d %q, want the API's 401 as it is", st, body)
	}
	if st, _ := get("/me"); st != http.StatusOK {
		t.Fatalf("/me after a 401 from /admin: %d", st)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"/me", "/admin", "/me"}; !slices.Equal(sent, want) {
		t.Errorf("requests %q, want %q (the refused one not sent again)", sent, want)
	}
}

// lockedKeyring is the Secret Service's answer when its collection is
// locked and no unlock prompt could be shown.
var lockedKeyring = errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")

// confidentialProfile is an OAuth profile whose client secret is in the
// keyring, with a token that needs no renewal stored, on mem.
func confidentialProfile(t *testing.T, a *App, mem *keyring.Memory) profile.Profile {
	t.Helper()
	a.Keyring.Backend = mem
	p := profile.Profile{Name: "o", Auth: &profile.Auth{Kind: profile.AuthOAuth2, OAuth: &profile.OAuth{
		Grant: string(oauth.GrantAuthorizationCode), ClientID: "c", TokenURL: "https://auth.example.test/token", ClientSecret: true,
	}}}
	if err := a.Keyring.Set(ClientSecretAccount(p.Name), "cs"); err != nil {
		t.Fatal(err)
	}
	tok := &oauth.Token{AccessToken: "at", RefreshToken: "rt", Expiry: time.Now().Add(time.Hour)}
	if err := oauth.Save(a.Tokens(), TokenAccount(p.Name), tok); err != nil {
		t.Fatal(err)
	}
	return p
}

// A server started while the keyring is locked reads nothing from it
// until a call needs the token; that call says to unlock the keyring, and
// once it is unlocked the next call goes through, without a restart.
func TestOAuthClientSecretReadAgainOnceUnlocked(t *testing.T) {
	mem := keyring.NewMemory()
	a := testApp(t, nil)
	p := confidentialProfile(t, a, mem)
	mem.Err = lockedKeyring
	before := mem.Gets()
	tokens := a.tokens(p)
	if n := mem.Gets() - before; n != 0 {
		t.Errorf("the keyring was read %d times before any call", n)
	}
	_, err := tokens.AccessToken(t.Context())
	if err == nil {
		t.Fatal("no error from a locked keyring")
	}
	for _, want := range []string{"client secret", "the keyring is locked: unlock it", keyring.HowToUnlock, "call again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "login") {
		t.Errorf("error %q says to sign in again, which needs the keyring too", err)
	}
	mem.Err = nil
	got, err := tokens.AccessToken(t.Context())
	if err != nil || got != "at" {
		t.Fatalf("after unlocking: %q, %v; want the stored token", got, err)
	}
}

// A confidential client whose secret is not stored says to sign in again,
// and a sign-in made meanwhile is used at the next call.
func TestOAuthClientSecretMissing(t *testing.T) {
	mem := keyring.NewMemory()
	a := testApp(t, nil)
	p := confidentialProfile(t, a, mem)
	if err := a.Keyring.Delete(ClientSecretAccount(p.Name)); err != nil {
		t.Fatal(err)
	}
	tokens := a.tokens(p)
	_, err := tokens.AccessToken(t.Context())
	if err == nil || !strings.Contains(err.Error(), "client secret") || !strings.Contains(err.Error(), "run `restmcp login --profile o`") {
		t.Fatalf("error %v: want the missing client secret and the login command", err)
	}
	if err := a.Keyring.Set(ClientSecretAccount(p.Name), "cs"); err != nil {
		t.Fatal(err)
	}
	if got, err := tokens.AccessToken(t.Context()); err != nil || got != "at" {
		t.Fatalf("after login: %q, %v; want the stored token", got, err)
	}
}

// Calls made at once, while the keyring is locked and after it is
// unlocked, share one credential safely and all get the token once they
// can.
func TestOAuthClientSecretConcurrentCalls(t *testing.T) {
	mem := keyring.NewMemory()
	a := testApp(t, nil)
	p := confidentialProfile(t, a, mem)
	mem.Err = lockedKeyring
	tokens := a.tokens(p)
	calls := func() []error {
		errs := make([]error, 8)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				got, err := tokens.AccessToken(t.Context())
				if err == nil && got != "at" {
					err = fmt.Errorf("token %q, want %q", got, "at")
				}
				errs[i] = err
			})
		}
		wg.Wait()
		return errs
	}
	for i, err := range calls() {
		if err == nil {
			t.Errorf("call %d: no error from a locked keyring", i)
		}
	}
	mem.Err = nil
	for i, err := range calls() {
		if err != nil {
			t.Errorf("call %d after unlocking: %v", i, err)
		}
	}
	if tokens.Invalidate("at") != true {
		t.Error("Invalidate of the token in use: false, want a renewal")
	}
}

// A keyring locked when the OAuth tokens are read says to unlock it, not
// to sign in again.
func TestOAuthTokensLockedKeyring(t *testing.T) {
	mem := keyring.NewMemory()
	a := testApp(t, nil)
	p := confidentialProfile(t, a, mem)
	p.Auth.OAuth.ClientSecret = false // a public client: only the tokens are read
	mem.Err = lockedKeyring
	_, err := a.tokens(p).AccessToken(t.Context())
	if err == nil || !strings.Contains(err.Error(), "OAuth tokens") || !strings.Contains(err.Error(), "the keyring is locked: unlock it") || strings.Contains(err.Error(), "login") {
		t.Fatalf("error %v: want the tokens, how to unlock the keyring, and no login", err)
	}
}
