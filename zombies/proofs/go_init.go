//go:build linux

package proofs

import (
	"syscall"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/zombies"
)

// GoInit is the init of 001 Q28, and one that does its three duties.
var GoInit = catalog.Entry{
	ID:    "zombies/go-init",
	Title: "A Go init for containers: reap orphans, forward signals, exit as the app did",
	Symptom: "docker stop reports exit 255 (or 0) for an app that died of SIGTERM; " +
		"a crashed app's container exits 0 now and then; the app's own children never hear SIGTERM.",
	Cause: "The Q28 sketch calls os.Exit(ee.ExitCode()), and ExitCode() is -1 for a signalled child, which exits 255. " +
		"Its Wait4(-1) reaper sometimes takes the app's status, so Wait fails with ECHILD, which is not an *exec.ExitError, " +
		"and main falls off the end with 0. cmd.Process.Signal reaches the app alone, not the group it leads.",
	Fix: "Reap only the orphans (never the pid Wait owns), catch signals before the app starts, forward SIGINT, SIGTERM and " +
		"SIGHUP to the app's process group, and exit with the app's code, or 128+n when signal n killed it.",
	Sources: []string{"000 §10", "001 Q28", "001 Q7"},
	Refs:    []string{"tini", "dumb-init", "golang/go#60481"},
	Func:    "Init",
	Test:    "TestGoInit",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "an init, PID 1, runs an app that the forwarded SIGTERM kills; the app has a child of its own",
	},
	Roles: zombies.GoInit,
	Changes: []catalog.Change{{
		Since: "go1.27",
		Before: "a Go init signalled before it has called signal.Notify exits 2: the runtime's own handler " +
			"re-raises SIGTERM with the default action, the kernel drops that for a namespace's init, and the runtime exits 2",
		After: "it exits 143 (128+SIGTERM): the status tini reports for an app killed by SIGTERM, " +
			"though the app was never sent the signal and dies with the namespace",
		Source: "runtime/signal_unix.go, dieFromSignal: exit(2) became exit(128 + sig)",
		Test:   "zombies.TestGoInitSignalledEarly",
	}},
	Broken: catalog.Half{
		Says:  "an app killed by the forwarded SIGTERM makes the Q28 init exit 255 or 0, never 143, and its grandchild is never sent SIGTERM",
		Prove: proveQ28LosesTheStatus,
	},
	Fixed: catalog.Half{
		Says:  "the init exits 143, 3 and 137 as the app did, and SIGTERM reaches the app's whole group",
		Prove: proveInitExitsAsTheApp,
	},
	Diagram: `sequenceDiagram
    participant D as test (docker stop)
    participant I as init (PID 1)
    participant A as app
    participant G as grandchild
    D->>I: SIGTERM
    I->>A: Q28: SIGTERM to the app only
    I->>A: fixed: SIGTERM to the app's group
    I-->>G: fixed: the same kill reaches it
    A->>A: dies of SIGTERM
    I->>D: Q28: exit 255, or 0
    I->>D: fixed: exit 143`,
}

// What the "term" scenario showed: SIGTERM was sent to the init while the
// app ran with a stopped grandchild.
type termOutcome struct {
	res      childproc.Result
	gcSent   bool // the grandchild had SIGTERM pending once the app had seen its own
	gcKilled bool // the grandchild, left behind by the app, was gone once the init had exited
}

// term drives the "term" scenario of run. It waits until the init's only
// child is the app (with "term storm", it has reaped the orphans the app
// left it), then signals it. kill(2) to a group queues the signal on every member before it returns,
// so when the app notes that it has seen SIGTERM, its grandchild's is
// already pending if the init sent one to the group; the stopped
// grandchild keeps it pending until the test opens the gate.
func term(t childproc.T, run *initRun) termOutcome {
	t.Helper()
	run.notes.await(t, "app ready")
	app, gc := run.app(t), run.grandchild(t)
	run.p.Until(t, "the app is the init's only child", func() bool {
		kids := procfs.Children(run.p.Pid)
		return len(kids) == 1 && kids[0] == app
	})
	run.signal(t, syscall.SIGTERM)
	run.notes.await(t, "app saw SIGTERM")
	out := termOutcome{gcSent: procfs.IsPending(gc, syscall.SIGTERM)}
	run.open()
	out.res = run.p.Wait(t)
	out.gcKilled = procfs.State(gc) == 0
	if !out.gcKilled && !run.pid1 {
		// A subreaper's exit kills nothing: the grandchild came to this
		// test process.
		childproc.ReapOrphan(t, gc)
	}
	return out
}

