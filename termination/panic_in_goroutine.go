//go:build unix

package termination

import (
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// batch holds one item without "=": process panics on it.
var batch = []string{"region=eu", "replicas", "tier=gold"}

// indexPanic is the runtime error that item causes: Split gives one field.
const indexPanic = "runtime error: index out of range [1] with length 1"

const mainDeferRan = "main's deferred call ran"

// The child is a service: it processes a batch, then goes on serving. It
// does not exit after a good batch, so that nothing races the crash: a
// worker's deferred wg.Done runs while its panic unwinds, and main may get
// past Wait before the runtime ends the process.
var panicInGoroutineBroken, panicInGoroutineFixed = pair("termination/panic-in-goroutine", func(c code, _ []string) int {
	defer childproc.Emit(mainDeferRan)
	if err := c.ProcessAll(batch); err != nil {
		return report(err)
	}
	childproc.Emit("batch done; serving")
	blockForever()
	return 0
})

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
	Broken: catalog.Half{
		Says:  "the worker's panic ends the process; main's recover never sees it",
		Role:  panicInGoroutineBroken,
		Prove: provePanicKills,
	},
	Fixed: catalog.Half{
		Says:  "the panic comes back to the caller as an error",
		Role:  panicInGoroutineFixed,
		Prove: provePanicReturned,
	},
}

func provePanicKills(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Env("GOTRACEBACK=single"))
	require.Equal(t, 2, res.ExitCode, "an unrecovered panic exits 2; stderr: %s", res.Stderr)
	assert.True(t, strings.HasPrefix(res.Stderr, "panic: "+indexPanic+"\n"), res.Stderr)
	assert.Contains(t, res.Stderr, "created by procbugs/termination.Broken.ProcessAll", "the stack is the worker's")
	for _, e := range res.Events {
		assert.NotEqual(t, mainDeferRan, e)
		assert.False(t, strings.HasPrefix(e, "error:"), "main's recover caught nothing: %q", e)
	}
	first, _, _ := strings.Cut(res.Stderr, "\n")
	t.Logf("exit %d with %q from the worker's goroutine; main's recover caught nothing (events %q)", res.ExitCode, first, res.Events)
}

func provePanicReturned(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role)
	require.Equal(t, 1, res.ExitCode, "stderr: %s", res.Stderr)
	assert.Equal(t, []string{"error: panic: " + indexPanic, mainDeferRan}, res.Events)
	assert.Empty(t, res.Stderr)
	t.Logf("ProcessAll returned %q; main's deferred call ran and the program chose exit 1", res.Events[0])
}
