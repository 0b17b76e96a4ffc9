//go:build linux

package pgroups

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"procbugs/helpers/role"
)

// Each entry's scenario: what its child process does, once with the
// broken code and once with the fixed code.

// KillLeader starts a leader that forks workers, then stops it.
var KillLeader = lesson.Pair("kill-leader", func(c code, _ []string) int {
	cmd := role.Command(leader)
	var stop func() error
	err := startReporting(cmd, func(cmd *exec.Cmd) (err error) {
		stop, err = c.StartTree(cmd)
		return err
	})
	if err != nil {
		return fail("start", err)
	}
	role.EmitPID("leader", cmd.Process.Pid)
	if err := stop(); err != nil {
		return fail("stop", err)
	}
	role.Emitf("leader ended: %v", cmd.Wait())
	return 0
})

// ContextCancel runs the same leader under a context, then cancels it.
var ContextCancel = lesson.Pair("context-cancel", func(c code, _ []string) int {
	template := role.Command(leader)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := c.CommandContext(ctx, template.Path, template.Args[1:]...)
	cmd.Env = template.Env
	if err := startReporting(cmd, (*exec.Cmd).Start); err != nil {
		return fail("start", err)
	}
	role.EmitPID("leader", cmd.Process.Pid)
	cancel() // the deadline passed, the request was abandoned
	role.Emitf("leader ended: %v", cmd.Wait())
	return 0
})

// CtrlC is an interactive tool with a helper, cat(1), that it feeds. On
// Ctrl-C the tool shuts down in order: it closes the helper's input, lets
// it finish and reports how it ended. cat leaves SIGINT to the kernel's
// default action, so a SIGINT that reaches it kills it at once.
var CtrlC = lesson.Pair("ctrl-c", func(c code, _ []string) int {
	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, os.Interrupt)
	helper := exec.Command("cat")
	input, err := helper.StdinPipe()
	if err != nil {
		return fail("start", err)
	}
	if err := c.StartHelper(helper); err != nil {
		return fail("start", err)
	}
	role.EmitPID("helper", helper.Process.Pid)
	role.Ready()
	<-interrupted
	role.Emit("the tool got SIGINT")
	input.Close()
	role.Emitf("helper ended: %v", helper.Wait())
	return 0
})

// BackgroundJob is a command-line tool at a terminal that runs an
// interactive prompt and waits for its answer. The prompt reads the
// tool's stdin, the terminal, and prints on the tool's stdout.
var BackgroundJob = lesson.Pair("background-job", func(c code, _ []string) int {
	prompt := role.Command(Prompt)
	if err := c.StartInteractive(prompt); err != nil {
		return fail("start", err)
	}
	role.EmitPID("prompt", prompt.Process.Pid)
	role.Emitf("prompt ended: %v", prompt.Wait())
	return 0
})

// NegativePID signals "the group" of a worker, then waits for the worker.
var NegativePID = lesson.Pair("negative-pid", func(c code, _ []string) int {
	cmd := worker()
	signal, err := c.StartGroup(cmd)
	if err != nil {
		return fail("start", err)
	}
	role.EmitPID("worker", cmd.Process.Pid)
	role.Emitf("kill(-%d, SIGTERM): %s", cmd.Process.Pid, errnoOrNil(signal(syscall.SIGTERM)))
	role.Emitf("worker ended: %v", cmd.Wait())
	return 0
})

// UncheckedGetpgid runs as pid 1 of a PID namespace of its own, as a
// service is the init of its container, and shuts down gracefully: it
// handles SIGTERM, and reports each one it gets. One of its workers, in a
// group of its own, finishes and is reaped; then the service signals the
// worker's group, to end whatever the worker may have left in it. It runs
// until its input, the test's, ends.
var UncheckedGetpgid = lesson.Pair("unchecked-getpgid", func(c code, _ []string) int {
	// The broken code signals pid 1. Run it only where pid 1 is this very
	// process: the init of a PID namespace the test created for it.
	if os.Getpid() != 1 {
		return fail("start", fmt.Errorf("pid %d, not pid 1 of a PID namespace of its own: "+
			"refusing to run code that may signal pid 1", os.Getpid()))
	}
	terms := make(chan os.Signal, 1)
	signal.Notify(terms, syscall.SIGTERM)
	go func() {
		for range terms {
			role.Emit("pid 1 got SIGTERM")
		}
	}()
	role.Emit("setup: pid 1 of a PID namespace of its own, with a SIGTERM handler")

	worker := exec.Command("true")
	worker.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := worker.Run(); err != nil {
		return fail("worker", err)
	}
	pid := worker.Process.Pid
	role.EmitPID("worker", pid) // exited and reaped: its pid names nobody now
	pgid, err := syscall.Getpgid(pid)
	role.Emitf("getpgid(%d) = %d, %s", pid, pgid, errnoOrNil(err))
	role.Emitf("signal the worker's group: %s", errOrNil(c.SignalGroupOf(pid, syscall.SIGTERM)))
	role.Ready()
	io.Copy(io.Discard, os.Stdin)
	return 0
})

