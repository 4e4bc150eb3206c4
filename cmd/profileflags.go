package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
	"github.com/restmcp/restmcp/server"
)

// profileFlags are the flags every API-facing command takes. Set flags
// override the stored profile of the same name.
type profileFlags struct {
	cmd        *cobra.Command
	Name       string
	Spec       string
	MCPURL     string
	BaseURL    string
	AuthHeader string
	AuthScheme string
	AuthFormat string
	SpecAuth   string
	// Headers are --header values, "Name: value" ("Name:" drops one).
	Headers []string
	Prefix  string
	// Tool selection.
	Tags       []string
	Operations []string
	Methods    []string
	ReadOnly   bool
	Tools      []string
	Layout     string
	// SeparateWrites: the resources layout's writing actions in tools of
	// their own.
	SeparateWrites bool
	// Results and audit.
	MaxResultBytes int
	AuditLog       string
	RefDirs        []string
	Timeout        time.Duration
}

func addProfileFlags(c *cobra.Command) *profileFlags {
	pf := &profileFlags{cmd: c}
	fl := c.Flags()
	fl.StringVarP(&pf.Name, "profile", "p", defaultBrand().ProfileName(), "profile name")
	fl.StringVar(&pf.Spec, "spec", "", "OpenAPI description: a file or an http(s) URL")
	fl.StringVar(&pf.MCPURL, "mcp-url", "", "a remote MCP server's endpoint (Streamable HTTP or HTTP+SSE), instead of --spec")
	fl.StringVar(&pf.BaseURL, "base-url", "", "API base URL")
	fl.StringVar(&pf.AuthHeader, "auth-header", "", "header that carries the key")
	fl.StringVar(&pf.AuthScheme, "auth-scheme", "", `scheme before the key, e.g. "Api-Key", "Token"; "" for the bare key`)
	fl.StringVar(&pf.AuthFormat, "auth-format", "", `the whole header value, "{key}" where the key goes, e.g. "Token token={key}" (instead of --auth-scheme)`)
	fl.StringVar(&pf.SpecAuth, "spec-auth", "", `how the description's URL takes the key: "header:NAME", "query:NAME", "cookie:NAME", "bearer" or "none" (default: as the calls send it)`)
	fl.StringArrayVar(&pf.Headers, "header", nil, `a fixed, non-secret header sent with every request to the API (or the remote MCP server), e.g. "Notion-Version: 2022-06-28"; replaces a saved one of that name, "Name:" drops it (repeatable; keys go in the keyring, through login)`)
	fl.StringVar(&pf.Prefix, "prefix", "", "prefix for tool names")
	fl.StringSliceVar(&pf.Tags, "tag", nil, "only operations with one of these tags (repeatable)")
	fl.StringSliceVar(&pf.Operations, "operation", nil, "only these operations: operationIds or tool names (repeatable)")
	fl.StringSliceVar(&pf.Methods, "method", nil, "only these HTTP methods, e.g. GET (repeatable)")
	fl.BoolVar(&pf.ReadOnly, "read-only", false, "only read-only operations (GET, HEAD; for a remote MCP server, tools annotated read-only)")
	fl.StringSliceVar(&pf.Tools, "tool", nil, "only these tools of the remote MCP server (repeatable)")
	fl.StringVar(&pf.Layout, "layout", "", `tool layout: "auto" (the default: operations when they fit the strictest common client, else resources, else search), "operations" (one tool per operation), "resources" or "search"`)
	fl.BoolVar(&pf.SeparateWrites, "separate-writes", false, `in the resources layout, serve each resource's actions that change data as a tool of their own ("invoices_write" beside "invoices"), so that a client may run the reading one without asking (--separate-writes=false undoes a saved one)`)
	fl.IntVar(&pf.MaxResultBytes, "max-result-bytes", 0, "budget of one tool result in bytes; longer answers are cut with a note (default 20000)")
	fl.StringVar(&pf.AuditLog, "audit-log", "", "append a start line before each request of a tool call and an end line after it, as JSON, to this file (no argument values, never the key)")
	fl.StringSliceVar(&pf.RefDirs, "allow-ref-dir", nil, "folder from which a local description's $refs may read files, besides its own (repeatable)")
	fl.DurationVar(&pf.Timeout, "timeout", 0, "limit of one request to the API (a tool call's), retries and reading the answer included, e.g. 90s or 2m (default 30s); for a remote MCP server (--mcp-url), the wait for each tool call's answer (and, for tools and call, the listing's), with no limit by default")
	return pf
}

