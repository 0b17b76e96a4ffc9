package signals

import (
	"bufio"
	"os"
	"os/signal"
	"syscall"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// The C library logs to a pipe each time its handler runs. The child waits
// for whichever hears the SIGINT first: Go's channel or the library's log.
// When the library's handler ran, Go's runtime never saw the signal at all,
// so Go's channel is empty for good.
var cgoHandlerBroken, cgoHandlerFixed = pair("signals/cgo-handler", func(c code, _ []string) int {
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
	childproc.Ready()
	select {
	case s := <-interrupts:
		childproc.Emitf("Go channel got %v", s)
	case line := <-logged:
		childproc.Emitf("C library logged %q", line)
		select {
		case s := <-interrupts:
			childproc.Emitf("Go channel got %v", s)
		default:
			childproc.Emit("Go channel got nothing")
		}
	}
	return 0
})

// CgoHandler is 000 §7 and 001 Q27: a C library takes a signal from Go.
var CgoHandler = catalog.Entry{
	ID:      "signals/cgo-handler",
	Title:   "A C library that installs its own signal handler takes the signal away from Go",
	Symptom: "After linking a C library, Ctrl-C no longer stops the program and signal.Notify channels stay silent.",
	Cause: "A handler installed with sigaction after the Go runtime's replaces it: the kernel runs the C handler only. " +
		"Go does not chain to handlers installed after it starts.",
	Fix: "Take the signal back after the library has started: signal.Ignore, then signal.Notify, installs Go's handler again " +
		"(Notify alone does not: the runtime believes its handler is still there). Better: configure the library not to " +
		"install handlers, or make it call the handler it replaced.",
	Sources: []string{"000 §7", "001 Q9", "001 Q27"},
	Refs:    []string{"os/signal doc: \"Go programs that use cgo or SWIG\""},
	Func:    "WatchInterrupts",
	Test:    "TestCgoHandler",
	Broken: catalog.Half{
		Says:  "SIGINT runs the C library's handler; Go's channel gets nothing and the process lives on",
		Role:  cgoHandlerBroken,
		Prove: proveCgoHandlerWins,
	},
	Fixed: catalog.Half{
		Says:  "after Ignore and Notify, SIGINT reaches Go's channel",
		Role:  cgoHandlerFixed,
		Prove: proveGoHandlerBack,
	},
}

// skipWithoutCgo skips where this build has no cgo.
func skipWithoutCgo(t childproc.T) {
	t.Helper()
	if !haveCgo {
		childproc.SkipWith(t, "needs cgo (CGO_ENABLED=1 and a C compiler): the library under test is C code",
			cgoHandlerBroken, cgoHandlerFixed, cgoVariant)
	}
}

func interruptLoaded(t childproc.T, role childproc.Role, opts ...childproc.Option) childproc.Result {
	skipWithoutCgo(t)
	p := childproc.Start(t, role, opts...)
	p.WaitReady(t)
	p.Signal(t, syscall.SIGINT)
	return p.Wait(t)
}

func proveCgoHandlerWins(t childproc.T, role childproc.Role) {
	res := interruptLoaded(t, role)
	require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	assert.Equal(t, []string{`C library logged "C handler ran"`, "Go channel got nothing"}, res.Events)
	t.Logf("SIGINT after the C library started: %q; the process survived and exited %d", res.Events, res.ExitCode)
}

func proveGoHandlerBack(t childproc.T, role childproc.Role) {
	res := interruptLoaded(t, role)
	require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	assert.Equal(t, []string{"Go channel got interrupt"}, res.Events)
	t.Logf("SIGINT after the C library started and Go took it back: %q", res.Events)
}

// cgoVariant loads the C library and then, with "notify-after", calls
// signal.Notify alone; with "no-notify", nothing: the library's handler is
// all there is. It reports what heard the SIGINT.
var cgoVariant = childproc.Register("signals/cgo-variant", func(args []string) int {
	logR, logW, err := os.Pipe()
	if err != nil {
		return fail(err)
	}
	cLibrary(int(logW.Fd()))()
	interrupts := make(chan os.Signal, 1)
	if args[0] == "notify-after" {
		signal.Notify(interrupts, os.Interrupt)
	}
	childproc.Ready()
	sc := bufio.NewScanner(logR)
	sc.Scan()
	childproc.Emitf("C library logged %q", sc.Text())
	select {
	case s := <-interrupts:
		childproc.Emitf("Go channel got %v", s)
	default:
		childproc.Emit("Go channel got nothing")
	}
	return 0
})
