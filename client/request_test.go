package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// received is what the test server saw, bytes as they came off the wire.
type received struct {
	Method     string
	RequestURI string
	Header     http.Header
	Body       []byte
}

// recorder is an httptest server that records every request and answers
// with status, content type and body set per test.
type recorder struct {
	*httptest.Server
	mu       sync.Mutex
	requests []received
	handler  func(w http.ResponseWriter, r *http.Request, n int) // n: 0-based request number
}

func newRecorder(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int)) *recorder {
	t.Helper()
	rec := &recorder{handler: handler}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		n := len(rec.requests)
		rec.requests = append(rec.requests, received{r.Method, r.RequestURI, r.Header.Clone(), body})
		rec.mu.Unlock()
		if rec.handler != nil {
			rec.handler(w, r, n)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (r *recorder) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.requests...)
}

func (r *recorder) last(t *testing.T) received {
	t.Helper()
	all := r.all()
	if len(all) == 0 {
		t.Fatal("the server received no request")
	}
	return all[len(all)-1]
}

func boolp(b bool) *bool { return &b }

func TestDoPath(t *testing.T) {
	user := &Param{Name: "user", In: "path", Required: true, Style: "simple"}
	tests := []struct {
		name    string
		path    string
		params  []*Param
		values  map[string]any
		wantURI string
	}{
		{"plain", "/users/{user}", []*Param{user}, map[string]any{"user": "octocat"}, "/api/users/octocat"},
		{"dot-dot stays in its segment", "/users/{user}/repos", []*Param{user}, map[string]any{"user": "../admin"}, "/api/users/..%2Fadmin/repos"},
		{"whole value dot-dot", "/users/{user}", []*Param{user}, map[string]any{"user": ".."}, "/api/users/%2E%2E"},
		{"whole value dot", "/users/{user}/x", []*Param{user}, map[string]any{"user": "."}, "/api/users/%2E/x"},
		{"slash query fragment", "/users/{user}", []*Param{user}, map[string]any{"user": "a/b?c#d"}, "/api/users/a%2Fb%3Fc%23d"},
		{"space and unicode", "/users/{user}", []*Param{user}, map[string]any{"user": "José Ñ"}, "/api/users/Jos%C3%A9%20%C3%91"},
		{"percent", "/users/{user}", []*Param{user}, map[string]any{"user": "100%"}, "/api/users/100%25"},
		{"integer number", "/items/{id}", []*Param{{Name: "id", In: "path", Required: true}}, map[string]any{"id": float64(1000000)}, "/api/items/1000000"},
		{"Box fragment dropped", "/files/{user}#get_shared_link", []*Param{user}, map[string]any{"user": "7"}, "/api/files/7"},
		{"query in the path kept", "/search?type=user&q[]=a b", nil, nil, "/api/search?type=user&q[]=a%20b"},
		{"partial segment", "/files/{name}.{ext}", nil, map[string]any{"name": "report", "ext": "pdf"}, "/api/files/report.pdf"},
		{"simple array", "/t/{ids}", []*Param{{Name: "ids", In: "path", Style: "simple"}}, map[string]any{"ids": []any{"a", "b,c"}}, "/api/t/a,b%2Cc"},
		{"simple object", "/t/{o}", []*Param{{Name: "o", In: "path", Style: "simple"}}, map[string]any{"o": map[string]any{"r": 1.0, "g": 2.0}}, "/api/t/g,2,r,1"},
		{"simple object explode", "/t/{o}", []*Param{{Name: "o", In: "path", Style: "simple", Explode: true}}, map[string]any{"o": map[string]any{"r": 1.0, "g": 2.0}}, "/api/t/g=2,r=1"},
		{"label", "/t/{id}", []*Param{{Name: "id", In: "path", Style: "label"}}, map[string]any{"id": "5"}, "/api/t/.5"},
		{"label array", "/t/{id}", []*Param{{Name: "id", In: "path", Style: "label"}}, map[string]any{"id": []any{"3", "4"}}, "/api/t/.3,4"},
		{"label array explode", "/t/{id}", []*Param{{Name: "id", In: "path", Style: "label", Explode: true}}, map[string]any{"id": []any{"3", "4"}}, "/api/t/.3.4"},
		{"matrix", "/t/{id}", []*Param{{Name: "id", In: "path", Style: "matrix"}}, map[string]any{"id": "5"}, "/api/t/;id=5"},
		{"matrix array", "/t/{id}", []*Param{{Name: "id", In: "path", Style: "matrix"}}, map[string]any{"id": []any{"3", "4"}}, "/api/t/;id=3,4"},
		{"matrix array explode", "/t/{id}", []*Param{{Name: "id", In: "path", Style: "matrix", Explode: true}}, map[string]any{"id": []any{"3", "4"}}, "/api/t/;id=3;id=4"},
		{"matrix object explode", "/t/{id}", []*Param{{Name: "id", In: "path", Style: "matrix", Explode: true}}, map[string]any{"id": map[string]any{"r": "1", "g": "2"}}, "/api/t/;g=2;r=1"},
	}
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL + "/api/"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := &Operation{Method: "GET", Path: tt.path, Params: tt.params}
			if _, err := c.Do(context.Background(), Request{Op: op, Path: tt.values}); err != nil {
				t.Fatal(err)
			}
			if got := srv.last(t).RequestURI; got != tt.wantURI {
				t.Errorf("request URI = %q, want %q", got, tt.wantURI)
			}
		})
	}
}

