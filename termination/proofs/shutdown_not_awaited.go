//go:build unix

package proofs

import (
	"net/http"
	"slices"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/helpers/role/inflight"
	"procbugs/termination"
)

// ShutdownNotAwaited is the graceful shutdown whose end nobody waits for.
var ShutdownNotAwaited = catalog.Entry{
	ID:    "termination/shutdown-not-awaited",
	Title: "Shutdown runs in a goroutine and main returns as soon as Serve does: the requests in flight are cut off",
	Symptom: "Every deploy drops the requests in flight although the server calls Shutdown: clients see the connection " +
		"close with no response, and the process exits 0 at once instead of after the drain.",
	Cause: "Shutdown closes the listeners first, and Serve (or ListenAndServe) returns ErrServerClosed at that moment, " +
		"while Shutdown still waits for the handlers ($GOROOT/src/net/http/server.go, Shutdown: \"Make sure the program " +
		"doesn't exit and waits instead for Shutdown to return\"). Main returns, and a return from main ends every " +
		"goroutine, the handlers' with it.",
	Fix: "Wait for Shutdown before returning: hand its result back on a channel and receive it once Serve has returned " +
		"ErrServerClosed (or call Shutdown on main's own goroutine, as 001 Q3 does).",
	Sources: []string{"000 §1", "001 Q3"},
	Refs: []string{"golang/go#19579", "einride/cloudrunner-go#799", "Shopify/goose#42",
		"rumyantseva/advent-2017#1", "google/certificate-transparency-go#261"},
	Func: "ServeUntilDone",
	Test: "TestShutdownNotAwaited",
	Quiz: catalog.Quiz{
		Scenario: "the child is serving one slow request when SIGTERM arrives",
		AskFixed: true,
		Wrong:    "Shutdown waits, but the request in flight is answered 503 Service Unavailable",
	},
	Roles: termination.ShutdownNotAwaited,
	Broken: catalog.Half{
		Says:  "SIGTERM ends the process at once, exit 0, with the request in flight unanswered",
		Prove: proveRequestCutOff,
	},
	Fixed: catalog.Half{
		Says:  "the process waits for the request in flight, which gets its answer, then exits 0",
		Prove: proveRequestAwaited,
	},
	Diagram: `sequenceDiagram
    participant T as test (client)
    participant M as child, main goroutine
    participant S as child, Shutdown goroutine
    T->>M: GET, the handler holds it
    T->>M: SIGTERM
    M->>S: ctx done
    S->>S: close the listener
    S-->>M: Serve returns ErrServerClosed
    alt broken
        M-->>T: ServeUntilDone returns, exit 0
        Note over T: no response at all
    else fixed
        M->>M: wait for Shutdown
        Note over T: child idle, request held
        T->>M: release the handler
        M->>T: 200 done
        S-->>M: Shutdown returns nil
        M-->>T: exit 0
    end`,
}

// proveRequestCutOff never releases the request: the broken child ends by
// itself with the handler still holding it. The fixed child waits for it
// instead, for up to its drain bound: once it is seen doing so, asleep in
// every thread past the closing of the listener, it cannot end as this
// proof expects (waitsForTheDrain).
func proveRequestCutOff(t childproc.T, r role.Role) {
	p, h := childproc.StartHolding(t, r, waitsForTheDrain())
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	rep := h.Reply()
	require.Equal(t, 0, res.ExitCode, "%s; stderr: %s", res.Status(), res.Stderr)
	require.Equal(t, []string{inflight.Listening + h.Addr, inflight.Started,
		termination.ClosingListener, termination.ServeReturned + "<nil>"}, res.Events,
		"ServeUntilDone returned once the listener closed, and the handler never finished")
	require.Error(t, rep.Err, "the request got an answer: %d %q", rep.Status, rep.Body)
	t.Logf("SIGTERM with a request in flight: Serve returned as the listener closed, ServeUntilDone returned nil, "+
		"the process exited 0 without the handler finishing, and the client got %q", rep.Err)
}

// waitsForTheDrain is the fixed proof's evidence, which the broken
// child never shows, seen at two looks in a row: past the closing of the
// listener, the child is alive and asleep in every thread. The broken
// child has returned from ServeUntilDone by then, and runs on to its exit.
func waitsForTheDrain() childproc.Option {
	return childproc.EndsOtherwiseWhen("waits for the request in flight, asleep, past the closing of its listener",
		childproc.SeenTwice(func(p *childproc.Proc) string {
			if !slices.Contains(p.Events(), termination.ClosingListener) || !procfs.Alive(p.Pid) || !procfs.Idle(p.Pid) {
				return ""
			}
			return termination.ClosingListener
		}))
}

// proveRequestAwaited releases the request only once the child, past the
// closing of the listener, sleeps with every thread: the broken child
// never does, it has returned from main by then.
func proveRequestAwaited(t childproc.T, r role.Role) {
	p, h := childproc.StartHolding(t, r)
	p.Signal(t, syscall.SIGTERM)
	p.Await(t, termination.ClosingListener)
	p.Until(t, "the child waits for the drain, every thread asleep, the request held", func() bool {
		return procfs.Alive(p.Pid) && procfs.Idle(p.Pid)
	})
	rep := h.Finish()
	res := p.Wait(t)
	require.NoError(t, rep.Err)
	require.Equal(t, http.StatusOK, rep.Status)
	require.Equal(t, inflight.Answer, rep.Body)
	require.Equal(t, 0, res.ExitCode, "%s; stderr: %s", res.Status(), res.Stderr)
	require.Equal(t, []string{inflight.Listening + h.Addr, inflight.Started,
		termination.ClosingListener, inflight.Finished, termination.ServeReturned + "<nil>"}, res.Events,
		"ServeUntilDone returned only after the handler finished")
	t.Logf("SIGTERM with a request in flight: the listener closed, the child slept alive until the proof released "+
		"the handler, the client got %d %q, then Shutdown returned nil and the process exited 0", rep.Status, rep.Body)
}
