//go:build unix

package proofs

import (
	"fmt"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pipes"
)

// LeakedDescriptor is the pipe a helper process keeps open by accident.
var LeakedDescriptor = catalog.Entry{
	ID:      "pipes/leaked-descriptor",
	Title:   "A descriptor opened without close-on-exec leaks into children and keeps a pipe open",
	Symptom: "A reader waits for EOF for ever although the writer closed its end; an unrelated helper process holds a copy.",
	Cause: "Every child inherits each descriptor that lacks FD_CLOEXEC. Go's os package sets O_CLOEXEC on all it opens; " +
		"raw syscalls (syscall.Pipe, syscall.Socket, unix.Open) and C libraries do not.",
	Fix: "Open with O_CLOEXEC (os.Pipe does; syscall.Pipe2 where it exists), and pass a descriptor on purpose only through " +
		"cmd.ExtraFiles, where it becomes fd 3, 4, ... in the child.",
	Sources: []string{"000 §6", "001 Q19"},
	Refs:    []string{"golang/go#2603 (close-on-exec races with fork: syscall.ForkLock)"},
	Func:    "NotifyDone",
	Test:    "TestLeakedDescriptor",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child writes done into a pipe and closes its end while a helper it started keeps running; a reader waits for EOF",
		AskFixed: true,
		Wrong:    "the reader still never sees EOF: the helper got the descriptor before exec could close it",
	},
	Roles: pipes.LeakedDescriptor,
	Broken: catalog.Half{
		Says:  "the helper holds the write end, so the reader never sees EOF",
		Prove: proveHelperHoldsPipe,
	},
	Fixed: catalog.Half{
		Says:  "with close-on-exec the reader gets the message and EOF",
		Prove: proveReaderGetsEOF,
	},
	Diagram: `sequenceDiagram
    participant P as parent
    participant H as helper (child)
    P->>P: syscall.Pipe: no O_CLOEXEC
    P->>H: Start: inherits both ends
    P->>P: write "done", close write end
    P->>P: ReadAll: blocked, H still holds a write end`,
}

// With close-on-exec the helper holds no descriptor of the parent's pipe
// at any instant, so a helper holding the very pipe the parent is blocked
// reading is the bug.
func proveHelperHoldsPipe(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	helper := p.AwaitChild(t)
	var shared string
	p.Until(t, "the reader blocks on a pipe the helper holds too", func() bool {
		shared = sharedPipe(helper, procfs.ReadingFrom(p.Pid))
		return shared != ""
	})
	where := procfs.SleepingIn(p.Pid, procfs.PipeRead)
	res := p.Stop(t)
	assert.NotEmpty(t, res.Blocked("", "io.ReadAll"), "the reader is still reading")
	if !t.Failed() {
		t.Logf("helper %d inherited %s; the reader sleeps in %s on that pipe although the writer closed its end",
			helper, shared, where)
	}
}

// sharedPipe returns the pipe among reading that helper also holds, on a
// descriptor above stdio, or "".
func sharedPipe(helper int, reading []string) string {
	for fd, target := range procfs.Descriptors(helper) {
		for _, r := range reading {
			if fd > 2 && target == r && strings.HasPrefix(target, "pipe:") {
				return target
			}
		}
	}
	return ""
}

func proveReaderGetsEOF(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r, neverHeldByHelper("the reader waits for EOF on a pipe that the helper holds too"))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, `read "done", then EOF`, res.LastEvent())
	t.Logf("%s while the helper was still running", res.LastEvent())
}

// neverHeldByHelper is the broken proof's evidence as a state that no
// correct program is seen in, so that code which leaks the pipe fails as
// soon as it is seen: a child that has exec'd, every thread of it asleep,
// holds above stdio the pipe a thread of the parent is blocked reading,
// at two looks in a row. The helper lives until the reader is done, so
// the reader would wait for it for ever.
//
// Asleep, because the kernel marks a process exec'd (procfs.Execed) a
// moment before it closes its close-on-exec descriptors, within the same
// execve: a helper still inside it is running. A fix by any means (a pipe
// opened with close-on-exec, or made after the helper started) leaves the
// helper with nothing of the pipe once it runs its program.
func neverHeldByHelper(what string) childproc.Option {
	return childproc.StuckWhenSeenTwice(what, func(p *childproc.Proc) string {
		for _, kid := range procfs.Children(p.Pid) {
			if procfs.Execed(kid) && procfs.Idle(kid) {
				if pipe := sharedPipe(kid, procfs.ReadingFrom(p.Pid)); pipe != "" {
					return fmt.Sprint(kid, " ", pipe)
				}
			}
		}
		return ""
	})
}
