package main

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
)

// TestQuestionsAreFair checks every question of the whole quiz: four
// different choices, one of them right, and never the same code twice in
// one scenario.
func TestQuestionsAreFair(t *testing.T) {
	qs, err := questions(catalog.Entries())
	require.NoError(t, err)
	require.NotEmpty(t, qs)
	for i, q := range qs {
		assert.Len(t, q.choices, 4, q.entry.ID)
		right := 0
		texts := map[string]bool{}
		for _, c := range q.choices {
			if c.Right {
				right++
			}
			assert.False(t, texts[c.Text], "%s offers %q twice", q.entry.ID, c.Text)
			texts[c.Text] = true
		}
		assert.Equal(t, 1, right, "%s has one right choice", q.entry.ID)
		assert.NotContains(t, q.code.Text, "Broken", "%s: the code does not say which file it is from", q.entry.ID)
		assert.NotContains(t, q.code.Text, "Fixed", "%s: the code does not say which file it is from", q.entry.ID)
		assert.NotContains(t, q.code.Text, "//", "%s: no comment gives the answer away", q.entry.ID)
		if !q.broken {
			assert.True(t, texts[q.entry.Broken.Says], "%s: a question about the fixed code offers what the broken code does", q.entry.ID)
		} else if q.entry.Quiz.Wrong != "" {
			assert.False(t, texts[q.entry.Fixed.Says], "%s: the fixed outcome appears only where it is the mistake people make", q.entry.ID)
		}
		for _, o := range qs[:i] {
			if o.code.Text == q.code.Text {
				assert.NotEqual(t, o.entry.Quiz.Scenario, q.entry.Quiz.Scenario,
					"%s and %s show the same code in the same scenario", o.entry.ID, q.entry.ID)
				assert.NotZero(t, q.sameAs, "%s says it shows the code of an earlier question", q.entry.ID)
			}
		}
	}
}

// negativeCues are the words that make an answer sound like a bug. The
// blind strategy "pick the most negative-sounding answer" counts them.
var negativeCues = strings.Fields(`not no never nothing nobody none without cannot can't
	fail fails failed failure lost loses lose empty blocks blocked block hangs hang stuck
	waits wait dies die dead killed kills kill panic panics crash crashes dropped drops drop
	swallowed refuses refused zombie zombies orphaned leaks leak leaves left stale
	ignored ignores survives error errors eperm esrch enoent enoexec e2big sigpipe sigkill
	-1 255 for ever deadlock overshoots overwrite overwrites deaf wrong lives on`)

// negativity is how many negative cues a sentence holds.
func negativity(s string) int {
	n := 0
	for _, w := range strings.Fields(strings.ToLower(s)) {
		if slices.Contains(negativeCues, strings.Trim(w, ".,;:()\"'`")) {
			n++
		}
	}
	return n
}

// TestBlindGuessingScoresChance plays the whole quiz without reading it:
// always the most negative-sounding choice (by negativity; the first of
// those on a tie), the least, never the fixed outcome, the longest,
// always the first, and at random (a fixed seed, and the
// expected value). None may beat chance by more than 15 points: the quiz
// needs knowledge, not a nose for the bad-sounding answer.
func TestBlindGuessingScoresChance(t *testing.T) {
	qs, err := questions(catalog.Entries())
	require.NoError(t, err)
	n := float64(len(qs))
	chance := 0.0
	for _, q := range qs {
		chance += 1 / float64(len(q.choices))
	}
	chance /= n

	score := func(pick func(q question) int) float64 {
		right := 0
		for _, q := range qs {
			if pick(q) == q.right() {
				right++
			}
		}
		return float64(right) / n
	}
	worst := score(func(q question) int {
		best := 0
		for i, c := range q.choices {
			if negativity(c.Text) > negativity(q.choices[best].Text) {
				best = i
			}
		}
		return best
	})
	// The reverse nose: the answer that sounds like the code works, as
	// one who suspects every question of being about the fix would pick.
	best := score(func(q question) int {
		least := 0
		for i, c := range q.choices {
			if negativity(c.Text) < negativity(q.choices[least].Text) {
				least = i
			}
		}
		return least
	})
	// Never the fixed outcome: of the rest, the most negative-sounding.
	// The fixed outcome is what a question about the broken code is most
	// likely to offer as its mistake.
	notFixed := score(func(q question) int {
		pick := -1
		for i, c := range q.choices {
			if c.Text == q.entry.Fixed.Says {
				continue
			}
			if pick < 0 || negativity(c.Text) > negativity(q.choices[pick].Text) {
				pick = i
			}
		}
		return pick
	})
	longest := score(func(q question) int {
		pick := 0
		for i, c := range q.choices {
			if len(c.Text) > len(q.choices[pick].Text) {
				pick = i
			}
		}
		return pick
	})
	first := score(func(question) int { return 0 })
	r := rand.New(rand.NewPCG(1, 2))
	random := score(func(q question) int { return r.IntN(len(q.choices)) })
	broken := 0
	for _, q := range qs {
		if q.broken {
			broken++
		}
	}

	t.Logf("%d questions (%d on broken code, %d on fixed code); chance %.0f%%", len(qs), broken, len(qs)-broken, 100*chance)
	t.Logf("always the most negative-sounding: %.0f%%; the least: %.0f%%; never the fixed outcome: %.0f%%; the longest: %.0f%%",
		100*worst, 100*best, 100*notFixed, 100*longest)
	t.Logf("always the first: %.0f%%; at random: %.0f%% (expected %.0f%%)", 100*first, 100*random, 100*chance)
	limit := chance + 0.15
	assert.LessOrEqual(t, worst, limit, "picking the most negative-sounding answer beats chance")
	assert.LessOrEqual(t, best, limit, "picking the least negative-sounding answer beats chance")
	assert.LessOrEqual(t, notFixed, limit, "never picking the fixed outcome beats chance")
	assert.LessOrEqual(t, longest, limit, "picking the longest answer beats chance")
	assert.LessOrEqual(t, first, limit, "always picking the first answer beats chance")
	assert.LessOrEqual(t, random, limit, "picking at random beats chance")
}

// TestScriptedAnswersAreCheckedFirst: --answers must give one valid letter
// per question, before anything is asked.
func TestScriptedAnswersAreCheckedFirst(t *testing.T) {
	qs, err := questions(catalog.Entries("pipes"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(qs), 2)
	all := strings.TrimSuffix(strings.Repeat("a,", len(qs)), ",")
	got, err := parseAnswers(all, qs)
	require.NoError(t, err)
	assert.Len(t, got, len(qs))

	_, err = parseAnswers(all+",a", qs)
	assert.ErrorContains(t, err, "give one letter per question")
	_, err = parseAnswers("a", qs)
	assert.ErrorContains(t, err, "give one letter per question")
	_, err = parseAnswers(strings.Replace(all, "a", "z", 1), qs)
	assert.ErrorContains(t, err, `answer "z" to question 1`)
	_, err = parseAnswers(strings.Replace(all, "a", "ab", 1), qs)
	assert.ErrorContains(t, err, `answer "ab" to question 1`)
}
