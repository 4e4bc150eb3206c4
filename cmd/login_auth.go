package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/keyring"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/profile"
)

// chooseAuth sets own.Auth from the description's security schemes: the
// one --scheme names, the one stored before, the only one declared, or the
// one the user picks on a terminal. --auth-header and --auth-scheme
// override the description (the key goes in that header); so does a
// description that declares nothing usable.
func (f *Factory) chooseAuth(ctx context.Context, opts *LoginOptions, own *profile.Profile, p profile.Profile) error {
	fl := opts.Profile.cmd.Flags()
	d := f.Brand.Defaults
	// A header chosen now, before (saved), or by the build wins over the
	// description unless --scheme says otherwise.
	chosen := own.Auth == nil && (own.AuthHeader != "" || own.AuthScheme != nil || own.AuthFormat != "") ||
		d.AuthHeader != "" || d.AuthScheme != nil
	if fl.Changed("auth-header") || fl.Changed("auth-scheme") || fl.Changed("auth-format") || (opts.Scheme == "" && chosen) {
		if opts.Scheme != "" {
			return FlagErrorf("--scheme chooses a scheme the description declares; --auth-header, --auth-scheme and --auth-format send the key in a header of your choice: give one or the other")
		}
		own.Auth = nil
		return nil
	}
	read, err := opts.description(ctx, f, p)
	var api *client.API
	if err == nil {
		api = read.API
	}
	switch {
	case err != nil && errors.Is(err, client.ErrUnreachable) && !opts.NoCheck && (p.CheckPath == "" || p.BaseURL == ""):
		// The key check would wait as long again for the same: its
		// error now. With --base-url and --check-path it does without
		// the description.
		err = &app.CheckSetupError{Fix: app.FixUnreachable, Err: fmt.Errorf("the API description at %s cannot be reached: %w", client.ShowURL(p.Spec), err)}
		return fmt.Errorf("%w%s; nothing was stored", err, loginCheckHint(err))
	case err != nil && opts.Scheme != "" && errors.Is(err, client.ErrNeedsKey):
		// A description the API shows only with the key: read with
		// it (where --spec-auth says) once it is given, and the scheme
		// chosen then (chooseAuthWithKey).
		opts.schemeAfterKey = true
		return nil
	case err != nil && opts.Scheme != "":
		return err
	case err != nil:
		return nil // the key check reports it; the header default applies
	}
	return f.pickScheme(ctx, opts, own, p, api)
}

// chooseAuthWithKey is chooseAuth for a description read with key: the
// scheme --scheme names, once the description that needs the key could be
// read (see LoginOptions.schemeAfterKey).
func (f *Factory) chooseAuthWithKey(ctx context.Context, opts *LoginOptions, own *profile.Profile, p profile.Profile, key string) error {
	// Without the compiled description cache: a copy saved earlier must
	// not stand in for a description this key cannot read.
	api, err := opts.Profile.app(f, true).LoadAPI(ctx, p, app.Credential(p, client.StaticKey(key)))
	if err != nil {
		return fmt.Errorf("%w; nothing was stored", err)
	}
	if err := f.pickScheme(ctx, opts, own, p, api); err != nil {
		return err
	}
	if own.Auth.Kind == profile.AuthOAuth2 {
		return FlagErrorf("scheme %s is %s, which signs in instead of taking a key, and the description can only be read with a key: save the description to a file and log in with --spec FILE; nothing was saved", own.Auth.Scheme, opts.scheme.Kind())
	}
	return nil
}

