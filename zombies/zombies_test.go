//go:build linux

package zombies

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

func TestMain(m *testing.M) { childproc.Main(m) }

func TestStartWithoutWait(t *testing.T)   { catalog.Prove(t, StartWithoutWait) }
func TestOrphansNeedAReaper(t *testing.T) { catalog.Prove(t, OrphansNeedAReaper) }
func TestNaiveReaper(t *testing.T)        { catalog.Prove(t, NaiveReaper) }
func TestGoInit(t *testing.T)             { catalog.Prove(t, GoInit) }
func TestCompareInits(t *testing.T)       { catalog.Prove(t, CompareInits) }

// The supervisor's proof waits out its back-offs: it runs beside the others.
func TestSupervisor(t *testing.T) {
	t.Parallel()
	catalog.Prove(t, Supervisor)
}

// Two detectors catch a Cmd that was started and never waited for.
func TestLeakDetectors(t *testing.T) {
	t.Parallel() // goleak retries for half a second before it reports
	t.Run("GODEBUG=execwait=2 panics at GC on the leaked Cmd", func(t *testing.T) {
		proveExecwaitPanics(t)
	})
	t.Run("goleak names the watchCtx goroutine of a leaked CommandContext", func(t *testing.T) {
		proveGoleakSees(t, launchBroken, true)
	})
	t.Run("goleak finds nothing once Launch waits", func(t *testing.T) {
		proveGoleakSees(t, launchFixed, false)
	})
}

// An exec.Cmd from Command to Wait, and its single use.
func TestCmdLifecycle(t *testing.T) {
	t.Run("Command looks up the path, and a Cmd runs once", func(t *testing.T) { proveLifecycle(t) })
	t.Run("an *os.File as Stdout is handed to the child, with no goroutine", func(t *testing.T) { proveStdio(t, "file") })
	t.Run("a bytes.Buffer as Stdout costs a pipe and a copying goroutine", func(t *testing.T) { proveStdio(t, "buffer") })
}

// What Wait waits for, and what WaitDelay does about it.
func TestWaitDelay(t *testing.T) {
	ms := waitDelay.String()
	t.Run("Wait waits for an orphan that holds the stdout pipe", func(t *testing.T) {
		proveWaitStuck(t, "pipe-held")
	})
	t.Run("WaitDelay gives up on the pipe with ErrWaitDelay", func(t *testing.T) {
		proveWaitReturns(t, "Run: exec: WaitDelay expired before I/O complete; ErrWaitDelay=true", "pipe-held", ms)
	})
	t.Run("a SIGTERM Cancel the child ignores leaves Wait blocked", func(t *testing.T) {
		proveWaitStuck(t, "term-ignored")
	})
	t.Run("the default Cancel kills the child without WaitDelay", func(t *testing.T) {
		proveWaitReturns(t, "Wait: signal: killed; killed by SIGKILL", "kill")
	})
	t.Run("WaitDelay kills a child that ignores the Cancel signal", func(t *testing.T) {
		proveWaitReturns(t, "Wait: signal: killed; killed by SIGKILL", "term-ignored", ms)
	})
	t.Run("WaitDelay arrived in Go 1.20", func(t *testing.T) { proveWaitDelayIsGo120(t) })
}

// A shell wrapper as PID 1 (the other broken init of 001 Q28's question).
func TestShellAsPID1(t *testing.T) {
	t.Run("sh -c as PID 1 drops SIGTERM and forwards nothing", func(t *testing.T) { proveShellDropsSIGTERM(t) })
}
