//go:build unix

package proofs

import (
	"fmt"
	"os"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pipes"
)

// StdinDevNull is the prompt that never sees the user.
var StdinDevNull = catalog.Entry{
	ID:    "pipes/stdin-dev-null",
	Title: "A nil Cmd.Stdin is /dev/null: an interactive child reads EOF at once",
	Symptom: "The child's question is answered by itself with the default, or the child complains that its stdin " +
		"is not a terminal: the user never got to type.",
	Cause: "With a nil Stdin, os/exec opens /dev/null for the child's fd 0 (exec.go, Cmd.Stdin). " +
		"Setting Stdout and Stderr to the terminal does not connect stdin; the first read returns EOF.",
	Fix: "Set cmd.Stdin = os.Stdin for a child that talks to the user. An *os.File is handed over as it is: " +
		"no copy, no goroutine, the child reads the terminal itself.",
	Sources: []string{"001 Q5", "001 Q22"},
	Refs:    []string{"tinygo-org/tinygo#5706", "pieroproietti/penguins-eggs#105", "fgm/envrun#1", "golang/go#29521"},
	Func:    "RunInteractive",
	Test:    "TestStdinDevNull",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child runs a y/n prompt with Stdout and Stderr on its terminal, where the user has typed y",
	},
	Roles: pipes.StdinDevNull,
	Broken: catalog.Half{
		Says:  "the prompt reads EOF and gives up while the user's answer waits unread",
		Prove: provePromptGetsEOF,
	},
	Fixed: catalog.Half{
		Says:  "the prompt reads the user's answer from the terminal",
		Prove: provePromptReadsAnswer,
	},
	Diagram: `sequenceDiagram
    participant U as terminal
    participant P as parent
    participant Q as prompt (child)
    U->>U: the user's "y" waits
    P->>Q: Run, fd 0 = /dev/null
    Q->>Q: read: EOF, exit 4
    Note over U: "y" still unread
    P-->>Q: fixed: fd 0 = the terminal
    U-->>Q: fixed: "y", exit 0`,
}

func provePromptGetsEOF(t childproc.T, r role.Role) {
	event, unread := prompted(t, r)
	require.Equal(t, fmt.Sprintf("the prompt: exit status %d", pipes.NoAnswer), event, "the prompt's input ended")
	require.Equal(t, len(pipes.Answer), unread, "the answer is still on the terminal")
	t.Logf("%s, its code for an input that ended before an answer; the user's %q was still unread", event, pipes.Answer)
}

func provePromptReadsAnswer(t childproc.T, r role.Role) {
	event, unread := prompted(t, r)
	require.Equal(t, "the prompt: exit status 0", event, "the prompt read y")
	require.Zero(t, unread, "the answer was taken")
	t.Logf("%s: it read the user's %q from the terminal", event, pipes.Answer)
}

// prompted runs the scenario on a terminal stand-in: a pipe on which the
// user's answer waits before the prompt starts, and which never ends,
// since the test holds its write end. It returns what the scenario said,
// and how many bytes of the answer were left unread.
func prompted(t childproc.T, r role.Role) (event string, unread int) {
	term, user, err := os.Pipe()
	require.NoError(t, err)
	defer term.Close()
	defer user.Close()
	_, err = user.WriteString(pipes.Answer)
	require.NoError(t, err)
	res := childproc.Finish(t, r, childproc.Stdin(term))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	unread, err = procfs.PipeQueued(procfs.Self, int(term.Fd()))
	require.NoError(t, err)
	return res.LastEvent(), unread
}
