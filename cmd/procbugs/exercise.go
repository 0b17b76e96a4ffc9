package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"procbugs/helpers/catalog"
)

const exerciseHelp = `Usage: procbugs exercise [--once] [TOPIC|ID...]
       procbugs exercise --reset [TOPIC...]

The workshop. It takes the entries one at a time: mend the broken method
in the topic's broken.go until the entry's proof, which holds it to what
the fixed code does, passes. Each save is checked at once. When an entry
passes you see the reference fix; press n to go on.

Keys:
  h   a hint: the cause, then the fix in words (never the code)
  l   the list of entries with their state; pick one with j, k and Enter
  c   check every entry again
  r   restore the current method in broken.go to the original
  n   the next entry; before this one passes, n shows its reference fix
      first, and n again goes on
  q   quit (exit status 0)

  --once    check every entry one time, print their states and exit:
            0 when none still fails, 1 otherwise
  --reset   restore every method of broken.go, of the topics named or of
            all, to the original (as git has it committed): after a
            workshop, so that procbugs run agrees with the catalog again

A proof that cannot run here (it needs root, cgo or a program that is
missing) is shown as "cannot be checked here", never as fixed. Without a
terminal on standard input the watch ends when the input does, with the
exit status of --once.

It needs Linux, the source tree (run it inside a clone) and the go
command: every check builds the child program from your broken.go.

Examples:
  procbugs exercise pipes          the pipes topic
  make exercise T=pipes            the same, from the Makefile
  procbugs exercise --once pipes   one check, for scripts and CI
  procbugs exercise --reset        every topic back to the original
`

// pollEvery is how often the watch looks at broken.go for a save.
const pollEvery = 100 * time.Millisecond

// The states of an entry in the workshop.
type state int

const (
	toDo        state = iota
	fixed             // its proof passed on the student's code
	uncheckable       // its proof cannot run here
)

type exercise struct {
	u       *ui
	root    string
	entries []catalog.Entry
	states  map[string]state
	why     map[string]string // why an entry cannot be checked here
	current int
	hints   int
	sigs    chan os.Signal
	sweep   func() []string

	revealed map[string]bool // entries whose reference fix n showed before they passed

	// The mode of the screen: working on the current entry, looking at
	// its reference fix (waiting for n), or choosing from the list.
	mode   mode
	cursor int // the entry the list points at
}

type mode int

const (
	working mode = iota
	passed
	listing
)

func cmdExercise(u *ui, args []string) int {
	fs := flag.NewFlagSet("exercise", flag.ContinueOnError)
	once := fs.Bool("once", false, "check one time and exit")
	reset := fs.Bool("reset", false, "restore broken.go to the original")
	observe := fs.Bool(observeFlag, false, "")
	words, status := parse(u, fs, exerciseHelp, args)
	if status != nil {
		return *status
	}
	if *observe {
		return observeForExercise(u, words)
	}
	entries, err := resolve(words)
	if err != nil {
		return fail(u, "exercise", err)
	}
	root, err := moduleRoot()
	if err != nil {
		u.errorf("procbugs exercise cannot work here: %v\n", err)
		return exitFailed
	}
	if *reset {
		var topics []string
		for _, e := range entries {
			if !slices.Contains(topics, e.Topic()) {
				topics = append(topics, e.Topic())
			}
		}
		return resetTopics(u, root, topics)
	}
	if err := canRunLive(); err != nil {
		u.errorf("procbugs exercise cannot check the proofs here: %v\n", err)
		return exitFailed
	}
	l, err := startLive(u, "exercise")
	if err != nil {
		u.errorf("%v\n", err)
		return exitFailed
	}
	defer l.close()
	x := &exercise{u: u, root: root, entries: entries, states: map[string]state{}, why: map[string]string{}, revealed: map[string]bool{},
		sigs: l.sigs, sweep: l.sweep}
	defer x.sweep() // what a cancelled check left
	u.println(u.paint(bold, "procbugs exercise") + ": mend each broken method until its proof passes.")
	if len(entries) == 0 {
		return exitOK
	}
	if *once {
		return x.once()
	}
	defer func() { restoreTerminal() }()
	return x.watch()
}

