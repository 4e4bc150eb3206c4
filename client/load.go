package client

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// LoadOptions tune Load.
type LoadOptions struct {
	// Transport fetches URL sources and remote $refs below the credential
	// Transport (default DefaultTransport()).
	Transport http.RoundTripper
	// BaseURL is the configured API base URL, when the user set one. A spec
	// URL on the same origin is fetched with the credential.
	BaseURL string
	// Credential, when set, is applied to fetches on the API's own origin
	// only. One that cannot apply itself (no key yet) is left out: the
	// description is then fetched without it.
	Credential Credential
	// UserAgent is sent when fetching URLs.
	UserAgent string
	// RefDirs are folders, besides the description's own, from which a
	// local description's $refs may read files.
	RefDirs []string
	// IfChanged, for a URL description, makes the fetch conditional on
	// these validators of an earlier answer: Load returns ErrNotModified
	// when the server answers 304 Not Modified, unless the answer came
	// from another place than Held's (a redirect that is new): the
	// description is then fetched again whole, for Load to resolve its
	// relative URLs against where it is now.
	IfChanged Validators
	// RefTimeout bounds the fetch of each document a $ref names by URL
	// (default 10 s; the description's own URL has 30 s).
	RefTimeout time.Duration
	// Held, for a URL description, is the one the caller already holds:
	// an answer with its very bytes, read from the same place, is built
	// into it again, so Load answers a *NotModifiedError without decoding
	// it (a server that sends no validators, or new ones for the same
	// bytes, answers every fetch whole).
	Held Held
}

// Held is what Load is told of a URL description the caller already
// holds, as Load returned it.
type Held struct {
	// Digest and Location are its API.Digest and API.Location: the same
	// bytes read from the same place give the same API. Give none for an
	// API whose RemoteRefs is set: what its $refs read may have changed
	// under the same bytes (a description read from a URL reads no local
	// file, so nothing else can).
	Digest, Location string
	// Base is its API.BaseURL(), which says whether a fetch with the key
	// follows one without it (see Load).
	Base string
}

// matches reports whether the document with digest sum, read from final,
// is the one held.
func (h Held) matches(sum [sha256.Size]byte, final string) bool {
	return h.Digest != "" && h.Digest == hex.EncodeToString(sum[:]) && h.Location == ShowURL(final)
}

// moved reports whether a description the caller holds, answered from
// final, was read from another place than where the caller read it.
func (h Held) moved(final string) bool {
	return h.Location != "" && h.Location != ShowURL(final)
}

// Validators are what an HTTP answer says to recognize its content again
// (ETag, Last-Modified).
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	// WithKey says the answer was fetched with the API key: an answer
	// fetched without it is another document (an API may describe only
	// what the caller may see), which these validators do not describe.
	WithKey bool `json:"withKey,omitempty"`
}

// conditional reports whether v can make a fetch conditional.
func (v Validators) conditional() bool { return v.ETag != "" || v.LastModified != "" }

// ErrNotModified is Load's answer when a URL description is unchanged
// since the answer LoadOptions.IfChanged describes, or is the one
// LoadOptions.Held describes. It comes as a *NotModifiedError.
var ErrNotModified = errors.New("the API description is not modified")

// NotModifiedError is ErrNotModified with the validators of the answer
// that said so: those asked with after a 304, the new ones of an answer
// that gave the held bytes again (a redeploy, or replicas that each give
// their own ETag), for the next fetch to ask with.
type NotModifiedError struct {
	Validators Validators
}

func (e *NotModifiedError) Error() string        { return ErrNotModified.Error() }
func (e *NotModifiedError) Is(target error) bool { return target == ErrNotModified }

// ErrNeedsKey means the API description was refused (401, 403) when asked
// for without the key: it is read with the key, which was not given.
var ErrNeedsKey = errors.New("the API description needs the key")

// ErrUnreachable means a description URL gave no answer: no connection,
// no name, or no complete answer in time. Asking again at once would wait
// as long for the same.
var ErrUnreachable = errors.New("the API description's address did not answer")

// unreachableError is an error of ErrUnreachable that reads as its cause.
type unreachableError struct{ error }

func (e unreachableError) Unwrap() error        { return e.error }
func (e unreachableError) Is(target error) bool { return target == ErrUnreachable }

// ErrKeyRefused means the API description was refused (401, 403) when asked
// for with the key: the key, or the way it is sent, is not the API's.
var ErrKeyRefused = errors.New("the API refused the key sent with it")

