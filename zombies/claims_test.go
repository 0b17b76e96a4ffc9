//go:build linux

package zombies_test

import (
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/zombies"
	"procbugs/zombies/proofs"
)

// The source texts' claims about exec.Cmd and PID 1 that no entry covers,
// each run in a child process. The claims and their verdicts are in
// proofs/claims.go.

// TestLeakDetectors shows two ways to catch a Cmd that was started and
// never waited for, each against both versions of Launch. goleak runs in
// tests, not in the reader's program, so the child shows instead the
// goroutine goleak would report, in its goroutine dump.
func TestLeakDetectors(t *testing.T) {
	t.Parallel()
	execwait := childproc.Env("GODEBUG=execwait=2")
	t.Run("GODEBUG=execwait=2 panics when a Cmd never waited for is collected", func(t *testing.T) {
		t.Parallel()
		res := childproc.Finish(t, zombies.StartWithoutWait.Broken, childproc.Args("collect"), execwait)
		require.Equal(t, 2, res.ExitCode, "an unrecovered panic exits 2: %q", res.Events)
		assert.Equal(t, []string{"the helper has exited"}, res.Events)
		assert.Contains(t, res.Stderr, "panic: exec: Cmd started a Process but leaked without a call to Wait")
		assert.Contains(t, res.Stderr, "GODEBUG=execwait=2 detected a leaked exec.Cmd created by:")
		assert.Contains(t, res.Stderr, "procbugs/zombies.launchAndDrop", "the stack names where the Cmd was made")
		if !t.Failed() {
			t.Logf("the child died when the Cmd was collected, exit %d: %q", res.ExitCode,
				"panic: exec: Cmd started a Process but leaked without a call to Wait")
		}
	})
	t.Run("with Wait in a goroutine the Cmd is freed without a panic", func(t *testing.T) {
		t.Parallel()
		res := childproc.Finish(t, zombies.StartWithoutWait.Fixed, childproc.Args("collect"), execwait)
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		require.Equal(t, []string{"the helper has exited", "the Cmd was freed without a panic"}, res.Events)
		t.Logf("with GODEBUG=execwait=2: %s", res.LastEvent())
	})
	t.Run("a leaked CommandContext keeps its watchCtx goroutine, the one goleak reports", func(t *testing.T) {
		t.Parallel()
		p := childproc.Start(t, zombies.StartWithoutWait.Broken, childproc.Args("context"))
		helper := p.AwaitPID(t, "helper")
		require.True(t, proofs.Fate(t, p, helper), "the helper was reaped")
		res := p.Stop(t)
		watchers := res.Blocked("select", "os/exec.(*Cmd).watchCtx")
		require.Len(t, watchers, 1, "the Cmd's watchCtx goroutine waits for a Wait that never comes")
		t.Logf("helper %d a zombie, and goroutine %s still in os/exec.(*Cmd).watchCtx: goleak's report", helper, watchers[0].ID)
	})
	t.Run("once Launch waits, no watchCtx goroutine is left", func(t *testing.T) {
		t.Parallel()
		p := childproc.Start(t, zombies.StartWithoutWait.Fixed, childproc.Args("context"))
		helper := p.AwaitPID(t, "helper")
		require.False(t, proofs.Fate(t, p, helper), "the helper was left a zombie")
		p.Until(t, "the child is asleep", func() bool { return procfs.Idle(p.Pid) })
		res := p.Stop(t)
		require.NotEmpty(t, res.Goroutines(), "the dump was read")
		require.Empty(t, res.Blocked("", "os/exec.(*Cmd).watchCtx"), "no goroutine is left in watchCtx")
		t.Logf("helper %d reaped, and none of the %d goroutines left is in watchCtx", helper, len(res.Goroutines()))
	})
}