// once checks every entry a single time and prints their states.
func (x *exercise) once() int {
	x.u.println(x.u.paint(dim, "Checking every entry…"))
	checks, ok := x.wait(func(ctx context.Context) (map[string]check, error) {
		return checkEntries(ctx, x.root, x.entries)
	})
	if !ok {
		return exitInterrupted
	}
	x.record(checks)
	for _, e := range x.entries {
		if c := checks[e.ID]; x.states[e.ID] == toDo {
			x.u.println()
			x.u.println(x.u.paint(bold, e.ID) + x.u.paint(red, ": the proof still fails"))
			x.failure(c)
		}
	}
	x.u.println()
	x.list(-1)
	x.progress()
	for _, e := range x.entries {
		if x.states[e.ID] == toDo {
			return exitFailed
		}
	}
	return exitOK
}

// wait runs a check, which an interrupt cancels. ok is false if the user
// interrupted it.
func (x *exercise) wait(run func(ctx context.Context) (map[string]check, error)) (map[string]check, bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		checks map[string]check
		err    error
	}
	done := make(chan result, 1)
	go func() { c, err := run(ctx); done <- result{c, err} }()
	select {
	case r := <-done:
		if r.err != nil {
			x.u.errorf("procbugs exercise: %v\n", r.err)
		}
		return r.checks, true
	case <-x.sigs:
		cancel()
		<-done
		x.u.println()
		return nil, false
	}
}

// record keeps the states the checks found.
func (x *exercise) record(checks map[string]check) {
	for id, c := range checks {
		switch {
		case c.Skipped != "":
			x.states[id], x.why[id] = uncheckable, c.Skipped
		case c.passed():
			x.states[id] = fixed
		default:
			x.states[id] = toDo
		}
	}
}

// A running check, in the background so that keys answer at once.
type running struct {
	all    bool // every entry, not only the current one
	done   chan map[string]check
	cancel context.CancelFunc
}

// watch is the interactive workshop: it checks the current entry on every
// save of its broken.go and answers keys until the user quits, or every
// entry passes.
func (x *exercise) watch() int {
	keys := x.readKeys()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	var run *running
	stop := func() {
		if run != nil {
			run.cancel()
			<-run.done
			run = nil
			x.sweep()
		}
	}
	start := func(all bool) {
		stop()
		ctx, cancel := context.WithCancel(context.Background())
		r := &running{all: all, done: make(chan map[string]check, 1), cancel: cancel}
		es := x.entries
		if !all {
			es = []catalog.Entry{x.entries[x.current]}
		}
		go func() {
			c, err := checkEntries(ctx, x.root, es)
			if err != nil && ctx.Err() == nil {
				x.u.errorf("procbugs exercise: %v\n", err)
			}
			r.done <- c
		}()
		run = r
	}
	defer stop()

	watched := x.file(x.entries[x.current])
	seen := fileState(watched)
	enter := func(i int) {
		x.current, x.hints, x.mode = i, 0, working
		x.show()
		watched = x.file(x.entries[i])
		seen = fileState(watched)
		x.u.println(x.u.paint(dim, "Checking…"))
		start(false)
	}
	enter(0)
	inputOpen := true
	for {
		var done <-chan map[string]check
		if run != nil {
			done = run.done
		}
		select {
		case <-x.sigs:
			x.u.println()
			return exitInterrupted

		case checks := <-done:
			all := run.all
			run = nil
			x.sweep()
			if checks == nil {
				if !inputOpen {
					return x.finalStatus()
				}
				x.prompt()
				continue
			}
			x.record(checks)
			if all {
				x.list(-1)
				x.progress()
			}
			x.verdict(checks[x.entries[x.current].ID], all)
			if !inputOpen {
				return x.finalStatus()
			}

		case k, ok := <-keys:
			if !ok {
				inputOpen, keys = false, nil
				if run == nil {
					return x.finalStatus()
				}
				continue // the check under way is reported, then the watch ends
			}
			switch {
			case k == 'q' && x.mode != listing:
				x.u.println()
				x.progress()
				return exitOK
			case x.mode == listing:
				if i, chosen := x.listKey(k); chosen {
					stop()
					enter(i)
				}
			case k == 'n':
				if x.mode != passed && !x.revealed[x.entries[x.current].ID] {
					// As rustlings does: the solution before moving on.
					x.reveal(x.entries[x.current])
					continue
				}
				next, ok := x.next()
				if !ok {
					x.finished()
					return exitOK
				}
				enter(next)
			case k == 'h':
				x.hint(x.entries[x.current])
			case k == 'l':
				x.mode, x.cursor = listing, x.current
				x.list(x.cursor)
				x.u.println(x.u.paint(dim, "j, k: move; Enter: work on that entry; l: back."))
			case k == 'c':
				x.u.println(x.u.paint(dim, "Checking every entry…"))
				start(true)
			case k == 'r':
				if err := x.restore(x.entries[x.current]); err != nil {
					x.u.printf("r: %v\n", err)
					continue
				}
				seen = fileState(watched)
				x.mode = working
				x.u.println(x.u.paint(dim, "Checking again…"))
				start(false)
			case k == '\n':
			default:
				x.keyHelp()
			}

		case <-tick.C:
			now := fileState(watched)
			if now == seen || x.mode == listing {
				continue
			}
			// Wait for one quiet interval: an editor may write in steps.
			<-tick.C
			if fileState(watched) != now {
				continue
			}
			seen = now
			x.mode = working
			x.u.println(x.u.paint(dim, "Saved; checking again…"))
			start(false)
		}
	}
}

