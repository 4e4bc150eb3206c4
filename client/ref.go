package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http/httptrace"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// docSet holds the documents of one description: the main one and every
// file or URL a $ref points into, each decoded once, keyed by location (an
// absolute file path or a URL without fragment).
type docSet struct {
	ctx   context.Context
	fetch *fetcher
	docs  map[string]document
	// failed holds the error of each document that could not be read or
	// decoded, so that its other $refs fail at once instead of asking
	// again (a URL that never answers would take its timeout for each).
	failed map[string]error
	// files are the local documents $refs named, each with the SHA-256 of
	// its bytes as read ("" when it could not be read or decoded); remote
	// says a $ref named a URL.
	files  map[string]string
	remote bool
	// patterns remembers which regular expressions Go can compile.
	patterns map[string]bool
}

// document is one decoded document and where it was finally read from (a
// URL after redirects), against which its relative $refs resolve.
type document struct {
	root any
	loc  string
}

func newDocSet(ctx context.Context, f *fetcher) *docSet {
	return &docSet{ctx: ctx, fetch: f, docs: map[string]document{}, failed: map[string]error{},
		files: map[string]string{}, patterns: map[string]bool{}}
}

// patternOK reports whether a schema pattern compiles with Go's regexp
// (RE2), which the argument validator uses; others (look-arounds,
// backreferences) are dropped from schemas.
func (d *docSet) patternOK(p string) bool {
	ok, seen := d.patterns[p]
	if !seen {
		_, err := regexp.Compile(p)
		ok = err == nil
		d.patterns[p] = ok
	}
	return ok
}

// locate resolves the document part of a reference (before '#') against the
// location of the referring document.
func locate(base, ref string) (string, error) {
	if ref == "" {
		return base, nil
	}
	if IsURL(ref) {
		return ref, nil
	}
	if IsURL(base) {
		b, err := url.Parse(base)
		if err != nil {
			return "", err
		}
		r, err := url.Parse(ref)
		if err != nil {
			return "", err
		}
		return b.ResolveReference(r).String(), nil
	}
	if strings.HasPrefix(ref, "file://") {
		return fileURLPath(ref)
	}
	p, err := url.PathUnescape(ref)
	if err != nil {
		p = ref
	}
	p = filepath.FromSlash(p)
	if filepath.IsAbs(p) {
		return filepath.Clean(p), nil
	}
	return filepath.Join(filepath.Dir(base), p), nil
}

// doc returns the decoded document at loc, reading it on first use. A
// document that could not be read fails every later use with the same
// error, without reading it again.
func (d *docSet) doc(loc string) (document, error) {
	if v, ok := d.docs[loc]; ok {
		return v, nil
	}
	if err, ok := d.failed[loc]; ok {
		return document{}, err
	}
	doc, err := d.read(loc)
	if err != nil {
		d.failed[loc] = err
		return document{}, err
	}
	d.docs[loc] = doc
	d.docs[doc.loc] = doc
	return doc, nil
}

// read reads and decodes the document at loc.
func (d *docSet) read(loc string) (document, error) {
	ctx := d.ctx
	if IsURL(loc) {
		d.remote = true
		// refTimeout bounds the wait for the answer to begin; a large
		// document that is arriving has the fetcher's whole limit.
		var cancel context.CancelCauseFunc
		ctx, cancel = context.WithCancelCause(ctx)
		defer cancel(nil)
		timer := time.AfterFunc(d.fetch.refTimeout, func() { cancel(errRefTimeout) })
		defer timer.Stop()
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotFirstResponseByte: func() { timer.Stop() }})
	} else {
		if err := d.fetch.checkRef(loc); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				d.files[loc] = "" // its appearing changes the API
			}
			return document{}, err
		}
		d.files[loc] = "" // until it is read and decoded
	}
	data, final, err := d.fetch.read(ctx, loc)
	if err != nil {
		if context.Cause(ctx) == errRefTimeout {
			return document{}, fmt.Errorf("%s did not begin to answer within %s: check that it is reachable from here, or save the description with its references resolved and pass that file", redact(loc), d.fetch.refTimeout)
		}
		return document{}, err
	}
	v, err := decodeDocument(data)
	if err != nil {
		return document{}, fmt.Errorf("%s: %w", redactSource(loc), err)
	}
	if !IsURL(loc) {
		sum := sha256.Sum256(data)
		d.files[loc] = hex.EncodeToString(sum[:])
	}
	return document{root: v, loc: final}, nil
}

