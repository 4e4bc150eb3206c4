package cmd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
	"github.com/restmcp/restmcp/server"
)

// loadAPI reads the profile's description. The key from keys, when one is
// available, is sent only for a description on the API's own origin
// (client.Load decides); a missing key is not an error here.
func (f *Factory) loadAPI(ctx context.Context, p profile.Profile, keys client.KeySource) (*client.API, error) {
	if p.Spec == "" {
		return nil, fmt.Errorf("profile %q has no OpenAPI description: pass --spec FILE|URL, or run `%s --spec FILE|URL`",
			p.Name, f.loginCommand(p.Name))
	}
	auth := func(req *http.Request) error {
		k, err := keys(req.Context())
		if err != nil {
			return nil // fetch without the key; the API decides what it shows
		}
		req.Header.Set(p.Header(), client.AuthValue(p.Scheme(), k))
		return nil
	}
	api, err := client.Load(ctx, p.Spec, client.LoadOptions{
		BaseURL:   p.BaseURL,
		Auth:      auth,
		UserAgent: f.userAgent(),
	})
	if err != nil {
		if !isURL(p.Spec) {
			return nil, fmt.Errorf("loading the API description: %w", err)
		}
		cached, cerr := f.readAPICache(p.Name, p.Spec)
		if cerr != nil {
			return nil, fmt.Errorf("loading the API description: %w", err)
		}
		f.Log.Warn("using the copy of the API description saved earlier", "fetched", cached.Fetched.Format(time.RFC3339), "err", err)
		api = cached.API
	} else if isURL(p.Spec) {
		f.saveAPICache(p.Name, api)
	}
	for _, s := range api.Skipped {
		f.Log.Warn("operation skipped", "method", s.Method, "path", s.Path, "reason", s.Reason)
	}
	return api, nil
}

func (f *Factory) userAgent() string { return f.Brand.Name + "/" + Version() }

// newServer loads the profile's API and builds the MCP server for it. The
// key is resolved per request, so a server without a key still starts.
func (f *Factory) newServer(ctx context.Context, p profile.Profile) (*server.Server, error) {
	return f.buildServer(ctx, p, true)
}

// listServer is newServer for listing tools only: no request is sent, so
// no base URL is needed.
func (f *Factory) listServer(ctx context.Context, p profile.Profile) (*server.Server, error) {
	return f.buildServer(ctx, p, false)
}

func (f *Factory) buildServer(ctx context.Context, p profile.Profile, sends bool) (*server.Server, error) {
	// One key source for the description and the calls: the keyring is
	// asked once, and a keyring that does not answer costs one timeout.
	keys := f.keySource(p.Name)
	api, err := f.loadAPI(ctx, p, keys)
	if err != nil {
		return nil, err
	}
	base := p.BaseURL
	if base == "" {
		base = api.BaseURL()
	}
	if sends && (base == "" || !strings.Contains(base, "://")) {
		hint := "the description declares no server"
		if base != "" {
			hint = fmt.Sprintf("the description's server %q is relative", base)
		}
		return nil, fmt.Errorf("%s: pass --base-url https://api.example.com (or store it with `%s --base-url …`)",
			hint, f.loginCommand(p.Name))
	}
	c := client.New(client.Options{
		BaseURL:         base,
		OverrideServers: p.BaseURL != "",
		AuthHeader:      p.Header(),
		AuthScheme:      p.Scheme(),
		Key:             keys,
		UserAgent:       f.userAgent(),
	})
	var audit io.Writer
	if sends && p.AuditLog != "" { // listing tools calls nothing: no log to open
		af, err := os.OpenFile(p.AuditLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("opening the audit log: %w (fix --audit-log)", err)
		}
		audit = af // closed when the process exits
	}
	srv, err := server.New(server.Config{
		API:            api,
		Client:         c,
		Name:           f.Brand.Name,
		Version:        Version(),
		Prefix:         p.Prefix,
		AuthHeader:     p.Header(),
		MaxResultBytes: p.MaxResultBytes,
		AuditLog:       audit,
		Filter: server.Filter{
			Tags:       p.Tags,
			Operations: p.Operations,
			Methods:    p.Methods,
			ReadOnly:   p.ReadOnly,
		},
		Layout: p.Layout,
		Logger: f.Log,
	})
	if err != nil {
		return nil, err
	}
	if len(srv.Tools()) == 0 {
		return nil, noToolsError(api, p)
	}
	return srv, nil
}

// noToolsError says why a profile has no tools: a description without
// operations, operations that could all not be read, or a tool selection
// that leaves none.
func noToolsError(api *client.API, p profile.Profile) error {
	switch {
	case len(api.Operations) == 0 && len(api.Skipped) > 0:
		return fmt.Errorf("%s: none of its %d operations could be read (see the warnings above): fix the description", p.Spec, len(api.Skipped))
	case len(api.Operations) == 0:
		return fmt.Errorf("%s declares no operations (its \"paths\" are empty): check that it is the API's OpenAPI description", p.Spec)
	default:
		return fmt.Errorf("none of the %d operations matches the tool selection (--tag, --operation, --method, --read-only, as given or stored in profile %q)", len(api.Operations), p.Name)
	}
}
