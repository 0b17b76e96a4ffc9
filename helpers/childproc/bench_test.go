//go:build linux

package childproc

import (
	"os/exec"
	"testing"

	"procbugs/helpers/internal/selftest"
)

// BenchmarkStartToReady is the cost of one demonstration's start-up: the
// child program started as a role, up to its Ready event.
func BenchmarkStartToReady(b *testing.B) {
	if _, err := Program(selftest.ReadyThenExit); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		p := Start(b, selftest.ReadyThenExit)
		p.WaitReady(b)
		b.StopTimer()
		p.Wait(b)
		b.StartTimer()
	}
}

// BenchmarkStartTrue is the floor to compare it with: fork and exec of a
// program that does nothing, waited for.
func BenchmarkStartTrue(b *testing.B) {
	for b.Loop() {
		if err := exec.Command("/bin/true").Run(); err != nil {
			b.Fatal(err)
		}
	}
}
