//go:build unix

package termination

import (
	"bufio"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"

	"procbugs/helpers/childproc"
)

// What the children of the table report over the control pipe.
const (
	endingDeferRan = "defer ran: ending goroutine"
	otherDeferRan  = "defer ran: other goroutine"
	finalizerRan   = "finalizer ran"
	otherWorked    = "other goroutine worked on after main's Goexit"
	recoveredEvent = "recovered; the panicking function returned "

	// bufferedLine is written to a bufio.Writer over stdout whose Flush is
	// deferred in the ending goroutine: it reaches stdout only if that
	// deferred call runs.
	bufferedLine = "this line waited in a bufio.Writer"

	// message is what log.Fatal, log.Panic and panic are called with.
	message = "boom"

	// exitStatus is what the os.Exit row exits with.
	exitStatus = 3
)

// otherGoroutine says what the second goroutine of a row does.
type otherGoroutine int

const (
	otherBlocks  otherGoroutine = iota // it blocks for ever with a deferred call pending
	otherWorksOn                       // it works on after main's Goexit, then returns
	otherNone                          // there is no other goroutine
	otherIsMain                        // the mechanism runs in a second goroutine; main is the other
)

// A mechanism is one way for a Go process to end: one row of the table.
type mechanism struct {
	Name   string         // as the table shows it
	Slug   string         // the role's last name part
	Other  otherGoroutine // what the second goroutine does
	End    func()         // the mechanism, run in the ending goroutine
	Signal syscall.Signal // sent by the parent once the child is ready; 0 for none
	Want   outcome        // what the test asserts, derived from the scenario
	// WantCgo, when set, is what happens instead in a binary that links
	// cgo, as this test binary does where a C compiler exists: the row
	// then appears twice in the table, once for each kind of binary.
	WantCgo *outcome
}

// mechanisms are the rows of the table, in the order of 000 §1.
var mechanisms = []mechanism{
	{
		Name: "return from main", Slug: "return", Other: otherBlocks,
		End: func() {},
		Want: outcome{Exit: "exit 0", EndingDefers: ran, OtherDefers: notRun, Flushed: yes,
			Finalizer: notRun, Stderr: nothing},
	},
	{
		Name: fmt.Sprintf("os.Exit(%d)", exitStatus), Slug: "os-exit", Other: otherBlocks,
		End: func() { os.Exit(exitStatus) },
		Want: outcome{Exit: fmt.Sprintf("exit %d", exitStatus), EndingDefers: notRun, OtherDefers: notRun,
			Flushed: no, Finalizer: notRun, Stderr: nothing},
	},
	{
		Name: "log.Fatal", Slug: "log-fatal", Other: otherBlocks,
		End: func() { log.Fatal(message) },
		Want: outcome{Exit: "exit 1", EndingDefers: notRun, OtherDefers: notRun, Flushed: no,
			Finalizer: notRun, Stderr: mono(logTime + " " + message)},
	},
	{
		Name: "log.Panic", Slug: "log-panic", Other: otherBlocks,
		End: func() { log.Panic(message) },
		Want: outcome{Exit: "exit 2", EndingDefers: ran, OtherDefers: notRun, Flushed: yes,
			Finalizer: notRun, Stderr: mono(logTime+" "+message) + " " + mono("panic: "+message) + stacks(1)},
	},
	{
		Name: "panic, not recovered, in main", Slug: "panic-main", Other: otherBlocks,
		End: func() { panic(message) },
		Want: outcome{Exit: "exit 2", EndingDefers: ran, OtherDefers: notRun, Flushed: yes,
			Finalizer: notRun, Stderr: mono("panic: "+message) + stacks(1)},
	},
	{
		Name: "panic, not recovered, in another goroutine", Slug: "panic-goroutine", Other: otherIsMain,
		End: func() { panic(message) },
		Want: outcome{Exit: "exit 2", EndingDefers: ran, OtherDefers: notRun, Flushed: yes,
			Finalizer: notRun, Stderr: mono("panic: "+message) + stacks(1)},
	},
	{
		Name: "panic, recovered", Slug: "panic-recovered", Other: otherBlocks,
		End: func() { childproc.Emit(recoveredEvent + fmt.Sprintf("%q", recoverInDefer())) },
		Want: outcome{Exit: "exit 0", EndingDefers: ran, OtherDefers: notRun, Flushed: yes,
			Finalizer: notRun, Stderr: nothing},
	},
	{
		Name: "runtime.Goexit in main, another goroutine still working", Slug: "goexit-working", Other: otherWorksOn,
		End: runtime.Goexit,
		Want: outcome{Exit: "exit 2", EndingDefers: ran, OtherDefers: ran, Flushed: yes,
			Finalizer: notRun, Stderr: mono(goexitDeadlock)},
		WantCgo: &outcome{Exit: hangs, EndingDefers: ran, OtherDefers: ran, Flushed: yes,
			Finalizer: notRun, Stderr: nothing},
	},
	{
		Name: "runtime.Goexit in main, the last goroutine", Slug: "goexit-last", Other: otherNone,
		End: runtime.Goexit,
		Want: outcome{Exit: "exit 2", EndingDefers: ran, OtherDefers: none, Flushed: yes,
			Finalizer: notRun, Stderr: mono(goexitDeadlock)},
		WantCgo: &outcome{Exit: hangs, EndingDefers: ran, OtherDefers: none, Flushed: yes,
			Finalizer: notRun, Stderr: nothing},
	},
	{
		Name: "killed by SIGKILL", Slug: "sigkill", Other: otherBlocks,
		End: waitForSignal, Signal: syscall.SIGKILL,
		Want: outcome{Exit: killedBy(syscall.SIGKILL), EndingDefers: notRun, OtherDefers: notRun, Flushed: no,
			Finalizer: notRun, Stderr: nothing},
	},
	{
		Name: "SIGTERM, not handled", Slug: "sigterm", Other: otherBlocks,
		End: waitForSignal, Signal: syscall.SIGTERM,
		Want: outcome{Exit: killedBy(syscall.SIGTERM), EndingDefers: notRun, OtherDefers: notRun, Flushed: no,
			Finalizer: notRun, Stderr: nothing},
	},
	{
		Name: "SIGQUIT, not handled", Slug: "sigquit", Other: otherBlocks,
		End: waitForSignal, Signal: syscall.SIGQUIT,
		Want: outcome{Exit: "exit 2", EndingDefers: notRun, OtherDefers: notRun, Flushed: no,
			Finalizer: notRun, Stderr: mono("SIGQUIT: quit") + stacks(2) + " and of the runtime's own, then the registers"},
	},
}

