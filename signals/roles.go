//go:build unix

package signals

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"procbugs/helpers/role"
)

// code is what broken.go and fixed.go both provide; the compiler keeps the
// two files in step.
type code interface {
	NotifyChannel(sig ...os.Signal) chan os.Signal
	RunLocked(path string, serve func(stop <-chan os.Signal)) error
	RunDaemon(init func(ctx context.Context) error, reload func()) error
	ServeUntilTerminated(srv *http.Server, ln net.Listener, drain time.Duration) error
	ServeWithNotifyContext(srv *http.Server, ln net.Listener, drain time.Duration) error
	RunUntilSignal(serve func(ctx context.Context)) (why error)
	RunUninterrupted(work func()) (deferred os.Signal)
	RunChild(cmd *exec.Cmd) (int, error)
	Supervise(cmd *exec.Cmd) (int, error)
	WaitReadable(fd int) error
	EntrypointScript(app string) string
	WriteReport(lines []string) error
	StartWhileShielded(cmd *exec.Cmd) (unshield func(), err error)
	RunWithTimeout(cmd *exec.Cmd) error
	StopGracefully(ctx context.Context, cmd *exec.Cmd) error
	RunService(serve func(ctx context.Context), cleanup func())
	WatchInterrupts(initLib func()) <-chan os.Signal
}

var lesson = role.Lesson[code]{Broken: Broken{}, Fixed: Fixed{}}

// The report pipe.
//
// A grandchild often outlives the child that started it: that is the bug
// in half of these entries. So it does not report through the child. The
// proof passes the child a pipe of its own as descriptor ReportFD and
// names it in ReportEnv; the child hands it on to the program it starts
// (reportTo), which writes its lines there (tell), and the proof reads
// them whether or not the child is still alive.
const (
	ReportFD  = 4 // the first of the descriptors a proof passes with childproc.ExtraFiles
	ReportEnv = "SIGNALS_REPORT_FD"
)

// reportPipe is this process's end of the report pipe, or nil. It is
// marked close-on-exec at once: only the programs it is handed to on
// purpose hold it, so that the proof sees EOF once they have exited.
var reportPipe = sync.OnceValue(func() *os.File {
	fd, err := strconv.Atoi(os.Getenv(ReportEnv))
	if err != nil {
		return nil
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
		return nil // not open here
	}
	syscall.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), "report")
})

// reportTo hands the report pipe to the program cmd will start, as its
// descriptor 3 (its first ExtraFiles).
func reportTo(cmd *exec.Cmd) {
	f := reportPipe()
	if f == nil {
		return
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.ExtraFiles = append(cmd.ExtraFiles, f)
	cmd.Env = append(cmd.Env, fmt.Sprintf("%s=%d", ReportEnv, 2+len(cmd.ExtraFiles)))
}

// tell writes one line to the report pipe, if this process has one. A
// line of less than PIPE_BUF bytes is written whole, so lines from several
// processes never interleave.
func tell(format string, args ...any) {
	if f := reportPipe(); f != nil {
		f.WriteString(fmt.Sprintf(format, args...) + "\n")
	}
}

// ListenerExit is the status the listener exits with on SIGTERM, so that
// a supervisor's exit code can be traced back to it.
const ListenerExit = 7

// Listener is the program signals are sent or forwarded to. It catches
// the signals its arguments name ("TERM", "URG"), reports each one it
// receives, and on SIGTERM reports how many SIGURG and SIGTERM it got in
// all and exits with ListenerExit. With "ignore-term" it reports SIGTERM
// and carries on; with "spawn-sleeper" it first starts sleep(1), a child
// of its own.
var Listener = lesson.Role("listener", func(args []string) int {
	reportPipe() // before any child is started: it must not inherit the pipe
	ignoreTerm := false
	var sigs []os.Signal
	for _, a := range args {
		switch a {
		case "ignore-term":
			ignoreTerm = true
		case "spawn-sleeper":
			sleeper := exec.Command("sleep", "infinity")
			if err := sleeper.Start(); err != nil {
				tell("error: %v", err)
				return 1
			}
			tell("sleeper pid=%d", sleeper.Process.Pid)
		default:
			sigs = append(sigs, unix.SignalNum("SIG"+a))
		}
	}
	c := make(chan os.Signal, 64)
	signal.Notify(c, sigs...)
	tell("listener pid=%d", os.Getpid())
	counts := map[string]int{}
	for s := range c {
		name := unix.SignalName(s.(syscall.Signal))
		counts[name]++
		tell("listener got %s", name)
		if s == syscall.SIGTERM && !ignoreTerm {
			tell("listener exits after SIGURG=%d SIGTERM=%d", counts["SIGURG"], counts["SIGTERM"])
			return ListenerExit
		}
	}
	return 0
})

// App stands for the listener's command line in an entrypoint script.
const App = "APP"

// becomeShell replaces the child with shell running script, in which App
// stands for the listener's command line. The child's pid becomes the
// shell's, as in a container whose entrypoint is a shell: the proof's
// signals go to the shell, as docker stop's go to PID 1. The report pipe
// is not close-on-exec in the child, so the shell inherits it, and so
// does the listener the shell starts.
func becomeShell(shell, script string) int {
	app := role.Command(Listener, "TERM")
	line := "'" + app.Path + "' TERM" // the child program's path holds no quote
	argv := []string{filepath.Base(shell), "-c", strings.ReplaceAll(script, App, line)}
	return fail(syscall.Exec(shell, argv, app.Env))
}

// idle is a Go program that reports its pid once its runtime has set up
// its signal handlers, and waits to be ended.
var idle = lesson.Role("idle", func([]string) int {
	tell("idle pid=%d", os.Getpid())
	role.BlockForever()
	return 0
})

// failer exits at once with status 3: a child that fails.
var failer = lesson.Role("failer", func([]string) int { return 3 })

// deaf ignores SIGTERM, says so on its stdout, and waits to be killed.
var deaf = lesson.Role("deaf", func([]string) int {
	signal.Ignore(syscall.SIGTERM)
	os.Stdout.WriteString("ready\n")
	role.BlockForever()
	return 0
})

// raise sends sig to this process, through its own os.Process.
func raise(sig syscall.Signal) error {
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		return err
	}
	defer self.Release()
	return self.Signal(sig)
}

// fail reports an unexpected error from a scenario and returns status 1.
func fail(err error) int {
	role.Emitf("error: %v", err)
	return 1
}
