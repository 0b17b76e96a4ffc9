//go:build linux

package pgroups

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"

	"procbugs/helpers/role"
)

// Roles for the source texts' claims that no entry covers. Each runs the
// claim in a child process; claims_test.go watches it.

// SetuidThreads (C050) locks four goroutines to threads of their own and
// reports their thread ids, then changes the uid to nobody from the main
// goroutine's thread: with syscall.Setuid (argument "syscall") or with the
// raw system call ("raw"). It reports the calling thread and runs on.
var SetuidThreads = lesson.Role("claim/setuid-threads", func(args []string) int {
	runtime.LockOSThread()
	const others = 4
	tids := make(chan int)
	for range others {
		go func() {
			runtime.LockOSThread()
			tids <- unix.Gettid()
			role.BlockForever()
		}()
	}
	for range others {
		role.Emitf("locked tid=%d", <-tids)
	}
	var err error
	if args[0] == "raw" {
		if _, _, e := syscall.RawSyscall(syscall.SYS_SETUID, Nobody, 0, 0); e != 0 {
			err = e
		}
	} else {
		err = syscall.Setuid(Nobody)
	}
	if err != nil {
		return fail("setuid", err)
	}
	role.Emitf("caller tid=%d", unix.Gettid())
	role.Ready()
	role.BlockForever()
	return 0
})

// PdeathsigLeader (C045) starts a leader with Setpgid and Pdeathsig, as
// 000 §4 pairs them for "kill the whole tree if I crash", and runs until
// the test kills it. Like the pdeathsig scenario, it does not wait for
// the leader, so that it cannot reap it while it dies.
var PdeathsigLeader = lesson.Role("claim/pdeathsig-leader", func([]string) int {
	cmd := role.Command(leader)
	err := startReporting(cmd, func(cmd *exec.Cmd) error {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
		return cmd.Start()
	})
	if err != nil {
		return fail("start", err)
	}
	role.EmitPID("leader", cmd.Process.Pid)
	role.Ready()
	role.BlockForever()
	return 0
})

// SessionTTY (C082) runs as a session leader without a controlling
// terminal, as a process does just after setsid. It opens the terminal
// named by its second argument without O_NOCTTY: itself ("leader"), or
// from a child it starts ("second-fork", the second fork of 000 §14). The
// process that opened it reports its pid and runs until the test ends it.
var SessionTTY = lesson.Role("claim/session-tty", func(args []string) int {
	mode, path := args[0], args[1]
	if mode == "second-fork" {
		cmd := role.Command(ttyOpener, path)
		if err := startReporting(cmd, (*exec.Cmd).Start); err != nil {
			return fail("second fork", err)
		}
		role.EmitPID("opener", cmd.Process.Pid)
		role.Ready()
		cmd.Wait()
		return 0
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fail("open", err)
	}
	defer f.Close()
	role.EmitPID("opener", os.Getpid())
	role.Ready()
	role.BlockForever()
	return 0
})

// ttyOpener opens the terminal named by its argument without O_NOCTTY,
// prints "ready" and runs until it is killed.
var ttyOpener = lesson.Role("claim/tty-opener", func(args []string) int {
	f, err := os.OpenFile(args[0], os.O_RDWR, 0)
	if err != nil {
		fmt.Println("open:", err)
		return 1
	}
	defer f.Close()
	fmt.Println("ready")
	role.BlockForever()
	return 0
})

// ProcessHandles (C087, C088, C089) calls os.Process on a process the
// child did not fork, on a zombie, on a reaped child and on a group, and
// reports what each call returns.
var ProcessHandles = lesson.Role("claim/process-handles", func([]string) int {
	// Wait on a process this one did not fork: its own parent.
	parent, _ := os.FindProcess(os.Getppid())
	_, err := parent.Wait()
	role.Emitf("Wait on the parent: %s", errnoOrNil(err))
	parent.Release()

	// Signal a child that has exited but not been reaped, then reaped.
	cmd := worker()
	if err := cmd.Start(); err != nil {
		return fail("start", err)
	}
	pid := cmd.Process.Pid
	cmd.Process.Kill()
	var info unix.Siginfo
	unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil) // until it is a zombie, left unreaped
	role.Emitf("zombie: Process.Signal %s, syscall.Kill %s",
		errnoOrNil(cmd.Process.Signal(syscall.SIGTERM)), errnoOrNil(syscall.Kill(pid, syscall.SIGTERM)))
	cmd.Wait()
	// Signal 0 checks the pid and sends nothing: a reaped pid is free for
	// the kernel to give to anyone.
	role.Emitf("reaped: Process.Signal %s, syscall.Kill %s",
		processDone(cmd.Process.Signal(syscall.SIGTERM)), errnoOrNil(syscall.Kill(pid, 0)))

	// Signal a group through a handle on its negated id.
	first, second := worker(), worker()
	first.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := first.Start(); err != nil {
		return fail("start", err)
	}
	second.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: first.Process.Pid}
	if err := second.Start(); err != nil {
		first.Process.Kill()
		first.Wait()
		return fail("start", err)
	}
	group, _ := os.FindProcess(-first.Process.Pid)
	role.Emitf("FindProcess(-pgid).Signal: %s", errnoOrNil(group.Signal(syscall.SIGTERM)))
	role.Emitf("group members ended: %v, %v", first.Wait(), second.Wait())
	return 0
})

func processDone(err error) string {
	if errors.Is(err, os.ErrProcessDone) {
		return "os.ErrProcessDone"
	}
	return errnoOrNil(err)
}

