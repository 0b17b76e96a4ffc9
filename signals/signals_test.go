//go:build linux

package signals

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

func TestMain(m *testing.M) { childproc.Main(m) }

func TestUnbufferedNotify(t *testing.T) { catalog.Prove(t, UnbufferedNotify) }

func TestExitOnSignal(t *testing.T) { catalog.Prove(t, ExitOnSignal) }

func TestDeferredStop(t *testing.T) { catalog.Prove(t, DeferredStop) }

func TestForgottenStop(t *testing.T) { catalog.Prove(t, ForgottenStop) }

// TestStopAndReset proves the rest of what 001 Q8 says of signal.Stop: the
// signal goes on to the other channels, or back to its default, which for
// SIGHUP is to end the process and for SIGUSR1 is to do nothing.
func TestStopAndReset(t *testing.T) {
	t.Run("after Stop of one channel another still receives", func(t *testing.T) {
		res := childproc.Run(t, stopReset, childproc.Args("two-channels"))
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		assert.Equal(t, []string{"b got hangup", "a got nothing"}, res.Events)
		t.Logf("two channels for SIGHUP, Stop(a), SIGHUP: %q", res.Events)
	})
	t.Run("after Reset SIGHUP ends the process", func(t *testing.T) {
		proveKilledBy(syscall.SIGHUP, childproc.Args("reset"))(t, stopReset)
	})
	t.Run("after Stop SIGUSR1 does nothing, its Go default", func(t *testing.T) {
		p := childproc.Start(t, stopReset, childproc.Args("stop-usr1"))
		p.WaitReady(t)
		p.Signal(t, syscall.SIGUSR1)
		childproc.Poll(t, childproc.DefaultTimeout, "the SIGUSR1 is delivered", func() bool {
			return !pending(p.Pid, syscall.SIGUSR1)
		})
		require.True(t, childproc.Alive(p.Pid), "SIGUSR1 did not end the child")
		p.Kill(t)
		t.Logf("SIGUSR1 after Stop: delivered to Go's handler, which did nothing; the child lived on")
	})
}

func TestForwardNothing(t *testing.T) { catalog.Prove(t, ForwardNothing) }

func TestForwardEverySignal(t *testing.T) { catalog.Prove(t, ForwardEverySignal) }

// TestSection13Supervisor checks what 000 §13 says of its supervisor, idle
// (a busy one is TestForwardEverySignal): it forwards signals and returns
// the child's exit code; and SIGCHLD, which it skips "because Go's runtime
// uses it for child reaping", can be forwarded without harm to cmd.Wait.
func TestSection13Supervisor(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		sigs []syscall.Signal
	}{
		{"it forwards HUP and TERM and returns the child's exit code", nil,
			[]syscall.Signal{syscall.SIGHUP, syscall.SIGTERM}},
		{"forwarding SIGCHLD as well leaves cmd.Wait unharmed", []string{"forward-sigchld"},
			[]syscall.Signal{syscall.SIGCHLD, syscall.SIGTERM}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Idle, with asyncpreemptoff, the supervisor never sends itself a
			// SIGURG that could hold §13's one slot when our signal comes.
			p := childproc.Start(t, section13, childproc.Args(tc.args...), childproc.Env("GODEBUG=asyncpreemptoff=1"))
			kid := p.AwaitPID(t, "listener")
			// §13 calls Notify only after Start. Notify with no list
			// installs Go's handler for the job-control signals too, which
			// a Go program leaves at their default until then: SIGCONT in
			// SigCgt says the supervisor now forwards.
			childproc.Poll(t, childproc.DefaultTimeout, "the supervisor has called signal.Notify", func() bool {
				return catches(p.Pid, syscall.SIGCONT)
			})
			var names []string
			for i, sig := range tc.sigs {
				name := childproc.SignalName(sig)
				p.Signal(t, sig)
				if i < len(tc.sigs)-1 {
					p.Await(t, "listener got "+name) // one at a time, each seen before the next
				}
				names = append(names, name)
			}
			res := p.Wait(t)
			require.Equal(t, 0, res.ExitCode, "%s; %q; stderr:\n%s", res.Status(), res.Events, res.Stderr)
			for _, name := range names {
				assert.Contains(t, res.Events, "listener got "+name)
			}
			assert.Equal(t, "child exited 7", res.LastEvent())
			t.Logf("sent %v to the §13 supervisor: child %d got each, exited 7, and the supervisor returned %q",
				names, kid, res.LastEvent())
		})
	}
}

