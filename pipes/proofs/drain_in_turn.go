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

// DrainInTurn is the two-pipe deadlock.
var DrainInTurn = catalog.Entry{
	ID:      "pipes/drain-in-turn",
	Title:   "Draining stdout and then stderr deadlocks when the child fills stderr first",
	Symptom: "The program hangs reading stdout; the child is stuck writing to stderr.",
	Cause: "Each stream is its own 64 KiB pipe. The parent waits for EOF on stdout; the child blocks on a " +
		"full stderr before it ever closes stdout.",
	Fix:     "Drain both at once (a goroutine per pipe), or give os/exec buffers: cmd.Output, CombinedOutput.",
	Sources: []string{"000 §2", "000 §19", "001 Q4"},
	Func:    "CollectBoth",
	Test:    "TestDrainInTurn",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child runs a writer that prints 200,000 bytes on stderr, then 200,000 on stdout",
		AskFixed: true,
		Wrong:    "the two goroutines block each other on the shared buffer, and the parent hangs",
	},
	Roles: pipes.DrainInTurn,
	Broken: catalog.Half{
		Says:  "the parent waits on stdout while the writer is stuck on a full stderr",
		Prove: proveStuckOnStderr,
	},
	Fixed: catalog.Half{
		Says:  "draining both pipes at once gets every byte of each",
		Prove: proveDrainsBoth,
	},
	Diagram: `sequenceDiagram
    participant P as parent
    participant W as writer (child)
    W->>W: write stderr: pipe full, blocked
    P->>P: ReadAll(stdout): waits for EOF
    Note over P,W: each waits for the other, for ever`,
}

// The fixed code's stderr reader drains the pipe whenever it fills, so the
// writer can be seen blocked on a full stderr for an instant. What the
// fixed code never shows is a full stderr that nobody reads: the parent
// seen with every thread asleep, and no read completed from the moment the
// pipe was full to the moment it was full again. A parent with a reader
// waiting on a readable pipe cannot go idle: the kernel wakes the reader
// as the data arrives, and its reads complete at once.
func proveStuckOnStderr(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	writer := p.AwaitChild(t)
	var before procfs.IO
	p.Until(t, "the writer blocks on a full stderr", func() bool {
		before = procfs.ReadIO(p.Pid)
		return procfs.SleepsIn(writer, procfs.PipeWrite) && full(writer, 2)
	})
	p.Until(t, "every thread of the parent is asleep", func() bool { return procfs.Idle(p.Pid) })
	stillFull := full(writer, 2)
	after := procfs.ReadIO(p.Pid)
	stderrQueued, err := procfs.PipeQueued(writer, 2)
	require.NoError(t, err)
	stdoutQueued, err := procfs.PipeQueued(writer, 1)
	require.NoError(t, err)
	res := p.Stop(t)
	assert.True(t, stillFull, "stderr is still full")
	assert.Equal(t, before.Read, after.Read, "the parent completed no read meanwhile: nobody drains stderr")
	assert.Zero(t, stdoutQueued, "stdout is empty: nothing was written to it yet")
	assert.NotEmpty(t, res.Blocked("", "io.ReadAll"), "the parent is still reading stdout")
	if !t.Failed() {
		t.Logf("writer %d blocked on stderr with %d bytes queued there and %d on stdout; the parent sat idle "+
			"in io.ReadAll(stdout) and read nothing", writer, stderrQueued, stdoutQueued)
	}
}

// full reports whether the pipe pid holds as fd holds all it can.
func full(pid, fd int) bool {
	queued, err := procfs.PipeQueued(pid, fd)
	capacity, err2 := procfs.PipeCapacity(pid, fd)
	return err == nil && err2 == nil && queued == capacity
}

func proveDrainsBoth(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r, neverUnread("the parent waits on stdout while the writer is stuck on a full stderr that nobody reads"))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, fmt.Sprintf("stdout %d bytes, stderr %d bytes", pipes.EachStream, pipes.EachStream), res.LastEvent())
	t.Logf("%s", res.LastEvent())
}
