//go:build linux

package proofs

import (
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// CtrlC is the foreground group of 000 §3 and 001 Q13, at a real terminal.
var CtrlC = catalog.Entry{
	ID:    "pgroups/ctrl-c",
	Title: "Ctrl-C reaches the child as well as the program that started it",
	Symptom: "On Ctrl-C a tool that means to shut down in order finds its helper already killed, " +
		"mid-write; a supervisor run in a terminal loses its children with it.",
	Cause: "A child inherits its parent's process group, and the terminal sends SIGINT to every process " +
		"of its foreground group, not to one pid.",
	Fix: "Start the child with Setpgid: in a group of its own it gets no signal from the terminal, and " +
		"the parent decides what it gets.",
	Sources: []string{"000 §3", "001 Q13"},
	Refs:    []string{"termios(3), ISIG: INTR generates SIGINT for the foreground process group"},
	Func:    "StartHelper",
	Test:    "TestCtrlC",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "a tool at a terminal feeds its helper, cat, and the user presses Ctrl-C",
		Wrong:    "Ctrl-C reaches the tool alone, which closes the helper's input and lets it finish",
	},
	Roles: pgroups.CtrlC,
	Broken: catalog.Half{
		Says:  "Ctrl-C at the terminal kills the helper before the tool can shut it down",
		Prove: proveHelperInterrupted,
	},
	Fixed: catalog.Half{
		Says:  "the helper in its own group finishes when the tool closes its input",
		Prove: proveHelperSpared,
	},
	Diagram: `sequenceDiagram
    participant T as terminal (a pseudo-terminal)
    participant C as tool (foreground group G)
    participant H as helper (cat)
    C->>H: Start (broken: group G, fixed: Setpgid)
    T->>C: Ctrl-C: SIGINT to group G
    T-->>H: SIGINT (broken only: H is in G)
    C->>H: close its input (orderly shutdown)
    Note over H: broken: killed by SIGINT
    Note over H: fixed: reads EOF, exits 0`,
}

// startAtTerminal starts the tool as the foreground group of a fresh terminal
// and returns once it is ready, with its helper's pid.
func startAtTerminal(t childproc.T, r role.Role) (p *childproc.Proc, term *Terminal, helper int) {
	escapees := TrackEscapees(t) // with the fix, the helper leads a group of its own
	term = NewTerminal(t)
	p = childproc.Start(t, r, append(term.Session(), childproc.Timeout(childproc.FinishBound))...)
	helper = p.AwaitPID(t, "helper")
	escapees.Add(helper)
	p.WaitReady(t)
	require.Equal(t, p.Pid, term.ForegroundGroup(t), "the tool's group is the terminal's foreground group")
	return p, term, helper
}

// The tool closes the helper's input only after its own SIGINT, which the
// terminal sent to the whole foreground group at once. cat leaves SIGINT
// to the kernel, which condemns it the instant the signal is sent: the
// broken helper dies by SIGINT whatever the tool does next, and the fixed
// one, which no SIGINT reached, ends only by reading its input to EOF.
func proveHelperInterrupted(t childproc.T, r role.Role) {
	p, term, helper := startAtTerminal(t, r)
	require.Equal(t, p.Pid, procfs.Group(helper), "the helper inherited the tool's group")
	term.PressCtrlC(t)
	ended := p.Await(t, "helper ended: ")
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, "helper ended: signal: interrupt", ended)
	require.Equal(t, []string{"the tool got SIGINT", ended}, res.Events[1:])
	t.Logf("Ctrl-C at the terminal reached foreground group %d: the tool %d and its helper %d, which the tool then found %s",
		p.Pid, p.Pid, helper, "killed by SIGINT")
}

func proveHelperSpared(t childproc.T, r role.Role) {
	p, term, helper := startAtTerminal(t, r)
	require.Equal(t, helper, procfs.Group(helper), "the helper leads a group of its own")
	term.PressCtrlC(t)
	ended := p.Await(t, "helper ended: ")
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, "helper ended: <nil>", ended)
	require.Equal(t, []string{"the tool got SIGINT", ended}, res.Events[1:])
	t.Logf("Ctrl-C at the terminal reached foreground group %d, the tool alone; helper %d in group %d finished its input and exited 0",
		p.Pid, helper, helper)
}
