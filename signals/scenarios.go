//go:build unix

package signals

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"procbugs/helpers/role"
	"procbugs/helpers/role/inflight"
)

// Each entry's scenario: what its child process does, once with the
// broken code and once with the fixed code. Counts and bounds are part of
// the scenario, so the proofs derive their expectations from them.

// Rounds is how many times the child sends itself SIGUSR1, one at a time.
const Rounds = 200

// UnbufferedNotify sends the child SIGUSR1 again and again and counts
// what the channel under test receives.
//
// After each signal the child looks into that channel without blocking,
// once os/signal has offered the signal to every channel. The witness is
// a second, buffered channel for the same signal: receiving from it says
// the signal has arrived. os/signal offers a signal to every channel while
// holding the lock that Notify takes ($GOROOT/src/os/signal/signal.go,
// process), so one more Notify returns only once every channel has had
// its offer. After that, an empty channel has dropped the signal.
var UnbufferedNotify = lesson.Pair("unbuffered-notify", func(c code, _ []string) int {
	ch := c.NotifyChannel(syscall.SIGUSR1)
	witness := make(chan os.Signal, 1)
	signal.Notify(witness, syscall.SIGUSR1)
	received := 0
	for range Rounds {
		if err := raise(syscall.SIGUSR1); err != nil {
			return fail(err)
		}
		<-witness
		signal.Notify(witness, syscall.SIGUSR1) // returns once every channel has had its offer
		select {
		case <-ch:
			received++
		default:
		}
	}
	role.Emitf("received %d of %d", received, Rounds)
	return 0
})

// LockFile is the name of the lock file NotifyOSKill holds, in a
// directory the proof chooses.
const LockFile = "app.lock"

// NotifyOSKill holds the lock file the proof names in args[0] until it is
// told to stop.
var NotifyOSKill = lesson.Pair("notify-os-kill", func(c code, args []string) int {
	err := c.RunLocked(args[0], func(stop <-chan os.Signal) {
		role.Ready()
		role.Emitf("stopping on %v", <-stop)
	})
	role.Emitf("RunLocked returned %v", err)
	return 0
})

