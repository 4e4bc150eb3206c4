package cmd

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

// Commands on a profile of a remote MCP server (--mcp-url): serve relays
// to it, tools and call go through the same relay, login and status check
// the key with an initialize.

// remoteConfig is the relay to p's server. The key (as for REST profiles:
// the environment variable, else the keyring) is sent only to the
// server's origin; without one, requests go without it and a server that
// needs one answers 401, which names the login command.
func (f *Factory) remoteConfig(p profile.Profile, key string) remote.Config {
	value := func(context.Context) (string, error) {
		if key != "" {
			return client.AuthValue(p.Scheme(), key), nil
		}
		rk := f.resolveKey(p.Name)
		if rk.Err != nil {
			return "", nil
		}
		return client.AuthValue(p.Scheme(), rk.Key), nil
	}
	return remote.Config{
		URL: p.MCPURL,
		HTTPClient: &http.Client{Transport: &remote.HeaderTransport{
			Origin: remote.Origin(p.MCPURL),
			Header: p.Header(),
			Value:  value,
			Base:   userAgent{f.userAgent(), http.DefaultTransport},
		}},
		Filter: remote.Filter{Tools: p.Tools, ReadOnly: p.ReadOnly, Prefix: p.Prefix},
		Login:  f.loginCommand(p.Name),
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

// checkMCPURL says what is wrong with a remote server's URL.
func checkMCPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return FlagErrorf("--mcp-url %q: give the server's http(s) endpoint, e.g. https://mcp.example.com/mcp", raw)
	}
	return nil
}

// serveRemote relays the editor's MCP session on stdio to p's server.
func (f *Factory) serveRemote(ctx context.Context, p profile.Profile) error {
	if err := checkMCPURL(p.MCPURL); err != nil {
		return err
	}
	f.Log.Info("relaying to a remote MCP server", "profile", p.Name, "url", p.MCPURL)
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
		src, err = f.newServer(ctx, p)
	} else {
		src, err = f.listServer(ctx, p)
	}
	return src, func() {}, err
}
