//go:build unix

package proofs

import (
	"fmt"
	"os/exec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pipes"
)

// BlockBuffered is the "live" output that arrives only at the end.
var BlockBuffered = catalog.Entry{
	ID:    "pipes/block-buffered",
	Title: "A filter's answer stays in its C library's buffer when its stdout is a pipe",
	Symptom: "A tool that prints each line at once in a terminal says nothing when a Go program reads " +
		"it: the \"live\" log arrives all at once when the tool exits, and a caller that waits for one " +
		"answer waits for ever.",
	Cause: "The C library buffers stdout by line only on a terminal. On a pipe it buffers blocks of " +
		"4 KiB or more and writes them when the block fills, on fflush, or at exit. The child has the " +
		"answer; the parent cannot have it.",
	Fix: "Ask the child for line buffering: stdbuf -oL for programs that use the C library's stdio, " +
		"their own switch for others (python3 -u, grep --line-buffered), or a pseudo-terminal.",
	Refs: []string{"go-cmd/cmd#90", "joewalnes/websocketd#400"},
	Func: "LineFilter",
	Test: "TestBlockBuffered",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "the child sends tr a question on its stdin and waits for tr's one-line answer before it sends more",
		Wrong:    "tr answers at once, as it does in a terminal, and the child reads IS ANYONE THERE?",
	},
	Roles: pipes.BlockBuffered,
	Broken: catalog.Half{
		Says:  "tr has read the question and written nothing, and waits for more input",
		Prove: proveAnswerBuffered,
	},
	Fixed: catalog.Half{
		Says:  "under stdbuf -oL the answer comes as soon as the question has gone",
		Prove: proveAnswerArrives,
	},
	Diagram: `sequenceDiagram
    participant P as parent
    participant F as tr (filter)
    P->>F: is anyone there?
    F->>F: keeps IS ANYONE THERE? in its buffer
    Note over P: gets nothing
    Note over F: waits for input
    F-->>P: fixed, under stdbuf -oL: the answer at once`,
}

func needStdbuf(t childproc.T, r role.Role) {
	if _, err := exec.LookPath("stdbuf"); err != nil {
		childproc.SkipWith(t, "the fix runs the filter under stdbuf, from GNU coreutils: "+err.Error(), r)
	}
}

// The filter has read the question (its stdin is empty again and it
// asks for more) and has written nothing at all. A filter that flushes at
// the newline writes before it reads again, so it is never seen asleep in
// that read with nothing written.
func proveAnswerBuffered(t childproc.T, r role.Role) {
	needStdbuf(t, r)
	p := childproc.Start(t, r)
	filter := p.AwaitChild(t)
	p.Await(t, "asked")
	question := int64(len(pipes.Question) + 1)
	var io procfs.IO
	p.Until(t, "the filter has read the question and waits to read more", func() bool {
		queued, err := procfs.PipeQueued(filter, 0)
		io = procfs.ReadIO(filter)
		return err == nil && queued == 0 && io.Read >= question && procfs.SleepsIn(filter, procfs.PipeRead)
	})
	unread, err := procfs.PipeQueued(filter, 1)
	require.NoError(t, err)
	where := procfs.SleepingIn(filter, procfs.PipeRead)
	res := p.Stop(t)
	assert.Zero(t, io.Written, "the filter wrote nothing")
	assert.Zero(t, unread, "its stdout pipe is empty")
	assert.Equal(t, []string{"asked"}, res.Events, "no answer reached the parent")
	if !t.Failed() {
		t.Logf("tr %d read the %d-byte question and sleeps in %s waiting for more; it wrote 0 bytes and its stdout pipe is empty: the answer is in its buffer",
			filter, question, where)
	}
}

func proveAnswerArrives(t childproc.T, r role.Role) {
	needStdbuf(t, r)
	res := childproc.Finish(t, r, neverAnswerBuffered("the filter has read the question and waits for more, its answer unwritten, while the parent waits for it"))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	answer := fmt.Sprintf("answer %q, error <nil>", "IS ANYONE THERE?\n")
	require.Equal(t, []string{"asked", answer, "the filter: <nil>"}, res.Events)
	t.Logf("%s, before stdin was closed; then %s", answer, res.LastEvent())
}

// neverAnswerBuffered is the broken proof's evidence, joined to a parent
// that waits for the answer, as a state that no program which will finish
// is seen in. At two looks in a row, with the same counts:
//   - the filter, a child of the parent, sleeps in pipe_read on an empty
//     stdin that the parent holds, and has written nothing: its stdout
//     pipe is empty;
//   - the parent waits for nothing of its own (procfs.WaitsForOthers),
//     and has written and read nothing from the first look to the last.
//
// A filter that writes each answer at the newline is never seen so after
// it has read the question, and before the question it is awake: the
// parent that has written it and gone idle woke the filter with that
// write. A parent that would close stdin, or write more, after a pause
// keeps a timer in the poller, and the filter would then answer at EOF.
func neverAnswerBuffered(what string) childproc.Option {
	return childproc.StuckWhenSeenTwice(what, func(p *childproc.Proc) string {
		for _, filter := range procfs.Children(p.Pid) {
			in, out := procfs.Descriptors(filter)[0], procfs.Descriptors(filter)[1]
			queuedIn, err := procfs.PipeQueued(filter, 0)
			queuedOut, err2 := procfs.PipeQueued(filter, 1)
			if err != nil || err2 != nil || queuedIn != 0 || queuedOut != 0 || !holds(p.Pid, in) || !holds(p.Pid, out) {
				continue
			}
			before, filterIO := procfs.ReadIO(p.Pid), procfs.ReadIO(filter)
			if filterIO.Written == 0 && procfs.SleepsIn(filter, procfs.PipeRead) && procfs.WaitsForOthers(p.Pid) &&
				procfs.ReadIO(p.Pid) == before && procfs.ReadIO(filter) == filterIO {
				return fmt.Sprint(filter, before, filterIO)
			}
		}
		return ""
	})
}
