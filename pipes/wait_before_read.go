//go:build unix

package pipes

import (
	"fmt"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// oneMiB is far more than a pipe holds, so the writer must block.
const oneMiB = 1 << 20

var waitBeforeReadBroken, waitBeforeReadFixed = pair("pipes/wait-before-read", func(c code) int {
	out, err := c.CollectOutput(childproc.Command(writer, fmt.Sprintf("stdout:%d", oneMiB)))
	return report(len(out), err)
})

// WaitBeforeRead is the classic os/exec deadlock.
var WaitBeforeRead = catalog.Entry{
	ID:      "pipes/wait-before-read",
	Title:   "Wait before reading StdoutPipe deadlocks once output passes the pipe buffer",
	Symptom: "The program hangs for ever in cmd.Wait; the child never exits. Small outputs work, so tests pass.",
	Cause: "A pipe holds 64 KiB on Linux. The child blocks in write once it is full; " +
		"Wait waits for the child to exit, and nobody reads until Wait returns.",
	Fix:     "Read to EOF, then Wait; or let cmd.Output() do both.",
	Sources: []string{"000 §2", "000 §19", "001 Q4"},
	Refs:    []string{"os/exec StdoutPipe doc: \"It is thus incorrect to call Wait before all reads from the pipe have completed\""},
	Func:    "CollectOutput",
	Test:    "TestWaitBeforeRead",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "Wait blocks while the writer is stuck on a full pipe",
		Role:  waitBeforeReadBroken,
		Prove: proveWaitBeforeReadHangs,
	},
	Fixed: catalog.Half{
		Says:  "reading before Wait gets every byte",
		Role:  waitBeforeReadFixed,
		Prove: proveReadsEverything,
	},
}

func proveWaitBeforeReadHangs(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	writer := p.AwaitChild(t)
	childproc.Poll(t, 5*time.Second, "the parent waits and the writer blocks on the pipe", func() bool {
		return childproc.SleepsIn(p.Pid, "do_wait") && childproc.BlockedIn(writer, "pipe_write")
	})
	queued, err := childproc.PipeQueued(writer, 1)
	require.NoError(t, err)
	capacity, err := childproc.PipeCapacity(writer, 1)
	require.NoError(t, err)
	assert.Equal(t, capacity, queued, "the pipe is full")
	wchan := childproc.BlockedWhere(writer, "pipe_write")
	res := p.Stop(t)
	assert.Contains(t, res.Stacks, "os/exec.(*Cmd).Wait", "the child is still inside Wait")
	t.Logf("writer %d blocked in %s with %d bytes queued in a %d-byte pipe; the parent sat in Wait (do_wait); stopped after %v",
		writer, wchan, queued, capacity, res.Elapsed.Round(time.Millisecond))
}

func proveReadsEverything(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Timeout(fixedBound))
	require.False(t, res.TimedOut, "the child hung: %s", res.Stacks)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, fmt.Sprintf("read %d bytes", oneMiB), res.LastEvent())
	t.Logf("%s, exit %d after %v", res.LastEvent(), res.ExitCode, res.Elapsed.Round(time.Millisecond))
}
