//go:build linux

package zombies

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"procbugs/helpers/role"
)

// Roles for the source texts' claims about exec.Cmd that no entry covers.
// Each runs the claim in a child process; claims_test.go watches it.

// MissingProgram is a name no PATH holds.
const MissingProgram = "zombies-no-such-program"

// Lifecycle walks one exec.Cmd through its life (000 §9) and reports what
// each step returned.
var Lifecycle = lesson.Role("claim/lifecycle", func([]string) int {
	sh := exec.Command("sh")
	role.Emitf("Command(sh): Path=%s Err=%v", sh.Path, sh.Err)
	missing := exec.Command(MissingProgram)
	role.Emitf("Command(missing): Err=%v", missing.Err)

	cmd := role.Command(exitWith, "0")
	role.Emitf("before Start: Process=%v ProcessState=%v", cmd.Process != nil, cmd.ProcessState != nil)
	if err := cmd.Start(); err != nil {
		return fail("start", err)
	}
	role.Emitf("after Start: Process=%v ProcessState=%v", cmd.Process != nil, cmd.ProcessState != nil)
	role.Emitf("Start again: %v", cmd.Start())
	role.Emitf("Wait: %v", cmd.Wait())
	role.Emitf("after Wait: Process=%v ProcessState=%v", cmd.Process != nil, cmd.ProcessState)
	role.Emitf("Wait again: %v", cmd.Wait())
	role.Emitf("Run after Wait: %v", cmd.Run())
	return 0
})

// Stdio starts two holders, the first with a file as its stdout, the
// second with a bytes.Buffer; it reports how many goroutines each Start
// added, and waits, so that the test can see where each holder's stdout
// goes.
var Stdio = lesson.Role("claim/stdio", func([]string) int {
	f, err := os.CreateTemp("", "zombies-stdout-")
	if err != nil {
		return fail("temp file", err)
	}
	os.Remove(f.Name()) // unlinked at once: nothing is left on disk
	role.Emit("file " + f.Name())
	for _, c := range []struct {
		kind   string
		stdout io.Writer
	}{{"file", f}, {"buffer", new(bytes.Buffer)}} {
		cmd := role.Command(holder)
		cmd.Stdout = c.stdout
		before := runtime.NumGoroutine()
		if err := cmd.Start(); err != nil {
			return fail("start", err)
		}
		role.Emitf("%s: goroutines added by Start: %d", c.kind, runtime.NumGoroutine()-before)
		role.EmitPID(c.kind+" holder", cmd.Process.Pid)
	}
	role.Ready()
	role.BlockForever()
	return 0
})

// WaitDelay is the delay the WaitDelay cases set. Its length is not what
// they show, only that Wait returns once it has passed: any positive
// delay would do, and a short one keeps the tests quick.
const WaitDelay = 10 * time.Millisecond

// LongWaitDelay bounds Wait, but by far more than any test lasts: the
// bounded variants of the cases that never return, against which the
// proofs that Wait has no bound must fail (the negative controls).
const LongWaitDelay = time.Hour

// WaitDelayCase runs the WaitDelay cases of 000 §9, §15 and 001 Q14. Its
// argument names them:
//
//	pipe-held     no context and no WaitDelay; the child exits, and its
//	              orphan holds stdout: Run never returns
//	term-ignored  a context whose Cancel sends SIGTERM, which the child
//	              ignores, and no WaitDelay: Wait never returns
//	returns       three cases that return, one after the other: the
//	              default Cancel, Process.Kill, with no WaitDelay; the
//	              ignored SIGTERM Cancel with WaitDelay; the orphan holding
//	              the pipe with WaitDelay. Then the Go release that built
//	              this program, from its build information.
//
// pipe-held-bounded and term-ignored-bounded are the first two with
// LongWaitDelay: bounded waits that do not end while a test looks.
var WaitDelayCase = lesson.Role("claim/waitdelay", func(args []string) int {
	switch args[0] {
	case "pipe-held", "pipe-held-bounded":
		role.Ready()
		role.Emit(pipeHeld(boundIf(args[0] == "pipe-held-bounded")))
	case "term-ignored", "term-ignored-bounded":
		role.Emit(cancelled(true, boundIf(args[0] == "term-ignored-bounded"), true))
	case "returns":
		role.Emit("default Cancel, no WaitDelay: " + cancelled(false, 0, false))
		role.Emit("SIGTERM Cancel ignored, WaitDelay: " + cancelled(true, WaitDelay, false))
		role.Emit("orphan holds the pipe, WaitDelay: " + pipeHeld(WaitDelay))
		info, ok := debug.ReadBuildInfo()
		if !ok {
			return fail("build info", errors.New("none in this program"))
		}
		role.Emit("built by " + info.GoVersion)
	}
	return 0
})

// boundIf is LongWaitDelay if bounded, and else no WaitDelay.
func boundIf(bounded bool) time.Duration {
	if bounded {
		return LongWaitDelay
	}
	return 0
}

// pipeHeld runs a spawner, whose orphan holds its stdout pipe, and says
// how Run returned.
func pipeHeld(delay time.Duration) string {
	role.Command(holder) // the spawner starts it, out of the control pipe's reach
	cmd := role.Command(spawner)
	cmd.Stdout = new(bytes.Buffer)
	cmd.WaitDelay = delay
	err := cmd.Run()
	return fmt.Sprintf("Run: %v; ErrWaitDelay: %t", err, errors.Is(err, exec.ErrWaitDelay))
}

