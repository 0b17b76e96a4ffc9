//go:build unix

package childproc

import (
	"os/exec"
	"testing"
)

// BenchmarkStartToReady is the cost of one demonstration's start-up: the
// test binary re-executed as a role, up to its Ready event.
func BenchmarkStartToReady(b *testing.B) {
	for b.Loop() {
		p := Start(b, readyThenExit)
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
