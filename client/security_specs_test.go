package client

import (
	"context"
	"path/filepath"
	"testing"
)

// Each shared description's declared schemes are read with what sending
// them needs, and the schemes its operations use are declared.
func TestSecuritySchemesSharedSpecs(t *testing.T) {
	want := map[string]map[string]string{
		"asana_oas.yaml":                {"oauth2": TypeOAuth2, "personalAccessToken": TypeHTTP},
		"box-openapi.json":              {"OAuth2Security": TypeOAuth2},
		"slack_web_openapi_v2.json":     {"slackAuth": TypeOAuth2},
		"stripe-spec3.json":             {"basicAuth": TypeHTTP, "bearerAuth": TypeHTTP},
		"twilio_api_v2010.json":         {"accountSid_authToken": TypeHTTP},
		"petstore3-openapi.yaml":        {"petstore_auth": TypeOAuth2, "api_key": TypeAPIKey},
		"fastapi-template-openapi.json": {"OAuth2PasswordBearer": TypeOAuth2},
	}
	for _, file := range sharedSpecFiles(t) {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			api, err := Load(context.Background(), file, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for n, typ := range want[name] {
				s := api.SecuritySchemes[n]
				if s == nil {
					t.Fatalf("scheme %q not read; have %v", n, api.SecuritySchemes)
				}
				if s.Type != typ {
					t.Errorf("scheme %q: type %q, want %q", n, s.Type, typ)
				}
			}
			for _, op := range api.Operations {
				for _, r := range op.Requirements {
					for n := range r {
						if api.SecuritySchemes[n] == nil {
							t.Errorf("%s %s needs undeclared scheme %q", op.Method, op.Path, n)
						}
					}
				}
			}
			for _, s := range api.UsedSchemes() {
				t.Logf("%s: %s (supported %v)", s.Name, s.Kind(), s.Supported())
			}
		})
	}
}
