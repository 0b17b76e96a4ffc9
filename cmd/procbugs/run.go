package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

const runHelp = `Usage: procbugs run [ID|TOPIC...]

Runs the broken and the fixed code of each entry live, each in a child
process, and says what it observed and how long it took. Where an entry
involves a process tree, it draws the tree as it stood while the code ran,
and what was left after. The exit status is 1 if any observation
contradicts the catalog's record: run it as a self-check on a new Go
version or kernel. Ctrl-C stops every child it started.

Examples:
  procbugs run                          the whole catalog
  procbugs run pipes                    one topic
  procbugs run pipes/wait-before-read   one entry
`

// An outcome is what one entry's run found.
type outcome struct {
	entry         catalog.Entry
	broken, fixed catalog.Observation
}

func cmdRun(u *ui, args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	words, status := parse(u, fs, runHelp, args)
	if status != nil {
		return *status
	}
	entries, err := resolve(words)
	if err != nil {
		return fail(u, "run", err)
	}
	if len(entries) == 0 {
		u.println("No entries to run.")
		return exitOK
	}
	sweep, err := childproc.Supervise()
	if err != nil {
		fmt.Fprintf(u.err, "procbugs run: %v\n", err)
		return exitFailed
	}
	live := newLive(u, sweep)
	defer live.close()

	start := time.Now()
	var outcomes []outcome
	total := 2 * len(entries)
	for i, e := range entries {
		u.println(u.paint(bold+";"+cyan, e.ID))
		u.para("", e.Title)
		o := outcome{entry: e}
		for half, broken := range []bool{true, false} {
			if len(entries) > 1 {
				u.status(fmt.Sprintf("[%d/%d] %s, %s half…", 2*i+half+1, total, e.ID, halfName(broken)))
			}
			obs, tree, ok := live.observe(e, broken, false)
			u.clearStatus()
			if !ok {
				return live.interrupted(start)
			}
			u.narrate(obs, e.Tree, tree)
			if broken {
				o.broken = obs
			} else {
				o.fixed = obs
			}
		}
		outcomes = append(outcomes, o)
		u.println()
	}
	return u.summary(outcomes, live.finish(), time.Since(start))
}

func halfName(broken bool) string {
	if broken {
		return "broken"
	}
	return "fixed"
}

// live runs observations so that an interrupt stops them: on SIGINT or
// SIGTERM it kills the group of every child the harness started, and sweeps
// any orphan that escaped its group.
type live struct {
	u     *ui
	sweep func() []string
	sigs  chan os.Signal
	got   os.Signal
	swept []string // orphans the interrupt swept
}

func newLive(u *ui, sweep func() []string) *live {
	l := &live{u: u, sweep: sweep, sigs: make(chan os.Signal, 1)}
	signal.Notify(l.sigs, os.Interrupt, syscall.SIGTERM)
	return l
}

func (l *live) close() { signal.Stop(l.sigs) }

// observe runs one half of an entry and samples its process tree. It
// returns ok false when the user interrupted it.
func (l *live) observe(e catalog.Entry, broken, exercise bool) (catalog.Observation, []*node, bool) {
	var s *sampler
	if e.Tree {
		s = startSampler()
	}
	done := make(chan catalog.Observation, 1)
	go func() { done <- catalog.Observe(e, broken, exercise) }()
	select {
	case obs := <-done:
		var tree []*node
		if s != nil {
			tree = s.finish()
		}
		// An interrupt that came as the proof ended still stops the run.
		select {
		case l.got = <-l.sigs:
			return obs, tree, false
		default:
			return obs, tree, true
		}
	case l.got = <-l.sigs:
		childproc.StopAll()
		if s != nil {
			s.finish()
		}
		l.settle()
		return catalog.Observation{}, nil, false
	}
}

