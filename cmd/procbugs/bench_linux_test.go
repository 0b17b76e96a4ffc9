package main

import (
	"bytes"
	"slices"
	"syscall"
	"testing"
	"time"

	"procbugs/helpers/childproc"
)

// BenchmarkRunAll times `procbugs run` over the whole catalog, in this
// process: the median wall time of a run, and the median of its CPU time,
// this process's and that of every process it reaped (the children, and
// the grandchildren they reaped). Beside them, timed in the same run as
// floors, the start of /bin/true and of a Go program that does nothing
// (childproc.Baseline): absolute times drift with the machine's load.
//
//	go test -run '^$' -bench RunAll -benchtime 5x ./cmd/procbugs
func BenchmarkRunAll(b *testing.B) {
	var out bytes.Buffer
	u := &ui{out: &out, err: &out}
	// The first run builds the child program if the tree changed; it is
	// not what is timed.
	if code := procbugs(u, []string{"run", "pipes/wait-before-read"}); code != exitOK {
		b.Fatalf("procbugs run exited %d:\n%s", code, out.String())
	}
	bl, err := childproc.NewBaseline()
	if err != nil {
		b.Fatal(err)
	}
	cpu := func() time.Duration {
		var s, k syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &s)
		syscall.Getrusage(syscall.RUSAGE_CHILDREN, &k)
		return time.Duration(s.Utime.Nano() + s.Stime.Nano() + k.Utime.Nano() + k.Stime.Nano())
	}
	var walls, cpus []time.Duration
	for b.Loop() {
		out.Reset()
		cpu0, start := cpu(), time.Now()
		if code := procbugs(u, []string{"run"}); code != exitOK {
			b.Fatalf("procbugs run exited %d:\n%s", code, out.String())
		}
		walls, cpus = append(walls, time.Since(start)), append(cpus, cpu()-cpu0)
		b.StopTimer()
		if err := bl.Sample(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	bl.Report(b, walls)
	slices.Sort(cpus)
	b.ReportMetric(float64(cpus[len(cpus)/2])/float64(time.Millisecond), "cpu-ms-median")
}
