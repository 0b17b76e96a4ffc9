//go:build linux

package zombies

import (
	"bytes"
	"context"
	"log"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
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
