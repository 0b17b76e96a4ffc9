//go:build unix

package pipes

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// script starts a background process that inherits its stdout, prints one
// line and exits: what a service's start script often does.
const script = "sleep 3600 & echo started"

var backgroundHoldsPipeBroken, backgroundHoldsPipeFixed = pair("pipes/background-holds-pipe", func(c code) int {
	out, err := c.RunScript(exec.Command("/bin/sh", "-c", script))
	childproc.Emitf("output %q", out)
	if errors.Is(err, exec.ErrWaitDelay) {
		childproc.Emit("error is exec.ErrWaitDelay")
	}
	return 0
})

// BackgroundHoldsPipe is the grandchild that keeps Wait waiting.
var BackgroundHoldsPipe = catalog.Entry{
	ID:      "pipes/background-holds-pipe",
	Title:   "A grandchild that inherits the pipe keeps Wait hanging after the child exits",
	Symptom: "The script has exited, yet cmd.Output() never returns.",
	Cause: "The script's background process inherited the stdout pipe. Wait waits for the process and " +
		"then for the goroutine copying the pipe, which ends only at EOF: when the grandchild exits.",
	Fix: "Set cmd.WaitDelay (Go 1.20): after the child exits, Wait gives the pipes that long, closes them and " +
		"returns exec.ErrWaitDelay with the output so far. It does not kill the grandchild.",
	Sources: []string{"000 §9", "000 §15", "001 Q14"},
	Refs:    []string{"golang/go#50436 (Cmd.WaitDelay)", "golang/go#23019"},
	Func:    "RunScript",
	Test:    "TestBackgroundHoldsPipe",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the script has exited but Wait still waits for the pipe",
		Role:  backgroundHoldsPipeBroken,
		Prove: proveWaitOutlivesScript,
	},
	Fixed: catalog.Half{
		Says:  "WaitDelay returns the output with ErrWaitDelay and leaves the grandchild running",
		Role:  backgroundHoldsPipeFixed,
		Prove: proveWaitDelayReturns,
	},
}

func proveWaitOutlivesScript(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	var sleeper int
	var holds string
	childproc.Poll(t, 5*time.Second, "the script is reaped and its background process holds the pipe", func() bool {
		sleeper = background(p)
		holds = childproc.Descriptors(sleeper)[1]
		// Wait has reaped the script; an idle parent has gone on to park in
		// the wait for the copying goroutine.
		return sleeper != 0 && len(childproc.Children(p.Pid)) == 0 && strings.HasPrefix(holds, "pipe:") &&
			childproc.Idle(p.Pid)
	})
	parentEnd := pipeEndOf(p.Pid, holds)
	res := p.Stop(t)
	assert.NotEmpty(t, parentEnd, "the parent reads the pipe the background process writes")
	assert.Contains(t, res.Stacks, "os/exec.(*Cmd).awaitGoroutines", "Wait is waiting for the copying goroutine")
	t.Logf("the script had exited and been reaped; its background job %d still held stdout %s; Wait sat in awaitGoroutines until stopped",
		sleeper, holds)
}

func proveWaitDelayReturns(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role, childproc.Timeout(fixedBound))
	res := p.Wait(t)
	require.False(t, res.TimedOut, "the child hung: %s", res.Stacks)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, []string{`output "started\n"`, "error is exec.ErrWaitDelay"}, res.Events)
	left := p.Leftovers()
	require.Len(t, left, 1, "the background process outlived the script and the child")
	assert.Contains(t, childproc.Descriptors(left[0])[1], "pipe:", "it still holds the pipe")
	p.KillGroup(t)
	t.Logf("Wait returned after %v with %s and the output; background job %d (%s) was still running (WaitDelay kills nothing without a Context)",
		res.Elapsed.Round(time.Millisecond), res.Events[1], left[0], childproc.Comm(left[0]))
}

// background is the live process of p's group that is neither the child nor
// one of its direct children: the script's background job (a forked "sh"
// until it has exec'd sleep).
func background(p *childproc.Proc) int {
	kids := childproc.Children(p.Pid)
	for _, pid := range p.Leftovers() {
		if !slices.Contains(kids, pid) {
			return pid
		}
	}
	return 0
}

// pipeEndOf returns the descriptor target of pid that is the same pipe.
func pipeEndOf(pid int, pipe string) string {
	for _, target := range childproc.Descriptors(pid) {
		if target == pipe {
			return target
		}
	}
	return ""
}
