package app

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/log"
)

// DefaultReloadEvery is how often serve --http looks for a new TLS
// certificate and a new --auth-tokens file (HTTPConfig.ReloadEvery).
const DefaultReloadEvery = 10 * time.Second

// reloaded is a value read from files that is read again when their
// contents change: a certificate renewed by cert-manager or certbot, a
// token file an operator edits or a Kubernetes Secret updated in place.
// Until new contents read and parse whole, the value read before stays:
// a key written before its certificate, or a file half written, never
// leaves the server without one. A parse may instead return a value with
// its error (the token hashes of the lines that read): that value is
// taken and the error logged; and a list of who is admitted sets gone,
// the value once its file is deleted, so that neither an edit with a typo
// nor a deleted file keeps a revoked token working.
type reloaded[T any] struct {
	what     string // the flag that names the files, for the log
	paths    []string
	parse    func(contents [][]byte) (*T, error)
	gone     *T
	describe func(*T) []any // what the log says of a new value
	cur      atomic.Pointer[T]
	// seen is the hash of the contents in use, and failed the error the
	// last contents that could not be used gave, so that each failure is
	// logged once (both the check goroutine's only).
	seen   [sha256.Size]byte
	failed string
}

// newReloaded reads the files once; the server does not start without them.
func newReloaded[T any](what string, parse func([][]byte) (*T, error), describe func(*T) []any, paths ...string) (*reloaded[T], error) {
	r := &reloaded[T]{what: what, paths: paths, parse: parse, describe: describe}
	contents, sum, err := r.read()
	if err != nil {
		return nil, err
	}
	v, err := parse(contents)
	if err != nil { // at start, all must read
		return nil, err
	}
	r.cur.Store(v)
	r.seen = sum
	return r, nil
}

// load is the value in use.
func (r *reloaded[T]) load() *T { return r.cur.Load() }

func (r *reloaded[T]) read() ([][]byte, [sha256.Size]byte, error) {
	h := sha256.New()
	contents := make([][]byte, len(r.paths))
	for i, p := range r.paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, [sha256.Size]byte{}, fmt.Errorf("reading %s: %w", r.what, err)
		}
		contents[i] = b
		h.Write(b)
		h.Write([]byte{0})
	}
	return contents, [sha256.Size]byte(h.Sum(nil)), nil
}

// check reads the files again. It reports whether it took a new value,
// and an error the first time the files cannot be read or their new
// contents not parsed (the value in use stays).
func (r *reloaded[T]) check() (bool, error) {
	contents, sum, err := r.read()
	if err == nil && sum == r.seen {
		r.failed = ""
		return false, nil
	}
	var v *T
	switch {
	case err == nil:
		v, err = r.parse(contents)
	case r.gone != nil && errors.Is(err, fs.ErrNotExist):
		v = r.gone
	}
	if v != nil && (v != r.cur.Load() || err == nil) {
		r.cur.Store(v)
		r.seen, r.failed = sum, ""
		if err != nil {
			r.failed = err.Error()
		}
		return true, err
	}
	if err.Error() == r.failed {
		return false, nil
	}
	r.failed = err.Error()
	return false, err
}

// poll checks the files and logs a new value taken, or a change that
// could not be.
func (r *reloaded[T]) poll(l *log.Logger) {
	switch changed, err := r.check(); {
	case changed && err != nil:
		l.Error(r.what+" read again, in part", append(r.describe(r.load()), "err", err)...)
	case err != nil:
		l.Error(r.what+" changed but cannot be used; the one read before stays in use until it can", "err", err)
	case changed:
		l.Info(r.what+" read again", r.describe(r.load())...)
	}
}

// poller is a reloaded value of any type.
type poller interface{ poll(*log.Logger) }

// watchFiles polls every period, and at once when now delivers (SIGHUP),
// until ctx ends.
func watchFiles(ctx context.Context, every time.Duration, now <-chan struct{}, l *log.Logger, files ...poller) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-now:
		}
		for _, f := range files {
			f.poll(l)
		}
	}
}

// certificate parses a PEM certificate chain and its key.
func certificate(contents [][]byte) (*tls.Certificate, error) {
	c, err := tls.X509KeyPair(contents[0], contents[1])
	if err != nil {
		return nil, fmt.Errorf("reading --tls-cert and --tls-key: %w", err)
	}
	return &c, nil
}

// describeCert is what the log says of a certificate.
func describeCert(c *tls.Certificate) []any {
	if c.Leaf == nil {
		return nil
	}
	return []any{"subject", c.Leaf.Subject.String(), "expires", c.Leaf.NotAfter.UTC().Format(time.RFC3339)}
}

// tokenHashes is the parsed --auth-tokens file.
type tokenHashes [][]byte

func describeTokens(h *tokenHashes) []any { return []any{"tokens", len(*h)} }
