package client

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// Security scheme types, as OpenAPI 3 names them (Swagger 2.0's "basic"
// becomes TypeHTTP with Scheme "basic").
const (
	TypeAPIKey        = "apiKey"
	TypeHTTP          = "http"
	TypeOAuth2        = "oauth2"
	TypeOpenIDConnect = "openIdConnect"
	TypeMutualTLS     = "mutualTLS"
)

// SecurityScheme is one entry of components.securitySchemes (OpenAPI 3) or
// securityDefinitions (Swagger 2.0).
type SecurityScheme struct {
	// Name is the scheme's key in the description.
	Name        string
	Type        string // TypeAPIKey, TypeHTTP, …
	Description string
	// In ("header", "query", "cookie") and ParamName: where an apiKey goes.
	In        string
	ParamName string
	// Scheme of a TypeHTTP scheme, lower case: "bearer", "basic", …
	Scheme       string
	BearerFormat string
	// Flows of a TypeOAuth2 scheme, by name: FlowAuthorizationCode,
	// FlowClientCredentials, FlowDeviceAuthorization, "implicit",
	// "password".
	Flows map[string]OAuthFlow
	// OpenIDConnectURL of a TypeOpenIDConnect scheme.
	OpenIDConnectURL string
}

// The OAuth 2.0 flows restmcp signs in with, as OpenAPI names them.
const (
	FlowAuthorizationCode = "authorizationCode"
	FlowClientCredentials = "clientCredentials"
	// FlowDeviceAuthorization is OpenAPI 3.2's device authorization flow
	// (RFC 8628), also read from the extension x-oai-deviceAuthorization
	// that came before it and from the name deviceCode.
	FlowDeviceAuthorization = "deviceAuthorization"
)

// deviceFlowNames are the names the device authorization flow goes by in
// a flows object, the standard one first: it wins when several are given.
var deviceFlowNames = []string{FlowDeviceAuthorization, "x-oai-deviceAuthorization", "deviceCode"}

// OAuthFlow is one OAuth 2.0 flow of a scheme.
type OAuthFlow struct {
	AuthorizationURL string
	TokenURL         string
	RefreshURL       string
	DeviceAuthURL    string
	Scopes           []string // declared scope names, sorted
}

// Requirement is one alternative of a security requirement: every scheme
// it names, with the scopes each needs, must be satisfied. An empty
// Requirement needs nothing (the `{}` alternative: anonymous access).
type Requirement map[string][]string

// Kind is what a user must provide for the scheme, in a few words.
func (s *SecurityScheme) Kind() string {
	switch s.Type {
	case TypeAPIKey:
		return "API key in " + s.In + " " + s.ParamName
	case TypeHTTP:
		switch s.Scheme {
		case "basic":
			return "HTTP basic: user name + password or token"
		case "bearer":
			return "bearer token"
		}
		return "HTTP " + s.Scheme
	case TypeOAuth2:
		return "OAuth 2.0 (" + strings.Join(slices.Sorted(maps.Keys(s.Flows)), ", ") + ")"
	case TypeOpenIDConnect:
		return "OpenID Connect"
	}
	return s.Type
}

// Supported reports whether restmcp can send this scheme's credential.
func (s *SecurityScheme) Supported() bool {
	switch s.Type {
	case TypeAPIKey:
		return s.ParamName != "" && (s.In == "header" || s.In == "query" || s.In == "cookie")
	case TypeHTTP:
		return s.Scheme == "basic" || s.Scheme == "bearer"
	case TypeOAuth2:
		_, code := s.Flows[FlowAuthorizationCode]
		_, cc := s.Flows[FlowClientCredentials]
		_, dev := s.Flows[FlowDeviceAuthorization]
		return code || cc || dev
	case TypeOpenIDConnect:
		return s.OpenIDConnectURL != ""
	}
	return false
}

// securitySchemes reads the declared schemes; a relative OAuth 2.0
// endpoint is resolved against the first of servers (see resolveEndpoint).
func (b *builder) securitySchemes(servers []string) map[string]*SecurityScheme {
	var raw map[string]any
	if b.swagger {
		raw, _ = b.root["securityDefinitions"].(map[string]any)
	} else {
		comps, _ := b.root["components"].(map[string]any)
		raw, _ = comps["securitySchemes"].(map[string]any)
	}
	if len(raw) == 0 {
		return nil
	}
	out := make(map[string]*SecurityScheme, len(raw))
	for name, v := range raw {
		m, _, err := b.docs.deref(v, b.loc)
		if err != nil || m == nil {
			continue
		}
		s := &SecurityScheme{
			Name:         name,
			Type:         text(m["type"]),
			Description:  strings.TrimSpace(text(m["description"])),
			In:           strings.ToLower(text(m["in"])),
			ParamName:    text(m["name"]),
			Scheme:       strings.ToLower(text(m["scheme"])),
			BearerFormat: text(m["bearerFormat"]),
		}
		if u := text(m["openIdConnectUrl"]); u != "" {
			s.OpenIDConnectURL = b.resolveServer(u)
		}
		switch s.Type {
		case "basic": // Swagger 2.0
			s.Type, s.Scheme = TypeHTTP, "basic"
		case TypeOAuth2:
			s.Flows = b.oauthFlows(m, servers)
		}
		out[name] = s
	}
	return out
}