// TestCmdLifecycle follows an exec.Cmd from Command to Wait, and its
// single use, and shows what Start does with each kind of Stdout.
func TestCmdLifecycle(t *testing.T) {
	t.Parallel()
	t.Run("Command looks up the path, and a Cmd runs once", func(t *testing.T) {
		t.Parallel()
		res := childproc.Finish(t, zombies.Lifecycle)
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		// The child has the test's PATH, so LookPath answers the same here.
		sh, err := exec.LookPath("sh")
		require.NoError(t, err)
		lookErr := exec.Command(zombies.MissingProgram).Err
		require.Error(t, lookErr)
		require.Equal(t, []string{
			fmt.Sprintf("Command(sh): Path=%s Err=<nil>", sh),
			fmt.Sprintf("Command(missing): Err=%v", lookErr),
			"before Start: Process=false ProcessState=false",
			"after Start: Process=true ProcessState=false",
			"Start again: exec: already started",
			"Wait: <nil>",
			"after Wait: Process=true ProcessState=exit status 0",
			"Wait again: exec: Wait was already called",
			"Run after Wait: exec: already started",
		}, res.Events)
		t.Logf("exec.Command resolved sh to %s and %q before any Start; a second Start, Wait or Run: %q, %q, %q",
			sh, lookErr, "exec: already started", "exec: Wait was already called", "exec: already started")
	})
	t.Run("Stdout", func(t *testing.T) {
		t.Parallel()
		p := childproc.Start(t, zombies.Stdio)
		p.WaitReady(t)
		fd1 := map[string]string{}
		for _, kind := range []string{"file", "buffer"} {
			holder := p.AwaitPID(t, kind+" holder")
			require.True(t, procfs.Execed(holder), "the %s holder has called execve", kind)
			fd1[kind] = procfs.Descriptors(holder)[1]
		}
		file := strings.TrimPrefix(p.Await(t, "file "), "file ")
		p.Kill(t)
		added := func(kind string) string { return p.Await(t, kind+": goroutines added by Start: ") }
		t.Run("an *os.File as Stdout is handed to the child, with no goroutine", func(t *testing.T) {
			assert.Equal(t, "file: goroutines added by Start: 0", added("file"))
			assert.Equal(t, file+" (deleted)", fd1["file"], "the grandchild writes to the (unlinked) file itself")
			if !t.Failed() {
				t.Logf("Start added no goroutine; the grandchild's fd 1 is %s", fd1["file"])
			}
		})
		t.Run("a bytes.Buffer as Stdout costs a pipe and a copying goroutine", func(t *testing.T) {
			assert.Equal(t, "buffer: goroutines added by Start: 1", added("buffer"))
			assert.Regexp(t, `^pipe:\[\d+\]$`, fd1["buffer"], "the grandchild writes to a pipe a goroutine copies")
			if !t.Failed() {
				t.Logf("Start added one goroutine; the grandchild's fd 1 is %s", fd1["buffer"])
			}
		})
	})
}

