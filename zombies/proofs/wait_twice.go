//go:build linux

package proofs

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/zombies"
)

// WaitTwice is a Cmd waited for by two goroutines at once.
var WaitTwice = catalog.Entry{
	ID:    "zombies/wait-twice",
	Title: "Two goroutines in Wait on one Cmd: one gets the exit status, the other an error",
	Symptom: "Stopping a service returns \"waitid: no child processes\" instead of how it ended, or the exit log says so; " +
		"which of the two loses changes from run to run, and go test -race reports a DATA RACE inside os/exec.(*Cmd).Wait.",
	Cause: "Wait is not safe for concurrent use. A goroutine that logs the exit and a stop that waits for it both get " +
		"past Wait's check and both call waitid; the kernel hands the status to one of them, the other gets ECHILD, " +
		"and each writes cmd.ProcessState (TestWaitTwiceUnderRace shows the race detector's report).",
	Fix: "Call Wait in one goroutine only. Everyone else waits for it: it keeps the error and closes a channel, " +
		"and the channel's close orders the read of the error after the write.",
	Sources: []string{"000 §9"},
	Refs: []string{
		"golang/go#28461",
		"canonical/pebble#13",
		"Cmd.Wait's doc in os/exec/exec.go, from Go 1.27 on: \"Wait must not be called concurrently from multiple goroutines\" (Go 1.26 behaves the same and does not say so)",
	},
	Func: "StartService",
	Test: "TestWaitTwice",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "one goroutine waits for a service to log its exit while stop waits for it too; the service exits 3",
		Wrong:    "the log and stop both get exit status 3",
	},
	Roles: zombies.WaitTwice,
	Broken: catalog.Half{
		Says:  "with both Waits in waitid when the service exits, one gets exit status 3 and the other no child processes",
		Prove: proveStatusGoesToOneWait,
	},
	Fixed: catalog.Half{
		Says:  "one thread waits for the service, and the log and stop both get exit status 3",
		Prove: proveStatusSharedByOneWait,
	},
	Diagram: `sequenceDiagram
    participant L as logger goroutine
    participant S as stop
    participant K as service
    L->>K: Wait: waitid
    S->>K: SIGTERM, then Wait: waitid
    Note over L,S: broken: two threads in do_wait
    K->>K: exit 3
    K-->>L: the status, to one of them
    K-->>S: the other: ECHILD
    Note over L,S: fixed: stop waits on a channel`,
}

// A stoppedService is what a WaitTwice child showed: how many of its
// threads sat in do_wait once stop had been called and it was asleep, and
// how the logging goroutine's Wait and stop ended.
type stoppedService struct {
	inDoWait     int
	logged, stop string
	res          childproc.Result
}

// stopService runs a WaitTwice role r. Once stop has been called and the
// child is asleep, it counts the child's threads in do_wait; then it opens
// the gate, the service exits StopStatus, and the child returns.
func stopService(t childproc.T, r role.Role, opts ...childproc.Option) stoppedService {
	t.Helper()
	g := newStdinGate(t)
	p := childproc.Start(t, r, append(opts, g.option())...)
	p.Await(t, "stopping")
	p.Until(t, "the child is asleep after calling stop", func() bool { return procfs.Idle(p.Pid) })
	out := stoppedService{inDoWait: threadsInDoWait(p.Pid)}
	g.open()
	out.res = p.Wait(t)
	for _, e := range out.res.Events {
		if s, ok := strings.CutPrefix(e, "service exited: "); ok {
			out.logged = s
		}
		if s, ok := strings.CutPrefix(e, "stop: "); ok {
			out.stop = s
		}
	}
	return out
}

// exitStatus is how os/exec says the service ended.
var exitStatus = fmt.Sprintf("exit status %d", zombies.StopStatus)

// lostStatus is what the Wait that did not reap gets: ECHILD from its
// waitid (from wait4 without a pidfd, on Linux before 5.4).
var lostStatus = regexp.MustCompile(`^(waitid|wait): no child processes$`)

func proveStatusGoesToOneWait(t childproc.T, r role.Role) {
	out := stopService(t, r, childproc.Timeout(childproc.FinishBound))
	require.Equal(t, 0, out.res.ExitCode, out.res.Stderr)
	require.Equal(t, 2, out.inDoWait, "the logger's Wait and stop's Wait were both in waitid")
	got := []string{out.logged, out.stop}
	require.Contains(t, got, exitStatus, "one Wait got the status")
	lost := got[0]
	if lost == exitStatus {
		lost = got[1]
	}
	assert.Regexp(t, lostStatus, lost, "the other Wait lost it")
	if !t.Failed() {
		t.Logf("two threads in do_wait for one service; then the log said %q and stop returned %q", out.logged, out.stop)
	}
}

func proveStatusSharedByOneWait(t childproc.T, r role.Role) {
	out := stopService(t, r, childproc.Timeout(childproc.FinishBound))
	require.Equal(t, 0, out.res.ExitCode, out.res.Stderr)
	require.Equal(t, 1, out.inDoWait, "only the logging goroutine was in waitid")
	require.Equal(t, []string{exitStatus, exitStatus}, []string{out.logged, out.stop}, "the log and stop")
	t.Logf("one thread in do_wait while stop waited for the channel; the log said %q and stop returned %q", out.logged, out.stop)
}

// raceExit is the status a program built with -race exits with once it
// has reported a race (GORACE exitcode, 66 by default).
const raceExit = 66

// WaitTwiceUnderRace runs both halves of WaitTwice in a child built with
// the race detector, in the same forced order. The detector judges by
// happens-before, not by timing: the broken half's two Waits write
// cmd.ProcessState with nothing between them, and it reports that in any
// order; the fixed half's channel orders everything.
func WaitTwiceUnderRace(t childproc.T) {
	pair := zombies.WaitTwiceUnderRace
	if _, err := childproc.Program(pair.Broken); errors.Is(err, childproc.ErrNoCgo) {
		childproc.SkipWith(t, "the race detector needs cgo, and no C compiler can build its child here", pair.Broken, pair.Fixed)
	}
	// The service is a race-built program too, and the race runtime alone
	// can take seconds to start on a loaded machine.
	bound := childproc.Timeout(10 * childproc.FinishBound)
	broken := stopService(t, pair.Broken, bound)
	fixed := stopService(t, pair.Fixed, bound)
	require.Equal(t, raceExit, broken.res.ExitCode, broken.res.Stderr)
	require.Contains(t, broken.res.Stderr, "WARNING: DATA RACE")
	assert.Contains(t, broken.res.Stderr, "os/exec.(*Cmd).Wait()", "the report is inside Wait")
	assert.Contains(t, broken.res.Stderr, "procbugs/zombies.Broken.StartService", "and names both callers")
	require.Equal(t, 0, fixed.res.ExitCode, fixed.res.Stderr)
	require.NotContains(t, fixed.res.Stderr, "DATA RACE")
	if !t.Failed() {
		t.Logf("under -race: two Waits on one Cmd: %s, WARNING: DATA RACE in os/exec.(*Cmd).Wait; one Wait and a channel: %s, no report",
			broken.res.Status(), fixed.res.Status())
	}
}
