package client

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
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
		{"not gzip", "gzip", plain, "gzip-compressed answer could not be read"},
		{"not deflate", "deflate", "\x78\x9c" + plain, "deflate-compressed answer could not be read"},
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
