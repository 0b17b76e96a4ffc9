//go:build unix

package proofs

import (
	"bufio"
	"fmt"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pipes"
)

// ScannerGivesUp is the line reader that stops reading without a word.
var ScannerGivesUp = catalog.Entry{
	ID:    "pipes/scanner-gives-up",
	Title: "A bufio.Scanner that meets a line over 64 KiB stops reading, and the child blocks on the full pipe",
	Symptom: "A job that has run for months hangs for ever in cmd.Wait, on the day its child prints one very long line " +
		"(a JSON document, a base64 blob). The lines before it were read; no error is logged.",
	Cause: "Scan returns false at a line longer than the Scanner's limit (bufio.MaxScanTokenSize, 64 KiB), as it does at EOF; " +
		"only sc.Err() says bufio.ErrTooLong. The loop ends, nobody reads the pipe again, and the child blocks writing " +
		"the rest while Wait waits for it to exit.",
	Fix: "Check sc.Err() after the loop, and drain the pipe (io.Copy(io.Discard, stdout)) before Wait, whatever stopped the " +
		"loop. Raise the limit with sc.Buffer, or read with bufio.Reader.ReadString, if long lines are expected.",
	Sources: []string{"000 §2", "000 §19", "001 Q4"},
	Refs: []string{"git-lfs/git-lfs#4557", "git-lfs/git-lfs#1860", "immortal/immortal#46", "buildkite/agent#776",
		"aptible/supercronic#13", "openfaas/of-watchdog#105"},
	Func: "ReadLines",
	Test: "TestScannerGivesUp",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "the child reads a logger's output line by line: 3 short lines, one of 100,000 bytes, then 10,000 short ones",
		Wrong:    "the loop ends at the long line, Wait returns the logger's status, and no line is lost",
	},
	Roles: pipes.ScannerGivesUp,
	Broken: catalog.Half{
		Says:  "the loop ends at the long line, and Wait waits while the logger blocks on the full pipe",
		Prove: proveScannerLeavesWriterBlocked,
	},
	Fixed: catalog.Half{
		Says:  "sc.Err() reports the long line, the pipe is drained, and the logger exits 0",
		Prove: proveScannerErrorReported,
	},
	Diagram: `sequenceDiagram
    participant P as parent
    participant L as logger (child)
    L->>P: 3 short lines, then a 100000-byte line
    P->>P: Scan: token too long, returns false
    P->>P: Wait: blocked in do_wait
    L->>L: write the rest: pipe full, blocked
    Note over P,L: each waits for the other, for ever
    P-->>P: fixed: sc.Err(), drain to EOF, then Wait`,
}

// The fixed code calls Wait only after the pipe has reached EOF, when the
// logger has exited. The parent in do_wait while the logger sleeps on its
// full pipe is an order it never has.
func proveScannerLeavesWriterBlocked(t childproc.T, r role.Role) {
	p, logger, wchan := parentWaitsWhile(t, r, "the parent waits while the logger blocks on the pipe", procfs.PipeWrite)
	queued, err := procfs.PipeQueued(logger, 1)
	require.NoError(t, err)
	res := p.Stop(t)
	assert.Positive(t, queued, "the logger's output waits unread")
	assert.NotEmpty(t, res.Blocked("", "os/exec.(*Cmd).Wait"), "the parent is in Wait")
	assert.Empty(t, res.Blocked("", "bufio.(*Scanner).Scan"), "nothing scans any more")
	if !t.Failed() {
		t.Logf("the Scanner stopped at the %d-byte line; the parent sat in Wait (do_wait) while logger %d slept in %s "+
			"with %d bytes unread in its pipe", pipes.LongLine, logger, wchan, queued)
	}
}

func proveScannerErrorReported(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r, neverStuckWriting("the parent waits while the logger blocks on the full pipe, and nothing reads it"))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, fmt.Sprintf("%d lines, error: %v; the logger: exit status 0", pipes.LinesBefore, bufio.ErrTooLong),
		res.LastEvent())
	t.Logf("%s", res.LastEvent())
}
