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
// longer than n gets a line of its own.
func wrap(text string, n int) []string {
	var lines []string
	var line strings.Builder
	for _, w := range strings.Fields(text) {
		if line.Len() > 0 && utf8.RuneCountInString(line.String())+1+utf8.RuneCountInString(w) > n {
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
