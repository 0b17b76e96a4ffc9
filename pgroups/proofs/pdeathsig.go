//go:build linux

package proofs

import (
	"os"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// Pdeathsig is the parent-death signal of 000 §4.
var Pdeathsig = catalog.Entry{
	ID:    "pgroups/pdeathsig",
	Title: "A worker outlives a parent that was killed",
	Symptom: "After the parent crashes or is killed with SIGKILL, its workers run on, re-parented, " +
		"with no one to stop them; it had no chance to clean up.",
	Cause: "The kernel re-parents the orphans and tells them nothing. A parent killed by SIGKILL runs " +
		"no handler and no defer.",
	Fix: "Set Pdeathsig: the kernel sends that signal to the child when its parent dies " +
		"(prctl PR_SET_PDEATHSIG, set between fork and exec). Linux and FreeBSD only.",
	Sources: []string{"000 §4"},
	Refs:    []string{"prctl(2): PR_SET_PDEATHSIG", "syscall.SysProcAttr.Pdeathsig"},
	Func:    "StartWorker",
	Test:    "TestPdeathsig",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child starts a worker, and then the child is killed with SIGKILL",
		AskFixed: true,
		Wrong:    "no signal comes: a parent killed by SIGKILL runs nothing, so the worker runs on",
	},
	Roles: pgroups.Pdeathsig,
	Broken: catalog.Half{
		Says:  "the worker runs on after its parent is killed",
		Prove: proveWorkerOutlivesParent,
	},
	Fixed: catalog.Half{
		Says:  "the kernel sends the worker SIGTERM as its parent dies",
		Prove: proveWorkerGetsPdeathsig,
	},
	Diagram: `sequenceDiagram
    participant T as test (subreaper)
    participant C as child (the parent)
    participant W as worker
    C->>W: Start (fixed: Pdeathsig SIGTERM)
    T->>C: SIGKILL to the child alone
    Note over W: re-parented to T
    Note over W: broken: runs on
    Note over W: fixed: the kernel sends SIGTERM`,
}

// killParent starts the scenario, kills the child, the worker's parent,
// with SIGKILL aimed at it alone, and returns once it has been reaped.
func killParent(t childproc.T, r role.Role) (p *childproc.Proc, worker int) {
	p = childproc.Start(t, r)
	worker = p.AwaitPID(t, "worker")
	p.Signal(t, syscall.SIGKILL) // no handler, no defer, no chance to clean up
	require.Equal(t, "killed by SIGKILL (137)", p.Wait(t).Status())
	return p, worker
}

// The kernel sends the parent-death signal while the parent exits, before
// the parent can be reaped; the test kills the orphaned worker only after
// that. A worker that this SIGKILL ended had been sent nothing.
func proveWorkerOutlivesParent(t childproc.T, r role.Role) {
	p, worker := killParent(t, r)
	state := Describe(worker)
	require.Equal(t, "SIGKILL", killOrphan(t, worker), "only the test's SIGKILL, sent after the parent was reaped, ended the worker")
	t.Logf("parent %d killed by SIGKILL and reaped; worker %s ran on until the test killed it", p.Pid, state)
}

func proveWorkerGetsPdeathsig(t childproc.T, r role.Role) {
	p, worker := killParent(t, r)
	require.Equal(t, "SIGTERM", killOrphan(t, worker), "the kernel had sent SIGTERM as the parent died: the test's later SIGKILL came too late")
	t.Logf("parent %d killed by SIGKILL; its worker %s, re-parented to the test process %d",
		p.Pid, Describe(worker), os.Getpid())
}