// pickScheme sets own.Auth to the scheme of api that --scheme names, the
// build or the stored profile chose, the only one declared, or the one
// the user picks on a terminal.
func (f *Factory) pickScheme(ctx context.Context, opts *LoginOptions, own *profile.Profile, p profile.Profile, api *client.API) error {
	fl := opts.Profile.cmd.Flags()
	name := opts.Scheme
	if name == "" && f.Brand.SignIn.Scheme != "" && api.SecuritySchemes[f.Brand.SignIn.Scheme] != nil {
		name = f.Brand.SignIn.Scheme
	}
	if name == "" && own.Auth != nil && api.SecuritySchemes[own.Auth.Scheme] != nil && api.SecuritySchemes[own.Auth.Scheme].Supported() {
		name = own.Auth.Scheme // logging in again keeps the scheme
	}
	s, err := app.ChooseScheme(api, name)
	var choice *app.SchemeChoiceError
	switch {
	case errors.Is(err, app.ErrNoScheme):
		own.Auth = nil
		return nil
	case errors.As(err, &choice) && f.IO.CanPrompt():
		if s, err = f.askScheme(ctx, choice.Schemes); err != nil {
			return err
		}
	case errors.As(err, &choice):
		return FlagErrorf("%s\nAdd --scheme NAME to the same command, e.g. `%s --scheme %s`; nothing was saved", err, givenCommand(opts.Profile.cmd), choice.Schemes[0].Name)
	case err != nil:
		return FlagErrorf("%s", err)
	}
	prev := own.Auth
	au := app.AuthFor(s, app.SelectedOperations(api, p))
	switch au.Kind {
	case profile.AuthBasic:
		au.Username = opts.Username
		if !fl.Changed("username") && prev != nil && prev.Kind == profile.AuthBasic {
			// --username "" says: no user name now, the secret is the pair.
			au.Username = prev.Username
		}
		// No user name: the secret asked for next is the pair,
		// user:password, or KEY: for an API that takes the key as the
		// user name (curl -u KEY:), so that a key is never on the command
		// line nor in the profile.
		if strings.Contains(au.Username, ":") {
			return FlagErrorf("--username %q cannot be sent: an HTTP basic user name holds no ':' (the API would read the user name up to the first colon, the rest as part of the password); nothing was saved", au.Username)
		}
	case profile.AuthOAuth2:
		if err := f.fillOAuth(ctx, opts, au.OAuth, s, prev); err != nil {
			return err
		}
	}
	if opts.Username != "" && au.Kind != profile.AuthBasic {
		return FlagErrorf("--username is for HTTP basic; scheme %s is %s", s.Name, s.Kind())
	}
	if opts.Flow != "" && au.Kind != profile.AuthOAuth2 {
		return FlagErrorf("--flow is for an OAuth 2.0 sign-in; scheme %s is %s", s.Name, s.Kind())
	}
	own.Auth, opts.scheme = au, s
	inAuthorization := au.Kind == profile.AuthAPIKey && au.In == "header" && strings.EqualFold(au.Name, "Authorization")
	if !inAuthorization {
		// The --auth-format of an earlier login shaped the key for its own
		// header: it would wrap the key in this scheme's.
		own.AuthFormat = ""
	}
	sent := ""
	if inAuthorization {
		// The declaration leaves the word before the key to the profile.
		sent = fmt.Sprintf(", sent as `%s` (--auth-scheme WORD sends another word, \"\" the bare key)", app.SentAs(f.Brand.Apply(*own)))
	}
	fmt.Fprintf(f.IO.ErrOut, "Using scheme %s: %s%s.\n", s.Name, s.Kind(), sent)
	return nil
}

// askScheme lists schemes on the terminal and reads the user's pick.
func (f *Factory) askScheme(ctx context.Context, schemes []*client.SecurityScheme) (*client.SecurityScheme, error) {
	fmt.Fprintln(f.IO.ErrOut, "The API declares several ways to authenticate:")
	for i, s := range schemes {
		fmt.Fprintf(f.IO.ErrOut, "  %d. %s: %s; needs %s\n", i+1, s.Name, s.Kind(), app.SchemeNeeds(s))
	}
	fmt.Fprintf(f.IO.ErrOut, "? Which one (1-%d)? ", len(schemes))
	line, err := readUntilDone(ctx, func() ([]byte, error) {
		s, err := bufio.NewReader(f.IO.In).ReadString('\n')
		return []byte(s), err
	}, func() {})
	if err != nil && line == "" {
		return nil, fmt.Errorf("reading the choice: %w", err)
	}
	line = strings.TrimSpace(line)
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(schemes) {
		return schemes[n-1], nil
	}
	for _, s := range schemes {
		if s.Name == line {
			return s, nil
		}
	}
	return nil, FlagErrorf("%q is not one of the schemes: pass --scheme NAME", line)
}

