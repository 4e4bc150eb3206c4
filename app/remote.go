package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
	"github.com/restmcp/restmcp/remote"
	"github.com/restmcp/restmcp/server"
)

// A profile of a remote MCP server (mcp_url) is served by relaying to it;
// tools and call go through the same relay, login and status check the
// key with an initialize.

// CheckMCPURL says what is wrong with a remote server's URL.
func CheckMCPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("--mcp-url %q: give the server's http(s) endpoint, e.g. https://mcp.example.com/mcp", client.ShowURL(raw))
	}
	return nil
}

// RemoteConfig is the relay to p's server. The credential goes through
// the one credential transport, so only to the server's origin: after an
// OAuth sign-in (p.Auth of kind oauth2), the profile's OAuth tokens,
// refreshed as for REST OAuth profiles (see ProfileCredential); else the
// key (keys: the environment variable, else the stored key) in the
// profile's header and scheme (or format). Without one, requests go without it and a
// server that needs one answers 401, which names the login command. The
// profile's fixed headers (--header) go with every request to that origin.
func (a *App) RemoteConfig(p profile.Profile, keys client.KeySource) remote.Config {
	key := &remoteKey{header: p.Header(), scheme: p.Scheme(), format: p.AuthFormat, keys: keys}
	var cred client.Credential = key
	none := key.none
	var scopes []string
	if IsOAuthProfile(p) {
		cred, none, scopes = a.OAuthCredential(p), nil, p.Auth.OAuth.Scopes
	}
	// A key from the environment is sent in place of the stored key
	// (ResolveKey) or sign-in (OAuthCredential): a refusal names it.
	keyEnv := ""
	var noneStored func() bool
	if a.EnvKey() != "" {
		keyEnv = a.KeyEnv
		noneStored = func() bool { return !a.HasStored(p) }
	}
	return remote.Config{
		URL:           p.MCPURL,
		HTTPClient:    client.NewHTTPClient(&client.Transport{Origin: remoteOrigin(p), Credential: cred, Headers: fixedHeaders(p), UserAgent: a.UserAgent()}, 0),
		Filter:        remote.Filter{Tools: p.Tools, ReadOnly: p.ReadOnly, Prefix: p.Prefix},
		Login:         a.LoginCommand(p.Name),
		KeyEnv:        keyEnv,
		NoneStored:    noneStored,
		OAuth:         IsOAuthProfile(p),
		Scopes:        scopes,
		NoCredentials: none,
		Logger:        a.Log,
	}
}

// remoteOrigin is the origin of p's MCP server, nil when its URL has none.
func remoteOrigin(p profile.Profile) *url.URL {
	if u, err := url.Parse(p.MCPURL); err == nil && u.Host != "" {
		return client.Origin(u)
	}
	return nil
}

// SignInClient is the HTTP client of a remote profile's OAuth sign-in
// (remote.NeedsOAuth, remote.SignIn): no credential, and the profile's
// fixed headers to the MCP server's origin only (not to the
// authorization server).
func (a *App) SignInClient(p profile.Profile) *http.Client {
	return client.NewHTTPClient(&client.Transport{Origin: remoteOrigin(p), Headers: fixedHeaders(p), UserAgent: a.UserAgent()}, 0)
}

// IsOAuthProfile says whether p signs in with OAuth 2.0: its tokens are
// in the keyring account TokenAccount(p.Name), not in its key slot.
func IsOAuthProfile(p profile.Profile) bool {
	return p.Auth != nil && p.Auth.Kind == profile.AuthOAuth2 && p.Auth.OAuth != nil
}

// RemoteOAuthScheme names the scheme of a remote profile's OAuth sign-in
// (the MCP authorization flow) in its Auth.
const RemoteOAuthScheme = "mcp-authorization"

// remoteKey is a remote profile's key, read when a request is sent and
// sent in the profile's header and scheme, or its format (--auth-format)
// when it has one.
type remoteKey struct {
	header, scheme, format string
	keys                   client.KeySource
}

// Apply implements client.Credential.
func (c *remoteKey) Apply(r *http.Request) (string, error) {
	k, ok := c.key(r.Context())
	if !ok {
		return "", nil
	}
	return client.HeaderKey{Header: c.header, Scheme: c.scheme, Format: c.format, Key: client.StaticKey(k)}.Apply(r)
}

// key is the key to send; ok is false when there is none, and requests
// go without one.
func (c *remoteKey) key(ctx context.Context) (k string, ok bool) {
	k, err := c.keys(ctx)
	return k, err == nil && strings.TrimSpace(k) != ""
}

// none reports whether there is no key to send.
func (c *remoteKey) none(ctx context.Context) bool {
	_, ok := c.key(ctx)
	return !ok
}

// ServeRemote relays the MCP session on stdio (in, out) to p's server
// until in ends or ctx is done; either is a normal end. The profile's
// timeout, when the user set one (--timeout, or stored at login), bounds
// the wait for each tool call's answer; without one there is no bound, as
// a remote tool may take long (the REST default of 30 s does not apply).
func (a *App) ServeRemote(ctx context.Context, p profile.Profile, in io.Reader, out io.Writer) error {
	if err := CheckMCPURL(p.MCPURL); err != nil {
		return err
	}
	a.Log.Info("relaying to a remote MCP server", "profile", p.Name, "url", client.ShowURL(p.MCPURL))
	cfg := a.RemoteConfig(p, a.KeySource(p.Name))
	cfg.CallTimeout = time.Duration(p.Timeout)
	err := remote.Serve(ctx, &server.StdioTransport{In: in, Out: out}, cfg)
	if err == nil || errors.Is(err, io.EOF) || ctx.Err() != nil {
		return nil
	}
	return err
}

