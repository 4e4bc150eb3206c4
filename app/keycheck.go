package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
)

// ErrKeyRejected means the API answered 401 or 403 to the key.
var ErrKeyRejected = errors.New("the API rejected the key")

// CheckSetupError is why no request could be chosen to check a key. Its
// message says what is wrong, not how to fix it: that is a flag of login
// and a `login` to run for status, so the caller adds it, as Fix says.
type CheckSetupError struct {
	Fix CheckFix
	Err error
}

// Error implements error.
func (e *CheckSetupError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *CheckSetupError) Unwrap() error { return e.Err }

// CheckFix is the profile setting that fixes a CheckSetupError.
type CheckFix int

const (
	// FixUnreachable: the description's URL cannot be reached (the
	// network, or the address: the description).
	FixUnreachable CheckFix = iota
	// FixDescription: the description cannot be read (the description,
	// or a base URL and check path that do without it).
	FixDescription
	// FixBaseURL: no absolute base URL (the base URL).
	FixBaseURL
	// FixCheckPath: no usable request to check with (the check path).
	FixCheckPath
)

// KeyCheck is the outcome of the authenticated request made to see whether
// the API accepts a key.
type KeyCheck struct {
	Method string
	URL    string // as messages show it (client.ShowURL)
	// Status is the HTTP status, 0 when no answer came.
	Status int
	// Accepted is true for a 2xx answer that is not an HTML page.
	Accepted bool
	// Err is why the key is not known to be accepted: ErrKeyRejected, an
	// unexpected status or a network error.
	Err error
	// Server names a remote MCP server that accepted the key.
	Server string
	// Description says that the request was the description's own URL,
	// the key sent as the profile's SpecAuth says.
	Description bool
	// Base is the base URL the request's path was put under, as messages
	// show it ("" for the description's own URL).
	Base string
	// Path is the path requested on Base.
	Path string
	// CheckPath says that the path was the profile's check path, not an
	// operation of the description.
	CheckPath bool
	// BaseDoubt, beside a key the description's URL accepted, is why the
	// base URL the calls go to is in doubt: a base URL the description's
	// servers do not name answered 404 Not Found itself. Not a refusal:
	// an API may answer 404 everywhere but at its operations.
	BaseDoubt error
	// unreachable is the network error when no answer came.
	unreachable error
	// html: the answer was an HTML page.
	html bool
}

// CheckKey sends one authenticated GET to the API: the profile's check
// path, else the first GET operation without required parameters, on the
// base URL the calls use (so a base URL that does not lead to the API's
// operations answers 404 here, not on every call), else the description's
// URL when it is on the API's origin and cannot be read without the key
// (one more GET, without it, tells), the key sent as DescriptionCredential
// says; that URL answers wherever the base URL points, so a base URL the
// description's servers do not name is asked once more when it accepts
// the key (probeFor). A description that refuses the key (read to find
// the operation) is asked again for the verdict. It goes through the same client and
// transport as tool calls (client.Check), so the key is sent exactly as
// they send it, and only to the API's origin. An error means no request
// could be chosen (for example the description did not load); the
// request's own outcome is in the KeyCheck. timeout bounds it all.
func (a *App) CheckKey(ctx context.Context, p profile.Profile, key string, timeout time.Duration) (*KeyCheck, error) {
	return a.CheckKeyWith(ctx, p, key, timeout, nil)
}

