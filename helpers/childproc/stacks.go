package childproc

import (
	"strings"
)

// A Goroutine is one goroutine of a SIGQUIT dump: its state, as the
// runtime names it ("chan receive", "select", "IO wait", "syscall",
// "running"), and the functions on its stack, innermost first.
type Goroutine struct {
	ID     string
	State  string
	Frames []string
}

// Calls reports whether fn, a function name such as
// "os/exec.(*Cmd).awaitGoroutines", is on the goroutine's stack.
func (g Goroutine) Calls(fn string) bool {
	for _, f := range g.Frames {
		if f == fn {
			return true
		}
	}
	return false
}

// Goroutines parses the goroutine dump a stopped child left in Stacks.
// The dump is taken with the world stopped, so it is one instant of the
// whole program: evidence that no two separate reads of /proc can give.
func (r Result) Goroutines() []Goroutine {
	var out []Goroutine
	for _, block := range strings.Split(r.Stacks, "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		header, ok := strings.CutPrefix(lines[0], "goroutine ")
		if !ok {
			continue
		}
		// "12 gp=0x... m=nil [chan receive, 2 minutes]:" or "12 [select]:"
		id, rest, _ := strings.Cut(header, " ")
		_, state, _ := strings.Cut(rest, "[")
		state, _, _ = strings.Cut(state, "]")
		state, _, _ = strings.Cut(state, ",")
		g := Goroutine{ID: id, State: state}
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "created by ") {
				continue
			}
			if i := strings.LastIndex(l, "("); i > 0 {
				l = l[:i]
			}
			g.Frames = append(g.Frames, l)
		}
		out = append(out, g)
	}
	return out
}

// Blocked returns the goroutines in state (a prefix: "IO wait" also
// matches "IO wait, 3 minutes") that call fn.
func (r Result) Blocked(state, fn string) []Goroutine {
	var out []Goroutine
	for _, g := range r.Goroutines() {
		if strings.HasPrefix(g.State, state) && g.Calls(fn) {
			out = append(out, g)
		}
	}
	return out
}
