package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
)

// loginCheckTimeout bounds the request that checks a key at login.
const loginCheckTimeout = 15 * time.Second

// maxKeyBytes bounds what --with-key reads from standard input.
const maxKeyBytes = 16 << 10

// LoginOptions are the inputs of `login`.
type LoginOptions struct {
	F       *Factory
	Profile *profileFlags
	// WithKey reads the key from standard input instead of prompting.
	WithKey bool
	// CheckPath is the API path requested to check the key (stored).
	CheckPath string
	// NoCheck stores the key without asking the API.
	NoCheck bool
	// InsecureStorage keeps the key in a plain-text file instead of the
	// OS keyring.
	InsecureStorage bool
	// CheckTimeout bounds the check request (default 15 s).
	CheckTimeout time.Duration
	// OAuth signs in to a remote MCP server even when its first answer
	// does not ask for it; NoBrowser only prints the URL; ClientID is a
	// client registered beforehand.
	OAuth     bool
	NoBrowser bool
	ClientID  string
	// Flow chooses how an OAuth 2.0 sign-in reaches the user when the
	// provider offers both: flowBrowser (the authorization code) or
	// flowDevice (the device grant); "" chooses by whether a browser can
	// be opened here.
	Flow string
	// Scheme names the description's security scheme to sign in with;
	// Username is HTTP basic's user name; Scopes replace the OAuth 2.0
	// scopes the operations declare.
	Scheme   string
	Username string
	Scopes   []string

	// scheme is the description's scheme chosen (nil: none), for the
	// message of a rejected key.
	scheme *client.SecurityScheme
	// schemeAfterKey says that --scheme is chosen once the key is given:
	// the description could not be read without it.
	schemeAfterKey bool
	// flowNote is the line that says why the sign-in uses the flow it
	// does, when login chose it ("" says nothing).
	flowNote string
	// deviceOffered says that the provider offers the device grant too,
	// which the error of a browser sign-in that cannot happen names.
	deviceOffered bool
	// read is the description as login read it (description), once.
	read     *app.Description
	readErr  error
	readOnce bool
}

// description reads p's description (without the key) once per login: the
// tool selection, the scheme and the key check all use that reading, so
// that a URL that gives no answer is waited for once.
func (opts *LoginOptions) description(ctx context.Context, f *Factory, p profile.Profile) (*app.Description, error) {
	if !opts.readOnce {
		opts.readOnce = true
		opts.read, opts.readErr = opts.Profile.app(f, false).ReadDescription(ctx, p, nil)
	}
	return opts.read, opts.readErr
}

