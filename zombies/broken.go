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

// StartService starts cmd in the background: a goroutine waits for it and
// logs how it ended. stop asks it to end (SIGTERM) and returns how it
// ended.
//
// stop calls Wait while the logging goroutine is inside Wait too, which
// os/exec does not allow (Cmd.Wait's doc, from Go 1.27 on, says so). The
// kernel hands the exit status to one of the two waitid calls; the other
// gets "no child processes" (or "Wait was already called"), and the two
// race on cmd.ProcessState.
func (c Broken) StartService(cmd *exec.Cmd) (stop func() error, err error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		log.Printf("service exited: %v", cmd.Wait())
	}()
	return func() error {
		cmd.Process.Signal(syscall.SIGTERM) // an error means it has exited already
		return cmd.Wait()
	}, nil
}

// RunGracefully runs cmd, made with exec.CommandContext. When the context
// is done it asks the child to stop with SIGTERM instead of killing it.
//
// Its Cancel waits for the child to stop. But os/exec calls Cancel from
// the goroutine that must hand Wait its result (watchCtx), so once the
// child has exited both Waits, Run's and Cancel's, wait for that result
// for ever: a deadlock.
func (c Broken) RunGracefully(cmd *exec.Cmd) error {
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			return err
		}
		return cmd.Wait() // until it has stopped
	}
	return cmd.Run()
}

// Alive reports whether process pid is running, as a supervisor polls a
// pid it read from a pid file.
//
// Since Go 1.23, FindProcess opens a pidfd on Linux, which the Process
// holds until Release, or until the garbage collector finds it dropped.
// Polled in a loop by a program that allocates little, each call leaves a
// descriptor open, until EMFILE.
func (c Broken) Alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscall.Signal(0)) == nil
}

// ReapOnSignal reaps the children that have exited each time sigs, which
// the caller has passed to signal.Notify for SIGCHLD, delivers a signal,
// until sigs is closed.
//
// It reaps one child per signal. But SIGCHLD is a standard signal: the
// kernel keeps one pending however many children exit, and os/signal
// drops what the channel cannot hold. Children that exit together send
// one notification, and all of them but one stay zombies.
func (c Broken) ReapOnSignal(sigs <-chan os.Signal) {
	for range sigs {
		var ws unix.WaitStatus
		unix.Wait4(-1, &ws, unix.WNOHANG, nil) // the child that sent it
	}
}

// RunForwarding starts cmd, runs setup (resize a terminal, write a pid
// file), then forwards SIGINT and SIGTERM to the child until a SIGCHLD
// says it has exited, and returns how it ended.
//
// It asks for SIGCHLD only after Start and setup. A child that exits in
// that window sends its SIGCHLD to nobody: the runtime's handler finds no
// channel that wants it and drops it (sigsend in
// $GOROOT/src/runtime/sigqueue.go), and the loop waits for a signal that
// never comes, while the child stays a zombie.
func (c Broken) RunForwarding(cmd *exec.Cmd, setup func()) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	setup()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGCHLD, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
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
// It makes the Cmd once, before the loop. A Cmd runs once: from the second
// run on, Run fails at once with "exec: already started", and the worker
// never comes back.
func (c Broken) Restart(newCmd func() *exec.Cmd, runs int) {
	cmd := newCmd()
	for range runs {
		err := cmd.Run()
		log.Printf("worker exited: %v; restarting", err)
	}
}
