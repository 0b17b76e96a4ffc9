//go:build unix

package termination

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

func TestMain(m *testing.M) { childproc.Main(m) }

func TestExitSkipsDefers(t *testing.T) { catalog.Prove(t, ExitSkipsDefers) }

func TestFatalInHelper(t *testing.T) { catalog.Prove(t, FatalInHelper) }

func TestPanicInGoroutine(t *testing.T) { catalog.Prove(t, PanicInGoroutine) }

func TestExitStatus(t *testing.T) { catalog.Prove(t, ExitStatus) }

func TestFatalFromGoroutine(t *testing.T) { catalog.Prove(t, FatalFromGoroutine) }

func TestClosedStderr(t *testing.T) { catalog.Prove(t, ClosedStderr) }

func TestLockOutlivesProcess(t *testing.T) { catalog.Prove(t, LockOutlivesProcess) }
