//go:build unix

package proofs

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/termination"
)

// The table of the topic's README: what each way of ending a Go process
// runs on the way out, observed in one child process per row. The
// mechanisms and their roles are in ../mechanisms.go.

// Cells of the table.
const (
	ran     = "run"
	notRun  = "not run"
	none    = "none left"
	yes     = "yes"
	no      = "no"
	nothing = "nothing"
	// Hangs is the exit cell of a process that never exits by itself.
	Hangs = "none: hangs for ever"
)

// logTime stands for the date and time the log package puts first.
const logTime = "YYYY/MM/DD hh:mm:ss"

// goexitDeadlock is what the runtime prints when main has called Goexit
// and no goroutine is left: checkdead in $GOROOT/src/runtime/proc.go.
const goexitDeadlock = "fatal error: no goroutines (main called runtime.Goexit) - deadlock!"

// An Outcome is one row of the table as a child lived it.
type Outcome struct {
	Exit         string // as a shell user would say it: "exit 2", "killed by SIGKILL (137)"
	EndingDefers string // deferred calls of the goroutine that ended the process
	OtherDefers  string // deferred calls of another goroutine
	Flushed      string // did the deferred Flush of a bufio.Writer reach stdout
	Finalizer    string // did the finalizer of unreachable garbage run
	Stderr       string // what the process printed on stderr, summarised
}

// A Row is one row of the table: a mechanism run in one kind of program,
// and what must happen.
type Row struct {
	Label     string // the row's first cell
	Mechanism termination.Mechanism
	Role      role.Role
	Cgo       bool // the program links runtime/cgo
	Want      Outcome
}

// want is what each mechanism does in a program built without cgo, and
// wantCgo what the mechanisms that depend on it do in one that links
// runtime/cgo. checkdead, which ends a program whose main called Goexit
// once no goroutine is left, only looks when no thread is running; a
// program that links runtime/cgo keeps an extra thread for calls from C,
// which always counts as running (run0 is 0 when iscgo), so the check
// never fires and the process lives on with no goroutine of its own.
var (
	want = map[string]Outcome{
		"return": {Exit: "exit 0", EndingDefers: ran, OtherDefers: notRun, Flushed: yes,
			Finalizer: notRun, Stderr: nothing},
		"os-exit": {Exit: fmt.Sprintf("exit %d", termination.ChosenStatus), EndingDefers: notRun, OtherDefers: notRun,
			Flushed: no, Finalizer: notRun, Stderr: nothing},
		"log-fatal": {Exit: "exit 1", EndingDefers: notRun, OtherDefers: notRun, Flushed: no,
			Finalizer: notRun, Stderr: mono(logTime + " " + termination.Message)},
		"log-panic": {Exit: "exit 2", EndingDefers: ran, OtherDefers: notRun, Flushed: yes, Finalizer: notRun,
			Stderr: mono(logTime+" "+termination.Message) + " " + mono("panic: "+termination.Message) + stacks(1)},
		"panic-main": {Exit: "exit 2", EndingDefers: ran, OtherDefers: notRun, Flushed: yes,
			Finalizer: notRun, Stderr: mono("panic: "+termination.Message) + stacks(1)},
		"panic-goroutine": {Exit: "exit 2", EndingDefers: ran, OtherDefers: notRun, Flushed: yes,
			Finalizer: notRun, Stderr: mono("panic: "+termination.Message) + stacks(1)},
		"panic-recovered": {Exit: "exit 0", EndingDefers: ran, OtherDefers: notRun, Flushed: yes,
			Finalizer: notRun, Stderr: nothing},
		"goexit-working": {Exit: "exit 2", EndingDefers: ran, OtherDefers: ran, Flushed: yes,
			Finalizer: notRun, Stderr: mono(goexitDeadlock)},
		"goexit-last": {Exit: "exit 2", EndingDefers: ran, OtherDefers: none, Flushed: yes,
			Finalizer: notRun, Stderr: mono(goexitDeadlock)},
		"sigkill": {Exit: killedBy(syscall.SIGKILL), EndingDefers: notRun, OtherDefers: notRun, Flushed: no,
			Finalizer: notRun, Stderr: nothing},
		"sigterm": {Exit: killedBy(syscall.SIGTERM), EndingDefers: notRun, OtherDefers: notRun, Flushed: no,
			Finalizer: notRun, Stderr: nothing},
		"sigquit": {Exit: "exit 2", EndingDefers: notRun, OtherDefers: notRun, Flushed: no, Finalizer: notRun,
			Stderr: mono("SIGQUIT: quit") + stacks(2) + " and of the runtime's own, then the registers"},
	}
	wantCgo = map[string]Outcome{
		"goexit-working": {Exit: Hangs, EndingDefers: ran, OtherDefers: ran, Flushed: yes,
			Finalizer: notRun, Stderr: nothing},
		"goexit-last": {Exit: Hangs, EndingDefers: ran, OtherDefers: none, Flushed: yes,
			Finalizer: notRun, Stderr: nothing},
	}
)

