//go:build unix

package proofs

import (
	"fmt"
	"os"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// ForwardNothing is the supervisor whose child never hears SIGTERM.
var ForwardNothing = catalog.Entry{
	ID:    "signals/forward-nothing",
	Title: "A supervisor that forwards nothing leaves its child running after SIGTERM",
	Symptom: "`kill` on the wrapper ends it, but the worker it started keeps running, " +
		"re-parented to init (or a subreaper), holding ports and files.",
	Cause: "The child has a process group of its own. A signal sent to the supervisor's pid reaches the supervisor alone; " +
		"with no handler it dies at once and tells nobody.",
	Fix:     "Catch the signals a service acts on and forward them to the child: the child ends, and the supervisor returns its code.",
	Sources: []string{"000 §13", "001 Q9"},
	Func:    "RunChild",
	Test:    "TestForwardNothing",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child supervises a listener in a group of its own, and the supervisor gets SIGTERM",
		AskFixed: true,
		Wrong:    "the child ends with 7, but the supervisor still dies of the SIGTERM, 143",
	},
	Roles: signals.ForwardNothing,
	Broken: catalog.Half{
		Says:  "the supervisor dies of SIGTERM and its child runs on, orphaned, never told",
		Prove: proveChildOrphaned,
	},
	Fixed: catalog.Half{
		Says:  "the supervisor forwards SIGTERM, the child ends with 7 and the supervisor returns 7",
		Prove: proveForwarded,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant S as supervisor (child)
    participant G as listener (grandchild, own group)
    S->>G: start, Setpgid
    G-->>T: "listener pid=N"
    T->>S: SIGTERM
    alt broken
        S->>S: killed by SIGTERM
        Note over G: orphaned, still running, never told
    else fixed
        S->>G: SIGTERM, forwarded
        G->>S: exit 7
        S-->>T: "child exited 7"
    end`,
}

// The supervisor died of the signal; its child, re-parented to the test,
// takes a SIGTERM from the proof and reports it as the first it ever got.
func proveChildOrphaned(t childproc.T, r role.Role) {
	p, feed := StartReporting(t, r, childproc.Timeout(childproc.FinishBound))
	kid := PIDIn(t, AwaitReport(t, p, feed, "listener pid="))
	EndOrphan(t, p, kid)
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.Equal(t, syscall.SIGTERM, res.Signal, "the supervisor: %s", res.Status())
	require.Equal(t, os.Getpid(), procfs.Parent(kid), "its child outlived it, re-parented to the test, the nearest subreaper")
	require.NoError(t, childproc.Signal(kid, syscall.SIGTERM))
	last := AwaitOrphanReport(t, feed, "listener exits after", 1)
	require.Equal(t, "listener exits after SIGURG=0 SIGTERM=1", last, "the proof's SIGTERM was the first the child got")
	childproc.ReapOrphan(t, kid)
	t.Logf("supervisor %s; its child %d ran on, re-parented to the test, and the SIGTERM the proof then sent it was the first it ever got",
		res.Status(), kid)
}

func proveForwarded(t childproc.T, r role.Role) {
	p, feed := StartReporting(t, r, childproc.Timeout(childproc.FinishBound))
	kid := PIDIn(t, AwaitReport(t, p, feed, "listener pid="))
	EndOrphan(t, p, kid)
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s; %q; stderr:\n%s", res.Status(), res.Events, res.Stderr)
	require.Equal(t, fmt.Sprintf("child exited %d", signals.ListenerExit), res.LastEvent())
	require.Contains(t, AllReports(t, feed), "listener exits after SIGURG=0 SIGTERM=1")
	t.Logf("SIGTERM to the supervisor reached child %d, which exited %d; the supervisor returned %q and exited 0",
		kid, signals.ListenerExit, res.LastEvent())
}
