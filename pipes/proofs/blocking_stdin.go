//go:build unix

package proofs

import (
	"fmt"
	"os"
	"slices"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pipes"
)

// BlockingStdin is the session that outlives its command.
var BlockingStdin = catalog.Entry{
	ID:    "pipes/blocking-stdin",
	Title: "A Stdin that blocks, such as a network connection, keeps Wait waiting after the child exits, whatever WaitDelay says",
	Symptom: "The user types exit, the shell exits, and the session hangs until the user presses Enter once more " +
		"or disconnects. Setting cmd.WaitDelay changes nothing.",
	Cause: "A Stdin that is not an *os.File is copied to the child by a goroutine of os/exec, and Wait waits for it. " +
		"The goroutine sits in the reader's Read, not on the pipe: when WaitDelay expires, os/exec closes the pipe and " +
		"then waits for the goroutine with no bound (awaitGoroutines).",
	Fix: "Take a StdinPipe and copy into it yourself: Wait waits only for the child and closes the pipe. " +
		"Once Wait has returned, close the reader, which ends your copy's Read, and wait for the copy. " +
		"Go 1.27's documentation of Cmd.Stdin warns of the trap and gives this recipe; Go 1.26's does not.",
	Sources: []string{"000 §9", "000 §15", "001 Q14", "001 Q22"},
	Refs: []string{"golang/go#77227", "golang/go#10338", "golang/go#18874", "gliderlabs/ssh#219",
		"kubernetes/kubernetes#6574", "go-gitea/gitea#19448"},
	Func:    "RunSession",
	Test:    "TestBlockingStdin",
	Tree:    true,
	Changes: []catalog.Change{StdinReadDocumented},
	Quiz: catalog.Quiz{
		Scenario: "the child runs a shell for a client that types exit over a connection and stays connected; WaitDelay is 10 ms",
		AskFixed: true,
		Wrong:    "Wait returns when the shell exits, and the copy goroutine goes on reading the session for ever",
	},
	Roles: pipes.BlockingStdin,
	Broken: catalog.Half{
		Says:  "the shell has exited and WaitDelay has closed its pipe, yet Wait waits for a copy stuck reading the session",
		Prove: proveWaitStuckOnSessionRead,
	},
	Fixed: catalog.Half{
		Says:  "with a StdinPipe Wait returns when the shell exits, and closing the session ends the copy",
		Prove: proveSessionEnds,
	},
	Diagram: `sequenceDiagram
    participant C as client
    participant P as parent
    participant S as shell (child)
    C->>P: "exit", then stays connected
    P->>S: os/exec's copier: "exit"
    S->>S: exit 0, reaped by Wait
    P->>P: copier: Read from the client, blocked
    P->>P: WaitDelay expires: stdin pipe closed
    Note over P: Wait waits for the copier, for ever
    P-->>P: fixed: Wait returns, close the session`,
}

// StdinReadDocumented is Go 1.27's word on it. The behaviour is the same
// on both releases, and the proof asserts it on whichever runs it.
var StdinReadDocumented = catalog.Change{
	Since: "go1.27",
	Before: "Wait waits for a Read from Stdin whatever WaitDelay says, and the documentation does not warn: " +
		"Cmd.Stdin lists \"a nonzero WaitDelay was set and expired\" among the ends of the copy, which reads as a bound",
	After: "the same behaviour, now documented: Cmd.Stdin adds \"Regardless of WaitDelay, Wait can block until a Read " +
		"from Stdin completes\" and the StdinPipe recipe, and Cmd.Stdout says the same of a Write",
	Source: "os/exec/exec.go, the documentation of Cmd.Stdin and Cmd.Stdout, new paragraphs in 1.27; the behaviour, " +
		"unchanged, is Cmd.awaitGoroutines: closeDescriptors(c.parentIOPipes), then <-c.goroutineErr",
	Test: "pipes.TestBlockingStdin",
}

