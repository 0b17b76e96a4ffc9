//go:build unix

package signals

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"procbugs/helpers/role"
)

// Roles for the source texts' claims about signals that no entry covers.
// Each runs the claim in a child process; claims_test.go watches it.

// Plain is a Go program that does nothing with signals (C054).
var Plain = lesson.Role("claim/plain", func([]string) int {
	role.Ready()
	role.BlockForever()
	return 0
})

// Fault makes the Go runtime meet a fault (C059): "nil" dereferences a
// nil pointer, "divide" divides an integer by zero.
var Fault = lesson.Role("claim/fault", func(args []string) int {
	var p *int
	zero := len(args) - 1 // 0, but not a constant the compiler could see
	switch args[0] {
	case "nil":
		return *p
	case "divide":
		return 1 / zero
	}
	return 0
})

// OneSlot (C063, C064): with "channel", three different signals sent while
// nobody receives, into the one-slot channel of fixed.go; with
// "notify-context", a signal sent before anyone waits on ctx.Done().
var OneSlot = lesson.Role("claim/one-slot", func(args []string) int {
	if args[0] == "notify-context" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGUSR1)
		defer stop()
		if err := raise(syscall.SIGUSR1); err != nil { // before anyone waits on Done
			return fail(err)
		}
		<-ctx.Done()
		role.Emitf("context: %v", context.Cause(ctx))
		return 0
	}
	sigs := []syscall.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM}
	var asked []os.Signal
	for _, s := range sigs {
		asked = append(asked, s)
	}
	c := Fixed{}.NotifyChannel(asked...)
	witness := make(chan os.Signal, len(sigs))
	signal.Notify(witness, asked...)
	for _, s := range sigs {
		if err := raise(s); err != nil {
			return fail(err)
		}
	}
	for range sigs {
		<-witness
	}
	signal.Notify(witness, asked...) // returns once every channel has had its offer
	var got []string
	for len(c) > 0 {
		got = append(got, (<-c).String())
	}
	role.Emitf("kept %d of %d: %s", len(got), len(sigs), strings.Join(got, ", "))
	return 0
})

// StopReset shows the rest of what Stop and Reset do (C111): with
// "two-channels", Stop(a) leaves b receiving; with "reset" and
// "stop-usr1", the child waits to be signalled.
var StopReset = lesson.Role("claim/stop-reset", func(args []string) int {
	switch args[0] {
	case "two-channels":
		a, b := make(chan os.Signal, 1), make(chan os.Signal, 1)
		signal.Notify(a, syscall.SIGHUP)
		signal.Notify(b, syscall.SIGHUP)
		signal.Stop(a)
		if err := raise(syscall.SIGHUP); err != nil {
			return fail(err)
		}
		role.Emitf("b got %v", <-b)
		signal.Notify(b, syscall.SIGHUP) // returns once every channel has had its offer
		select {
		case s := <-a:
			role.Emitf("a got %v", s)
		default:
			role.Emit("a got nothing")
		}
		return 0
	case "reset":
		signal.Notify(make(chan os.Signal, 1), syscall.SIGHUP)
		signal.Reset(syscall.SIGHUP)
	case "stop-usr1":
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGUSR1)
		signal.Stop(c)
	}
	role.Ready()
	role.BlockForever()
	return 0
})

// Section13 runs 000 §13's supervisor, Broken.Supervise, over a listener
// for HUP, CHLD and TERM (C076, C077). With "forward-sigchld" it runs the
// same code without the line that skips SIGCHLD, to test the reason §13
// gives for that line.
var Section13 = lesson.Role("claim/section13", func(args []string) int {
	cmd := role.Command(Listener, "HUP", "CHLD", "TERM")
	reportTo(cmd)
	run := Broken{}.Supervise
	if len(args) > 0 && args[0] == "forward-sigchld" {
		run = superviseForwardingSIGCHLD
	}
	code, err := run(cmd)
	if err != nil {
		return fail(err)
	}
	role.Emitf("child exited %d", code)
	return 0
})

