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

// Fixed holds the same code with each bug mended.
type Fixed struct{}

// NotifyChannel returns a channel that receives the given signals.
//
// One slot of buffer keeps a signal that arrives while nobody is
// receiving, until someone does ("For a channel used for notification of
// just one signal value, a buffer of size 1 is sufficient", signal.Notify).
func (Fixed) NotifyChannel(sig ...os.Signal) chan os.Signal {
	c := make(chan os.Signal, 1)
	signal.Notify(c, sig...)
	return c
}

// RunLocked runs serve while holding the lock file at path, which tells
// another copy of the program that this one is running, and removes the
// file once serve has returned on a signal to stop.
//
// It asks for SIGTERM, what kill, systemd and docker stop send: serve
// hears it, returns, and the lock file goes. No code runs on SIGKILL, so
// a lock file can always be left behind: whoever finds one checks whether
// the pid in it is still alive.
func (Fixed) RunLocked(path string, serve func(stop <-chan os.Signal)) error {
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
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	serve(stop)
	return nil
}

// RunDaemon starts the daemon with init, which may take long (secrets from
// a vault, DNS, migrations), then runs it until SIGTERM, calling reload on
// each SIGHUP.
//
// It asks for the signals before anything else, and runs init under the
// context that SIGTERM cancels: a SIGTERM during start-up ends init early
// and cleanly, and a SIGHUP waits in its channel's slot, to reload once
// the daemon is up.
func (Fixed) RunDaemon(init func(ctx context.Context) error, reload func()) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	if err := init(ctx); err != nil {
		return err
	}
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
// It shuts the server down instead of exiting: Shutdown closes the
// listener, waits, within drain, for the requests in flight to finish, and
// returns; the caller's deferred functions run. The code is that of
// ServeWithNotifyContext.
func (f Fixed) ServeUntilTerminated(srv *http.Server, ln net.Listener, drain time.Duration) error {
	return f.ServeWithNotifyContext(srv, ln, drain)
}

// ServeWithNotifyContext is the graceful shutdown of 001 Q3, mended.
//
// stop() right after the first signal unregisters the context's channel
// (signal.go, (*signalCtx).stop calls Stop; cancelling the context does
// not), so a second Ctrl-C during the drain gets the default action and
// ends the process at once.
func (Fixed) ServeWithNotifyContext(srv *http.Server, ln net.Listener, drain time.Duration) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	go srv.Serve(ln)

	<-ctx.Done() // wait for signal
	stop()       // a second signal now ends the process
	log.Printf("shutting down: %v", context.Cause(ctx))

	drainCtx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	return srv.Shutdown(drainCtx) // bounded drain
}

// RunUntilSignal runs serve with a context that SIGINT or SIGTERM
// cancels, and returns why that context ended, for the shutdown log.
//
// context.Cause says which signal it was: since Go 1.26 NotifyContext
// cancels with a cause that names it, "terminated signal received"
// ($GOROOT/src/os/signal/signal.go, NotifyContext), and the cause still
// matches errors.Is(why, context.Canceled).
func (Fixed) RunUntilSignal(serve func(ctx context.Context)) (why error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	serve(ctx)
	return context.Cause(ctx)
}

// RunUninterrupted runs work with SIGINT and SIGTERM held off, so that a
// Ctrl-C cannot cut it in half, and returns the signal that came meanwhile.
//
// signal.Stop unregisters the channel when work is done. No channel wants
// the two signals any more, so they get their default action again: the
// Go runtime's handler ends the process ($GOROOT/src/runtime/signal_unix.go,
// sighandler: _SigKill).
func (Fixed) RunUninterrupted(work func()) (deferred os.Signal) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(c)
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
// It forwards the signals a service is asked to act on, as Supervise does:
// the child hears the SIGTERM, ends, and the supervisor returns its code.
func (f Fixed) RunChild(cmd *exec.Cmd) (int, error) {
	return f.Supervise(cmd)
}