// TestDoPathStyleExamples checks path parameters against the rows of
// OpenAPI 3.0.3's "Style Examples" table for the color parameter (the
// object's keys sorted: R, G, B are sent as B, G, R). The table's label
// row without explode writes arrays and objects with dots; RFC 6570, which
// it cites, and the table of OpenAPI 3.0.4 and 3.1.1 join them with commas,
// as restmcp does.
func TestDoPathStyleExamples(t *testing.T) {
	array := []any{"blue", "black", "brown"}
	object := map[string]any{"R": 100.0, "G": 200.0, "B": 150.0}
	rows := []struct {
		style   string
		explode bool
		// the table's columns: empty, string, array, object
		empty, str, arr, obj string
	}{
		{"matrix", false, ";color", ";color=blue", ";color=blue,black,brown", ";color=B,150,G,200,R,100"},
		{"matrix", true, ";color", ";color=blue", ";color=blue;color=black;color=brown", ";B=150;G=200;R=100"},
		{"label", false, ".", ".blue", ".blue,black,brown", ".B,150,G,200,R,100"},
		{"label", true, ".", ".blue", ".blue.black.brown", ".B=150.G=200.R=100"},
		{"simple", false, "", "blue", "blue,black,brown", "B,150,G,200,R,100"},
		{"simple", true, "", "blue", "blue,black,brown", "B=150,G=200,R=100"},
	}
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL + "/api/"})
	for _, row := range rows {
		op := &Operation{Method: "GET", Path: "/t/{color}", Params: []*Param{{Name: "color", In: "path", Required: true, Style: row.style, Explode: row.explode}}}
		for _, cell := range []struct {
			column, want string
			value        any
		}{{"empty", row.empty, ""}, {"string", row.str, "blue"}, {"array", row.arr, array}, {"object", row.obj, object}} {
			t.Run(fmt.Sprintf("%s explode=%v %s", row.style, row.explode, cell.column), func(t *testing.T) {
				_, err := c.Do(context.Background(), Request{Op: op, Path: map[string]any{"color": cell.value}})
				if cell.want == "" {
					// Simple's empty value leaves the segment empty: refused,
					// naming the parameter.
					if err == nil || !strings.Contains(err.Error(), `"color" is empty`) {
						t.Errorf("error = %v, want one saying color is empty", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				want := "/api/t/" + cell.want
				if cell.want == "." {
					// A segment that is a dot alone goes encoded, so that
					// no server normalising the path drops it.
					want = "/api/t/%2E"
				}
				if got := srv.last(t).RequestURI; got != want {
					t.Errorf("request URI = %q, want %q", got, want)
				}
			})
		}
	}
	// Beyond the table: an empty item or member stands as its name alone
	// (RFC 6570 §3.2.7), and so does an array or object of none.
	for _, tt := range []struct {
		name    string
		explode bool
		value   any
		want    string
	}{
		{"empty item, exploded", true, []any{"blue", ""}, ";color=blue;color"},
		{"empty member, exploded", true, map[string]any{"R": "", "G": "200"}, ";G=200;R"},
		{"no items", false, []any{}, ";color"},
		{"no items, exploded", true, []any{}, ";color"},
		{"no members, exploded", true, map[string]any{}, ";color"},
	} {
		t.Run("matrix "+tt.name, func(t *testing.T) {
			op := &Operation{Method: "GET", Path: "/t/{color}", Params: []*Param{{Name: "color", In: "path", Required: true, Style: "matrix", Explode: tt.explode}}}
			if _, err := c.Do(context.Background(), Request{Op: op, Path: map[string]any{"color": tt.value}}); err != nil {
				t.Fatal(err)
			}
			if got, want := srv.last(t).RequestURI, "/api/t/"+tt.want; got != want {
				t.Errorf("request URI = %q, want %q", got, want)
			}
		})
	}
}

func TestDoPathMissing(t *testing.T) {
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	op := &Operation{Method: "GET", Path: "/repos/{owner}/{repo}", Params: []*Param{
		{Name: "owner", In: "path", Required: true}, {Name: "repo", In: "path", Required: true}}}
	_, err := c.Do(context.Background(), Request{Op: op, Path: map[string]any{"owner": "x"}})
	if err == nil || !strings.Contains(err.Error(), `"repo"`) {
		t.Fatalf("error = %v, want one naming the missing path parameter \"repo\"", err)
	}
	if n := len(srv.all()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestDoQuery(t *testing.T) {
	q := func(name, style string, explode bool) *Param {
		return &Param{Name: name, In: "query", Style: style, Explode: explode}
	}
	tests := []struct {
		name  string
		param *Param
		value any
		want  string // raw query
	}{
		{"scalar", q("page", "form", true), float64(2), "page=2"},
		{"large integer without exponent", q("limit", "form", true), float64(1e6), "limit=1000000"},
		{"fraction", q("ratio", "form", true), 0.25, "ratio=0.25"},
		{"boolean", q("archived", "form", true), false, "archived=false"},
		{"escaped value", q("search", "form", true), "a b&c=d+e#f/é", "search=a%20b%26c%3Dd%2Be%23f%2F%C3%A9"},
		{"form explode array", q("id", "form", true), []any{"3", "4"}, "id=3&id=4"},
		{"form array", q("id", "form", false), []any{"3", "4", "a,b"}, "id=3,4,a%2Cb"},
		{"form explode object", q("color", "form", true), map[string]any{"R": 100.0, "G": 200.0}, "G=200&R=100"},
		{"form object", q("color", "form", false), map[string]any{"R": 100.0, "G": 200.0}, "color=G,200,R,100"},
		{"spaceDelimited", q("id", "spaceDelimited", false), []any{"3", "4"}, "id=3%204"},
		{"pipeDelimited", q("id", "pipeDelimited", false), []any{"3", "4"}, "id=3%7C4"},
		{"pipeDelimited explode", q("id", "pipeDelimited", true), []any{"3", "4"}, "id=3&id=4"},
		{"deepObject", q("filter", "deepObject", true), map[string]any{"status": "open", "type": "bug"}, "filter[status]=open&filter[type]=bug"},
		{"deepObject nested", q("filter", "deepObject", true), map[string]any{"created": map[string]any{"gte": 5.0}}, "filter[created][gte]=5"},
		{"deepObject array (Stripe expand)", q("expand", "deepObject", true), []any{"customer", "invoice"}, "expand[]=customer&expand[]=invoice"},
		{"bracket name verbatim", q("include[]", "form", true), []any{"a", "b"}, "include[]=a&include[]=b"},
		{"Twilio name", q("StartTime<", "form", true), "2009-07-06", "StartTime%3C=2009-07-06"},
		{"dotted name", q("completed_on.before", "form", true), "2024-01-01", "completed_on.before=2024-01-01"},
		{"allowReserved", &Param{Name: "path", In: "query", Style: "form", Explode: true, AllowReserved: true}, "a/b:c,d@e?f%20g#h", "path=a/b:c,d@e?f%20g%23h"},
		{"not allowReserved", q("path", "form", true), "a/b:c", "path=a%2Fb%3Ac"},
		{"default style", &Param{Name: "tag", In: "query"}, []any{"x", "y"}, "tag=x&tag=y"},
	}
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := &Operation{Method: "GET", Path: "/search", Params: []*Param{tt.param}}
			if _, err := c.Do(context.Background(), Request{Op: op, Query: map[string]any{tt.param.Name: tt.value}}); err != nil {
				t.Fatal(err)
			}
			if got, want := srv.last(t).RequestURI, "/search?"+tt.want; got != want {
				t.Errorf("request URI = %q, want %q", got, want)
			}
		})
	}
}

func TestDoQueryOrderAndMissing(t *testing.T) {
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL + "/v1?api-version=2"})
	op := &Operation{Method: "GET", Path: "/items", Params: []*Param{
		{Name: "z", In: "query", Style: "form", Explode: true},
		{Name: "a", In: "query", Style: "form", Explode: true, Required: true},
		{Name: "unset", In: "query", Style: "form", Explode: true},
	}}
	if _, err := c.Do(context.Background(), Request{Op: op, Query: map[string]any{"a": "1", "z": "2", "extra": "3"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := srv.last(t).RequestURI, "/v1/items?api-version=2&z=2&a=1&extra=3"; got != want {
		t.Errorf("request URI = %q, want %q", got, want)
	}
	_, err := c.Do(context.Background(), Request{Op: op, Query: map[string]any{"z": "2"}})
	if err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("error = %v, want one naming the missing query parameter \"a\"", err)
	}
}

func TestDoJSONBody(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        any
		want        string
		wantCT      string
	}{
		{"object", "application/json", map[string]any{"name": "<b>&", "n": 1e6, "tags": []any{"x"}}, `{"n":1000000,"name":"<b>&","tags":["x"]}`, "application/json"},
		{"vendor json", "application/vnd.api+json", map[string]any{"data": nil}, `{"data":null}`, "application/vnd.api+json"},
		{"charset kept", "application/json; charset=utf-8", []any{1.5, true}, `[1.5,true]`, "application/json; charset=utf-8"},
		{"Go values", "application/json", map[string]any{"ids": []int{1, 2}}, `{"ids":[1,2]}`, "application/json"},
	}
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := &Operation{Method: "POST", Path: "/things", Body: &Body{ContentType: tt.contentType}}
			if _, err := c.Do(context.Background(), Request{Op: op, Body: tt.body}); err != nil {
				t.Fatal(err)
			}
			got := srv.last(t)
			if string(got.Body) != tt.want {
				t.Errorf("body = %s, want %s", got.Body, tt.want)
			}
			if ct := got.Header.Get("Content-Type"); ct != tt.wantCT {
				t.Errorf("Content-Type = %q, want %q", ct, tt.wantCT)
			}
		})
	}
}

