//go:build unix

package proofs

import (
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/pipes"
)

// StderrLost is the error message that never reaches the log.
var StderrLost = catalog.Entry{
	ID:      "pipes/stderr-lost",
	Title:   "Run() leaves ExitError.Stderr empty; Output() fills it",
	Symptom: "The log says \"exit status 128\" and nothing else; the child's own explanation is gone.",
	Cause: "ExitError.Stderr is filled only by Output, and only when cmd.Stderr is nil. Run with a nil " +
		"cmd.Stderr connects the child's stderr to /dev/null.",
	Fix:     "Use Output() (it keeps the first and last 32 KiB of stderr), or set cmd.Stderr to a buffer.",
	Sources: []string{"001 Q5", "000 §17"},
	Refs:    []string{"os/exec, ExitError.Stderr: \"If the error was not returned by Output, Stderr is nil\""},
	Func:    "FailureReason",
	Test:    "TestStderrLost",
	Quiz: catalog.Quiz{
		Scenario: "the child runs a program that prints fatal: repository not found on stderr and exits 128",
		Wrong:    "Run reports exit status 128 with the child's message in ExitError.Stderr",
	},
	Roles: pipes.StderrLost,
	Broken: catalog.Half{
		Says:  "Run reports the exit code with an empty Stderr",
		Prove: proveStderrEmpty,
	},
	Fixed: catalog.Half{
		Says:  "Output puts the child's message in ExitError.Stderr",
		Prove: proveStderrKept,
	},
	Diagram: `sequenceDiagram
    participant P as parent
    participant F as failer (child)
    P->>F: Run(), stderr = /dev/null
    F->>F: "fatal: repository not found", exit 128
    F->>P: ExitError{Stderr: ""}`,
}

func proveStderrEmpty(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, `exit 128: ""`, res.LastEvent())
	t.Logf("the failure as the parent saw it: %s", res.LastEvent())
}

func proveStderrKept(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, `exit 128: "fatal: repository not found\n"`, res.LastEvent())
	t.Logf("the failure as the parent saw it: %s", res.LastEvent())
}
