package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"procbugs/helpers/catalog"
)

const quizHelp = `Usage: procbugs quiz [--answers a,b,...] [ID|TOPIC...]

Predict, then observe. Each question states a scenario in one line, shows
a method as it runs in it (the broken code or the fixed one: the question
does not say which) and asks what happens. The wrong choices are the
mistakes people make: what one expects the code to do, or what a
neighbouring bug does. Then it runs that code live in a child process,
shows what happened and why, and keeps the score. Answer with a letter
and Enter; q stops. The end lists the questions you missed.

  --answers a,c,b   answer every question in order, without asking: one
                    letter per question, checked before the first

Answers piped on standard input, one a line, work as well. The live run
needs Linux, the source tree and the go command; elsewhere the quiz says
so and tells what the catalog recorded instead. The exit status is 1 if
an observation contradicted the catalog's record.

Examples:
  procbugs quiz                      every entry
  procbugs quiz pipes                one topic
  procbugs quiz --answers a,b,d pipes/wait-before-read pipes/drain-in-turn
  printf 'a\nb\n' | procbugs quiz pipes
`

// A choice is one possible answer to a question.
type choice struct {
	Text  string
	Right bool
}

// A question is one entry's scenario and one of its two methods, with the
// choices offered.
type question struct {
	entry   catalog.Entry
	broken  bool // the code shown is the broken method
	code    code
	choices []choice
	sameAs  int // the earlier question that shows the same code, from 1; 0 if none
}

// right is the index of the right choice.
func (q question) right() int {
	for i, c := range q.choices {
		if c.Right {
			return i
		}
	}
	return -1
}

// questions makes the quiz for entries: one question per entry whose
// record has a quiz scenario, in catalog order.
func questions(entries []catalog.Entry) ([]question, error) {
	var qs []question
	for _, e := range entries {
		qc := e.Quiz
		if qc.Scenario == "" {
			continue
		}
		broken := !qc.AskFixed
		file := "fixed.go"
		if broken {
			file = "broken.go"
		}
		c, err := entryCode(e, file, false)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", e.ID, err)
		}
		q := question{entry: e, broken: broken, code: c, choices: choices(e, qc)}
		for i, o := range qs {
			if o.code.Text == c.Text {
				q.sameAs = i + 1
			}
		}
		qs = append(qs, q)
	}
	return qs, nil
}

// choices are the answers offered for an entry's question. About the
// broken code: what it does (right); what one expects it to do (the
// record's fixed outcome only where that is the mistake people make); and
// what the broken code of the two nearest entries of its topic does.
// About the fixed code: what it does (right); what the broken code does,
// for one who doubts the fix; the misconception about the fix; and what
// the fixed code of the nearest entry does. The order is shuffled the
// same way every time for an entry, so that scripted answers stay valid.
func choices(e catalog.Entry, qc catalog.Quiz) []choice {
	var cs []choice
	seen := map[string]bool{}
	add := func(text string, right bool) {
		if text != "" && !seen[text] && len(cs) < 4 {
			seen[text] = true
			cs = append(cs, choice{text, right})
		}
	}
	says := func(o catalog.Entry) string { return o.Broken.Says }
	if qc.AskFixed {
		says = func(o catalog.Entry) string { return o.Fixed.Says }
		add(e.Fixed.Says, true)
		add(e.Broken.Says, false)
		add(qc.Wrong, false)
	} else {
		add(e.Broken.Says, true)
		if qc.Wrong == "" {
			add(e.Fixed.Says, false)
		} else {
			add(qc.Wrong, false)
		}
	}
	for _, o := range neighbours(e) {
		add(says(o), false)
	}
	h := fnv.New64a()
	io.WriteString(h, e.ID)
	r := rand.New(rand.NewPCG(h.Sum64(), 0))
	r.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	return cs
}