// oauthFlows reads an oauth2 scheme's flows: OpenAPI 3's flows object, or
// Swagger 2.0's single flow ("accessCode", "application", …); relative
// endpoints are resolved against servers.
func (b *builder) oauthFlows(m map[string]any, servers []string) map[string]OAuthFlow {
	flows := map[string]OAuthFlow{}
	read := func(f map[string]any) OAuthFlow {
		endpoint := func(key string) string { return b.resolveEndpoint(text(f[key]), servers) }
		fl := OAuthFlow{
			AuthorizationURL: endpoint("authorizationUrl"),
			TokenURL:         endpoint("tokenUrl"),
			RefreshURL:       endpoint("refreshUrl"),
			DeviceAuthURL:    endpoint("deviceAuthorizationUrl"),
		}
		if sc, ok := f["scopes"].(map[string]any); ok {
			fl.Scopes = slices.Sorted(maps.Keys(sc))
		}
		return fl
	}
	if b.swagger {
		names := map[string]string{"accessCode": FlowAuthorizationCode, "application": FlowClientCredentials, "implicit": "implicit", "password": "password"}
		if n, ok := names[text(m["flow"])]; ok {
			flows[n] = read(m)
		}
		return flows
	}
	fm, _ := m["flows"].(map[string]any)
	for name, v := range fm {
		if f, ok := v.(map[string]any); ok && !slices.Contains(deviceFlowNames, name) {
			flows[name] = read(f)
		}
	}
	for _, name := range deviceFlowNames {
		if f, ok := fm[name].(map[string]any); ok {
			flows[FlowDeviceAuthorization] = read(f)
			break
		}
	}
	return flows
}

// resolveEndpoint resolves a relative URL of an OAuth 2.0 flow (which
// OpenAPI allows) against the API's first server, as OpenAPI resolves
// relative URLs; without an absolute server, against the description's own
// URL (resolveServer). An absolute or empty u is returned as it is.
func (b *builder) resolveEndpoint(u string, servers []string) string {
	if u == "" || IsURL(u) {
		return u
	}
	if len(servers) > 0 && IsURL(servers[0]) {
		base, berr := url.Parse(servers[0])
		ref, rerr := url.Parse(u)
		if berr == nil && rerr == nil {
			// The server URL is a folder that paths go below, whether
			// or not it ends with a slash.
			base.User = nil
			if !strings.HasSuffix(base.Path, "/") {
				base.Path += "/"
			}
			return base.ResolveReference(ref).String()
		}
	}
	return b.resolveServer(u)
}

// requirements reads a security requirement list; ok is false when v is
// not a list (absent).
func requirements(v any) (reqs []Requirement, ok bool) {
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	reqs = []Requirement{}
	for _, alt := range l {
		m, _ := alt.(map[string]any)
		r := Requirement{}
		for name, sc := range m {
			var scopes []string
			if sl, ok := sc.([]any); ok {
				for _, s := range sl {
					if t := text(s); t != "" {
						scopes = append(scopes, t)
					}
				}
			}
			r[name] = scopes
		}
		reqs = append(reqs, r)
	}
	return reqs, true
}

// SatisfiedBy reports whether a profile holding a credential for the
// named scheme may call op: the operation declares no requirement, or one
// alternative that needs nothing or only scheme.
func (op *Operation) SatisfiedBy(scheme string) bool {
	if len(op.Requirements) == 0 {
		return true
	}
	for _, r := range op.Requirements {
		if len(r) == 0 {
			return true
		}
		if _, ok := r[scheme]; ok && len(r) == 1 {
			return true
		}
	}
	return false
}

// SchemesIn lists the schemes op accepts alone, in the description's
// order of names (sorted).
func (op *Operation) SchemesIn() []string {
	var out []string
	for _, r := range op.Requirements {
		if len(r) == 1 {
			for name := range r {
				if !slices.Contains(out, name) {
					out = append(out, name)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// UsedSchemes lists the declared schemes that at least one operation
// accepts alone, sorted by name; when no operation names a scheme (the
// description declares schemes but no requirement), every declared one.
func (a *API) UsedSchemes() []*SecurityScheme {
	used := map[string]bool{}
	for _, op := range a.Operations {
		for _, n := range op.SchemesIn() {
			used[n] = true
		}
	}
	var out []*SecurityScheme
	for name, s := range a.SecuritySchemes {
		if len(used) == 0 || used[name] {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Scopes is the union of the scopes the operations ops need from scheme,
// sorted.
func Scopes(ops []*Operation, scheme string) []string {
	set := map[string]bool{}
	for _, op := range ops {
		for _, r := range op.Requirements {
			for _, s := range r[scheme] {
				set[s] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// SchemeError is an operation that needs a credential of a scheme the
// profile does not have.
type SchemeError struct {
	Scheme  string   // the profile's
	Accepts []string // the operation's
}

func (e *SchemeError) Error() string {
	return fmt.Sprintf("this operation needs a credential of scheme %s, and the profile has one of scheme %q",
		strings.Join(e.Accepts, " or "), e.Scheme)
}
