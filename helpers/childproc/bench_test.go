//go:build linux

package childproc

import (
	"testing"
	"time"

	"procbugs/helpers/internal/selftest"
)

// BenchmarkStartToReady is the cost of one demonstration's start-up: the
// child program started as a role, up to its Ready event. It reports the
// median and its ratios to the floors of a Baseline, timed alongside.
func BenchmarkStartToReady(b *testing.B) {
	if _, err := Program(selftest.ReadyThenExit); err != nil {
		b.Fatal(err)
	}
	bl, err := NewBaseline()
	if err != nil {
		b.Fatal(err)
	}
	var ready []time.Duration
	for b.Loop() {
		start := time.Now()
		p := Start(b, selftest.ReadyThenExit)
		p.WaitReady(b)
		ready = append(ready, time.Since(start))
		b.StopTimer()
		p.Wait(b)
		if err := bl.Sample(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	bl.Report(b, ready)
}
