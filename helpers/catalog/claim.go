package catalog

import (
	"slices"
	"strings"
)

// A Verdict is what the catalog's tests found of a claim.
type Verdict string

const (
	True      Verdict = "TRUE"
	Imprecise Verdict = "IMPRECISE" // right in spirit, wrong in a detail a test catches
	False     Verdict = "FALSE"
	NotTested Verdict = "NOT TESTED"
)

// A Claim is one behavioural claim of the source texts, with the verdict of
// the test that checks it. IDs follow ../shared/claims.md (C001-C115).
type Claim struct {
	ID         string // "C023"
	Source     string // "000 §2; 001 Q4"
	Text       string // the claim, in the texts' words where short enough
	Verdict    Verdict
	Observed   string // what the proving test observes
	Correction string // what is true instead, where the claim is wrong
	Test       string // package-qualified proving test: "pipes.TestWaitBeforeRead"
}

// Claims returns every registered claim, sorted by ID.
func Claims() []Claim {
	mu.Lock()
	out := slices.Clone(claims)
	mu.Unlock()
	slices.SortFunc(out, func(a, b Claim) int { return strings.Compare(a.ID, b.ID) })
	return out
}
