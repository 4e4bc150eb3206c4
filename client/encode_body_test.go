package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
)

// stripeEncoding is the encoding Stripe's description declares for the
// object and array fields of POST /v1/subscriptions.
var stripeEncoding = map[string]Encoding{
	"expand":   {Style: "deepObject", Explode: boolp(true)},
	"items":    {Style: "deepObject", Explode: boolp(true)},
	"metadata": {Style: "deepObject", Explode: boolp(true)},
}

func TestDoFormBody(t *testing.T) {
	tests := []struct {
		name     string
		encoding map[string]Encoding
		body     map[string]any
		want     string
	}{
		{
			// Stripe's documented form: curl https://api.stripe.com/v1/subscriptions
			//   -d customer=cus_123 -d "items[0][price]"=price_123
			//   -d "metadata[order_id]"=6735 -d "expand[]"=latest_invoice
			name:     "Stripe subscription",
			encoding: stripeEncoding,
			body: map[string]any{
				"customer": "cus_123",
				"items":    []any{map[string]any{"price": "price_123", "quantity": 2.0}, map[string]any{"price": "price_456"}},
				"metadata": map[string]any{"order_id": "6735", "note": "a&b=c d"},
				"expand":   []any{"latest_invoice", "customer"},
			},
			want: "customer=cus_123&expand[]=latest_invoice&expand[]=customer&items[0][price]=price_123&items[0][quantity]=2" +
				"&items[1][price]=price_456&metadata[note]=a%26b%3Dc%20d&metadata[order_id]=6735",
		},
		{
			name:     "Stripe deeper nesting",
			encoding: map[string]Encoding{"payment_settings": {Style: "deepObject", Explode: boolp(true)}},
			body: map[string]any{"payment_settings": map[string]any{
				"payment_method_types":   []any{"card"},
				"payment_method_options": map[string]any{"card": map[string]any{"request_three_d_secure": "any"}},
			}},
			want: "payment_settings[payment_method_options][card][request_three_d_secure]=any&payment_settings[payment_method_types][]=card",
		},
		{
			name: "Stripe empty string unsets",
			body: map[string]any{"metadata": "", "description": ""},
			want: "description=&metadata=",
		},
		{
			name: "no encoding: scalars, repeated arrays, bracketed objects",
			body: map[string]any{"name": "Ann", "age": 30.0, "ok": true, "tags": []any{"a", "b"}, "address": map[string]any{"city": "Oslo"}},
			want: "address[city]=Oslo&age=30&name=Ann&ok=true&tags=a&tags=b",
		},
		{
			name:     "encoding form unexploded",
			encoding: map[string]Encoding{"tags": {Style: "form", Explode: boolp(false)}},
			body:     map[string]any{"tags": []any{"a", "b"}},
			want:     "tags=a,b",
		},
		{
			name:     "encoding pipeDelimited",
			encoding: map[string]Encoding{"tags": {Style: "pipeDelimited", Explode: boolp(false)}},
			body:     map[string]any{"tags": []any{"a", "b"}},
			want:     "tags=a%7Cb",
		},
		{
			name:     "encoding contentType JSON",
			encoding: map[string]Encoding{"meta": {ContentType: "application/json"}},
			body:     map[string]any{"meta": map[string]any{"a": 1.0}},
			want:     "meta=%7B%22a%22%3A1%7D",
		},
		{
			// OpenAPI 3.1.1: a value is encoded by its contentType, a
			// string as a JSON string, then percent-encoded.
			name:     "encoding contentType JSON, scalars",
			encoding: map[string]Encoding{"status": {ContentType: "application/json"}, "n": {ContentType: "application/vnd.x+json"}, "plain": {ContentType: "text/plain"}},
			body:     map[string]any{"status": "draft", "n": 2.0, "plain": "draft"},
			want:     "n=2&plain=draft&status=%22draft%22",
		},
		{
			// A style named beside a JSON contentType wins (OpenAPI 3.1.1).
			name:     "encoding style beside contentType JSON",
			encoding: map[string]Encoding{"meta": {ContentType: "application/json", Style: "deepObject", Explode: boolp(true)}},
			body:     map[string]any{"meta": map[string]any{"a": 1.0}},
			want:     "meta[a]=1",
		},
	}
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := &Operation{Method: "POST", Path: "/v1/subscriptions", Body: &Body{ContentType: "application/x-www-form-urlencoded", Encoding: tt.encoding}}
			if _, err := c.Do(context.Background(), Request{Op: op, Body: tt.body}); err != nil {
				t.Fatal(err)
			}
			got := srv.last(t)
			if string(got.Body) != tt.want {
				t.Errorf("body:\n got %s\nwant %s", got.Body, tt.want)
			}
			if ct := got.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type = %q", ct)
			}
			// Whatever the brackets, a standard form parser reads the same fields.
			if _, err := url.ParseQuery(string(got.Body)); err != nil {
				t.Errorf("body is not a valid form: %v", err)
			}
		})
	}
}