// superviseForwardingSIGCHLD is Broken.Supervise without its
// `if s == syscall.SIGCHLD { continue }`.
func superviseForwardingSIGCHLD(cmd *exec.Cmd) (int, error) {
	cmd.Stdin = os.Stdin
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return -1, err
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs)
	defer stopForwarding(sigs)
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	return 0, err
}

// Wrapper runs a shell args[0] with the script args[1], in which App
// stands for the listener (C105, C106).
var Wrapper = lesson.Role("claim/wrapper", func(args []string) int {
	return becomeShell(args[0], args[1])
})

// BrokenPipe writes once to descriptor args[0], whose reader has gone,
// with SIGPIPE as args[1] says: "default", "notify" or "ignore" (C104). A
// descriptor other than 0, 1 and 2 is taken high (100), clear of those
// the runtime opens.
var BrokenPipe = lesson.Role("claim/broken-pipe", func(args []string) int {
	fd, _ := strconv.Atoi(args[0])
	c := make(chan os.Signal, 1)
	switch args[1] {
	case "notify":
		signal.Notify(c, syscall.SIGPIPE)
	case "ignore":
		signal.Ignore(syscall.SIGPIPE)
	}
	if err := brokenPipeOn(fd); err != nil {
		return fail(err)
	}
	f := os.NewFile(uintptr(fd), fmt.Sprintf("fd%d", fd))
	_, err := f.Write([]byte("x\n"))
	role.Emitf("write returned %v", err)
	if args[1] == "notify" {
		role.Emitf("channel got %v", <-c)
	}
	return 0
})

