//go:build linux

package catalog

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/helpers/internal/selftest/lesson"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
)

func TestMain(m *testing.M) { childproc.Main(m, "procbugs/helpers/internal/selftest/lesson") }

// proveHangs is a discriminating broken proof: Finish has not returned and
// the child sits idle inside it, which the stacks SIGQUIT takes confirm.
func proveHangs(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	p.WaitReady(t)
	p.Until(t, "every thread of the child is asleep", func() bool { return procfs.Idle(p.Pid) })
	res := p.Stop(t)
	assert.Contains(t, res.Stacks, "lesson.Broken.Finish")
	assert.NotContains(t, res.Events, "finished")
	t.Logf("Finish never returned")
}

// proveStarts is a proof that cannot fail: it sees only that the child
// became ready, which both halves do.
func proveStarts(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	p.WaitReady(t)
	p.Kill(t)
	t.Logf("the child became ready")
}

// proveFinishes is the fixed proof: the child says "finished" and exits 0.
// Code that instead sits in Finish with every thread asleep, once ready,
// can never finish (its role waits for nothing), so the proof fails it at
// once, as a negative control or the exercise would.
func proveFinishes(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r, childproc.StuckWhen("every thread asleep inside Finish", func(p *childproc.Proc) bool {
		return slices.Contains(p.Events(), role.ReadyEvent) && procfs.Idle(p.Pid)
	}))
	require.Equal(t, 0, res.ExitCode)
	assert.Equal(t, []string{"finished"}, res.Events)
	t.Logf("Finish returned")
}

func entry(broken func(childproc.T, role.Role)) Entry {
	return Entry{
		ID:     "selftest/finish",
		Roles:  lesson.Finish,
		Broken: Half{Says: "Finish hangs", Prove: broken},
		Fixed:  Half{Says: "Finish returns", Prove: proveFinishes},
	}
}

func TestControls(t *testing.T) {
	t.Parallel()
	t.Run("a proof that passes against the other half is caught and named", func(t *testing.T) {
		t.Parallel()
		controls := Controls(entry(proveStarts))
		assert.True(t, controls[0].Passed(), "the weak broken proof passes against the fixed code")
		assert.False(t, controls[1].Passed(), "the fixed proof fails against the broken code")
		assert.Equal(t, "selftest/finish: the broken proof against the fixed code", controls[0].Name())
		t.Logf("caught: %s", controls[0].Name())
	})
	t.Run("discriminating proofs fail against the other half", func(t *testing.T) {
		t.Parallel()
		controls := Controls(entry(proveHangs))
		for _, c := range controls {
			assert.False(t, c.Passed(), c.Name())
			require.NotEmpty(t, c.Errors, c.Name())
		}
		assert.Contains(t, controls[1].Errors[0], "lesson/finish/broken is stuck: every thread asleep inside Finish")
		t.Logf("the broken proof against the fixed code: %s", firstLine(controls[0].Errors[0]))
		t.Logf("the fixed proof against the broken code: %s", firstLine(controls[1].Errors[0]))
	})
}

func TestObserve(t *testing.T) {
	t.Parallel()
	e := entry(proveHangs)
	t.Run("a half observed live logs what its proof saw", func(t *testing.T) {
		o := Observe(e, false, false)
		assert.True(t, o.OK(), o.Failures)
		assert.Equal(t, []string{"Finish returned"}, o.Logs)
		assert.Equal(t, "fixed", o.Half)
	})
	t.Run("in exercise mode the broken code is held to the fixed proof", func(t *testing.T) {
		o := Observe(e, true, true)
		assert.False(t, o.OK())
		assert.Empty(t, o.Logs, "the success line is logged only once the assertions held")
		t.Logf("unmended: %s", firstLine(o.Failures[0]))
	})
}

// A record registered as a topic's would be, for the renderers.
func init() {
	e := entry(proveHangs)
	e.ID, e.Title, e.Func, e.Test = "pipes/selftest", "A title", "Finish", "TestFinish"
	e.Symptom, e.Cause, e.Fix = "It hangs.", "It blocks.", "It returns."
	e.Diagram = "sequenceDiagram\n    A->>B: hello"
	e.Changes = []Change{{Since: "go1.27", Before: "exit 2", After: "exit 143", Source: "runtime/signal_unix.go", Test: "pipes.TestFinish"}}
	Register(Topic{Name: "pipes"}, []Entry{e}, []Claim{{ID: "C999", Verdict: True, Test: "pipes.TestFinish", Changes: e.Changes}})
}

func TestMarkdown(t *testing.T) {
	t.Run("a topic's sections carry each record and its diagram", func(t *testing.T) {
		md := TopicMarkdown("pipes")
		assert.Contains(t, md, "## pipes/selftest\n\nA title\n")
		assert.Contains(t, md, "- **Proof, broken:** Finish hangs. **Fixed:** Finish returns.\n")
		assert.Contains(t, md, "```mermaid\nsequenceDiagram\n    A->>B: hello\n```\n")
		assert.Contains(t, md, "- **Go releases:** before Go 1.27, exit 2; from Go 1.27 on, exit 143")
	})
	t.Run("the index has a row per entry and the releases a row per change", func(t *testing.T) {
		assert.Contains(t, IndexMarkdown(), "| `pipes/selftest` | A title | [pipes](pipes/README.md) | `TestFinish` |")
		rel := ReleasesMarkdown()
		assert.Equal(t, 1, strings.Count(rel, "| Go 1.27 | exit 2 | exit 143 |"), "one row for the change that the entry and the claim share")
		assert.Contains(t, rel, "| `pipes/selftest`, C999 |")
		assert.Less(t, strings.Index(rel, "Go 1.27"), strings.Index(rel, "## Older changes"), "1.27 is a supported release's change")
		assert.Contains(t, ClaimsMarkdown(), "Before Go 1.27: exit 2. Go 1.27 and later: exit 143.")
	})
}

func TestSince(t *testing.T) {
	assert.True(t, Since("go1.20"), "every supported release is past 1.20")
	assert.False(t, Since("go1.99"))
	c := Change{Since: "go1.99", Before: "old", After: "new"}
	assert.Equal(t, "old", c.Now())
}