// finished says that no entry is left to do.
func (x *exercise) finished() {
	x.u.println()
	for _, e := range x.entries {
		if x.states[e.ID] == uncheckable {
			x.u.para("", "Every entry that can be checked here passes; the others cannot be checked here.")
			x.progress()
			return
		}
	}
	x.u.println(x.u.paint(bold+";"+green, "Every entry passes.") + " Well done.")
	x.progress()
	x.u.println(x.u.paint(dim, "procbugs exercise --reset puts the original broken code back."))
}

// finalStatus is the exit status when the input has ended: 0 if no entry
// still fails.
func (x *exercise) finalStatus() int {
	x.progress()
	for _, e := range x.entries {
		if x.states[e.ID] == toDo {
			return exitFailed
		}
	}
	return exitOK
}

// next is the entry after the current one that is not done yet, going
// round; ok is false when every entry is done.
func (x *exercise) next() (int, bool) {
	for k := 1; k <= len(x.entries); k++ {
		i := (x.current + k) % len(x.entries)
		if x.states[x.entries[i].ID] == toDo {
			return i, true
		}
	}
	return 0, false
}

// verdict says what the check of the current entry found.
func (x *exercise) verdict(c check, quiet bool) {
	e := x.entries[x.current]
	switch x.states[e.ID] {
	case fixed:
		x.pass(c)
	case uncheckable:
		x.mode = passed
		x.u.para("", x.u.paint(yellow, e.ID+" cannot be checked here: "+x.why[e.ID]))
		x.u.para("", "It is not counted as fixed. n: the next entry.")
	default:
		x.mode = working
		if !quiet || len(c.Failures) > 0 {
			x.u.println(x.u.paint(red, "The proof still fails:"))
			x.failure(c)
		}
		x.prompt()
	}
}

// failure prints what a failing proof found, in plain words.
func (x *exercise) failure(c check) {
	for _, f := range c.Failures {
		x.u.explained("  ", f)
	}
	x.u.println()
}

// pass shows an entry that passes: what its proof observed, and the
// reference fix.
func (x *exercise) pass(c check) {
	e := x.entries[x.current]
	x.mode = passed
	x.u.println()
	x.u.para("", x.u.paint(bold+";"+green, "Passes:")+" "+e.ID+": "+e.Fixed.Says+".")
	x.u.para("", x.u.paint(bold, "The lesson:")+" "+e.Title+".")
	for _, l := range c.Logs {
		x.u.text("  ", l)
	}
	x.u.println()
	x.u.println("The reference fix:")
	if err := x.reference(e); err != nil {
		x.u.printf("  (%v)\n", err)
	}
	x.u.println()
	x.progress()
	x.u.println(x.u.paint(dim, "n: next entry. l: list, c: check all, q: quit."))
}

