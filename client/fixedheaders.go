package client

import (
	"net/http"
	"strings"
)

// Fixed headers are non-secret headers a profile sends with every request
// to the API's origin (GitHub's X-GitHub-Api-Version, Notion's
// Notion-Version): Transport.Headers, set before the credential, so that
// the credential's own header always wins.

// FixedHeaderRefused says why name cannot be a fixed header, "" when it
// can: a header that frames the message or concerns one connection
// (Host, Content-Length, Transfer-Encoding, Connection…), one restmcp sets
// for each request (Content-Type, Accept-Encoding), or Referer, which it
// never sends.
func FixedHeaderRefused(name string) string {
	return refusedFixed[http.CanonicalHeaderKey(name)]
}

var refusedFixed = map[string]string{
	"Host":                "the host comes from the API's address (--base-url)",
	"Content-Length":      "it frames the request body, which restmcp sizes itself",
	"Transfer-Encoding":   "it frames the request body, which restmcp sizes itself",
	"Content-Type":        "it is set for each request from its body",
	"Content-Encoding":    "it is set for each request from its body",
	"Accept-Encoding":     "restmcp asks for the encodings it can read",
	"Connection":          "it concerns one connection, not the API",
	"Keep-Alive":          "it concerns one connection, not the API",
	"Proxy-Connection":    "it concerns one connection, not the API",
	"Upgrade":             "it concerns one connection, not the API",
	"Te":                  "it concerns one connection, not the API",
	"Trailer":             "it concerns one connection, not the API",
	"Expect":              "it concerns one connection, not the API",
	"Proxy-Authorization": "it is for a proxy, which takes its credentials from HTTPS_PROXY",
	"Referer":             "restmcp never sends it (it would tell other origins the API's URLs)",
}

// ValidHeaderName reports whether s is an HTTP field name (RFC 9110's
// token).
func ValidHeaderName(s string) bool { return validHeaderName(s) }

// ValidHeaderValue reports whether s can be sent as a header value: no
// line break or other control character but tab.
func ValidHeaderValue(s string) bool { return validHeaderValue(s) }

// ParseHeader reads "Name: value" as curl and mcp-remote take it: the
// name before the first colon, the value after it with surrounding spaces
// trimmed. ok is false without a colon.
func ParseHeader(s string) (name, value string, ok bool) {
	name, value, ok = strings.Cut(s, ":")
	return strings.TrimSpace(name), strings.Trim(value, " \t"), ok
}

// HeaderSet is a set of fixed headers by name (any letter case) as a
// Transport sends them.
func HeaderSet(h map[string]string) http.Header {
	if len(h) == 0 {
		return nil
	}
	out := make(http.Header, len(h))
	for n, v := range h {
		out[http.CanonicalHeaderKey(n)] = []string{v}
	}
	return out
}