// NotifyAfterInit starts a daemon whose init lasts until the proof opens
// the gate (a line on stdin), so that a signal sent meanwhile comes during
// start-up, whatever the machine's speed. Init honours its context, as
// start-up code that makes network calls does.
var NotifyAfterInit = lesson.Pair("notify-after-init", func(c code, _ []string) int {
	gate := make(chan struct{})
	go func() {
		os.Stdin.Read(make([]byte, 1))
		close(gate)
	}()
	err := c.RunDaemon(func(ctx context.Context) error {
		role.Emit("initialising")
		select {
		case <-gate:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		role.Emit("initialised")
		return nil
	}, func() { role.Emit("reloaded") })
	role.Emitf("stopped: %v", err)
	return 0
})

// DrainBound is how long Shutdown may wait for the request in flight. The
// proofs never let it pass: the request finishes as soon as the proof
// releases it. It only has to be longer than that, and shorter than the
// child's own time bound.
const DrainBound = 2 * time.Second

// serveSlowly is the server of both shutdown entries: its one request is
// held in flight until the proof releases it, so the signal arrives while
// it is certainly in flight.
func serveSlowly(serve func(*http.Server, net.Listener, time.Duration) error) int {
	ln, err := inflight.Listen()
	if err != nil {
		return fail(err)
	}
	srv := &http.Server{Handler: inflight.Handler()}
	srv.RegisterOnShutdown(func() { role.Emit("draining") })
	err = serve(srv, ln, DrainBound)
	role.Emitf("shutdown returned %v", err)
	return 0
}

// ExitOnSignal serves one slow request and is told to stop.
var ExitOnSignal = lesson.Pair("exit-on-signal", func(c code, _ []string) int {
	return serveSlowly(c.ServeUntilTerminated)
})

// DeferredStop serves one slow request with 001 Q3's code.
var DeferredStop = lesson.Pair("deferred-stop", func(c code, _ []string) int {
	return serveSlowly(c.ServeWithNotifyContext)
})

// NotifyContextCause runs until SIGINT or SIGTERM and logs why it stops.
var NotifyContextCause = lesson.Pair("notify-context-cause", func(c code, _ []string) int {
	why := c.RunUntilSignal(func(ctx context.Context) {
		role.Ready()
		<-ctx.Done()
	})
	role.Emitf("shutting down: %v", why)
	role.Emitf("errors.Is(why, context.Canceled) = %v", errors.Is(why, context.Canceled))
	return 0
})

// ForgottenStop runs a section that holds off SIGINT and SIGTERM, then
// waits to be ended.
var ForgottenStop = lesson.Pair("forgotten-stop", holdOffThenWait)

func holdOffThenWait(c code, _ []string) int {
	if s := c.RunUninterrupted(func() { role.Emit("saved") }); s != nil {
		role.Emitf("deferred %v", s)
	}
	role.Emitf("signal.Ignored(SIGTERM)=%v", signal.Ignored(syscall.SIGTERM))
	role.Ready()
	role.BlockForever()
	return 0
}

// ForwardNothing supervises the listener.
var ForwardNothing = lesson.Pair("forward-nothing", func(c code, _ []string) int {
	cmd := role.Command(Listener, "TERM")
	reportTo(cmd)
	code, err := c.RunChild(cmd)
	if err != nil {
		return fail(err)
	}
	role.Emitf("child exited %d", code)
	return 0
})

// Preemptions is how many times the supervisor's runtime must preempt its
// busy goroutine, with SIGURG, once the proof opens the gate.
const Preemptions = 2

// ForwardEverySignal supervises the listener while a goroutine of the
// supervisor keeps busy, so that its runtime preempts it with SIGURG.
//
// Once the proof has seen the supervisor waiting for its child and opens
// the gate (a line on stdin), the child starts the busy goroutine, counts
// Preemptions of its own SIGURGs on a witness channel, stops the busy
// goroutine and says so. The listener runs with asyncpreemptoff, so that
// its own runtime never sends it a SIGURG (preemptone in
// $GOROOT/src/runtime/proc.go): every SIGURG it counts was sent to it.
var ForwardEverySignal = lesson.Pair("forward-every-signal", func(c code, _ []string) int {
	witness := make(chan os.Signal, 64)
	signal.Notify(witness, syscall.SIGURG)
	cmd := role.Command(Listener, "TERM", "URG")
	reportTo(cmd)
	cmd.Env = append(cmd.Env, "GODEBUG=asyncpreemptoff=1")
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := c.Supervise(cmd)
		done <- result{code, err}
	}()
	os.Stdin.Read(make([]byte, 1)) // the gate
	var stop atomic.Bool
	go func() { // one busy goroutine, which only SIGURG can preempt
		for !stop.Load() {
		}
	}()
	for len(witness) > 0 {
		<-witness
	}
	for range Preemptions {
		<-witness
	}
	stop.Store(true)
	role.Emitf("supervisor preempted %d times", Preemptions)
	r := <-done
	if r.err != nil {
		return fail(r.err)
	}
	role.Emitf("child exited %d", r.code)
	return 0
})

// RawSyscallEINTR waits, with the code under study, for its stdin (a pipe
// the proof writes to) to become readable. It first locks itself to its
// thread and reports the thread's id, so that the proof can watch that
// thread enter poll and signal that very thread.
var RawSyscallEINTR = lesson.Pair("raw-syscall-eintr", func(c code, _ []string) int {
	runtime.LockOSThread()
	role.Emitf("poller tid=%d", threadID())
	err := c.WaitReadable(0)
	role.Emitf("WaitReadable returned %v", err)
	if err != nil {
		return 1
	}
	return 0
})

// ShellWrapper runs the listener under a container's entrypoint shell.
var ShellWrapper = lesson.Pair("shell-wrapper", func(c code, _ []string) int {
	return becomeShell("/bin/sh", c.EntrypointScript(App))
})

// brokenPipeOn puts on descriptor fd the write end of a pipe whose reader
// has gone, as `prog | head -1` leaves prog's stdout once head has exited.
func brokenPipeOn(fd int) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	r.Close()
	if err := unix.Dup2(int(w.Fd()), fd); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// SIGPIPE writes a report to a stdout nobody reads any more.
