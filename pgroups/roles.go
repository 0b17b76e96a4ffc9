//go:build linux

package pgroups

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"syscall"

	"golang.org/x/sys/unix"

	"procbugs/helpers/role"
)

// code is what broken.go and fixed.go both provide; the compiler keeps the
// two files in step.
type code interface {
	StartTree(cmd *exec.Cmd) (stop func() error, err error)
	CommandContext(ctx context.Context, name string, arg ...string) *exec.Cmd
	StartHelper(cmd *exec.Cmd) error
	StartInteractive(cmd *exec.Cmd) error
	StartGroup(cmd *exec.Cmd) (signal func(syscall.Signal) error, err error)
	SignalGroupOf(pid int, sig syscall.Signal) error
	StartDetached(cmd *exec.Cmd) error
	StartOnTerminal(cmd *exec.Cmd, tty *os.File) error
	StartWorker(cmd *exec.Cmd) error
	StartOnLockedThread(cmd *exec.Cmd) (wait func() error, err error)
	StartUnprivileged(cmd *exec.Cmd, secret *os.File) error
	DropPrivileges(uid, gid int) error
	Serve(cmd *exec.Cmd) (wait func() error, err error)
	WritePidfile(path string, pid int) error
	SignalPidfile(path string, sig syscall.Signal) error
}

var lesson = role.Lesson[code]{Broken: Broken{}, Fixed: Fixed{}}

// worker is the program the code under study starts, stops and loses: it
// runs until a signal ends it. It is sleep(1) rather than a Go program so
// that every signal keeps the kernel's default action. A Go program catches
// SIGTERM and SIGINT in its runtime and dies a moment later, from its
// handler; a signal sleep does not catch condemns it the instant it is
// sent (the kernel marks the whole process as exiting, and a later signal
// cannot change the status it will leave). So the status a worker leaves
// says which signal reached it first.
func worker() *exec.Cmd { return exec.Command("sleep", "3600") }

// Workers is how many workers the leader forks.
const Workers = 2

// leader forks Workers workers, prints "worker pid=N" for each on its
// stdout, then "ready", and runs until it is killed.
var leader = lesson.Role("leader", func([]string) int {
	for range Workers {
		w := worker()
		if err := w.Start(); err != nil {
			fmt.Println("error:", err)
			return 1
		}
		fmt.Printf("worker pid=%d\n", w.Process.Pid)
	}
	fmt.Println("ready")
	role.BlockForever()
	return 0
})

// Nobody is the uid and gid the workers drop to, as in 000 §5.
const Nobody = 65534

// Inspector is a worker that reports, on its stdout, what it can reach:
// the file handed to it as descriptor 3, and the file named by its
// argument, which it opens itself. Then it prints "ready" and runs until
// its input ends, so that a test can read its credentials from /proc in
// the meantime.
var Inspector = lesson.Role("inspector", func(args []string) int {
	fmt.Printf("worker sees itself as pid %d\n", os.Getpid())
	fd3, err := io.ReadAll(os.NewFile(3, "secret"))
	fmt.Printf("worker reads fd 3: %s\n", resultOf(string(fd3), err))
	f, err := os.Open(args[0])
	if err == nil {
		f.Close()
	}
	fmt.Printf("worker opens the file: %s\n", resultOf("ok", err))
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	return 0
})

// Noop exits at once: a privileged helper a parent starts to show that it
// still can.
var Noop = lesson.Role("noop", func([]string) int { return 0 })

// Adm is the group that, besides root, may read the files the
// supplementary-groups entry protects: adm, as on Debian, which owns the
// system's logs. Root's supplementary groups include it in the test.
const Adm = 4

// Prompt asks the user a question at its terminal: it reads one line from
// its stdin, prints what it read on its stdout, and exits.
var Prompt = lesson.Role("prompt", func([]string) int {
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		fmt.Println("prompt:", err)
		return 1
	}
	fmt.Printf("prompt read %q\n", line)
	return 0
})

// commandAt is role.Command run from another copy of the child program:
// one that a user other than the test's may execute.
func commandAt(exe string, r role.Role, args ...string) *exec.Cmd {
	cmd := role.Command(r, args...)
	cmd.Path, cmd.Args[0] = exe, exe
	return cmd
}

// startReporting starts cmd with start and sends each line cmd prints on
// its stdout as an event, until it prints "ready". It expects nothing
// more from cmd: the pipe is closed then.
func startReporting(cmd *exec.Cmd, start func(*exec.Cmd) error) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	cmd.Stdout = w
	err = start(cmd)
	w.Close() // only cmd holds the write end now
	if err != nil {
		return err
	}
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		if lines.Text() == "ready" {
			return nil
		}
		role.Emit(lines.Text())
	}
	return errors.New("it ended before it was ready")
}

// LockMainThread is an argument that makes a child lock its main goroutine
// to the main thread in init, the documented way to keep main on the main
// thread (runtime.LockOSThread). The locked-thread entry needs that: the
// runtime never ends the main thread (runtime/proc.go, mexit: "Just wedge
// it"), so the code's goroutine must run on another one.
const LockMainThread = "lock-main-thread"

var mainThreadLocked bool

func init() {
	if slices.Contains(os.Args[1:], LockMainThread) {
		runtime.LockOSThread()
		mainThreadLocked = true
	}
}

// fail reports an error as the scenario's last event and its exit status.
func fail(what string, err error) int {
	role.Emitf("%s: %v", what, err)
	return 1
}

// errnoOrNil is "nil", the errno's name such as "ESRCH", or the error.
func errnoOrNil(err error) string {
	var errno syscall.Errno
	switch {
	case err == nil:
		return "nil"
	case errors.As(err, &errno):
		return unix.ErrnoName(errno)
	}
	return err.Error()
}

// resultOf is ok (or the data read) on success, the errno's name on failure.
func resultOf(ok string, err error) string {
	if err != nil {
		return errnoOrNil(err)
	}
	return ok
}
