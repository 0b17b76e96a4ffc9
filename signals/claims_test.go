//go:build unix

package signals_test

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/signals"
	"procbugs/signals/proofs"
)

// The source texts' claims about signals that no entry covers, each run
// in a child process. The claims and their verdicts are in
// proofs/claims.go.

// run runs r to its end, which must come by itself.

// TestRuntimeCatchesAlmostEverySignal reads SigCgt of a Go program that
// does nothing with signals (000 §7: "Go's runtime installs handlers for
// almost every signal"). The ones left out are those the kernel lets no
// one catch and those the runtime's table leaves alone
// ($GOROOT/src/runtime/sigtab_linux_generic.go). 33 is caught: a program
// built without cgo, as this child is, uses it itself for per-thread
// system calls (sigPerThreadSyscall in runtime/os_linux.go), where a cgo
// program leaves it to the C library.
func TestRuntimeCatchesAlmostEverySignal(t *testing.T) {
	t.Parallel()
	leftOut := map[syscall.Signal]string{
		syscall.SIGKILL: "cannot be caught", syscall.SIGSTOP: "cannot be caught",
		syscall.SIGCONT: "_SigDefault", syscall.SIGTSTP: "_SigDefault",
		syscall.SIGTTIN: "_SigDefault", syscall.SIGTTOU: "_SigDefault",
		32: "_SigSetStack, glibc's SIGCANCEL", 34: "_SigSetStack, musl's SIGSYNCCALL",
	}
	p := childproc.Start(t, signals.Plain)
	p.WaitReady(t)
	caught := procfs.Signals(p.Pid, procfs.Caught)
	p.Kill(t)
	var missing []string
	n := 0
	for s := syscall.Signal(1); s <= 64; s++ {
		if caught.Has(s) {
			n++
			continue
		}
		missing = append(missing, fmt.Sprintf("%d (%s)", int(s), leftOut[s]))
		_, expected := leftOut[s]
		assert.True(t, expected, "signal %d (%s) is not caught", s, childproc.SignalName(s))
	}
	require.Equal(t, 64-len(leftOut), n, "every other signal is caught")
	if !t.Failed() {
		t.Logf("a plain Go program catches %d of 64 signals; not caught: %s", n, strings.Join(missing, ", "))
	}
}

// TestRuntimeFaults checks 000 §7 and 001 Q27 on "runtime-generated
// SIGSEGV/SIGBUS/SIGFPE": a nil dereference is a SIGSEGV the runtime turns
// into a panic, but an integer division by zero raises no signal at all:
// the compiler checks the divisor and calls runtime.panicdivide.
func TestRuntimeFaults(t *testing.T) {
	t.Parallel()
	nilRes := childproc.Finish(t, signals.Fault, childproc.Args("nil"))
	divRes := childproc.Finish(t, signals.Fault, childproc.Args("divide"))
	require.Equal(t, 2, nilRes.ExitCode, nilRes.Status())
	require.Contains(t, nilRes.Stderr, "[signal SIGSEGV: segmentation violation")
	require.Equal(t, 2, divRes.ExitCode, divRes.Status())
	require.Contains(t, divRes.Stderr, "runtime error: integer divide by zero")
	require.NotContains(t, divRes.Stderr, "[signal", "no signal was involved")
	t.Logf("nil dereference: %q; divide by zero: %q, no signal", lineWith(nilRes.Stderr, "[signal"),
		lineWith(divRes.Stderr, "panic:"))
}

