//go:build unix

package proofs

import (
	"fmt"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pipes"
)

// StdinNeverClosed is the child that waits for the end of its input.
var StdinNeverClosed = catalog.Entry{
	ID:      "pipes/stdin-never-closed",
	Title:   "A stdin pipe that is never closed leaves the child waiting for EOF for ever",
	Symptom: "Every byte was written, yet the child never finishes and Wait never returns.",
	Cause: "A reader sees EOF only when every write end of the pipe is closed. " +
		"The parent holds the write end open until Wait returns, and Wait waits for the child.",
	Fix:     "Close the StdinPipe after the last write, or set cmd.Stdin to a reader and let os/exec copy and close.",
	Sources: []string{"000 §2", "000 §9"},
	Func:    "Feed",
	Test:    "TestStdinNeverClosed",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child feeds a counter 1000 bytes on its stdin pipe, then waits for it",
		Wrong:    "the counter reads the 1000 bytes and exits, and Wait returns",
	},
	Roles: pipes.StdinNeverClosed,
	Broken: catalog.Half{
		Says:  "the child blocks reading a stdin that never ends",
		Prove: proveWaitsForEOF,
	},
	Fixed: catalog.Half{
		Says:  "closing stdin lets the child read to the end and exit",
		Prove: proveReadsToEOF,
	},
	Diagram: `sequenceDiagram
    participant P as parent
    participant C as counter (child)
    P->>C: write 1000 bytes to stdin
    C->>C: read 1000 bytes, read again: blocked
    P->>P: Wait: blocked in do_wait, still holding stdin`,
}

// The parent calls Wait only after its last write, and the fixed code
// closes stdin first, which wakes the counter at once. So the parent seen
// in do_wait, and after that the counter seen asleep in pipe_read, means
// the write end was never closed.
func proveWaitsForEOF(t childproc.T, r role.Role) {
	p, counter, where := parentWaitsWhile(t, r, "the parent waits and, after that, the counter blocks reading stdin", procfs.PipeRead)
	queued, err := procfs.PipeQueued(counter, 0)
	require.NoError(t, err)
	res := p.Stop(t)
	assert.Zero(t, queued, "the counter has read everything that was written")
	assert.NotEmpty(t, res.Blocked("", "os/exec.(*Cmd).Wait"), "the parent is in Wait")
	if !t.Failed() {
		t.Logf("counter %d read all %d bytes and sleeps in %s waiting for EOF; the parent sits in Wait (do_wait) holding the write end",
			counter, pipes.Input, where)
	}
}

func proveReadsToEOF(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r, neverStuckReading("the parent waits while the counter waits for the end of a stdin the parent still holds"))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, fmt.Sprintf("fed %d bytes; the child counted %d bytes", pipes.Input, pipes.Input), res.LastEvent())
	t.Logf("%s", res.LastEvent())
}
