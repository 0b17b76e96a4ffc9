package catalog

import (
	"fmt"
	"go/version"
	"sort"
	"strings"
)

// The documents are rendered from the records, and the root docs test
// keeps the files equal to what is rendered here.

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

// ClaimsMarkdown renders docs/claims.md: every claim of the source texts,
// with its verdict and the test that proves it.
func ClaimsMarkdown() string {
	var b strings.Builder
	b.WriteString(`# Claims of the source texts, and what the tests observe

Every behavioural claim of the two texts the catalog comes from, *8.5 os — Senior*
("000", by §) and *8.5 os — Interview* ("001", by Q), stated in the catalog's own
words, with the verdict of the test that checks it in a real child process. Run
that test with ` + "`go test -v -run NAME ./TOPIC`" + ` to watch it. Where a behaviour
differs between Go releases, the row gives each release's observation, and the
test asserts the one it runs on.

Verdicts: **TRUE**; **IMPRECISE**, right in spirit but wrong in a detail a test
catches; **FALSE**; **NOT TESTED**, with the reason.

This file is generated from the topics' records
(` + "`go test . -run TestDocs -update`" + `); a test fails when it drifts.

| id | source | claim | verdict | observed | correction | test |
|---|---|---|---|---|---|---|
`)
	counts := map[Verdict]int{}
	for _, c := range Claims() {
		counts[c.Verdict]++
		fmt.Fprintf(&b, "| %s | %s | %s | **%s** | %s | %s | %s |\n",
			c.ID, cell(c.Source), cell(c.Text), c.Verdict, cell(c.Observed+changes(c.Changes)), cell(c.Correction), code(c.Test))
	}
	fmt.Fprintf(&b, "\nCounts: TRUE %d, IMPRECISE %d, FALSE %d, NOT TESTED %d (total %d).\n",
		counts[True], counts[Imprecise], counts[False], counts[NotTested], len(Claims()))
	return b.String()
}

func changes(cs []Change) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, " Before %s: %s. %s and later: %s.", goName(c.Since), c.Before, goName(c.Since), c.After)
	}
	return b.String()
}

// ReleasesMarkdown renders docs/go-releases.md: every behaviour the
// catalog observes that differs between Go releases, newest first. The
// supported releases' differences come first; the older changes that
// entries are about follow. A change recorded by an entry and by a claim
// is one row naming both.
func ReleasesMarkdown() string {
	type row struct {
		change Change
		where  []string
	}
	var rows []*row
	add := func(where string, c Change) {
		for _, r := range rows {
			if r.change == c {
				r.where = append(r.where, where)
				return
			}
		}
		rows = append(rows, &row{c, []string{where}})
	}
	for _, e := range Entries() {
		for _, c := range e.Changes {
			add("`"+e.ID+"`", c)
		}
	}
	for _, c := range Claims() {
		for _, ch := range c.Changes {
			add(c.ID, ch)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return version.Compare(rows[i].change.Since, rows[j].change.Since) > 0
	})

	var b strings.Builder
	b.WriteString(`# What changed between Go releases

Behaviours the catalog proves that depend on the Go release. Each proving test
reads the running release (` + "`runtime.Version()`" + `) and asserts that release's
side; the children are built by the same release, so a run under
` + "`GOTOOLCHAIN=go1.27.3 go test ./...`" + ` checks the newer side.

This file is generated from the records (` + "`go test . -run TestDocs -update`" + `).
`)
	table := func(title string, keep func(Change) bool) {
		fmt.Fprintf(&b, "\n## %s\n\n", title)
		b.WriteString("| since | before | from then on | where in Go's source | entry or claim | test |\n|---|---|---|---|---|---|\n")
		for _, r := range rows {
			if c := r.change; keep(c) {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", goName(c.Since),
					cell(c.Before), cell(c.After), cell(c.Source), strings.Join(r.where, ", "), code(c.Test))
			}
		}
	}
	supported := func(c Change) bool { return version.Compare(c.Since, OldestSupported) > 0 }
	table("Between the supported releases, "+goName(OldestSupported)+" and after",
		supported)
	table("Older changes that entries are about",
		func(c Change) bool { return !supported(c) })
	return b.String()
}

// TopicMarkdown renders the entries' sections of a topic's README: each
// entry's symptom, cause, fix, what its proofs observe, and its diagram.
func TopicMarkdown(topic string) string {
	var b strings.Builder
	for _, e := range Entries(topic) {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", e.ID, e.Title)
		fmt.Fprintf(&b, "- **Symptom:** %s\n- **Cause:** %s\n- **Fix:** %s\n", e.Symptom, e.Cause, e.Fix)
		fmt.Fprintf(&b, "- **Proof, broken:** %s. **Fixed:** %s.\n", e.Broken.Says, e.Fixed.Says)
		fmt.Fprintf(&b, "- The code: `%s` in [broken.go](broken.go) and [fixed.go](fixed.go). Test: `%s`.", e.Func, e.Test)
		if len(e.Sources) > 0 {
			fmt.Fprintf(&b, " Sources: %s.", strings.Join(e.Sources, ", "))
		}
		b.WriteString("\n")
		if len(e.Refs) > 0 {
			fmt.Fprintf(&b, "- References: %s.\n", strings.Join(e.Refs, "; "))
		}
		if e.Lint != "" {
			fmt.Fprintf(&b, "- Flagged by %s.\n", e.Lint)
		}
		for _, c := range e.Changes {
			fmt.Fprintf(&b, "- **Go releases:** before %s, %s; from %s on, %s (%s).\n",
				goName(c.Since), c.Before, goName(c.Since), c.After, c.Source)
		}
		if e.Diagram != "" {
			fmt.Fprintf(&b, "\n```mermaid\n%s\n```\n", strings.TrimSpace(e.Diagram))
		}
		b.WriteString("\n")
	}
	var wrong []Claim
	for _, c := range Claims() {
		if (c.Verdict == False || c.Verdict == Imprecise) && strings.HasPrefix(c.Test, topic+".") {
			wrong = append(wrong, c)
		}
	}
	if len(wrong) > 0 {
		b.WriteString("## What the source texts get wrong\n\n| claim | source | what is true | test |\n|---|---|---|---|\n")
		for _, c := range wrong {
			fmt.Fprintf(&b, "| %s: %s (**%s**) | %s | %s | %s |\n", c.ID, cell(c.Text), c.Verdict, cell(c.Source), cell(c.Correction), code(c.Test))
		}
		b.WriteString("\nEvery claim of the texts, with its verdict, is in [docs/claims.md](../docs/claims.md).\n\n")
	}
	return b.String()
}

// goName spells a release as people do: "go1.27" is "Go 1.27".
func goName(release string) string { return "Go " + strings.TrimPrefix(release, "go") }

func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

// cell makes text safe inside a markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
