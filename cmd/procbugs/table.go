package main

import (
	"strings"
	"unicode/utf8"
)

// isTableRow reports whether a line is a row of a markdown table.
func isTableRow(l string) bool {
	l = strings.TrimSpace(l)
	return len(l) > 1 && l[0] == '|' && l[len(l)-1] == '|'
}

// cells splits a markdown table row into its cells.
func cells(row string) []string {
	row = strings.TrimSpace(row)
	parts := strings.Split(row[1:len(row)-1], "|")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

func isRule(cs []string) bool {
	for _, c := range cs {
		if strings.Trim(c, "-: ") != "" {
			return false
		}
	}
	return true
}

// table draws markdown table rows as a table at most n columns wide: each
// column as wide as it needs, the widest narrowed and its cells wrapped
// until the table fits, the header underlined.
func table(rows []string, n int) []string {
	var grid [][]string
	header := false
	for i, r := range rows {
		cs := cells(r)
		if isRule(cs) {
			header = header || i == 1
			continue
		}
		grid = append(grid, cs)
	}
	cols := 0
	for _, r := range grid {
		cols = max(cols, len(r))
	}
	for i := range grid {
		for len(grid[i]) < cols {
			grid[i] = append(grid[i], "")
		}
	}
	const gap = 2
	widths := make([]int, cols)
	floor := make([]int, cols) // the longest word: a column narrower than it breaks words
	for _, r := range grid {
		for c, cell := range r {
			widths[c] = max(widths[c], utf8.RuneCountInString(cell))
			for _, w := range strings.Fields(cell) {
				floor[c] = max(floor[c], min(utf8.RuneCountInString(w), 12))
			}
		}
	}
	total := func() int {
		t := gap * (cols - 1)
		for _, w := range widths {
			t += w
		}
		return t
	}
	for total() > n {
		widest := -1
		for c, w := range widths {
			if w > floor[c] && (widest < 0 || w > widths[widest]) {
				widest = c
			}
		}
		if widest < 0 {
			break // as narrow as the words allow
		}
		widths[widest]--
	}
	var out []string
	for i, r := range grid {
		wrapped := make([][]string, cols)
		height := 1
		for c, cell := range r {
			wrapped[c] = wrapHard(cell, widths[c])
			height = max(height, len(wrapped[c]))
		}
		for h := range height {
			var b strings.Builder
			for c := range cols {
				s := ""
				if h < len(wrapped[c]) {
					s = wrapped[c][h]
				}
				if c < cols-1 {
					s += strings.Repeat(" ", widths[c]-utf8.RuneCountInString(s)+gap)
				}
				b.WriteString(s)
			}
			out = append(out, strings.TrimRight(b.String(), " "))
		}
		if i == 0 && header {
			var b strings.Builder
			for c := range cols {
				b.WriteString(strings.Repeat("─", widths[c]))
				if c < cols-1 {
					b.WriteString(strings.Repeat(" ", gap))
				}
			}
			out = append(out, b.String())
		}
	}
	return out
}

// wrapHard wraps text at n columns, breaking a word longer than n.
func wrapHard(text string, n int) []string {
	var out []string
	for _, l := range wrap(text, n) {
		for utf8.RuneCountInString(l) > n {
			r := []rune(l)
			out = append(out, string(r[:n]))
			l = string(r[n:])
		}
		out = append(out, l)
	}
	return out
}
