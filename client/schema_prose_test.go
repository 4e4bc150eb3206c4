package client

import "testing"

func TestTrimDescriptionKeepsAbbreviations(t *testing.T) {
	tests := []struct{ in, want string }{
		{
			in:   "Each of the capabilities of the connected account maps to its settings (e.g. whether it has been requested, and when, and by which platform). More text follows.",
			want: "Each of the capabilities of the connected account maps to its settings (e.g. whether it has been requested, and when, and by…",
		},
		{
			in:   "Pass the token that the browser library created for this card, i.e. the string it returned to your page. Each token can be used once only.",
			want: "Pass the token that the browser library created for this card, i.e. the string it returned to your page.",
		},
	}
	for _, tt := range tests {
		if got := trimDescription(tt.in, 130); got != tt.want {
			t.Errorf("trimDescription(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
		}
	}
}