func newLoginCmd(f *Factory, runF func(*LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{F: f, CheckTimeout: loginCheckTimeout}
	c := &cobra.Command{
		Use:   "login",
		Short: "Save a profile and store its API key in the OS keyring",
		Long: `Login saves the profile (description, base URL, how the key is sent) and stores
the secret in the OS keyring: the macOS Keychain, the Windows Credential
Manager or the Secret Service (gnome-keyring, KWallet) on Linux. Secrets are
never taken as an argument, and never written to a file unless you choose
--insecure-storage.

How to authenticate comes from the description's security schemes
(components.securitySchemes, or securityDefinitions in Swagger 2.0). When it
declares one, login uses it; when several, --scheme NAME chooses (on a
terminal login asks; in a script it fails at once listing each scheme and
what it needs). Supported schemes:

  apiKey (header, query, cookie)  the key under the declared name
  http bearer                     Authorization: Bearer <key>
  http basic                      --username USER, the password or token asked for;
                                  without --username, user:password (or KEY:
                                  for a key sent as the user name) asked for
  oauth2, openIdConnect           --client-id ID of a client registered with
                                  the provider (its redirect URI:
                                  http://127.0.0.1/callback), then a sign-in
                                  in the browser (authorization code + PKCE;
                                  --no-browser prints the URL), or with a code
                                  to enter on any device (the device grant).
                                  When the provider offers both, the browser
                                  unless none can be opened here (no display:
                                  SSH, a container); --flow browser or
                                  --flow device chooses, and is kept for
                                  the next login of the profile.
                                  --with-key reads a client secret from
                                  standard input, for clients that need one;
                                  client credentials always ask for it
                                  (--flow client-credentials where the
                                  provider offers user sign-ins too).
                                  Tokens are refreshed.

--auth-header, --auth-scheme and --auth-format override the description: the
key is sent in that header ("Token token={key}" puts it inside a value).
Without a usable scheme the key goes in "Authorization: Bearer <key>".

A description URL on the API's origin that needs the key is fetched with it
as the calls send it ("Authorization: Bearer <key>" before a scheme is
chosen); --spec-auth says where the description itself takes it instead:
header:NAME, query:NAME, cookie:NAME, bearer, or none (never). It is saved in
the profile and used by every command that reads the description; with
--scheme, the description is read once the key is given.

On a terminal the secret is asked for with hidden input; --with-key reads it
from standard input instead. Before a key is stored, it is checked with one
authenticated GET: --check-path if given, else the first GET operation that
needs no arguments and accepts the chosen scheme, on the base URL the calls
use, else the description's URL when it is on the API's origin and needs the
key (the key where --spec-auth says). A key the API rejects (401 or 403) is
not stored; neither is one checked on a URL that answers 404, most likely a
--base-url that does not lead to the API's operations.
Logging in again with a key replaces the secret; without one (no --with-key,
or Enter at the prompt) it keeps the stored key, checked again, so that
"login --profile P --spec NEW_PATH" only changes the profile; a new base URL
or description host takes the key given again. A kept key from the
--insecure-storage file moves to the keyring, unless --insecure-storage is
given again or the keyring cannot take it.

The environment variable ` + f.Brand.Env("API_KEY") + `, when set, takes precedence over
the keyring (for CI, containers and machines without a keyring); for an
OAuth 2.0 profile it is an access token, sent instead of the sign-in's and
never renewed.`,
		Example: loginExample(f.Brand),
		Args:    noArgs(loginNoArgsHint(f)),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return loginRun(c, opts)
		},
	}
	opts.Profile = addProfileFlags(c)
	fl := c.Flags()
	fl.BoolVar(&opts.WithKey, "with-key", false, "read the key from standard input (one line; at a terminal, asked for without echo)")
	fl.StringVar(&opts.CheckPath, "check-path", "", "API path to GET to check the key, e.g. /me (stored in the profile)")
	fl.BoolVar(&opts.NoCheck, "no-check", false, "store the key without checking it against the API")
	fl.BoolVar(&opts.OAuth, "oauth", false, "sign in to the remote MCP server with OAuth (the default when it asks for it)")
	fl.BoolVar(&opts.NoBrowser, "no-browser", false, "print the OAuth sign-in URL instead of opening a browser")
	fl.StringVar(&opts.Flow, "flow", "", "how to sign in when the OAuth 2.0 provider offers several ways: browser (a browser that reaches this machine), device (a code entered on any device; the default when no browser can be opened here) or client-credentials (the client's own secret, no user); kept for the next login")
	fl.StringVar(&opts.ClientID, "client-id", "", "OAuth client ID registered with the provider (for an MCP server, default: register one)")
	fl.StringVar(&opts.Scheme, "scheme", "", "the description's security scheme to sign in with, when it declares several")
	fl.StringVar(&opts.Username, "username", "", "user name for HTTP basic (an account SID, an e-mail address); the password or token is asked for")
	fl.Var(&scopesFlag{scopes: &opts.Scopes}, "scopes", "OAuth 2.0 scopes to request, comma- or space-separated (default: those the selected operations declare; for an MCP server, those it names, and those of the sign-in before)")
	fl.BoolVar(&opts.InsecureStorage, "insecure-storage", false, "store the key UNENCRYPTED in a file only you can read, in the config directory, instead of the OS keyring")
	return c
}

