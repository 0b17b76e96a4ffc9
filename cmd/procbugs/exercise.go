package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

const exerciseHelp = `Usage: procbugs exercise [--once] [TOPIC|ID...]

The workshop mode. It walks the entries in order and shows the current one
with its failing proof: the topic's tests run with the broken method held
to the fixed behaviour, so they fail until you mend it in broken.go. Save
the file and the check runs again; once it passes, the next entry comes.

Keys, while it watches:
  h   a hint (press again for the next one; none gives the code away)
  l   list every entry with its state
  r   reset the current method in broken.go to the original
  q   quit

  --once   check one time, print the state and exit: 0 when every entry
           passes, 1 otherwise. Without a terminal on standard input it
           also stops when the input ends.

It needs the source tree (run it inside a clone) and the go command.

Examples:
  procbugs exercise pipes          the pipes topic
  make exercise T=pipes            the same, from the Makefile
  procbugs exercise --once pipes   one check, for scripts and CI
`

// pollEvery is how often the watch looks at broken.go for a save.
const pollEvery = 200 * time.Millisecond

type exercise struct {
	u       *ui
	root    string
	entries []catalog.Entry
	fixed   map[string]bool
	current int // index in entries of the entry being worked on
	hints   int // hints shown for the current entry
	check   *checker
	sweep   func() []string
}

