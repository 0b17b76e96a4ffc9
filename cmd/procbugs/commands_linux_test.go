package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
)

// TestCommands runs every command of the built binary as a user would, and
// checks what it prints and its exit status. The subtests share one build.
func TestCommands(t *testing.T) {
	c := build(t)

	t.Run("with no arguments it lists every entry by topic", func(t *testing.T) {
		t.Parallel()
		res := c.run(t, "", nil)
		require.Equal(t, exitOK, res.code, res.stderr)
		for _, topic := range catalog.Topics() {
			assert.Contains(t, res.stdout, topic.Title)
		}
		for _, e := range catalog.Entries() {
			assert.Contains(t, res.stdout, e.ID)
		}
		assert.Contains(t, res.stdout, plural(len(catalog.Entries()), "entry", "entries")+" in ")
		assert.Contains(t, res.stdout, "procbugs show ID")
		fits(t, res.stdout)
	})

	t.Run("list TOPIC lists that topic alone", func(t *testing.T) {
		t.Parallel()
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
	})

	t.Run("list --markdown prints the README's index from the records", func(t *testing.T) {
		t.Parallel()
		res := c.run(t, "", nil, "list", "--markdown")
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Equal(t, catalog.IndexMarkdown(), res.stdout)
	})

	t.Run("show gives symptom, cause, fix and the diff of the two methods", func(t *testing.T) {
		t.Parallel()
		e := stableEntry(t)
		res := c.run(t, "", nil, "show", e.ID)
		require.Equal(t, exitOK, res.code, res.stderr)
		for _, s := range []string{e.Symptom, e.Cause, e.Fix} {
			assert.Contains(t, oneLine(res.stdout), s)
		}
		assert.Contains(t, res.stdout, "go test -run '^"+e.Test+"$' ./pipes/")
		// The diff's kept and removed lines make up the broken method,
		// its kept and added lines the fixed one, as embedded.
		broken, err := entryCode(e, "broken.go", true)
		require.NoError(t, err)
		fixed, err := entryCode(e, "fixed.go", true)
		require.NoError(t, err)
		_, hunk, ok := strings.Cut(res.stdout, "+++ pipes/fixed.go\n")
		require.True(t, ok, "a unified diff:\n%s", res.stdout)
		var left, right []string
		for _, l := range strings.Split(hunk, "\n")[1:] {
			if l == "" {
				break
			}
			switch l[0] {
			case ' ':
				left, right = append(left, l[1:]), append(right, l[1:])
			case '-':
				left = append(left, l[1:])
			case '+':
				right = append(right, l[1:])
			}
		}
		assert.Equal(t, lines(broken.Text), left)
		assert.Equal(t, lines(fixed.Text), right)
		assert.Contains(t, res.stdout, "-func (Broken) "+e.Func)
		assert.Contains(t, res.stdout, "+func (Fixed) "+e.Func)
	})

	t.Run("an unknown ID gives the closest IDs and status 2", func(t *testing.T) {
		t.Parallel()
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
	})

	t.Run("every command explains itself with -h and examples", func(t *testing.T) {
		t.Parallel()
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
	})

	t.Run("run proves an entry live, draws its tree and sums it up", func(t *testing.T) {
		t.Parallel()
		e := stableEntry(t)
		res := c.run(t, "", nil, "run", e.ID)
		require.Equal(t, exitOK, res.code, "%s\n%s", res.stdout, res.stderr)
		text := oneLine(res.stdout)
		assert.Contains(t, text, e.Broken.Says)
		assert.Contains(t, text, e.Fixed.Says)
		// The tree while the broken code hung: the role, and below it the
		// writer asleep on the full pipe.
		// The tree is sampled from /proc while the code runs, so which
		// moment it caught depends on the machine's load; what it shows
		// must be right: the role leads a group of its own, and a writer
		// it started is in that group. Nothing is left after either half.
		role := regexp.MustCompile(`└─ ` + e.Broken.Role.Name() + `\((\d+)\) group (\d+)`).FindStringSubmatch(res.stdout)
		if role != nil {
			assert.Equal(t, role[1], role[2], "the role leads its group")
			for _, w := range regexp.MustCompile(`└─ pipes/writer\(\d+\) group (\d+)`).FindAllStringSubmatch(res.stdout, -1) {
				if !strings.Contains(res.stdout, "/fixed("+w[1]+")") {
					assert.Equal(t, role[1], w[1], "the writer is in the broken role's group")
				}
			}
		}
		assert.Equal(t, 2, strings.Count(res.stdout, "after: no process left"))
		assert.Regexp(t, `(?m)^`+e.ID+` +as recorded +as recorded +\d`, res.stdout)
		assert.Contains(t, res.stdout, "All 2 observations as recorded. Wall time ")
		assert.Empty(t, res.stderr, "no progress line without a terminal")
		fits(t, res.stdout)
	})

	t.Run("quiz takes scripted answers and keeps the score", func(t *testing.T) {
		t.Parallel()
		e := stableEntry(t)
		right, wrong := answerLetters(e)
		res := c.run(t, "", nil, "quiz", "--answers", string(right), e.ID)
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Contains(t, res.stdout, "Right.")
		assert.Contains(t, oneLine(res.stdout), e.Broken.Says)
		assert.Contains(t, res.stdout, "Final score: 1 of 1.")
		fits(t, res.stdout)

		// Piped answers work the same; a wrong one is corrected.
		res = c.run(t, string(wrong)+"\n", nil, "quiz", e.ID)
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Contains(t, res.stdout, fmt.Sprintf("Not quite: the answer is %c.", right))
		assert.Contains(t, res.stdout, "Final score: 0 of 1.")

		res = c.run(t, "", nil, "quiz", "--answers", "z", e.ID)
		assert.Equal(t, exitUsage, res.code)
		assert.Contains(t, res.stderr, `answer "z" to question 1`)
	})

	t.Run("the quiz works in a real terminal, in colour", func(t *testing.T) {
		t.Parallel()
		quizInTerminal(t, c)
	})

	// Two scratch copies side by side: the broken one waits out its
	// proof's time bound while the mended one builds and passes.
	t.Run("make exercise T=pipes fails before the fix", func(t *testing.T) {
		t.Parallel()
		makeExerciseFails(t, c)
	})

	t.Run("make exercise T=pipes passes after the fix", func(t *testing.T) {
		t.Parallel()
		makeExercisePasses(t, c)
	})

	t.Run("exercise notices a save, and r restores the original", func(t *testing.T) {
		t.Parallel()
		watchAndReset(t, c)
	})

	t.Run("a run shows its progress on a terminal", func(t *testing.T) {
		t.Parallel()
		progressInTerminal(t, c)
	})

	t.Run("Ctrl-C at the quiz's prompt ends it", func(t *testing.T) {
		t.Parallel()
		interruptQuiz(t, c)
	})

	t.Run("Ctrl-C during run leaves no process behind", func(t *testing.T) {
		t.Parallel()
		interruptRun(t, c)
	})
}

// answerLetters are the letter of the right choice for an entry and of a
// wrong one.
func answerLetters(e catalog.Entry) (right, wrong byte) {
	for k, c := range choices(e) {
		if c.Right {
			right = byte('a' + k)
		} else if wrong == 0 {
			wrong = byte('a' + k)
		}
	}
	return right, wrong
}

// oneLine joins wrapped output back into one line, so that a sentence can
// be found whatever the width broke it at.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
