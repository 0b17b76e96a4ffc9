package pgroups

import (
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

var negativePIDBroken, negativePIDFixed = pair("pgroups/negative-pid", func(c code, _ []string) int {
	cmd := childproc.Command(sleeper)
	signal, err := c.StartGroup(cmd)
	if err != nil {
		return fail("start", err)
	}
	childproc.EmitPID("worker", cmd.Process.Pid)
	err = signal(syscall.SIGTERM)
	childproc.Emitf("kill(-%d, SIGTERM): %s", cmd.Process.Pid, errnoOrNil(err))
	childproc.Emitf("worker ended: %v", cmd.Wait())
	return 0
})

// NegativePID is kill(-pid) aimed at a child that leads no group.
var NegativePID = catalog.Entry{
	ID:    "pgroups/negative-pid",
	Title: "kill(-pid) on a child started without Setpgid signals nobody",
	Symptom: "syscall.Kill(-pid, SIGTERM) returns \"no such process\" while the child is plainly running, " +
		"and nothing stops.",
	Cause: "-pid names the process group whose id is pid. A child started without Setpgid stays in its " +
		"parent's group and leads none, so no such group exists: kill fails with ESRCH. It does not " +
		"signal the caller's group (that is kill(0, sig)), as 000 §3 says.",
	Fix:     "Start the child with Setpgid so that it leads a group whose id is its pid.",
	Sources: []string{"000 §3", "001 Q13", "001 Q20"},
	Refs:    []string{"kill(2): ESRCH \"The target process or process group does not exist\""},
	Func:    "StartGroup",
	Test:    "TestNegativePID",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "kill(-pid) fails with ESRCH and the worker runs on",
		Role:  negativePIDBroken,
		Prove: proveNoSuchGroup,
	},
	Fixed: catalog.Half{
		Says:  "kill(-pid) on a group leader ends the worker",
		Role:  negativePIDFixed,
		Prove: proveGroupSignalled,
	},
}

func proveNoSuchGroup(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role, childproc.Timeout(5*time.Second))
	worker := p.AwaitPID(t, "worker")
	got := p.Await(t, "kill(-")
	assert.Contains(t, got, ": ESRCH", "no group has the worker's pid")
	assert.Equal(t, p.Pid, childproc.Group(worker), "the worker is a member of the child's group")
	assert.True(t, childproc.Alive(worker), "the worker was not signalled")
	assert.True(t, childproc.Alive(p.Pid), "nor was the child's own group")

	// The real dangers are kill(0, sig), the caller's whole group, and
	// kill(-1, sig), every process the caller may signal. They are shown
	// here only as what the harness refuses to send.
	for _, target := range []int{0, -1, 1} {
		err := childproc.Signal(target, syscall.SIGTERM)
		require.ErrorIs(t, err, childproc.ErrRefused, "pid %d", target)
	}
	require.ErrorIs(t, childproc.SignalGroup(syscall.Getpgrp(), syscall.SIGTERM), childproc.ErrRefused)
	p.Stop(t)
	t.Logf("%s; worker %d still running in group %d; kill(0), kill(-1) and this test's group %d refused by the guard",
		got, worker, p.Pid, syscall.Getpgrp())
}

func proveGroupSignalled(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Timeout(5*time.Second))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	worker := pidsIn(res.Events, "worker")
	require.Len(t, worker, 1)
	assert.Contains(t, res.Events, fmt.Sprintf("kill(-%d, SIGTERM): nil", worker[0]))
	assert.Equal(t, "worker ended: signal: terminated", res.LastEvent())
	t.Logf("worker %d led group %d; kill(-%d, SIGTERM) returned nil and %s",
		worker[0], worker[0], worker[0], res.LastEvent())
}

// errnoOrNil is "nil", or the errno's name such as "ESRCH".
func errnoOrNil(err error) string {
	if err == nil {
		return "nil"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errnoName(err)
	}
	return err.Error()
}
