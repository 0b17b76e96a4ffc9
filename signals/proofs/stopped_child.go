//go:build unix

package proofs

import (
	"os"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// StoppedChild is the graceful stop that a stopped child cannot hear.
var StoppedChild = catalog.Entry{
	ID:    "signals/stopped-child",
	Title: "SIGTERM to a stopped child stays pending, so its graceful stop always waits out the grace period",
	Symptom: "Stopping a child that was suspended (Ctrl-Z, SIGSTOP, SIGTTIN, a debugger, a frozen container) takes the " +
		"whole grace period every time and ends in SIGKILL: the child never runs its shutdown.",
	Cause: "A stopped process runs no code, so it cannot act on a signal: SIGTERM waits in its pending set (ShdPnd in " +
		"/proc/pid/status) until the process is continued. Only SIGKILL and SIGCONT act on a stopped process.",
	Fix: "Send SIGCONT right after SIGTERM, as shells and service managers do: the child runs again, takes the pending " +
		"SIGTERM at once and ends; to a child that was running, SIGCONT does nothing.",
	Sources: []string{"001 Q18"},
	Refs:    []string{"moby/moby#15853", "moby/moby#13304"},
	Func:    "StopGracefully",
	Test:    "TestStoppedChild",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child stops a worker that was suspended with SIGSTOP, giving it a grace period before SIGKILL",
		AskFixed: true,
		Wrong:    "SIGCONT resumes the worker, which finishes its work and exits 0 before the SIGTERM is seen",
	},
	Roles: signals.StoppedChild,
	Broken: catalog.Half{
		Says:  "the stopped worker keeps SIGTERM pending while its parent waits, until the grace period ends in SIGKILL",
		Prove: proveTermPending,
	},
	Fixed: catalog.Half{
		Says:  "SIGCONT after SIGTERM: the worker dies of SIGTERM with its grace period still running",
		Prove: proveTermTaken,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant S as child (supervisor)
    participant W as worker (sleep)
    S->>W: start
    T->>W: SIGSTOP
    Note over W: state T
    T->>S: the worker is stopped
    S->>W: SIGTERM
    alt broken
        Note over W: T, SIGTERM pending
        Note over S: waits in do_wait
        T->>S: the grace period is over
        S->>W: SIGKILL
    else fixed
        S->>W: SIGCONT
        W->>S: killed by SIGTERM
    end`,
}

// startStopped starts r, stops its worker with SIGSTOP, and once /proc
// shows the worker stopped, lets the child stop it gracefully: the first
// line on the child's stdin. It returns the child, its stdin and the
// worker. SIGSTOP must have taken effect first: a SIGTERM sent along with
// it would be taken first, being the lower number.
func startStopped(t childproc.T, r role.Role) (*childproc.Proc, *os.File, int) {
	t.Helper()
	p, stdin := StartGated(t, r)
	worker := p.AwaitPID(t, "worker")
	require.NoError(t, childproc.Signal(worker, syscall.SIGSTOP))
	p.Until(t, "the worker stopped", func() bool { return procfs.State(worker) == 'T' })
	OpenGate(t, stdin, "the worker is stopped")
	return p, stdin, worker
}

// awaitStop waits until the graceful stop has gone one way or the other:
// the child has ended, or it waits, idle in do_wait, for a worker that is
// stopped with SIGTERM pending. The parent is read first, then the worker.
// The fixed code sends SIGCONT before it waits, and SIGCONT wakes a
// stopped process as it is sent (prepare_signal in kernel/signal.c): once
// the fixed parent waits, its worker is never stopped again. The broken
// parent, for its part, waits until the proof ends the grace period. It
// reports whether the parent waits.
func awaitStop(t childproc.T, p *childproc.Proc, worker int) (waits bool) {
	t.Helper()
	p.Until(t, "the child ended, or idle in its wait with the worker stopped and SIGTERM pending", func() bool {
		return !procfs.Alive(p.Pid) ||
			procfs.Idle(p.Pid) && procfs.SleepsIn(p.Pid, procfs.DoWait) &&
				procfs.State(worker) == 'T' && procfs.IsPending(worker, syscall.SIGTERM)
	})
	return procfs.Alive(p.Pid)
}

func proveTermPending(t childproc.T, r role.Role) {
	p, stdin, worker := startStopped(t, r)
	require.True(t, awaitStop(t, p, worker), "the child ended before its grace period did: %q", p.Events())
	OpenGate(t, stdin, "the grace period is over")
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	require.Equal(t, "worker ended: signal: killed", res.LastEvent(), "the grace period's SIGKILL ended it, not the SIGTERM")
	t.Logf("worker %d, stopped, kept SIGTERM pending (state T, SIGTERM in its pending set) while its parent waited; "+
		"only the end of the grace period ended it: %q", worker, res.LastEvent())
}

// The grace period never ends here: the proof never says so.
func proveTermTaken(t childproc.T, r role.Role) {
	p, _, worker := startStopped(t, r)
	require.False(t, awaitStop(t, p, worker), "the parent waits with its worker stopped and SIGTERM pending")
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	require.Equal(t, "worker ended: signal: terminated", res.LastEvent())
	t.Logf("worker %d, stopped, got SIGTERM then SIGCONT and ended at once, its grace period still running: %q",
		worker, res.LastEvent())
}
