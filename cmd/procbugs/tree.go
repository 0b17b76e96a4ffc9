package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"procbugs/helpers/childproc"
)

// A node is one process of a tree read from /proc.
type node struct {
	Pid, Group int
	State      byte
	Label      string // the role it runs, or its command name
	Wchan      string // the kernel function it sleeps in, when telling
	Kids       []*node
}

// snapshot reads the tree of processes below pid, with wait channels.
func snapshot(pid int) []*node {
	t := shape(pid)
	fill(t)
	return t
}

// shape reads the tree below pid without the wait channels, which cost a
// read per thread of every process: pids, groups, states and roles.
func shape(pid int) []*node {
	var out []*node
	for _, kid := range childproc.Children(pid) {
		state := childproc.State(kid)
		// A process forked but not yet exec'd is the parent's copy on its
		// way to becoming something else, or Go's own check of
		// clone(CLONE_PIDFD) ($GOROOT/src/syscall/exec_linux.go): not a
		// process of the scenario.
		if state == 0 || !childproc.Execed(kid) {
			continue
		}
		n := &node{Pid: kid, Group: childproc.Group(kid), State: state, Label: label(kid)}
		if state != 'Z' {
			n.Kids = shape(kid)
		}
		out = append(out, n)
	}
	return out
}

// fill reads the wait channel of every sleeping process of a tree.
func fill(nodes []*node) {
	for _, n := range nodes {
		if n.State == 'S' || n.State == 'D' {
			n.Wchan = wchan(n.Pid)
		}
		fill(n.Kids)
	}
}

// sameShape reports whether two trees hold the same processes in the same
// states.
func sameShape(a, b []*node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Pid != b[i].Pid || a[i].State != b[i].State || !sameShape(a[i].Kids, b[i].Kids) {
			return false
		}
	}
	return true
}

// score ranks a picture of a tree: the more live processes the better,
// and among those, the more that sleep somewhere telling (a writer on a
// full pipe rather than one still busy writing).
func score(nodes []*node) int {
	n := 0
	for _, x := range nodes {
		if x.State != 'Z' {
			n += 100
		}
		if x.Wchan != "" {
			n++
		}
		n += score(x.Kids)
	}
	return n
}

// label names a process by the role it was started as: the binary runs
// every role, so its command name alone says nothing.
func label(pid int) string {
	if role, ok := roleOf(pid); ok {
		return role
	}
	return childproc.Comm(pid)
}

// roleOf reads the role a process runs from the environment it was started
// with, which /proc/pid/environ keeps even after the child unsets it. Just
// after execve the new environment may not be in place yet; ok is false
// then, as for a process that runs no role.
func roleOf(pid int) (role string, ok bool) {
	env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return "", false
	}
	for _, kv := range bytes.Split(env, []byte{0}) {
		if r, found := bytes.CutPrefix(kv, []byte("PROCBUGS_ROLE=")); found {
			return string(r), true
		}
	}
	return "", false
}

// wchan is the most telling wait channel of a process: the one where a
// thread sleeps in something other than the Go scheduler's own futexes and
// pollers, which every Go process has.
func wchan(pid int) string {
	for _, w := range childproc.WaitChannels(pid) {
		switch {
		case w == "0", w == "", strings.Contains(w, "futex"), strings.Contains(w, "poll"),
			strings.Contains(w, "nanosleep"):
			continue
		}
		return w
	}
	return ""
}

// A sampler reads the tree below this process while a proof runs and keeps
// the fullest picture: the last one with the best score. It only watches;
// nothing waits on it.
type sampler struct {
	mu   sync.Mutex
	best []*node
	stop chan struct{}
	done chan struct{}
}

const (
	sampleFast = 4 * time.Millisecond
	sampleSlow = 32 * time.Millisecond
)

func startSampler() *sampler {
	s := &sampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		self := os.Getpid()
		var last []*node // the last tree read, with its wait channels
		every := sampleFast
		timer := time.NewTimer(every)
		defer timer.Stop()
		for {
			// Look often while the tree changes and ever less often while
			// it stays the same: reading /proc all the time would cost the
			// proofs a good part of a core (reaping a process walks the
			// /proc entries a reader keeps alive).
			t := shape(self)
			if sameShape(t, last) {
				every = min(2*every, sampleSlow)
			} else {
				every = sampleFast
			}
			fill(t)
			last = t
			s.mu.Lock()
			if c := score(t); c > 0 && c >= score(s.best) {
				s.best = t
			}
			s.mu.Unlock()
			timer.Reset(every)
			select {
			case <-s.stop:
				return
			case <-timer.C:
			}
		}
	}()
	return s
}

// finish stops sampling and returns the fullest tree seen.
func (s *sampler) finish() []*node {
	close(s.stop)
	<-s.done
	return s.best
}

// drawTree prints a tree in the manner of pstree, one process a line, with
// its pid, group, state and wait channel.
func (u *ui) drawTree(indent string, nodes []*node) {
	u.printf("%sprocbugs(%d)\n", indent, os.Getpid())
	u.drawKids(indent, nodes)
}

func (u *ui) drawKids(indent string, nodes []*node) {
	for i, n := range nodes {
		branch, more := "├─ ", "│  "
		if i == len(nodes)-1 {
			branch, more = "└─ ", "   "
		}
		line := fmt.Sprintf("%s(%d) group %d, %s", n.Label, n.Pid, n.Group, stateName(n.State))
		if n.Wchan != "" {
			line += " in " + n.Wchan
		}
		u.printf("%s%s%s\n", indent, branch, clip(line, width-len([]rune(indent))-3))
		u.drawKids(indent+more, n.Kids)
	}
}

func stateName(s byte) string {
	switch s {
	case 'R':
		return "running"
	case 'S':
		return "sleeping"
	case 'D':
		return "disk sleep"
	case 'T', 't':
		return "stopped"
	case 'Z':
		return "zombie"
	}
	return string(s)
}
