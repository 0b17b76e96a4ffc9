package zombies

import (
	"context"
	"os/exec"
	"runtime"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"procbugs/helpers/childproc"
)

// launchAndCollect launches a helper, drops its Cmd and collects garbage
// until the process dies. With GODEBUG=execwait=2, os/exec sets a finalizer
// on every Cmd that panics if the Cmd was started and never waited for
// (os/exec.Command in $GOROOT/src/os/exec/exec.go).
func launchAndCollect(c code) int {
	pid, err := launchHelper(c)
	if err != nil {
		return fail("launch", err)
	}
	awaitExit(pid) // so that the panic leaves no helper running
	for range 1000 {
		runtime.GC()
		runtime.Gosched()
	}
	childproc.Emit("no panic after 1000 collections")
	return 0
}

// launchHelper launches a helper and forgets its Cmd, which is unreachable
// once this function returns.
func launchHelper(c code) (pid int, err error) {
	cmd := childproc.Command(exitWith, "0")
	if err := c.Launch(cmd); err != nil {
		return 0, err
	}
	return cmd.Process.Pid, nil
}

// awaitExit returns once child pid has exited, without reaping it (waitid
// with WNOWAIT). If a Wait reaped it first, waitid fails with ECHILD, which
// means the same.
func awaitExit(pid int) {
	var info unix.Siginfo
	unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
}

// launchAndFindLeaks launches a helper with exec.CommandContext, waits until
// it has exited, and asks goleak which goroutines are left. A started Cmd
// with a context runs a watchCtx goroutine until Wait; a Cmd without one
// and with *os.File stdio runs none, and goleak cannot see it.
func launchAndFindLeaks(c code) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	plain := childproc.Command(exitWith, "0")
	cmd := exec.CommandContext(ctx, plain.Path, plain.Args[1:]...)
	cmd.Env = plain.Env
	if err := c.Launch(cmd); err != nil {
		return fail("launch", err)
	}
	awaitExit(cmd.Process.Pid)
	if err := goleak.Find(); err != nil {
		childproc.Emitf("goleak: %v", err)
		return 0
	}
	childproc.Emit("goleak: no leaked goroutines")
	return 0
}

func proveExecwaitPanics(t childproc.T) {
	res := childproc.Run(t, launchBroken, childproc.Args("execwait"), childproc.Env("GODEBUG=execwait=2"))
	assert.Equal(t, 2, res.ExitCode, "an unrecovered panic exits 2: %s", res.Events)
	assert.Contains(t, res.Stderr, "panic: exec: Cmd started a Process but leaked without a call to Wait")
	assert.Contains(t, res.Stderr, "GODEBUG=execwait=2 detected a leaked exec.Cmd created by:")
	assert.Contains(t, res.Stderr, "procbugs/zombies.launchHelper", "the stack names where the Cmd was made")
	t.Logf("with GODEBUG=execwait=2 the child died at GC with exit %d: %q", res.ExitCode,
		"panic: exec: Cmd started a Process but leaked without a call to Wait")
}

func proveGoleakSees(t childproc.T, role childproc.Role, leaks bool) {
	res := childproc.Run(t, role, childproc.Args("goleak"))
	verdict := res.LastEvent()
	if !leaks {
		assert.Equal(t, "goleak: no leaked goroutines", verdict)
		t.Logf("%s: once the helper had exited, %s", role, verdict)
		return
	}
	assert.Contains(t, verdict, "goleak: found unexpected goroutines")
	assert.Contains(t, verdict, "os/exec.(*Cmd).watchCtx", "goleak names the goroutine")
	t.Logf("%s: once the helper had exited, goleak still found a goroutine in os/exec.(*Cmd).watchCtx", role)
}
