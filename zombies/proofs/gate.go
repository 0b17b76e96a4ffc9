//go:build linux

package proofs

import (
	"os"
	"slices"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
)

// A stdinGate holds a child at a step until the test has read what it
// needs from /proc: the child's stdin is the read end of a pipe, and the
// child (or the service it passes its stdin to) reads it to EOF, which
// comes once the test closes the write end.
type stdinGate struct{ r, w *os.File }

func newStdinGate(t childproc.T) *stdinGate {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatalf("gate pipe: %v", err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return &stdinGate{r: r, w: w}
}

// option hands the gate to the child as its stdin.
func (g *stdinGate) option() childproc.Option { return childproc.Stdin(g.r) }

// open lets the child go on.
func (g *stdinGate) open() { g.w.Close() }

// threadsInDoWait counts the threads of pid asleep in do_wait: each is a
// wait4 or waitid call in progress.
func threadsInDoWait(pid int) int {
	n := 0
	for _, w := range procfs.WaitChannels(pid) {
		if slices.Contains(procfs.DoWait, w) {
			n++
		}
	}
	return n
}

// pidfds counts the pidfds pid holds: descriptors that /proc/pid/fd names
// anon_inode:[pidfd].
func pidfds(pid int) int {
	n := 0
	for _, target := range procfs.Descriptors(pid) {
		if target == "anon_inode:[pidfd]" {
			n++
		}
	}
	return n
}
