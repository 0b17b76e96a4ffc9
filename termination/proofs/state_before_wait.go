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

// StateBeforeWait is cmd.ProcessState read after Kill, before any Wait.
var StateBeforeWait = catalog.Entry{
	ID:    "termination/state-before-wait",
	Title: "ProcessState read after Kill without Wait: nil, and the program crashes",
	Symptom: "The code that kills a job that ran too long crashes with \"invalid memory address or nil pointer " +
		"dereference\" where it meant to log how the job ended.",
	Cause: "Kill only sends SIGKILL. cmd.ProcessState is set by Wait (000 §9: non-nil after Wait returns), so " +
		"until Wait it is nil: ExitCode and String accept a nil *ProcessState, but Sys, Success, Exited and " +
		"SysUsage read through it and panic.",
	Fix: "Wait after Kill: it reaps the job and fills in ProcessState. Its error is the kill itself, " +
		"\"signal: killed\"; read the status from ProcessState, which is nil only if Wait could not wait at all.",
	Sources: []string{"000 §9"},
	Refs:    []string{"cirruslabs/cirrus-ci-agent#64", "cilium/cilium#29989", "TritonDataCenter/containerpilot#255"},
	Func:    "Abort",
	Test:    "TestStateBeforeWait",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child starts a job that blocks, aborts it, and logs how the job ended",
		Wrong:    "the log says SIGKILL ended the job, and the program goes on",
	},
	Roles: termination.StateBeforeWait,
	Broken: catalog.Half{
		Says:  "reading the killed job's state crashes the program, exit 2",
		Prove: proveStateNil,
	},
	Fixed: catalog.Half{
		Says:  "Abort waits and reports that SIGKILL ended the job",
		Prove: proveStateRead,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant C as child (Abort)
    participant J as grandchild (job)
    T->>C: start
    C->>J: Start, the job blocks
    C->>J: Kill, SIGKILL
    alt broken
        C->>C: cmd.ProcessState.Sys() on nil
        C-->>T: nil-pointer panic, exit 2
    else fixed
        C->>J: Wait, it reaps the job
        C-->>T: "signaled true, by SIGKILL", exit 0
    end`,
}

// proveStateNil: the child crashes right after sending SIGKILL, and
// nobody waits for the job. It may still be dying when the child is gone,
// left in the child's group to be reaped by whoever inherits it: KillGroup
// says that leftover is expected, and reaps it.
func proveStateNil(t childproc.T, r role.Role) {
	p := childproc.Start(t, r, childproc.Timeout(childproc.FinishBound))
	res := p.Wait(t)
	p.KillGroup(t)
	require.Equal(t, 2, res.ExitCode, "%s; stderr: %s", res.Status(), res.Stderr)
	require.True(t, strings.HasPrefix(res.Stderr, nilDeref), res.Stderr)
	require.Contains(t, res.Stderr, "os.(*ProcessState).Sys(", "Sys read through the nil ProcessState")
	require.Contains(t, res.Stderr, "procbugs/termination.Broken.Abort(")
	require.Empty(t, res.Events, "Abort never returned")
	t.Logf("Kill, then cmd.ProcessState.Sys() with no Wait: %s, %q", res.Status(), nilDeref)
}

func proveStateRead(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, "%s; stderr: %s", res.Status(), res.Stderr)
	require.Equal(t, []string{"Abort: signaled true, by SIGKILL"}, res.Events)
	t.Logf("Kill, Wait, then ProcessState: %q", res.Events[0])
}