func lineWith(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// The controls 000 §7 names exist where the correction says: this file
// would not compile otherwise.
var _, _ = signal.Stop, debug.SetTraceback

// TestSignalDocs checks two claims of 000 §7 with the toolchain a reader
// has: the compiler rejects signal controls in runtime/cgo, and go doc
// shows the os/signal section "Go programs that use cgo or SWIG". The go
// command runs once per test binary (-count=N needs it once).
func TestSignalDocs(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command on PATH")
	}
	docs := askTheToolchain()
	require.NoError(t, docs.err)
	require.Error(t, docs.buildErr, "a program that uses cgo.Stop compiled:\n%s", docs.build)
	require.Contains(t, docs.build, "undefined: cgo.Stop")
	require.Contains(t, docs.build, "undefined: cgo.SetTraceback")
	require.NoError(t, docs.docErr, "%s", docs.doc)
	require.Contains(t, docs.doc, "\n# Go programs that use cgo or SWIG\n")
	t.Logf("the compiler says %q; go doc os/signal has the section \"Go programs that use cgo or SWIG\"",
		strings.Join(strings.Fields(lineWith(docs.build, "./probe.go:5")), " "))
}

type toolchainAnswers struct {
	build, doc            string
	err, buildErr, docErr error
}

var askTheToolchain = sync.OnceValue(func() (a toolchainAnswers) {
	goTool, _ := exec.LookPath("go")
	dir, err := os.MkdirTemp("", "procbugs-probe-")
	if err != nil {
		a.err = err
		return a
	}
	defer os.RemoveAll(dir)
	probe := "package main\n\nimport \"runtime/cgo\"\n\nvar _ = cgo.Stop\nvar _ = cgo.SetTraceback\n\nfunc main() {}\n"
	if a.err = os.WriteFile(filepath.Join(dir, "probe.go"), []byte(probe), 0o644); a.err != nil {
		return a
	}
	build := exec.Command(goTool, "build", "-o", os.DevNull, "probe.go")
	build.Dir = dir
	out, err := build.CombinedOutput()
	a.build, a.buildErr = string(out), err
	out, err = exec.Command(goTool, "doc", "os/signal").CombinedOutput()
	a.doc, a.docErr = string(out), err
	return a
})

// TestOneSlotHoldsOneSignal checks 000 §8: a buffer of one is enough for a
// wake-up, not to learn which signals came; and NotifyContext needs no
// buffer of yours.
func TestOneSlotHoldsOneSignal(t *testing.T) {
	t.Parallel()
	t.Run("three signals while nobody receives leave one", func(t *testing.T) {
		t.Parallel()
		res := childproc.Finish(t, signals.OneSlot, childproc.Args("channel"))
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		require.True(t, strings.HasPrefix(res.LastEvent(), "kept 1 of 3: "), res.LastEvent())
		t.Logf("SIGHUP, SIGINT and SIGTERM into a one-slot channel nobody was reading: %s", res.LastEvent())
	})
	t.Run("NotifyContext keeps a signal sent before anyone waits", func(t *testing.T) {
		t.Parallel()
		res := childproc.Finish(t, signals.OneSlot, childproc.Args("notify-context"))
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		require.Equal(t, "context: user defined signal 1 signal received", res.LastEvent())
		t.Logf("SIGUSR1 sent before <-ctx.Done(): %s", res.LastEvent())
	})
}

// TestStopAndReset proves the rest of what 001 Q8 says of signal.Stop: the
// signal goes on to the other channels, or back to its default, which for
// SIGHUP is to end the process and for SIGUSR1 is to do nothing.
func TestStopAndReset(t *testing.T) {
	t.Parallel()
	t.Run("after Stop of one channel another still receives", func(t *testing.T) {
		t.Parallel()
		res := childproc.Finish(t, signals.StopReset, childproc.Args("two-channels"))
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		require.Equal(t, []string{"b got hangup", "a got nothing"}, res.Events)
		t.Logf("two channels for SIGHUP, Stop(a), SIGHUP: %q", res.Events)
	})
	t.Run("after Reset SIGHUP ends the process", func(t *testing.T) {
		t.Parallel()
		proofs.KilledBy(syscall.SIGHUP, childproc.Args("reset"))(t, signals.StopReset)
	})
	t.Run("after Stop SIGUSR1 does nothing, its Go default", func(t *testing.T) {
		t.Parallel()
		p := childproc.Start(t, signals.StopReset, childproc.Args("stop-usr1"))
		p.WaitReady(t)
		p.Signal(t, syscall.SIGUSR1)
		proofs.AwaitSurvived(t, p, syscall.SIGUSR1)
		res := proofs.StopSurvivor(t, p)
		t.Logf("SIGUSR1 after Stop: delivered to Go's handler, which did nothing; the child lived on until stopped: %s", res.Status())
	})
}

