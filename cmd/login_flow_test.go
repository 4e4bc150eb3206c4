package cmd

import (
	"strings"
	"testing"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/oauth"
	"github.com/restmcp/restmcp/oauth/oauthtest"
)

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
			s, err := oauthtest.Start(oauthtest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
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
	s, err := oauthtest.Start(oauthtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not a flow", []string{"--spec", oauth2Spec(t, s, "authorizationCode"), "--flow", "sideways"}, `--flow "sideways" is not a sign-in flow: use --flow browser`},
		{"device not offered", []string{"--spec", oauth2Spec(t, s, "authorizationCode"), "--flow", "device"}, "--flow device: scheme oauth (OAuth 2.0 (authorizationCode)) offers no sign-in with a code entered on another device (the device authorization flow): it offers --flow browser"},
		{"browser not offered", []string{"--spec", oauth2Spec(t, s, "deviceAuthorization"), "--flow", "browser"}, "--flow browser: scheme oauth (OAuth 2.0 (deviceAuthorization)) offers no sign-in in a browser (the authorization code flow): it offers --flow device"},
		{"not OAuth", []string{"--spec", writeOAuthSpec(t, s, "key", `{type: apiKey, in: header, name: X-Key}`), "--flow", "device"}, "--flow is for an OAuth 2.0 sign-in; scheme key is API key in header X-Key"},
		{"remote MCP server", []string{"--mcp-url", s.URL + "/mcp", "--flow", "device"}, "--flow device is for an OpenAPI description"},
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