func loginRun(c *cobra.Command, opts *LoginOptions) error {
	f := opts.F
	errOut := f.IO.ErrOut
	if opts.Flow != "" && opts.Flow != flowBrowser && opts.Flow != flowDevice && opts.Flow != flowClient {
		return FlagErrorf("--flow %q is not a sign-in flow: use --flow browser (a browser that reaches this machine), --flow device (a code entered on any device) or --flow client-credentials (the client's own secret, no user)", opts.Flow)
	}
	// p is what login works with; own, without the build's defaults, is
	// what it saves.
	own, existed, err := opts.Profile.own(f)
	if err != nil {
		return err
	}
	// install passes the name to the server as an argument: a name it
	// would refuse is refused now, before anything is asked or saved.
	if err := simpleProfileName(own.Name); err != nil {
		return err
	}
	if opts.CheckPath != "" {
		own.CheckPath = opts.CheckPath
	}
	// The profile is used from other directories (an editor starts the
	// server in its own): files are saved by their absolute paths.
	if own.Spec != "" && !client.IsURL(own.Spec) && !strings.HasPrefix(own.Spec, "file://") {
		if err := client.CheckSource(own.Spec); err != nil {
			return FlagErrorf("--spec %v", err)
		}
		if own.Spec, err = absPath("--spec", own.Spec); err != nil {
			return err
		}
	}
	if own.AuditLog != "" {
		if own.AuditLog, err = absPath("--audit-log", own.AuditLog); err != nil {
			return err
		}
	}
	p := f.Brand.Apply(own)
	if p.Spec == "" && p.MCPURL == "" {
		return FlagErrorf("profile %q has no OpenAPI description: pass --spec FILE|URL (or --mcp-url URL for a remote MCP server)", p.Name)
	}
	if p.MCPURL != "" {
		if err := checkMCPURL(p.MCPURL); err != nil {
			return err
		}
	} else if err := checkSelection(c.Context(), f, opts, p); err != nil {
		return err
	}

	store, err := f.Profiles()
	if err != nil {
		return err
	}

	// Logging in again without a key (a moved description, another
	// layout) keeps the key stored before, unless the key would now go to
	// another address: that takes the key given again.
	var stored app.Key
	prevAuth := own.Auth
	// moved is set when the profile is saved with another address than
	// before: until the new key is stored, saving it would send the old
	// key (still stored) to the new address, so nothing is saved then.
	before, berr := store.Get(p.Name)
	moved := existed && berr == nil && !sameAddress(before, own)
	if existed && !opts.WithKey {
		if moved {
			fmt.Fprintf(errOut, "The API's address changed: the stored key of profile %q is not sent to it unless given again.\n", p.Name)
		} else {
			stored = f.App().StoredKey(p.Name)
		}
	}

	// A keyring that cannot store the key (and is to be used) fails the
	// login before the key is asked for. The profile is saved all the same,
	// once checked as it would be with a keyring: with the key in the
	// environment variable, the other commands need it.
	var keyringErr error
	if !opts.InsecureStorage && (stored.Key == "" || stored.Source != app.KeyFromFile) {
		switch stored.Source {
		case app.KeyringUnavailable: // asked already: one timeout is enough
			keyringErr = errors.Unwrap(stored.Err)
		case app.KeyFromKeyring, app.KeyMissing: // the keyring answered
		default:
			if _, err := f.Keyring.Get(p.Name); !errors.Is(err, keyring.ErrNotFound) {
				keyringErr = err
			}
		}
	}
	noKeyring := func(oauth bool) error {
		without := "without a key"
		if oauth {
			without = "not signed in"
		}
		if moved {
			// The keyring cannot say whether it holds a key for the old
			// address: the profile keeps it, and logout --all lets the
			// address change.
			fmt.Fprintf(errOut, "! Profile %q was not changed: a key stored for its address (in the keyring, which cannot be read now) must not go to the new one. To change the address anyway, remove the profile with `%s logout --profile %s --all`, then log in again.\n",
				p.Name, f.Brand.Name, app.QuoteProfileName(p.Name))
		} else if serr := store.Save(own); serr == nil {
			fmt.Fprintf(errOut, "✓ Saved profile %q in %s (%s).\n", p.Name, store.Path(), without)
		}
		if oauth {
			return oauthKeyringError(f, keyringErr)
		}
		return keyringUnavailableError(f, keyringErr)
	}

	if p.MCPURL != "" {
		if opts.Scheme != "" || opts.Username != "" {
			return FlagErrorf("--scheme and --username are for an OpenAPI description (--spec), not a remote MCP server")
		}
		if opts.Flow == flowDevice || opts.Flow == flowClient {
			return FlagErrorf("--flow %s is for an OpenAPI description (--spec): a remote MCP server's sign-in is in a browser (--no-browser prints its URL)", opts.Flow)
		}
		if err := opts.Profile.checkHeaders(f, p); err != nil {
			return err
		}
		if keyringErr != nil {
			return noKeyring(signsInWithOAuth(f, opts, own))
		}
		// Signing in again to the same server asks for the scopes of the
		// sign-in before (those a server asked for more of, with --scopes,
		// included) beside those it names now.
		var kept []string
		if !moved && prevAuth != nil && prevAuth.Scheme == app.RemoteOAuthScheme && prevAuth.OAuth != nil {
			kept = prevAuth.OAuth.Scopes
		}
		if done, err := f.loginOAuth(c.Context(), opts, own, p, store, kept); done {
			return err
		}
		// A key replaces an earlier OAuth sign-in.
		own.Auth = nil
		p = f.Brand.Apply(own)
		if err := opts.Profile.checkHeaders(f, p); err != nil {
			return err
		}
	} else {
		if err := f.chooseAuth(c.Context(), opts, &own, p); err != nil {
			return err
		}
		p = f.Brand.Apply(own)
		// The key's place is known: no fixed header may take it.
		if err := opts.Profile.checkHeaders(f, p); err != nil {
			return err
		}
		oauth := own.Auth != nil && own.Auth.Kind == profile.AuthOAuth2
		if opts.Flow != "" && !oauth && !opts.schemeAfterKey {
			// No OAuth 2.0 scheme was chosen (a header of the user's
			// choice, a description that declares none it signs in
			// with): what comes next asks for a key, which --flow has
			// no say in. A scheme chosen once the key is given says
			// itself what --flow cannot do with it (pickScheme,
			// chooseAuthWithKey).
			return FlagErrorf("--flow is for an OAuth 2.0 sign-in, and this login takes a key instead (the description's OAuth 2.0 scheme, if it declares one, is chosen with --scheme NAME, without --auth-header, --auth-scheme or --auth-format): drop --flow to give the key; nothing was saved")
		}
		if keyringErr != nil {
			// A description that needs the key cannot be read before the
			// key is (nor stored): the keyring is what to fix first.
			if err := descriptionLoads(c.Context(), f, opts, p); err != nil && !errors.Is(err, client.ErrNeedsKey) {
				return err
			}
			return noKeyring(oauth)
		}
		if oauth {
			return f.loginOAuthAPI(c.Context(), opts, own, store)
		}
	}
	label := "API key"
	pair := p.Auth != nil && p.Auth.Kind == profile.AuthBasic && p.Auth.Username == ""
	switch {
	case pair:
		label = "user:password (KEY: for an API key sent as the user name)"
	case p.Auth != nil && p.Auth.Kind == profile.AuthBasic:
		label = "Password or token of " + p.Auth.Username
	}
	if p.Auth != nil && p.Auth.Kind == profile.AuthBasic && (prevAuth == nil || prevAuth.Username != p.Auth.Username) {
		stored = app.Key{} // another user: the stored password is not theirs
	}
	key, err := readSecretOr(c.Context(), f, givenCommand(c), p.Name, opts.WithKey, label, stored.Key)
	if err != nil {
		return err
	}
	if opts.schemeAfterKey {
		if err := f.chooseAuthWithKey(c.Context(), opts, &own, p, key); err != nil {
			return err
		}
		p = f.Brand.Apply(own)
		if err := opts.Profile.checkHeaders(f, p); err != nil {
			return err
		}
		pair = p.Auth != nil && p.Auth.Kind == profile.AuthBasic && p.Auth.Username == ""
	}
	if u, _, ok := strings.Cut(key, ":"); pair && (!ok || u == "") {
		return FlagErrorf("scheme %s is HTTP basic and no --username was given: give the secret as user:password, or as KEY: (with the colon) when the API takes the key as the user name, as `curl -u KEY:` sends it; or pass the user name with --username and the password or token alone; nothing was saved", p.Auth.Scheme)
	}
	kept := stored.Key != "" && key == stored.Key
	// A key kept from the plain-text file moves to the keyring when the
	// keyring takes it, and stays in the file when it does not: it is
	// never refused for its size here.
	keptInFile := kept && stored.Source == app.KeyFromFile
	if err := keyFits(f, p.Name, key, opts.InsecureStorage || keptInFile); err != nil {
		return err
	}

	if p.MCPURL != "" {
		if err := f.remoteLogin(c.Context(), p, key, opts.NoCheck, opts.CheckTimeout); err != nil {
			return err
		}
	} else if opts.NoCheck {
		fmt.Fprintln(errOut, "! The key was not checked against the API (--no-check).")
	} else if err := loginCheck(c.Context(), f, p, opts.scheme, key, opts.CheckTimeout, c.Flags().Changed("base-url"), opts.read); err != nil {
		return err
	}

	if err := store.Save(own); err != nil {
		return fmt.Errorf("saving profile %q: %w; nothing was stored", p.Name, err)
	}
	fmt.Fprintf(errOut, "✓ Saved profile %q in %s.\n", p.Name, store.Path())

	if keptInFile && !opts.InsecureStorage {
		return moveToKeyring(f, p.Name, key)
	}
	if kept && (!opts.InsecureStorage || keptInFile) {
		return nil // where it was
	}
	err = storeKey(f, p.Name, key, opts.InsecureStorage)
	if err != nil && moved && f.App().StoredKey(p.Name).Key != key {
		// The old key is still stored: the profile goes back to the
		// address it was stored for.
		if rerr := store.Save(before); rerr == nil {
			fmt.Fprintf(errOut, "! Put profile %q back as it was: the new key was not stored, and the old one must not go to the new address.\n", p.Name)
		} else {
			err = fmt.Errorf("%w; putting profile %q back failed too (%v): run `%s logout --profile %s` before using it", err, p.Name, rerr, f.Brand.Name, app.QuoteProfileName(p.Name))
		}
	}
	return err
}

