//go:build linux

package pgroups_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/pgroups"
	"procbugs/pgroups/proofs"
)

// The source texts' claims about groups, sessions, SysProcAttr and
// os.Process that no entry covers, each run in a child process. The
// claims and their verdicts are in proofs/claims.go.

// TestSetuidChangesEveryThread: 000 §5 says setuid in Go changes only the
// calling thread. Since Go 1.16 syscall.Setuid runs the system call on
// every thread (syscall/syscall_linux.go, Setuid, AllThreadsSyscall); only
// the raw system call is per-thread. Before, it returned EOPNOTSUPP
// (proofs.SetuidChange): every release this module builds with is past it.
func TestSetuidChangesEveryThread(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		childproc.SkipWith(t, "needs root: it changes a child's uid from 0 to 65534", pgroups.SetuidThreads)
	}
	nobody := strconv.Itoa(pgroups.Nobody)
	// threadUids runs the role and returns the calling thread, the four
	// locked threads and the real uid of every thread, from
	// /proc/pid/task/tid/status.
	threadUids := func(t *testing.T, mode string) (caller int, locked []int, uids map[int]string) {
		p := childproc.Start(t, pgroups.SetuidThreads, childproc.Args(mode))
		p.WaitReady(t)
		locked = tidsIn(p.Events(), "locked")
		caller = tidsIn(p.Events(), "caller")[0]
		uids = map[int]string{}
		for _, tid := range procfs.Threads(p.Pid) {
			uids[tid], _, _ = strings.Cut(procfs.ThreadStatusField(p.Pid, tid, "Uid"), " ")
		}
		p.Stop(t)
		return caller, locked, uids
	}
	t.Run("syscall.Setuid changes every thread", func(t *testing.T) {
		t.Parallel()
		_, locked, uids := threadUids(t, "syscall")
		require.Len(t, locked, 4)
		require.GreaterOrEqual(t, len(uids), 5, "the main thread and four locked ones")
		for tid, uid := range uids {
			assert.Equal(t, nobody, uid, "thread %d", tid)
		}
		if !t.Failed() {
			t.Logf("after syscall.Setuid(%d) all %d threads have uid %d", pgroups.Nobody, len(uids), pgroups.Nobody)
		}
	})
	t.Run("the raw setuid system call changes the calling thread alone", func(t *testing.T) {
		t.Parallel()
		caller, locked, uids := threadUids(t, "raw")
		require.Len(t, locked, 4)
		assert.Equal(t, nobody, uids[caller], "the calling thread %d", caller)
		for _, tid := range locked {
			assert.Equal(t, "0", uids[tid], "locked thread %d", tid)
		}
		if !t.Failed() {
			t.Logf("after RawSyscall(SYS_SETUID, %d) the calling thread %d has uid %d; the four locked threads %v are still root",
				pgroups.Nobody, caller, pgroups.Nobody, locked)
		}
	})
}

// runUntil waits for the child's last event, then for the child. A child's
// events reach the test through a pipe, which a busy machine may deliver
// after the child has exited: waiting for the event first makes sure the
// result holds every event.
func runUntil(t *testing.T, p *childproc.Proc, last string) childproc.Result {
	t.Helper()
	p.Await(t, last)
	return p.Wait(t)
}

// tidsIn returns the thread ids of every "name tid=N" event.
func tidsIn(events []string, name string) []int {
	var tids []int
	for _, e := range events {
		if v, ok := strings.CutPrefix(e, name+" tid="); ok {
			if tid, err := strconv.Atoi(v); err == nil {
				tids = append(tids, tid)
			}
		}
	}
	return tids
}

// TestPdeathsigIsNotATreeKill: 000 §4 pairs Pdeathsig with Setpgid for
// "kill the whole tree if I crash". The signal goes to the direct child
// alone; nothing signals its group.
func TestPdeathsigIsNotATreeKill(t *testing.T) {
	t.Parallel()
	escapees := proofs.TrackEscapees(t) // the leader and its workers leave the child's group
	p := childproc.Start(t, pgroups.PdeathsigLeader)
	leader := p.AwaitPID(t, "leader")
	p.WaitReady(t)
	workers := proofs.PidsIn(p.Events(), "worker")
	escapees.Add(leader)
	escapees.Add(workers...)
	require.Len(t, workers, pgroups.Workers)
	p.Signal(t, syscall.SIGKILL) // the parent crashes
	require.Equal(t, "killed by SIGKILL (137)", p.Wait(t).Status())
	childproc.Poll(t, "the leader has died and its workers are re-parented", func() bool {
		for _, w := range workers {
			if procfs.Parent(w) != os.Getpid() {
				return false
			}
		}
		return procfs.State(leader) == 'Z'
	})
	assert.Equal(t, "SIGTERM", childproc.SignalName(procfs.ExitSignal(leader)), "the leader got its parent-death signal")
	for _, w := range workers {
		assert.True(t, procfs.Alive(w), "worker %d runs on", w)
		assert.Equal(t, leader, procfs.Group(w), "worker %d is in the dead leader's group", w)
	}
	if !t.Failed() {
		t.Logf("parent killed: leader %s got SIGTERM; its workers %s run on",
			proofs.Describe(leader), proofs.DescribeAll(workers))
	}
}

