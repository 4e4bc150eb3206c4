// Package prose is the one description cleaner: it turns the Markdown and
// HTML of an API description into plain text (Plain) and shortens it at
// sentence boundaries (Brief, Sentence, OneLine, Cut). The loader hands
// descriptions over as written; the server cleans each one once, here.
package prose

import "strings"

// abbreviations end in a period without ending a sentence.
var abbreviations = []string{"e.g", "i.e", "etc", "vs", "approx", "incl", "cf", "eg", "ie", "no", "Inc", "Ltd", "Corp", "Mr", "Mrs", "Ms", "Dr", "St"}

// SentenceEnd reports whether the punctuation at s[i] ('.', '!', '?' or
// ':') followed by a space ends a sentence: not after an abbreviation such
// as "e.g." and not inside parentheses.
func SentenceEnd(s string, i int) bool {
	if i < 0 || i+1 >= len(s) || s[i+1] != ' ' {
		return false
	}
	switch s[i] {
	case '.', '!', '?', ':':
	default:
		return false
	}
	if strings.Count(s[:i], "(") > strings.Count(s[:i], ")") {
		return false
	}
	if s[i] == '.' {
		word := s[:i]
		if j := strings.LastIndexAny(word, " ("); j >= 0 {
			word = word[j+1:]
		}
		for _, a := range abbreviations {
			if strings.EqualFold(word, a) {
				return false
			}
		}
	}
	return true
}

// LastSentenceEnd returns the index of the last sentence-ending period in
// s at or after from, or -1.
func LastSentenceEnd(s string, from int) int {
	for i := len(s) - 2; i >= from; i-- {
		if s[i] == '.' && SentenceEnd(s, i) {
			return i
		}
	}
	return -1
}
