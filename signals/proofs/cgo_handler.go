//go:build unix

package proofs

import (
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/signals"
)

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
	Quiz: catalog.Quiz{
		Scenario: "the child loads a C library that installs its own SIGINT handler, then waits for SIGINT on a channel",
		AskFixed: true,
		Wrong:    "SIGINT runs the C library's handler and reaches Go's channel too",
	},
	Roles: signals.CgoHandler,
	Broken: catalog.Half{
		Says:  "SIGINT runs the C library's handler, Go's channel gets nothing and the process lives on",
		Prove: proveCgoHandlerWins,
	},
	Fixed: catalog.Half{
		Says:  "after Ignore and Notify, SIGINT reaches Go's channel",
		Prove: proveGoHandlerBack,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant C as child (Go and a C library)
    Note over C: broken: Notify, then the library's sigaction
    Note over C: fixed: the library, then Ignore and Notify
    T->>C: SIGINT
    alt broken
        C->>C: the C handler runs, Go never sees it
    else fixed
        C->>C: Go's handler, the channel gets interrupt
    end`,
}

// Interrupt starts r, a role built with cgo, sends it SIGINT once it is
// ready, and waits for it to report what heard it and exit. Where no C
// compiler can build the child, Start skips with the reason.
func Interrupt(t childproc.T, r role.Role, opts ...childproc.Option) childproc.Result {
	t.Helper()
	p := childproc.Start(t, r, append([]childproc.Option{childproc.Timeout(childproc.FinishBound)}, opts...)...)
	p.WaitReady(t)
	p.Signal(t, syscall.SIGINT)
	return p.Wait(t)
}

func proveCgoHandlerWins(t childproc.T, r role.Role) {
	res := Interrupt(t, r)
	require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	require.Equal(t, []string{`C library logged "C handler ran"`, "Go channel got nothing"}, res.Events)
	t.Logf("SIGINT after the C library started: %q; the process survived and exited %d", res.Events, res.ExitCode)
}

func proveGoHandlerBack(t childproc.T, r role.Role) {
	res := Interrupt(t, r)
	require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	require.Equal(t, []string{"Go channel got interrupt"}, res.Events)
	t.Logf("SIGINT after the C library started and Go took it back: %q", res.Events)
}
