//go:build linux

package zombies

import (
	"bytes"
	"context"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"procbugs/helpers/role"
)

// Each entry's scenario: what its child process does, once with the
// broken code and once with the fixed code. Counts and durations are part
// of the scenario, so the proofs derive their expectations from them.

// StartWithoutWait launches a helper that exits at once, reports its pid
// and stays alive, so that it alone could reap the helper. With an
// argument it launches it another way:
//
//	context  with exec.CommandContext, whose Cmd runs a watchCtx goroutine
//	         until Wait
//	collect  drops the Cmd and collects garbage until it is freed: with
//	         GODEBUG=execwait=2, os/exec panics then if it was never waited for
var StartWithoutWait = lesson.Pair("start-without-wait", func(c code, args []string) int {
	how := ""
	if len(args) > 0 {
		how = args[0]
	}
	if how == "collect" {
		return launchAndCollect(c)
	}
	cmd := role.Command(exitWith, "0")
	if how == "context" {
		// A context that can be done: os/exec watches it in a goroutine.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cmd = withContext(ctx, cmd)
	}
	if err := c.Launch(cmd); err != nil {
		return fail("launch", err)
	}
	role.EmitPID("helper", cmd.Process.Pid)
	role.Ready()
	role.BlockForever()
	return 0
})

// launchAndCollect launches a helper, drops its Cmd, and collects garbage
// until the Cmd has been freed. GODEBUG=execwait=2 sets a finalizer on
// every Cmd that panics if it was started and never waited for
// (os/exec.Command in $GOROOT/src/os/exec/exec.go); a cleanup runs only
// once that finalizer has run and the Cmd is gone.
func launchAndCollect(c code) int {
	freed := make(chan struct{})
	pid, err := launchAndDrop(c, freed)
	if err != nil {
		return fail("launch", err)
	}
	exited(pid) // so that a panic leaves no helper running
	role.Emit("the helper has exited")
	for {
		runtime.GC()
		select {
		case <-freed:
			role.Emit("the Cmd was freed without a panic")
			return 0
		default:
			runtime.Gosched()
		}
	}
}

// launchAndDrop launches a helper and forgets its Cmd, which nothing but
// a Wait of the code's can reach once this function returns.
func launchAndDrop(c code, freed chan struct{}) (pid int, err error) {
	cmd := role.Command(exitWith, "0")
	if err := c.Launch(cmd); err != nil {
		return 0, err
	}
	runtime.AddCleanup(cmd, func(ch chan struct{}) { close(ch) }, freed)
	return cmd.Process.Pid, nil
}

// OrphansNeedAReaper adopts orphans, runs a forker whose children have
// exited and are re-parented to it, reports their pids and stays alive.
var OrphansNeedAReaper = lesson.Pair("orphans-need-a-reaper", func(c code, _ []string) int {
	stop, err := c.AdoptOrphans()
	defer stop()
	if err != nil {
		return fail("adopt orphans", err)
	}
	var out bytes.Buffer
	cmd := role.Command(forker)
	cmd.Stdout = &out
	if err := c.RunChild(cmd); err != nil {
		return fail("forker", err)
	}
	for _, pid := range strings.Fields(out.String()) {
		role.Emit("orphan pid=" + pid)
	}
	role.Ready()
	role.BlockForever()
	return 0
})

// ExitStatus is what the child of NaiveReaper exits with.
const ExitStatus = 3

// NaiveReaper forces the order in which a reaper steals: a child exits,
// the reaper makes its pass (as a SIGCHLD would make it start one), and
// only then does the code Wait. Beside it, a stray child that no Cmd
// waits for, as an adopted orphan would be, exits too: every reaper must
// take that one.
var NaiveReaper = lesson.Pair("naive-reaper-steals-status", func(c code, _ []string) int {
	stray := role.Command(exitWith, "0")
	if err := stray.Start(); err != nil {
		return fail("stray", err)
	}
	child := role.Command(exitWith, strconv.Itoa(ExitStatus))
	if err := c.StartChild(child); err != nil {
		return fail("start", err)
	}
	exited(stray.Process.Pid)
	exited(child.Process.Pid)
	role.Emit("both children have exited")
	c.ReapExited()
	role.Emitf("after the reaper's pass the stray is reaped: %t", reaped(stray.Process.Pid))
	err := c.WaitChild(child)
	role.Emitf("Wait: %v; ProcessState: %v", err, child.ProcessState)
	return 0
})