// reveal shows the reference fix of an entry that does not pass yet, when
// the student asks to go on without it.
func (x *exercise) reveal(e catalog.Entry) {
	x.revealed[e.ID] = true
	x.u.println()
	x.u.para("", e.ID+" does not pass yet. The reference fix:")
	if err := x.reference(e); err != nil {
		x.u.printf("  (%v)\n", err)
	}
	x.u.println()
	x.u.para("", x.u.paint(dim, "n again: the next entry; this one stays to do. Or mend it: the check runs on every save."))
}

// reference prints the diff of the original broken method and the fixed
// one.
func (x *exercise) reference(e catalog.Entry) error {
	orig, err := original(x.root, e.Topic())
	if err != nil {
		return err
	}
	broken, err := methodCode(orig, e.Topic()+"/broken.go", e.Func)
	if err != nil {
		return err
	}
	fixedCode, err := entryCode(e, "fixed.go", true)
	if err != nil {
		return err
	}
	x.u.unified(broken, fixedCode)
	return nil
}

// show presents the current entry: what goes wrong, and the task, without
// the fix.
func (x *exercise) show() {
	e := x.entries[x.current]
	x.u.println()
	x.u.println(x.u.paint(bold+";"+cyan, fmt.Sprintf("[%d of %d] %s", x.current+1, len(x.entries), e.ID)))
	// The title is kept for when it passes: many a title names the fix.
	if s := e.Quiz.Scenario; s != "" {
		x.u.field("", "Scenario", 12, capitalize(s)+".")
	}
	x.u.field("", "Goes wrong", 12, e.Symptom)
	x.u.field("", "Your task", 12, fmt.Sprintf("mend Broken.%s in %s.", e.Func, x.rel(x.file(e))))
	var others, mended []string
	for _, o := range catalog.Entries(e.Topic()) {
		if o.ID != e.ID && o.Func == e.Func {
			others = append(others, o.ID)
			if x.states[o.ID] == fixed {
				mended = append(mended, o.ID)
			}
		}
	}
	switch {
	case len(mended) > 0:
		x.u.para("", fmt.Sprintf("This entry shares Broken.%s with %s, which you have mended: the check may pass at once. "+
			"The new lesson is the scenario above: %s", e.Func, strings.Join(mended, ", "), e.Cause))
	case len(others) > 0:
		x.u.para("", fmt.Sprintf("Broken.%s is also the lesson of %s, with another scenario.", e.Func, strings.Join(others, ", ")))
	}
	x.u.println()
}

func (x *exercise) progress() {
	done, skipped := 0, 0
	for _, e := range x.entries {
		switch x.states[e.ID] {
		case fixed:
			done++
		case uncheckable:
			skipped++
		}
	}
	s := fmt.Sprintf("%d of %d fixed", done, len(x.entries))
	if skipped > 0 {
		s += fmt.Sprintf("; %d cannot be checked here", skipped)
	}
	x.u.println(x.u.paint(bold, s))
}

func (x *exercise) prompt() {
	x.progress()
	x.u.para("", x.u.paint(dim, fmt.Sprintf("Watching %s for saves. Keys: h hint, l list, c check all, r reset, q quit.",
		x.rel(x.file(x.entries[x.current])))))
}

func (x *exercise) keyHelp() {
	x.u.para("", "Keys: h hint, l list, c check all, r reset this method, n next (once it passes), q quit.")
}

// list prints every entry with its state, the one at cursor marked.
func (x *exercise) list(cursor int) {
	for i, e := range x.entries {
		label, style := "to do", dim
		switch x.states[e.ID] {
		case fixed:
			label, style = "fixed", green
		case uncheckable:
			label, style = "cannot be checked here", yellow
		}
		if i == x.current && x.states[e.ID] == toDo {
			label, style = "now", yellow
		}
		mark := "  "
		if i == cursor {
			mark = "> "
		}
		x.u.printf("%s%s %s\n", mark, x.u.paint(style, fmt.Sprintf("%-6s", label)), e.ID)
	}
}