// With WaitDelay set, os/exec waits for its goroutines in a select with a
// timer, and enters a plain receive only once the timer has fired and the
// pipes are closed. The fixed code gives os/exec no goroutine to wait for,
// so a receive in awaitGoroutines is the bug and nothing else. The proof
// takes the dump once /proc shows that instant: the shell reaped, and the
// parent no longer holding the pipe that was the shell's stdin.
func proveWaitStuckOnSessionRead(t childproc.T, r role.Role) {
	keyboard, typist := keyboard(t)
	p := childproc.Start(t, r, childproc.Stdin(keyboard))
	shell := p.AwaitChild(t)
	var stdin string
	p.Until(t, "the shell waits for a command", func() bool {
		stdin = procfs.Descriptors(shell)[0]
		return slices.Contains(procfs.ReadingFrom(shell), stdin)
	})
	require.True(t, holds(p.Pid, stdin), "the parent holds the write end of the shell's stdin")
	_, err := typist.WriteString(pipes.ExitCommand)
	require.NoError(t, err)
	p.Until(t, "the shell is reaped, and WaitDelay has closed its stdin pipe", func() bool {
		return !slices.Contains(procfs.Children(p.Pid), shell) && !holds(p.Pid, stdin) && procfs.Idle(p.Pid)
	})
	res := p.Stop(t)
	waits := res.Blocked("chan receive", "os/exec.(*Cmd).awaitGoroutines")
	copier := res.Blocked("IO wait", "os/exec.(*Cmd).childStdin.func1")
	assert.Len(t, waits, 1, "Wait receives from the copier, its timer spent")
	assert.Len(t, copier, 1, "os/exec's copier waits for the session to send more")
	if !t.Failed() {
		t.Logf("on %s: shell %d had exited and been reaped, and WaitDelay (%v) had closed its stdin %s; "+
			"Wait sat in a plain receive while os/exec's copier waited (IO wait) for the client to send more",
			catalog.Release(), shell, pipes.SessionWaitDelay, stdin)
	}
}

func proveSessionEnds(t childproc.T, r role.Role) {
	keyboard, typist := keyboard(t)
	p := childproc.Start(t, r, childproc.Stdin(keyboard), childproc.Timeout(childproc.FinishBound),
		neverWaitsForTheClient("the shell has exited, and Wait waits for the client to send more"))
	_, err := typist.WriteString(pipes.ExitCommand)
	require.NoError(t, err)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, fmt.Sprintf("the session ended: %v; the shell: exit status 0", nil), res.LastEvent())
	t.Logf("on %s: %s, while the client was still connected", catalog.Release(), res.LastEvent())
}

// keyboard returns the two ends of a pipe that stands for the client's
// keyboard: the child reads what the test types, and the keyboard stays
// open until the test ends, as a connected client does.
// neverWaitsForTheClient is the broken Wait as a state that no program
// which will finish is seen in. At two looks in a row, with the same
// threads:
//   - the shell, seen before, has been reaped: the parent has no child;
//   - the parent waits for nothing of its own (procfs.WaitsForOthers),
//     except the client's keys: the scenario copies its own stdin to the
//     client in a goroutine, which may sit in read(2) on it in both halves.
//
// Once the shell is reaped, a parent that will finish has work to do: the
// fixed one closes the session, which ends its copy's Read at once, and
// returns. One that waits for nothing but the client waits for as long as
// the client stays connected.
func neverWaitsForTheClient(what string) childproc.Option {
	sawShell := false
	return childproc.StuckWhenSeenTwice(what, func(p *childproc.Proc) string {
		if len(procfs.Children(p.Pid)) > 0 {
			sawShell = true
			return ""
		}
		if !sawShell || !idleButForKeys(p.Pid) {
			return ""
		}
		return fmt.Sprint(procfs.Threads(p.Pid))
	})
}

// idleButForKeys is procfs.WaitsForOthers for a parent whose threads may
// also sit in read(2) on its own stdin.
func idleButForKeys(parent int) bool {
	keys := procfs.Descriptors(parent)[0]
	reading := procfs.ReadingFrom(parent)
	for _, target := range reading {
		if target != keys {
			return false
		}
	}
	others := 0
	for _, tid := range procfs.Threads(parent) {
		if !slices.Contains(procfs.RuntimeWaits, procfs.ThreadSyscall(parent, tid)) {
			others++
		}
	}
	return others == len(reading) && procfs.Idle(parent) &&
		!procfs.PollsForTimer(parent) && !procfs.InSyscall(parent, procfs.SysmonTick)
}

func keyboard(t childproc.T) (keys, typist *os.File) {
	keys, typist, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { keys.Close(); typist.Close() })
	return keys, typist
}

// holds reports whether pid has target open on some descriptor.
func holds(pid int, target string) bool {
	for _, held := range procfs.Descriptors(pid) {
		if held == target {
			return true
		}
	}
	return false
}