// descriptionLoads refuses a description that cannot be read (unless
// --no-check), as the key check would with a keyring: a login that stores
// no key saves the profile without that check. A description URL is read
// with the key of the environment variable, when it is set.
func descriptionLoads(ctx context.Context, f *Factory, opts *LoginOptions, p profile.Profile) error {
	if opts.NoCheck {
		return nil
	}
	var cred client.Credential
	if k := f.App().EnvKey(); k != "" {
		cred = app.Credential(p, client.StaticKey(k))
	}
	if _, err := opts.Profile.app(f, false).LoadAPI(ctx, p, cred); err != nil {
		return unreadableDescription(err)
	}
	return nil
}

// unreadableDescription is login's error for a description it could not
// read: nothing saved, and what to do.
func unreadableDescription(err error) error {
	return fmt.Errorf("%w; nothing was saved (fix --spec, or pass --no-check to save the profile without reading it)", err)
}

// sameAddress reports whether a key of before would go where it went, as
// far as the profiles tell: the same base URL's and remote MCP URL's
// origins, and a description read from the same origin (a local one may
// have moved; the API it names is the one the key was checked against).
func sameAddress(before, now profile.Profile) bool {
	origin := func(raw string) string {
		u, err := url.Parse(raw)
		if raw == "" || err != nil || !client.IsURL(raw) {
			return ""
		}
		return client.Origin(u).String()
	}
	return origin(before.BaseURL) == origin(now.BaseURL) && origin(before.MCPURL) == origin(now.MCPURL) &&
		origin(before.Spec) == origin(now.Spec)
}

