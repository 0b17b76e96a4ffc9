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
	floors []floor
}

type floor struct {
	name, path string
	took       []time.Duration
}

// NewBaseline builds the two Go programs, if need be.
func NewBaseline() (*Baseline, error) {
	minimal, err := MinimalProgram()
	if err != nil {
		return nil, err
	}
	spawner, err := SpawnerProgram()
	if err != nil {
		return nil, err
	}
	return &Baseline{floors: []floor{
		{name: "true", path: "/bin/true"},
		{name: "minimal-go", path: minimal},
		{name: "go-runs-true", path: spawner},
	}}, nil
}

// Sample times each floor once; call it once per benchmark iteration,
// with the timer stopped.
func (bl *Baseline) Sample() error {
	for i := range bl.floors {
		f := &bl.floors[i]
		start := time.Now()
		if err := exec.Command(f.path).Run(); err != nil {
			return err
		}
		f.took = append(f.took, time.Since(start))
	}
	return nil
}

// Report adds the median of samples, in milliseconds, and its ratios to
// the floors' medians, to the benchmark's results.
func (bl *Baseline) Report(b *testing.B, samples []time.Duration) {
	m := median(samples)
	b.ReportMetric(ms(m), "ms-median")
	for _, f := range bl.floors {
		b.ReportMetric(ms(median(f.took)), "ms-"+f.name)
		b.ReportMetric(float64(m)/float64(median(f.took)), "x-"+f.name)
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