// TestWaitDelay shows what Wait waits for, and what WaitDelay does about
// it. A Wait that waits with no bound is proven from the goroutine dump,
// one instant of the whole program: without WaitDelay, os/exec waits in a
// plain channel operation; with it, in a select with a timer. With the
// negative controls on, each such proof runs against the same case with a
// WaitDelay of an hour, a bound that does not end while the test looks,
// and must fail there: it is the missing bound they see, not a wait that
// has merely not ended yet.
func TestWaitDelay(t *testing.T) {
	t.Parallel()
	unbounded := []struct {
		says, mode string
		prove      func(childproc.T, string)
	}{
		{"Wait waits with no bound for an orphan that holds the stdout pipe", "pipe-held", proveReceiveWithoutBound},
		{"a SIGTERM Cancel the child ignores leaves Wait blocked with no bound", "term-ignored", proveSendWithoutBound},
	}
	for _, u := range unbounded {
		t.Run(u.says, func(t *testing.T) {
			t.Parallel()
			u.prove(t, u.mode)
		})
	}
	if catalog.Controlling() {
		t.Run("controls: each proof fails once WaitDelay bounds the wait", func(t *testing.T) {
			t.Parallel()
			for _, u := range unbounded {
				t.Run(u.mode, func(t *testing.T) {
					t.Parallel()
					bounded := u.mode + "-bounded"
					rec := childproc.Record(bounded, func(ct childproc.T) { u.prove(ct, bounded) })
					switch {
					case rec.Skipped() != "":
						t.Logf("cannot run here: %s", rec.Skipped())
					case len(rec.Errors()) == 0:
						t.Errorf("the proof that %s passed with WaitDelay %v: it does not see the bound; it logged:\n%s",
							u.says, zombies.LongWaitDelay, strings.Join(rec.Logs(), "\n"))
					default:
						t.Logf("with WaitDelay %v it failed, as it must: %.300s", zombies.LongWaitDelay, strings.Join(strings.Fields(rec.Errors()[0]), " "))
					}
				})
			}
		})
	}
	t.Run("WaitDelay ends each wait, and the default Cancel needs none", func(t *testing.T) {
		t.Parallel()
		p := childproc.Start(t, zombies.WaitDelayCase, childproc.Args("returns"), childproc.Timeout(proofs.ChainBound))
		res := p.Wait(t)
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		left := p.Leftovers()
		p.KillGroup(t)
		require.Len(t, res.Events, 4, "events %q", res.Events)
		t.Run("the default Cancel kills the child without WaitDelay", func(t *testing.T) {
			require.Equal(t, "default Cancel, no WaitDelay: Wait: signal: killed; killed by SIGKILL", res.Events[0])
			t.Logf("%s", res.Events[0])
		})
		t.Run("WaitDelay kills a child that ignores the Cancel signal", func(t *testing.T) {
			require.Equal(t, "SIGTERM Cancel ignored, WaitDelay: Wait: signal: killed; killed by SIGKILL", res.Events[1])
			t.Logf("with WaitDelay %v: %s", zombies.WaitDelay, res.Events[1])
		})
		t.Run("WaitDelay gives up on the pipe with ErrWaitDelay", func(t *testing.T) {
			require.Equal(t, "orphan holds the pipe, WaitDelay: Run: exec: WaitDelay expired before I/O complete; ErrWaitDelay: true", res.Events[2])
			require.Len(t, left, 1, "the orphan outlived the Run that gave up on it")
			t.Logf("with WaitDelay %v: %s; orphan %d still ran", zombies.WaitDelay, res.Events[2], left[0])
		})
		// C084: the program that set WaitDelay and got its errors says,
		// in its build information, which release built it.
		t.Run("WaitDelay works in a program built by a release since Go 1.20", func(t *testing.T) {
			built, ok := strings.CutPrefix(res.Events[3], "built by ")
			require.True(t, ok, res.Events[3])
			require.True(t, version.IsValid(built), "the child's build information names a release: %q", built)
			require.True(t, catalog.Since(proofs.WaitDelayRelease), "the running release is %s", catalog.Release())
			require.GreaterOrEqual(t, version.Compare(built, proofs.WaitDelayRelease), 0, "the child was built by %s", built)
			t.Logf("the child that set WaitDelay and got exec.ErrWaitDelay and SIGKILL from it was built by %s, its build information says", built)
		})
	})
}

// proveReceiveWithoutBound runs the pipe-held case (mode names it, or a
// bounded variant): once the spawner is reaped and its orphan holds the
// stdout pipe, Wait must sit in a plain receive in awaitGoroutines.
func proveReceiveWithoutBound(t childproc.T, mode string) {
	p := childproc.Start(t, zombies.WaitDelayCase, childproc.Args(mode))
	p.WaitReady(t)
	var orphan int
	p.Until(t, "the spawner is reaped while its orphan holds the pipe", func() bool {
		orphan = orphanOf(p)
		return orphan != 0 && len(procfs.Children(p.Pid)) == 0 &&
			strings.HasPrefix(procfs.Descriptors(orphan)[1], "pipe:") && procfs.Idle(p.Pid)
	})
	res := p.Stop(t)
	assert.Empty(t, res.Events, "Run had not returned")
	require.Len(t, res.Blocked("chan receive", "os/exec.(*Cmd).awaitGoroutines"), 1,
		"Wait receives from the copying goroutine, with no timer to end it")
	if !t.Failed() {
		t.Logf("the spawner had exited and been reaped; orphan %d held stdout, and Wait sat in a plain receive in awaitGoroutines", orphan)
	}
}

