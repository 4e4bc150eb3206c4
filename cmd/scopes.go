package cmd

import (
	"strings"

	"github.com/spf13/pflag"
)

// scopesFlag is the value of --scopes: OAuth 2.0 scopes, split at commas
// and white space (splitScopes), so that `--scopes read,write`,
// `--scopes "read write"` (the form OAuth itself writes a scope list in)
// and `--scopes read --scopes write` ask for the same two scopes.
type scopesFlag struct {
	scopes *[]string
	set    bool
}

var _ pflag.Value = (*scopesFlag)(nil)

func (s *scopesFlag) Set(v string) error {
	if !s.set {
		*s.scopes = []string{}
		s.set = true
	}
	*s.scopes = append(*s.scopes, splitScopes(v)...)
	return nil
}

func (s *scopesFlag) String() string { return strings.Join(*s.scopes, ",") }

func (s *scopesFlag) Type() string { return "strings" }
