//go:build linux

package pipes_test

import (
	"testing"
	"time"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/pipes"
)

// BenchmarkPipeHangEvidence measures how long it takes to prove the
// wait-before-read deadlock: from starting the child to the writer seen
// blocked on a full pipe while the parent waits. Stopping the hung child
// is not counted. It reports the median and its ratios to the floors of a
// Baseline, timed alongside. The nearest floor is a Go program that runs
// /bin/true: the proof's child is a Go program that starts head.
func BenchmarkPipeHangEvidence(b *testing.B) {
	if _, err := childproc.Program(pipes.WaitBeforeRead.Broken); err != nil {
		b.Fatal(err)
	}
	bl, err := childproc.NewBaseline()
	if err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		p := childproc.Start(b, pipes.WaitBeforeRead.Broken)
		writer := p.AwaitChild(b)
		p.Until(b, "the writer blocks with a full pipe while the parent waits", func() bool {
			queued, err := procfs.PipeQueued(writer, 1)
			capacity, _ := procfs.PipeCapacity(writer, 1)
			return err == nil && queued == capacity && procfs.SleepsIn(writer, procfs.PipeWrite) &&
				procfs.SleepsIn(p.Pid, procfs.DoWait)
		})
		took = append(took, time.Since(start))
		b.StopTimer()
		p.Kill(b)
		if err := bl.Sample(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	bl.Report(b, took)
}
