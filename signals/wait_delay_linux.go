package signals

import (
	"context"
	"os"
	"os/exec"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// The context is cancelled when the test opens the gate (a line on stdin),
// once the listener, which ignores SIGTERM, is ready.
var waitDelayBroken, waitDelayFixed = pair("signals/wait-delay", func(c code, args []string) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base := childproc.Command(listener, append([]string{"TERM", "ignore-term"}, args...)...)
	cmd := exec.CommandContext(ctx, base.Path, base.Args[1:]...)
	cmd.Env = base.Env
	flush, err := relay(cmd)
	if err != nil {
		return fail(err)
	}
	var cancelled time.Time
	go func() {
		os.Stdin.Read(make([]byte, 1))
		cancelled = time.Now()
		cancel()
	}()
	err = c.RunWithTimeout(cmd)
	after := time.Since(cancelled)
	flush()
	childproc.Emitf("ProcessState: %v", cmd.ProcessState)
	childproc.Emitf("waited at least WaitDelay: %v", after >= WaitDelay)
	childproc.Emitf("run returned %v", err)
	return 0
})

// WaitDelayKill is 000 §15's hard timeout.
var WaitDelayKill = catalog.Entry{
	ID:      "signals/wait-delay",
	Title:   "A context-cancelled child that ignores SIGTERM blocks Run forever without WaitDelay",
	Symptom: "A timeout fires, the log says the command was cancelled, and the goroutine that ran it never comes back.",
	Cause: "exec.CommandContext calls Cancel when the context is done. With a Cancel that sends SIGTERM, a child that " +
		"catches or ignores it keeps running, and Wait waits for it: nothing else follows up.",
	Fix: "Set WaitDelay: once the context is done and WaitDelay has passed, os/exec kills the child with SIGKILL " +
		"(exec.go, watchCtx) and Run returns \"signal: killed\". 000 §15 says it never kills: it does.",
	Sources: []string{"000 §15", "001 Q14", "001 Q18"},
	Refs:    []string{"os/exec Cmd.WaitDelay doc (Go 1.20)"},
	Func:    "RunWithTimeout",
	Test:    "TestWaitDelay",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "after cancel the child ignores SIGTERM and Run is still waiting",
		Role:  waitDelayBroken,
		Prove: proveRunHangs,
	},
	Fixed: catalog.Half{
		Says:  "after cancel and WaitDelay the child is killed and Run returns \"signal: killed\"",
		Role:  waitDelayFixed,
		Prove: proveKilledAfterWaitDelay,
	},
}

func startCancelled(t childproc.T, role childproc.Role, args ...string) (p *childproc.Proc, kid int) {
	gateR, gateW, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { gateW.Close() })
	p = childproc.Start(t, role, childproc.Stdin(gateR), childproc.Args(args...), childproc.Timeout(5*time.Second))
	gateR.Close()
	kid = p.AwaitPID(t, "listener")
	gateW.WriteString("cancel\n")
	return p, kid
}

func proveRunHangs(t childproc.T, role childproc.Role) {
	p, kid := startCancelled(t, role)
	p.Await(t, "listener got SIGTERM")
	// Cancel has run and its SIGTERM was ignored; with no WaitDelay, os/exec
	// has nothing left to do but wait.
	require.True(t, childproc.Alive(kid), "the child ignored SIGTERM")
	res := p.Stop(t)
	assert.NotContains(t, res.Events, "run returned", "Run had not returned")
	assert.Contains(t, res.Stacks, "os/exec.(*Cmd).Wait", "the child is still inside Wait")
	t.Logf("context cancelled, SIGTERM sent and ignored by %d; Run still in os/exec.(*Cmd).Wait; stopped after %v",
		kid, res.Elapsed.Round(time.Millisecond))
}

// The listener caught SIGTERM (it had called Notify before it reported its
// pid), but whether it reports that before WaitDelay ends is up to the
// scheduler: the proof rests on how it ended, killed by SIGKILL.
func proveKilledAfterWaitDelay(t childproc.T, role childproc.Role) {
	p, kid := startCancelled(t, role)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, "run returned signal: killed", res.LastEvent())
	assert.Contains(t, res.Events, "ProcessState: signal: killed")
	assert.Contains(t, res.Events, "waited at least WaitDelay: true")
	assert.False(t, childproc.Alive(kid))
	t.Logf("context cancelled, SIGTERM caught and ignored by %d; after WaitDelay (%v) it was killed: %q",
		kid, WaitDelay, res.LastEvent())
}
