//go:build unix

package pipes

import (
	"slices"
	"testing"
	"time"

	"procbugs/helpers/childproc"
)

// BenchmarkPipeHangEvidence measures how long it takes to prove the
// wait-before-read deadlock: from starting the child to the writer seen
// blocked in pipe_write with a full pipe. ms-median is the figure to quote;
// stopping the hung child is not counted.
func BenchmarkPipeHangEvidence(b *testing.B) {
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		p := childproc.Start(b, waitBeforeReadBroken)
		writer := p.AwaitChild(b)
		childproc.Poll(b, 5*time.Second, "the writer blocks with a full pipe", func() bool {
			if !childproc.BlockedIn(writer, "pipe_write") {
				return false
			}
			queued, err := childproc.PipeQueued(writer, 1)
			capacity, _ := childproc.PipeCapacity(writer, 1)
			return err == nil && queued == capacity
		})
		took = append(took, time.Since(start))
		b.StopTimer()
		p.Stop(b)
		b.StartTimer()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "ms-median")
}
