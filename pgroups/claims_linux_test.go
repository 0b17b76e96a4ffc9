package pgroups

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"procbugs/helpers/childproc"
)

// Tests of claims of the source texts that no entry proves by itself.

// setuidThreads locks a few goroutines to threads of their own, then
// changes the uid to nobody from the main goroutine's thread: with
// syscall.Setuid ("syscall") or with the raw system call ("raw").
var setuidThreads = childproc.Register("pgroups/setuid-threads", func(args []string) int {
	runtime.LockOSThread()
	const others = 4
	tids := make(chan int)
	for range others {
		go func() {
			runtime.LockOSThread()
			tids <- unix.Gettid()
			blockForever()
		}()
	}
	for range others {
		<-tids
	}
	var err error
	if args[0] == "raw" {
		if _, _, e := syscall.RawSyscall(syscall.SYS_SETUID, nobody, 0, 0); e != 0 {
			err = e
		}
	} else {
		err = syscall.Setuid(nobody)
	}
	if err != nil {
		return fail("setuid", err)
	}
	childproc.Emitf("caller tid=%d", unix.Gettid())
	childproc.Ready()
	blockForever()
	return 0
})

// TestSetuidChangesEveryThread: 000 §5 says setuid in Go changes only the
// calling thread. Since Go 1.16 syscall.Setuid runs the system call on
// every thread (syscall/syscall_linux.go, Setuid -> AllThreadsSyscall);
// only the raw system call is per-thread.
func TestSetuidChangesEveryThread(t *testing.T) {
	if os.Geteuid() != 0 {
		childproc.SkipWith(t, "needs root: it changes a child's uid from 0 to 65534", setuidThreads)
	}
	// threadUids runs the role and returns the calling thread and the
	// real uid of every thread, read from /proc/pid/task/tid/status.
	threadUids := func(t *testing.T, mode string) (caller int, uids map[int]string) {
		p := childproc.Start(t, setuidThreads, childproc.Args(mode), childproc.Timeout(5*time.Second))
		caller, _ = strconv.Atoi(strings.TrimPrefix(p.Await(t, "caller tid="), "caller tid="))
		p.WaitReady(t)
		uids = map[int]string{}
		for _, tid := range childproc.Threads(p.Pid) {
			uids[tid] = strings.Fields(taskStatusLine(p.Pid, tid, "Uid"))[0]
		}
		p.Kill(t)
		return caller, uids
	}
	t.Run("syscall.Setuid changes every thread", func(t *testing.T) {
		_, uids := threadUids(t, "syscall")
		require.GreaterOrEqual(t, len(uids), 5, "the main thread and four locked ones")
		for tid, uid := range uids {
			assert.Equal(t, strconv.Itoa(nobody), uid, "thread %d", tid)
		}
		t.Logf("after syscall.Setuid(%d) all %d threads have uid %d", nobody, len(uids), nobody)
	})
	t.Run("the raw setuid system call changes the calling thread alone", func(t *testing.T) {
		caller, uids := threadUids(t, "raw")
		changed := 0
		for tid, uid := range uids {
			if tid == caller {
				assert.Equal(t, strconv.Itoa(nobody), uid, "the calling thread %d", tid)
			} else {
				assert.Equal(t, "0", uid, "thread %d", tid)
			}
			if uid != "0" {
				changed++
			}
		}
		t.Logf("after RawSyscall(SYS_SETUID, %d) %d of %d threads have uid %d; the rest are still root",
			nobody, changed, len(uids), nobody)
	})
}

// pdeathsigLeader starts a leader, with Setpgid and Pdeathsig as 000 §4
// pairs them, that forks workers into its group.
var pdeathsigLeader = childproc.Register("pgroups/pdeathsig-leader", func([]string) int {
	cmd := childproc.Command(leader, strconv.Itoa(workersPerLeader))
	start := func(cmd *exec.Cmd) error {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
		return cmd.Start()
	}
	if err := startAndRelay(cmd, "leader", start); err != nil {
		return fail("start", err)
	}
	childproc.EmitPID("leader", cmd.Process.Pid)
	childproc.Ready()
	blockForever()
	return 0
})

// TestPdeathsigIsNotATreeKill: 000 §4 pairs Pdeathsig with Setpgid for
// "kill the whole tree if I crash". The signal goes to the direct child
// alone; nothing signals its group.
func TestPdeathsigIsNotATreeKill(t *testing.T) {
	p := childproc.Start(t, pdeathsigLeader, childproc.Timeout(5*time.Second))
	leaderPid := p.AwaitPID(t, "leader")
	p.WaitReady(t)
	workers := pidsIn(p.Events(), "worker")
	require.Len(t, workers, workersPerLeader)
	p.Signal(t, syscall.SIGKILL) // the parent crashes
	require.Equal(t, syscall.SIGKILL, p.Wait(t).Signal)
	childproc.Poll(t, 5*time.Second, "the leader dies", func() bool { return childproc.State(leaderPid) == 'Z' })
	assert.Equal(t, syscall.SIGTERM, exitSignal(leaderPid), "the leader got its parent-death signal")
	// Reaping the leader waits for all its threads to end, and so for its
	// children to be re-parented here.
	childproc.ReapOrphan(t, leaderPid)
	for _, w := range workers {
		assert.True(t, childproc.Alive(w), "worker %d runs on", w)
		assert.Equal(t, os.Getpid(), childproc.Parent(w), "re-parented to the subreaper")
		assert.Equal(t, leaderPid, childproc.Group(w), "in the dead leader's group")
	}
	states := describeAll(workers)
	for _, w := range workers {
		childproc.ReapOrphan(t, w)
	}
	t.Logf("parent killed: leader %d got SIGTERM, its workers %s run on", leaderPid, states)
}

