package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFailureLines checks what run shows of a failed proof: testify's
// Error and Messages without the trace, and a long dump cut short.
func TestFailureLines(t *testing.T) {
	f := "\n\tError Trace:\t/work/main/pipes/wait_before_read.go:62\n\t            \t/work/main/helpers/catalog/observe.go:49\n" +
		"\tError:      \tShould be false\n\tTest:       \tpipes/wait-before-read/broken\n\tMessages:   \tthe child hung"
	assert.Equal(t, []string{"Error: Should be false", "Messages: the child hung"}, failureLines(f, 70))

	dump := "Error: " + strings.Repeat("goroutine 1 [running]: ", 100)
	got := failureLines(dump, 70)
	assert.Len(t, got, maxFailureLines)
	assert.Regexp(t, `^… \d+ more lines$`, got[len(got)-1])
	for _, l := range got {
		assert.LessOrEqual(t, len([]rune(l)), 70)
	}

	assert.Equal(t, []string{"gave up after 5s waiting until the writer blocks"},
		failureLines("gave up after 5s waiting until the writer blocks", 70))
}