// selectionFrom says where the tool selection came from: the command line
// when a selection flag was given, else the stored profile.
func (pf *profileFlags) selectionFrom() string {
	for _, name := range []string{"tag", "operation", "method", "read-only"} {
		if pf.cmd.Flags().Changed(name) {
			return app.SelectionFlags
		}
	}
	return app.SelectionStored
}

// app is the App a command that builds tools runs, knowing where the tool
// selection and the description came from (--no-cache: without the compiled description cache).
func (pf *profileFlags) app(f *Factory, noCache bool) *app.App {
	a := f.AppNoCache(noCache)
	a.SelectionFrom = pf.selectionFrom()
	a.SpecGiven = pf.cmd.Flags().Changed("spec")
	return a
}

// resolve returns the stored profile with the set flags applied, on top of
// the brand's default profile (a vendor build's built-in settings). A missing
// profile is not an error when the flags or the brand say enough (stored
// reports whether it existed). Without --profile it is the brand's default
// profile name.
func (pf *profileFlags) resolve(f *Factory) (p profile.Profile, stored bool, err error) {
	p, stored, err = pf.own(f)
	if err != nil {
		return p, stored, err
	}
	fl := pf.cmd.Flags()
	if p.Auth != nil && p.Auth.Kind != profile.AuthOAuth2 && (fl.Changed("auth-header") || fl.Changed("auth-scheme") || fl.Changed("auth-format")) {
		// As at login, these flags send the key in that header instead of
		// where the declared scheme puts it.
		p.Auth = nil
	}
	p = f.Brand.Apply(p)
	if err := pf.checkHeaders(f, p); err != nil {
		return p, stored, err
	}
	return p, stored, checkStored(f, p)
}

// resolveToServe is resolve for a command that reads the profile's
// description: a profile that is not saved, with no --spec or --mcp-url
// (a name mistyped, or not logged in to yet), is refused, naming the
// login that creates it and the profiles there are.
func (pf *profileFlags) resolveToServe(f *Factory) (profile.Profile, error) {
	p, stored, err := pf.resolve(f)
	if err == nil && !stored && p.Spec == "" && p.MCPURL == "" {
		err = missingProfileError(f, p.Name)
	}
	return p, err
}

// missingProfileError says that there is no profile name, the login that
// creates it, and the profiles there are.
func missingProfileError(f *Factory, name string) error {
	store, err := f.Profiles()
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("no profile %q in %s: run `%s --spec FILE|URL` to create it, or pass --spec FILE|URL", name, store.Path(), f.App().LoginCommand(name))
	return errors.New(msg + profilesThere(store))
}

