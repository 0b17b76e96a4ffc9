package catalog

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"procbugs/helpers/childproc"
)

// An Observation is what a proof saw when it ran outside `go test`.
type Observation struct {
	ID       string
	Half     string // "broken" or "fixed"
	Says     string
	Logs     []string // the proof's Logf lines: what it observed
	Failures []string // what contradicted the record
	Skipped  string   // why it could not run here
	Elapsed  time.Duration
}

// OK reports whether the observation agrees with the record.
func (o Observation) OK() bool { return len(o.Failures) == 0 }

// Observe runs one half of an entry live, in child processes, and records
// what its proof saw. With exercise set, the broken half is held to the
// fixed proof, as in exercise mode.
func Observe(e Entry, broken, exercise bool) Observation {
	h, name := e.Fixed, "fixed"
	prove := e.Fixed.Prove
	if broken {
		h, name = e.Broken, "broken"
		if !exercise {
			prove = e.Broken.Prove
		}
	}
	r := &recorder{name: e.ID + "/" + name}
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer r.runCleanups()
		defer func() {
			if v := recover(); v != nil {
				r.Errorf("panic: %v", v)
			}
		}()
		prove(r, h.Role)
	}()
	<-done
	return Observation{ID: e.ID, Half: name, Says: h.Says, Logs: r.logs, Failures: r.failures,
		Skipped: r.skipped, Elapsed: time.Since(start)}
}

// recorder is a childproc.T that records instead of reporting to testing.
// FailNow and Skipf end the proof's goroutine with runtime.Goexit, as
// testing does, so that its deferred calls still run.
type recorder struct {
	name     string
	mu       sync.Mutex
	logs     []string
	failures []string
	skipped  string
	cleanups []func()
}

var _ childproc.T = (*recorder)(nil)

func (r *recorder) Cleanup(f func()) { r.mu.Lock(); r.cleanups = append(r.cleanups, f); r.mu.Unlock() }
func (r *recorder) Helper()          {}
func (r *recorder) Name() string     { return r.name }

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); r.FailNow() }
func (r *recorder) FailNow()                          { runtime.Goexit() }

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.failures) > 0
}

func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *recorder) Skipf(format string, args ...any) {
	r.mu.Lock()
	r.skipped = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) runCleanups() {
	for {
		r.mu.Lock()
		if len(r.cleanups) == 0 {
			r.mu.Unlock()
			return
		}
		f := r.cleanups[len(r.cleanups)-1]
		r.cleanups = r.cleanups[:len(r.cleanups)-1]
		r.mu.Unlock()
		f()
	}
}