type part struct {
	name, filename, contentType, content string
}

func TestDoMultipartBody(t *testing.T) {
	body := &Body{
		ContentType: "multipart/form-data",
		Schema: map[string]any{"type": "object", "properties": map[string]any{
			"file":        map[string]any{"type": "string", "format": "binary"},
			"attachments": map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "binary"}},
			"title":       map[string]any{"type": "string"},
			"count":       map[string]any{"type": "integer"},
			"labels":      map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			"meta":        map[string]any{"type": "object"},
			"image":       map[string]any{"type": "string", "contentMediaType": "image/png"},
			"photo":       map[string]any{"type": "string", "contentMediaType": "image/jpeg"},
		}},
		Encoding: map[string]Encoding{"image": {ContentType: "image/png"}},
	}
	value := map[string]any{
		"file":        "hello, file\n",
		"attachments": []any{"one", "two"},
		"title":       "Report é",
		"count":       1e6,
		"labels":      []any{"x", "y"},
		"meta":        map[string]any{"k": "v"},
		"image":       "PNG…",
		"photo":       "JPEG…",
	}
	want := []part{
		{"attachments", "attachments", "application/octet-stream", "one"},
		{"attachments", "attachments", "application/octet-stream", "two"},
		{"count", "", "", "1000000"},
		{"file", "file", "application/octet-stream", "hello, file\n"},
		{"image", "image", "image/png", "PNG…"},
		{"labels", "", "", "x"},
		{"labels", "", "", "y"},
		{"meta", "", "application/json", `{"k":"v"}`},
		{"photo", "photo", "image/jpeg", "JPEG…"},
		{"title", "", "", "Report é"},
	}
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	op := &Operation{Method: "POST", Path: "/upload", Body: body}
	if _, err := c.Do(context.Background(), Request{Op: op, Body: value}); err != nil {
		t.Fatal(err)
	}
	got := srv.last(t)
	mt, params, err := mime.ParseMediaType(got.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		t.Fatalf("Content-Type = %q (%v)", got.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(bytes.NewReader(got.Body), params["boundary"])
	var parts []part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		content, _ := io.ReadAll(p)
		parts = append(parts, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(content)})
	}
	if len(parts) != len(want) {
		t.Fatalf("parts:\n got %q\nwant %q", parts, want)
	}
	for i := range want {
		if parts[i] != want[i] {
			t.Errorf("part %d = %q, want %q", i, parts[i], want[i])
		}
	}
}

