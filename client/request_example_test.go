package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/restmcp/restmcp/client"
)

// Do sends one operation call: path parameters escaped into their segment,
// query parameters in their declared style, a Stripe-style form body, and
// the key in the configured header.
func ExampleClient_Do() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Println(r.Method, r.RequestURI)
		fmt.Println("Authorization:", r.Header.Get("Authorization"))
		fmt.Println(string(body))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"sub_1"}`)
	}))
	defer api.Close()

	c := client.New(client.Options{BaseURL: api.URL + "/v1", Credential: client.HeaderKey{Scheme: "Bearer", Key: client.StaticKey("sk_test_123")}})
	op := &client.Operation{
		Method: "POST", Path: "/customers/{customer}/subscriptions", Security: true,
		Params: []*client.Param{
			{Name: "customer", In: "path", Required: true, Style: "simple"},
			{Name: "expand", In: "query", Style: "deepObject", Explode: true},
		},
		Body: &client.Body{ContentType: "application/x-www-form-urlencoded"},
	}
	resp, err := c.Do(context.Background(), client.Request{
		Op:    op,
		Path:  map[string]any{"customer": "../cus 1"},
		Query: map[string]any{"expand": []any{"latest_invoice"}},
		Body: map[string]any{
			"items":    []any{map[string]any{"price": "price_1", "quantity": 2}},
			"metadata": map[string]any{"order": "6735"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Status, string(resp.Body))
	// Output:
	// POST /v1/customers/..%2Fcus%201/subscriptions?expand[]=latest_invoice
	// Authorization: Bearer sk_test_123
	// items[0][price]=price_1&items[0][quantity]=2&metadata[order]=6735
	// 200 {"id":"sub_1"}
}

// An answer with status >= 400 comes back as the response and an
// *HTTPError, whose Excerpt is a short text of the body.
func ExampleHTTPError() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "{\n  \"detail\": \"Not found.\"\n}")
	}))
	defer api.Close()

	c := client.New(client.Options{BaseURL: api.URL})
	_, err := c.Do(context.Background(), client.Request{Op: &client.Operation{Method: "GET", Path: "/projects/42"}})
	var he *client.HTTPError
	if errors.As(err, &he) {
		fmt.Println(he.Response.Status, he.Excerpt())
	}
	// Output:
	// 404 {"detail":"Not found."}
}
