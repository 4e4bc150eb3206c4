package keyring

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Split stores secrets of any length in Store: one that the OS keyring
// does not take whole (an OAuth token holding a long JWT, over the 2,560
// bytes of the Windows Credential Manager) is kept in parts under
// "<account>#g<G>.1", "<account>#g<G>.2", …, and the account itself holds
// the generation G and how many parts ("\x00restmcp-parts:g<G>:<N>").
//
// Each Set writes its parts under a new generation and the account last,
// so the account always names a complete set of parts: a write that fails
// half-way leaves the secret stored before readable. The parts of the
// generation replaced are removed afterwards. Entries written before
// generations ("\x00restmcp-parts:<N>", parts "<account>#1"…) are still
// read, and replaced or removed like the others.
type Split struct {
	Store Store
}

// partsMark begins the value of an account whose secret is kept in parts.
const partsMark = "\x00restmcp-parts:"

// partSize is the largest part tried first; it is halved until a part fits.
const partSize = 2000

// Get returns the secret of account, joined again from its parts.
func (s Split) Get(account string) (string, error) {
	v, err := s.Store.Get(account)
	if err != nil || !strings.HasPrefix(v, partsMark) {
		return v, err
	}
	gen, n, ok := parsePointer(v)
	if !ok {
		return "", fmt.Errorf("%w: %q does not say where its parts are: log in again", ErrDamaged, account)
	}
	var b strings.Builder
	for i := 1; i <= n; i++ {
		p, err := s.Store.Get(partName(account, gen, i))
		if errors.Is(err, ErrNotFound) {
			return "", fmt.Errorf("%w: part %d of %q is missing: log in again", ErrDamaged, i, account)
		}
		if err != nil {
			return "", err
		}
		b.WriteString(p)
	}
	return b.String(), nil
}

// Set stores secret for account, in parts when it does not fit whole, and
// removes the parts of the secret stored before. When a write fails, the
// secret stored before is left as it was and the error returned.
func (s Split) Set(account, secret string) error {
	gen, n, err := s.stored(account)
	if err != nil {
		return err
	}
	if s.Store.Fits(account, secret) == nil {
		if err := s.Store.Set(account, secret); err != nil {
			return err
		}
		s.deleteParts(account, gen, n)
		return nil
	}
	next := gen + 1
	size := partSize
	for size > 64 && s.Store.Fits(partName(account, next, 99), strings.Repeat("x", size)) != nil {
		size /= 2
	}
	count := 0
	for rest := secret; rest != ""; count++ {
		part := rest[:min(size, len(rest))]
		rest = rest[len(part):]
		if err := s.Store.Set(partName(account, next, count+1), part); err != nil {
			s.deleteParts(account, next, count)
			return err
		}
	}
	// The parts of a failed write of the account are kept: a keyring that
	// timed out may still store it.
	if err := s.Store.Set(account, partsMark+"g"+strconv.Itoa(next)+":"+strconv.Itoa(count)); err != nil {
		return err
	}
	s.deleteParts(account, gen, n)
	s.sweep(account, next, count+1) // left by a longer write that failed
	return nil
}

// Delete removes the secret of account and its parts.
func (s Split) Delete(account string) error {
	gen, n, err := s.stored(account)
	if err != nil {
		return err
	}
	err = s.Store.Delete(account)
	s.deleteParts(account, gen, n)
	s.sweep(account, gen+1, 1) // written by a Set whose account write failed
	return err
}

// stored is the generation and number of the parts that account's secret
// is kept in now (n 0: none, the secret is whole or absent).
func (s Split) stored(account string) (gen, n int, err error) {
	v, err := s.Store.Get(account)
	if errors.Is(err, ErrNotFound) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	gen, n, _ = parsePointer(v)
	return gen, n, nil
}

// parsePointer reads an account's value that names its parts:
// "\x00restmcp-parts:g<G>:<N>", or "\x00restmcp-parts:<N>" (generation 0).
func parsePointer(v string) (gen, n int, ok bool) {
	rest, ok := strings.CutPrefix(v, partsMark)
	if !ok {
		return 0, 0, false
	}
	if g, count, found := strings.Cut(rest, ":"); found {
		g, ok = strings.CutPrefix(g, "g")
		var err error
		if gen, err = strconv.Atoi(g); !ok || err != nil || gen < 1 {
			return 0, 0, false
		}
		rest = count
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 {
		return 0, 0, false
	}
	return gen, n, true
}

// deleteParts removes parts 1..n of generation gen of account, those that
// exist.
func (s Split) deleteParts(account string, gen, n int) {
	for i := 1; i <= n; i++ {
		_ = s.Store.Delete(partName(account, gen, i))
	}
}

// sweep removes the parts of generation gen from part i on, up to the
// first one absent: parts that a failed Set wrote and no account names.
func (s Split) sweep(account string, gen, i int) {
	for ; i < 1000; i++ {
		if s.Store.Delete(partName(account, gen, i)) != nil {
			return // absent, or a keyring not answering: no more to try
		}
	}
}

// partName names part i of generation gen of account: "<account>#g<gen>.<i>",
// or "<account>#<i>" for generation 0 (entries written before generations).
func partName(account string, gen, i int) string {
	if gen == 0 {
		return account + "#" + strconv.Itoa(i)
	}
	return account + "#g" + strconv.Itoa(gen) + "." + strconv.Itoa(i)
}
