package remote

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// challenge is one challenge of a WWW-Authenticate header: its scheme
// (lower case) and its parameters (names in lower case).
type challenge struct {
	scheme string
	params map[string]string
}

// parseChallenges reads the challenges of WWW-Authenticate header values
// (RFC 9110 §11.6.1): several in one value or in several, parameters
// whose quoted values hold commas, spaces or escaped quotes, a scheme's
// token68 (Negotiate abc==), spaces around "=". It gives up on nothing: a
// server's odd challenge (an empty quoted value, a bare word) costs that
// part only, not the challenges beside it, as the go-sdk's parser, which
// fails the whole header, would.
func parseChallenges(values []string) []challenge {
	var out []challenge
	for _, s := range values {
		var cur *challenge
		for {
			s = strings.TrimLeft(s, " \t,")
			if s == "" {
				break
			}
			name := tokenPrefix(s)
			if name == "" {
				s = skipJunk(s)
				continue
			}
			rest := strings.TrimLeft(s[len(name):], " \t")
			if cur != nil && strings.HasPrefix(rest, "=") {
				var value string
				value, s = paramValue(strings.TrimLeft(rest[1:], " \t"))
				cur.params[strings.ToLower(name)] = value
				continue
			}
			// Anything else after a comma (or first) is a new challenge,
			// perhaps followed by a token68 rather than parameters.
			out = append(out, challenge{scheme: strings.ToLower(name), params: map[string]string{}})
			cur = &out[len(out)-1]
			s = skipToken68(rest)
		}
	}
	return out
}

// isTchar reports whether c may be part of a token (RFC 9110 §5.6.2).
func isTchar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// tokenPrefix is the token s starts with ("" when none).
func tokenPrefix(s string) string {
	i := 0
	for i < len(s) && isTchar(s[i]) {
		i++
	}
	return s[:i]
}

// skipJunk passes over what cannot start a challenge or a parameter: a
// quoted string whole, else one byte.
func skipJunk(s string) string {
	if s[0] == '"' {
		_, rest := quoted(s)
		return rest
	}
	return s[1:]
}

// skipToken68 passes over a token68 (abc==) that s, what follows a
// scheme, starts with, when it ends there (at a comma or the end): not
// over the name of a parameter (realm="…", error=x).
func skipToken68(s string) string {
	i := 0
	for i < len(s) && (isTchar(s[i]) && s[i] != '!' || s[i] == '/') {
		i++
	}
	for i > 0 && i < len(s) && s[i] == '=' {
		i++
	}
	if rest := strings.TrimLeft(s[i:], " \t"); i > 0 && (rest == "" || rest[0] == ',') {
		return rest
	}
	return s
}

// paramValue reads a parameter's value, quoted or a token (leniently: up
// to a comma or a space, as servers send URLs unquoted), and what follows.
func paramValue(s string) (string, string) {
	if strings.HasPrefix(s, `"`) {
		return quoted(s)
	}
	i := strings.IndexAny(s, ", \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// quoted reads the quoted string s starts with, its escapes undone, and
// what follows it; an unterminated one runs to the end.
func quoted(s string) (string, string) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

// insufficientScope reads the challenges h holds, those of a 403: whether
// one says that the credentials lack a permission rather than being
// refused (Bearer error="insufficient_scope": RFC 6750 §3.1, the MCP
// specification's step-up authorization), and the scopes it asks for.
func insufficientScope(h http.Header) (bool, []string) {
	for _, c := range parseChallenges(h.Values("WWW-Authenticate")) {
		if c.scheme == "bearer" && c.params["error"] == "insufficient_scope" {
			return true, scopeTokens(c.params["scope"])
		}
	}
	return false, nil
}

// scopeTokens are the scopes of a scope parameter (space-separated), each
// once; a word that is no scope (RFC 6749 §3.3: printable ASCII but for
// `"` and `\`) is left out, lest a server's text put control characters
// into a message or a command to run.
func scopeTokens(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		ok := true
		for i := 0; i < len(f); i++ {
			if f[i] < 0x21 || f[i] > 0x7e || f[i] == '"' || f[i] == '\\' {
				ok = false
			}
		}
		if ok && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// LacksScope says what to do about se, a 403 whose challenge asks for
// scopes the credentials lack: the request was refused, not the
// credentials. With a key from cfg.KeyEnv, that it lacks the permission
// (its variable named). After an OAuth sign-in, the command that signs in again
// asking for them, with those granted before (cfg.Scopes), so that none
// is lost; with a key, that the key lacks the permission.
func LacksScope(se *StatusError, cfg Config) string {
	var asked string
	switch len(se.Scopes) {
	case 0:
		asked = "a permission it does not name"
	case 1:
		asked = "the scope " + se.Scopes[0]
	default:
		asked = "the scopes " + strings.Join(se.Scopes, " ")
	}
	login := cmp.Or(cfg.Login, "login")
	if cfg.KeyEnv != "" {
		return fmt.Sprintf("the key from %s lacks a permission this needs: the server asks for %s (insufficient_scope): set it to one that has it%s", cfg.KeyEnv, asked, unsetKeyEnv(cfg))
	}
	if !cfg.OAuth {
		return fmt.Sprintf("the key lacks a permission this needs: the server asks for %s (insufficient_scope): use a key that has it, and store it with `%s`", asked, login)
	}
	if len(se.Scopes) == 0 {
		return fmt.Sprintf("the sign-in does not grant a permission this needs, and the server does not name the scope (insufficient_scope): sign in again asking for the scope its documentation names: `%s --scopes SCOPE,…`", login)
	}
	scopes := slices.Clone(cfg.Scopes)
	for _, s := range se.Scopes {
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	return fmt.Sprintf("the sign-in does not grant a permission this needs: the server asks for %s (insufficient_scope): sign in again asking for it: run `%s --scopes %s`",
		asked, login, shellWord(strings.Join(scopes, ",")))
}

// shellWord is s quoted for a POSIX shell when it needs it.
func shellWord(s string) string {
	plain := s != ""
	for i := 0; i < len(s); i++ {
		if !(isTchar(s[i]) && strings.IndexByte("!#$&'*^`|~", s[i]) < 0 || strings.IndexByte(",/:@=", s[i]) >= 0) {
			plain = false
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
