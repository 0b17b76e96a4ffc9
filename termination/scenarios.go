//go:build unix

package termination

import (
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"procbugs/helpers/role"
)

// Each entry's scenario: what its child process does, once with the
// broken code and once with the fixed code. What the scenario feeds the
// code is exported, so that the proofs derive their expectations from it.

// ReportResults are the lines ExitWithReport writes; Failures of them
// failed, and the program exits with that status.
var ReportResults = []string{"ok   parse", "FAIL render", "ok   save", "FAIL upload"}

// Failures counts the failed results: the exit status ExitWithReport chooses.
func Failures() int {
	n := 0
	for _, r := range ReportResults {
		if strings.HasPrefix(r, "FAIL") {
			n++
		}
	}
	return n
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
