package pgroups

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// workersPerLeader is how many workers the leader forks.
const workersPerLeader = 2

var killLeaderBroken, killLeaderFixed = pair("pgroups/kill-leader", func(c code, _ []string) int {
	cmd := childproc.Command(leader, strconv.Itoa(workersPerLeader))
	var stop func() error
	err := startAndRelay(cmd, "leader", func(cmd *exec.Cmd) (err error) {
		stop, err = c.StartTree(cmd)
		return err
	})
	if err != nil {
		return fail("start", err)
	}
	childproc.EmitPID("leader", cmd.Process.Pid)
	if err := stop(); err != nil {
		return fail("stop", err)
	}
	childproc.Emitf("leader ended: %v", cmd.Wait())
	return 0
})

// KillLeader is the orphaned-workers bug of 000 §19.
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
	Broken: catalog.Half{
		Says:  "Process.Kill ends the leader and its workers run on, re-parented",
		Role:  killLeaderBroken,
		Prove: proveWorkersOutliveLeader,
	},
	Fixed: catalog.Half{
		Says:  "kill(-pgid) ends the leader and every worker",
		Role:  killLeaderFixed,
		Prove: proveWorkersDieWithLeader,
	},
}

// startTree runs a scenario that starts a leader with workers and stops
// it, and returns the child, the leader's pid and the workers' pids once
// the leader has been reaped.
func startTree(t childproc.T, role childproc.Role) (p *childproc.Proc, leader int, workers []int) {
	p = childproc.Start(t, role, childproc.Timeout(5*time.Second))
	leader = p.AwaitPID(t, "leader") // reported after the workers
	workers = pidsIn(p.Events(), "worker")
	require.Len(t, workers, workersPerLeader)
	ended := p.Await(t, "leader ended: ")
	assert.Equal(t, "leader ended: signal: killed", ended)
	return p, leader, workers
}

func proveWorkersOutliveLeader(t childproc.T, role childproc.Role) {
	p, leader, workers := startTree(t, role)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	for _, w := range workers {
		// The leader was reaped, so its children were re-parented first.
		require.True(t, childproc.Alive(w), "worker %d is still running", w)
		assert.Equal(t, os.Getpid(), childproc.Parent(w), "worker %d was re-parented to the subreaper", w)
		assert.Equal(t, p.Pid, childproc.Group(w), "worker %d is still in the child's group", w)
	}
	states := describeAll(workers)
	p.KillGroup(t) // the leftovers were the point
	t.Logf("leader %d killed; its workers %s still running, re-parented to the test process %d",
		leader, states, os.Getpid())
}

func proveWorkersDieWithLeader(t childproc.T, role childproc.Role) {
	p, leader, workers := startTree(t, role)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	for _, w := range workers {
		assert.Equal(t, leader, childproc.Group(w), "worker %d is in the leader's group, whose id is the leader's pid", w)
		// A killed worker is a zombie, re-parented to this subreaper, until
		// it is reaped here: its wait status says what ended it.
		childproc.Poll(t, 5*time.Second, "worker "+strconv.Itoa(w)+" dies", func() bool {
			return childproc.State(w) == 'Z'
		})
		assert.Equal(t, syscall.SIGKILL, exitSignal(w), "worker %d was killed by the group signal", w)
	}
	states := describeAll(workers)
	for _, w := range workers {
		childproc.ReapOrphan(t, w)
	}
	t.Logf("kill(-%d, SIGKILL) ended leader %d and its workers %s", leader, leader, states)
}

// pidsIn returns the pids of every "name pid=N" event.
func pidsIn(events []string, name string) []int {
	var pids []int
	for _, e := range events {
		if v, ok := strings.CutPrefix(e, name+" pid="); ok {
			if pid, err := strconv.Atoi(v); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// describeAll says each process's pid, state, parent and group, as ps would.
func describeAll(pids []int) string {
	var parts []string
	for _, pid := range pids {
		parts = append(parts, describe(pid))
	}
	return strings.Join(parts, ", ")
}

func describe(pid int) string {
	s := "gone"
	if st := childproc.State(pid); st != 0 {
		s = string(st)
	}
	out := strconv.Itoa(pid) + " (" + s + ", ppid " + strconv.Itoa(childproc.Parent(pid)) +
		", pgid " + strconv.Itoa(childproc.Group(pid))
	if sig := exitSignal(pid); sig != 0 {
		out += ", killed by " + childproc.SignalName(sig)
	}
	return out + ")"
}
