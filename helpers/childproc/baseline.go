package childproc

import (
	"os/exec"
	"slices"
	"testing"
	"time"
)

// A Baseline times, in the same run as a benchmark, the floor a child's
// start-up is compared with: fork, exec, exit and reap of /bin/true, and
// of a Go program that does nothing. Absolute times drift with the
// machine's load; ratios to a floor measured alongside do not.
type Baseline struct {
	minimal   string
	True, Min []time.Duration
}

// NewBaseline builds the minimal Go program, if need be.
func NewBaseline() (*Baseline, error) {
	minimal, err := MinimalProgram()
	return &Baseline{minimal: minimal}, err
}

// Sample times each floor once; call it once per benchmark iteration,
// with the timer stopped.
func (bl *Baseline) Sample() error {
	for _, c := range []struct {
		path string
		to   *[]time.Duration
	}{{"/bin/true", &bl.True}, {bl.minimal, &bl.Min}} {
		start := time.Now()
		if err := exec.Command(c.path).Run(); err != nil {
			return err
		}
		*c.to = append(*c.to, time.Since(start))
	}
	return nil
}

// Report adds the median of samples, in milliseconds, and its ratios to
// the two floors' medians, to the benchmark's results.
func (bl *Baseline) Report(b *testing.B, samples []time.Duration) {
	m := median(samples)
	b.ReportMetric(ms(m), "ms-median")
	b.ReportMetric(ms(median(bl.True)), "ms-true")
	b.ReportMetric(ms(median(bl.Min)), "ms-minimal-go")
	b.ReportMetric(float64(m)/float64(median(bl.True)), "x-true")
	b.ReportMetric(float64(m)/float64(median(bl.Min)), "x-minimal-go")
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
