package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// QueryKey sends a key as the query parameter Name. The key is added by
// the Transport to the request it sends, never to the URL a caller shows
// or logs.
type QueryKey struct {
	Name string
	Key  KeySource
}

// Apply implements Credential.
func (q QueryKey) Apply(r *http.Request) (string, error) {
	k, err := cleanKey(r.Context(), q.Key)
	if err != nil {
		return "", err
	}
	r.URL.RawQuery = withQueryKey(r.URL.RawQuery, q.Name, k)
	return k, nil
}

// withQueryKey is the raw query with the pair name=key in place of any pair
// of that name: the other pairs stay as they were written, in their order
// and escaping (parsing and re-encoding would drop a pair holding ";",
// escape brackets and reorder).
func withQueryKey(raw, name, key string) string {
	var kept []string
	for pair := range strings.SplitSeq(raw, "&") {
		n, _, _ := strings.Cut(pair, "=")
		if pair == "" {
			continue
		}
		if u, err := url.QueryUnescape(n); err == nil && u == name {
			continue
		}
		kept = append(kept, pair)
	}
	return strings.Join(append(kept, url.QueryEscape(name)+"="+url.QueryEscape(key)), "&")
}

// CookieKey sends a key as the cookie Name.
type CookieKey struct {
	Name string
	Key  KeySource
}

// Apply implements Credential.
func (c CookieKey) Apply(r *http.Request) (string, error) {
	k, err := cleanKey(r.Context(), c.Key)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(k, `;" ,\`) {
		return "", errors.New("the API key contains a character a cookie cannot carry (; \" , \\ or a space)")
	}
	// A Cookie header argument or a fixed header may hold a cookie of
	// the key's name: the key's goes once, and the API cannot read
	// another value in its place.
	dropCookies(r.Header, func(name string) bool { return name == c.Name })
	r.AddCookie(&http.Cookie{Name: c.Name, Value: k})
	return k, nil
}

// dropCookies removes every cookie whose name drop reports from h's
// Cookie header, keeping the others in their order (the header is deleted
// when none is left).
func dropCookies(h http.Header, drop func(name string) bool) {
	values := h.Values("Cookie")
	if len(values) == 0 {
		return
	}
	var kept []string
	for _, line := range values {
		for part := range strings.SplitSeq(line, ";") {
			part = strings.TrimSpace(part)
			n, _, _ := strings.Cut(part, "=")
			if part == "" || drop(strings.TrimSpace(n)) {
				continue
			}
			kept = append(kept, part)
		}
	}
	if len(kept) == 0 {
		h.Del("Cookie")
		return
	}
	h.Set("Cookie", strings.Join(kept, "; "))
}

// BasicAuth sends HTTP basic credentials: Username and the secret from
// Password (a token or password).
type BasicAuth struct {
	Username string
	Password KeySource
}

// Apply implements Credential.
func (b BasicAuth) Apply(r *http.Request) (string, error) {
	k, err := cleanKey(r.Context(), b.Password)
	if err != nil {
		return "", err
	}
	user := b.Username
	if u := callerUserOf(r.Context()); u != "" {
		// A caller of a shared server sent its own.
		user = u
	}
	secret := k
	if u, pw, ok := strings.Cut(k, ":"); user == "" && ok && u != "" {
		// No user name stored: the key is the pair (a user name holds
		// no colon, RFC 7617), as RESTMCP_API_KEY=user:password.
		user, k, secret = u, pw, pw
		if pw == "" {
			// "KEY:", the key as the user name and no password (curl
			// -u KEY: for Stripe, Chargebee): the name is the secret.
			secret = u
		}
	}
	if user == "" {
		return "", errors.New("no user name for HTTP basic authentication: log in again with --username, or give the key as user:password")
	}
	r.SetBasicAuth(user, k)
	return secret, nil
}

// Renewer is a Credential whose secret can be renewed after the API
// refused it (an OAuth access token). On a 401 from the origin the
// Transport calls Renew with the secret Apply returned and, when it reports
// true, sends the request once more (when its body can be sent again) with
// a fresh Apply.
type Renewer interface {
	Credential
	Renew(ctx context.Context, sent string) bool
}

// TokenSource returns an access token at the moment a request is sent;
// Invalidate is told about a token the API refused, and reports whether
// AccessToken may now give another (renewed, or from a new sign-in): when
// it cannot, the request is not sent again and the API's 401 is the answer.
type TokenSource interface {
	AccessToken(ctx context.Context) (string, error)
	Invalidate(token string) bool
}

// BearerToken sends an OAuth access token as "Authorization: Bearer
// <token>", renewing it once after a 401 when it can be renewed.
type BearerToken struct{ Tokens TokenSource }

var _ Renewer = BearerToken{}

// Apply implements Credential.
func (b BearerToken) Apply(r *http.Request) (string, error) {
	t, err := b.Tokens.AccessToken(r.Context())
	if err != nil {
		return "", err
	}
	if !validHeaderValue(t) {
		return "", errors.New("the access token contains a control character and cannot be sent")
	}
	r.Header.Set(DefaultAuthHeader, "Bearer "+t)
	return t, nil
}

// CredentialName implements Named.
func (BearerToken) CredentialName() string { return "OAuth access token" }

// Renew implements Renewer.
func (b BearerToken) Renew(_ context.Context, sent string) bool {
	return b.Tokens.Invalidate(sent)
}

// cleanKey asks ks for the key, trimmed, refusing one that cannot be sent.
func cleanKey(ctx context.Context, ks KeySource) (string, error) {
	k, err := ks(ctx)
	if err != nil {
		return "", err
	}
	k = strings.TrimSpace(k)
	if !validHeaderValue(k) {
		return "", errors.New("the API key contains a line break or control character and cannot be sent: store it again with restmcp login")
	}
	return k, nil
}