// fillOAuth completes an OAuth 2.0 client: the provider's endpoints (by
// discovery for openIdConnect), the client ID, and the scopes: --scopes,
// else those of the previous sign-in to the same scheme (unless the tool
// selection changes now: then those its operations need), else the
// build's, else those the operations need (already in o).
func (f *Factory) fillOAuth(ctx context.Context, opts *LoginOptions, o *profile.OAuth, s *client.SecurityScheme, prev *profile.Auth) error {
	// offers reports whether the provider signs in with a grant: the
	// flows an oauth2 scheme declares, or what discovery says.
	offers := func(g oauth.Grant) bool { _, ok := s.Flows[app.OAuthFlowName(g)]; return ok }
	if s.Type == client.TypeOpenIDConnect {
		md, err := oauth.Discover(ctx, &http.Client{Timeout: opts.CheckTimeout}, s.OpenIDConnectURL)
		if err != nil {
			return fmt.Errorf("discovering the sign-in endpoints of scheme %s: %w", s.Name, err)
		}
		o.AuthURL, o.TokenURL, o.DeviceAuthURL, o.RevocationURL = md.AuthorizationEndpoint, md.TokenEndpoint, md.DeviceAuthorizationEndpoint, md.RevocationEndpoint
		o.ClientAuth = md.ClientAuth()
		o.Issuer, o.IssParameterSupported = md.Issuer, md.IssParameterSupported
		if o.AuthURL == "" && md.SupportsGrant(oauth.GrantDeviceCode) {
			o.Grant = string(oauth.GrantDeviceCode)
		}
		offers = func(g oauth.Grant) bool {
			if g == oauth.GrantAuthorizationCode {
				return md.AuthorizationEndpoint != ""
			}
			return md.SupportsGrant(g)
		}
	}
	samePrev := prev != nil && prev.OAuth != nil && prev.Scheme == s.Name
	kept := ""
	if samePrev {
		kept = prev.OAuth.Flow
	}
	if err := f.chooseOAuthFlow(opts, o, s, offers, kept); err != nil {
		return err
	}
	o.ClientID = opts.ClientID
	if o.ClientID == "" && prev != nil && prev.OAuth != nil {
		o.ClientID = prev.OAuth.ClientID
	}
	if o.ClientID == "" {
		o.ClientID = f.Brand.SignIn.OAuthClientID
	}
	if o.ClientID == "" {
		return FlagErrorf("scheme %s is %s: register a client with the provider (redirect URI http://127.0.0.1/callback) and pass its ID with --client-id", s.Name, s.Kind())
	}
	switch {
	case opts.Scopes != nil:
		o.Scopes = opts.Scopes
	case samePrev && len(prev.OAuth.Scopes) > 0 && opts.Profile.selectionFrom() == app.SelectionStored:
		// Signing in again, as every error advises, keeps the scopes
		// chosen at the first sign-in.
		o.Scopes = prev.OAuth.Scopes
	case len(f.Brand.SignIn.OAuthScopes) > 0:
		o.Scopes = f.Brand.SignIn.OAuthScopes
	}
	return nil
}

// The values of --flow: how an OAuth 2.0 sign-in reaches the user.
const (
	flowBrowser = "browser"            // the authorization code grant
	flowDevice  = "device"             // the device authorization grant
	flowClient  = "client-credentials" // the client credentials grant
)