func proveQ28LosesTheStatus(t childproc.T, r role.Role) {
	run := startInit(t, r, true, true, "term")
	out := term(t, run)
	require.Zero(t, out.res.Signal, "the init itself was not killed: %s", out.res.Stderr)
	// 255 is os.Exit(-1); 0 is a run where the reaper took the status
	// first (the order zombies/naive-reaper-steals-status forces).
	assert.Contains(t, []int{255, 0}, out.res.ExitCode, "the init exited 255 or 0: %s", out.res.Stderr)
	assert.False(t, out.gcSent, "the grandchild was not sent SIGTERM")
	if !t.Failed() {
		t.Logf("the app died of SIGTERM (a shell would say 143); the Q28 init %s exited %d; the app's grandchild was not sent SIGTERM",
			run.where(), out.res.ExitCode)
	}
}

func proveInitExitsAsTheApp(t childproc.T, r role.Role) {
	terms := startInit(t, r, true, true, "term")
	exits := startInit(t, r, true, true, "exit", "3")
	kills := startInit(t, r, true, true, "kill")
	out := term(t, terms)
	assert.Equal(t, 128+int(syscall.SIGTERM), out.res.ExitCode, "143 for SIGTERM: %s", out.res.Stderr)
	assert.True(t, out.gcSent, "SIGTERM went to the app's whole group")
	exit3 := exits.p.Wait(t)
	assert.Equal(t, 3, exit3.ExitCode, "app exited 3: init %s: %s", exit3.Status(), exit3.Stderr)
	killed := kills.p.Wait(t)
	assert.Equal(t, 128+int(syscall.SIGKILL), killed.ExitCode, "app killed by SIGKILL: init %s: %s", killed.Status(), killed.Stderr)
	if !t.Failed() {
		t.Logf("the init %s exited %d, %d and %d for an app killed by SIGTERM, exiting 3 and killed by SIGKILL; "+
			"the grandchild had SIGTERM pending", terms.where(), out.res.ExitCode, exit3.ExitCode, killed.ExitCode)
	}
}

// GoInitSignalledEarly sends SIGTERM to each Go init while it waits at the
// gate, before it has called Init and so before any signal.Notify: the
// Go runtime's own handler takes the signal. It cannot kill a namespace's
// init by re-raising it, so it exits with a status of its own, which
// depends on the Go release (see GoInit's Changes). The app never starts.
func GoInitSignalledEarly(t childproc.T) {
	needNamespaces(t, zombies.GoInit.Broken, zombies.GoInit.Fixed)
	want := 2
	if catalog.Since("go1.27") {
		want = 128 + int(syscall.SIGTERM)
	}
	var runs []*initRun
	for _, r := range []role.Role{zombies.GoInit.Broken, zombies.GoInit.Fixed} {
		runs = append(runs, startInit(t, r, true, true, "early", "term"))
	}
	for _, run := range runs {
		run.notes.await(t, "init waits at the gate")
		run.p.Signal(t, syscall.SIGTERM)
		res := run.p.Wait(t)
		run.notes.wait(t)
		require.Zero(t, res.Signal, "the init was not killed by the signal: %s", res.Status())
		assert.Equal(t, want, res.ExitCode, "%s on %s", res.Status(), catalog.Release())
		assert.Empty(t, run.notes.find("app"), "the app never started")
	}
	if !t.Failed() {
		t.Logf("on %s both Go inits, signalled before signal.Notify as PID 1, exited %d, and no app ever started", catalog.Release(), want)
	}
}