// CheckKeyWith is CheckKey with p's description as the command read it
// (nil: CheckKey reads it when it needs it). When its URL gave no answer,
// the URL is not asked again (each attempt would wait for its time limit):
// the request is chosen from the copy saved earlier, the description's own
// URL is never the one checked, and an operation on the description's
// origin is not asked either (that address did not answer).
func (a *App) CheckKeyWith(ctx context.Context, p profile.Profile, key string, timeout time.Duration, read *Description) (*KeyCheck, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t, err := a.checkTarget(ctx, p, key, read)
	if err != nil {
		return nil, err
	}
	base, path, viaSpec := t.base, t.path, t.viaSpec
	if read != nil && read.Unreachable != nil && (viaSpec || !t.checkPath && sameOrigin(p.Spec, base.String())) {
		// The API's own address did not answer for the description: asked
		// again, it would wait as long for the same.
		return nil, unreachableDescription(p.Spec, read.Unreachable)
	}
	// A description that refused the key is no public one: asking it
	// without the key would tell nothing more.
	if viaSpec && !t.refused {
		// A description anyone may read proves nothing about the key, and
		// it is asked only when no operation can be: then nothing can
		// check the key. Asking without the key first is also the fast
		// way: an API refuses before it builds the document. The
		// description's URL: asked as serve reads it, without the fixed
		// headers (they are for the API's operations).
		anon, err := a.sendCheck(ctx, nil, "", nil, base, path, timeout)
		if err != nil {
			return nil, err
		}
		if anon.unreachable != nil {
			// Not a verdict on the key: the description itself is out of
			// reach (a vendor's built-in one, or the profile's).
			return nil, unreachableDescription(anon.URL, anon.unreachable)
		}
		if anon.Accepted {
			// The description is asked only when no operation can be.
			return nil, fmt.Errorf("the description at %s is public, so it cannot tell whether the key is valid, and %w", anon.URL, noCheckableGET(p))
		}
	}
	cred := Credential(p, client.StaticKey(key))
	if viaSpec {
		// The description's URL takes the key where it says.
		cred = DescriptionCredential(p, cred)
	}
	headers := fixedHeaders(p)
	if viaSpec {
		headers = nil
	}
	kc, err := a.sendCheck(ctx, cred, key, headers, base, path, timeout)
	if kc == nil {
		return kc, err
	}
	kc.Description = viaSpec
	kc.CheckPath = t.checkPath
	if !viaSpec {
		kc.Base, kc.Path = client.ShowURL(base.String()), path
	}
	if viaSpec && kc.Accepted && t.probe != nil {
		// The description's URL answers wherever the base URL points.
		if pk := a.probeBase(ctx, p, key, t.probe, timeout); pk != nil {
			if t.probe.op {
				return pk, nil // a real operation's 404: the verdict
			}
			kc.BaseDoubt = pk.Err
		}
	}
	if kc.NotFound() {
		kc.Err = notFound(kc)
	}
	if kc.html && !viaSpec && !t.checkPath {
		// An operation the description says answers JSON: a web site at
		// the base URL serves every path as a page.
		kc.Err = fmt.Errorf("GET %s answered with an HTML page, which does not tell whether the key is valid: a login page, or a web site at the base URL %s rather than the API's operations", kc.URL, kc.Base)
	}
	return kc, err
}

// probeBase asks pr, on the base URL the calls go to, with the key as the
// calls send it, and returns that check when it answered 404 (or 410),
// its Err saying so; nil otherwise (anything else answered there).
func (a *App) probeBase(ctx context.Context, p profile.Profile, key string, pr *baseProbe, timeout time.Duration) *KeyCheck {
	pk, err := a.sendCheck(ctx, Credential(p, client.StaticKey(key)), key, fixedHeaders(p), pr.base, pr.path, timeout)
	if err != nil || !pk.NotFound() {
		return nil
	}
	if pr.op {
		pk.Base, pk.Path = client.ShowURL(pr.base.String()), pr.path
		pk.Err = notFound(pk)
		return pk
	}
	server := ""
	if pr.described != "" {
		server = fmt.Sprintf(" (the description's server is %s)", client.ShowURL(pr.described))
	}
	pk.Err = fmt.Errorf("GET %s answered %d %s: the base URL may not lead to the API's operations%s; the description's URL, which accepted the key, answers wherever the base URL points",
		pk.URL, pk.Status, http.StatusText(pk.Status), server)
	return pk
}

// NotFound reports that the API answered 404 Not Found or 410 Gone: most
// often, a base URL that does not lead to the API's operations.
func (kc *KeyCheck) NotFound() bool {
	return kc.Status == http.StatusNotFound || kc.Status == http.StatusGone
}

// notFound is the error of a check that answered 404 (or 410): a GET that
// takes no arguments (a list, the caller's own account) answers it when
// nothing is at its path, so the likely cause is a base URL that does not
// lead to the API. Likely only: an API may also answer 404 for what the
// key may not see.
func notFound(kc *KeyCheck) error {
	answered := fmt.Sprintf("GET %s answered %d %s", kc.URL, kc.Status, http.StatusText(kc.Status))
	switch {
	case kc.Description:
		return fmt.Errorf("%s: the description is not at that address", answered)
	case kc.CheckPath:
		return fmt.Errorf("%s: nothing is at that path, so the check path, or the base URL %s it is put under, is likely wrong", answered, kc.Base)
	}
	return fmt.Errorf("%s: a GET that takes no arguments names nothing that could be missing, so most likely the base URL %s does not lead to the API's operations", answered, kc.Base)
}