// chooseOAuthFlow makes o sign in with the flow --flow names, among those
// the provider offers (offers), else with the flow kept from the last
// login to the same scheme (kept: "" when none was chosen) while the
// provider still offers it. Without either, a provider that offers both
// the authorization code and the device grant signs in with the device
// grant when no browser can be opened here (no display, no xdg-open),
// saying so: the code is entered on any device, while the authorization
// code's redirect can only reach this machine. With --no-browser,
// something else opens the printed URL: the authorization code stays,
// with a line naming --flow device. The flow the user chose (by --flow,
// or kept) is saved in o.Flow, for the next login; the device grant taken
// for want of a browser is not, as the next login may run where one opens.
func (f *Factory) chooseOAuthFlow(opts *LoginOptions, o *profile.OAuth, s *client.SecurityScheme, offers func(oauth.Grant) bool, kept string) error {
	browser, device := offers(oauth.GrantAuthorizationCode), offers(oauth.GrantDeviceCode)
	opts.deviceOffered = device
	use := func(g oauth.Grant) error {
		if !app.UseOAuthGrant(o, s, g) {
			return fmt.Errorf("scheme %s declares no %s flow", s.Name, app.OAuthFlowName(g))
		}
		o.Flow = flowOf(g)
		return nil
	}
	switch opts.Flow {
	case flowBrowser:
		if !browser {
			return FlagErrorf("--flow browser: scheme %s (%s) offers no sign-in in a browser (the authorization code flow)%s; nothing was saved", s.Name, s.Kind(), alsoOffers(device, flowDevice))
		}
		return use(oauth.GrantAuthorizationCode)
	case flowDevice:
		if !device {
			return FlagErrorf("--flow device: scheme %s (%s) offers no sign-in with a code entered on another device (the device authorization flow)%s; nothing was saved", s.Name, s.Kind(), alsoOffers(browser, flowBrowser))
		}
		return use(oauth.GrantDeviceCode)
	case flowClient:
		if !offers(oauth.GrantClientCredentials) {
			return FlagErrorf("--flow client-credentials: scheme %s (%s) offers no client credentials flow; nothing was saved", s.Name, s.Kind())
		}
		return use(oauth.GrantClientCredentials)
	}
	switch {
	case kept == flowDevice && device:
		if browser {
			opts.flowNote = "Signing in with a code entered on any device, as chosen at an earlier login (--flow browser to sign in with a browser instead)."
		}
		return use(oauth.GrantDeviceCode)
	case kept == flowBrowser && browser:
		if device {
			opts.flowNote = "Signing in with a browser, as chosen at an earlier login (--flow device to sign in with a code entered on any device instead)."
		}
		return use(oauth.GrantAuthorizationCode)
	case kept == flowClient && offers(oauth.GrantClientCredentials):
		if browser || device {
			opts.flowNote = "Signing in with the client's credentials, as chosen at an earlier login (--flow browser or --flow device to sign in as a user instead)."
		}
		return use(oauth.GrantClientCredentials)
	}
	if kept != "" {
		// Kept, and no longer offered: the choice below is said after.
		opts.flowNote = fmt.Sprintf("The provider no longer offers the sign-in chosen at an earlier login (--flow %s): choosing again.", kept)
	}
	if o.Grant != string(oauth.GrantAuthorizationCode) || !device {
		return nil
	}
	if opts.NoBrowser {
		opts.flowNote = joinNotes(opts.flowNote, "The provider also offers a sign-in with a code entered on any device: pass --flow device for it.")
		return nil
	}
	why := oauth.BrowserUnavailable(f.Getenv)
	if why == nil {
		return nil
	}
	if err := use(oauth.GrantDeviceCode); err != nil {
		return err
	}
	// Chosen for this machine as it is now, not by the user: a later
	// login where a browser can open signs in with it.
	o.Flow = ""
	opts.flowNote = joinNotes(opts.flowNote, fmt.Sprintf("No browser can be opened here (%s): signing in with a code entered on any device instead (--flow browser to sign in with a browser that reaches this machine, --flow device to keep this choice).", why))
	return nil
}

// joinNotes joins two sentences said on one line; either may be empty.
func joinNotes(a, b string) string {
	return strings.TrimSpace(a + " " + b)
}

// flowOf is the --flow value that signs in with grant g ("" for a grant
// no --flow names).
func flowOf(g oauth.Grant) string {
	switch g {
	case oauth.GrantAuthorizationCode:
		return flowBrowser
	case oauth.GrantDeviceCode:
		return flowDevice
	case oauth.GrantClientCredentials:
		return flowClient
	}
	return ""
}

// alsoOffers names the other --flow value when the provider offers it.
func alsoOffers(offered bool, flow string) string {
	if offered {
		return ": it offers --flow " + flow
	}
	return ""
}

