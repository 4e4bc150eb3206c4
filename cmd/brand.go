package cmd

import (
	"strings"
	"unicode"

	"github.com/restmcp/restmcp/profile"
)

// Build-time settings. Release builds set version, commit and date with
// -ldflags -X; a vendor's branded build sets the name and the default profile
// too (docs/vendor-builds.md), e.g.
//
//	-X github.com/restmcp/restmcp/cmd.name=acme-mcp
//	-X github.com/restmcp/restmcp/cmd.profileSpec=https://api.acme.com/openapi.json
//
// They are read once, by defaultBrand and Version; nothing writes them at run
// time.
var (
	version = ""
	commit  = ""
	date    = ""
	// name is the binary's name: the keyring service, the config directory
	// and the prefix of environment variables derive from it.
	name = "restmcp"

	// The vendor's default profile. Empty values leave the usual defaults.
	profileName       = ""
	profileSpec       = ""
	profileMCPURL     = "" // a remote MCP server instead of a description
	profileBaseURL    = ""
	profileAuthHeader = ""
	// profileAuthScheme is unsetScheme unless the build sets it; set to ""
	// it means the bare key.
	profileAuthScheme = unsetScheme
	profilePrefix     = ""
	// The vendor's sign-in: the security scheme login picks when the
	// description declares several, and for OAuth 2.0 the vendor's
	// registered client ID and the scopes to ask for (separated by commas
	// or spaces).
	profileScheme   = ""
	oauthClientID   = ""
	oauthScopesList = ""
)

// unsetScheme marks profileAuthScheme as not set by the build, since -X can
// set a variable to "" (the bare key).
const unsetScheme = "\x00unset"

// Brand is the identity of this build.
type Brand struct {
	// Name of the binary ("restmcp", "acme-mcp").
	Name string
	// Defaults is the vendor's default profile: its Name is the profile used
	// when none is named, its other fields apply wherever neither a stored
	// profile nor a flag sets them. restmcp's own builds leave it zero.
	Defaults profile.Profile
	// SignIn is the vendor's sign-in defaults, used where login's flags and
	// the stored profile leave them unset.
	SignIn SignIn
}

// SignIn is what a vendor build sets for login: the scheme to use, and its
// registered OAuth 2.0 client.
type SignIn struct {
	Scheme        string
	OAuthClientID string
	OAuthScopes   []string
}

// EnvPrefix is the prefix of this build's environment variables:
// "RESTMCP" for restmcp, "ACME_MCP" for acme-mcp.
func (b Brand) EnvPrefix() string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(b.Name))
}

// Env is the name of an environment variable of this build ("API_KEY" →
// "RESTMCP_API_KEY").
func (b Brand) Env(suffix string) string { return b.EnvPrefix() + "_" + suffix }

// ProfileName is the profile used when none is named: the vendor's default
// profile, else "default".
func (b Brand) ProfileName() string {
	if b.Defaults.Name != "" {
		return b.Defaults.Name
	}
	return profile.DefaultName
}

// HasDefaults reports whether the build sets a default profile.
func (b Brand) HasDefaults() bool {
	d := b.Defaults
	return d.Name != "" || d.Spec != "" || d.MCPURL != "" || d.BaseURL != "" || d.AuthHeader != "" ||
		d.AuthScheme != nil || d.Prefix != ""
}

// Apply fills the fields of p that are unset with the brand's defaults. A
// profile of another API (its description is set and is not the brand's) is
// left alone: the vendor's base URL, auth and prefix belong to the vendor's
// API.
func (b Brand) Apply(p profile.Profile) profile.Profile {
	d := b.Defaults
	if (p.Spec != "" && p.Spec != d.Spec) || (p.MCPURL != "" && p.MCPURL != d.MCPURL) {
		return p
	}
	if p.Spec == "" && p.MCPURL == "" {
		p.Spec, p.MCPURL = d.Spec, d.MCPURL
	}
	if p.BaseURL == "" {
		p.BaseURL = d.BaseURL
	}
	if p.AuthHeader == "" {
		p.AuthHeader = d.AuthHeader
	}
	if p.AuthScheme == nil && d.AuthScheme != nil {
		s := *d.AuthScheme
		p.AuthScheme = &s
	}
	if p.Prefix == "" {
		p.Prefix = d.Prefix
	}
	return p
}

func defaultBrand() Brand {
	return newBrand(name, profile.Profile{
		Name:       profileName,
		Spec:       profileSpec,
		MCPURL:     profileMCPURL,
		BaseURL:    profileBaseURL,
		AuthHeader: profileAuthHeader,
		Prefix:     profilePrefix,
	}, profileAuthScheme).withSignIn(SignIn{Scheme: profileScheme, OAuthClientID: oauthClientID, OAuthScopes: splitScopes(oauthScopesList)})
}

// splitScopes splits a scope list (a build's, or a --scopes value) at
// commas and white space.
func splitScopes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
}

func (b Brand) withSignIn(s SignIn) Brand {
	b.SignIn = s
	return b
}

// newBrand builds a Brand from the build-time settings; scheme is
// unsetScheme when the build leaves the auth scheme alone.
func newBrand(binName string, defaults profile.Profile, scheme string) Brand {
	if binName == "" {
		binName = "restmcp"
	}
	if scheme != unsetScheme {
		defaults.AuthScheme = &scheme
	}
	return Brand{Name: binName, Defaults: defaults}
}
