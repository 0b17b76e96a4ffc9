package zombies

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// CompareInits runs the same five scenarios under the Go inits and under
// the real thing.
var CompareInits = catalog.Entry{
	ID:    "zombies/init-vs-tini",
	Title: "The Go init against tini and dumb-init: zombies, signals, exit codes and grandchildren",
	Symptom: "A hand-written init passes a smoke test and then differs from tini in production: " +
		"exit 255 after docker stop, a lost exit code, a grandchild that never hears SIGTERM.",
	Cause: "An init has three duties (reap, forward, exit as the app did) and each has a corner: " +
		"signal deaths, status theft by the reaper, and whether signals go to the app or to its group.",
	Fix: "Check a Go init scenario by scenario against tini and dumb-init, as PID 1 of a namespace, " +
		"and decide on purpose where it may differ (here: SIGTERM to the whole group, as dumb-init does).",
	Sources: []string{"000 §10", "000 §19", "001 Q28"},
	Refs:    []string{"tini (Debian package tini, /usr/bin/tini)", "dumb-init (Debian package dumb-init, /usr/bin/dumb-init)"},
	Func:    "Init",
	Test:    "TestCompareInits",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the Q28 init reaps like tini but exits 255 or 0 where tini exits 143 and 137",
		Role:  goInitBroken,
		Prove: proveQ28DiffersFromTini,
	},
	Fixed: catalog.Half{
		Says:  "the Go init matches tini and dumb-init, sending SIGTERM to the group as dumb-init does",
		Role:  goInitFixed,
		Prove: proveGoInitMatchesTini,
	},
}

// An initKind is an init to compare.
type initKind struct {
	name   string
	role   childproc.Role
	args   []string // before the scenario's own
	goInit bool
}

// A behaviour is one row of the comparison table.
type behaviour struct {
	init         string
	zombiesLeft  int    // orphans of the storm still zombies once the app has reported them
	appSaw       string // what the app saw when the init was sent SIGTERM
	gcPending    string // what its stopped grandchild had pending then
	termExit     int    // the init's status when the app died of SIGTERM
	exit3        int    // ... when the app exited 3
	killExit     int    // ... when the app died of SIGKILL
	leaveExit    int    // ... when the app exited 0 leaving a grandchild running
	gcFate       string // what became of that grandchild
	gcSawTermRun bool   // the grandchild ran its SIGTERM handler before it died
}

// realInit names tini or dumb-init, or says why it cannot run here.
func realInit(name string) (initKind, string) {
	path := "/usr/bin/" + name
	if _, err := os.Stat(path); err != nil {
		return initKind{}, fmt.Sprintf("%s is not installed (apt-get install %s): %v", name, name, err)
	}
	return initKind{name: name, role: underInit, args: []string{path}}, ""
}

// observe runs the five scenarios under one init.
func observe(t childproc.T, k initKind) behaviour {
	t.Helper()
	b := behaviour{init: k.name}
	scenario := func(s ...string) []string { return append(append([]string(nil), k.args...), s...) }

	// A zombie storm: the app's forker leaves orphans that are zombies
	// when the init adopts them.
	storm := startInit(t, k.role, k.goInit, scenario("storm")...)
	storm.notes.await(t, "app made")
	app := storm.app(t)
	childproc.Poll(t, 5*time.Second, k.name+" reaps every orphan", func() bool {
		kids := childproc.Children(storm.p.Pid)
		return len(kids) == 1 && kids[0] == app
	})
	b.zombiesLeft = storm.zombieChildren()
	storm.signal(t, syscall.SIGTERM)
	require.Equal(t, 0, storm.p.Wait(t).ExitCode, "%s: the app exits 0 on SIGTERM after the storm", k.name)

	// SIGTERM forwarding, to the app and perhaps to its group.
	var res childproc.Result
	b.gcPending, res, _ = termScenario(t, k.role, k.goInit, k.args...)
	b.appSaw = "SIGTERM"
	b.termExit = res.ExitCode

	b.exit3 = startInit(t, k.role, k.goInit, scenario("exit", "3")...).p.Wait(t).ExitCode
	b.killExit = startInit(t, k.role, k.goInit, scenario("kill")...).p.Wait(t).ExitCode

	// A grandchild still running when the app exits.
	leave := startInit(t, k.role, k.goInit, scenario("leave")...)
	leave.notes.await(t, "app started grandchild")
	var gc int
	app = leave.app(t)
	childproc.Poll(t, 5*time.Second, "the app's grandchild runs", func() bool {
		gc = execedChild(app)
		return gc != 0
	})
	leave.gate.Close()
	b.leaveExit = leave.p.Wait(t).ExitCode
	leave.notes.wait(t)
	b.gcFate = "running"
	if childproc.State(gc) == 0 {
		b.gcFate = "killed when PID 1 exited"
	}
	b.gcSawTermRun = leave.notes.find("grandchild saw SIGTERM") != ""
	return b
}

