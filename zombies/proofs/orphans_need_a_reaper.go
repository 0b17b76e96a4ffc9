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

// OrphansNeedAReaper is the subreaper (or PID 1) that adopts but never reaps.
var OrphansNeedAReaper = catalog.Entry{
	ID:    "zombies/orphans-need-a-reaper",
	Title: "A subreaper or PID 1 that never reaps collects its adopted orphans as zombies",
	Symptom: "Zombies whose parent is your service (or PID 1 of the container) pile up, " +
		"although your code never started them: they are grandchildren whose parent died.",
	Cause: "When a process dies, the kernel re-parents its children to the nearest ancestor marked " +
		"PR_SET_CHILD_SUBREAPER, or else to PID 1 of the namespace. Only that new parent can reap them, " +
		"and no exec.Cmd of its own knows they exist.",
	Fix: "Reap them: once at the start and on every SIGCHLD, wait for the exited children that no exec.Cmd owns " +
		"(Wait4 on each pid with WNOHANG).",
	Sources: []string{"000 §10", "000 §19", "001 Q7"},
	Refs:    []string{"prctl(2) PR_SET_CHILD_SUBREAPER", "tini", "dumb-init"},
	Func:    "AdoptOrphans",
	Test:    "TestOrphansNeedAReaper",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child, a subreaper, adopts 3 orphans that have exited, and runs on",
		AskFixed: true,
		Wrong:    "the kernel reaps orphans by itself, and the reaper finds nothing to collect",
	},
	Roles: zombies.OrphansNeedAReaper,
	Broken: catalog.Half{
		Says:  "every adopted orphan stays a zombie while the subreaper is asleep with no SIGCHLD pending",
		Prove: proveOrphansNeglected,
	},
	Fixed: catalog.Half{
		Says:  "the reaper collects every adopted orphan",
		Prove: proveOrphansReaped,
	},
	Diagram: `sequenceDiagram
    participant S as subreaper
    participant F as forker
    participant O as orphans
    S->>F: Run
    F->>O: Start, three of them
    O->>O: exit
    F->>F: exit, never reaped them
    Note over O: re-parented to S, still Z
    S-->>S: SIGCHLD
    Note over S,O: fixed: Wait4(pid, WNOHANG) for each unowned child`,
}

// orphans returns the pids of the orphans the child's forker left, once
// the forker has died and they belong to the child.
func orphans(t childproc.T, p *childproc.Proc) []int {
	t.Helper()
	p.WaitReady(t)
	pids := pidsFrom(t, p.Events(), "orphan")
	require.Len(t, pids, zombies.OrphanCount, "the forker reports every orphan it made")
	return pids
}

func proveOrphansNeglected(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	pids := orphans(t, p)
	require.True(t, Fate(t, p, pids...), "the orphans were reaped")
	p.Kill(t)
	t.Logf("%d orphans %v were adopted by subreaper %d and stayed zombies (state Z) across an instant in which it was asleep "+
		"with no SIGCHLD pending: it never reaps", len(pids), pids, p.Pid)
}

func proveOrphansReaped(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	pids := orphans(t, p)
	// The forker saw each of them exit before it died itself, so they were
	// zombies when they were re-parented: only the subreaper could reap them.
	require.False(t, Fate(t, p, pids...), "the orphans were left zombies")
	require.True(t, procfs.Alive(p.Pid), "the subreaper still runs")
	p.Kill(t)
	t.Logf("%d orphans %v adopted by subreaper %d are gone from /proc: its SIGCHLD loop reaped them", len(pids), pids, p.Pid)
}