var errRefTimeout = errors.New("a referenced document did not answer in time")

// resolve follows one $ref written in the document at base. It returns the
// target value, the location of the document holding it (against which the
// target's own $refs resolve) and a key naming the target uniquely.
func (d *docSet) resolve(base, ref string) (any, string, string, error) {
	docPart, frag, _ := strings.Cut(ref, "#")
	loc, err := locate(base, docPart)
	if err != nil {
		return nil, "", "", fmt.Errorf("bad $ref %q: %w", ref, err)
	}
	doc, err := d.doc(loc)
	if err != nil {
		return nil, "", "", fmt.Errorf("$ref %q: %w", ref, err)
	}
	v, err := pointer(doc.root, frag)
	if err != nil {
		return nil, "", "", fmt.Errorf("$ref %q: %w", ref, err)
	}
	return v, doc.loc, doc.loc + "#" + frag, nil
}

// maxRefChain bounds a chain of references to references.
const maxRefChain = 32

// deref follows $ref until it reaches a value that is not a Reference
// Object (for parameters, request bodies, path items and the like, where
// sibling keys carry no meaning except summary and description, which
// override the target's as OpenAPI 3.1 says).
func (d *docSet) deref(v any, loc string) (map[string]any, string, error) {
	var override map[string]any
	for range maxRefChain {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, loc, fmt.Errorf("expected an object, found %s", kindOf(v))
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			if len(override) > 0 {
				m = maps.Clone(m)
				maps.Copy(m, override)
			}
			return m, loc, nil
		}
		for _, k := range []string{"summary", "description"} {
			if s, ok := m[k].(string); ok && override[k] == nil {
				if override == nil {
					override = map[string]any{}
				}
				override[k] = s
			}
		}
		t, tloc, _, err := d.resolve(loc, ref)
		if err != nil {
			return nil, loc, err
		}
		v, loc = t, tloc
	}
	return nil, loc, fmt.Errorf("$ref chain longer than %d", maxRefChain)
}

// pointer evaluates a JSON pointer given as a URI fragment.
func pointer(root any, frag string) (any, error) {
	if frag == "" {
		return root, nil
	}
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	if !strings.HasPrefix(frag, "/") {
		return nil, fmt.Errorf("unsupported fragment %q (only JSON pointers such as #/components/schemas/Pet)", frag)
	}
	cur := root
	for _, tok := range strings.Split(frag[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if l, ok := cur.(*lazyJSON); ok {
			cur = l.value()
		}
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, fmt.Errorf("%q not found", tok)
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, fmt.Errorf("index %q out of range", tok)
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("cannot descend into %s at %q", kindOf(cur), tok)
		}
	}
	if l, ok := cur.(*lazyJSON); ok {
		cur = l.value()
	}
	return cur, nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}

// LocalPath is the file a description source names: the path of a
// file:// URL (as Load reads it), or source itself (a path, or an http(s)
// URL).
func LocalPath(source string) string {
	if !strings.HasPrefix(source, "file://") {
		return source
	}
	if p, err := fileURLPath(source); err == nil {
		return p
	}
	return source
}

// fileURLPath turns a file:// URL into a path (file:///C:/x and
// file://C:/x are C:\x on Windows, file://server/share/x is
// \\server\share\x there). Elsewhere a URL naming a host other than
// localhost is refused: file://openapi.yaml names the host "openapi.yaml",
// and file://./openapi.yaml would read /openapi.yaml.
func fileURLPath(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	p := u.Path
	switch h := u.Host; {
	case h == "" || strings.EqualFold(h, "localhost"):
	case len(h) == 2 && h[1] == ':' && ('a' <= h[0]|0x20 && h[0]|0x20 <= 'z'):
		p = h + p // file://C:/x
	case runtime.GOOS == "windows":
		p = "//" + h + p
	default:
		return "", fmt.Errorf("a file URL names no host, and this one names %q: write file:///ABSOLUTE/PATH (three slashes), or the file's path alone", h)
	}
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:]
	}
	return filepath.FromSlash(p), nil
}