// loginOAuthAPI signs in to the API's OAuth 2.0 provider and stores the
// tokens (and a client secret) in the keyring.
func (f *Factory) loginOAuthAPI(ctx context.Context, opts *LoginOptions, own profile.Profile, store profile.Store) error {
	if opts.InsecureStorage {
		return FlagErrorf("OAuth tokens are only kept in the OS keyring: drop --insecure-storage (without a keyring, set %s to an access token instead)", f.Brand.Env("API_KEY"))
	}
	o := own.Auth.OAuth
	var secret string
	if o.Grant == string(oauth.GrantClientCredentials) || opts.WithKey {
		s, err := readSecret(ctx, f, givenCommand(opts.Profile.cmd), own.Name, opts.WithKey, "Client secret")
		if err != nil {
			return err
		}
		secret = s
	} else if kept, err := f.keptClientSecret(own, store); err != nil {
		return err
	} else if kept != "" {
		// Signing in again (as every "sign in again" message says) keeps
		// the secret of the same client: providers that want it with
		// PKCE too (GitHub's OAuth apps) would refuse the sign-in.
		secret = kept
		fmt.Fprintln(f.IO.ErrOut, "✓ Using the client secret stored for this client (pass --with-key to give another).")
	}
	o.ClientSecret = secret != ""
	cfg := app.OAuthClient(o, secret)
	var err error
	// --no-browser says something else opens the URL (a script in a CI
	// job may): then the sign-in waits for it, wherever it runs.
	lo := oauth.LoginOptions{Out: f.IO.ErrOut, Unattended: f.unattended() && !opts.NoBrowser}
	if !opts.NoBrowser {
		lo.OpenBrowser = oauth.OpenBrowser
	}
	if opts.flowNote != "" {
		fmt.Fprintln(f.IO.ErrOut, opts.flowNote)
	}
	var tok *oauth.Token
	switch oauth.Grant(o.Grant) {
	case oauth.GrantClientCredentials:
		tok, err = cfg.ClientCredentials(ctx)
	case oauth.GrantDeviceCode:
		tok, err = cfg.LoginDevice(ctx, lo)
	default:
		tok, err = cfg.LoginAuthCode(ctx, lo)
	}
	var se *oauth.ServerError
	switch {
	case errors.Is(err, oauth.ErrNoBrowser):
		return unattendedSignIn(f, err, opts.deviceOffered)
	case err != nil && ctx.Err() != nil:
		return signInInterrupted()
	case err != nil && secret == "" && errors.As(err, &se) && (se.Code == "invalid_client" || se.Code == "unauthorized_client" || se.Status == http.StatusUnauthorized):
		return fmt.Errorf("%w; nothing was stored.\nThe provider may want the client's secret too (as GitHub's OAuth apps and Google's clients do): sign in again with it on standard input, e.g. `%s`",
			err, app.PipeKeyExample(runtime.GOOS, givenCommand(opts.Profile.cmd)))
	case err != nil:
		return fmt.Errorf("%w; nothing was stored", err)
	}
	fmt.Fprintln(f.IO.ErrOut, "✓ Signed in.")
	return f.storeOAuthLogin(own, store, secret, tok)
}

// unattended reports whether nobody can open a sign-in URL on this
// machine by hand: a CI job (CI set, as CI services set it, and not
// "false" or "0") whose standard input is not a terminal. A browser
// sign-in that opened no browser there would wait for nothing.
func (f *Factory) unattended() bool {
	ci := strings.ToLower(strings.TrimSpace(f.Getenv("CI")))
	return ci != "" && ci != "false" && ci != "0" && !f.IO.InTTY
}

// unattendedSignIn is the error of a browser sign-in that opened no
// browser in a CI job (err is oauth.ErrNoBrowser's); device says that the
// provider offers the device grant too, whose code is entered on any
// device.
func unattendedSignIn(f *Factory, err error, device bool) error {
	alsoDevice := ""
	if device {
		alsoDevice = ", pass --flow device to sign in with a code entered on any device"
	}
	return fmt.Errorf("%w (none could start), and in a CI job (CI is set, standard input is not a terminal) nobody can open its URL on this machine; nothing was stored.\nGive the job an access token in %s (it takes precedence over the keyring), sign in from a terminal%s, or pass --no-browser when something in the job opens the printed URL",
		err, f.Brand.Env("API_KEY"), alsoDevice)
}

// signInInterrupted is the error of a sign-in that Ctrl-C (or SIGTERM)
// ended while it waited for the browser or the device code: the command
// exits as an interrupted one (exitCode).
func signInInterrupted() error {
	return fmt.Errorf("the sign-in was %w; nothing was stored", errInterrupted)
}

