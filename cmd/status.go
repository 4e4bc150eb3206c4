package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
)

// statusCheckTimeout bounds the check of one profile's key (some APIs take
// seconds to build their description).
const statusCheckTimeout = 10 * time.Second

// StatusOptions are the inputs of `status`.
type StatusOptions struct {
	F *Factory
	// ProfileName limits the report to one profile ("" for all).
	ProfileName string
	Offline     bool
	JSON        bool
	// CheckTimeout bounds each profile's check (default 10 s).
	CheckTimeout time.Duration
}

func newStatusCmd(f *Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{F: f, CheckTimeout: statusCheckTimeout}
	c := &cobra.Command{
		Use:   "status",
		Short: "Show profiles, where their keys come from and whether the API accepts them",
		Long: `Status lists every profile (or the one named with --profile): its description,
base URL, how the key is sent, where the key comes from (` + f.Brand.Env("API_KEY") + `, the
plain-text key file of login --insecure-storage, the OS keyring, or missing)
with only its last 4 characters shown, and whether the API accepts it (one
GET per profile, the same one login makes, or an initialize for a remote MCP
server; --offline skips it). A key from ` + f.Brand.Env("API_KEY") + ` is checked only for
one profile (--profile), since it is meant for one API.

For a profile that signs in with OAuth 2.0 it shows how it signs in (in a
browser, with a code entered on any device, or with client credentials; and
whether login keeps that flow for the next sign-in), the stored token's type,
expiry and scopes, and whether it is renewed by itself; the API is not asked
about it (a call renews it first when it expires). With ` + f.Brand.Env("API_KEY") + ` set, the
variable's access token is what calls send, and is checked like a key.

It exits with status 1 when a profile has no key or the API does not accept
it, and when an OAuth 2.0 profile has no sign-in or one that expired and
cannot be renewed.`,
		Example: statusExample(f.Brand),
		Args:    noArgs(""),
		RunE: func(c *cobra.Command, _ []string) error {
			if c.Flags().Changed("profile") && opts.ProfileName == "" {
				return FlagErrorf("--profile needs a name")
			}
			if runF != nil {
				return runF(opts)
			}
			return statusRun(c.Context(), opts)
		},
	}
	c.Flags().StringVarP(&opts.ProfileName, "profile", "p", "", "only this profile")
	c.Flags().BoolVar(&opts.Offline, "offline", false, "do not ask the API whether it accepts the keys")
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	return c
}

// profileStatus is one profile's line of the report (and its JSON form).
type profileStatus struct {
	Profile string `json:"profile"`
	Spec    string `json:"spec"`
	// SpecError says that the description file is not where the profile
	// says, and how to store its new place.
	SpecError string `json:"spec_error,omitempty"`
	MCPURL    string `json:"mcp_url,omitempty"`
	BaseURL   string `json:"base_url,omitempty"`
	// KeyringDown: the OS keyring could not be reached (asked only for a
	// key in the plain-text file, to advise moving it); not in the JSON.
	KeyringDown bool `json:"-"`
	// DescribedBase is, without BaseURL, the description's first server
	// when it could be read without a request ("" otherwise); shown, not
	// part of the JSON.
	DescribedBase string `json:"-"`
	AuthHeader    string `json:"auth_header"`
	AuthScheme    string `json:"auth_scheme"`
	// AuthFormat is the whole header value, "{key}" where the key goes
	// (--auth-format), sent instead of AuthScheme and the key.
	AuthFormat string `json:"auth_format,omitempty"`
	// SpecAuth is how the description's URL takes the key (--spec-auth),
	// when the profile says.
	SpecAuth string `json:"spec_auth,omitempty"`
	// specSentAs shows it, "<key>" in the key's place.
	specSentAs string
	// Headers are the fixed headers sent with every request (--header):
	// never a secret.
	Headers map[string]string `json:"headers,omitempty"`
	// Scheme is the description's security scheme the profile signs in
	// with, and how its credential is sent.
	Scheme     string `json:"scheme,omitempty"`
	SchemeKind string `json:"scheme_kind,omitempty"`
	// Flow is how an OAuth 2.0 profile signs in: "browser" (the
	// authorization code), "device" (the device grant) or
	// "client-credentials"; FlowKept that login chose it by --flow and
	// the next login keeps it.
	Flow     string `json:"flow,omitempty"`
	FlowKept bool   `json:"flow_kept,omitempty"`
	// Token describes an OAuth 2.0 token (type, expiry, scopes), never
	// the token itself.
	Token       string    `json:"token,omitempty"`
	TokenExpiry time.Time `json:"token_expiry,omitzero"`
	// TokenExpired says the access token's expiry has passed;
	// TokenRenewable that the next use gets a new one by itself (with the
	// refresh token, or the client credentials).
	TokenExpired   bool     `json:"token_expired,omitempty"`
	TokenRenewable bool     `json:"token_renewable,omitempty"`
	Scopes         []string `json:"scopes,omitempty"`
	// KeySource is "env", "keyring", "file" (login --insecure-storage),
	// "missing" or "unavailable".
	KeySource string `json:"key_source"`
	// KeyLocation names the variable or keyring the key comes from.
	KeyLocation string `json:"key_location,omitempty"`
	// Key is the masked key: "****abcd".
	Key      string `json:"key,omitempty"`
	KeyError string `json:"key_error,omitempty"`
	// Check is the API's answer; nil when offline or without a key.
	Check *checkStatus `json:"check,omitempty"`
	OK    bool         `json:"ok"`
	// envKeyFix says, for a key from the environment the API refused,
	// what to do (app.EnvKeyFix).
	envKeyFix string
}