// Supervise is runWithForwarding of 000 §13, mended: it runs cmd and
// forwards an explicit list of signals to it.
//
// The list leaves out the runtime's SIGURG (and SIGCHLD, which the child
// has no use for; os/exec does not need it either: it waits with waitid
// on a pidfd, $GOROOT/src/os/pidfd_linux.go). The buffer holds one of
// each, and registering before Start leaves no moment when the child is
// running and a SIGTERM would still end the supervisor alone. The child's
// own children are the child's to tell.
func (Fixed) Supervise(cmd *exec.Cmd) (int, error) {
	cmd.Stdin = os.Stdin
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}

	forward := []os.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGUSR1, syscall.SIGUSR2}
	sigs := make(chan os.Signal, len(forward))
	signal.Notify(sigs, forward...) // before Start: no window where a signal kills us alone
	defer stopForwarding(sigs)

	if err := cmd.Start(); err != nil {
		return -1, err
	}

	go func() {
		for s := range sigs {
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
// It polls again on EINTR: a signal handler ran on this thread (the
// runtime's SIGURG, most often), and that says nothing about fd. os and
// net do the same for their own calls (ignoringEINTR in
// $GOROOT/src/os/file_posix.go); a raw call has to do it itself.
func (Fixed) WaitReadable(fd int) error {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(fds, -1)
		if err != unix.EINTR {
			return err
		}
	}
}

// EntrypointScript is the script a container's shell runs as its
// entrypoint, "sh -c <script>", to start app (a quoted command line).
//
// exec replaces the shell with app in the same process: app gets the pid
// the shell had, and with it every signal sent there.
func (Fixed) EntrypointScript(app string) string {
	return "exec " + app
}

// WriteReport writes lines to standard output, where a log collector reads
// them, and returns the first write error.
//
// With SIGPIPE ignored, a write to a pipe whose reader has gone returns
// EPIPE on descriptor 1 too, as on any other, and the caller decides what
// to do. (A command-line tool in a shell pipeline, prog | head, wants the
// default instead: die quietly once nobody reads.)
func (Fixed) WriteReport(lines []string) error {
	signal.Ignore(syscall.SIGPIPE)
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
// signal.Notify catches SIGTERM instead of ignoring it. exec resets a
// caught signal to its default (execve(2)), so the worker starts with
// SIGTERM as it should be, whatever this process does with it.
func (Fixed) StartWhileShielded(cmd *exec.Cmd) (unshield func(), err error) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM)
	return func() { signal.Stop(c) }, cmd.Start()
}

// WaitDelay bounds how long a cancelled child may take to exit. A real
// service gives its children seconds; the lesson takes 100 ms, short and
// still time enough for the child to hear the SIGTERM before the SIGKILL.
const WaitDelay = 100 * time.Millisecond

// RunWithTimeout runs cmd, made with exec.CommandContext, and asks it to
// stop with SIGTERM once its context is done (001 Q18).
//
// WaitDelay is the hard stop: once the context is done and WaitDelay has
// passed, os/exec kills the child with SIGKILL and closes its pipes, and
// Run returns "signal: killed" ($GOROOT/src/os/exec/exec.go, WaitDelay doc
// and watchCtx). It kills the child only, not the child's own children.
func (Fixed) RunWithTimeout(cmd *exec.Cmd) error {
	cmd.Cancel = func() error {
		return cmd.Process.Signal(syscall.SIGTERM) // graceful first
	}
	cmd.WaitDelay = WaitDelay // then SIGKILL
	return cmd.Run()
}

// StopGracefully asks cmd's process to end, with SIGTERM, and waits for
// it; once ctx is done, the grace period is over and it kills the process.
// It returns what Wait returns.
//
// SIGCONT right after SIGTERM, as shells and service managers send it: a
// stopped process runs again, takes the pending SIGTERM at once and ends;
// to one that was running, SIGCONT does nothing.
func (Fixed) StopGracefully(ctx context.Context, cmd *exec.Cmd) error {
	_ = cmd.Process.Signal(syscall.SIGTERM) // an error means it has ended already: Wait says how
	_ = cmd.Process.Signal(syscall.SIGCONT)
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
// It asks for SIGTERM and SIGINT with NotifyContext: serve sees its
// context cancelled, returns, cleanup runs, and the process exits 0,
// whether it is PID 1 or not.
func (Fixed) RunService(serve func(ctx context.Context), cleanup func()) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	defer cleanup()
	serve(ctx)
}

// WatchInterrupts returns a channel for SIGINT, in a program that also
// loads a C library with initLib (through cgo).
//
// It takes SIGINT back once the library has started. Notify alone would
// not: the runtime believes its handler is still in place and leaves the
// library's there. Ignore clears that belief, so the Notify that follows
// installs Go's handler again ($GOROOT/src/runtime/signal_unix.go,
// sigignore and sigenable). Better still, configure the library not to
// install handlers, or make it call the handler it replaced.
func (Fixed) WatchInterrupts(initLib func()) <-chan os.Signal {
	c := make(chan os.Signal, 1)
	initLib()
	signal.Ignore(os.Interrupt)
	signal.Notify(c, os.Interrupt)
	return c
}
