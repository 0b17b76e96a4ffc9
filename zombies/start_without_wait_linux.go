package zombies

import (
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// The scenario launches a helper that exits at once, reports its pid and
// stays alive, so that only it could reap the helper.
// With an argument it shows instead how a detector catches the leak.
var launchBroken, launchFixed = pair("zombies/start-without-wait", func(c code, args []string) int {
	if len(args) > 0 && args[0] == "execwait" {
		return launchAndCollect(c)
	}
	if len(args) > 0 && args[0] == "goleak" {
		return launchAndFindLeaks(c)
	}
	cmd := childproc.Command(exitWith, "0")
	if err := c.Launch(cmd); err != nil {
		return fail("launch", err)
	}
	childproc.EmitPID("helper", cmd.Process.Pid)
	childproc.Ready()
	blockForever()
	return 0
})

// StartWithoutWait is the zombie every forgotten Wait leaves.
var StartWithoutWait = catalog.Entry{
	ID:      "zombies/start-without-wait",
	Title:   "Start without Wait leaves a zombie for as long as the parent lives",
	Symptom: "ps shows <defunct> children (state Z) that pile up in a long-running service; the pid table can fill up.",
	Cause: "An exited process keeps its pid and exit status until its parent waits for it. " +
		"exec.Cmd.Wait is the only call that does; nothing in os/exec waits for a Cmd by itself.",
	Fix:     "Pair every Start with Wait, in a goroutine when the parent must not block; or use Run, Output or CombinedOutput.",
	Sources: []string{"000 §9", "000 §19", "001 Q7"},
	Refs:    []string{"os/exec Cmd.Start doc: \"After a successful call to Start the Wait method must be called in order to release associated system resources\"", "GODEBUG=execwait=2"},
	Func:    "Launch",
	Test:    "TestStartWithoutWait",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the exited helper stays a zombie of its living parent",
		Role:  launchBroken,
		Prove: proveHelperStaysZombie,
	},
	Fixed: catalog.Half{
		Says:  "the helper is reaped as soon as it exits",
		Role:  launchFixed,
		Prove: proveHelperReaped,
	},
}

func proveHelperStaysZombie(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	helper := p.AwaitPID(t, "helper")
	p.WaitReady(t)
	childproc.Poll(t, 5*time.Second, "the helper has exited", func() bool {
		return childproc.State(helper) == 'Z'
	})
	assert.Equal(t, p.Pid, childproc.Parent(helper), "the zombie still belongs to the child that launched it")
	assert.True(t, childproc.Alive(p.Pid), "its parent is alive and could have reaped it")
	p.Kill(t)
	t.Logf("helper %d is a zombie (state Z) of %d, which is alive and never called Wait", helper, p.Pid)
}

func proveHelperReaped(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	helper := p.AwaitPID(t, "helper")
	p.WaitReady(t)
	// Only its parent can reap the helper while that parent lives.
	childproc.Poll(t, 5*time.Second, "the helper is reaped", func() bool {
		return childproc.State(helper) == 0
	})
	require.True(t, childproc.Alive(p.Pid), "the parent is still running")
	p.Kill(t)
	t.Logf("helper %d is gone from /proc while its parent %d still runs: Wait reaped it", helper, p.Pid)
}