// sessionTTY opens the terminal named by its argument, without O_NOCTTY,
// and reports the controlling terminal it has then: from the process
// itself ("leader", a session leader without a terminal, as after setsid),
// or from a child it forks after setsid ("second-fork").
var sessionTTY = childproc.Register("pgroups/session-tty", func(args []string) int {
	mode, path := args[0], args[1]
	if mode == "second-fork" {
		cmd := childproc.Command(openTTY, path)
		out, err := cmd.Output()
		if err != nil {
			return fail("second fork", err)
		}
		childproc.Emit(strings.TrimSpace(string(out)))
		return 0
	}
	childproc.Emit(openAndReport(path))
	return 0
})

var openTTY = childproc.Register("pgroups/open-tty", func(args []string) int {
	fmt.Println(openAndReport(args[0]))
	return 0
})

func openAndReport(path string) string {
	f, err := os.OpenFile(path, os.O_RDWR, 0) // no O_NOCTTY: a session leader acquires it
	if err != nil {
		return "open: " + err.Error()
	}
	defer f.Close()
	return fmt.Sprintf("pid %d sid %d tty_nr %d", os.Getpid(), childproc.Session(os.Getpid()), ttyNr(os.Getpid()))
}

// TestSecondForkKeepsTerminalAway: 000 §14's second fork guards against a
// session leader acquiring a controlling terminal by opening one.
func TestSecondForkKeepsTerminalAway(t *testing.T) {
	run := func(t *testing.T, mode string) (string, int) {
		master, slave, err := openPTY()
		require.NoError(t, err)
		defer master.Close()
		defer slave.Close()
		var st unix.Stat_t
		require.NoError(t, unix.Fstat(int(slave.Fd()), &st))
		// tty_nr encodes the device as the kernel's new_encode_dev does.
		major, minor := unix.Major(st.Rdev), unix.Minor(st.Rdev)
		want := int(minor&0xff | major<<8 | (minor&^0xff)<<12)
		res := childproc.Run(t, sessionTTY, childproc.Args(mode, slave.Name()), childproc.Timeout(5*time.Second),
			childproc.Attr(func(a *syscall.SysProcAttr) { a.Setsid = true }))
		require.Equal(t, 0, res.ExitCode, "%s %v", res.Stderr, res.Events)
		return res.LastEvent(), want
	}
	t.Run("a session leader that opens a terminal acquires it", func(t *testing.T) {
		got, want := run(t, "leader")
		assert.True(t, strings.HasSuffix(got, fmt.Sprintf(" tty_nr %d", want)), got)
		t.Logf("setsid, then open: %s (the terminal's device)", got)
	})
	t.Run("a child of the session leader that opens one does not", func(t *testing.T) {
		got, _ := run(t, "second-fork")
		assert.True(t, strings.HasSuffix(got, " tty_nr 0"), got)
		t.Logf("setsid, fork, then open: %s", got)
	})
}

// processHandles exercises os.Process on processes the child did and did
// not fork, reporting what each call returns.
var processHandles = childproc.Register("pgroups/process-handles", func([]string) int {
	// Wait on a process this one did not fork: its own parent.
	parent, _ := os.FindProcess(os.Getppid())
	_, err := parent.Wait()
	childproc.Emitf("Wait on the parent: %s", errnoOrNil(err))
	parent.Release()

	// Signal a child that has exited but not been reaped, then reaped.
	cmd := childproc.Command(sleeper)
	if err := cmd.Start(); err != nil {
		return fail("start", err)
	}
	pid := cmd.Process.Pid
	cmd.Process.Kill()
	var info unix.Siginfo
	unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil) // until it is a zombie, left unreaped
	childproc.Emitf("zombie: Process.Signal %s, syscall.Kill %s",
		errnoOrNil(cmd.Process.Signal(syscall.SIGTERM)), errnoOrNil(syscall.Kill(pid, syscall.SIGTERM)))
	cmd.Wait()
	// Signal 0 checks the pid without sending anything: a reaped pid is free
	// for the kernel to give to anyone.
	childproc.Emitf("reaped: Process.Signal %s, syscall.Kill %s",
		errorName(cmd.Process.Signal(syscall.SIGTERM)), errnoOrNil(syscall.Kill(pid, 0)))

	// Signal a group through a handle on its negated id.
	first, second := childproc.Command(sleeper), childproc.Command(sleeper)
	first.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := first.Start(); err != nil {
		return fail("start", err)
	}
	second.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: first.Process.Pid}
	if err := second.Start(); err != nil {
		return fail("start", err)
	}
	group, _ := os.FindProcess(-first.Process.Pid)
	childproc.Emitf("FindProcess(-pgid).Signal: %s", errnoOrNil(group.Signal(syscall.SIGTERM)))
	childproc.Emitf("group members ended: %v, %v", first.Wait(), second.Wait())
	return 0
})

