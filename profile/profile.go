// Package profile stores restmcp's named profiles: which API, where its
// description lives, how the key is sent. A profile never holds the key.
package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/restmcp/restmcp/internal/atomicfile"
	"github.com/restmcp/restmcp/internal/filelock"
)

// DefaultName is the profile used when none is named.
const DefaultName = "default"

// Profile is one API configuration. Zero fields mean "the default".
type Profile struct {
	Name string `json:"-"`
	// Spec is the OpenAPI description: a file path or an http(s) URL.
	Spec string `json:"spec,omitempty"`
	// MCPURL, instead of Spec, is a remote MCP server's endpoint: the
	// profile is then served by relaying to it.
	MCPURL string `json:"mcp_url,omitempty"`
	// BaseURL overrides the description's first server.
	BaseURL string `json:"base_url,omitempty"`
	// AuthHeader carries the key (default "Authorization").
	AuthHeader string `json:"auth_header,omitempty"`
	// AuthScheme prefixes the key; nil means "Bearer", "" the bare key.
	AuthScheme *string `json:"auth_scheme,omitempty"`
	// AuthFormat is the whole header value with "{key}" where the key
	// goes ("Token token={key}"), instead of AuthScheme.
	AuthFormat string `json:"auth_format,omitempty"`
	// Auth is the description's security scheme the profile signs in
	// with; nil sends the key in AuthHeader.
	Auth *Auth `json:"auth,omitempty"`
	// SpecAuth is how a description URL on the API's origin is fetched
	// with the key (see ParseSpecAuth): "bearer", "header:NAME",
	// "query:NAME", "cookie:NAME" or "none"; empty: as the calls send it.
	SpecAuth string `json:"spec_auth,omitempty"`
	// Headers are fixed, non-secret headers sent with every request to
	// the API's origin (or to the remote MCP server's), by name as the
	// user wrote it: "Notion-Version": "2022-06-28". Never a secret: keys
	// stay in the keyring.
	Headers map[string]string `json:"headers,omitempty"`
	// Prefix is prepended to tool names.
	Prefix string `json:"prefix,omitempty"`
	// CheckPath is the path login requests to check a key.
	CheckPath string `json:"check_path,omitempty"`
	// Tool selection.
	Tags       []string `json:"tags,omitempty"`
	Operations []string `json:"operations,omitempty"`
	Methods    []string `json:"methods,omitempty"`
	ReadOnly   bool     `json:"read_only,omitempty"`
	// Tools keeps only these tools of a remote MCP server.
	Tools  []string `json:"tools,omitempty"`
	Layout string   `json:"layout,omitempty"`
	// SeparateWrites serves, in the resources layout, a resource's actions
	// that change data as a tool of their own.
	SeparateWrites bool `json:"separate_writes,omitempty"`
	// MaxResultBytes is the budget of one tool result (0: the default).
	MaxResultBytes int `json:"max_result_bytes,omitempty"`
	// RefDirs are folders, besides the description's own, from which a
	// local description's $refs may read files.
	RefDirs []string `json:"ref_dirs,omitempty"`
	// Timeout bounds one request to the API (a tool call's), retries and
	// reading the answer included (0: 30 s).
	Timeout Duration `json:"timeout,omitempty"`
	// AuditLog is a file that receives JSON lines: a start line before each
	// request of a tool call and an end line after it (what was called and
	// how it went; no argument values, never the key).
	AuditLog string `json:"audit_log,omitempty"`
}

// Kinds of Auth.
const (
	AuthAPIKey = "apiKey" // a key in a header, the query or a cookie
	AuthBasic  = "basic"  // HTTP basic: Username and the secret
	AuthBearer = "bearer" // Authorization: Bearer <key>
	AuthOAuth2 = "oauth2" // OAuth 2.0 or OpenID Connect tokens
)

// Auth is how a profile authenticates, from the description's security
// scheme of that name. It holds no secret: keys, passwords, client
// secrets and tokens stay in the keyring.
type Auth struct {
	// Scheme is the scheme's name in the description.
	Scheme string `json:"scheme"`
	// Kind is AuthAPIKey, AuthBasic, AuthBearer or AuthOAuth2.
	Kind string `json:"kind"`
	// In ("header", "query", "cookie") and Name place an API key.
	In   string `json:"in,omitempty"`
	Name string `json:"name,omitempty"`
	// Username of HTTP basic (an account SID, an e-mail address).
	Username string `json:"username,omitempty"`
	// OAuth client and provider endpoints.
	OAuth *OAuth `json:"oauth,omitempty"`
}