// TestMultipartFileName checks that a file field's data: URI names its
// part's file (name= or filename=, percent-decoded), that a name cannot
// write into the part's headers or climb a path, and that a file given
// no name is named after its field, as before.
func TestMultipartFileName(t *testing.T) {
	csv := "id,total\n1,9.50\n"
	b64 := base64.StdEncoding.EncodeToString([]byte(csv))
	long := strings.Repeat("é", 200) + ".csv" // 404 bytes
	body := &Body{ContentType: "multipart/form-data", Schema: map[string]any{"type": "object", "properties": map[string]any{
		"file":  map[string]any{"type": "string", "format": "binary"},
		"files": map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "binary"}},
	}}}
	op := &Operation{Method: "POST", Path: "/upload", Body: body}
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	// send posts value and returns each part's file name, as Go's reader
	// gives it and as the header spells it, and its header.
	type sent struct {
		fileName, raw, contentType string
		header                     textproto.MIMEHeader
	}
	send := func(t *testing.T, value map[string]any) []sent {
		t.Helper()
		if _, err := c.Do(context.Background(), Request{Op: op, Body: value}); err != nil {
			t.Fatal(err)
		}
		var out []sent
		for _, p := range readParts(t, srv.last(t)) {
			content := p.content
			if string(content) != csv {
				t.Errorf("part %q holds %q, want the file's bytes", p.FormName(), content)
			}
			_, cd, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
			if err != nil {
				t.Errorf("Content-Disposition %q: %v", p.Header.Get("Content-Disposition"), err)
			}
			out = append(out, sent{p.FileName(), cd["filename"], p.Header.Get("Content-Type"), p.Header})
		}
		return out
	}
	for _, tt := range []struct {
		name, uri, want, wantType string
	}{
		{"name", "data:text/csv;name=report.csv;base64," + b64, "report.csv", "text/csv"},
		{"filename", "data:text/csv;filename=report.csv;base64," + b64, "report.csv", "text/csv"},
		{"percent-encoded, as react-jsonschema-form writes it", "data:text/csv;name=r%C3%A9sum%C3%A9%202024.csv;base64," + b64, "résumé 2024.csv", "text/csv"},
		{"after a charset", "data:text/csv;charset=utf-8;name=report.csv;base64," + b64, "report.csv", "text/csv"},
		{"no media type", "data:;name=report.csv;base64," + b64, "report.csv", "application/octet-stream"},
		{"a percent that encodes nothing", "data:text/csv;name=100%.csv;base64," + b64, "100%.csv", "text/csv"},
		{"no name: the field's", "data:text/csv;base64," + b64, "file", "text/csv"},
		{"text as is: the field's", csv, "file", "application/octet-stream"},
		{"an empty name", "data:text/csv;name=;base64," + b64, "file", "text/csv"},
		{"quotes alone", "data:text/csv;name=%22%22;base64," + b64, "file", "text/csv"},
		{"dot-dot", "data:text/csv;name=..;base64," + b64, "file", "text/csv"},
		{"a path", "data:text/csv;name=..%2F..%2Fetc%2Fpasswd;base64," + b64, "passwd", "text/csv"},
		{"a Windows path", "data:text/csv;name=C:%5CUsers%5Cme%5Creport.csv;base64," + b64, "report.csv", "text/csv"},
		{"a quote and a backslash", `data:text/csv;name=a%22b%5C%22c.csv;base64,` + b64, "c.csv", "text/csv"},
		{"quotes", `data:text/csv;name=%22say%20%22hi%22%22.csv;base64,` + b64, "say hi.csv", "text/csv"},
		{"CR LF and a header", "data:text/csv;name=x.csv%22%0D%0AX-Evil:%201%0D%0A%0D%0A;base64," + b64, "x.csvX-Evil: 1", "text/csv"},
		{"CR LF and a header with a slash", "data:text/csv;name=x.csv%22%0D%0AContent-Type:%20text/html%0D%0A;base64," + b64, "html", "text/csv"},
		{"other control characters", "data:text/csv;name=a%00b%09c%7Fd%E2%80%A8.csv;base64," + b64, "abcd.csv", "text/csv"},
		{"not UTF-8", "data:text/csv;name=a%FFb.csv;base64," + b64, "ab.csv", "text/csv"},
		{"too long", "data:text/csv;name=" + url.PathEscape(long) + ";base64," + b64, strings.Repeat("é", 125) + ".csv", "text/csv"},
		{"a name= spelled after a line break", "data:text/plain\r\nContent-Disposition: form-data; name=\"admin\";base64," + b64, "file", "application/octet-stream"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			parts := send(t, map[string]any{"file": tt.uri})
			if len(parts) != 1 {
				t.Fatalf("%d parts, want 1: %+v", len(parts), parts)
			}
			p := parts[0]
			if p.fileName != tt.want || p.raw != tt.want || p.contentType != tt.wantType {
				t.Errorf("file name %q (header %q) as %q, want %q as %q", p.fileName, p.raw, p.contentType, tt.want, tt.wantType)
			}
			if len(p.header) != 2 {
				t.Errorf("part headers %q, want Content-Disposition and Content-Type alone", p.header)
			}
		})
	}
	// Each file of an array is named by its own URI.
	parts := send(t, map[string]any{"files": []any{"data:text/csv;name=a.csv;base64," + b64, "data:text/csv;base64," + b64, "data:text/csv;name=b.csv;base64," + b64}})
	var names []string
	for _, p := range parts {
		names = append(names, p.fileName)
	}
	if got := strings.Join(names, " "); got != "a.csv files b.csv" {
		t.Errorf("file names %s, want a.csv files b.csv", got)
	}
	if data, mt, ok := DataURI("data:text/csv;name=report.csv;base64," + b64); !ok || mt != "text/csv" || string(data) != csv {
		t.Errorf("DataURI = %q, %q, %v", data, mt, ok)
	}
}

