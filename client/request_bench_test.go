package client

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkBuildStripeForm measures building a nested Stripe-style form
// request (path, deepObject query, bracketed body).
func BenchmarkBuildStripeForm(b *testing.B) {
	c := New(Options{BaseURL: "https://api.stripe.com"})
	op := &Operation{Method: "POST", Path: "/v1/subscriptions/{id}",
		Params: []*Param{{Name: "id", In: "path", Required: true, Style: "simple"}, {Name: "expand", In: "query", Style: "deepObject", Explode: true}},
		Body:   &Body{ContentType: "application/x-www-form-urlencoded", Encoding: stripeEncoding}}
	r := Request{Op: op, Path: map[string]any{"id": "sub_123"}, Query: map[string]any{"expand": []any{"customer"}},
		Body: map[string]any{"customer": "cus_1", "items": []any{map[string]any{"price": "p", "quantity": 2.0}}, "metadata": map[string]any{"a": "b", "c": "d"}}}
	for b.Loop() {
		if _, err := c.build(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDoJSON measures one JSON round trip through Do against a local
// server, auth included.
func BenchmarkDoJSON(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":1,"name":"x"}`)
	}))
	defer srv.Close()
	c := New(Options{BaseURL: srv.URL, Credential: HeaderKey{Scheme: "Bearer", Key: StaticKey("k")}})
	op := &Operation{Method: "POST", Path: "/things", Security: true, Body: &Body{ContentType: "application/json"}}
	r := Request{Op: op, Body: map[string]any{"name": "x", "tags": []any{"a", "b"}}}
	for b.Loop() {
		if _, err := c.Do(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildGet measures building the usual GET: a path parameter and
// two query parameters.
func BenchmarkBuildGet(b *testing.B) {
	c := New(Options{BaseURL: "https://api.example.com/v2"})
	op := &Operation{Method: "GET", Path: "/projects/{id}/tasks",
		Params: []*Param{{Name: "id", In: "path", Required: true, Style: "simple"},
			{Name: "page", In: "query", Style: "form", Explode: true}, {Name: "status", In: "query", Style: "form", Explode: true}}}
	r := Request{Op: op, Path: map[string]any{"id": "p 1"}, Query: map[string]any{"page": 2.0, "status": "open"}}
	for b.Loop() {
		if _, err := c.build(r); err != nil {
			b.Fatal(err)
		}
	}
}
