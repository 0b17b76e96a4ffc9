//go:build linux

package proofs

import (
	"fmt"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// SetcttyChange is what Go 1.15 changed in a Ctty that names the parent's
// descriptor.
var SetcttyChange = catalog.Change{
	Since: "go1.15",
	Before: "Start took any Ctty with Setctty, and the parent's descriptor number mostly worked by accident: the child " +
		"sets its terminal before exec closes the parent's descriptors, unless arranging its own had put another file at " +
		"that number (golang/go#29458)",
	After: "Start refuses a Ctty that is not one of the child's descriptors, an index into Files, with \"Setctty set " +
		"but Ctty not valid in child\", and starts nothing",
	Source: "syscall/exec_unix.go, forkExec: the check \"Setctty set but Ctty not valid in child\"",
	Test:   "pgroups.TestSetcttyDescriptor",
}

// SetcttyDescriptor is a session given its terminal, as a terminal
// emulator or a pty library does it.
var SetcttyDescriptor = catalog.Entry{
	ID:    "pgroups/setctty-descriptor",
	Title: "Setctty with the parent's descriptor of the terminal starts nothing",
	Symptom: "Every Start of a program on a pseudo-terminal fails with \"fork/exec ...: Setctty set but Ctty not " +
		"valid in child\"; code that ran for years broke with Go 1.15.",
	Cause: "Ctty means two things in SysProcAttr. With Setctty it is a descriptor number in the child, an index into " +
		"its Stdin, Stdout, Stderr and ExtraFiles: the child sets its terminal after arranging its descriptors. With " +
		"Foreground it is a number in the parent. int(tty.Fd()) is the parent's, which Setctty's check refuses.",
	Fix:     "Give the terminal to the child as one of its descriptors and name that one: with Stdin = tty, Ctty is 0.",
	Sources: []string{"000 §14"},
	Refs:    []string{"golang/go#29458", "creack/pty#96", "gravitational/teleport#4227", "cespare/reflex#79"},
	Func:    "StartOnTerminal",
	Test:    "TestSetcttyDescriptor",
	Tree:    true,
	Changes: []catalog.Change{SetcttyChange},
	Quiz: catalog.Quiz{
		Scenario: "the child starts a worker in a session of its own, with a pty it holds open as its controlling terminal",
	},
	Roles: pgroups.SetcttyDescriptor,
	Broken: catalog.Half{
		Says:  "Start refuses the parent's descriptor number and no worker runs",
		Prove: proveCttyRefused,
	},
	Fixed: catalog.Half{
		Says:  "the worker leads a session whose controlling terminal is the pty, and dies of SIGHUP when it is hung up",
		Prove: proveTerminalOwned,
	},
	Diagram: `sequenceDiagram
    participant T as terminal (a pseudo-terminal)
    participant C as child (the pty on fd 4)
    participant W as worker
    C->>W: Start, Setsid and Setctty
    Note over C: broken: Ctty 4, a parent fd
    Note over C: Start refuses, W never runs
    Note over W: fixed: Ctty 0, the pty as stdin
    T->>W: hang-up: SIGHUP to its controlling process`,
}

// startOnTerminal runs the scenario with a fresh terminal as its
// descriptor TerminalFD, and returns once it has said which descriptor
// that is and how Start went.
func startOnTerminal(t childproc.T, r role.Role) (p *childproc.Proc, term *Terminal, started string) {
	escapees := TrackEscapees(t) // the fixed worker leads a session of its own
	term = NewTerminal(t)
	p = childproc.Start(t, r, childproc.ExtraFiles(term.slave), childproc.Timeout(childproc.FinishBound))
	require.Equal(t, fmt.Sprintf("the terminal is descriptor %d here", pgroups.TerminalFD), p.Await(t, "the terminal is"))
	started = p.Await(t, "start: ")
	escapees.Add(PidsIn(p.Events(), "worker")...)
	return p, term, started
}

func proveCttyRefused(t childproc.T, r role.Role) {
	p, _, refused := startOnTerminal(t, r)
	require.NotEqual(t, "start: nil", refused)
	res := p.Wait(t)
	require.Equal(t, 1, res.ExitCode, res.Stderr)
	require.True(t, strings.HasPrefix(refused, "start: fork/exec "), refused)
	require.True(t, strings.HasSuffix(refused, ": Setctty set but Ctty not valid in child"), refused)
	require.Len(t, res.Events, 2, "no worker ran: %v", res.Events)
	t.Logf("%s: Ctty %d is this process's number for the terminal, and the worker has only 0, 1 and 2 (%s)",
		refused, pgroups.TerminalFD, catalog.Release())
}

// Hanging up the terminal reaches its controlling process alone: the
// worker ends by SIGHUP only if the terminal is its own.
func proveTerminalOwned(t childproc.T, r role.Role) {
	p, term, started := startOnTerminal(t, r)
	require.Equal(t, "start: nil", started)
	worker := p.AwaitPID(t, "worker")
	st, err := procfs.ReadStat(worker)
	require.NoError(t, err)
	require.Equal(t, worker, st.Session, "the worker leads a session of its own")
	require.Equal(t, term.Device(t), st.TTY, "whose controlling terminal is the pty")
	require.Equal(t, worker, term.ForegroundGroup(t), "its group is the terminal's foreground group")
	term.Hangup(t)
	ended := p.Await(t, "worker ended: ")
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, "worker ended: signal: hangup", ended)
	t.Logf("worker %d: sid %d, tty_nr %d (the pty), foreground group %d; the terminal hung up, %s",
		worker, st.Session, st.TTY, worker, ended)
}
