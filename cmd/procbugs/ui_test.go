package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"procbugs/helpers/childproc"
)

// A failure as testify reports it to a Recorder.
const notEqual = "\n\tError Trace:\t/work/main/pipes/proofs/stdin_dev_null.go:62\n" +
	"\t            \t\t\t\t/work/main/helpers/catalog/observe.go:42\n" +
	"\tError:      \tNot equal: \n" +
	"\t            \texpected: \"the prompt: exit status 0\"\n" +
	"\t            \tactual  : \"the prompt: exit status 4\"\n" +
	"\t            \t\n\t            \tDiff:\n\t            \t--- Expected\n\t            \t+++ Actual\n" +
	"\t            \t@@ -1 +1 @@\n\t            \t-the prompt: exit status 0\n\t            \t+the prompt: exit status 4\n" +
	"\tTest:       \tpipes/stdin-dev-null/broken\n" +
	"\tMessages:   \tthe prompt read y\n"

// TestFailuresInPlainWords checks how a failed proof reads: expected and
// observed, whole, the check's message first, without the trace or the
// diff.
func TestFailuresInPlainWords(t *testing.T) {
	assert.Equal(t, []string{
		"The check: the prompt read y",
		`expected: "the prompt: exit status 0"`,
		`observed: "the prompt: exit status 4"`,
	}, explain(notEqual))

	assert.Equal(t, []string{"The check: the pipe is full", "expected: true", "observed: false"},
		explain("\n\tError Trace:\tx.go:1\n\tError:      \tShould be true\n\tTest:       \tx\n\tMessages:   \tthe pipe is full\n"))
	assert.Equal(t, []string{"expected: 1 item(s)", "observed: 0: []"},
		explain("\n\tError Trace:\tx.go:1\n\tError:      \t\"[]\" should have 1 item(s), but has 0\n\tTest:       \tx\n"))
	assert.Equal(t, []string{"expected: no error", "observed: exit status 1"},
		explain("\n\tError Trace:\tx.go:1\n\tError:      \tReceived unexpected error:\n\t            \texit status 1\n\tTest:       \tx\n"))

	// A value longer than the screen is wrapped, never cut: where the two
	// differ may be at its end.
	long := strings.Repeat("pipe:[2497000] ", 30) + "END"
	var out bytes.Buffer
	u := &ui{out: &out}
	u.explained("  ", "\n\tError Trace:\tx.go:1\n\tError:      \tNot equal: \n\t            \texpected: \"\"\n\t            \tactual  : \""+long+"\"\n\tTest:       \tx\n")
	assert.Contains(t, oneLine(out.String()), oneLine(long))
	for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		assert.LessOrEqual(t, utf8.RuneCountInString(l), width, "%q", l)
	}

	// The harness's own failures are prose; a stopped child's stacks are
	// summed up by where its main goroutine was.
	timeout := "pipes/wait-before-read/broken reached its time bound of 3s and was stopped: a timeout is never evidence\n" +
		"SIGQUIT: quit\nPC=0x40accc m=0 sigcode=0\n\ngoroutine 1 gp=0x2e745767e1e0 m=0 mp=0xacd260 [syscall]:\n" +
		"syscall.Syscall6(0xf7, 0x3, 0xf)\n\t/usr/local/go/src/syscall/syscall_linux.go:96 +0x39\n" +
		"os.(*Process).pidfdWait(0x2e74577)\n\t/usr/local/go/src/os/pidfd_linux.go:109 +0x1c\n" +
		"os/exec.(*Cmd).Wait(0x2e7457)\n\t/usr/local/go/src/os/exec/exec.go:922 +0x45\n" +
		"procbugs/pipes.Broken.CollectOutput({}, 0x2e74)\n\t/work/main/pipes/broken.go:30 +0x45\n\n" +
		"goroutine 2 [force gc (idle)]:\nruntime.gopark(0x0)\n"
	assert.Equal(t, []string{
		"pipes/wait-before-read/broken reached its time bound of 3s and was stopped: a timeout is never evidence",
		"Its main goroutine was stuck in os/exec.(*Cmd).Wait, called from procbugs/pipes.Broken.CollectOutput (syscall).",
	}, explain(timeout))
}

// TestTablesFit draws a proof's markdown table within the width.
func TestTablesFit(t *testing.T) {
	rows := []string{
		"| init | adopted orphans | SIGTERM reached the grandchild | exit: app killed by SIGTERM | exit: app exited 3 | the grandchild the app left |",
		"|---|---|---|---|---|---|",
		"| Go init (fixed.go) | all reaped | yes | 143 | 3 | killed when PID 1 exited |",
		"| tini | all reaped | no | 143 | 3 | killed when PID 1 exited |",
	}
	got := table(rows, 70)
	for _, l := range got {
		assert.LessOrEqual(t, utf8.RuneCountInString(l), 70, "%q", l)
	}
	text := strings.Join(got, "\n")
	assert.Contains(t, text, "───", "the header is underlined")
	for _, w := range []string{"init", "adopted", "grandchild", "tini", "143", "killed", "PID", "exited"} {
		assert.Contains(t, text, w)
	}
	assert.NotContains(t, text, "|")

	var out bytes.Buffer
	(&ui{out: &out}).text("    ", "a sentence first\n"+strings.Join(rows, "\n")+"\n")
	assert.True(t, strings.HasPrefix(out.String(), "    a sentence first\n"))
	for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		assert.LessOrEqual(t, utf8.RuneCountInString(l), width, "%q", l)
	}
}

