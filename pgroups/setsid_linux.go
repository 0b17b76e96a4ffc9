package pgroups

import (
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

var setsidBroken, setsidFixed = pair("pgroups/setsid-with-setpgid", func(c code, _ []string) int {
	cmd := childproc.Command(sleeper)
	if err := c.StartDetached(cmd); err != nil {
		childproc.Emitf("start: %v", err)
		childproc.Emitf("errno: %s", errnoName(err))
		return 1
	}
	childproc.EmitPID("worker", cmd.Process.Pid)
	childproc.Ready()
	cmd.Wait() // the worker runs until the test ends it
	return 0
})

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
	Refs:    []string{"setpgid(2): EPERM \"An attempt was made to move a process into a process group in a different session, or to change the process group ID of one of the children of the calling process and the child was in a different session, or to change the process group ID of a session leader\""},
	Func:    "StartDetached",
	Test:    "TestSetsidWithSetpgid",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "Start fails with EPERM and no child runs",
		Role:  setsidBroken,
		Prove: proveStartRefused,
	},
	Fixed: catalog.Half{
		Says:  "Setsid alone gives a new session and group led by the child, with no terminal",
		Role:  setsidFixed,
		Prove: proveNewSession,
	},
}

func proveStartRefused(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role, childproc.Timeout(5*time.Second))
	res := p.Wait(t)
	require.Equal(t, 1, res.ExitCode, res.Stderr)
	assert.Contains(t, res.Events, "errno: EPERM")
	assert.Empty(t, childproc.Children(p.Pid), "no child was left")
	assert.Empty(t, p.Leftovers(), "nothing was started")
	assert.Contains(t, res.Events[0], "operation not permitted")
	t.Logf("%s; no process was left", res.Events[0])
}

func proveNewSession(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role, append(withTerminal(t), childproc.Timeout(5*time.Second))...)
	worker := p.AwaitPID(t, "worker")
	p.WaitReady(t)
	sid, pgid, tty := childproc.Session(worker), childproc.Group(worker), ttyNr(worker)
	parentSid, parentTTY := childproc.Session(p.Pid), ttyNr(p.Pid)
	require.NotZero(t, parentTTY, "the parent has a controlling terminal")
	assert.Equal(t, worker, sid, "the worker leads a new session")
	assert.Equal(t, worker, pgid, "and a new group")
	assert.NotEqual(t, parentSid, sid, "not its parent's session")
	assert.Equal(t, 0, tty, "with no controlling terminal")
	p.Kill(t)
	childproc.ReapOrphan(t, worker) // it left the child's group
	t.Logf("worker %d: sid %d, pgid %d, tty_nr %d; its parent is in session %d with terminal tty_nr %d",
		worker, sid, pgid, tty, parentSid, parentTTY)
}
