package zombies

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// Backoff is a supervisor's restart policy.
type Backoff struct {
	Initial time.Duration // the wait after the first crash
	Max     time.Duration // the longest wait
	Healthy time.Duration // a run longer than this resets the wait to Initial
}

// The policy of 001 Q16 (1 s doubling to a one-minute cap, reset after 30 s
// of health) scaled down to milliseconds. The cap is not a power of two
// times the start, so that a doubling that overshoots it shows.
var policy = Backoff{Initial: 4 * time.Millisecond, Max: 24 * time.Millisecond, Healthy: 250 * time.Millisecond}

// The crasher's script: runs 1-5 crash at once, run 6 lives longer than
// policy.Healthy and then crashes, runs 7 and 8 crash at once. Without a
// reset the waits are 4, 8, 16, 32 (the doubling overshoots the 24 ms cap),
// then 32 for ever; with one they are 4, 8, 16, 24, 24, then 4, 8, 16.
const (
	crasherRuns = 8
	healthyRun  = 6
	healthyLife = 300 * time.Millisecond
)

// crasher is the supervised service. It appends the time it started (the
// monotonic clock, the same for every process) to its own log, and reads
// from the log which run it is.
var crasher = childproc.Register("zombies/crasher", func(args []string) int {
	var now unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &now)
	f, err := os.OpenFile(args[0], os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return 2
	}
	defer f.Close()
	fmt.Fprintln(f, now.Nano())
	b, _ := os.ReadFile(args[0])
	if strings.Count(string(b), "\n") == healthyRun {
		// The subject is a duration: a service that stays up this long
		// is healthy.
		time.Sleep(healthyLife)
	}
	return 1
})