// needNamespaces skips a comparison that cannot run as PID 1 here: tini
// and dumb-init would leave the grandchildren to the test process.
func needNamespaces(t childproc.T, roles ...childproc.Role) {
	t.Helper()
	if reason := namespacesDenied(); reason != "" {
		childproc.SkipWith(t, reason, append(roles, underInit, app, sleeper, forker)...)
	}
}

func proveQ28DiffersFromTini(t childproc.T, role childproc.Role) {
	needNamespaces(t, role)
	b := observe(t, initKind{name: "Q28 sketch", role: role, goInit: true})
	assert.Zero(t, b.zombiesLeft)
	assert.Equal(t, "nothing", b.gcPending, "Q28 signals the app only")
	// 255 is os.Exit(-1); 0 is a run whose status its reaper took.
	assert.Contains(t, []int{255, 0}, b.termExit, "SIGTERM")
	assert.Contains(t, []int{3, 0}, b.exit3, "exit 3")
	assert.Contains(t, []int{255, 0}, b.killExit, "SIGKILL")
	assert.Equal(t, "killed when PID 1 exited", b.gcFate)
	t.Logf("%s", table(b))
}

func proveGoInitMatchesTini(t childproc.T, role childproc.Role) {
	needNamespaces(t, role)
	kinds := []initKind{{name: "Go init (fixed.go)", role: role, goInit: true}}
	for _, name := range []string{"tini", "dumb-init"} {
		k, missing := realInit(name)
		if missing != "" {
			childproc.SkipWith(t, missing, underInit, app, sleeper, forker)
		}
		kinds = append(kinds, k)
	}
	var rows []behaviour
	for _, k := range kinds {
		b := observe(t, k)
		assert.Zero(t, b.zombiesLeft, k.name)
		assert.Equal(t, 128+int(syscall.SIGTERM), b.termExit, "%s: app killed by SIGTERM", k.name)
		assert.Equal(t, 3, b.exit3, "%s: app exited 3", k.name)
		assert.Equal(t, 128+int(syscall.SIGKILL), b.killExit, "%s: app killed by SIGKILL", k.name)
		assert.Equal(t, 0, b.leaveExit, "%s: app exited 0 leaving a grandchild", k.name)
		assert.Equal(t, "killed when PID 1 exited", b.gcFate, k.name)
		rows = append(rows, b)
	}
	// tini signals the app alone unless run with -g; dumb-init (setsid
	// mode, its default) and the fixed Go init signal the app's group.
	assert.Equal(t, "SIGTERM", rows[0].gcPending, "the Go init")
	assert.Equal(t, "nothing", rows[1].gcPending, "tini")
	assert.Equal(t, "SIGTERM", rows[2].gcPending, "dumb-init")
	t.Logf("%s", table(rows...))
}

// table renders rows as the markdown table of the README.
func table(rows ...behaviour) string {
	var b strings.Builder
	b.WriteString("\n| init | zombies left after a storm | app saw | grandchild was sent | exit: app killed by SIGTERM | exit: app exited 3 | exit: app killed by SIGKILL | exit: app left a grandchild | the grandchild |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fate := r.gcFate
		if r.gcSawTermRun {
			fate += " (its SIGTERM handler ran first)"
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %d | %d | %d | %d | %s |\n",
			r.init, r.zombiesLeft, r.appSaw, r.gcPending, r.termExit, r.exit3, r.killExit, r.leaveExit, fate)
	}
	return b.String()
}
