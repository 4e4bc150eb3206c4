package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// searchQuery is one task a model might search for, and the operations that
// do it.
type searchQuery struct {
	Q    string   `json:"q"`
	Want []string `json:"want"`
}

// searchQuality ranks every query of testdata/search_queries.json on the
// shared description it names and returns how often an operation that does
// the task comes first and within the default five, and the mean reciprocal
// rank (over 25 results).
func searchQuality(tb testing.TB, file string, queries []searchQuery) (top1, top5, mrr float64, misses []string) {
	tb.Helper()
	s, err := New(Config{API: loadSpec(tb, file), Layout: LayoutSearch})
	if err != nil {
		tb.Fatal(err)
	}
	ix := &searchIndex{}
	for _, q := range queries {
		hits := ix.search(s.ops, q.Q, searchLimitMax)
		rank := slices.IndexFunc(hits, func(t *tool) bool { return slices.Contains(q.Want, t.def.Name) })
		switch {
		case rank == 0:
			top1++
			fallthrough
		case rank >= 0 && rank < 5:
			top5++
		}
		if rank >= 0 {
			mrr += 1 / float64(rank+1)
		}
		if rank != 0 {
			var got []string
			for _, h := range hits[:min(3, len(hits))] {
				got = append(got, h.def.Name)
			}
			misses = append(misses, q.Q+" → "+q.Want[0]+" at "+rankText(rank)+"; first: "+join(got))
		}
	}
	n := float64(len(queries))
	return top1 / n, top5 / n, mrr / n, misses
}

func rankText(rank int) string {
	if rank < 0 {
		return "none"
	}
	return strconv.Itoa(rank + 1)
}

func join(s []string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestSearchQuality checks that search_operations finds what a model asks
// for on the large shared descriptions, whose default layout is search: the
// operation for each task of testdata/search_queries.json among the first
// five (the default limit) almost always, and first most of the time.
func TestSearchQuality(t *testing.T) {
	data, err := os.ReadFile("testdata/search_queries.json")
	if err != nil {
		t.Fatal(err)
	}
	var bySpec map[string][]searchQuery
	if err := json.Unmarshal(data, &bySpec); err != nil {
		t.Fatal(err)
	}
	files := sharedSpecs(t)
	for name, queries := range bySpec {
		i := slices.IndexFunc(files, func(f string) bool { return filepath.Base(f) == name })
		if i < 0 {
			t.Errorf("%s: not among the shared descriptions", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			top1, top5, mrr, misses := searchQuality(t, files[i], queries)
			t.Logf("%d queries: first %.0f%%, in the first five %.0f%%, MRR %.2f", len(queries), 100*top1, 100*top5, mrr)
			for _, m := range misses {
				t.Logf("  %s", m)
			}
			if top5 < 0.9 || top1 < 0.7 {
				t.Errorf("first %.0f%% (want ≥ 70%%), in the first five %.0f%% (want ≥ 90%%)", 100*top1, 100*top5)
			}
		})
	}
}

// BenchmarkSearch measures search_operations' ranking on the largest shared
// descriptions: "index" is the first search, which builds the index, "query"
// every one after it.
func BenchmarkSearch(b *testing.B) {
	for _, file := range sharedSpecs(b) {
		name := filepath.Base(file)
		if name != "github-api.github.com.json" && name != "stripe-spec3.json" {
			continue
		}
		s, err := New(Config{API: loadSpec(b, file), Layout: LayoutSearch})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/index", func(b *testing.B) {
			for b.Loop() {
				ix := &searchIndex{}
				ix.search(s.ops, "merge a pull request", 5)
			}
		})
		b.Run(name+"/query", func(b *testing.B) {
			ix := &searchIndex{}
			ix.search(s.ops, "merge a pull request", 5)
			for b.Loop() {
				ix.search(s.ops, "list the repositories of an organization", 5)
			}
		})
	}
}
