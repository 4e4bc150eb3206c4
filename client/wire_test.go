package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestAnswerWithoutByteOrderMark checks that a JSON or text answer that
// begins with a UTF-8 byte order mark reaches the caller without it (JSON
// may not begin with one), and a binary one as it came.
func TestAnswerWithoutByteOrderMark(t *testing.T) {
	for _, tt := range []struct {
		ct   string
		want string
	}{
		{"application/json; charset=utf-8", `{"a":1}`},
		{"text/plain", `{"a":1}`},
		{"", `{"a":1}`},
		{"application/octet-stream", "\xef\xbb\xbf" + `{"a":1}`},
	} {
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if tt.ct != "" {
				w.Header().Set("Content-Type", tt.ct)
			}
			_, _ = io.WriteString(w, "\xef\xbb\xbf"+`{"a":1}`)
		})
		c := New(Options{BaseURL: srv.URL})
		resp, err := c.Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/x"}})
		if err != nil {
			t.Fatal(err)
		}
		if string(resp.Body) != tt.want {
			t.Errorf("%q: body %q, want %q", tt.ct, resp.Body, tt.want)
		}
	}
}

// TestSwaggerCollectionFormats checks that Swagger 2.0's collectionFormat
// is sent as it says: tsv with tabs, and a formData array without one as
// csv, the default.
func TestSwaggerCollectionFormats(t *testing.T) {
	api := loadString(t, `{"swagger":"2.0","info":{"title":"x","version":"1"},"host":"h","basePath":"/",
"paths":{"/q":{"get":{"operationId":"q","parameters":[{"name":"ids","in":"query","type":"array","items":{"type":"string"},"collectionFormat":"tsv"}]}},
"/f":{"post":{"operationId":"f","consumes":["application/x-www-form-urlencoded"],"parameters":[{"name":"ids","in":"formData","type":"array","items":{"type":"string"}}]}}}}`)
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	for _, op := range api.Operations {
		req := Request{Op: op, Query: map[string]any{"ids": []any{"a", "b"}}}
		if op.ID == "f" {
			req = Request{Op: op, Body: map[string]any{"ids": []any{"a", "b"}}}
		}
		if _, err := c.Do(context.Background(), req); err != nil {
			t.Fatalf("%s: %v", op.ID, err)
		}
		got := srv.last(t)
		switch op.ID {
		case "q":
			if got.RequestURI != "/q?ids=a%09b" {
				t.Errorf("tsv: %s, want /q?ids=a%%09b", got.RequestURI)
			}
		case "f":
			if v, _ := url.ParseQuery(string(got.Body)); v.Get("ids") != "a,b" || len(v["ids"]) != 1 {
				t.Errorf("formData array: body %q, want ids=a,b", got.Body)
			}
		}
	}
}