// checkSelection refuses a tool selection given now (--tag, --operation,
// --method, --read-only) that leaves none of the description's operations:
// saved, it would fail every later command. A description that cannot be
// read now is not judged (the key check says why).
func checkSelection(ctx context.Context, f *Factory, opts *LoginOptions, p profile.Profile) error {
	fl := opts.Profile.cmd.Flags()
	if !fl.Changed("tag") && !fl.Changed("operation") && !fl.Changed("method") && !fl.Changed("read-only") {
		return nil
	}
	d, err := opts.description(ctx, f, p)
	if err != nil || len(d.API.Operations) == 0 || len(app.SelectedOperations(d.API, p)) > 0 {
		return nil
	}
	api := d.API
	hint := fmt.Sprintf("`%s tools --spec %s` lists them", f.Brand.Name, app.QuoteProfileName(p.Spec))
	if tags := app.DescriptionTags(api); len(p.Tags) > 0 && len(tags) > 0 {
		hint = "its tags are " + strings.Join(app.ClosestTags(tags, p.Tags), ", ") + "; " + hint
	} else if len(p.Tags) > 0 {
		hint = "it tags no operation, so --tag cannot match; " + hint
	}
	return FlagErrorf("none of the %d operations of the description matches the tool selection (--tag, --operation, --method, --read-only): %s; nothing was saved", len(api.Operations), hint)
}

// loginCheck asks the API whether it accepts key, sent as p says (scheme
// is the description's scheme p uses, nil for none); an error says why the
// key is not stored. baseURLGiven: p's base URL was given with --base-url.
// read is the description as login read it (nil: not read).
func loginCheck(ctx context.Context, f *Factory, p profile.Profile, scheme *client.SecurityScheme, key string, timeout time.Duration, baseURLGiven bool, read *app.Description) error {
	if timeout <= 0 {
		timeout = loginCheckTimeout
	}
	kc, err := f.App().CheckKeyWith(ctx, p, key, timeout, read)
	if err != nil {
		return fmt.Errorf("%w%s; nothing was stored", err, loginCheckHint(err))
	}
	switch {
	case errors.Is(kc.Err, app.ErrKeyRejected) && kc.Description:
		return fmt.Errorf("%w, so nothing was stored. %s", kc.Err, descriptionRejectedHint(p))
	case errors.Is(kc.Err, app.ErrKeyRejected):
		return fmt.Errorf("%w, so nothing was stored. %s", kc.Err, rejectedHint(p, scheme))
	case kc.Err != nil && kc.Unreachable() && baseURLGiven:
		return fmt.Errorf("checking the key: %w. Nothing was stored: %s, given with --base-url, could not be reached; check it and the network, or pass --no-check to store the key unchecked",
			kc.Err, client.ShowURL(p.BaseURL))
	case kc.Err != nil && kc.Unreachable():
		return fmt.Errorf("checking the key: %w. Nothing was stored: if the API is not at %s, pass --base-url URL; else check the network and the address, or pass --no-check to store the key unchecked",
			kc.Err, client.Origin(mustParseURL(kc.URL)))
	case kc.Err != nil && kc.NotFound() && kc.CheckPath:
		return fmt.Errorf("checking the key: %w. Nothing was stored: check --base-url and --check-path, or pass --no-check to store the key unchecked", kc.Err)
	case kc.Err != nil && kc.NotFound() && baseURLGiven:
		return fmt.Errorf("checking the key: %w. Nothing was stored: check --base-url (the operations' paths, such as %s, go after it); if the API answers 404 there for another reason, pass --check-path PATH (a GET that needs the key), or --no-check to store the key unchecked",
			kc.Err, kc.Path)
	case kc.Err != nil && kc.NotFound():
		return fmt.Errorf("checking the key: %w. Nothing was stored: if the API is not at %s (the description's server), pass --base-url URL; if it answers 404 there for another reason, pass --check-path PATH (a GET that needs the key), or --no-check to store the key unchecked",
			kc.Err, kc.Base)
	case kc.Err != nil:
		return fmt.Errorf("checking the key: %w. Nothing was stored: fix the check with --check-path PATH, or pass --no-check to store the key unchecked", kc.Err)
	}
	fmt.Fprintf(f.IO.ErrOut, "✓ The API accepted the key (GET %s: %d).\n", kc.URL, kc.Status)
	if kc.BaseDoubt != nil {
		fmt.Fprintf(f.IO.ErrOut, "! %s. If tool calls answer 404 Not Found, correct --base-url: `%s --base-url URL`.\n", kc.BaseDoubt, f.App().LoginCommand(p.Name))
	}
	return nil
}

