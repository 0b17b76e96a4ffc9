package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"procbugs/helpers/catalog"
)

// moduleRoot finds the procbugs source tree above the working directory:
// exercise mode edits the files there, and the children are built from it.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && modulePath(b) == "procbugs" {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("it needs the source tree: run it inside a clone of procbugs")
		}
		dir = parent
	}
}

func modulePath(gomod []byte) string {
	for _, l := range strings.Split(string(gomod), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// A check is what one entry's proof found when its broken half was held
// to the fixed proof: the exercise's verdict on the student's code.
type check struct {
	ID       string   `json:"id"`
	Logs     []string `json:"logs,omitempty"`     // the proof's sentences: only when it passed
	Failures []string `json:"failures,omitempty"` // what the proof found wrong
	Skipped  string   `json:"skipped,omitempty"`  // why the proof cannot run here
}

func (c check) passed() bool { return c.Skipped == "" && len(c.Failures) == 0 }

// The checks run in a new procbugs process each time, started with the
// hidden flag --observe: the harness builds the child program once per
// process, from the source tree as it is then, so a fresh process runs the
// student's latest broken.go. The parent process watches, and stays
// responsive while the child program builds.
const observeFlag = "observe"

// checkEntries checks entries in a new procbugs process. Cancelling ctx
// interrupts it: the student saved again, and a check of the old file is
// of no use. The process stops its children on SIGINT, as run does.
func checkEntries(ctx context.Context, root string, entries []catalog.Entry) (map[string]check, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"exercise", "--" + observeFlag}
	for _, e := range entries {
		args = append(args, e.ID)
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Dir = root
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	out := map[string]check{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		var c check
		if json.Unmarshal(sc.Bytes(), &c) == nil && c.ID != "" {
			out[c.ID] = c
		}
	}
	for _, e := range entries {
		if _, ok := out[e.ID]; !ok {
			return out, fmt.Errorf("the check of %s did not report (%v): %s", e.ID, err, strings.TrimSpace(stderr.String()))
		}
	}
	return out, nil
}

// observeForExercise is the hidden side of checkEntries: it holds the
// broken half of each entry to the fixed proof, in child processes built
// from the source tree as it is now, and prints one line of JSON per entry.
func observeForExercise(u *ui, words []string) int {
	entries, err := resolve(words)
	if err != nil {
		return fail(u, "exercise", err)
	}
	l, err := startLive(u, "exercise")
	if err != nil {
		u.errorf("%v\n", err)
		return exitFailed
	}
	defer l.close()
	enc := json.NewEncoder(u.out)
	if err := l.prepare(entries); err != nil {
		// The student's code does not build: that is every entry's verdict.
		for _, e := range entries {
			enc.Encode(check{ID: e.ID, Failures: []string{buildFailure(err)}})
		}
		return exitOK
	}
	start := time.Now()
	if !l.observeAll(entries, brokenHalf, true, workers(), func(i int, r entryRun) {
		o := r.broken.obs
		c := check{ID: o.ID, Failures: o.Failures, Skipped: o.Skipped}
		if c.passed() {
			c.Logs = o.Logs
		}
		enc.Encode(c)
	}) {
		return l.interrupted(start)
	}
	if left := l.finish(); len(left) > 0 {
		return exitFailed
	}
	return exitOK
}

// original is broken.go of a topic as it was before the workshop: as git
// has it committed, or, outside a git clone, as the binary embedded it
// when it was built.
func original(root, topic string) ([]byte, error) {
	git := exec.Command("git", "-C", root, "show", "HEAD:./"+topic+"/broken.go")
	if out, err := git.Output(); err == nil {
		return out, nil
	}
	t, ok := catalog.LookupTopic(topic)
	if !ok || t.Files == nil {
		return nil, fmt.Errorf("no original of %s/broken.go: not in git, and not in this binary", topic)
	}
	return fs.ReadFile(t.Files, "broken.go")
}

// resetTopics puts back the original broken.go of each topic.
func resetTopics(u *ui, root string, topics []string) int {
	code := exitOK
	for _, t := range topics {
		orig, err := original(root, t)
		if err == nil {
			err = os.WriteFile(filepath.Join(root, t, "broken.go"), orig, 0o644)
		}
		if err != nil {
			u.errorf("procbugs exercise --reset: %s: %v\n", t, err)
			code = exitFailed
			continue
		}
		u.printf("Restored %s/broken.go: every method is the original again.\n", t)
	}
	return code
}

// buildFailure says in plain words that the child program did not build,
// with the compiler's messages, whose paths are relative to the tree.
func buildFailure(err error) string {
	var out []string
	for _, l := range strings.Split(err.Error(), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "childproc: building the child program") {
			continue
		}
		out = append(out, "  "+l)
	}
	return "The code does not build:\n" + strings.Join(out, "\n")
}