// CheckSource refuses a description's location that is a URL of another
// scheme than http, https or file (ftp://, s3://…): read as a file path
// it would only give a confusing "no such file".
func CheckSource(source string) error {
	scheme, _, ok := strings.Cut(source, "://")
	if !ok || len(scheme) < 2 || strings.ContainsFunc(scheme, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '+' || r == '-' || r == '.')
	}) {
		return nil // a path (C:\…, ./a://b is no scheme)
	}
	switch strings.ToLower(scheme) {
	case "http", "https", "file":
		return nil
	}
	return fmt.Errorf("%s: a description is read from a file path or an http(s) URL, not %s://; download it first", redactSource(source), strings.ToLower(scheme))
}

// Load reads an API description from a file path or an http(s) URL.
//
// The credential is only ever sent to the API's own origin: when BaseURL is
// set, to a spec URL on BaseURL's origin; when it is not, the spec is first
// fetched without the key and fetched again with it only when the
// description's default server is on the spec URL's origin (APIs such as
// Django REST Framework describe only what the caller may see). Redirects to
// another origin never carry the key.
func Load(ctx context.Context, source string, opts LoadOptions) (*API, error) {
	source = strings.TrimSpace(source)
	if source == "" {
		return nil, errors.New("no API description given: pass --spec with a file path or an http(s) URL")
	}
	if err := CheckSource(source); err != nil {
		return nil, err
	}
	loc := source
	if strings.HasPrefix(source, "file://") {
		p, err := fileURLPath(source)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", redactSource(source), parseError(err))
		}
		loc = p
	}
	remote := IsURL(loc)
	if !remote {
		abs, err := filepath.Abs(loc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		loc = abs
	} else if _, err := url.Parse(loc); err != nil {
		return nil, fmt.Errorf("%s: %w", redactSource(source), parseError(err))
	}

	cred := opts.Credential
	if cred != nil && (!remote || !applies(ctx, cred, loc)) {
		cred = nil
	}
	f := newFetcher(opts)
	if !remote {
		f.refDirs = refRoots(filepath.Dir(loc), opts.RefDirs)
	}
	if cred != nil && opts.BaseURL != "" && sameOriginURL(loc, opts.BaseURL) {
		f = f.withCredential(cred, loc)
	}
	// The fetch is conditional only when its answer becomes the API and is
	// fetched as the earlier one was (with or without the key): a first
	// fetch without the key that the key's fetch may follow is not.
	refetch := cred != nil && opts.BaseURL == "" && !f.authed()
	if !refetch && opts.IfChanged.WithKey == f.authed() {
		f.ifChanged = opts.IfChanged
	}
	// Bytes are the same document however they were fetched: the held
	// one is recognized with or without the key. A file is always read:
	// its holder checks it, and the files its $refs read, itself.
	if remote {
		f.held = opts.Held
	}
	api, err := loadOnce(ctx, source, loc, f, defaultLimits)
	// Fetched without the key, the held bytes are the held API: its base
	// URL says whether the key's fetch follows, as a decoded one's would.
	held := refetch && errors.Is(err, ErrNotModified)
	if err != nil && !held {
		var se *statusError
		if remote && errors.As(err, &se) && (se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden) && !f.authed() {
			switch {
			case opts.BaseURL == "":
				return nil, fmt.Errorf("%w: the description needs the API key; pass --base-url with the API's address so the key can be sent to %s", err, originOf(loc))
			case opts.Credential == nil || sameOriginURL(loc, opts.BaseURL):
				// On the API's origin, it was asked for without a key
				// because there was none.
				return nil, fmt.Errorf("%w: %w, and none was given", err, ErrNeedsKey)
			}
			return nil, fmt.Errorf("%w: the key is only sent to the API's origin (%s), not to %s", err, originOf(opts.BaseURL), originOf(loc))
		}
		return nil, keyRefused(err, f.authed(), loc)
	}
	base := opts.Held.Base
	if api != nil {
		base = api.BaseURL()
	}
	if refetch && sameOriginURL(base, loc) {
		f = f.withCredential(cred, loc)
		if opts.IfChanged.WithKey {
			f.ifChanged = opts.IfChanged
		}
		authed, err := loadOnce(ctx, source, loc, f, defaultLimits)
		if errors.Is(err, ErrNotModified) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("fetching the description again with the API key: %w", keyRefused(err, true, loc))
		}
		api = authed
	} else if held {
		return nil, err
	}
	return api, nil
}

