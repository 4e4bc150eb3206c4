package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
)

// sharedSpecs lists ../shared/specs beside the repository, skipping when
// there is none.
func sharedSpecs(t *testing.T) []string {
	dir, _ := os.Getwd()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "shared", "specs", "*.*"))
		var specs []string
		for _, f := range files {
			if ext := filepath.Ext(f); ext == ".json" || ext == ".yaml" || ext == ".yml" {
				specs = append(specs, f)
			}
		}
		if len(specs) > 0 {
			return specs
		}
		if parent := filepath.Dir(dir); parent != dir {
			dir = parent
			continue
		}
		t.Skip("shared/specs not found beside the repository")
	}
}

// What login picks on each shared description without --scheme: the one
// usable scheme, or a list of choices that each say what they need.
func TestChooseSchemeSharedSpecs(t *testing.T) {
	want := map[string]string{
		"box-openapi.json":          "OAuth2Security",
		"slack_web_openapi_v2.json": "slackAuth",
		"twilio_api_v2010.json":     "accountSid_authToken",
		"museum-openapi-3.1.yaml":   "MuseumPlaceholderAuth",
		"asana_oas.yaml":            "choice",
		"stripe-spec3.json":         "choice",
	}
	for _, file := range sharedSpecs(t) {
		name := filepath.Base(file)
		api, err := client.Load(context.Background(), file, client.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := ChooseScheme(api, "")
		var choice *SchemeChoiceError
		got := ""
		switch {
		case errors.Is(err, ErrNoScheme):
			got = "header"
		case errors.As(err, &choice):
			got = "choice"
			for _, c := range choice.Schemes {
				if !strings.Contains(err.Error(), "--scheme "+c.Name) {
					t.Errorf("%s: the list lacks %s", name, c.Name)
				}
			}
			t.Logf("%s: choose: %s", name, strings.ReplaceAll(err.Error(), "\n", " | "))
		case err != nil:
			t.Fatalf("%s: %v", name, err)
		default:
			got = s.Name
			au := AuthFor(s, api.Operations)
			t.Logf("%s: %s (%s; needs %s) %+v", name, s.Name, s.Kind(), SchemeNeeds(s), au)
		}
		if w, ok := want[name]; ok && w != got {
			t.Errorf("%s: picked %q, want %q", name, got, w)
		}
	}
}

func TestCredentialKinds(t *testing.T) {
	keys := client.StaticKey("k")
	for _, tt := range []struct {
		auth *profile.Auth
		want string
	}{
		{nil, "client.HeaderKey"},
		{&profile.Auth{Kind: profile.AuthAPIKey, In: "query", Name: "key"}, "client.QueryKey"},
		{&profile.Auth{Kind: profile.AuthAPIKey, In: "cookie", Name: "sid"}, "client.CookieKey"},
		{&profile.Auth{Kind: profile.AuthBasic, Username: "u"}, "client.BasicAuth"},
		{&profile.Auth{Kind: profile.AuthBearer}, "client.HeaderKey"},
	} {
		got := typeName(Credential(profile.Profile{Name: "p", Auth: tt.auth}, keys))
		if got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.auth, got, tt.want)
		}
	}
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }
