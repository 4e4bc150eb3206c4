package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/profile"
	"github.com/restmcp/restmcp/remote"
	"github.com/restmcp/restmcp/server"
)

// Commands on a profile of a remote MCP server (--mcp-url): serve relays
// to it, tools and call go through the same relay, login and status check
// the key with an initialize.

// remoteConfig is the relay to p's server. The key (as for REST profiles:
// the environment variable, else the keyring) is sent only to the
// server's origin; without one, requests go without it and a server that
// needs one answers 401, which names the login command.
//
// A stored OAuth grant (login's sign-in) is sent as its access token,
// refreshed when it expires; the new token is stored again.
func (f *Factory) remoteConfig(p profile.Profile, key string) remote.Config {
	keys := client.StaticKey(key)
	if key == "" {
		keys = f.App().KeySource(p.Name)
	}
	var (
		mu     sync.Mutex
		tokens remote.Renewer
		from   string // the stored grant tokens started from
	)
	value := func(ctx context.Context) (string, error) {
		k, err := keys(ctx)
		if err != nil || k == "" {
			return "", nil
		}
		g, ok := remote.DecodeGrant(k)
		if !ok {
			return client.AuthValue(p.Scheme(), k), nil
		}
		mu.Lock()
		defer mu.Unlock()
		if tokens == nil || from != k {
			tokens, from = g.TokenSource(nil, func(g *remote.Grant) { f.saveGrant(p.Name, g) }), k
		}
		t, err := tokens.Token()
		if err != nil {
			return "", fmt.Errorf("%w: sign in again with `%s`", err, f.App().LoginCommand(p.Name))
		}
		return "Bearer " + t.AccessToken, nil
	}
	return remote.Config{
		URL: p.MCPURL,
		HTTPClient: &http.Client{Transport: &remote.HeaderTransport{
			Origin: remote.Origin(p.MCPURL),
			Header: p.Header(),
			Value:  value,
			Renew: func(context.Context) bool {
				mu.Lock()
				defer mu.Unlock()
				return tokens != nil && tokens.Renew()
			},
			Base: userAgent{f.App().UserAgent(), http.DefaultTransport},
		}},
		Filter: remote.Filter{Tools: p.Tools, ReadOnly: p.ReadOnly, Prefix: p.Prefix},
		Login:  f.App().LoginCommand(p.Name),
		Logger: f.Log,
	}
}

// userAgent names restmcp in every request.
type userAgent struct {
	value string
	base  http.RoundTripper
}

func (u userAgent) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", u.value)
	return u.base.RoundTrip(r)
}

// saveGrant stores a refreshed OAuth grant where login stored the first.
func (f *Factory) saveGrant(profileName string, g *remote.Grant) {
	s, err := g.Encode()
	if err != nil {
		return
	}
	switch f.App().StoredKey(profileName).Source {
	case app.KeyFromKeyring:
		err = f.Keyring.Set(profileName, s)
	case app.KeyFromFile:
		var pf keyring.PlainFile
		if pf, err = f.App().InsecureKeys(); err == nil {
			err = pf.Set(profileName, s)
		}
	default:
		return
	}
	if err != nil {
		f.Log.Warn("could not store the refreshed OAuth token", "profile", profileName, "err", err)
		return
	}
	f.Log.Info("refreshed the OAuth token", "profile", profileName)
}

// maskCredential shows a stored key masked, or says an OAuth token and
// when it expires.
func maskCredential(k string) string {
	g, ok := remote.DecodeGrant(k)
	if !ok {
		return maskKey(k)
	}
	if g.Token.Expiry.IsZero() {
		return "OAuth token"
	}
	return "OAuth token (expires " + g.Token.Expiry.Local().Format(time.RFC3339) + ", refreshed as needed)"
}

// loginOAuth signs in to p's server when it asks for MCP authorization
// (or opts.OAuth says so), then saves the profile and stores the grant;
// done is false when the server wants a key instead.
func (f *Factory) loginOAuth(ctx context.Context, opts *LoginOptions, own, p profile.Profile, store profile.Store) (done bool, err error) {
	if opts.WithKey {
		return false, nil
	}
	hc := &http.Client{Transport: userAgent{f.App().UserAgent(), http.DefaultTransport}}
	pctx, cancel := context.WithTimeout(ctx, opts.CheckTimeout)
	req, resp, wants, err := remote.NeedsOAuth(pctx, p.MCPURL, hc)
	cancel()
	switch {
	case !opts.OAuth && (err != nil || !wants):
		return false, nil
	case err != nil:
		return true, fmt.Errorf("asking %s how to sign in: %w", p.MCPURL, err)
	case !wants:
		return true, fmt.Errorf("the MCP server does not ask for OAuth (it answered %d without authorization metadata): log in with its API key instead (without --oauth)", resp.StatusCode)
	}
	fmt.Fprintf(f.IO.ErrOut, "The MCP server asks for OAuth sign-in.\n")
	g, err := remote.SignIn(ctx, req, resp, remote.OAuthOptions{
		HTTPClient: hc,
		ClientName: f.Brand.Name,
		ClientID:   opts.ClientID,
		Show:       func(u string) error { return f.showAuthURL(u, opts.NoBrowser) },
	})
	if err != nil {
		return true, fmt.Errorf("%w; nothing was stored", err)
	}
	fmt.Fprintln(f.IO.ErrOut, "✓ Signed in.")
	s, err := g.Encode()
	if err != nil {
		return true, err
	}
	if err := store.Save(own); err != nil {
		return true, fmt.Errorf("saving profile %q: %w; nothing was stored", p.Name, err)
	}
	fmt.Fprintf(f.IO.ErrOut, "✓ Saved profile %q in %s.\n", p.Name, store.Path())
	return true, storeKey(f, p.Name, s, opts.InsecureStorage)
}

