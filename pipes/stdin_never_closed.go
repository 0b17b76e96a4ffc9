//go:build unix

package pipes

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// input is what the parent feeds the counter.
const input = 1000

var stdinNeverClosedBroken, stdinNeverClosedFixed = pair("pipes/stdin-never-closed", func(c code) int {
	cmd := childproc.Command(counter)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := c.Feed(cmd, []byte(strings.Repeat("i", input))); err != nil {
		childproc.Emitf("error: %v", err)
		return 1
	}
	childproc.Emitf("fed %d bytes; the child %s", input, out.String())
	return 0
})

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
	Broken: catalog.Half{
		Says:  "the child blocks reading a stdin that never ends",
		Role:  stdinNeverClosedBroken,
		Prove: proveWaitsForEOF,
	},
	Fixed: catalog.Half{
		Says:  "closing stdin lets the child read to the end and exit",
		Role:  stdinNeverClosedFixed,
		Prove: proveReadsToEOF,
	},
}

func proveWaitsForEOF(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	reader := p.AwaitChild(t)
	// The parent calls Wait only after its last write, so once it waits
	// for the child (do_wait) and the counter sleeps in pipe_read, every
	// byte has been written, and an empty pipe means every byte was read.
	childproc.Poll(t, 5*time.Second, "the parent waits and the counter blocks reading stdin", func() bool {
		return childproc.SleepsIn(p.Pid, "do_wait") && childproc.BlockedIn(reader, "pipe_read")
	})
	queued, err := childproc.PipeQueued(reader, 0)
	require.NoError(t, err)
	assert.Zero(t, queued, "the counter has read everything that was written")
	where := childproc.BlockedWhere(reader, "pipe_read")
	res := p.Stop(t)
	assert.Contains(t, res.Stacks, "os/exec.(*Cmd).Wait", "the parent is in Wait")
	t.Logf("counter %d read all %d bytes and sleeps in %s waiting for EOF; the parent sits in Wait (do_wait) holding the write end",
		reader, input, where)
}

func proveReadsToEOF(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Timeout(fixedBound))
	require.False(t, res.TimedOut, "the child hung: %s", res.Stacks)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, fmt.Sprintf("fed %d bytes; the child counted %d bytes", input, input), res.LastEvent())
	t.Logf("%s", res.LastEvent())
}
