//go:build unix

package proofs

import (
	"slices"
	"strings"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/termination"
)

// KillTimerBeforeStart is a kill timer that outlives a failed Start.
var KillTimerBeforeStart = catalog.Entry{
	ID:    "termination/kill-timer-before-start",
	Title: "A kill timer armed before Start fires after Start failed: a nil-pointer panic kills the program",
	Symptom: "A job that cannot start is reported and handled; moments later the whole service crashes with " +
		"\"invalid memory address or nil pointer dereference\" in a timer's goroutine, far from the job.",
	Cause: "cmd.Process is set only by a Start that succeeds (000 §9: non-nil between Start and Wait). A time.AfterFunc " +
		"armed before Start and stopped only after Wait is still armed when Start fails, and its cmd.Process.Kill() " +
		"calls Kill on a nil *os.Process. The panic is in the timer's own goroutine: no recover of the caller can " +
		"stop it.",
	Fix: "Arm the timer only after Start has succeeded, and stop it on every path (or use exec.CommandContext, " +
		"which kills only a child it started).",
	Sources: []string{"000 §9"},
	Refs: []string{"sensu/sensu-go#4350", "yyyar/gobetween#17", "tailscale/tailcat#115", "sensu/sensu-go#955",
		"golang/go#19918"},
	Func: "RunWithin",
	Test: "TestKillTimerBeforeStart",
	Quiz: catalog.Quiz{
		Scenario: "the child runs a program that does not exist, with a time limit of 0, then goes on serving",
	},
	Roles: termination.KillTimerBeforeStart,
	Broken: catalog.Half{
		Says:  "the failed Start leaves the timer armed and its Kill on a nil Process crashes the program, exit 2",
		Prove: proveTimerCrashes,
	},
	Fixed: catalog.Half{
		Says:  "the error comes back and the program lives on, asleep, with nothing left to fire",
		Prove: proveNothingLeftToFire,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant M as child, main goroutine
    participant K as child, timer goroutine
    T->>M: start
    alt broken
        M->>M: arm the kill timer, limit 0
        M->>M: Start fails, Process stays nil
        K->>K: the timer fires, during Start or after
        K->>K: cmd.Process.Kill() on nil
        K-->>T: nil-pointer panic, exit 2
    else fixed
        M->>M: Start fails, no timer armed
        M-->>T: "RunWithin returned ... no such file"
        Note over M: serves on, asleep
        T->>M: SIGQUIT, the proof is done
    end`,
}

// startError is what Start says of MissingProgram.
var startError = "fork/exec " + termination.MissingProgram + ": " + syscall.ENOENT.Error()

// nilDeref is the runtime error of a method called on a nil pointer that
// reads through it.
const nilDeref = "panic: runtime error: invalid memory address or nil pointer dereference"

// proveTimerCrashes: the timer's goroutine panics whether it fires during
// the failing Start or after it: cmd.Process is nil throughout. So the
// child may or may not have reported the error first. Fired during Start,
// it may crash the child between the fork and the failed execve: the
// forked copy, about to exit by itself, can outlive the child for an
// instant. KillGroup says that leftover is expected, and reaps it.
func proveTimerCrashes(t childproc.T, r role.Role) {
	p := childproc.Start(t, r, childproc.Timeout(childproc.FinishBound),
		neverCrashes("the child serves on with every thread asleep: no kill timer is left to crash it"))
	res := p.Wait(t)
	p.KillGroup(t)
	require.Equal(t, 2, res.ExitCode, "%s; stderr: %s", res.Status(), res.Stderr)
	require.True(t, strings.HasPrefix(res.Stderr, nilDeref), res.Stderr)
	require.Contains(t, res.Stderr, "os.(*Process).Kill(", "Kill was called on the nil Process")
	require.Contains(t, res.Stderr, "procbugs/termination.Broken.RunWithin.func1()", "in the timer's function")
	reported := []string{"RunWithin returned " + startError, termination.Serving}
	require.LessOrEqual(t, len(res.Events), len(reported))
	require.True(t, slices.Equal(reported[:len(res.Events)], res.Events), "events %q", res.Events)
	when := "while Start was failing"
	if len(res.Events) > 0 {
		when = "after RunWithin had returned the error"
	}
	t.Logf("Start failed (%s); the kill timer fired %s and its Kill on a nil *os.Process ended the program: %s, %q",
		startError, when, res.Status(), nilDeref)
}

// neverCrashes is the fixed proof's evidence as a state in which the
// broken proof, which waits for the crash, would wait for ever: the child
// has said it serves on, and every thread of it sleeps, at two looks in a
// row. A timer that has expired keeps a thread of the runtime busy until
// it has run, and this one expires as it is armed, before Start. The
// child's own sleep, an hour at a time, is a timer that has not expired.
func neverCrashes(what string) childproc.Option {
	return childproc.StuckWhenSeenTwice(what, func(p *childproc.Proc) string {
		if !slices.Contains(p.Events(), termination.Serving) || !procfs.Idle(p.Pid) {
			return ""
		}
		return termination.Serving
	})
}

// proveNothingLeftToFire: a timer that has expired keeps a thread of the
// runtime busy until it has run, so a child seen with every thread
// asleep after the error has no kill timer left.
func proveNothingLeftToFire(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	p.Await(t, termination.Serving)
	p.Until(t, "the child serves on, every thread asleep", func() bool { return procfs.Alive(p.Pid) && procfs.Idle(p.Pid) })
	threads := len(procfs.Threads(p.Pid))
	res := p.Stop(t)
	require.Equal(t, []string{"RunWithin returned " + startError, termination.Serving}, res.Events)
	require.NotContains(t, res.Stderr, nilDeref)
	for _, g := range res.Goroutines() {
		require.False(t, g.Calls("procbugs/termination.Fixed.RunWithin.func1"), "a kill timer runs:\n%s", res.Stacks)
	}
	t.Logf("RunWithin returned %q; the child served on with all %d threads asleep until the proof stopped it: "+
		"no timer was left to fire", startError, threads)
}
