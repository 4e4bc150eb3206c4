package install

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/pelletier/go-toml/v2/unstable"
	"github.com/tailscale/hujson"
)

// A dry run prints the lines around the change, and those are often
// another server's env block with its token in it. Redact hides such
// values before the lines are compared and printed. What restmcp writes
// needs no hiding, so it stays readable: a command, "serve --profile
// NAME", a URL (one with a key in its query only with --force, and
// then shown without it) and headers whose values only name a variable
// or an input.

// hidden is what a redacted value becomes.
const hidden = "…"

// secretContainers are the keys whose members' values are secrets as a
// rule: a server's environment and the headers it sends (Codex spells
// them http_headers and env_http_headers).
var secretContainers = []string{"env", "environment", "headers", "http_headers", "env_http_headers"}

// secretWords are the words of a key's or flag's name that say its value
// is a secret.
var secretWords = []string{"auth", "authorization", "bearer", "cookie", "credential", "credentials", "pat", "sig", "signature"}

func isSecretContainer(name string) bool {
	for _, c := range secretContainers {
		if strings.EqualFold(name, c) {
			return true
		}
	}
	return false
}

// isSecretName reports whether a key or flag name (api_key, apiKey,
// --access-token, X-Auth) says its value is a secret.
func isSecretName(name string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		for _, suffix := range []string{"key", "token", "secret", "password", "passwd"} {
			if strings.HasSuffix(w, suffix) {
				return true
			}
		}
		for _, s := range secretWords {
			if w == s {
				return true
			}
		}
	}
	return false
}

var varRefRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\{env:[^}]*\}`)
})

// onlyReferences reports whether v holds nothing but references to
// variables or inputs ("${env:ACME_TOKEN}", "Bearer ${input:acme}",
// "Authorization: ${AUTH}"): the client fills them in, the file holds no
// secret.
func onlyReferences(v string) bool {
	if name, rest, ok := strings.Cut(v, ":"); ok && headerRE().MatchString(name) {
		v = rest
	}
	if !varRefRE().MatchString(v) {
		return false
	}
	rest := strings.TrimSpace(varRefRE().ReplaceAllString(v, ""))
	switch strings.ToLower(rest) {
	case "", "bearer", "basic", "token":
		return true
	}
	return false
}

// redactValue returns what to print for the string v: hidden when secret
// says it is one, a URL without its password and secret query values,
// or v itself (changed false).
func redactValue(v string, secret bool) (string, bool) {
	if v == "" || v == hidden || onlyReferences(v) {
		return v, false
	}
	if secret {
		return hidden, true
	}
	if !strings.Contains(v, "://") {
		return v, false
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return v, false
	}
	changed := false
	if _, ok := u.User.Password(); ok {
		u.User, changed = url.UserPassword(u.User.Username(), hidden), true
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if isSecretName(k) {
				q.Set(k, hidden)
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	if !changed {
		return v, false
	}
	// url.URL escapes the mark; it reads better as it is.
	return strings.ReplaceAll(strings.ReplaceAll(u.String(), url.QueryEscape(hidden), hidden), url.PathEscape(hidden), hidden), true
}

// argsRedactor tells which of a command line's arguments are secrets:
// the value of a secret flag (--api-key VALUE, --token=VALUE) and the
// value of a secret header ("Authorization: Bearer …").
type argsRedactor struct{ next bool }

func (a *argsRedactor) secret(arg string) bool {
	if a.next {
		a.next = false
		return !strings.HasPrefix(arg, "-")
	}
	if strings.HasPrefix(arg, "-") {
		name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if isSecretName(name) {
			a.next = !hasValue
			return hasValue
		}
		return false
	}
	name, _, ok := strings.Cut(arg, ":")
	return ok && !strings.ContainsAny(name, " /") && isSecretName(name)
}

// Redact returns src with the values that may be secrets replaced by "…":
// the values in env and headers objects (tables, for Codex), of keys that
// name a key, token, secret or password, of such command-line flags, and
// the password and secret query values of URLs. Values that only refer to
// a variable or an input stay. A file that does not parse has every
// quoted value after ':' or '=' hidden.
func (c Client) Redact(src []byte) []byte {
	if len(bytes.TrimSpace(src)) == 0 {
		return src
	}
	var out []byte
	var ok bool
	if c.format == formatTOML {
		out, ok = redactTOML(src)
	} else {
		out, ok = redactJSON(src)
	}
	if !ok {
		return redactLines(src)
	}
	return out
}

func redactJSON(src []byte) ([]byte, bool) {
	d, err := parseJSON("", src)
	if err != nil {
		return nil, false
	}
	var edits []edit
	var walk func(v *hujson.Value, name string, secret bool)
	walk = func(v *hujson.Value, name string, secret bool) {
		switch x := v.Value.(type) {
		case *hujson.Object:
			for i := range x.Members {
				m := &x.Members[i]
				k := m.Name.Value.(hujson.Literal).String()
				walk(&m.Value, k, secret || isSecretContainer(k))
			}
		case *hujson.Array:
			var args argsRedactor
			for i := range x.Elements {
				el := &x.Elements[i]
				s := false
				if lit, ok := el.Value.(hujson.Literal); ok && lit.Kind() == '"' {
					s = args.secret(lit.String())
				}
				walk(el, name, secret || s)
			}
		case hujson.Literal:
			if x.Kind() != '"' {
				return
			}
			if r, changed := redactValue(x.String(), secret || isSecretName(name)); changed {
				edits = append(edits, edit{v.StartOffset, v.EndOffset, jsonString(r)})
			}
		}
	}
	walk(&d.root, "", false)
	return d.bytes(applyEdits(d.src, edits)), true
}

// redactTOML walks every key/value of src, under its table's keys.
func redactTOML(src []byte) ([]byte, bool) {
	var p unstable.Parser
	p.Reset(src)
	var edits []edit
	var walk func(n *unstable.Node, name string, secret bool)
	walk = func(n *unstable.Node, name string, secret bool) {
		switch n.Kind {
		case unstable.String:
			if r, changed := redactValue(string(n.Data), secret || isSecretName(name)); changed {
				edits = append(edits, edit{int(n.Raw.Offset), int(n.Raw.Offset + n.Raw.Length), tomlString(r)})
			}
		case unstable.Array:
			var args argsRedactor
			for it := n.Children(); it.Next(); {
				el := it.Node()
				walk(el, name, secret || (el.Kind == unstable.String && args.secret(string(el.Data))))
			}
		case unstable.InlineTable:
			for it := n.Children(); it.Next(); {
				if kv := it.Node(); kv.Kind == unstable.KeyValue {
					walkKeyValue(kv, secret, walk)
				}
			}
		}
	}
	secretTable := false
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			secretTable = false
			for _, k := range keyOf(e) {
				secretTable = secretTable || isSecretContainer(k)
			}
		case unstable.KeyValue:
			walkKeyValue(e, secretTable, walk)
		}
	}
	if p.Error() != nil {
		return nil, false
	}
	return applyEdits(src, edits), true
}

// walkKeyValue walks the value of kv (key = value, or a.b.c = value)
// under its last key; the keys before it (env.TOKEN) can make it secret.
func walkKeyValue(kv *unstable.Node, secret bool, walk func(*unstable.Node, string, bool)) {
	keys := keyOf(kv)
	for _, k := range keys[:len(keys)-1] {
		secret = secret || isSecretContainer(k)
	}
	walk(kv.Value(), keys[len(keys)-1], secret || isSecretContainer(keys[len(keys)-1]))
}

// keyOf is the (dotted) key of a table header or key/value.
func keyOf(n *unstable.Node) []string {
	var keys []string
	for it := n.Key(); it.Next(); {
		keys = append(keys, string(it.Node().Data))
	}
	return keys
}

var quotedValueRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`([:=]\s*)("(?:[^"\\\n]|\\.)*"|'[^'\n]*')`)
})

// redactLines hides every quoted value that follows ':' or '=', for a
// file that cannot be parsed.
func redactLines(src []byte) []byte {
	return quotedValueRE().ReplaceAll(src, []byte(`$1"`+hidden+`"`))
}
