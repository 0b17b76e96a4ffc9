package childproc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
)

// Proc is a running child.
type Proc struct {
	Pid  int // the child's pid, which is also its process group id
	role role.Role
	cmd  *exec.Cmd

	bound          time.Duration // from the role's start
	deadline       time.Duration // the test's: the safety net for everything else
	start, end     time.Time
	stdout, stderr *os.File
	ctrl           *os.File
	events         *Feed
	done           chan struct{} // closed once the child has exited and been reaped
	timer          *time.Timer
	stuck          *stuckState

	// reapMu is held while the child is reaped, and while its group is
	// signalled through kill(-pgid): until it is reaped, the child's pid
	// cannot be reused, so the group id names no one else.
	reapMu sync.Mutex
	reaped bool

	mu          sync.Mutex
	exited      bool
	timedOut    bool // the bound ran out while the child was running
	stopped     bool // the proof stopped it
	waited      bool // the proof waited for it
	groupKilled bool // the proof expected what was left of its group
}

// Start runs role r in a new child process and returns at once. The proof
// must then either wait for the child (Wait, Run) or stop it once it has
// its evidence (Stop, Kill); the test fails otherwise. Whatever is left is
// cleaned up when the test ends.
func Start(t T, r role.Role, opts ...Option) *Proc {
	t.Helper()
	if !supported {
		t.Skipf("childproc runs proofs on Linux only: they read their evidence from /proc")
	}
	def, err := markUsed(r)
	if err != nil {
		t.Fatalf("%v", err)
	}
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	exe, err := program(def)
	if errors.Is(err, ErrNoCgo) {
		t.Skipf("%s needs cgo, which cannot build here (a C compiler, gcc): %v", r, err)
	}
	if err != nil {
		t.Fatalf("%v", err)
	}
	p, err := launch(exe, r, cfg, bound(t, cfg.timeout), bound(t, 0))
	if err != nil {
		t.Fatalf("start %s: %v", r, err)
	}
	t.Cleanup(func() { p.cleanup(t) })
	return p
}

// Run starts role r and waits for it to end.
func Run(t T, r role.Role, opts ...Option) Result {
	t.Helper()
	return Start(t, r, opts...).Wait(t)
}

// launch starts the child. Until its role begins, it is bounded only by
// startup, the test's deadline; from then on by limit.
func launch(exe string, r role.Role, cfg config, limit, startup time.Duration) (*Proc, error) {
	p := &Proc{role: r, bound: limit, deadline: startup, done: make(chan struct{}), stuck: cfg.stuck}
	var err error
	if p.stdout, err = tempFile("stdout"); err != nil {
		return nil, err
	}
	if p.stderr, err = tempFile("stderr"); err != nil {
		return nil, err
	}
	ctrlR, ctrlW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p.ctrl = ctrlR

	cmd := exec.Command(exe, cfg.args...)
	cmd.Env = childEnv(r, cfg.env)
	cmd.Dir = cfg.dir
	cmd.Stdin = cfg.stdin
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	cmd.ExtraFiles = append([]*os.File{ctrlW}, cfg.extra...)
	cmd.SysProcAttr = newAttr()
	if cfg.attr != nil {
		cfg.attr(cmd.SysProcAttr)
	}
	finishAttr(cmd.SysProcAttr)
	p.cmd = cmd

	ownMu.Lock()
	p.start = time.Now()
	err = cmd.Start()
	if err == nil {
		p.Pid = cmd.Process.Pid
		owned[p.Pid] = true
		groups[p.Pid] = p // the child leads a group whose id is its pid
	}
	ownMu.Unlock()
	ctrlW.Close() // only the child holds the write end now
	if err != nil {
		ctrlR.Close()
		p.closeFiles()
		return nil, err
	}

	// Exec and the runtime's start-up are not the role's time: a machine
	// under load can take long over them.
	p.timer = time.AfterFunc(startup, p.expire)
	p.events = NewFeed(ctrlR, p.keepEvent)
	go p.reap()
	return p, nil
}

