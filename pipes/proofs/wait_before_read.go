//go:build unix

package proofs

import (
	"fmt"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pipes"
)

// WaitBeforeRead is the classic os/exec deadlock.
var WaitBeforeRead = catalog.Entry{
	ID:      "pipes/wait-before-read",
	Title:   "Wait before reading StdoutPipe deadlocks once output passes the pipe buffer",
	Symptom: "The program hangs for ever in cmd.Wait; the child never exits. Small outputs work, so tests pass.",
	Cause: "A pipe holds 64 KiB on Linux. The child blocks in write once it is full; " +
		"Wait waits for the child to exit, and nobody reads until Wait returns.",
	Fix:     "Read to EOF, then Wait; or let cmd.Output() do both.",
	Sources: []string{"000 §2", "000 §19", "001 Q4"},
	Refs:    []string{"os/exec, StdoutPipe: \"It is thus incorrect to call Wait before all reads from the pipe have completed\""},
	Func:    "CollectOutput",
	Test:    "TestWaitBeforeRead",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child runs a writer that prints 1 MiB on stdout; nothing else runs",
		Wrong:    "Wait returns once the writer exits, and the read then gets every byte",
	},
	Roles: pipes.WaitBeforeRead,
	Broken: catalog.Half{
		Says:  "Wait blocks while the writer is stuck on a full pipe",
		Prove: proveWaitBeforeReadHangs,
	},
	Fixed: catalog.Half{
		Says:  "reading before Wait gets every byte",
		Prove: proveReadsEverything,
	},
	Diagram: `sequenceDiagram
    participant P as parent
    participant W as writer (child)
    P->>W: Start, stdout = pipe
    W->>W: write 64 KiB: pipe full
    Note over W: blocked in pipe_write
    P->>P: Wait: blocked in do_wait
    Note over P,W: each waits for the other, for ever`,
}

// The fixed code calls Wait only after EOF, when the writer has exited, so
// a parent in do_wait while the writer sleeps on a full pipe is the bug
// and nothing else.
func proveWaitBeforeReadHangs(t childproc.T, r role.Role) {
	p, writer, wchan := parentWaitsWhile(t, r, "the parent waits while the writer blocks on the pipe", procfs.PipeWrite)
	queued, err := procfs.PipeQueued(writer, 1)
	require.NoError(t, err)
	capacity, err := procfs.PipeCapacity(writer, 1)
	require.NoError(t, err)
	res := p.Stop(t)
	assert.Equal(t, capacity, queued, "the pipe is full")
	assert.NotEmpty(t, res.Blocked("", "os/exec.(*Cmd).Wait"), "the child is still inside Wait")
	if !t.Failed() {
		t.Logf("writer %d blocked in %s with %d bytes queued in a %d-byte pipe; the parent sat in Wait (do_wait) until stopped",
			writer, wchan, queued, capacity)
	}
}

func proveReadsEverything(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r, neverStuckWriting("the parent waits while the writer blocks on the full pipe, and nothing reads it"))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, fmt.Sprintf("read %d bytes", pipes.OneMiB), res.LastEvent())
	t.Logf("%s, exit 0 after %v", res.LastEvent(), res.Elapsed.Round(time.Millisecond))
}