// keyRefused is err, marked ErrKeyRefused when it is a 401 or 403 from
// loc's origin, the one the key is sent to, to a fetch that sent the key.
func keyRefused(err error, authed bool, loc string) error {
	var se *statusError
	if authed && errors.As(err, &se) && (se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden) && sameOriginURL(se.URL, loc) {
		return fmt.Errorf("%w: %w", err, ErrKeyRefused)
	}
	return err
}

// loadOnce reads, decodes and indexes the description at loc.
func loadOnce(ctx context.Context, source, loc string, f *fetcher, lim schemaLimits) (*API, error) {
	sum, root, mapped := [sha256.Size]byte{}, any(nil), false
	final, got := loc, Validators{}
	if !IsURL(loc) {
		sum, root, mapped = mappedJSON(loc)
	}
	if !mapped {
		data, fin, vals, err := f.readDoc(ctx, loc, f.ifChanged)
		if errors.Is(err, ErrNotModified) && f.held.moved(fin) {
			// The same bytes, but from another place, against which its
			// relative servers resolve to other URLs: the answer 304
			// cannot say whether the caller's copy is still the API.
			data, fin, vals, err = f.readDoc(ctx, loc, Validators{})
		}
		if errors.Is(err, ErrNotModified) {
			return nil, &NotModifiedError{Validators: vals}
		}
		if err != nil {
			return nil, err // names the file or URL
		}
		final, got = fin, vals
		got.WithKey = f.authed()
		sum = sha256.Sum256(data)
		// Before decoding: for a large description that is most of the
		// time and memory a start spends, all for the API held already.
		if f.held.matches(sum, final) {
			return nil, &NotModifiedError{Validators: got}
		}
		if root, err = decodeDocument(data); err != nil {
			return nil, fmt.Errorf("%s: %w", redactSource(source), err)
		}
	}
	docs := newDocSet(ctx, f)
	docs.docs[loc] = document{root: root, loc: final}
	docs.docs[final] = docs.docs[loc]
	api, err := build(docs, source, final, root, lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", redactSource(source), err)
	}
	api.Digest = hex.EncodeToString(sum[:])
	api.Validators = got
	if IsURL(final) {
		api.Location = ShowURL(final)
	}
	for l, digest := range docs.files {
		if l != loc {
			api.Files = append(api.Files, RefFile{Path: l, Digest: digest})
		}
	}
	slices.SortFunc(api.Files, func(a, b RefFile) int { return strings.Compare(a.Path, b.Path) })
	api.RemoteRefs = docs.remote
	return api, nil
}

// maxDocumentBytes bounds one fetched document.
const maxDocumentBytes = 64 << 20

// fetcher reads files and URLs, the latter through a Transport that sends
// the credential to one origin only.
type fetcher struct {
	client    *http.Client
	transport *Transport
	// refDirs are the folders local $refs may read from (with symlinks
	// resolved); none for a description read from a URL.
	refDirs []string
	// ifChanged are the validators sent with the description's own fetch;
	// held, the description its answer may give again.
	ifChanged Validators
	held      Held
	// refTimeout bounds the fetch of a document a $ref names by URL.
	refTimeout time.Duration
}

// defaultRefTimeout bounds the wait for the answer of one document a $ref
// names by URL to begin (its body then has the fetcher's 30 s):
// serve may read the description before it answers initialize, which a
// client waits for about a minute, and a description may refer to several
// documents.
const defaultRefTimeout = 10 * time.Second

// documentTimeout bounds the fetch of one document, its body included.
var documentTimeout = 30 * time.Second

// newFetcher returns a fetcher that sends no credential.
func newFetcher(opts LoadOptions) *fetcher {
	t := &Transport{UserAgent: opts.UserAgent, Next: opts.Transport}
	return &fetcher{client: NewHTTPClient(t, documentTimeout), transport: t, refTimeout: cmp.Or(opts.RefTimeout, defaultRefTimeout)}
}

// withCredential is f sending cred to the origin of loc.
func (f *fetcher) withCredential(cred Credential, loc string) *fetcher {
	u, err := url.Parse(loc)
	if err != nil {
		return f
	}
	t := *f.transport
	t.Origin, t.Credential = Origin(u), cred
	return &fetcher{client: NewHTTPClient(&t, f.client.Timeout), transport: &t, refDirs: f.refDirs, ifChanged: f.ifChanged, held: f.held, refTimeout: f.refTimeout}
}

