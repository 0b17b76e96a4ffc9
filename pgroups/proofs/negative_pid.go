//go:build linux

package proofs

import (
	"fmt"
	"syscall"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// NegativePID is kill(-pid) aimed at a child that leads no group.
var NegativePID = catalog.Entry{
	ID:    "pgroups/negative-pid",
	Title: "kill(-pid) on a child started without Setpgid signals nobody",
	Symptom: "syscall.Kill(-pid, SIGTERM) returns \"no such process\" while the child is plainly running, " +
		"and nothing stops.",
	Cause: "-pid names the process group whose id is pid. A child started without Setpgid stays in its " +
		"parent's group and leads none, so no such group exists: kill fails with ESRCH. It does not " +
		"signal the caller's group (that is kill(0, sig)), as 000 §3 says.",
	Fix:     "Start the child with Setpgid so that it leads a group whose id is its pid.",
	Sources: []string{"000 §3", "001 Q13", "001 Q20"},
	Refs:    []string{"kill(2): ESRCH \"The target process or process group does not exist\""},
	Func:    "StartGroup",
	Test:    "TestNegativePID",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child starts a worker, sleep, then sends SIGTERM to minus the worker's pid, its group",
		Wrong:    "kill(-pid) signals the caller's own group: the child and its worker die",
	},
	Roles: pgroups.NegativePID,
	Broken: catalog.Half{
		Says:  "kill(-pid) fails with ESRCH and the worker runs on",
		Prove: proveNoSuchGroup,
	},
	Fixed: catalog.Half{
		Says:  "kill(-pid) on a group leader ends the worker",
		Prove: proveGroupSignalled,
	},
	Diagram: `sequenceDiagram
    participant C as child (group G)
    participant W as worker
    C->>W: Start (broken: group G, fixed: Setpgid)
    C->>W: kill(-W, SIGTERM)
    Note over C,W: broken: ESRCH, no group W exists
    Note over C,W: fixed: nil, W ends by SIGTERM`,
}

func proveNoSuchGroup(t childproc.T, r role.Role) {
	escapees := TrackEscapees(t) // with the fix, the worker leads a group of its own
	p := childproc.Start(t, r)
	worker := p.AwaitPID(t, "worker")
	escapees.Add(worker)
	got := p.Await(t, "kill(-")
	require.Equal(t, fmt.Sprintf("kill(-%d, SIGTERM): ESRCH", worker), got, "no group has the worker's pid")
	// The call sent nothing, so the child waits for a worker that runs on.
	p.Until(t, "the child waits for its worker", func() bool { return procfs.SleepsIn(p.Pid, procfs.DoWait) })
	assert.Equal(t, p.Pid, procfs.Group(worker), "the worker is a member of the child's group")
	assert.True(t, procfs.Alive(worker), "the worker runs")
	assert.False(t, procfs.IsPending(worker, syscall.SIGTERM), "with no signal on its way")

	// The real dangers are kill(0, sig), the caller's whole group, and
	// kill(-1, sig), every process the caller may signal. They appear here
	// only as what the harness refuses to send.
	for _, target := range []int{0, -1, 1} {
		assert.ErrorIs(t, childproc.Signal(target, syscall.SIGTERM), childproc.ErrRefused, "pid %d", target)
	}
	assert.ErrorIs(t, childproc.SignalGroup(syscall.Getpgrp(), syscall.SIGTERM), childproc.ErrRefused)
	p.Stop(t)
	if !t.Failed() {
		t.Logf("%s; worker %d ran on in group %d while the child waited for it; kill(0), kill(-1) and this test's group %d were refused by the harness",
			got, worker, p.Pid, syscall.Getpgrp())
	}
}

func proveGroupSignalled(t childproc.T, r role.Role) {
	escapees := TrackEscapees(t)
	p := childproc.Start(t, r, childproc.Timeout(childproc.FinishBound))
	worker := p.AwaitPID(t, "worker")
	escapees.Add(worker)
	got := p.Await(t, "kill(-")
	require.Equal(t, fmt.Sprintf("kill(-%d, SIGTERM): nil", worker), got)
	ended := p.Await(t, "worker ended: ")
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, "worker ended: signal: terminated", ended)
	t.Logf("worker %d led group %d; %s, and the child saw it end: %s", worker, worker, got, ended)
}
