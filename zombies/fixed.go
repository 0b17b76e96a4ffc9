//go:build linux

package zombies

import (
	"context"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
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
func (Fixed) Launch(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // nobody needs the status; the process table needs the reap
	return nil
}

// AdoptOrphans makes this process a child subreaper, so that orphaned
// descendants are re-parented to it rather than to init, and reaps each
// one as it exits.
func (f Fixed) AdoptOrphans(ctx context.Context) error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return err
	}
	go f.Reap(ctx)
	return nil
}

// Reap collects, on every SIGCHLD, the exited children that no exec.Cmd is
// waiting for: the adopted orphans. The children RunChild and Init start
// are left to their own Wait, so no exit status is stolen.
func (Fixed) Reap(ctx context.Context) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGCHLD)
	defer signal.Stop(sigs)
	reapUnowned() // children that exited before Notify sent a SIGCHLD nobody saw
	for {
		select {
		case <-ctx.Done():
			return
		case <-sigs:
			reapUnowned()
		}
	}
}

// RunChild runs cmd to the end and returns how it ended.
//
// It registers the child as owned for as long as its Wait may be pending,
// so that Reap leaves it alone.
func (Fixed) RunChild(cmd *exec.Cmd) error {
	if err := startOwned(cmd); err != nil {
		return err
	}
	defer disown(cmd)
	return cmd.Wait()
}

// Init runs cmd as the main child of a container's init and returns the
// status the init must exit with: the child's own, or 128+n when signal n
// killed it, as a shell reports it.
//
// Orphans are reaped, but never the main child, whose status belongs to
// Wait. SIGINT, SIGTERM and SIGHUP go to the main child's whole process
// group. As a subreaper it also works when it is not PID 1.
func (f Fixed) Init(cmd *exec.Cmd) int {
	// 1. Reap orphans on SIGCHLD, leaving the main child to Wait.
	if err := f.AdoptOrphans(context.Background()); err != nil {
		log.Print(err)
		return 1
	}

	// 2. Forward signals to the app and to every process of its group.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	if err := startOwned(cmd); err != nil {
		log.Print(err)
		return 1
	}
	defer disown(cmd)
	go func() {
		for s := range sigs {
			syscall.Kill(-cmd.Process.Pid, s.(syscall.Signal))
		}
	}()

	// 3. Wait for the app and exit as it did.
	if err := cmd.Wait(); cmd.ProcessState == nil {
		log.Print(err)
		return 1
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
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
func (Fixed) Supervise(ctx context.Context, newCmd func(context.Context) *exec.Cmd, b Backoff) error {
	backoff := b.Initial
	for {
		cmd := newCmd(ctx)
		start := time.Now()
		err := cmd.Run()
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

// owned holds the children that an exec.Cmd will Wait for. Fixed's reaper
// leaves them alone: it reaps only the orphans nobody owns (the mitigation
// of golang/go#60481, as ramr/go-reaper's and hashicorp/go-reap's notes
// advise).
var owned = struct {
	sync.Mutex
	pids map[int]bool
}{pids: map[int]bool{}}

// startOwned starts cmd and registers its pid in one step, under the lock
// the reaper holds while it looks: a child that exits at once is never
// seen unowned.
func startOwned(cmd *exec.Cmd) error {
	owned.Lock()
	defer owned.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	owned.pids[cmd.Process.Pid] = true
	return nil
}

// disown forgets cmd once its Wait has returned.
func disown(cmd *exec.Cmd) {
	owned.Lock()
	defer owned.Unlock()
	delete(owned.pids, cmd.Process.Pid)
}

// reapUnowned reaps every exited child of this process that nobody owns.
// Wait4 on one pid with WNOHANG never blocks and never touches another
// child.
func reapUnowned() {
	owned.Lock()
	defer owned.Unlock()
	for _, pid := range children() {
		if !owned.pids[pid] {
			var ws unix.WaitStatus
			unix.Wait4(pid, &ws, unix.WNOHANG, nil)
		}
	}
}

// children lists this process's children, zombies included. A child is
// listed under the thread that forked it (or adopted it), so every
// thread's children file is read (proc(5), /proc/pid/task/tid/children).
func children() []int {
	tasks, _ := os.ReadDir("/proc/self/task")
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile(filepath.Join("/proc/self/task", t.Name(), "children"))
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