func TestDoBodyErrors(t *testing.T) {
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	tests := []struct {
		name string
		op   *Operation
		body any
		want string
	}{
		{"missing required", &Operation{Method: "POST", Path: "/x", Body: &Body{Required: true, ContentType: "application/json"}}, nil, "missing required request body"},
		{"no body expected", &Operation{Method: "GET", Path: "/x"}, map[string]any{"a": 1.0}, "takes no request body"},
		{"form not object", &Operation{Method: "POST", Path: "/x", Body: &Body{ContentType: "application/x-www-form-urlencoded"}}, []any{1.0}, "must be an object"},
		{"binary type needs string", &Operation{Method: "PUT", Path: "/x", Body: &Body{ContentType: "application/octet-stream"}}, map[string]any{}, "as a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Do(context.Background(), Request{Op: tt.op, Body: tt.body})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if n := len(srv.all()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestDoAuth(t *testing.T) {
	tests := []struct {
		name       string
		header     string
		scheme     string
		wantHeader string
		want       string
	}{
		{"bearer", "", "Bearer", "Authorization", "Bearer sk_test_123"},
		{"api-key scheme", "", "Api-Key", "Authorization", "Api-Key sk_test_123"},
		{"bare key, custom header", "X-API-Key", "", "X-Api-Key", "sk_test_123"},
	}
	for _, tt := range []struct{ scheme, key, want string }{
		{"Bearer", "bearer  abc", "Bearer abc"},
		{"Token", "Tokenabc", "Token Tokenabc"},
		{"", "Bearer abc", "Bearer abc"},
		{"Api-Key", "Api-Key abc", "Api-Key abc"},
	} {
		if got := AuthValue(tt.scheme, tt.key); got != tt.want {
			t.Errorf("AuthValue(%q, %q) = %q, want %q", tt.scheme, tt.key, got, tt.want)
		}
	}
	srv := newRecorder(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Options{BaseURL: srv.URL, Credential: HeaderKey{Header: tt.header, Scheme: tt.scheme, Key: StaticKey("sk_test_123")}, UserAgent: "restmcp/1.2.3"})
			op := &Operation{Method: "GET", Path: "/me", Security: true}
			if _, err := c.Do(context.Background(), Request{Op: op}); err != nil {
				t.Fatal(err)
			}
			got := srv.last(t)
			if v := got.Header.Values(tt.wantHeader); len(v) != 1 || v[0] != tt.want {
				t.Errorf("%s = %q, want [%q]", tt.wantHeader, v, tt.want)
			}
			if tt.wantHeader != "Authorization" && got.Header.Get("Authorization") != "" {
				t.Errorf("Authorization sent too: %q", got.Header.Get("Authorization"))
			}
			if ua := got.Header.Get("User-Agent"); ua != "restmcp/1.2.3" {
				t.Errorf("User-Agent = %q", ua)
			}
			if a := got.Header.Get("Accept"); a != DefaultAccept {
				t.Errorf("Accept = %q, want %q", a, DefaultAccept)
			}
		})
	}
	t.Run("key pasted with blanks around it", func(t *testing.T) {
		c := New(Options{BaseURL: srv.URL, Credential: HeaderKey{Scheme: "Bearer", Key: StaticKey("  sk_test_123\n")}})
		if _, err := c.Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/me", Security: true}}); err != nil {
			t.Fatal(err)
		}
		if got := srv.last(t).Header.Get("Authorization"); got != "Bearer sk_test_123" {
			t.Errorf("Authorization = %q", got)
		}
	})
	t.Run("security: [] sends no key", func(t *testing.T) {
		called := false
		c := New(Options{BaseURL: srv.URL, Credential: HeaderKey{Key: func(context.Context) (string, error) { called = true; return "k", nil }}})
		if _, err := c.Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/public"}}); err != nil {
			t.Fatal(err)
		}
		if h := srv.last(t).Header.Get("Authorization"); h != "" {
			t.Errorf("Authorization = %q, want none", h)
		}
		if called {
			t.Error("the key source was asked for a key the request does not need")
		}
	})
}

