package childproc

import (
	"os/exec"
	"slices"
	"testing"
	"time"
)

// A Baseline times, in the same run as a benchmark, the floors a figure is
// compared with: fork, exec, exit and reap of /bin/true; of a Go program
// that does nothing; and of a Go program that runs /bin/true, the least a
// child whose evidence is a program it starts can cost. Absolute times
// drift with the machine's load; ratios to floors measured alongside do
// not.
type Baseline struct {
	minimal, spawner  string
	True, Min, Spawns []time.Duration
}

// NewBaseline builds the two Go programs, if need be.
func NewBaseline() (*Baseline, error) {
	minimal, err := MinimalProgram()
	if err != nil {
		return nil, err
	}
	spawner, err := SpawnerProgram()
	return &Baseline{minimal: minimal, spawner: spawner}, err
}

// Sample times each floor once; call it once per benchmark iteration,
// with the timer stopped.
func (bl *Baseline) Sample() error {
	for _, c := range []struct {
		path string
		to   *[]time.Duration
	}{{"/bin/true", &bl.True}, {bl.minimal, &bl.Min}, {bl.spawner, &bl.Spawns}} {
		start := time.Now()
		if err := exec.Command(c.path).Run(); err != nil {
			return err
		}
		*c.to = append(*c.to, time.Since(start))
	}
	return nil
}

// Report adds the median of samples, in milliseconds, and its ratios to
// the floors' medians, to the benchmark's results.
func (bl *Baseline) Report(b *testing.B, samples []time.Duration) {
	m := median(samples)
	b.ReportMetric(ms(m), "ms-median")
	for _, f := range []struct {
		name string
		d    []time.Duration
	}{{"true", bl.True}, {"minimal-go", bl.Min}, {"go-runs-true", bl.Spawns}} {
		b.ReportMetric(ms(median(f.d)), "ms-"+f.name)
		b.ReportMetric(float64(m)/float64(median(f.d)), "x-"+f.name)
	}
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