// TestSwaggerCollectionFormatsOutsideQuery checks that Swagger 2.0's
// collectionFormat is sent as it says in a path (escaped as a segment), a
// header, a urlencoded form and a multipart form, where only multi sends
// an item per part; and that an OpenAPI 3.0 multipart array still goes an
// item per part whatever its encoding (3.0 ignores style there), while
// 3.1's takes its encoding's style.
func TestSwaggerCollectionFormatsOutsideQuery(t *testing.T) {
	api := loadString(t, `{"swagger":"2.0","info":{"title":"x","version":"1"},"host":"h","paths":{
"/p/{pipes}/{ssv}/{tsv}/{multi}":{"get":{"operationId":"p","parameters":[
{"name":"pipes","in":"path","required":true,"type":"array","items":{"type":"string"},"collectionFormat":"pipes"},
{"name":"ssv","in":"path","required":true,"type":"array","items":{"type":"integer"},"collectionFormat":"ssv"},
{"name":"tsv","in":"path","required":true,"type":"array","items":{"type":"string"},"collectionFormat":"tsv"},
{"name":"multi","in":"path","required":true,"type":"array","items":{"type":"string"},"collectionFormat":"multi"},
{"name":"X-Pipes","in":"header","type":"array","items":{"type":"string"},"collectionFormat":"pipes"},
{"name":"X-Ssv","in":"header","type":"array","items":{"type":"string"},"collectionFormat":"ssv"},
{"name":"X-Csv","in":"header","type":"array","items":{"type":"string"}}]}},
"/u":{"post":{"operationId":"u","consumes":["application/x-www-form-urlencoded"],"parameters":[
{"name":"tsv","in":"formData","type":"array","items":{"type":"string"},"collectionFormat":"tsv"}]}},
"/m":{"post":{"operationId":"m","consumes":["multipart/form-data"],"parameters":[
{"name":"csv","in":"formData","type":"array","items":{"type":"string"}},
{"name":"pipes","in":"formData","type":"array","items":{"type":"integer"},"collectionFormat":"pipes"},
{"name":"multi","in":"formData","type":"array","items":{"type":"string"},"collectionFormat":"multi"}]}}}}`)
	api3 := loadString(t, `{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{"/m3":{"post":{"operationId":"m3",
"requestBody":{"content":{"multipart/form-data":{"schema":{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"}}}},
"encoding":{"tags":{"style":"pipeDelimited","explode":false}}}}},"responses":{"200":{"description":"ok"}}}}}}`)
	api31 := loadString(t, `{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/m31":{"post":{"operationId":"m31",
"requestBody":{"content":{"multipart/form-data":{"schema":{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"}}}},
"encoding":{"tags":{"style":"pipeDelimited","explode":false}}}}},"responses":{"200":{"description":"ok"}}}}}}`)
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	ops := map[string]*Operation{}
	for _, op := range slices.Concat(api.Operations, api3.Operations, api31.Operations) {
		ops[op.ID] = op
	}

	_, err := c.Do(context.Background(), Request{Op: ops["p"],
		Path:   map[string]any{"pipes": []any{"a/b", "c"}, "ssv": []any{1.0, 2.0}, "tsv": []any{"x", "y"}, "multi": []any{"m", "n"}},
		Header: map[string]any{"X-Pipes": []any{"a", "b"}, "X-Ssv": []any{"c", "d"}, "X-Csv": []any{"e", "f"}}})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.last(t)
	if want := "/p/a%2Fb%7Cc/1%202/x%09y/m,n"; got.RequestURI != want {
		t.Errorf("path %s, want %s", got.RequestURI, want)
	}
	for h, want := range map[string]string{"X-Pipes": "a|b", "X-Ssv": "c d", "X-Csv": "e,f"} {
		if got.Header.Get(h) != want {
			t.Errorf("header %s: %q, want %q", h, got.Header.Get(h), want)
		}
	}

	if _, err := c.Do(context.Background(), Request{Op: ops["u"], Body: map[string]any{"tsv": []any{"a", "b"}}}); err != nil {
		t.Fatal(err)
	}
	if got := srv.last(t); string(got.Body) != "tsv=a%09b" {
		t.Errorf("urlencoded tsv: %q, want tsv=a%%09b", got.Body)
	}

	for _, tt := range []struct {
		op   string
		body map[string]any
		want string
	}{
		{"m", map[string]any{"csv": []any{"a", "b"}, "pipes": []any{1.0, 2.0}, "multi": []any{"x", "y"}}, "csv=a,b multi=x multi=y pipes=1|2"},
		{"m3", map[string]any{"tags": []any{"a", "b"}}, "tags=a tags=b"},
		{"m31", map[string]any{"tags": []any{"a", "b"}}, "tags=a|b"},
	} {
		if _, err := c.Do(context.Background(), Request{Op: ops[tt.op], Body: tt.body}); err != nil {
			t.Fatal(err)
		}
		got := srv.last(t)
		_, params, _ := mime.ParseMediaType(got.Header.Get("Content-Type"))
		r := multipart.NewReader(bytes.NewReader(got.Body), params["boundary"])
		var parts []string
		for {
			p, err := r.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			parts = append(parts, p.FormName()+"="+string(b))
		}
		if s := strings.Join(parts, " "); s != tt.want {
			t.Errorf("%s: parts %s, want %s", tt.op, s, tt.want)
		}
	}
}

