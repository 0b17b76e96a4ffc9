package pgroups

import (
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

var pdeathsigBroken, pdeathsigFixed = pair("pgroups/pdeathsig", func(c code, _ []string) int {
	cmd := childproc.Command(sleeper)
	if err := c.StartWorker(cmd); err != nil {
		return fail("start", err)
	}
	childproc.EmitPID("worker", cmd.Process.Pid)
	childproc.Ready()
	cmd.Wait() // until the test kills this parent
	return 0
})

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
	Broken: catalog.Half{
		Says:  "the worker runs on after its parent is killed",
		Role:  pdeathsigBroken,
		Prove: proveWorkerOutlivesParent,
	},
	Fixed: catalog.Half{
		Says:  "the kernel sends the worker SIGTERM when its parent is killed",
		Role:  pdeathsigFixed,
		Prove: proveWorkerGetsPdeathsig,
	},
}

// killParent starts the scenario and kills the child, the worker's
// parent, with SIGKILL: no handler, no defer, no chance to clean up.
func killParent(t childproc.T, role childproc.Role, opts ...childproc.Option) (p *childproc.Proc, worker int) {
	p = childproc.Start(t, role, append(opts, childproc.Timeout(5*time.Second))...)
	worker = p.AwaitPID(t, "worker")
	p.WaitReady(t)
	p.Signal(t, syscall.SIGKILL) // the child alone, not its group
	res := p.Wait(t)
	require.Equal(t, syscall.SIGKILL, res.Signal, res.Stderr)
	return p, worker
}

func proveWorkerOutlivesParent(t childproc.T, role childproc.Role) {
	p, worker := killParent(t, role)
	// The parent has been reaped, so the worker was re-parented first.
	require.True(t, childproc.Alive(worker), "the worker runs on")
	assert.Equal(t, os.Getpid(), childproc.Parent(worker), "re-parented to the subreaper")
	state := describe(worker)
	p.KillGroup(t) // the orphan was the point
	t.Logf("parent %d killed by SIGKILL; worker %s runs on", p.Pid, state)
}

func proveWorkerGetsPdeathsig(t childproc.T, role childproc.Role) {
	p, worker := awaitPdeathsig(t, role)
	state := describe(worker)
	p.KillGroup(t) // reaps the dead worker
	t.Logf("parent %d killed by SIGKILL; worker %s", p.Pid, state)
}

// awaitPdeathsig kills the worker's parent and waits until the worker is
// dead too, checking from its wait status that SIGTERM ended it.
func awaitPdeathsig(t childproc.T, role childproc.Role, opts ...childproc.Option) (*childproc.Proc, int) {
	p, worker := killParent(t, role, opts...)
	childproc.Poll(t, 5*time.Second, "worker "+strconv.Itoa(worker)+" dies", func() bool {
		return childproc.State(worker) == 'Z'
	})
	assert.Equal(t, syscall.SIGTERM, exitSignal(worker), "the kernel sent the parent-death signal")
	return p, worker
}