// TestSecondForkKeepsTerminalAway: 000 §14's second fork guards against a
// session leader acquiring a controlling terminal by opening one.
func TestSecondForkKeepsTerminalAway(t *testing.T) {
	t.Parallel()
	open := func(t *testing.T, mode string) (opener, tty, device int) {
		term := proofs.NewTerminal(t)
		p := childproc.Start(t, pgroups.SessionTTY, childproc.Args(mode, term.Path()),
			childproc.Attr(func(a *syscall.SysProcAttr) { a.Setsid = true }))
		opener = p.AwaitPID(t, "opener")
		p.WaitReady(t)
		st, err := procfs.ReadStat(opener)
		require.NoError(t, err)
		p.Stop(t)
		return opener, st.TTY, term.Device(t)
	}
	t.Run("a session leader that opens a terminal acquires it", func(t *testing.T) {
		t.Parallel()
		opener, tty, device := open(t, "leader")
		require.Equal(t, device, tty)
		t.Logf("setsid, then open: process %d has tty_nr %d, the terminal's device", opener, tty)
	})
	t.Run("a child of the session leader that opens one does not", func(t *testing.T) {
		t.Parallel()
		opener, tty, device := open(t, "second-fork")
		require.Equal(t, 0, tty)
		t.Logf("setsid, fork, then open: process %d has tty_nr 0, not the terminal's %d", opener, device)
	})
}

// TestProcessHandles: what os.Process does with pids (000 §16, 001 Q20).
func TestProcessHandles(t *testing.T) {
	t.Parallel()
	res := runUntil(t, childproc.Start(t, pgroups.ProcessHandles, childproc.Timeout(childproc.FinishBound)), "group members ended: ")
	require.Equal(t, 0, res.ExitCode, "%s %v", res.Stderr, res.Events)
	require.Equal(t, []string{
		"Wait on the parent: ECHILD",
		"zombie: Process.Signal nil, syscall.Kill nil",
		"reaped: Process.Signal os.ErrProcessDone, syscall.Kill ESRCH",
		"FindProcess(-pgid).Signal: nil",
		"group members ended: signal: terminated, signal: terminated",
	}, res.Events)
	t.Logf("%s", strings.Join(res.Events, "; "))
}

// TestTextsLinuxSysProcAttr: the Linux example of 000 §4 cannot start
// anything; without Setpgid it does what it meant.
func TestTextsLinuxSysProcAttr(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		childproc.SkipWith(t, "needs root: the example sets a Credential and a new PID namespace",
			pgroups.TextsAttr, pgroups.Inspector)
	}
	escapees := proofs.TrackEscapees(t) // the worker gets a session of its own
	input, hold, err := os.Pipe()
	require.NoError(t, err)
	defer hold.Close()
	p := childproc.Start(t, pgroups.TextsAttr, childproc.Args(proofs.ProgramCopy(t, pgroups.TextsAttr), proofs.SecretFile(t)),
		childproc.Stdin(input), childproc.Timeout(childproc.FinishBound))
	input.Close()
	worker := p.AwaitPID(t, "worker")
	escapees.Add(worker)
	p.WaitReady(t)
	uid, nspid := procfs.StatusField(worker, "Uid"), procfs.StatusField(worker, "NSpid")
	hold.Close()
	res := runUntil(t, p, "without Setpgid: ")
	require.Equal(t, 0, res.ExitCode, "%s %v", res.Stderr, res.Events)
	assert.Equal(t, "as written: EPERM", res.Events[0])
	assert.Contains(t, res.Events, "worker sees itself as pid 1")
	assert.Equal(t, fmt.Sprintf("%d 1", worker), nspid, "pid 1 of a new PID namespace")
	assert.Equal(t, strings.TrimSpace(strings.Repeat(strconv.Itoa(pgroups.Nobody)+" ", 4)), uid)
	assert.Equal(t, "without Setpgid: <nil>", res.LastEvent())
	if !t.Failed() {
		t.Logf("%s; without Setpgid worker %d ran with NSpid %q (pid 1 of its namespace) and Uid %q",
			res.Events[0], worker, nspid, uid)
	}
}

// TestPortableSysProcAttr: the Unix sysProcAttr of 000 §4 gives the child
// a group of its own, which kill(-pid) reaches.
func TestPortableSysProcAttr(t *testing.T) {
	t.Parallel()
	res := runUntil(t, childproc.Start(t, pgroups.PortableAttr, childproc.Timeout(childproc.FinishBound)), "worker ended: ")
	require.Equal(t, 0, res.ExitCode, "%s %v", res.Stderr, res.Events)
	require.Len(t, res.Events, 3)
	var pid, pgid int
	_, err := fmt.Sscanf(res.Events[0], "worker %d in group %d", &pid, &pgid)
	require.NoError(t, err)
	require.Equal(t, pid, pgid, "the worker leads its own group")
	require.Equal(t, []string{fmt.Sprintf("kill(-%d, SIGTERM): nil", pid), "worker ended: signal: terminated"}, res.Events[1:])
	t.Logf("%s", strings.Join(res.Events, "; "))
}

// TestFixedCodeIsSafeToCopy drives every fixed method through its error
// paths and finds nothing left behind: each waits for what it started and
// closes what it opened. The last case is the control: code that starts a
// child and never waits must be caught.
func TestFixedCodeIsSafeToCopy(t *testing.T) {
	t.Parallel()
	// It starts a dozen processes one after another: its bound, a net for
	// a hang and never evidence, is that of four children.
	p := childproc.Start(t, pgroups.ErrorPaths, childproc.Args(t.TempDir()), childproc.Timeout(4*childproc.FinishBound))
	res := runUntil(t, p, "control, ")
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.NotEmpty(t, res.Events)
	control := res.Events[len(res.Events)-1]
	for _, e := range res.Events[:len(res.Events)-1] {
		assert.True(t, strings.HasSuffix(e, ": nothing left behind"), e)
	}
	assert.True(t, strings.HasPrefix(control, "control, Start without Wait: 1 "), "the audit catches a child never waited for: %s", control)
	if !t.Failed() {
		t.Logf("%d error paths left nothing behind; the control was caught: %s", len(res.Events)-1, control)
	}
}