// Rows lists the rows of the table in order. A mechanism whose outcome
// depends on cgo gives two rows, one for each kind of program.
func Rows() []Row {
	var rows []Row
	for _, m := range termination.Mechanisms {
		w, ok := want[m.Slug]
		if !ok {
			panic("proofs: no expected outcome for mechanism " + m.Slug)
		}
		if !m.DependsOnCgo() {
			rows = append(rows, Row{Label: m.Name, Mechanism: m, Role: m.Role, Want: w})
			continue
		}
		rows = append(rows,
			Row{Label: m.Name + ", program without cgo", Mechanism: m, Role: m.Role, Want: w},
			Row{Label: m.Name + ", program that links cgo", Mechanism: m, Role: m.CgoRole, Cgo: true, Want: wantCgo[m.Slug]})
	}
	return rows
}

// ProveRow runs the row's child, asserts exactly what happened and that
// the program links runtime/cgo exactly when the row says so, and returns
// what it observed. It logs what it saw only if every assertion held.
func ProveRow(t childproc.T, row Row) Outcome {
	got, evidence := ProveOutcome(t, row, row.Role)
	exe, err := childproc.Program(row.Role)
	require.NoError(t, err)
	linked, err := childproc.Linked(exe)
	require.NoError(t, err)
	require.Equal(t, row.Cgo, linked.Cgo, "the child program links runtime/cgo (x_cgo_init in its symbol table)")
	if !t.Failed() {
		t.Logf("%s: %s; defers here %s, elsewhere %s; deferred Flush %s; finalizer %s; stderr: %s%s",
			row.Label, got.Exit, got.EndingDefers, got.OtherDefers, FlushedCell(got.Flushed), got.Finalizer, got.Stderr, evidence)
	}
	return got
}

// ProveOutcome runs the row's mechanism with role r and asserts the row's
// outcome from how the child ended. The negative controls run it with the
// other kind of program's role, where it must fail.
func ProveOutcome(t childproc.T, row Row, r role.Role) (got Outcome, evidence string) {
	// The runtime's own default: a panic prints the panicking goroutine only.
	opts := []childproc.Option{childproc.Env("GOTRACEBACK=single")}
	if row.Want.Exit != Hangs {
		opts = append(opts, childproc.Timeout(childproc.FinishBound))
		if row.Mechanism.DependsOnCgo() {
			opts = append(opts, neverNoGoroutineLeft(row.Mechanism))
		}
	}
	p := childproc.Start(t, r, opts...)
	if row.Mechanism.Signal != 0 {
		p.WaitReady(t)
		p.Signal(t, row.Mechanism.Signal)
	}
	var res childproc.Result
	if row.Want.Exit == Hangs {
		res, evidence = proveNoGoroutineLeft(t, p, row.Mechanism)
	} else {
		res = p.Wait(t)
	}
	got = observe(row.Mechanism, res)
	require.Equal(t, row.Want, got, "stderr:\n%s\nevents: %q", res.Stderr, res.Events)
	switch row.Mechanism.Slug {
	case "panic-recovered":
		// Execution does not resume after the panicking call (C011).
		require.Contains(t, res.Events, termination.Recovered+`"set by the deferred call after recovering `+termination.Message+`"`)
	case "goexit-working":
		// Main's deferred calls ran first, then the other goroutine went on.
		require.Equal(t, []string{termination.EndingDeferRan, termination.OtherWorked, termination.OtherDeferRan}, res.Events)
	}
	return got, evidence
}

