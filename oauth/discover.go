package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// Metadata is what an OpenID Connect discovery document (or RFC 8414
// authorization server metadata) says about a provider.
type Metadata struct {
	Issuer                      string   `json:"issuer"`
	AuthorizationEndpoint       string   `json:"authorization_endpoint"`
	TokenEndpoint               string   `json:"token_endpoint"`
	DeviceAuthorizationEndpoint string   `json:"device_authorization_endpoint"`
	RevocationEndpoint          string   `json:"revocation_endpoint"`
	ScopesSupported             []string `json:"scopes_supported"`
	GrantTypesSupported         []string `json:"grant_types_supported"`
	CodeChallengeMethods        []string `json:"code_challenge_methods_supported"`
	TokenAuthMethods            []string `json:"token_endpoint_auth_methods_supported"`
	// IssParameterSupported: the provider names itself (iss) in each
	// authorization redirect (RFC 9207).
	IssParameterSupported bool `json:"authorization_response_iss_parameter_supported"`
}

// ClientAuth is how a confidential client of this provider authenticates
// at the token endpoint (Config.ClientAuth): HTTP basic where the provider
// lists it, or lists nothing (RFC 8414's default), else the form where it
// lists that, else "" (find out).
func (m Metadata) ClientAuth() string {
	switch {
	case len(m.TokenAuthMethods) == 0 || slices.Contains(m.TokenAuthMethods, "client_secret_basic"):
		return ClientAuthBasic
	case slices.Contains(m.TokenAuthMethods, "client_secret_post"):
		return ClientAuthPost
	}
	return ""
}

// SupportsGrant reports whether the provider lists g among its grant types.
// An empty list means the RFC 8414 default: authorization code and implicit.
func (m Metadata) SupportsGrant(g Grant) bool {
	types := m.GrantTypesSupported
	if len(types) == 0 {
		types = []string{"authorization_code", "implicit"}
	}
	name := string(g)
	if g == GrantDeviceCode {
		name = "urn:ietf:params:oauth:grant-type:device_code"
		if m.DeviceAuthorizationEndpoint == "" {
			return false
		}
	}
	return slices.Contains(types, name)
}

// Apply fills c's endpoints from m, keeping those c already has.
func (m Metadata) Apply(c *Config) {
	if c.AuthURL == "" {
		c.AuthURL = m.AuthorizationEndpoint
	}
	if c.TokenURL == "" {
		c.TokenURL = m.TokenEndpoint
	}
	if c.DeviceAuthURL == "" {
		c.DeviceAuthURL = m.DeviceAuthorizationEndpoint
	}
	if c.RevocationURL == "" {
		c.RevocationURL = m.RevocationEndpoint
	}
}

// maxDiscoveryBytes bounds a discovery document.
const maxDiscoveryBytes = 1 << 20

// Discover fetches an OpenID Connect discovery document (an OpenAPI
// openIdConnect scheme's openIdConnectUrl, usually ending in
// /.well-known/openid-configuration). hc nil uses a client with
// DefaultHTTPTimeout. The endpoints it names, and every URL a redirect
// of its fetch goes to, must be https (or http on a loopback host), and when the URL is a well-known one the issuer must be
// the URL's prefix.
func Discover(ctx context.Context, hc *http.Client, discoveryURL string) (*Metadata, error) {
	if err := checkEndpoint(discoveryURL); err != nil {
		return nil, fmt.Errorf("oauth: OpenID Connect discovery URL: %w", err)
	}
	if hc == nil {
		hc = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	// A redirect to plain http would let anyone on the network answer
	// with endpoints of their own (and an issuer to match): each step
	// must be https, as the URL itself.
	safe := *hc
	next := hc.CheckRedirect
	safe.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := checkEndpoint(req.URL.String()); err != nil {
			return fmt.Errorf("redirected: %w", err)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	hc = &safe
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, discoveryURL, nil)
	if err != nil {
		return nil, fmt.Errorf("oauth: OpenID Connect discovery URL: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("oauth: fetching the OpenID Connect configuration: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("oauth: fetching the OpenID Connect configuration %s: HTTP %s", discoveryURL, printable(resp.Status, 100))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDiscoveryBytes+1))
	if err != nil {
		return nil, fmt.Errorf("oauth: reading the OpenID Connect configuration: %w", err)
	}
	if len(body) > maxDiscoveryBytes {
		return nil, fmt.Errorf("oauth: the OpenID Connect configuration at %s is larger than %d bytes", discoveryURL, maxDiscoveryBytes)
	}
	var m Metadata
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("oauth: %s is not an OpenID Connect configuration (JSON): %v", discoveryURL, err)
	}
	if m.TokenEndpoint == "" {
		return nil, fmt.Errorf("oauth: the OpenID Connect configuration at %s names no token_endpoint", discoveryURL)
	}
	for name, u := range map[string]string{
		"authorization_endpoint":        m.AuthorizationEndpoint,
		"token_endpoint":                m.TokenEndpoint,
		"device_authorization_endpoint": m.DeviceAuthorizationEndpoint,
		"revocation_endpoint":           m.RevocationEndpoint,
	} {
		if u == "" {
			continue
		}
		if err := checkEndpoint(u); err != nil {
			return nil, fmt.Errorf("oauth: the OpenID Connect configuration's %s: %w", name, err)
		}
	}
	for _, suffix := range []string{"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"} {
		if prefix, ok := strings.CutSuffix(discoveryURL, suffix); ok && m.Issuer != "" &&
			strings.TrimSuffix(m.Issuer, "/") != strings.TrimSuffix(prefix, "/") {
			return nil, fmt.Errorf("oauth: the OpenID Connect configuration at %s is for issuer %s, not %s", discoveryURL, printable(m.Issuer, 300), prefix)
		}
	}
	return &m, nil
}