// OAuth is an OAuth 2.0 client registration and its provider.
type OAuth struct {
	// Grant: "authorization_code", "device_code" or "client_credentials".
	Grant string `json:"grant"`
	// Flow is the sign-in flow chosen at login, "browser" (the
	// authorization code) or "device" (the device grant), by --flow. The
	// next login signs in with it again unless --flow names another;
	// empty (no --flow given, or profiles saved before it was kept)
	// chooses again at each login.
	Flow          string   `json:"flow,omitempty"`
	ClientID      string   `json:"client_id,omitempty"`
	AuthURL       string   `json:"auth_url,omitempty"`
	TokenURL      string   `json:"token_url"`
	RefreshURL    string   `json:"refresh_url,omitempty"`
	DeviceAuthURL string   `json:"device_auth_url,omitempty"`
	RevocationURL string   `json:"revocation_url,omitempty"`
	Scopes        []string `json:"scopes,omitempty"`
	// ClientAuth is how a client secret is sent to the token endpoint
	// ("basic", "post"; empty: found out on each request), from the
	// provider's discovery document.
	ClientAuth string `json:"client_auth,omitempty"`
	// Resource is the resource indicator (RFC 8707) sent with token
	// requests: a remote MCP server's canonical URL.
	Resource string `json:"resource,omitempty"`
	// ClientSecret reports that a client secret is stored in the keyring.
	ClientSecret bool `json:"client_secret,omitempty"`
	// Issuer is the provider's issuer identifier from its discovery
	// document, and IssParameterSupported its
	// authorization_response_iss_parameter_supported (RFC 9207): a sign-in
	// whose redirect names another issuer is refused.
	Issuer                string `json:"issuer,omitempty"`
	IssParameterSupported bool   `json:"iss_parameter_supported,omitempty"`
}

// Scheme returns the effective auth scheme.
func (p Profile) Scheme() string {
	if p.AuthScheme == nil {
		return "Bearer"
	}
	return *p.AuthScheme
}

// HeaderNames are the names of p's fixed headers, sorted.
func (p Profile) HeaderNames() []string {
	names := make([]string, 0, len(p.Headers))
	for n := range p.Headers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SetHeader sets the fixed header name to value, replacing one of that
// name in any letter case; an empty value removes it.
func (p *Profile) SetHeader(name, value string) {
	for n := range p.Headers {
		if strings.EqualFold(n, name) {
			delete(p.Headers, n)
		}
	}
	if value == "" {
		if len(p.Headers) == 0 {
			p.Headers = nil
		}
		return
	}
	if p.Headers == nil {
		p.Headers = map[string]string{}
	}
	p.Headers[name] = value
}

// Header returns the effective auth header.
func (p Profile) Header() string {
	if p.AuthHeader == "" {
		return "Authorization"
	}
	return p.AuthHeader
}

// ErrNotFound means the profile does not exist.
var ErrNotFound = errors.New("profile not found")

// Store is the profiles file in one directory.
type Store struct {
	Dir string
}

type file struct {
	Profiles map[string]Profile `json:"profiles"`
	// other holds the file's members this version does not know (a newer
	// version's, a hand-edit's), which go back into the file when it is
	// written. rawOf is each profile as the file held it: a profile not
	// changed is written back as it was, and a changed one keeps the
	// members this version does not know, at every level (auth,
	// auth.oauth).
	other   map[string]json.RawMessage
	rawOf   map[string]json.RawMessage
	changed map[string]bool
}

// raw is the file as its members, to find those not known.
type raw struct {
	Profiles map[string]json.RawMessage `json:"profiles"`
}

// unknown returns the members of obj that no field of t decodes (as
// encoding/json matches names: case-insensitively), or nil.
func unknown(obj map[string]json.RawMessage, t reflect.Type) map[string]json.RawMessage {
	var out map[string]json.RawMessage
	for k, v := range obj {
		known := false
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name == "" {
				name = t.Field(i).Name
			}
			if name != "-" && t.Field(i).IsExported() && strings.EqualFold(name, k) {
				known = true
				break
			}
		}
		if !known {
			if out == nil {
				out = map[string]json.RawMessage{}
			}
			out[k] = v
		}
	}
	return out
}

