//go:build unix

package proofs

import (
	"fmt"
	"os"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/pipes"
)

// ReadAfterWait is the same code as WaitBeforeRead with a small output:
// no hang, and no output either.
var ReadAfterWait = catalog.Entry{
	ID:      "pipes/read-after-wait",
	Title:   "Reading StdoutPipe after Wait loses the output: \"file already closed\"",
	Symptom: "With small outputs the call returns at once, with no data and \"read |0: file already closed\".",
	Cause: "Wait closes the parent's end of the pipe once the child has exited (closeAfterWait in os/exec). " +
		"The bytes were sitting in the pipe; closing it throws them away.",
	Fix:     "Read to EOF, then Wait; or cmd.Output().",
	Sources: []string{"000 §2", "001 Q4"},
	Refs:    []string{"os/exec, StdoutPipe: \"Wait will close the pipe after seeing the command exit\""},
	Func:    "CollectOutput",
	Test:    "TestReadAfterWait",
	Quiz: catalog.Quiz{
		Scenario: "the child runs a writer that prints 100 bytes on stdout, which fit in the pipe",
		Wrong:    "Wait returns, and the read gets the 100 bytes still waiting in the pipe",
	},
	Roles: pipes.ReadAfterWait,
	Broken: catalog.Half{
		Says:  "Wait returns, then the read fails on a closed pipe",
		Prove: proveReadFailsOnClosedPipe,
	},
	Fixed: catalog.Half{
		Says:  "reading before Wait gets the small output too",
		Prove: proveReadsSmallOutput,
	},
	Diagram: `sequenceDiagram
    participant P as parent
    participant W as writer (child)
    P->>W: Start
    W->>W: write 100 bytes, exit
    P->>W: Wait: reaped, pipe closed
    P->>P: ReadAll: file already closed`,
}

func proveReadFailsOnClosedPipe(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r)
	require.Equal(t, 1, res.ExitCode, res.Stderr)
	require.Equal(t, "error: read |0: "+os.ErrClosed.Error(), res.LastEvent())
	t.Logf("the writer's %d bytes were lost: %s", pipes.SmallOutput, res.LastEvent())
}

func proveReadsSmallOutput(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, fmt.Sprintf("read %d bytes", pipes.SmallOutput), res.LastEvent())
	t.Logf("%s, exit 0", res.LastEvent())
}
