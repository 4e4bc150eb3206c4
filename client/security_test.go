package client

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

const securityDoc = `{"openapi":"3.0.3","info":{"title":"s","version":"1"},
"servers":[{"url":"https://api.example.com"}],
"security":[{"key":[]}],
"components":{"securitySchemes":{
 "key":{"type":"apiKey","in":"query","name":"api_key"},
 "basic":{"type":"http","scheme":"basic"},
 "oauth":{"type":"oauth2","flows":{"authorizationCode":{"authorizationUrl":"https://a.example.com/auth","tokenUrl":"https://a.example.com/token","scopes":{"read":"r","write":"w"}}}}}},
"paths":{
 "/public":{"get":{"operationId":"public","security":[]}},
 "/global":{"get":{"operationId":"global"}},
 "/either":{"get":{"operationId":"either","security":[{"basic":[]},{"oauth":["read"]}]}},
 "/write":{"post":{"operationId":"write","security":[{"oauth":["write","read"]}]}},
 "/optional":{"get":{"operationId":"optional","security":[{},{"oauth":["read"]}]}},
 "/anonymous":{"get":{"operationId":"anonymous","security":[{}]}}}}`

func loadString(t *testing.T, doc string) *API {
	t.Helper()
	f := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(f, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	api, err := Load(context.Background(), f, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func TestSecurityRequirements(t *testing.T) {
	api := loadString(t, securityDoc)
	if s := api.SecuritySchemes["key"]; s == nil || s.In != "query" || s.ParamName != "api_key" {
		t.Fatalf("key scheme: %+v", s)
	}
	if s := api.SecuritySchemes["oauth"]; s == nil || !slices.Equal(s.Flows["authorizationCode"].Scopes, []string{"read", "write"}) {
		t.Fatalf("oauth scheme: %+v", s)
	}
	for _, tt := range []struct {
		id       string
		security bool
		ok       map[string]bool
	}{
		{"public", false, map[string]bool{"key": true, "basic": true, "oauth": true}},
		{"global", true, map[string]bool{"key": true}},
		{"either", true, map[string]bool{"basic": true, "oauth": true}},
		{"write", true, map[string]bool{"oauth": true}},
		{"optional", true, map[string]bool{"key": true, "basic": true, "oauth": true}},
		// Anonymous access only, as `security: []` says.
		{"anonymous", false, map[string]bool{"key": true, "basic": true, "oauth": true}},
	} {
		op := opByID(t, api, tt.id)
		if op.Security != tt.security {
			t.Errorf("%s: Security %v", tt.id, op.Security)
		}
		for _, scheme := range []string{"key", "basic", "oauth"} {
			if got := op.SatisfiedBy(scheme); got != tt.ok[scheme] {
				t.Errorf("%s satisfied by %s: %v", tt.id, scheme, got)
			}
		}
	}
	if got := Scopes(api.Operations, "oauth"); !slices.Equal(got, []string{"read", "write"}) {
		t.Errorf("scopes %v", got)
	}
	if n := len(api.UsedSchemes()); n != 3 {
		t.Errorf("%d used schemes", n)
	}
}

// An operation whose only alternative is the anonymous `{}` is sent
// without the credential, as one declaring `security: []`.
func TestAnonymousOnlyOperationSendsNoCredential(t *testing.T) {
	api := loadString(t, securityDoc)
	var queries []string
	c := New(Options{BaseURL: "https://api.example.com", Credential: QueryKey{Name: "api_key", Key: StaticKey("k-0123456789")},
		Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			queries = append(queries, r.URL.Path+"?"+r.URL.RawQuery)
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
		})})
	for _, id := range []string{"anonymous", "public", "global"} {
		if _, err := c.Do(context.Background(), Request{Op: opByID(t, api, id)}); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"/anonymous?", "/public?", "/global?api_key=k-0123456789"}; !slices.Equal(queries, want) {
		t.Errorf("sent %q, want %q", queries, want)
	}
}

// An operation the profile's scheme cannot satisfy fails before any
// request is made.
func TestMissingSchemeFailsBeforeRequest(t *testing.T) {
	api := loadString(t, securityDoc)
	sent := 0
	c := New(Options{BaseURL: "https://api.example.com", Scheme: "key", Credential: QueryKey{Name: "api_key", Key: StaticKey("k")},
		Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { sent++; return nil, errors.New("sent") })})
	_, err := c.Do(context.Background(), Request{Op: opByID(t, api, "write")})
	var se *SchemeError
	if !errors.As(err, &se) || !slices.Equal(se.Accepts, []string{"oauth"}) || sent != 0 {
		t.Fatalf("err %v, %d requests sent", err, sent)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestSecuritySchemesSwagger2(t *testing.T) {
	api := loadString(t, `{"swagger":"2.0","info":{"title":"s","version":"1"},"host":"api.example.com",
"securityDefinitions":{
 "basic":{"type":"basic"},
 "key":{"type":"apiKey","in":"header","name":"X-Key"},
 "oauth":{"type":"oauth2","flow":"accessCode","authorizationUrl":"https://a.example.com/auth","tokenUrl":"https://a.example.com/token","scopes":{"read":"r"}},
 "app":{"type":"oauth2","flow":"application","tokenUrl":"https://a.example.com/token"}},
"security":[{"basic":[]}],
"paths":{"/a":{"get":{"operationId":"a"}},"/b":{"get":{"operationId":"b","security":[{"oauth":["read"]}]}}}}`)
	if s := api.SecuritySchemes["basic"]; s.Type != TypeHTTP || s.Scheme != "basic" {
		t.Errorf("basic: %+v", s)
	}
	if s := api.SecuritySchemes["key"]; s.In != "header" || s.ParamName != "X-Key" {
		t.Errorf("key: %+v", s)
	}
	if f, ok := api.SecuritySchemes["oauth"].Flows["authorizationCode"]; !ok || f.TokenURL != "https://a.example.com/token" || f.Scopes[0] != "read" {
		t.Errorf("oauth: %+v", api.SecuritySchemes["oauth"])
	}
	if _, ok := api.SecuritySchemes["app"].Flows["clientCredentials"]; !ok {
		t.Errorf("app: %+v", api.SecuritySchemes["app"])
	}
	if !opByID(t, api, "a").SatisfiedBy("basic") || opByID(t, api, "b").SatisfiedBy("basic") {
		t.Error("requirements not read")
	}
}

// The device authorization flow is read under OpenAPI 3.2's name, the
// extension that came before it and the name deviceCode; the standard name
// wins when several are given.
func TestDeviceAuthorizationFlowNames(t *testing.T) {
	flow := func(host string) string {
		return `{"deviceAuthorizationUrl":"https://` + host + `/device","tokenUrl":"https://` + host + `/token","scopes":{"read":"r"}}`
	}
	for name, flows := range map[string]string{
		"OpenAPI 3.2": `"deviceAuthorization":` + flow("std.example.com"),
		"extension":   `"x-oai-deviceAuthorization":` + flow("std.example.com"),
		"deviceCode":  `"deviceCode":` + flow("std.example.com"),
		"all three":   `"deviceCode":` + flow("old.example.com") + `,"x-oai-deviceAuthorization":` + flow("ext.example.com") + `,"deviceAuthorization":` + flow("std.example.com"),
	} {
		t.Run(name, func(t *testing.T) {
			api := loadString(t, `{"openapi":"3.2.0","info":{"title":"s","version":"1"},"servers":[{"url":"https://api.example.com"}],
"components":{"securitySchemes":{"dev":{"type":"oauth2","flows":{`+flows+`}}}},
"security":[{"dev":["read"]}],"paths":{"/a":{"get":{"operationId":"a"}}}}`)
			s := api.SecuritySchemes["dev"]
			f, ok := s.Flows[FlowDeviceAuthorization]
			if !ok || !s.Supported() || len(s.Flows) != 1 {
				t.Fatalf("flows %+v, supported %v", s.Flows, s.Supported())
			}
			if f.DeviceAuthURL != "https://std.example.com/device" || f.TokenURL != "https://std.example.com/token" {
				t.Errorf("flow %+v", f)
			}
		})
	}
}

// Relative OAuth 2.0 endpoints are resolved against the API's server.
func TestRelativeOAuthEndpoints(t *testing.T) {
	api := loadString(t, `{"openapi":"3.0.3","info":{"title":"s","version":"1"},"servers":[{"url":"https://api.example.com/v1/"}],
"components":{"securitySchemes":{"oa":{"type":"oauth2","flows":{
 "authorizationCode":{"authorizationUrl":"/oauth/authorize","tokenUrl":"oauth/token","refreshUrl":"https://idp.example.com/refresh","scopes":{}},
 "deviceAuthorization":{"deviceAuthorizationUrl":"../device","tokenUrl":"/oauth/token","scopes":{}}}}}},
"security":[{"oa":[]}],"paths":{"/a":{"get":{"operationId":"a"}}}}`)
	flows := api.SecuritySchemes["oa"].Flows
	code, dev := flows[FlowAuthorizationCode], flows[FlowDeviceAuthorization]
	for _, tc := range [][2]string{
		{code.AuthorizationURL, "https://api.example.com/oauth/authorize"},
		{code.TokenURL, "https://api.example.com/v1/oauth/token"},
		{code.RefreshURL, "https://idp.example.com/refresh"},
		{dev.DeviceAuthURL, "https://api.example.com/device"},
		{dev.TokenURL, "https://api.example.com/oauth/token"},
	} {
		if tc[0] != tc[1] {
			t.Errorf("got %q, want %q", tc[0], tc[1])
		}
	}
}
