package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
)

// LoadAPI reads the profile's description. cred, when it has a key, is
// sent only for a description on the API's own origin (client.Load
// decides); a missing key is not an error here. When a URL cannot be read,
// or describes no operations (some APIs describe themselves only to
// authenticated callers), the description last read there for the
// profile is taken from the compiled description cache, so that serve
// still starts, with the last known tools, when the API's host is down or
// the laptop is offline.
func (a *App) LoadAPI(ctx context.Context, p profile.Profile, cred client.Credential) (*client.API, error) {
	return a.loadAPI(ctx, p, cred, nil)
}

// Description is a profile's description as a command read it
// (ReadDescription), for what it does next to use rather than read it
// again.
type Description struct {
	API *client.API
	// Unreachable is why the description's URL gave no answer
	// (client.ErrUnreachable): API is then the copy saved earlier, and
	// asking the URL again would wait as long for the same.
	Unreachable error
}

// ReadDescription is LoadAPI, also saying when the copy saved earlier
// stands in for a URL that gave no answer.
func (a *App) ReadDescription(ctx context.Context, p profile.Profile, cred client.Credential) (*Description, error) {
	return a.readDescription(ctx, p, cred, nil)
}

// loadAPI is LoadAPI, a description refused for want of a key read again
// with descCred, when given, before the saved copy is considered: the
// copy stands in only for a description that cannot be read with it.
func (a *App) loadAPI(ctx context.Context, p profile.Profile, cred, descCred client.Credential) (*client.API, error) {
	d, err := a.readDescription(ctx, p, cred, descCred)
	if err != nil {
		return nil, err
	}
	return d.API, nil
}

// readDescription is loadAPI as a Description.
func (a *App) readDescription(ctx context.Context, p profile.Profile, cred, descCred client.Credential) (*Description, error) {
	if p.Spec == "" {
		return nil, fmt.Errorf("profile %q has no OpenAPI description: pass --spec FILE|URL, or run `%s --spec FILE|URL`",
			p.Name, a.LoginCommand(p.Name))
	}
	api, err := client.Load(ctx, p.Spec, a.loadOptions(p, cred, nil))
	remote := client.IsURL(p.Spec)
	if remote && errors.Is(err, client.ErrNeedsKey) && descCred != nil {
		api, err = client.Load(ctx, p.Spec, a.loadOptions(p, descCred, nil))
	}
	d := &Description{}
	if remote && errors.Is(err, client.ErrUnreachable) {
		d.Unreachable = err // and, unless an error follows, the saved copy stands in
	}
	if d.API, err = a.loadedAPI(ctx, p, api, err); err != nil {
		return nil, err
	}
	return d, nil
}

// loadedAPI is what loading p's description gave (api, err): the error
// said with what to do, or, for a URL that cannot be read or describes no
// operations, the copy saved earlier when there is one. A load that ctx
// cancelled (a signal) is not a URL that cannot be read: the command is
// ending, and the saved copy would only delay that (serve --http would
// start serving it). A time limit that ran out is one: the copy stands in.
func (a *App) loadedAPI(ctx context.Context, p profile.Profile, api *client.API, err error) (*client.API, error) {
	remote := client.IsURL(p.Spec)
	err = a.keyRefusedHint(p, err)
	switch {
	case err != nil && errors.Is(ctx.Err(), context.Canceled):
		return nil, fmt.Errorf("loading the API description: %w", err)
	case err != nil && !remote && errors.Is(err, fs.ErrNotExist) && a.SpecGiven:
		return nil, fmt.Errorf("loading the API description: the file %s given with --spec does not exist", p.Spec)
	case err != nil && !remote && errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("loading the API description of profile %q: %w; if it moved, store its new path with `%s --spec NEW_PATH` (or pass --spec)",
			p.Name, err, a.LoginCommand(p.Name))
	case err != nil && !remote:
		return nil, fmt.Errorf("loading the API description: %w", err)
	case err != nil:
		saved, fetched, cerr := a.savedAPI(p)
		if cerr != nil && errors.Is(err, client.ErrNeedsKey) && !descriptionTakesKey(p) {
			return nil, fmt.Errorf("loading the API description: %w: profile %q fetches it without the key (--spec-auth none); say where it takes the key with `%s --spec-auth header:NAME` (or query:NAME, cookie:NAME, bearer)", err, p.Name, a.LoginCommand(p.Name))
		}
		if cerr != nil && errors.Is(err, client.ErrNeedsKey) {
			return nil, fmt.Errorf("loading the API description: %w: run `%s` to store the key, or set %s", err, a.LoginCommand(p.Name), a.KeyEnv)
		}
		if cerr != nil {
			return nil, fmt.Errorf("loading the API description: %w", err)
		}
		a.Log.Warn("using the copy of the API description saved earlier", "fetched", fetched.Format(time.RFC3339), "err", err)
		api = saved
	case remote && len(api.Operations) == 0:
		// With no usable key the description may be empty, and the copy
		// saved with the key still says what the API offers (calls then
		// say how to log in).
		if saved, fetched, cerr := a.savedAPI(p); cerr == nil && len(saved.Operations) > 0 {
			a.Log.Warn("the API described no operations (it may describe itself only to authenticated callers): using the copy saved earlier",
				"fetched", fetched.Format(time.RFC3339))
			api = saved
		}
	}
	for _, s := range api.Skipped {
		a.Log.Warn("operation skipped", "method", s.Method, "path", s.Path, "reason", s.Reason)
	}
	return api, nil
}

