//go:build unix

package proofs

import (
	"fmt"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// UnbufferedNotify is the dropped signal of 000 §8.
var UnbufferedNotify = catalog.Entry{
	ID:    "signals/unbuffered-notify",
	Title: "An unbuffered channel given to signal.Notify drops signals",
	Symptom: "Ctrl-C or SIGTERM is sometimes ignored: the program only hears a signal that arrives " +
		"while its goroutine happens to be waiting in a receive.",
	Cause: "os/signal never blocks to deliver: it offers each signal to each channel with a " +
		"non-blocking send (signal.go, process). An unbuffered channel with no receiver waiting refuses it.",
	Fix:     "make(chan os.Signal, 1): the slot keeps the signal until someone receives.",
	Sources: []string{"000 §8", "000 §19", "001 Q9"},
	Refs:    []string{"os/signal Notify doc: \"Package signal will not block sending to c\""},
	Func:    "NotifyChannel",
	Lint:    "go vet: sigchanyzer; staticcheck: SA1017",
	Test:    "TestUnbufferedNotify",
	Quiz: catalog.Quiz{
		Scenario: "the child sends itself SIGUSR1 200 times, one at a time, and looks into its Notify channel after each",
		AskFixed: true,
		Wrong:    "the buffer keeps the first signal and drops the other 199",
	},
	Roles: signals.UnbufferedNotify,
	Broken: catalog.Half{
		Says:  "every signal that arrives between receives is dropped",
		Prove: proveReceived(0),
	},
	Fixed: catalog.Half{
		Says:  "a buffer of one keeps every signal until it is received",
		Prove: proveReceived(signals.Rounds),
	},
	Diagram: `sequenceDiagram
    participant K as kernel
    participant R as os/signal
    participant C as main goroutine
    C->>K: SIGUSR1 to itself
    K->>R: SIGUSR1
    R-->>C: offer on the channel under test
    R->>R: offer on the witness channel: kept
    C->>R: receive the witness, then Notify again
    Note over C,R: every offer has been made
    C->>C: look without blocking: empty (broken) or SIGUSR1 (fixed)`,
}

// The scenario counts, after each signal, whether the channel under test
// kept it; the two codes give 0 and Rounds, and nothing in between can
// happen: the child looks only once os/signal has offered the signal.
func proveReceived(want int) func(t childproc.T, r role.Role) {
	return func(t childproc.T, r role.Role) {
		res := childproc.Finish(t, r)
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		require.Equal(t, fmt.Sprintf("received %d of %d", want, signals.Rounds), res.LastEvent())
		t.Logf("the child sent itself SIGUSR1 %d times, one at a time; its channel %s", signals.Rounds, res.LastEvent())
	}
}
