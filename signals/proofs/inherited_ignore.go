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
	Quiz: catalog.Quiz{
		Scenario: "while shielded from SIGTERM the child starts a worker, sleep(1), which then gets SIGTERM",
		AskFixed: true,
		Wrong:    "the worker inherits its parent's Notify: it catches SIGTERM and survives it",
	},
	Roles: signals.InheritedIgnore,
	Broken: catalog.Half{
		Says:  "the worker starts with SIGTERM ignored and survives it",
		Prove: proveWorkerDeaf,
	},
	Fixed: catalog.Half{
		Says:  "the worker starts with SIGTERM at its default and dies of it",
		Prove: proveWorkerTerminated,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant P as child (the service)
    participant W as worker (sleep)
    P->>P: broken: Ignore(SIGTERM). fixed: Notify(c, SIGTERM)
    P->>W: fork and exec
    Note over W: broken: SIGTERM is SIG_IGN. fixed: SIG_DFL
    T->>W: SIGTERM
    alt broken
        Note over W: still running
        T->>W: SIGKILL
        W->>P: killed
    else fixed
        W->>P: terminated
    end`,
}

// A signal that is fatal by default decides the worker's exit status when
// it is sent: the kernel starts the group's exit there and then
// (complete_signal in kernel/signal.c), and a later signal changes
// nothing. So a worker that dies of the SIGKILL sent after the SIGTERM
// had survived the SIGTERM.
func proveWorkerDeaf(t childproc.T, r role.Role) {
	p := childproc.Start(t, r, childproc.Timeout(childproc.FinishBound))
	worker := p.AwaitPID(t, "worker")
	require.True(t, procfs.Signals(worker, procfs.Ignored).Has(syscall.SIGTERM), "SigIgn of the worker has SIGTERM")
	require.NoError(t, childproc.Signal(worker, syscall.SIGTERM))
	require.NoError(t, childproc.Signal(worker, syscall.SIGKILL))
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, "worker ended: signal: killed", res.LastEvent(), "the SIGKILL ended it, not the SIGTERM")
	t.Logf("worker %d (sleep) started with SIGTERM in SigIgn; SIGTERM, then SIGKILL: %q", worker, res.LastEvent())
}

func proveWorkerTerminated(t childproc.T, r role.Role) {
	p := childproc.Start(t, r, childproc.Timeout(childproc.FinishBound))
	worker := p.AwaitPID(t, "worker")
	require.False(t, procfs.Signals(worker, procfs.Ignored).Has(syscall.SIGTERM), "SigIgn of the worker has no SIGTERM")
	require.NoError(t, childproc.Signal(worker, syscall.SIGTERM))
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, "worker ended: signal: terminated", res.LastEvent())
	t.Logf("worker %d (sleep) started with SIGTERM at its default: %q", worker, res.LastEvent())
}