// cancelled starts an ignorer with a context, cancels the context once
// the ignorer is ready, and says how Wait returned. With announce, it
// reports the ignorer's pid and that it is about to Wait.
func cancelled(termCancel bool, delay time.Duration, announce bool) string {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := withContext(ctx, role.Command(ignorer))
	if termCancel {
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	}
	cmd.WaitDelay = delay
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "error: stdout pipe: " + err.Error()
	}
	if err := cmd.Start(); err != nil {
		return "error: start: " + err.Error()
	}
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return "error: ignorer: " + err.Error()
	}
	if announce {
		role.EmitPID("ignorer", cmd.Process.Pid)
		role.Ready()
	}
	cancel()
	err = cmd.Wait()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	return fmt.Sprintf("Wait: %v; killed by %s", err, unix.SignalName(ws.Signal()))
}

// cancelWhenReady runs a service with RunGracefully and cancels its
// context once the service says it is ready. Its stdin is this process's,
// /dev/null, so it exits as soon as it has said so: the cancel comes
// before or after its exit, and either must leave nothing behind.
func cancelWhenReady(f Fixed) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	plain, stdout, err := serviceCommand()
	if err != nil {
		return
	}
	defer stdout.Close()
	defer plain.Stdout.(*os.File).Close()
	cmd := withContext(ctx, plain)
	cmd.Stdin, cmd.Stdout = plain.Stdin, plain.Stdout
	go func() {
		awaitReady(stdout)
		cancel()
	}()
	f.RunGracefully(cmd)
}

// ErrorPaths drives each fixed method that starts a process through its
// failures, under role.Audit, and reports what each left behind in this
// process. Its argument names a group: "cmd" (Launch, StartChild,
// WaitChild, RunChild, StartService, RunGracefully, RunForwarding, Alive),
// "supervise" (Supervise, Restart) or "init". The "cmd" group ends with
// the control, code that starts a child and never waits for it, which the
// audit must catch.
var ErrorPaths = lesson.Role("error-paths", func(args []string) int {
	f := Fixed{}
	missing := func() *exec.Cmd { return exec.Command("/nonexistent/program") }
	audit := func(name string, call func()) { role.Emitf("%s: %v", name, role.Audit(call)) }
	log.SetOutput(io.Discard) // Supervise and Init log what they saw; only the audits matter here
	switch args[0] {
	case "cmd":
		audit("Launch, program missing", func() { f.Launch(missing()) })
		audit("StartChild, program missing", func() { f.StartChild(missing()) })
		audit("WaitChild, never started", func() { f.WaitChild(missing()) })
		audit("RunChild, program missing", func() { f.RunChild(missing()) })
		audit("RunChild, child fails", func() { f.RunChild(role.Command(exitWith, "3")) })
		audit("StartService, program missing", func() { f.StartService(missing()) })
		audit("StartService, then stop", func() {
			if stop, err := f.StartService(role.Command(exitWith, "3")); err == nil {
				stop()
			}
		})
		audit("RunGracefully, program missing", func() { f.RunGracefully(withContext(context.Background(), missing())) })
		audit("RunGracefully, child fails", func() { f.RunGracefully(withContext(context.Background(), role.Command(exitWith, "3"))) })
		audit("RunGracefully, context done while it runs", func() { cancelWhenReady(f) })
		audit("RunForwarding, program missing", func() { f.RunForwarding(missing(), func() {}) })
		audit("RunForwarding, child fails", func() { f.RunForwarding(role.Command(exitWith, "3"), func() {}) })
		h := role.Command(holder)
		if err := h.Start(); err != nil {
			return fail("holder", err)
		}
		audit("Alive, a running process", func() { f.Alive(h.Process.Pid) })
		h.Process.Kill()
		h.Wait()
		audit("Alive, a process reaped", func() { f.Alive(h.Process.Pid) })
		forgotten := role.Command(exitWith, "0")
		role.Emitf("control, Start without Wait: %v", role.Audit(func() { forgotten.Start() }))
		forgotten.Wait()
	case "supervise":
		supervise := func(newCmd func() *exec.Cmd) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			runs := 0
			f.Supervise(ctx, func(context.Context) *exec.Cmd {
				if runs++; runs > 2 {
					cancel()
				}
				return newCmd()
			}, Backoff{Initial: time.Microsecond, Max: time.Microsecond})
		}
		audit("Supervise, program missing", func() { supervise(missing) })
		audit("Supervise, child crashes", func() { supervise(func() *exec.Cmd { return role.Command(exitWith, "1") }) })
		audit("Restart, program missing", func() { f.Restart(missing, 2) })
		audit("Restart, worker crashes", func() { f.Restart(func() *exec.Cmd { return role.Command(exitWith, "1") }, 2) })
	case "init":
		audit("Init, app missing", func() { f.Init(missing()) })
		audit("Init, app fails", func() { f.Init(role.Command(exitWith, "3")) })
		audit("Init, app killed", func() { f.Init(role.Command(app, "kill")) })
	}
	return 0
})
