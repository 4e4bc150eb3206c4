package client

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// TestCredentialFillsItsParameter checks that a parameter the credential
// travels in is satisfied by the key: declared required, a call without it
// goes out with the key in its place, for every place a key can travel.
func TestCredentialFillsItsParameter(t *testing.T) {
	tests := []struct {
		name  string
		cred  Credential
		param *Param
		check func(r received) bool
	}{
		{"query key", QueryKey{Name: "api_key", Key: StaticKey("k-1")}, &Param{Name: "api_key", In: "query", Required: true, Style: "form", Explode: true},
			func(r received) bool { return strings.Contains(r.RequestURI, "api_key=k-1") }},
		{"cookie key", CookieKey{Name: "sid", Key: StaticKey("k-1")}, &Param{Name: "sid", In: "cookie", Required: true, Style: "form"},
			func(r received) bool { return r.Header.Get("Cookie") == "sid=k-1" }},
		{"header key", HeaderKey{Header: "X-Api-Key", Scheme: "", Key: StaticKey("k-1")}, &Param{Name: "x-api-key", In: "header", Required: true, Style: "simple"},
			func(r received) bool { return r.Header.Get("X-Api-Key") == "k-1" }},
		{"bearer token", BearerToken{Tokens: &fakeTokens{tokens: []string{"k-1"}}}, &Param{Name: "Authorization", In: "header", Required: true, Style: "simple"},
			func(r received) bool { return r.Header.Get("Authorization") == "Bearer k-1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, nil)
			c := New(Options{BaseURL: srv.URL, Credential: tt.cred})
			if !c.Fills(tt.param) {
				t.Errorf("Fills(%s %s) = false", tt.param.In, tt.param.Name)
			}
			op := &Operation{Method: "GET", Path: "/x", Security: true, Params: []*Param{tt.param}}
			if _, err := c.Do(context.Background(), Request{Op: op}); err != nil {
				t.Fatalf("a call without the parameter the key fills: %v", err)
			}
			if r := srv.last(t); !tt.check(r) {
				t.Errorf("request %s, headers %v: the key is not in its place", r.RequestURI, r.Header)
			}
		})
	}
	// Another parameter of the same place is still the caller's to give.
	c := New(Options{BaseURL: "http://127.0.0.1:9", Credential: QueryKey{Name: "api_key", Key: StaticKey("k")}})
	if c.Fills(&Param{Name: "page", In: "query"}) || c.Fills(&Param{Name: "api_key", In: "header"}) {
		t.Error("Fills answers true for a parameter the key does not travel in")
	}
}

// TestHeadersTheClientSetsAreNeverMissing checks that a description that
// declares User-Agent, Accept or Content-Length as required does not make
// every call fail: the client sends them itself.
func TestHeadersTheClientSetsAreNeverMissing(t *testing.T) {
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	var params []*Param
	for _, h := range []string{"User-Agent", "accept", "Content-Length"} {
		params = append(params, &Param{Name: h, In: "header", Required: true, Style: "simple"})
	}
	op := &Operation{Method: "GET", Path: "/x", Params: params}
	if _, err := c.Do(context.Background(), Request{Op: op}); err != nil {
		t.Fatal(err)
	}
	if srv.last(t).Header.Get("User-Agent") == "" {
		t.Error("no User-Agent sent")
	}
}

// TestQueryKeyKeepsTheQueryAsWritten checks that adding a query key leaves
// every other pair as it was: a pair holding ";" (allowReserved, or fixed
// in the path), brackets unescaped, the order; a pair of the key's own name
// is replaced.
func TestQueryKeyKeepsTheQueryAsWritten(t *testing.T) {
	for _, tt := range []struct{ raw, want string }{
		{"q=a;b/c&filter[status]=open", "q=a;b/c&filter[status]=open&api_key=k+1%26"},
		{"", "api_key=k+1%26"},
		{"api_key=model&z=1&api%5Fkey=x", "z=1&api_key=k+1%26"},
		{"a=1&&b=2", "a=1&b=2&api_key=k+1%26"},
	} {
		if got := withQueryKey(tt.raw, "api_key", "k 1&"); got != tt.want {
			t.Errorf("withQueryKey(%q) = %q, want %q", tt.raw, got, tt.want)
		}
		if v, _ := url.ParseQuery(withQueryKey(tt.raw, "api_key", "k 1&")); v.Get("api_key") != "k 1&" {
			t.Errorf("withQueryKey(%q): the key does not read back", tt.raw)
		}
	}
}

