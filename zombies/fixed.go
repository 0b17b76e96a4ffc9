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
