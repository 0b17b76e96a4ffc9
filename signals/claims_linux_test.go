package signals

import (
	"bufio"
	"context"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
)

// plain is a Go program that does nothing with signals.
var plain = childproc.Register("signals/plain", func([]string) int {
	childproc.Ready()
	blockForever()
	return 0
})

// TestRuntimeCatchesAlmostEverySignal reads SigCgt of a Go program that
// does nothing with signals (000 §7: "Go's runtime installs handlers for
// almost every signal"). The ones left out are those the kernel will not
// let anyone catch, and those the runtime's table leaves alone
// ($GOROOT/src/runtime/sigtab_linux_generic.go).
func TestRuntimeCatchesAlmostEverySignal(t *testing.T) {
	leftOut := map[syscall.Signal]string{
		syscall.SIGKILL: "cannot be caught", syscall.SIGSTOP: "cannot be caught",
		syscall.SIGCONT: "_SigDefault", syscall.SIGTSTP: "_SigDefault",
		syscall.SIGTTIN: "_SigDefault", syscall.SIGTTOU: "_SigDefault",
		32: "_SigSetStack (the C library's)", 33: "_SigSetStack (the C library's)",
		34: "sigPerThreadSyscall, left to the C library under cgo",
	}
	p := childproc.Start(t, plain)
	p.WaitReady(t)
	caught := sigMask(p.Pid, "SigCgt")
	var missing []string
	n := 0
	for s := syscall.Signal(1); s <= 64; s++ {
		if has(caught, s) {
			n++
			continue
		}
		missing = append(missing, fmt.Sprint(int(s)))
		_, expected := leftOut[s]
		assert.True(t, expected, "signal %d (%s) is not caught", s, childproc.SignalName(s))
	}
	assert.False(t, has(caught, syscall.SIGKILL))
	assert.False(t, has(caught, syscall.SIGSTOP))
	assert.GreaterOrEqual(t, n, 64-len(leftOut))
	p.Kill(t)
	t.Logf("a plain Go program catches %d of 64 signals; not caught: %s", n, strings.Join(missing, ", "))
}

// fault makes the Go runtime meet a fault: a nil dereference or an integer
// division by zero.
var fault = childproc.Register("signals/fault", func(args []string) int {
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

// TestRuntimeFaults checks 000 §7 and 001 Q27 on "runtime-generated
// SIGSEGV/SIGBUS/SIGFPE": a nil dereference is a SIGSEGV the runtime turns
// into a panic, but an integer division by zero raises no signal at all:
// the compiler checks the divisor and calls runtime.panicdivide.
func TestRuntimeFaults(t *testing.T) {
	nilRes := childproc.Run(t, fault, childproc.Args("nil"))
	divRes := childproc.Run(t, fault, childproc.Args("divide"))
	assert.Equal(t, 2, nilRes.ExitCode)
	assert.Contains(t, nilRes.Stderr, "[signal SIGSEGV: segmentation violation")
	assert.Equal(t, 2, divRes.ExitCode)
	assert.Contains(t, divRes.Stderr, "runtime error: integer divide by zero")
	assert.NotContains(t, divRes.Stderr, "[signal", "no signal was involved")
	t.Logf("nil dereference: %q; divide by zero (%s): %q, no signal", firstLine(nilRes.Stderr, "[signal"),
		runtime.GOARCH, firstLine(divRes.Stderr, "panic:"))
}

func firstLine(s, prefix string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), prefix) {
			return sc.Text()
		}
	}
	return ""
}

// TestSignalDocs checks two claims of 000 §7 against Go's own source:
// runtime/cgo exports no signal controls (signal.Stop is in os/signal,
// SetTraceback in runtime/debug), and the os/signal docs have a section
// "Go programs that use cgo or SWIG".
func TestSignalDocs(t *testing.T) {
	cgoPkg, err := build.Default.Import("runtime/cgo", "", build.FindOnly)
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join(cgoPkg.Dir, "*.go"))
	require.NoError(t, err)
	var exported []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range af.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() && d.Recv == nil {
					exported = append(exported, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.IsExported() {
						exported = append(exported, ts.Name.Name)
					}
				}
			}
		}
	}
	require.NotEmpty(t, exported)
	for _, name := range exported {
		assert.NotContains(t, name, "Signal")
		assert.NotEqual(t, "Stop", name)
		assert.NotEqual(t, "SetTraceback", name)
	}
	sigPkg, err := build.Default.Import("os/signal", "", build.FindOnly)
	require.NoError(t, err)
	doc, err := os.ReadFile(filepath.Join(sigPkg.Dir, "doc.go"))
	require.NoError(t, err)
	assert.Contains(t, string(doc), "\n# Go programs that use cgo or SWIG\n")
	t.Logf("runtime/cgo exports only %v; os/signal/doc.go has the section \"Go programs that use cgo or SWIG\"", exported)
}

