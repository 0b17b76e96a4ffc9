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

	"golang.org/x/sys/unix"
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

// RunLocked runs serve while holding the lock file at path, which tells
// another copy of the program that this one is running, and removes the
// file once serve has returned on a signal to stop.
//
// It asks for os.Kill, taking it for what `kill` sends. kill sends
// SIGTERM; os.Kill is SIGKILL, which the kernel never lets a process
// catch. SIGTERM, not asked for, has the runtime's default action: the
// process dies on the spot, serve never hears it, and the lock file stays.
func (Broken) RunLocked(path string, serve func(stop <-chan os.Signal)) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err // another copy holds it, or one that died left it
	}
	defer os.Remove(path)
	_, err = fmt.Fprintln(f, os.Getpid())
	if err := errors.Join(err, f.Close()); err != nil {
		return err
	}

	stop := make(chan os.Signal, 1)
	//lint:ignore SA1016 asking for os.Kill is the bug this entry teaches
	signal.Notify(stop, os.Interrupt, os.Kill)
	defer signal.Stop(stop)
	serve(stop)
	return nil
}

// RunDaemon starts the daemon with init, which may take long (secrets from
// a vault, DNS, migrations), then runs it until SIGTERM, calling reload on
// each SIGHUP.
//
// It asks for the signals only once init has returned. Until then SIGHUP
// and SIGTERM have the runtime's default action: a reload or a stop sent
// during start-up kills the daemon outright, with no log and no cleanup.
func (Broken) RunDaemon(init func(ctx context.Context) error, reload func()) error {
	if err := init(context.Background()); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	for {
		select {
		case <-hup:
			reload()
		case <-ctx.Done():
			return nil
		}
	}
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

// RunUntilSignal runs serve with a context that SIGINT or SIGTERM
// cancels, and returns why that context ended, for the shutdown log.
//
// ctx.Err() only ever says "context canceled": which signal came, or
// whether it was a signal at all, is lost.
func (Broken) RunUntilSignal(serve func(ctx context.Context)) (why error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	serve(ctx)
	return ctx.Err()
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

// WaitReadable blocks until fd has data to read, with poll(2): the raw
// system call an event loop makes through syscall or x/sys/unix.
//
// It gives up on the first error. poll fails with EINTR whenever a signal
// handler runs on its thread, and it is never restarted (signal(7)). Since
// Go 1.14 the runtime itself sends SIGURG to a thread to preempt its
// goroutine ($GOROOT/src/runtime/signal_unix.go, preemptM): a program that
// never asked for a signal still gets "interrupted system call".
func (Broken) WaitReadable(fd int) error {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	_, err := unix.Poll(fds, -1)
	return err
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

// StopGracefully asks cmd's process to end, with SIGTERM, and waits for
// it; once ctx is done, the grace period is over and it kills the process.
// It returns what Wait returns.
//
// A stopped process (Ctrl-Z, SIGSTOP, SIGTTIN, a debugger) runs no code,
// so it cannot act on SIGTERM: the kernel keeps the signal pending until
// the process is continued. The graceful stop of a stopped child always
// waits out the whole grace period, and ends in SIGKILL.
func (Broken) StopGracefully(ctx context.Context, cmd *exec.Cmd) error {
	_ = cmd.Process.Signal(syscall.SIGTERM) // an error means it has ended already: Wait says how
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		return <-done
	}
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
