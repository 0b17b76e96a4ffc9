package main

import (
	"bytes"
	"flag"
	"fmt"
	"runtime"
	"strings"
	"time"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

const runHelp = `Usage: procbugs run [--step] [ID|TOPIC...]

Runs the broken and the fixed code of each entry live, each in a child
process, and says what its proof observed and how long it took. Where an
entry involves a process tree, it draws the tree as it stood at the moment
the proof took its evidence, and what was left behind before the cleanup.
Independent entries run at the same time; the output keeps the catalog's
order.

The exit status is 1 if any observation contradicts the catalog's record
or a proof left a process behind: run it as a self-check on a new Go
release or kernel. It says which Go release, kernel and architecture it
observed on. Ctrl-C stops every child it started.

It needs Linux, the source tree (run it inside a clone) and the go
command: the children are a program built from the lessons.

  --step   one entry at a time, waiting for Enter before the next (q and
           Enter stops): for a class

Examples:
  procbugs run                          the whole catalog
  procbugs run pipes                    one topic
  procbugs run pipes/wait-before-read   one entry
  procbugs run --step pipes             a topic, one entry per Enter
`

// workers is how many halves run at once. The proofs spend their time
// waiting for their children, which sleep most of the time too; but each
// live child costs every other proof's cleanup a little, since the
// harness reads the whole tree below this process to find a group's
// members.
var workers = func() int { return max(8, 4*runtime.NumCPU()) }

func cmdRun(u *ui, args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	step := fs.Bool("step", false, "wait for Enter between entries")
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
	l, err := startLive(u, "run")
	if err != nil {
		u.errorf("%v\n", err)
		return exitFailed
	}
	defer l.close()
	if err := l.prepare(entries); err != nil {
		u.errorf("procbugs run: %v\n", err)
		return exitFailed
	}

	start := time.Now()
	u.println(u.paint(dim, "Observed on "+catalog.Platform()+"."))
	u.println()
	var runs []entryRun
	if *step {
		var ok bool
		if runs, ok = l.stepThrough(entries); !ok {
			return l.interrupted(start)
		}
	} else {
		// Each entry's narration is written as soon as the entry and every
		// entry before it are done: the catalog's order, at the pace of
		// the slowest.
		pending := make([]*entryRun, len(entries))
		next := 0
		if !l.observeAll(entries, bothHalves, false, workers(), func(i int, r entryRun) {
			pending[i] = &r
			for next < len(pending) && pending[next] != nil {
				u.clearStatus()
				u.entry(*pending[next])
				runs = append(runs, *pending[next])
				next++
			}
			if len(entries) > 1 && next < len(entries) {
				u.status(fmt.Sprintf("[%d/%d] waiting for %s…", next, len(entries), entries[next].ID))
			}
		}) {
			return l.interrupted(start)
		}
	}
	return u.summary(runs, l.finish(), time.Since(start))
}

// stepThrough runs the entries one at a time, each once Enter is pressed.
// It returns false if the user interrupted it.
func (l *live) stepThrough(entries []catalog.Entry) ([]entryRun, bool) {
	u := l.u
	lines := readLines(u.in)
	var runs []entryRun
	for i, e := range entries {
		var r entryRun
		if !l.observeAll([]catalog.Entry{e}, bothHalves, false, 2, func(_ int, got entryRun) { r = got }) {
			return nil, false
		}
		u.entry(r)
		runs = append(runs, r)
		if i == len(entries)-1 {
			break
		}
		u.printf("%s", u.paint(dim, fmt.Sprintf("[%d of %d] Enter: next, %s. q and Enter: stop. ", i+1, len(entries), entries[i+1].ID)))
		select {
		case line, ok := <-lines:
			if !u.keys {
				u.println()
			}
			if !ok || strings.TrimSpace(line) == "q" {
				u.println()
				return runs, true
			}
			u.println()
		case l.got = <-l.sigs:
			l.interrupt()
			return nil, false
		}
	}
	return runs, true
}

// entry prints one entry's narration: its title and both halves.
func (u *ui) entry(r entryRun) {
	var b bytes.Buffer
	w := u.to(&b)
	w.println(w.paint(bold+";"+cyan, r.entry.ID))
	w.para("", r.entry.Title)
	w.narrate(r.entry, r.broken)
	w.narrate(r.entry, r.fixed)
	w.println()
	u.out.Write(b.Bytes())
}

// narrate prints what one half's proof observed.
func (u *ui) narrate(e catalog.Entry, h half) {
	const indent = "          "
	o := h.obs
	u.printf("  %s", u.paint(bold, fmt.Sprintf("%-8s", o.Half)))
	for i, l := range wrap(o.Says, width-len(indent)) {
		if i > 0 {
			u.printf("%s", indent)
		}
		u.printf("%s\n", l)
	}
	if o.OK() && o.Skipped == "" {
		// A proof logs its sentence only once its assertions held; over
		// a failure, what it logged before is no observation.
		for _, l := range o.Logs {
			u.text(indent, l)
		}
	}
	if e.Tree && o.Skipped == "" {
		u.pictures(indent, h.pics, o.Half == "broken")
	}
	switch {
	case o.Skipped != "":
		u.para(indent, u.paint(yellow, "cannot be checked here: "+o.Skipped))
	case o.OK():
		u.printf("%s%s in %v\n", indent, u.paint(green, "as recorded"), o.Elapsed.Round(time.Millisecond))
	default:
		u.para(indent, u.paint(bold+";"+red, fmt.Sprintf("CONTRADICTS THE RECORD on %s, in %v:",
			catalog.Platform(), o.Elapsed.Round(time.Millisecond))))
		for _, f := range o.Failures {
			u.explained(indent+"  ", f)
		}
	}
}

// pictures draws the processes of a half at the moment its proof took its
// evidence, and what its child left behind before the cleanup.
func (u *ui) pictures(indent string, pics []picture, broken bool) {
	at, left := chosen(pics, broken)
	if at != nil {
		u.printf("%s%s\n", indent, u.paint(dim, "at the evidence, "+momentName(at.Moment)+":"))
		u.drawTree(indent, at.Nodes)
	}
	if left != nil {
		u.printf("%s%s\n", indent, u.paint(dim, "left behind when the child was done:"))
		u.drawTree(indent, left.Nodes)
		u.printf("%s%s\n", indent, u.paint(dim, "then cleaned up"))
	}
}

// chosen picks, among the pictures a proof's moments gave, the one of its
// evidence and the one of what its child left behind, if anything.
//
// The evidence is the last condition the proof waited for, or else the
// child as the proof stopped it. What was left behind is what the proof
// itself called the leftovers (KillGroup), or, for the broken code, what
// outlived the child when it ended. The fixed code's end is never drawn
// from the moment the child was reaped: a worker that its parent's death
// has just signalled may not have died yet, and would read as one that
// runs on.
func chosen(pics []picture, broken bool) (at, left *picture) {
	for i := range pics {
		p := &pics[i]
		n, _ := count(p.Nodes)
		switch p.Moment {
		case childproc.Evidence:
			if n > 0 {
				at = p
			}
		case childproc.Stopping:
			if n > 0 && (at == nil || at.Moment != childproc.Evidence) {
				at = p
			}
		case childproc.LeftBehind:
			if n > 0 {
				left = p
			}
		case childproc.Ended:
			if n > 0 && broken && left == nil {
				left = p
			}
		}
	}
	return at, left
}

func momentName(m string) string {
	if m == childproc.Stopping {
		return "as the proof stopped the child"
	}
	return "as the proof saw it"
}

func verdictOf(o catalog.Observation) string {
	switch {
	case o.Skipped != "":
		return "not here"
	case o.OK():
		return "as recorded"
	}
	return "CONTRADICTED"
}

// summary prints the table of outcomes and the closing note, and returns
// the exit status: 1 if any observation contradicted its record or a proof
// left a process behind.
func (u *ui) summary(runs []entryRun, leftovers []string, wall time.Duration) int {
	idWidth := len("entry")
	for _, r := range runs {
		idWidth = max(idWidth, len(r.entry.ID))
	}
	idWidth = min(idWidth, width-2-13-13-8)
	u.println(u.paint(bold, fmt.Sprintf("%-*s  %-13s%-13s%8s", idWidth, "entry", "broken", "fixed", "time")))
	contradicted, skipped := 0, 0
	var contradictions []string
	for _, r := range runs {
		cells := []string{}
		for _, h := range []half{r.broken, r.fixed} {
			v := verdictOf(h.obs)
			style := green
			switch v {
			case "not here":
				style = yellow
				skipped++
			case "CONTRADICTED":
				style = red
				contradicted++
				contradictions = append(contradictions, r.entry.ID+" ("+h.obs.Half+")")
			}
			cells = append(cells, u.paint(style, fmt.Sprintf("%-13s", v)))
		}
		t := (r.broken.obs.Elapsed + r.fixed.obs.Elapsed).Round(time.Millisecond)
		u.printf("%-*s  %s%s%8v\n", idWidth, clip(r.entry.ID, idWidth), cells[0], cells[1], t)
	}
	u.println()
	n := 2 * len(runs)
	var note string
	switch {
	case contradicted > 0:
		note = fmt.Sprintf("%s of %d contradicted the record on %s: %s. ",
			plural(contradicted, "observation", "observations"), n, catalog.Platform(), strings.Join(contradictions, ", "))
	case skipped > 0:
		note = fmt.Sprintf("%d of %d observations as recorded on %s; %d cannot be checked here. ",
			n-skipped, n, catalog.Platform(), skipped)
	default:
		note = fmt.Sprintf("All %d observations as recorded on %s. ", n, catalog.Platform())
	}
	if len(leftovers) > 0 {
		note += fmt.Sprintf("Proofs left %s behind. ", plural(len(leftovers), "process", "processes"))
	}
	u.para("", note+fmt.Sprintf("Wall time %.2fs.", wall.Seconds()))
	if contradicted > 0 || len(leftovers) > 0 {
		return exitFailed
	}
	return exitOK
}