// GoInit is a container's init: PID 1 (or a subreaper), running the app
// with the arguments given, and exiting with the status Init returns.
// With "early" first, it notes "init waits at the gate" and waits there
// before it calls Init: a signal sent then comes before any
// signal.Notify.
var GoInit = lesson.Pair("go-init", func(c code, args []string) int {
	if err := becomeInit(); err != nil {
		note("init error: %v", err)
		return 1
	}
	if len(args) > 0 && args[0] == "early" {
		note("init waits at the gate")
		awaitGate()
		args = args[1:]
	}
	return c.Init(role.Command(app, args...))
})

// Policy is 001 Q16's (1 s doubling to a one-minute cap, reset after 30 s
// of health) scaled down to the shortest durations that still show it.
// The cap is not a power of two times the start, so that a doubling that
// overshoots it shows. The health threshold is the one duration that must
// be long: far longer than a run that crashes at once takes to start and
// end (10 to 20 ms on an idle machine), so that only the healthy run
// resets. On a loaded machine a crash can take longer and reset too: the
// proofs derive the waits from the run lengths the supervisor logged.
var Policy = Backoff{Initial: 2 * time.Millisecond, Max: 3 * time.Millisecond, Healthy: 100 * time.Millisecond}

// The crasher's script: runs 1 and 2 crash at once, run 3 lives
// Policy.Healthy first. Without a reset the waits are 2, then 4 (the
// doubling overshoots the 3 ms cap), then 4 again after the healthy run;
// with one they are 2, 3 (the cap), then 2.
const (
	CrasherRuns = 3
	HealthyRun  = 3
)

