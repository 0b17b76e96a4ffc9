//go:build linux

package zombies

import (
	"context"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Fixed holds the same code with each bug mended.
type Fixed struct{}

// Launch starts a helper in the background and returns at once.
//
// A goroutine waits for it, so the kernel can free the helper's entry the
// moment it exits. exec.Cmd.Wait is the only call that reaps it; Run does
// Start and Wait in one.
func (c Fixed) Launch(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // nobody needs the status; the process table needs the reap
	return nil
}

// AdoptOrphans makes this process a child subreaper, so that orphaned
// descendants are re-parented to it rather than to init. Call stop when
// done.
//
// A reaper reaps each orphan as it exits, until stop, which returns once
// the reaper has.
func (c Fixed) AdoptOrphans() (stop func(), err error) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return func() {}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	reaped := make(chan struct{})
	go func() {
		defer close(reaped)
		c.Reap(ctx)
	}()
	return func() { cancel(); <-reaped }, nil
}

// Reap reaps, on every SIGCHLD, the exited children that no exec.Cmd is
// waiting for, until ctx is done.
func (c Fixed) Reap(ctx context.Context) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGCHLD)
	defer signal.Stop(sigs)
	c.ReapExited() // children that exited before Notify: their SIGCHLD came to nobody
	for {
		select {
		case <-ctx.Done():
			return
		case <-sigs:
			c.ReapExited()
		}
	}
}

// ReapExited reaps every exited child that no exec.Cmd owns: the adopted
// orphans. It waits for each by pid with WNOHANG, so it never blocks and
// never takes a status that a Wait is owed (the mitigation of
// golang/go#60481 that ramr/go-reaper's and hashicorp/go-reap's notes
// advise).
func (c Fixed) ReapExited() {
	owned.Lock()
	defer owned.Unlock()
	for _, pid := range children() {
		if owned.cmds[pid] == nil {
			var ws unix.WaitStatus
			unix.Wait4(pid, &ws, unix.WNOHANG, nil)
		}
	}
}

// StartChild starts cmd and records it as owned in one step, under the
// lock ReapExited holds while it looks: a child that exits at once is
// never seen unowned.
func (c Fixed) StartChild(cmd *exec.Cmd) error {
	owned.Lock()
	defer owned.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	owned.cmds[cmd.Process.Pid] = cmd
	return nil
}

// WaitChild waits for cmd and returns how it ended. ReapExited has left
// the child alone, so the status is always there.
func (c Fixed) WaitChild(cmd *exec.Cmd) error {
	defer disown(cmd)
	return cmd.Wait()
}

// RunChild runs cmd to the end: StartChild, then WaitChild.
func (c Fixed) RunChild(cmd *exec.Cmd) error {
	if err := c.StartChild(cmd); err != nil {
		return err
	}
	return c.WaitChild(cmd)
}

// Init runs app as the main child of a container's init and returns the
// status the init must exit with: the app's own, or 128+n when signal n
// killed it, as a shell reports it.
//
// Orphans are reaped, but never the app, whose status belongs to
// WaitChild. Signals are caught from before the app starts, and SIGINT,
// SIGTERM and SIGHUP go to the app's whole process group. As a subreaper
// it also works when it is not PID 1. It stops what it started before it
// returns.
func (c Fixed) Init(app *exec.Cmd) int {
	// 1. Reap orphans on SIGCHLD, leaving the app to WaitChild.
	stop, err := c.AdoptOrphans()
	defer stop()
	if err != nil {
		log.Print(err)
		return 1
	}

	// 2. Forward signals to the app and to every process of its group.
	app.Stdin, app.Stdout, app.Stderr = os.Stdin, os.Stdout, os.Stderr
	app.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	if err := c.StartChild(app); err != nil {
		log.Print(err)
		return 1
	}
	// The group's id is the app's pid, which names the group and no one
	// else until the app is reaped: forwarding stops before that.
	var forwarding sync.Mutex
	go func() {
		for s := range sigs {
			forwarding.Lock()
			syscall.Kill(-app.Process.Pid, s.(syscall.Signal))
			forwarding.Unlock()
		}
	}()

	// 3. Wait for the app and exit as it did.
	exited(app.Process.Pid)
	forwarding.Lock()
	if err := c.WaitChild(app); app.ProcessState == nil {
		log.Print(err)
		return 1
	}
	ws := app.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// Supervise runs the command newCmd makes again each time it ends, waiting
// longer after each crash, until ctx is done.
//
// A run that lasted longer than b.Healthy resets the back-off, so a rare
// crash is followed by a quick restart; and the doubling stops at b.Max.
func (c Fixed) Supervise(ctx context.Context, newCmd func(context.Context) *exec.Cmd, b Backoff) error {
	backoff := b.Initial
	for {
		cmd := newCmd(ctx)
		start := time.Now()
		err := c.RunChild(cmd)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ran := time.Since(start)
		if ran > b.Healthy {
			backoff = b.Initial
		}
		log.Printf("child died after %v (%v); restarting in %v", ran, err, backoff)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return ctx.Err()
		}
		backoff = min(2*backoff, b.Max)
	}
}

