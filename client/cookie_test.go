package client

import (
	"context"
	"testing"
)

// TestCookiesJoinOneHeader checks that every cookie a request carries goes
// out in one Cookie header, "; "-joined: a Cookie header parameter's value
// beside the operation's cookie parameters, a fixed Cookie header beside
// them, and a key sent as a cookie beside either. None replaces another.
func TestCookiesJoinOneHeader(t *testing.T) {
	op := &Operation{Method: "GET", Path: "/prefs", Security: true, Params: []*Param{
		{Name: "Cookie", In: "header", Style: "simple"},
		{Name: "theme", In: "cookie", Style: "form"},
		{Name: "lang", In: "cookie", Style: "form"},
	}}
	for _, tt := range []struct {
		name string
		opts Options
		req  Request
		want string
	}{
		{"header parameter and cookie parameters", Options{},
			Request{Header: map[string]any{"Cookie": "csrftoken=c1"}, Cookie: map[string]any{"theme": "dark", "lang": "fr"}},
			"csrftoken=c1; theme=dark; lang=fr"},
		{"header parameter alone", Options{},
			Request{Header: map[string]any{"Cookie": "csrftoken=c1"}},
			"csrftoken=c1"},
		{"header parameter, cookie parameter and a key in a cookie", Options{Credential: CookieKey{Name: "sid", Key: StaticKey("k-1")}},
			Request{Header: map[string]any{"Cookie": "csrftoken=c1"}, Cookie: map[string]any{"theme": "dark"}},
			"csrftoken=c1; theme=dark; sid=k-1"},
		{"fixed header and cookie parameters", Options{Headers: HeaderSet(map[string]string{"cookie": "region=eu"})},
			Request{Cookie: map[string]any{"theme": "dark", "lang": "fr"}},
			"region=eu; theme=dark; lang=fr"},
		{"fixed header, cookie parameter and a key in a cookie", Options{Headers: HeaderSet(map[string]string{"Cookie": "region=eu"}),
			Credential: CookieKey{Name: "sid", Key: StaticKey("k-1")}},
			Request{Cookie: map[string]any{"theme": "dark"}},
			"region=eu; theme=dark; sid=k-1"},
		{"fixed header alone", Options{Headers: HeaderSet(map[string]string{"Cookie": "region=eu"})},
			Request{},
			"region=eu"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, nil)
			tt.opts.BaseURL = srv.URL
			c := New(tt.opts)
			tt.req.Op = op
			if _, err := c.Do(context.Background(), tt.req); err != nil {
				t.Fatal(err)
			}
			if got := srv.last(t).Header.Values("Cookie"); len(got) != 1 || got[0] != tt.want {
				t.Errorf("Cookie = %q, want one header %q", got, tt.want)
			}
		})
	}
}