// Supervisor supervises the crasher, whose start times go to the log its
// first argument names, and stops after CrasherRuns runs. The
// supervisor's log lines ("restarting in 2ms") are its decisions, and
// become events. With a second argument "no-backoff" the policy is the
// zero Backoff and no run is healthy.
var Supervisor = lesson.Pair("supervisor-backoff", func(c code, args []string) int {
	log.SetFlags(0)
	log.SetOutput(emitter{})
	policy, healthy := Policy, strconv.Itoa(HealthyRun)
	if len(args) > 1 && args[1] == "no-backoff" {
		policy, healthy = Backoff{}, "0"
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	starts := 0
	newCmd := func(ctx context.Context) *exec.Cmd {
		if starts++; starts > CrasherRuns {
			cancel()
		}
		return withContext(ctx, role.Command(crasher, args[0], healthy))
	}
	err := c.Supervise(ctx, newCmd, policy)
	role.Emitf("supervise returned: %v", err)
	return 0
})

// emitter turns each log line into an event.
type emitter struct{}

func (emitter) Write(p []byte) (int, error) {
	role.Emit(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// WaitTwice starts a service with StartService, waits until the service
// is ready, and stops it. The service exits StopStatus only once the test
// opens the gate (this process's stdin), so the logging goroutine and
// stop are both waiting when it exits. The log line and stop's result
// become events; the scenario returns once it has both.
var WaitTwice = lesson.Pair("wait-twice", func(c code, _ []string) int { return waitTwice(c) })

// WaitTwiceUnderRace is WaitTwice in a child built with the race
// detector, whose report is the lesson.
var WaitTwiceUnderRace = lesson.Pair("wait-twice-race", func(c code, _ []string) int { return waitTwice(c) }, role.NeedsRace)

func waitTwice(c code) int {
	logged := make(chan string, 1)
	log.SetFlags(0)
	log.SetOutput(teller(logged))
	cmd, stdout, err := serviceCommand()
	if err != nil {
		return fail("pipe", err)
	}
	stop, err := c.StartService(cmd)
	if err != nil {
		return fail("start", err)
	}
	if err := awaitReady(stdout); err != nil {
		return fail("service", err)
	}
	role.Emit("stopping")
	role.Emitf("stop: %v", stop())
	<-logged // the logging goroutine may come last
	return 0
}

// CancelCallsWait runs a service with RunGracefully and cancels its
// context once the service is ready. The service exits StopStatus only
// once the test opens the gate. A goroutine sleeps meanwhile, as the rest
// of a real program would: were every goroutine blocked, the runtime would
// report the deadlock itself, which it never does in a server.
var CancelCallsWait = lesson.Pair("cancel-calls-wait", func(c code, _ []string) int {
	go role.BlockForever()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	plain, stdout, err := serviceCommand()
	if err != nil {
		return fail("pipe", err)
	}
	cmd := withContext(ctx, plain)
	cmd.Stdin, cmd.Stdout = plain.Stdin, plain.Stdout
	go func() {
		if err := awaitReady(stdout); err != nil {
			role.Emitf("error: service: %v", err)
		}
		role.Emit("cancelling")
		cancel()
	}()
	role.Emitf("Run: %v", c.RunGracefully(cmd))
	return 0
})

// Polls is how many times the poller asks whether its process is alive.
const Polls = 10

// PollAlive starts a holder, reports its pid and waits at the gate while
// the test counts its descriptors; then it asks Alive about the holder
// Polls times, reports the answers and stays alive. The test runs it with
// GOGC=off, as a program that allocates too little for the collector to
// run: the collector's cleanup would close a dropped Process's pidfd.
var PollAlive = lesson.Pair("find-process-holds-pidfd", func(c code, _ []string) int {
	h := role.Command(holder)
	if err := h.Start(); err != nil {
		return fail("start", err)
	}
	role.EmitPID("holder", h.Process.Pid)
	awaitStdinGate()
	alive := 0
	for range Polls {
		if c.Alive(h.Process.Pid) {
			alive++
		}
	}
	role.Emitf("alive %d times out of %d", alive, Polls)
	role.Ready()
	role.BlockForever()
	return 0
})

// ExitedTogether is how many children exit before the reaper looks.
const ExitedTogether = 3

// OneReapPerSIGCHLD has ExitedTogether children exit before its reaper
// reads the channel it gave signal.Notify: a channel of one, as the
// os/signal doc advises, which keeps the first SIGCHLD while os/signal
// drops the others. A witness channel, with room for every signal, shows
// when os/signal has handled each child's SIGCHLD; the next child starts
// only then, so that no two signals merge before os/signal sees them.
// Then the reaper starts, and the process stays alive.
var OneReapPerSIGCHLD = lesson.Pair("one-reap-per-sigchld", func(c code, _ []string) int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGCHLD)
	witness := make(chan os.Signal, ExitedTogether)
	signal.Notify(witness, syscall.SIGCHLD)
	for range ExitedTogether {
		cmd := role.Command(exitWith, "0")
		if err := cmd.Start(); err != nil {
			return fail("start", err)
		}
		<-witness // its SIGCHLD: it has exited, and os/signal is offering the signal to every channel
		role.EmitPID("child", cmd.Process.Pid)
	}
	// Stop takes the lock os/signal holds while it offers a signal to every
	// channel: once it returns, the last SIGCHLD has been offered to sigs
	// too, and dropped.
	signal.Stop(witness)
	role.Emitf("the reaper's channel holds %d SIGCHLD", len(sigs))
	go c.ReapOnSignal(sigs)
	role.Ready()
	role.BlockForever()
	return 0
})

// SIGCHLDBeforeNotify runs a child that exits at once with RunForwarding.
// Its setup reports the child's pid, lasts until the child has exited
// (and so has sent its SIGCHLD), says so, and waits at the gate (this
// process's stdin), which the test opens once that SIGCHLD has been
// handled. Setup says when it is done; RunForwarding's result becomes an
// event, and the process stays alive.
var SIGCHLDBeforeNotify = lesson.Pair("sigchld-before-notify", func(c code, _ []string) int {
	cmd := role.Command(exitWith, strconv.Itoa(ExitStatus))
	setup := func() {
		role.EmitPID("child", cmd.Process.Pid)
		exited(cmd.Process.Pid)
		role.Emit("the child has exited")
		awaitStdinGate()
		role.Emit("setup done")
	}
	role.Emitf("RunForwarding: %v", c.RunForwarding(cmd, setup))
	role.Ready()
	role.BlockForever()
	return 0
})

// WorkerRuns is how many times Restart runs the worker.
const WorkerRuns = 3

// ReusedCmd has Restart run a crasher WorkerRuns times. The crasher
// appends a line to the log its argument names each time it starts, and
// exits 1 at once; Restart's log lines become events.
var ReusedCmd = lesson.Pair("reused-cmd", func(c code, args []string) int {
	log.SetFlags(0)
	log.SetOutput(emitter{})
	c.Restart(func() *exec.Cmd { return role.Command(crasher, args[0], "0") }, WorkerRuns)
	return 0
})

// teller is an emitter that also hands each line to a channel, once sent.
type teller chan string

func (t teller) Write(p []byte) (int, error) {
	line := strings.TrimSuffix(string(p), "\n")
	role.Emit(line)
	t <- line
	return len(p), nil
}