// keyRefusedHint is err with, when the API refused the key sent to read
// p's description, where the key came from when it is KeyEnv's, how it
// was sent and the flags that send it otherwise.
func (a *App) keyRefusedHint(p profile.Profile, err error) error {
	if !errors.Is(err, client.ErrKeyRefused) {
		return err
	}
	if IsOAuthProfile(p) {
		if a.EnvKey() != "" {
			return fmt.Errorf("%w: the access token sent is the one in %s: %s", err, a.KeyEnv, a.EnvKeyFix(p))
		}
		return err
	}
	sent := ""
	if s := DescriptionSentAs(p); s != "" {
		sent = fmt.Sprintf(" (it was sent as `%s`)", s)
	}
	check := "check the key, and"
	if a.EnvKey() != "" {
		check = fmt.Sprintf("the key sent is the one in %s: %s; if it is right, check", a.KeyEnv, a.EnvKeyFix(p))
	}
	if p.SpecAuth != "" {
		return fmt.Errorf("%w%s: %s where the description takes it (--spec-auth header:NAME, query:NAME, cookie:NAME or bearer)", err, sent, check)
	}
	return fmt.Errorf("%w%s: %s the header and scheme it is sent with (--auth-header, --auth-scheme WORD, or --auth-format); "+specAuthHint, err, sent, check)
}

// loadOptions are client.Load's options for p's description, cred being
// the profile's credential (the key goes as p.SpecAuth says). With e, p's
// entry in the compiled description cache, a URL description the same as
// e's is answered client.ErrNotModified: on a 304 to a fetch conditional
// on e's validators, or on its bytes before they are decoded.
func (a *App) loadOptions(p profile.Profile, cred client.Credential, e *cacheEntry) client.LoadOptions {
	opts := client.LoadOptions{
		BaseURL:    p.BaseURL,
		Credential: DescriptionCredential(p, cred),
		UserAgent:  a.UserAgent(),
		RefDirs:    p.RefDirs,
	}
	if e != nil {
		opts.IfChanged, opts.Held = e.head.Validators, e.held()
	}
	return opts
}

// savedAPI is the description of p's URL kept in the compiled description
// cache, whatever the options it was compiled with, and when it was
// fetched.
func (a *App) savedAPI(p profile.Profile) (*client.API, time.Time, error) {
	if a.Cache == nil {
		return nil, time.Time{}, errors.New("no description cache")
	}
	e, err := a.Cache.latest(p.Name, specLocation(p.Spec))
	if err != nil {
		return nil, time.Time{}, err
	}
	defer e.close()
	api, err := e.api()
	if api != nil {
		// Not what the URL answers now: the next fetch is a full one,
		// not a conditional one that would keep this copy.
		api.Validators = client.Validators{}
	}
	return api, e.head.Written, err
}

// ResolvedBaseURL is the base URL p's calls go to when p sets none, as
// serve resolves it: the first server of its description, read from the
// compiled description cache, else from a local file. It is "" when p sets
// a base URL, when that would take a request (a description URL with no
// current compiled copy), or when it gives no absolute URL.
func (a *App) ResolvedBaseURL(ctx context.Context, p profile.Profile) string {
	if p.BaseURL != "" || p.Spec == "" {
		return ""
	}
	base := ""
	if _, e := a.cachedEntry(p); e != nil {
		base = e.head.Base
		e.close()
	} else if !client.IsURL(p.Spec) {
		if api, err := client.Load(ctx, p.Spec, a.loadOptions(p, nil, nil)); err == nil {
			base = api.BaseURL()
		}
	}
	if !strings.Contains(base, "://") {
		return ""
	}
	return base
}