// rejectedHint says how a rejected key was sent (never the key), what the
// description's scheme says of it, and the flags that send it otherwise.
func rejectedHint(p profile.Profile, scheme *client.SecurityScheme) string {
	sent := app.SentAs(p)
	if p.Auth == nil || scheme == nil {
		return fmt.Sprintf("The key was sent as `%s`. Check the key, and the header and scheme it is sent with (--auth-header, --auth-scheme WORD, or --auth-format), then log in again", sent)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The key was sent as `%s` (scheme %s: %s", sent, scheme.Name, scheme.Kind())
	if d := schemeDescription(scheme.Description); d != "" {
		fmt.Fprintf(&b, "; the description says: %q", d)
	}
	b.WriteString(").")
	if p.Auth.Kind == profile.AuthAPIKey && p.Auth.In == "header" && strings.EqualFold(p.Auth.Name, "Authorization") && p.AuthFormat == "" {
		word := "WORD"
		if w := schemeWord(scheme.Description); w != "" {
			word = w
		}
		fmt.Fprintf(&b, " The description does not declare what precedes the key in Authorization: if the API expects another word than %q, log in again with --auth-scheme %s (--auth-scheme \"\" for the bare key, --auth-format 'WORD {key}' for another shape); else check the key, then log in again",
			p.Scheme(), word)
		return b.String()
	}
	b.WriteString(" Check the key, then log in again (--auth-header, --auth-scheme and --auth-format send it another way)")
	return b.String()
}

// descriptionRejectedHint says how the key was sent to the description's
// URL, which refused it (never the key), and the flag that sends it
// elsewhere.
func descriptionRejectedHint(p profile.Profile) string {
	sent := app.DescriptionSentAs(p)
	if p.SpecAuth != "" {
		return fmt.Sprintf("The key was sent to the description's URL as `%s` (--spec-auth %s). Check the key, and where the description takes it (--spec-auth header:NAME, query:NAME, cookie:NAME or bearer), then log in again", sent, p.SpecAuth)
	}
	return fmt.Sprintf("The key was sent to the description's URL as `%s`. Check the key; if the description takes it in another place (a header such as X-API-Key, a query parameter, a cookie), say where with --spec-auth header:NAME, query:NAME or cookie:NAME, then log in again", sent)
}

// schemeDescription is a scheme's description on one line, shortened.
func schemeDescription(d string) string {
	d = strings.Join(strings.Fields(d), " ")
	if r := []rune(d); len(r) > 200 {
		d = string(r[:199]) + "…"
	}
	return d
}

// schemeWord is the first word a scheme's description quotes in
// backquotes that could precede a key ("The word `Api-Key`, a space, then
// the key": Api-Key), "" when there is none.
func schemeWord(d string) string {
	for _, m := range quotedWord().FindAllStringSubmatch(d, -1) {
		if w := m[1]; !strings.EqualFold(w, "Authorization") && !strings.EqualFold(w, "key") {
			return w
		}
	}
	return ""
}

var quotedWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("`([A-Za-z][A-Za-z0-9._-]{0,30})`") })

// mustParseURL parses a URL this program built.
func mustParseURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return &url.URL{}
	}
	return u
}

// loginCheckHint is how login's flags fix err, a key check that could not
// be made ("" when err is no app.CheckSetupError).
func loginCheckHint(err error) string {
	var se *app.CheckSetupError
	if !errors.As(err, &se) {
		return ""
	}
	switch se.Fix {
	case app.FixUnreachable:
		return "; check the network and the address, then log in again (--no-check stores the key without asking the API)"
	case app.FixDescription:
		return " (fix --spec, or pass --base-url and --check-path, or --no-check)"
	case app.FixBaseURL:
		return ": pass --base-url https://api.example.com"
	default:
		return ": pass --check-path PATH (a GET that needs the key), or --no-check"
	}
}

// storeKey stores the profile's key in the keyring, removing a plain-text
// copy an earlier --insecure-storage left (it would win), or with insecure
// in the plain-text file.
func storeKey(f *Factory, profileName, key string, insecure bool) error {
	errOut := f.IO.ErrOut
	pf, err := f.App().InsecureKeys()
	if err != nil {
		return err
	}
	if insecure {
		if err := pf.Set(profileName, key); err != nil {
			var corrupt *keyring.CorruptFileError
			if errors.As(err, &corrupt) {
				return fmt.Errorf("the key was not stored: %w", err)
			}
			return fmt.Errorf("storing the key in %s: %w", pf.Path, err)
		}
		fmt.Fprintf(errOut, "! Stored the key UNENCRYPTED in %s (--insecure-storage): anyone who can read that file can use the key. Prefer the OS keyring, or %s.\n",
			pf.Path, f.Brand.Env("API_KEY"))
		warnEnvPrecedence(f, "the key file")
		return forgetOAuthLogin(f, profileName)
	}

	if err := f.Keyring.Set(profileName, key); err != nil {
		if errors.Is(err, keyring.ErrUnavailable) {
			return keyringUnavailableError(f, err)
		}
		return fmt.Errorf("storing the key in %s: %w", f.Keyring.Describe(), err)
	}
	return keyStored(f, pf, profileName)
}

// moveToKeyring stores a key that login kept from the plain-text file in
// the keyring and removes it from the file, as status advises. When the
// keyring cannot take it, the key stays in the file (the login is not
// failed for it: the key works as before) and login says why.
func moveToKeyring(f *Factory, profileName, key string) error {
	pf, err := f.App().InsecureKeys()
	if err != nil {
		return err
	}
	err = f.Keyring.Fits(profileName, key)
	if err == nil {
		err = f.Keyring.Set(profileName, key)
	}
	if err != nil {
		fmt.Fprintf(f.IO.ErrOut, "! The key stays UNENCRYPTED in %s: it could not be moved to %s (%v). Log in again once the keyring takes it, or use %s.\n",
			pf.Path, f.Keyring.Describe(), err, f.Brand.Env("API_KEY"))
		return nil
	}
	return keyStored(f, pf, profileName)
}

