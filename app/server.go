package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
// ctx is done; either is a normal end. With a current entry in the
// compiled description cache, initialize and tools/list are answered from
// it and the server is built on the first tool call; a URL description is
// then fetched again in the background, and when it changed the tools are
// replaced and the client told (notifications/tools/list_changed).
// Otherwise the server is built now and its entry written once the client
// has initialized.
func (a *App) Serve(ctx context.Context, p profile.Profile, in io.Reader, out io.Writer) error {
	fr, tools, background, err := a.stdioFront(ctx, p)
	if err != nil {
		return err
	}
	a.Log.Info("serving", "profile", p.Name, "tools", tools)
	// A signal (ctx ending) ends the input: running calls are cancelled and
	// answered, and the session ends when the transport reports the end.
	err = fr.Run(context.WithoutCancel(ctx), &server.StdioTransport{In: in, Out: out, Stop: ctx.Done()})
	background()
	if err == nil || errors.Is(err, io.EOF) || ctx.Err() != nil {
		return nil
	}
	return err
}

// replaceWait bounds how long changed tools wait for the client to finish
// initializing before they replace the served ones.
const replaceWait = 3 * time.Second

// cacheWait bounds how long the end of serve waits for the cache entry
// being written.
const cacheWait = 5 * time.Second

// stdioFront is the Front serve runs, the number of tools, and a function
// that waits (briefly) for the work left in the background.
func (a *App) stdioFront(ctx context.Context, p profile.Profile) (*server.Front, int, func(), error) {
	cred := a.ProfileCredential(p)
	key, e := a.cachedEntry(p)
	if e != nil {
		return a.cachedFront(ctx, p, key, e, cred)
	}
	srv, api, write, err := a.build(ctx, p, true, cred, nil, nil, nil)
	if err != nil {
		return nil, 0, nil, err
	}
	a.Log.Debug("built the tools from the description")
	fr := srv.Front()
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		srv.Prepared() // the tools/list answer, encoded before it is asked for
		if !write {
			return
		}
		// The entry is written once the client has initialized (or the
		// session ends): encoding it does not delay the answers.
		select {
		case <-fr.Initialized():
		case <-ended:
		}
		a.writeCache(p, srv, api)
	}()
	return fr, len(srv.Tools()), func() { close(ended); waitFor(done, cacheWait) }, nil
}

// cachedFront is stdioFront from e, p's current entry in the compiled
// description cache: initialize is answered from its header, the tools/list
// section read once the client has initialized (or asks for it), and the
// tools built on the first call.
func (a *App) cachedFront(ctx context.Context, p profile.Profile, key string, e *cacheEntry, cred client.Credential) (*server.Front, int, func(), error) {
	base := p.BaseURL
	if base == "" {
		base = e.head.Base
	}
	if err := a.checkBase(p, base); err != nil {
		e.close()
		return nil, 0, nil, err
	}
	audit, err := a.auditLog(p, true)
	if err != nil {
		e.close()
		return nil, 0, nil, err
	}
	// The tools, built on the first call (or when the tools/list
	// section cannot be served), from the description section, else
	// the description.
	type builtTools struct {
		srv *server.Server
		api *client.API
	}
	// A section that does not match its checksum is never used: the
	// tools are built (from the description, when it is the description
	// section), and the entry is written again, in the background.
	var rewriting atomic.Bool
	rewritten := make(chan struct{})
	var built func() (builtTools, error)
	rewrite := sync.OnceFunc(func() {
		rewriting.Store(true)
		go func() {
			defer close(rewritten)
			if b, err := built(); err == nil {
				a.writeCache(p, b.srv, b.api)
			}
		}()
	})
	built = sync.OnceValues(func() (builtTools, error) {
		api, err := e.api()
		if err != nil {
			a.Log.Debug("the compiled description cannot be read: loading the description", "err", err)
			if api, err = a.LoadAPI(ctx, p, cred); err != nil {
				return builtTools{}, err
			}
			defer rewrite()
		}
		srv, err := a.serverFor(p, api, true, cred, nil, audit)
		return builtTools{srv, api}, err
	})
	build := func() (*server.Server, error) {
		b, err := built()
		return b.srv, err
	}
	prep := e.head.Prepared
	prep.ReadList = func() ([]byte, error) {
		b, err := e.head.Prepared.ReadList()
		if err != nil {
			a.Log.Debug("compiled description ignored: building the tools", "file", e.path, "err", err)
			rewrite()
		}
		return b, err
	}
	a.Log.Debug("starting from the compiled description", "file", e.path)
	fr := server.NewFront(a.Name, a.Version, &prep, build)
	// The session's end does not stop the fetch: a changed description
	// is still written for the next start.
	done, ended := make(chan struct{}), make(chan struct{})
	if client.IsURL(p.Spec) {
		go func() {
			defer close(done)
			a.revalidate(context.WithoutCancel(ctx), p, e, fr, cred, audit, ended)
		}()
	} else {
		close(done)
	}
	// The tools/list section is read once the client has initialized
	// (or when tools/list comes first), not before initialize is
	// answered.
	listRead := make(chan struct{})
	go func() {
		defer close(listRead)
		select {
		case <-fr.Initialized():
			fr.LoadList()
		case <-ended:
		}
	}()
	a.Cache.touch(key)
	return fr, len(e.head.Prepared.Names), func() {
		close(ended)
		waitFor(done, cacheWait)
		waitFor(listRead, cacheWait)
		if rewriting.Load() {
			waitFor(rewritten, cacheWait)
		}
		e.close()
	}, nil
}

