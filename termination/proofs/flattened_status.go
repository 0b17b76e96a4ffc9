//go:build unix

package proofs

import (
	"fmt"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/termination"
)

// FlattenedStatus is a wrapper that loses its child's end.
var FlattenedStatus = catalog.Entry{
	ID:    "termination/flattened-status",
	Title: "A wrapper exits 1 for every failure of its child: the status and the signal are lost",
	Symptom: "Whatever the wrapped program did, exit 3 or killed by SIGTERM, the wrapper exits 1: CI, systemd and " +
		"Kubernetes act on the wrong status, and a stop reads as a crash. go run does the same (go help run).",
	Cause: "The wrapper turns Run's error into a message and os.Exit(1), the run() pattern of 001 Q2. The child's " +
		"status is in the *exec.ExitError; a death by signal is in its wait status, and only dying of the same " +
		"signal passes it on: a parent reads the signal from the wait status, not from any exit code.",
	Fix: "Exit with ExitCode() for a child that exited; for one a signal killed, reset the signal and raise it on " +
		"the calling thread, which a Go program dies of for SIGHUP, SIGINT and SIGTERM, else exit 128 + the signal, " +
		"as a shell does. Exit 1 only when the child never ran.",
	Sources: []string{"000 §18", "001 Q2"},
	Refs: []string{"golang/go#13440", "golang/go#17813", "golang/go#23716", "suzuki-shunsuke/cmdx#81",
		"go-task/task#755"},
	Func: "RunAndExit",
	Test: "TestFlattenedStatus",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "a wrapper runs a program that exits 3, then one that gets killed by SIGTERM, and exits as each did",
		Wrong:    "the wrapper exits 3 for the first and 143 for the second, the statuses a shell shows",
	},
	Roles: termination.FlattenedStatus,
	Broken: catalog.Half{
		Says:  "a child that exits 3 and a child killed by SIGTERM both make the wrapper exit 1",
		Prove: proveStatusFlattened,
	},
	Fixed: catalog.Half{
		Says:  "the wrapper exits 3 for the first and dies of SIGTERM for the second",
		Prove: proveStatusPassedOn,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant W as child (the wrapper)
    participant G as grandchild
    T->>W: start, the grandchild exits 3
    W->>G: Run
    G-->>W: exit status 3
    T->>W: start again, the grandchild blocks
    W->>G: Run
    T->>G: SIGTERM
    G-->>W: killed by SIGTERM
    alt broken
        W-->>T: exit 1, and exit 1
    else fixed
        W-->>T: exit 3
        W->>W: raise SIGTERM on itself
        W-->>T: killed by SIGTERM (143)
    end`,
}

// wrapEnds runs the wrapper twice: around a grandchild that exits
// VictimExit, and around one that blocks until the proof sends it SIGTERM.
func wrapEnds(t childproc.T, r role.Role) (exited, killed childproc.Result) {
	exited = childproc.Run(t, r, childproc.Args(fmt.Sprintf("exit:%d", termination.VictimExit)),
		childproc.Timeout(childproc.FinishBound))
	p := childproc.Start(t, r, childproc.Args("block"), childproc.Timeout(childproc.FinishBound))
	grandchild := p.AwaitChild(t)
	require.NoError(t, childproc.Signal(grandchild, syscall.SIGTERM))
	killed = p.Wait(t)
	for _, res := range []childproc.Result{exited, killed} {
		require.NotContains(t, res.Events, termination.WrapperReturned)
	}
	return exited, killed
}

func proveStatusFlattened(t childproc.T, r role.Role) {
	exited, killed := wrapEnds(t, r)
	require.Equal(t, 1, exited.ExitCode, exited.Status())
	require.Equal(t, fmt.Sprintf("exit status %d\n", termination.VictimExit), exited.Stderr)
	require.Equal(t, 1, killed.ExitCode, killed.Status())
	require.Equal(t, "signal: "+syscall.SIGTERM.String()+"\n", killed.Stderr)
	t.Logf("grandchild exit %d: the wrapper %s, saying %q; grandchild killed by SIGTERM: the wrapper %s, saying %q",
		termination.VictimExit, exited.Status(), exited.Stderr, killed.Status(), killed.Stderr)
}

func proveStatusPassedOn(t childproc.T, r role.Role) {
	exited, killed := wrapEnds(t, r)
	require.Equal(t, termination.VictimExit, exited.ExitCode, exited.Status())
	require.Empty(t, exited.Stderr)
	require.Equal(t, syscall.SIGTERM, killed.Signal, killed.Status())
	require.Equal(t, 128+int(syscall.SIGTERM), killed.ShellCode)
	require.Empty(t, killed.Stderr)
	t.Logf("grandchild exit %d: the wrapper %s; grandchild killed by SIGTERM: the wrapper %s",
		termination.VictimExit, exited.Status(), killed.Status())
}
