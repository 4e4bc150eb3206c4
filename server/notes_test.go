package server

import (
	"path/filepath"
	"strings"
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

// TestInstructionsNameTheBraces checks that the resources layout's
// instructions say what the braces mean where its listing has them: an
// action's body cut to its field names, or a compact listing (Stripe's)
// naming an argument's fields; and not where it has none.
func TestInstructionsNameTheBraces(t *testing.T) {
	cases := []struct {
		name string
		api  *client.API
		want bool
	}{
		{"a body over the budget", ordersAPI(60), true},
		{"a small body", ordersAPI(1), false},
	}
	for _, file := range sharedSpecs(t) {
		if strings.HasPrefix(filepath.Base(file), "stripe") {
			cases = append(cases, struct {
				name string
				api  *client.API
				want bool
			}{"Stripe, compact", loadSpec(t, file), true})
		}
	}
	for _, c := range cases {
		s, err := New(Config{API: c.api, Layout: LayoutResources})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(s.Instructions(), namesFieldsNote); got != c.want {
			t.Errorf("%s: instructions name the braces: %v, want %v:\n%s", c.name, got, c.want, s.Instructions())
		}
	}
}
