package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
)

// canRunLive says why the proofs cannot run here, or nil: they read their
// evidence from Linux's /proc, and their children are a program built from
// the source tree with the go command.
func canRunLive() error {
	if runtime.GOOS != "linux" {
		return fmt.Errorf("the proofs run on Linux only: they read their evidence from /proc (this is %s)", runtime.GOOS)
	}
	if _, err := moduleRoot(); err != nil {
		return errors.New("the proofs need the source tree: their children are built from it; run procbugs inside a clone of procbugs")
	}
	if _, err := exec.LookPath("go"); err != nil {
		return errors.New("the proofs need the go command on PATH: their children are built with it")
	}
	return nil
}

// A half is what one proof saw: its observation, and the pictures of its
// processes at each moment it took evidence.
type half struct {
	obs  catalog.Observation
	pics []picture
}

// live runs observations so that an interrupt stops them: on SIGINT or
// SIGTERM it kills the group of every child the harness started, and sweeps
// any orphan that escaped its group.
type live struct {
	u     *ui
	sweep func() []string
	sigs  chan os.Signal
	got   os.Signal
	swept []string // orphans the interrupt swept

	mu       sync.Mutex
	stopping bool // interrupted: start nothing more
}

// startLive checks that proofs can run here, makes this process a child
// subreaper and catches the interrupts.
func startLive(u *ui, cmd string) (*live, error) {
	if err := canRunLive(); err != nil {
		return nil, fmt.Errorf("procbugs %s cannot run the proofs here: %v", cmd, err)
	}
	sweep, err := childproc.Supervise()
	if err != nil {
		return nil, fmt.Errorf("procbugs %s: %v", cmd, err)
	}
	l := &live{u: u, sweep: sweep, sigs: make(chan os.Signal, 1)}
	signal.Notify(l.sigs, os.Interrupt, syscall.SIGTERM)
	return l, nil
}

func (l *live) close() { signal.Stop(l.sigs) }

