package server

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/kljensen/snowball/english"

	"github.com/restmcp/restmcp/internal/prose"
)

// The search layout ranks operations with BM25, field by field and
// weighted: each operation is a document of weighted fields (name, summary,
// tags, path, the verbs its method answers to, description); a query word
// scores by how rare it is
// across the API (a word every operation has tells none apart) and by the
// weight and length of the fields it is in (a short summary that says
// "Merge a pull request" beats a long one that mentions merging). Words are
// compared by their English stem (Snowball), so "repositories" meets
// "repository" and the "repos" of a name, and "merged" meets "merge"; a
// word also finds its synonyms in API vocabulary ("edit" finds "update"),
// weighing less; a compound of a name or path ("invoiceitems") holds its
// two words. Then the query's first verb is compared with what each
// operation does ("delete a branch" wants a deletion), and variants
// ("admin", "legacy") rank below the plain operation.
// docs/tools.md records the ranking's measured quality.

// searchField is one field of an operation: its stems (by number, each
// once) and how many words it has.
type searchField struct {
	stems  []int32
	length int
	tf     float64 // what a match in the field weighs, by BM25, before the word's rarity
}

// searchEntry is one operation's fields, in the order of fieldWeights.
type searchEntry struct {
	t      *tool
	fields [fieldCount]searchField
	acts   action // what the operation does
	// variantOf is the word of the operation's name that says it is a
	// variant of a plainer one (GitHub's "legacy" and "stubbed", Slack's
	// "admin"): the query's words matching, the plain one wins, unless
	// the query says the word.
	variantOf string
}

const (
	fieldName = iota
	fieldSummary
	fieldTags
	fieldPath
	fieldMethod
	fieldDescription
	fieldCount
)

// fieldWeights weigh a match by where it is: the name and summary say what
// an operation does, the description may mention anything.
var fieldWeights = [fieldCount]float64{3, 2, 1, 1, 1.5, 0.5}

// BM25's term-frequency saturation and length normalization.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// coverBonus weighs how much of an operation's name or summary the query
// covers.
const coverBonus = 1.0

// cover is the share of a field's stems among the query's words, a
// synonym's counting for synonymWeight of a word.
func cover(field, words, syns []int32) float64 {
	if len(field) == 0 {
		return 0
	}
	n := 0.0
	for _, id := range field {
		if slices.Contains(words, id) {
			n++
		} else if slices.Contains(syns, id) {
			n += synonymWeight
		}
	}
	return n / float64(len(field))
}

// searchIndex holds the stems of every operation, built on the first search.
type searchIndex struct {
	// prefix is the tool names' --prefix, which says nothing of an
	// operation: it is not indexed.
	prefix  string
	once    sync.Once
	entries []searchEntry
	ids     map[string]int32    // stems by number
	parts   map[string][]string // the two words of a compound word, by the word
	df      []int               // how many operations have a stem, by number
	avgLen  [fieldCount]float64 // mean length of each field, in words
	// postings are, by stem, the fields that have it, in the order of
	// entries: a query looks at the operations that have its words only.
	// Stem id's are postings[starts[id]:starts[id+1]].
	postings []posting
	starts   []int32
}

// posting is one field of one operation (by its place in entries).
type posting struct {
	entry, field int32
}

// stem is the word's English stem; names' short forms ("repos") are read as
// the words they shorten.
func stem(w string) string {
	if self[w] {
		return callerStem
	}
	if long, ok := longForms[w]; ok {
		w = long
	}
	return english.Stem(w, true)
}

// callerStem stands for the words of self; no English word stems to it
// (GitHub's "self-hosted" runners are not the caller's).
const callerStem = "~caller"

// self are the words a query and an API use for the caller: "list my
// repositories" finds GitHub's repos/list-for-authenticated-user, "current
// user" an API's /users/me.
var self = map[string]bool{"i": true, "me": true, "my": true, "mine": true, "myself": true,
	"current": true, "authenticated": true}

