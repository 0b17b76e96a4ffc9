//go:build unix

package proofs

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// WaitDelayKill is 000 §15's hard timeout.
var WaitDelayKill = catalog.Entry{
	ID:      "signals/wait-delay",
	Title:   "A context-cancelled child that ignores SIGTERM blocks Run forever without WaitDelay",
	Symptom: "A timeout fires, the log says the command was cancelled, and the goroutine that ran it never comes back.",
	Cause: "exec.CommandContext calls Cancel when the context is done. With a Cancel that sends SIGTERM, a child that " +
		"catches or ignores it keeps running, and Wait waits for it: nothing else follows up.",
	Fix: "Set WaitDelay: once the context is done and WaitDelay has passed, os/exec kills the child with SIGKILL " +
		"(exec.go, watchCtx) and Run returns \"signal: killed\". 000 §15 says it never kills: it does.",
	Sources: []string{"000 §15", "001 Q14", "001 Q18"},
	Refs:    []string{"os/exec Cmd.WaitDelay doc (Go 1.20)"},
	Func:    "RunWithTimeout",
	Test:    "TestWaitDelay",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child runs a listener that ignores SIGTERM, under a context that gets cancelled",
		Wrong:    "the cancel kills the listener, and Run returns signal: killed",
	},
	Roles: signals.WaitDelayKill,
	Broken: catalog.Half{
		Says:  "after cancel the child ignores SIGTERM, and Run waits with nothing left to end it",
		Prove: proveRunHangs,
	},
	Fixed: catalog.Half{
		Says:  "after cancel and WaitDelay the child is killed and Run returns \"signal: killed\"",
		Prove: proveKilledAfterWaitDelay,
	},
	Diagram: `sequenceDiagram
    participant C as child (Run)
    participant G as listener (ignores SIGTERM)
    C->>G: start
    C->>C: context cancelled
    C->>G: Cancel sends SIGTERM, ignored
    alt broken: no WaitDelay
        Note over C: Wait, for ever
    else fixed: WaitDelay 100 ms
        C->>G: SIGKILL
        C->>C: Run returns "signal: killed"
    end`,
}

// StartCancelled starts a wait-delay role with the report pipe and, once
// its listener is ready, opens the gate that cancels the context.
func StartCancelled(t childproc.T, r role.Role, opts ...childproc.Option) (p *childproc.Proc, feed *childproc.Feed, listener int) {
	t.Helper()
	gateR, gateW, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { gateW.Close() })
	p, feed = StartReporting(t, r, append([]childproc.Option{childproc.Stdin(gateR)}, opts...)...)
	gateR.Close()
	listener = PIDIn(t, AwaitReport(t, p, feed, "listener pid="))
	EndOrphan(t, p, listener)
	gateW.WriteString("cancel\n")
	return p, feed, listener
}

// The fixed code also waits, for WaitDelay, in the same places, so where
// the threads sleep cannot tell the two apart; what they wait for can
// (the fixed proof's stuck state reads it). The goroutine dump shows it. Once
// Cancel has run, the broken context watcher has nothing left to do but
// hand Wait its result: a plain channel send, in watchCtx, with no timer.
// The fixed watcher is then in a select with the WaitDelay timer; it
// reaches that same send only after it has killed the listener. So the
// proof also shows the listener alive after the child: it leads its own
// group, outlives the child's stop, and answers a second SIGTERM.
func proveRunHangs(t childproc.T, r role.Role) {
	p, feed, listener := StartCancelled(t, r)
	AwaitReport(t, p, feed, "listener got SIGTERM")
	p.Until(t, "the child is idle: Cancel has returned", func() bool { return procfs.Idle(p.Pid) })
	res := p.Stop(t)
	require.Len(t, res.Blocked("chan send", "os/exec.(*Cmd).watchCtx"), 1,
		"the context watcher sends Wait its result, with no timer to end the wait")
	require.NotEmpty(t, res.Blocked("", "os/exec.(*Cmd).Wait"), "Run is inside Wait")
	require.False(t, slices.ContainsFunc(res.Events, func(e string) bool { return strings.HasPrefix(e, "run returned") }),
		"Run never returned: %q", res.Events)
	require.Equal(t, os.Getpid(), procfs.Parent(listener), "the listener outlived the child, re-parented to the test")
	require.NoError(t, childproc.Signal(listener, syscall.SIGTERM))
	AwaitOrphanReport(t, feed, "listener got SIGTERM", 2)
	childproc.ReapOrphan(t, listener)
	t.Logf("context cancelled and SIGTERM ignored by %d; Run sat in Wait while the context watcher had only its result to send; "+
		"the listener was never killed: it answered a second SIGTERM once the child was stopped", listener)
}

func proveKilledAfterWaitDelay(t childproc.T, r role.Role) {
	p, _, listener := StartCancelled(t, r, childproc.Timeout(childproc.FinishBound),
		neverWaitsForTheListener("the context is cancelled, the listener ignored SIGTERM, and Run waits for it with nothing left to end it"))
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, "run returned signal: killed", res.LastEvent())
	require.Contains(t, res.Events, "ProcessState: signal: killed")
	require.False(t, procfs.Alive(listener), "Run killed the listener and reaped it")
	t.Logf("context cancelled, SIGTERM ignored by %d; after WaitDelay (%v) it was killed: %q",
		listener, signals.WaitDelay, res.LastEvent())
}

// neverWaitsForTheListener is the broken Run as a state that no program
// which will finish is seen in. At two looks in a row, with the same
// listener:
//   - the listener, a child of the child, is alive and asleep;
//   - the child waits for nothing of its own (procfs.WaitsForOthers), one
//     of its threads in Wait.
//
// Until the gate opens, a goroutine of the scenario sits in read(2) on
// stdin, which WaitsForOthers does not allow. Once the context is
// cancelled, a Run that will end either waits for a timer, as WaitDelay's
// watcher does, in the poller, or has killed the listener, which a kill
// wakes until it is dead. The listener ignores SIGTERM, and only a kill
// ends it.
func neverWaitsForTheListener(what string) childproc.Option {
	return childproc.StuckWhenSeenTwice(what, func(p *childproc.Proc) string {
		for _, listener := range procfs.Children(p.Pid) {
			if procfs.Alive(listener) && procfs.Idle(listener) &&
				procfs.WaitsForOthers(p.Pid) && procfs.SleepsIn(p.Pid, procfs.DoWait) {
				return strconv.Itoa(listener)
			}
		}
		return ""
	})
}
