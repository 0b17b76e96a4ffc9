//go:build linux

package proofs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/zombies"
)

// ReusedCmd is the restart loop with one Cmd for every run.
var ReusedCmd = catalog.Entry{
	ID:    "zombies/reused-cmd",
	Title: "A restart loop that reuses one exec.Cmd never restarts anything",
	Symptom: "The worker crashes once and never comes back, while the supervisor logs a restart after every attempt: " +
		"\"exec: already started\", as fast as the loop goes round.",
	Cause: "An exec.Cmd runs once. Start records that it was called, and every later Start or Run fails at once with " +
		"\"exec: already started\", starting nothing. A Cmd made before the loop is spent by the first run.",
	Fix:     "Make a new Cmd for every run: build it inside the loop, from a function that makes one.",
	Sources: []string{"000 §9"},
	Refs: []string{
		"open-telemetry/opentelemetry-collector-builder#42",
		"golang/go#10305",
		"ShinyTrinkets/overseer#3",
	},
	Func: "Restart",
	Test: "TestReusedCmd",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "a restart loop runs a worker that exits 1 at once, 3 times",
	},
	Roles: zombies.ReusedCmd,
	Broken: catalog.Half{
		Says:  "the worker starts once, and every later run fails with exec: already started",
		Prove: proveRunsOnce,
	},
	Fixed: catalog.Half{
		Says:  "the worker starts once for every run, and each run ends with exit status 1",
		Prove: proveRunsEachTime,
	},
	Diagram: `sequenceDiagram
    participant S as supervisor (Restart)
    participant W as worker
    S->>W: run 1: Run
    W->>W: exit 1
    S->>S: broken: run 2 with the same Cmd
    Note over S,W: exec: already started, nothing starts
    S->>W: fixed: run 2 with a new Cmd`,
}

// restarted runs a ReusedCmd role r, and returns what Restart logged for
// each run and how many times the worker started, from the worker's own
// log.
func restarted(t childproc.T, r role.Role) (ended []string, starts int) {
	t.Helper()
	startLog := filepath.Join(childproc.TempDir(t), "starts")
	res := childproc.Run(t, r, childproc.Args(startLog), childproc.Timeout(ChainBound))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	for _, e := range res.Events {
		if s, ok := strings.CutPrefix(e, "worker exited: "); ok {
			ended = append(ended, strings.TrimSuffix(s, "; restarting"))
		}
	}
	require.Len(t, ended, zombies.WorkerRuns, "one log line per run: %q", res.Events)
	b, err := os.ReadFile(startLog)
	if !errors.Is(err, fs.ErrNotExist) {
		require.NoError(t, err)
	}
	return ended, strings.Count(string(b), "\n")
}

func proveRunsOnce(t childproc.T, r role.Role) {
	ended, starts := restarted(t, r)
	want := append([]string{"exit status 1"}, slices.Repeat([]string{"exec: already started"}, zombies.WorkerRuns-1)...)
	require.Equal(t, want, ended)
	require.Equal(t, 1, starts, "the worker's own log")
	t.Logf("%d runs: %q; the worker started %d time", zombies.WorkerRuns, ended, starts)
}

func proveRunsEachTime(t childproc.T, r role.Role) {
	ended, starts := restarted(t, r)
	require.Equal(t, slices.Repeat([]string{"exit status 1"}, zombies.WorkerRuns), ended)
	require.Equal(t, zombies.WorkerRuns, starts, "the worker's own log")
	t.Logf("%d runs: %q; the worker started %d times", zombies.WorkerRuns, ended, starts)
}