type checkStatus struct {
	Method   string `json:"method,omitempty"`
	URL      string `json:"url,omitempty"`
	Status   int    `json:"status,omitempty"`
	Accepted bool   `json:"accepted"`
	Error    string `json:"error,omitempty"`
	// Server names a remote MCP server that accepted the key.
	Server string `json:"server,omitempty"`
	// Skipped says why no request was sent.
	Skipped string `json:"skipped,omitempty"`
	// BaseURLWarning, beside a key the description's URL accepted, says
	// that the base URL answered 404 itself (app.KeyCheck.BaseDoubt).
	BaseURLWarning string `json:"base_url_warning,omitempty"`
}

// refused reports that the API answered the key with 401 or 403.
func (c *checkStatus) refused() bool {
	return c != nil && (c.Status == http.StatusUnauthorized || c.Status == http.StatusForbidden)
}

// MarshalJSON leaves "accepted" out of a check that was not made.
func (c checkStatus) MarshalJSON() ([]byte, error) {
	type fields checkStatus
	if c.Skipped != "" {
		return json.Marshal(struct {
			Skipped string `json:"skipped"`
		}{c.Skipped})
	}
	return json.Marshal(fields(c))
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	f := opts.F
	store, err := f.Profiles()
	if err != nil {
		return err
	}
	profiles, err := statusProfiles(f, store, opts.ProfileName)
	if err != nil {
		return err
	}

	timeout := opts.CheckTimeout
	if timeout <= 0 {
		timeout = statusCheckTimeout
	}
	keys := f.App() // after one timeout, keys stops waiting on the keyring
	down := false
	report := make([]profileStatus, 0, len(profiles))
	for _, p := range profiles {
		var base string
		if !opts.JSON && p.MCPURL == "" {
			bctx, cancel := context.WithTimeout(ctx, timeout)
			base = client.ShowURL(f.App().ResolvedBaseURL(bctx, p))
			cancel()
		}
		if p.Auth != nil && p.Auth.Kind == profile.AuthOAuth2 {
			st := oauthStatus(f, p)
			st.DescribedBase = base
			if st.SpecError = missingSpec(f, p); st.SpecError != "" {
				st.OK = false
			}
			if st.KeySource == app.KeyFromEnv && !opts.Offline {
				// The variable is what calls send, not the stored
				// sign-in: the API is asked about it as about a key.
				st.Check, st.OK = envCheck(ctx, f, p, st, len(profiles), timeout)
				if st.Check.refused() {
					st.envKeyFix = keys.EnvKeyFix(p)
				}
			}
			report = append(report, st)
			continue
		}
		rk := keys.ResolveKey(p.Name)
		var te *keyring.TimeoutError
		if !down && errors.As(rk.Err, &te) {
			keys.Keyring.Backend = failingBackend{errors.Unwrap(rk.Err)}
			down = true
		}
		// A key in the plain-text file is moved to the keyring only
		// where there is one: ask it.
		var keyringDown bool
		if rk.Source == app.KeyFromFile && rk.Err == nil {
			_, kerr := keys.Keyring.Get(p.Name)
			keyringDown = errors.Is(kerr, keyring.ErrUnavailable)
			if !down && errors.As(kerr, &te) {
				keys.Keyring.Backend = failingBackend{kerr}
				down = true
			}
		}
		var unreachable error
		if !opts.Offline && rk.Err == nil {
			// The place of the key as serve sends it, also where the
			// description says it (read within the check's time).
			dctx, cancel := context.WithTimeout(ctx, timeout)
			p, unreachable = f.App().DescribedProfileRead(dctx, p)
			cancel()
		}
		st := newProfileStatus(f, p, rk)
		st.DescribedBase, st.KeyringDown = base, keyringDown
		if st.SpecError = missingSpec(f, p); st.SpecError != "" {
			st.OK = false
			if rk.Err == nil && !opts.Offline {
				// Its tools cannot be served: whatever the API says of
				// the key, the description comes first.
				st.Check = &checkStatus{Skipped: "the description file is missing"}
			}
		}
		switch {
		case st.Check != nil || !st.OK || opts.Offline:
		case unreachable != nil:
			// Asked once: the key check would wait for it again.
			st.Check = &checkStatus{Error: "not checked: " + unreachable.Error() + statusCheckHint(f, p.Name, unreachable)}
			st.OK = false
		case rk.Source == app.KeyFromEnv && len(profiles) > 1:
			// The variable is the key of every profile, but is meant for
			// one API: it is not sent to all of them.
			st.Check = &checkStatus{Skipped: fmt.Sprintf("%s is the key of every profile; check this one with `%s status --profile %s`",
				f.Brand.Env("API_KEY"), f.Brand.Name, app.QuoteProfileName(p.Name))}
		default:
			st.Check, st.OK = statusCheck(ctx, f, p, rk.Key, timeout)
		}
		if rk.Source == app.KeyFromEnv && st.Check.refused() {
			st.envKeyFix = keys.EnvKeyFix(p)
		}
		report = append(report, st)
	}

	if opts.JSON {
		b, err := json.MarshalIndent(report, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(f.IO.Out, string(b))
	} else {
		printStatus(f, report, store.Path())
	}
	for _, st := range report {
		if !st.OK {
			return &SilentError{Code: 1}
		}
	}
	return nil
}

// statusProfiles returns the profiles status reports on, the brand's
// defaults applied: the one named, else all of them. A vendor build's
// built-in profile is there before any login.
func statusProfiles(f *Factory, store profile.Store, name string) ([]profile.Profile, error) {
	var profiles []profile.Profile
	if name != "" {
		p, err := store.Get(name)
		if errors.Is(err, profile.ErrNotFound) && f.Brand.HasDefaults() && name == f.Brand.ProfileName() {
			p, err = profile.Profile{Name: name}, nil
		}
		if errors.Is(err, profile.ErrNotFound) {
			return nil, fmt.Errorf("no profile %q in %s: run `%s --spec FILE|URL`", name, store.Path(), f.App().LoginCommand(name))
		}
		if err != nil {
			return nil, err
		}
		profiles = []profile.Profile{p}
	} else {
		var err error
		if profiles, err = store.List(); err != nil {
			return nil, err
		}
		if f.Brand.HasDefaults() && !hasProfile(profiles, f.Brand.ProfileName()) {
			profiles = append([]profile.Profile{{Name: f.Brand.ProfileName()}}, profiles...)
		}
	}
	for i := range profiles {
		profiles[i] = f.Brand.Apply(profiles[i])
	}
	return profiles, nil
}

// missingSpec says, when p's description is a local file that does not
// exist, that serve cannot start and how to store the file's new place;
// "" otherwise (a URL, a file that is there, or one that cannot be
// told).
func missingSpec(f *Factory, p profile.Profile) string {
	if p.MCPURL != "" || p.Spec == "" || client.IsURL(p.Spec) {
		return ""
	}
	if _, err := os.Stat(p.Spec); !errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	return fmt.Sprintf("the file does not exist, so the server cannot start: if it moved, store its new path with `%s --spec NEW_PATH`", f.App().LoginCommand(p.Name))
}

// profileStatus is p's line of the report before the API is asked: OK
// when a key was found.
func newProfileStatus(f *Factory, p profile.Profile, rk app.Key) profileStatus {
	st := profileStatus{
		Profile:    p.Name,
		Spec:       showSpec(p.Spec),
		MCPURL:     client.ShowURL(p.MCPURL), // its query may hold a key
		BaseURL:    client.ShowURL(p.BaseURL),
		AuthHeader: p.Header(),
		AuthScheme: p.Scheme(),
		AuthFormat: p.AuthFormat,
		SpecAuth:   p.SpecAuth,
		Headers:    p.Headers,
		KeySource:  rk.Source,
	}
	if p.SpecAuth != "" {
		st.specSentAs = app.DescriptionSentAs(p)
	}
	if au := p.Auth; au != nil {
		st.Scheme, st.SchemeKind = au.Scheme, authKind(p)
	}
	switch rk.Source {
	case app.KeyFromEnv:
		st.KeyLocation = f.Brand.Env("API_KEY")
	case app.KeyFromKeyring:
		st.KeyLocation = f.Keyring.Describe()
	case app.KeyFromFile:
		if pf, err := f.App().InsecureKeys(); err == nil {
			st.KeyLocation = pf.Path
		}
	}
	if rk.Err != nil {
		st.KeyError = rk.Err.Error()
	} else {
		st.Key = maskCredential(rk.Key)
		st.OK = true
	}
	return st
}

func statusCheck(ctx context.Context, f *Factory, p profile.Profile, key string, timeout time.Duration) (*checkStatus, bool) {
	if p.MCPURL != "" {
		cs, _ := f.remoteCheck(ctx, p, key, timeout)
		return cs, cs.Accepted
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	kc, err := f.App().CheckKey(ctx, p, key, timeout)
	if err != nil {
		return &checkStatus{Error: "not checked: " + err.Error() + statusCheckHint(f, p.Name, err)}, false
	}
	cs := &checkStatus{Method: kc.Method, URL: kc.URL, Status: kc.Status, Accepted: kc.Accepted}
	if kc.Err != nil {
		cs.Error = kc.Err.Error()
	}
	if kc.BaseDoubt != nil {
		cs.BaseURLWarning = kc.BaseDoubt.Error()
	}
	switch login := f.App().LoginCommand(p.Name); {
	case kc.Err != nil && kc.NotFound() && kc.CheckPath:
		cs.Error += fmt.Sprintf(": `%s --base-url URL --check-path PATH` stores others", login)
	case kc.Err != nil && kc.NotFound():
		cs.Error += fmt.Sprintf(": `%s --base-url URL` stores the API's address", login)
	}
	return cs, kc.Accepted
}

// statusCheckHint is the login that fixes err, a key check that could not
// be made ("" when err is no app.CheckSetupError).
func statusCheckHint(f *Factory, profileName string, err error) string {
	var se *app.CheckSetupError
	if !errors.As(err, &se) {
		return ""
	}
	login := f.App().LoginCommand(profileName)
	switch se.Fix {
	case app.FixUnreachable:
		return fmt.Sprintf("; check the network and the address (`%s --spec FILE|URL` changes it)", login)
	case app.FixDescription:
		return fmt.Sprintf(": if the description moved, store its new place with `%s --spec FILE|URL`", login)
	case app.FixBaseURL:
		return fmt.Sprintf(": store one with `%s --base-url https://api.example.com`", login)
	default:
		return fmt.Sprintf(": store a GET that needs the key with `%s --check-path PATH`", login)
	}
}

func printStatus(f *Factory, report []profileStatus, path string) {
	out := f.IO.Out
	env := f.Brand.Env("API_KEY")
	if len(report) == 0 {
		fmt.Fprintf(out, "No profiles in %s: run `%s login --profile NAME --spec FILE|URL`.\n", path, f.Brand.Name)
		if f.Getenv(env) != "" {
			fmt.Fprintf(out, "%s is set: it will be the key of every profile.\n", env)
		}
		return
	}
	for i, st := range report {
		if i > 0 {
			fmt.Fprintln(out)
		}
		fmt.Fprintf(out, "%s\n", st.Profile)
		if st.MCPURL != "" {
			fmt.Fprintf(out, "  MCP server:  %s\n", st.MCPURL)
		} else {
			spec := st.Spec
			if spec == "" {
				spec = "(none: pass --spec)"
			}
			switch {
			case st.SpecAuth == profile.SpecAuthNone:
				spec += " (read without the key)"
			case st.specSentAs != "":
				spec += " (read with the key as `" + st.specSentAs + "`)"
			}
			if st.SpecError != "" {
				spec += " ✗ " + st.SpecError
			}
			fmt.Fprintf(out, "  Description: %s\n", spec)
			base := st.BaseURL
			switch {
			case base == "" && st.DescribedBase != "":
				base = st.DescribedBase + " (the description's first server)"
			case base == "":
				base = "(the description's first server)"
			}
			fmt.Fprintf(out, "  Base URL:    %s\n", base)
		}
		switch {
		case st.Scheme != "":
			fmt.Fprintf(out, "  Auth:        scheme %s: %s\n", st.Scheme, st.SchemeKind)
		case st.AuthFormat != "":
			fmt.Fprintf(out, "  Auth:        %s: %s\n", st.AuthHeader, strings.ReplaceAll(st.AuthFormat, "{key}", "<key>"))
		default:
			fmt.Fprintf(out, "  Auth:        %s: %s\n", st.AuthHeader, schemeLabel(st.AuthScheme))
		}
		for _, name := range (profile.Profile{Headers: st.Headers}).HeaderNames() {
			fmt.Fprintf(out, "  Header:      %s: %s\n", name, st.Headers[name])
		}
		if st.SchemeKind == "OAuth 2.0" {
			if st.Flow != "" {
				fmt.Fprintf(out, "  Sign-in:     %s\n", flowLabel(st.Flow, st.FlowKept))
			}
			if st.Token != "" {
				fmt.Fprintf(out, "  Token:       %s\n", st.Token)
			} else {
				fmt.Fprintf(out, "  Token:       %s\n", st.KeyError)
			}
			printCheck(f, st)
			continue
		}
		switch st.KeySource {
		case app.KeyFromEnv, app.KeyFromKeyring:
			fmt.Fprintf(out, "  Key:         %s from %s\n", st.Key, st.KeyLocation)
		case app.KeyFromFile:
			if st.KeyError != "" {
				fmt.Fprintf(out, "  Key:         unreadable: %s\n", st.KeyError)
				break
			}
			fmt.Fprintf(out, "  Key:         %s from %s\n", st.Key, st.KeyLocation)
			if st.KeyringDown {
				fmt.Fprintf(out, "  ⚠ INSECURE:  the key is stored UNENCRYPTED in that file (login --insecure-storage), and the OS keyring cannot be reached here to move it to; %s keeps it out of files\n", f.Brand.Env("API_KEY"))
				break
			}
			fmt.Fprintf(out, "  ⚠ INSECURE:  the key is stored UNENCRYPTED in that file (login --insecure-storage); run `%s` to move it to the OS keyring\n", f.App().LoginCommand(st.Profile))
		case app.KeyMissing:
			fmt.Fprintf(out, "  Key:         missing: run `%s`\n", f.App().LoginCommand(st.Profile))
		default:
			fmt.Fprintf(out, "  Key:         keyring unavailable: %s\n", st.KeyError)
		}
		printCheck(f, st)
	}
}

// printCheck prints the API's answer to st's key, if it was asked.
func printCheck(f *Factory, st profileStatus) {
	c := st.Check
	if c == nil {
		return
	}
	out := f.IO.Out
	key := "the key"
	if st.SchemeKind == "OAuth 2.0" {
		key = "the access token"
	}
	login := f.App().LoginCommand(st.Profile)
	if st.KeySource == app.KeyFromEnv {
		// Not the stored key or sign-in: say which was asked.
		key += " from " + f.Brand.Env("API_KEY")
	}
	switch {
	case c.Skipped != "":
		fmt.Fprintf(out, "  API:         not checked: %s\n", c.Skipped)
	case c.Accepted && st.MCPURL != "":
		fmt.Fprintf(out, "  API:         ✓ takes %s (%s answered %s); it may check it only when a tool is called\n", key, c.URL, remoteAnswered(c.Method, c.Server))
	case c.Accepted:
		fmt.Fprintf(out, "  API:         ✓ accepts %s (%s %s: %d)\n", key, c.Method, c.URL, c.Status)
		if c.BaseURLWarning != "" {
			fmt.Fprintf(out, "  ⚠ Base URL:  %s: if tool calls answer 404 Not Found, `%s --base-url URL` stores the API's address\n", c.BaseURLWarning, login)
		}
	case c.refused() && st.KeySource == app.KeyFromEnv:
		fmt.Fprintf(out, "  API:         ✗ rejects %s (%s %s: %d): %s\n", key, c.Method, c.URL, c.Status, st.envKeyFix)
	case c.refused():
		fmt.Fprintf(out, "  API:         ✗ rejects %s (%s %s: %d): run `%s` with a valid key\n", key, c.Method, c.URL, c.Status, login)
	default:
		fmt.Fprintf(out, "  API:         ✗ %s\n", c.Error)
	}
}

// envCheck asks the API whether it accepts the key of the environment
// variable, which an OAuth profile's calls send instead of its stored
// sign-in, as statusCheck does a key profile's; not when the report has
// several profiles (the variable is meant for one API), nor when the
// description file is missing.
func envCheck(ctx context.Context, f *Factory, p profile.Profile, st profileStatus, profiles int, timeout time.Duration) (*checkStatus, bool) {
	switch {
	case st.SpecError != "":
		return &checkStatus{Skipped: "the description file is missing"}, false
	case profiles > 1:
		return &checkStatus{Skipped: fmt.Sprintf("%s is the key of every profile; check this one with `%s status --profile %s`",
			f.Brand.Env("API_KEY"), f.Brand.Name, app.QuoteProfileName(p.Name))}, st.OK
	}
	return statusCheck(ctx, f, p, f.App().EnvKey(), timeout)
}

// authKind says how p's declared scheme sends its credential.
func authKind(p profile.Profile) string {
	au := p.Auth
	switch au.Kind {
	case profile.AuthAPIKey:
		return "API key in " + au.In + " " + au.Name
	case profile.AuthBasic:
		if au.Username == "" {
			return "HTTP basic, the key as user:password"
		}
		return "HTTP basic, user " + au.Username
	case profile.AuthBearer:
		return "bearer token"
	}
	return "OAuth 2.0"
}

// showSpec is a profile's description as status shows it: a URL without
// the user info, query and fragment that may hold a key; a file path as
// it is.
func showSpec(spec string) string {
	if client.IsURL(spec) {
		return client.ShowURL(spec)
	}
	return spec
}

// oauthStatus is an OAuth 2.0 profile's line: the stored token's expiry
// and scopes.
func oauthStatus(f *Factory, p profile.Profile) profileStatus {
	st := profileStatus{Profile: p.Name, Spec: showSpec(p.Spec), MCPURL: client.ShowURL(p.MCPURL), BaseURL: client.ShowURL(p.BaseURL), Scheme: p.Auth.Scheme, SchemeKind: authKind(p), KeySource: app.KeyFromKeyring}
	if o := p.Auth.OAuth; o != nil {
		st.Flow = flowOf(oauth.Grant(o.Grant))
		st.FlowKept = st.Flow != "" && o.Flow == st.Flow
	}
	if k := f.App().EnvKey(); k != "" {
		// Sent instead of the stored tokens (app.OAuthCredential).
		st.KeySource, st.KeyLocation, st.Key, st.OK = app.KeyFromEnv, f.Brand.Env("API_KEY"), maskCredential(k), true
		st.Token = fmt.Sprintf("access token %s from %s (not renewed; %s)", st.Key, st.KeyLocation, storedSignInUnused(f, p))
		return st
	}
	tok, err := oauth.Load(f.App().Tokens(), app.TokenAccount(p.Name))
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		st.KeySource, st.KeyError = app.KeyMissing, fmt.Sprintf("not signed in: run `%s`", f.App().LoginCommand(p.Name))
	case app.TokenUnreadable(err):
		st.KeySource, st.KeyError = app.KeyDamaged, f.App().UnreadableSignIn(p.Name)
	case err != nil:
		st.KeySource, st.KeyError = app.KeyringUnavailable, err.Error()
	default:
		now := time.Now()
		st.Token, st.TokenExpiry, st.Scopes, st.OK = tok.Describe(now), tok.Expiry, tok.Scopes, true
		st.KeyLocation = f.Keyring.Describe()
		st.TokenExpired = tok.ExpiresWithin(0, now)
		st.TokenRenewable = tok.Renewable()
		switch {
		case tok.Refused != "" && !st.TokenRenewable:
			// Renewed too late, or after the API refused the token: it
			// is of no use whatever its expiry says.
			st.OK, st.KeyError = false, fmt.Sprintf("the authorization server refused the refresh token (%s): run `%s`", tok.Refused, f.App().LoginCommand(p.Name))
			st.Token += " (sign in again: run `" + f.App().LoginCommand(p.Name) + "`)"
		case st.TokenExpired && st.TokenRenewable:
			st.Token += " (will be renewed on next use)"
		case st.TokenExpired:
			st.OK, st.KeyError = false, fmt.Sprintf("expired: run `%s`", f.App().LoginCommand(p.Name))
			st.Token += " (sign in again: run `" + f.App().LoginCommand(p.Name) + "`)"
		}
	}
	return st
}

// flowLabel says how an OAuth 2.0 profile signs in (profileStatus.Flow),
// and when login kept the choice (kept), that the next login uses it too.
func flowLabel(flow string, kept bool) string {
	var l string
	switch flow {
	case flowBrowser:
		l = "browser (authorization code)"
	case flowDevice:
		l = "device (a code entered on any device)"
	case flowClient:
		l = "client credentials (the stored client secret)"
	}
	if kept {
		l += ", chosen at login: the next login uses it too (--flow changes it)"
	}
	return l
}

// storedSignInUnused says what becomes of p's stored sign-in while an
// access token in the environment variable is sent instead: whether there
// is one, as far as the keyring tells.
func storedSignInUnused(f *Factory, p profile.Profile) string {
	_, err := oauth.Load(f.App().Tokens(), app.TokenAccount(p.Name))
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return "no sign-in is stored"
	case err == nil || app.TokenUnreadable(err):
		return "the stored sign-in is not used while it is set"
	}
	return "the keyring cannot be read now; a sign-in stored there is not used while it is set"
}

func hasProfile(ps []profile.Profile, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

// failingBackend is a keyring whose every call fails with err at once.
type failingBackend struct{ err error }

func (b failingBackend) Get(string, string) (string, error) { return "", b.err }
func (b failingBackend) Set(string, string, string) error   { return b.err }
func (b failingBackend) Delete(string, string) error        { return b.err }

// maskCredential shows at most the last 4 characters of a key, and none of
// a key shorter than 12 characters; the spaces and line break around a key
// (a variable read from a file) are not sent, nor shown.
func maskCredential(k string) string {
	r := []rune(strings.TrimSpace(k))
	if len(r) < 12 {
		return "****"
	}
	return "****" + string(r[len(r)-4:])
}
