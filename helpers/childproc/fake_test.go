//go:build unix

package childproc

import (
	"fmt"
	"runtime"
	"sync"
)

// fakeT records what the harness reports, so that a test can check the
// harness's own failures without failing itself.
type fakeT struct {
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (f *fakeT) Cleanup(fn func())         { f.mu.Lock(); f.cleanups = append(f.cleanups, fn); f.mu.Unlock() }
func (f *fakeT) Helper()                   {}
func (f *fakeT) Name() string              { return "fake" }
func (f *fakeT) Logf(string, ...any)       {}
func (f *fakeT) FailNow()                  { runtime.Goexit() }
func (f *fakeT) Skipf(string, ...any)      { runtime.Goexit() }
func (f *fakeT) Fatalf(s string, a ...any) { f.Errorf(s, a...); f.FailNow() }
func (f *fakeT) Failed() bool              { f.mu.Lock(); defer f.mu.Unlock(); return len(f.errors) > 0 }

func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// run calls fn in a goroutine, as testing runs a test, so that FailNow can
// end it, then runs the cleanups.
func (f *fakeT) run(fn func(t T)) []string {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.errors
}
