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

// A Claim is one behavioural claim of the two source texts, 8.5 os —
// Senior ("000", by §) and 8.5 os — Interview ("001", by Q), with the
// verdict of the test that checks it. IDs run from C001 (Ledger).
type Claim struct {
	ID         string // "C023"
	Source     string // "000 §2; 001 Q4"
	Text       string // the claim, in the catalog's words
	Verdict    Verdict
	Observed   string // what the proving test asserts
	Correction string // what is true instead, where the claim is wrong
	Test       string // package-qualified proving test: "pipes.TestWaitBeforeRead"
	Changes    []Change
}

// Claims returns every registered claim, sorted by ID.
func Claims() []Claim {
	mu.Lock()
	out := slices.Clone(claims)
	mu.Unlock()
	slices.SortFunc(out, func(a, b Claim) int { return strings.Compare(a.ID, b.ID) })
	return out
}
