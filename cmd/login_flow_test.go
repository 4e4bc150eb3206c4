package cmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/oauth/oauthtest"
	"github.com/restmcp/restmcp/profile"
)

// startOAuthServer starts a test authorization server, closed with the
// test.
func startOAuthServer(t *testing.T) *oauthtest.Server {
	t.Helper()
	s, err := oauthtest.Start(oauthtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// oauth2Spec is a description whose oauth2 scheme declares the given
// flows ("authorizationCode", "deviceAuthorization") of s.
func oauth2Spec(t *testing.T, s *oauthtest.Server, flows ...string) string {
	t.Helper()
	var fl []string
	for _, name := range flows {
		switch name {
		case "authorizationCode":
			fl = append(fl, `authorizationCode: {authorizationUrl: "`+s.URL+`/authorize", tokenUrl: "`+s.URL+`/token", scopes: {read: read}}`)
		case "deviceAuthorization":
			fl = append(fl, `deviceAuthorization: {deviceAuthorizationUrl: "`+s.URL+`/device", tokenUrl: "`+s.URL+`/token", scopes: {read: read}}`)
		case "clientCredentials":
			fl = append(fl, `clientCredentials: {tokenUrl: "`+s.URL+`/token", scopes: {read: read}}`)
		default:
			t.Fatalf("no flow %q", name)
		}
	}
	return writeOAuthSpec(t, s, "oauth", `{type: oauth2, flows: {`+strings.Join(fl, ", ")+`}}`)
}

// A provider that offers both the browser's sign-in and the device grant:
// with no browser to open here (no display), login signs in with a code
// entered on any device and says so in one line; --flow chooses either
// way; --no-browser keeps the browser's URL (something else opens it)
// and names --flow device. A provider that offers only one flow signs in
// with it, as before.
func TestLoginOAuthFlowChoice(t *testing.T) {
	both := []string{"authorizationCode", "deviceAuthorization"}
	const noBrowserNote = "No browser can be opened here (no graphical display): signing in with a code entered on any device instead"
	const deviceNote = "pass --flow device for it"
	for _, tc := range []struct {
		name    string
		flows   []string // nil: openIdConnect, whose discovery offers both
		args    []string
		env     map[string]string
		grant   oauth.Grant
		note    string // a line stderr has
		notNote string // a line stderr has not
	}{
		{"both, no display", both, nil, nil, oauth.GrantDeviceCode, noBrowserNote, ""},
		{"both, in a CI job", both, nil, map[string]string{"CI": "true"}, oauth.GrantDeviceCode, noBrowserNote, ""},
		{"openIdConnect, no display", nil, nil, nil, oauth.GrantDeviceCode, noBrowserNote, ""},
		{"both, --flow device", both, []string{"--flow", "device"}, nil, oauth.GrantDeviceCode, "and enter the code", noBrowserNote},
		{"both, --flow browser", both, []string{"--flow", "browser"}, nil, oauth.GrantAuthorizationCode, "Open this URL in a browser", noBrowserNote},
		{"both, --no-browser", both, []string{"--no-browser"}, nil, oauth.GrantAuthorizationCode, deviceNote, noBrowserNote},
		{"browser only, no display", []string{"authorizationCode"}, nil, nil, oauth.GrantAuthorizationCode, "Open this URL in a browser", deviceNote},
		{"device only", []string{"deviceAuthorization"}, nil, nil, oauth.GrantDeviceCode, "and enter the code", noBrowserNote},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startOAuthServer(t)
			spec := oauthSpec(t, s)
			if tc.flows != nil {
				spec = oauth2Spec(t, s, tc.flows...)
			}
			f, _, _ := testFactory(t, tc.env) // no DISPLAY: no browser can be opened
			w := &signInWriter{t: t}
			f.IO.ErrOut = w
			args := append([]string{"login", "-p", "o", "--spec", spec, "--client-id", "restmcp-test"}, tc.args...)
			if code := run(t, f, args...); code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, w)
			}
			if !strings.Contains(w.String(), tc.note) || (tc.notNote != "" && strings.Contains(w.String(), tc.notNote)) {
				t.Errorf("stderr should say %q and not %q:\n%s", tc.note, tc.notNote, w)
			}
			tok, err := oauth.Load(f.App().Tokens(), app.TokenAccount("o"))
			if err != nil {
				t.Fatal(err)
			}
			if tok.Grant != tc.grant {
				t.Errorf("signed in with %s, want %s", tok.Grant, tc.grant)
			}
			st := s.Stats()
			if want := tc.grant == oauth.GrantDeviceCode; (st.DeviceTokens == 1) != want || (st.CodeExchanges == 1) == want {
				t.Errorf("the server saw %+v, want the %s grant only", st, tc.grant)
			}
		})
	}
}

