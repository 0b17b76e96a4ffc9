package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
)

// TestCLI runs every command of the built binary as a user would, and
// checks what it prints and its exit status. The subtests share one build
// and run in parallel.
func TestCLI(t *testing.T) {
	c := build(t)
	c.workshop = &workshop{dir: t.TempDir()}
	for _, tc := range []struct {
		name string
		test func(t *testing.T, c cli)
	}{
		{"with no arguments it lists every entry by topic", listsEverything},
		{"list TOPIC lists that topic alone", listsOneTopic},
		{"list --markdown prints the README's index from the records", listsMarkdown},
		{"show gives symptom, cause, fix and the diff of the two methods", showsTheDiff},
		{"an unknown ID gives the closest IDs and status 2", unknownIDs},
		{"every command explains itself with -h and examples", explainsItself},
		{"list and show work outside the source tree, and the live commands say why not", outsideTheTree},
		{"run proves an entry live and draws its tree at the moment of the evidence", runsOneEntry},
		{"run shows what a lesson left behind, then that it was cleaned up", runShowsLeftovers},
		{"run keeps the catalog's order however the entries finish", runKeepsOrder},
		{"run exits 1 where an observation contradicts its record, and says on which release", runContradicts},
		{"quiz takes scripted answers, keeps the score and lists what was missed", quizScripted},
		{"quiz checks --answers before the first question", quizChecksAnswers},
		{"exercise --once fails on the broken code and passes once it is mended", exerciseOnce},
		{"exercise --reset restores every method of broken.go", exerciseReset},
		{"the quiz works in a real terminal, in colour, and q ends it with 0", quizInTerminal},
		{"the exercise in a real terminal: a failure in plain words, a save, the reference fix, n", exerciseInTerminal},
		{"the exercise in a real terminal: r restores the method, q exits 0 under make", exerciseResetInTerminal},
		{"the exercise never counts a proof that cannot run here as fixed", exerciseSkipsInTerminal},
		{"run shows its progress on a terminal, and --step waits for Enter", runInTerminal},
		{"Ctrl-C at the quiz's prompt ends it", interruptQuiz},
		{"Ctrl-C during run leaves no process behind", interruptRun},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.test(t, c)
		})
	}
}

func listsEverything(t *testing.T, c cli) {
	res := c.run(t, "", nil)
	require.Equal(t, exitOK, res.code, res.stderr)
	for _, topic := range catalog.Topics() {
		assert.Contains(t, oneLine(res.stdout), topic.Title)
	}
	for _, e := range catalog.Entries() {
		assert.Contains(t, res.stdout, e.ID)
	}
	assert.Contains(t, res.stdout, plural(len(catalog.Entries()), "entry", "entries")+" in ")
	assert.Contains(t, res.stdout, "procbugs show ID")
	fits(t, res.stdout)
}

func listsOneTopic(t *testing.T, c cli) {
	res := c.run(t, "", nil, "list", "pipes")
	require.Equal(t, exitOK, res.code, res.stderr)
	for _, e := range catalog.Entries() {
		if e.Topic() == "pipes" {
			assert.Contains(t, res.stdout, e.ID)
		} else {
			assert.NotContains(t, res.stdout, e.ID)
		}
	}
	fits(t, res.stdout)
}

func listsMarkdown(t *testing.T, c cli) {
	res := c.run(t, "", nil, "list", "--markdown")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, catalog.IndexMarkdown(), res.stdout)
}

// unwrapped puts back together the lines codeLines broke: a continuation
// starts, after the diff's mark, with spaces and ↪.
func unwrapped(ls []string) []string {
	var out []string
	for _, l := range ls {
		if rest, ok := strings.CutPrefix(strings.TrimLeft(l[1:], " "), "↪ "); ok && len(out) > 0 {
			out[len(out)-1] += " " + rest
			continue
		}
		out = append(out, l)
	}
	return out
}

