package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
	"github.com/restmcp/restmcp/remote"
)

// What login and status print and ask for a profile of a remote MCP server
// (--mcp-url); the relay itself, and tools and call through it, are in
// app/remote.go.

// loginOAuth signs in to p's server when it asks for MCP authorization
// (or opts.OAuth says so), then saves the profile and stores the tokens;
// done is false when the server wants a key instead.
// kept are the scopes of an earlier sign-in to the same server, asked for
// again.
func (f *Factory) loginOAuth(ctx context.Context, opts *LoginOptions, own, p profile.Profile, store profile.Store, kept []string) (done bool, err error) {
	if opts.WithKey {
		if opts.Scopes != nil {
			return true, FlagErrorf("--scopes is for an OAuth sign-in, and --with-key logs in with a key: drop one of them")
		}
		if opts.Flow != "" {
			return true, FlagErrorf("--flow is for an OAuth sign-in, and --with-key logs in with a key: drop one of them")
		}
		return false, nil
	}
	hc := f.App().SignInClient(p)
	pctx, cancel := context.WithTimeout(ctx, opts.CheckTimeout)
	req, resp, wants, err := remote.NeedsOAuth(pctx, p.MCPURL, hc)
	cancel()
	// --client-id names an OAuth client, --scopes what to ask it for,
	// --flow browser how to sign in: as --oauth, they ask for a sign-in.
	oauthAsked := opts.OAuth || opts.ClientID != "" || opts.Scopes != nil || opts.Flow != ""
	switch {
	case !oauthAsked && (err != nil || !wants):
		return false, nil
	case err != nil:
		return true, fmt.Errorf("asking %s how to sign in: %w", client.ShowURL(p.MCPURL), err)
	case !wants && !(oauthAsked && resp.StatusCode == http.StatusUnauthorized):
		return true, fmt.Errorf("the MCP server does not ask for OAuth (it answered %d without authorization metadata): log in with its API key instead (without --oauth)", resp.StatusCode)
	}
	if opts.InsecureStorage {
		return true, FlagErrorf("the MCP server asks for OAuth sign-in, and OAuth tokens are only kept in the OS keyring: drop --insecure-storage")
	}
	// The access token goes in Authorization: no fixed header may take it.
	signed := p
	signed.Auth = &profile.Auth{Kind: profile.AuthOAuth2, OAuth: &profile.OAuth{}}
	if err := opts.Profile.checkHeaders(f, signed); err != nil {
		return true, err
	}
	fmt.Fprintf(f.IO.ErrOut, "The MCP server asks for OAuth sign-in.\n")
	cfg, tok, err := remote.SignIn(ctx, req, resp, remote.OAuthOptions{
		HTTPClient: hc,
		ClientName: f.Brand.Name,
		ClientID:   opts.ClientID,
		Scopes:     opts.Scopes,
		Kept:       kept,
		Show:       func(u string) error { return f.showAuthURL(u, opts.NoBrowser) },
		Timeout:    oauth.DefaultLoginTimeout,
	})
	switch {
	case errors.Is(err, oauth.ErrNoBrowser):
		return true, unattendedSignIn(f, oauth.ErrNoBrowser, false)
	case err != nil && ctx.Err() != nil:
		return true, signInInterrupted()
	case err != nil:
		return true, fmt.Errorf("%w; nothing was stored", err)
	}
	fmt.Fprintln(f.IO.ErrOut, "✓ Signed in.")
	// The client the authorization server knows is kept in the profile
	// (its secret, if registration gave one, in the keyring) and the
	// tokens where those of REST OAuth profiles are: they are refreshed,
	// shown and removed the same way.
	own.Auth = &profile.Auth{Scheme: app.RemoteOAuthScheme, Kind: profile.AuthOAuth2, OAuth: &profile.OAuth{
		Grant: string(oauth.GrantAuthorizationCode), ClientID: cfg.ClientID, AuthURL: cfg.AuthURL, TokenURL: cfg.TokenURL,
		RevocationURL: cfg.RevocationURL, Scopes: cfg.Scopes, Resource: cfg.Resource, ClientSecret: cfg.ClientSecret != "",
	}}
	return true, f.storeOAuthLogin(own, store, cfg.ClientSecret, tok)
}