// --flow names a flow the provider offers, on an OAuth 2.0 scheme, and is
// refused before anything is asked or saved otherwise.
func TestLoginOAuthFlowRefused(t *testing.T) {
	s := startOAuthServer(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not a flow", []string{"--spec", oauth2Spec(t, s, "authorizationCode"), "--flow", "sideways"}, `--flow "sideways" is not a sign-in flow: use --flow browser`},
		{"device not offered", []string{"--spec", oauth2Spec(t, s, "authorizationCode"), "--flow", "device"}, "--flow device: scheme oauth (OAuth 2.0 (authorizationCode)) offers no sign-in with a code entered on another device (the device authorization flow): it offers --flow browser"},
		{"client credentials not offered", []string{"--spec", oauth2Spec(t, s, "authorizationCode"), "--flow", "client-credentials"}, "--flow client-credentials: scheme oauth (OAuth 2.0 (authorizationCode)) offers no client credentials flow"},
		{"client credentials, remote MCP server", []string{"--mcp-url", s.URL + "/mcp", "--flow", "client-credentials"}, "--flow client-credentials is for an OpenAPI description"},
		{"browser not offered", []string{"--spec", oauth2Spec(t, s, "deviceAuthorization"), "--flow", "browser"}, "--flow browser: scheme oauth (OAuth 2.0 (deviceAuthorization)) offers no sign-in in a browser (the authorization code flow): it offers --flow device"},
		{"not OAuth", []string{"--spec", writeOAuthSpec(t, s, "key", `{type: apiKey, in: header, name: X-Key}`), "--flow", "device"}, "--flow is for an OAuth 2.0 sign-in; scheme key is API key in header X-Key"},
		{"remote MCP server", []string{"--mcp-url", s.URL + "/mcp", "--flow", "device"}, "--flow device is for an OpenAPI description"},
		// A login that takes a key, asked for next, says so rather than
		// asking for it.
		{"a header of one's choice", []string{"--spec", oauth2Spec(t, s, "authorizationCode", "deviceAuthorization"), "--auth-header", "X-Key", "--flow", "device"}, "--flow is for an OAuth 2.0 sign-in, and this login takes a key"},
		{"no scheme", []string{"--spec", writeOAuthSpec(t, s, "key", `{type: mutualTLS}`), "--flow", "browser"}, "--flow is for an OAuth 2.0 sign-in, and this login takes a key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _, errOut := testFactory(t, nil)
			args := append([]string{"login", "-p", "o", "--client-id", "restmcp-test"}, tc.args...)
			if code := run(t, f, args...); code != 2 || !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("exit %d, stderr:\n%s", code, errOut)
			}
			if st := s.Stats(); st.DeviceTokens+st.CodeExchanges+st.Authorizations != 0 {
				t.Errorf("signed in: %+v", st)
			}
			if _, err := f.App().Tokens().Get(app.TokenAccount("o")); err == nil {
				t.Error("a token was stored")
			}
		})
	}
}

