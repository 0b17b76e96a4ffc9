package signals

import (
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

var forwardNothingBroken, forwardNothingFixed = pair("signals/forward-nothing", func(c code, _ []string) int {
	cmd := childproc.Command(listener, "TERM")
	flush, err := relay(cmd)
	if err != nil {
		return fail(err)
	}
	code, err := c.RunChild(cmd)
	flush()
	if err != nil {
		return fail(err)
	}
	childproc.Emitf("child exited %d", code)
	return 0
})

// preemptions is how many times the supervisor's runtime must have
// preempted its busy goroutine, with SIGURG, while its child listens.
const preemptions = 2

// The supervisor keeps a goroutine busy, so that the runtime preempts
// them with SIGURG. A witness channel counts those SIGURGs; once the test
// has seen the listener ready and opened the gate (a line on stdin), the
// child waits for preemptions more of them and says so.
var forwardEveryBroken, forwardEveryFixed = pair("signals/forward-every-signal", func(c code, _ []string) int {
	witness := make(chan os.Signal, 64)
	signal.Notify(witness, syscall.SIGURG)
	var stop atomic.Bool
	go func() { // one busy goroutine; the other P is free for the rest
		for !stop.Load() {
		}
	}()
	cmd := childproc.Command(listener, "TERM", "URG")
	flush, err := relay(cmd)
	if err != nil {
		return fail(err)
	}
	// The listener's own runtime must not preempt itself, or it could count
	// its own SIGURGs: with asyncpreemptoff it never sends one (preemptone
	// in $GOROOT/src/runtime/proc.go), so every SIGURG it counts was sent to it.
	cmd.Env = append(cmd.Env, "GODEBUG=asyncpreemptoff=1")
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := c.Supervise(cmd)
		done <- result{code, err}
	}()
	os.Stdin.Read(make([]byte, 1)) // the gate: the listener is ready
	for len(witness) > 0 {
		<-witness
	}
	for range preemptions {
		<-witness
	}
	childproc.Emitf("supervisor preempted %d times", preemptions)
	r := <-done
	stop.Store(true)
	flush()
	if r.err != nil {
		return fail(r.err)
	}
	childproc.Emitf("child exited %d", r.code)
	return 0
})

// ForwardNothing is the supervisor whose child never hears SIGTERM.
var ForwardNothing = catalog.Entry{
	ID:    "signals/forward-nothing",
	Title: "A supervisor that forwards nothing leaves its child running after SIGTERM",
	Symptom: "`kill` on the wrapper ends it, but the worker it started keeps running, " +
		"re-parented to init (or a subreaper), holding ports and files.",
	Cause: "The child has a process group of its own. A signal sent to the supervisor's pid reaches the supervisor alone; " +
		"with no handler it dies at once and tells nobody.",
	Fix:     "Catch the signals a service acts on and forward them to the child's process group: the child ends, and the supervisor returns its code.",
	Sources: []string{"000 §13", "001 Q9"},
	Func:    "RunChild",
	Test:    "TestForwardNothing",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the supervisor dies of SIGTERM and its child runs on, orphaned, never told",
		Role:  forwardNothingBroken,
		Prove: proveChildOrphaned,
	},
	Fixed: catalog.Half{
		Says:  "the supervisor forwards SIGTERM; the child ends with 7 and the supervisor returns 7",
		Role:  forwardNothingFixed,
		Prove: proveForwarded,
	},
}

