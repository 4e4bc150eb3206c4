package app

import (
	"net/http"
	"slices"
	"strings"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
	"github.com/restmcp/restmcp/remote"
)

// HeaderError is a fixed header (--header) a profile cannot send. Its
// message never holds the header's value, nor a name that is not one
// (either may be a key pasted in the wrong place).
type HeaderError struct {
	// Name is the header's name, "" when it is not a header name.
	Name string
	// Reason says why, to follow "--header NAME: ".
	Reason string
	// Key is set when the profile's key goes in that header: a secret
	// belongs in the keyring, stored by login.
	Key bool
}

func (e *HeaderError) Error() string {
	if e.Name == "" {
		return "a header: " + e.Reason
	}
	return e.Name + ": " + e.Reason
}

// CheckHeader refuses a fixed header that no profile can send: a name that
// is not an HTTP field name (RFC 9110's token), a value with a line break
// or another control character, a header that frames the request or
// concerns one connection (see client.FixedHeaderRefused), and for a
// remote MCP server (remoteServer), the headers of the MCP session.
func CheckHeader(name, value string, remoteServer bool) *HeaderError {
	switch {
	case !client.ValidHeaderName(name):
		return &HeaderError{Reason: `the name before the colon is not an HTTP header name (letters, digits and -, e.g. "Notion-Version: 2022-06-28")`}
	case !client.ValidHeaderValue(value):
		return &HeaderError{Name: name, Reason: "the value contains a line break or another control character, which a header cannot carry"}
	}
	if why := client.FixedHeaderRefused(name); why != "" {
		return &HeaderError{Name: name, Reason: "cannot be a fixed header: " + why}
	}
	if remoteServer && slices.ContainsFunc(remote.OwnHeaders, func(h string) bool { return strings.EqualFold(h, name) }) {
		return &HeaderError{Name: name, Reason: "cannot be a fixed header: restmcp sets it for the MCP session with the remote server"}
	}
	if why := credentialLike(name, value); why != "" {
		return &HeaderError{Name: name, Key: true, Reason: "cannot be a fixed header: " + why}
	}
	return nil
}

// CheckHeaders refuses p's first fixed header (by name) that cannot be
// sent (see CheckHeader), or that would carry the key as p sends it: the
// key's header (Authorization for a bearer, basic or OAuth 2.0 profile,
// the --auth-header or the declared apiKey header's name), Cookie for a
// key sent as a cookie, and the header --spec-auth sends it in.
func CheckHeaders(p profile.Profile) *HeaderError {
	keyHeaders := KeyHeaders(p)
	for _, name := range p.HeaderNames() {
		if slices.ContainsFunc(keyHeaders, func(h string) bool { return strings.EqualFold(h, name) }) {
			return &HeaderError{Name: name, Key: true, Reason: "the profile's key goes in this header"}
		}
		if err := CheckHeader(name, p.Headers[name], p.MCPURL != ""); err != nil {
			return err
		}
	}
	return nil
}

// KeyHeaders are the headers that carry p's key (or OAuth token) as p
// says it is sent. A profile that does not say (see Described) sends it in
// Authorization until its description says otherwise; a fixed header of
// the name the description then gives is replaced by the key, which the
// transport applies last.
func KeyHeaders(p profile.Profile) []string {
	var out []string
	switch {
	case IsOAuthProfile(p):
		out = append(out, client.DefaultAuthHeader)
	case p.MCPURL != "":
		out = append(out, p.Header())
	default:
		switch c := client.Unwrap(Credential(p, client.StaticKey("k"))).(type) {
		case client.HeaderKey:
			out = append(out, c.HeaderName())
		case client.BasicAuth:
			out = append(out, client.DefaultAuthHeader)
		case client.CookieKey:
			out = append(out, "Cookie")
		}
	}
	if sa, err := profile.ParseSpecAuth(p.SpecAuth); err == nil {
		switch sa.In {
		case profile.SpecAuthHeader:
			out = append(out, sa.Name)
		case profile.SpecAuthBearer:
			out = append(out, client.DefaultAuthHeader)
		case profile.SpecAuthCookie:
			out = append(out, "Cookie")
		}
	}
	return out
}

// fixedHeaders are p's fixed headers as a Transport sends them.
func fixedHeaders(p profile.Profile) http.Header { return client.HeaderSet(p.Headers) }

// credentialLike says why a fixed header looks like it carries a secret
// ("" when it does not): the headers credentials travel in whatever the
// profile, a name that says key, token, secret, password, auth, session or
// signature, or a value that starts with an authorization scheme. Fixed
// headers are saved in profiles.json and shown by status: a secret there
// would be on disk in plain text.
func credentialLike(name, value string) string {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Cookie":
		return "it carries credentials"
	}
	lower := strings.ToLower(name)
	for _, word := range []string{"key", "token", "secret", "password", "passwd", "auth", "session", "signature", "credential"} {
		if strings.Contains(lower, word) {
			return "its name says it carries a " + word
		}
	}
	scheme, _, _ := strings.Cut(strings.TrimSpace(value), " ")
	for _, s := range []string{"Bearer", "Basic", "Token", "Digest", "Api-Key", "ApiKey"} {
		if strings.EqualFold(scheme, s) && strings.Contains(strings.TrimSpace(value), " ") {
			return "its value starts with the authorization scheme " + s
		}
	}
	return ""
}