// ToolSource is what listing and calling tools work with: a REST API's
// *server.Server, or a remote server's tools through the relay
// (*RemoteTools).
type ToolSource interface {
	Tools() []*mcp.Tool
	Call(ctx context.Context, name string, args json.RawMessage) (*mcp.CallToolResult, error)
}

// Tools returns p's tools: a remote server's, or the REST API's (sends
// says whether calls will be made). done ends a remote session.
func (a *App) Tools(ctx context.Context, p profile.Profile, sends bool) (src ToolSource, done func(), err error) {
	if p.MCPURL != "" {
		rt, err := a.ConnectRemote(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		return rt, func() { rt.Close() }, nil
	}
	if sends {
		src, err = a.NewServer(ctx, p)
	} else {
		src, err = a.ListServer(ctx, p)
	}
	return src, func() {}, err
}

// RemoteTools is a remote server seen through the relay, as the serve
// command's client sees it.
type RemoteTools struct {
	session *remote.Session
	tools   []*mcp.Tool
	timeout time.Duration // bounds listing and each call (the profile's timeout), when set
}

// ConnectRemote connects to p's server through the relay and lists its
// tools.
func (a *App) ConnectRemote(ctx context.Context, p profile.Profile) (*RemoteTools, error) {
	if err := CheckMCPURL(p.MCPURL); err != nil {
		return nil, err
	}
	c := mcp.NewClient(&mcp.Implementation{Name: a.Name, Version: a.Version}, nil)
	cs, err := remote.Connect(ctx, a.RemoteConfig(p, a.KeySource(p.Name)), c)
	if err != nil {
		return nil, err
	}
	rt := &RemoteTools{session: cs, timeout: time.Duration(p.Timeout)}
	lctx, cancel := rt.bound(ctx)
	defer cancel()
	for t, err := range cs.Tools(lctx, nil) {
		if err != nil {
			cs.Close()
			return nil, fmt.Errorf("listing the tools of %s: %w", client.ShowURL(p.MCPURL), rt.timedOut(lctx, "tools/list", err))
		}
		rt.tools = append(rt.tools, t)
	}
	return rt, nil
}

// bound is ctx limited by the profile's timeout, when it has one.
func (r *RemoteTools) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if r.timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, r.timeout)
}

// timedOut names the timeout when ctx, bounded by it, ended what (a
// method, a tool) with err.
func (r *RemoteTools) timedOut(ctx context.Context, what string, err error) error {
	if r.timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("the MCP server did not answer %s within %s (--timeout)", what, r.timeout)
	}
	return err
}

// Tools are the remote tools, filtered and renamed as the profile says.
func (r *RemoteTools) Tools() []*mcp.Tool { return r.tools }

// Call calls a tool on the remote server.
func (r *RemoteTools) Call(ctx context.Context, name string, args json.RawMessage) (*mcp.CallToolResult, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	res, err := r.session.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		return nil, r.timedOut(ctx, name, err)
	}
	return res, nil
}

// Close ends the session.
func (r *RemoteTools) Close() error { return r.session.Close() }

// RemoteToolNames lists the names of p's remote tools.
func (a *App) RemoteToolNames(ctx context.Context, p profile.Profile) ([]string, error) {
	rt, err := a.ConnectRemote(ctx, p)
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

// CheckRemoteKey initializes a session with p's server, sending key (the
// stored credential when empty), and lists its tools when it has some
// (Method is then "tools/list"): Accepted (the server did not refuse the
// key, which it may check only on tool calls), refused (Status 401 or
// 403, Err a *remote.StatusError; one that InsufficientScope marks says
// which scopes the server asks for) or unreachable. timeout bounds it.
func (a *App) CheckRemoteKey(ctx context.Context, p profile.Profile, key string, timeout time.Duration) *KeyCheck {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	keys := a.KeySource(p.Name)
	if key != "" {
		keys = client.StaticKey(key)
	}
	kc := &KeyCheck{Method: "initialize", URL: client.ShowURL(p.MCPURL)} // shown: without a key in its query
	cfg := a.RemoteConfig(p, keys)
	if key != "" {
		cfg.KeyEnv = "" // the key given, not the environment's, is sent
	}
	res, err := remote.Probe(ctx, cfg, &mcp.Implementation{Name: a.Name, Version: a.Version})
	var se *remote.StatusError
	switch {
	case errors.As(err, &se) && se.InsufficientScope:
		// Not refused: the key lacks a permission the check's request
		// needs. There is no session to go on with here.
		kc.Status, kc.Err = se.Status, fmt.Errorf("%w: %s", se, remote.LacksScope(se, cfg))
	case err == nil:
		kc.Accepted, kc.Status = true, http.StatusOK
		if res.Listed {
			kc.Method = "tools/list"
		}
		if res.ServerInfo != nil {
			kc.Server = strings.TrimSpace(res.ServerInfo.Name + " " + res.ServerInfo.Version)
		}
	case errors.As(err, &se):
		kc.Status, kc.Err = se.Status, err
	default:
		kc.Err = err
	}
	return kc
}