// SetsidWithSetpgid starts a worker detached in a new session, and waits
// for it until the test ends them both.
var SetsidWithSetpgid = lesson.Pair("setsid-with-setpgid", func(c code, _ []string) int {
	cmd := worker()
	if err := c.StartDetached(cmd); err != nil {
		role.Emitf("start: %s (%v)", errnoOrNil(err), err)
		return 1
	}
	role.EmitPID("worker", cmd.Process.Pid)
	role.Emit("start: nil")
	cmd.Wait()
	return 0
})

// TerminalFD is the descriptor on which SetcttyDescriptor's child gets
// the terminal: the first of the test's extra files.
const TerminalFD = 4

// SetcttyDescriptor gives a worker a session of its own whose controlling
// terminal is the one the test passes as descriptor TerminalFD, reports
// how Start went, and waits for the worker.
var SetcttyDescriptor = lesson.Pair("setctty-descriptor", func(c code, _ []string) int {
	tty := os.NewFile(TerminalFD, "terminal")
	role.Emitf("the terminal is descriptor %d here", tty.Fd())
	cmd := worker()
	if err := c.StartOnTerminal(cmd, tty); err != nil {
		role.Emitf("start: %v", err)
		return 1
	}
	role.EmitPID("worker", cmd.Process.Pid)
	role.Emit("start: nil")
	role.Emitf("worker ended: %v", cmd.Wait())
	return 0
})

// Pdeathsig starts a worker and runs until the test kills this parent.
// It does not wait for the worker: the kernel sends the parent-death
// signal as each thread that forked exits, so a parent killed while one
// of its threads waits could reap the worker as it dies, and the test
// would never see how it ended.
var Pdeathsig = lesson.Pair("pdeathsig", func(c code, _ []string) int {
	cmd := worker()
	if err := c.StartWorker(cmd); err != nil {
		return fail("start", err)
	}
	role.EmitPID("worker", cmd.Process.Pid)
	role.BlockForever()
	return 0
})

// PdeathsigThread starts a worker from a locked goroutine and waits for
// it. It runs with the LockMainThread argument.
var PdeathsigThread = lesson.Pair("pdeathsig-thread", func(c code, _ []string) int {
	if !mainThreadLocked {
		return fail("start", errors.New("run with the "+LockMainThread+" argument"))
	}
	cmd := worker()
	wait, err := c.StartOnLockedThread(cmd)
	if err != nil {
		return fail("start", err)
	}
	role.EmitPID("worker", cmd.Process.Pid)
	role.Emitf("worker ended: %v", wait())
	role.Emit("the parent runs on")
	return 0
})

// Credential opens a file as root and has an inspector run as nobody with
// it, then reports what its own privileges still allow. Its arguments are
// a copy of the child program that nobody may execute, and the file. The
// inspector's input is this process's: it runs until the test closes it.
var Credential = lesson.Pair("credential", func(c code, args []string) int {
	exe, path := args[0], args[1]
	secret, err := os.Open(path)
	if err != nil {
		return fail("open", err)
	}
	cmd := commandAt(exe, Inspector, path)
	cmd.Stdin = os.Stdin
	err = startReporting(cmd, func(cmd *exec.Cmd) error { return c.StartUnprivileged(cmd, secret) })
	secret.Close()
	if err != nil {
		return fail("start", err)
	}
	role.EmitPID("worker", cmd.Process.Pid)
	role.Ready()
	role.Emitf("worker ended: %v", cmd.Wait())

	f, err := os.Open(path)
	if err == nil {
		f.Close()
	}
	role.Emitf("parent opens the file again: %s", resultOf("ok", err))
	role.Emitf("parent setuid(0): %s", errnoOrNil(syscall.Setuid(0)))
	root := commandAt(exe, Noop)
	root.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 0, Gid: 0}}
	role.Emitf("parent starts a helper as root: %s", errnoOrNil(root.Run()))
	return 0
})

