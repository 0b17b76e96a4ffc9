package zombies

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// The race needs many tries: each run is a chance for the reaper to collect
// the child before Wait does. The budget bounds the broken half.
const (
	raceRuns   = 200
	raceBudget = 3 * time.Second
	raceStatus = 3
)

// The scenario runs a reaper and, beside it, child after child that exits
// 3, and counts the runs whose status was lost.
var naiveReaperBroken, naiveReaperFixed = pair("zombies/naive-reaper", func(c code, args []string) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Reap(ctx)
	runs, lost, nilState := 0, 0, 0
	first := ""
	for deadline := time.Now().Add(raceBudget); runs < raceRuns && time.Now().Before(deadline); runs++ {
		cmd := exec.Command("/bin/sh", "-c", fmt.Sprintf("exit %d", raceStatus))
		err := c.RunChild(cmd)
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == raceStatus {
			continue
		}
		lost++
		if cmd.ProcessState == nil {
			nilState++
		}
		if first == "" {
			first = fmt.Sprint(err)
		}
	}
	childproc.Emitf("runs=%d lost=%d nil-state=%d", runs, lost, nilState)
	if first != "" {
		childproc.Emit("first error: " + first)
	}
	return 0
})

// NaiveReaper is the Wait4(-1) loop that takes exec.Cmd's children.
var NaiveReaper = catalog.Entry{
	ID:    "zombies/naive-reaper-steals-status",
	Title: "A Wait4(-1) reaper beside exec.Cmd steals exit statuses",
	Symptom: "Now and then cmd.Run() fails with \"waitid: no child processes\" (or \"wait: no child processes\"), " +
		"cmd.ProcessState stays nil and the child's exit code is lost; an init built this way exits 0 for a failed app.",
	Cause: "Wait4(-1) reaps whichever child has exited, including the one exec.Cmd.Wait is about to wait for. " +
		"Once the kernel has handed the status to the reaper, Wait's waitid gets ECHILD.",
	Fix: "Reap only the pids nobody else waits for: start exec.Cmd children under a lock and record their pids, " +
		"and have the reaper wait for each unowned child by pid (or give every wait to a single owner, as tini does).",
	Sources: []string{"000 §10", "001 Q7", "001 Q28"},
	Refs: []string{
		"golang/go#60481",
		"ramr/go-reaper issues #2 and #11 (\"wait: no child processes\" beside exec.Cmd); its README's \"Into The Woods\" runs the reaper as PID 1 and the work in a forked child",
		"hashicorp/go-reap README: ReapChildren \"will steal the results\" of Go's exec; take the read side of its reapLock RWMutex around a wait",
	},
	Func: "Reap",
	Test: "TestNaiveReaper",
	Broken: catalog.Half{
		Says:  "some runs lose their exit status to the reaper",
		Role:  naiveReaperBroken,
		Prove: proveStatusesStolen,
	},
	Fixed: catalog.Half{
		Says:  "every run keeps its exit status",
		Role:  naiveReaperFixed,
		Prove: proveStatusesKept,
	},
}

// raceCounts reads the child's tally.
func raceCounts(t childproc.T, res childproc.Result) (runs, lost, nilState int) {
	t.Helper()
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	for _, e := range res.Events {
		if _, err := fmt.Sscanf(e, "runs=%d lost=%d nil-state=%d", &runs, &lost, &nilState); err == nil {
			return runs, lost, nilState
		}
	}
	t.Fatalf("no tally in events %q", res.Events)
	return
}

func proveStatusesStolen(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Timeout(5*time.Second))
	runs, lost, nilState := raceCounts(t, res)
	require.Positive(t, lost, "in %d runs the reaper never won the race", runs)
	assert.Equal(t, lost, nilState, "a lost status leaves ProcessState nil")
	first := ""
	for _, e := range res.Events {
		if s, ok := strings.CutPrefix(e, "first error: "); ok {
			first = s
		}
	}
	assert.Contains(t, first, "no child processes")
	t.Logf("%d of %d runs of `exit %d` lost their status: %q, ProcessState nil", lost, runs, raceStatus, first)
}

func proveStatusesKept(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Timeout(5*time.Second))
	runs, lost, _ := raceCounts(t, res)
	assert.Equal(t, raceRuns, runs, "every run finished within the budget")
	assert.Zero(t, lost, "no status was lost: events %q", res.Events)
	t.Logf("%d of %d runs beside the reaper exited %d as they should", runs-lost, runs, raceStatus)
}
