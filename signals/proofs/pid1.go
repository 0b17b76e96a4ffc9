//go:build unix

package proofs

import (
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// PID1Change is what Go 1.27 changed in a PID 1 that leaves SIGTERM alone.
var PID1Change = catalog.Change{
	Since:  "go1.27",
	Before: "a Go PID 1 with no SIGTERM handler exits with status 2",
	After:  "it exits with status 143, 128+SIGTERM, the shell's convention for a process killed by SIGTERM, though no signal killed it",
	Source: "runtime/signal_unix.go, dieFromSignal: the last resort once the re-raised signal has been dropped " +
		"is exit(2) in Go 1.26 and exit(128 + int32(sig)) in Go 1.27",
	Test: "signals.TestPID1",
}

// PID1Exit is the status the running release's broken PID 1 exits with.
func PID1Exit() int {
	if catalog.Since(PID1Change.Since) {
		return 128 + int(syscall.SIGTERM)
	}
	return 2
}

// PID1 is 001 Q9's third reason, which is wrong for a Go program.
var PID1 = catalog.Entry{
	ID:    "signals/pid1",
	Title: "A Go program as PID 1 with no SIGTERM handler exits by itself, skipping its cleanup",
	Symptom: "docker stop ends the container at once, with exit code 2 (143 from Go 1.27); no shutdown log, no flushed buffers. " +
		"001 Q9 says SIGTERM \"does nothing\" to a PID 1 without a handler: to a Go program it does.",
	Cause: "The kernel drops a signal for a namespace's init only when its action is SIG_DFL. The Go runtime always has a " +
		"handler for SIGTERM, so the signal arrives; with no Notify the runtime re-raises it with SIG_DFL, the kernel drops that, " +
		"and the runtime exits by itself (runtime/signal_unix.go, dieFromSignal). Deferred functions never run.",
	Fix:     "Handle SIGTERM (signal.NotifyContext) and shut down in code: cleanup runs and the exit status is 0, PID 1 or not.",
	Sources: []string{"001 Q9", "001 Q25"},
	Refs: []string{"pid_namespaces(7): \"the only signals that can be sent to the init process are those for which " +
		"the init process has established a signal handler\""},
	Func:    "RunService",
	Test:    "TestPID1",
	Changes: []catalog.Change{PID1Change},
	Quiz: catalog.Quiz{
		Scenario: "the child is PID 1 of a PID namespace, with no SIGTERM handler, and gets SIGTERM",
		Wrong:    "the kernel drops SIGTERM for a PID 1 without a handler, and it runs on",
	},
	Roles: signals.PID1,
	Broken: catalog.Half{
		Says:  "as PID 1, SIGTERM makes it exit by itself, with 2 (143 from Go 1.27), and its cleanup never runs",
		Prove: provePID1ExitsByItself,
	},
	Fixed: catalog.Half{
		Says:  "as PID 1, SIGTERM cancels its context, cleanup runs and it exits 0",
		Prove: provePID1CleansUp,
	},
	Diagram: `sequenceDiagram
    participant T as test (parent namespace)
    participant I as child, PID 1 in its namespace
    Note over I: Go's handler is installed
    T->>I: SIGTERM, delivered
    alt broken: no Notify
        I->>I: re-raised with SIG_DFL, dropped for init
        I->>I: exit(2), exit(143) from Go 1.27, no cleanup
    else fixed: NotifyContext
        I->>I: context cancelled, cleanup, exit 0
    end`,
}

// asInit starts r as PID 1 of a new PID namespace and waits until it is
// ready, with the runtime's handler for SIGTERM installed: the reason the
// kernel delivers SIGTERM to this init at all.
func asInit(t childproc.T, r role.Role) *childproc.Proc {
	t.Helper()
	ns := InNewPIDNamespace(t, signals.PID1.Broken, signals.PID1.Fixed)
	p := childproc.Start(t, r, ns, childproc.Timeout(childproc.FinishBound))
	p.WaitReady(t)
	require.Contains(t, p.Events(), "pid 1 in its namespace")
	require.True(t, procfs.Signals(p.Pid, procfs.Caught).Has(syscall.SIGTERM), "Go's handler catches SIGTERM")
	return p
}

// The child exits by itself after the SIGTERM, with the status of
// dieFromSignal's last resort on the running release, no signal, and
// nothing on stderr: no panic, no goroutine dump, only the runtime's
// silent fallback. A child that ignored the SIGTERM would be ended at its
// time bound by the harness's SIGQUIT, and a Go program dies of that with
// status 2 too, after a dump: so the proof checks that the bound never ran
// out, as well as the empty stderr.
func provePID1ExitsByItself(t childproc.T, r role.Role) {
	p := asInit(t, r)
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.False(t, res.TimedOut, "it ended before its time bound: the SIGTERM ended it, not the harness")
	require.Equal(t, syscall.Signal(0), res.Signal, "it exited, no signal killed it: %s", res.Status())
	require.Equal(t, PID1Exit(), res.ExitCode, "%s on %s; stderr:\n%s", res.Status(), catalog.Release(), res.Stderr)
	require.Empty(t, res.Stderr, "nothing printed: no panic and no goroutine dump")
	require.NotContains(t, res.Events, "cleaned up", "deferred cleanup never ran")
	t.Logf("PID 1 of its namespace, no handler, %s: SIGTERM made it %s at once, silently, and its cleanup never ran",
		catalog.Release(), res.Status())
}

func provePID1CleansUp(t childproc.T, r role.Role) {
	p := asInit(t, r)
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.False(t, res.TimedOut, "it ended before its time bound")
	require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	require.Equal(t, []string{"pid 1 in its namespace", "stopping: terminated signal received", "cleaned up"}, res.Events)
	t.Logf("PID 1 of its namespace, with NotifyContext: SIGTERM gave %q, then %s", res.Events[1:], res.Status())
}