// proveSendWithoutBound runs the term-ignored case (mode names it, or a
// bounded variant): once the context is done and the child ignores the
// SIGTERM, Wait must sit in waitid and watchCtx in a plain send.
func proveSendWithoutBound(t childproc.T, mode string) {
	p := childproc.Start(t, zombies.WaitDelayCase, childproc.Args(mode))
	ignorer := p.AwaitPID(t, "ignorer")
	p.Until(t, "the context is done and the child waits in Wait", func() bool {
		return procfs.Idle(p.Pid) && procfs.SleepsIn(p.Pid, procfs.DoWait)
	})
	require.True(t, procfs.Alive(ignorer), "the child runs on")
	res := p.Stop(t)
	assert.Equal(t, []string{fmt.Sprintf("ignorer pid=%d", ignorer)}, res.Events, "Wait had not returned")
	require.Len(t, res.Blocked("chan send", "os/exec.(*Cmd).watchCtx"), 1,
		"Cancel has run, and watchCtx hands Wait its result with no timer to end it")
	require.Len(t, res.Blocked("syscall", "os/exec.(*Cmd).Wait"), 1, "Wait is in waitid")
	if !t.Failed() {
		t.Logf("the context was done and Cancel had sent SIGTERM; child %d ignored it, Wait sat in waitid and watchCtx in a plain send", ignorer)
	}
}

// orphanOf returns a process of p's group that has exec'd and was
// re-parented to this test process, or 0.
func orphanOf(p *childproc.Proc) int {
	for _, pid := range p.Leftovers() {
		if procfs.Parent(pid) == os.Getpid() && procfs.Execed(pid) {
			return pid
		}
	}
	return 0
}

// TestShellAsPID1 is a `sh -c` wrapper as a container's init.
func TestShellAsPID1(t *testing.T) {
	t.Parallel()
	proofs.ShellAsPID1(t)
}

// TestGoInitSignalledEarly is docker stop before the init is ready.
func TestGoInitSignalledEarly(t *testing.T) {
	t.Parallel()
	proofs.GoInitSignalledEarly(t)
}

// TestWaitTwiceUnderRace is zombies/wait-twice under the race detector.
func TestWaitTwiceUnderRace(t *testing.T) {
	t.Parallel()
	proofs.WaitTwiceUnderRace(t)
}

// TestSupervisorWithoutBackoff is the other broken supervisor: none.
func TestSupervisorWithoutBackoff(t *testing.T) {
	t.Parallel()
	proofs.SupervisorWithoutBackoff(t)
}

// TestFixedCodeIsSafeToCopy drives every fixed method that starts a
// process through its error paths and finds nothing left behind: each
// waits for what it started and closes what it opened. The control, code
// that starts a child and never waits, must be caught. The three groups
// run at once, each in a child of its own.
func TestFixedCodeIsSafeToCopy(t *testing.T) {
	t.Parallel()
	var ps []*childproc.Proc
	for _, group := range []string{"cmd", "supervise", "init"} {
		ps = append(ps, childproc.Start(t, zombies.ErrorPaths, childproc.Args(group), childproc.Timeout(proofs.ChainBound)))
	}
	var paths, controls []string
	for _, p := range ps {
		res := p.Wait(t)
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		for _, e := range res.Events {
			if strings.HasPrefix(e, "control, ") {
				controls = append(controls, e)
				continue
			}
			paths = append(paths, e)
			assert.True(t, strings.HasSuffix(e, ": nothing left behind"), e)
		}
	}
	require.Len(t, controls, 1)
	assert.True(t, strings.HasPrefix(controls[0], "control, Start without Wait: 1 "), "the audit catches a child never waited for: %s", controls[0])
	if !t.Failed() {
		t.Logf("%d error paths left nothing behind; the control was caught: %s", len(paths), controls[0])
	}
}