type keyMissingError struct{ profile string }

func (e *keyMissingError) Error() string {
	return "no key for profile " + e.profile + ": run restmcp login"
}

func TestDoKeySourceError(t *testing.T) {
	srv := newRecorder(t, nil)
	sentinel := &keyMissingError{"acme"}
	c := New(Options{BaseURL: srv.URL, Credential: HeaderKey{Key: func(context.Context) (string, error) { return "", sentinel }}})
	_, err := c.Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/me", Security: true}})
	var km *keyMissingError
	if !errors.As(err, &km) || km != sentinel {
		t.Fatalf("error = %v, want the key source's error", err)
	}
	if !strings.Contains(err.Error(), "run restmcp login") {
		t.Errorf("error = %q, lost the key source's message", err)
	}
	if n := len(srv.all()); n != 0 {
		t.Errorf("%d requests sent without a key, want none", n)
	}
}

func TestDoHTTPError(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "{\n  \"detail\": \"Not found.\",\n  \"echo\": \"secret-key-123\"\n}\n")
	})
	c := New(Options{BaseURL: srv.URL, Credential: HeaderKey{Key: StaticKey("secret-key-123")}})
	op := &Operation{Method: "GET", Path: "/projects/{id}", Security: true, Params: []*Param{{Name: "id", In: "path", Required: true}}}
	resp, err := c.Do(context.Background(), Request{Op: op, Path: map[string]any{"id": "42"}, Query: map[string]any{"token": "q"}})
	var he *HTTPError
	if !errors.As(err, &he) {
		t.Fatalf("error = %v (%T), want *HTTPError", err, err)
	}
	if resp == nil || resp.Status != 404 || he.Response != resp {
		t.Fatalf("response = %+v, want the 404 answer, also in the error", resp)
	}
	if want := "GET " + srv.URL + "/projects/42: 404 Not Found"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if got, want := he.Excerpt(), `{"detail":"Not found.","echo":"[REDACTED]"}`; got != want {
		t.Errorf("excerpt = %q, want %q", got, want)
	}
	if strings.Contains(string(resp.Body), "secret-key-123") {
		t.Errorf("the key echoed by the API is in the response body: %s", resp.Body)
	}
}

