//go:build linux

package zombies

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"procbugs/helpers/role"
)

// code is what broken.go and fixed.go both provide; the compiler keeps the
// two files in step.
type code interface {
	Launch(cmd *exec.Cmd) error
	AdoptOrphans() (stop func(), err error)
	Reap(ctx context.Context)
	ReapExited()
	StartChild(cmd *exec.Cmd) error
	WaitChild(cmd *exec.Cmd) error
	RunChild(cmd *exec.Cmd) error
	Init(app *exec.Cmd) int
	Supervise(ctx context.Context, newCmd func(context.Context) *exec.Cmd, b Backoff) error
	StartService(cmd *exec.Cmd) (stop func() error, err error)
	RunGracefully(cmd *exec.Cmd) error
	Alive(pid int) bool
	ReapOnSignal(sigs <-chan os.Signal)
	RunForwarding(cmd *exec.Cmd, setup func()) error
	Restart(newCmd func() *exec.Cmd, runs int)
}

var lesson = role.Lesson[code]{Broken: Broken{}, Fixed: Fixed{}}

// The programs the code under study starts: its children and grandchildren.

// exitWith exits at once with the status its argument names.
var exitWith = lesson.Role("exit", func(args []string) int {
	status, err := strconv.Atoi(args[0])
	if err != nil {
		return 2
	}
	return status
})

// OrphanCount is how many orphans the forker leaves: enough to see them
// pile up.
const OrphanCount = 3

// forker makes orphans that are already zombies: it starts OrphanCount
// /bin/true, waits until each has exited without reaping it (waitid with
// WNOWAIT), prints their pids and exits. Its zombies are re-parented to
// whoever adopts orphans, who alone can reap them now.
var forker = lesson.Role("forker", func([]string) int {
	var pids []int
	for range OrphanCount {
		cmd := exec.Command("/bin/true")
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "forker:", err)
			return 1
		}
		pids = append(pids, cmd.Process.Pid)
	}
	for _, pid := range pids {
		exited(pid)
		fmt.Println(pid)
	}
	return 0
})

// holder holds the descriptors it inherited and writes nothing (a write to
// a pipe whose reader has gone would kill it with SIGPIPE).
var holder = lesson.Role("holder", func([]string) int {
	role.BlockForever()
	return 0
})

// spawner starts a holder that inherits its stdout, and exits at once: the
// holder, an orphan now, keeps open the pipe its grandparent reads.
var spawner = lesson.Role("spawner", func([]string) int {
	cmd := role.Command(holder)
	cmd.Stdout = os.Stdout
	if err := cmd.Start(); err != nil {
		return 1
	}
	return 0
})

// ignorer ignores SIGTERM, says so on stdout, and waits to be killed.
var ignorer = lesson.Role("ignorer", func([]string) int {
	signal.Ignore(syscall.SIGTERM)
	os.Stdout.WriteString("ready\n")
	role.BlockForever()
	return 0
})

// sleeper is an app's grandchild: it handles SIGTERM, says "ready" on
// stdout, and waits to be killed. Stopped, it keeps a SIGTERM pending: a
// signal with a handler waits for the process to run, where one with the
// default action would kill it at once.
var sleeper = lesson.Role("sleeper", func([]string) int {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGTERM)
	fmt.Println("ready")
	role.BlockForever()
	return 0
})

// StopStatus is what the service exits with once its work is done.
const StopStatus = 3

// service is a service that takes its time to stop. It catches SIGTERM,
// says "ready" on stdout once it does, and exits StopStatus when its stdin
// reaches EOF: its work is done when the test opens the gate it inherits
// as stdin.
var service = lesson.Role("service", func([]string) int {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGTERM)
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	return StopStatus
})

// serviceCommand makes the command that runs a service behind the gate
// (this process's stdin), and returns with it the read end of its stdout,
// where the service says "ready".
func serviceCommand() (cmd *exec.Cmd, stdout *os.File, err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	cmd = role.Command(service)
	cmd.Stdin, cmd.Stdout = os.Stdin, w // files: os/exec hands them over, with no goroutine
	return cmd, r, nil
}

// awaitReady reads the service's "ready" line.
func awaitReady(stdout *os.File) error {
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err == nil && line != "ready\n" {
		err = fmt.Errorf("the service said %q", line)
	}
	return err
}

// startSleeper starts a sleeper and returns once its handler is in place.
func startSleeper() (*exec.Cmd, error) {
	cmd := role.Command(sleeper)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("sleeper said %q: %v", line, err)
	}
	return cmd, nil
}

// app is the main child of every init. Its arguments name what it does:
//
//	term        start a grandchild and stop it (SIGSTOP), note "app ready",
//	            wait for SIGTERM and note it, wait until the test opens the
//	            gate, then die of SIGTERM, leaving the grandchild stopped
//	term storm  the same, after leaving OrphanCount orphans for the init
//	            to reap
//	exit N      exit with status N
//	kill        die of SIGKILL
//
// A stopped grandchild keeps every signal sent to it pending, where the
// test reads it in /proc: it witnesses whether the init signalled the
// app's whole group. Left behind, it shows what becomes of a process that
// outlives the app.
var app = lesson.Role("app", func(args []string) int {
	switch args[0] {
	case "term":
		return appTerm(len(args) > 1 && args[1] == "storm")
	case "exit":
		status, _ := strconv.Atoi(args[1])
		return status
	case "kill":
		syscall.Kill(os.Getpid(), syscall.SIGKILL) // a process may always signal itself
	}
	note("app: unknown scenario %q", args)
	return 2
})

