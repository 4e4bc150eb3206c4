package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/restmcp/restmcp/client"
)

// TestParametersTheCredentialFills checks that a parameter the key travels
// in is not an argument and a call without it goes out with the key, and
// that a cookie parameter is an argument, sent as a cookie.
func TestParametersTheCredentialFills(t *testing.T) {
	var got *http.Request
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(api.Close)
	op := &client.Operation{ID: "getReport", Method: "GET", Path: "/report", Security: true, Params: []*client.Param{
		{Name: "api_key", In: "query", Required: true, Style: "form", Explode: true, Schema: map[string]any{"type": "string"}},
		{Name: "lang", In: "cookie", Required: true, Style: "form", Schema: map[string]any{"type": "string"}},
		{Name: "sid", In: "cookie", Style: "form", Schema: map[string]any{"type": "string"}},
	}}
	for _, cred := range []client.Credential{
		client.QueryKey{Name: "api_key", Key: client.StaticKey("k-1")},
		client.CookieKey{Name: "sid", Key: client.StaticKey("k-1")},
	} {
		s, err := New(Config{API: &client.API{Operations: []*client.Operation{op}}, Client: client.New(client.Options{BaseURL: api.URL, Credential: cred})})
		if err != nil {
			t.Fatal(err)
		}
		var schema struct{ Properties map[string]any }
		b, _ := json.Marshal(s.Tools()[0].InputSchema)
		if err := json.Unmarshal(b, &schema); err != nil {
			t.Fatal(err)
		}
		props := schema.Properties
		_, query := cred.(client.QueryKey)
		if _, listed := props["api_key"]; listed == query {
			t.Errorf("%T: api_key listed %v", cred, listed)
		}
		if _, listed := props["sid"]; listed == !query {
			t.Errorf("%T: sid listed %v", cred, listed)
		}
		if _, listed := props["lang"]; !listed {
			t.Errorf("%T: the cookie lang is not an argument", cred)
		}
		args := `{"lang": "en"}`
		if !query {
			args = `{"lang": "en", "api_key": "x"}`
		}
		r, err := s.Call(context.Background(), "get_report", json.RawMessage(args))
		if err != nil || r.IsError {
			t.Fatalf("%T: %v %s", cred, err, resultText(t, r))
		}
		if c, _ := got.Cookie("lang"); c == nil || c.Value != "en" {
			t.Errorf("%T: cookies %q, want lang=en", cred, got.Header.Get("Cookie"))
		}
		if query && got.URL.Query().Get("api_key") != "k-1" {
			t.Errorf("query %q: want the key as api_key", got.URL.RawQuery)
		}
		if c, _ := got.Cookie("sid"); !query && (c == nil || c.Value != "k-1") {
			t.Errorf("cookies %q: want the key as sid", got.Header.Get("Cookie"))
		}
	}
}