// keptClientSecret is the client secret stored for own's profile when it
// was stored for the same client (the profile's client ID and token
// endpoint unchanged), else "". A keyring that cannot be read is an
// error: signing in as a public client would then remove that secret.
func (f *Factory) keptClientSecret(own profile.Profile, store profile.Store) (string, error) {
	prev, err := store.Get(own.Name)
	if err != nil || prev.Auth == nil || prev.Auth.OAuth == nil || !prev.Auth.OAuth.ClientSecret {
		return "", nil
	}
	if p, o := prev.Auth.OAuth, own.Auth.OAuth; p.ClientID != o.ClientID || p.TokenURL != o.TokenURL {
		return "", nil
	}
	secret, err := f.Keyring.Get(app.ClientSecretAccount(own.Name))
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("reading the client secret stored for profile %q: %w; nothing was changed (pass the secret again with --with-key, or try again once the keyring answers)", own.Name, err)
	}
	return secret, nil
}

// storeOAuthLogin stores what an OAuth sign-in left: the client secret
// (when there is one) and the tokens in the keyring, then the profile.
func (f *Factory) storeOAuthLogin(own profile.Profile, store profile.Store, secret string, tok *oauth.Token) error {
	if secret != "" {
		if err := f.Keyring.Set(app.ClientSecretAccount(own.Name), secret); err != nil {
			return storeTokenError(f, "the client secret", err)
		}
	} else if err := f.Keyring.Delete(app.ClientSecretAccount(own.Name)); err == nil {
		// A public client now: the secret of the one before is of no use.
		fmt.Fprintf(f.IO.ErrOut, "✓ Removed the client secret of the earlier sign-in from %s.\n", f.Keyring.Describe())
	}
	// Under the renewal lock: a serve renewing the earlier sign-in's token
	// just now stores it first, not over this one.
	account := app.TokenAccount(own.Name)
	if err := oauth.WithLock(context.Background(), f.App().LockDir(), account, func() error {
		return oauth.Save(f.App().Tokens(), account, tok)
	}); err != nil {
		return storeTokenError(f, "the tokens", err)
	}
	if err := store.Save(own); err != nil {
		return fmt.Errorf("saving profile %q: %w", own.Name, err)
	}
	fmt.Fprintf(f.IO.ErrOut, "✓ Saved profile %q in %s.\n", own.Name, store.Path())
	fmt.Fprintf(f.IO.ErrOut, "✓ Stored the tokens in %s, account %q.\n", f.Keyring.Describe(), account)
	warnEnvPrecedence(f, "the tokens")
	return forgetKey(f, own.Name)
}

// storeTokenError is the error of a sign-in whose what (the tokens, the
// client secret) the keyring did not take.
func storeTokenError(f *Factory, what string, err error) error {
	err = fmt.Errorf("storing %s in %s: %w", what, f.Keyring.Describe(), err)
	if errors.Is(err, keyring.ErrUnavailable) {
		return oauthKeyringError(f, err)
	}
	return err
}

// givenCommand is c's command line as given, rebuilt from its flags (set
// ones only, --profile first, values quoted for a POSIX shell). No flag
// carries a key, so none is repeated; a --header shows its name alone.
func givenCommand(c *cobra.Command) string {
	parts := []string{c.CommandPath()}
	add := func(fl *pflag.Flag) {
		switch {
		case fl.Value.Type() == "bool" && fl.Value.String() == "true":
			parts = append(parts, "--"+fl.Name)
			return
		case fl.Value.Type() == "bool":
			parts = append(parts, "--"+fl.Name+"="+fl.Value.String())
			return
		}
		vals := []string{fl.Value.String()}
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			vals = sv.GetSlice()
		}
		for _, v := range vals {
			if fl.Name == "header" {
				// Its value is the user's to see, not a log's: shown
				// by name only.
				name, _, _ := strings.Cut(v, ":")
				v = strings.TrimSpace(name) + ": …"
			}
			parts = append(parts, "--"+fl.Name, app.QuoteProfileName(v))
		}
	}
	fs := c.Flags()
	if pfl := fs.Lookup("profile"); pfl != nil {
		add(pfl) // always: the default profile too, to be plain
	}
	fs.Visit(func(fl *pflag.Flag) {
		if fl.Name != "profile" {
			add(fl)
		}
	})
	return strings.Join(parts, " ")
}
