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

	"procbugs/helpers/role"
)

// The table of README.md: every way a Go process ends, each the whole of
// a child process. The mechanism runs in the "ending goroutine", after it
// has set up a deferred call and a bufio.Writer over stdout holding one
// line, with a deferred Flush; a second goroutine has a deferred call of
// its own. The child reports which deferred calls and finalizers ran; the
// proofs (proofs/table.go) read the rest from how it ended.

// What the children of the table report, print and exit with.
const (
	EndingDeferRan = "defer ran: ending goroutine"
	OtherDeferRan  = "defer ran: other goroutine"
	FinalizerRan   = "finalizer ran"
	OtherWorked    = "other goroutine worked on after main's Goexit"
	Recovered      = "recovered; the panicking function returned "

	// BufferedLine is written to a bufio.Writer over stdout whose Flush is
	// deferred in the ending goroutine: it reaches stdout only if that
	// deferred call runs.
	BufferedLine = "this line waited in a bufio.Writer"

	// Message is what log.Fatal, log.Panic and panic are called with.
	Message = "boom"

	// ChosenStatus is what the os.Exit row exits with.
	ChosenStatus = 3
)

// Other says what the second goroutine of a row does.
type Other int

const (
	OtherBlocks  Other = iota // it blocks for ever with a deferred call pending
	OtherWorksOn              // it works on after main's Goexit, then returns
	OtherNone                 // there is no other goroutine
	OtherIsMain               // the mechanism runs in a second goroutine; main is the other
)

// A Mechanism is one way for a Go process to end: one row of the table.
type Mechanism struct {
	Name   string         // as the table shows it
	Slug   string         // the last part of its roles' names
	Other  Other          // what the second goroutine does
	Signal syscall.Signal // sent by the parent once the child is ready; 0 for none
	// Role runs the mechanism in a program built without cgo, as every
	// child is. CgoRole, for a mechanism whose outcome depends on it, runs
	// it in a program that links runtime/cgo (see cgo.go); otherwise it is
	// the zero Role.
	Role, CgoRole role.Role

	end          func() // the mechanism, run in the ending goroutine
	dependsOnCgo bool   // register CgoRole too
}

// DependsOnCgo reports whether the mechanism ends a program that links
// runtime/cgo differently, so that the table shows it in both programs.
func (m Mechanism) DependsOnCgo() bool { return m.dependsOnCgo }

// Mechanisms are the rows of the table, in the order of 000 §1.
var Mechanisms = register([]Mechanism{
	{Name: "return from main", Slug: "return", Other: OtherBlocks, end: func() {}},
	{Name: fmt.Sprintf("os.Exit(%d)", ChosenStatus), Slug: "os-exit", Other: OtherBlocks,
		end: func() { os.Exit(ChosenStatus) }},
	{Name: "log.Fatal", Slug: "log-fatal", Other: OtherBlocks, end: func() { log.Fatal(Message) }},
	{Name: "log.Panic", Slug: "log-panic", Other: OtherBlocks, end: func() { log.Panic(Message) }},
	{Name: "panic, not recovered, in main", Slug: "panic-main", Other: OtherBlocks,
		end: func() { panic(Message) }},
	{Name: "panic, not recovered, in another goroutine", Slug: "panic-goroutine", Other: OtherIsMain,
		end: func() { panic(Message) }},
	{Name: "panic, recovered", Slug: "panic-recovered", Other: OtherBlocks,
		end: func() { role.Emit(Recovered + fmt.Sprintf("%q", recoverInDefer())) }},
	{Name: "runtime.Goexit in main, another goroutine still working", Slug: "goexit-working", Other: OtherWorksOn,
		end: runtime.Goexit, dependsOnCgo: true},
	{Name: "runtime.Goexit in main, the last goroutine", Slug: "goexit-last", Other: OtherNone,
		end: runtime.Goexit, dependsOnCgo: true},
	{Name: "killed by SIGKILL", Slug: "sigkill", Other: OtherBlocks, Signal: syscall.SIGKILL, end: waitForSignal},
	{Name: "SIGTERM, not handled", Slug: "sigterm", Other: OtherBlocks, Signal: syscall.SIGTERM, end: waitForSignal},
	{Name: "SIGQUIT, not handled", Slug: "sigquit", Other: OtherBlocks, Signal: syscall.SIGQUIT, end: waitForSignal},
})

// register registers each mechanism's roles at package level, where the
// child finds them.
func register(ms []Mechanism) []Mechanism {
	for i := range ms {
		m := ms[i]
		run := func([]string) int { return runMechanism(m) }
		ms[i].Role = lesson.Role("table/"+m.Slug, run)
		if m.dependsOnCgo {
			ms[i].CgoRole = lesson.Role("table/"+m.Slug+"/cgo", run, role.NeedsCgo)
		}
	}
	return ms
}

// waitForSignal tells the parent that every deferred call is in place and
// waits for the signal the parent sends.
func waitForSignal() {
	role.Ready()
	role.BlockForever()
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
	mustNotFail(Message)
	return "after the panicking call"
}

func mustNotFail(why string) { panic(why) }

// runMechanism runs on the child's main goroutine, so that a mechanism run
// "in main" really is on the main goroutine: Goexit here is Goexit in main.
func runMechanism(m Mechanism) int {
	// With the collector off, only the exit itself could run the finalizer
	// of the garbage left below: the table shows whether it does.
	debug.SetGCPercent(-1)
	leaveGarbageWithFinalizer()

	switch m.Other {
	case OtherIsMain:
		defer role.Emit(OtherDeferRan)
		go endIn(m)
		role.BlockForever()
	case OtherBlocks:
		started := make(chan struct{})
		go func() {
			defer role.Emit(OtherDeferRan)
			close(started)
			role.BlockForever()
		}()
		<-started
	case OtherWorksOn:
		mainGone := make(chan struct{})
		defer close(mainGone) // the last deferred call main runs
		go func() {
			defer role.Emit(OtherDeferRan)
			<-mainGone
			role.Emit(OtherWorked)
		}()
	}
	endIn(m)
	return 0
}

// endIn sets up what the mechanism may or may not run (a deferred call, a
// deferred Flush of buffered output) and then runs it.
func endIn(m Mechanism) {
	defer role.Emit(EndingDeferRan)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	fmt.Fprintln(out, BufferedLine)
	m.end()
}

// resource is big enough to get an allocation of its own: the runtime
// may never run a finalizer set on a tiny or zero-sized object.
type resource struct {
	name string
	_    [64]byte
}

func leaveGarbageWithFinalizer() {
	r := &resource{name: "temp"}
	runtime.SetFinalizer(r, func(*resource) { role.Emit(FinalizerRan) })
}