// TestAuthTokenParametersAreNotTaken checks that a parameter the
// description calls the authentication token (Slack's token, in a header,
// the query or a form) is not one of the operation's, while a token that is
// not the credential (a path segment, an invitation token) stays.
func TestAuthTokenParametersAreNotTaken(t *testing.T) {
	api := loadString(t, `{"swagger":"2.0","info":{"title":"x","version":"1"},"host":"h","basePath":"/",
"securityDefinitions":{"o":{"type":"oauth2","flow":"implicit","authorizationUrl":"https://h/a","scopes":{}}},"security":[{"o":[]}],
"paths":{
"/chat.postMessage":{"post":{"operationId":"post","consumes":["application/x-www-form-urlencoded"],"parameters":[
  {"name":"token","in":"formData","required":true,"type":"string","description":"Authentication token. Requires scope: chat:write"},
  {"name":"channel","in":"formData","required":true,"type":"string"}]}},
"/conversations.list":{"get":{"operationId":"list","parameters":[
  {"name":"token","in":"query","required":true,"type":"string","description":"Authentication token."},
  {"name":"limit","in":"query","type":"integer"}]}},
"/auth.test":{"post":{"operationId":"test","parameters":[{"name":"token","in":"header","required":true,"type":"string","description":"Authentication token. Requires scope: none"}]}},
"/invites/{token}":{"get":{"operationId":"invite","parameters":[{"name":"token","in":"path","required":true,"type":"string","description":"The invitation's auth token."}]}},
"/reset":{"post":{"operationId":"reset","security":[],"parameters":[{"name":"token","in":"query","required":true,"type":"string","description":"The token from the reset e-mail."}]}},
"/verify":{"post":{"operationId":"verify","security":[{}],"parameters":[{"name":"token","in":"query","required":true,"type":"string","description":"Authentication token from the sign-up e-mail."}]}},
"/articles":{"get":{"operationId":"articles","parameters":[{"name":"token","in":"query","type":"string","description":"Continuation token from the previous page of articles by this author."}]}},
"/password-reset":{"post":{"operationId":"passwordReset","parameters":[{"name":"token","in":"query","required":true,"type":"string","description":"The one-time token from the reset e-mail; it authorizes this single reset."}]}},
"/download":{"get":{"operationId":"download","parameters":[{"name":"access_token","in":"query","type":"string","description":"An access token that can be used to pre-authenticate this request."}]}}}}`)
	ops := map[string]*Operation{}
	for _, op := range api.Operations {
		ops[op.ID] = op
	}
	names := func(op *Operation) (out []string) {
		for _, p := range op.Params {
			out = append(out, p.In+" "+p.Name)
		}
		if op.Body != nil {
			for name := range op.Body.Schema["properties"].(map[string]any) {
				out = append(out, "body "+name)
			}
			if req, _ := op.Body.Schema["required"].([]any); len(req) != 1 || req[0] != "channel" {
				t.Errorf("%s: body required %v, want [channel]", op.ID, req)
			}
		}
		return out
	}
	for id, want := range map[string]string{
		"post": "body channel", "list": "query limit", "test": "",
		"invite": "path token", "reset": "query token", "verify": "query token",
		"articles": "query token", "passwordReset": "query token", "download": "",
	} {
		if got := strings.Join(names(ops[id]), ","); got != want {
			t.Errorf("%s takes %q, want %q", id, got, want)
		}
	}
}

// TestAuthTokenNeedsDeclaredSecurity checks that a description declaring
// no security requirement has no parameter taken for the credential, as
// nothing says the operation authenticates its caller.
func TestAuthTokenNeedsDeclaredSecurity(t *testing.T) {
	api := loadString(t, `{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{
"/list":{"get":{"operationId":"list","parameters":[{"name":"token","in":"query","required":true,"schema":{"type":"string"},"description":"Authentication token."}]}}}}`)
	if op := api.Operations[0]; len(op.Params) != 1 || op.Params[0].Name != "token" {
		t.Errorf("params %v, want the token kept", op.Params)
	}
}

// TestKeyFillsNoParameterOfPublicOperation checks that a required
// parameter of the key's name is asked of a call to an operation declared
// public, which the key does not go to, rather than left out.
func TestKeyFillsNoParameterOfPublicOperation(t *testing.T) {
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL, Credential: QueryKey{Name: "api_key", Key: StaticKey("k-1")}})
	op := &Operation{Method: "GET", Path: "/verify", Params: []*Param{{Name: "api_key", In: "query", Required: true, Style: "form", Explode: true}}}
	if _, err := c.Do(context.Background(), Request{Op: op}); err == nil || !strings.Contains(err.Error(), `missing required query parameter "api_key"`) {
		t.Errorf("err %v, want the missing api_key", err)
	}
	if _, err := c.Do(context.Background(), Request{Op: op, Query: map[string]any{"api_key": "other"}}); err != nil {
		t.Fatal(err)
	}
	if got := srv.last(t).RequestURI; got != "/verify?api_key=other" {
		t.Errorf("sent %s, want the given api_key and not the key", got)
	}
	op.Security = true
	if _, err := c.Do(context.Background(), Request{Op: op}); err != nil {
		t.Fatal(err)
	}
	if got := srv.last(t).RequestURI; got != "/verify?api_key=k-1" {
		t.Errorf("sent %s, want the key", got)
	}
}