// owned holds the children that an exec.Cmd will Wait for, by pid.
// ReapExited leaves them alone.
var owned = struct {
	sync.Mutex
	cmds map[int]*exec.Cmd
}{cmds: map[int]*exec.Cmd{}}

// disown forgets cmd once its Wait has returned, unless its pid has
// already been given to a newer child.
func disown(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	owned.Lock()
	defer owned.Unlock()
	if owned.cmds[cmd.Process.Pid] == cmd {
		delete(owned.cmds, cmd.Process.Pid)
	}
}

// children lists this process's children, zombies included. A child is
// listed under the thread that forked it (or adopted it), so every
// thread's children file is read (proc(5), /proc/pid/task/tid/children).
func children() []int {
	tasks, _ := os.ReadDir("/proc/self/task")
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + t.Name() + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				out = append(out, pid)
			}
		}
	}
	return out
}

// StartService starts cmd in the background: a goroutine waits for it and
// logs how it ended. stop asks it to end (SIGTERM) and returns how it
// ended.
//
// The goroutine is the only caller of Wait. stop waits for it to finish
// and reads the error it kept: the channel's close orders the two.
func (c Fixed) StartService(cmd *exec.Cmd) (stop func() error, err error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var waitErr error
	exited := make(chan struct{})
	go func() {
		waitErr = cmd.Wait()
		log.Printf("service exited: %v", waitErr)
		close(exited)
	}()
	return func() error {
		cmd.Process.Signal(syscall.SIGTERM) // an error means it has exited already
		<-exited
		return waitErr
	}, nil
}

// RunGracefully runs cmd, made with exec.CommandContext. When the context
// is done it asks the child to stop with SIGTERM instead of killing it.
//
// Cancel only sends the signal: Run's own Wait waits for the child to
// stop. (Set cmd.WaitDelay too, and os/exec kills a child that takes
// longer than that.)
func (c Fixed) RunGracefully(cmd *exec.Cmd) error {
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			return err
		}
		return nil // Run's Wait waits until it has stopped
	}
	return cmd.Run()
}

// Alive reports whether process pid is running, as a supervisor polls a
// pid it read from a pid file.
//
// Release closes the pidfd FindProcess opened. (A supervisor that started
// the process keeps its one *os.Process instead, and asks it each time.)
func (c Fixed) Alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	defer p.Release()
	return p.Signal(syscall.Signal(0)) == nil
}

// ReapOnSignal reaps the children that have exited each time sigs, which
// the caller has passed to signal.Notify for SIGCHLD, delivers a signal,
// until sigs is closed.
//
// A SIGCHLD says that at least one child has exited, not which or how
// many: on each one, ReapExited reaps every exited child no exec.Cmd
// owns.
func (c Fixed) ReapOnSignal(sigs <-chan os.Signal) {
	for range sigs {
		c.ReapExited() // every child that has exited
	}
}

// RunForwarding starts cmd, runs setup (resize a terminal, write a pid
// file), then forwards SIGINT and SIGTERM to the child until a SIGCHLD
// says it has exited, and returns how it ended.
//
// It asks for SIGCHLD before Start, so a child that exits at once, even
// during setup, finds its signal waiting in the channel. (Asking later
// needs a look for an exit that came first, as Reap's first ReapExited.)
func (c Fixed) RunForwarding(cmd *exec.Cmd, setup func()) error {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGCHLD, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return err
	}
	setup()
	for s := range sigs {
		if s != syscall.SIGCHLD {
			cmd.Process.Signal(s)
			continue
		}
		if hasExited(cmd.Process.Pid) {
			return cmd.Wait()
		}
	}
	return nil // sigs is never closed
}

// Restart runs the command newCmd makes, and runs it again each time it
// exits, runs times in all.
//
// Each run gets a Cmd of its own: a Cmd runs once.
func (c Fixed) Restart(newCmd func() *exec.Cmd, runs int) {
	for range runs {
		cmd := newCmd()
		err := cmd.Run()
		log.Printf("worker exited: %v; restarting", err)
	}
}
