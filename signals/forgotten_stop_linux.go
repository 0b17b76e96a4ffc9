package signals

import (
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

var forgottenStopBroken, forgottenStopFixed = pair("signals/forgotten-stop", func(c code, _ []string) int {
	if s := c.RunUninterrupted(func() { childproc.Emit("saved") }); s != nil {
		childproc.Emitf("deferred %v", s)
	}
	childproc.Emitf("signal.Ignored(SIGTERM)=%v", signal.Ignored(syscall.SIGTERM))
	childproc.Ready()
	blockForever()
	return 0
})

// ForgottenStop is the handled SIGTERM that nothing acts on.
var ForgottenStop = catalog.Entry{
	ID:    "signals/forgotten-stop",
	Title: "A signal.Notify without signal.Stop leaves the program deaf to SIGTERM",
	Symptom: "After some step has run, Ctrl-C and `kill` do nothing; only `kill -9` ends the program. " +
		"signal.Ignored(SIGTERM) says false.",
	Cause: "A channel registered with Notify keeps catching its signals until Stop. Nobody reads it, " +
		"so once its buffer is full every later signal is caught and dropped. Nothing is ignored at the kernel.",
	Fix:     "defer signal.Stop(c) (or signal.Reset(sig...)) when the section ends: the signal gets its default action again.",
	Sources: []string{"001 Q8", "001 Q9"},
	Refs:    []string{"os/signal Stop doc: \"When Stop returns, it is guaranteed that c will receive no more signals\""},
	Func:    "RunUninterrupted",
	Test:    "TestForgottenStop",
	Broken: catalog.Half{
		Says:  "after the section, SIGTERM is caught and dropped and the process lives on",
		Role:  forgottenStopBroken,
		Prove: proveDeafToTerm,
	},
	Fixed: catalog.Half{
		Says:  "after the section, SIGTERM ends the process by its default action (143)",
		Role:  forgottenStopFixed,
		Prove: proveKilledBy(syscall.SIGTERM),
	},
}

func proveDeafToTerm(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	p.WaitReady(t)
	p.Signal(t, syscall.SIGTERM)
	childproc.Poll(t, childproc.DefaultTimeout, "the SIGTERM is delivered", func() bool {
		return !pending(p.Pid, syscall.SIGTERM)
	})
	state := childproc.State(p.Pid)
	require.True(t, childproc.Alive(p.Pid), "the child survives SIGTERM")
	assert.False(t, ignores(p.Pid, syscall.SIGTERM), "SIGTERM is not SIG_IGN in /proc: it is caught")
	assert.True(t, catches(p.Pid, syscall.SIGTERM))
	assert.Contains(t, p.Events(), "signal.Ignored(SIGTERM)=false")
	res := p.Kill(t)
	t.Logf("SIGTERM delivered and caught (SigCgt set, SigIgn clear, signal.Ignored false); the child was still in state %c; ended with SIGKILL after %v",
		state, res.Elapsed.Round(time.Millisecond))
}

// proveKilledBy shows the child ready and then killed by sig, its default action.
func proveKilledBy(sig syscall.Signal, opts ...childproc.Option) func(t childproc.T, role childproc.Role) {
	return func(t childproc.T, role childproc.Role) {
		// A bound well above the milliseconds this takes, and short enough
		// that a broken role in exercise mode fails without a long wait.
		p := childproc.Start(t, role, append([]childproc.Option{childproc.Timeout(5 * time.Second)}, opts...)...)
		p.WaitReady(t)
		p.Signal(t, sig)
		res := p.Wait(t)
		require.Equal(t, sig, res.Signal, "%s; stderr:\n%s", res.Status(), res.Stderr)
		assert.Equal(t, 128+int(sig), res.ShellCode)
		t.Logf("%s to the ready child: %s after %v", childproc.SignalName(sig), res.Status(), res.Elapsed.Round(time.Millisecond))
	}
}

// stopReset shows the rest of what Stop and Reset do, for 001 Q8.
var stopReset = childproc.Register("signals/stop-reset", func(args []string) int {
	switch args[0] {
	case "two-channels":
		a, b := make(chan os.Signal, 1), make(chan os.Signal, 1)
		signal.Notify(a, syscall.SIGHUP)
		signal.Notify(b, syscall.SIGHUP)
		signal.Stop(a)
		syscall.Kill(os.Getpid(), syscall.SIGHUP)
		childproc.Emitf("b got %v", <-b)
		signal.Notify(b, syscall.SIGHUP) // process() has made every offer
		select {
		case s := <-a:
			childproc.Emitf("a got %v", s)
		default:
			childproc.Emit("a got nothing")
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
	childproc.Ready()
	blockForever()
	return 0
})
