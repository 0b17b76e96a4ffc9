//go:build linux

package proofs

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/zombies"
)

// NaiveReaper is the Wait4(-1) loop that takes exec.Cmd's children.
var NaiveReaper = catalog.Entry{
	ID:    "zombies/naive-reaper-steals-status",
	Title: "A Wait4(-1) reaper beside exec.Cmd steals exit statuses",
	Symptom: "Now and then cmd.Wait() fails with \"waitid: no child processes\", " +
		"cmd.ProcessState stays nil and the child's exit code is lost; an init built this way exits 0 for a failed app.",
	Cause: "Wait4(-1) reaps whichever child has exited, including the one exec.Cmd.Wait is about to wait for. " +
		"Whenever the reaper's pass comes first, the kernel hands it the status, and Wait's waitid gets ECHILD.",
	Fix: "Reap only the pids nobody else waits for: start exec.Cmd children under a lock and record them, " +
		"and have the reaper wait for each unowned child by pid (or give every wait to a single owner, as tini does).",
	Sources: []string{"000 §10", "001 Q7", "001 Q28"},
	Refs: []string{
		"golang/go#60481",
		"ramr/go-reaper issues #2 and #11 (\"wait: no child processes\" beside exec.Cmd); its README's \"Into The Woods\" runs the reaper as PID 1 and the work in a forked child",
		"hashicorp/go-reap README: ReapChildren \"will steal the results\" of Go's exec; take the read side of its reapLock RWMutex around a wait",
	},
	Func: "ReapExited",
	Test: "TestNaiveReaper",
	Quiz: catalog.Quiz{
		Scenario: "a reaper's pass runs between a child's exit with status 3 and cmd.Wait; a stray child has exited too",
		AskFixed: true,
		Wrong:    "the reaper leaves both children alone, and the stray one stays a zombie",
	},
	Roles: zombies.NaiveReaper,
	Broken: catalog.Half{
		Says:  "with the reaper's pass forced between the child's exit and Wait, Wait finds no child and the status is lost",
		Prove: proveStatusStolen,
	},
	Fixed: catalog.Half{
		Says:  "in the same order the reaper takes only the stray child, and Wait gets the exit status",
		Prove: proveStatusKept,
	},
	Diagram: `sequenceDiagram
    participant W as code (StartChild, WaitChild)
    participant R as reaper (ReapExited)
    participant K as child
    W->>K: StartChild
    K->>K: exit 3, a zombie
    R->>K: broken: Wait4(-1) reaps it, status 3 discarded
    W->>K: WaitChild: waitid(P_PIDFD) gets ECHILD
    Note over W: ECHILD, ProcessState nil
    Note over R,K: fixed: K is owned, so the reaper leaves it to WaitChild`,
}

// The scenario's first two events, the same in both halves: the order is
// forced, and the stray child (no Cmd waits for it) is reaped by every
// reaper.
var forcedOrder = []string{"both children have exited", "after the reaper's pass the stray is reaped: true"}

// Without a pidfd (Linux before 5.4), os.Process waits with wait4, and
// the error says "wait" instead.
var noChild = regexp.MustCompile(`^Wait: (waitid|wait): no child processes; ProcessState: <nil>$`)

func proveStatusStolen(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Len(t, res.Events, 3, "events %q", res.Events)
	assert.Equal(t, forcedOrder, res.Events[:2])
	assert.Regexp(t, noChild, res.Events[2], "the reaper took the status Wait was owed")
	if !t.Failed() {
		t.Logf("the child exited %d, the reaper's Wait4(-1) pass ran, then Wait: %q", zombies.ExitStatus, res.Events[2])
	}
}

func proveStatusKept(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	want := fmt.Sprintf("Wait: exit status %d; ProcessState: exit status %d", zombies.ExitStatus, zombies.ExitStatus)
	require.Equal(t, append(slices.Clone(forcedOrder), want), res.Events)
	t.Logf("the child exited %d, the reaper's pass reaped only the stray child, then %q", zombies.ExitStatus, res.Events[2])
}
