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

// eachStream is what the writer sends to stderr first, then to stdout:
// more than one pipe holds.
const eachStream = 200_000

var drainInTurnBroken, drainInTurnFixed = pair("pipes/drain-in-turn", func(c code) int {
	cmd := childproc.Command(writer, fmt.Sprintf("stderr:%d", eachStream), fmt.Sprintf("stdout:%d", eachStream))
	stdout, stderr, err := c.CollectBoth(cmd)
	if err != nil {
		childproc.Emitf("error: %v", err)
		return 1
	}
	childproc.Emitf("stdout %d bytes, stderr %d bytes", len(stdout), len(stderr))
	return 0
})

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
	Broken: catalog.Half{
		Says:  "the parent waits on stdout while the writer is stuck on a full stderr",
		Role:  drainInTurnBroken,
		Prove: proveStuckOnStderr,
	},
	Fixed: catalog.Half{
		Says:  "draining both pipes at once gets every byte of each",
		Role:  drainInTurnFixed,
		Prove: proveDrainsBoth,
	},
}

func proveStuckOnStderr(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	writer := p.AwaitChild(t)
	// Start has returned once the parent holds only its read end of the
	// writer's stdout; after that, the parent can only park in ReadAll, and
	// an idle parent has.
	childproc.Poll(t, 5*time.Second, "the writer blocks and the parent sits reading", func() bool {
		return childproc.BlockedIn(writer, "pipe_write") &&
			descriptorsOn(p.Pid, childproc.Descriptors(writer)[1]) == 1 && childproc.Idle(p.Pid)
	})
	stderrQueued, err := childproc.PipeQueued(writer, 2)
	require.NoError(t, err)
	stdoutQueued, err := childproc.PipeQueued(writer, 1)
	require.NoError(t, err)
	capacity, err := childproc.PipeCapacity(writer, 2)
	require.NoError(t, err)
	assert.Equal(t, capacity, stderrQueued, "stderr is full")
	assert.Zero(t, stdoutQueued, "stdout is empty: nothing was written to it yet")
	res := p.Stop(t)
	assert.Contains(t, res.Stacks, "io.ReadAll", "the parent is still reading stdout")
	t.Logf("writer %d blocked on stderr: %d bytes queued there, %d on stdout; the parent still in io.ReadAll(stdout)",
		writer, stderrQueued, stdoutQueued)
}

func proveDrainsBoth(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Timeout(fixedBound))
	require.False(t, res.TimedOut, "the child hung: %s", res.Stacks)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, fmt.Sprintf("stdout %d bytes, stderr %d bytes", eachStream, eachStream), res.LastEvent())
	t.Logf("%s", res.LastEvent())
}

// descriptorsOn counts the descriptors of pid that refer to target, "pipe:[123]":
// 2 while a process has both ends of a pipe, 1 once it closed one.
func descriptorsOn(pid int, target string) int {
	n := 0
	for _, t := range childproc.Descriptors(pid) {
		if t == target {
			n++
		}
	}
	return n
}