// sameOrigin reports whether spec is a URL on base's origin.
func sameOrigin(spec, base string) bool {
	u, err := url.Parse(spec)
	b, berr := url.Parse(base)
	return err == nil && berr == nil && client.IsURL(spec) && client.SameOrigin(u, b)
}

// unreachableDescription is the CheckSetupError of a description URL that
// gave no answer: not a verdict on the key.
func unreachableDescription(spec string, err error) error {
	return &CheckSetupError{Fix: FixUnreachable, Err: fmt.Errorf("the API description at %s cannot be reached: %w", client.ShowURL(spec), err)}
}

// sendCheck sends one GET of path on base with key, applied by cred (""
// and nil for none), and the profile's fixed headers.
func (a *App) sendCheck(ctx context.Context, cred client.Credential, key string, headers http.Header, base *url.URL, path string, timeout time.Duration) (*KeyCheck, error) {
	target, err := joinURL(base, path)
	if err != nil {
		return nil, err
	}
	// Shown in messages and status: without user info, query or fragment.
	kc := &KeyCheck{Method: http.MethodGet, URL: client.ShowURL(target.String())}
	c := client.New(client.Options{
		BaseURL:    base.String(),
		Credential: cred,
		Headers:    headers,
		UserAgent:  a.UserAgent(),
		Timeout:    timeout,
		// A redirect to another origin would answer without the key (the
		// transport does not send it there), so it proves nothing: refuse
		// to follow.
		StayOnOrigin: true,
	})
	if key == "" {
		ctx = client.WithoutCredential(ctx)
	}
	resp, err := c.Check(ctx, http.MethodGet, path)
	var he *client.HTTPError
	var ee *client.EncodingError
	var be *client.BodyError
	switch {
	case errors.As(err, &he):
		kc.Status = he.Response.Status
	case errors.As(err, &ee):
		// The status came, and it is what tells; the body is not needed.
		kc.Status = ee.Status
		resp = &client.Response{Status: ee.Status}
	case errors.As(err, &be):
		// A body that could not be read (corrupt gzip or deflate): the
		// API answered, and its status and headers tell as they would
		// with it.
		kc.Status = be.Response.Status
		resp = be.Response
	case err != nil:
		var off *client.OffOriginError
		if errors.As(err, &off) {
			kc.Err = fmt.Errorf("GET %s redirects to %s, another origin: the key is not sent there, so the answer proves nothing", kc.URL, off.URL)
			return kc, nil
		}
		err = stripURLError(err)
		kc.unreachable = err
		if strings.Contains(err.Error(), kc.URL) {
			kc.Err = fmt.Errorf("the API could not be reached: %w", err)
		} else {
			kc.Err = fmt.Errorf("GET %s: the API could not be reached: %w", kc.URL, err)
		}
		return kc, nil
	default:
		kc.Status = resp.Status
	}
	switch st := kc.Status; {
	case st == http.StatusUnauthorized || st == http.StatusForbidden:
		kc.Err = fmt.Errorf("%w: GET %s answered %d %s", ErrKeyRejected, kc.URL, st, http.StatusText(st))
	case st >= 200 && st < 300 && isHTML(resp.ContentType):
		// A login page reached by a redirect, or documentation: not the API.
		kc.html = true
		kc.Err = fmt.Errorf("GET %s answered with an HTML page (a login page?), which does not tell whether the key is valid", kc.URL)
	case st >= 200 && st < 300:
		kc.Accepted = true
	default:
		kc.Err = fmt.Errorf("GET %s answered %d %s, which does not tell whether the key is valid", kc.URL, st, http.StatusText(st))
	}
	return kc, nil
}

// Unreachable reports that no answer came: the connection failed (refused,
// a name that does not resolve, a timeout).
func (kc *KeyCheck) Unreachable() bool { return kc.unreachable != nil }

func isHTML(contentType string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(contentType)), "text/html")
}

// keyTarget is the URL CheckKey requests.
type keyTarget struct {
	base *url.URL
	path string // on base
	// viaSpec: the description's own URL.
	viaSpec bool
	// refused: the description refused the key when it was read with it.
	refused bool
	// checkPath: the profile's check path.
	checkPath bool
	// probe: what else to ask when the description's URL accepts the
	// key (nil: nothing).
	probe *baseProbe
}

