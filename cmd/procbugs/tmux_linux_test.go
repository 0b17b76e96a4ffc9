package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
)

// A terminal is a tmux server of the test's own, on a socket in a
// temporary directory, so that it never touches a user's sessions. The
// server runs in the foreground (tmux -D) as a child of the test, which
// waits for it: a daemonised server would come back to this process, a
// child subreaper, through an intermediate process that nothing here
// could tell from the tmux clients other tests are running.
type terminal struct {
	t      *testing.T
	tmux   string
	sock   string
	server *exec.Cmd
	panes  []int  // the panes' shells: they come back here when the server ends
	logs   string // each window's output, as tmux pipe-pane copies it
}

func newTerminal(t *testing.T) *terminal {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (.ci/run installs it): the commands cannot be tried in a real terminal")
	}
	term := &terminal{t: t, tmux: tmux, sock: filepath.Join(t.TempDir(), "tmux"), logs: t.TempDir()}
	term.server = exec.Command(tmux, "-D", "-S", term.sock, "-f", "/dev/null")
	require.NoError(t, term.server.Start())
	t.Cleanup(term.close)
	// The server answers once it listens; until then a client fails,
	// without starting a server of its own (only new-session would).
	childproc.Poll(t, "the tmux server listens", func() bool {
		return exec.Command(tmux, "-S", term.sock, "-f", "/dev/null", "list-sessions").Run() == nil
	})
	return term
}