func TestDoRawBodies(t *testing.T) {
	tests := []struct {
		name, contentType string
		body              any
		want, wantCT      string
	}{
		{"text/plain string", "text/plain", "hello\nworld", "hello\nworld", "text/plain"},
		{"text/plain number", "text/plain", 1e6, "1000000", "text/plain"},
		{"xml string", "application/xml", "<a>1</a>", "<a>1</a>", "application/xml"},
		{"octet-stream bytes", "application/octet-stream", []byte{0, 1, 2}, "\x00\x01\x02", "application/octet-stream"},
		{"form already encoded", "application/x-www-form-urlencoded", "a=1&b=2", "a=1&b=2", "application/x-www-form-urlencoded"},
		{"wildcard with object", "*/*", map[string]any{"a": 1.0}, `{"a":1}`, "application/json"},
	}
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := &Operation{Method: "PUT", Path: "/raw", Body: &Body{ContentType: tt.contentType}}
			if _, err := c.Do(context.Background(), Request{Op: op, Body: tt.body}); err != nil {
				t.Fatal(err)
			}
			got := srv.last(t)
			if string(got.Body) != tt.want {
				t.Errorf("body = %q, want %q", got.Body, tt.want)
			}
			if ct := got.Header.Get("Content-Type"); ct != tt.wantCT {
				t.Errorf("Content-Type = %q, want %q", ct, tt.wantCT)
			}
		})
	}
}