// The scenario supervises the crasher and stops after its last run. The
// supervisor's log lines ("restarting in 4ms") are its decisions.
var superviseBroken, superviseFixed = pair("zombies/supervise", func(c code, args []string) int {
	log.SetFlags(0)
	log.SetOutput(emitter{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	starts := 0
	newCmd := func(ctx context.Context) *exec.Cmd {
		if starts++; starts > crasherRuns {
			cancel()
		}
		plain := childproc.Command(crasher, args[0])
		cmd := exec.CommandContext(ctx, plain.Path, plain.Args[1:]...)
		cmd.Env = plain.Env
		return cmd
	}
	err := c.Supervise(ctx, newCmd, policy)
	childproc.Emitf("supervise returned: %v", err)
	return 0
})

// emitter turns each log line into an event.
type emitter struct{}

func (emitter) Write(p []byte) (int, error) {
	childproc.Emit(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// Supervisor is the restart loop of 001 Q16.
var Supervisor = catalog.Entry{
	ID:    "zombies/supervisor-backoff",
	Title: "A supervisor's back-off that never resets slowly degrades the service",
	Symptom: "After a few crashes spread over days, every restart waits the maximum: " +
		"a service that crashes once a week comes back a minute late, as if it crashed in a loop.",
	Cause: "The back-off doubles on each crash and nothing brings it back once the child has run well. " +
		"And `if backoff < max { backoff *= 2 }` overshoots the cap: Q16's one-minute cap becomes 64 s.",
	Fix:     "Reset the back-off to its start after a run longer than a health threshold, and cap it with min(2*backoff, max).",
	Sources: []string{"001 Q16", "000 §14"},
	Refs:    []string{"systemd.service(5) RestartSec, RestartSteps, RestartMaxDelaySec", "Kubernetes CrashLoopBackOff (resets after 10 minutes of health)"},
	Func:    "Supervise",
	Test:    "TestSupervisor",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "after a long healthy run the next crash still waits the maximum, which overshoots the cap",
		Role:  superviseBroken,
		Prove: proveBackoffNeverResets,
	},
	Fixed: catalog.Half{
		Says:  "the back-off doubles to the cap and starts again after a healthy run",
		Role:  superviseFixed,
		Prove: proveBackoffResets,
	},
}

// A decision is one line of the supervisor's log: how long the run it
// saw lasted, and how long it said it would wait.
type decision struct{ ran, wait time.Duration }

// policyWaits is what a supervisor following the policy must wait after
// each run, given how long each run lasted by the supervisor's own clock.
// Run 6 outlives policy.Healthy by construction; the others crash at once,
// but on a loaded machine one may take long enough to count as healthy,
// and the rule says what must follow then too.
func policyWaits(ds []decision, reset, capped bool) []time.Duration {
	var waits []time.Duration
	backoff := policy.Initial
	for _, d := range ds {
		if reset && d.ran > policy.Healthy {
			backoff = policy.Initial
		}
		waits = append(waits, backoff)
		if capped {
			backoff = min(2*backoff, policy.Max)
		} else if backoff < policy.Max {
			backoff *= 2
		}
	}
	return waits
}

// supervised runs the scenario and returns the supervisor's decisions and
// the gaps between the crasher's starts, from the crasher's own log.
func supervised(t childproc.T, role childproc.Role) (ds []decision, waits, gaps []time.Duration) {
	t.Helper()
	dir, err := os.MkdirTemp("", "zombies-supervise-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	startLog := filepath.Join(dir, "starts")
	res := childproc.Run(t, role, childproc.Args(startLog), childproc.Timeout(5*time.Second))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, "supervise returned: context canceled", res.LastEvent())
	for _, e := range res.Events {
		var ran, wait string
		if _, err := fmt.Sscanf(e, "child died after %s (exit status 1); restarting in %s", &ran, &wait); err != nil {
			continue
		}
		var d decision
		d.ran, err = time.ParseDuration(ran)
		require.NoError(t, err)
		d.wait, err = time.ParseDuration(wait)
		require.NoError(t, err)
		ds = append(ds, d)
		waits = append(waits, d.wait)
	}
	require.Len(t, ds, crasherRuns, "one decision per crash: %q", res.Events)
	require.Greater(t, ds[healthyRun-1].ran, policy.Healthy, "run %d was healthy", healthyRun)

	b, err := os.ReadFile(startLog)
	require.NoError(t, err)
	var starts []int64
	for _, f := range strings.Fields(string(b)) {
		n, err := strconv.ParseInt(f, 10, 64)
		require.NoError(t, err)
		starts = append(starts, n)
	}
	require.Len(t, starts, crasherRuns, "the crasher ran its whole script")
	for i := 1; i < len(starts); i++ {
		gaps = append(gaps, time.Duration(starts[i]-starts[i-1]))
	}
	// Each restart came no sooner than the run's own life and the wait the
	// supervisor announced.
	for i, gap := range gaps {
		least := waits[i]
		if i+1 == healthyRun {
			least += healthyLife
		}
		assert.GreaterOrEqual(t, gap, least, "start %d came %v after start %d", i+2, gap, i+1)
	}
	return ds, waits, gaps
}

func proveBackoffNeverResets(t childproc.T, role childproc.Role) {
	ds, waits, gaps := supervised(t, role)
	assert.Equal(t, policyWaits(ds, false, false), waits)
	assert.Equal(t, []time.Duration{4, 8, 16, 32, 32, 32, 32, 32}, divide(waits, time.Millisecond), "derived from the policy by hand")
	assert.Greater(t, waits[healthyRun-1], policy.Max, "the wait overshoots the cap")
	t.Logf("waits %v (cap %v): run %d lived %v and was still followed by a %v wait; starts came %v apart",
		waits, policy.Max, healthyRun, ds[healthyRun-1].ran.Round(time.Millisecond), waits[healthyRun-1], rounded(gaps))
}

func proveBackoffResets(t childproc.T, role childproc.Role) {
	ds, waits, gaps := supervised(t, role)
	assert.Equal(t, policyWaits(ds, true, true), waits)
	assert.Equal(t, policy.Initial, waits[healthyRun-1], "a healthy run resets the wait")
	assert.LessOrEqual(t, slices.Max(waits), policy.Max, "the cap holds")
	t.Logf("waits %v (cap %v): reset to %v after run %d lived %v; starts came %v apart",
		waits, policy.Max, policy.Initial, healthyRun, ds[healthyRun-1].ran.Round(time.Millisecond), rounded(gaps))
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
