//go:build linux

package proofs

import (
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/zombies"
)

// StartWithoutWait is the zombie every forgotten Wait leaves.
var StartWithoutWait = catalog.Entry{
	ID:      "zombies/start-without-wait",
	Title:   "Start without Wait leaves a zombie for as long as the parent lives",
	Symptom: "ps shows <defunct> children (state Z) that pile up in a long-running service; the pid table can fill up.",
	Cause: "An exited process keeps its pid and exit status until its parent waits for it. " +
		"exec.Cmd.Wait is the only call that does; nothing in os/exec waits for a Cmd by itself.",
	Fix:     "Pair every Start with Wait, in a goroutine when the parent must not block; or use Run, Output or CombinedOutput.",
	Sources: []string{"000 §9", "000 §19", "001 Q7"},
	Refs: []string{"os/exec Cmd.Start doc: \"After a successful call to Start the Wait method must be called in order to release associated system resources\"",
		"GODEBUG=execwait=2 (TestLeakDetectors)"},
	Func: "Launch",
	Test: "TestStartWithoutWait",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "the child starts a helper that exits at once, and runs on",
		Wrong:    "the Go runtime reaps the exited helper by itself",
	},
	Roles: zombies.StartWithoutWait,
	Broken: catalog.Half{
		Says:  "the exited helper stays a zombie while its parent is asleep with no thread waiting for it",
		Prove: proveHelperNeglected,
	},
	Fixed: catalog.Half{
		Says:  "the helper is reaped while its parent still runs",
		Prove: proveHelperReaped,
	},
	Diagram: `sequenceDiagram
    participant P as parent (Launch)
    participant H as helper
    P->>H: Start
    H->>H: exit 0
    Note over H: state Z, status kept for Wait
    P->>P: runs on, asleep, no thread in do_wait
    Note over P,H: fixed: Wait in a goroutine reaps it`,
}

func proveHelperNeglected(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	helper := p.AwaitPID(t, "helper")
	require.True(t, Fate(t, p, helper), "the helper was reaped")
	res := p.Stop(t)
	assert.Empty(t, res.Blocked("", "os/exec.(*Cmd).Wait"), "no goroutine was waiting for it")
	if !t.Failed() {
		t.Logf("helper %d stayed a zombie (state Z) of %d across an instant in which its parent was asleep, "+
			"with no thread in do_wait and no SIGCHLD pending; no goroutine was in Wait", helper, p.Pid)
	}
}

func proveHelperReaped(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	helper := p.AwaitPID(t, "helper")
	require.False(t, Fate(t, p, helper), "the helper was left a zombie")
	// Only its parent can reap the helper while that parent lives.
	require.True(t, procfs.Alive(p.Pid), "the parent still runs")
	p.Kill(t)
	t.Logf("helper %d is gone from /proc while its parent %d still runs: the goroutine in Wait reaped it", helper, p.Pid)
}
