//go:build linux

package proofs

import (
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// PdeathsigThread is golang/go#27505.
var PdeathsigThread = catalog.Entry{
	ID:    "pgroups/pdeathsig-thread",
	Title: "Pdeathsig kills the child when the thread that started it exits, while the parent lives on",
	Symptom: "A worker started with Pdeathsig dies of that signal at a random moment, though its parent " +
		"is alive and well; only when the start happened on a locked goroutine.",
	Cause: "The kernel's \"parent\" for PR_SET_PDEATHSIG is the thread that forked the child. A goroutine " +
		"that returns while locked with runtime.LockOSThread takes its thread with it (runtime/proc.go, " +
		"goexit0), and the kernel signals the children that thread forked.",
	Fix: "Keep the forking thread alive for the child's whole life: the locked goroutine waits for the " +
		"child before it returns. (Threads of unlocked goroutines are never ended by the runtime.)",
	Sources: []string{"000 §4"},
	Refs: []string{"golang/go#27505", "syscall/exec_linux.go, SysProcAttr.Pdeathsig: \"the signal is sent on " +
		"thread termination, which may happen before process termination\""},
	Func: "StartOnLockedThread",
	Test: "TestPdeathsigThread",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "the child starts a worker from a goroutine locked to its thread, and the parent lives on",
		Wrong:    "the worker runs on for as long as its parent process lives",
	},
	Roles: pgroups.PdeathsigThread,
	Broken: catalog.Half{
		Says:  "the worker gets SIGTERM when the locked goroutine returns, and its parent lives on",
		Prove: proveThreadExitKillsWorker,
	},
	Fixed: catalog.Half{
		Says:  "the forking thread lives as long as the worker, which dies only with its parent",
		Prove: proveThreadKeptAlive,
	},
	Diagram: `sequenceDiagram
    participant M as parent, main thread
    participant L as parent, locked thread
    participant W as worker
    M->>L: go func: LockOSThread, then Start
    L->>W: fork (Pdeathsig SIGTERM)
    Note over L: broken: the thread exits
    L-->>W: SIGTERM, the parent alive
    Note over L: fixed: waits for W`,
}

// The runtime ends a locked goroutine's thread as soon as the goroutine
// returns, and the kernel then signals the worker, while its parent
// carries on to report it. The proof watches for whichever comes first:
// the worker's death, or the fixed code's state, the thread that forked it
// waiting for it (the fixed worker never dies while its parent lives).
func proveThreadExitKillsWorker(t childproc.T, r role.Role) {
	p := childproc.Start(t, r, childproc.Args(pgroups.LockMainThread), childproc.Timeout(childproc.FinishBound))
	worker := p.AwaitPID(t, "worker")
	waited := false
	p.Until(t, "the worker has died, or the thread that forked it waits for it", func() bool {
		waited = forkerWaits(p.Pid, worker) != 0
		state := procfs.State(worker)
		return waited || state == 'Z' || state == 0
	})
	require.False(t, waited, "the thread that forked the worker waits for it")
	p.Await(t, "the parent runs on")
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, []string{"worker ended: signal: terminated", "the parent runs on"}, res.Events[1:])
	t.Logf("worker %d ended by SIGTERM once the locked goroutine that started it returned; the parent ran on and exited 0",
		worker)
}

// forkerWaits returns the thread of pid, other than its main thread, that
// forked child and sleeps waiting for a child to exit, or 0.
func forkerWaits(pid, child int) int {
	forker := procfs.ForkingThread(pid, child)
	if forker != 0 && forker != pid && procfs.ThreadSleepsIn(pid, forker, procfs.DoWait) {
		return forker
	}
	return 0
}

// The broken code's forking thread never waits: it returns and exits,
// and the worker passes to the main thread. Only the fixed code has a
// thread other than the main one that forked the worker and waits for it.
func proveThreadKeptAlive(t childproc.T, r role.Role) {
	p := childproc.Start(t, r, childproc.Args(pgroups.LockMainThread))
	worker := p.AwaitPID(t, "worker")
	var forker int
	p.Until(t, "the thread that forked the worker waits for it", func() bool {
		forker = forkerWaits(p.Pid, worker)
		return forker != 0
	})
	// Pdeathsig still does its job when the parent itself dies.
	p.Signal(t, syscall.SIGKILL)
	require.Equal(t, "killed by SIGKILL (137)", p.Wait(t).Status())
	require.Equal(t, "SIGTERM", killOrphan(t, worker), "the kernel sent SIGTERM as the parent died")
	t.Logf("worker %d was forked by thread %d of parent %d, which waited for it in do_wait; once the parent was killed: %s",
		worker, forker, p.Pid, Describe(worker))
}
