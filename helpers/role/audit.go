package role

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// A Leak is what a call left behind in the calling process: children it
// did not reap and descriptors it did not close.
type Leak struct {
	Zombies     []int    // children that exited and were never waited for
	Running     []int    // children still running
	Descriptors []string // descriptors opened and left open, as /proc/self/fd names them
}

// Clean reports whether the call left nothing behind.
func (l Leak) Clean() bool {
	return len(l.Zombies) == 0 && len(l.Running) == 0 && len(l.Descriptors) == 0
}

func (l Leak) String() string {
	if l.Clean() {
		return "nothing left behind"
	}
	var parts []string
	if len(l.Zombies) > 0 {
		parts = append(parts, fmt.Sprintf("%d zombie(s)", len(l.Zombies)))
	}
	if len(l.Running) > 0 {
		parts = append(parts, fmt.Sprintf("%d running child(ren)", len(l.Running)))
	}
	if len(l.Descriptors) > 0 {
		parts = append(parts, "open "+strings.Join(l.Descriptors, ", "))
	}
	return strings.Join(parts, ", ")
}

// Audit calls f and reports what it left behind in this process, read
// from /proc/self: the children it started and did not reap, and the
// descriptors it opened and did not close. It is how a lesson shows that
// its fixed code is safe to copy: run each error path under Audit.
func Audit(f func()) Leak {
	kids, fds := children(), descriptors()
	f()
	var l Leak
	for _, pid := range children() {
		if slices.Contains(kids, pid) {
			continue
		}
		if state(pid) == 'Z' {
			l.Zombies = append(l.Zombies, pid)
		} else {
			l.Running = append(l.Running, pid)
		}
	}
	for fd, target := range descriptors() {
		if fds[fd] != target {
			l.Descriptors = append(l.Descriptors, target)
		}
	}
	slices.Sort(l.Descriptors)
	return l
}

func children() []int {
	tasks, _ := os.ReadDir("/proc/self/task")
	var out []int
	for _, t := range tasks {
		b, _ := os.ReadFile("/proc/self/task/" + t.Name() + "/children")
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

func descriptors() map[int]string {
	ents, _ := os.ReadDir("/proc/self/fd")
	out := map[int]string{}
	for _, e := range ents {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil {
			out[fd] = target
		}
	}
	// The directory read itself held a descriptor for a moment.
	return out
}

func state(pid int) byte {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) == 0 {
		return 0
	}
	return f[0][0]
}
