//go:build linux

package proofs

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/zombies"
)

// Supervisor is the restart loop of 001 Q16.
var Supervisor = catalog.Entry{
	ID:    "zombies/supervisor-backoff",
	Title: "A supervisor's back-off that never resets slowly degrades the service",
	Symptom: "After a few crashes spread over days, every restart waits the maximum: " +
		"a service that crashes once a week comes back a minute late, as if it crashed in a loop.",
	Cause: "The back-off doubles on each crash and nothing brings it back once the child has run well. " +
		"And `if backoff < max { backoff *= 2 }` overshoots the cap: Q16's one-minute cap becomes 64 s.",
	Fix: "Reset the back-off to its start after a run longer than a health threshold, and cap it with min(2*backoff, max). " +
		"(No back-off at all, the zero Backoff, is a hot loop of restarts: TestSupervisorWithoutBackoff.)",
	Sources: []string{"001 Q16", "000 §14"},
	Refs:    []string{"systemd.service(5) RestartSec, RestartSteps, RestartMaxDelaySec", "Kubernetes CrashLoopBackOff (resets after 10 minutes of health)"},
	Func:    "Supervise",
	Test:    "TestSupervisor",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "a supervisor restarts a crasher, doubling its back-off from 2 ms up to a 3 ms cap; run 3 lives long",
		AskFixed: true,
		Wrong:    "the back-off starts again after every crash, so every restart waits 2 ms",
	},
	Roles: zombies.Supervisor,
	Broken: catalog.Half{
		Says:  "after a long healthy run the next crash still waits the maximum, which overshoots the cap",
		Prove: proveBackoffNeverResets,
	},
	Fixed: catalog.Half{
		Says:  "the back-off doubles to the cap and starts again after a healthy run",
		Prove: proveBackoffResets,
	},
	Diagram: `sequenceDiagram
    participant S as supervisor
    participant C as crasher
    loop runs 1 and 2
        S->>C: Run
        C->>C: log its start, exit 1
        S->>S: wait 2, then 3 ms (broken: 4)
    end
    S->>C: run 3: lives 100 ms, exit 1
    S->>S: broken: 4 ms again
    S->>S: fixed: back to 2 ms`,
}

// A decision is one line of the supervisor's log: how long the run it
// saw lasted, and how long it said it would wait.
type decision struct{ ran, wait time.Duration }

// policyWaits is what a supervisor following the policy must wait after
// each run, given how long each run lasted by the supervisor's own clock.
// Run HealthyRun outlives Policy.Healthy by construction; the others crash
// at once, but on a loaded machine one may take long enough to count as
// healthy, and the rule says what must follow then too.
func policyWaits(ds []decision, reset, capped bool) []time.Duration {
	var waits []time.Duration
	p := zombies.Policy
	backoff := p.Initial
	for _, d := range ds {
		if reset && d.ran > p.Healthy {
			backoff = p.Initial
		}
		waits = append(waits, backoff)
		if capped {
			backoff = min(2*backoff, p.Max)
		} else if backoff < p.Max {
			backoff *= 2
		}
	}
	return waits
}