// keyStored finishes storing a key in the keyring: the plain-text copy
// an earlier --insecure-storage left (it would win) and the earlier OAuth
// sign-in go.
func keyStored(f *Factory, pf keyring.PlainFile, profileName string) error {
	errOut := f.IO.ErrOut
	fmt.Fprintf(errOut, "✓ Stored the key in %s, account %q.\n", f.Keyring.Describe(), profileName)
	switch err := pf.Delete(profileName); {
	case err == nil:
		fmt.Fprintf(errOut, "✓ Removed the plain-text copy of the key from %s.\n", pf.Path)
	case errors.As(err, new(*keyring.CorruptFileError)):
		return plainFileUnreadable(f, "the key", err)
	case !errors.Is(err, keyring.ErrNotFound):
		return fmt.Errorf("removing the plain-text copy of the key from %s: %w", pf.Path, err)
	}
	warnEnvPrecedence(f, "the keyring")
	return forgetOAuthLogin(f, profileName)
}

// plainFileUnreadable is the error of a login that stored what (the key,
// the OAuth tokens) in the keyring but could not read the plain-text key
// file (err) to remove the profile's earlier key from it: that file is
// read before the keyring, so until it is fixed the commands stop there.
func plainFileUnreadable(f *Factory, what string, err error) error {
	return fmt.Errorf("%s is stored in %s, but an earlier plain-text key of this profile may remain, in a file read before the keyring: %w",
		what, f.Keyring.Describe(), err)
}

// forgetOAuthLogin removes the tokens and client secret an earlier OAuth
// sign-in of the profile left in the keyring: a key replaces them, and a
// secret nothing uses any more should not stay behind.
func forgetOAuthLogin(f *Factory, profileName string) error {
	tokens := app.TokenAccount(profileName)
	// Under the renewal lock, as logout: a serve renewing the token just
	// now stores it first, and this removes what it stored.
	err := oauth.WithLock(context.Background(), f.App().LockDir(), tokens, func() error {
		return f.App().Tokens().Delete(tokens)
	})
	switch {
	case err == nil:
		fmt.Fprintf(f.IO.ErrOut, "✓ Removed the OAuth tokens of the earlier sign-in (account %q).\n", tokens)
	case !errors.Is(err, keyring.ErrNotFound) && !errors.Is(err, keyring.ErrUnavailable):
		return fmt.Errorf("removing the OAuth tokens of the earlier sign-in from %s: %w", f.Keyring.Describe(), err)
	}
	if err := f.Keyring.Delete(app.ClientSecretAccount(profileName)); err != nil &&
		!errors.Is(err, keyring.ErrNotFound) && !errors.Is(err, keyring.ErrUnavailable) {
		return fmt.Errorf("removing the OAuth client secret of the earlier sign-in from %s: %w", f.Keyring.Describe(), err)
	}
	return nil
}

// forgetKey removes the key an earlier login of the profile stored (in the
// keyring and in the plain-text file): the OAuth tokens just stored replace
// it, and a secret nothing uses any more should not stay behind.
func forgetKey(f *Factory, profileName string) error {
	switch err := f.Keyring.Delete(profileName); {
	case err == nil:
		fmt.Fprintf(f.IO.ErrOut, "✓ Removed the key of the earlier login from %s.\n", f.Keyring.Describe())
	case !errors.Is(err, keyring.ErrNotFound) && !errors.Is(err, keyring.ErrUnavailable):
		return fmt.Errorf("removing the key of the earlier login from %s: %w", f.Keyring.Describe(), err)
	}
	pf, err := f.App().InsecureKeys()
	if err != nil {
		return err
	}
	switch err := pf.Delete(profileName); {
	case err == nil:
		fmt.Fprintf(f.IO.ErrOut, "✓ Removed the plain-text key of the earlier login from %s.\n", pf.Path)
	case errors.As(err, new(*keyring.CorruptFileError)):
		return plainFileUnreadable(f, "the OAuth sign-in", err)
	case !errors.Is(err, keyring.ErrNotFound):
		return fmt.Errorf("removing the plain-text key of the earlier login from %s: %w", pf.Path, err)
	}
	return nil
}

// absPath is the absolute form of the file path given with flag.
func absPath(flag, path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("%s %q: %w", flag, path, err)
	}
	return abs, nil
}

// warnEnvPrecedence says when the environment variable overrides the key
// just stored in where.
func warnEnvPrecedence(f *Factory, where string) {
	if env := f.Brand.Env("API_KEY"); f.Getenv(env) != "" {
		fmt.Fprintf(f.IO.ErrOut, "! %s is set: it takes precedence over %s for every command until you unset it.\n", env, where)
	}
}

// readSecret reads a secret, shown as label, from standard input
// (--with-key) or a hidden prompt. Without either, it says to run command
// (the command given, --with-key aside) again with --with-key.
func readSecret(ctx context.Context, f *Factory, command, profileName string, withKey bool, label string) (string, error) {
	return readSecretOr(ctx, f, command, profileName, withKey, label, "")
}