func waitFor(done <-chan struct{}, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// cachedEntry returns p's cache key and its current entry (nil when there
// is none, or no cache). A local description's entry is current when the
// description and the files its $refs read have the same bytes; a URL
// description's is served and revalidated.
func (a *App) cachedEntry(p profile.Profile) (string, *cacheEntry) {
	if a.Cache == nil || p.Spec == "" {
		return "", nil
	}
	key := a.Cache.key(a.Name, p)
	e, err := a.Cache.open(key)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return key, nil
	case err != nil:
		a.Log.Debug("compiled description ignored", "err", err)
		return key, nil
	}
	if why := e.current(); why != "" {
		a.Log.Debug("compiled description out of date", "file", e.path, "reason", why)
		e.close()
		return key, nil
	}
	return key, e
}

// keepValidators records v and location in e's header when they are new
// (see Cache.keepValidators); a failure is only logged.
func (a *App) keepValidators(e *cacheEntry, v client.Validators, location string) {
	if v == e.head.Validators && location == e.head.Location {
		return
	}
	if err := a.Cache.keepValidators(e, v, location); err != nil {
		a.Log.Debug("could not keep the API description's new validators", "err", err)
	}
}

// writeCache writes p's entry; a failure is only logged.
func (a *App) writeCache(p profile.Profile, srv *server.Server, api *client.API) {
	if a.Cache == nil {
		return
	}
	key := a.Cache.key(a.Name, p)
	if err := a.Cache.write(key, p, srv.Prepared(), api); err != nil {
		a.Log.Debug("could not write the compiled description", "err", err)
	}
}

// revalidate fetches a URL description again, conditionally on the
// entry's validators: unchanged, nothing happens; changed, the tools are
// rebuilt, replaced in fr and written to the cache.
// ended is closed when the session ends.
func (a *App) revalidate(ctx context.Context, p profile.Profile, e *cacheEntry, fr *server.Front, cred client.Credential, audit io.Writer, ended <-chan struct{}) {
	api, err := client.Load(ctx, p.Spec, a.loadOptions(p, cred, e))
	var unchanged *client.NotModifiedError
	switch {
	case errors.As(err, &unchanged):
		// A 304, or the entry's bytes answered whole (no validators, or
		// new ones): not decoded; new validators are kept for the next
		// start to ask with.
		a.keepValidators(e, unchanged.Validators, e.head.Location)
		a.Log.Debug("the API description is unchanged", "spec", client.ShowURL(p.Spec))
		return
	case err != nil:
		a.Log.Warn("serving the API description saved earlier: it cannot be fetched", "fetched", e.head.Written.Format(time.RFC3339), "err", a.keyRefusedHint(p, err))
		return
	case e.sameBytes(api):
		// The bytes the entry was built from, read from another place
		// that resolves them to the same base URL and resolves no URL
		// against where they were read (or an entry that does not say
		// where it was read from). The tools stay; the new validators and
		// place are kept for the next start.
		a.keepValidators(e, api.Validators, api.Location)
		a.Log.Debug("the API description is unchanged", "spec", client.ShowURL(p.Spec))
		return
	case len(api.Operations) == 0:
		a.Log.Debug("the API description fetched again has no operations: keeping the saved one")
		return
	}
	srv, err := a.serverFor(p, api, true, cred, nil, audit)
	if err != nil {
		a.Log.Warn("the API description changed, and its tools cannot be built: keeping the earlier tools", "err", err)
		return
	}
	a.writeCache(p, srv, api)
	// The same bytes resolved against another base URL or other servers
	// (read from another address after a redirect: sameBytes): the tools
	// are the same, but their calls go to the servers of the new place,
	// from this session on.
	moved := api.Digest == e.head.Digest
	// The client hears of the new tools once it has initialized (one that
	// has not yet lists them anyway).
	t := time.NewTimer(replaceWait)
	defer t.Stop()
	select {
	case <-fr.Initialized():
	case <-t.C:
	case <-ended:
		return
	}
	fr.Replace(srv.Prepared(), func() (*server.Server, error) { return srv, nil })
	if moved {
		a.Log.Info("the API description is read from another place now: calls go to its servers there", "spec", client.ShowURL(p.Spec))
		return
	}
	a.Log.Info("the API description changed: tools updated", "tools", len(srv.Tools()))
}