// showAuthURL opens the authorization URL in the browser, unless
// noBrowser, and prints it; oauth.ErrNoBrowser when none could start in a
// CI job, where nobody could open it (--no-browser says something else
// opens it).
func (f *Factory) showAuthURL(u string, noBrowser bool) error {
	failed := !noBrowser && oauth.OpenBrowser(u) != nil
	if failed && f.unattended() {
		return oauth.ErrNoBrowser
	}
	fmt.Fprintf(f.IO.ErrOut, "Open this URL to sign in (waiting up to %s for the redirect to this machine; Ctrl-C cancels):\n  %s\n", oauth.DefaultLoginTimeout.Round(time.Second), u)
	if failed {
		fmt.Fprintln(f.IO.ErrOut, "! Could not open a browser: open the URL yourself.")
	}
	return nil
}

// checkMCPURL says what is wrong with a remote server's URL, as a flag
// error.
func checkMCPURL(raw string) error {
	if err := app.CheckMCPURL(raw); err != nil {
		return FlagErrorf("%w", err)
	}
	return nil
}

// remoteCheck is status's check of a remote profile's key.
func (f *Factory) remoteCheck(ctx context.Context, p profile.Profile, key string, timeout time.Duration) (*checkStatus, error) {
	kc := f.App().CheckRemoteKey(ctx, p, key, timeout)
	cs := &checkStatus{Method: kc.Method, URL: kc.URL, Status: kc.Status, Accepted: kc.Accepted, Server: kc.Server}
	if kc.Err != nil {
		cs.Error = kc.Err.Error()
	}
	return cs, kc.Err
}

// remoteAnswered says which requests of a key check a remote server
// answered (the last was method), and the server's name.
func remoteAnswered(method, server string) string {
	s := "initialize"
	if method == "tools/list" {
		s += " and tools/list"
	}
	if server != "" {
		s += ": " + server
	}
	return s
}

// remoteLogin checks key against p's server (unless noCheck) before login
// stores it.
func (f *Factory) remoteLogin(ctx context.Context, p profile.Profile, key string, noCheck bool, timeout time.Duration) error {
	if err := checkMCPURL(p.MCPURL); err != nil {
		return err
	}
	if noCheck {
		fmt.Fprintln(f.IO.ErrOut, "! The key was not checked against the MCP server (--no-check).")
		return nil
	}
	cs, err := f.remoteCheck(ctx, p, key, timeout)
	var se *remote.StatusError
	switch {
	case err == nil:
		fmt.Fprintf(f.IO.ErrOut, "✓ The MCP server took the key (%s); it may check it only when a tool is called.\n", remoteAnswered(cs.Method, cs.Server))
		return nil
	case errors.As(err, &se) && se.InsufficientScope:
		// The key is known, and lacks a permission: no use checking how
		// it is sent.
		return fmt.Errorf("%w; nothing was stored", err)
	case errors.As(err, &se) && se.Unauthorized() && se.Elsewhere != "" && se.MessageEndpoint:
		return fmt.Errorf("the MCP server's message endpoint (named by its event stream) redirected to %s, another origin, where the key is not sent, and was answered %d there, so nothing was stored. Report it to the server's maintainers, or log in with its Streamable HTTP endpoint as --mcp-url if it has one",
			se.Elsewhere, se.Status)
	case errors.As(err, &se) && se.Unauthorized() && se.Elsewhere != "":
		return fmt.Errorf("the MCP server redirected to %s, another origin, where the key is not sent, and was answered %d there, so nothing was stored. If that is the server, log in with --mcp-url %s",
			se.Elsewhere, se.Status, se.Elsewhere)
	case errors.As(err, &se) && se.Unauthorized():
		return fmt.Errorf("the MCP server refused the key (%d), so nothing was stored. Check the key, and the header and scheme it is sent with (now %q), then log in again",
			se.Status, app.SentAs(p))
	default:
		return fmt.Errorf("checking the key: %w. Nothing was stored: check --mcp-url, or pass --no-check to store the key unchecked", err)
	}
}