func appTerm(storm bool) int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	var orphans *exec.Cmd
	if storm {
		orphans = role.Command(forker)
		if err := orphans.Start(); err != nil {
			note("app error: forker: %v", err)
			return 1
		}
	}
	gc, err := startSleeper()
	if err != nil {
		note("app error: %v", err)
		return 1
	}
	if orphans != nil {
		if err := orphans.Wait(); err != nil {
			note("app error: forker: %v", err)
			return 1
		}
		// The forker saw each orphan exit before it died itself: they are
		// all zombies of the init now, until it reaps them.
	}
	gc.Process.Signal(syscall.SIGSTOP)
	var info unix.Siginfo
	unix.Waitid(unix.P_PID, gc.Process.Pid, &info, unix.WSTOPPED|unix.WNOWAIT, nil)
	note("app ready")
	<-sigs
	note("app saw SIGTERM")
	awaitGate()
	signal.Reset(syscall.SIGTERM)
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	role.BlockForever()
	return 0
}

// InitTree is the roles an init's tree runs below the init: the app and
// its grandchildren.
var InitTree = []role.Role{app, sleeper, forker}

// becomeInit prepares a role to be a container's init. As PID 1 of its own
// namespace it mounts a /proc that shows that namespace, as a container
// runtime does, after making its mounts private so that nothing leaks to
// the host. Elsewhere it makes itself a child subreaper, the nearest thing
// to PID 1 a process can be without privilege.
func becomeInit() error {
	// The app's children cannot reach the control pipe (it is
	// close-on-exec): the init names them, so that the harness counts
	// every role as used.
	role.Command(sleeper)
	role.Command(forker)
	if os.Getpid() != 1 {
		return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mount /proc: %w", err)
	}
	return nil
}

// UnderInit is PID 1 replaced by a real init: it prepares the namespace
// as becomeInit does, then execs the init its first argument names (tini,
// dumb-init), which runs the app with the remaining arguments. Debian's
// tini needs "--" before the app's arguments, or its getopt takes them;
// dumb-init accepts it too.
var UnderInit = lesson.Role("under-init", func(args []string) int {
	if err := becomeInit(); err != nil {
		note("init error: %v", err)
		return 1
	}
	cmd := role.Command(app, args[1:]...)
	argv := append([]string{filepath.Base(args[0]), "--", cmd.Path}, cmd.Args[1:]...)
	err := syscall.Exec(args[0], argv, cmd.Env)
	note("init error: exec %s: %v", args[0], err)
	return 127
})

// ShellWrapper is the script of a typical `sh -c` entrypoint: it runs the
// app and exits with its status. The app is not the last command, so the
// shell cannot exec it and stays PID 1 itself.
const ShellWrapper = `"$@"; exit $?`

// UnderShell is PID 1 replaced by /bin/sh running ShellWrapper around the
// app, as `CMD ["sh", "-c", "..."]` in a Dockerfile makes it.
var UnderShell = lesson.Role("under-shell", func(args []string) int {
	if err := becomeInit(); err != nil {
		note("init error: %v", err)
		return 1
	}
	cmd := role.Command(app, args...)
	argv := append([]string{"sh", "-c", ShellWrapper, "sh", cmd.Path}, cmd.Args[1:]...)
	err := syscall.Exec("/bin/sh", argv, cmd.Env)
	note("init error: exec /bin/sh: %v", err)
	return 127
})

// crasher is the supervised service. It appends the time it started (the
// monotonic clock, the same for every process) to the log its first
// argument names, and reads from the log which run it is. The run its
// second argument names lives Policy.Healthy before it crashes; every
// other run crashes at once.
var crasher = lesson.Role("crasher", func(args []string) int {
	var now unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &now)
	f, err := os.OpenFile(args[0], os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return 2
	}
	defer f.Close()
	fmt.Fprintln(f, now.Nano())
	b, _ := os.ReadFile(args[0])
	if strconv.Itoa(strings.Count(string(b), "\n")) == args[1] {
		// The subject is a duration: a run as long as the threshold is
		// longer than it once start-up is counted, and so healthy.
		time.Sleep(Policy.Healthy)
	}
	return 1
})

// withContext is cmd made with exec.CommandContext instead.
func withContext(ctx context.Context, plain *exec.Cmd) *exec.Cmd {
	cmd := exec.CommandContext(ctx, plain.Path, plain.Args[1:]...)
	cmd.Env = plain.Env
	return cmd
}

// reaped reports whether child pid is gone: exited and reaped by someone.
// waitid with WNOWAIT and WNOHANG only looks; ECHILD means there is no
// such child any more.
func reaped(pid int) bool {
	var info unix.Siginfo
	return unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil) == unix.ECHILD
}

// fail reports an error the scenario did not expect and gives the exit
// status for it.
func fail(what string, err error) int {
	role.Emitf("error: %s: %v", what, err)
	return 1
}
