//go:build unix

package termination

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"procbugs/helpers/role"
	"procbugs/helpers/role/inflight"
)

// Each entry's scenario: what its child process does, once with the
// broken code and once with the fixed code. What the scenario feeds the
// code is exported, so that the proofs derive their expectations from it.

// ReportResults are the lines ExitWithReport writes; some of them failed,
// and the program exits with ReportStatus.
var ReportResults = []string{"ok   parse", "FAIL render", "ok   save", "FAIL upload"}

// ReportStatus is the exit status ExitWithReport chooses for
// ReportResults: 1, since some failed.
func ReportStatus() int {
	for _, r := range ReportResults {
		if strings.HasPrefix(r, "FAIL") {
			return 1
		}
	}
	return 0
}

// ReportReturned is sent if ExitWithReport ever returns. It never does.
const ReportReturned = "ExitWithReport returned"

// ExitSkipsDefers writes the report to the path it is given, and exits.
var ExitSkipsDefers = lesson.Pair("exit-skips-defers", func(c code, args []string) int {
	c.ExitWithReport(args[0], ReportResults)
	role.Emit(ReportReturned)
	return 0
})

// BadVersion is what the migration finds in its version file.
const BadVersion = "v3"

// FatalInHelper migrates the directory it is given.
var FatalInHelper = lesson.Pair("fatal-in-helper", func(c code, args []string) int {
	return report(c.Migrate(args[0]))
})

// FailureCounts are what ExitWithFailures is given, one child each: 256
// failed checks, and -1 for checks that could not run.
var FailureCounts = []int{256, -1}

// ExitWithFailuresReturned is sent if ExitWithFailures ever returns.
const ExitWithFailuresReturned = "ExitWithFailures returned"

// ExitStatusWraps exits with the failure count it is given.
var ExitStatusWraps = lesson.Pair("exit-status-wraps", func(c code, args []string) int {
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return report(err)
	}
	c.ExitWithFailures(n)
	role.Emit(ExitWithFailuresReturned)
	return 0
})

// Batch holds one item without "=": process panics on it.
var Batch = []string{"region=eu", "replicas", "tier=gold"}

// IndexPanic is the runtime error that item causes: Split gives one field.
const IndexPanic = "runtime error: index out of range [1] with length 1"

// MainDeferRan is sent by the deferred call of the scenario's main.
const MainDeferRan = "main's deferred call ran"

// PanicInGoroutine is a service: it processes a batch, then goes on
// serving. It does not exit after a good batch, so that nothing races the
// crash: a worker's deferred wg.Done runs while its panic unwinds, and
// main may get past Wait before the runtime ends the process.
var PanicInGoroutine = lesson.Pair("panic-in-goroutine", func(c code, _ []string) int {
	defer role.Emit(MainDeferRan)
	if err := c.ProcessAll(Batch); err != nil {
		return report(err)
	}
	role.Emit("batch done; serving")
	role.BlockForever()
	return 0
})

// DrainBound is how long Shutdown may wait for the requests in flight, a
// usual figure for a service. The proofs never let it pass: the request
// finishes as soon as the proof releases it, and a proof that goes wrong
// meets the child's own time bound long before. Nothing is decided by it.
const DrainBound = 30 * time.Second

// What the server of ShutdownNotAwaited says, beside inflight's events.
const (
	ClosingListener = "Shutdown closes the listener"
	ServeReturned   = "ServeUntilDone returned "
)

// ShutdownNotAwaited serves one request, held in flight until the proof
// releases it, and shuts down on SIGTERM.
var ShutdownNotAwaited = lesson.Pair("shutdown-not-awaited", func(c code, _ []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	ln, err := inflight.Listen()
	if err != nil {
		return report(err)
	}
	srv := &http.Server{Handler: inflight.Handler()}
	err = c.ServeUntilDone(ctx, srv, announcedClose{ln}, DrainBound)
	role.Emit(ServeReturned + fmt.Sprint(err))
	return 0
})

// announcedClose says that Shutdown is closing the listener just before it
// does: from then on Serve returns ErrServerClosed.
type announcedClose struct{ net.Listener }

func (l announcedClose) Close() error {
	role.Emit(ClosingListener)
	return l.Listener.Close()
}

// VictimExit is the status the exiting victim chooses.
const VictimExit = 3

// VictimSignals are the signals the child kills a victim with.
var VictimSignals = []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM}

// ShellSays prefixes what a shell reports of a victim killed by SIGKILL.
const ShellSays = "sh after kill -KILL: $? = "

// ExitStatus describes how three victims ended: one exits, the others
// are killed by their parent, the child; then a shell does the same, for
// comparison.
var ExitStatus = lesson.Pair("exit-status", func(c code, _ []string) int {
	err := role.Command(victim, fmt.Sprintf("exit:%d", VictimExit)).Run()
	role.Emitf("exit %d: %s", VictimExit, c.Describe(err))
	for _, sig := range VictimSignals {
		cmd := role.Command(victim, "block")
		if err := cmd.Start(); err != nil {
			return report(err)
		}
		cmd.Process.Signal(sig) // the child signals its own child only
		role.Emitf("%s: %s", unix.SignalName(sig), c.Describe(cmd.Wait()))
	}
	sh := exec.Command("/bin/sh", "-c", `"$0" block & kill -KILL $!; wait $!; echo $?`, role.Executable())
	sh.Env = role.Command(victim).Env
	out, err := sh.Output()
	if err != nil {
		return report(err)
	}
	role.Emit(ShellSays + strings.TrimSpace(string(out)))
	return 0
})

// WrapperReturned is sent if RunAndExit ever returns.
const WrapperReturned = "RunAndExit returned"

