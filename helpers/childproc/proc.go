package childproc

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Proc is a running child.
type Proc struct {
	Pid  int // the child's pid, which is also its process group id
	role Role
	cmd  *exec.Cmd

	start, end     time.Time
	stdout, stderr *os.File
	ctrl           *os.File
	events         *Feed         // the control pipe's events
	done           chan struct{} // closed once the child has been reaped
	waitErr        error
	timer          *time.Timer

	mu          sync.Mutex
	timedOut    bool
	stopped     bool
	groupKilled bool // the test killed the group on purpose
}

// Start runs role r in a new child process and returns at once. The child
// is stopped and cleaned up when the test ends.
func Start(t T, r Role, opts ...Option) *Proc {
	t.Helper()
	if !supported {
		t.Skipf("childproc runs proofs on Linux only: they read their evidence from /proc")
	}
	if err := markUsed(r); err != nil {
		t.Fatalf("%v", err)
	}
	cfg := config{timeout: DefaultTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok && time.Until(dl)-2*grace < cfg.timeout {
			cfg.timeout = max(time.Until(dl)-2*grace, grace)
		}
	}
	p, err := launch(r, cfg)
	if err != nil {
		t.Fatalf("start %s: %v", r, err)
	}
	t.Cleanup(func() { p.cleanup(t) })
	return p
}

// Run starts role r and waits for it to end.
func Run(t T, r Role, opts ...Option) Result {
	t.Helper()
	return Start(t, r, opts...).Wait(t)
}

func launch(r Role, cfg config) (*Proc, error) {
	p := &Proc{role: r, done: make(chan struct{})}
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

	cmd := exec.Command(executable(), cfg.args...)
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
		groups[p.Pid] = true // the child leads a group whose id is its pid
	}
	ownMu.Unlock()
	ctrlW.Close() // only the child holds the write end now
	if err != nil {
		ctrlR.Close()
		p.closeFiles()
		return nil, err
	}

	p.events = NewFeed(ctrlR, keepEvent)
	go func() {
		p.waitErr = cmd.Wait()
		p.end = time.Now()
		ownMu.Lock()
		delete(owned, p.Pid)
		ownMu.Unlock()
		close(p.done)
	}()
	p.timer = time.AfterFunc(cfg.timeout, func() {
		p.mu.Lock()
		p.timedOut = true
		p.mu.Unlock()
		p.quit()
	})
	return p, nil
}

// childEnv is the child's whole environment: nothing from the parent but
// what a program needs to run, so that every child starts the same way.
func childEnv(r Role, extra []string) []string {
	env := []string{
		roleEnv + "=" + r.name,
		controlEnv + "=3",
		"GOTRACEBACK=all", // SIGQUIT then dumps every goroutine
		"LANG=C",
		// A -race binary otherwise sleeps a second before every exit
		// (the race runtime's atexit_sleep_ms defaults to 1000).
		"GORACE=atexit_sleep_ms=0 " + os.Getenv("GORACE"),
	}
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "GOCOVERDIR", "SYSTEMROOT"} {
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
	// Unlinked at once where the OS allows it: the open descriptor keeps
	// the data, and nothing is left on disk whatever happens.
	os.Remove(f.Name())
	return f, nil
}

// keepEvent acts on the harness's own lines from a child and keeps the
// rest as events.
func keepEvent(line string) bool {
	if name, ok := strings.CutPrefix(line, usesEvent); ok {
		markUsed(Role{name: name})
		return false
	}
	return true
}

// Events returns the events received so far, "ready" included.
func (p *Proc) Events() []string { return p.events.Lines() }

// WaitReady waits until the child calls Ready.
func (p *Proc) WaitReady(t T) {
	t.Helper()
	p.Await(t, readyEvent)
}

// Await waits for an event that starts with prefix and returns it. It fails
// the test at once if the child exits first, with what the child printed.
func (p *Proc) Await(t T, prefix string) string {
	t.Helper()
	e, ok := p.events.Await(prefix, nil)
	if !ok { // the child closed the control pipe: it has ended
		<-p.done
		res := p.result()
		t.Fatalf("%s ended (%s) before event %q; events %q; stderr:\n%s",
			p.role, res.Status(), prefix, res.Events, res.Stderr)
	}
	return e
}

// AwaitPID waits for the pid the child reported with EmitPID(name, pid).
func (p *Proc) AwaitPID(t T, name string) int {
	t.Helper()
	e := p.Await(t, name+" pid=")
	pid, err := strconv.Atoi(strings.TrimPrefix(e, name+" pid="))
	if err != nil {
		t.Fatalf("bad pid event %q: %v", e, err)
	}
	return pid
}

// Wait waits for the child to end, by itself or by its time bound.
func (p *Proc) Wait(t T) Result {
	t.Helper()
	<-p.done
	return p.result()
}

// Done is closed when the child has ended and been reaped.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Stop ends a child that a test has proven stuck: SIGQUIT first, so that
// its goroutine stacks land in the Result, then SIGKILL to its whole group.
func (p *Proc) Stop(t T) Result {
	t.Helper()
	p.mu.Lock()
	p.stopped, p.groupKilled = true, true
	p.mu.Unlock()
	p.quit()
	<-p.done
	p.killGroupAndReap()
	return p.result()
}

// Kill ends the child's whole group with SIGKILL at once, without stacks,
// and reaps whatever of it was left to this process.
func (p *Proc) Kill(t T) Result {
	t.Helper()
	p.mu.Lock()
	p.stopped, p.groupKilled = true, true
	p.mu.Unlock()
	killGroup(p.Pid)
	<-p.done
	p.killGroupAndReap()
	return p.result()
}

// quit sends SIGQUIT and, if the child has not ended within the grace
// period, SIGKILL to its group.
func (p *Proc) quit() {
	sendQuit(p.Pid)
	go func() {
		select {
		case <-p.done:
		case <-time.After(grace):
			killGroup(p.Pid)
		}
	}()
}

func (p *Proc) result() Result {
	select {
	case <-p.events.Done():
	case <-time.After(grace):
		// A descendant kept the control pipe open; the child is gone.
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r := Result{Elapsed: p.end.Sub(p.start), TimedOut: p.timedOut, Stopped: p.stopped}
	for _, e := range p.events.Lines() {
		if e != readyEvent {
			r.Events = append(r.Events, e)
		}
	}
	r.ExitCode, r.Signal, r.CoreDump = decode(p.cmd.ProcessState)
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

func describe(pid int) string { return fmt.Sprintf("%d (%s)", pid, Comm(pid)) }
