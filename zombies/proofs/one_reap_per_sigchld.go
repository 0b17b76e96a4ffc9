//go:build linux

package proofs

import (
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/zombies"
)

// OneReapPerSIGCHLD is the reaper that takes one child per signal.
var OneReapPerSIGCHLD = catalog.Entry{
	ID:    "zombies/one-reap-per-sigchld",
	Title: "One Wait4 per SIGCHLD: children that exit together stay zombies",
	Symptom: "A reaper (a container's PID 1, a supervisor) that works in tests leaks zombies under load: " +
		"when several children exit at once all but one stay <defunct>, and each later SIGCHLD reaps only one more.",
	Cause: "SIGCHLD is a standard signal: the kernel keeps one pending however many children exit, and os/signal's " +
		"non-blocking send drops what the channel cannot hold. One notification can stand for many exits, " +
		"so a reaper that calls Wait4 once per signal falls behind and never catches up.",
	Fix: "On every SIGCHLD, reap until nothing is left: Wait4(-1, WNOHANG) until it returns 0, or, beside exec.Cmd, " +
		"a pass over every exited child nobody owns (ReapExited).",
	Sources: []string{"000 §10", "001 Q28"},
	Refs: []string{
		"codeskyblue/gosuv#29",
		"buildbuddy-io/buildbuddy#5466",
		"golang/go#15437",
		"ramr/go-reaper#1",
		"openSUSE/catatonit#4",
	},
	Func: "ReapOnSignal",
	Test: "TestOneReapPerSIGCHLD",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "3 children exit before the reaper reads its channel, a channel of one for SIGCHLD",
		Wrong:    "each child's SIGCHLD is queued, and the reaper reaps one per signal, all 3",
	},
	Roles: zombies.OneReapPerSIGCHLD,
	Broken: catalog.Half{
		Says:  "the children exit before the reaper reads its one SIGCHLD, and all but one stay zombies of a parent doing nothing",
		Prove: proveOneReapedPerSignal,
	},
	Fixed: catalog.Half{
		Says:  "the same single SIGCHLD gets every child reaped",
		Prove: proveAllReapedOnOneSignal,
	},
	Diagram: `sequenceDiagram
    participant K as children
    participant O as os/signal
    participant R as reaper
    K->>O: exit, SIGCHLD
    O->>R: into the channel of one
    K->>O: exit, exit, two more SIGCHLD
    Note over O,R: the channel is full, both dropped
    R->>K: broken: one Wait4, one child reaped
    Note over K: the others stay Z
    R->>K: fixed: reap until none is left`,
}

// exitedTogether returns the pids of the children that exited before the
// reaper started, once the child has started it.
func exitedTogether(t childproc.T, p *childproc.Proc) []int {
	t.Helper()
	p.WaitReady(t)
	pids := pidsFrom(t, p.Events(), "child")
	require.Len(t, pids, zombies.ExitedTogether, "every child exited before the reaper started")
	require.Contains(t, p.Events(), "the reaper's channel holds 1 SIGCHLD", "os/signal kept one and dropped the others")
	return pids
}

func proveOneReapedPerSignal(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	pids := exitedTogether(t, p)
	left := unreaped(t, p, pids...)
	require.Len(t, left, zombies.ExitedTogether-1, "one child reaped for the one SIGCHLD")
	p.Kill(t)
	t.Logf("%d children exited before the reaper read its channel, which held one SIGCHLD; it reaped one, and %v stayed zombies of %d "+
		"across an instant in which it was asleep with no SIGCHLD pending", zombies.ExitedTogether, left, p.Pid)
}

func proveAllReapedOnOneSignal(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	pids := exitedTogether(t, p)
	left := unreaped(t, p, pids...)
	require.Empty(t, left, "zombies left")
	require.True(t, procfs.Alive(p.Pid), "the reaper still runs")
	p.Kill(t)
	t.Logf("%d children %v exited before the reaper read its channel, which held one SIGCHLD; all are gone from /proc, "+
		"while their parent %d still runs", zombies.ExitedTogether, pids, p.Pid)
}
