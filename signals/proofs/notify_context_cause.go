//go:build unix

package proofs

import (
	"context"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// CauseChange is what Go 1.26 changed in the context NotifyContext returns.
var CauseChange = catalog.Change{
	Since: "go1.26",
	Before: "NotifyContext cancelled its context with plain context.Canceled: context.Cause said \"context canceled\" " +
		"like ctx.Err(), whatever the signal",
	After: "it cancels with a cause that names the signal, \"terminated signal received\" for SIGTERM; ctx.Err() " +
		"still says \"context canceled\". In Go 1.26.0 that cause did not match errors.Is(cause, context.Canceled) " +
		"(golang/go#77639); a 1.26 point release made it match, as it does in 1.26.8 and 1.27",
	Source: "os/signal/signal.go, NotifyContext: context.WithCancelCause, and c.cancel(signalError(s.String() + " +
		"\" signal received\")); signalError.Is, added by the point release, matches context.Canceled",
	Test: "signals.TestNotifyContextCause",
}

// SignalCause is what context.Cause says, on the running release, of a
// NotifyContext context that sig cancelled.
func SignalCause(sig syscall.Signal) string {
	if catalog.Since(CauseChange.Since) {
		return sig.String() + " signal received"
	}
	return context.Canceled.Error()
}

// NotifyContextCause is the shutdown log that cannot say why.
var NotifyContextCause = catalog.Entry{
	ID:    "signals/notify-context-cause",
	Title: "After NotifyContext, ctx.Err() says only \"context canceled\": context.Cause names the signal",
	Symptom: "Every shutdown logs \"shutting down: context canceled\": Ctrl-C, SIGTERM from the orchestrator and a " +
		"parent context cancelled by the program itself all look the same.",
	Cause: "ctx.Err() is context.Canceled for any cancellation; it never carries a reason. Since Go 1.26 NotifyContext " +
		"records the signal as the context's cause, which only context.Cause returns.",
	Fix: "Log context.Cause(ctx): \"terminated signal received\", \"interrupt signal received\". " +
		"errors.Is(cause, context.Canceled) stays true (since the 1.26 point release that fixed golang/go#77639), " +
		"so existing checks keep working.",
	Sources: []string{"001 Q3", "001 Q17"},
	Refs:    []string{"golang/go#60756", "golang/go#60733", "golang/go#66032", "golang/go#77639"},
	Func:    "RunUntilSignal",
	Test:    "TestNotifyContextCause",
	Changes: []catalog.Change{CauseChange},
	Quiz: catalog.Quiz{
		Scenario: "the child runs under signal.NotifyContext and gets SIGTERM, then logs why it is shutting down",
		AskFixed: true,
		Wrong:    "SIGTERM is logged as \"terminated signal received\", and errors.Is(cause, context.Canceled) is false",
	},
	Roles: signals.NotifyContextCause,
	Broken: catalog.Half{
		Says:  "SIGTERM is logged as \"context canceled\", which names no signal",
		Prove: proveStopReason(func(syscall.Signal) string { return context.Canceled.Error() }),
	},
	Fixed: catalog.Half{
		Says:  "SIGTERM is logged as \"terminated signal received\" (from Go 1.26), still a context.Canceled",
		Prove: proveStopReason(SignalCause),
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant C as child
    C->>C: NotifyContext(SIGINT, SIGTERM)
    C-->>T: ready
    T->>C: SIGTERM
    C->>C: context cancelled, with the signal as its cause
    alt broken: ctx.Err()
        C-->>T: "shutting down: context canceled"
    else fixed: context.Cause(ctx)
        C-->>T: "shutting down: terminated signal received"
    end`,
}

// proveStopReason sends SIGTERM to the ready child and checks the reason
// it logs, and that the reason is a context.Canceled either way. The
// child needs no time bound: the SIGTERM ends it, whichever code it runs.
func proveStopReason(want func(syscall.Signal) string) func(t childproc.T, r role.Role) {
	return func(t childproc.T, r role.Role) {
		p := childproc.Start(t, r)
		p.WaitReady(t)
		p.Signal(t, syscall.SIGTERM)
		res := p.Wait(t)
		require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
		require.Equal(t, []string{
			"shutting down: " + want(syscall.SIGTERM),
			"errors.Is(why, context.Canceled) = true",
		}, res.Events)
		t.Logf("SIGTERM, on %s: the child logged %q", catalog.Release(), res.Events[0])
	}
}