// ForwardEverySignal is 000 §13's own supervisor.
var ForwardEverySignal = catalog.Entry{
	ID:    "signals/forward-every-signal",
	Title: "signal.Notify with no list forwards the runtime's own SIGURG to the child",
	Symptom: "The supervised program receives a stream of SIGURG (\"urgent I/O condition\") while the supervisor is busy; " +
		"a program that handles SIGURG, or counts its signals, misbehaves.",
	Cause: "Notify(c) with no list relays every signal, SIGURG included, which the Go runtime sends to its own threads to preempt " +
		"long-running goroutines (runtime/signal_unix.go, sigPreempt). 000 §13 forwards them all.",
	Fix:     "Forward an explicit list (HUP, INT, TERM, USR1, USR2), with a buffer for each, to the child's process group.",
	Sources: []string{"000 §13"},
	Refs:    []string{"golang/go#37942 (non-cooperative preemption uses SIGURG)"},
	Func:    "Supervise",
	Test:    "TestForwardEverySignal",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the supervisor's preemption SIGURGs reach its child",
		Role:  forwardEveryBroken,
		Prove: proveSIGURGForwarded,
	},
	Fixed: catalog.Half{
		Says:  "the child receives no SIGURG, only the SIGTERM, and ends with 7",
		Role:  forwardEveryFixed,
		Prove: proveNoSIGURG,
	},
}

func proveChildOrphaned(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	kid := p.AwaitPID(t, "listener")
	p.Signal(t, syscall.SIGTERM)
	<-p.Done()
	require.True(t, childproc.Alive(kid), "the child outlived its supervisor")
	assert.Equal(t, os.Getpid(), childproc.Parent(kid), "re-parented to the test, the nearest subreaper")
	childproc.ReapOrphan(t, kid)
	res := p.Wait(t)
	require.Equal(t, syscall.SIGTERM, res.Signal, res.Status())
	assert.NotContains(t, res.Events, "listener got SIGTERM")
	t.Logf("supervisor %s; its child %d never got SIGTERM and was still running, re-parented to the test", res.Status(), kid)
}

func proveForwarded(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	kid := p.AwaitPID(t, "listener")
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s; %q; stderr:\n%s", res.Status(), res.Events, res.Stderr)
	assert.Contains(t, res.Events, "listener got SIGTERM")
	assert.Equal(t, "child exited 7", res.LastEvent())
	assert.False(t, childproc.Alive(kid))
	t.Logf("SIGTERM to the supervisor reached child %d, which exited 7; the supervisor returned %q and ended with %s",
		kid, strings.TrimPrefix(res.LastEvent(), "child "), res.Status())
}

func startSupervisor(t childproc.T, role childproc.Role) (p *childproc.Proc, kid int) {
	gateR, gateW, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { gateW.Close() })
	p = childproc.Start(t, role, childproc.Stdin(gateR))
	gateR.Close()
	kid = p.AwaitPID(t, "listener")
	gateW.WriteString("go\n")
	p.Await(t, "supervisor preempted")
	return p, kid
}

func proveSIGURGForwarded(t childproc.T, role childproc.Role) {
	p, kid := startSupervisor(t, role)
	p.Await(t, "listener got SIGURG")
	n := 0
	for _, e := range p.Events() {
		if e == "listener got SIGURG" {
			n++
		}
	}
	// The forwarder's one slot may hold a SIGURG when SIGTERM comes, and
	// drop it: end the supervisor with SIGKILL, then its orphan.
	res := p.Kill(t)
	childproc.ReapOrphan(t, kid)
	t.Logf("a busy supervisor preempted itself %d times; its child %d received SIGURG %d time(s) so far; ended after %v",
		preemptions, kid, n, res.Elapsed.Round(time.Millisecond))
}

func proveNoSIGURG(t childproc.T, role childproc.Role) {
	p, kid := startSupervisor(t, role)
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s; %q; stderr:\n%s", res.Status(), res.Events, res.Stderr)
	assert.Contains(t, res.Events, "listener exits after SIGURG=0 SIGTERM=1")
	assert.NotContains(t, res.Events, "listener got SIGURG")
	assert.Equal(t, "child exited 7", res.LastEvent())
	t.Logf("the supervisor preempted itself %d times while child %d listened; the child got SIGURG 0 times, then SIGTERM, and exited 7",
		preemptions, kid)
}
