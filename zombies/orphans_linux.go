package zombies

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// orphanCount is how many orphans the forker leaves behind: enough to see
// them pile up.
const orphanCount = 5

// The scenario adopts orphans, runs a forker whose children exit and are
// re-parented to it, reports their pids and stays alive.
var orphansBroken, orphansFixed = pair("zombies/orphans", func(c code, args []string) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := c.AdoptOrphans(ctx); err != nil {
		return fail("adopt orphans", err)
	}
	var out bytes.Buffer
	cmd := childproc.Command(forker, strconv.Itoa(orphanCount))
	cmd.Stdout = &out
	if err := c.RunChild(cmd); err != nil {
		return fail("forker", err)
	}
	for _, pid := range strings.Fields(out.String()) {
		childproc.Emit("orphan pid=" + pid)
	}
	childproc.Ready()
	blockForever()
	return 0
})

// OrphansNeedAReaper is the subreaper (or PID 1) that adopts but never reaps.
var OrphansNeedAReaper = catalog.Entry{
	ID:    "zombies/orphans-need-a-reaper",
	Title: "A subreaper or PID 1 that never reaps collects its adopted orphans as zombies",
	Symptom: "Zombies whose parent is your service (or PID 1 of the container) pile up, " +
		"although your code never started them: they are grandchildren whose parent died.",
	Cause: "When a process dies, the kernel re-parents its children to the nearest ancestor marked " +
		"PR_SET_CHILD_SUBREAPER, or else to PID 1 of the namespace. Only that new parent can reap them, " +
		"and no exec.Cmd of its own knows they exist.",
	Fix: "Reap them: on every SIGCHLD, wait for the exited children that no exec.Cmd owns " +
		"(Wait4 on each pid with WNOHANG).",
	Sources: []string{"000 §10", "000 §19", "001 Q7"},
	Refs:    []string{"prctl(2) PR_SET_CHILD_SUBREAPER", "tini", "dumb-init"},
	Func:    "AdoptOrphans",
	Test:    "TestOrphansNeedAReaper",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "every adopted orphan stays a zombie of the subreaper",
		Role:  orphansBroken,
		Prove: proveOrphansPileUp,
	},
	Fixed: catalog.Half{
		Says:  "the reap loop collects every adopted orphan",
		Role:  orphansFixed,
		Prove: proveOrphansReaped,
	},
}

// awaitOrphans reads the pids of the orphans the child's forker left.
func awaitOrphans(t childproc.T, p *childproc.Proc) []int {
	t.Helper()
	p.WaitReady(t)
	var pids []int
	for _, e := range p.Events() {
		if s, ok := strings.CutPrefix(e, "orphan pid="); ok {
			pid, err := strconv.Atoi(s)
			require.NoError(t, err)
			pids = append(pids, pid)
		}
	}
	require.Len(t, pids, orphanCount, "the forker reports every orphan it made")
	return pids
}

func proveOrphansPileUp(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	orphans := awaitOrphans(t, p)
	childproc.Poll(t, 5*time.Second, "every orphan is a zombie of the subreaper", func() bool {
		for _, pid := range orphans {
			if childproc.State(pid) != 'Z' || childproc.Parent(pid) != p.Pid {
				return false
			}
		}
		return true
	})
	p.Kill(t)
	t.Logf("%d orphans %v were adopted by subreaper %d and stay zombies (state Z): it never reaps", len(orphans), orphans, p.Pid)
}

func proveOrphansReaped(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	orphans := awaitOrphans(t, p)
	// The forker saw each of them exit before it died itself, so they were
	// zombies when they were re-parented: only the subreaper could reap them.
	childproc.Poll(t, 5*time.Second, "every orphan is reaped", func() bool {
		for _, pid := range orphans {
			if childproc.State(pid) != 0 {
				return false
			}
		}
		return true
	})
	require.True(t, childproc.Alive(p.Pid), "the subreaper is still running")
	p.Kill(t)
	t.Logf("%d orphans %v adopted by subreaper %d are gone from /proc: its SIGCHLD loop reaped them", len(orphans), orphans, p.Pid)
}