// TestBinaryContentAsDataURI checks that a data: URI with base64 sends its
// bytes to a binary body or file field, with its media type where the
// description names none, and that other text goes as it is.
func TestBinaryContentAsDataURI(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x01"
	uri := "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte(png))
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	raw := &Operation{Method: "PUT", Path: "/raw", Body: &Body{ContentType: "application/octet-stream", Schema: map[string]any{"type": "string", "format": "binary"}}}
	wild := &Operation{Method: "PUT", Path: "/any", Body: &Body{ContentType: "*/*", Schema: map[string]any{}}}
	form := &Operation{Method: "POST", Path: "/form", Body: &Body{ContentType: "multipart/form-data", Schema: map[string]any{"type": "object",
		"properties": map[string]any{"file": map[string]any{"type": "string", "format": "binary"}, "note": map[string]any{"type": "string"}}}}}
	for _, tt := range []struct {
		op       *Operation
		body     any
		wantBody string
		wantCT   string
	}{
		{raw, uri, png, "application/octet-stream"},
		{raw, "plain text", "plain text", "application/octet-stream"},
		{raw, "data:image/png;base64,not base64!", "data:image/png;base64,not base64!", "application/octet-stream"},
		{wild, uri, png, "image/png"},
	} {
		if _, err := c.Do(context.Background(), Request{Op: tt.op, Body: tt.body}); err != nil {
			t.Fatal(err)
		}
		got := srv.last(t)
		if string(got.Body) != tt.wantBody || got.Header.Get("Content-Type") != tt.wantCT {
			t.Errorf("%s %v: body %q (%s), want %q (%s)", tt.op.Path, tt.body, got.Body, got.Header.Get("Content-Type"), tt.wantBody, tt.wantCT)
		}
	}
	if _, err := c.Do(context.Background(), Request{Op: form, Body: map[string]any{"file": uri, "note": uri}}); err != nil {
		t.Fatal(err)
	}
	got := srv.last(t)
	_, params, _ := mime.ParseMediaType(got.Header.Get("Content-Type"))
	r := multipart.NewReader(bytes.NewReader(got.Body), params["boundary"])
	parts := map[string]string{}
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(p)
		parts[p.FormName()] = string(b) + " | " + p.Header.Get("Content-Type")
	}
	if parts["file"] != png+" | image/png" || parts["note"] != uri+" | " {
		t.Errorf("parts %q: want the file's bytes as image/png, the text field as written", parts)
	}
}

// TestContentParameterIsSentAsJSON checks that a parameter declared with a
// JSON `content` (not a schema) is sent as that JSON, one value, in the
// query, a header, the path and a cookie.
func TestContentParameterIsSentAsJSON(t *testing.T) {
	api := loadString(t, `{"openapi":"3.1.0","info":{"title":"x","version":"1"},"servers":[{"url":"http://h"}],
"paths":{"/s/{where}":{"get":{"operationId":"s","parameters":[
{"name":"filter","in":"query","content":{"application/json":{"schema":{"type":"object"}}}},
{"name":"X-Filter","in":"header","content":{"application/json":{"schema":{"type":"object"}}}},
{"name":"where","in":"path","required":true,"content":{"application/json":{"schema":{"type":"array"}}}},
{"name":"pref","in":"cookie","content":{"application/json":{"schema":{"type":"object"}}}}]}}}}`)
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	obj := map[string]any{"a": 1.0, "b": "x y"}
	_, err := c.Do(context.Background(), Request{Op: api.Operations[0],
		Path: map[string]any{"where": []any{"n", 1.0}}, Query: map[string]any{"filter": obj},
		Header: map[string]any{"X-Filter": obj}, Cookie: map[string]any{"pref": obj}})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.last(t)
	u, _ := url.Parse(got.RequestURI)
	if u.Query().Get("filter") != `{"a":1,"b":"x y"}` || len(u.Query()) != 1 {
		t.Errorf("query %q: want filter as JSON", u.RawQuery)
	}
	if u.Path != `/s/["n",1]` {
		t.Errorf("path %q: want the array as JSON", u.Path)
	}
	if h := got.Header.Get("X-Filter"); h != `{"a":1,"b":"x y"}` {
		t.Errorf("header %q: want the object as JSON", h)
	}
	if ck := got.Header.Get("Cookie"); !strings.HasPrefix(ck, "pref=") || !strings.Contains(ck, "%22a%22") {
		t.Errorf("cookie %q: want the object as (escaped) JSON", ck)
	}
}