// TestSection13Supervisor checks what 000 §13 says of its supervisor, idle
// (a busy one is TestForwardEverySignal): it forwards signals and returns
// the child's exit code; and SIGCHLD, which it skips "because Go's runtime
// uses it for child reaping", can be forwarded without harm to cmd.Wait.
func TestSection13Supervisor(t *testing.T) {
	t.Parallel()
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
			t.Parallel()
			// With asyncpreemptoff the supervisor never sends itself a
			// SIGURG that could hold §13's one slot when a signal comes.
			p, feed := proofs.StartReporting(t, signals.Section13, childproc.Args(tc.args...),
				childproc.Env("GODEBUG=asyncpreemptoff=1"), childproc.Timeout(childproc.FinishBound))
			kid := proofs.PIDIn(t, proofs.AwaitReport(t, p, feed, "listener pid="))
			// §13 calls Notify only after Start. Once its child runs, an idle
			// supervisor is one waiting in cmd.Wait, past Notify.
			p.Until(t, "the supervisor waits for its child", func() bool { return procfs.Idle(p.Pid) })
			var names []string
			for _, sig := range tc.sigs {
				name := childproc.SignalName(sig)
				p.Signal(t, sig)
				if sig != syscall.SIGTERM { // one at a time, each seen before the next
					proofs.AwaitReport(t, p, feed, "listener got "+name)
				}
				names = append(names, name)
			}
			res := p.Wait(t)
			require.Equal(t, 0, res.ExitCode, "%s; %q; stderr:\n%s", res.Status(), res.Events, res.Stderr)
			require.Equal(t, fmt.Sprintf("child exited %d", signals.ListenerExit), res.LastEvent())
			reports := proofs.AllReports(t, feed)
			for _, name := range names {
				require.Contains(t, reports, "listener got "+name)
			}
			t.Logf("sent %v to the §13 supervisor: child %d got each, exited %d, and the supervisor returned %q",
				names, kid, signals.ListenerExit, res.LastEvent())
		})
	}
}

// TestShellWrappers measures which shells fork a program and which exec
// it, for 001 Q9 and Q25: Debian's dash forks even a lone command, bash
// execs a lone simple command itself, and exec always replaces the shell.
func TestShellWrappers(t *testing.T) {
	t.Parallel()
	sh, err := filepath.EvalSymlinks("/bin/sh")
	require.NoError(t, err)
	t.Logf("/bin/sh is %s", sh)
	for _, tc := range []struct {
		shell, script string
		forks         bool
	}{
		{"/bin/sh", signals.App, true},
		{"/bin/sh", signals.App + "; echo done", true},
		{"/bin/sh", "exec " + signals.App, false},
		{"/bin/bash", signals.App, false},
		{"/bin/bash", signals.App + "; echo done", true},
	} {
		t.Run(filepath.Base(tc.shell)+" -c '"+tc.script+"'", func(t *testing.T) {
			t.Parallel()
			if _, err := os.Stat(tc.shell); err != nil {
				childproc.SkipWith(t, "no "+tc.shell+" here", signals.Wrapper)
			}
			if tc.forks {
				proofs.ShellForks(t, signals.Wrapper, childproc.Args(tc.shell, tc.script))
			} else {
				proofs.ShellExecs(t, signals.Wrapper, childproc.Args(tc.shell, tc.script))
			}
		})
	}
}

