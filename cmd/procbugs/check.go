package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"procbugs/helpers/catalog"
)

// moduleRoot finds the procbugs source tree above the working directory:
// exercise mode edits and tests the files there.
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
			return "", errors.New("exercise mode needs the source tree: run it inside a clone of procbugs")
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

// A checker builds a topic's tests once per change of its files and runs
// them one entry at a time in exercise mode, where each broken role is held
// to its fixed proof (catalog.ExerciseEnv).
type checker struct {
	root, gobin, tmp string
	built            map[string]string // topic → test binary, while its sources are unchanged
}

// A verdict is the outcome of checking one entry.
type verdict struct {
	Passed    bool
	Cancelled bool
	Report    []string // what failed: the build's errors or the proof's
}

func newChecker(root string) (*checker, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return nil, errors.New("exercise mode needs the go command on PATH to build the tests")
	}
	tmp, err := os.MkdirTemp("", "procbugs-exercise-*")
	if err != nil {
		return nil, err
	}
	return &checker{root: root, gobin: gobin, tmp: tmp, built: map[string]string{}}, nil
}

func (c *checker) close() { os.RemoveAll(c.tmp) }

// changed forgets a topic's test binary: its sources were saved.
func (c *checker) changed(topic string) { delete(c.built, topic) }

// check runs the test of one entry in exercise mode. Cancelling ctx kills
// the build or the test binary: the student saved again, and a check of
// the old file is of no use.
func (c *checker) check(ctx context.Context, e catalog.Entry) verdict {
	bin, ok := c.built[e.Topic()]
	if !ok {
		bin = filepath.Join(c.tmp, e.Topic()+".test")
		build := exec.CommandContext(ctx, c.gobin, "test", "-c", "-o", bin, "./"+e.Topic()+"/")
		build.Dir = c.root
		out, err := build.CombinedOutput()
		if ctx.Err() != nil {
			return verdict{Cancelled: true}
		}
		if err != nil {
			return verdict{Report: buildErrors(string(out), err)}
		}
		c.built[e.Topic()] = bin
	}
	var out bytes.Buffer
	test := exec.CommandContext(ctx, bin, "-test.run", "^"+e.Test+"$", "-test.v", "-test.count=1", "-test.timeout=2m")
	test.Dir = filepath.Join(c.root, e.Topic()) // where go test runs a package's tests
	test.Env = append(os.Environ(), catalog.ExerciseEnv+"=1")
	test.Stdout, test.Stderr = &out, &out
	test.WaitDelay = time.Second // should a grandchild hold the output open
	err := test.Run()
	if ctx.Err() != nil {
		return verdict{Cancelled: true}
	}
	if err == nil && strings.Contains(out.String(), "--- PASS: "+e.Test+" ") {
		return verdict{Passed: true}
	}
	if err == nil {
		return verdict{Report: []string{"no test named " + e.Test + " ran in ./" + e.Topic() + "/"}}
	}
	return verdict{Report: condense(failingOutput(out.String()))}
}

// failingOutput keeps the output of the tests that failed. With -test.v the
// output of each test follows its "=== RUN", "=== CONT" or "=== NAME" line;
// a "--- FAIL" line names each test that failed.
func failingOutput(out string) string {
	sections := map[string][]string{}
	var order []string
	failed := map[string]bool{}
	name := ""
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		if rest, ok := cutAny(t, "=== RUN", "=== CONT", "=== NAME", "=== PAUSE"); ok {
			name = strings.TrimSpace(rest)
			if _, seen := sections[name]; !seen {
				order = append(order, name)
				sections[name] = nil
			}
			continue
		}
		if rest, ok := strings.CutPrefix(t, "--- FAIL: "); ok {
			failed[strings.Fields(rest)[0]] = true
			continue
		}
		sections[name] = append(sections[name], l)
	}
	var b strings.Builder
	for _, n := range append([]string{""}, order...) {
		if n == "" || failed[n] {
			b.WriteString(strings.Join(sections[n], "\n") + "\n")
		}
	}
	return b.String()
}

func cutAny(s string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest, true
		}
	}
	return "", false
}

func buildErrors(out string, err error) []string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "FAIL") {
			keep = append(keep, "build: "+l)
		}
	}
	if len(keep) == 0 {
		keep = []string{fmt.Sprintf("build: %v", err)}
	}
	return keep
}

// logLine is a t.Logf or t.Errorf line: "file.go:12: text".
var logLine = regexp.MustCompile(`^[\w.-]+\.go:\d+:\s?`)

// maxReport bounds the lines of a failure shown at once: the goroutine
// dump a hung child leaves would otherwise fill the screen.
const maxReport = 14

// condense keeps what a student needs from a failing test's verbose output:
// the log lines and testify's Error and Messages, without traces, test names
// or goroutine dumps.
func condense(out string) []string {
	var keep []string
	inError, cont := false, 0
	for _, raw := range strings.Split(out, "\n") {
		l := strings.TrimSpace(raw)
		block := strings.HasPrefix(strings.TrimLeft(raw, " "), "\t") // testify's aligned block
		switch {
		case l == "" || l == "PASS" || l == "FAIL" || strings.HasPrefix(l, "=== ") ||
			strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "exit status") ||
			strings.HasPrefix(l, "FAIL\t") || strings.HasPrefix(l, "ok "):
			continue
		case block && strings.HasPrefix(l, "Error:"):
			inError, cont = true, 0
			keep = append(keep, collapse(l))
		case block && strings.HasPrefix(l, "Messages:"):
			inError = false
			keep = append(keep, collapse(l))
		case block && (strings.HasPrefix(l, "Error Trace:") || strings.HasPrefix(l, "Test:")):
			inError = false
		case block && strings.HasPrefix(l, "Diff:"):
			inError = false // the expected and actual values above say it
		case block:
			if inError && cont < 4 {
				keep = append(keep, "       "+collapse(l))
			}
			cont++
		default:
			inError = false
			l = logLine.ReplaceAllString(l, "")
			if l != "" {
				keep = append(keep, l)
			}
		}
	}
	if len(keep) > maxReport {
		keep = append(keep[:maxReport-1], fmt.Sprintf("… %d more lines", len(keep)-maxReport+1))
	}
	return keep
}

// collapse turns testify's tab alignment into single spaces.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
