//go:build unix

package proofs

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/termination"
)

// ClosedStderr is 000 §19's row "Wait returns success but child didn't run".
var ClosedStderr = catalog.Entry{
	ID:    "termination/closed-stderr",
	Title: "A closed *os.File as Cmd.Stderr: Run returns nil and the child's errors vanish",
	Symptom: "The command \"succeeds\" and its log file stays empty: every warning and error it printed is gone. " +
		"(000 §19 calls this \"Wait returns success but child didn't run\": the child did run.)",
	Cause: "os/exec hands an *os.File to the child as it is. Closed, its Fd is -1, so the child starts with " +
		"descriptor 2 closed; a Go child's runtime then opens /dev/null there " +
		"($GOROOT/src/runtime/fds_unix.go, checkfds). Nothing reports an error.",
	Fix: "Keep the file open until Run (or Wait) returns: open and defer Close in the function that runs the command, " +
		"not in a helper that returns before it starts.",
	Sources: []string{"000 §19"},
	Func:    "RunLogged",
	Test:    "TestClosedStderr",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child runs a program that warns on stderr, with a log file that a helper opened as Cmd.Stderr",
		Wrong:    "Run returns an error, file already closed, and the warning is lost",
	},
	Roles: termination.ClosedStderr,
	Broken: catalog.Half{
		Says:  "the child runs, Run returns nil and the log stays empty",
		Prove: proveStderrLost,
	},
	Fixed: catalog.Half{
		Says:  "the child's warning lands in the log",
		Prove: proveStderrLogged,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant C as child (RunLogged)
    participant G as grandchild (complainer)
    T->>C: start, with the path of child.log
    alt broken
        C->>C: withLog opens child.log, sets Stderr, closes it
        C->>G: start, with fd 2 closed
        G->>G: its runtime opens /dev/null
        G->>G: the warning goes to /dev/null
    else fixed
        C->>C: open child.log, defer Close, set Stderr
        C->>G: start, with fd 2 = child.log
        G->>G: the warning goes to child.log
    end
    G-->>C: exit 0
    C-->>T: Run returned nil, in both
    Note over T: child.log is empty, or holds the warning`,
}

// runLogged runs the child and checks what both halves share: the child
// ran and Run returned nil. It returns what the child said of its stderr,
// the log's path and what the log holds.
func runLogged(t childproc.T, r role.Role) (said, logPath, logged string) {
	logPath = filepath.Join(childproc.TempDir(t), "child.log")
	res := childproc.Finish(t, r, childproc.Args(logPath))
	require.Equal(t, 0, res.ExitCode, "stderr: %s", res.Stderr)
	require.Len(t, res.Events, 2)
	require.Equal(t, "Run returned <nil>", res.Events[0], "Run reports success either way")
	b, err := os.ReadFile(logPath)
	require.NoError(t, err)
	return strings.TrimPrefix(res.Events[1], "the child said: "), logPath, string(b)
}

func proveStderrLost(t childproc.T, r role.Role) {
	said, _, logged := runLogged(t, r)
	require.Equal(t, "ran; stderr is /dev/null; write error: <nil>", said)
	require.Empty(t, logged)
	t.Logf("Run returned <nil>; the child said %q; the log holds %d bytes", said, len(logged))
}

func proveStderrLogged(t childproc.T, r role.Role) {
	said, logPath, logged := runLogged(t, r)
	require.Equal(t, "ran; stderr is "+logPath+"; write error: <nil>", said)
	require.Equal(t, termination.Warning+"\n", logged)
	t.Logf("Run returned <nil>; the child said %q; the log holds %q", said, logged)
}