// The flow a user chose with --flow is saved with the profile: the next
// login signs in with it again, unless --flow names another; status says
// which flow signs the profile in, and that the next login keeps it. A
// profile saved without a flow (before it was kept, or signed in with the
// device grant for want of a browser) chooses again.
func TestLoginOAuthFlowKept(t *testing.T) {
	s := startOAuthServer(t)
	spec := oauth2Spec(t, s, "authorizationCode", "deviceAuthorization")
	f, out, _ := testFactory(t, nil) // no DISPLAY: no browser can be opened
	login := func(t *testing.T, want oauth.Grant, note string, args ...string) {
		t.Helper()
		w := &signInWriter{t: t}
		f.IO.ErrOut = w
		before := s.Stats()
		args = append([]string{"login", "-p", "o", "--spec", spec, "--client-id", "restmcp-test"}, args...)
		if code := run(t, f, args...); code != 0 {
			t.Fatalf("exit %d, stderr:\n%s", code, w)
		}
		if !strings.Contains(w.String(), note) {
			t.Errorf("stderr should say %q:\n%s", note, w)
		}
		st := s.Stats()
		if device := st.DeviceTokens > before.DeviceTokens; device != (want == oauth.GrantDeviceCode) || device == (st.CodeExchanges > before.CodeExchanges) {
			t.Errorf("the server saw %+v after %+v, want the %s grant", st, before, want)
		}
	}
	stored := func(t *testing.T) (profile.Store, profile.Profile) {
		t.Helper()
		store, err := f.Profiles()
		if err != nil {
			t.Fatal(err)
		}
		p, err := store.Get("o")
		if err != nil {
			t.Fatal(err)
		}
		return store, p
	}
	saved := func(t *testing.T) *profile.OAuth {
		t.Helper()
		_, p := stored(t)
		return p.Auth.OAuth
	}
	status := func(t *testing.T, flow string, kept bool) {
		t.Helper()
		out.Reset()
		var st []map[string]any
		if code := run(t, f, "status", "-p", "o", "--offline", "--json"); code != 0 || json.Unmarshal(out.Bytes(), &st) != nil || len(st) != 1 {
			t.Fatalf("status --json: exit %d: %s", code, out)
		}
		if st[0]["flow"] != flow || (st[0]["flow_kept"] == true) != kept {
			t.Errorf("status --json says flow %v, kept %v; want %s, %v:\n%s", st[0]["flow"], st[0]["flow_kept"], flow, kept, out)
		}
		out.Reset()
		if code := run(t, f, "status", "-p", "o", "--offline"); code != 0 {
			t.Fatalf("status: exit %d: %s", code, out)
		}
		line := "  Sign-in:     " + flowLabel(flow, kept) + "\n"
		if !strings.Contains(out.String(), line) || strings.Contains(out.String(), "next login") != kept {
			t.Errorf("status should print %q:\n%s", line, out)
		}
	}

	// --flow browser is kept: with no browser to open, the next login
	// would choose the device grant.
	login(t, oauth.GrantAuthorizationCode, "Open this URL in a browser", "--flow", "browser")
	if o := saved(t); o.Flow != flowBrowser {
		t.Errorf("saved flow %q, want %q", o.Flow, flowBrowser)
	}
	status(t, flowBrowser, true)
	login(t, oauth.GrantAuthorizationCode, "Signing in with a browser, as chosen at an earlier login (--flow device")

	// --flow device replaces it, and is kept: --no-browser alone would
	// sign in with the browser's URL.
	login(t, oauth.GrantDeviceCode, "and enter the code", "--flow", "device")
	status(t, flowDevice, true)
	login(t, oauth.GrantDeviceCode, "Signing in with a code entered on any device, as chosen at an earlier login (--flow browser", "--no-browser")
	if o := saved(t); o.Flow != flowDevice || o.Grant != string(oauth.GrantDeviceCode) {
		t.Errorf("saved flow %q, grant %q", o.Flow, o.Grant)
	}

	// A profile saved before the flow was kept chooses again: the
	// browser's URL with --no-browser, saved as no choice.
	store, p := stored(t)
	p.Auth.OAuth.Flow = ""
	if err := store.Save(p); err != nil {
		t.Fatal(err)
	}
	status(t, flowDevice, false)
	login(t, oauth.GrantAuthorizationCode, "pass --flow device for it", "--no-browser")
	if o := saved(t); o.Flow != "" {
		t.Errorf("saved flow %q, want none", o.Flow)
	}
	status(t, flowBrowser, false)

	// The device grant taken for want of a browser is not the user's
	// choice and is not kept: the next login chooses again, here the
	// browser's URL with --no-browser.
	login(t, oauth.GrantDeviceCode, "No browser can be opened here (no graphical display): signing in with a code entered on any device instead (--flow browser to sign in with a browser that reaches this machine, --flow device to keep this choice)")
	if o := saved(t); o.Flow != "" {
		t.Errorf("saved flow %q, want none", o.Flow)
	}
	status(t, flowDevice, false)
	login(t, oauth.GrantAuthorizationCode, "pass --flow device for it", "--no-browser")

	// A kept flow the provider no longer offers: said, and chosen again.
	login(t, oauth.GrantDeviceCode, "and enter the code", "--flow", "device")
	browserOnly := oauth2Spec(t, s, "authorizationCode")
	login(t, oauth.GrantAuthorizationCode, "The provider no longer offers the sign-in chosen at an earlier login (--flow device): choosing again.", "--spec", browserOnly, "--no-browser")
	if o := saved(t); o.Flow != "" {
		t.Errorf("saved flow %q after the kept one was dropped, want none", o.Flow)
	}
}

