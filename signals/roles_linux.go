package signals

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"procbugs/helpers/childproc"
)

// code is what broken.go and fixed.go both provide; the compiler keeps the
// two files in step.
type code interface {
	NotifyChannel(sig ...os.Signal) chan os.Signal
	ServeUntilTerminated(srv *http.Server, ln net.Listener, drain time.Duration) error
	ServeWithNotifyContext(srv *http.Server, ln net.Listener, drain time.Duration) error
	RunUninterrupted(work func()) (deferred os.Signal)
	RunChild(cmd *exec.Cmd) (int, error)
	Supervise(cmd *exec.Cmd) (int, error)
	EntrypointScript(app string) string
	WriteReport(lines []string) error
	StartWhileShielded(cmd *exec.Cmd) (unshield func(), err error)
	RunWithTimeout(cmd *exec.Cmd) error
	RunService(serve func(ctx context.Context), cleanup func())
	WatchInterrupts(initLib func()) <-chan os.Signal
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

// controlFD is the child's end of the harness's control pipe
// (childproc.ExtraFiles: "descriptor 3 is the control pipe").
const controlFD = 3

// reportEnv tells a grandchild which descriptor reaches the test.
const reportEnv = "SIGNALS_REPORT_FD"

// shareControl lets the grandchildren that a child starts from now on
// report to the test directly. The harness marks the control pipe
// close-on-exec; clearing the flag makes every exec inherit it as
// descriptor 3, and each line of less than PIPE_BUF bytes stays whole.
func shareControl() {
	syscall.Syscall(syscall.SYS_FCNTL, controlFD, syscall.F_SETFD, 0)
	os.Setenv(reportEnv, strconv.Itoa(controlFD))
}

// relay lets the grandchild that cmd will start report to the test through
// this child: its descriptor 3 is a pipe whose lines the child passes on
// as events. Unlike shareControl, it keeps the test's control pipe to the
// child alone, so that the test sees the child end even when the
// grandchild outlives it. flush closes the child's end and returns once
// every line the grandchild wrote has been passed on.
func relay(cmd *exec.Cmd) (flush func(), err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{w} // descriptor 3 in the grandchild
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, reportEnv+"=3")
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			childproc.Emit(sc.Text())
		}
	}()
	return func() { w.Close(); <-done }, nil
}

// keepReportToSelf marks a grandchild's report descriptor close-on-exec,
// so that the programs it starts in turn do not hold the pipe open.
func keepReportToSelf() {
	if fd, err := strconv.Atoi(os.Getenv(reportEnv)); err == nil {
		syscall.CloseOnExec(fd)
	}
}

// tell sends one event line to the test from a grandchild, through the
// control pipe it inherited. It does nothing when there is none.
func tell(format string, args ...any) {
	fd, err := strconv.Atoi(os.Getenv(reportEnv))
	if err != nil {
		return
	}
	syscall.Write(fd, []byte(fmt.Sprintf(format, args...)+"\n"))
}

// listener is the grandchild that signals are sent or forwarded to. It
// catches the signals named in its arguments ("TERM", "URG"), tells the
// test of each one it receives, and exits with status 7 on SIGTERM, so that
// a supervisor's exit code can be traced back to it. With "ignore-term" it
// reports SIGTERM and carries on; with "spawn-sleeper" it first starts a
// child of its own, sleep(1).
var listener = childproc.Register("signals/listener", func(args []string) int {
	keepReportToSelf()
	ignoreTerm := false
	var sigs []os.Signal
	for _, a := range args {
		if a == "ignore-term" {
			ignoreTerm = true
			continue
		}
		if a == "spawn-sleeper" {
			sleeper := exec.Command("sleep", "infinity")
			if err := sleeper.Start(); err != nil {
				tell("error: %v", err)
				return 1
			}
			tell("sleeper pid=%d", sleeper.Process.Pid)
			continue
		}
		sigs = append(sigs, signalNamed(a))
	}
	c := make(chan os.Signal, 64)
	signal.Notify(c, sigs...)
	tell("listener pid=%d", os.Getpid())
	counts := map[string]int{}
	for s := range c {
		name := childproc.SignalName(s.(syscall.Signal))
		counts[name]++
		tell("listener got %s", name)
		if s == syscall.SIGTERM && !ignoreTerm {
			tell("listener exits after SIGURG=%d SIGTERM=%d", counts["SIGURG"], counts["SIGTERM"])
			return listenerExit
		}
	}
	return 0
})

// listenerExit is the status the listener exits with on SIGTERM.
const listenerExit = 7

func signalNamed(name string) syscall.Signal {
	for s := syscall.Signal(1); s < 65; s++ {
		if childproc.SignalName(s) == "SIG"+strings.TrimPrefix(name, "SIG") {
			return s
		}
	}
	panic("unknown signal " + name)
}

// fail reports an unexpected error from a scenario and returns status 1.
func fail(err error) int {
	childproc.Emitf("error: %v", err)
	return 1
}

// blockForever blocks the calling goroutine on a pipe that nobody writes
// to; the test ends the child.
func blockForever() {
	r, _, err := os.Pipe()
	if err == nil {
		r.Read(make([]byte, 1))
	}
}
