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

// ExitOnSignal drops the request in flight.
var ExitOnSignal = catalog.Entry{
	ID:      "signals/exit-on-signal",
	Title:   "os.Exit in a signal handler drops the requests in flight",
	Symptom: "Every deploy or scale-down fails a few requests: clients see the connection close with no response.",
	Cause:   "os.Exit ends the process at once. The server never stops accepting, never waits for its handlers, and no deferred function runs.",
	Fix: "On the signal, call srv.Shutdown with a bounded context: it closes the listener, " +
		"waits for the requests in flight, and returns; main then returns normally.",
	Sources: []string{"001 Q3", "001 Q17"},
	Refs:    []string{"net/http Server.Shutdown doc"},
	Func:    "ServeUntilTerminated",
	Test:    "TestExitOnSignal",
	Quiz: catalog.Quiz{
		Scenario: "the child is serving one slow request when SIGTERM arrives",
	},
	Roles: signals.ExitOnSignal,
	Broken: catalog.Half{
		Says:  "SIGTERM ends the process with the request in flight unanswered",
		Prove: proveRequestDropped,
	},
	Fixed: catalog.Half{
		Says:  "SIGTERM drains the request in flight, which gets 200, and the process exits 0",
		Prove: proveRequestDrained,
	},
	Diagram: `sequenceDiagram
    participant T as test (client)
    participant S as child (HTTP server)
    T->>S: GET /slow
    S-->>T: event "request started"
    T->>S: SIGTERM
    alt broken
        S->>S: os.Exit(0)
        S--xT: connection closed, no response
    else fixed
        S-->>T: event "draining" (Shutdown began)
        T->>S: release the handler
        S->>T: 200 "done"
        S->>S: Shutdown returns nil, exit 0
    end`,
}

// The fixed server answers the request and says it drained; the broken
// one ended with the client still waiting, having never begun to drain.
func proveRequestDropped(t childproc.T, r role.Role) {
	p, h := childproc.StartHolding(t, r)
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	rep := h.Reply()
	require.Error(t, rep.Err, "the request got an answer: %d %q", rep.Status, rep.Body)
	require.Equal(t, 0, res.ExitCode, "os.Exit(0): %s", res.Status())
	require.False(t, res.HasEvent("draining"), "the server never began to drain")
	require.Equal(t, "request started", res.LastEvent(), "serve never returned")
	t.Logf("SIGTERM with a request in flight: the process ended with %s and the client got %q", res.Status(), rep.Err)
}

func proveRequestDrained(t childproc.T, r role.Role) {
	p, h := childproc.StartHolding(t, r)
	p.Signal(t, syscall.SIGTERM)
	p.Await(t, "draining")
	rep := h.Finish()
	require.NoError(t, rep.Err)
	require.Equal(t, http.StatusOK, rep.Status)
	require.Equal(t, "done", rep.Body)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Status())
	require.Equal(t, "shutdown returned <nil>", res.LastEvent(), "Shutdown finished within the drain bound")
	require.Contains(t, res.Stderr, "shutting down: terminated signal received", "context.Cause names the signal")
	t.Logf("SIGTERM with a request in flight: it got %d %q, Shutdown returned nil, and the process exited 0",
		rep.Status, rep.Body)
}
