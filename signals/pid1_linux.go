package signals

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

var pid1Broken, pid1Fixed = pair("signals/pid1", func(c code, _ []string) int {
	c.RunService(func(ctx context.Context) {
		childproc.Emitf("pid %d in its namespace", os.Getpid())
		childproc.Ready()
		if ctx.Done() == nil {
			blockForever() // nothing will ever cancel it
			return
		}
		<-ctx.Done()
		childproc.Emitf("stopping: %v", context.Cause(ctx))
	}, func() { childproc.Emit("cleaned up") })
	return 0
})

// PID1 is 001 Q9's third reason, which is wrong.
var PID1 = catalog.Entry{
	ID:    "signals/pid1",
	Title: "A Go program as PID 1 with no SIGTERM handler exits with status 2, skipping its cleanup",
	Symptom: "docker stop ends the container quickly with exit code 2; no shutdown log, no flushed buffers. " +
		"001 Q9 says SIGTERM \"does nothing\" to a PID 1 without a handler: for a Go program it does.",
	Cause: "The kernel drops a signal for a namespace's init only when its action is SIG_DFL. The Go runtime always has a " +
		"handler for SIGTERM, so the signal arrives; with no Notify the runtime re-raises it with SIG_DFL, the kernel drops that, " +
		"and the runtime falls back to exit(2) (runtime/signal_unix.go, dieFromSignal). Deferred functions never run.",
	Fix:     "Handle SIGTERM (signal.NotifyContext) and shut down in code: cleanup runs and the exit status is 0, PID 1 or not.",
	Sources: []string{"001 Q9", "001 Q25"},
	Refs:    []string{"pid_namespaces(7): \"the only signals that can be sent to the init process are those for which the init process has established a signal handler\""},
	Func:    "RunService",
	Test:    "TestPID1",
	Broken: catalog.Half{
		Says:  "as PID 1, SIGTERM ends it with status 2 and its cleanup never runs",
		Role:  pid1Broken,
		Prove: provePID1ExitsTwo,
	},
	Fixed: catalog.Half{
		Says:  "as PID 1, SIGTERM cancels its context, cleanup runs and it exits 0",
		Role:  pid1Fixed,
		Prove: provePID1CleansUp,
	},
}

// newPIDNamespace returns the SysProcAttr change that makes a child PID 1
// of a new PID namespace: as root directly, otherwise inside a new user
// namespace, where the test's uid is root. It skips the test, with the
// reason, where neither is allowed, counting roles as accounted for.
func newPIDNamespace(t childproc.T, roles ...childproc.Role) func(*syscall.SysProcAttr) {
	t.Helper()
	attr := func(a *syscall.SysProcAttr) { a.Cloneflags = syscall.CLONE_NEWPID }
	how := "a new PID namespace"
	if os.Getuid() != 0 {
		uid, gid := os.Getuid(), os.Getgid()
		attr = func(a *syscall.SysProcAttr) {
			a.Cloneflags = syscall.CLONE_NEWPID | syscall.CLONE_NEWUSER
			a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: uid, Size: 1}}
			a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: gid, Size: 1}}
		}
		how = "new user and PID namespaces"
	}
	probe := exec.Command("/bin/true")
	probe.SysProcAttr = &syscall.SysProcAttr{}
	attr(probe.SysProcAttr)
	if err := probe.Run(); err != nil {
		childproc.SkipWith(t, fmt.Sprintf("needs %s, which this system refuses: %v", how, err), roles...)
	}
	return attr
}

// asInit starts role as PID 1 of a new PID namespace.
func asInit(t childproc.T, role childproc.Role) *childproc.Proc {
	t.Helper()
	p := childproc.Start(t, role, childproc.Attr(newPIDNamespace(t, pid1Broken, pid1Fixed)))
	p.WaitReady(t)
	require.Contains(t, p.Events(), "pid 1 in its namespace")
	return p
}

func provePID1ExitsTwo(t childproc.T, role childproc.Role) {
	p := asInit(t, role)
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.Equal(t, 2, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	assert.Equal(t, syscall.Signal(0), res.Signal, "not killed by the signal")
	assert.NotContains(t, res.Events, "cleaned up", "deferred cleanup never ran")
	t.Logf("PID 1 of its namespace, no handler: SIGTERM from the test gave %s after %v, cleanup never ran",
		res.Status(), res.Elapsed.Round(time.Millisecond))
}

func provePID1CleansUp(t childproc.T, role childproc.Role) {
	p := asInit(t, role)
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	assert.Equal(t, []string{"pid 1 in its namespace", "stopping: terminated signal received", "cleaned up"}, res.Events)
	t.Logf("PID 1 of its namespace, with NotifyContext: SIGTERM gave %q, then %s", res.Events[1:], res.Status())
}
