package prose

import (
	"strings"
	"testing"
)

func TestSentenceEnd(t *testing.T) {
	tests := []struct {
		text string
		want bool // whether the first ". " (or "? ", ": ") ends a sentence
	}{
		{"Lists projects. Paginated.", true},
		{"Each capability maps to its settings (e.g. card_payments). More.", false},
		{"Settings, e.g. a name. More.", false},
		{"Use a token, i.e. a string. More.", false},
		{"Apples, pears etc. are fruit.", false},
		{"Is it ready? Yes.", true},
		{"Note: it is slow.", true},
		{"Version no. 3 is out.", false},
		{"Deleted (soft. see docs) now.", false},
	}
	for _, tt := range tests {
		i := strings.IndexAny(tt.text, ".?:")
		if got := SentenceEnd(tt.text, i); got != tt.want {
			t.Errorf("SentenceEnd(%q, %d) = %v, want %v", tt.text, i, got, tt.want)
		}
	}
}

func TestLastSentenceEnd(t *testing.T) {
	s := "First one. Second one (e.g. this. that) goes on. Third"
	if got := LastSentenceEnd(s, 0); got != strings.Index(s, "on. Third")+2 {
		t.Errorf("LastSentenceEnd = %d (%q)", got, s[:got+1])
	}
	if got := LastSentenceEnd("no end here e.g. at all", 0); got != -1 {
		t.Errorf("LastSentenceEnd = %d, want -1", got)
	}
}
