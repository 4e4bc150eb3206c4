package app

import (
	"net/http"
	"strings"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
)

// DescriptionCredential is the credential that fetches p's description
// (and the documents its $refs name on the same origin) when cred is the
// profile's: cred itself when p sets no SpecAuth; none for "none"; else
// the key cred sends, placed as p.SpecAuth says. client.Load still sends it
// only to the API's own origin. An OAuth 2.0 profile keeps cred (its
// access token as Authorization: Bearer), but for "none".
func DescriptionCredential(p profile.Profile, cred client.Credential) client.Credential {
	if cred == nil || p.SpecAuth == "" {
		return cred
	}
	sa, err := profile.ParseSpecAuth(p.SpecAuth)
	if err != nil || sa.In == profile.SpecAuthNone {
		// A value no flag gave (commands refuse it first, checkStored):
		// the key goes nowhere rather than somewhere unintended.
		return nil
	}
	keys := keysOf(cred)
	if keys == nil || IsOAuthProfile(p) {
		return cred
	}
	switch sa.In {
	case profile.SpecAuthHeader:
		return client.HeaderKey{Header: sa.Name, Key: keys}
	case profile.SpecAuthQuery:
		return client.QueryKey{Name: sa.Name, Key: keys}
	case profile.SpecAuthCookie:
		return client.CookieKey{Name: sa.Name, Key: keys}
	case profile.SpecAuthBearer:
		return client.HeaderKey{Scheme: "Bearer", Key: keys}
	}
	return cred
}

// keysOf is where cred takes its key from, nil for a credential that holds
// no key of the profile's (OAuth 2.0 tokens).
func keysOf(cred client.Credential) client.KeySource {
	switch c := cred.(type) {
	case *describedCredential:
		return c.keys
	case client.HeaderKey:
		return c.Key
	case client.QueryKey:
		return c.Key
	case client.CookieKey:
		return c.Key
	case client.BasicAuth:
		return c.Password
	}
	return nil
}

// descriptionTakesKey reports whether p's description may be fetched with
// the key at all (not with --spec-auth none).
func descriptionTakesKey(p profile.Profile) bool {
	sa, err := profile.ParseSpecAuth(p.SpecAuth)
	return err == nil && sa.In != profile.SpecAuthNone
}

// DescriptionSentAs shows how p's description URL is fetched with a key,
// as SentAs does for calls: "X-API-Key: <key>", "the query parameter
// api_key=<key>"; "" when it is fetched without one.
func DescriptionSentAs(p profile.Profile) string {
	if p.SpecAuth == "" {
		return SentAs(p)
	}
	return sentAs(DescriptionCredential(p, Credential(p, client.StaticKey(keyPlaceholder))))
}

// sentAs shows what cred adds to a request, with "<key>" in the key's
// place.
func sentAs(cred client.Credential) string {
	if cred == nil {
		return ""
	}
	r, err := http.NewRequest(http.MethodGet, "http://api.invalid/", nil)
	if err != nil {
		return ""
	}
	if _, err := cred.Apply(r); err != nil {
		return ""
	}
	show := func(s string) string { return strings.ReplaceAll(s, keyPlaceholder, "<key>") }
	if q := r.URL.RawQuery; q != "" {
		return "the query parameter " + show(q)
	}
	for name, v := range r.Header {
		if name == "Cookie" {
			return "the cookie " + show(strings.Join(v, "; "))
		}
		return name + ": " + show(strings.Join(v, ", "))
	}
	return ""
}

// specAuthHint names --spec-auth for a description refused with the key:
// the flag that says where the description, unlike the calls, takes it.
const specAuthHint = "if the description itself takes the key elsewhere, say where with --spec-auth header:NAME, query:NAME, cookie:NAME or bearer"