func showsTheDiff(t *testing.T, c cli) {
	for _, e := range catalog.Entries("pipes") {
		res := c.run(t, "", nil, "show", e.ID)
		require.Equal(t, exitOK, res.code, res.stderr)
		for _, s := range []string{e.Symptom, e.Cause, e.Fix} {
			assert.Contains(t, oneLine(res.stdout), oneLine(s))
		}
		assert.Contains(t, res.stdout, "go test -run '^"+e.Test+"$' ./pipes/")
		// The diff's kept and removed lines make up the broken method,
		// its kept and added lines the fixed one, as embedded.
		broken, err := entryCode(e, "broken.go", true)
		require.NoError(t, err)
		fixedCode, err := entryCode(e, "fixed.go", true)
		require.NoError(t, err)
		_, hunk, ok := strings.Cut(res.stdout, "+++ pipes/fixed.go\n")
		require.True(t, ok, "a unified diff:\n%s", res.stdout)
		var body []string
		for _, l := range strings.Split(hunk, "\n")[1:] {
			if l == "" {
				break
			}
			body = append(body, l)
		}
		var left, right []string
		for _, l := range unwrapped(body) {
			switch l[0] {
			case ' ':
				left, right = append(left, l[1:]), append(right, l[1:])
			case '-':
				left = append(left, l[1:])
			case '+':
				right = append(right, l[1:])
			}
		}
		assert.Equal(t, oneLine(strings.Join(lines(broken.Text), "\n")), oneLine(strings.Join(left, "\n")), e.ID)
		assert.Equal(t, oneLine(strings.Join(lines(fixedCode.Text), "\n")), oneLine(strings.Join(right, "\n")), e.ID)
		assert.Contains(t, res.stdout, "-func (Broken) "+e.Func)
		assert.Contains(t, res.stdout, "+func (Fixed) "+e.Func)
		fits(t, res.stdout)
	}
}

func unknownIDs(t *testing.T, c cli) {
	typo := strings.Replace(stable, "before", "befor", 1)
	for _, cmd := range []string{"show", "run", "quiz", "exercise"} {
		res := c.run(t, "", nil, cmd, typo)
		assert.Equal(t, exitUsage, res.code, "procbugs %s %s", cmd, typo)
		assert.Contains(t, res.stderr, "did you mean:\n  "+stable, "procbugs %s %s", cmd, typo)
		assert.Empty(t, res.stdout)
	}
	res := c.run(t, "", nil, "lst")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "did you mean:\n  list")
}

func explainsItself(t *testing.T, c cli) {
	for _, args := range [][]string{{"-h"}, {"list", "-h"}, {"show", "-h"}, {"run", "-h"},
		{"quiz", "-h"}, {"exercise", "-h"}, {"help", "run"}} {
		res := c.run(t, "", nil, args...)
		assert.Equal(t, exitOK, res.code, "%v", args)
		assert.Contains(t, res.stdout, "Usage:", "%v", args)
		assert.Contains(t, res.stdout, "Examples:", "%v", args)
		fits(t, res.stdout)
	}
	res := c.run(t, "", nil, "run", "--no-such-flag")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "no-such-flag")
}

func outsideTheTree(t *testing.T, c cli) {
	away := cli{bin: c.bin, dir: t.TempDir()}
	res := away.run(t, "", nil, "list")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, stable)
	res = away.run(t, "", nil, "show", stable)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "+++ pipes/fixed.go")

	for _, cmd := range []string{"run", "exercise"} {
		res = away.run(t, "", nil, cmd, stable)
		assert.Equal(t, exitFailed, res.code, "procbugs %s outside the tree", cmd)
		assert.Contains(t, res.stderr, "source tree", "procbugs %s says what it needs", cmd)
		fits(t, res.stderr)
	}
	right, _ := answerLetters(t, stable)
	res = away.run(t, "", nil, "quiz", "--answers", string(right), stable)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, oneLine(res.stdout), "The answers cannot be run live here")
	assert.Contains(t, oneLine(res.stdout), "source tree")
	assert.Contains(t, res.stdout, "Final score: 1 of 1.")
	fits(t, res.stdout)
}