func cmdExercise(u *ui, args []string) int {
	fs := flag.NewFlagSet("exercise", flag.ContinueOnError)
	once := fs.Bool("once", false, "check one time and exit")
	words, status := parse(u, fs, exerciseHelp, args)
	if status != nil {
		return *status
	}
	entries, err := resolve(words)
	if err != nil {
		return fail(u, "exercise", err)
	}
	root, err := moduleRoot()
	if err != nil {
		return fail(u, "exercise", err)
	}
	check, err := newChecker(root)
	if err != nil {
		return fail(u, "exercise", err)
	}
	defer check.close()
	// The tests' children run in groups of their own: whatever a killed
	// test binary leaves comes back to this process, to be swept.
	sweep, err := childproc.Supervise()
	if err != nil {
		return fail(u, "exercise", err)
	}
	defer sweep()
	defer func() { restoreTerminal() }()
	x := &exercise{u: u, root: root, entries: entries, fixed: map[string]bool{}, check: check, sweep: sweep}
	u.println(u.paint(bold, "procbugs exercise") + ": mend each broken method until its proof passes.")
	if len(entries) == 0 {
		return exitOK
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	first := make(chan pass, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { first <- x.run(ctx, false) }()
	select {
	case p := <-first:
		x.report(p)
	case <-sigs:
		cancel()
		<-first
		u.println()
		return exitInterrupted
	}
	if *once || x.done() {
		x.list()
		x.progress()
		if x.done() {
			return exitOK
		}
		return exitFailed
	}
	return x.watch(sigs)
}

// A pass is what one round of checks found: the entries that passed, in
// order, and the verdict on the first one that did not, if any.
type pass struct {
	from    int
	passed  int // how many entries from `from` on passed
	failure verdict
}

// run checks entries from the current one on and stops at the first that
// still fails: the one to work on. With rebuild, the topic's tests are
// built again first, because its broken.go was saved.
func (x *exercise) run(ctx context.Context, rebuild bool) pass {
	p := pass{from: x.current}
	if rebuild {
		x.check.changed(x.entries[x.current].Topic())
	}
	for i := x.current; i < len(x.entries); i++ {
		v := x.check.check(ctx, x.entries[i])
		if !v.Passed {
			p.failure = v
			return p
		}
		p.passed++
	}
	return p
}

// report prints a pass and moves on past the entries that passed.
func (x *exercise) report(p pass) {
	if p.failure.Cancelled {
		return
	}
	for i := p.from; i < p.from+p.passed; i++ {
		e := x.entries[i]
		x.fixed[e.ID] = true
		x.u.printf("%s %s\n", x.u.paint(bold+";"+green, "Passes:"), e.ID)
	}
	if p.passed > 0 {
		x.hints = 0
	}
	x.current = p.from + p.passed
	if !x.done() {
		x.show(p.failure)
	}
}

func (x *exercise) done() bool { return x.current >= len(x.entries) }

// show presents the current entry and why its proof fails.
func (x *exercise) show(v verdict) {
	e := x.entries[x.current]
	x.u.println()
	x.u.println(x.u.paint(bold+";"+cyan, fmt.Sprintf("[%d of %d] %s", x.current+1, len(x.entries), e.ID)))
	x.u.para("", e.Title)
	x.u.para("", fmt.Sprintf("Mend Broken.%s in %s so that %s.", e.Func, x.rel(x.file(e)), e.Fixed.Says))
	x.u.println()
	x.u.println(x.u.paint(red, "The proof still fails:"))
	for _, l := range v.Report {
		if strings.HasPrefix(l, " ") { // aligned detail: keep it as it is
			x.u.printf("  %s\n", clip(l, width-2))
			continue
		}
		x.u.para("  ", l)
	}
	x.u.println()
}

func (x *exercise) progress() {
	n := 0
	for _, e := range x.entries {
		if x.fixed[e.ID] {
			n++
		}
	}
	x.u.println(x.u.paint(bold, fmt.Sprintf("%d of %d fixed", n, len(x.entries))))
}

// list prints every entry with its state.
func (x *exercise) list() {
	for i, e := range x.entries {
		state, style := "to do ", dim
		switch {
		case x.fixed[e.ID]:
			state, style = "fixed ", green
		case i == x.current:
			state, style = "> now ", yellow
		}
		x.u.printf("  %s %s\n", x.u.paint(style, state), e.ID)
	}
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

// watch re-checks the current entry whenever its broken.go is saved and
// answers keys, until every entry passes or the user quits. A check runs
// in the background, so keys answer at once; a save during a check
// cancels it and starts another on the new file.
func (x *exercise) watch(sigs <-chan os.Signal) int {
	keys := x.readKeys()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()

	var (
		checking <-chan pass // nil while no check runs
		cancel   = func() {}
	)
	stop := func() {
		cancel()
		if checking != nil {
			<-checking
			checking = nil
		}
		x.sweep() // what a killed test binary left
	}
	start := func() {
		stop()
		ctx, c := context.WithCancel(context.Background())
		ch := make(chan pass, 1)
		go func() { ch <- x.run(ctx, true) }()
		checking, cancel = ch, c
	}
	defer stop()

	// seen is the watched file as it was when the last check began: a save
	// during a check differs from it, and starts another.
	watched := x.file(x.entries[x.current])
	seen := fileState(watched)
	x.prompt()
	for {
		select {
		case <-sigs:
			x.u.println()
			return exitInterrupted
		case p := <-checking:
			checking = nil
			x.sweep()
			x.report(p)
			if x.done() {
				x.u.println(x.u.paint(bold+";"+green, "Every entry passes. Well done."))
				x.progress()
				return exitOK
			}
			if f := x.file(x.entries[x.current]); f != watched {
				watched, seen = f, fileState(f) // the next topic's file
			}
			x.prompt()
		case k, ok := <-keys:
			if !ok || k == 'q' {
				x.progress()
				return exitFailed
			}
			if x.key(k) {
				seen = fileState(watched)
				x.u.println(x.u.paint(dim, "Checking again."))
				start()
			}
		case <-tick.C:
			now := fileState(watched)
			if now == seen {
				continue
			}
			// Wait for one quiet interval: an editor may write in steps.
			<-tick.C
			if fileState(watched) != now {
				continue
			}
			seen = now
			x.u.println(x.u.paint(dim, "Saved; checking again."))
			start()
		}
	}
}

func (x *exercise) prompt() {
	x.progress()
	x.u.println(x.u.paint(dim, fmt.Sprintf("Watching %s for saves. Keys: h hint, l list, r reset, q quit.",
		x.rel(x.file(x.entries[x.current])))))
}

// key answers a key, and reports whether the current entry must be checked
// again.
func (x *exercise) key(k byte) bool {
	e := x.entries[x.current]
	switch k {
	case 'h':
		x.hint(e)
	case 'l':
		x.list()
		x.progress()
	case 'r':
		if err := x.reset(e); err != nil {
			x.u.printf("reset: %v\n", err)
			return false
		}
		return true
	default:
		x.u.println("Keys: h hint, l list, r reset, q quit.")
	}
	return false
}

// hint shows one more hint: what a user sees, what the system does, then
// the idea of the fix in words. The code itself stays for the student.
func (x *exercise) hint(e catalog.Entry) {
	hints := []struct{ label, text string }{
		{"Symptom", e.Symptom},
		{"Cause", e.Cause},
		{"Fix", e.Fix},
	}
	if x.hints >= len(hints) {
		x.u.println("No more hints. procbugs show " + e.ID + " shows the fixed code.")
		return
	}
	h := hints[x.hints]
	x.hints++
	x.u.field("", fmt.Sprintf("Hint %d/%d: %s", x.hints, len(hints), h.label), 0, "")
	x.u.para("  ", h.text)
}

// reset puts the original of the current method back into broken.go, from
// the copy embedded in the binary, and leaves the other methods as they are.
// If the file no longer parses, the whole original comes back.
func (x *exercise) reset(e catalog.Entry) error {
	t, ok := catalog.LookupTopic(e.Topic())
	if !ok || t.Files == nil {
		return fmt.Errorf("no original of %s in this binary", e.Topic())
	}
	orig, err := fs.ReadFile(t.Files, "broken.go")
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
// cbreak mode, or from piped input, where whitespace is skipped. The
// channel closes when the input ends.
func (x *exercise) readKeys() <-chan byte {
	keys := make(chan byte)
	in := x.u.in
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
			if b == ' ' || b == '\n' || b == '\r' || b == '\t' {
				continue
			}
			keys <- b
		}
	}()
	return keys
}

// restoreTerminal undoes cbreak mode before the process exits.
var restoreTerminal = func() {}

// fileState is what the watch compares: a file's time, size and content.
type state struct {
	mod  time.Time
	size int64
	sum  string
}

func fileState(path string) state {
	st, err := os.Stat(path)
	if err != nil {
		return state{}
	}
	b, _ := os.ReadFile(path)
	return state{mod: st.ModTime(), size: st.Size(), sum: string(bytes.TrimSpace(b))}
}