// baseProbe is the one more request that tells whether the calls' base
// URL leads to the API, when the key check asks the description's URL:
// a GET operation that takes no arguments (of another scheme: one of the
// key's own would have been the check), else the base URL itself.
type baseProbe struct {
	base *url.URL
	path string // on base
	// op: path is an operation's.
	op bool
	// described is the description's own server, for messages.
	described string
}

// checkTarget picks the URL CheckKey requests. read is the description as
// the command read it (nil: none).
func (a *App) checkTarget(ctx context.Context, p profile.Profile, key string, read *Description) (keyTarget, error) {
	var api *client.API
	if read != nil && read.Unreachable != nil {
		api = read.API // the saved copy: the URL is not asked again
	}
	load := func() error {
		if api != nil {
			return nil
		}
		var err error
		api, err = client.Load(ctx, p.Spec, a.loadOptions(p, Credential(p, client.StaticKey(key)), nil))
		if err != nil && !client.IsURL(p.Spec) && errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("the file %s does not exist", p.Spec) // not "stat …: no such file or directory"
		}
		if err != nil && errors.Is(err, client.ErrUnreachable) && p.BaseURL != "" && sameOrigin(p.Spec, p.BaseURL) {
			// The API's own address gave no answer: not a verdict on
			// the key, nor on the description.
			return unreachableDescription(p.Spec, err)
		}
		if err != nil && errors.Is(err, client.ErrUnreachable) && client.IsURL(p.Spec) {
			// A description elsewhere than the API that gives no answer:
			// the copy saved when it last did says which request checks
			// the key, as it says what serve offers.
			if saved, fetched, cerr := a.savedAPI(p); cerr == nil && len(saved.Operations) > 0 {
				a.Log.Warn("using the copy of the API description saved earlier", "fetched", fetched.Format(time.RFC3339), "err", err)
				api, err = saved, nil
			}
		}
		if err != nil {
			return &CheckSetupError{Fix: FixDescription, Err: fmt.Errorf("loading the API description to find a request that checks the key: %w", err)}
		}
		return nil
	}
	baseURL := func() (*url.URL, error) {
		b := p.BaseURL
		if b == "" {
			if err := load(); err != nil {
				return nil, err
			}
			b = api.BaseURL()
		}
		u, err := url.Parse(b)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, &CheckSetupError{Fix: FixBaseURL, Err: fmt.Errorf("no absolute API base URL (got %q)", client.ShowURL(b))}
		}
		return u, nil
	}

	if p.CheckPath != "" {
		base, err := baseURL()
		if err != nil {
			return keyTarget{}, err
		}
		u, err := url.Parse(p.CheckPath)
		if err != nil {
			return keyTarget{}, &CheckSetupError{Fix: FixCheckPath, Err: fmt.Errorf("the check path %q is not a URL path", client.ShowURL(p.CheckPath))}
		}
		if u.IsAbs() {
			if !client.SameOrigin(u, base) {
				return keyTarget{}, &CheckSetupError{Fix: FixCheckPath, Err: fmt.Errorf("the check path %q is not on the API's origin %s: the key is only sent there", client.ShowURL(p.CheckPath), client.Origin(base))}
			}
			return keyTarget{base: client.Origin(u), path: u.RequestURI(), checkPath: true}, nil
		}
		return keyTarget{base: base, path: "/" + strings.TrimLeft(p.CheckPath, "/"), checkPath: true}, nil
	}

	// The description's own URL, when it is on the API's origin and takes
	// the key (one fetched without it, --spec-auth none, tells nothing of
	// it).
	description := func() (keyTarget, bool, error) {
		spec, err := url.Parse(p.Spec)
		if err != nil || !descriptionTakesKey(p) || (spec.Scheme != "http" && spec.Scheme != "https") {
			return keyTarget{}, false, nil
		}
		base, err := baseURL()
		if err != nil {
			return keyTarget{}, false, err
		}
		if client.SameOrigin(spec, base) {
			return keyTarget{base: client.Origin(spec), path: spec.RequestURI(), viaSpec: true}, true, nil
		}
		return keyTarget{}, false, nil
	}
	// An operation is checked first, on the base URL the calls use: that
	// the description's URL accepts the key proves neither the way the
	// calls send it (--spec-auth may put it elsewhere) nor that the calls
	// reach the API (a mistyped path in the base URL answers 404 to every
	// call). The description's URL is checked only when no operation can
	// be.
	if err := load(); err != nil {
		// A description that refuses the key says so best itself: the
		// check asks it, and reports the key rejected.
		if errors.Is(err, client.ErrKeyRefused) {
			if t, ok, derr := description(); derr == nil && ok {
				t.refused = true
				return t, nil
			}
		}
		return keyTarget{}, err
	}
	// A parameter the key travels in (an api_key query parameter the
	// description also declares as required) is no argument to give.
	fills := client.New(client.Options{Credential: Credential(p, client.StaticKey(key)), Headers: fixedHeaders(p)}).Fills
	op := firstCheckableGET(api.Operations, schemeOf(p), fills)
	if op == nil {
		if t, ok, err := description(); err != nil || ok {
			if ok && p.BaseURL != "" {
				base, _ := baseURL() // description() parsed it
				t.probe = probeFor(api, base, fills)
			}
			return t, err
		}
		return keyTarget{}, noCheckableGET(p)
	}
	base, err := baseURL()
	if err != nil {
		return keyTarget{}, err
	}
	if p.BaseURL == "" && len(op.Servers) > 0 {
		if b, err := url.Parse(op.Servers[0]); err == nil && b.IsAbs() && client.SameOrigin(b, base) {
			base = b
		}
	}
	return keyTarget{base: base, path: op.Path}, nil
}

