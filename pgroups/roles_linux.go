package pgroups

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"procbugs/helpers/childproc"
)

// code is what broken.go and fixed.go both provide; the compiler keeps the
// two files in step.
type code interface {
	StartTree(cmd *exec.Cmd) (stop func() error, err error)
	CommandContext(ctx context.Context, name string, arg ...string) *exec.Cmd
	StartHelper(cmd *exec.Cmd) error
	StartGroup(cmd *exec.Cmd) (signal func(syscall.Signal) error, err error)
	StartDetached(cmd *exec.Cmd) error
	StartWorker(cmd *exec.Cmd) error
	StartOnLockedThread(cmd *exec.Cmd) (wait func() error, err error)
	StartUnprivileged(cmd *exec.Cmd, secret *os.File) error
	Serve(cmd *exec.Cmd) (wait func() error, err error)
	SignalPidfile(path string, sig syscall.Signal) error
}

var (
	_ code = Broken{}
	_ code = Fixed{}
)

// pair registers the broken and the fixed role of one entry: the same
// scenario, run once with each file's code.
func pair(id string, scenario func(c code, args []string) int) (broken, fixed childproc.Role) {
	broken = childproc.Register(id+"/broken", func(args []string) int { return scenario(Broken{}, args) })
	fixed = childproc.Register(id+"/fixed", func(args []string) int { return scenario(Fixed{}, args) })
	return broken, fixed
}

// sleeper is a worker that does nothing until a signal ends it: SIGTERM,
// SIGINT and SIGKILL keep their default, deadly action. It waits for a
// SIGUSR2 that nobody sends, which blocks without tripping the runtime's
// deadlock check.
var sleeper = childproc.Register("pgroups/sleeper", func([]string) int {
	blockForever()
	return 0
})

func blockForever() {
	never := make(chan os.Signal, 1)
	signal.Notify(never, syscall.SIGUSR2)
	<-never
}

// leader forks as many sleepers as its argument says, prints their pids on
// its stdout, one "worker pid=N" line each, then "ready", and blocks.
var leader = childproc.Register("pgroups/leader", func(args []string) int {
	n, _ := strconv.Atoi(args[0])
	for range n {
		w := childproc.Command(sleeper)
		if err := w.Start(); err != nil {
			fmt.Println("error:", err)
			return 1
		}
		fmt.Printf("worker pid=%d\n", w.Process.Pid)
	}
	fmt.Println("ready")
	blockForever()
	return 0
})

// startAndRelay starts cmd with start, relays each line cmd prints before
// "ready" as an event, and returns once cmd is ready. The lines that follow
// are relayed by a goroutine, each prefixed with prefix.
func startAndRelay(cmd *exec.Cmd, prefix string, start func(*exec.Cmd) error) error {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := start(cmd); err != nil {
		return err
	}
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if lines.Text() == "ready" {
			go relay(lines, prefix)
			return nil
		}
		childproc.Emit(lines.Text())
	}
	return fmt.Errorf("%s ended before it was ready: %v", prefix, io.ErrUnexpectedEOF)
}

func relay(lines *bufio.Scanner, prefix string) {
	for lines.Scan() {
		childproc.Emit(prefix + " " + lines.Text())
	}
}

// lockMainThread is an argument that makes a child lock its main goroutine
// to the main thread in init, the documented way to keep main on the main
// thread (runtime.LockOSThread). The locked-thread entry needs that: the
// runtime never ends the main thread (runtime/proc.go, mexit "Just wedge
// it"), so a goroutine that locked it and returned would end no thread.
const lockMainThread = "lock-main-thread"

func init() {
	if slices.Contains(os.Args[1:], lockMainThread) {
		runtime.LockOSThread()
	}
}

// fail reports an error as the scenario's last event and its exit status.
func fail(what string, err error) int {
	childproc.Emitf("%s: %v", what, err)
	return 1
}

// errnoName is "EPERM" for an error that wraps syscall.EPERM, and so on.
func errnoName(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return "no errno"
	}
	return unix.ErrnoName(errno)
}
