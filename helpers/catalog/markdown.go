package catalog

import (
	"fmt"
	"strings"
)

// IndexMarkdown renders the catalog index the README carries: one row per
// entry with its ID, title, topic and proving test.
func IndexMarkdown() string {
	var b strings.Builder
	b.WriteString("| ID | Title | Topic | Test |\n|---|---|---|---|\n")
	for _, e := range Entries() {
		fmt.Fprintf(&b, "| `%s` | %s | [%s](%s/README.md) | `%s` |\n",
			e.ID, cell(e.Title), e.Topic(), e.Topic(), e.Test)
	}
	return b.String()
}

// ClaimsMarkdown renders docs/claims.md: every claim of the source texts
// carried forward, with its verdict and the test that proves it.
func ClaimsMarkdown() string {
	var b strings.Builder
	b.WriteString(`# Claims of the source texts, and what the tests observe

Every behavioural claim of the two source texts in ../shared/seeds/ ("000" is
000_52f40716e1b92220.txt, the senior guide, by §; "001" is
001_1d284a21a3e06b62.txt, the interview questions, by Q), with the verdict
of the test that checks it in a real child process. Run that test with
` + "`go test -v -run NAME ./TOPIC`" + ` to watch it.

This file is generated from the topics' records
(` + "`go test . -run TestDocs -update`" + `); a test fails when it drifts.

| id | source | claim | verdict | observed | correction | test |
|---|---|---|---|---|---|---|
`)
	for _, c := range Claims() {
		fmt.Fprintf(&b, "| %s | %s | %s | **%s** | %s | %s | `%s` |\n",
			c.ID, cell(c.Source), cell(c.Text), c.Verdict, cell(c.Observed), cell(c.Correction), c.Test)
	}
	counts := map[Verdict]int{}
	for _, c := range Claims() {
		counts[c.Verdict]++
	}
	fmt.Fprintf(&b, "\nCounts: TRUE %d, IMPRECISE %d, FALSE %d, NOT TESTED %d (total %d).\n",
		counts[True], counts[Imprecise], counts[False], counts[NotTested], len(Claims()))
	return b.String()
}

// cell makes text safe inside a markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
