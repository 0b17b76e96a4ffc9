package childproc

import (
	"fmt"
	"runtime"
	"sync"
)

// A Recorder is a T that records what a proof reports instead of
// reporting it to `go test`: cmd/procbugs runs proofs live with it, the
// negative controls run a proof against the other half's code with it,
// and the harness's own tests check its failures with it.
type Recorder struct {
	name     string
	watch    func(moment string, p *Proc)
	mu       sync.Mutex
	logs     []string
	errors   []string
	skipped  string
	cleanups []func()
}

var _ T = (*Recorder)(nil)

// Record runs proof in a goroutine, as `go test` runs a test, so that
// FailNow and Skipf can end it with runtime.Goexit and its deferred calls
// still run; then it runs the cleanups the proof registered. A panic in
// the proof is recorded as an error.
func Record(name string, proof func(t T)) *Recorder {
	return RecordWatching(name, nil, proof)
}

// RecordWatching is Record with a witness: watch is called at each moment
// the proof takes its evidence from a child (see Witness), so that a
// reader can be shown the processes as they stood then.
func RecordWatching(name string, watch func(moment string, p *Proc), proof func(t T)) *Recorder {
	r := &Recorder{name: name, watch: watch}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if v := recover(); v != nil {
				r.Errorf("panic: %v", v)
			}
		}()
		proof(r)
	}()
	<-done
	r.runCleanups()
	return r
}

// Witness passes a moment of the proof to the recorder's watcher.
func (r *Recorder) Witness(moment string, p *Proc) {
	if r.watch != nil {
		r.watch(moment, p)
	}
}

func (r *Recorder) Cleanup(f func()) { r.mu.Lock(); r.cleanups = append(r.cleanups, f); r.mu.Unlock() }
func (r *Recorder) Helper()          {}
func (r *Recorder) Name() string     { return r.name }
func (r *Recorder) FailNow()         { runtime.Goexit() }

func (r *Recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *Recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); r.FailNow() }

func (r *Recorder) Failed() bool { r.mu.Lock(); defer r.mu.Unlock(); return len(r.errors) > 0 }

func (r *Recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *Recorder) Skipf(format string, args ...any) {
	r.mu.Lock()
	r.skipped = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	runtime.Goexit()
}

// Errors returns what the proof reported as failures.
func (r *Recorder) Errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errors...)
}

// Logs returns the proof's Logf lines.
func (r *Recorder) Logs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.logs...)
}

// Skipped returns why the proof skipped, or "".
func (r *Recorder) Skipped() string { r.mu.Lock(); defer r.mu.Unlock(); return r.skipped }

func (r *Recorder) runCleanups() {
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
