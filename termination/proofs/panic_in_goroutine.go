//go:build unix

package proofs

import (
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/termination"
)

// PanicInGoroutine is 000 §11's "recover is goroutine-local".
var PanicInGoroutine = catalog.Entry{
	ID:    "termination/panic-in-goroutine",
	Title: "A panic in a worker goroutine kills the program although main recovers",
	Symptom: "One bad input crashes the whole service with exit status 2 and a stack trace, " +
		"even though the function that started the workers has a deferred recover.",
	Cause: "recover stops only a panic of its own goroutine. A panic walks up the stack of the goroutine " +
		"that raised it; finding no recover there, the runtime ends the process (fatalpanic in " +
		"$GOROOT/src/runtime/panic.go). Other goroutines' deferred calls do not run.",
	Fix: "Recover in each goroutine and hand the panic back as an error: a group that does what " +
		"errgroup.Group does, plus a deferred recover in the goroutine it starts.",
	Sources: []string{"000 §1", "000 §11", "000 §19", "001 Q10"},
	Refs: []string{"Go spec, Handling panics: \"The return value of recover is nil when the goroutine is not panicking " +
		"or recover was not called directly by a deferred function.\""},
	Func: "ProcessAll",
	Test: "TestPanicInGoroutine",
	Quiz: catalog.Quiz{
		Scenario: "the child processes a batch in worker goroutines; one worker indexes past the end of its input",
		Wrong:    "main's deferred recover catches the worker's panic and the service goes on serving",
	},
	Roles: termination.PanicInGoroutine,
	Broken: catalog.Half{
		Says:  "the worker's panic ends the process and main's recover never sees it",
		Prove: provePanicKills,
	},
	Fixed: catalog.Half{
		Says:  "the panic comes back to the caller as an error",
		Prove: provePanicReturned,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant M as child, main goroutine
    participant W as child, worker goroutine
    T->>M: start
    M->>W: go process("replicas")
    W->>W: index out of range, panic
    alt broken
        W->>W: wg.Done runs, no recover
        W-->>T: panic and stack on stderr, exit 2
        Note over M: main never recovers it
    else fixed
        W->>W: recover makes it an error
        W->>M: Wait returns "panic: runtime error: ..."
        M-->>T: the error, main's deferred call, exit 1
    end`,
}

func provePanicKills(t childproc.T, r role.Role) {
	// The runtime's own default: a panic prints the panicking goroutine only.
	res := childproc.Finish(t, r, childproc.Env("GOTRACEBACK=single"))
	require.Equal(t, 2, res.ExitCode, "an unrecovered panic exits 2; stderr: %s", res.Stderr)
	require.True(t, strings.HasPrefix(res.Stderr, "panic: "+termination.IndexPanic+"\n"), res.Stderr)
	require.Contains(t, res.Stderr, "created by procbugs/termination.Broken.ProcessAll", "the stack is the worker's")
	for _, e := range res.Events {
		require.NotEqual(t, termination.MainDeferRan, e, "main's deferred call never ran")
		require.False(t, strings.HasPrefix(e, "error:"), "main's recover caught nothing: %q", e)
	}
	first, _, _ := strings.Cut(res.Stderr, "\n")
	t.Logf("exit %d with %q from the worker's goroutine; main's recover caught nothing (events %q)", res.ExitCode, first, res.Events)
}

func provePanicReturned(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r)
	require.Equal(t, 1, res.ExitCode, "stderr: %s", res.Stderr)
	require.Equal(t, []string{"error: panic: " + termination.IndexPanic, termination.MainDeferRan}, res.Events)
	require.Empty(t, res.Stderr)
	t.Logf("ProcessAll returned %q; main's deferred call ran and the program chose exit 1", res.Events[0])
}