func (a *App) buildServer(ctx context.Context, p profile.Profile, sends bool) (*server.Server, error) {
	// One credential for the description and the calls: the keyring is
	// asked once, and a keyring that does not answer costs one timeout.
	return a.buildServerWith(ctx, p, sends, a.ProfileCredential(p), nil, nil)
}

// buildServerWith is buildServer with the credential of the calls, the
// transport below it (nil: client.DefaultTransport()), and the credential
// that reads a description refused without a key (nil: none but cred).
func (a *App) buildServerWith(ctx context.Context, p profile.Profile, sends bool, cred client.Credential, next http.RoundTripper, descCred client.Credential) (*server.Server, error) {
	_, e := a.cachedEntry(p)
	srv, api, write, err := a.build(ctx, p, sends, cred, next, e, descCred)
	// A URL description's entry is kept current; a local one's is written
	// by serve, or here when the entry could not be used.
	if err == nil && write && (client.IsURL(p.Spec) || e != nil) {
		a.writeCache(p, srv, api)
	}
	return srv, err
}

// build loads p's description, from e, p's current entry in the compiled
// description cache, if any (a URL description is fetched conditionally
// first), and builds the server; write says whether the cache lacks the
// entry of what was built. A description refused for want of a key is
// read again with descCred, when given.
func (a *App) build(ctx context.Context, p profile.Profile, sends bool, cred client.Credential, next http.RoundTripper, e *cacheEntry, descCred client.Credential) (srv *server.Server, api *client.API, write bool, err error) {
	if e != nil {
		defer e.close()
		if client.IsURL(p.Spec) {
			api, err = client.Load(ctx, p.Spec, a.loadOptions(p, cred, e))
			if errors.Is(err, client.ErrNeedsKey) && descCred != nil {
				api, err = client.Load(ctx, p.Spec, a.loadOptions(p, descCred, e))
			}
			var unchanged *client.NotModifiedError
			switch {
			case errors.As(err, &unchanged):
				// Not decoded: the entry's copy is the description.
				if api, err = e.api(); err == nil {
					api.Validators = unchanged.Validators
				}
			case err != nil || len(api.Operations) == 0:
				// Said, or the saved copy used, without asking again: a
				// URL that does not answer would take its time limit
				// twice.
				if api, err = a.loadedAPI(ctx, p, api, err); err != nil {
					return nil, nil, false, err
				}
			}
		} else {
			api, err = e.api()
		}
		if err != nil {
			a.Log.Debug("compiled description not used", "err", err)
			api = nil
		}
		if api != nil && e.sameBytes(api) {
			// Also under new validators: kept in the entry's header, for
			// the next fetch to ask with; the entry is not written again.
			a.keepValidators(e, api.Validators, api.Location)
		} else {
			write = api != nil
		}
	}
	if api == nil {
		if api, err = a.loadAPI(ctx, p, cred, descCred); err != nil {
			return nil, nil, false, err
		}
		write = a.Cache != nil && api.Digest != ""
	}
	audit, err := a.auditLog(p, sends)
	if err != nil {
		return nil, nil, false, err
	}
	if srv, err = a.serverFor(p, api, sends, cred, next, audit); err != nil {
		return nil, nil, false, err
	}
	return srv, api, write, nil
}

