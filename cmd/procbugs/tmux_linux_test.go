package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// A terminal is a tmux server of the test's own, on a socket in a
// temporary directory, so that it never touches a user's sessions.
type terminal struct {
	t    *testing.T
	tmux string
	sock string
	pids []int // the server and the panes' shells: reaped at the end
}

func newTerminal(t *testing.T) *terminal {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (.ci/run installs it): the quiz cannot be tried in a real terminal")
	}
	term := &terminal{t: t, tmux: tmux, sock: filepath.Join(t.TempDir(), "tmux")}
	t.Cleanup(term.close)
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
	if term.pids == nil {
		term.cmd("new-session", "-d", "-x", "80", "-y", "60", "-s", "procbugs", "-n", name, script)
		pid, err := strconv.Atoi(strings.TrimSpace(term.cmd("display-message", "-p", "#{pid}")))
		require.NoError(term.t, err)
		term.pids = append(term.pids, pid)
	} else {
		term.cmd("new-window", "-d", "-t", "procbugs", "-n", name, script)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(term.cmd("display-message", "-p", "-t", "procbugs:"+name, "#{pane_pid}")))
	require.NoError(term.t, err)
	term.pids = append(term.pids, pid)
}

// screen is what the window shows, its history included; with escapes,
// the colours and styles as escape sequences too.
func (term *terminal) screen(name string, escapes bool) string {
	args := []string{"capture-pane", "-p", "-J", "-S", "-", "-t", "procbugs:" + name}
	if escapes {
		args = append(args, "-e")
	}
	return term.cmd(args...)
}

// await reads the window again and again, within a bound, until it shows
// text. Each read runs tmux, so it looks every 10 ms, not every instant.
func (term *terminal) await(name, text string) string {
	term.t.Helper()
	deadline := time.Now().Add(bound)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s := term.screen(name, false)
		if strings.Contains(s, text) {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("window %s never showed %q; it shows:\n%s", name, text, s)
		}
		<-tick.C
	}
}

// close ends the server and reaps it and the panes' shells: the test
// process is a child subreaper, so the daemonised server and any shell it
// leaves come back to it, and its orphan sweep would count them as leaks.
func (term *terminal) close() {
	if len(term.pids) == 0 {
		return
	}
	exec.Command(term.tmux, "-S", term.sock, "kill-server").Run()
	self := os.Getpid()
	childproc.Poll(term.t, bound, "the tmux server and its shells end", func() bool {
		for _, pid := range term.pids {
			if s := childproc.State(pid); s != 0 && !(s == 'Z' && childproc.Parent(pid) == self) {
				return false
			}
		}
		return true
	})
	for _, pid := range term.pids {
		if childproc.State(pid) == 'Z' {
			childproc.ReapOrphan(term.t, pid)
		}
	}
	// The client forks the server through an intermediate process, which
	// comes back here too when the client exits before reaping it.
	var strays []int
	for _, pid := range childproc.Children(self) {
		if strings.HasPrefix(childproc.Comm(pid), "tmux") {
			strays = append(strays, pid)
		}
	}
	childproc.Poll(term.t, bound, "tmux's intermediate processes end", func() bool {
		for _, pid := range strays {
			if childproc.Alive(pid) {
				return false
			}
		}
		return true
	})
	for _, pid := range strays {
		if childproc.State(pid) == 'Z' && childproc.Parent(pid) == self {
			childproc.ReapOrphan(term.t, pid)
		}
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// quizInTerminal answers the quiz by typing into a real terminal, and
// checks that colour appears there and goes with NO_COLOR.
func quizInTerminal(t *testing.T, c cli) {
	term := newTerminal(t)
	e := stableEntry(t)
	right, _ := answerLetters(e)
	term.open("quiz", fmt.Sprintf("cd %s && env -u NO_COLOR %s quiz %s", quote(c.dir), quote(c.bin), e.ID))
	term.open("plain", fmt.Sprintf("cd %s && env NO_COLOR=1 %s show %s", quote(c.dir), quote(c.bin), e.ID))

	term.await("quiz", "Your answer (a-")
	term.cmd("send-keys", "-t", "procbugs:quiz", string(right), "Enter")
	screen := term.await("quiz", "[exit ")
	assert.Contains(t, screen, "Right.")
	assert.Contains(t, oneLine(screen), e.Broken.Says)
	assert.Contains(t, screen, "Final score: 1 of 1.")
	assert.Contains(t, screen, "[exit 0]")
	assert.Contains(t, term.screen("quiz", true), "\x1b[", "colour on a terminal")

	term.await("plain", "[exit 0]")
	assert.NotContains(t, term.screen("plain", true), "\x1b[", "no colour with NO_COLOR")
	t.Logf("typed %c in a tmux terminal: the quiz scored 1 of 1, in colour; NO_COLOR turned colour off", right)
}

// progressInTerminal records everything a run of a whole topic writes to a
// terminal: the progress line, which each narration then clears, appears
// there and nowhere on a pipe.
func progressInTerminal(t *testing.T, c cli) {
	term := newTerminal(t)
	e := stableEntry(t)
	n := len(catalog.Entries(e.Topic()))
	// The window waits for a line before it runs, so that the recording is
	// in place first.
	term.open("run", fmt.Sprintf("cd %s && read go && %s run %s", quote(c.dir), quote(c.bin), e.Topic()))
	log := filepath.Join(t.TempDir(), "run.log")
	term.cmd("pipe-pane", "-o", "-t", "procbugs:run", "cat > "+quote(log))
	term.cmd("send-keys", "-t", "procbugs:run", "Enter")
	term.await("run", "[exit ")
	term.cmd("pipe-pane", "-t", "procbugs:run") // stop recording
	// The recorder ends when its input does; wait for it, so that it is
	// gone before the server is, and its file is complete.
	server := term.pids[0]
	childproc.Poll(t, bound, "the recorder ends", func() bool {
		for _, kid := range childproc.Children(server) {
			if !slices.Contains(term.pids, kid) {
				return false
			}
		}
		return true
	})
	recorded, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.Contains(t, string(recorded), fmt.Sprintf("\r\x1b[K[1/%d] %s, broken half", 2*n, e.ID))
	assert.Contains(t, string(recorded), fmt.Sprintf("[%d/%d] ", 2*n, 2*n))
	t.Logf("a run of %d entries showed its progress line on the terminal", n)
}
