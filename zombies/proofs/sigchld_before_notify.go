//go:build linux

package proofs

import (
	"fmt"
	"slices"
	"strings"
	"syscall"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/zombies"
)

// SIGCHLDBeforeNotify is the supervisor that asks for SIGCHLD too late.
var SIGCHLDBeforeNotify = catalog.Entry{
	ID:    "zombies/sigchld-before-notify",
	Title: "A SIGCHLD that comes before signal.Notify is lost: the supervisor waits for ever beside a zombie",
	Symptom: "Now and then a supervisor hangs for ever and its child is <defunct>: the child exited at once " +
		"(runc exec of a command that exits at once), and nobody noticed.",
	Cause: "Until signal.Notify asks for SIGCHLD, the Go runtime discards it: its default action is to do nothing. " +
		"A child that exits between Start and Notify sends its only SIGCHLD to nobody, " +
		"and a loop that looks for an exit only on SIGCHLD waits for a signal that never comes.",
	Fix: "Call signal.Notify before Start, so that the signal waits in the channel; " +
		"or, after Notify, look once for a child that has already exited before waiting for signals (as Reap does).",
	Sources: []string{"000 §10"},
	Refs:    []string{"opencontainers/runc#5208", "opencontainers/runc#5210", "opencontainers/runc#562"},
	Func:    "RunForwarding",
	Test:    "TestSIGCHLDBeforeNotify",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child starts a child that exits at once, during the setup that comes before signal.Notify",
		Wrong:    "the kernel keeps the SIGCHLD pending until Notify, and the loop reaps the child",
	},
	Roles: zombies.SIGCHLDBeforeNotify,
	Broken: catalog.Half{
		Says:  "the child exits during setup, and after Notify it stays a zombie of a parent asleep in its signal loop",
		Prove: proveSIGCHLDLost,
	},
	Fixed: catalog.Half{
		Says:  "the SIGCHLD waits in the channel through setup, and the loop reaps the child with exit status 3",
		Prove: proveSIGCHLDKept,
	},
	Diagram: `sequenceDiagram
    participant S as supervisor
    participant R as Go runtime
    participant K as child
    S->>K: Start
    K->>K: exit 3, a zombie
    K->>R: SIGCHLD
    Note over R,K: broken: nobody wants it, dropped
    Note over S,R: fixed: it waits in the channel
    S->>S: setup done, then broken: Notify
    Note over S,K: broken: the loop waits for ever, the child stays Z`,
}

// exitDuringSetup runs a SIGCHLDBeforeNotify role r and opens its gate
// once the child it started has exited and its SIGCHLD has been handled,
// all during setup, and returns once setup is done. waitid reports a
// child only once its exit has been signalled (a zombie seen in /proc
// may still be waiting for its last thread, and so for its SIGCHLD), and
// a process with a signal to take is not asleep.
func exitDuringSetup(t childproc.T, r role.Role) (*childproc.Proc, int) {
	t.Helper()
	g := newStdinGate(t)
	p := childproc.Start(t, r, g.option())
	child := p.AwaitPID(t, "child")
	p.Await(t, "the child has exited")
	p.Until(t, "its SIGCHLD has been handled, during setup", func() bool {
		return procfs.Idle(p.Pid) && !procfs.IsPending(p.Pid, syscall.SIGCHLD)
	})
	require.True(t, zombieOf(child, p.Pid), "the child is a zombie")
	g.open()
	p.Await(t, "setup done")
	return p, child
}

func proveSIGCHLDLost(t childproc.T, r role.Role) {
	p, child := exitDuringSetup(t, r)
	require.True(t, Fate(t, p, child), "the child was reaped")
	res := p.Stop(t)
	assert.False(t, slices.ContainsFunc(res.Events, func(e string) bool { return strings.HasPrefix(e, "RunForwarding: ") }),
		"RunForwarding never returned: %q", res.Events)
	var loop []string
	for _, g := range res.Goroutines() {
		if g.State == "chan receive" && slices.ContainsFunc(g.Frames, isRunForwarding) {
			loop = append(loop, g.ID)
		}
	}
	require.Len(t, loop, 1, "RunForwarding's loop waits for a signal")
	if !t.Failed() {
		t.Logf("child %d exited during setup; after Notify it stayed a zombie of %d, asleep with no SIGCHLD pending, "+
			"and goroutine %s waited in RunForwarding's loop for a signal", child, p.Pid, loop[0])
	}
}

// isRunForwarding reports whether a frame is RunForwarding, of either half.
func isRunForwarding(frame string) bool { return strings.HasSuffix(frame, ".RunForwarding") }

func proveSIGCHLDKept(t childproc.T, r role.Role) {
	p, child := exitDuringSetup(t, r)
	require.False(t, Fate(t, p, child), "the child was left a zombie")
	result := p.Await(t, "RunForwarding: ")
	require.True(t, procfs.Alive(p.Pid), "the supervisor still runs")
	p.Kill(t)
	require.Equal(t, fmt.Sprintf("RunForwarding: exit status %d", zombies.ExitStatus), result)
	t.Logf("child %d exited during setup; its SIGCHLD waited in the channel, and %s", child, result)
}
