//go:build unix

package proofs

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/termination"
)

// ExitStatus is 000 §18: reading how a child ended.
var ExitStatus = catalog.Entry{
	ID:    "termination/exit-status",
	Title: "ExitCode() is -1 for a child killed by a signal",
	Symptom: "Logs and alerts say \"exit status -1\" for a worker the OOM killer or an operator killed; " +
		"a wrapper script passes -1 on, which a shell turns into 255.",
	Cause: "os.ProcessState.ExitCode returns -1 unless the child exited by itself " +
		"($GOROOT/src/os/exec_posix.go, ExitCode). How it ended is in the wait status: Signaled, Signal, CoreDump.",
	Fix: "Decode syscall.WaitStatus: for a signalled child report the signal, and where a shell's status is " +
		"wanted use 128 + the signal's number (137 for SIGKILL, 143 for SIGTERM).",
	Sources: []string{"000 §18"},
	Func:    "Describe",
	Test:    "TestExitStatus",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child runs three victims, one that exits 3, one killed by SIGKILL and one by SIGTERM, and describes each end",
		Wrong:    "a child killed by SIGKILL is reported as exit status 137, as a shell shows",
	},
	Roles: termination.ExitStatus,
	Broken: catalog.Half{
		Says:  "a child killed by a signal is reported as exit status -1",
		Prove: proveMinusOne,
	},
	Fixed: catalog.Half{
		Says:  "the signal is named, with the status a shell would show",
		Prove: proveSignalNamed,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant C as child (Describe)
    participant G as grandchild (victim)
    T->>C: start
    C->>G: start, it exits 3
    G-->>C: exit status 3
    C->>G: start, then SIGKILL it
    G-->>C: signaled, SIGKILL
    alt broken
        C->>T: "exit status -1"
    else fixed
        C->>T: "killed by signal 9, a shell shows 137"
    end
    C->>T: a shell killing the same victim says 137`,
}

// describeVictims runs the child and checks what both halves share: the
// exit it reports as is, and the shell's $?, 128 + 9 (000 §18 prints
// "SIGKILL = 9137"). It returns the child's events.
func describeVictims(t childproc.T, r role.Role) []string {
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, "stderr: %s; events %q", res.Stderr, res.Events)
	require.Len(t, res.Events, 2+len(termination.VictimSignals))
	require.Equal(t, fmt.Sprintf("exit %d: exit status %d", termination.VictimExit, termination.VictimExit), res.Events[0])
	require.Equal(t, termination.ShellSays+strconv.Itoa(128+int(syscall.SIGKILL)), res.LastEvent())
	return res.Events
}

func proveMinusOne(t childproc.T, r role.Role) {
	events := describeVictims(t, r)
	for i, sig := range termination.VictimSignals {
		require.Equal(t, childproc.SignalName(sig)+": exit status -1", events[1+i])
	}
	t.Logf("%q, %q and %q, while the shell says %s", events[0], events[1], events[2],
		strings.TrimPrefix(events[3], termination.ShellSays))
}

func proveSignalNamed(t childproc.T, r role.Role) {
	events := describeVictims(t, r)
	for i, sig := range termination.VictimSignals {
		require.Equal(t, fmt.Sprintf("%s: killed by signal %d (%v); a shell shows %d",
			childproc.SignalName(sig), int(sig), sig, 128+int(sig)), events[1+i])
	}
	t.Logf("%q, %q and %q; the shell agrees: %s", events[0], events[1], events[2],
		strings.TrimPrefix(events[3], termination.ShellSays))
}
