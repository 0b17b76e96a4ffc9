//go:build linux

package proofs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/zombies"
)

// CancelCallsWait is a Cmd.Cancel that waits for the child it stops.
var CancelCallsWait = catalog.Entry{
	ID:    "zombies/cancel-calls-wait",
	Title: "A Cmd.Cancel that calls Wait deadlocks Run once the child has stopped",
	Symptom: "After the context is done the child stops and is reaped, yet Run never returns: " +
		"the goroutine dump shows two goroutines in os/exec.(*Cmd).Wait, both in a channel receive, one of them inside watchCtx.",
	Cause: "os/exec calls Cancel from its watchCtx goroutine, which afterwards hands Wait its result over an unbuffered channel. " +
		"A Cancel that calls Wait waits for that result itself: one of the two waitid calls reaps the child, " +
		"then both Waits wait for watchCtx, which waits in Cancel.",
	Fix: "Let Cancel ask the child to stop (send the signal) and return; Run's own Wait waits for it. " +
		"Set WaitDelay to bound how long the child may take before os/exec kills it.",
	Sources: []string{"000 §15", "001 Q14"},
	Refs: []string{
		"golang/go#50436",
		"golang/go#28461",
		"Cmd.Wait's doc in os/exec/exec.go, from Go 1.27 on: \"A custom Cmd.Cancel function should not call Wait\" (Go 1.26 behaves the same and does not say so)",
	},
	Func: "RunGracefully",
	Test: "TestCancelCallsWait",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "the child runs a service under a context with a Cancel that stops it, cancels, and the service exits 3",
		AskFixed: true,
		Wrong:    "Run returns context canceled, and the exit status 3 is lost",
	},
	Roles: zombies.CancelCallsWait,
	Broken: catalog.Half{
		Says:  "Cancel's Wait and Run's both sit in waitid, and once the service has exited and been reaped both wait for watchCtx for ever",
		Prove: proveCancelDeadlocks,
	},
	Fixed: catalog.Half{
		Says:  "only Run waits in waitid, and once the service has exited Run returns exit status 3",
		Prove: proveCancelReturns,
	},
	Diagram: `sequenceDiagram
    participant R as Run (Wait)
    participant W as watchCtx
    participant K as service
    R->>K: Wait: waitid
    Note over W: the context is done
    W->>K: Cancel: SIGTERM
    W->>K: broken: Cancel calls Wait, waitid
    K->>K: exit 3, reaped by one waitid
    Note over R,W: broken: both wait for watchCtx, stuck in Cancel
    W-->>R: fixed: Cancel returned, the result goes to Run`,
}

// cancelled runs a CancelCallsWait role r until its context is done and
// it is asleep, and returns the child, the service's pid, and how many of
// the child's threads sat in do_wait then. The caller opens the gate.
func cancelled(t childproc.T, r role.Role, opts ...childproc.Option) (p *childproc.Proc, g *stdinGate, service, inDoWait int) {
	t.Helper()
	g = newStdinGate(t)
	p = childproc.Start(t, r, append(opts, g.option())...)
	service = p.AwaitChild(t)
	p.Await(t, "cancelling")
	p.Until(t, "the child is asleep after its context is done", func() bool { return procfs.Idle(p.Pid) })
	return p, g, service, threadsInDoWait(p.Pid)
}

func proveCancelDeadlocks(t childproc.T, r role.Role) {
	p, g, service, inDoWait := cancelled(t, r)
	require.Equal(t, 2, inDoWait, "Run's Wait and Cancel's Wait were both in waitid")
	g.open()
	p.Until(t, "the service is reaped and the child asleep with no thread in do_wait", func() bool {
		return procfs.State(service) == 0 && procfs.Idle(p.Pid) && threadsInDoWait(p.Pid) == 0
	})
	res := p.Stop(t)
	assert.False(t, slices.ContainsFunc(res.Events, func(e string) bool { return strings.HasPrefix(e, "Run: ") }), "Run never returned")
	waits := res.Blocked("chan receive", "os/exec.(*Cmd).Wait")
	require.Len(t, waits, 2, "two Waits receive from watchCtx")
	var inCancel, inRun []string
	for _, g := range waits {
		if g.Calls("os/exec.(*Cmd).watchCtx") {
			inCancel = append(inCancel, g.ID)
		}
		if g.Calls("os/exec.(*Cmd).Run") {
			inRun = append(inRun, g.ID)
		}
	}
	assert.Len(t, inCancel, 1, "one of them is Cancel's, inside watchCtx")
	assert.Len(t, inRun, 1, "the other is Run's")
	if !t.Failed() {
		t.Logf("two threads in do_wait before the service exited; once it was reaped, goroutines %s (Run) and %s (Cancel, in watchCtx) "+
			"both sat in a channel receive in os/exec.(*Cmd).Wait", inRun[0], inCancel[0])
	}
}

func proveCancelReturns(t childproc.T, r role.Role) {
	p, g, service, inDoWait := cancelled(t, r, childproc.Timeout(childproc.FinishBound))
	require.Equal(t, 1, inDoWait, "only Run's Wait was in waitid")
	g.open()
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, fmt.Sprintf("Run: exit status %d", zombies.StopStatus), res.LastEvent())
	t.Logf("one thread in do_wait while Cancel's SIGTERM was handled; once service %d exited, %s", service, res.LastEvent())
}
