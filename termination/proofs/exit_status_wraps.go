//go:build unix

package proofs

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/termination"
)

// ExitStatusWraps is a count passed to os.Exit.
var ExitStatusWraps = catalog.Entry{
	ID:    "termination/exit-status-wraps",
	Title: "os.Exit(256) exits 0: a count used as the exit status wraps to success",
	Symptom: "A checker that exits with its number of failures reports success when exactly 256 (or 512, ...) " +
		"checks fail, and 255 for an error code of -1; CI goes green on a broken build.",
	Cause: "os.Exit hands its argument to exit_group(2) unchanged, and the kernel keeps only its low 8 bits for " +
		"the parent (the wait status holds a byte): 256 becomes 0, -1 becomes 255. os.Exit's doc asks for " +
		"[0, 125] where a program must be portable; shells take 126 and up for their own meanings.",
	Fix: "Exit with a small fixed status: 0 when every check passed, 1 for any failure (or a short table of " +
		"statuses, all within [1, 125]); put the count in the output.",
	Sources: []string{"000 §1", "001 Q10"},
	Refs: []string{"golang/go#30959", "Masterminds/vert#2", "uutils/coreutils#14215",
		"numpy/numpy#5572", "jimsalterjrs/sanoid#92"},
	Func: "ExitWithFailures",
	Test: "TestExitStatusWraps",
	Quiz: catalog.Quiz{
		Scenario: "a checker exits with its number of failures: once with 256 failures, once with an error count of -1",
		Wrong:    "256 failures exit 255, the highest status there is, and -1 exits 255 too",
	},
	Roles: termination.ExitStatusWraps,
	Broken: catalog.Half{
		Says:  "256 failures exit 0, a success, and -1 exits 255",
		Prove: proveStatusWraps,
	},
	Fixed: catalog.Half{
		Says:  "any failure exits 1",
		Prove: proveStatusBounded,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant C as child (ExitWithFailures)
    T->>C: start, 256 checks failed
    alt broken
        C->>C: os.Exit(256)
        C-->>T: exit 0, the low 8 bits of 256
    else fixed
        C-->>T: exit 1
    end
    T->>C: start again, the checks could not run (-1)
    alt broken
        C->>C: os.Exit(-1)
        C-->>T: exit 255
    else fixed
        C-->>T: exit 1
    end`,
}

// exitWith runs the child once for each of FailureCounts and returns the
// statuses the test saw. ExitWithFailures never returns.
func exitWith(t childproc.T, r role.Role) []int {
	var codes []int
	for _, n := range termination.FailureCounts {
		res := childproc.Run(t, r, childproc.Args(strconv.Itoa(n)), childproc.Timeout(childproc.FinishBound))
		require.Zero(t, res.Signal, res.Status())
		require.NotContains(t, res.Events, termination.ExitWithFailuresReturned)
		require.Empty(t, res.Stderr)
		codes = append(codes, res.ExitCode)
	}
	return codes
}

func proveStatusWraps(t childproc.T, r role.Role) {
	codes := exitWith(t, r)
	var said []string
	for i, n := range termination.FailureCounts {
		require.Equal(t, n&0xff, codes[i], "os.Exit(%d): the parent sees its low 8 bits", n)
		said = append(said, fmt.Sprintf("os.Exit(%d) exited %d", n, codes[i]))
	}
	require.Contains(t, codes, 0, "one count wrapped to success")
	t.Logf("%s: the parent sees the low 8 bits of the count, and 256 failures read as success", strings.Join(said, ", "))
}

func proveStatusBounded(t childproc.T, r role.Role) {
	codes := exitWith(t, r)
	for i, n := range termination.FailureCounts {
		require.Equal(t, 1, codes[i], "failed=%d", n)
	}
	t.Logf("failed=%v: exit %v, a failure each time", termination.FailureCounts, codes)
}
