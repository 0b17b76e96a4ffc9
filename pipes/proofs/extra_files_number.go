//go:build unix

package proofs

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/pipes"
)

// ExtraFilesNumber is the descriptor number that does not survive exec.
var ExtraFilesNumber = catalog.Entry{
	ID:    "pipes/extra-files-number",
	Title: "ExtraFiles[i] is fd 3+i in the child: telling it the parent's fd number points it at nothing",
	Symptom: "The new server exits at once with \"bad file descriptor\" or \"socket operation on non-socket\", " +
		"though the listener was passed in ExtraFiles.",
	Cause: "exec renumbers what ExtraFiles passes: entry i is descriptor 3+i in the child, whatever number the file has " +
		"in the parent (l.File() returns a fresh dup, 7 or so). The number the parent sees means nothing there.",
	Fix:     "Tell the child 3+i, the index in ExtraFiles plus 3, or follow a convention both sides know (LISTEN_FDS: from 3 on).",
	Sources: []string{"000 §6", "001 Q19"},
	Refs:    []string{"golang/go#71881", "google/syzkaller#4393", "golang/go#37857"},
	Func:    "HandOver",
	Test:    "TestExtraFilesNumber",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child hands a TCP listener to a server through ExtraFiles, tells it the descriptor to use, then connects",
		AskFixed: true,
		Wrong:    "fd 3 holds nothing in the server, and it exits 1: the listener kept the parent's number",
	},
	Roles: pipes.ExtraFilesNumber,
	Broken: catalog.Half{
		Says:  "the server is told the parent's descriptor number, finds no listener there and exits 1",
		Prove: proveServerFindsNoListener,
	},
	Fixed: catalog.Half{
		Says:  "the server is told fd 3 and answers the parent's connection",
		Prove: proveServerAnswers,
	},
	Diagram: `sequenceDiagram
    participant P as parent
    participant S as server (child)
    P->>P: l.File(): fd 7
    P->>S: ExtraFiles: it becomes fd 3, told 7
    S->>S: FileListener(fd 7): fails, exit 1
    P-->>S: fixed: told 3
    S-->>P: fixed: accepts, answers`,
}

func proveServerFindsNoListener(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Len(t, res.Events, 2, "told, then exited")
	told := toldFD(t, res.Events[0])
	assert.NotEqual(t, 3, told, "the parent's number is not the child's")
	assert.True(t, strings.HasPrefix(res.Events[1], fmt.Sprintf("the server exited (exit status 1): server: fd %d: ", told)),
		"the server finds no listener at fd %d: %s", told, res.Events[1])
	if !t.Failed() {
		t.Logf("the listener was fd 3 in the server, which was told fd %d: %s", told, res.Events[1])
	}
}

func proveServerAnswers(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Len(t, res.Events, 2, "told, then answered")
	require.Equal(t, 3, toldFD(t, res.Events[0]))
	require.Equal(t, "the server answered: it is the server's own pid", res.Events[1])
	t.Logf("told fd 3, the server accepted on the parent's listener: %s", res.Events[1])
}

// toldFD reads the number out of "told the server --listen-fd n".
func toldFD(t childproc.T, event string) int {
	n, ok := strings.CutPrefix(event, "told the server --listen-fd ")
	require.True(t, ok, event)
	fd, err := strconv.Atoi(n)
	require.NoError(t, err, event)
	return fd
}
