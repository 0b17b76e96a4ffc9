//go:build linux

package proofs

import (
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/stretchr/testify/assert"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/zombies"
)

// CompareInits runs the same scenarios under the Go inits and under the
// real thing.
var CompareInits = catalog.Entry{
	ID:    "zombies/init-vs-tini",
	Title: "The Go init against tini and dumb-init: orphans, signals, exit codes and grandchildren",
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
	Quiz: catalog.Quiz{
		Scenario: "the same init runs beside tini and dumb-init: orphans, SIGTERM to the app, an app that exits 3",
		AskFixed: true,
		Wrong:    "the Go init matches tini, which sends SIGTERM to the app's whole group too",
	},
	Roles: zombies.GoInit,
	Broken: catalog.Half{
		Says:  "the Q28 init reaps like tini but exits 255 or 0 where tini exits 143",
		Prove: proveQ28DiffersFromTini,
	},
	Fixed: catalog.Half{
		Says:  "the Go init matches tini and dumb-init, sending SIGTERM to the group as dumb-init does",
		Prove: proveGoInitMatchesTini,
	},
}

// An initKind is an init to compare.
type initKind struct {
	name   string
	role   role.Role
	args   []string // before the scenario's own
	goInit bool
}

// realInit names tini or dumb-init, or says why it cannot run here.
func realInit(name string) (initKind, string) {
	path := "/usr/bin/" + name
	if _, err := os.Stat(path); err != nil {
		return initKind{}, fmt.Sprintf("%s is not installed (apt-get install %s): %v", name, name, err)
	}
	return initKind{name: name, role: zombies.UnderInit, args: []string{path}}, ""
}

// A comparison is the two scenarios of one init, started together.
type comparison struct {
	kind       initKind
	term, exit *initRun
}

// A behaviour is one row of the comparison's table.
type behaviour struct {
	init     string
	gcSent   bool // SIGTERM to the init reached the app's grandchild too
	termExit int  // the init's status when the app died of SIGTERM
	exit3    int  // ... when the app exited 3
	gcKilled bool // the grandchild the app left was gone once the init had exited
}

// compare starts the two scenarios under one init: the app leaves orphans
// that are zombies when the init adopts them, then gets SIGTERM with a
// stopped grandchild, which it leaves behind when it dies; and the app
// exits 3. They run at once; observe then drives each in turn.
func compare(t childproc.T, k initKind) *comparison {
	t.Helper()
	start := func(s ...string) *initRun {
		return startInit(t, k.role, k.goInit, true, append(append([]string(nil), k.args...), s...)...)
	}
	return &comparison{kind: k, term: start("term", "storm"), exit: start("exit", "3")}
}

func (c *comparison) observe(t childproc.T) behaviour {
	t.Helper()
	b := behaviour{init: c.kind.name}
	out := term(t, c.term)
	b.gcSent, b.termExit, b.gcKilled = out.gcSent, out.res.ExitCode, out.gcKilled
	b.exit3 = c.exit.p.Wait(t).ExitCode
	return b
}

// Every init leaves no grandchild behind: the kernel kills the namespace
// when PID 1 exits. (Every init reaped the orphans too: term waited for it.)
func assertCommon(t childproc.T, b behaviour) {
	assert.True(t, b.gcKilled, "%s: the grandchild died with PID 1", b.init)
}

func proveQ28DiffersFromTini(t childproc.T, r role.Role) {
	needNamespaces(t, r)
	b := compare(t, initKind{name: "Q28 sketch (broken.go)", role: r, goInit: true}).observe(t)
	assertCommon(t, b)
	assert.False(t, b.gcSent, "Q28 signals the app only")
	// 255 is os.Exit(-1); 0 is a run whose status its reaper took, which
	// can happen to the exit-3 run too.
	assert.Contains(t, []int{255, 0}, b.termExit, "app killed by SIGTERM")
	assert.Contains(t, []int{3, 0}, b.exit3, "app exited 3")
	if !t.Failed() {
		t.Logf("%s", table(b))
	}
}

func proveGoInitMatchesTini(t childproc.T, r role.Role) {
	needNamespaces(t, r)
	kinds := []initKind{{name: "Go init (fixed.go)", role: r, goInit: true}}
	for _, name := range []string{"tini", "dumb-init"} {
		k, missing := realInit(name)
		if missing != "" {
			childproc.SkipWith(t, missing, append([]role.Role{zombies.UnderInit}, zombies.InitTree...)...)
		}
		kinds = append(kinds, k)
	}
	var runs []*comparison
	for _, k := range kinds {
		runs = append(runs, compare(t, k))
	}
	var rows []behaviour
	for _, c := range runs {
		b := c.observe(t)
		assertCommon(t, b)
		assert.Equal(t, 3, b.exit3, "%s: app exited 3", b.init)
		assert.Equal(t, 128+int(syscall.SIGTERM), b.termExit, "%s: app killed by SIGTERM", b.init)
		rows = append(rows, b)
	}
	// tini signals the app alone unless run with -g; dumb-init (setsid
	// mode, its default) and the fixed Go init signal the app's group.
	assert.True(t, rows[0].gcSent, "the Go init signals the group")
	assert.False(t, rows[1].gcSent, "tini signals the app only")
	assert.True(t, rows[2].gcSent, "dumb-init signals the group")
	if !t.Failed() {
		t.Logf("%s", table(rows...))
	}
}

// table renders rows as the README's table: one column per init, one row
// per behaviour, so that the inits can be read side by side.
func table(inits ...behaviour) string {
	var b strings.Builder
	line := func(what string, cell func(behaviour) string) {
		b.WriteString("| " + what)
		for _, i := range inits {
			b.WriteString(" | " + cell(i))
		}
		b.WriteString(" |\n")
	}
	b.WriteString("\n")
	line("", func(i behaviour) string { return i.init })
	line("---", func(behaviour) string { return "---" })
	line("adopted orphans", func(behaviour) string { return "all reaped" })
	line("SIGTERM reached the grandchild", func(i behaviour) string { return yesNo(i.gcSent, "yes", "no") })
	line("exit, app killed by SIGTERM", func(i behaviour) string { return fmt.Sprint(i.termExit) })
	line("exit, app exited 3", func(i behaviour) string { return fmt.Sprint(i.exit3) })
	line("the grandchild the app left", func(i behaviour) string { return yesNo(i.gcKilled, "killed with PID 1", "outlived PID 1") })
	return b.String()
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}