func runsOneEntry(t *testing.T, c cli) {
	e := stableEntry(t)
	res := c.run(t, "", nil, "run", e.ID)
	require.Equal(t, exitOK, res.code, "%s\n%s", res.stdout, res.stderr)
	text := oneLine(res.stdout)
	assert.Contains(t, text, "Observed on "+catalog.Platform()+".")
	assert.Contains(t, text, e.Broken.Says)
	assert.Contains(t, text, e.Fixed.Says)
	// The broken half's tree as the proof took its evidence: the role
	// leading its own group, in Wait, and the writer in that group,
	// asleep on the full pipe.
	role := regexp.MustCompile(`└─ ` + regexp.QuoteMeta(e.Roles.Broken.Name()) + `\((\d+)\) group (\d+), sleeping in\s+(?:│\s+)?do_wait`).
		FindStringSubmatch(res.stdout)
	require.NotNil(t, role, "the broken role in do_wait:\n%s", res.stdout)
	assert.Equal(t, role[1], role[2], "the role leads its group")
	writer := regexp.MustCompile(`└─ head\(\d+\) group (\d+), sleeping in (anon_)?pipe_write`).FindStringSubmatch(res.stdout)
	require.NotNil(t, writer, "the writer asleep on the pipe:\n%s", res.stdout)
	assert.Equal(t, role[1], writer[1], "the writer is in the role's group")
	assert.NotContains(t, res.stdout, "no process left")
	assert.Regexp(t, `(?m)^`+e.ID+` +as recorded +as recorded +\d`, res.stdout)
	assert.Contains(t, text, "All 2 observations as recorded on "+catalog.Platform()+".")
	assert.Empty(t, res.stderr, "no progress line without a terminal")
	fits(t, res.stdout)
}

// halfOf is the narration of one half in a run's output.
func halfOf(t *testing.T, out, id, half string) string {
	t.Helper()
	_, rest, ok := strings.Cut(out, "\n"+id+"\n")
	require.True(t, ok, "%s is narrated:\n%s", id, out)
	_, rest, ok = strings.Cut(rest, "  "+half+"  ")
	require.True(t, ok, "its %s half is narrated", half)
	for _, end := range []string{"\n  fixed  ", "\n\n"} {
		if i := strings.Index(rest, end); i >= 0 {
			rest = rest[:i]
		}
	}
	return rest
}

func runShowsLeftovers(t *testing.T, c cli) {
	const leaves, reaps = "pgroups/kill-leader", "zombies/start-without-wait"
	res := c.run(t, "", nil, "run", leaves, reaps)
	require.Equal(t, exitOK, res.code, "%s\n%s", res.stdout, res.stderr)
	// The workers the broken code left, as they were before the cleanup.
	broken := halfOf(t, res.stdout, leaves, "broken")
	assert.Regexp(t, `left behind when the child was done:\n\s+procbugs\(\d+\)\n(\s+[├└]─ worker\(\d+\) group \d+, \w+.*\n){2}\s+then cleaned up`, broken)
	assert.NotContains(t, res.stdout, "no process left", "a lesson about leftovers never ends on the opposite")
	assert.NotContains(t, halfOf(t, res.stdout, leaves, "fixed"), "left behind")
	// The zombie the broken code leaves, and none where the fixed code
	// has reaped it: its tree is the one of its evidence.
	assert.Contains(t, halfOf(t, res.stdout, reaps, "broken"), ", zombie")
	assert.NotContains(t, halfOf(t, res.stdout, reaps, "fixed"), ", zombie")
	fits(t, res.stdout)
}

func runKeepsOrder(t *testing.T, c cli) {
	res := c.run(t, "", nil, "run", "pipes")
	require.Equal(t, exitOK, res.code, "%s\n%s", res.stdout, res.stderr)
	var seen []string
	for _, l := range strings.Split(res.stdout, "\n") {
		if _, ok := catalog.Lookup(l); ok {
			seen = append(seen, l)
		}
	}
	var want []string
	for _, e := range catalog.Entries("pipes") {
		want = append(want, e.ID)
	}
	assert.Equal(t, want, seen, "narrated in the catalog's order")
	n := 2 * len(want)
	assert.Contains(t, oneLine(res.stdout), fmt.Sprintf("All %d observations as recorded", n))
	fits(t, res.stdout)
}

func runContradicts(t *testing.T, c cli) {
	e := stableEntry(t)
	dir := scratch(t, c)
	mend(t, dir, e.Topic(), e.Func)
	res := cli{bin: c.bin, dir: dir}.run(t, "", nil, "run", e.ID)
	assert.Equal(t, exitFailed, res.code, "%s\n%s", res.stdout, res.stderr)
	text := oneLine(res.stdout)
	assert.Contains(t, text, "CONTRADICTS THE RECORD on "+catalog.Platform())
	assert.Regexp(t, `(?m)^`+e.ID+` +CONTRADICTED +as recorded`, res.stdout)
	assert.Contains(t, text, "1 observation of 2 contradicted the record on "+catalog.Platform()+": "+e.ID+" (broken).")
	fits(t, res.stdout)
}

