package client

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// Deflate is read in both forms servers send; a compression restmcp cannot
// read is named, and a body that is not what its encoding says is said to
// be the API's compressed answer, not a broken read.
func TestContentEncodings(t *testing.T) {
	const plain = `{"a":1}`
	var z, raw bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write([]byte(plain))
	_ = zw.Close()
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	_, _ = fw.Write([]byte(plain))
	_ = fw.Close()
	for _, tt := range []struct {
		name, encoding, body, want string
	}{
		{"zlib deflate", "deflate", z.String(), plain},
		{"raw deflate", "deflate", raw.String(), plain},
		{"identity", "identity", plain, plain},
		{"br", "br", "\x8b\x05\x80{}\x03", `compressed as "br", which restmcp cannot read`},
		{"not gzip", "gzip", plain, `answered 200 OK, but its body, compressed as "gzip", could not be read`},
		{"not deflate", "deflate", "\x78\x9c" + plain, `answered 200 OK, but its body, compressed as "deflate", could not be read`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", tt.encoding)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			resp, err := New(Options{BaseURL: srv.URL}).Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/"}})
			var got string
			switch {
			case err != nil:
				got = err.Error()
			default:
				got = string(resp.Body)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			var ee *EncodingError
			if errors.As(err, &ee) != (tt.name == "br") {
				t.Errorf("EncodingError: %v", err)
			}
		})
	}
}

// An error or redirect answer compressed in a way restmcp cannot read is
// still that answer: its status, with the encoding named in place of the
// body; a success so compressed is an error naming the encoding.
func TestUnreadableEncodingKeepsTheStatus(t *testing.T) {
	for _, tt := range []struct {
		status   int
		encoding string
	}{
		{http.StatusNotFound, "br"},
		{http.StatusUnauthorized, "zstd"},
		{http.StatusInternalServerError, "BR"},
		{http.StatusBadRequest, "gzip, br"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", tt.encoding)
			w.WriteHeader(tt.status)
			_, _ = w.Write([]byte("\x8b\x05\x80{}\x03"))
		}))
		resp, err := New(Options{BaseURL: srv.URL}).Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/"}})
		srv.Close()
		var he *HTTPError
		if !errors.As(err, &he) || he.Response.Status != tt.status || resp == nil {
			t.Errorf("%d %s: %v", tt.status, tt.encoding, err)
			continue
		}
		want := `(the body is compressed as "` + strings.ToLower(tt.encoding) + `", which restmcp cannot read: it asks for gzip)`
		if len(resp.Body) != 0 || resp.Encoding != strings.ToLower(tt.encoding) || he.Excerpt() != want {
			t.Errorf("%d %s: body %q, encoding %q, excerpt %q", tt.status, tt.encoding, resp.Body, resp.Encoding, he.Excerpt())
		}
	}
}

// An error answer whose body is not valid in its encoding (gzip, deflate),
// however it fails to read, is still that answer: its status, with the
// encoding named in place of the body, as one restmcp cannot read.
func TestCorruptErrorAnswerKeepsTheStatus(t *testing.T) {
	const plain = `{"error":"not found"}`
	var gz, z bytes.Buffer
	gw := gzip.NewWriter(&gz)
	_, _ = gw.Write([]byte(plain))
	_ = gw.Close()
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write([]byte(plain))
	_ = zw.Close()
	badSum := slices.Clone(gz.Bytes())
	badSum[len(badSum)-8] ^= 0xff
	for _, tt := range []struct {
		name, encoding, body string
		status               int
	}{
		{"not gzip", "gzip", plain, http.StatusInternalServerError},
		{"gzip checksum", "gzip", string(badSum), http.StatusNotFound},
		{"gzip cut short", "gzip", gz.String()[:gz.Len()/2], http.StatusUnauthorized},
		{"x-gzip header", "x-gzip", plain, http.StatusBadRequest},
		{"x-gzip cut short", "x-gzip", gz.String()[:gz.Len()-4], http.StatusForbidden},
		{"zlib cut short", "deflate", z.String()[:z.Len()-3], http.StatusConflict},
		{"zlib header", "deflate", "\x78\x9c" + plain, http.StatusTooManyRequests},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", tt.encoding)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			resp, err := New(Options{BaseURL: srv.URL}).Do(context.Background(), Request{Op: &Operation{Method: "POST", Path: "/"}})
			var he *HTTPError
			if !errors.As(err, &he) || he.Response.Status != tt.status || resp == nil {
				t.Fatalf("%v", err)
			}
			want := `(the body is compressed as "` + tt.encoding + `" but could not be read: it is not valid ` + tt.encoding + `, or was cut short)`
			if len(resp.Body) != 0 || he.Excerpt() != want {
				t.Errorf("body %q, excerpt %q", resp.Body, he.Excerpt())
			}
		})
	}
}

