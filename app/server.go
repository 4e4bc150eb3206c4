package app

import (
	"context"
	"errors"
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

// NewServer loads the profile's API and builds the MCP server for it. The
// key is resolved per request, so a server without a key still starts.
func (a *App) NewServer(ctx context.Context, p profile.Profile) (*server.Server, error) {
	return a.buildServer(ctx, p, true)
}

// ListServer is NewServer for listing tools only: no request is sent, so
// no base URL is needed and no audit log is opened.
func (a *App) ListServer(ctx context.Context, p profile.Profile) (*server.Server, error) {
	return a.buildServer(ctx, p, false)
}

// Serve runs the profile's server over stdio (in, out) until in ends or
// ctx is done; either is a normal end.
func (a *App) Serve(ctx context.Context, p profile.Profile, in io.Reader, out io.Writer) error {
	srv, err := a.NewServer(ctx, p)
	if err != nil {
		return err
	}
	a.Log.Info("serving", "profile", p.Name, "tools", len(srv.Tools()))
	// A signal (ctx ending) ends the input: running calls are cancelled and
	// answered, and the session ends when the transport reports the end.
	err = srv.Run(context.WithoutCancel(ctx), &server.StdioTransport{In: in, Out: out, Stop: ctx.Done()})
	if err == nil || errors.Is(err, io.EOF) || ctx.Err() != nil {
		return nil
	}
	return err
}

func (a *App) buildServer(ctx context.Context, p profile.Profile, sends bool) (*server.Server, error) {
	// One credential for the description and the calls: the keyring is
	// asked once, and a keyring that does not answer costs one timeout.
	return a.buildServerWith(ctx, p, sends, a.ProfileCredential(p), nil)
}

// buildServerWith is buildServer with the credential of the calls and the
// transport below it (nil: client.DefaultTransport()).
func (a *App) buildServerWith(ctx context.Context, p profile.Profile, sends bool, cred client.Credential, next http.RoundTripper) (*server.Server, error) {
	api, err := a.LoadAPI(ctx, p, cred)
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
			hint = fmt.Sprintf("the description's server %q is relative", client.ShowURL(base))
		}
		return nil, fmt.Errorf("%s: pass --base-url https://api.example.com (or store it with `%s --base-url …`)",
			hint, a.LoginCommand(p.Name))
	}
	c := client.New(client.Options{
		BaseURL:         base,
		OverrideServers: p.BaseURL != "",
		Credential:      cred,
		Scheme:          schemeOf(p),
		MissingScheme:   a.MissingScheme(p),
		UserAgent:       a.UserAgent(),
		Timeout:         time.Duration(p.Timeout),
		Transport:       next,
	})
	var audit io.Writer
	if sends && p.AuditLog != "" { // listing tools calls nothing: no log to open
		if audit, err = openAuditLog(p.AuditLog); err != nil {
			return nil, err
		}
	}
	srv, err := server.New(server.Config{
		API:            api,
		Client:         c,
		Name:           a.Name,
		Version:        a.Version,
		Prefix:         p.Prefix,
		MaxResultBytes: p.MaxResultBytes,
		AuditLog:       audit,
		Filter:         filterOf(p),
		Layout:         p.Layout,
		Logger:         a.Log,
	})
	if err != nil {
		return nil, err
	}
	if len(srv.Tools()) == 0 {
		return nil, noToolsError(api, p, a.LoginCommand(p.Name))
	}
	return srv, nil
}

// filterOf is the profile's selection of operations.
func filterOf(p profile.Profile) server.Filter {
	return server.Filter{Tags: p.Tags, Operations: p.Operations, Methods: p.Methods, ReadOnly: p.ReadOnly}
}

// SelectedOperations are the operations of api that p's filters (tags,
// operations, methods, read-only) keep: what its tools will call.
func SelectedOperations(api *client.API, p profile.Profile) []*client.Operation {
	srv, err := server.New(server.Config{API: api, Prefix: p.Prefix, Filter: filterOf(p), Layout: server.LayoutSearch})
	if err != nil {
		return api.Operations
	}
	return srv.Operations()
}

// openAuditLog opens the audit log for appending; it is closed when the
// process exits.
func openAuditLog(path string) (io.Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the audit log: %w (fix --audit-log)", err)
	}
	// Only the user reads what the user's tools did: an existing file
	// others could read is tightened (a device such as /dev/null is not).
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(st.Mode().Perm() &^ 0o077); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("making the audit log private: %w (fix its permissions or --audit-log)", err)
		}
	}
	return f, nil
}

// noToolsError says why a profile has no tools: a description without
// operations, operations that could all not be read, or a tool selection
// that leaves none.
func noToolsError(api *client.API, p profile.Profile, login string) error {
	switch {
	case len(api.Operations) == 0 && len(api.Skipped) > 0:
		return fmt.Errorf("%s: none of its %d operations could be read (see the warnings above): fix the description", client.ShowURL(p.Spec), len(api.Skipped))
	case len(api.Operations) == 0 && client.IsURL(p.Spec):
		return fmt.Errorf("%s declares no operations (its \"paths\" are empty): the API may describe itself only to authenticated callers, so store a valid key with `%s` (or check that it is the API's OpenAPI description)", client.ShowURL(p.Spec), login)
	case len(api.Operations) == 0:
		return fmt.Errorf("%s declares no operations (its \"paths\" are empty): check that it is the API's OpenAPI description", client.ShowURL(p.Spec))
	default:
		return fmt.Errorf("none of the %d operations matches the tool selection (--tag, --operation, --method, --read-only, as given or stored in profile %q)", len(api.Operations), p.Name)
	}
}

// schemeOf is the declared scheme p signs in with, "" for a key sent the
// way the profile's flags say.
func schemeOf(p profile.Profile) string {
	if p.Auth == nil {
		return ""
	}
	return p.Auth.Scheme
}
