//go:build unix

package signals

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

// Broken holds the signal-handling code as it is often first written.
type Broken struct{}

// NotifyChannel returns a channel that receives the given signals.
//
// The channel is unbuffered. os/signal never blocks to deliver
// ($GOROOT/src/os/signal/signal.go, process: "send but do not block for
// it"), so a signal that arrives while nobody is receiving is dropped.
func (Broken) NotifyChannel(sig ...os.Signal) chan os.Signal {
	c := make(chan os.Signal)
	//lint:ignore SA1017 the unbuffered channel is the bug this entry teaches
	signal.Notify(c, sig...)
	return c
}

// ServeUntilTerminated serves HTTP on ln until SIGINT or SIGTERM.
//
// It exits from the signal handler. os.Exit ends the process at once:
// the request in flight gets no response, its client sees the connection
// close, and no deferred function runs.
func (Broken) ServeUntilTerminated(srv *http.Server, ln net.Listener, drain time.Duration) error {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-c
		log.Print("shutting down")
		os.Exit(0)
	}()
	return srv.Serve(ln)
}

// ServeWithNotifyContext is the graceful shutdown of 001 Q3, as written.
//
// The deferred stop runs only when the function returns, after the drain.
// Until then the context's channel still catches SIGINT and SIGTERM, so a
// second Ctrl-C during the drain is swallowed instead of ending the process.
func (Broken) ServeWithNotifyContext(srv *http.Server, ln net.Listener, drain time.Duration) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	go srv.Serve(ln)

	<-ctx.Done() // wait for signal
	log.Printf("shutting down: %v", context.Cause(ctx))

	drainCtx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	return srv.Shutdown(drainCtx) // bounded drain
}

// RunUninterrupted runs work with SIGINT and SIGTERM held off, so that a
// Ctrl-C cannot cut it in half, and returns the signal that came meanwhile.
//
// It never calls signal.Stop. Once work is done the two signals are still
// caught, into a channel nobody reads: from then on the program no longer
// stops on Ctrl-C or SIGTERM.
func (Broken) RunUninterrupted(work func()) (deferred os.Signal) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
	work()
	select {
	case s := <-c:
		return s
	default:
		return nil
	}
}

// RunChild runs cmd in a process group of its own, so that a Ctrl-C at the
// terminal reaches only this supervisor, and returns the child's exit code.
//
// It forwards nothing. A SIGTERM meant for the whole program reaches the
// supervisor alone: it dies, and its child, never told, runs on as an orphan.
func (Broken) RunChild(cmd *exec.Cmd) (int, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return -1, err
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	return 0, err
}

// Supervise is runWithForwarding of 000 §13: it runs cmd and forwards every
// signal it can intercept to it.
//
// signal.Notify with no list also relays SIGURG, which the Go runtime sends
// to its own threads to preempt goroutines that run too long
// ($GOROOT/src/runtime/signal_unix.go, sigPreempt). A busy supervisor
// forwards a stream of SIGURG to a child that never asked for it, and its
// one-slot channel can be full of them when the SIGTERM comes. (It also
// registers only after Start: a signal in between ends the supervisor
// alone.)
func (Broken) Supervise(cmd *exec.Cmd) (int, error) {
	cmd.Stdin = os.Stdin
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}

	if err := cmd.Start(); err != nil {
		return -1, err
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs) // every signal we can intercept
	defer stopForwarding(sigs)

	go func() {
		for s := range sigs {
			if s == syscall.SIGCHLD {
				continue // would conflict with cmd.Wait
			}
			_ = cmd.Process.Signal(s)
		}
	}()

	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	return 0, err
}

// EntrypointScript is the script a container's shell runs as its
// entrypoint, "sh -c <script>", to start app (a quoted command line).
//
// Debian's /bin/sh (dash) forks app and waits for it. SIGTERM reaches the
// shell, which has no handler and dies of it; app is never told and runs on.
func (Broken) EntrypointScript(app string) string {
	return app
}

// WriteReport writes lines to standard output, where a log collector reads
// them, and returns the first write error.
//
// When the reader has gone, the write to descriptor 1 fails with EPIPE and
// the Go runtime raises SIGPIPE: the process dies on the spot, returning no
// error and running no deferred function ($GOROOT/src/os/file_unix.go,
// epipecheck; os/signal doc, "SIGPIPE").
func (Broken) WriteReport(lines []string) error {
	for _, l := range lines {
		if _, err := fmt.Fprintln(os.Stdout, l); err != nil {
			return err
		}
	}
	return nil
}

// StartWhileShielded starts cmd while this process shields itself from
// SIGTERM, and returns the function that lifts the shield.
//
// signal.Ignore sets SIGTERM to SIG_IGN, and an ignored signal stays ignored
// across fork and exec (execve(2)): the worker starts deaf to SIGTERM, and
// lifting the shield here later does not reach it.
func (Broken) StartWhileShielded(cmd *exec.Cmd) (unshield func(), err error) {
	signal.Ignore(syscall.SIGTERM)
	return func() { signal.Reset(syscall.SIGTERM) }, cmd.Start()
}

// RunWithTimeout runs cmd, made with exec.CommandContext, and asks it to
// stop with SIGTERM once its context is done (001 Q18).
//
// A child that ignores SIGTERM never stops, and without WaitDelay nothing
// follows up: Run waits for it forever.
func (Broken) RunWithTimeout(cmd *exec.Cmd) error {
	cmd.Cancel = func() error {
		return cmd.Process.Signal(syscall.SIGTERM) // graceful first
	}
	return cmd.Run()
}

// RunService runs serve until the process is asked to stop, then cleanup.
//
// It leaves SIGTERM to its default action. As PID 1 of a container that
// is not "do nothing" (001 Q9): the Go runtime's handler catches SIGTERM,
// re-raises it, finds that the kernel drops it for an init process, and
// exits by itself ($GOROOT/src/runtime/signal_unix.go, dieFromSignal):
// with status 2 before Go 1.27, with 128+SIGTERM = 143 from Go 1.27 on.
// Either way cleanup never runs.
func (Broken) RunService(serve func(ctx context.Context), cleanup func()) {
	defer cleanup()
	serve(context.Background())
}

// WatchInterrupts returns a channel for SIGINT, in a program that also
// loads a C library with initLib (through cgo).
//
// Many C libraries install their own signal handlers when they start, and
// one installed after Go's simply replaces it: SIGINT then runs the
// library's handler only. The channel never hears it, and Ctrl-C no longer
// ends the program.
func (Broken) WatchInterrupts(initLib func()) <-chan os.Signal {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	initLib()
	return c
}
