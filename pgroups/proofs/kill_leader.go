//go:build linux

package proofs

import (
	"os"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// KillLeader is the orphaned workers of 000 §19.
var KillLeader = catalog.Entry{
	ID:    "pgroups/kill-leader",
	Title: "Killing a child leaves the workers it forked running",
	Symptom: "After cmd.Process.Kill() the child is gone, but its workers still run: they hold ports " +
		"and files, and pile up at every restart.",
	Cause: "Process.Kill signals one pid. The workers are other processes; when their parent dies they " +
		"are re-parented to the nearest subreaper (init, or here the test process) and run on.",
	Fix: "Start the child with Setpgid, so that it leads a group its workers inherit, and kill the " +
		"group: syscall.Kill(-pid, sig).",
	Sources: []string{"000 §3", "000 §19", "001 Q13", "001 Q20"},
	Refs:    []string{"kill(2): \"If pid is less than -1, then sig is sent to every process in the process group whose ID is -pid\""},
	Func:    "StartTree",
	Test:    "TestKillLeader",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child starts a leader that forks 2 workers, then stops the leader",
		Wrong:    "Process.Kill ends the leader, and its workers die with it",
	},
	Roles: pgroups.KillLeader,
	Broken: catalog.Half{
		Says:  "Process.Kill ends the leader and its workers run on, re-parented",
		Prove: proveWorkersOutliveLeader,
	},
	Fixed: catalog.Half{
		Says:  "kill(-pgid) ends the leader and every worker",
		Prove: proveWorkersDieWithLeader,
	},
	Diagram: `sequenceDiagram
    participant C as child (runs StartTree)
    participant L as leader
    participant W as workers x2
    C->>L: Start (fixed: Setpgid, group L)
    L->>W: Start (inherit the group)
    Note over C,W: broken: stop = Process.Kill
    C->>L: SIGKILL to L alone
    Note over W: orphans, still running
    Note over C,W: fixed: stop = kill(-L, SIGKILL)
    C->>W: SIGKILL to the whole group
    Note over W: zombies, killed by SIGKILL`,
}

// stopTree runs a scenario that starts a leader with workers and stops it.
// It returns once the child has reaped the leader and exited: by then
// every worker has been re-parented to the test process, which stands in
// for init.
func stopTree(t childproc.T, r role.Role) (p *childproc.Proc, leader int, workers []int) {
	escapees := TrackEscapees(t) // with the fix, the leader's group is not the child's
	p = childproc.Start(t, r, childproc.Timeout(childproc.FinishBound))
	leader = p.AwaitPID(t, "leader") // reported after its workers
	workers = PidsIn(p.Events(), "worker")
	escapees.Add(leader)
	escapees.Add(workers...)
	require.Len(t, workers, pgroups.Workers)
	require.Equal(t, "leader ended: signal: killed", p.Await(t, "leader ended: "))
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	return p, leader, workers
}

// Nothing signals the workers of the broken code, so they still run; the
// fixed code's workers are in the leader's group, never the child's.
func proveWorkersOutliveLeader(t childproc.T, r role.Role) {
	p, leader, workers := stopTree(t, r)
	for _, w := range workers {
		st, err := procfs.ReadStat(w)
		require.NoError(t, err, "worker %d", w)
		require.Equal(t, p.Pid, st.Group, "worker %d is still in the child's group", w)
		assert.True(t, procfs.Alive(w), "worker %d runs on", w)
		assert.Equal(t, os.Getpid(), st.Parent, "worker %d was re-parented to the test process", w)
	}
	states := DescribeAll(workers)
	p.KillGroup(t) // the leftovers were the point
	if !t.Failed() {
		t.Logf("leader %d killed and reaped; its workers %s still run, re-parented to the test process %d",
			leader, states, os.Getpid())
	}
}

func proveWorkersDieWithLeader(t childproc.T, r role.Role) {
	_, leader, workers := stopTree(t, r)
	for _, w := range workers {
		require.Equal(t, leader, procfs.Group(w), "worker %d is in the leader's group, whose id is the leader's pid", w)
	}
	childproc.Poll(t, "every worker has died", func() bool {
		for _, w := range workers {
			if procfs.State(w) != 'Z' {
				return false
			}
		}
		return true
	})
	for _, w := range workers {
		assert.Equal(t, "SIGKILL", signalName(procfs.ExitSignal(w)), "worker %d was killed by the group's signal", w)
	}
	if !t.Failed() {
		t.Logf("kill(-%d, SIGKILL) ended leader %d and its workers %s", leader, leader, DescribeAll(workers))
	}
}