// TestShellWrapperAsPID1 checks 001 Q25: a shell wrapper as PID 1 of a
// container. The shell has no handler, so the kernel drops the SIGTERM
// for the namespace's init: the shell survives, and the program under it
// is never told. The SIGKILL that follows ends the shell, and with it the
// whole namespace: the program dies without a shutdown. A SIGTERM that
// killed would have decided the shell's status as it was sent, so the
// shell's death by SIGKILL is the proof that the SIGTERM did nothing.
func TestShellWrapperAsPID1(t *testing.T) {
	t.Parallel()
	ns := proofs.InNewPIDNamespace(t, signals.Wrapper)
	p, feed := proofs.StartReporting(t, signals.Wrapper, childproc.Args("/bin/sh", signals.App), ns)
	proofs.AwaitReport(t, p, feed, "listener pid=")
	members := p.Leftovers()
	require.Len(t, members, 1, "the program runs under the shell")
	p.Signal(t, syscall.SIGTERM)
	p.Signal(t, syscall.SIGKILL) // what docker stop sends next
	res := p.Wait(t)
	require.Equal(t, syscall.SIGKILL, res.Signal, "the shell died of the SIGKILL, not of the SIGTERM: %s", res.Status())
	reports := proofs.AllReports(t, feed) // the program died with the namespace
	require.NotContains(t, reports, "listener got SIGTERM", "the program never had a graceful path")
	require.False(t, procfs.Alive(members[0]))
	t.Logf("shell as PID 1: SIGTERM then SIGKILL: the shell was %s, program %d gone with its namespace, never told; its reports: %q",
		res.Status(), members[0], reports)
}

// TestSIGPIPEByDescriptor checks 001 Q26, which has it backwards: the
// runtime raises SIGPIPE for descriptors 1 and 2 only; a write on any
// other, 0 included, returns EPIPE. Notify or Ignore turn the first case
// into the second.
func TestSIGPIPEByDescriptor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fd     int
		mode   string
		killed bool
	}{
		{1, "default", true}, {2, "default", true}, {0, "default", false}, {100, "default", false},
		{1, "notify", false}, {1, "ignore", false},
	} {
		t.Run(fmt.Sprintf("fd %d with SIGPIPE %s", tc.fd, tc.mode), func(t *testing.T) {
			t.Parallel()
			res := childproc.Finish(t, signals.BrokenPipe, childproc.Args(strconv.Itoa(tc.fd), tc.mode))
			if tc.killed {
				require.Equal(t, syscall.SIGPIPE, res.Signal, "%s; %q", res.Status(), res.Events)
				require.Empty(t, res.Events, "Write never returned")
				t.Logf("write to fd %d with no reader: %s", tc.fd, res.Status())
				return
			}
			require.Equal(t, 0, res.ExitCode, "%s; %q", res.Status(), res.Events)
			require.Equal(t, fmt.Sprintf("write returned write fd%d: broken pipe", tc.fd), res.Events[0])
			if tc.mode == "notify" {
				require.Equal(t, "channel got broken pipe", res.LastEvent())
			}
			t.Logf("write to fd %d with no reader, SIGPIPE %s: %q, %s", tc.fd, tc.mode, res.Events, res.Status())
		})
	}
}

// TestInheritedIgnoreInGo shows what a Go program does with signals it
// inherits as ignored: its runtime installs its own handler for SIGTERM
// anyway, but leaves SIGHUP and SIGINT ignored
// ($GOROOT/src/runtime/signal_unix.go, sigInstallGoHandler).
func TestInheritedIgnoreInGo(t *testing.T) {
	t.Parallel()
	p, feed := proofs.StartReporting(t, signals.IgnoringParent)
	kid := proofs.PIDIn(t, proofs.AwaitReport(t, p, feed, "idle pid="))
	caught, ignored := procfs.Signals(kid, procfs.Caught), procfs.Signals(kid, procfs.Ignored)
	p.Kill(t)
	require.True(t, caught.Has(syscall.SIGTERM), "SIGTERM is caught by the Go runtime")
	require.False(t, ignored.Has(syscall.SIGTERM))
	require.True(t, ignored.Has(syscall.SIGINT), "SIGINT stays ignored")
	require.True(t, ignored.Has(syscall.SIGHUP), "SIGHUP stays ignored")
	t.Logf("a Go child of a parent ignoring SIGTERM, SIGINT and SIGHUP: SIGTERM caught; SIGINT and SIGHUP still ignored")
}