// checkBase refuses, for a server that sends requests, a base URL that is
// missing or relative.
func (a *App) checkBase(p profile.Profile, base string) error {
	v := client.UnsetVariable(base)
	if base != "" && strings.Contains(base, "://") && (v == "" || p.BaseURL != "") {
		return nil
	}
	hint := "the description declares no server"
	switch {
	case v != "":
		hint = fmt.Sprintf("the description's server %q has the variable %s, which it gives no value", client.ShowURL(base), v)
	case base != "":
		hint = fmt.Sprintf("the description's server %q is relative", client.ShowURL(base))
	}
	return fmt.Errorf("%s: pass --base-url https://api.example.com (or store it with `%s --base-url …`)",
		hint, a.LoginCommand(p.Name))
}

// auditLog opens p's audit log for a server that sends requests.
func (a *App) auditLog(p profile.Profile, sends bool) (io.Writer, error) {
	if !sends || p.AuditLog == "" { // listing tools calls nothing: no log to open
		return nil, nil
	}
	return openAuditLog(p.AuditLog)
}

// serverFor builds the server of p over api.
func (a *App) serverFor(p profile.Profile, api *client.API, sends bool, cred client.Credential, next http.RoundTripper, audit io.Writer) (*server.Server, error) {
	// The scheme the key goes by: the profile's, or the one the
	// description declares when the profile says none.
	sp := p
	if d, ok := cred.(*describedCredential); ok {
		d.settle(api)
		sp = d.profile()
	}
	base := p.BaseURL
	if base == "" {
		base = api.BaseURL()
	}
	if sends {
		if err := a.checkBase(p, base); err != nil {
			return nil, err
		}
	}
	c := client.New(client.Options{
		BaseURL:         base,
		OverrideServers: p.BaseURL != "",
		Credential:      cred,
		Headers:         fixedHeaders(p),
		Scheme:          schemeOf(sp),
		MissingScheme:   a.MissingScheme(sp, api.SecuritySchemes),
		UserAgent:       a.UserAgent(),
		Timeout:         time.Duration(p.Timeout),
		Transport:       next,
	})
	// A key from the environment is used instead of the stored one
	// (ResolveKey), or of an OAuth profile's tokens (OAuthCredential).
	keyEnv := ""
	if _, oauth := cred.(client.BearerToken); !oauth && a.EnvKey() != "" {
		keyEnv = a.KeyEnv
	}
	srv, err := server.New(server.Config{
		API:            api,
		Client:         c,
		Name:           a.Name,
		Login:          a.LoginCommand(p.Name),
		KeyEnv:         keyEnv,
		KeyEnvFix:      func() string { return a.EnvKeyFix(p) },
		Version:        a.Version,
		Prefix:         p.Prefix,
		MaxResultBytes: p.MaxResultBytes,
		AuditLog:       audit,
		Filter:         filterOf(p),
		Layout:         p.Layout,
		SeparateWrites: p.SeparateWrites,
		Logger:         a.Log,
	})
	if err != nil {
		return nil, err
	}
	if len(srv.Tools()) == 0 {
		return nil, noToolsError(api, p, a.LoginCommand(p.Name), a.SelectionFrom)
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
	return &auditFile{File: f}, nil
}

// auditFile is an open audit log that numbers the calls of every server of
// the session (server.CallNumbers).
type auditFile struct {
	*os.File
	calls atomic.Int64
}

func (f *auditFile) AuditCalls() *atomic.Int64 { return &f.calls }

// Where a profile's tool selection (--tag, --operation, --method,
// --read-only) came from, for the error that says none is left: App's
// SelectionFrom.
const (
	SelectionUnknown = ""        // the command line or the stored profile
	SelectionFlags   = "flags"   // the command line, at least in part
	SelectionStored  = "profile" // the stored profile only
)

// noToolsError says why a profile has no tools: a description without
// operations, operations that could all not be read, or a tool selection
// (given as from says) that leaves none.
func noToolsError(api *client.API, p profile.Profile, login, from string) error {
	switch {
	case len(api.Operations) == 0 && len(api.Skipped) > 0:
		first := api.Skipped[0]
		return fmt.Errorf("%s: none of its %d operations could be read (the first, %s: %s; the others in the warnings above): fix the description",
			client.ShowURL(p.Spec), len(api.Skipped), strings.TrimSpace(first.Method+" "+first.Path), first.Reason)
	case len(api.Operations) == 0 && api.Webhooks > 0:
		// Not a description cut short for want of a key: one of what the
		// API sends.
		hooks := fmt.Sprintf("%d webhooks", api.Webhooks)
		if api.Webhooks == 1 {
			hooks = "1 webhook"
		}
		return fmt.Errorf("%s declares no operations, only %s (requests the API sends, which are no tools): give the description of the API's own operations", client.ShowURL(p.Spec), hooks)
	case len(api.Operations) == 0 && client.IsURL(p.Spec):
		return fmt.Errorf("%s declares no operations (its \"paths\" are empty): the API may describe itself only to authenticated callers, so store a valid key with `%s` (or check that it is the API's OpenAPI description)", client.ShowURL(p.Spec), login)
	case len(api.Operations) == 0:
		return fmt.Errorf("%s declares no operations (its \"paths\" are empty): check that it is the API's OpenAPI description", client.ShowURL(p.Spec))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "none of the %d operations matches the tool selection %s", len(api.Operations), selectionFlags(p))
	switch from {
	case SelectionFlags:
		b.WriteString(" given on the command line")
	case SelectionStored:
		fmt.Fprintf(&b, " stored in profile %q", p.Name)
	default:
		fmt.Fprintf(&b, " (given on the command line or stored in profile %q)", p.Name)
	}
	if len(p.Tags) > 0 {
		if tags := DescriptionTags(api); len(tags) == 0 {
			b.WriteString(": the description tags no operation, so --tag cannot match")
		} else {
			b.WriteString(": the description's tags are " + listTags(ClosestTags(tags, p.Tags), 12))
		}
	}
	const clear = `an empty value (--tag "" --operation "" --method "") clears one`
	switch from {
	case SelectionFlags:
		fmt.Fprintf(&b, "; fix or drop the flag (stored values are changed with `%s --tag TAG`, and %s)", login, clear)
	case SelectionStored:
		fmt.Fprintf(&b, "; `%s --tag TAG` stores another, and %s", login, clear)
	default:
		fmt.Fprintf(&b, "; fix the flag given, or store another with `%s --tag TAG` (%s)", login, clear)
	}
	return errors.New(b.String())
}

// selectionFlags shows p's tool selection as flags.
func selectionFlags(p profile.Profile) string {
	var parts []string
	for _, t := range p.Tags {
		parts = append(parts, "--tag "+QuoteProfileName(t))
	}
	for _, o := range p.Operations {
		parts = append(parts, "--operation "+QuoteProfileName(o))
	}
	for _, m := range p.Methods {
		parts = append(parts, "--method "+QuoteProfileName(m))
	}
	if p.ReadOnly {
		parts = append(parts, "--read-only")
	}
	return "(" + strings.Join(parts, " ") + ")"
}

// DescriptionTags are the tags api's operations carry, each once, in the
// order first met.
func DescriptionTags(api *client.API) []string {
	var tags []string
	for _, op := range api.Operations {
		for _, t := range op.Tags {
			if !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}
	}
	return tags
}

// ClosestTags orders tags by how close each is to one of wanted, ignoring
// case: those containing one of wanted or contained in it first ("issue",
// "issues"), each group by edit distance; ties alphabetically.
func ClosestTags(tags, wanted []string) []string {
	dist := func(t string) int {
		best := -1
		for _, w := range wanted {
			a, b := strings.ToLower(t), strings.ToLower(w)
			d := editDistance(a, b)
			if !strings.Contains(a, b) && !strings.Contains(b, a) {
				d += 1000 // after every tag that contains the other
			}
			if best < 0 || d < best {
				best = d
			}
		}
		return best
	}
	out := slices.Clone(tags)
	slices.SortStableFunc(out, func(x, y string) int {
		if dx, dy := dist(x), dist(y); dx != dy {
			return dx - dy
		}
		return strings.Compare(strings.ToLower(x), strings.ToLower(y))
	})
	return out
}

// listTags shows at most n tags, naming how many more there are.
func listTags(tags []string, n int) string {
	if len(tags) <= n {
		return strings.Join(tags, ", ")
	}
	return fmt.Sprintf("%s (and %d more)", strings.Join(tags[:n], ", "), len(tags)-n)
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// schemeOf is the declared scheme p signs in with, "" for a key sent the
// way the profile's flags say.
func schemeOf(p profile.Profile) string {
	if p.Auth == nil {
		return ""
	}
	return p.Auth.Scheme
}