// A success whose body is not valid in its encoding, whether that shows
// as its reading starts (a header that is not gzip's) or later (a checksum,
// a body cut short), and whether Go's transport or restmcp decodes it, is
// an error that keeps the answer: its status and headers, the encoding
// named in place of the body.
func TestCorruptSuccessKeepsTheStatus(t *testing.T) {
	const plain = `{"id":1}`
	var gz, z bytes.Buffer
	gw := gzip.NewWriter(&gz)
	_, _ = gw.Write([]byte(plain))
	_ = gw.Close()
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write([]byte(plain))
	_ = zw.Close()
	badSum := slices.Clone(gz.Bytes())
	badSum[len(badSum)-8] ^= 0xff
	for _, tt := range []struct {
		name, method, encoding, body string
		status                       int
	}{
		{"not gzip", "GET", "gzip", plain, http.StatusOK},
		{"gzip checksum", "GET", "gzip", string(badSum), http.StatusOK},
		{"gzip cut short", "POST", "gzip", gz.String()[:gz.Len()/2], http.StatusCreated},
		{"x-gzip header", "GET", "x-gzip", plain, http.StatusOK},
		{"x-gzip cut short", "PUT", "x-gzip", gz.String()[:gz.Len()-4], http.StatusAccepted},
		{"zlib header", "GET", "deflate", "\x78\x9c" + plain, http.StatusOK},
		{"zlib cut short", "PATCH", "deflate", z.String()[:z.Len()-3], http.StatusOK},
		{"raw deflate", "GET", "deflate", "\xff\xff\xff", http.StatusNonAuthoritativeInfo},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", tt.encoding)
				w.Header().Set("Location", "/things/1")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			resp, err := New(Options{BaseURL: srv.URL}).Do(context.Background(), Request{Op: &Operation{Method: tt.method, Path: "/things"}})
			var be *BodyError
			if !errors.As(err, &be) || resp == nil || be.Response != resp || resp.Status != tt.status {
				t.Fatalf("%v, %+v", err, resp)
			}
			msg := fmt.Sprintf("%s %s/things: the API answered %d %s, but its body, compressed as %q, could not be read: it is not valid %s, or was cut short",
				tt.method, srv.URL, tt.status, http.StatusText(tt.status), tt.encoding, tt.encoding)
			if err.Error() != msg {
				t.Errorf("message %q\nwant    %q", err, msg)
			}
			want := `(the body is compressed as "` + tt.encoding + `" but could not be read: it is not valid ` + tt.encoding + `, or was cut short)`
			if len(resp.Body) != 0 || !resp.Corrupt || resp.Excerpt(DefaultExcerptBytes) != want || resp.Header.Get("Location") != "/things/1" {
				t.Errorf("body %q, excerpt %q, headers %v", resp.Body, resp.Excerpt(DefaultExcerptBytes), resp.Header)
			}
		})
	}
}

// An answer without a body is its status, whatever encoding its header
// names: a HEAD, a 204 or 304, an empty error (Go's transport decodes
// none of them, having nothing to read).
func TestEmptyAnswerInAnEncoding(t *testing.T) {
	for _, tt := range []struct {
		method, encoding string
		status           int
	}{
		{"HEAD", "gzip", http.StatusOK},
		{"DELETE", "gzip", http.StatusNoContent},
		{"GET", "gzip", http.StatusNotModified},
		{"GET", "gzip", http.StatusNotFound},
		{"POST", "deflate", http.StatusUnauthorized},
		{"DELETE", "br", http.StatusNoContent},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", tt.encoding)
			w.WriteHeader(tt.status)
		}))
		resp, err := New(Options{BaseURL: srv.URL}).Do(context.Background(), Request{Op: &Operation{Method: tt.method, Path: "/"}})
		srv.Close()
		var he *HTTPError
		if tt.status >= 400 && !errors.As(err, &he) || tt.status < 400 && err != nil || resp == nil || resp.Status != tt.status {
			t.Errorf("%s %d %s: %v", tt.method, tt.status, tt.encoding, err)
			continue
		}
		if len(resp.Body) != 0 || resp.Encoding != "" || resp.Excerpt(100) != "" {
			t.Errorf("%s %d %s: body %q, encoding %q, excerpt %q", tt.method, tt.status, tt.encoding, resp.Body, resp.Encoding, resp.Excerpt(100))
		}
	}
}

// An empty answer sent without a length (chunked, nothing in it) in a
// compressed encoding is an empty success, for deflate as for gzip.
func TestEmptyChunkedAnswerInAnEncoding(t *testing.T) {
	for _, enc := range []string{"deflate", "gzip", "x-gzip"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", enc)
			w.WriteHeader(http.StatusCreated)
			w.(http.Flusher).Flush() // chunked, no length
		}))
		resp, err := New(Options{BaseURL: srv.URL}).Do(context.Background(), Request{Op: &Operation{Method: "POST", Path: "/"}})
		srv.Close()
		if err != nil || resp == nil || resp.Status != http.StatusCreated || len(resp.Body) != 0 || resp.Corrupt {
			t.Errorf("%s: %v, %+v", enc, err, resp)
		}
	}
}