// TestLegacyCharsetIsDecoded checks that an answer in ISO-8859-1 or
// Windows-1252 reaches the caller as UTF-8.
func TestLegacyCharsetIsDecoded(t *testing.T) {
	for _, tt := range []struct{ ct, body, want string }{
		{"text/plain; charset=iso-8859-1", "caf\xe9", "café"},
		{"application/json; charset=ISO-8859-1", `{"n":"caf` + "\xe9" + `"}`, `{"n":"café"}`},
		{"text/plain; charset=windows-1252", "\x93hi\x94 \x80", "“hi” €"},
		{"text/plain; charset=utf-8", "café", "café"},
		{"application/octet-stream; charset=iso-8859-1", "\xe9", "\xe9"},
	} {
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Type", tt.ct)
			_, _ = io.WriteString(w, tt.body)
		})
		resp, err := New(Options{BaseURL: srv.URL}).Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/x"}})
		if err != nil {
			t.Fatal(err)
		}
		if string(resp.Body) != tt.want {
			t.Errorf("%s: %q, want %q", tt.ct, resp.Body, tt.want)
		}
	}
	// An answer cut at the read limit is converted too.
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/plain; charset=iso-8859-1")
		_, _ = io.WriteString(w, strings.Repeat("caf\xe9 ", 10))
	})
	resp, err := New(Options{BaseURL: srv.URL, MaxBodyBytes: 12}).Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/x"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "café café ca" || !resp.Truncated {
		t.Errorf("cut answer: %q (truncated %v), want %q", resp.Body, resp.Truncated, "café café ca")
	}
}

// TestWholeNumbersAsIntegers checks that a whole number goes into a path,
// the query and a header as an integer however the client wrote it (some
// write every number as a float: /issues/42.0 is no issue), and any other
// number as written.
func TestWholeNumbersAsIntegers(t *testing.T) {
	api := loadString(t, `{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{"/issues/{n}":{"get":{"operationId":"g","parameters":[
{"name":"n","in":"path","required":true,"schema":{"type":"integer"}},
{"name":"per_page","in":"query","schema":{"type":"integer"}},
{"name":"ratio","in":"query","schema":{"type":"number"}},
{"name":"tiny","in":"query","schema":{"type":"number"}},
{"name":"big","in":"query","schema":{"type":"integer"}},
{"name":"near","in":"query","schema":{"type":"number"}},
{"name":"huge","in":"query","schema":{"type":"number"}},
{"name":"X-Page","in":"header","schema":{"type":"integer"}}],"responses":{"200":{"description":"ok"}}}}}}`)
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	_, err := c.Do(context.Background(), Request{Op: api.Operations[0],
		Path: map[string]any{"n": json.Number("42.0")},
		Query: map[string]any{"per_page": json.Number("4.2e1"), "ratio": json.Number("0.5"), "tiny": json.Number("1e-7"),
			"big": json.Number("9007199254740993.0"), "near": json.Number("0.99999999999999999"), "huge": json.Number("1e999999")},
		Header: map[string]any{"X-Page": json.Number("3.00")}})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.all()[0]
	if got.RequestURI != "/issues/42?per_page=42&ratio=0.5&tiny=1e-7&big=9007199254740993&near=0.99999999999999999&huge=1e999999" || got.Header.Get("X-Page") != "3" {
		t.Errorf("sent %s with X-Page %q", got.RequestURI, got.Header.Get("X-Page"))
	}
}

