//go:build unix

package proofs

import (
	"net/http"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// DeferredStop is 001 Q3's own code.
var DeferredStop = catalog.Entry{
	ID:    "signals/deferred-stop",
	Title: "With NotifyContext and defer stop(), a second Ctrl-C during the drain is swallowed",
	Symptom: "A stuck shutdown cannot be cut short: the second Ctrl-C does nothing, " +
		"and the process waits out the whole drain.",
	Cause: "NotifyContext's channel stays registered until stop is called; cancelling the context does " +
		"not unregister it (signal.go: only (*signalCtx).stop calls Stop). A deferred stop runs after the drain, " +
		"so until then every SIGINT and SIGTERM is caught and dropped.",
	Fix:     "Call stop() as soon as <-ctx.Done() returns: the next SIGINT gets the default action and ends the process.",
	Sources: []string{"001 Q3", "001 Q8", "001 Q17"},
	Refs:    []string{"os/signal NotifyContext doc: \"The stop function unregisters the signal behavior\""},
	Func:    "ServeWithNotifyContext",
	Test:    "TestDeferredStop",
	Quiz: catalog.Quiz{
		Scenario: "after SIGTERM the child drains one slow request, and a SIGINT comes during the drain",
		AskFixed: true,
		Wrong:    "after stop, SIGINT is ignored: the drain runs to its end and the process exits 0",
	},
	Roles: signals.DeferredStop,
	Broken: catalog.Half{
		Says:  "a SIGINT during the drain is swallowed, the drain runs to its end and the process exits 0",
		Prove: proveSecondSignalSwallowed,
	},
	Fixed: catalog.Half{
		Says:  "a SIGINT during the drain ends the process at once, killed by SIGINT (130)",
		Prove: proveSecondSignalKills,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant S as child (001 Q3's code)
    T->>S: SIGTERM
    S->>S: context cancelled
    S-->>T: event "draining"
    T->>S: SIGINT
    alt broken: defer stop()
        S->>S: caught by the context's channel, dropped
        T->>S: release the handler
        S->>T: 200, then exit 0
    else fixed: stop() after ctx.Done()
        S->>S: default action, killed by SIGINT (130)
    end`,
}

// The SIGINT is seen delivered to a handler that returned, in a child
// that carried on (AwaitSurvived); the fixed child dies in that handler.
// Then the request finishes and the process exits by itself.
func proveSecondSignalSwallowed(t childproc.T, r role.Role) {
	p, h := childproc.StartHolding(t, r)
	p.Signal(t, syscall.SIGTERM)
	p.Await(t, "draining")
	p.Signal(t, syscall.SIGINT)
	AwaitSurvived(t, p, syscall.SIGINT)
	rep := h.Finish()
	require.NoError(t, rep.Err)
	require.Equal(t, http.StatusOK, rep.Status)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Status())
	require.Equal(t, "shutdown returned <nil>", res.LastEvent())
	t.Logf("SIGTERM, then SIGINT during the drain: the SIGINT was caught and dropped; the request got %d %q and the process exited 0",
		rep.Status, rep.Body)
}

func proveSecondSignalKills(t childproc.T, r role.Role) {
	p, h := childproc.StartHolding(t, r)
	p.Signal(t, syscall.SIGTERM)
	p.Await(t, "draining")
	p.Signal(t, syscall.SIGINT)
	res := p.Wait(t)
	rep := h.Reply()
	require.Equal(t, syscall.SIGINT, res.Signal, res.Status())
	require.Equal(t, 130, res.ShellCode)
	require.Error(t, rep.Err, "the request in flight was cut short")
	t.Logf("SIGTERM, then SIGINT during the drain: %s; the request in flight got %q", res.Status(), rep.Err)
}
