package zombies

import (
	"strings"
	"syscall"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// The scenario is an init: PID 1 (or a subreaper), running the app with
// the scenario its arguments name, and exiting with the status Init gives.
var goInitBroken, goInitFixed = pair("zombies/go-init", func(c code, args []string) int {
	if err := becomeInit(); err != nil {
		note("init error: %v", err)
		return 1
	}
	return c.Init(childproc.Command(app, args...))
})

// GoInit is the init of 001 Q28, and one that does its three duties.
var GoInit = catalog.Entry{
	ID:    "zombies/go-init",
	Title: "A Go init for containers: reap orphans, forward signals, exit as the app did",
	Symptom: "docker stop reports exit 255 (or 0) for an app that died of SIGTERM; " +
		"a crashed app's container exits 0 now and then; the app's own children never hear SIGTERM.",
	Cause: "The Q28 sketch calls os.Exit(ee.ExitCode()), and ExitCode() is -1 for a signalled child, which exits 255. " +
		"Its Wait4(-1) reaper sometimes takes the app's status, so Wait fails with ECHILD, which is not an *exec.ExitError, " +
		"and main falls off the end with 0. cmd.Process.Signal reaches the app alone, not the group it leads.",
	Fix: "Reap only the orphans (never the pid Wait owns), forward SIGINT, SIGTERM and SIGHUP to the app's process group, " +
		"and exit with the app's code, or 128+n when signal n killed it.",
	Sources: []string{"000 §10", "001 Q28", "001 Q7"},
	Refs:    []string{"tini", "dumb-init", "golang/go#60481"},
	Func:    "Init",
	Test:    "TestGoInit",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "an app killed by the forwarded SIGTERM makes the Q28 init exit 255 or 0, never 143, and its grandchild is never sent SIGTERM",
		Role:  goInitBroken,
		Prove: proveQ28InitLosesTheStatus,
	},
	Fixed: catalog.Half{
		Says:  "the init exits 143, 3 and 137 as the app did, and SIGTERM reaches the app's whole group",
		Role:  goInitFixed,
		Prove: proveInitExitsAsTheApp,
	},
}

// termScenario runs the "term" scenario under an init: it forwards SIGTERM
// to the app and reports what the grandchild had pending and how the init
// ended.
func termScenario(t childproc.T, role childproc.Role, goInit bool, args ...string) (gcPending string, res childproc.Result, run *initRun) {
	t.Helper()
	run = startInit(t, role, goInit, append(args, "term")...)
	run.notes.await(t, "app ready")
	run.signal(t, syscall.SIGTERM)
	saw := run.notes.await(t, "app saw SIGTERM")
	res = run.p.Wait(t)
	_, gcPending, _ = strings.Cut(saw, "grandchild has pending: ")
	return gcPending, res, run
}

func proveQ28InitLosesTheStatus(t childproc.T, role childproc.Role) {
	gcPending, res, run := termScenario(t, role, true)
	require.Zero(t, res.Signal, "the init itself was not killed: %s", res.Stderr)
	// 255 is os.Exit(-1); 0 is the run where the reaper took the status.
	assert.Contains(t, []int{255, 0}, res.ExitCode, "the init did not exit 255 or 0: %s", res.Stderr)
	assert.Equal(t, "nothing", gcPending, "the grandchild was not sent SIGTERM")
	t.Logf("app died of SIGTERM (a shell would say 143); the Q28 init %s exited %d; the app's grandchild had %s pending",
		run.where(), res.ExitCode, gcPending)
}

func proveInitExitsAsTheApp(t childproc.T, role childproc.Role) {
	gcPending, res, run := termScenario(t, role, true)
	assert.Equal(t, 128+int(syscall.SIGTERM), res.ExitCode, "143 for SIGTERM: %s", res.Stderr)
	assert.Equal(t, "SIGTERM", gcPending, "SIGTERM went to the app's whole group")
	codes := []int{res.ExitCode}
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"exit", "3"}, 3},
		{[]string{"kill"}, 128 + int(syscall.SIGKILL)},
	} {
		res := startInit(t, role, true, c.args...).p.Wait(t)
		assert.Equal(t, c.want, res.ExitCode, "app %v: init %s: %s", c.args, res.Status(), res.Stderr)
		codes = append(codes, res.ExitCode)
	}
	t.Logf("the init %s exited %v for an app killed by SIGTERM, exiting 3 and killed by SIGKILL; the grandchild had %s pending",
		run.where(), codes, gcPending)
}
