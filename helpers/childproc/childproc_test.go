//go:build unix

package childproc

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { Main(m) }

func TestEventsArriveInOrder(t *testing.T) {
	p := Start(t, readyThenExit)
	p.WaitReady(t)
	res := p.Wait(t)
	assert.Equal(t, 0, res.ExitCode)
	assert.Equal(t, []string{"working"}, res.Events, "ready is kept out of the events")
	assert.Equal(t, "exit 0", res.Status())
	t.Logf("child %d: ready, then %q, then %s", p.Pid, res.LastEvent(), res.Status())
}

func TestTimeBound(t *testing.T) {
	t.Run("a hanging child is stopped with its stacks", func(t *testing.T) {
		// Ready first, so that the dump is taken inside the role and not
		// during the runtime's start-up on a busy machine.
		p := Start(t, hang, Timeout(500*time.Millisecond))
		p.WaitReady(t)
		res := p.Wait(t)
		assert.True(t, res.TimedOut)
		assert.Equal(t, 2, res.ExitCode, "a Go program exits 2 after a SIGQUIT dump")
		assert.Contains(t, res.Stacks, "SIGQUIT: quit")
		assert.Contains(t, res.Stacks, "procbugs/helpers/childproc.blockForever")
		t.Logf("stopped after %v; %d lines of stacks", res.Elapsed.Round(time.Millisecond), strings.Count(res.Stacks, "\n"))
	})
	t.Run("a child that finishes in time is not marked", func(t *testing.T) {
		res := Run(t, readyThenExit, Timeout(5*time.Second))
		assert.False(t, res.TimedOut)
		assert.Empty(t, res.Stacks)
	})
}

func TestExitBeforeReady(t *testing.T) {
	t.Run("a child that exits before ready is reported with its stderr", func(t *testing.T) {
		errs := new(fakeT).run(func(ft T) { Start(ft, dieEarly).WaitReady(ft) })
		require.Len(t, errs, 1)
		assert.Contains(t, errs[0], `childproc/die-early ended (exit 3) before event "ready"`)
		assert.Contains(t, errs[0], "config file missing")
		t.Logf("reported: %s", strings.ReplaceAll(errs[0], "\n", " "))
	})
	t.Run("a child that becomes ready reports nothing", func(t *testing.T) {
		errs := new(fakeT).run(func(ft T) { Start(ft, readyThenExit).WaitReady(ft) })
		assert.Empty(t, errs)
	})
}

func TestLeakedGrandchild(t *testing.T) {
	t.Run("a grandchild left running in the group is caught, named and killed", func(t *testing.T) {
		var grandchild int
		errs := new(fakeT).run(func(ft T) {
			p := Start(ft, leaveGrandchild)
			grandchild = p.AwaitPID(ft, "grandchild")
			p.Wait(ft)
		})
		require.Len(t, errs, 1)
		assert.Contains(t, errs[0], fmt.Sprintf("left %d (childproc.test) running", grandchild))
		assert.Equal(t, byte(0), State(grandchild), "killed and reaped")
		t.Logf("reported: %s", errs[0])
	})
	t.Run("a child that waits for its own child leaves nothing", func(t *testing.T) {
		errs := new(fakeT).run(func(ft T) { Run(ft, waitGrandchild) })
		assert.Empty(t, errs)
	})
	t.Run("an orphan that left the group is found by the sweep", func(t *testing.T) {
		p := Start(t, escapeGroup)
		daemon := p.AwaitPID(t, "daemon")
		p.Wait(t)
		Poll(t, 5*time.Second, "the orphan is re-parented to the test", func() bool {
			return Parent(daemon) == os.Getpid()
		})
		swept := sweepOrphans()
		require.Len(t, swept, 1)
		assert.Equal(t, fmt.Sprintf("%d (childproc.test)", daemon), swept[0])
		assert.Equal(t, byte(0), State(daemon))
		t.Logf("swept %s", swept[0])
	})
}

func TestSignalGuard(t *testing.T) {
	p := Start(t, hang)
	p.WaitReady(t)
	t.Run("refuses init, 0, -1, the own group and strangers", func(t *testing.T) {
		for _, pid := range []int{1, 0, -1, -p.Pid, os.Getpid(), os.Getppid()} {
			assert.ErrorIs(t, Signal(pid, 0), ErrRefused, "pid %d", pid)
		}
		for _, pgid := range []int{1, 0, -1, syscall.Getpgrp()} {
			assert.ErrorIs(t, SignalGroup(pgid, 0), ErrRefused, "group %d", pgid)
		}
	})
	t.Run("allows the child and the group it leads", func(t *testing.T) {
		assert.NoError(t, Signal(p.Pid, 0))
		assert.NoError(t, SignalGroup(p.Pid, 0))
	})
}

func TestUnknownRole(t *testing.T) {
	t.Run("Start names the role", func(t *testing.T) {
		errs := new(fakeT).run(func(ft T) { Start(ft, Role{name: "no/such-role"}) })
		require.Len(t, errs, 1)
		assert.Contains(t, errs[0], `unknown role "no/such-role"`)
	})
	t.Run("a child asked for it exits 127 and lists the roles", func(t *testing.T) {
		cmd := exec.Command(executable())
		cmd.Env = append(os.Environ(), roleEnv+"=no/such-role")
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, 127, ee.ExitCode())
		assert.Contains(t, string(out), `unknown role "no/such-role"; registered: `)
		assert.Contains(t, string(out), hang.Name())
		t.Logf("%s", strings.TrimSpace(string(out))[:60])
	})
}
