//go:build unix

package proofs

import (
	"fmt"
	"os"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// ForwardEverySignal is 000 §13's own supervisor.
var ForwardEverySignal = catalog.Entry{
	ID:    "signals/forward-every-signal",
	Title: "signal.Notify with no list forwards the runtime's own SIGURG to the child",
	Symptom: "The supervised program receives a stream of SIGURG (\"urgent I/O condition\") while the supervisor is busy; " +
		"a program that handles SIGURG, or counts its signals, misbehaves.",
	Cause: "Notify(c) with no list relays every signal, SIGURG included, which the Go runtime sends to its own threads to preempt " +
		"long-running goroutines (runtime/signal_unix.go, sigPreempt). 000 §13 forwards them all, through a one-slot channel " +
		"that a SIGURG can fill just as a SIGTERM arrives.",
	Fix:     "Forward an explicit list (HUP, INT, TERM, USR1, USR2), with a slot for each.",
	Sources: []string{"000 §13"},
	Refs:    []string{"golang/go#37942 (non-cooperative preemption uses SIGURG)"},
	Func:    "Supervise",
	Test:    "TestForwardEverySignal",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "a busy supervisor relays the signals it gets to its child, a listener, and then gets SIGTERM",
	},
	Roles: signals.ForwardEverySignal,
	Broken: catalog.Half{
		Says:  "the supervisor's preemption SIGURGs reach its child",
		Prove: proveSIGURGForwarded,
	},
	Fixed: catalog.Half{
		Says:  "the child receives no SIGURG, only the SIGTERM, and ends with 7",
		Prove: proveNoSIGURG,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant S as supervisor (busy)
    participant G as listener
    S->>S: the runtime preempts the busy goroutine with SIGURG
    alt broken: Notify(sigs)
        S->>G: SIGURG, forwarded
    else fixed: an explicit list
        Note over S: SIGURG is not on it
    end
    Note over S,G: both idle: every signal sent is handled
    T->>S: SIGTERM
    S->>G: SIGTERM, forwarded
    G-->>T: "SIGURG=k SIGTERM=1", exit 7`,
}

// runBusySupervisor runs the scenario to its end and returns the
// listener's last report: how many SIGURG it got before the SIGTERM.
//
// The order is forced. The gate opens only once the supervisor is idle,
// which, after its child has started, means it waits in cmd.Wait: both
// codes have called Notify by then. The supervisor then preempts itself
// Preemptions times. The SIGTERM goes only once the supervisor and its
// child are both idle: every signal the supervisor forwarded has been
// handled and reported, and its forwarding channel is empty, so the
// SIGTERM takes the slot. In the broken code the first SIGURG after Notify
// found that slot empty too, so the count it reports is at least 1.
func runBusySupervisor(t childproc.T, r role.Role) (kid int, last string, res childproc.Result) {
	t.Helper()
	gateR, gateW, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { gateW.Close() })
	p, feed := StartReporting(t, r, childproc.Stdin(gateR), childproc.Timeout(childproc.FinishBound))
	gateR.Close()
	kid = PIDIn(t, AwaitReport(t, p, feed, "listener pid="))
	EndOrphan(t, p, kid)
	p.Until(t, "the supervisor waits for its child", func() bool { return procfs.Idle(p.Pid) })
	gateW.WriteString("go\n")
	p.Await(t, "supervisor preempted")
	p.Until(t, "the supervisor and its child are idle", func() bool { return procfs.Idle(p.Pid) && procfs.Idle(kid) })
	p.Signal(t, syscall.SIGTERM)
	res = p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s; %q; stderr:\n%s", res.Status(), res.Events, res.Stderr)
	require.Equal(t, fmt.Sprintf("child exited %d", signals.ListenerExit), res.LastEvent())
	reports := AllReports(t, feed)
	last, ok := find(reports, "listener exits after ")
	require.True(t, ok, "the listener's reports: %q", reports)
	return kid, last, res
}

func proveSIGURGForwarded(t childproc.T, r role.Role) {
	kid, last, _ := runBusySupervisor(t, r)
	var urg, term int
	_, err := fmt.Sscanf(last, "listener exits after SIGURG=%d SIGTERM=%d", &urg, &term)
	require.NoError(t, err, last)
	require.GreaterOrEqual(t, urg, 1, "the child got the supervisor's SIGURG")
	require.Equal(t, 1, term)
	t.Logf("a busy supervisor preempted itself %d times and forwarded SIGURG: its child %d got %d before the SIGTERM",
		signals.Preemptions, kid, urg)
}

func proveNoSIGURG(t childproc.T, r role.Role) {
	kid, last, _ := runBusySupervisor(t, r)
	require.Equal(t, "listener exits after SIGURG=0 SIGTERM=1", last)
	t.Logf("the supervisor preempted itself %d times while child %d listened; the child got SIGURG 0 times, then SIGTERM, and exited %d",
		signals.Preemptions, kid, signals.ListenerExit)
}
