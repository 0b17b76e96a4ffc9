package main

import (
	"bufio"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

const quizHelp = `Usage: procbugs quiz [--answers a,b,...] [ID|TOPIC...]

Predict, then observe. For each entry it shows the broken code and asks
what happens when it runs, with choices drawn from the catalog. Then it
runs the code live in a child process, shows what happened and why, and
keeps the score. Answer with a letter and Enter; q stops.

  --answers a,c,b   answer the questions in order, without asking

Answers piped on standard input, one a line, work as well. The exit
status is 1 if an observation contradicted the catalog's record.

Examples:
  procbugs quiz                      every entry
  procbugs quiz pipes                one topic
  procbugs quiz --answers a,b pipes  scripted
  printf 'a\nb\n' | procbugs quiz pipes
`

// A choice is one possible answer to a question.
type choice struct {
	Text  string
	Right bool
}

// choices are the answers offered for an entry: what its broken code does
// (right), what its fixed code does (the "it just works" guess), and what
// the broken code of up to two other entries does, preferably of the same
// topic. The order is shuffled, the same way every time for an entry, so
// that scripted answers stay valid.
func choices(e catalog.Entry) []choice {
	cs := []choice{{e.Broken.Says, true}, {e.Fixed.Says, false}}
	seen := map[string]bool{e.Broken.Says: true, e.Fixed.Says: true}
	add := func(es []catalog.Entry) {
		start := 0
		for i, o := range es {
			if o.ID == e.ID {
				start = i + 1
			}
		}
		for k := range es {
			o := es[(start+k)%len(es)]
			if len(cs) == 4 {
				return
			}
			if o.ID != e.ID && !seen[o.Broken.Says] {
				seen[o.Broken.Says] = true
				cs = append(cs, choice{o.Broken.Says, false})
			}
		}
	}
	add(catalog.Entries(e.Topic()))
	add(catalog.Entries())
	h := fnv.New64a()
	io.WriteString(h, e.ID)
	r := rand.New(rand.NewPCG(h.Sum64(), 0))
	r.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	return cs
}

// answers yields the user's answers: from --answers, or a line at a time
// from standard input, read in the background so that Ctrl-C at the
// prompt is answered at once.
type answers struct {
	given []string
	lines chan string // closed at the end of the input
}

func newAnswers(given string, in io.Reader) *answers {
	a := &answers{}
	if given != "" {
		a.given = strings.Split(given, ",")
		return a
	}
	a.lines = make(chan string)
	go func() {
		defer close(a.lines)
		r := bufio.NewReader(in)
		for {
			line, err := r.ReadString('\n')
			if line != "" {
				a.lines <- line
			}
			if err != nil {
				return
			}
		}
	}()
	return a
}

// next returns the next answer; ok is false when there are no more, and
// sig is set when a signal came first.
func (a *answers) next(sigs <-chan os.Signal) (ans string, ok bool, sig os.Signal) {
	if a.lines == nil {
		if len(a.given) == 0 {
			return "", false, nil
		}
		s := a.given[0]
		a.given = a.given[1:]
		return strings.ToLower(strings.TrimSpace(s)), true, nil
	}
	select {
	case line, ok := <-a.lines:
		return strings.ToLower(strings.TrimSpace(line)), ok, nil
	case sig := <-sigs:
		return "", false, sig
	}
}

func cmdQuiz(u *ui, args []string) int {
	fs := flag.NewFlagSet("quiz", flag.ContinueOnError)
	given := fs.String("answers", "", "comma-separated answers, in order")
	words, status := parse(u, fs, quizHelp, args)
	if status != nil {
		return *status
	}
	entries, err := resolve(words)
	if err != nil {
		return fail(u, "quiz", err)
	}
	in := newAnswers(*given, u.in)
	sweep, err := childproc.Supervise()
	if err != nil {
		fmt.Fprintf(u.err, "procbugs quiz: %v\n", err)
		return exitFailed
	}
	live := newLive(u, sweep)
	defer live.close()

	start := time.Now()
	score, asked, contradicted := 0, 0, 0
	u.println(u.paint(bold, "procbugs quiz") + ": predict what the broken code does, then watch it run.")
quiz:
	for i, e := range entries {
		broken, err := entryCode(e, "broken.go", false)
		if err != nil {
			fmt.Fprintf(u.err, "procbugs quiz: %s: %v\n", e.ID, err)
			return exitFailed
		}
		cs := choices(e)
		u.println()
		u.println(u.paint(bold+";"+cyan, fmt.Sprintf("Question %d of %d", i+1, len(entries))) +
			u.paint(dim, " · "+e.Topic()))
		u.println("What happens when this code runs?")
		u.println()
		for _, l := range lines(strings.TrimRight(broken.Text, "\n")) {
			u.printf("  %s\n", l)
		}
		u.println()
		for k, c := range cs {
			u.printf("  %c) ", 'a'+k)
			for j, l := range wrap(capitalize(c.Text), width-5) {
				if j > 0 {
					u.printf("     ")
				}
				u.printf("%s\n", l)
			}
		}
		var pick int
		for {
			u.printf("Your answer (a-%c, q to stop): ", 'a'+len(cs)-1)
			ans, ok, sig := in.next(live.sigs)
			if sig != nil {
				live.got = sig
				return live.interrupted(start)
			}
			if !ok {
				u.println()
				u.println("No more answers.")
				break quiz
			}
			if !u.keys {
				u.println(ans) // echo a scripted answer, as a terminal would
			}
			if ans == "q" {
				break quiz
			}
			if len(ans) == 1 && ans[0] >= 'a' && int(ans[0]-'a') < len(cs) {
				pick = int(ans[0] - 'a')
				break
			}
			if in.lines == nil {
				return fail(u, "quiz", fmt.Errorf("answer %q to question %d: want a letter from a to %c", ans, i+1, 'a'+len(cs)-1))
			}
			u.printf("Answer with a letter from a to %c.\n", 'a'+len(cs)-1)
		}
		asked++
		right := 0
		for k, c := range cs {
			if c.Right {
				right = k
			}
		}
		if pick == right {
			score++
			u.println(u.paint(bold+";"+green, "Right."))
		} else {
			u.println(u.paint(bold+";"+red, fmt.Sprintf("Not quite: the answer is %c.", 'a'+right)))
		}
		u.println(u.paint(dim, "Running it live…"))
		obs, tree, ok := live.observe(e, true, false)
		if !ok {
			return live.interrupted(start)
		}
		u.narrate(obs, e.Tree, tree)
		if !obs.OK() {
			contradicted++
		}
		u.println()
		u.println(u.paint(bold, e.ID))
		u.para("", e.Title)
		u.field("", "Why", 5, e.Cause)
		u.field("", "Fix", 5, e.Fix)
		u.println(u.paint(dim, "procbugs show "+e.ID+" shows the fix as a diff."))
		u.println(u.paint(bold, fmt.Sprintf("Score: %d of %d", score, asked)))
	}
	u.println()
	u.printf("Final score: %d of %d. ", score, asked)
	switch {
	case asked > 0 && score == asked:
		u.println("Every prediction was right.")
	case asked > 0:
		u.println("procbugs show ID explains the ones you missed.")
	default:
		u.println()
	}
	if len(live.finish()) > 0 || contradicted > 0 {
		return exitFailed
	}
	return exitOK
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
