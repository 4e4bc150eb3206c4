package profile

import (
	"errors"
	"fmt"
	"strings"
)

// Places of SpecAuth: where the key goes when the description is fetched.
const (
	SpecAuthDefault = ""       // as the API's calls send it
	SpecAuthNone    = "none"   // never: the description is fetched without the key
	SpecAuthBearer  = "bearer" // Authorization: Bearer <key>
	SpecAuthHeader  = "header" // NAME: <key>
	SpecAuthQuery   = "query"  // ?NAME=<key>
	SpecAuthCookie  = "cookie" // Cookie: NAME=<key>
)

// SpecAuth is a Profile's SpecAuth read: In is one of the SpecAuth
// places, Name the header, query parameter or cookie of "header",
// "query" and "cookie".
type SpecAuth struct {
	In   string
	Name string
}

// String is s as a profile stores it and --spec-auth takes it.
func (s SpecAuth) String() string {
	if s.Name == "" {
		return s.In
	}
	return s.In + ":" + s.Name
}

// ParseSpecAuth reads a SpecAuth value: "" (as the calls send the key),
// "none", "bearer", "header:NAME", "query:NAME" or "cookie:NAME". The
// place is case-insensitive; NAME is kept as written. Its errors never
// repeat the value (a key pasted there stays off the screen).
func ParseSpecAuth(v string) (SpecAuth, error) {
	v = strings.TrimSpace(v)
	in, name, named := strings.Cut(v, ":")
	in = strings.ToLower(strings.TrimSpace(in))
	name = strings.TrimSpace(name)
	switch in {
	case SpecAuthDefault, SpecAuthNone, SpecAuthBearer:
		if named {
			return SpecAuth{}, fmt.Errorf("%s takes no name: use %q", in, in)
		}
		return SpecAuth{In: in}, nil
	case SpecAuthHeader, SpecAuthQuery, SpecAuthCookie:
		if name == "" {
			return SpecAuth{}, fmt.Errorf("%s needs the %s's name: %s:NAME, e.g. %s", in, placeNoun(in), in, example(in))
		}
		if !token(name) {
			return SpecAuth{}, fmt.Errorf("the name after %s: is not a %s name: use letters, digits and - or _, e.g. %s", in, placeNoun(in), example(in))
		}
		return SpecAuth{In: in, Name: name}, nil
	}
	return SpecAuth{}, errors.New(`use "header:NAME", "query:NAME", "cookie:NAME", "bearer" or "none"`)
}

func placeNoun(in string) string {
	if in == SpecAuthQuery {
		return "query parameter"
	}
	return in
}

func example(in string) string {
	switch in {
	case SpecAuthQuery:
		return "query:api_key"
	case SpecAuthCookie:
		return "cookie:session"
	}
	return "header:X-API-Key"
}

// token reports whether s is an HTTP token (RFC 9110), which header and
// cookie names are; query parameter names are held to the same rule,
// which every API's key parameter meets.
func token(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("!#$%&'*+-.^_`|~", r):
		default:
			return false
		}
	}
	return s != ""
}
