//go:build linux

package childproc

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/internal/selftest"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
)

func TestMain(m *testing.M) { Main(m, "procbugs/helpers/internal/selftest") }

func TestEventsArriveInOrder(t *testing.T) {
	p := Start(t, selftest.ReadyThenExit)
	p.WaitReady(t)
	res := p.Wait(t)
	assert.Equal(t, 0, res.ExitCode)
	assert.Equal(t, []string{"working"}, res.Events, "ready and the harness's own lines are kept out of the events")
	assert.Equal(t, "exit 0", res.Status())
	t.Logf("child %d: ready, then %q, then %s", p.Pid, res.LastEvent(), res.Status())
}

func TestTimeBound(t *testing.T) {
	t.Run("a child that reaches its time bound fails the proof", func(t *testing.T) {
		rec := Record("hang", func(ft T) { Run(ft, selftest.Hang, Timeout(100*time.Millisecond)) })
		require.Len(t, rec.Errors(), 1)
		assert.Contains(t, rec.Errors()[0], "selftest/hang reached its time bound of 100ms and was stopped: a timeout is never evidence")
		assert.Contains(t, rec.Errors()[0], "role.BlockForever", "the failure carries the child's stacks")
		t.Logf("reported: %s", firstLine(rec.Errors()[0]))
	})
	t.Run("a child the proof stops after its evidence passes", func(t *testing.T) {
		p := Start(t, selftest.Hang)
		p.WaitReady(t)
		p.Until(t, "the child is blocked", func() bool { return procfs.Idle(p.Pid) })
		res := p.Stop(t)
		assert.False(t, res.TimedOut)
		assert.Equal(t, 2, res.ExitCode, "a Go program exits 2 after a SIGQUIT dump")
		assert.Contains(t, res.Stacks, "SIGQUIT: quit")
		assert.Contains(t, res.Stacks, "procbugs/helpers/role.BlockForever")
		t.Logf("stopped after %v with %d lines of stacks", res.Elapsed.Round(time.Millisecond), strings.Count(res.Stacks, "\n"))
	})
	t.Run("the bound stops counting when the child exits", func(t *testing.T) {
		p := Start(t, selftest.ReadyThenExit, Timeout(FinishBound))
		res := p.Wait(t)
		p.expire() // what the timer would do, were it still running
		again := p.result()
		assert.False(t, res.TimedOut)
		assert.False(t, again.TimedOut, "a finished child's result never flips to timed out")
		assert.False(t, p.timer.Stop(), "the timer was stopped when the child exited")
		t.Logf("exited after %v; the timer had been stopped, and a late expiry changed nothing", res.Elapsed.Round(time.Microsecond))
	})
	t.Run("stopping a child that had already ended fails the proof", func(t *testing.T) {
		rec := Record("stop-after-exit", func(ft T) {
			p := Start(ft, selftest.ReadyThenExit)
			<-p.Done()
			p.Stop(ft)
		})
		require.Len(t, rec.Errors(), 1)
		assert.Contains(t, rec.Errors()[0], "had already ended (exit 0) when the proof stopped it")
	})
}

func TestStuckWhen(t *testing.T) {
	// Asleep once ready: before, the child may sleep for an instant on
	// its way to BlockForever, whose stack the failure must show.
	idle := func(p *Proc) bool { return slices.Contains(p.Events(), role.ReadyEvent) && procfs.Idle(p.Pid) }
	t.Run("a child that reaches the stuck state fails at once, with the state named", func(t *testing.T) {
		rec := Record("stuck", func(ft T) {
			Finish(ft, selftest.Hang, StuckWhen("it sleeps, and nothing will wake it", idle))
		})
		require.Len(t, rec.Errors(), 1)
		assert.Contains(t, rec.Errors()[0], "selftest/hang is stuck: it sleeps, and nothing will wake it. The proof stopped it")
		assert.Contains(t, rec.Errors()[0], "role.BlockForever", "the failure carries the child's stacks")
		assert.NotContains(t, rec.Errors()[0], "time bound", "the child was stopped on its state, not at its bound")
		t.Logf("reported: %s", firstLine(rec.Errors()[0]))
	})
	t.Run("a child that finishes is waited for as usual", func(t *testing.T) {
		rec := Record("finishes", func(ft T) {
			res := Finish(ft, selftest.ReadyThenExit, StuckWhen("it never gets here", func(*Proc) bool { return false }))
			assert.Equal(ft, 0, res.ExitCode)
		})
		assert.Empty(t, rec.Errors())
	})
}

func TestEndsOtherwiseWhen(t *testing.T) {
	rec := Record("otherwise", func(ft T) {
		Finish(ft, selftest.Hang, EndsOtherwiseWhen("sleeps where the proof wants it gone", func(p *Proc) bool {
			return slices.Contains(p.Events(), role.ReadyEvent) && procfs.Idle(p.Pid)
		}))
	})
	require.Len(t, rec.Errors(), 1)
	assert.Contains(t, rec.Errors()[0],
		"selftest/hang sleeps where the proof wants it gone. The proof stopped it: from there it cannot end as the proof expects")
	assert.NotContains(t, rec.Errors()[0], "stuck", "it is not called stuck: it may still end, some other way")
	t.Logf("reported: %s", firstLine(rec.Errors()[0]))
}

func TestProofMustEndItsChild(t *testing.T) {
	t.Run("a child the proof neither waited for nor stopped fails the test", func(t *testing.T) {
		rec := Record("forgot", func(ft T) { Start(ft, selftest.ReadyThenExit).WaitReady(ft) })
		require.Len(t, rec.Errors(), 1)
		assert.Equal(t, "childproc: the proof neither waited for selftest/ready-then-exit nor stopped it", rec.Errors()[0])
		t.Logf("reported: %s", rec.Errors()[0])
	})
	t.Run("a child the proof waited for passes", func(t *testing.T) {
		rec := Record("waited", func(ft T) { Run(ft, selftest.ReadyThenExit) })
		assert.Empty(t, rec.Errors())
	})
}

