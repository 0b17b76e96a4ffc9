//go:build unix

package termination

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// warning is what the complainer writes to its stderr.
const warning = "warning: disk 91% full"

// complainer is the grandchild: it says on stdout where its stderr goes,
// then writes a warning there and exits 0.
var complainer = childproc.Register("termination/complainer", func([]string) int {
	target, err := os.Readlink("/proc/self/fd/2")
	if err != nil {
		target = "unknown (" + err.Error() + ")"
	}
	_, werr := fmt.Fprintln(os.Stderr, warning)
	fmt.Printf("ran; stderr is %s; write error: %v", target, werr)
	return 0
})

var closedStderrBroken, closedStderrFixed = pair("termination/closed-stderr", func(c code, args []string) int {
	cmd := childproc.Command(complainer)
	var out bytes.Buffer
	cmd.Stdout = &out
	err := c.RunLogged(cmd, args[0])
	childproc.Emitf("Run returned %v", err)
	childproc.Emitf("the child said: %s", out.String())
	return 0
})

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
	Broken: catalog.Half{
		Says:  "the child runs, Run returns nil and the log stays empty",
		Role:  closedStderrBroken,
		Prove: proveStderrLost,
	},
	Fixed: catalog.Half{
		Says:  "the child's warning lands in the log",
		Role:  closedStderrFixed,
		Prove: proveStderrLogged,
	},
}

func runLogged(t childproc.T, role childproc.Role) (events []string, logPath string, logged string) {
	dir, err := os.MkdirTemp("", "procbugs-log-*")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	logPath = filepath.Join(dir, "child.log")
	res := childproc.Run(t, role, childproc.Args(logPath))
	require.Equal(t, 0, res.ExitCode, "stderr: %s", res.Stderr)
	require.Len(t, res.Events, 2)
	assert.Equal(t, "Run returned <nil>", res.Events[0], "Run reports success either way")
	b, err := os.ReadFile(logPath)
	require.NoError(t, err)
	return res.Events, logPath, string(b)
}

func proveStderrLost(t childproc.T, role childproc.Role) {
	events, _, logged := runLogged(t, role)
	assert.Equal(t, "the child said: ran; stderr is /dev/null; write error: <nil>", events[1])
	assert.Empty(t, logged)
	t.Logf("%s; %s; the log holds %d bytes", events[0], strings.TrimPrefix(events[1], "the child said: "), len(logged))
}

func proveStderrLogged(t childproc.T, role childproc.Role) {
	events, logPath, logged := runLogged(t, role)
	assert.Equal(t, "the child said: ran; stderr is "+logPath+"; write error: <nil>", events[1])
	assert.Equal(t, warning+"\n", logged)
	t.Logf("%s; the log holds %q", events[0], logged)
}