// supervised runs the supervisor role r with the crasher, and returns the
// supervisor's decisions and the gaps between the crasher's starts, from
// the crasher's own log. Each gap is at least the wait the supervisor
// announced, and the healthy run's life besides: lower bounds, which a
// clock can check. With "no-backoff", no run is healthy.
func supervised(t childproc.T, r role.Role, args ...string) (ds []decision, waits, gaps []time.Duration) {
	t.Helper()
	startLog := filepath.Join(childproc.TempDir(t), "starts")
	res := childproc.Run(t, r, childproc.Args(append([]string{startLog}, args...)...), childproc.Timeout(ChainBound))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, "supervise returned: context canceled", res.LastEvent())
	for _, e := range res.Events {
		var ran, wait string
		if _, err := fmt.Sscanf(e, "child died after %s (exit status 1); restarting in %s", &ran, &wait); err != nil {
			continue
		}
		var d decision
		var err error
		d.ran, err = time.ParseDuration(ran)
		require.NoError(t, err)
		d.wait, err = time.ParseDuration(wait)
		require.NoError(t, err)
		ds = append(ds, d)
		waits = append(waits, d.wait)
	}
	require.Len(t, ds, zombies.CrasherRuns, "one decision per crash: %q", res.Events)

	b, err := os.ReadFile(startLog)
	require.NoError(t, err)
	var starts []int64
	for _, f := range strings.Fields(string(b)) {
		n, err := strconv.ParseInt(f, 10, 64)
		require.NoError(t, err)
		starts = append(starts, n)
	}
	require.Len(t, starts, zombies.CrasherRuns, "the crasher ran its whole script")
	for i := 1; i < len(starts); i++ {
		gaps = append(gaps, time.Duration(starts[i]-starts[i-1]))
	}
	for i, gap := range gaps {
		least := waits[i]
		if i+1 == zombies.HealthyRun && !slices.Contains(args, "no-backoff") {
			least += zombies.Policy.Healthy
		}
		assert.GreaterOrEqual(t, gap, least, "start %d came %v after start %d", i+2, gap, i+1)
	}
	return ds, waits, gaps
}

func proveBackoffNeverResets(t childproc.T, r role.Role) {
	ds, waits, gaps := supervised(t, r)
	require.Greater(t, ds[zombies.HealthyRun-1].ran, zombies.Policy.Healthy, "run %d was healthy", zombies.HealthyRun)
	assert.Equal(t, policyWaits(ds, false, false), waits)
	assert.Equal(t, []time.Duration{2, 4, 4}, divide(waits, time.Millisecond), "derived from the policy by hand")
	assert.Greater(t, waits[zombies.HealthyRun-1], zombies.Policy.Max, "the wait overshoots the cap")
	if !t.Failed() {
		t.Logf("waits %v (cap %v): run %d lived %v and was still followed by a %v wait; starts came %v apart",
			waits, zombies.Policy.Max, zombies.HealthyRun, ds[zombies.HealthyRun-1].ran.Round(time.Millisecond),
			waits[zombies.HealthyRun-1], rounded(gaps))
	}
}

func proveBackoffResets(t childproc.T, r role.Role) {
	ds, waits, gaps := supervised(t, r)
	require.Greater(t, ds[zombies.HealthyRun-1].ran, zombies.Policy.Healthy, "run %d was healthy", zombies.HealthyRun)
	assert.Equal(t, policyWaits(ds, true, true), waits)
	assert.Equal(t, zombies.Policy.Initial, waits[zombies.HealthyRun-1], "a healthy run resets the wait")
	assert.LessOrEqual(t, slices.Max(waits), zombies.Policy.Max, "the cap holds")
	if !t.Failed() {
		t.Logf("waits %v (cap %v): reset to %v after run %d lived %v; starts came %v apart",
			waits, zombies.Policy.Max, zombies.Policy.Initial, zombies.HealthyRun,
			ds[zombies.HealthyRun-1].ran.Round(time.Millisecond), rounded(gaps))
	}
}

func divide(ds []time.Duration, unit time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d / unit
	}
	return out
}

func rounded(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(100 * time.Microsecond)
	}
	return out
}

// SupervisorWithoutBackoff runs the fixed Supervise with the zero
// Backoff: each crash is followed by an immediate restart, a hot loop.
// The broken one makes the same decisions: with a zero start and cap,
// neither doubling nor reset changes anything. The policy, not the code,
// sets the wait.
func SupervisorWithoutBackoff(t childproc.T) {
	_, waits, gaps := supervised(t, zombies.Supervisor.Fixed, "no-backoff")
	require.Equal(t, make([]time.Duration, zombies.CrasherRuns), waits, "every restart at once")
	t.Logf("with Backoff{}: waits %v; starts came %v apart, each as soon as the crasher had exited", waits, rounded(gaps))
}