// prepare builds the child programs that the entries' roles run in, before
// any proof starts: a proof's time is then the proof's own, and a tree
// that does not build says so at once. A role that needs cgo where no C
// compiler works is left to its proof, which says that it cannot run
// here.
func (l *live) prepare(entries []catalog.Entry) error {
	// One program per lesson package and kind of build: a role runs in
	// the program of its own package.
	type build struct {
		pkg       string
		cgo, race bool
	}
	kinds := map[build]role.Role{}
	for _, e := range entries {
		for _, r := range []role.Role{e.Roles.Broken, e.Roles.Fixed} {
			if d, ok := role.Lookup(r.Name()); ok {
				k := build{d.Pkg, d.Cgo || d.Race, d.Race}
				if _, seen := kinds[k]; !seen {
					kinds[k] = r
				}
			}
		}
	}
	l.u.status("Building the child program from the source tree…")
	defer l.u.clearStatus()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var plain error
	for k, r := range kinds {
		wg.Go(func() {
			if _, err := childproc.Program(r); err != nil && !k.cgo {
				mu.Lock()
				plain = errors.Join(plain, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return plain
}

func (l *live) stopped() bool { l.mu.Lock(); defer l.mu.Unlock(); return l.stopping }

// prove runs one half of an entry and pictures its processes at each
// moment its proof takes evidence.
func (l *live) prove(e catalog.Entry, broken, exercise bool) half {
	var mu sync.Mutex
	var pics []picture
	names := map[int]string{}
	watch := func(moment string, p *childproc.Proc) {
		if !e.Tree {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		pic := capture(moment, p, names)
		pics = append(pics, pic)
		if broken && moment == childproc.Evidence {
			freezeAtEvidence()
		}
	}
	obs := catalog.ObserveWatching(e, broken, exercise, watch)
	mu.Lock()
	defer mu.Unlock()
	return half{obs: obs, pics: pics}
}

// observe runs one half of an entry in the background, so that an
// interrupt is answered at once. ok is false when the user interrupted it.
func (l *live) observe(e catalog.Entry, broken, exercise bool) (h half, ok bool) {
	done := make(chan half, 1)
	go func() { done <- l.prove(e, broken, exercise) }()
	select {
	case h = <-done:
		// An interrupt that came as the proof ended still stops the run.
		select {
		case l.got = <-l.sigs:
			l.interrupt()
			return h, false
		default:
			return h, true
		}
	case l.got = <-l.sigs:
		l.interrupt()
		return half{}, false
	}
}

// interrupt stops every child and starts nothing more.
func (l *live) interrupt() {
	l.mu.Lock()
	l.stopping = true
	l.mu.Unlock()
	childproc.StopAll()
	l.settle()
}

// settle waits, within a bound, until no child of this process is left:
// the harness reaps the children it started once they die, and the sweep
// kills and reaps any orphan. Exiting before that would hand zombies and
// orphans to whoever started procbugs.
func (l *live) settle() {
	deadline := time.Now().Add(2 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for len(procfs.Children(os.Getpid())) > 0 && time.Now().Before(deadline) {
		childproc.StopAll() // a proof may have started a child since
		l.swept = append(l.swept, l.sweep()...)
		<-tick.C
	}
}

// finish sweeps orphans and reports them: a proof must leave nothing.
func (l *live) finish() []string {
	left := l.sweep()
	if len(left) > 0 {
		l.u.errorf("procbugs: processes outlived the proofs that started them and were killed: %s\n",
			strings.Join(left, ", "))
	}
	return left
}

// interrupted reports the interrupt and returns the exit status for it.
func (l *live) interrupted(start time.Time) int {
	left := append(l.swept, l.sweep()...)
	l.u.clearStatus()
	name := "SIGINT"
	if l.got == syscall.SIGTERM {
		name = "SIGTERM"
	}
	msg := fmt.Sprintf("procbugs: interrupted by %s after %v; stopped every child", name,
		time.Since(start).Round(time.Millisecond))
	if len(left) > 0 {
		msg += " and swept " + strings.Join(left, ", ")
	}
	l.u.errorf("\n%s\n", msg)
	if l.got == syscall.SIGTERM {
		return 128 + int(syscall.SIGTERM)
	}
	return exitInterrupted
}

// An entryRun is both halves of one entry, once observed.
type entryRun struct {
	entry         catalog.Entry
	broken, fixed half
}

// bothHalves and brokenHalf say which halves observeAll runs.
var (
	bothHalves = []bool{true, false}
	brokenHalf = []bool{true}
)

// observeAll runs the given halves of every entry, up to workers halves
// at a time; an entry marked Serial runs alone, with nothing else running.
// With exercise, the broken half is held to the fixed proof. It calls
// done, on the caller's goroutine, as each entry completes (in any order).
// It returns false if the user interrupted it.
func (l *live) observeAll(entries []catalog.Entry, halves []bool, exercise bool, workers int, done func(i int, r entryRun)) bool {
	type job struct {
		i      int
		broken bool
	}
	type result struct {
		job
		h half
	}
	jobs := make(chan job)
	results := make(chan result, len(halves)*len(entries))
	var inFlight sync.WaitGroup
	run := func(j job) {
		if !l.stopped() {
			results <- result{j, l.prove(entries[j.i], j.broken, exercise)}
		} else {
			results <- result{job: j}
		}
	}
	for range max(workers, 1) {
		go func() {
			for j := range jobs {
				run(j)
				inFlight.Done()
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i, e := range entries {
			if e.Serial {
				inFlight.Wait() // the proof needs this process to itself
				for _, broken := range halves {
					run(job{i, broken})
				}
				continue
			}
			for _, broken := range halves {
				inFlight.Add(1)
				jobs <- job{i, broken}
			}
		}
	}()

	runs := make([]entryRun, len(entries))
	seen := make([]int, len(entries))
	for finished := 0; finished < len(entries); {
		select {
		case r := <-results:
			runs[r.i].entry = entries[r.i]
			if r.broken {
				runs[r.i].broken = r.h
			} else {
				runs[r.i].fixed = r.h
			}
			if seen[r.i]++; seen[r.i] == len(halves) {
				finished++
				if l.stopped() {
					continue
				}
				done(r.i, runs[r.i])
			}
		case l.got = <-l.sigs:
			l.interrupt()
			return false
		}
	}
	// An interrupt that came as the last proof ended still stops the run.
	select {
	case l.got = <-l.sigs:
		l.interrupt()
		return false
	default:
	}
	return !l.stopped()
}