// reap waits for the child to exit, stops its time bound at that moment,
// and only then reaps it.
func (p *Proc) reap() {
	waitExit(p.Pid)
	p.mu.Lock()
	p.exited = true
	p.end = time.Now()
	p.timer.Stop()
	p.mu.Unlock()

	p.reapMu.Lock()
	p.cmd.Wait()
	p.reaped = true
	p.reapMu.Unlock()
	ownMu.Lock()
	delete(owned, p.Pid)
	ownMu.Unlock()
	close(p.done)
}

// expire ends a child that reached its time bound.
func (p *Proc) expire() {
	p.mu.Lock()
	if p.exited || p.stopped {
		p.mu.Unlock()
		return
	}
	p.timedOut = true
	p.mu.Unlock()
	p.quit()
}

// keepEvent acts on the harness's own lines from a child and keeps the
// rest as events.
func (p *Proc) keepEvent(line string) bool {
	switch {
	case line == role.StartedEvent:
		p.mu.Lock()
		if !p.exited && !p.timedOut {
			p.timer.Reset(p.bound) // the bound counts from here
		}
		p.mu.Unlock()
		return false
	case strings.HasPrefix(line, role.UsesPrefix):
		markUsed(role.Named(strings.TrimPrefix(line, role.UsesPrefix)))
		return false
	}
	return true
}

// childEnv is the child's whole environment: nothing from the parent but
// what a program needs to run, so that every child starts the same way.
func childEnv(r role.Role, extra []string) []string {
	env := []string{
		role.Env + "=" + r.Name(),
		role.ControlEnv + "=3",
		"GOTRACEBACK=all", // SIGQUIT then dumps every goroutine
		"LANG=C",
		// A child built with -race would otherwise sleep a second before
		// every exit (the race runtime's atexit_sleep_ms).
		"GORACE=atexit_sleep_ms=0",
	}
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return append(env, extra...)
}

func tempFile(name string) (*os.File, error) {
	f, err := os.CreateTemp("", "procbugs-"+name+"-*")
	if err != nil {
		return nil, err
	}
	// Unlinked at once: the open descriptor keeps the data, and nothing is
	// left on disk whatever happens.
	os.Remove(f.Name())
	return f, nil
}

// Events returns the events received so far, "ready" included.
func (p *Proc) Events() []string { return p.events.Lines() }

// WaitReady waits until the child calls role.Ready.
func (p *Proc) WaitReady(t T) {
	t.Helper()
	p.Await(t, role.ReadyEvent)
}

// Await waits for an event that starts with prefix and returns it. It
// fails the test at once if the child ends first, with what it printed.
func (p *Proc) Await(t T, prefix string) string {
	t.Helper()
	e, ok := p.events.Await(prefix, nil)
	if !ok { // the child closed the control pipe: it has ended
		<-p.done
		t.Fatalf("%s ended before event %q: %s", p.role, prefix, p.ending())
	}
	return e
}

// AwaitPID waits for the pid the child reported with role.EmitPID.
func (p *Proc) AwaitPID(t T, name string) int {
	t.Helper()
	e := p.Await(t, name+" pid=")
	pid, err := strconv.Atoi(strings.TrimPrefix(e, name+" pid="))
	if err != nil {
		t.Fatalf("bad pid event %q: %v", e, err)
	}
	return pid
}

// Wait waits for the child to end by itself and returns what it left. A
// child that reached its time bound fails the test: it was stopped by the
// harness, and nothing it did after that is evidence.
func (p *Proc) Wait(t T) Result {
	t.Helper()
	if p.stuck != nil && p.becameStuck() {
		res := p.Stop(t)
		t.Fatalf("%s "+p.stuck.verdict+"\n%s", p.role, p.stuck.what, res.Stacks)
	}
	<-p.done
	p.mu.Lock()
	p.waited = true
	p.mu.Unlock()
	res := p.result()
	if !res.TimedOut {
		witness(t, Ended, p)
	}
	if res.TimedOut {
		t.Fatalf("%s reached its time bound of %v and was stopped: a timeout is never evidence\n%s",
			p.role, p.bound, res.Stacks)
	}
	return res
}