func TestCheck(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") != "Token good" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, `{"user":"me"}`)
	})
	tests := []struct {
		key        string
		wantStatus int
		wantErr    bool
	}{{"good", 200, false}, {"bad", 401, true}}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			c := New(Options{BaseURL: srv.URL + "/api/v2/", Credential: HeaderKey{Scheme: "Token", Key: StaticKey(tt.key)}})
			resp, err := c.Check(context.Background(), "GET", "/users/me?fields=id")
			var he *HTTPError
			if tt.wantErr != errors.As(err, &he) {
				t.Fatalf("error = %v", err)
			}
			if resp.Status != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.Status, tt.wantStatus)
			}
			if got := srv.last(t).RequestURI; got != "/api/v2/users/me?fields=id" {
				t.Errorf("request URI = %q", got)
			}
		})
	}
}

func TestDoBaseURL(t *testing.T) {
	srv := newRecorder(t, nil)
	tests := []struct {
		name    string
		base    string
		servers []string
		wantURI string // "" when an error is expected
		wantErr string
	}{
		{"no base URL", "", nil, "", "no base URL: set one with --base-url"},
		{"relative base URL", "/api", nil, "", "must be an absolute http or https URL"},
		{"not http", "ftp://example.com", nil, "", "must be an absolute http or https URL"},
		{"empty operation server", "", []string{""}, "", "no base URL"},
		{"operation server without a base URL", "", []string{srv.URL + "/x"}, "/x/ping", ""},
		{"relative operation server without a base URL", "", []string{"/x"}, "", "is relative and no base URL is set"},
		{"operation server not http", srv.URL, []string{"ws://example.com"}, "", "must be an http or https URL"},
		{"trailing slash", srv.URL + "/api/", nil, "/api/ping", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Options{BaseURL: tt.base})
			_, err := c.Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "ping", Servers: tt.servers}})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := srv.last(t).RequestURI; got != tt.wantURI {
				t.Errorf("request URI = %q, want %q", got, tt.wantURI)
			}
		})
	}
}