// longForms are the words abbreviations shorten, by short form.
var longForms = readLongForms()

// readLongForms gives each short form its shortest long form, the first in
// alphabetical order among those as long ("auth": "authenticated", not
// "authorization"), whatever the order of the map it reads.
func readLongForms() map[string]string {
	m := map[string]string{}
	for long, short := range abbreviations {
		cur, ok := m[short]
		if !ok || len(long) < len(cur) || len(long) == len(cur) && long < cur {
			m[short] = long
		}
	}
	return m
}

// field is the field of words: the number of each distinct stem, new ones
// numbered; cache keeps the stem of every word seen (an API repeats its
// words).
func (ix *searchIndex) field(words []string, cache map[string]string) searchField {
	var f searchField
	for _, w := range words {
		if stopWords[w] {
			continue
		}
		f.length++
		ix.add(&f, cachedStem(cache, w))
		for _, p := range ix.parts[w] {
			ix.add(&f, cachedStem(cache, p))
		}
	}
	return f
}

// add puts the stem s in the field f, numbered.
func (ix *searchIndex) add(f *searchField, s string) {
	id, ok := ix.ids[s]
	if !ok {
		id = int32(len(ix.ids))
		ix.ids[s] = id
	}
	if !slices.Contains(f.stems, id) {
		f.stems = append(f.stems, id)
	}
}

// compounds are the words of an API's names and paths that are two words
// of its names, summaries, tags and paths written as one (Stripe's
// "invoiceitems", Slack's "usergroups" where it says "users"), with those
// two: each part of four letters or more (not "tar get"), the longest
// first part chosen. vocab holds the words, true for those of names and
// paths.
func compounds(vocab map[string]bool) map[string][]string {
	has := func(w string) bool {
		_, ok := vocab[w]
		if !ok {
			_, ok = vocab[w+"s"]
		}
		return ok
	}
	m := map[string][]string{}
	for w, named := range vocab {
		if !named {
			continue
		}
		for i := len(w) - 4; i >= 4; i-- {
			if has(w[:i]) && has(w[i:]) {
				m[w] = []string{w[:i], w[i:]}
				break
			}
		}
	}
	return m
}

// cachedStem is the stem of w, from cache when it was stemmed before.
func cachedStem(cache map[string]string, w string) string {
	s, ok := cache[w]
	if !ok {
		s = stem(w)
		cache[w] = s
	}
	return s
}

func (ix *searchIndex) build(ops []*tool) []searchEntry {
	ix.once.Do(func() {
		ix.ids = map[string]int32{}
		var total [fieldCount]int
		cache := map[string]string{}
		seen := map[int32]int{} // the last operation counted for a stem, plus one
		all := make([][fieldCount][]string, len(ops))
		vocab := map[string]bool{}
		for i, t := range ops {
			all[i] = [fieldCount][]string{
				fieldName:        nameWords(strings.TrimPrefix(t.def.Name, ix.prefix)),
				fieldSummary:     nameWords(t.op.Summary),
				fieldTags:        nameWords(strings.Join(t.op.Tags, " ")),
				fieldPath:        nameWords(t.op.Path),
				fieldMethod:      verbs(t.op.Method, t.op.Path),
				fieldDescription: nameWords(prose.Brief(t.op.Description, 300, 600)),
			}
			for _, f := range []int{fieldName, fieldSummary, fieldTags, fieldPath} {
				for _, w := range all[i][f] {
					vocab[w] = vocab[w] || f == fieldName || f == fieldPath
				}
			}
		}
		ix.parts = compounds(vocab)
		for i, t := range ops {
			words := all[i]
			name := words[fieldName]
			e := searchEntry{t: t, acts: actions(t.op.Method, t.op.Path, name, cache)}
			for _, w := range name {
				if variantWords[w] {
					e.variantOf = w
				}
			}
			for f, ws := range words {
				e.fields[f] = ix.field(ws, cache)
				total[f] += e.fields[f].length
				for _, id := range e.fields[f].stems {
					for int(id) >= len(ix.df) {
						ix.df = append(ix.df, 0)
						ix.starts = append(ix.starts, 0)
					}
					ix.starts[id]++
					if seen[id] != i+1 {
						seen[id] = i + 1
						ix.df[id]++
					}
				}
			}
			ix.entries = append(ix.entries, e)
		}
		// Each stem's postings go after the ones before it: starts, which
		// counted them, becomes where each ends, then where each begins.
		end := int32(0)
		for id, n := range ix.starts {
			end += n
			ix.starts[id] = end
		}
		ix.starts = append(ix.starts, end)
		ix.postings = make([]posting, end)
		for i := len(ix.entries) - 1; i >= 0; i-- {
			for f := fieldCount - 1; f >= 0; f-- {
				for _, id := range ix.entries[i].fields[f].stems {
					ix.starts[id]--
					ix.postings[ix.starts[id]] = posting{int32(i), int32(f)}
				}
			}
		}
		for f := range total {
			ix.avgLen[f] = max(1, float64(total[f])/float64(max(1, len(ops))))
		}
		for i := range ix.entries {
			for f := range ix.entries[i].fields {
				field := &ix.entries[i].fields[f]
				norm := 1 - bm25B + bm25B*float64(field.length)/ix.avgLen[f]
				field.tf = fieldWeights[f] * (bm25K1 + 1) / (1 + bm25K1*norm)
			}
		}
	})
	return ix.entries
}

