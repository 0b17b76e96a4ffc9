//go:build linux

package signals_test

import (
	"testing"

	"procbugs/signals"
	"procbugs/signals/proofs"
)

// The fixed proofs that fail a child on the state its broken half ends up
// in pass other correct programs, which pass near that state and then go
// on (otherfixes.go).
func TestFixedProofsAcceptOtherFixes(t *testing.T) {
	t.Parallel()
	t.Run("forgotten-stop: signal.Reset instead of signal.Stop", func(t *testing.T) {
		t.Parallel()
		proofs.ForgottenStop.Fixed.Prove(t, signals.ForgottenStopReset)
	})
	t.Run("wait-delay: a kill on a timer of its own instead of WaitDelay", func(t *testing.T) {
		t.Parallel()
		proofs.WaitDelayKill.Fixed.Prove(t, signals.WaitDelayOwnTimer)
	})
}