// authed reports whether the fetcher sends a credential.
func (f *fetcher) authed() bool { return f.transport.Credential != nil }

// statusError is an HTTP answer >= 400 to a fetch.
type statusError struct {
	URL    string
	Status int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("GET %s: HTTP %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// read returns the content at loc and the location it was finally read
// from (after redirects).
func (f *fetcher) read(ctx context.Context, loc string) ([]byte, string, error) {
	data, final, _, err := f.readDoc(ctx, loc, Validators{})
	return data, final, err
}

// readDoc is read, the fetch of a URL made conditional on cond (an
// answer 304 is ErrNotModified); it also returns the answer's validators.
func (f *fetcher) readDoc(ctx context.Context, loc string, cond Validators) ([]byte, string, Validators, error) {
	if !IsURL(loc) {
		data, err := readLocal(loc)
		return data, loc, Validators{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
	if err != nil {
		return nil, "", Validators{}, err
	}
	req.Header.Set("Accept", "application/vnd.oai.openapi+json, application/json;q=0.9, application/vnd.oai.openapi;q=0.8, application/yaml;q=0.8, */*;q=0.5")
	if cond.ETag != "" {
		req.Header.Set("If-None-Match", cond.ETag)
	}
	if cond.LastModified != "" {
		req.Header.Set("If-Modified-Since", cond.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		if f.timedOut(ctx, err) {
			return nil, "", Validators{}, unreachableError{f.timeoutError(loc)}
		}
		// *url.Error would print the whole URL, query included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		err = fmt.Errorf("GET %s: %w", redact(loc), err)
		if ctx.Err() == nil {
			err = unreachableError{err}
		}
		return nil, "", Validators{}, err
	}
	defer resp.Body.Close()
	target := resp.Request.URL.String() // after redirects
	if resp.StatusCode == http.StatusNotModified && cond.conditional() {
		return nil, target, cond, ErrNotModified
	}
	if resp.StatusCode >= 300 {
		// An error; or a redirect with no Location to follow, or a 304
		// to a request that was not conditional: no document either.
		return nil, "", Validators{}, &statusError{URL: redact(target), Status: resp.StatusCode}
	}
	// Read into a buffer of the announced size, as readLocal does: an
	// answer that proves to be the held description costs little else.
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n <= maxDocumentBytes {
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, err = buf.ReadFrom(io.LimitReader(resp.Body, maxDocumentBytes+1))
	data := buf.Bytes()
	if err != nil && f.timedOut(ctx, err) {
		return nil, "", Validators{}, unreachableError{f.timeoutError(target)}
	}
	if err != nil {
		return nil, "", Validators{}, fmt.Errorf("GET %s: %w", redact(target), err)
	}
	if len(data) > maxDocumentBytes {
		return nil, "", Validators{}, fmt.Errorf("GET %s: larger than %d MiB", redact(target), maxDocumentBytes>>20)
	}
	got := Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	return data, target, got, nil
}

// timedOut reports whether err is the fetcher's own time limit, not the
// end of ctx.
func (f *fetcher) timedOut(ctx context.Context, err error) bool {
	var ne net.Error
	return ctx.Err() == nil && errors.As(err, &ne) && ne.Timeout()
}

// timeoutError says that the document at loc did not arrive in time, and
// what to do.
func (f *fetcher) timeoutError(loc string) error {
	return fmt.Errorf("GET %s: no complete answer within %s: check that it is reachable from here (a proxy is taken from HTTPS_PROXY), or download the description and pass its file", redact(loc), f.client.Timeout)
}

// readLocal reads a local document: a regular file of at most
// maxDocumentBytes (a device, FIFO or directory would hang or never end).
func readLocal(path string) ([]byte, error) {
	fh, st, err := openLocal(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	// Read into a buffer of the file's size: growing one from nothing
	// copies a large description many times.
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(fh, maxDocumentBytes+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if len(data) > maxDocumentBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB", path, maxDocumentBytes>>20)
	}
	return data, nil
}

// openLocal opens a local document after checking it is a regular file
// of at most maxDocumentBytes.
func openLocal(path string) (*os.File, os.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s: not a regular file (an API description and the files its $refs name must be regular files)", path)
	}
	if st.Size() > maxDocumentBytes {
		return nil, nil, fmt.Errorf("%s: larger than %d MiB", path, maxDocumentBytes>>20)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return fh, st, nil
}

// mapMinBytes is the size from which a local JSON description is decoded
// from its mapped pages rather than read.
const mapMinBytes = 256 << 10

// mappedJSON digests and decodes a large local JSON description from the
// file's pages mapped into memory (mapFile), without a copy:
// decodeDescription copies every string and text it keeps. ok is false
// when it cannot (a small file, YAML, a document left to encoding/json, no
// mapping on this system, or a file cut short while it was read, which
// faults): the description is then read as any other, which says what is
// wrong.
func mappedJSON(path string) (sum [sha256.Size]byte, root any, ok bool) {
	fh, st, err := openLocal(path)
	if err != nil {
		return sum, nil, false
	}
	defer fh.Close()
	if st.Size() < mapMinBytes {
		return sum, nil, false
	}
	data, unmap, err := mapFile(fh, int(st.Size()))
	if err != nil {
		return sum, nil, false
	}
	defer unmap()
	if afterMap != nil {
		afterMap(path)
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if _, fault := r.(interface{ Addr() uintptr }); !fault {
				panic(r)
			}
			root, ok = nil, false
		}
	}()
	body := bytes.TrimPrefix(data, []byte(utf8BOM))
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' && trimmed[0] != '[' {
		return sum, nil, false
	}
	// The digest is of the bytes before they are decoded: a file rewritten
	// in place meanwhile then no longer matches it, and the cache entry is
	// not written (the cache checks the file against the digest). A change
	// the file's size or time shows is read again at once.
	sum = sha256.Sum256(data)
	if root, ok = decodeDescription(body); !ok {
		return sum, nil, false
	}
	if now, err := fh.Stat(); err != nil || now.Size() != st.Size() || !now.ModTime().Equal(st.ModTime()) {
		return sum, nil, false
	}
	return sum, root, true
}

// afterMap, in tests, runs once a description is mapped.
var afterMap func(path string)

// refRoots are the folders local $refs may read from: the description's
// own and the extra ones allowed, each with symlinks resolved.
func refRoots(own string, extra []string) []string {
	var roots, given []string
	for _, d := range append([]string{own}, extra...) {
		if abs, err := filepath.Abs(d); err == nil {
			d = abs
		}
		given = append(given, filepath.Clean(d))
		if r, err := filepath.EvalSymlinks(d); err == nil {
			d = r
		}
		roots = append(roots, filepath.Clean(d))
	}
	// The folders as given too, after the resolved ones: a $ref is first
	// judged by its path as written (see checkRef).
	for _, d := range given {
		if !slices.Contains(roots, d) {
			roots = append(roots, d)
		}
	}
	return roots
}

// checkRef returns an error unless a $ref may read the local file path:
// the file, with symlinks resolved, must be under one of refDirs.
func (f *fetcher) checkRef(path string) error {
	if len(f.refDirs) == 0 {
		return fmt.Errorf("%s: a description read from a URL cannot refer to local files", path)
	}
	inside := func(p string) bool {
		for _, d := range f.refDirs {
			if rel, err := filepath.Rel(d, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	outside := fmt.Errorf("%s is outside the description's folder (%s): move it there, or allow its folder with --allow-ref-dir", path, f.refDirs[0])
	// Judged as written first: a path elsewhere is not even looked at
	// (resolving //host/share/x on Windows would connect to that host
	// and offer it the user's credentials).
	abs, err := filepath.Abs(path)
	if err != nil || !inside(abs) {
		return outside
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	if !inside(real) {
		return outside
	}
	return nil
}

// redactSource is a file path as it is, a URL as redact shows it.
func redactSource(source string) string {
	if IsURL(source) {
		return redact(source)
	}
	return source
}

// redact is the URL raw for messages: without its query, user info or
// fragment (see displayURL).
func redact(raw string) string { return ShowURL(raw) }

// originOf is the origin of the http(s) URL raw (see Origin); "" for
// anything else.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || !IsURL(raw) {
		return ""
	}
	return Origin(u).String()
}

func sameOriginURL(a, b string) bool {
	oa := originOf(a)
	return oa != "" && oa == originOf(b)
}

// applies reports whether cred can apply itself to a request for loc (it
// cannot when no key is available), so that a description is not fetched
// twice for nothing, and a missing key only means fetching without it.
func applies(ctx context.Context, cred Credential, loc string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
	if err != nil {
		return false
	}
	_, err = cred.Apply(req)
	return err == nil
}
