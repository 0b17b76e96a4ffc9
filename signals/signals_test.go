//go:build unix

package signals_test

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/signals/proofs"
)

func TestMain(m *testing.M) { childproc.Main(m, "procbugs/signals") }

func TestUnbufferedNotify(t *testing.T) { catalog.Prove(t, proofs.UnbufferedNotify) }

func TestNotifyOSKill(t *testing.T) { catalog.Prove(t, proofs.NotifyOSKill) }

func TestNotifyAfterInit(t *testing.T) { catalog.Prove(t, proofs.NotifyAfterInit) }

func TestExitOnSignal(t *testing.T) { catalog.Prove(t, proofs.ExitOnSignal) }

func TestDeferredStop(t *testing.T) { catalog.Prove(t, proofs.DeferredStop) }

func TestNotifyContextCause(t *testing.T) { catalog.Prove(t, proofs.NotifyContextCause) }

func TestForgottenStop(t *testing.T) { catalog.Prove(t, proofs.ForgottenStop) }

func TestForwardNothing(t *testing.T) { catalog.Prove(t, proofs.ForwardNothing) }

func TestForwardEverySignal(t *testing.T) { catalog.Prove(t, proofs.ForwardEverySignal) }

func TestRawSyscallEINTR(t *testing.T) { catalog.Prove(t, proofs.RawSyscallEINTR) }

func TestShellWrapper(t *testing.T) { catalog.Prove(t, proofs.ShellWrapper) }

func TestSIGPIPE(t *testing.T) { catalog.Prove(t, proofs.SIGPIPE) }

func TestInheritedIgnore(t *testing.T) { catalog.Prove(t, proofs.InheritedIgnore) }

func TestWaitDelay(t *testing.T) { catalog.Prove(t, proofs.WaitDelayKill) }

func TestStoppedChild(t *testing.T) { catalog.Prove(t, proofs.StoppedChild) }

func TestPID1(t *testing.T) { catalog.Prove(t, proofs.PID1) }

func TestCgoHandler(t *testing.T) { catalog.Prove(t, proofs.CgoHandler) }