// SupplementaryGroups runs as root, drops to nobody, then reads the file
// named by its argument, which root and group Adm alone may read. It runs
// until its input, the test's, ends.
var SupplementaryGroups = lesson.Pair("supplementary-groups", func(c code, args []string) int {
	if err := c.DropPrivileges(Nobody, Nobody); err != nil {
		return fail("drop", err)
	}
	b, err := os.ReadFile(args[0])
	role.Emitf("as nobody, read the adm file: %s", resultOf(string(b), err))
	role.Ready()
	io.Copy(io.Discard, os.Stdin)
	return 0
})

// Daemonize is a service that serves with a server of its own. It stops
// gracefully: SIGTERM does not kill it, it reports how its server ended.
var Daemonize = lesson.Pair("daemonize", func(c code, _ []string) int {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGTERM)
	cmd := worker()
	wait, err := c.Serve(cmd)
	if err != nil {
		return fail("start", err)
	}
	role.EmitPID("server", cmd.Process.Pid)
	role.Emitf("serve returned: %v", wait())
	return 0
})

// StalePidfile runs as pid 1 of a PID namespace of its own, so that it can
// make the kernel recycle a pid on demand: it starts a daemon and writes
// its pidfile, kills it, gives its pid to a stranger, then signals the
// pidfile's daemon. Its argument is a directory for the pidfile. It first
// reports whether the kernel let it set up: "setup: ..." or "setup
// refused: ...".
var StalePidfile = lesson.Pair("stale-pidfile", func(c code, args []string) int {
	// Recycling pids is safe only inside a namespace this test created:
	// ns_last_pid is per PID namespace (pid_namespaces(7)).
	if os.Getpid() != 1 {
		return fail("start", fmt.Errorf("pid %d, not pid 1 of a PID namespace of its own: refusing to recycle pids", os.Getpid()))
	}
	if err := mountOwnProc(); err != nil {
		return fail("setup refused: mount /proc", err)
	}
	// The kernel may refuse a namespace its ns_last_pid; ask it now, by
	// numbering the pids to come from 100, so that they stand out.
	if err := setLastPid(99); err != nil {
		return fail("setup refused: ns_last_pid", err)
	}
	role.Emit("setup: pid 1 of a PID namespace of its own, with its own /proc")
	path := filepath.Join(args[0], "daemon.pid")

	daemon := worker()
	if err := daemon.Start(); err != nil {
		return fail("start daemon", err)
	}
	var started unix.Timespec
	unix.ClockGettime(unix.CLOCK_BOOTTIME, &started)
	pid := daemon.Process.Pid
	if err := c.WritePidfile(path, pid); err != nil {
		return fail("write pidfile", err)
	}
	role.EmitPID("daemon", pid)
	daemon.Process.Kill()
	role.Emitf("daemon ended: %v", daemon.Wait()) // reaped: its pid is free

	if err := nextClockTick(started); err != nil {
		return fail("clock", err)
	}
	stranger := worker()
	if err := setLastPid(pid - 1); err != nil {
		return fail("ns_last_pid", err)
	}
	if err := stranger.Start(); err != nil {
		return fail("start stranger", err)
	}
	role.EmitPID("stranger", stranger.Process.Pid)

	err := c.SignalPidfile(path, syscall.SIGTERM)
	role.Emitf("signal the pidfile's daemon: %s", errOrNil(err))
	if err != nil {
		stranger.Process.Kill() // nothing was sent: the scenario ends the stranger
	}
	role.Emitf("stranger ended: %v", stranger.Wait())
	return 0
})

// setLastPid makes pid+1 the next pid this PID namespace hands out, if it
// is free (pid_namespaces(7), ns_last_pid). Threads take their ids from
// the same numbers, so the scenario sets it right before it starts a
// process.
func setLastPid(pid int) error {
	return os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(pid)), 0)
}

// mountOwnProc mounts a /proc that shows this PID namespace, in a mount
// namespace of its own, made private first so that nothing propagates out.
func mountOwnProc() error {
	if err := unix.Mount("none", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return err
	}
	return unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
}

// nextClockTick returns once the clock tick after the one that holds t has
// begun. A process's start time counts 10 ms ticks of the boot-time clock
// (USER_HZ is 100 on Linux), and a pid is recycled in a later tick than
// the one its first owner started in, on any real machine; this scenario
// recycles it within microseconds, so it waits for the next tick first.
// It sleeps until a moment of a clock, not for another process.
func nextClockTick(t unix.Timespec) error {
	const tick = int64(time.Second / 100)
	next := unix.NsecToTimespec((t.Nano()/tick + 1) * tick)
	for {
		err := unix.ClockNanosleep(unix.CLOCK_BOOTTIME, unix.TIMER_ABSTIME, &next, nil)
		if err != unix.EINTR {
			return err
		}
	}
}

func errOrNil(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}
