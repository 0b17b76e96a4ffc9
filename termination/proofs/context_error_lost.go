//go:build unix

package proofs

import (
	"context"
	"fmt"
	"strings"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/termination"
)

// ContextErrorLost is a CommandContext timeout read as a job failure.
var ContextErrorLost = catalog.Entry{
	ID:    "termination/context-error-lost",
	Title: "A job its context stopped comes back as \"signal: killed\": errors.Is never finds the timeout",
	Symptom: "Jobs that ran out of time, or that the caller cancelled, are reported as failed with \"signal: killed\"; " +
		"the timeout branch never runs, though a test with an expired context took it.",
	Cause: "When the context ends while the child runs, exec kills it (Cancel, by default Process.Kill), and Wait " +
		"returns how the child ended: an *exec.ExitError, \"signal: killed\". It returns the context's error only " +
		"when the child exited 0 after Cancel ($GOROOT/src/os/exec/exec.go, Wait and watchCtx), or when the context " +
		"had ended before Start, which never started the child. A deadline passing and a cancel take the same path.",
	Fix: "After Run, check ctx.Err(): if the context has ended, put its error in the chain next to the job's own " +
		"(fmt.Errorf(\"%w: %w\", ctx.Err(), err)), then classify with errors.Is.",
	Sources: []string{"001 Q18", "000 §17"},
	Refs: []string{"golang/go#21880", "golang/go#69585", "sourcegraph/src-cli#101",
		"newrelic/nri-flex#286", "Finsys/hawser#97"},
	Func: "RunJob",
	Test: "TestContextErrorLost",
	Quiz: catalog.Quiz{
		Scenario: "the child runs a job with a context whose deadline passed before Start, then with one cancelled while the job runs",
		AskFixed: true,
		Wrong:    "both are reported as stopped by the context, and the *exec.ExitError of the kill is lost",
	},
	Roles: termination.ContextErrorLost,
	Broken: catalog.Half{
		Says:  "a deadline passed before Start is a timeout, but a cancel while the job runs is a failure, signal killed",
		Prove: proveContextErrorLost,
	},
	Fixed: catalog.Half{
		Says:  "both are reported as stopped by the context, and the kill is still in the chain",
		Prove: proveContextErrorKept,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant C as child (RunJob)
    participant J as grandchild (job)
    T->>C: start
    C->>C: Run with a deadline already passed
    C->>C: Start returns DeadlineExceeded
    Note over C: a timeout, in both
    C->>J: Run with a live context
    J-->>C: "running" on its stdout
    C->>C: cancel
    C->>J: SIGKILL (exec's Cancel)
    J-->>C: killed, Wait returns "signal: killed"
    alt broken
        C-->>T: "job failed: signal: killed"
    else fixed
        C->>C: ctx.Err() is set, wrap it
        C-->>T: "job stopped: context canceled: signal: killed"
    end`,
}

// killed is what Wait says of a child that SIGKILL ended.
var killed = "signal: " + syscall.SIGKILL.String()

// runJobs runs the child and checks what both halves share: a deadline
// that had passed before Start comes back as the context's own error, no
// child having run. It returns what the child said of the cancelled job.
func runJobs(t childproc.T, r role.Role) string {
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, "stderr: %s; events %q", res.Stderr, res.Events)
	require.Len(t, res.Events, 2)
	require.Equal(t, fmt.Sprintf("%s: job stopped: %v; the context's error in the chain: true; *exec.ExitError: none",
		termination.DeadlinePassed, context.DeadlineExceeded), res.Events[0])
	cancelled, ok := strings.CutPrefix(res.Events[1], termination.CancelledRunning+": ")
	require.True(t, ok, res.Events[1])
	return cancelled
}

func proveContextErrorLost(t childproc.T, r role.Role) {
	got := runJobs(t, r)
	require.Equal(t, fmt.Sprintf("job failed: %s; the context's error in the chain: false; *exec.ExitError: %s",
		killed, killed), got)
	t.Logf("deadline passed before Start: a timeout, as the test with an expired context said; "+
		"cancelled while the job ran: %q", got)
}

func proveContextErrorKept(t childproc.T, r role.Role) {
	got := runJobs(t, r)
	require.Equal(t, fmt.Sprintf("job stopped: %v: %s; the context's error in the chain: true; *exec.ExitError: %s",
		context.Canceled, killed, killed), got)
	t.Logf("deadline passed before Start: a timeout; cancelled while the job ran: %q", got)
}