// Done is closed when the child has ended and been reaped.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Stop ends a child that the proof has proven stuck: SIGQUIT first, so
// that its goroutine stacks land in the Result, then SIGKILL to its whole
// group. It fails the test if the child had already reached its time
// bound, or had already ended: then the proof's evidence was not of a
// child that was stuck.
func (p *Proc) Stop(t T) Result {
	t.Helper()
	witness(t, Stopping, p)
	p.mu.Lock()
	timedOut, exited := p.timedOut, p.exited
	p.stopped, p.groupKilled = true, true
	p.mu.Unlock()
	if timedOut {
		t.Errorf("%s reached its time bound of %v before the proof stopped it", p.role, p.bound)
	} else if exited {
		<-p.done
		t.Errorf("%s had already ended (%s) when the proof stopped it: it was not stuck", p.role, p.result().Status())
	}
	p.quit()
	<-p.done
	p.reapGroup()
	return p.result()
}

// Kill ends the child's whole group with SIGKILL at once, without stacks,
// and reaps whatever of it was left to this process.
func (p *Proc) Kill(t T) Result {
	t.Helper()
	witness(t, Stopping, p)
	p.mu.Lock()
	p.stopped, p.groupKilled = true, true
	p.mu.Unlock()
	p.signalGroup(sigKill)
	<-p.done
	p.reapGroup()
	return p.result()
}

// quit sends SIGQUIT and, if the child has not ended within the grace
// period, SIGKILL to its group.
func (p *Proc) quit() {
	p.cmd.Process.Signal(sigQuit) // through a pidfd: never a reused pid
	go func() {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-p.done:
		case <-t.C:
			p.signalGroup(sigKill)
		}
	}()
}

// ending describes how the child ended, for a failure message.
func (p *Proc) ending() string {
	res := p.result()
	s := res.Status()
	if res.TimedOut {
		s += fmt.Sprintf(", stopped by the harness at its time bound of %v", p.bound)
	}
	return fmt.Sprintf("%s; events %q; stderr:\n%s", s, res.Events, res.Stderr)
}

func (p *Proc) result() Result {
	// Every event the child sent is read before the result is made: the
	// control pipe is close-on-exec, so EOF comes once the child has
	// exited and any descendant it was forking has exec'd. The bound is
	// only the test's deadline, however loaded the machine.
	t := time.NewTimer(p.deadline)
	defer t.Stop()
	select {
	case <-p.events.Done():
	case <-t.C:
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r := Result{Elapsed: p.end.Sub(p.start), TimedOut: p.timedOut, Stopped: p.stopped}
	for _, e := range p.events.Lines() {
		if e != role.ReadyEvent {
			r.Events = append(r.Events, e)
		}
	}
	if p.cmd.ProcessState != nil {
		r.ExitCode, r.Signal, r.CoreDump = decode(p.cmd.ProcessState)
	}
	r.ShellCode = r.ExitCode
	if r.Signal != 0 {
		r.ShellCode = 128 + int(r.Signal)
	}
	r.Stdout, r.Stderr = readAll(p.stdout), readAll(p.stderr)
	if r.TimedOut || r.Stopped {
		r.Stacks = stacksFrom(r.Stderr)
	}
	return r
}

func (p *Proc) closeFiles() {
	for _, f := range []*os.File{p.stdout, p.stderr, p.ctrl} {
		if f != nil {
			f.Close()
		}
	}
}

func readAll(f *os.File) string {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return ""
	}
	b, _ := io.ReadAll(f)
	return string(b)
}

func describe(pid int) string { return fmt.Sprintf("%d (%s)", pid, procfs.Comm(pid)) }

// Finish runs r to its end, bounded by FinishBound, for a proof whose
// child must finish by itself. Options may set another bound.
func Finish(t T, r role.Role, opts ...Option) Result {
	t.Helper()
	return Run(t, r, append([]Option{Timeout(FinishBound)}, opts...)...)
}
