package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/restmcp/restmcp/client"
)

// stubAPI answers every request with an empty JSON object and remembers
// the URLs it was asked for.
type stubAPI struct {
	mu   sync.Mutex
	urls []string
}

func (s *stubAPI) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	s.mu.Lock()
	s.urls = append(s.urls, r.URL.String())
	s.mu.Unlock()
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

// FuzzArgumentsToRequest sends any arguments to every tool of a
// description with parameters of every kind: nothing panics, and every
// request goes to the API's host.
func FuzzArgumentsToRequest(f *testing.F) {
	api, err := client.Load(context.Background(), filepath.Join("testdata", "params.yaml"), client.LoadOptions{})
	if err != nil {
		f.Fatal(err)
	}
	stub := &stubAPI{}
	c := client.New(client.Options{BaseURL: "https://api.example.com/v1", Transport: stub})
	s, err := New(Config{API: api, Client: c})
	if err != nil {
		f.Fatal(err)
	}
	tools := s.Tools()
	for _, seed := range []string{`{}`, `{"id":"../../x?y#z"}`, `{"id":1,"q":["a","b"],"filter":{"a":1}}`,
		`{"body":{"name":"x"}}`, `null`, `[1]`, `{"id":"%2e%2e"}`, `{"X-Api-Key":"v\r\nx"}`} {
		for i := range tools {
			f.Add(uint8(i), seed)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, args string) {
		tool := tools[int(which)%len(tools)]
		res, err := s.Call(context.Background(), tool.Name, json.RawMessage(args))
		if err != nil || res == nil {
			t.Fatalf("Call(%s, %q) = %v, %v", tool.Name, args, res, err)
		}
		stub.mu.Lock()
		defer stub.mu.Unlock()
		for _, u := range stub.urls {
			if !strings.HasPrefix(u, "https://api.example.com/v1/") && u != "https://api.example.com/v1" {
				t.Fatalf("request to %s", u)
			}
		}
		stub.urls = stub.urls[:0]
	})
}
