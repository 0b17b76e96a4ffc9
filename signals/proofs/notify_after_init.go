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

// NotifyAfterInit is the daemon that dies of a reload sent while it starts.
var NotifyAfterInit = catalog.Entry{
	ID:    "signals/notify-after-init",
	Title: "signal.Notify after a slow init: a SIGHUP or SIGTERM during start-up kills the daemon",
	Symptom: "A config reload (SIGHUP) or a stop sent while the daemon is still starting ends it at once, with status 129 " +
		"or 143 and no log line; a deploy that reloads early, or a test that signals soon after start, fails now and then.",
	Cause: "Until Notify is called, SIGHUP and SIGTERM have their default action, which the Go runtime carries out: the " +
		"process dies. Start-up code that reads secrets, resolves names or migrates a database can take seconds, " +
		"and all that time the daemon is one signal away from dying.",
	Fix: "Ask for the signals on the first line of main, and run init under the context SIGTERM cancels: a SIGTERM " +
		"during start-up ends init cleanly, and a SIGHUP waits in its channel's slot until the daemon is up to reload.",
	Sources: []string{"001 Q3", "001 Q17"},
	Refs: []string{"hashicorp/nomad#3885", "jacksontj/promxy#68", "coder/coder#3543",
		"signalfx/splunk-otel-collector#8028", "kolide/launcher#2803"},
	Func: "RunDaemon",
	Test: "TestNotifyAfterInit",
	Quiz: catalog.Quiz{
		Scenario: "a daemon gets SIGHUP while it is still starting up, then SIGTERM once it is up",
		AskFixed: true,
		Wrong:    "the SIGHUP during init is dropped, as nobody asked for it yet, and SIGTERM then stops the daemon",
	},
	Roles: signals.NotifyAfterInit,
	Broken: catalog.Half{
		Says:  "a SIGHUP during init kills the daemon (129) before it ever starts",
		Prove: proveKilledDuringInit,
	},
	Fixed: catalog.Half{
		Says:  "a SIGHUP during init is kept, the daemon reloads once it is up, and SIGTERM then stops it cleanly",
		Prove: proveReloadQueued,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant D as child (daemon)
    Note over D: fixed: Notify first
    D-->>T: "initialising"
    Note over D: init waits for the gate
    T->>D: SIGHUP
    alt broken: Notify after init
        D->>D: no channel wants it, killed (129)
    else fixed
        D->>D: kept in the channel's slot
        T->>D: open the gate
        D-->>T: "initialised", then "reloaded"
        T->>D: SIGTERM
        D-->>T: "stopped", exit 0
    end`,
}

// The child is blocked in its init until the gate opens, and the gate
// never opens: the SIGHUP comes during start-up whatever the machine's
// speed. AwaitFate tells a death from a survival with no time bound.
func proveKilledDuringInit(t childproc.T, r role.Role) {
	p, _ := StartGated(t, r)
	p.Await(t, "initialising")
	p.Signal(t, syscall.SIGHUP)
	require.False(t, AwaitFate(t, p, syscall.SIGHUP), "the daemon took the SIGHUP during init and lived on")
	res := p.Wait(t)
	require.Equal(t, syscall.SIGHUP, res.Signal, "%s; events %q", res.Status(), res.Events)
	require.Equal(t, 128+int(syscall.SIGHUP), res.ShellCode)
	require.Equal(t, []string{"initialising"}, res.Events, "init never finished")
	t.Logf("SIGHUP while the daemon was in its init: %s; its last word was %q", res.Status(), res.LastEvent())
}

// The SIGHUP is seen taken by a handler that returned, in a child that
// went on (AwaitSurvived), while init still waits for the gate. Then the
// daemon comes up and reloads once, for that SIGHUP.
func proveReloadQueued(t childproc.T, r role.Role) {
	p, gate := StartGated(t, r)
	p.Await(t, "initialising")
	p.Signal(t, syscall.SIGHUP)
	AwaitSurvived(t, p, syscall.SIGHUP)
	OpenGate(t, gate, "init may finish")
	p.Await(t, "reloaded")
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	require.Equal(t, []string{"initialising", "initialised", "reloaded", "stopped: <nil>"}, res.Events)
	t.Logf("SIGHUP during init was kept while the daemon lived on; once up it gave %q, and SIGTERM then %s",
		res.Events[1:], res.Status())
}