func TestShellWrapper(t *testing.T) { catalog.Prove(t, ShellWrapper) }

// TestShellWrappers measures which shells fork a program and which exec
// it, for 001 Q9 and Q25: Debian's dash forks even a lone command, bash
// execs a lone simple command itself, and exec always replaces the shell.
func TestShellWrappers(t *testing.T) {
	sh, err := filepath.EvalSymlinks("/bin/sh")
	require.NoError(t, err)
	t.Logf("/bin/sh is %s", sh)
	for _, tc := range []struct {
		shell, script string
		forks         bool
	}{
		{"/bin/sh", "APP", true},
		{"/bin/sh", "APP; echo done", true},
		{"/bin/sh", "exec APP", false},
		{"/bin/bash", "APP", false},
		{"/bin/bash", "APP; echo done", true},
	} {
		name := filepath.Base(tc.shell) + " -c '" + tc.script + "'"
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(tc.shell); err != nil {
				t.Skipf("no %s here", tc.shell)
			}
			if tc.forks {
				shellSwallows(t, wrapper, childproc.Args(tc.shell, tc.script))
			} else {
				shellExecs(t, wrapper, childproc.Args(tc.shell, tc.script))
			}
		})
	}
}

func TestSIGPIPE(t *testing.T) { catalog.Prove(t, SIGPIPE) }

// TestSIGPIPEByDescriptor checks 001 Q26, which has it backwards: the
// runtime raises SIGPIPE for descriptors 1 and 2 only; a write on any
// other, 0 included, returns EPIPE. Notify or Ignore turn the first case
// into the second.
func TestSIGPIPEByDescriptor(t *testing.T) {
	for _, tc := range []struct {
		fd     int
		mode   string
		killed bool
	}{
		{1, "default", true}, {2, "default", true}, {0, "default", false}, {100, "default", false},
		{1, "notify", false}, {1, "ignore", false},
	} {
		t.Run(fmt.Sprintf("fd %d with SIGPIPE %s", tc.fd, tc.mode), func(t *testing.T) {
			res := childproc.Run(t, brokenPipe, childproc.Args(strconv.Itoa(tc.fd), tc.mode))
			if tc.killed {
				require.Equal(t, syscall.SIGPIPE, res.Signal, "%s; %q", res.Status(), res.Events)
				assert.Empty(t, res.Events, "Write never returned")
				t.Logf("write to fd %d with no reader: %s", tc.fd, res.Status())
				return
			}
			require.Equal(t, 0, res.ExitCode, "%s; %q", res.Status(), res.Events)
			assert.Equal(t, fmt.Sprintf("write returned write fd%d: broken pipe", tc.fd), res.Events[0])
			if tc.mode == "notify" {
				assert.Equal(t, "channel got broken pipe", res.LastEvent())
			}
			t.Logf("write to fd %d with no reader, SIGPIPE %s: %q, %s", tc.fd, tc.mode, res.Events, res.Status())
		})
	}
}

func TestInheritedIgnore(t *testing.T) { catalog.Prove(t, InheritedIgnore) }

// TestInheritedIgnoreInGo shows what a Go program does with signals it
// inherits as ignored: its runtime installs its own handler for SIGTERM
// anyway, but leaves SIGHUP and SIGINT ignored
// ($GOROOT/src/runtime/signal_unix.go, sigInstallGoHandler).
func TestInheritedIgnoreInGo(t *testing.T) {
	p := childproc.Start(t, ignoringParent)
	kid := p.AwaitPID(t, "idle")
	termCaught, termIgnored := catches(kid, syscall.SIGTERM), ignores(kid, syscall.SIGTERM)
	intIgnored := ignores(kid, syscall.SIGINT)
	assert.True(t, termCaught, "SIGTERM is caught by the Go runtime")
	assert.False(t, termIgnored)
	assert.True(t, intIgnored, "SIGINT stays ignored")
	p.Kill(t)
	t.Logf("a Go child of a parent ignoring SIGTERM and SIGINT: SIGTERM caught=%v ignored=%v; SIGINT ignored=%v",
		termCaught, termIgnored, intIgnored)
}

