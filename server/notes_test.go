package server

import (
	"testing"

	"github.com/restmcp/restmcp/client"
)

// TestBracesEndingADescription checks that a description that merely ends
// in braces ("Labels, as {key, value}") is not taken for the note that
// names the fields of an argument listed without them: the listing ends
// it with a full stop, and a compact resources listing, which keeps only
// such notes of the descriptions, drops it. The note of an argument
// listed by its field names is kept, and so is an XML body's, in words.
func TestBracesEndingADescription(t *testing.T) {
	text := map[string]any{"type": "string"}
	op := &client.Operation{ID: "createThing", Method: "POST", Path: "/things", Body: &client.Body{
		ContentType: "application/json", Schema: map[string]any{"type": "object", "properties": map[string]any{
			"labels":  map[string]any{"type": "object", "description": "Labels, as {key, value}"},
			"address": map[string]any{"type": "object", "description": "The address.", "properties": map[string]any{"city": text, "zip": text}, "required": []any{"zip"}},
			"parts":   map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"sku": text}}},
		}}}}
	props := buildInput(op, nil).listed["properties"].(map[string]any)
	labels := props["labels"].(map[string]any)
	if d := str(labels["description"]); d != "Labels, as {key, value}." {
		t.Errorf("labels listed as %q, want the description with a full stop", d)
	}
	for name, want := range map[string]string{"labels": "", "address": "{required zip; optional city}", "parts": "[{sku}]"} {
		if got := str(compactArg(props[name].(map[string]any))["description"]); got != want {
			t.Errorf("%s: compact description %q, want %q", name, got, want)
		}
	}
	xml := &client.Operation{ID: "addPet", Method: "POST", Path: "/pets", Body: &client.Body{
		ContentType: "application/xml", Schema: map[string]any{"type": "object", "properties": map[string]any{"name": text}}}}
	for _, ps := range buildInput(xml, nil).listed["properties"].(map[string]any) {
		if got := str(compactArg(ps.(map[string]any))["description"]); got != "(fields: name)" {
			t.Errorf("XML body: compact description %q, want %q", got, "(fields: name)")
		}
	}
}