// settle waits, within a bound, until no child of this process is left:
// the harness reaps the children it started once they die, and the sweep
// kills and reaps any orphan. Exiting before that would hand zombies and
// orphans to whoever started procbugs.
func (l *live) settle() {
	deadline := time.Now().Add(2 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for len(childproc.Children(os.Getpid())) > 0 && time.Now().Before(deadline) {
		childproc.StopAll() // a proof may have started a child since
		l.swept = append(l.swept, l.sweep()...)
		<-tick.C
	}
}

// finish sweeps orphans and reports them: a proof must leave nothing.
func (l *live) finish() []string {
	left := l.sweep()
	if len(left) > 0 {
		fmt.Fprintf(l.u.err, "procbugs: processes outlived the proofs that started them and were killed: %s\n",
			strings.Join(left, ", "))
	}
	return left
}

func (l *live) interrupted(start time.Time) int {
	left := append(l.swept, l.sweep()...)
	l.u.clearStatus()
	name := "SIGINT"
	if l.got == syscall.SIGTERM {
		name = "SIGTERM"
	}
	fmt.Fprintf(l.u.err, "\nprocbugs: interrupted by %s after %v; stopped every child", name,
		time.Since(start).Round(time.Millisecond))
	if len(left) > 0 {
		fmt.Fprintf(l.u.err, " and swept %s", strings.Join(left, ", "))
	}
	fmt.Fprintln(l.u.err)
	if l.got == syscall.SIGTERM {
		return 128 + int(syscall.SIGTERM)
	}
	return exitInterrupted
}

// narrate prints what one half's proof observed.
func (u *ui) narrate(o catalog.Observation, tree bool, nodes []*node) {
	const indent = "          "
	u.printf("  %s", u.paint(bold, fmt.Sprintf("%-8s", o.Half)))
	for i, l := range wrap(o.Says, width-len(indent)) {
		if i > 0 {
			u.printf("%s", indent)
		}
		u.printf("%s\n", l)
	}
	for _, l := range o.Logs {
		u.para(indent, l)
	}
	if tree && o.Skipped == "" {
		if len(nodes) > 0 {
			u.printf("%s%s\n", indent, u.paint(dim, "while it ran:"))
			u.drawTree(indent, nodes)
		}
		after := snapshot(os.Getpid())
		if len(after) == 0 {
			u.printf("%s%s\n", indent, u.paint(dim, "after: no process left"))
		} else {
			u.printf("%s%s\n", indent, u.paint(dim, "after:"))
			u.drawTree(indent, after)
		}
	}
	switch {
	case o.Skipped != "":
		u.para(indent, u.paint(yellow, "skipped: "+o.Skipped))
	case o.OK():
		u.printf("%s%s in %v\n", indent, u.paint(green, "as recorded"), o.Elapsed.Round(time.Millisecond))
	default:
		u.printf("%s%s in %v:\n", indent, u.paint(bold+";"+red, "CONTRADICTS THE RECORD"), o.Elapsed.Round(time.Millisecond))
		for _, f := range o.Failures {
			for _, l := range failureLines(f, width-len(indent)-2) {
				u.printf("%s  %s\n", indent, l)
			}
		}
	}
}

// maxFailureLines bounds what one failure shows: a hung child's stacks
// would fill the screen; go test -v -run shows everything.
const maxFailureLines = 8

// failureLines keeps what a failure says (testify's Error and Messages,
// or the whole message of a plain Errorf), without the trace, wrapped at n
// columns and cut after a few lines.
func failureLines(f string, n int) []string {
	var kept []string
	skip := false
	for _, l := range strings.Split(strings.TrimSpace(f), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "Error Trace:"), strings.HasPrefix(l, "Test:"):
			skip = true
			continue
		case strings.HasPrefix(l, "Error:"), strings.HasPrefix(l, "Messages:"):
			skip = false
		}
		if !skip && l != "" {
			kept = append(kept, wrap(collapse(l), n)...)
		}
	}
	if len(kept) > maxFailureLines {
		kept = append(kept[:maxFailureLines-1], fmt.Sprintf("… %d more lines", len(kept)-maxFailureLines+1))
	}
	return kept
}

func verdictOf(o catalog.Observation) string {
	switch {
	case o.Skipped != "":
		return "skipped"
	case o.OK():
		return "as recorded"
	}
	return "CONTRADICTED"
}

// summary prints the table of outcomes and the closing note, and returns
// the exit status: 1 if any observation contradicted its record or a proof
// left a process behind.
func (u *ui) summary(outcomes []outcome, leftovers []string, wall time.Duration) int {
	idWidth := len("entry")
	for _, o := range outcomes {
		idWidth = max(idWidth, len(o.entry.ID))
	}
	idWidth = min(idWidth, width-2-13-13-8)
	u.println(u.paint(bold, fmt.Sprintf("%-*s  %-13s%-13s%8s", idWidth, "entry", "broken", "fixed", "time")))
	contradicted, skipped := 0, 0
	for _, o := range outcomes {
		cells := []string{}
		for _, obs := range []catalog.Observation{o.broken, o.fixed} {
			v := verdictOf(obs)
			style := green
			switch v {
			case "skipped":
				style = yellow
				skipped++
			case "CONTRADICTED":
				style = red
				contradicted++
			}
			cells = append(cells, u.paint(style, fmt.Sprintf("%-13s", v)))
		}
		t := (o.broken.Elapsed + o.fixed.Elapsed).Round(time.Millisecond)
		u.printf("%-*s  %s%s%8v\n", idWidth, clip(o.entry.ID, idWidth), cells[0], cells[1], t)
	}
	u.println()
	n := 2 * len(outcomes)
	switch {
	case contradicted > 0:
		u.printf("%s of %d contradicted the record. ", plural(contradicted, "observation", "observations"), n)
	case skipped > 0:
		u.printf("%d of %d observations as recorded, %d skipped here. ", n-skipped, n, skipped)
	default:
		u.printf("All %d observations as recorded. ", n)
	}
	u.printf("Wall time %.2f s.\n", wall.Seconds())
	if contradicted > 0 || len(leftovers) > 0 {
		return exitFailed
	}
	return exitOK
}
