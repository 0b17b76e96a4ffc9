//go:build linux

package proofs

import (
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// SetsidWithSetpgid is the Linux SysProcAttr example of 000 §4.
var SetsidWithSetpgid = catalog.Entry{
	ID:    "pgroups/setsid-with-setpgid",
	Title: "Setsid together with Setpgid makes every Start fail with EPERM",
	Symptom: "cmd.Start returns \"fork/exec ...: operation not permitted\" even as root, for any program, " +
		"with the SysProcAttr that 000 §4 shows for Linux.",
	Cause: "In the forked child, syscall/exec_linux.go calls setsid(), then setpgid(0, Pgid). " +
		"setsid made the child a session leader, and setpgid(2) refuses to move a session leader: EPERM.",
	Fix: "Pick one. Setsid alone gives a new session and a new group, both with the child's pid as id; " +
		"Setpgid alone gives a new group in the same session.",
	Sources: []string{"000 §3", "000 §4", "000 §14"},
	Refs: []string{"setpgid(2): EPERM \"An attempt was made to move a process into a process group in a " +
		"different session, or to change the process group ID of one of the children of the calling process " +
		"and the child was in a different session, or to change the process group ID of a session leader\""},
	Func: "StartDetached",
	Test: "TestSetsidWithSetpgid",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "the child starts a worker detached, with both Setsid and Setpgid set",
		Wrong:    "the worker runs detached, in a new session and group, with no terminal",
	},
	Roles: pgroups.SetsidWithSetpgid,
	Broken: catalog.Half{
		Says:  "Start fails with EPERM and no child runs",
		Prove: proveStartRefused,
	},
	Fixed: catalog.Half{
		Says:  "Setsid alone gives a new session and group led by the child, with no terminal",
		Prove: proveNewSession,
	},
	Diagram: `sequenceDiagram
    participant C as child (session S, a terminal)
    participant W as worker
    C->>W: fork
    Note over W: broken: setsid, setpgid
    W-->>C: EPERM, W exits before exec
    Note over W: fixed: setsid alone
    Note over W: sid = pgid = W, no tty`,
}

func proveStartRefused(t childproc.T, r role.Role) {
	escapees := TrackEscapees(t) // the fixed code's worker leaves the child's group
	p := childproc.Start(t, r, childproc.Timeout(childproc.FinishBound))
	got := p.Await(t, "start: ")
	escapees.Add(PidsIn(p.Events(), "worker")...)
	require.True(t, strings.HasPrefix(got, "start: EPERM ("), got)
	res := p.Wait(t)
	require.Equal(t, 1, res.ExitCode, res.Stderr)
	assert.Contains(t, got, "operation not permitted")
	assert.Empty(t, p.Leftovers(), "no process was left")
	if !t.Failed() {
		t.Logf("%s; no process was left", got)
	}
}

func proveNewSession(t childproc.T, r role.Role) {
	escapees := TrackEscapees(t) // the worker leaves the child's group
	term := NewTerminal(t)
	p := childproc.Start(t, r, term.Session()...)
	got := p.Await(t, "start: ")
	escapees.Add(PidsIn(p.Events(), "worker")...)
	require.Equal(t, "start: nil", got)
	worker := p.AwaitPID(t, "worker")
	w, err := procfs.ReadStat(worker)
	require.NoError(t, err)
	parent, err := procfs.ReadStat(p.Pid)
	require.NoError(t, err)
	require.Equal(t, term.Device(t), parent.TTY, "the child's session has the terminal")
	assert.Equal(t, worker, w.Session, "the worker leads a new session")
	assert.Equal(t, worker, w.Group, "and a new group")
	assert.NotEqual(t, parent.Session, w.Session, "not its parent's session")
	assert.Equal(t, 0, w.TTY, "with no controlling terminal")
	p.Stop(t)
	if !t.Failed() {
		t.Logf("worker %d: sid %d, pgid %d, tty_nr %d; its parent is in session %d, whose terminal is tty_nr %d",
			worker, w.Session, w.Group, w.TTY, parent.Session, parent.TTY)
	}
}