// profilesThere names the profiles of store, " (profiles: a, b)", for a
// message about one that is not there; "" when it has none.
func profilesThere(store profile.Store) string {
	var names []string
	if all, err := store.List(); err == nil {
		for _, p := range all {
			names = append(names, app.QuoteProfileName(p.Name))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return " (profiles: " + strings.Join(names, ", ") + ")"
}

// checkHeaders refuses a fixed header p cannot send (app.CheckHeaders):
// as a flag error when --header gave it or an auth flag moved the key
// into it, else as a stored setting to drop with login.
func (pf *profileFlags) checkHeaders(f *Factory, p profile.Profile) error {
	he := app.CheckHeaders(p)
	if he == nil {
		return nil
	}
	fl := pf.cmd.Flags()
	given := fl.Changed("auth-header") || fl.Changed("auth-scheme") || fl.Changed("auth-format") || fl.Changed("spec-auth") || fl.Changed("scheme")
	for _, h := range pf.Headers {
		if name, _, _ := client.ParseHeader(h); he.Name != "" && strings.EqualFold(name, he.Name) {
			given = true
		}
	}
	return headerError(f, p, he, given)
}

// headerError is he as the refusal of a flag (given) or of p's stored
// headers, saying what to do instead.
func headerError(f *Factory, p profile.Profile, he *app.HeaderError, given bool) error {
	login := f.App().LoginCommand(p.Name)
	reason := he.Reason
	if he.Key {
		reason += fmt.Sprintf(", and a secret is never given on the command line nor saved in a profile: store the key with `%s` (it goes to the OS keyring; --auth-header names the header it is sent in)", login)
	}
	switch {
	case given && he.Name == "":
		return FlagErrorf("--header (the value given is not shown): %s", reason)
	case given:
		return FlagErrorf("--header %s: %s", he.Name, reason)
	case he.Name == "":
		where := "profiles.json"
		if store, err := f.Profiles(); err == nil {
			where = store.Path()
		}
		return fmt.Errorf("profile %q has a fixed header whose name is not an HTTP header name: remove it from \"headers\" in %s", p.Name, where)
	}
	return fmt.Errorf("profile %q has the fixed header %s, which %s: drop it with `%s --header \"%s:\"`", p.Name, he.Name, lowerFirst(reason), login, he.Name)
}

// lowerFirst is s with a lower-case first letter.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// checkStored refuses a setting that no flag gave and that cannot be used
// (saved by an earlier version, or edited by hand), naming the login that
// fixes it.
func checkStored(f *Factory, p profile.Profile) error {
	fix := f.App().LoginCommand(p.Name)
	switch {
	case p.Layout != "" && !slices.Contains(layouts, p.Layout):
		return fmt.Errorf("profile %q has the layout %q, which is not one of %s: fix it with `%s --layout %s`",
			p.Name, p.Layout, strings.Join(layouts, ", "), fix, server.LayoutAuto)
	case p.AuthHeader != "" && !client.ValidHeaderName(p.AuthHeader):
		return fmt.Errorf("profile %q sends the key in %q, which is not an HTTP header name: fix it with `%s --auth-header NAME` (e.g. X-Api-Key)",
			p.Name, p.AuthHeader, fix)
	}
	if _, err := profile.ParseSpecAuth(p.SpecAuth); err != nil {
		return fmt.Errorf("profile %q has a spec_auth that cannot be used (%v): fix it with `%s --spec-auth header:NAME` (or query:NAME, cookie:NAME, bearer, none)",
			p.Name, err, fix)
	}
	return nil
}

// layouts are the values of --layout.
var layouts = []string{server.LayoutAuto, server.LayoutOperations, server.LayoutResources, server.LayoutSearch}

// simpleProfileName refuses a profile name that MCP clients cannot pass
// safely to the server (install writes it as an argument): some split
// arguments at spaces or mangle quotes.
func simpleProfileName(name string) error {
	if strings.TrimSpace(name) == "" {
		return FlagErrorf("--profile needs a name, e.g. --profile acme")
	}
	if strings.ContainsAny(name, " \t\r\n\"'") {
		return FlagErrorf("profile name %q: a name with spaces or quotes cannot be passed safely to the server (some clients split such arguments); use a simple name", name)
	}
	if strings.ContainsAny(name, "/#") {
		// The keyring entries of a profile's OAuth token and client secret
		// are "<name>/oauth-token" and "<name>/client-secret", and a long
		// token's parts "<account>#1", …: such a name would share them.
		return FlagErrorf("profile name %q: a name with / or # would share keyring entries with another profile's; use letters, digits, - or _", name)
	}
	return nil
}

// own is the stored profile with the set flags applied, without the brand's
// defaults: what login saves, so that a vendor's next release (a new spec
// URL, say) reaches profiles saved before it.
func (pf *profileFlags) own(f *Factory) (p profile.Profile, stored bool, err error) {
	if !pf.cmd.Flags().Changed("profile") {
		pf.Name = f.Brand.ProfileName()
	}
	store, err := f.Profiles()
	if err != nil {
		return p, false, err
	}
	p, err = store.Get(pf.Name)
	switch {
	case err == nil:
		stored = true
	case errors.Is(err, profile.ErrNotFound):
		p = profile.Profile{Name: pf.Name}
	default:
		return p, false, err
	}
	fl := pf.cmd.Flags()
	if fl.Changed("spec") {
		p.Spec = pf.Spec
	}
	if fl.Changed("mcp-url") {
		p.MCPURL = pf.MCPURL
	}
	if fl.Changed("tool") {
		if p.MCPURL == "" && f.Brand.Defaults.MCPURL == "" {
			return p, false, FlagErrorf("--tool selects tools of a remote MCP server (--mcp-url); for an OpenAPI description use --operation")
		}
		p.Tools = pf.Tools
	}
	if p.MCPURL != "" && p.Spec != "" {
		return p, false, FlagErrorf("profile %q has both an OpenAPI description (--spec) and a remote MCP server (--mcp-url): give one (another profile name keeps both)", p.Name)
	}
	if fl.Changed("base-url") {
		p.BaseURL = pf.BaseURL
	}
	if fl.Changed("auth-header") {
		if pf.AuthHeader != "" && !client.ValidHeaderName(pf.AuthHeader) {
			return p, false, FlagErrorf("--auth-header %q is not an HTTP header name: use letters, digits and -, e.g. X-Api-Key", pf.AuthHeader)
		}
		p.AuthHeader = pf.AuthHeader
	}
	if fl.Changed("auth-scheme") {
		s := pf.AuthScheme
		p.AuthScheme = &s
	}
	if fl.Changed("auth-format") {
		if pf.AuthFormat != "" && !strings.Contains(pf.AuthFormat, "{key}") {
			return p, false, FlagErrorf("--auth-format %q has no {key}: write where the key goes, e.g. \"Token token={key}\"", pf.AuthFormat)
		}
		p.AuthFormat = pf.AuthFormat
	}
	if fl.Changed("spec-auth") {
		sa, err := profile.ParseSpecAuth(pf.SpecAuth)
		if err != nil {
			return p, false, FlagErrorf("--spec-auth: %v", err)
		}
		p.SpecAuth = sa.String()
	}
	if fl.Changed("header") {
		for _, h := range pf.Headers {
			name, value, ok := client.ParseHeader(h)
			if !ok {
				// Perhaps a key pasted there: not shown.
				return p, false, FlagErrorf("--header (the value given is not shown) has no colon: write it as \"Name: value\", e.g. --header \"Notion-Version: 2022-06-28\" (\"Name:\" drops a saved one; a key is never given on the command line: `%s` stores it in the OS keyring)", f.App().LoginCommand(p.Name))
			}
			if value != "" {
				if he := app.CheckHeader(name, value, p.MCPURL != ""); he != nil {
					return p, false, headerError(f, p, he, true)
				}
			} else if !client.ValidHeaderName(name) {
				return p, false, headerError(f, p, app.CheckHeader(name, "", false), true)
			}
			p.SetHeader(name, value)
		}
	}
	if fl.Changed("prefix") {
		p.Prefix = pf.Prefix
	}
	if fl.Changed("tag") {
		p.Tags = pf.Tags
	}
	if fl.Changed("operation") {
		p.Operations = pf.Operations
	}
	if fl.Changed("method") {
		for _, m := range pf.Methods {
			if !slices.Contains(httpMethods, strings.ToUpper(strings.TrimSpace(m))) {
				return p, false, FlagErrorf("--method %q is not an HTTP method: use %s", m, strings.Join(httpMethods, ", "))
			}
		}
		p.Methods = pf.Methods
	}
	if fl.Changed("read-only") {
		p.ReadOnly = pf.ReadOnly
	}
	if fl.Changed("layout") {
		if !slices.Contains(layouts, pf.Layout) {
			return p, false, FlagErrorf("--layout %q: use %s", pf.Layout, strings.Join(layouts, ", "))
		}
		p.Layout = pf.Layout
	}
	if fl.Changed("separate-writes") {
		p.SeparateWrites = pf.SeparateWrites
	}
	if fl.Changed("max-result-bytes") {
		if pf.MaxResultBytes <= 0 {
			return p, false, FlagErrorf("--max-result-bytes %d: give a positive number of bytes (the default is 20000)", pf.MaxResultBytes)
		}
		p.MaxResultBytes = pf.MaxResultBytes
	}
	if fl.Changed("audit-log") {
		p.AuditLog = pf.AuditLog
	}
	if fl.Changed("allow-ref-dir") {
		p.RefDirs = nil
		for _, d := range pf.RefDirs {
			abs, err := filepath.Abs(d)
			if err != nil {
				return p, false, FlagErrorf("--allow-ref-dir %q: %v", d, err)
			}
			// A mistyped folder would allow nothing, and a $ref into the
			// folder meant would fail asking for this very flag.
			switch st, err := os.Stat(abs); {
			case errors.Is(err, fs.ErrNotExist):
				return p, false, FlagErrorf("--allow-ref-dir %s: no such folder (%s)", d, abs)
			case err == nil && !st.IsDir():
				return p, false, FlagErrorf("--allow-ref-dir %s: not a folder: give the folder the $refs read files from", d)
			}
			p.RefDirs = append(p.RefDirs, abs)
		}
	}
	if fl.Changed("timeout") {
		if pf.Timeout <= 0 {
			return p, false, FlagErrorf("--timeout %s: give a positive duration such as 90s or 2m (the default is 30s)", pf.Timeout)
		}
		p.Timeout = profile.Duration(pf.Timeout)
	}
	return p, stored, nil
}

// httpMethods are the methods an OpenAPI operation can have.
var httpMethods = []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"}