// showAuthURL prints the authorization URL and, unless noBrowser, opens it
// in the browser.
func (f *Factory) showAuthURL(u string, noBrowser bool) error {
	fmt.Fprintf(f.IO.ErrOut, "Open this URL to sign in (waiting for the redirect to this machine):\n  %s\n", u)
	if noBrowser {
		return nil
	}
	var c *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		c = exec.Command("open", u)
	case "windows":
		c = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		c = exec.Command("xdg-open", u)
	}
	if err := c.Start(); err != nil {
		fmt.Fprintln(f.IO.ErrOut, "! Could not open a browser: open the URL yourself.")
		return nil
	}
	go c.Wait()
	return nil
}

// checkMCPURL says what is wrong with a remote server's URL.
func checkMCPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return FlagErrorf("--mcp-url %q: give the server's http(s) endpoint, e.g. https://mcp.example.com/mcp", client.ShowURL(raw))
	}
	return nil
}

// serveRemote relays the editor's MCP session on stdio to p's server.
func (f *Factory) serveRemote(ctx context.Context, p profile.Profile) error {
	if err := checkMCPURL(p.MCPURL); err != nil {
		return err
	}
	f.Log.Info("relaying to a remote MCP server", "profile", p.Name, "url", client.ShowURL(p.MCPURL))
	err := remote.Serve(ctx, &server.StdioTransport{In: f.IO.In, Out: f.IO.Out}, f.remoteConfig(p, ""))
	if err == nil || errors.Is(err, io.EOF) || ctx.Err() != nil {
		return nil
	}
	return err
}

// remoteTools is p's server seen through the relay, as `tools` and `call`
// use it (the same methods as *server.Server).
type remoteTools struct {
	session *mcp.ClientSession
	tools   []*mcp.Tool
}

// connectRemote connects to p's server and lists its tools.
func (f *Factory) connectRemote(ctx context.Context, p profile.Profile) (*remoteTools, error) {
	if err := checkMCPURL(p.MCPURL); err != nil {
		return nil, err
	}
	c := mcp.NewClient(&mcp.Implementation{Name: f.Brand.Name, Version: Version()}, nil)
	cs, err := remote.Connect(ctx, f.remoteConfig(p, ""), c)
	if err != nil {
		return nil, err
	}
	rt := &remoteTools{session: cs}
	for t, err := range cs.Tools(ctx, nil) {
		if err != nil {
			cs.Close()
			return nil, fmt.Errorf("listing the tools of %s: %w", p.MCPURL, err)
		}
		rt.tools = append(rt.tools, t)
	}
	return rt, nil
}

func (r *remoteTools) Tools() []*mcp.Tool { return r.tools }

func (r *remoteTools) Call(ctx context.Context, name string, args json.RawMessage) (*mcp.CallToolResult, error) {
	return r.session.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
}

func (r *remoteTools) Close() error { return r.session.Close() }

// remoteToolNames lists the names of p's remote tools (for install).
func (f *Factory) remoteToolNames(ctx context.Context, p profile.Profile) ([]string, error) {
	rt, err := f.connectRemote(ctx, p)
	if err != nil {
		return nil, err
	}
	defer rt.Close()
	names := make([]string, 0, len(rt.tools))
	for _, t := range rt.tools {
		names = append(names, t.Name)
	}
	return names, nil
}

// remoteCheck initializes a session with key: accepted, refused (a
// *remote.StatusError that is Unauthorized) or unreachable.
func (f *Factory) remoteCheck(ctx context.Context, p profile.Profile, key string, timeout time.Duration) (*checkStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cs := &checkStatus{Method: "initialize", URL: p.MCPURL}
	res, err := remote.Probe(ctx, f.remoteConfig(p, key), &mcp.Implementation{Name: f.Brand.Name, Version: Version()})
	var se *remote.StatusError
	switch {
	case err == nil:
		cs.Accepted, cs.Status = true, http.StatusOK
		if res.ServerInfo != nil {
			cs.Server = strings.TrimSpace(res.ServerInfo.Name + " " + res.ServerInfo.Version)
		}
	case errors.As(err, &se):
		cs.Status, cs.Error = se.Status, err.Error()
	default:
		cs.Error = err.Error()
	}
	return cs, err
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
		fmt.Fprintf(f.IO.ErrOut, "✓ The MCP server accepted the key (%s).\n", cs.Server)
		return nil
	case errors.As(err, &se) && se.Unauthorized():
		return fmt.Errorf("the MCP server refused the key (%d), so nothing was stored. Check the key, and the header and scheme it is sent with (now %q), then log in again",
			se.Status, p.Header()+": "+schemeLabel(p.Scheme()))
	default:
		return fmt.Errorf("checking the key: %w. Nothing was stored: check --mcp-url, or pass --no-check to store the key unchecked", err)
	}
}

// toolSource is what tools and call work with: the REST API's tools, or a
// remote server's through the relay.
type toolSource interface {
	Tools() []*mcp.Tool
	Call(ctx context.Context, name string, args json.RawMessage) (*mcp.CallToolResult, error)
}

// tools returns p's tools: a remote server's, or the REST API's (sends
// says whether calls will be made). done ends a remote session.
func (f *Factory) tools(ctx context.Context, p profile.Profile, sends bool) (src toolSource, done func(), err error) {
	if p.MCPURL != "" {
		rt, err := f.connectRemote(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		return rt, func() { rt.Close() }, nil
	}
	if sends {
		src, err = f.App().NewServer(ctx, p)
	} else {
		src, err = f.App().ListServer(ctx, p)
	}
	return src, func() {}, err
}
