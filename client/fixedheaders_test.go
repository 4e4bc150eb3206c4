package client

import (
	"context"
	"net/http"
	"testing"
)

// TestFixedHeadersOnTheOriginOnly checks that a fixed header goes with
// every request to the API's origin (one that goes without the key
// included) and not with a redirect to another origin, that the key wins
// over a fixed header of its header's name, and that the fixed value
// replaces one the request set.
func TestFixedHeadersOnTheOriginOnly(t *testing.T) {
	other := newRecorder(t, nil)
	api := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/away" {
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	fixed := HeaderSet(map[string]string{"notion-version": "2022-06-28", "X-Api-Key": "not the key", "Accept": "application/vnd.github+json"})
	c := New(Options{BaseURL: api.URL, Credential: HeaderKey{Header: "X-Api-Key", Key: StaticKey("k-1")}, Headers: fixed})

	op := &Operation{Method: "GET", Path: "/x", Security: true}
	if _, err := c.Do(context.Background(), Request{Op: op}); err != nil {
		t.Fatal(err)
	}
	got := api.last(t).Header
	if v := got.Get("Notion-Version"); v != "2022-06-28" {
		t.Errorf("Notion-Version = %q, want the fixed value", v)
	}
	if v := got.Values("X-Api-Key"); len(v) != 1 || v[0] != "k-1" {
		t.Errorf("X-Api-Key = %q, want the key alone", v)
	}
	if v := got.Get("Accept"); v != "application/vnd.github+json" {
		t.Errorf("Accept = %q, want the fixed value in place of the default", v)
	}

	// An operation that goes without the key still sends them.
	public := &Operation{Method: "GET", Path: "/public"}
	if _, err := c.Do(context.Background(), Request{Op: public}); err != nil {
		t.Fatal(err)
	}
	if got := api.last(t).Header; got.Get("Notion-Version") != "2022-06-28" || got.Get("X-Api-Key") == "k-1" {
		t.Errorf("an operation without security: headers %v, want the fixed header and no key", got)
	}

	away := &Operation{Method: "GET", Path: "/away", Security: true}
	if _, err := c.Do(context.Background(), Request{Op: away}); err != nil {
		t.Fatal(err)
	}
	if got := other.last(t).Header; got.Get("Notion-Version") != "" || got.Get("X-Api-Key") != "" {
		t.Errorf("the redirect to another origin carried %v", got)
	}
}

// TestFixedHeaderFillsItsParameter checks that an operation's header
// parameter of a fixed header's name (any case) is filled by it: a
// required one is not missing, and a value given for it is replaced.
func TestFixedHeaderFillsItsParameter(t *testing.T) {
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL, Headers: HeaderSet(map[string]string{"Notion-Version": "2022-06-28"})})
	param := &Param{Name: "notion-version", In: "header", Required: true, Style: "simple"}
	if !c.Fills(param) {
		t.Error("Fills(header notion-version) = false")
	}
	if c.Fills(&Param{Name: "Notion-Version", In: "query"}) || c.Fills(&Param{Name: "X-Other", In: "header"}) {
		t.Error("Fills answers true for a parameter no fixed header is")
	}
	op := &Operation{Method: "GET", Path: "/x", Params: []*Param{param}}
	if _, err := c.Do(context.Background(), Request{Op: op}); err != nil {
		t.Fatalf("a call without the parameter a fixed header fills: %v", err)
	}
	if v := srv.last(t).Header.Values("Notion-Version"); len(v) != 1 || v[0] != "2022-06-28" {
		t.Errorf("Notion-Version = %q", v)
	}
	if _, err := c.Do(context.Background(), Request{Op: op, Header: map[string]any{"notion-version": "2021-01-01"}}); err != nil {
		t.Fatal(err)
	}
	if v := srv.last(t).Header.Values("Notion-Version"); len(v) != 1 || v[0] != "2022-06-28" {
		t.Errorf("with a value given: Notion-Version = %q, want the fixed value", v)
	}
}

func TestParseHeader(t *testing.T) {
	for _, tt := range []struct{ in, name, value string }{
		{"Notion-Version: 2022-06-28", "Notion-Version", "2022-06-28"},
		{"X-A:b:c", "X-A", "b:c"},
		{" X-A :  ", "X-A", ""},
	} {
		name, value, ok := ParseHeader(tt.in)
		if !ok || name != tt.name || value != tt.value {
			t.Errorf("ParseHeader(%q) = %q, %q, %v", tt.in, name, value, ok)
		}
	}
	if _, _, ok := ParseHeader("no colon"); ok {
		t.Error("a header without a colon parsed")
	}
	for _, h := range []string{"host", "Content-Length", "transfer-encoding", "Connection", "Referer"} {
		if FixedHeaderRefused(h) == "" {
			t.Errorf("%s may be a fixed header", h)
		}
	}
	if FixedHeaderRefused("X-GitHub-Api-Version") != "" {
		t.Error("X-GitHub-Api-Version is refused")
	}
}
