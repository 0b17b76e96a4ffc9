package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// width is the column every line of output fits in.
const width = 80

// ui is where a command writes, and how: colour only on a terminal, never
// with NO_COLOR set (https://no-color.org) or TERM=dumb; the progress line
// only when standard error is a terminal.
type ui struct {
	out, err io.Writer
	in       *os.File
	color    bool
	progress bool
	keys     bool // standard input is a terminal: keys can be read one at a time
}

func newUI(in *os.File, out, err io.Writer) *ui {
	u := &ui{out: out, err: err, in: in}
	plain := os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb"
	if f, ok := out.(*os.File); ok && isTerminal(f) && !plain {
		u.color = true
	}
	if f, ok := err.(*os.File); ok && isTerminal(f) {
		u.progress = true
	}
	if in != nil && isTerminal(in) {
		u.keys = true
	}
	return u
}

// ANSI styles.
const (
	bold   = "1"
	dim    = "2"
	red    = "31"
	green  = "32"
	yellow = "33"
	cyan   = "36"
)

// paint wraps s in a style when colour is on.
func (u *ui) paint(style, s string) string {
	if !u.color || s == "" {
		return s
	}
	return "\x1b[" + style + "m" + s + "\x1b[0m"
}

func (u *ui) printf(format string, args ...any) { fmt.Fprintf(u.out, format, args...) }
func (u *ui) println(args ...any)               { fmt.Fprintln(u.out, args...) }

// field prints "label  text" with text wrapped under itself, so that a long
// symptom or cause stays within the width.
func (u *ui) field(indent, label string, labelWidth int, text string) {
	pad := indent + strings.Repeat(" ", labelWidth)
	lines := wrap(text, width-len(pad))
	for i, l := range lines {
		if i == 0 {
			u.printf("%s%s%s\n", indent, u.paint(bold, fmt.Sprintf("%-*s", labelWidth, label)), l)
			continue
		}
		u.printf("%s%s\n", pad, l)
	}
}

// para prints text wrapped at the width, every line after indent.
func (u *ui) para(indent, text string) {
	for _, l := range wrap(text, width-len(indent)) {
		u.printf("%s%s\n", indent, l)
	}
}

// status shows the progress line on standard error, replacing the last one.
func (u *ui) status(s string) {
	if !u.progress {
		return
	}
	fmt.Fprintf(u.err, "\r\x1b[K%s", clip(s, width-1))
}

// clearStatus removes the progress line before ordinary output goes on.
func (u *ui) clearStatus() {
	if u.progress {
		fmt.Fprint(u.err, "\r\x1b[K")
	}
}

// wrap breaks text into lines of at most n columns, at spaces. A word
// longer than n gets a line of its own. Colour escapes take no column.
func wrap(text string, n int) []string {
	var lines []string
	var line strings.Builder
	for _, w := range strings.Fields(text) {
		if line.Len() > 0 && visible(line.String())+1+visible(w) > n {
			lines = append(lines, line.String())
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(w)
	}
	if line.Len() > 0 || len(lines) == 0 {
		lines = append(lines, line.String())
	}
	return lines
}

// visible is how many columns s takes on a terminal: its runes, less the
// colour escapes paint adds.
func visible(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			if j := strings.IndexByte(s[i:], 'm'); j >= 0 {
				i += j + 1
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// clip shortens s to n columns, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// plural writes "1 entry" or "3 entries".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// to is the same ui writing to w: a narration is written to a buffer
// first, and printed once the entries before it are.
func (u *ui) to(w io.Writer) *ui {
	c := *u
	c.out = w
	return &c
}

// text prints a proof's log line, which may hold several lines: prose is
// wrapped after indent, and a markdown table is drawn as a table that fits
// the width.
func (u *ui) text(indent, s string) {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := 0; i < len(ls); i++ {
		if isTableRow(ls[i]) {
			j := i
			for j < len(ls) && isTableRow(ls[j]) {
				j++
			}
			for _, l := range table(ls[i:j], width-len(indent)) {
				u.printf("%s%s\n", indent, l)
			}
			i = j - 1
			continue
		}
		u.para(indent, ls[i])
	}
}

// explained prints a proof's failure in plain words (see explain), every
// line wrapped within the width and none cut: a value wraps under itself.
func (u *ui) explained(indent, failure string) {
	for _, l := range explain(failure) {
		hang := len(l) - len(strings.TrimLeft(l, " "))
		for _, label := range []string{"expected: ", "observed: ", "expected anything but: "} {
			if strings.HasPrefix(l, label) {
				hang = len(label)
			}
		}
		pad := indent + strings.Repeat(" ", hang)
		for i, w := range wrapHard(strings.TrimLeft(l, " "), width-len(pad)) {
			if i == 0 {
				u.printf("%s%s%s\n", indent, strings.Repeat(" ", len(l)-len(strings.TrimLeft(l, " "))), w)
				continue
			}
			u.printf("%s%s\n", pad, w)
		}
	}
}

// code prints source code after indent, tabs as four spaces, a line
// longer than the width wrapped (see codeLines).
func (u *ui) code(indent, text string) {
	for _, l := range lines(strings.TrimRight(text, "\n")) {
		for _, w := range codeLines(l, width-len(indent)) {
			u.printf("%s%s\n", indent, w)
		}
	}
}

// codeLines breaks a line of code that is wider than n columns: at the
// last space that fits, or anywhere in a long word. Each continuation is
// indented one step more than the line and marked with ↪.
func codeLines(l string, n int) []string {
	if utf8.RuneCountInString(l) <= n {
		return []string{l}
	}
	lead := l[:len(l)-len(strings.TrimLeft(l, " "))]
	cont := lead + "    ↪ "
	if utf8.RuneCountInString(cont) > n/2 {
		cont = "↪ "
	}
	var out []string
	r := []rune(l)
	floor := len(lead) + 1 // never break inside the indentation or the mark
	for len(r) > n {
		cut := n
		for i := n; i > floor; i-- {
			if r[i-1] == ' ' {
				cut = i
				break
			}
		}
		out = append(out, strings.TrimRight(string(r[:cut]), " "))
		r = append([]rune(cont), []rune(strings.TrimLeft(string(r[cut:]), " "))...)
		floor = utf8.RuneCountInString(cont) + 1
	}
	return append(out, string(r))
}

// errorf writes a message on standard error, a line longer than the
// width wrapped under itself.
func (u *ui) errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	var b strings.Builder
	for i, l := range strings.Split(msg, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		if visible(l) <= width {
			b.WriteString(l)
			continue
		}
		lead := l[:len(l)-len(strings.TrimLeft(l, " "))]
		for j, w := range wrapHard(l, width-len(lead)-2) {
			if j > 0 {
				b.WriteString("\n" + lead + "  ")
			}
			b.WriteString(w)
		}
	}
	fmt.Fprint(u.err, b.String())
}