// FlattenedStatus wraps the victim, run with the arguments it is given:
// "exit:N", or "block" for a victim the proof kills.
var FlattenedStatus = lesson.Pair("flattened-status", func(c code, args []string) int {
	cmd := role.Command(victim, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	c.RunAndExit(cmd)
	role.Emit(WrapperReturned)
	return 0
})

// The two ways ContextErrorLost stops its job.
const (
	DeadlinePassed   = "deadline passed before Start"
	CancelledRunning = "cancelled while the job ran"
)

// ContextErrorLost runs the job through RunJob twice: with a context whose
// deadline had passed before Start, and with one cancelled while the job
// runs, once it has said so on its stdout. Each time it reports what the
// error says, whether the context's error is in its chain, and the
// *exec.ExitError it holds, if any.
var ContextErrorLost = lesson.Pair("context-error-lost", func(c code, _ []string) int {
	expired, cancel := context.WithDeadline(context.Background(), time.Now())
	defer cancel()
	role.Emit(classify(DeadlinePassed, expired, c.RunJob(expired, commandContext(expired, job))))

	running, err := cancelWhileRunning(c.RunJob)
	role.Emit(classify(CancelledRunning, running, err))
	return 0
})

// commandContext is role r's command, bound to ctx.
func commandContext(ctx context.Context, r role.Role, args ...string) *exec.Cmd {
	base := role.Command(r, args...)
	cmd := exec.CommandContext(ctx, base.Path, base.Args[1:]...)
	cmd.Env = base.Env
	return cmd
}

// cancelWhileRunning runs the job through run with a context that is
// cancelled as soon as the job has said, on its stdout, that it runs. It
// returns the context and what run returned.
func cancelWhileRunning(run func(context.Context, *exec.Cmd) error) (context.Context, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, w, err := os.Pipe()
	if err != nil {
		return ctx, err
	}
	defer r.Close()
	cmd := commandContext(ctx, job)
	cmd.Stdout = w
	go func() {
		bufio.NewReader(r).ReadString('\n') // the job runs, or could not start
		cancel()
	}()
	err = run(ctx, cmd)
	w.Close()
	return ctx, err
}

func classify(how string, ctx context.Context, err error) string {
	end := "none"
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		end = ee.Error()
	}
	return fmt.Sprintf("%s: %v; the context's error in the chain: %t; *exec.ExitError: %s",
		how, err, errors.Is(err, ctx.Err()), end)
}

// MissingProgram does not exist: starting it fails.
const MissingProgram = "/nonexistent/program"

// Serving is sent once the scenario has handled RunWithin's error and goes
// on with its work.
const Serving = "serving on"

// KillTimerBeforeStart runs MissingProgram through RunWithin with a limit
// of 0, a job whose time is already up: the timer fires at once, so that
// no proof waits for it. Then it goes on serving, as a service does after
// one failed job.
var KillTimerBeforeStart = lesson.Pair("kill-timer-before-start", func(c code, _ []string) int {
	err := c.RunWithin(exec.Command(MissingProgram), 0)
	role.Emitf("RunWithin returned %v", err)
	role.Emit(Serving)
	role.BlockForever()
	return 0
})

// StateBeforeWait starts a victim that blocks, aborts it and says how
// Abort reports its end.
var StateBeforeWait = lesson.Pair("state-before-wait", func(c code, _ []string) int {
	cmd := role.Command(victim, "block")
	if err := cmd.Start(); err != nil {
		return report(err)
	}
	ws, err := c.Abort(cmd)
	if err != nil {
		return report(err)
	}
	role.Emitf("Abort: signaled %t, by %s", ws.Signaled(), unix.SignalName(ws.Signal()))
	return 0
})

// Events of the test run inside the FatalFromGoroutine child.
const (
	WentOn       = "TestDeploy went on after CheckAll"
	DeployDefer  = "TestDeploy's deferred call ran"
	NextTestRan  = "TestNext ran"
	FailingCheck = "config file missing"
)

// FatalFromGoroutine runs a real test run in the child, through the
// testing package's own runner: testing.Main exists for programs that run
// tests without go test. It parses no flags but the child's (none) and
// exits.
var FatalFromGoroutine = lesson.Pair("fatal-from-goroutine", func(c code, _ []string) int {
	testing.Main(func(string, string) (bool, error) { return true, nil }, []testing.InternalTest{
		{Name: "TestDeploy", F: func(t *testing.T) {
			defer role.Emit(DeployDefer)
			c.CheckAll(t, []func() error{
				func() error { return nil },
				func() error { return errors.New(FailingCheck) },
			})
			role.Emit(WentOn) // the deployment step a failed check should have stopped
		}},
		{Name: "TestNext", F: func(*testing.T) { role.Emit(NextTestRan) }},
	}, nil, nil)
	return 0
})

// ClosedStderr runs the complainer with its stderr sent to the log file
// it is given.
var ClosedStderr = lesson.Pair("closed-stderr", func(c code, args []string) int {
	cmd := role.Command(complainer)
	var out strings.Builder
	cmd.Stdout = &out
	err := c.RunLogged(cmd, args[0])
	role.Emitf("Run returned %v", err)
	role.Emitf("the child said: %s", out.String())
	return 0
})

// Working is sent by the exclusive job's work.
const Working = "working"

// LockOutlivesProcess runs one exclusive job with the lock file it is
// given, and says how many garbage collections ran: a cleanup could only
// have run after one.
var LockOutlivesProcess = lesson.Pair("lock-outlives-process", func(c code, args []string) int {
	err := c.RunExclusive(args[0], func() error {
		role.Emit(Working)
		return nil
	})
	role.Emitf("garbage collections: %d", collections())
	return report(err)
})

func collections() uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.NumGC
}