// neverNoGoroutineLeft is the hang of the program that links cgo, as a
// state in which a proof that waits for the exit would wait for ever:
// main's deferred calls have run (and the other goroutine's, if it works
// on), and the child waits for nothing of its own
// (procfs.WaitsForOthers), at two looks in a row. The program without
// cgo is never seen so: its last thread runs on from main's Goexit into
// checkdead, prints the fatal error, and waits for the others to stop in
// short sleeps (usleep, in freezetheworld), which WaitsForOthers does not
// allow, before it exits.
func neverNoGoroutineLeft(m termination.Mechanism) childproc.Option {
	last := lastEvent(m)
	return childproc.StuckWhenSeenTwice("main's goroutine has ended, and no goroutine is left to end the program",
		func(p *childproc.Proc) string {
			if !slices.Contains(p.Events(), last) || !procfs.WaitsForOthers(p.Pid) {
				return ""
			}
			return last
		})
}

// lastEvent is the last event a Goexit row's child gives before it
// either dies of checkdead's fatal error or hangs.
func lastEvent(m termination.Mechanism) string {
	if m.Other == termination.OtherWorksOn {
		return termination.OtherDeferRan
	}
	return termination.EndingDeferRan
}

// proveNoGoroutineLeft shows that a child whose main goroutine called
// Goexit lives on with no goroutine of its own. Main's deferred calls have
// run, so main called Goexit (a return would have exited); then every
// thread of the live process sleeps, and the SIGQUIT dump that Stop takes
// holds the runtime's goroutines only, with nothing printed before it.
// The program without cgo never shows that: its last thread runs on from
// main's Goexit into checkdead and prints the fatal error; only then do
// its threads all sleep, for the few milliseconds fatal waits for the
// others to stop (freezetheworld) before it exits. A proof that catches
// that moment finds the fatal error printed before the dump.
func proveNoGoroutineLeft(t childproc.T, p *childproc.Proc, m termination.Mechanism) (childproc.Result, string) {
	last := lastEvent(m)
	p.Await(t, last)
	p.Until(t, "every thread of the live child sleeps", func() bool { return procfs.Alive(p.Pid) && procfs.Idle(p.Pid) })
	threads := len(procfs.Threads(p.Pid))
	res := p.Stop(t)
	before, _, dumped := strings.Cut(res.Stderr, "SIGQUIT: quit")
	require.True(t, dumped, "Stop's SIGQUIT made the child dump its goroutines:\n%s", res.Stderr)
	require.Empty(t, strings.TrimSpace(before), "the runtime printed nothing before it was stopped")
	goroutines := res.Goroutines()
	require.NotEmpty(t, goroutines, "the dump shows the runtime's goroutines:\n%s", res.Stacks)
	for _, g := range goroutines {
		require.NotEqual(t, "1", g.ID, "main's goroutine is gone:\n%s", res.Stacks)
		for _, f := range g.Frames {
			require.True(t, strings.HasPrefix(f, "runtime."), "goroutine %s runs the program's code (%s):\n%s", g.ID, f, res.Stacks)
		}
	}
	return res, fmt.Sprintf("; main's deferred calls ran, then all %d threads of the live process slept, "+
		"nothing was printed, and the SIGQUIT dump held %d goroutines, all the runtime's", threads, len(goroutines))
}