func quizScripted(t *testing.T, c cli) {
	e := stableEntry(t)
	right, wrong := answerLetters(t, e.ID)
	res := c.run(t, "", nil, "quiz", "--answers", string(right), e.ID)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "Right.")
	assert.Contains(t, oneLine(res.stdout), "Scenario: "+capitalize(e.Quiz.Scenario)+".")
	assert.Contains(t, res.stdout, "Final score: 1 of 1. Every prediction was right.")
	fits(t, res.stdout)

	// Piped answers work the same; a wrong one is corrected, and the end
	// lists it with the command that explains it.
	res = c.run(t, string(wrong)+"\n", nil, "quiz", e.ID)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, fmt.Sprintf("Not quite: the answer is %c.", right))
	// The end names each question missed, its right answer, and what to
	// read.
	assert.Regexp(t, fmt.Sprintf(`Final score: 0 of 1\. You missed:\n  1\. +%c: `, right), res.stdout)
	assert.Contains(t, oneLine(res.stdout), oneLine(capitalize(rightText(t, e.ID))))
	assert.Contains(t, res.stdout, "\n      read: procbugs show "+e.ID+"\n")
	fits(t, res.stdout)
}

// rightText is the right answer to an entry's question.
func rightText(t *testing.T, id string) string {
	t.Helper()
	e, ok := catalog.Lookup(id)
	require.True(t, ok)
	qs, err := questions([]catalog.Entry{e})
	require.NoError(t, err)
	return qs[0].choices[qs[0].right()].Text
}

func quizChecksAnswers(t *testing.T, c cli) {
	for _, answers := range []string{"a,b", "z", "", "ab"} {
		res := c.run(t, "", nil, "quiz", "--answers="+answers, stable)
		if answers == "" {
			continue // no --answers at all: the quiz asks, and the input is empty
		}
		assert.Equal(t, exitUsage, res.code, "--answers=%s", answers)
		assert.Empty(t, res.stdout, "--answers=%s: nothing is asked", answers)
		assert.NotEmpty(t, res.stderr)
	}
}

// pipesAbout are the entries whose lesson is the stable entry's method.
func pipesAbout(t *testing.T, fn string) []string {
	var ids []string
	for _, e := range catalog.Entries("pipes") {
		if e.Func == fn {
			ids = append(ids, e.ID)
		}
	}
	require.NotEmpty(t, ids)
	return ids
}

func exerciseOnce(t *testing.T, c cli) {
	e := lookup(t, failsFast)
	ids := []string{e.ID}
	dir := scratch(t, c)
	x := cli{bin: c.bin, dir: dir}
	res := x.run(t, "", nil, append([]string{"exercise", "--once"}, ids...)...)
	assert.Equal(t, exitFailed, res.code, "%s\n%s", res.stdout, res.stderr)
	assert.Contains(t, res.stdout, e.ID+": the proof still fails")
	assert.Contains(t, res.stdout, fmt.Sprintf("0 of %d fixed", len(ids)))
	fits(t, res.stdout)

	mend(t, dir, e.Topic(), e.Func)
	res = x.run(t, "", nil, append([]string{"exercise", "--once"}, ids...)...)
	assert.Equal(t, exitOK, res.code, "%s\n%s", res.stdout, res.stderr)
	assert.Contains(t, res.stdout, fmt.Sprintf("%d of %d fixed", len(ids), len(ids)))
	assert.NotContains(t, res.stdout, "still fails")
	fits(t, res.stdout)
}

func exerciseReset(t *testing.T, c cli) {
	dir := scratch(t, c)
	var funcs []string
	for _, e := range catalog.Entries("pipes") {
		if !slices.Contains(funcs, e.Func) {
			funcs = append(funcs, e.Func)
		}
	}
	mend(t, dir, "pipes", funcs...)
	require.NotEmpty(t, git(t, dir, "diff", "--stat"), "the methods are mended")
	res := cli{bin: c.bin, dir: dir}.run(t, "", nil, "exercise", "--reset", "pipes")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "Restored pipes/broken.go")
	assert.Empty(t, git(t, dir, "status", "--porcelain"), "git diff is empty after --reset")
}