// goexitDeadlock is what the runtime prints when main has called Goexit and
// no goroutine is left: checkdead in $GOROOT/src/runtime/proc.go.
//
// checkdead only looks when no thread is running. In a binary that links
// cgo, the extra M kept for callbacks from C threads always counts as
// running (run0 is 0 when iscgo), so the check never fires: the process
// has no goroutine left and never exits.
const goexitDeadlock = "fatal error: no goroutines (main called runtime.Goexit) - deadlock!"

// hangs is the exit cell of a process that never exits by itself.
const hangs = "none: hangs for ever"

// waitForSignal tells the parent that every deferred call is in place and
// waits for the signal the parent sends.
func waitForSignal() {
	childproc.Ready()
	blockForever()
}

// recoverInDefer panics and recovers in its own deferred call. Execution
// does not resume after the panicking call: the function returns to its
// caller with the result the deferred call set.
func recoverInDefer() (result string) {
	defer func() {
		if r := recover(); r != nil {
			result = fmt.Sprintf("set by the deferred call after recovering %v", r)
		}
	}()
	mustNotFail(message)
	return "after the panicking call"
}

func mustNotFail(why string) { panic(why) }

// roles of the table, one per mechanism, registered at package level.
var mechanismRoles = func() map[string]childproc.Role {
	roles := map[string]childproc.Role{}
	for _, m := range mechanisms {
		roles[m.Slug] = childproc.Register("termination/table/"+m.Slug, func([]string) int {
			return runMechanism(m)
		})
	}
	return roles
}()

// runMechanism runs on the child's main goroutine, so that a mechanism run
// "in main" really is on the main goroutine: Goexit here is Goexit in main.
func runMechanism(m mechanism) int {
	// With the collector off, only the exit itself could run the finalizer
	// of the garbage left below: the table shows whether it does.
	debug.SetGCPercent(-1)
	leaveGarbageWithFinalizer()

	switch m.Other {
	case otherIsMain:
		defer childproc.Emit(otherDeferRan)
		go endIn(m)
		blockForever()
	case otherBlocks:
		started := make(chan struct{})
		go func() {
			defer childproc.Emit(otherDeferRan)
			close(started)
			blockForever()
		}()
		<-started
	case otherWorksOn:
		mainGone := make(chan struct{})
		defer close(mainGone) // the last deferred call main runs
		go func() {
			defer childproc.Emit(otherDeferRan)
			<-mainGone
			childproc.Emit(otherWorked)
		}()
	}
	endIn(m)
	return 0
}

// endIn sets up what the mechanism may or may not run (a deferred call, a
// deferred Flush of buffered output) and then runs it.
func endIn(m mechanism) {
	defer childproc.Emit(endingDeferRan)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	fmt.Fprintln(out, bufferedLine)
	m.End()
}

// resource is big enough to get an allocation of its own: the runtime
// may never run a finalizer set on a tiny or zero-sized object.
type resource struct {
	name string
	_    [64]byte
}

func leaveGarbageWithFinalizer() {
	r := &resource{name: "temp"}
	runtime.SetFinalizer(r, func(*resource) { childproc.Emit(finalizerRan) })
}
