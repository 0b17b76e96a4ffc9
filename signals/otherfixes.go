//go:build linux

package signals

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

// Other fixes: correct programs that differ from fixed.go, each run
// through its entry's scenario, which the fixed proofs must pass. A proof
// that stops a child on the state its broken half ends up in must not
// stop these, which pass near that state and go on. Each is fixed.go with
// one method replaced. Linux alone: the states are read from /proc.
type (
	// resetInsteadOfStop gives the signals their default action back
	// with signal.Reset, not signal.Stop.
	resetInsteadOfStop struct{ Fixed }
	// killAfterOwnTimer follows its SIGTERM with a kill on a timer of its
	// own, not with WaitDelay: for a while Run waits for a listener that
	// ignored SIGTERM.
	killAfterOwnTimer struct{ Fixed }
)

var (
	ForgottenStopReset = lesson.Role("forgotten-stop/reset",
		func(args []string) int { return holdOffThenWait(resetInsteadOfStop{}, args) })
	WaitDelayOwnTimer = lesson.Role("wait-delay/own-timer",
		func(args []string) int { return cancelIgnoringListener(killAfterOwnTimer{}, args) })
)

// RunUninterrupted is broken.go's, mended by a Reset once it returns.
func (resetInsteadOfStop) RunUninterrupted(work func()) (deferred os.Signal) {
	defer signal.Reset(syscall.SIGINT, syscall.SIGTERM)
	return Broken{}.RunUninterrupted(work)
}

func (killAfterOwnTimer) RunWithTimeout(cmd *exec.Cmd) error {
	cmd.Cancel = func() error {
		time.AfterFunc(WaitDelay, func() { cmd.Process.Kill() })
		return cmd.Process.Signal(syscall.SIGTERM) // graceful first
	}
	return cmd.Run()
}
