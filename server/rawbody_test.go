package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/restmcp/restmcp/client"
)

// A body sent as the bytes given (octet-stream, an image, */*) says that a
// file goes as a data: URI, as a file field does; a JSON, text or XML body
// does not.
func TestRawBodySaysHowToSendAFile(t *testing.T) {
	str := func() map[string]any { return map[string]any{"type": "string", "description": "The raw file data"} }
	for ct, want := range map[string]bool{
		"application/octet-stream": true,
		"*/*":                      true,
		"image/png":                true,
		"application/zip":          true,
		"text/plain":               false,
		"application/xml":          false,
		"application/json":         false,
	} {
		op := &client.Operation{ID: "upload", Method: "POST", Path: "/assets", Body: &client.Body{ContentType: ct, Schema: str()}}
		s, err := New(Config{API: &client.API{Operations: []*client.Operation{op}}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(s.Tools()[0].InputSchema)
		var listed struct {
			Properties map[string]struct{ Description string }
		}
		if err := json.Unmarshal(b, &listed); err != nil {
			t.Fatal(err)
		}
		desc := listed.Properties["body"].Description
		if got := strings.HasSuffix(desc, binaryNote); got != want || !strings.HasPrefix(desc, "The raw file data") {
			t.Errorf("%s: body described %q, want the data: URI note %v", ct, desc, want)
		}
	}
}