func (term *terminal) cmd(args ...string) string {
	term.t.Helper()
	out, err := exec.Command(term.tmux, append([]string{"-S", term.sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
	require.NoError(term.t, err, "tmux %s: %s", strings.Join(args, " "), out)
	return string(out)
}

// open starts a shell command in a new 80-column window named name. The
// shell prints the command's exit status and then waits for a line, so
// that the window stays open to be read.
func (term *terminal) open(name, command string) {
	term.t.Helper()
	script := command + `; echo "[exit $?]"; read done`
	create := []string{"new-window", "-d", "-t", "procbugs", "-n", name, script}
	if term.panes == nil {
		create = []string{"new-session", "-d", "-x", "80", "-y", "50", "-s", "procbugs", "-n", name, script}
	}
	// One client runs the three commands, in order: an argument ";"
	// separates them. Each tmux client costs as much CPU as a small Go
	// program here.
	target := "procbugs:" + name
	out := term.cmd(append(create,
		";", "pipe-pane", "-t", target, "exec cat >> "+quote(term.log(name)),
		";", "display-message", "-p", "-t", target, "#{pane_pid}")...)
	pid, err := strconv.Atoi(strings.TrimSpace(out))
	require.NoError(term.t, err, "tmux answered %q", out)
	term.panes = append(term.panes, pid)
}

// log is the file that receives everything the window name prints from
// the moment it is opened: the bytes the program wrote, escapes and all.
func (term *terminal) log(name string) string { return filepath.Join(term.logs, name+".log") }

// screen is what the window shows, its history included; with escapes,
// the colours and styles as escape sequences too.
func (term *terminal) screen(name string, escapes bool) string {
	args := []string{"capture-pane", "-p", "-J", "-S", "-", "-t", "procbugs:" + name}
	if escapes {
		args = append(args, "-e")
	}
	return term.cmd(args...)
}

// await waits until the window shows text after the first `from` bytes
// of its history, and returns the offset past it. The history and text
// are read as one line (oneLine), so that text is found wherever the
// program wrapped it. The window is read again each time its log grows
// (a stat, not a process), and at least every half second, for what it
// printed before its log was attached. The bound is the test's own
// deadline: a safety net, never a verdict.
func (term *terminal) await(name string, from int, text string) int {
	term.t.Helper()
	deadline := until(term.t)
	text = oneLine(text)
	logged := int64(-1)
	for {
		s := oneLine(term.screen(name, false))
		if i := strings.Index(s[min(from, len(s)):], text); i >= 0 {
			return min(from, len(s)) + i + len(text)
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("window %s never showed %q; it shows:\n%s", name, text, s)
		}
		logged = term.grown(name, logged)
	}
}

// grown returns once the window's log is larger than size bytes, or half
// a second has passed, with its size then.
func (term *terminal) grown(name string, size int64) int64 {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for give := time.Now().Add(500 * time.Millisecond); time.Now().Before(give); <-tick.C {
		if info, err := os.Stat(term.log(name)); err == nil && info.Size() != size {
			return info.Size()
		}
	}
	return size
}

// keys types into a window, as tmux send-keys names them.
func (term *terminal) keys(name string, keys ...string) {
	term.t.Helper()
	term.cmd(append([]string{"send-keys", "-t", "procbugs:" + name}, keys...)...)
}

// close ends the server and waits for it, then reaps what it leaves: the
// panes' shells and the copies pipe-pane started come back to the test
// process, a child subreaper, whose orphan sweep would count them as
// leaks.
func (term *terminal) close() {
	left := procfs.Descendants(term.server.Process.Pid)
	exec.Command(term.tmux, "-S", term.sock, "-f", "/dev/null", "kill-server").Run()
	term.server.Wait()
	self := os.Getpid()
	childproc.Poll(term.t, "what the tmux server started ends", func() bool {
		for _, pid := range left {
			if s := procfs.State(pid); s != 0 && !(s == 'Z' && procfs.Parent(pid) == self) {
				return false
			}
		}
		return true
	})
	for _, pid := range left {
		if procfs.State(pid) == 'Z' && procfs.Parent(pid) == self {
			childproc.ReapOrphan(term.t, pid)
		}
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// quizInTerminal answers the quiz by typing into a real terminal, checks
// that colour appears there and goes with NO_COLOR, and that q ends a quiz
// with status 0.
func quizInTerminal(t *testing.T, c cli) {
	term := newTerminal(t)
	right, _ := answerLetters(t, stable)
	term.open("quiz", fmt.Sprintf("cd %s && env -u NO_COLOR %s quiz %s", quote(c.dir), quote(c.bin), stable))
	term.open("stop", fmt.Sprintf("cd %s && %s quiz pipes", quote(c.dir), quote(c.bin)))
	term.open("plain", fmt.Sprintf("cd %s && env NO_COLOR=1 %s show %s", quote(c.dir), quote(c.bin), stable))

	term.await("quiz", 0, "Your answer (a-")
	term.keys("quiz", string(right), "Enter")
	term.await("quiz", 0, "[exit ")
	screen := term.screen("quiz", false)
	assert.Contains(t, screen, "Right.")
	assert.Contains(t, screen, "Final score: 1 of 1.")
	assert.Contains(t, screen, "[exit 0]")
	assert.Contains(t, term.screen("quiz", true), "\x1b[", "colour on a terminal")

	term.await("stop", 0, "Your answer (a-")
	term.keys("stop", "q", "Enter")
	term.await("stop", 0, "[exit ")
	assert.Contains(t, term.screen("stop", false), "[exit 0]", "q ends the quiz with status 0")

	term.await("plain", 0, "[exit 0]")
	assert.NotContains(t, term.screen("plain", true), "\x1b[", "no colour with NO_COLOR")
	t.Logf("typed %c in a tmux terminal: the quiz scored 1 of 1, in colour; q ended another with 0; NO_COLOR turned colour off", right)
}

// exerciseInTerminal works through the entries of the stable entry's
// method as a student would: a failing proof, a hint, the list, n before
// the entry passes (the solution first), a save of the fix, the reference
// fix, n, and the entry that shares the method.
func exerciseInTerminal(t *testing.T, c cli) {
	e := stableEntry(t)
	ids := pipesAbout(t, e.Func)
	require.GreaterOrEqual(t, len(ids), 2, "%s is the lesson of two entries", e.Func)
	dir := scratch(t, c)
	term := newTerminal(t)
	term.open("ex", fmt.Sprintf("cd %s && %s exercise %s", quote(dir), quote(c.bin), strings.Join(ids, " ")))

	at := term.await("ex", 0, "[1 of 2] "+ids[0])
	at = term.await("ex", at, "The proof still fails:")
	at = term.await("ex", at, "Watching pipes/broken.go for saves.")
	failure := term.screen("ex", false)
	assert.NotContains(t, failure, "Passes:", "no success over a failure")
	assert.NotContains(t, oneLine(failure), e.Fixed.Says, "the task does not give the fix away")

	term.keys("ex", "h")
	at = term.await("ex", at, "Hint 1 of 2, Cause:")
	term.keys("ex", "l")
	at = term.await("ex", at, "now "+ids[0])
	term.keys("ex", "l")
	at = term.await("ex", at, "Back to "+ids[0])
	// n before the entry passes shows the solution first, and stays.
	term.keys("ex", "n")
	at = term.await("ex", at, ids[0]+" does not pass yet. The reference fix:")
	at = term.await("ex", at, "+++ pipes/fixed.go")
	at = term.await("ex", at, "n again: the next entry")

	mend(t, dir, e.Topic(), e.Func)
	at = term.await("ex", at, "Saved; checking again")
	at = term.await("ex", at, "Passes: "+ids[0])
	at = term.await("ex", at, "+++ pipes/fixed.go")
	at = term.await("ex", at, "1 of 2 fixed")
	term.keys("ex", "n")
	at = term.await("ex", at, "[2 of 2] "+ids[1])
	at = term.await("ex", at, "shares Broken."+e.Func+" with "+ids[0]+", which you have mended")
	at = term.await("ex", at, "Passes: "+ids[1])
	at = term.await("ex", at, "2 of 2 fixed")
	term.keys("ex", "n")
	at = term.await("ex", at, "Every entry passes.")
	term.await("ex", at, "[exit 0]")
	t.Logf("the exercise showed the failure, a hint and the list, noticed the saved fix, showed the reference fix, and went on with n")
}

// exerciseResetInTerminal runs the workshop through make, as a class
// does: a save that does not build, r to get the original back, and q.
func exerciseResetInTerminal(t *testing.T, c cli) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	e := lookup(t, failsFast)
	dir := scratch(t, c)
	term := newTerminal(t)
	// -trimpath: the build cache then leaves the directory out of its keys
	// (buildActionID in $GOROOT/src/cmd/go/internal/work/exec.go), so the
	// copy's build reuses what the real tree's compiled. -buildvcs=false:
	// the copy's commit is new each time, and stamping it into the binary
	// would make go run link it again each time.
	term.open("make", fmt.Sprintf("cd %s && GOFLAGS='-trimpath -buildvcs=false' make -s exercise T=%s", quote(dir), e.ID))

	at := term.await("make", 0, "The proof still fails:")
	at = term.await("make", at, "Watching pipes/broken.go for saves.")
	path := filepath.Join(dir, "pipes", "broken.go")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	m, err := findMethod(src, path, e.Func)
	require.NoError(t, err)
	edit := append(append(append([]byte{}, src[:m.BodyStart+1]...), "\n\tvar _ int = \"not an int\"\n"...), src[m.BodyStart+1:]...)
	require.NoError(t, os.WriteFile(path, edit, 0o644))
	at = term.await("make", at, "Saved; checking again")
	at = term.await("make", at, "The code does not build:")
	at = term.await("make", at, "pipes/broken.go:")

	term.keys("make", "r")
	at = term.await("make", at, "Restored Broken."+e.Func+" in pipes/broken.go from the original.")
	assert.Empty(t, git(t, dir, "status", "--porcelain"), "r leaves git diff empty")
	at = term.await("make", at, "The proof still fails:")
	term.keys("make", "q")
	term.await("make", at, "[exit ")
	screen := term.screen("make", false)
	assert.Contains(t, screen, "[exit 0]", "q exits 0")
	assert.NotContains(t, screen, "Error", "make reports no error")
}

// exerciseSkipsInTerminal runs an entry whose proof needs sh where there
// is none: it cannot be checked here, and is never counted as fixed.
func exerciseSkipsInTerminal(t *testing.T, c cli) {
	const needsSh = "envs/setenv-leaks"
	_, ok := catalog.Lookup(needsSh)
	require.True(t, ok, "%s is registered", needsSh)
	goCmd, err := exec.LookPath("go")
	require.NoError(t, err)
	bin := t.TempDir() // a PATH with the go command alone
	require.NoError(t, os.Symlink(goCmd, filepath.Join(bin, "go")))
	dir := scratch(t, c)
	term := newTerminal(t)
	term.open("skip", fmt.Sprintf("cd %s && PATH=%s %s exercise %s", quote(dir), quote(bin), quote(c.bin), needsSh))

	at := term.await("skip", 0, needsSh+" cannot be checked here: needs sh")
	at = term.await("skip", at, "It is not counted as fixed.")
	term.keys("skip", "l")
	at = term.await("skip", at, "cannot be checked here "+needsSh)
	term.keys("skip", "l", "n")
	at = term.await("skip", at, "0 of 1 fixed; 1 cannot be checked here")
	term.await("skip", at, "[exit ")
	screen := term.screen("skip", false)
	assert.NotContains(t, screen, "1 of 1 fixed")
	assert.NotContains(t, screen, "Every entry passes.")
	assert.Contains(t, screen, "[exit 0]")
}

// runInTerminal records everything a run of a topic writes to a terminal:
// the progress line, which each narration then clears, appears there and
// nowhere on a pipe. And --step waits for Enter before each next entry.
func runInTerminal(t *testing.T, c cli) {
	term := newTerminal(t)
	es := catalog.Entries("pipes")[:2]
	// The window waits for a line before it runs, so that its log is in
	// place first.
	term.open("run", fmt.Sprintf("cd %s && read go && %s run %s %s", quote(c.dir), quote(c.bin), es[0].ID, es[1].ID))
	term.keys("run", "Enter")
	term.open("step", fmt.Sprintf("cd %s && %s run --step %s %s", quote(c.dir), quote(c.bin), es[0].ID, es[1].ID))

	at := term.await("step", 0, "[1 of 2] Enter: next, "+es[1].ID)
	assert.NotContains(t, term.screen("step", false), es[1].Title, "the next entry waits for Enter")
	term.keys("step", "Enter")
	at = term.await("step", at, es[1].ID)
	term.await("step", at, "[exit 0]")

	term.await("run", 0, "[exit ")
	assert.Contains(t, term.screen("run", false), "[exit 0]")
	// The progress line, which each narration then clears, is in what the
	// run wrote to the terminal, long before it ended.
	progress := regexp.MustCompile(`\r\x1b\[K\[\d+/\d+\] waiting for pipes/`)
	var recorded []byte
	require.Eventually(t, func() bool {
		recorded, _ = os.ReadFile(term.log("run"))
		return progress.Match(recorded)
	}, time.Until(until(t)), 10*time.Millisecond, "the progress line on the terminal")
	t.Logf("a run of a topic showed its progress line on the terminal; --step waited for Enter")
}