// TextsAttr (C040) starts an inspector with the Linux SysProcAttr of 000
// §4 exactly as written, then with Setpgid left out. Its arguments are a
// copy of the child program that nobody may execute, and a file for the
// inspector's descriptor 3. The second inspector runs until the test
// closes this process's input.
var TextsAttr = lesson.Role("claim/texts-attr", func(args []string) int {
	exe, path := args[0], args[1]
	attr := func() *syscall.SysProcAttr {
		return &syscall.SysProcAttr{
			Setpgid:    true,
			Pgid:       0,
			Setsid:     true,
			Pdeathsig:  syscall.SIGTERM,
			Credential: &syscall.Credential{Uid: Nobody, Gid: Nobody},
			Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID,
		}
	}
	secret, err := os.Open(path)
	if err != nil {
		return fail("open", err)
	}
	defer secret.Close()
	cmd := commandAt(exe, Inspector, path)
	cmd.SysProcAttr = attr()
	role.Emitf("as written: %s", errnoOrNil(cmd.Start()))

	cmd = commandAt(exe, Inspector, path)
	cmd.SysProcAttr = attr()
	cmd.SysProcAttr.Setpgid = false
	cmd.ExtraFiles = []*os.File{secret}
	cmd.Stdin = os.Stdin
	if err := startReporting(cmd, (*exec.Cmd).Start); err != nil {
		return fail("without Setpgid", err)
	}
	role.EmitPID("worker", cmd.Process.Pid)
	role.Ready()
	role.Emitf("without Setpgid: %v", cmd.Wait())
	return 0
})

// PortableAttr (C042) starts a worker with the portable sysProcAttr of
// proc_unix.go and ends it through its group.
var PortableAttr = lesson.Role("claim/portable-attr", func([]string) int {
	cmd := worker()
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fail("start", err)
	}
	pid := cmd.Process.Pid
	pgid, err := syscall.Getpgid(pid)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return fail("getpgid", err)
	}
	role.Emitf("worker %d in group %d", pid, pgid)
	role.Emitf("kill(-%d, SIGTERM): %s", pid, errnoOrNil(syscall.Kill(-pid, syscall.SIGTERM)))
	role.Emitf("worker ended: %v", cmd.Wait())
	return 0
})

// ErrorPaths drives each fixed method through its failures, under
// role.Audit, and reports what each left behind in this process. Its
// argument is a directory for pidfiles.
var ErrorPaths = lesson.Role("error-paths", func(args []string) int {
	f := Fixed{}
	missing := func() *exec.Cmd { return exec.Command("/nonexistent/program") }
	dir := args[0]
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		return fail("open", err)
	}
	defer devNull.Close()
	for _, c := range []struct {
		name string
		call func()
	}{
		{"StartTree, program missing", func() { f.StartTree(missing()) }},
		{"CommandContext, program missing", func() { f.CommandContext(context.Background(), "/nonexistent/program").Run() }},
		{"CommandContext, context already done", func() { f.CommandContext(cancelled, "sleep", "3600").Run() }},
		{"StartHelper, program missing", func() { f.StartHelper(missing()) }},
		{"StartInteractive, program missing", func() { f.StartInteractive(missing()) }},
		{"StartGroup, program missing", func() { f.StartGroup(missing()) }},
		{"StartDetached, program missing", func() { f.StartDetached(missing()) }},
		{"StartOnTerminal, program missing", func() { f.StartOnTerminal(missing(), devNull) }},
		{"StartOnTerminal, not a terminal", func() { f.StartOnTerminal(exec.Command("sleep", "3600"), devNull) }},
		{"StartWorker, program missing", func() { f.StartWorker(missing()) }},
		{"StartOnLockedThread, program missing", func() { f.StartOnLockedThread(missing()) }},
		{"StartUnprivileged, start fails", func() { f.StartUnprivileged(missing(), devNull) }},
		{"Serve, program missing", func() { f.Serve(missing()) }},
		{"WritePidfile, no such process", func() { f.WritePidfile(filepath.Join(dir, "none.pid"), 0) }},
		{"WritePidfile, no such directory", func() { f.WritePidfile(filepath.Join(dir, "none", "x.pid"), os.Getpid()) }},
		{"SignalPidfile, no pidfile", func() { f.SignalPidfile(filepath.Join(dir, "missing.pid"), syscall.SIGTERM) }},
		{"SignalPidfile, stale pidfile", func() { signalStalePidfile(f, dir) }},
		{"SignalPidfile, the daemon runs", func() { signalLiveDaemon(f, dir) }},
	} {
		role.Emitf("%s: %v", c.name, role.Audit(c.call))
	}
	// The control: code that starts a child and never waits for it. The
	// audit must catch it; then the child is reaped here.
	forgotten := exec.Command("true")
	role.Emitf("control, Start without Wait: %v", role.Audit(func() { forgotten.Start() }))
	forgotten.Wait()
	return 0
})

// signalStalePidfile signals through the pidfile of a daemon that has
// been reaped: the fixed code refuses, and must leave nothing open.
func signalStalePidfile(f Fixed, dir string) {
	path := filepath.Join(dir, "stale.pid")
	daemon := worker()
	if daemon.Start() != nil {
		return
	}
	f.WritePidfile(path, daemon.Process.Pid)
	daemon.Process.Kill()
	daemon.Wait()
	f.SignalPidfile(path, syscall.SIGTERM)
}

// signalLiveDaemon signals a running daemon through its pidfile: the
// handle FindProcess opened on it must be released.
func signalLiveDaemon(f Fixed, dir string) {
	path := filepath.Join(dir, "live.pid")
	daemon := worker()
	if daemon.Start() != nil {
		return
	}
	f.WritePidfile(path, daemon.Process.Pid)
	f.SignalPidfile(path, syscall.SIGKILL)
	daemon.Wait()
}
