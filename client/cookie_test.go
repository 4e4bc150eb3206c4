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
	op := prefsOp(true)
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
			tt.req.Op = op
			checkCookie(t, tt.opts, tt.req, tt.want)
		})
	}
}

// TestKeyCookieSentOnce checks that a key sent as a cookie goes once, in
// place of any cookie of its name a Cookie header argument or a fixed
// Cookie header holds: the API reads the key, not the other value, and
// the request's other cookies stay in their order.
func TestKeyCookieSentOnce(t *testing.T) {
	op := &Operation{Method: "GET", Path: "/prefs", Security: true, Params: []*Param{
		{Name: "Cookie", In: "header", Style: "simple"},
		{Name: "theme", In: "cookie", Style: "form"},
	}}
	key := CookieKey{Name: "sid", Key: StaticKey("k-1")}
	for _, tt := range []struct {
		name string
		opts Options
		req  Request
		want string
	}{
		{"header argument holding the key's cookie", Options{Credential: key},
			Request{Header: map[string]any{"Cookie": "sid=guess; csrftoken=c1"}, Cookie: map[string]any{"theme": "dark"}},
			"csrftoken=c1; theme=dark; sid=k-1"},
		{"header argument holding only the key's cookie", Options{Credential: key},
			Request{Header: map[string]any{"Cookie": " sid = guess "}},
			"sid=k-1"},
		{"header argument holding it twice", Options{Credential: key},
			Request{Header: map[string]any{"Cookie": "a=1;sid=x;b=2;sid=y"}},
			"a=1; b=2; sid=k-1"},
		{"a cookie whose name only starts with the key's", Options{Credential: key},
			Request{Header: map[string]any{"Cookie": "sidebar=left"}},
			"sidebar=left; sid=k-1"},
		{"fixed header holding the key's cookie", Options{Credential: key, Headers: HeaderSet(map[string]string{"Cookie": "region=eu; sid=old"})},
			Request{Cookie: map[string]any{"theme": "dark"}},
			"region=eu; theme=dark; sid=k-1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Op = op
			checkCookie(t, tt.opts, tt.req, tt.want)
		})
	}
}

// TestCookieParameterSentOnce checks that a cookie given both inside a
// Cookie header argument and as a cookie parameter goes once, with the
// parameter's value, the header argument's other cookies kept in order.
func TestCookieParameterSentOnce(t *testing.T) {
	op := prefsOp(false)
	for _, tt := range []struct {
		name   string
		header string
		cookie map[string]any
		want   string
	}{
		{"one of the header's cookies", "a=1; theme=light; b=2", map[string]any{"theme": "dark"}, "a=1; b=2; theme=dark"},
		{"all of them", "theme=light;lang=en", map[string]any{"theme": "dark", "lang": "fr"}, "theme=dark; lang=fr"},
		{"none of them", "themes=all", map[string]any{"theme": "dark"}, "themes=all; theme=dark"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkCookie(t, Options{}, Request{Op: op, Header: map[string]any{"Cookie": tt.header}, Cookie: tt.cookie}, tt.want)
		})
	}
}

// checkCookie sends req with a client of opts (its base URL set to a
// recorder) and checks that the request carried one Cookie header, want.
func checkCookie(t *testing.T, opts Options, req Request, want string) {
	t.Helper()
	srv := newRecorder(t, nil)
	opts.BaseURL = srv.URL
	if _, err := New(opts).Do(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := srv.last(t).Header.Values("Cookie"); len(got) != 1 || got[0] != want {
		t.Errorf("Cookie = %q, want one header %q", got, want)
	}
}

// prefsOp is an operation that takes a Cookie header parameter and the
// cookie parameters theme and lang.
func prefsOp(security bool) *Operation {
	return &Operation{Method: "GET", Path: "/prefs", Security: security, Params: []*Param{
		{Name: "Cookie", In: "header", Style: "simple"},
		{Name: "theme", In: "cookie", Style: "form"},
		{Name: "lang", In: "cookie", Style: "form"},
	}}
}
