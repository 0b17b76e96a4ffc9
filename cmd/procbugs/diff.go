package main

import (
	"fmt"
)

// A diffLine is one line of a unified diff: ' ' kept, '-' removed, '+' added.
type diffLine struct {
	Op   byte
	Text string
}

// diff compares two texts line by line with a longest common subsequence.
// The functions it compares are short, so the quadratic table costs nothing.
func diff(a, b []string) []diffLine {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []diffLine
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, diffLine{' ', a[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, diffLine{'-', a[i]})
			i++
		default:
			out = append(out, diffLine{'+', b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, diffLine{'-', a[i]})
	}
	for ; j < m; j++ {
		out = append(out, diffLine{'+', b[j]})
	}
	return out
}

// unified renders the diff of two code texts as one hunk with the whole of
// both functions as context, the way `diff -u` would show them.
func (u *ui) unified(a, b code) {
	al, bl := lines(a.Text), lines(b.Text)
	u.println(u.paint(bold, "--- "+a.File))
	u.println(u.paint(bold, "+++ "+b.File))
	u.println(u.paint(cyan, fmt.Sprintf("@@ -%d,%d +%d,%d @@", a.Line, len(al), b.Line, len(bl))))
	for _, d := range diff(al, bl) {
		for _, l := range codeLines(d.Text, width-1) {
			line := string(d.Op) + l
			switch d.Op {
			case '-':
				line = u.paint(red, line)
			case '+':
				line = u.paint(green, line)
			}
			u.println(line)
		}
	}
}