func TestDoHeadersAndCookies(t *testing.T) {
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL, Credential: HeaderKey{Header: "X-Api-Key", Key: StaticKey("k-1")}})
	op := &Operation{Method: "GET", Path: "/h", Security: true, Params: []*Param{
		{Name: "X-Request-Id", In: "header", Required: true, Style: "simple"},
		{Name: "X-Tags", In: "header", Style: "simple"},
		{Name: "X-Obj", In: "header", Style: "simple", Explode: true},
		{Name: "Accept", In: "header"},
		{Name: "Content-Type", In: "header"},
		{Name: "session", In: "cookie", Style: "form"},
		{Name: "prefs", In: "cookie", Style: "form"},
	}}
	_, err := c.Do(context.Background(), Request{Op: op,
		Header: map[string]any{"x-request-id": "abc 123", "X-Tags": []any{"a", "b"}, "X-Obj": map[string]any{"r": 1.0, "g": 2.0},
			"Accept": "text/csv", "Content-Type": "text/evil", "X-Api-Key": "spoofed"},
		Cookie: map[string]any{"session": "s p;c", "prefs": []any{"dark", "wide"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.last(t).Header
	want := map[string]string{
		"X-Request-Id": "abc 123",
		"X-Tags":       "a,b",
		"X-Obj":        "g=2,r=1",
		"Accept":       "text/csv",
		"Content-Type": "",
		"X-Api-Key":    "k-1",
		"Cookie":       "session=s%20p%3Bc; prefs=dark,wide",
	}
	for k, v := range want {
		if got := h.Values(k); v == "" && len(got) != 0 || v != "" && (len(got) != 1 || got[0] != v) {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}

	_, err = c.Do(context.Background(), Request{Op: op, Header: map[string]any{"X-Request-Id": "a\r\nX-Evil: 1"}})
	if err == nil || !strings.Contains(err.Error(), "X-Request-Id") || strings.Contains(err.Error(), "X-Evil") {
		t.Errorf("error = %v, want one naming the header without echoing the value", err)
	}
	_, err = c.Do(context.Background(), Request{Op: op})
	if err == nil || !strings.Contains(err.Error(), "X-Request-Id") {
		t.Errorf("error = %v, want one naming the missing header", err)
	}

	// A description that declares the key's header as a required parameter
	// is satisfied by the configured key.
	keyOp := &Operation{Method: "GET", Path: "/k", Security: true, Params: []*Param{{Name: "x-api-key", In: "header", Required: true}}}
	if _, err := c.Do(context.Background(), Request{Op: keyOp}); err != nil {
		t.Fatalf("declared key header: %v", err)
	}
	if got := srv.last(t).Header.Get("X-Api-Key"); got != "k-1" {
		t.Errorf("X-Api-Key = %q, want the key", got)
	}
}

// TestWildcardBodyFromDescription checks a body declared as */* or
// application/* (GitHub's release asset upload) end to end from the
// description: a data: URI goes as its bytes and type, text as text, an
// object as JSON — not everything as a JSON string.
func TestWildcardBodyFromDescription(t *testing.T) {
	for _, media := range []string{"*/*", "application/*"} {
		api := loadString(t, `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/assets":{"post":{
"operationId":"upload","requestBody":{"content":{"`+media+`":{"schema":{"type":"string","format":"binary"}}}},
"responses":{"201":{"description":"ok"}}}}}}`)
		op := api.Operations[0]
		srv := newRecorder(t, nil)
		c := New(Options{BaseURL: srv.URL})
		for _, tc := range []struct {
			body     any
			want, ct string
		}{
			{"data:image/png;base64,iVBORw0KGgo=", "\x89PNG\r\n\x1a\n", "image/png"},
			{"plain words", "plain words", "text/plain; charset=utf-8"},
			{map[string]any{"a": 1.0}, `{"a":1}`, "application/json"},
		} {
			if _, err := c.Do(context.Background(), Request{Op: op, Body: tc.body}); err != nil {
				t.Fatal(err)
			}
			got := srv.last(t)
			if string(got.Body) != tc.want || got.Header.Get("Content-Type") != tc.ct {
				t.Errorf("%s, %v: sent %q as %q, want %q as %q", media, tc.body, got.Body, got.Header.Get("Content-Type"), tc.want, tc.ct)
			}
		}
	}
}

// TestKeyNotDownToPlainHTTP checks that an operation's own server gets the
// key only when it is https or of the base URL's scheme: from an https
// base, a plain-http operation server gets none.
func TestKeyNotDownToPlainHTTP(t *testing.T) {
	srv := newRecorder(t, nil)
	op := &Operation{Method: "POST", Path: "/files", Security: true, Servers: []string{srv.URL}}
	for _, tc := range []struct {
		base, want string
	}{
		{"https://api.example.invalid", ""},
		{"http://api.example.invalid", "k-1"},
	} {
		c := New(Options{BaseURL: tc.base, Credential: HeaderKey{Header: "X-Api-Key", Key: StaticKey("k-1")}})
		if _, err := c.Do(context.Background(), Request{Op: op}); err != nil {
			t.Fatal(err)
		}
		if got := srv.last(t).Header.Get("X-Api-Key"); got != tc.want {
			t.Errorf("base %s: the operation's server got key %q, want %q", tc.base, got, tc.want)
		}
	}
}

// An empty array or object for a header or cookie parameter is no value,
// as in the query: no empty header or cookie is sent.
func TestEmptyListHeaderAndCookieLeftOut(t *testing.T) {
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	op := &Operation{Method: "GET", Path: "/h", Params: []*Param{
		{Name: "X-Tags", In: "header", Style: "simple"},
		{Name: "X-Obj", In: "header", Style: "simple"},
		{Name: "prefs", In: "cookie", Style: "form"},
		{Name: "ids", In: "query", Style: "form", Explode: true},
	}}
	_, err := c.Do(context.Background(), Request{Op: op,
		Header: map[string]any{"X-Tags": []any{}, "X-Obj": map[string]any{}},
		Cookie: map[string]any{"prefs": []any{}}, Query: map[string]any{"ids": []any{}}})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.last(t)
	for _, h := range []string{"X-Tags", "X-Obj", "Cookie"} {
		if v, ok := got.Header[h]; ok {
			t.Errorf("%s sent: %q", h, v)
		}
	}
	if got.RequestURI != "/h" {
		t.Errorf("request URI %q", got.RequestURI)
	}
}

// TestBinaryBodyOfSeveralTypes checks a binary body the description offers
// in several media types (an avatar taken as PNG, JPEG or GIF): a data:
// URI of one of them goes as that type, not as the one restmcp would pick
// for other values; a type the description does not offer, or text, goes
// as the picked one.
func TestBinaryBodyOfSeveralTypes(t *testing.T) {
	oas3 := loadString(t, `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/avatar":{"put":{
"operationId":"putAvatar","requestBody":{"required":true,"content":{
"image/png":{"schema":{"type":"string","format":"binary"}},
"image/jpeg":{"schema":{"type":"string","format":"binary"}},
"image/gif":{"schema":{"type":"string","format":"binary"}}}},
"responses":{"200":{"description":"ok"}}}}}}`)
	swagger := loadString(t, `{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/avatar":{"put":{
"operationId":"putAvatar","consumes":["image/png","image/jpeg","image/*"],
"parameters":[{"name":"data","in":"body","required":true,"schema":{"type":"string","format":"binary"}}],
"responses":{"200":{"description":"ok"}}}}}}`)
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	png := "data:image/png;base64,iVBORw0KGgo="
	jpeg := "data:image/jpeg;name=me.jpg;base64,/9j/4A=="
	webp := "data:image/webp;base64,UklGRg=="
	for _, tc := range []struct {
		api       *API
		body      any
		want      string
		wantCT    string
		wantBytes string
	}{
		{oas3, png, "oas3 png", "image/png", "\x89PNG\r\n\x1a\n"},
		{oas3, jpeg, "oas3 jpeg", "image/jpeg", "\xff\xd8\xff\xe0"},
		{oas3, "data:IMAGE/PNG;base64,iVBORw0KGgo=", "oas3 png in capitals", "image/png", "\x89PNG\r\n\x1a\n"},
		{oas3, webp, "oas3 webp, not offered", oas3.Operations[0].Body.ContentType, "RIFF"},
		{swagger, jpeg, "swagger jpeg", "image/jpeg", "\xff\xd8\xff\xe0"},
		{swagger, webp, "swagger webp, under image/*", "image/webp", "RIFF"},
	} {
		if _, err := c.Do(context.Background(), Request{Op: tc.api.Operations[0], Body: tc.body}); err != nil {
			t.Fatal(err)
		}
		got := srv.last(t)
		if ct := got.Header.Get("Content-Type"); ct != tc.wantCT || string(got.Body) != tc.wantBytes {
			t.Errorf("%s: sent %q as %q, want %q as %q", tc.want, got.Body, ct, tc.wantBytes, tc.wantCT)
		}
	}
}

// TestRequiredHostHeaderSatisfied checks that a required Host header
// parameter needs no value: the request's host is the API's.
func TestRequiredHostHeaderSatisfied(t *testing.T) {
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	op := &Operation{Method: "GET", Path: "/h", Params: []*Param{{Name: "host", In: "header", Required: true, Style: "simple"}}}
	if _, err := c.Do(context.Background(), Request{Op: op}); err != nil {
		t.Fatalf("a required Host header: %v", err)
	}
}

// TestMultipartOptionalFile checks that a file field whose schema is the
// file or null (FastAPI's `UploadFile | None`: anyOf binary or null) is
// sent as a file part holding the data: URI's bytes, as a plain file field
// is, and so is each file of an optional array of files; a field of two
// alternatives besides null is not taken for a file.
func TestMultipartOptionalFile(t *testing.T) {
	binary := map[string]any{"type": "string", "format": "binary"}
	null := map[string]any{"type": "null"}
	body := &Body{ContentType: "multipart/form-data", Schema: map[string]any{"type": "object", "properties": map[string]any{
		"file":   map[string]any{"anyOf": []any{binary, null}},
		"image":  map[string]any{"oneOf": []any{null, map[string]any{"type": "string", "contentMediaType": "image/png"}}},
		"files":  map[string]any{"anyOf": []any{map[string]any{"type": "array", "items": binary}, null}},
		"either": map[string]any{"anyOf": []any{binary, map[string]any{"type": "string"}}},
	}}}
	op := &Operation{Method: "POST", Path: "/upload", Body: body}
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	uri := "data:text/plain;name=notes.txt;base64," + base64.StdEncoding.EncodeToString([]byte("hi"))
	if _, err := c.Do(context.Background(), Request{Op: op, Body: map[string]any{
		"file": uri, "image": uri, "files": []any{uri, uri}, "either": uri,
	}}); err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, p := range readParts(t, srv.last(t)) {
		parts = append(parts, p.FormName()+" "+p.FileName()+" "+p.Header.Get("Content-Type")+" "+string(p.content))
	}
	want := []string{
		"either   " + uri,
		"file notes.txt text/plain hi",
		"files notes.txt text/plain hi",
		"files notes.txt text/plain hi",
		"image notes.txt text/plain hi",
	}
	if _, err := c.Do(context.Background(), Request{Op: op, Body: map[string]any{
		"file": uri, "image": uri, "files": []any{nil, uri, nil, uri}, "either": uri,
	}}); err != nil {
		t.Fatal(err)
	}
	// A null item of the list is no part, not an empty one.
	var again []string
	for _, p := range readParts(t, srv.last(t)) {
		again = append(again, p.FormName()+" "+p.FileName()+" "+p.Header.Get("Content-Type")+" "+string(p.content))
	}
	if strings.Join(again, "\n") != strings.Join(want, "\n") {
		t.Errorf("with null items, parts:\n%s\nwant:\n%s", strings.Join(again, "\n"), strings.Join(want, "\n"))
	}
	if strings.Join(parts, "\n") != strings.Join(want, "\n") {
		t.Errorf("parts:\n%s\nwant:\n%s", strings.Join(parts, "\n"), strings.Join(want, "\n"))
	}
}

// TestMultipartFileContentType pins the content type of a file part, as
// docs/tools.md states it: the encoding's when it names one type, else the
// data: URI's (when it names a media type), else the schema's
// contentMediaType, else application/octet-stream.
func TestMultipartFileContentType(t *testing.T) {
	bin := map[string]any{"type": "string", "format": "binary"}
	png := map[string]any{"type": "string", "contentMediaType": "image/png"}
	jpeg := "data:image/jpeg;base64,/9j/"
	for _, tc := range []struct {
		name   string
		schema map[string]any
		enc    string
		value  string
		want   string
	}{
		{"the encoding's one type", bin, "image/png", jpeg, "image/png"},
		{"under the encoding's range", bin, "image/*", jpeg, "image/jpeg"},
		{"among the encoding's list", bin, "image/png, image/jpeg", jpeg, "image/jpeg"},
		{"the data: URI's before contentMediaType", png, "", jpeg, "image/jpeg"},
		{"contentMediaType for a data: URI naming none", png, "", "data:;base64,/9j/", "image/png"},
		{"contentMediaType for text", png, "", "PNG", "image/png"},
		{"octet-stream for text", bin, "", "hello", "application/octet-stream"},
		{"no type from a line break", bin, "", "data:text/plain\r\nX-A: b;base64,aGk=", "application/octet-stream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &Body{ContentType: "multipart/form-data",
				Schema: map[string]any{"type": "object", "properties": map[string]any{"file": tc.schema}}}
			if tc.enc != "" {
				body.Encoding = map[string]Encoding{"file": {ContentType: tc.enc}}
			}
			srv := newRecorder(t, nil)
			c := New(Options{BaseURL: srv.URL})
			op := &Operation{Method: "POST", Path: "/upload", Body: body}
			if _, err := c.Do(context.Background(), Request{Op: op, Body: map[string]any{"file": tc.value}}); err != nil {
				t.Fatal(err)
			}
			parts := readParts(t, srv.last(t))
			if len(parts) != 1 || parts[0].FileName() != "file" || parts[0].Header.Get("Content-Type") != tc.want {
				t.Errorf("parts = %q, want one file part of type %s", partLines(t, srv.last(t)), tc.want)
			}
		})
	}
}

// TestMultipartJSONEncoding checks that a multipart field whose encoding
// names a JSON content type is sent as JSON in one part of that type: a
// string as a JSON string, an array whole; a field without one, one whose
// encoding also names a style (which wins), and a file whatever its
// encoding, as before.
func TestMultipartJSONEncoding(t *testing.T) {
	str := map[string]any{"type": "string"}
	body := &Body{ContentType: "multipart/form-data", Schema: map[string]any{"type": "object", "properties": map[string]any{
		"status": str,
		"count":  map[string]any{"type": "integer"},
		"tags":   map[string]any{"type": "array", "items": str},
		"ids":    map[string]any{"type": "array", "items": str},
		"meta":   map[string]any{"type": "object"},
		"title":  str,
		"labels": map[string]any{"type": "array", "items": str},
		"file":   map[string]any{"type": "string", "format": "binary"},
	}}, Encoding: map[string]Encoding{
		"status": {ContentType: "application/json"},
		"count":  {ContentType: "application/json"},
		"tags":   {ContentType: "application/json", Style: "form"},
		"ids":    {ContentType: "application/json; charset=utf-8"},
		"meta":   {ContentType: "application/vnd.acme+json"},
		"file":   {ContentType: "application/json"},
	}}
	op := &Operation{Method: "POST", Path: "/posts", Body: body}
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	if _, err := c.Do(context.Background(), Request{Op: op, Body: map[string]any{
		"status": "draft", "count": 3, "tags": []any{"a", "b"}, "ids": []any{"1", "2"}, "meta": map[string]any{"k": "v"},
		"title": "Hello", "labels": []any{"x", "y"}, "file": `{"not":"parsed"}`,
	}}); err != nil {
		t.Fatal(err)
	}
	parts := partLines(t, srv.last(t))
	want := []string{
		"count||application/json|3",
		`file|file|application/json|{"not":"parsed"}`,
		`ids||application/json; charset=utf-8|["1","2"]`,
		"labels|||x",
		"labels|||y",
		`meta||application/vnd.acme+json|{"k":"v"}`,
		`status||application/json|"draft"`,
		"tags|||a",
		"tags|||b",
		"title|||Hello",
	}
	if strings.Join(parts, "\n") != strings.Join(want, "\n") {
		t.Errorf("parts:\n%s\nwant:\n%s", strings.Join(parts, "\n"), strings.Join(want, "\n"))
	}
}

// receivedPart is one part of a multipart body as received, with its content.
type receivedPart struct {
	*multipart.Part
	content []byte
}

// partLines is each part of got's multipart/form-data body as
// "name|file name|content type|content".
func partLines(t *testing.T, got received) []string {
	t.Helper()
	var lines []string
	for _, p := range readParts(t, got) {
		lines = append(lines, p.FormName()+"|"+p.FileName()+"|"+p.Header.Get("Content-Type")+"|"+string(p.content))
	}
	return lines
}

// readParts reads the parts of got's multipart/form-data body.
func readParts(t *testing.T, got received) []receivedPart {
	t.Helper()
	_, params, err := mime.ParseMediaType(got.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(bytes.NewReader(got.Body), params["boundary"])
	var out []receivedPart
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("body %q: %v", got.Body, err)
		}
		content, _ := io.ReadAll(p)
		out = append(out, receivedPart{p, content})
	}
}

// TestMultipartEncodingStyle checks that a multipart field whose encoding
// names a style goes as the pairs that style makes, one plain part each
// (an object under deepObject as `file_link_data[create]`, an array as
// `expand[]`, as Stripe's clients send them; form without explode joined
// in one part), while a field without one still goes as a JSON part and
// files stay file parts whatever their encoding says.
func TestMultipartEncodingStyle(t *testing.T) {
	deep := Encoding{Style: "deepObject", Explode: boolp(true)}
	body := &Body{ContentType: "multipart/form-data", Schema: map[string]any{"type": "object", "properties": map[string]any{
		"file":           map[string]any{"type": "string", "format": "binary"},
		"files":          map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "binary"}},
		"expand":         map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		"file_link_data": map[string]any{"type": "object"},
		"csv":            map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		"meta":           map[string]any{"type": "object"},
	}}, Encoding: map[string]Encoding{
		"expand": deep, "file_link_data": deep, "files": {Style: "form"},
		"csv": {Style: "form", Explode: boolp(false)},
	}}
	op := &Operation{Method: "POST", Path: "/v1/files", Body: body}
	srv := newRecorder(t, nil)
	c := New(Options{BaseURL: srv.URL})
	uri := "data:text/plain;base64," + base64.StdEncoding.EncodeToString([]byte("hi"))
	if _, err := c.Do(context.Background(), Request{Op: op, Body: map[string]any{
		"file": uri, "files": []any{uri},
		"expand":         []any{"links", "owner"},
		"file_link_data": map[string]any{"create": true, "metadata": map[string]any{"k": "v w"}},
		"csv":            []any{"a", "b"},
		"meta":           map[string]any{"a": "b"},
	}}); err != nil {
		t.Fatal(err)
	}
	parts := partLines(t, srv.last(t))
	want := []string{
		"csv|||a,b",
		"expand[]|||links",
		"expand[]|||owner",
		"file|file|text/plain|hi",
		"file_link_data[create]|||true",
		"file_link_data[metadata][k]|||v w",
		"files|files|text/plain|hi",
		`meta||application/json|{"a":"b"}`,
	}
	if strings.Join(parts, "\n") != strings.Join(want, "\n") {
		t.Errorf("parts:\n%s\nwant:\n%s", strings.Join(parts, "\n"), strings.Join(want, "\n"))
	}
}
