package client

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// BenchmarkRedactAnswer reads a 20 kB JSON answer that does not echo the
// key through the redacting body, as every authenticated call does.
// The escaped case holds JSON escapes (Go's encoder writes & as \u0026),
// which make the escaped forms of the key worth looking for.
func BenchmarkRedactAnswer(b *testing.B) {
	b.Run("plain", func(b *testing.B) { benchmarkRedact(b, "Task number %d") })
	b.Run("escaped", func(b *testing.B) { benchmarkRedact(b, `Task \u0026 number %d`) })
}

func benchmarkRedact(b *testing.B, title string) {
	var body bytes.Buffer
	body.WriteString(`{"results":[`)
	for i := 0; body.Len() < 20<<10; i++ {
		fmt.Fprintf(&body, `{"id":%d,"title":"`+title+`","done":false,"url":"https://api.example.com/tasks/%d"},`, i, i, i)
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