// listKey moves the list's cursor, and reports the entry chosen.
func (x *exercise) listKey(k byte) (int, bool) {
	switch k {
	case 'j', 'B': // B: the arrow down's last byte
		x.cursor = min(x.cursor+1, len(x.entries)-1)
	case 'k', 'A':
		x.cursor = max(x.cursor-1, 0)
	case '\n', 'g':
		return x.cursor, true
	case 'l', 'q', 0x1b:
		x.mode = working
		if x.states[x.entries[x.current].ID] != toDo {
			x.mode = passed
		}
		x.u.println(x.u.paint(dim, "Back to "+x.entries[x.current].ID+"."))
		return 0, false
	case '[':
		return 0, false // the middle of an arrow key
	default:
		x.u.println(x.u.paint(dim, "j, k: move; Enter: work on that entry; l: back."))
		return 0, false
	}
	x.list(x.cursor)
	return 0, false
}

func (x *exercise) file(e catalog.Entry) string {
	return filepath.Join(x.root, e.Topic(), "broken.go")
}

// rel names a file relative to the working directory when it is below it.
func (x *exercise) rel(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return path
}

// hint shows one more hint: why it goes wrong, then the idea of the fix in
// words. The code itself stays for the student.
func (x *exercise) hint(e catalog.Entry) {
	hints := []struct{ label, text string }{
		{"Cause", e.Cause},
		{"Fix", e.Fix},
	}
	if x.hints >= len(hints) {
		x.u.para("", "No more hints. procbugs show "+e.ID+" shows the fixed code.")
		return
	}
	h := hints[x.hints]
	x.hints++
	x.u.println(x.u.paint(bold, fmt.Sprintf("Hint %d of %d, %s:", x.hints, len(hints), h.label)))
	x.u.para("  ", h.text)
}

// restore puts the original of the current method back into broken.go and
// leaves the other methods as they are. If the file no longer parses, the
// whole original comes back.
func (x *exercise) restore(e catalog.Entry) error {
	orig, err := original(x.root, e.Topic())
	if err != nil {
		return err
	}
	path := x.file(e)
	cur, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out := orig
	om, err1 := findMethod(orig, path, e.Func)
	cm, err2 := findMethod(cur, path, e.Func)
	whole := err1 != nil || err2 != nil
	if !whole {
		out = append(append(append([]byte{}, cur[:cm.Start]...), orig[om.Start:om.End]...), cur[cm.End:]...)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return err
	}
	if whole {
		x.u.printf("Restored all of %s from the original: it did not parse.\n", x.rel(path))
	} else {
		x.u.printf("Restored Broken.%s in %s from the original.\n", e.Func, x.rel(path))
	}
	return nil
}

// readKeys delivers keys one at a time: straight from a terminal, put in
// cbreak mode, or from piped input. Enter arrives as '\n'; other
// whitespace is skipped. The channel closes when the input ends.
func (x *exercise) readKeys() <-chan byte {
	keys := make(chan byte)
	in := x.u.in
	if in == nil {
		close(keys)
		return keys
	}
	if x.u.keys {
		if restore, err := cbreak(in); err == nil {
			restoreTerminal = restore
		}
	}
	go func() {
		defer close(keys)
		r := bufio.NewReader(in)
		for {
			b, err := r.ReadByte()
			if err != nil {
				return
			}
			switch b {
			case ' ', '\t':
				continue
			case '\r':
				b = '\n'
			}
			keys <- b
		}
	}()
	return keys
}

// restoreTerminal undoes cbreak mode before the process exits.
var restoreTerminal = func() {}

// fileState is what the watch compares: a file's time, size and content.
type fileStamp struct {
	mod  time.Time
	size int64
	sum  string
}

func fileState(path string) fileStamp {
	st, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	b, _ := os.ReadFile(path)
	return fileStamp{mod: st.ModTime(), size: st.Size(), sum: string(b)}
}