// observe reads an outcome from what a child of the table left behind.
func observe(m termination.Mechanism, res childproc.Result) Outcome {
	o := Outcome{
		Exit:         res.Status(),
		EndingDefers: runOrNot(res.HasEvent(termination.EndingDeferRan)),
		OtherDefers:  runOrNot(res.HasEvent(termination.OtherDeferRan)),
		Flushed:      no,
		Finalizer:    runOrNot(res.HasEvent(termination.FinalizerRan)),
		Stderr:       summarise(res.Stderr),
	}
	if m.Other == termination.OtherNone {
		o.OtherDefers = none
	}
	if res.Stopped {
		// The proof showed the hang and stopped the child with SIGQUIT:
		// what came before the dump is what the process printed.
		o.Exit = Hangs
		before, _, _ := strings.Cut(res.Stderr, "SIGQUIT: quit")
		o.Stderr = summarise(before)
	}
	if strings.Contains(res.Stdout, termination.BufferedLine+"\n") {
		o.Flushed = yes
	}
	return o
}

func runOrNot(b bool) string {
	if b {
		return ran
	}
	return notRun
}

func killedBy(sig syscall.Signal) string {
	return childproc.Result{Signal: sig, ShellCode: 128 + int(sig)}.Status()
}

var (
	logTimeRE   = regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d`)
	goroutineRE = regexp.MustCompile(`^goroutine (\d+) .*\[.*\]:$`)
	registerRE  = regexp.MustCompile(`^\w+ +0x[0-9a-f]+$`)
)

// summarise keeps what a reader of stderr sees first: the lines before the
// first goroutine's stack, with the log's timestamp masked, then what
// follows them: how many goroutines of the program had their stacks
// printed, whether the runtime's own goroutines were shown too (their
// number changes from run to run), and whether the registers were.
func summarise(stderr string) string {
	if strings.TrimSpace(stderr) == "" {
		return nothing
	}
	d := parseDump(stderr)
	s := strings.Join(d.head, " ")
	if d.ours > 0 {
		s += stacks(d.ours)
	}
	if d.runtimes > 0 {
		s += " and of the runtime's own"
	}
	if d.registers {
		s += ", then the registers"
	}
	return s
}

// A dump is what the runtime printed on its way out.
type dump struct {
	head      []string // the lines before the stacks, in code font
	ours      int      // stacks of the program's goroutines
	runtimes  int      // stacks of the runtime's own goroutines
	registers bool
}

func parseDump(stderr string) dump {
	var d dump
	inStack := false
	for _, block := range strings.Split(stderr, "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		switch m := goroutineRE.FindStringSubmatch(lines[0]); {
		case m != nil && m[1] == "0":
			inStack = true // the signal handler's own stack
		case m != nil && strings.Contains(block, "created by runtime."):
			inStack, d.runtimes = true, d.runtimes+1
		case m != nil:
			inStack, d.ours = true, d.ours+1
		case registerRE.MatchString(lines[0]):
			d.registers = true
		case !inStack:
			for _, l := range lines {
				if l != "" && !strings.HasPrefix(l, "PC=") {
					d.head = append(d.head, mono(logTimeRE.ReplaceAllString(l, logTime)))
				}
			}
		}
	}
	return d
}

func stacks(n int) string {
	if n == 1 {
		return " + the stack of 1 goroutine"
	}
	return fmt.Sprintf(" + the stacks of %d goroutines", n)
}

// mono sets text in code font in a markdown cell.
func mono(s string) string { return "`" + strings.ReplaceAll(s, "|", `\|`) + "`" }

// TableHead is the head of the table.
const TableHead = "| Mechanism | Defers, goroutine that ends it | Defers, another goroutine | Deferred `Flush` of a `bufio.Writer` | Finalizer | Exit status (`$?`) | stderr |\n" +
	"|---|---|---|---|---|---|---|\n"

// TableRow renders one observed row of the table.
func TableRow(label string, o Outcome) string {
	return "| " + strings.Join([]string{label, o.EndingDefers, o.OtherDefers,
		FlushedCell(o.Flushed), o.Finalizer, o.Exit, o.Stderr}, " | ") + " |\n"
}

// FlushedCell says in the table whether the deferred Flush ran.
func FlushedCell(f string) string {
	if f == yes {
		return "ran: line reached stdout"
	}
	return "did not run: line lost"
}