func TestWaitDelay(t *testing.T) { catalog.Prove(t, WaitDelayKill) }

// TestWaitDelayKillsOnlyTheChild shows the limit of WaitDelay: its SIGKILL
// goes to the child's pid (os.Process.Kill), so the child's own children
// live on, re-parented.
func TestWaitDelayKillsOnlyTheChild(t *testing.T) {
	p, kid := startCancelled(t, waitDelayFixed, "spawn-sleeper")
	sleeper := p.AwaitPID(t, "sleeper")
	p.Await(t, "run returned")
	require.False(t, childproc.Alive(kid), "the child was killed")
	require.True(t, childproc.Alive(sleeper), "its own child was not")
	parent := childproc.Parent(sleeper)
	assert.Equal(t, os.Getpid(), parent, "re-parented to the test, the nearest subreaper")
	p.KillGroup(t)
	res := p.Wait(t)
	assert.Equal(t, "run returned signal: killed", res.LastEvent())
	t.Logf("WaitDelay killed child %d; its child %d (sleep) was still running, re-parented to %d", kid, sleeper, parent)
}

func TestPID1(t *testing.T) { catalog.Prove(t, PID1) }

// TestNotPID1 is TestPID1's control: the same code, not PID 1, is killed by
// SIGTERM, its default action, with no exit status of its own.
func TestNotPID1(t *testing.T) { proveKilledBy(syscall.SIGTERM)(t, pid1Broken) }

func TestCgoHandler(t *testing.T) { catalog.Prove(t, CgoHandler) }

// TestCgoHandlerVariants shows why the fix needs Ignore before Notify, and
// what 000 §7 means by a cgo program that ignores SIGINT: with the C
// library's handler in place, SIGINT neither reaches Go nor ends the
// process, and a Notify after the library started changes nothing.
func TestCgoHandlerVariants(t *testing.T) {
	for _, mode := range []string{"no-notify", "notify-after"} {
		t.Run(mode, func(t *testing.T) {
			res := interruptLoaded(t, cgoVariant, childproc.Args(mode))
			require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
			assert.Equal(t, []string{`C library logged "C handler ran"`, "Go channel got nothing"}, res.Events)
			t.Logf("C library loaded, %s, SIGINT: %q; the process survived (%s)", mode, res.Events, res.Status())
		})
	}
}

// TestShellWrapperAsPID1 checks 001 Q25: a shell wrapper as PID 1 of a
// container. The shell has no handler, so the kernel drops the SIGTERM
// for the namespace's init: the shell survives, and the program under it
// is never told. The SIGKILL that follows ends the shell, and with it the
// whole namespace: the program dies without a shutdown.
func TestShellWrapperAsPID1(t *testing.T) {
	attr := newPIDNamespace(t, wrapper)
	p := childproc.Start(t, wrapper, childproc.Args("/bin/sh", "APP"), childproc.Attr(attr))
	p.Await(t, "listener pid=")
	members := p.Leftovers()
	require.Len(t, members, 1, "the program runs under the shell")
	p.Signal(t, syscall.SIGTERM)
	childproc.Poll(t, childproc.DefaultTimeout, "the SIGTERM is gone", func() bool {
		return !pending(p.Pid, syscall.SIGTERM)
	})
	require.True(t, childproc.Alive(p.Pid), "the shell, PID 1, survived SIGTERM")
	p.Signal(t, syscall.SIGKILL)
	res := p.Wait(t)
	require.Equal(t, syscall.SIGKILL, res.Signal, res.Status())
	childproc.Poll(t, childproc.DefaultTimeout, "the namespace is torn down", func() bool {
		return !childproc.Alive(members[0])
	})
	assert.NotContains(t, res.Events, "listener got SIGTERM", "the program never had a graceful path")
	t.Logf("shell as PID 1: SIGTERM dropped, shell alive; SIGKILL: shell %s, program %d gone with it, never told",
		res.Status(), members[0])
}
