package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// A proof's failure, as testify or the harness wrote it, told in plain
// words: what the check was about, what it expected and what it observed.
// Expected and observed values are kept whole, however long: the place
// where they differ may be anywhere. What no student needs is left out:
// the trace of source lines, testify's diff of the two values (they are
// shown in full), and the goroutine dump of a stopped child, of which only
// where its main goroutine was stuck is kept.

// explain turns one failure into lines, each to be wrapped by the caller;
// a line that starts with spaces continues the one before it.
func explain(failure string) []string {
	if fields, ok := testifyFields(failure); ok {
		return explainTestify(fields)
	}
	return explainPlain(failure)
}

// testifyFields splits testify's aligned block ("\tError Trace:\t...",
// "\tError:      \t...", continuation lines "\t            \t...") into
// its fields, each a list of lines.
func testifyFields(s string) (map[string][]string, bool) {
	fields := map[string][]string{}
	key := ""
	found := false
	for _, raw := range strings.Split(s, "\n") {
		line := strings.TrimLeft(raw, " ")
		if !strings.HasPrefix(line, "\t") {
			if key != "" && strings.TrimSpace(line) != "" {
				fields[key] = append(fields[key], strings.TrimSpace(line))
			}
			continue
		}
		head, rest, ok := strings.Cut(line[1:], "\t")
		if !ok {
			continue
		}
		if k := strings.TrimSuffix(strings.TrimSpace(head), ":"); k != "" && strings.HasSuffix(strings.TrimSpace(head), ":") {
			key = k
			found = found || k == "Error"
		}
		if key != "" {
			fields[key] = append(fields[key], strings.TrimRight(rest, " \t"))
		}
	}
	return fields, found
}

var (
	hasItems     = regexp.MustCompile(`^"(.*)" should have (\d+) item\(s\), but has (\d+)$`)
	doesNotHave  = regexp.MustCompile(`^(.*) does not contain (.*)$`)
	shouldNotHas = regexp.MustCompile(`^(.*) should not contain (.*)$`)
	shouldBeBut  = regexp.MustCompile(`^Should be (empty|zero|nil), but was (.*)$`)
	notEmptyBut  = regexp.MustCompile(`^Should NOT be (empty|zero|nil), but was (.*)$`)
)

func explainTestify(f map[string][]string) []string {
	var out []string
	if msg := strings.TrimSpace(strings.Join(f["Messages"], " ")); msg != "" {
		out = append(out, "The check: "+msg)
	} else if where, stmt := checkedAt(f["Error Trace"]); stmt != "" {
		out = append(out, "The check, "+where+": "+stmt)
	}
	errLines := trimBlank(f["Error"])
	// testify's diff repeats the two values, which are shown whole.
	for i, l := range errLines {
		if strings.TrimSpace(l) == "Diff:" {
			errLines = trimBlank(errLines[:i])
			break
		}
	}
	if len(errLines) == 0 {
		if len(out) == 0 {
			out = append(out, "The proof failed without saying why.")
		}
		return out
	}
	first := strings.TrimSpace(errLines[0])
	rest := errLines[1:]
	expect := func(want, got []string) {
		out = append(out, labelled("expected: ", want)...)
		out = append(out, labelled("observed: ", got)...)
	}
	one := func(s string) []string { return []string{s} }
	switch {
	case strings.HasPrefix(first, "Not equal:"), strings.HasPrefix(first, "Should not be:"),
		strings.HasPrefix(first, "Error message not equal:"):
		var want, got []string
		var into *[]string
		for _, l := range rest {
			switch {
			case strings.HasPrefix(l, "expected:"):
				into = &want
				l = strings.TrimSpace(strings.TrimPrefix(l, "expected:"))
			case strings.HasPrefix(l, "actual  :"), strings.HasPrefix(l, "actual:"):
				into = &got
				l = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(l, "actual  :"), "actual:"))
			}
			if into != nil {
				*into = append(*into, l)
			}
		}
		if strings.HasPrefix(first, "Should not be:") {
			out = append(out, labelled("expected anything but: ", append(one(strings.TrimPrefix(first, "Should not be: ")), rest...))...)
			break
		}
		expect(trimBlank(want), trimBlank(got))
	case first == "Should be true":
		expect(one("true"), one("false"))
	case first == "Should be false":
		expect(one("false"), one("true"))
	case strings.HasPrefix(first, "Received unexpected error:"):
		expect(one("no error"), rest)
	case strings.HasPrefix(first, "An error is expected but got nil"):
		expect(one("an error"), one("no error (nil)"))
	case hasItems.MatchString(first):
		m := hasItems.FindStringSubmatch(first)
		expect(one(m[2]+" item(s)"), one(m[3]+": "+m[1]))
	case shouldBeBut.MatchString(first):
		m := shouldBeBut.FindStringSubmatch(first)
		expect(one(m[1]), append(one(m[2]), rest...))
	case notEmptyBut.MatchString(first):
		m := notEmptyBut.FindStringSubmatch(first)
		expect(one("not "+m[1]), append(one(m[2]), rest...))
	case doesNotHave.MatchString(first):
		m := doesNotHave.FindStringSubmatch(first)
		expect(one("something that contains "+m[2]), append(one(m[1]), rest...))
	case shouldNotHas.MatchString(first):
		m := shouldNotHas.FindStringSubmatch(first)
		expect(one("something without "+m[2]), append(one(m[1]), rest...))
	default:
		out = append(out, errLines...)
	}
	return out
}