func TestExitBeforeReady(t *testing.T) {
	t.Run("a child that exits before ready is reported with its stderr", func(t *testing.T) {
		rec := Record("early", func(ft T) { Start(ft, selftest.DieEarly).WaitReady(ft) })
		require.Len(t, rec.Errors(), 1)
		assert.Contains(t, rec.Errors()[0], `selftest/die-early ended before event "ready": exit 3`)
		assert.Contains(t, rec.Errors()[0], "config file missing")
		t.Logf("reported: %s", strings.ReplaceAll(rec.Errors()[0], "\n", " "))
	})
	t.Run("Until fails as soon as the child ends without the evidence", func(t *testing.T) {
		rec := Record("until", func(ft T) {
			p := Start(ft, selftest.DieEarly)
			p.Until(ft, "it blocks in pipe_write", func() bool { return procfs.SleepsIn(p.Pid, procfs.PipeWrite) })
		})
		require.Len(t, rec.Errors(), 1)
		assert.Contains(t, rec.Errors()[0], "selftest/die-early ended before it blocks in pipe_write: exit 3")
	})
}

func TestLeakedGrandchild(t *testing.T) {
	t.Run("a grandchild left running in the group is caught, named and killed", func(t *testing.T) {
		var grandchild int
		rec := Record("leak", func(ft T) {
			p := Start(ft, selftest.LeaveGrandchild)
			grandchild = p.AwaitPID(ft, "grandchild")
			p.Wait(ft)
		})
		require.Len(t, rec.Errors(), 1)
		assert.Contains(t, rec.Errors()[0], fmt.Sprintf("left %d (", grandchild))
		assert.Equal(t, byte(0), procfs.State(grandchild), "killed and reaped")
		t.Logf("reported: %s", rec.Errors()[0])
	})
	t.Run("a child that waits for its own child leaves nothing", func(t *testing.T) {
		rec := Record("no-leak", func(ft T) { Run(ft, selftest.WaitGrandchild) })
		assert.Empty(t, rec.Errors())
	})
	t.Run("an orphan that left the group is found by the sweep", func(t *testing.T) {
		p := Start(t, selftest.EscapeGroup)
		daemon := p.AwaitPID(t, "daemon")
		p.Wait(t)
		Poll(t, "the orphan has come to the test process", func() bool { return procfs.Parent(daemon) == os.Getpid() })
		swept := sweepOrphans()
		require.Len(t, swept, 1)
		assert.True(t, strings.HasPrefix(swept[0], fmt.Sprintf("%d (", daemon)), swept[0])
		assert.Equal(t, byte(0), procfs.State(daemon))
		t.Logf("swept %s", swept[0])
	})
}

func TestSignalGuard(t *testing.T) {
	p := Start(t, selftest.Hang)
	p.WaitReady(t)
	t.Run("refuses init, 0, -1, the own group and strangers", func(t *testing.T) {
		for _, pid := range []int{1, 0, -1, -p.Pid, os.Getpid(), os.Getppid()} {
			assert.ErrorIs(t, Signal(pid, 0), ErrRefused, "pid %d", pid)
		}
		for _, pgid := range []int{1, 0, -1, syscall.Getpgrp(), os.Getppid()} {
			assert.ErrorIs(t, SignalGroup(pgid, 0), ErrRefused, "group %d", pgid)
		}
	})
	t.Run("allows the child and the group it leads", func(t *testing.T) {
		assert.NoError(t, Signal(p.Pid, 0))
		assert.NoError(t, SignalGroup(p.Pid, 0))
	})
	p.Kill(t)
}

func TestUnknownRole(t *testing.T) {
	t.Run("Start names the role", func(t *testing.T) {
		rec := Record("unknown", func(ft T) { Start(ft, role.Named("no/such-role")) })
		require.Len(t, rec.Errors(), 1)
		assert.Contains(t, rec.Errors()[0], `unknown role "no/such-role"`)
	})
	t.Run("a child asked for it exits 127 and lists the roles", func(t *testing.T) {
		exe, err := Program(selftest.Hang)
		require.NoError(t, err)
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), role.Env+"=no/such-role")
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, 127, ee.ExitCode())
		assert.Contains(t, string(out), `unknown role "no/such-role"; registered: `)
		assert.Contains(t, string(out), selftest.Hang.Name())
		t.Logf("%s", firstLine(string(out))[:60])
	})
}

func firstLine(s string) string { line, _, _ := strings.Cut(strings.TrimSpace(s), "\n"); return line }

func TestWitness(t *testing.T) {
	t.Run("a watching recorder is told when the evidence was taken and when the child was stopped", func(t *testing.T) {
		var moments []string
		var alive []bool
		rec := RecordWatching("witness", func(moment string, p *Proc) {
			moments = append(moments, moment)
			alive = append(alive, procfs.Alive(p.Pid))
		}, func(ft T) {
			p := Start(ft, selftest.Hang)
			p.WaitReady(ft)
			p.Until(ft, "the child is asleep", func() bool { return procfs.Idle(p.Pid) })
			p.Stop(ft)
		})
		require.Empty(t, rec.Errors())
		assert.Equal(t, []string{Evidence, Stopping}, moments)
		assert.Equal(t, []bool{true, true}, alive, "each moment is seen before anything is killed")
		t.Logf("moments seen: %v", moments)
	})
}