// neighbours are the other entries of e's topic, nearest first in the
// topic's order, and then the rest of the catalog. An entry whose lesson
// is the same method is none: its outcome may be true of this code too.
func neighbours(e catalog.Entry) []catalog.Entry {
	var out []catalog.Entry
	var topic []catalog.Entry
	for _, o := range catalog.Entries(e.Topic()) {
		if o.ID == e.ID || o.Func != e.Func {
			topic = append(topic, o)
		}
	}
	at := 0
	for i, o := range topic {
		if o.ID == e.ID {
			at = i
		}
	}
	for d := 1; d < len(topic); d++ {
		for _, i := range []int{at + d, at - d} {
			if i >= 0 && i < len(topic) {
				out = append(out, topic[i])
			}
		}
	}
	for _, o := range catalog.Entries() {
		if o.Topic() != e.Topic() && !(o.Func == e.Func && o.Topic() == e.Topic()) {
			out = append(out, o)
		}
	}
	return out
}

// parseAnswers checks scripted answers against the questions before the
// first is asked: one letter per question, each among its choices.
func parseAnswers(given string, qs []question) ([]int, error) {
	parts := strings.Split(given, ",")
	if len(parts) != len(qs) {
		return nil, fmt.Errorf("--answers has %d answers for %s: give one letter per question",
			len(parts), plural(len(qs), "question", "questions"))
	}
	var out []int
	for i, p := range parts {
		a := strings.ToLower(strings.TrimSpace(p))
		n := len(qs[i].choices)
		if len(a) != 1 || a[0] < 'a' || int(a[0]-'a') >= n {
			return nil, fmt.Errorf("answer %q to question %d: want a letter from a to %c", p, i+1, 'a'+n-1)
		}
		out = append(out, int(a[0]-'a'))
	}
	return out, nil
}