// oneSlot receives three different signals, sent close together, into a
// channel with one slot, as 000 §8 recommends; and a NotifyContext.
var oneSlot = childproc.Register("signals/one-slot", func(args []string) int {
	sigs := []os.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM}
	if args[0] == "notify-context" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGUSR1)
		defer stop()
		syscall.Kill(os.Getpid(), syscall.SIGUSR1) // before anyone waits on Done
		<-ctx.Done()
		childproc.Emitf("context: %v", context.Cause(ctx))
		return 0
	}
	c := Fixed{}.NotifyChannel(sigs...)
	witness := make(chan os.Signal, len(sigs))
	signal.Notify(witness, sigs...)
	for _, s := range sigs {
		syscall.Kill(os.Getpid(), s.(syscall.Signal))
	}
	for range sigs {
		<-witness
	}
	signal.Notify(witness, sigs...) // process() has made every offer
	var got []string
	for len(c) > 0 {
		got = append(got, (<-c).String())
	}
	childproc.Emitf("kept %d of %d: %s", len(got), len(sigs), strings.Join(got, ", "))
	return 0
})

// TestOneSlotHoldsOneSignal checks 000 §8: a buffer of one is enough for a
// wake-up, not to learn which signals came; and NotifyContext needs no
// buffer of yours.
func TestOneSlotHoldsOneSignal(t *testing.T) {
	t.Run("three signals while nobody receives leave one", func(t *testing.T) {
		res := childproc.Run(t, oneSlot, childproc.Args("channel"))
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		assert.True(t, strings.HasPrefix(res.LastEvent(), "kept 1 of 3: "), res.LastEvent())
		t.Logf("SIGHUP, SIGINT and SIGTERM into a one-slot channel nobody was reading: %s", res.LastEvent())
	})
	t.Run("NotifyContext keeps a signal sent before anyone waits", func(t *testing.T) {
		res := childproc.Run(t, oneSlot, childproc.Args("notify-context"))
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		assert.Equal(t, "context: user defined signal 1 signal received", res.LastEvent())
		t.Logf("SIGUSR1 sent before <-ctx.Done(): %s", res.LastEvent())
	})
}

// cThreadRead blocks a locked thread in read(2) inside C and then, when
// the test says so (SIGUSR2), sends that very thread SIGUSR1 (tgkill).
var cThreadRead = childproc.Register("signals/c-read", func([]string) int {
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	goAhead := make(chan os.Signal, 1)
	signal.Notify(goAhead, syscall.SIGUSR2)
	r, w, err := os.Pipe()
	if err != nil {
		return fail(err)
	}
	tid := make(chan int)
	result := make(chan string, 1)
	go func() {
		runtime.LockOSThread()
		tid <- syscall.Gettid()
		n, err := cRead(int(r.Fd()))
		result <- fmt.Sprintf("C read returned %d, error %v", n, err)
	}()
	t := <-tid
	childproc.Emitf("reader tid=%d", t)
	<-goAhead
	syscall.Tgkill(os.Getpid(), t, syscall.SIGUSR1)
	childproc.Emitf("Go channel got %v", <-usr1)
	select {
	case r := <-result:
		childproc.Emitf("%s before any data", r)
		return 0
	default:
	}
	w.Write([]byte{'x'})
	childproc.Emit(<-result)
	return 0
})

// TestSignalToThreadInC checks 000 §7 and 001 Q27, "a signal that's expected
// to interrupt a syscall may be queued instead": a SIGUSR1 sent to the very
// thread blocked in read(2) inside C reaches Go's channel at once, and the
// read is not interrupted either: Go installs its handlers with SA_RESTART
// ($GOROOT/src/runtime/os_linux.go, setsig), so the kernel restarts it.
func TestSignalToThreadInC(t *testing.T) {
	if !haveCgo {
		childproc.SkipWith(t, "needs cgo (CGO_ENABLED=1 and a C compiler): the read is in C code", cThreadRead)
	}
	p := childproc.Start(t, cThreadRead)
	tid := 0
	fmt.Sscanf(p.Await(t, "reader tid="), "reader tid=%d", &tid)
	wchan := fmt.Sprintf("/proc/%d/task/%d/wchan", p.Pid, tid)
	childproc.Poll(t, childproc.DefaultTimeout, "the C thread blocks in read", func() bool {
		b, _ := os.ReadFile(wchan)
		return strings.Contains(string(b), "pipe_read")
	})
	p.Signal(t, syscall.SIGUSR2)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, []string{fmt.Sprintf("reader tid=%d", tid), "Go channel got user defined signal 1",
		"C read returned 1, error <nil>"}, res.Events)
	t.Logf("SIGUSR1 to thread %d blocked in C read(2): %q", tid, res.Events[1:])
}

// TestClaimsNameRealTests keeps the claim records honest: each names a
// test function of this package that exists, and only NOT TESTED claims
// name none.
func TestClaimsNameRealTests(t *testing.T) {
	tests := map[string]bool{}
	files, err := filepath.Glob("*_test.go")
	require.NoError(t, err)
	for _, f := range files {
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range af.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && strings.HasPrefix(fn.Name.Name, "Test") {
				tests["signals."+fn.Name.Name] = true
			}
		}
	}
	for _, c := range claims {
		if c.Verdict == "NOT TESTED" {
			assert.Empty(t, c.Test, c.ID)
			continue
		}
		assert.True(t, tests[c.Test], "%s names %q, which is not a test here", c.ID, c.Test)
	}
	t.Logf("%d claims, each naming one of the package's %d tests or none when not tested", len(claims), len(tests))
}
