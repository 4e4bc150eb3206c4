package oauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Revoke asks the authorization server to revoke tok (RFC 7009) at
// c.RevocationURL: its refresh token when it has one (servers then drop
// the access tokens issued with it too), else its access token. logout
// calls it before deleting the stored token; a server without a
// revocation endpoint is not an error the user can act on, so callers
// usually only report it.
func (c Config) Revoke(ctx context.Context, tok *Token) error {
	if c.RevocationURL == "" {
		return errors.New("oauth: the provider names no revocation endpoint")
	}
	if err := checkEndpoint(c.RevocationURL); err != nil {
		return fmt.Errorf("oauth: revocation URL: %w", err)
	}
	if c.ClientAuth == "" {
		c.ClientAuth = tok.ClientAuth // the way that worked at sign-in
	}
	form := url.Values{}
	if tok.RefreshToken != "" {
		form.Set("token", tok.RefreshToken)
		form.Set("token_type_hint", "refresh_token")
	} else {
		form.Set("token", tok.AccessToken)
		form.Set("token_type_hint", "access_token")
	}
	if c.ClientSecret == "" || c.ClientAuth == ClientAuthPost {
		form.Set("client_id", c.ClientID)
	}
	if c.ClientSecret != "" && c.ClientAuth == ClientAuthPost {
		form.Set("client_secret", c.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.RevocationURL, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("oauth: revocation URL: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.ClientSecret != "" && c.ClientAuth != ClientAuthPost {
		req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret))
	}
	resp, err := NoPostRedirects(c.HTTPClient).Do(req)
	if err != nil {
		return fmt.Errorf("oauth: revoking the token: %w", redactError(err, tok.AccessToken, tok.RefreshToken, c.ClientSecret))
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if err := redirected("revocation", resp); err != nil {
		return err
	}
	// RFC 7009 answers 200, but servers answer revocations as they
	// answer other requests that return nothing: 204 No Content, 202.
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &ServerError{Endpoint: "revocation", Status: resp.StatusCode}
	}
	return nil
}