func errorName(err error) string {
	if errors.Is(err, os.ErrProcessDone) {
		return "os.ErrProcessDone"
	}
	return errnoOrNil(err)
}

// TestProcessHandles: what os.Process does with pids (000 §16, 001 Q20).
func TestProcessHandles(t *testing.T) {
	res := childproc.Run(t, processHandles, childproc.Timeout(5*time.Second))
	require.Equal(t, 0, res.ExitCode, "%s %v", res.Stderr, res.Events)
	want := []string{
		"Wait on the parent: ECHILD",
		"zombie: Process.Signal nil, syscall.Kill nil",
		"reaped: Process.Signal os.ErrProcessDone, syscall.Kill ESRCH",
		"FindProcess(-pgid).Signal: nil",
		"group members ended: signal: terminated, signal: terminated",
	}
	assert.Equal(t, want, res.Events)
	t.Logf("%s", strings.Join(res.Events, "; "))
}

// textsAttr starts a worker with the Linux SysProcAttr of 000 §4 as
// written, then with Setpgid left out.
var textsAttr = childproc.Register("pgroups/texts-attr", func(args []string) int {
	attr := func() *syscall.SysProcAttr {
		return &syscall.SysProcAttr{
			Setpgid:    true,
			Pgid:       0,
			Setsid:     true,
			Pdeathsig:  syscall.SIGTERM,
			Credential: &syscall.Credential{Uid: 65534, Gid: 65534},
			Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID,
		}
	}
	cmd := commandAt(args[0], inspector, "/nonexistent")
	cmd.SysProcAttr = attr()
	childproc.Emitf("as written: %s", errnoOrNil(cmd.Start()))

	cmd = commandAt(args[0], inspector, "/nonexistent")
	cmd.SysProcAttr = attr()
	cmd.SysProcAttr.Setpgid = false
	cmd.ExtraFiles = []*os.File{os.Stdin}
	if err := startAndRelay(cmd, "worker", (*exec.Cmd).Start); err != nil {
		return fail("without Setpgid", err)
	}
	childproc.Emitf("without Setpgid: %v", cmd.Wait())
	return 0
})

// TestTextsLinuxSysProcAttr: the Linux example of 000 §4 cannot start
// anything; without Setpgid it does what it meant.
func TestTextsLinuxSysProcAttr(t *testing.T) {
	if os.Geteuid() != 0 {
		childproc.SkipWith(t, "needs root: the example sets a Credential and a new PID namespace", textsAttr)
	}
	res := childproc.Run(t, textsAttr, childproc.Args(executableCopy(t)), childproc.Timeout(5*time.Second))
	require.Equal(t, 0, res.ExitCode, "%s %v", res.Stderr, res.Events)
	assert.Equal(t, "as written: EPERM", res.Events[0])
	assert.Contains(t, res.Events, "worker pid: 1", "PID 1 of a new PID namespace")
	assert.Contains(t, res.Events, "worker Uid: 65534 65534 65534 65534")
	assert.Equal(t, "without Setpgid: <nil>", res.LastEvent())
	t.Logf("%s; without Setpgid the worker ran as pid 1 of its namespace with uid 65534", res.Events[0])
}

// portableAttr starts a worker with the portable sysProcAttr of
// proc_unix.go and ends it through its group.
var portableAttr = childproc.Register("pgroups/portable-attr", func([]string) int {
	cmd := childproc.Command(sleeper)
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fail("start", err)
	}
	pid := cmd.Process.Pid
	childproc.Emitf("worker %d in group %d", pid, childproc.Group(pid))
	childproc.Emitf("kill(-%d, SIGTERM): %s", pid, errnoOrNil(syscall.Kill(-pid, syscall.SIGTERM)))
	childproc.Emitf("worker ended: %v", cmd.Wait())
	return 0
})

// TestPortableSysProcAttr: the Unix sysProcAttr of 000 §4 gives the child
// a group of its own, which kill(-pid) reaches.
func TestPortableSysProcAttr(t *testing.T) {
	res := childproc.Run(t, portableAttr, childproc.Timeout(5*time.Second))
	require.Equal(t, 0, res.ExitCode, "%s %v", res.Stderr, res.Events)
	require.Len(t, res.Events, 3)
	var pid, pgid int
	_, err := fmt.Sscanf(res.Events[0], "worker %d in group %d", &pid, &pgid)
	require.NoError(t, err)
	assert.Equal(t, pid, pgid, "the worker leads its own group")
	assert.Equal(t, fmt.Sprintf("kill(-%d, SIGTERM): nil", pid), res.Events[1])
	assert.Equal(t, "worker ended: signal: terminated", res.Events[2])
	t.Logf("%s", strings.Join(res.Events, "; "))
}
