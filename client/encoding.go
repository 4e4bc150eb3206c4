package client

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// EncodingError is an answer compressed in a way restmcp cannot read
// (br, zstd): only gzip is asked for. Status is the answer's (a success:
// an error status is answered without its body instead).
type EncodingError struct {
	Encoding string
	Status   int
}

func (e *EncodingError) Error() string {
	return fmt.Sprintf("the API's answer is compressed as %q, which restmcp cannot read (it asks for gzip)", e.Encoding)
}

// decodeBody makes resp's body read uncompressed: the gzip Go's transport
// asked for is read there, deflate (zlib or raw, as servers send both) and
// a gzip not asked for here. A compressed body that does not read as its
// encoding says fails naming it (a *corruptError), not as a broken
// connection, and only once read, whatever the status, so that the answer
// keeps its status (see attempt). A body in another encoding fails with an
// *EncodingError, except on an error or redirect status, which is answered
// without the body (see undecoded).
func decodeBody(resp *http.Response) error {
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	var r io.Reader
	switch {
	case resp.Uncompressed:
		resp.Body = &decodedBody{r: resp.Body, src: resp.Body, enc: "gzip"}
		return nil
	case enc == "" || enc == "identity":
		return nil
	case resp.Body == http.NoBody || resp.ContentLength == 0:
		// No body (HEAD, 204, 304, an empty answer, none of which Go's
		// transport decodes): nothing to read, whatever the header says.
		resp.Header.Del("Content-Encoding")
		return nil
	case enc == "deflate":
		br := bufio.NewReader(resp.Body)
		h, err := br.Peek(2)
		if len(h) == 0 && err == io.EOF {
			// An empty answer sent without a length (chunked, or
			// ended by closing): no body, as gzip reads it.
			resp.Header.Del("Content-Encoding")
			resp.Body = &decodedBody{r: br, src: resp.Body, enc: enc}
			return nil
		}
		if err == nil && h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
			zr, err := zlib.NewReader(br)
			r = started(zr, err)
		} else {
			r = flate.NewReader(br)
		}
	case enc == "gzip" || enc == "x-gzip":
		gr, err := gzip.NewReader(resp.Body)
		r = started(gr, err)
	case resp.StatusCode >= 300:
		// An error or a redirect: its status is the answer, and its body
		// (which cannot be read) is left out. The Content-Encoding header
		// stays, for the Response to say why (undecoded).
		_ = resp.Body.Close()
		resp.Body = http.NoBody
		return nil
	default:
		return &EncodingError{Encoding: encodingName(enc), Status: resp.StatusCode}
	}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Body = &decodedBody{r: r, src: resp.Body, enc: enc}
	return nil
}

// decodedBody reads r, the decoded src.
type decodedBody struct {
	r   io.Reader
	src io.ReadCloser
	enc string
}

func (b *decodedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF && corrupt(err) {
		err = unreadable(b.enc, err)
	}
	return n, err
}

func (b *decodedBody) Close() error { return b.src.Close() }

// corrupt reports whether err says compressed bytes are not what their
// encoding says, or end before it does.
func corrupt(err error) bool {
	var ce flate.CorruptInputError
	return errors.As(err, &ce) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) ||
		errors.Is(err, zlib.ErrHeader) || errors.Is(err, zlib.ErrChecksum) || errors.Is(err, zlib.ErrDictionary)
}

// corruptError is a compressed answer that does not read as its encoding
// (gzip, deflate) says.
type corruptError struct {
	enc string
	err error
}

func (e *corruptError) Error() string {
	return fmt.Sprintf("the API's %s-compressed answer could not be read (%v)", e.enc, e.err)
}

func (e *corruptError) Unwrap() error { return e.err }

func unreadable(enc string, err error) error {
	return &corruptError{enc: cut(enc, 40), err: err}
}

// started is dec, the reader of a compressed body, or, when err says it
// could not start to read it, a reader failing with err: the body's
// failure, met when it is read (see attempt), for the answer to keep its
// status.
func started(dec io.Reader, err error) io.Reader {
	if err != nil {
		return failedReader{err}
	}
	return dec
}

// failedReader fails every read with err (io.EOF: an empty body).
type failedReader struct{ err error }

func (f failedReader) Read([]byte) (int, error) { return 0, f.err }

// undecoded is the Content-Encoding decodeBody left unread (an error or
// redirect answer's body compressed as br or zstd), "" when the body was
// read.
func undecoded(h http.Header) string {
	enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding")))
	if enc == "" || enc == "identity" {
		return ""
	}
	return encodingName(enc)
}

// encodingName is enc, a Content-Encoding in lower case, as messages name
// it: cut, and with the mark of a secret the transport replaced in it as
// it reads in every other message.
func encodingName(enc string) string {
	return cut(strings.ReplaceAll(enc, strings.ToLower(redacted), redacted), 40)
}