// TestLongCodeLinesWrap keeps a 128-column line of code within the width,
// every part of it shown.
func TestLongCodeLinesWrap(t *testing.T) {
	l := "\t\treturn fmt.Errorf(\"the child %s exited with %d, and this message goes on well past the edge of the screen: %w\", name, code, err)"
	l = strings.ReplaceAll(l, "\t", "    ")
	got := codeLines(l, 78)
	assert.Greater(t, len(got), 1)
	for i, g := range got {
		assert.LessOrEqual(t, utf8.RuneCountInString(g), 78, "%q", g)
		if i > 0 {
			assert.True(t, strings.HasPrefix(g, "            ↪ "), "a continuation is indented and marked: %q", g)
		}
	}
	joined := got[0]
	for _, g := range got[1:] {
		joined += " " + strings.TrimPrefix(g, "            ↪ ")
	}
	assert.Equal(t, oneLine(l), oneLine(joined))
	assert.Equal(t, []string{"short"}, codeLines("short", 78))
}

// TestDrawTree checks the drawing of a process tree, in the manner of
// pstree, on a tree given in full.
func TestDrawTree(t *testing.T) {
	var out bytes.Buffer
	u := &ui{out: &out}
	u.drawTree("  ", []*node{
		{Pid: 10, Group: 10, State: 'S', Label: "pipes/drain-in-turn/broken", Kids: []*node{
			{Pid: 11, Group: 10, State: 'S', Label: "pipes/writer", Wchan: "anon_pipe_write"},
			{Pid: 12, Group: 10, State: 'Z', Label: "sh"},
		}},
		{Pid: 20, Group: 20, State: 'R', Label: "sleep"},
	})
	want := fmt.Sprintf(`  procbugs(%d)
  ├─ pipes/drain-in-turn/broken(10) group 10, sleeping
  │  ├─ pipes/writer(11) group 10, sleeping in anon_pipe_write
  │  └─ sh(12) group 10, zombie
  └─ sleep(20) group 20, running
`, os.Getpid())
	assert.Equal(t, want, out.String())
}

// TestTheTreeOfTheEvidence: the tree drawn is the one of the proof's last
// evidence, or of the child as the proof stopped it; what was left behind
// is what the proof called so, or, for the broken code, what outlived the
// child's end. The fixed code's end is never read as leftovers.
func TestTheTreeOfTheEvidence(t *testing.T) {
	one := []*node{{Pid: 1}}
	pics := []picture{
		{Moment: childproc.Evidence, Nodes: one, Child: 1},
		{Moment: childproc.Evidence, Nodes: one, Child: 2},
		{Moment: childproc.Stopping, Nodes: one, Child: 3},
	}
	at, left := chosen(pics, true)
	assert.Equal(t, 2, at.Child, "the last evidence")
	assert.Nil(t, left)

	at, _ = chosen([]picture{{Moment: childproc.Stopping, Nodes: one, Child: 3}, {Moment: childproc.Ended, Nodes: one}}, false)
	assert.Equal(t, 3, at.Child, "without evidence, the child as it was stopped")

	ended := []picture{{Moment: childproc.Ended, Nodes: one, Child: 4}, {Moment: childproc.LeftBehind, Child: 5}}
	_, left = chosen(ended, true)
	assert.Equal(t, 4, left.Child, "the broken code's leftovers at its end")
	_, left = chosen(ended, false)
	assert.Nil(t, left, "never the fixed code's end")
	_, left = chosen(append(ended, picture{Moment: childproc.LeftBehind, Nodes: one, Child: 6}), false)
	assert.Equal(t, 6, left.Child, "what the proof called left behind")
}

// oneLine joins wrapped output back into one line, so that a sentence can
// be found whatever the width broke it at.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestTheCheckIsNamedByItsLine: an assertion without a message is named
// by the line of the proof that made it, read from the source tree.
func TestTheCheckIsNamedByItsLine(t *testing.T) {
	defer func(f func(string, int) string) { sourceLine = f }(sourceLine)
	sourceLine = func(rel string, n int) string {
		if rel == "pipes/proofs/read_after_wait.go" && n == 57 {
			return "require.Equal(t, 0, res.ExitCode, res.Stderr)"
		}
		return ""
	}
	root, err := moduleRoot()
	if err != nil {
		t.Skip(err)
	}
	for _, file := range []string{"procbugs/pipes/proofs/read_after_wait.go", root + "/pipes/proofs/read_after_wait.go"} {
		got := explain("\n\tError Trace:\t" + file + ":57\n\t            \t\t\t\tprocbugs/helpers/catalog/observe.go:42\n" +
			"\tError:      \tNot equal: \n\t            \texpected: 0\n\t            \tactual  : 1\n\tTest:       \tx\n")
		assert.Equal(t, []string{
			"The check, pipes/proofs/read_after_wait.go:57: require.Equal(t, 0, res.ExitCode, res.Stderr)",
			"expected: 0",
			"observed: 1",
		}, got, file)
	}
}