// probeFor is what to ask besides the description's URL to tell whether
// base, given with --base-url, leads to api's operations: nothing when
// base has the path of a server api declares (the description says its
// operations are there, whatever the host).
func probeFor(api *client.API, base *url.URL, fills func(*client.Param) bool) *baseProbe {
	path := strings.TrimRight(base.Path, "/")
	named := func(servers []string) bool {
		for _, s := range servers {
			if u, err := url.Parse(s); err == nil && strings.TrimRight(u.Path, "/") == path {
				return true
			}
		}
		return false
	}
	if named(api.Servers) {
		return nil
	}
	for _, op := range api.Operations {
		if named(op.Servers) {
			return nil
		}
	}
	pr := &baseProbe{base: base, described: api.BaseURL()}
	if op := firstCheckableGET(api.Operations, "", fills); op != nil {
		pr.path, pr.op = op.Path, true
		return pr
	}
	pr.base, pr.path = client.Origin(base), cmp.Or(base.EscapedPath(), "/")
	return pr
}

// noCheckableGET is the error of a description with no operation
// firstCheckableGET can check p's key with.
func noCheckableGET(p profile.Profile) error {
	what := ""
	if scheme := schemeOf(p); scheme != "" {
		what = fmt.Sprintf(" that scheme %s may call", scheme)
	}
	return &CheckSetupError{Fix: FixCheckPath, Err: fmt.Errorf("the API description has no GET operation without required parameters%s to check the key with", what)}
}

// firstCheckableGET returns the first GET operation that needs no
// arguments (a required parameter the credential fills needs none) and
// that scheme, when set, may call, preferring one that requires
// authentication.
func firstCheckableGET(ops []*client.Operation, scheme string, fills func(*client.Param) bool) *client.Operation {
	var open *client.Operation
	for _, op := range ops {
		if op.Method != http.MethodGet || strings.Contains(op.Path, "{") {
			continue
		}
		required := false
		for _, prm := range op.Params {
			if prm.Required && !fills(prm) {
				required = true
				break
			}
		}
		if required {
			continue
		}
		if op.Security && scheme != "" && !op.SatisfiedBy(scheme) {
			continue // another scheme's: the API would refuse this key there
		}
		if op.Security {
			return op
		}
		if open == nil {
			open = op
		}
	}
	return open
}

func joinURL(base *url.URL, path string) (*url.URL, error) {
	rel, err := url.Parse(strings.TrimLeft(path, "/"))
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", path, err)
	}
	b := *base
	if !strings.HasSuffix(b.Path, "/") {
		b.Path += "/"
		b.RawPath = ""
	}
	return b.ResolveReference(rel), nil
}

// stripURLError drops the *url.Error wrapper, whose message repeats the
// method and URL.
func stripURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Errorf("no answer in time (%w)", ue.Err)
		}
		return ue.Err
	}
	return err
}
