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
func (Broken) Launch(cmd *exec.Cmd) error {
	return cmd.Start()
}

// AdoptOrphans makes this process a child subreaper, so that orphaned
// descendants are re-parented to it rather than to init.
//
// It adopts them but never reaps them: every orphan that exits stays a
// zombie, and they pile up.
func (Broken) AdoptOrphans(ctx context.Context) error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// Reap is the reaper of 000 §10: on every SIGCHLD it collects every child
// that has exited.
//
// Wait4(-1) collects the children an exec.Cmd is waiting for too. When it
// wins the race, that Cmd's Wait fails with "no child processes" and the
// exit status is lost.
func (Broken) Reap(ctx context.Context) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGCHLD)
	defer signal.Stop(sigs)
	for {
		select {
		case <-ctx.Done():
			return
		case <-sigs:
			for {
				var ws unix.WaitStatus
				pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
		}
	}
}

// RunChild runs cmd to the end and returns how it ended.
//
// Beside Reap it loses the race for the child's exit status now and then.
func (Broken) RunChild(cmd *exec.Cmd) error {
	return cmd.Run()
}

// Init runs cmd as the main child of a container's init and returns the
// status the init must exit with. It is the sketch of 001 Q28.
//
// Its reaper steals the main child's status now and then, and Wait then
// fails with ECHILD: not an *exec.ExitError, so the init exits 0. When the
// child dies of a signal, ExitCode() is -1 and os.Exit(-1) exits 255.
// Signals go to the main child only, not to the processes it started.
func (b Broken) Init(cmd *exec.Cmd) int {
	// 1. Reap orphans on SIGCHLD.
	go b.Reap(context.Background())

	// 2. Forward signals to the actual app.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		log.Print(err)
		return 1
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		for s := range sigs {
			cmd.Process.Signal(s)
		}
	}()

	// 3. Wait for the app and propagate its exit code.
	err := cmd.Wait()
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
func (Broken) Supervise(ctx context.Context, newCmd func(context.Context) *exec.Cmd, b Backoff) error {
	backoff := b.Initial
	for {
		cmd := newCmd(ctx)
		start := time.Now()
		err := cmd.Run()
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
