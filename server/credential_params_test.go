package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/restmcp/restmcp/client"
)

// TestParametersTheCredentialFills checks that a parameter the key travels
// in is not an argument and a call without it goes out with the key, and
// that a cookie parameter is an argument, sent as a cookie.
func TestParametersTheCredentialFills(t *testing.T) {
	api, last := lastRequestAPI(t)
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
		if c, _ := last().Cookie("lang"); c == nil || c.Value != "en" {
			t.Errorf("%T: cookies %q, want lang=en", cred, last().Header.Get("Cookie"))
		}
		if query && last().URL.Query().Get("api_key") != "k-1" {
			t.Errorf("query %q: want the key as api_key", last().URL.RawQuery)
		}
		if c, _ := last().Cookie("sid"); !query && (c == nil || c.Value != "k-1") {
			t.Errorf("cookies %q: want the key as sid", last().Header.Get("Cookie"))
		}
	}
}

// TestPublicOperationKeepsKeyNamedParameters checks that a parameter of
// the key's name is an argument of an operation declared public
// (`security: []`), which is sent without the key: the value the model
// gives goes out, and a required one is asked for. A fixed header still
// fills its own parameter there, being sent with every request.
func TestPublicOperationKeepsKeyNamedParameters(t *testing.T) {
	api, last := lastRequestAPI(t)
	op := &client.Operation{ID: "verifyKey", Method: "GET", Path: "/verify", Security: false, Params: []*client.Param{
		{Name: "api_key", In: "query", Required: true, Style: "form", Explode: true, Schema: map[string]any{"type": "string"}},
		{Name: "X-Tenant", In: "header", Style: "simple", Schema: map[string]any{"type": "string"}},
	}}
	s, err := New(Config{API: &client.API{Operations: []*client.Operation{op}}, Client: client.New(client.Options{
		BaseURL: api.URL, Credential: client.QueryKey{Name: "api_key", Key: client.StaticKey("k-1")},
		Headers: http.Header{"X-Tenant": {"acme"}},
	})})
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties map[string]any
		Required   []string
	}
	b, _ := json.Marshal(s.Tools()[0].InputSchema)
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	if _, listed := schema.Properties["api_key"]; !listed || len(schema.Required) != 1 || schema.Required[0] != "api_key" {
		t.Errorf("arguments %v, required %v: want api_key, required", schema.Properties, schema.Required)
	}
	if _, listed := schema.Properties["X-Tenant"]; listed {
		t.Errorf("X-Tenant is an argument: the fixed header fills it")
	}
	r, err := s.Call(context.Background(), "verify_key", json.RawMessage(`{"api_key": "other-key"}`))
	if err != nil || r.IsError {
		t.Fatalf("%v %s", err, resultText(t, r))
	}
	if q := last().URL.Query()["api_key"]; len(q) != 1 || q[0] != "other-key" {
		t.Errorf("query %q: want the given api_key, once", last().URL.RawQuery)
	}
	if h := last().Header.Get("X-Tenant"); h != "acme" {
		t.Errorf("X-Tenant %q, want the fixed header's acme", h)
	}
}

// lastRequestAPI is an API that answers {"ok":true} to every request;
// last returns the last request it received.
func lastRequestAPI(t *testing.T) (api *httptest.Server, last func() *http.Request) {
	t.Helper()
	var mu sync.Mutex
	var got *http.Request
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Clone(context.Background())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(api.Close)
	return api, func() *http.Request {
		mu.Lock()
		defer mu.Unlock()
		if got == nil {
			t.Fatal("the API received no request")
		}
		return got
	}
}
