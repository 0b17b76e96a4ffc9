package signals

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// The worker is sleep(1), a C program with no signal handling of its own:
// most programs a Go service starts are like it.
var inheritedIgnoreBroken, inheritedIgnoreFixed = pair("signals/inherited-ignore", func(c code, _ []string) int {
	worker := exec.Command("sleep", "infinity")
	unshield, err := c.StartWhileShielded(worker)
	if err != nil {
		return fail(err)
	}
	defer unshield()
	childproc.EmitPID("worker", worker.Process.Pid)
	childproc.Emitf("worker ended: %v", worker.Wait())
	return 0
})

// InheritedIgnore is golang/go#20479.
var InheritedIgnore = catalog.Entry{
	ID:    "signals/inherited-ignore",
	Title: "A signal ignored with signal.Ignore stays ignored in every child, across exec",
	Symptom: "Workers started by a service ignore SIGTERM: stopping them needs SIGKILL, though their own code " +
		"never touches signals. /proc/<pid>/status shows the bit in SigIgn.",
	Cause: "signal.Ignore sets the disposition to SIG_IGN. fork copies it and execve keeps ignored signals ignored; " +
		"only caught ones are reset to the default.",
	Fix: "Catch with signal.Notify instead of ignoring: exec resets caught signals to default. " +
		"Or reset the signal before starting the child, or let the child reset it itself.",
	Sources: []string{"001 Q9"},
	Refs:    []string{"golang/go#20479", "execve(2): \"dispositions of any signals that are being caught are reset to the default\""},
	Func:    "StartWhileShielded",
	Test:    "TestInheritedIgnore",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the worker starts with SIGTERM ignored and survives it",
		Role:  inheritedIgnoreBroken,
		Prove: proveWorkerDeaf,
	},
	Fixed: catalog.Half{
		Says:  "the worker starts with SIGTERM at its default and dies of it",
		Role:  inheritedIgnoreFixed,
		Prove: proveWorkerTerminated,
	},
}

func proveWorkerDeaf(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	worker := p.AwaitPID(t, "worker")
	require.True(t, ignores(worker, syscall.SIGTERM), "SigIgn of the worker has SIGTERM")
	require.NoError(t, childproc.Signal(worker, syscall.SIGTERM))
	// The kernel drops a signal the target ignores when it is sent
	// (kernel/signal.c, sig_ignored): it is never even pending.
	require.True(t, childproc.Alive(worker), "the worker survived SIGTERM")
	assert.False(t, pending(worker, syscall.SIGTERM))
	p.Kill(t)
	t.Logf("worker %d (sleep) started with SIGTERM in SigIgn; SIGTERM left it running; ended with SIGKILL", worker)
}

func proveWorkerTerminated(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	worker := p.AwaitPID(t, "worker")
	require.False(t, ignores(worker, syscall.SIGTERM), "SigIgn of the worker has no SIGTERM")
	require.NoError(t, childproc.Signal(worker, syscall.SIGTERM))
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, "worker ended: signal: terminated", res.LastEvent())
	t.Logf("worker %d (sleep) started with SIGTERM at its default: %q", worker, res.LastEvent())
}

// ignoringParent ignores SIGTERM and SIGINT and starts a Go grandchild,
// to see what a Go program does with what it inherits.
var ignoringParent = childproc.Register("signals/ignoring-parent", func([]string) int {
	signal.Ignore(syscall.SIGTERM, syscall.SIGINT)
	cmd := childproc.Command(idle)
	if _, err := relay(cmd); err != nil { // never flushed: the test ends this child
		return fail(err)
	}
	if err := cmd.Start(); err != nil {
		return fail(err)
	}
	blockForever()
	return 0
})

// idle is a Go program that reports its pid and waits to be ended.
var idle = childproc.Register("signals/idle", func([]string) int {
	tell("idle pid=%d", os.Getpid())
	blockForever()
	return 0
})