// TestWaitDelayKillsOnlyTheChild shows the limit of WaitDelay: its SIGKILL
// goes to the child's pid (os.Process.Kill), so the child's own children
// live on, re-parented.
func TestWaitDelayKillsOnlyTheChild(t *testing.T) {
	t.Parallel()
	p, feed, kid := proofs.StartCancelled(t, signals.WaitDelayKill.Fixed, childproc.Args("spawn-sleeper"),
		childproc.Timeout(childproc.FinishBound))
	sleeper := proofs.PIDIn(t, proofs.AwaitReport(t, p, feed, "sleeper pid="))
	proofs.EndOrphan(t, p, sleeper)
	res := p.Wait(t)
	require.Equal(t, "run returned signal: killed", res.LastEvent())
	require.False(t, procfs.Alive(kid), "the child was killed and reaped")
	require.True(t, procfs.Alive(sleeper), "its own child was not killed")
	require.False(t, procfs.IsPending(sleeper, syscall.SIGKILL), "nor is it about to be")
	parent := procfs.Parent(sleeper)
	require.Equal(t, os.Getpid(), parent, "re-parented to the test, the nearest subreaper")
	childproc.ReapOrphan(t, sleeper)
	t.Logf("WaitDelay killed child %d; its child %d (sleep) was still running, re-parented to %d", kid, sleeper, parent)
}

// TestNotPID1 is TestPID1's contrast: the same code, not PID 1, is killed
// by SIGTERM, its default action, with no exit status of its own. A shell
// shows 143 for both from Go 1.27 on; the wait status tells them apart.
func TestNotPID1(t *testing.T) {
	t.Parallel()
	proofs.KilledBy(syscall.SIGTERM)(t, signals.PID1.Broken)
}

// TestCgoHandlerVariants shows why the fix needs Ignore before Notify, and
// what 000 §7 means by a cgo program that ignores SIGINT: with the C
// library's handler in place, SIGINT neither reaches Go nor ends the
// process, and a Notify after the library started changes nothing.
func TestCgoHandlerVariants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, mode string }{
		{"with no Notify the C handler alone hears SIGINT", "no-notify"},
		{"a Notify after the library started changes nothing", "notify-after"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := proofs.Interrupt(t, signals.CgoVariant, childproc.Args(tc.mode))
			require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
			require.Equal(t, []string{`C library logged "C handler ran"`, "Go channel got nothing"}, res.Events)
			t.Logf("C library loaded, %s, SIGINT: %q; the process survived (%s)", tc.mode, res.Events, res.Status())
		})
	}
}

// TestFixedCodeIsSafeToCopy drives every fixed method that starts or
// stops a process, or holds a file, through its error paths, each in a
// child of its own, and finds nothing left behind: each waits for the
// processes it started or was given, or hands them on, and closes what
// it opened. The control path must be caught: code that
// starts a child and never waits.
func TestFixedCodeIsSafeToCopy(t *testing.T) {
	t.Parallel()
	for _, path := range signals.ErrorPathNames() {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			res := childproc.Finish(t, signals.ErrorPaths, childproc.Args(path))
			require.Equal(t, 0, res.ExitCode, res.Stderr)
			leak, ok := strings.CutPrefix(res.LastEvent(), path+": ")
			require.True(t, ok, "%q", res.Events)
			if path == signals.ControlPath {
				require.True(t, strings.HasPrefix(leak, "1 running child"), "the audit catches a child never waited for: %s", leak)
			} else {
				require.Equal(t, "nothing left behind", leak)
			}
			t.Logf("%s: %s", path, leak)
		})
	}
}