// FuzzPathValueStaysInSegment checks that any value substituted into a path
// template stays one segment, cannot be read as `.` or `..`, and decodes
// back to itself.
func FuzzPathValueStaysInSegment(f *testing.F) {
	for _, s := range []string{"../admin", "..", ".", "a/b?c#d", "%2F", "é ;,=", "", "...", "./.", "\x00\n"} {
		f.Add(s)
	}
	op := &Operation{Method: "GET", Path: "/a/{v}/b", Params: []*Param{{Name: "v", In: "path", Required: true, Style: "simple"}}}
	f.Fuzz(func(t *testing.T, v string) {
		path, query, err := expandPath(op, map[string]any{"v": v})
		if v == "" {
			if err == nil {
				t.Error("an empty path value was accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		segs := strings.Split(path, "/")
		if len(segs) != 4 || segs[1] != "a" || segs[3] != "b" || query != "" {
			t.Fatalf("%q became %q", v, path)
		}
		if segs[2] == "." || segs[2] == ".." || strings.ContainsAny(segs[2], "?#") {
			t.Fatalf("%q became the segment %q", v, segs[2])
		}
		if got, err := url.PathUnescape(segs[2]); err != nil || got != v {
			t.Fatalf("%q became %q, which decodes to %q (%v)", v, segs[2], got, err)
		}
	})
}

func TestDoOverrideServers(t *testing.T) {
	srv := newRecorder(t, nil)
	op := &Operation{Method: "GET", Path: "ping", Servers: []string{"http://127.0.0.1:9/elsewhere"}, Security: true}
	c := New(Options{BaseURL: srv.URL + "/proxy", OverrideServers: true, Credential: HeaderKey{Scheme: "Bearer", Key: StaticKey("k-override")}})
	if _, err := c.Do(context.Background(), Request{Op: op}); err != nil {
		t.Fatal(err)
	}
	r := srv.last(t)
	if r.RequestURI != "/proxy/ping" {
		t.Errorf("request URI = %q, want the chosen base URL", r.RequestURI)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer k-override" {
		t.Errorf("Authorization = %q", got)
	}
}

func TestAPIBaseURLFallsBackToOperationServers(t *testing.T) {
	api := &API{Operations: []*Operation{{Path: "/a"}, {Path: "/b", Servers: []string{"https://api.example.com/v1"}}}}
	if got := api.BaseURL(); got != "https://api.example.com/v1" {
		t.Errorf("BaseURL() = %q", got)
	}
	api.Servers = []string{"https://top.example.com"}
	if got := api.BaseURL(); got != "https://top.example.com" {
		t.Errorf("BaseURL() = %q", got)
	}
}
