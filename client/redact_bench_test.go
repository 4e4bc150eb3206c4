package client

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// BenchmarkRedactAnswer reads a 20 kB JSON answer that does not echo the
// key through the redacting body, as every authenticated call does.
func BenchmarkRedactAnswer(b *testing.B) {
	var body bytes.Buffer
	body.WriteString(`{"results":[`)
	for i := 0; body.Len() < 20<<10; i++ {
		fmt.Fprintf(&body, `{"id":%d,"title":"Task number %d","done":false,"url":"https://api.example.com/tasks/%d"},`, i, i, i)
	}
	body.WriteString(`{}]}`)
	data := body.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rb := &redactingBody{src: io.NopCloser(bytes.NewReader(data)), r: newRedactor([]string{"sk_live_0123456789abcdef"})}
		n, err := io.Copy(io.Discard, rb)
		if err != nil || n != int64(len(data)) {
			b.Fatalf("read %d bytes, %v", n, err)
		}
	}
}