var SIGPIPE = lesson.Pair("sigpipe", func(c code, _ []string) int {
	if err := brokenPipeOn(1); err != nil {
		return fail(err)
	}
	role.Emit("stdout's reader is gone")
	err := c.WriteReport([]string{"report line 1", "report line 2"})
	role.Emitf("WriteReport returned %v", err)
	return 0
})

// InheritedIgnore starts a worker while shielded from SIGTERM. The worker
// is sleep(1), a C program with no signal handling of its own: most
// programs a Go service starts are like it.
var InheritedIgnore = lesson.Pair("inherited-ignore", func(c code, _ []string) int {
	worker := exec.Command("sleep", "infinity")
	unshield, err := c.StartWhileShielded(worker)
	if err != nil {
		return fail(err)
	}
	defer unshield()
	role.EmitPID("worker", worker.Process.Pid)
	role.Emitf("worker ended: %v", worker.Wait())
	return 0
})

// WaitDelayKill runs the listener, which ignores SIGTERM, under a context
// that is cancelled when the proof opens the gate (a line on stdin), once
// the listener is ready. The listener leads a group of its own: whatever
// the code under study does not kill outlives this process, where the
// proof can still see it.
var WaitDelayKill = lesson.Pair("wait-delay", cancelIgnoringListener)

func cancelIgnoringListener(c code, args []string) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base := role.Command(Listener, append([]string{"TERM", "ignore-term"}, args...)...)
	cmd := exec.CommandContext(ctx, base.Path, base.Args[1:]...)
	cmd.Env = base.Env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	reportTo(cmd)
	go func() {
		os.Stdin.Read(make([]byte, 1)) // the gate
		cancel()
	}()
	err := c.RunWithTimeout(cmd)
	role.Emitf("ProcessState: %v", cmd.ProcessState)
	role.Emitf("run returned %v", err)
	return 0
}

// StoppedChild starts a worker, sleep(1), and stops it gracefully with
// the code under study once the proof has stopped the worker (the first
// line on stdin). The grace period ends when the proof says so (a second
// line), not on a timer: a stop that waits for it waits for the proof.
var StoppedChild = lesson.Pair("stopped-child", func(c code, _ []string) int {
	worker := exec.Command("sleep", "infinity")
	if err := worker.Start(); err != nil {
		return fail(err)
	}
	role.EmitPID("worker", worker.Process.Pid)
	lines := bufio.NewReader(os.Stdin)
	lines.ReadString('\n') // the worker is stopped
	grace, over := context.WithCancel(context.Background())
	defer over()
	go func() {
		lines.ReadString('\n')
		over()
	}()
	role.Emitf("worker ended: %v", c.StopGracefully(grace, worker))
	return 0
})

// PID1 runs a service until it is asked to stop; the proofs make it PID 1
// of a PID namespace.
var PID1 = lesson.Pair("pid1", func(c code, _ []string) int {
	c.RunService(func(ctx context.Context) {
		role.Emitf("pid %d in its namespace", os.Getpid())
		role.Ready()
		if ctx.Done() == nil {
			role.BlockForever() // nothing will ever cancel it
		}
		<-ctx.Done()
		role.Emitf("stopping: %v", context.Cause(ctx))
	}, func() { role.Emit("cleaned up") })
	return 0
})

// CgoHandler loads a C library that logs to a pipe each time its SIGINT
// handler runs, and waits for whichever hears the SIGINT first: Go's
// channel or the library's log. When the library's handler ran, Go's
// runtime never saw the signal at all, so Go's channel is empty for good.
var CgoHandler = lesson.Pair("cgo-handler", func(c code, _ []string) int {
	if !haveCgo {
		return fail(errors.New("built without cgo or the cgochild tag: the C library is missing"))
	}
	logR, logW, err := os.Pipe()
	if err != nil {
		return fail(err)
	}
	interrupts := c.WatchInterrupts(cLibrary(int(logW.Fd())))
	logged := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(logR)
		if sc.Scan() {
			logged <- sc.Text()
		}
	}()
	role.Ready()
	select {
	case s := <-interrupts:
		role.Emitf("Go channel got %v", s)
	case line := <-logged:
		role.Emitf("C library logged %q", line)
		select {
		case s := <-interrupts:
			role.Emitf("Go channel got %v", s)
		default:
			role.Emit("Go channel got nothing")
		}
	}
	return 0
}, role.NeedsCgo)
