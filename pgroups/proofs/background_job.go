//go:build linux

package proofs

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// BackgroundJob is 000 §3's Setpgid given to a child that reads the
// terminal.
var BackgroundJob = catalog.Entry{
	ID:    "pgroups/background-job",
	Title: "A child started with Setpgid stops on SIGTTIN the moment it reads the terminal",
	Symptom: "A tool that runs an interactive command (a prompt, an editor, a dev server that reads stdin) hangs: " +
		"ps shows the command in state T, and what the user types goes nowhere.",
	Cause: "Setpgid makes a new process group in the same session, while the terminal's foreground group is still " +
		"the parent's: the child is a background job. A background job that reads its controlling terminal makes the " +
		"kernel send SIGTTIN to its group, whose default action stops it, and nothing ever resumes it.",
	Fix: "Start it with Setsid: a new session, whose one group the child leads, so kill(-pid) still reaches its tree; " +
		"the terminal is not that session's controlling terminal, so its reads are not job-controlled. A child that must " +
		"own the terminal (Ctrl-C, /dev/tty) needs Foreground with Ctty instead, and the terminal taken back after.",
	Sources: []string{"000 §3", "001 Q13"},
	Refs:    []string{"tilt-dev/tilt#6390", "anomalyco/sst#6497", "tofuutils/tenv#277", "Yelp/dumb-init#10"},
	Func:    "StartInteractive",
	Test:    "TestBackgroundJob",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "a tool at a terminal runs an interactive prompt, which reads the terminal; the user has typed a line",
		Wrong:    "the prompt reads the line typed for it and exits 0",
	},
	Roles: pgroups.BackgroundJob,
	Broken: catalog.Half{
		Says:  "the prompt in a group of its own is stopped inside its read of the terminal, and the line typed for it stays unread",
		Prove: provePromptStopped,
	},
	Fixed: catalog.Half{
		Says:  "the prompt in a session of its own reads the line and exits 0",
		Prove: provePromptAnswered,
	},
	Diagram: `sequenceDiagram
    participant T as terminal
    participant C as tool (foreground group G)
    participant P as prompt
    C->>P: Start (broken: Setpgid, fixed: Setsid)
    P->>T: read a line
    Note over P: broken: a background job
    T-->>P: SIGTTIN, stopped (state T)
    Note over P: fixed: not its controlling terminal
    T->>P: the typed line, exit 0`,
}

// Answer is what the user types for the prompt.
const Answer = "yes\n"

// startTool starts the tool as the foreground group of a fresh terminal
// and returns its prompt's pid, and the prompt's place: its group, its
// session and its controlling terminal.
func startTool(t childproc.T, r role.Role, opts ...childproc.Option) (p *childproc.Proc, term *Terminal, prompt int, st procfs.Stat) {
	escapees := TrackEscapees(t) // the prompt leaves the tool's group
	term = NewTerminal(t)
	p = childproc.Start(t, r, append(term.Session(), opts...)...)
	prompt = p.AwaitPID(t, "prompt")
	escapees.Add(prompt)
	st, err := procfs.ReadStat(prompt) // Start returned once it had exec'd: its place is set
	require.NoError(t, err)
	require.Equal(t, p.Pid, term.ForegroundGroup(t), "the tool's group is the terminal's foreground group")
	require.Equal(t, prompt, st.Group, "the prompt leads a group of its own")
	return p, term, prompt, st
}

// The prompt shares the tool's session and its terminal, in a group that
// is not the foreground one. It is stopped in do_signal_stop, in the
// middle of its read of the terminal: a state the fixed prompt never
// passes through, and a stop only SIGTTIN explains, since nobody typed
// Ctrl-Z or sent SIGSTOP. Typed, the line arrives and waits, and the
// stopped prompt does not take it.
func provePromptStopped(t childproc.T, r role.Role) {
	p, term, prompt, st := startTool(t, r)
	require.Equal(t, p.Pid, st.Session, "the prompt is in the tool's session")
	require.Equal(t, term.Device(t), st.TTY, "whose controlling terminal is the terminal")
	p.Until(t, "every thread of the prompt is stopped by job control", func() bool { return allStopped(prompt) })
	state := procfs.State(prompt)
	require.Equal(t, byte('T'), state, "stopped")
	require.Equal(t, []string{term.Path()}, procfs.ReadingFrom(prompt), "stopped in its read of the terminal")
	require.Equal(t, p.Pid, term.ForegroundGroup(t), "the terminal's foreground group is still the tool's")
	p.Until(t, "the tool waits for its prompt", func() bool { return procfs.SleepsIn(p.Pid, procfs.DoWait) })

	term.Type(t, Answer)
	childproc.Poll(t, "the typed line reaches the terminal's input", func() bool { return term.Unread(t) == len(Answer) })
	require.Equal(t, byte('T'), procfs.State(prompt), "the line does not wake it")
	require.Equal(t, len(Answer), term.Unread(t), "nobody read the line")
	res := p.Stop(t)
	require.Equal(t, []string{fmt.Sprintf("prompt pid=%d", prompt)}, res.Events, "the tool never saw its prompt end")
	t.Logf("prompt %d, group %d in the terminal's session, whose foreground group is %d: state %c in %s, inside its read of %s; the %d bytes typed wait unread",
		prompt, st.Group, p.Pid, state, procfs.StoppedByJobControl[0], term.Path(), len(Answer))
}

// The prompt leads a session of its own, without a controlling terminal,
// and reads the line typed at the tool's terminal.
func provePromptAnswered(t childproc.T, r role.Role) {
	p, term, prompt, st := startTool(t, r, childproc.Timeout(childproc.FinishBound))
	require.Equal(t, prompt, st.Session, "the prompt leads a session of its own")
	require.Equal(t, 0, st.TTY, "which has no controlling terminal")
	require.Equal(t, p.Pid, term.ForegroundGroup(t), "the tool keeps the terminal's foreground")
	term.Type(t, Answer)
	ended := p.Await(t, "prompt ended: ")
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, "prompt ended: <nil>", ended)
	require.Equal(t, fmt.Sprintf("prompt read %s\n", strconv.Quote(Answer)), res.Stdout)
	t.Logf("prompt %d led session and group %d, with no controlling terminal; it read %q from the tool's terminal and exited 0",
		prompt, prompt, Answer)
}

// allStopped reports whether every thread of pid sleeps in the stop that
// job control puts a process in. The first thread to take the stop signal
// stops first; the others, the one inside read(2) among them, follow.
func allStopped(pid int) bool {
	waits := procfs.WaitChannels(pid)
	for _, w := range waits {
		if !slices.Contains(procfs.StoppedByJobControl, w) {
			return false
		}
	}
	return len(waits) > 0
}
