//go:build unix

package pipes

import (
	"fmt"
	"os"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// smallOutput fits in the pipe, so the writer never blocks.
const smallOutput = 100

var readAfterWaitBroken, readAfterWaitFixed = pair("pipes/read-after-wait", func(c code) int {
	out, err := c.CollectOutput(childproc.Command(writer, fmt.Sprintf("stdout:%d", smallOutput)))
	return report(len(out), err)
})

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
	Refs:    []string{"os/exec StdoutPipe doc: \"Wait will close the pipe after seeing the command exit\""},
	Func:    "CollectOutput",
	Test:    "TestReadAfterWait",
	Broken: catalog.Half{
		Says:  "Wait returns, then the read fails on a closed pipe",
		Role:  readAfterWaitBroken,
		Prove: proveReadFailsOnClosedPipe,
	},
	Fixed: catalog.Half{
		Says:  "reading before Wait gets the small output too",
		Role:  readAfterWaitFixed,
		Prove: proveReadsSmallOutput,
	},
}

func proveReadFailsOnClosedPipe(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Timeout(fixedBound))
	require.False(t, res.TimedOut, "the child hung: %s", res.Stacks)
	assert.Equal(t, 1, res.ExitCode)
	assert.Equal(t, "error: read |0: "+os.ErrClosed.Error(), res.LastEvent())
	t.Logf("the writer's %d bytes were lost: %s", smallOutput, res.LastEvent())
}

func proveReadsSmallOutput(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Timeout(fixedBound))
	require.False(t, res.TimedOut, "the child hung: %s", res.Stacks)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, fmt.Sprintf("read %d bytes", smallOutput), res.LastEvent())
	t.Logf("%s, exit %d", res.LastEvent(), res.ExitCode)
}
