//go:build linux

package zombies

import (
	"context"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Broken holds process-reaping code as it is often first written.
type Broken struct{}

// Launch starts a helper in the background and returns at once.
//
// Nobody ever calls Wait, so once the helper exits the kernel keeps its
// exit status in a zombie (state Z) until this process exits.
func (c Broken) Launch(cmd *exec.Cmd) error {
	return cmd.Start()
}

// AdoptOrphans makes this process a child subreaper, so that orphaned
// descendants are re-parented to it rather than to init. Call stop when
// done.
//
// It adopts them but never reaps them: every orphan that exits stays a
// zombie, and they pile up.
func (c Broken) AdoptOrphans() (stop func(), err error) {
	return func() {}, unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// Reap is the reaper of 000 §10: on every SIGCHLD it reaps what has
// exited, until ctx is done.
func (c Broken) Reap(ctx context.Context) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGCHLD)
	defer signal.Stop(sigs)
	for {
		select {
		case <-ctx.Done():
			return
		case <-sigs:
			c.ReapExited()
		}
	}
}

// ReapExited reaps every child that has exited: Wait4(-1, WNOHANG) until
// none is left.
//
// -1 means any child, including one whose exec.Cmd is about to Wait for
// it. That Wait then fails with "no child processes", and the exit status
// is lost.
func (c Broken) ReapExited() {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}

// StartChild starts cmd, for WaitChild to wait for.
func (c Broken) StartChild(cmd *exec.Cmd) error {
	return cmd.Start()
}

// WaitChild waits for cmd and returns how it ended.
//
// Beside ReapExited it may find its child already reaped: the error is
// "waitid: no child processes" and cmd.ProcessState stays nil.
func (c Broken) WaitChild(cmd *exec.Cmd) error {
	return cmd.Wait()
}

// RunChild runs cmd to the end: StartChild, then WaitChild.
func (c Broken) RunChild(cmd *exec.Cmd) error {
	if err := c.StartChild(cmd); err != nil {
		return err
	}
	return c.WaitChild(cmd)
}

// Init runs app as the main child of a container's init and returns the
// status the init must exit with. It is the sketch of 001 Q28.
//
// When the app dies of a signal, ExitCode() is -1, and os.Exit(-1) exits
// 255. When the reaper takes the app's status first, Wait fails with
// ECHILD, which is not an *exec.ExitError, and the init exits 0. A signal
// that comes between Start and Notify kills the init instead of reaching
// the app, and a forwarded one reaches the app alone, not the processes it
// started.
func (c Broken) Init(app *exec.Cmd) int {
	// 1. Reap orphans on SIGCHLD.
	go c.Reap(context.Background())

	// 2. Forward signals to the actual app.
	app.Stdin, app.Stdout, app.Stderr = os.Stdin, os.Stdout, os.Stderr
	app.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.StartChild(app); err != nil {
		log.Print(err)
		return 1
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		for s := range sigs {
			app.Process.Signal(s)
		}
	}()

	// 3. Wait for the app and propagate its exit code.
	err := c.WaitChild(app)
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return 0
}

// Supervise runs the command newCmd makes again each time it ends, waiting
// longer after each crash (001 Q16), until ctx is done.
//
// The back-off never resets, so after a few rare crashes over a long
// healthy life every restart waits the maximum. And `if backoff < max`
// doubles past the cap: Q16's one-minute cap waits 64 s.
func (c Broken) Supervise(ctx context.Context, newCmd func(context.Context) *exec.Cmd, b Backoff) error {
	backoff := b.Initial
	for {
		cmd := newCmd(ctx)
		start := time.Now()
		err := c.RunChild(cmd)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ran := time.Since(start)
		log.Printf("child died after %v (%v); restarting in %v", ran, err, backoff)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return ctx.Err()
		}
		if backoff < b.Max {
			backoff *= 2
		}
	}
}