// A data: URI's media type is the model's text: one that is no media type
// (a line break and a header after it) sets no part's or request's
// Content-Type, which would write that header into the multipart body.
func TestDataURIMediaTypeCannotAddHeaders(t *testing.T) {
	evil := "data:text/plain\r\nContent-Disposition: form-data; name=\"admin\";base64," + base64.StdEncoding.EncodeToString([]byte("hi"))
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	form := &Operation{Method: "POST", Path: "/form", Body: &Body{ContentType: "multipart/form-data", Schema: map[string]any{"type": "object",
		"properties": map[string]any{"file": map[string]any{"type": "string", "format": "binary"}}}}}
	if _, err := c.Do(context.Background(), Request{Op: form, Body: map[string]any{"file": evil}}); err != nil {
		t.Fatal(err)
	}
	got := srv.last(t)
	_, params, _ := mime.ParseMediaType(got.Header.Get("Content-Type"))
	p, err := multipart.NewReader(bytes.NewReader(got.Body), params["boundary"]).NextPart()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(p)
	if p.FormName() != "file" || len(p.Header) != 2 || p.Header.Get("Content-Type") != "application/octet-stream" || string(b) != "hi" {
		t.Errorf("part %q %v: %q, want the file's bytes as application/octet-stream, no other header", p.FormName(), p.Header, b)
	}
	wild := &Operation{Method: "PUT", Path: "/any", Body: &Body{ContentType: "*/*", Schema: map[string]any{}}}
	if _, err := c.Do(context.Background(), Request{Op: wild, Body: evil}); err != nil {
		t.Fatal(err)
	}
	if got := srv.last(t); got.Header.Get("Content-Type") != "application/octet-stream" || string(got.Body) != "hi" {
		t.Errorf("raw body %q as %q", got.Body, got.Header.Get("Content-Type"))
	}
	if _, mt, ok := DataURI("data:image/png;charset=x;base64,aGk="); !ok || mt != "image/png" {
		t.Errorf("DataURI media type %q", mt)
	}
}

// A whole number in a JSON body (or a JSON parameter) goes as an integer
// however the client wrote it, as in a path or the query: the JSON
// decoders of Go and Rust refuse 42.0 for an integer field. Other numbers,
// and whole numbers too long for a float64, go as written.
func TestWholeNumbersInJSONBodies(t *testing.T) {
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	op := &Operation{Method: "POST", Path: "/issues", Body: &Body{ContentType: "application/json", Schema: map[string]any{"type": "object"}}}
	body := map[string]any{"n": json.Number("42.0"), "per_page": json.Number("4.2e1"), "ratio": json.Number("0.5"),
		"big": json.Number("9007199254740993.0"), "near": json.Number("0.99999999999999999"), "huge": json.Number("1e999999"),
		"ids": []any{json.Number("1.0"), json.Number("2")}, "nested": map[string]any{"page": json.Number("3.00")}}
	if _, err := c.Do(context.Background(), Request{Op: op, Body: body}); err != nil {
		t.Fatal(err)
	}
	want := `{"big":9007199254740993,"huge":1e999999,"ids":[1,2],"n":42,"near":0.99999999999999999,"nested":{"page":3},"per_page":42,"ratio":0.5}`
	if got := string(srv.last(t).Body); got != want {
		t.Errorf("body %s\nwant %s", got, want)
	}
}

// A body declared as a range of JSON types (application/*+json, which
// ASP.NET descriptions list) goes as application/json: a wildcard names
// no type a request can carry.
func TestJSONRangeBodyIsSentAsJSON(t *testing.T) {
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	op := &Operation{Method: "POST", Path: "/x", Body: &Body{ContentType: "application/*+json", Schema: map[string]any{"type": "object"}}}
	if _, err := c.Do(context.Background(), Request{Op: op, Body: map[string]any{"x": json.Number("1")}}); err != nil {
		t.Fatal(err)
	}
	if got := srv.last(t); got.Header.Get("Content-Type") != "application/json" || string(got.Body) != `{"x":1}` {
		t.Errorf("sent %q as %q", got.Body, got.Header.Get("Content-Type"))
	}
}
