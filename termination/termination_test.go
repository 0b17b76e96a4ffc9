//go:build unix

package termination_test

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/termination/proofs"
)

func TestMain(m *testing.M) { childproc.Main(m, "procbugs/termination") }

func TestExitSkipsDefers(t *testing.T) { catalog.Prove(t, proofs.ExitSkipsDefers) }

func TestFatalInHelper(t *testing.T) { catalog.Prove(t, proofs.FatalInHelper) }

func TestExitStatusWraps(t *testing.T) { catalog.Prove(t, proofs.ExitStatusWraps) }

func TestPanicInGoroutine(t *testing.T) { catalog.Prove(t, proofs.PanicInGoroutine) }

func TestShutdownNotAwaited(t *testing.T) { catalog.Prove(t, proofs.ShutdownNotAwaited) }

func TestExitStatus(t *testing.T) { catalog.Prove(t, proofs.ExitStatus) }

func TestFlattenedStatus(t *testing.T) { catalog.Prove(t, proofs.FlattenedStatus) }

func TestContextErrorLost(t *testing.T) { catalog.Prove(t, proofs.ContextErrorLost) }

func TestKillTimerBeforeStart(t *testing.T) { catalog.Prove(t, proofs.KillTimerBeforeStart) }

func TestStateBeforeWait(t *testing.T) { catalog.Prove(t, proofs.StateBeforeWait) }

func TestFatalFromGoroutine(t *testing.T) { catalog.Prove(t, proofs.FatalFromGoroutine) }

func TestClosedStderr(t *testing.T) { catalog.Prove(t, proofs.ClosedStderr) }

func TestLockOutlivesProcess(t *testing.T) { catalog.Prove(t, proofs.LockOutlivesProcess) }