// A browser sign-in that cannot happen in a CI job names --flow device
// when the provider offers the device grant, and not otherwise.
func TestUnattendedSignInNamesTheDeviceFlow(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	s := startOAuthServer(t)
	for _, tc := range []struct {
		name   string
		flows  []string
		device bool
	}{
		{"device offered", []string{"authorizationCode", "deviceAuthorization"}, true},
		{"browser only", []string{"authorizationCode"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _, errOut := testFactory(t, map[string]string{"CI": "true"})
			code := run(t, f, "login", "-p", "o", "--spec", oauth2Spec(t, s, tc.flows...), "--client-id", "restmcp-test", "--flow", "browser")
			if code != 1 || !strings.Contains(errOut.String(), "no browser was opened") || !strings.Contains(errOut.String(), "--no-browser") {
				t.Fatalf("exit %d, stderr:\n%s", code, errOut)
			}
			if named := strings.Contains(errOut.String(), "pass --flow device to sign in with a code entered on any device"); named != tc.device {
				t.Errorf("names --flow device: %v, want %v:\n%s", named, tc.device, errOut)
			}
		})
	}
}

// A provider that offers user sign-ins and the client credentials grant:
// login signs in as a user unless --flow client-credentials asks for the
// client's own token, with the client secret read from standard input;
// the choice is kept, and status names it.
func TestLoginOAuthFlowClientCredentials(t *testing.T) {
	s := startOAuthServer(t)
	spec := oauth2Spec(t, s, "authorizationCode", "clientCredentials")
	f, out, _ := testFactory(t, nil)
	login := func(args ...string) string {
		t.Helper()
		w := &signInWriter{t: t}
		f.IO.ErrOut = w
		f.IO.In = strings.NewReader(s.ClientSecret() + "\n")
		if code := run(t, f, append([]string{"login", "-p", "o", "--spec", spec, "--client-id", "restmcp-test", "--with-key"}, args...)...); code != 0 {
			t.Fatalf("login %v: exit %d, stderr:\n%s", args, code, w)
		}
		return w.String()
	}
	login("--flow", "client-credentials")
	if st := s.Stats(); st.ClientCredentials != 1 || st.Authorizations != 0 {
		t.Errorf("the server saw %+v, want one client credentials token and no user sign-in", st)
	}
	tok, err := oauth.Load(f.App().Tokens(), app.TokenAccount("o"))
	if err != nil || tok.Grant != oauth.GrantClientCredentials {
		t.Fatalf("stored token: %v, %v", tok, err)
	}
	out.Reset()
	if code := run(t, f, "status", "-p", "o", "--offline"); code != 0 ||
		!strings.Contains(out.String(), "  Sign-in:     client credentials (the stored client secret), chosen at login: the next login uses it too") {
		t.Errorf("status: exit %d:\n%s", code, out)
	}
	// Signing in again keeps it, and says so.
	if got := login(); !strings.Contains(got, "Signing in with the client's credentials, as chosen at an earlier login") {
		t.Errorf("the second login did not say it kept the flow:\n%s", got)
	}
	if st := s.Stats(); st.ClientCredentials != 2 || st.Authorizations != 0 {
		t.Errorf("the server saw %+v after signing in again", st)
	}
}