// readSecretOr is readSecret keeping stored, the key stored before, when
// no key is given: without --with-key and without a terminal, or when
// Enter alone answers the prompt. It says which.
func readSecretOr(ctx context.Context, f *Factory, command, profileName string, withKey bool, label, stored string) (string, error) {
	var raw string
	prompt := f.IO.CanPrompt() && f.IO.ReadSecret != nil
	if withKey && f.IO.InTTY && f.IO.ReadSecret != nil {
		// --with-key typed or pasted at a terminal: read it hidden, not
		// echoed into the scrollback.
		withKey, prompt, stored = false, true, ""
	}
	keep := func() (string, error) {
		fmt.Fprintf(f.IO.ErrOut, "Keeping the stored key of profile %q (pipe a new one with --with-key to replace it).\n", profileName)
		return stored, nil
	}
	switch {
	case withKey:
		// A terminal may be waited on: Ctrl-C ends the wait.
		line, err := readUntilDone(ctx, func() ([]byte, error) {
			s, err := bufio.NewReaderSize(io.LimitReader(f.IO.In, maxKeyBytes), 4096).ReadString('\n')
			return []byte(s), err
		}, func() {})
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("reading the key from standard input: %w", err)
		}
		raw = line
	case stored != "" && !prompt:
		return keep()
	case prompt:
		hint := "input hidden"
		if stored != "" {
			hint += "; Enter keeps the stored key"
		}
		fmt.Fprintf(f.IO.ErrOut, "? %s for profile %q (%s): ", label, profileName, hint)
		s, err := f.IO.ReadSecret(ctx)
		fmt.Fprintln(f.IO.ErrOut)
		if err != nil {
			return "", fmt.Errorf("reading the key: %w", err)
		}
		if stored != "" && strings.TrimSpace(s) == "" {
			return keep()
		}
		raw = s
	default:
		return "", FlagErrorf("no terminal to ask for the key: pipe it in with --with-key, e.g. `%s`", app.PipeKeyExample(runtime.GOOS, command))
	}
	key, err := app.DecodeKey([]byte(raw))
	switch {
	case err != nil:
		return "", err
	case key == "" && withKey:
		return "", errors.New("no key on standard input (--with-key reads one line)")
	case key == "":
		return "", errors.New("no key entered")
	}
	return key, nil
}

// keyringDocURL is the documentation of the keyrings, per operating system.
const keyringDocURL = "https://github.com/restmcp/restmcp/blob/main/docs/keyring.md"

// keyringUnavailableError explains a keyring that cannot be used and names
// the environment variable that replaces it.
func keyringUnavailableError(f *Factory, err error) error {
	return fmt.Errorf("%w\nThe key cannot be stored in %s.%s Instead, set %s in the environment of every command that needs the key, or log in again with --insecure-storage to keep the key UNENCRYPTED in a file only you can read",
		err, f.Keyring.Describe(), keyringHint(err), f.Brand.Env("API_KEY"))
}

// signsInWithOAuth reports whether this login will sign in with OAuth
// rather than store a key, as far as is known before the description is
// read: the profile signed in with OAuth before, or an OAuth flag is given.
func signsInWithOAuth(f *Factory, opts *LoginOptions, own profile.Profile) bool {
	return own.Auth != nil && own.Auth.Kind == profile.AuthOAuth2 ||
		opts.OAuth || opts.ClientID != "" || opts.Scopes != nil || f.Brand.SignIn.OAuthClientID != ""
}

// oauthKeyringError explains a keyring that cannot be used for an OAuth
// sign-in: the tokens are kept nowhere else (no --insecure-storage), so
// the way is to reach the keyring, or to pass an access token obtained
// elsewhere in the environment variable.
func oauthKeyringError(f *Factory, err error) error {
	return fmt.Errorf("%w\nAn OAuth sign-in keeps its tokens only in %s, so it needs the keyring.%s Make it reachable and sign in again; or set %s to an access token obtained elsewhere, which every command then sends as `Authorization: Bearer` (it is not renewed)",
		err, f.Keyring.Describe(), keyringHint(err), f.Brand.Env("API_KEY"))
}

// keyringHint says how to unlock a locked keyring (err), else, where the
// keyring is often missing (Linux, BSD), how to get one.
func keyringHint(err error) string {
	switch {
	case keyring.Locked(err):
		return " The keyring is locked: unlock it (" + keyring.HowToUnlock + ") and log in again."
	case runtime.GOOS == "darwin" || runtime.GOOS == "windows":
		return ""
	}
	return " The keyring is a Secret Service on the D-Bus session bus, which headless machines, containers and WSL often lack: install and start one, such as gnome-keyring (packages dbus gnome-keyring libsecret-tools; see " + keyringDocURL + "), and log in again."
}

// schemeLabel shows an auth scheme, naming the bare key.
func schemeLabel(s string) string {
	if s == "" {
		return "<key>"
	}
	return s + " <key>"
}
