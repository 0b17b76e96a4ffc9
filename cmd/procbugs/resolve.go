package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"procbugs/helpers/catalog"
)

// unknownError is a word on the command line that names no entry or topic.
type unknownError struct {
	word        string
	suggestions string
}

func (e *unknownError) Error() string {
	return fmt.Sprintf("no entry or topic %q%s", e.word, e.suggestions)
}

// resolve turns command-line words into entries, in catalog order and
// without repeats. A word is an entry ID (pipes/wait-before-read), a topic
// (pipes), or the short name of one entry (wait-before-read). No words
// means the whole catalog.
func resolve(words []string) ([]catalog.Entry, error) {
	if len(words) == 0 {
		return catalog.Entries(), nil
	}
	want := map[string]bool{}
	for _, w := range words {
		w = strings.TrimSuffix(w, "/")
		ids, ok := match(w)
		if !ok {
			return nil, &unknownError{word: w, suggestions: didYouMean(w, names())}
		}
		for _, id := range ids {
			want[id] = true
		}
	}
	var out []catalog.Entry
	for _, e := range catalog.Entries() {
		if want[e.ID] {
			out = append(out, e)
		}
	}
	return out, nil
}

// match finds the entries one word names.
func match(w string) ([]string, bool) {
	if e, ok := catalog.Lookup(w); ok {
		return []string{e.ID}, true
	}
	if _, ok := catalog.LookupTopic(w); ok {
		var ids []string
		for _, e := range catalog.Entries(w) {
			ids = append(ids, e.ID)
		}
		return ids, true
	}
	var short []string
	for _, e := range catalog.Entries() {
		if strings.HasSuffix(e.ID, "/"+w) {
			short = append(short, e.ID)
		}
	}
	return short, len(short) == 1
}

// names are every entry ID and topic name.
func names() []string {
	var out []string
	for _, t := range catalog.Topics() {
		out = append(out, t.Name)
	}
	for _, e := range catalog.Entries() {
		out = append(out, e.ID)
	}
	return out
}

// didYouMean lists the candidates closest to word: those that contain it or
// its last part first, then by edit distance. Up to three.
func didYouMean(word string, candidates []string) string {
	if len(candidates) == 0 {
		return ""
	}
	lw := strings.ToLower(word)
	_, last, _ := strings.Cut(lw, "/")
	score := func(c string) int {
		lc := strings.ToLower(c)
		d := distance(lw, lc)
		if _, cshort, ok := strings.Cut(lc, "/"); ok {
			d = min(d, distance(lw, cshort)+1)
		}
		if strings.Contains(lc, lw) || (last != "" && strings.Contains(lc, last)) {
			d -= 100
		}
		return d
	}
	cs := slices.Clone(candidates)
	sort.SliceStable(cs, func(i, j int) bool {
		si, sj := score(cs[i]), score(cs[j])
		if si != sj {
			return si < sj
		}
		return cs[i] < cs[j]
	})
	// Keep the close ones: containing the word, or within a few edits.
	keep := 1
	for keep < min(3, len(cs)) && score(cs[keep]) <= max(3, len(word)/3) {
		keep++
	}
	cs = cs[:keep]
	return "\ndid you mean:\n  " + strings.Join(cs, "\n  ")
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