// withMembers returns the JSON object obj with the members extra added
// after its own, in name order; obj itself when there are none.
func withMembers(obj []byte, extra map[string]json.RawMessage) ([]byte, error) {
	if len(extra) == 0 {
		return obj, nil
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.Write(bytes.TrimSuffix(obj, []byte("}")))
	for i, k := range keys {
		if i > 0 || len(obj) > 2 {
			b.WriteByte(',')
		}
		name, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(extra[k])
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// keepUnknown returns b, the JSON object encoding/json wrote for a value
// of type t, with the members of old (what the file held) that t does not
// know put back; in the objects of t's struct fields (auth, auth.oauth)
// too, when both have them. Members keep their order.
func keepUnknown(b, old []byte, t reflect.Type) ([]byte, error) {
	var was map[string]json.RawMessage
	if len(old) == 0 || json.Unmarshal(old, &was) != nil {
		return b, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteByte('{')
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if ft, ok := structField(t, name); ok {
			if o, ok := memberFold(was, name); ok {
				if v, err = keepUnknown(v, o, ft); err != nil {
					return nil, err
				}
			}
		}
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		k, err := json.Marshal(name)
		if err != nil {
			return nil, err
		}
		out.Write(k)
		out.WriteByte(':')
		out.Write(v)
	}
	out.WriteByte('}')
	return withMembers(out.Bytes(), unknown(was, t))
}

// structField returns the struct type of t's field called name in JSON
// (through a pointer); ok is false when that field is not a struct.
func structField(t reflect.Type, name string) (reflect.Type, bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag != name {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		return ft, ft.Kind() == reflect.Struct
	}
	return nil, false
}

// memberFold finds the member called name in obj as encoding/json does:
// that name, else one equal to it but for case.
func memberFold(obj map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	if v, ok := obj[name]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// encode writes f as the profiles file: what json.MarshalIndent writes for
// the known fields, with the members not known kept, and the profiles not
// changed as they were.
func (f file) encode() ([]byte, error) {
	profiles := make(map[string]json.RawMessage, len(f.Profiles))
	for name, p := range f.Profiles {
		if raw, ok := f.rawOf[name]; ok && !f.changed[name] {
			profiles[name] = raw
			continue
		}
		b, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		if profiles[name], err = keepUnknown(b, f.rawOf[name], reflect.TypeFor[Profile]()); err != nil {
			return nil, err
		}
	}
	b, err := json.Marshal(struct {
		Profiles map[string]json.RawMessage `json:"profiles"`
	}{profiles})
	if err != nil {
		return nil, err
	}
	if b, err = withMembers(b, f.other); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// Path is the profiles file.
func (s Store) Path() string { return filepath.Join(s.Dir, "profiles.json") }

func (s Store) read() (file, error) {
	f := file{Profiles: map[string]Profile{}}
	b, err := os.ReadFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return f, nil // an empty file (truncated by hand, or a touch) holds no profiles
	}
	if err := json.Unmarshal(b, &f); err != nil {
		line, col := errorPosition(b, err)
		return f, fmt.Errorf("%s: line %d, column %d: %w (fix or remove the file)", s.Path(), line, col, err)
	}
	if f.Profiles == nil {
		f.Profiles = map[string]Profile{}
	}
	var top map[string]json.RawMessage
	var r raw
	if json.Unmarshal(b, &top) == nil && json.Unmarshal(b, &r) == nil {
		f.other = unknown(top, reflect.TypeFor[file]())
		f.rawOf = r.Profiles
	}
	return f, nil
}

// errorPosition is the line and column (from 1) of the JSON error err in
// b: where the decoder stopped.
func errorPosition(b []byte, err error) (line, column int) {
	n := int64(len(b))
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		n = se.Offset
	case errors.As(err, &te):
		n = te.Offset
	}
	i := int(max(0, min(n-1, int64(len(b)))))
	return 1 + bytes.Count(b[:i], []byte("\n")), i - bytes.LastIndexByte(b[:i], '\n')
}

// update applies change to the profiles as they are on disk, holding the
// file's lock from the read to the write so that no other command's change
// is lost; the file is written when change reports a change. A symbolic
// link is followed: the file it points to is replaced.
func (s Store) update(change func(f *file) bool) error {
	unlock, err := filelock.Lock(s.Path())
	if err != nil {
		return err
	}
	defer unlock()
	f, err := s.read()
	if err != nil || !change(&f) {
		return err
	}
	b, err := f.encode()
	if err != nil {
		return err
	}
	return atomicfile.Write(atomicfile.Resolve(s.Path()), b, 0o600)
}

// Get returns the named profile, or ErrNotFound.
func (s Store) Get(name string) (Profile, error) {
	f, err := s.read()
	if err != nil {
		return Profile{}, err
	}
	p, ok := f.Profiles[name]
	if !ok {
		return Profile{Name: name}, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	p.Name = name
	return p, nil
}

// List returns all profiles sorted by name.
func (s Store) List() ([]Profile, error) {
	f, err := s.read()
	if err != nil {
		return nil, err
	}
	out := make([]Profile, 0, len(f.Profiles))
	for name, p := range f.Profiles {
		p.Name = name
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Save creates or replaces p.
func (s Store) Save(p Profile) error {
	if p.Name == "" {
		return errors.New("profile has no name")
	}
	return s.update(func(f *file) bool {
		f.Profiles[p.Name] = p
		f.changed = map[string]bool{p.Name: true}
		return true
	})
}

// Delete removes the named profile; deleting a missing one is not an error.
func (s Store) Delete(name string) error {
	return s.update(func(f *file) bool {
		if _, ok := f.Profiles[name]; !ok {
			return false
		}
		delete(f.Profiles, name)
		delete(f.rawOf, name)
		return true
	})
}

// Duration is a time.Duration stored as text such as "90s".
type Duration time.Duration

// MarshalJSON writes d as text such as "1m30s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads text such as "90s" (or a number of seconds).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n float64
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("timeout: want text such as \"90s\"")
		}
		*d = Duration(n * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("timeout %q: want text such as \"90s\" or \"2m\"", s)
	}
	*d = Duration(v)
	return nil
}
