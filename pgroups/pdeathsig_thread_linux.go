package pgroups

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

var lockedThreadBroken, lockedThreadFixed = pair("pgroups/pdeathsig-thread", func(c code, _ []string) int {
	cmd := childproc.Command(sleeper)
	wait, err := c.StartOnLockedThread(cmd)
	if err != nil {
		return fail("start", err)
	}
	childproc.EmitPID("worker", cmd.Process.Pid)
	childproc.Ready()
	childproc.Emitf("worker ended: %v", wait())
	childproc.Emitf("parent %d still running", os.Getpid())
	return 0
})

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
	Broken: catalog.Half{
		Says:  "the worker gets SIGTERM when the locked goroutine returns, and its parent lives on",
		Role:  lockedThreadBroken,
		Prove: proveThreadExitKillsWorker,
	},
	Fixed: catalog.Half{
		Says:  "the forking thread lives as long as the worker, which dies only with its parent",
		Role:  lockedThreadFixed,
		Prove: proveThreadKeptAlive,
	},
}

func proveThreadExitKillsWorker(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Args(lockMainThread), childproc.Timeout(5*time.Second))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Len(t, res.Events, 3, "worker pid, its end, the parent alive")
	assert.Equal(t, "worker ended: signal: terminated", res.Events[1])
	t.Logf("%s, while %s", res.Events[1], res.Events[2])
}

func proveThreadKeptAlive(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role, childproc.Args(lockMainThread), childproc.Timeout(5*time.Second))
	worker := p.AwaitPID(t, "worker")
	p.WaitReady(t)
	// The worker's parent thread is the one that forked it, not the main
	// thread it would be handed to if that one exited, and it sleeps in
	// waitid: the locked goroutine is waiting for the worker.
	var forker int
	childproc.Poll(t, 5*time.Second, "the forking thread waits for the worker", func() bool {
		forker = forkingThread(p.Pid, worker)
		return forker != 0 && forker != p.Pid && strings.Contains(threadWchan(p.Pid, forker), "do_wait")
	})
	require.True(t, childproc.Alive(worker), "the worker runs")
	// Pdeathsig still does its job when the parent itself dies.
	p.Signal(t, syscall.SIGKILL)
	require.Equal(t, syscall.SIGKILL, p.Wait(t).Signal)
	childproc.Poll(t, 5*time.Second, "worker "+strconv.Itoa(worker)+" dies", func() bool {
		return childproc.State(worker) == 'Z'
	})
	assert.Equal(t, syscall.SIGTERM, exitSignal(worker), "the kernel sent the parent-death signal")
	state := describe(worker)
	p.KillGroup(t)
	t.Logf("worker %d was a child of locked thread %d of parent %d, alive and waiting in do_wait; the parent killed, worker %s",
		worker, forker, p.Pid, state)
}

// forkingThread is the thread of pid whose children include child: the
// thread the kernel watches for PR_SET_PDEATHSIG. 0 if none.
func forkingThread(pid, child int) int {
	for _, tid := range childproc.Threads(pid) {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(tid) + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if f == strconv.Itoa(child) {
				return tid
			}
		}
	}
	return 0
}

// threadWchan is the kernel function thread tid of pid sleeps in.
func threadWchan(pid, tid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(tid) + "/wchan")
	return string(b)
}