// verbs are the words a query may use for what an operation does, from its
// method and whether its path ends in a parameter (one item) or not (a
// collection or an action), for APIs whose operation names do not say it
// (Stripe's post_customers_customer updates a customer).
func verbs(method, path string) []string {
	item := endsInParam(path)
	switch method {
	case "GET":
		if item {
			return []string{"get", "retrieve", "read", "fetch", "show", "find"}
		}
		return []string{"list", "get", "search", "find", "show", "fetch"}
	case "HEAD":
		return []string{"head", "check"}
	case "POST":
		if item {
			return []string{"update", "edit", "modify", "change", "set", "post"}
		}
		return []string{"create", "add", "new", "send", "make", "post"}
	case "PUT":
		return []string{"put", "update", "replace", "set", "edit"}
	case "PATCH":
		return []string{"patch", "update", "modify", "edit", "change"}
	case "DELETE":
		return []string{"delete", "remove", "destroy", "cancel"}
	}
	return nil
}

// endsInParam reports whether a path names one item: its last segment ends
// with a parameter once a format suffix and a fragment are left out
// (Twilio's /Messages/{Sid}.json, Box's /files/{file_id}#get_shared_link).
func endsInParam(path string) bool {
	path, _, _ = strings.Cut(path, "#")
	path = strings.TrimRight(path, "/")
	for _, ext := range formatSuffixes {
		path = strings.TrimSuffix(path, ext)
	}
	return strings.HasSuffix(path, "}")
}

// stopWords are left out of queries and fields.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "for": true, "of": true, "to": true, "in": true,
	"on": true, "by": true, "with": true, "all": true, "and": true, "or": true,
}

// searchHit is an operation found and its score.
type searchHit struct {
	t     *tool
	score float64
}