func cmdQuiz(u *ui, args []string) int {
	fs := flag.NewFlagSet("quiz", flag.ContinueOnError)
	given := fs.String("answers", "", "comma-separated answers, one per question")
	words, status := parse(u, fs, quizHelp, args)
	if status != nil {
		return *status
	}
	entries, err := resolve(words)
	if err != nil {
		return fail(u, "quiz", err)
	}
	qs, err := questions(entries)
	if err != nil {
		u.errorf("procbugs quiz: %v\n", err)
		return exitFailed
	}
	if len(qs) == 0 {
		return fail(u, "quiz", errors.New("no question about these entries yet"))
	}
	var scripted []int
	if *given != "" {
		if scripted, err = parseAnswers(*given, qs); err != nil {
			return fail(u, "quiz", err)
		}
	}

	// The live run is the reveal; without it the quiz still asks, and
	// tells what the catalog recorded.
	l, liveErr := startLive(u, "quiz")
	var sigs chan os.Signal
	if liveErr == nil {
		defer l.close()
		sigs = l.sigs
		var es []catalog.Entry
		for _, q := range qs {
			es = append(es, q.entry)
		}
		if err := l.prepare(es); err != nil {
			u.errorf("procbugs quiz: %v\n", err)
			return exitFailed
		}
	} else {
		sigs = make(chan os.Signal, 1)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(sigs)
	}
	lines := readLines(u.in)
	if scripted != nil {
		lines = nil
	}

	start := time.Now()
	score, asked, contradicted := 0, 0, 0
	type miss struct {
		n int // the question's number, from 1
		q question
	}
	var missed []miss
	u.println(u.paint(bold, "procbugs quiz") + ": predict what the code does, then watch it run.")
	u.para("", plural(len(qs), "question", "questions")+". Each shows the broken or the fixed code of an entry, "+
		"without saying which, and asks what it does in the scenario it states.")
	if liveErr != nil {
		u.para("", u.paint(yellow, "The answers cannot be run live here: "+strings.TrimPrefix(liveErr.Error(), "procbugs quiz cannot run the proofs here: ")))
	}
quiz:
	for i, q := range qs {
		u.ask(i, len(qs), q)
		var pick int
		if scripted != nil {
			pick = scripted[i]
			u.printf("%c\n", 'a'+pick)
		} else {
			for {
				u.printf("Your answer (a-%c, q to stop): ", 'a'+len(q.choices)-1)
				var line string
				var ok bool
				select {
				case line, ok = <-lines:
				case sig := <-sigs:
					if l != nil {
						l.got = sig
						return l.interrupted(start)
					}
					u.println()
					return exitInterrupted
				}
				if !ok {
					u.println()
					u.println("No more answers.")
					break quiz
				}
				ans := strings.ToLower(strings.TrimSpace(line))
				if !u.keys {
					u.println(ans) // echo a piped answer, as a terminal would
				}
				if ans == "q" {
					break quiz
				}
				if len(ans) == 1 && ans[0] >= 'a' && int(ans[0]-'a') < len(q.choices) {
					pick = int(ans[0] - 'a')
					break
				}
				u.printf("Answer with a letter from a to %c.\n", 'a'+len(q.choices)-1)
			}
		}
		asked++
		which := map[bool]string{true: "the broken code", false: "the fixed code"}[q.broken]
		if pick == q.right() {
			score++
			u.println(u.paint(bold+";"+green, "Right.") + " This was " + which + ".")
		} else {
			missed = append(missed, miss{i + 1, q})
			u.println(u.paint(bold+";"+red, fmt.Sprintf("Not quite: the answer is %c.", 'a'+q.right())) + " This was " + which + ".")
		}
		if l != nil {
			u.println(u.paint(dim, "Running it live…"))
			h, ok := l.observe(q.entry, q.broken, false)
			if !ok {
				return l.interrupted(start)
			}
			u.narrate(q.entry, h)
			if !h.obs.OK() {
				contradicted++
			}
		} else {
			u.para("", "The catalog records that "+q.choices[q.right()].Text+".")
		}
		u.println()
		u.println(u.paint(bold, q.entry.ID))
		u.para("", q.entry.Title)
		u.field("", "Why", 5, q.entry.Cause)
		u.field("", "Fix", 5, q.entry.Fix)
		u.println(u.paint(bold, fmt.Sprintf("Score: %d of %d", score, asked)))
	}
	u.println()
	u.printf("Final score: %d of %d.", score, asked)
	switch {
	case asked > 0 && len(missed) == 0:
		u.println(" Every prediction was right.")
	case len(missed) > 0:
		u.println(" You missed:")
		for _, m := range missed {
			r := m.q.right()
			u.field("  ", fmt.Sprintf("%d.", m.n), 4, fmt.Sprintf("%c: %s.", 'a'+r, capitalize(m.q.choices[r].Text)))
			u.printf("      read: %s\n", u.paint(dim, "procbugs show "+m.q.entry.ID))
		}
	default:
		u.println()
	}
	if l != nil && (len(l.finish()) > 0 || contradicted > 0) {
		return exitFailed
	}
	return exitOK
}

// ask prints one question: its scenario, its code and its choices.
func (u *ui) ask(i, n int, q question) {
	u.println()
	u.println(u.paint(bold+";"+cyan, fmt.Sprintf("Question %d of %d", i+1, n)) + u.paint(dim, " · "+q.entry.Topic()))
	u.para("", u.paint(bold, "Scenario:")+" "+capitalize(q.entry.Quiz.Scenario)+".")
	intro := "The code it runs:"
	if q.sameAs > 0 {
		intro = fmt.Sprintf("The same code as question %d, in another scenario:", q.sameAs)
	}
	u.println(intro)
	u.println()
	u.code("  ", q.code.Text)
	u.println()
	u.println("What happens?")
	for k, c := range q.choices {
		u.printf("  %c) ", 'a'+k)
		for j, l := range wrap(capitalize(c.Text), width-5) {
			if j > 0 {
				u.printf("     ")
			}
			u.printf("%s\n", l)
		}
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// readLines delivers standard input a line at a time, read in the
// background so that Ctrl-C at a prompt is answered at once. The channel
// closes when the input ends.
func readLines(in *os.File) <-chan string {
	lines := make(chan string)
	if in == nil {
		close(lines)
		return lines
	}
	go func() {
		defer close(lines)
		r := bufio.NewReader(in)
		for {
			line, err := r.ReadString('\n')
			if line != "" {
				lines <- line
			}
			if err != nil {
				return
			}
		}
	}()
	return lines
}
