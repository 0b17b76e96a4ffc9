//go:build linux

package signals

import (
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

func TestMain(m *testing.M) { childproc.Main(m) }

func TestUnbufferedNotify(t *testing.T) { catalog.Prove(t, UnbufferedNotify) }

func TestExitOnSignal(t *testing.T) { catalog.Prove(t, ExitOnSignal) }

func TestDeferredStop(t *testing.T) { catalog.Prove(t, DeferredStop) }

func TestForgottenStop(t *testing.T) { catalog.Prove(t, ForgottenStop) }

// TestStopAndReset proves the rest of what 001 Q8 says of signal.Stop: the
// signal goes on to the other channels, or back to its default, which for
// SIGHUP is to end the process and for SIGUSR1 is to do nothing.
func TestStopAndReset(t *testing.T) {
	t.Run("after Stop of one channel another still receives", func(t *testing.T) {
		res := childproc.Run(t, stopReset, childproc.Args("two-channels"))
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		assert.Equal(t, []string{"b got hangup", "a got nothing"}, res.Events)
		t.Logf("two channels for SIGHUP, Stop(a), SIGHUP: %q", res.Events)
	})
	t.Run("after Reset SIGHUP ends the process", func(t *testing.T) {
		proveKilledBy(syscall.SIGHUP, childproc.Args("reset"))(t, stopReset)
	})
	t.Run("after Stop SIGUSR1 does nothing, its Go default", func(t *testing.T) {
		p := childproc.Start(t, stopReset, childproc.Args("stop-usr1"))
		p.WaitReady(t)
		p.Signal(t, syscall.SIGUSR1)
		childproc.Poll(t, childproc.DefaultTimeout, "the SIGUSR1 is delivered", func() bool {
			return !pending(p.Pid, syscall.SIGUSR1)
		})
		require.True(t, childproc.Alive(p.Pid), "SIGUSR1 did not end the child")
		p.Kill(t)
		t.Logf("SIGUSR1 after Stop: delivered to Go's handler, which did nothing; the child lived on")
	})
}
