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
// "<account>#1", "<account>#2", …, and the account itself holds how many.
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
	n, err := strconv.Atoi(strings.TrimPrefix(v, partsMark))
	if err != nil || n < 1 {
		return "", fmt.Errorf("the keyring entry %q is damaged: log in again", account)
	}
	var b strings.Builder
	for i := 1; i <= n; i++ {
		p, err := s.Store.Get(partName(account, i))
		if errors.Is(err, ErrNotFound) {
			return "", fmt.Errorf("part %d of the keyring entry %q is missing: log in again", i, account)
		}
		if err != nil {
			return "", err
		}
		b.WriteString(p)
	}
	return b.String(), nil
}

// Set stores secret for account, in parts when it does not fit whole, and
// removes the parts of a longer secret stored before.
func (s Split) Set(account, secret string) error {
	old := s.parts(account)
	if s.Store.Fits(account, secret) == nil {
		if err := s.Store.Set(account, secret); err != nil {
			return err
		}
		s.deleteParts(account, 1, old)
		return nil
	}
	size := partSize
	for size > 64 && s.Store.Fits(partName(account, 99), strings.Repeat("x", size)) != nil {
		size /= 2
	}
	n := 0
	for rest := secret; rest != ""; n++ {
		part := rest[:min(size, len(rest))]
		rest = rest[len(part):]
		if err := s.Store.Set(partName(account, n+1), part); err != nil {
			return err
		}
	}
	if err := s.Store.Set(account, partsMark+strconv.Itoa(n)); err != nil {
		return err
	}
	s.deleteParts(account, n+1, old)
	return nil
}

// Delete removes the secret of account and its parts.
func (s Split) Delete(account string) error {
	n := s.parts(account)
	err := s.Store.Delete(account)
	s.deleteParts(account, 1, n)
	return err
}

// parts is how many parts account's secret has now (0: none).
func (s Split) parts(account string) int {
	v, err := s.Store.Get(account)
	if err != nil || !strings.HasPrefix(v, partsMark) {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(v, partsMark))
	return n
}

// deleteParts removes parts from..to of account, those that exist.
func (s Split) deleteParts(account string, from, to int) {
	for i := from; i <= to; i++ {
		_ = s.Store.Delete(partName(account, i))
	}
}

func partName(account string, i int) string { return account + "#" + strconv.Itoa(i) }