// IgnoringParent ignores SIGTERM, SIGINT and SIGHUP and starts a Go program, to
// see what a Go program does with what it inherits (C112).
var IgnoringParent = lesson.Role("claim/ignoring-parent", func([]string) int {
	signal.Ignore(syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	cmd := role.Command(idle)
	reportTo(cmd)
	if err := cmd.Start(); err != nil {
		return fail(err)
	}
	role.BlockForever() // the proof ends this child, and its group with it
	return 0
})

// CgoVariant loads the C library and then, with "notify-after", calls
// signal.Notify alone; with "no-notify", nothing: the library's handler
// is all there is (C057, C058). It reports what heard the SIGINT.
var CgoVariant = lesson.Role("claim/cgo-variant", func(args []string) int {
	if !haveCgo {
		return fail(errors.New("built without cgo or the cgochild tag: the C library is missing"))
	}
	logR, logW, err := os.Pipe()
	if err != nil {
		return fail(err)
	}
	cLibrary(int(logW.Fd()))()
	interrupts := make(chan os.Signal, 1)
	if args[0] == "notify-after" {
		signal.Notify(interrupts, os.Interrupt)
	}
	role.Ready()
	sc := bufio.NewScanner(logR)
	sc.Scan()
	role.Emitf("C library logged %q", sc.Text())
	select {
	case s := <-interrupts:
		role.Emitf("Go channel got %v", s)
	default:
		role.Emit("Go channel got nothing")
	}
	return 0
}, role.NeedsCgo)

// ControlPath is the error path that the audit must catch: code that
// starts a child and never waits for it.
const ControlPath = "control, Start without Wait"

// errorPaths drive each fixed method that starts or stops a process, or
// holds a file, through its failures, under role.Audit, and return what
// each left behind.
var errorPaths = map[string]func() role.Leak{
	"Supervise, program missing": func() role.Leak {
		return role.Audit(func() { Fixed{}.Supervise(missing()) })
	},
	"Supervise, child fails": func() role.Leak {
		return role.Audit(func() { Fixed{}.Supervise(role.Command(failer)) })
	},
	"RunChild, program missing": func() role.Leak {
		return role.Audit(func() { Fixed{}.RunChild(missing()) })
	},
	"RunChild, child fails": func() role.Leak {
		return role.Audit(func() { Fixed{}.RunChild(role.Command(failer)) })
	},
	"StartWhileShielded, program missing": func() role.Leak {
		return role.Audit(func() {
			unshield, _ := Fixed{}.StartWhileShielded(missing())
			unshield()
		})
	},
	"StartWhileShielded, child fails and the caller waits": func() role.Leak {
		return role.Audit(func() {
			cmd := role.Command(failer)
			unshield, err := Fixed{}.StartWhileShielded(cmd)
			if err == nil {
				cmd.Wait()
			}
			unshield()
		})
	},
	"RunWithTimeout, program missing": func() role.Leak {
		return role.Audit(func() {
			Fixed{}.RunWithTimeout(exec.CommandContext(context.Background(), "/nonexistent/program"))
		})
	},
	"RunWithTimeout, child fails": func() role.Leak {
		return role.Audit(func() {
			cmd := role.Command(failer)
			Fixed{}.RunWithTimeout(exec.CommandContext(context.Background(), cmd.Path, cmd.Args[1:]...))
		})
	},
	"RunWithTimeout, cancelled, child ignores SIGTERM": func() role.Leak { return role.Audit(runDeafCancelled) },
	"StopGracefully, child fails at once": func() role.Leak {
		return role.Audit(func() {
			cmd := role.Command(failer)
			if cmd.Start() == nil {
				Fixed{}.StopGracefully(context.Background(), cmd)
			}
		})
	},
	"StopGracefully, child ignores SIGTERM, grace over": func() role.Leak { return role.Audit(stopDeafGraceOver) },
	"RunLocked, lock file held already": func() role.Leak {
		dir, err := os.MkdirTemp("", "signals-lock-")
		if err != nil {
			panic(err) // no path to drive: the test sees the panic
		}
		defer os.RemoveAll(dir)
		lock := filepath.Join(dir, LockFile)
		if err := os.WriteFile(lock, nil, 0o644); err != nil {
			panic(err)
		}
		return role.Audit(func() { Fixed{}.RunLocked(lock, func(<-chan os.Signal) {}) })
	},
	ControlPath: func() role.Leak {
		forgotten := role.Command(deaf) // runs until killed: never a zombie before the audit looks
		l := role.Audit(func() { forgotten.Start() })
		if forgotten.Process != nil { // the audit has looked: now end it here
			forgotten.Process.Kill()
			forgotten.Wait()
		}
		return l
	},
}

// stopDeafGraceOver stops gracefully, with Fixed.StopGracefully, a child
// that ignores SIGTERM, once it is ready, with a grace period that is
// already over: the path on which it kills the child.
func stopDeafGraceOver() {
	cmd := role.Command(deaf)
	out, err := cmd.StdoutPipe()
	if err != nil || cmd.Start() != nil {
		return
	}
	bufio.NewScanner(out).Scan() // "ready", or EOF if it died
	over, cancel := context.WithCancel(context.Background())
	cancel()
	Fixed{}.StopGracefully(over, cmd)
}

func missing() *exec.Cmd { return exec.Command("/nonexistent/program") }

// ErrorPathNames lists the error paths, sorted, ControlPath among them.
func ErrorPathNames() []string { return slices.Sorted(maps.Keys(errorPaths)) }

// ErrorPaths drives one error path, args[0], and reports what it left
// behind in this process.
var ErrorPaths = lesson.Role("error-paths", func(args []string) int {
	path, ok := errorPaths[args[0]]
	if !ok {
		return fail(fmt.Errorf("no error path %q", args[0]))
	}
	role.Emitf("%s: %v", args[0], path())
	return 0
})

// runDeafCancelled runs, with Fixed.RunWithTimeout, a child that ignores
// SIGTERM, and cancels its context once the child says it is ready: the
// path on which WaitDelay kills it.
func runDeafCancelled() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, w, err := os.Pipe()
	if err != nil {
		return
	}
	defer r.Close()
	defer w.Close()
	base := role.Command(deaf)
	cmd := exec.CommandContext(ctx, base.Path, base.Args[1:]...)
	cmd.Env = base.Env
	cmd.Stdout = w
	go func() {
		bufio.NewScanner(r).Scan() // "ready", or EOF if it never started
		cancel()
	}()
	Fixed{}.RunWithTimeout(cmd)
}
