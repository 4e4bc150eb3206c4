package profile

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// A profile keeps how its description takes the key (never the key): saved
// and read back as given, in spec_auth.
func TestSpecAuthRoundTrip(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "cfg")}
	want := Profile{Name: "acme", Spec: "https://api.acme.test/openapi.json", BaseURL: "https://api.acme.test", SpecAuth: "query:api_key",
		Auth: &Auth{Scheme: "k", Kind: AuthAPIKey, In: "header", Name: "X-API-Key"}}
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get("acme")
	if err != nil {
		t.Fatal(err)
	}
	if got.SpecAuth != "query:api_key" || got.Auth == nil || got.Auth.Name != "X-API-Key" {
		t.Errorf("read back %+v", got)
	}
	b, err := json.Marshal(got)
	if err != nil || !strings.Contains(string(b), `"spec_auth":"query:api_key"`) {
		t.Errorf("JSON %s, %v", b, err)
	}
	// Saved again without it, the member goes.
	got.SpecAuth = ""
	if err := s.Save(got); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Get("acme"); again.SpecAuth != "" {
		t.Errorf("spec_auth kept: %q", again.SpecAuth)
	}
}

func TestParseSpecAuth(t *testing.T) {
	for in, want := range map[string]SpecAuth{
		"":                 {},
		"none":             {In: SpecAuthNone},
		"Bearer":           {In: SpecAuthBearer},
		"header:X-API-Key": {In: SpecAuthHeader, Name: "X-API-Key"},
		"QUERY: api_key ":  {In: SpecAuthQuery, Name: "api_key"},
		"cookie:session":   {In: SpecAuthCookie, Name: "session"},
	} {
		got, err := ParseSpecAuth(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v, %v; want %+v", in, got, err, want)
		}
		if again, err := ParseSpecAuth(got.String()); err != nil || again != got {
			t.Errorf("%q: %q reads as %+v, %v", in, got.String(), again, err)
		}
	}
	// Refused without repeating the value: a key pasted there stays off
	// the screen.
	const secret = "sk-live-0123456789"
	for _, in := range []string{"header", "query:", "cookie:a b", "bearer:x", "query:api_key=" + secret, secret, "header:" + secret + " x"} {
		_, err := ParseSpecAuth(in)
		if err == nil {
			t.Errorf("%q accepted", in)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%q: the error repeats it: %v", in, err)
		}
	}
}