// search ranks operations by how well their name, summary, tags, path and
// description match the words of q; an operation's exact name ranks first.
func (ix *searchIndex) search(ops []*tool, q string, limit int) []searchHit {
	entries := ix.build(ops)
	// Each word of the query is looked for as itself and, weighing less,
	// as the words an API may say it with ("edit" as "update"). A word no
	// operation has still counts toward matching every word.
	var terms []queryTerm
	var words, syns []int32 // the stems of the query's words, and of their synonyms
	seen := map[string]bool{}
	qWords := nameWords(q)
	asked := queryAction(qWords)
	n := float64(len(entries))
	for _, w := range qWords {
		s := stem(w)
		if stopWords[w] || seen[s] {
			continue
		}
		seen[s] = true
		var t queryTerm
		for i, alt := range append([]string{s}, synonyms[s]...) {
			id, ok := ix.ids[alt]
			if !ok || i > 0 && seen[alt] {
				continue
			}
			weight := 1.0
			if i > 0 {
				weight = synonymWeight
			}
			df := float64(ix.df[id])
			t.ids = append(t.ids, id)
			t.weights = append(t.weights, weight*math.Log(1+(n-df+0.5)/(df+0.5)))
			if i == 0 {
				words = append(words, id)
			} else {
				syns = append(syns, id)
			}
		}
		terms = append(terms, t)
	}
	if len(terms) == 0 {
		return nil
	}
	limit = max(1, min(limit, searchLimitMax))
	// Each word's score in an operation is, field by field, its best
	// match's weight there.
	scores := make([]float64, len(entries))
	matched := make([]int32, len(entries))
	mark := make([]int32, len(entries)) // the last word that found an operation, plus one
	best := make([]float64, len(entries)*fieldCount)
	var found []int32
	for i, term := range terms {
		found = found[:0]
		for k, id := range term.ids {
			w := term.weights[k]
			for _, p := range ix.postings[ix.starts[id]:ix.starts[id+1]] {
				if mark[p.entry] != int32(i+1) {
					mark[p.entry] = int32(i + 1)
					found = append(found, p.entry)
				}
				b := &best[int(p.entry)*fieldCount+int(p.field)]
				*b = max(*b, w)
			}
		}
		for _, e := range found {
			s := 0.0
			for f := range fieldCount {
				b := &best[int(e)*fieldCount+f]
				s += *b * entries[e].fields[f].tf
				*b = 0
			}
			if s > 0 {
				scores[e] += s
				matched[e]++
			}
		}
	}
	var hits []searchHit
	exact := strings.TrimSpace(q)
	for i := range entries {
		e, score := &entries[i], scores[i]
		if score == 0 {
			continue
		}
		// Matching every word of the query beats matching a few well, and
		// a name or summary the query says all of ("List pull requests")
		// beats one it says part of ("List requested reviewers for a pull
		// request").
		score *= float64(matched[i]) / float64(len(terms))
		score *= 1 + coverBonus*max(cover(e.fields[fieldName].stems, words, syns), cover(e.fields[fieldSummary].stems, words, syns))
		// An operation that does what the query's verb asks beats one
		// that does something else with the same things.
		if asked != 0 {
			if e.acts&asked != 0 {
				score *= 1 + actionAgree
			} else {
				score *= 1 - actionDisagree
			}
		}
		if e.variantOf != "" && !slices.Contains(qWords, e.variantOf) {
			score *= 1 - variantPenalty
		}
		if strings.EqualFold(exact, e.t.def.Name) || ix.prefix != "" && strings.EqualFold(exact, strings.TrimPrefix(e.t.def.Name, ix.prefix)) {
			score += 1e6
		}
		hits = append(hits, searchHit{e.t, score})
	}
	// Names are unique: the order is the same in every run.
	slices.SortFunc(hits, func(a, b searchHit) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return strings.Compare(a.t.def.Name, b.t.def.Name)
	})
	return hits[:min(limit, len(hits))]
}

// queryTerm is one word of a query: the stems it is looked for as (its
// own first, then its synonyms'), each with what a match of it weighs (how
// rare it is across the API, less for a synonym).
type queryTerm struct {
	ids     []int32
	weights []float64
}

// synonymWeight is what a synonym's match weighs against the word's own.
const synonymWeight = 0.7

// synonyms are, by stem, the stems of other words an API may use for a
// query's word: the verbs of each kind of operation, and a few nouns.
var synonyms = func() map[string][]string {
	m := map[string][]string{}
	add := func(from string, to ...string) {
		f := english.Stem(from, true)
		for _, w := range to {
			if t := english.Stem(w, true); t != f && !slices.Contains(m[f], t) {
				m[f] = append(m[f], t)
			}
		}
	}
	for _, group := range [][]string{
		{"create", "add", "new", "make"},
		{"update", "edit", "modify", "change"},
		{"delete", "remove", "destroy", "erase"},
		{"get", "retrieve", "fetch"},
		{"search", "find", "lookup", "query"},
	} {
		for _, w := range group {
			add(w, group...)
		}
	}
	// Words that say one of the above, but not the other way round.
	add("read", "get")
	add("rename", "update")
	add("move", "update")
	add("set", "update")
	add("open", "create")
	add("share", "collaboration")
	add("who", "user")
	add("file", "content")
	return m
}()

// variantWords are the words of an operation's name that say it is a
// variant of a plainer operation, for other callers or for older clients.
var variantWords = map[string]bool{"admin": true, "legacy": true, "stubbed": true, "deprecated": true, "beta": true, "preview": true}

// variantPenalty is what a variant loses to the plain operation.
const variantPenalty = 0.5

// action is what an operation does, or a query asks for, as a set of bits.
type action uint8

const (
	actGet  action = 1 << iota // read one thing
	actList                    // read a collection, or search one
	actCreate
	actUpdate
	actDelete
)

// How much an operation that does what the query's first word asks gains,
// and one that does something else loses.
const (
	actionAgree    = 0.25
	actionDisagree = 0.5
)

// actionWords are the verbs of queries and of operation names that say
// which of the five things is done, by stem.
var actionWords = func() map[string]action {
	m := map[string]action{}
	for a, ws := range map[action][]string{
		actGet:           {"get", "read", "fetch", "retrieve", "show", "view", "see", "download", "is", "are", "does", "check"},
		actList:          {"list", "search", "query", "all"},
		actGet | actList: {"find", "lookup", "look", "who", "what", "which"},
		actCreate:        {"create", "add", "new", "make", "post", "send", "open", "upload", "insert", "submit"},
		actUpdate:        {"update", "edit", "modify", "change", "rename", "move", "set", "replace"},
		actDelete:        {"delete", "remove", "destroy", "erase", "cancel"},
	} {
		for _, w := range ws {
			m[english.Stem(w, true)] |= a
		}
	}
	return m
}()

// actions is what an operation does: what the verbs of its name say (but
// a first word that repeats the method, as Stripe's post_customers_customer
// which updates), else what its method says of its path (a GET of one item
// reads it, of a collection lists it or, for APIs whose paths name no item,
// reads one; a POST to one item updates it).
func actions(method, path string, name []string, cache map[string]string) action {
	var a action
	for i, w := range name {
		if i > 0 || !strings.EqualFold(w, method) {
			a |= actionWords[cachedStem(cache, w)]
		}
	}
	if a != 0 {
		return a
	}
	item := endsInParam(path)
	switch method {
	case "GET", "HEAD":
		if item {
			return actGet
		}
		if pluralEnd(path) {
			return actList
		}
		return actList | actGet
	case "POST":
		if item {
			return actUpdate
		}
		return actCreate
	case "PUT", "PATCH":
		return actUpdate
	case "DELETE":
		return actDelete
	}
	return 0
}

// pluralEnd reports whether a path ends in a plural word (/users, not
// /users/me or /balance): a GET of it lists.
func pluralEnd(path string) bool {
	path, _, _ = strings.Cut(path, "#")
	path = strings.TrimRight(path, "/")
	for _, ext := range formatSuffixes {
		path = strings.TrimSuffix(path, ext)
	}
	words := nameWords(path[strings.LastIndexByte(path, '/')+1:])
	if len(words) == 0 {
		return false
	}
	w := words[len(words)-1]
	return strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && english.Stem(w, true) != w
}

// queryAction is what a query's first word asks for, when it is one of
// actionWords ("delete a branch"), else nothing ("latest release").
func queryAction(words []string) action {
	for _, w := range words {
		if stopWords[w] {
			continue
		}
		return actionWords[stem(w)]
	}
	return 0
}