// checkedAt finds, from testify's trace, the line of the proof that made
// the failed assertion, and reads it from the source tree: where there is
// no message, the assertion says what was checked. The trace names the
// file as it was compiled, by its absolute path or, in a binary built
// with -trimpath, by its import path.
func checkedAt(trace []string) (where, stmt string) {
	for _, t := range trace {
		t = strings.TrimSpace(t)
		file, line, ok := strings.Cut(t, ":")
		if !ok || !strings.Contains(file, "/proofs/") {
			continue
		}
		rel := file
		if i := strings.Index(file, "procbugs/"); i >= 0 && !strings.HasPrefix(file, "/") {
			rel = file[i+len("procbugs/"):]
		} else if root, err := moduleRoot(); err == nil {
			rel = strings.TrimPrefix(file, root+"/")
		}
		n, err := strconv.Atoi(line)
		if err != nil || filepath.IsAbs(rel) {
			return "", ""
		}
		return rel + ":" + line, sourceLine(rel, n)
	}
	return "", ""
}

// sourceLine is line n of a file of the source tree, trimmed, or "" where
// there is no tree.
var sourceLine = func(rel string, n int) string {
	root, err := moduleRoot()
	if err != nil {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		return ""
	}
	ls := strings.Split(string(b), "\n")
	if n < 1 || n > len(ls) {
		return ""
	}
	return strings.TrimSpace(ls[n-1])
}

// labelled puts a label before the first line of a value and aligns the
// others under it.
func labelled(label string, value []string) []string {
	if len(value) == 0 {
		value = []string{"(nothing)"}
	}
	out := []string{label + value[0]}
	for _, v := range value[1:] {
		out = append(out, strings.Repeat(" ", len(label))+v)
	}
	return out
}

func trimBlank(ls []string) []string {
	for len(ls) > 0 && strings.TrimSpace(ls[len(ls)-1]) == "" {
		ls = ls[:len(ls)-1]
	}
	for len(ls) > 0 && strings.TrimSpace(ls[0]) == "" {
		ls = ls[1:]
	}
	return ls
}

// explainPlain keeps a failure that is prose (the harness's own, a plain
// Errorf) as it is, with a build's errors and a goroutine dump shortened
// to what they say.
func explainPlain(s string) []string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "SIGQUIT: quit"); i >= 0 {
		out := lines(strings.TrimSpace(s[:i]))
		if where := stuckIn(s[i:]); where != "" {
			out = append(out, "Its main goroutine was stuck in "+where+".")
		}
		return out
	}
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimRight(l, " \t"); l != "" && !strings.HasPrefix(l, "# ") {
			out = append(out, strings.ReplaceAll(l, "\t", "    "))
		}
	}
	return out
}

// stuckIn reads from a goroutine dump where goroutine 1, main's, was
// blocked: the call the lesson's code made and was still in, and its
// state. The runtime's frames and the standard library's inner ones are
// left out: the call the code under study made is the one it wrote.
func stuckIn(dump string) string {
	ls := strings.Split(dump, "\n")
	for i, l := range ls {
		if !strings.HasPrefix(l, "goroutine 1 ") {
			continue
		}
		state := ""
		if a, b := strings.Index(l, "["), strings.LastIndex(l, "]"); a >= 0 && b > a {
			state = l[a+1 : b]
		}
		var funcs []string
		for _, f := range ls[i+1:] {
			if f == "" || strings.HasPrefix(f, "goroutine ") {
				break
			}
			if strings.HasPrefix(f, "\t") || strings.HasPrefix(f, "created by") {
				continue
			}
			if p := strings.LastIndex(f, "("); p > 0 {
				f = f[:p]
			}
			funcs = append(funcs, f)
		}
		for k, f := range funcs {
			if !strings.HasPrefix(f, "procbugs/") {
				continue
			}
			if k == 0 {
				return f + " (" + state + ")"
			}
			return funcs[k-1] + ", called from " + f + " (" + state + ")"
		}
		return ""
	}
	return ""
}
