package main

import (
	"fmt"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
)

// A node is one process of a tree read from /proc.
type node struct {
	Pid, Group int
	State      byte
	Label      string // the role it runs, or its command name
	Wchan      string // the kernel function it sleeps in, when telling
	Kids       []*node
}

// A picture is the processes of one proof's child at one moment of the
// proof: the child and everything below it, and what its scenario started
// that is no longer below it (re-parented orphans, members of its group).
type picture struct {
	Moment string // childproc.Evidence, Stopping, Ended or LeftBehind
	Child  int    // the child's pid
	Nodes  []*node
}

// capture reads the picture of p's processes as they stand now. It runs
// inside the proof, at the moment the proof takes its evidence, so the
// picture is of that moment and no other.
//
// names holds what the proof's earlier moments learnt of each process, so
// that a process which has since become a zombie, whose environment can no
// longer be read, keeps its name.
func capture(moment string, p *childproc.Proc, names map[int]string) picture {
	pic := picture{Moment: moment, Child: p.Pid}
	seen := map[int]bool{}
	r := reader{seen: seen, names: names, announced: announced(p.Events())}
	if n := r.read(p.Pid); n != nil {
		pic.Nodes = append(pic.Nodes, n)
	}
	// What left the child's tree: members of its group and processes the
	// scenario announced (role.EmitPID) or an earlier moment saw, which
	// live on elsewhere. An orphan is re-parented to this process, a child
	// subreaper, so the group's members are looked for among its children
	// only, not among every process below it.
	self := os.Getpid()
	var others []int
	for _, kid := range procfs.Children(self) {
		if kid != p.Pid && procfs.Group(kid) == p.Pid {
			others = append(others, kid)
		}
	}
	for pid := range r.announced {
		others = append(others, pid)
	}
	for pid := range names {
		others = append(others, pid)
	}
	slices.Sort(others)
	for _, pid := range slices.Compact(others) {
		if seen[pid] || !procfs.Alive(pid) {
			continue
		}
		if parent := procfs.Parent(pid); parent != self && !seen[parent] {
			continue // below a process that is already drawn, or not this proof's
		}
		if n := r.read(pid); n != nil {
			pic.Nodes = append(pic.Nodes, n)
		}
	}
	return pic
}

// announced are the processes a child reported with role.EmitPID, "name
// pid=N", by pid.
func announced(events []string) map[int]string {
	out := map[int]string{}
	for _, e := range events {
		if i := strings.LastIndex(e, " pid="); i >= 0 {
			if pid, err := strconv.Atoi(e[i+len(" pid="):]); err == nil && pid > 1 {
				out[pid] = e[:i]
			}
		}
	}
	return out
}

// A reader reads the processes of one picture.
type reader struct {
	seen      map[int]bool   // pids already in the picture
	names     map[int]string // labels learnt at earlier moments
	announced map[int]string // names the child gave its processes
}

// read reads one process and the tree below it.
func (r reader) read(pid int) *node {
	st, err := procfs.ReadStat(pid)
	if err != nil || r.seen[pid] {
		return nil
	}
	r.seen[pid] = true
	n := &node{Pid: pid, Group: st.Group, State: st.State, Label: r.label(pid)}
	// The state in stat is the main thread's; the call a process is stuck
	// in may be on another thread, while the main thread runs the
	// scheduler. A thread asleep in a telling kernel function is what the
	// process is doing.
	if st.State != 'Z' {
		if n.Wchan = wchan(pid); n.Wchan != "" && n.State == 'R' {
			n.State = 'S'
		}
	}
	if st.State == 'Z' {
		return n
	}
	for _, kid := range procfs.Children(pid) {
		// A process forked but not yet exec'd is the parent's copy on its
		// way to becoming something else, or Go's own check of
		// clone(CLONE_PIDFD) ($GOROOT/src/syscall/exec_linux.go): not a
		// process of the scenario.
		if procfs.State(kid) != 'Z' && !procfs.Execed(kid) {
			continue
		}
		if k := r.read(kid); k != nil {
			n.Kids = append(n.Kids, k)
		}
	}
	return n
}

// label names a process by the role it was started as, or the name its
// parent announced it by where that says more: one program runs every
// role, so its command name alone says nothing.
func (r reader) label(pid int) string {
	if l, ok := r.names[pid]; ok {
		return l
	}
	l, ok := roleOf(pid)
	name := r.announced[pid]
	switch {
	case name != "" && (!ok || path.Base(l) != name):
		// The name the proof's log calls it by: a worker that runs the
		// leader's program is a worker.
		l = name
	case !ok:
		// No name to learn: a zombie's environment reads empty, and so
		// does that of a process caught inside execve, before the kernel
		// has set up its new stack. A later moment may read it.
		return procfs.Comm(pid)
	}
	if procfs.State(pid) != 'Z' {
		r.names[pid] = l
	}
	return l
}

// roleOf is the role a process runs, from the environment it was started
// with, which /proc/pid/environ keeps even after the child unsets it.
func roleOf(pid int) (string, bool) {
	for _, kv := range procfs.Environ(pid) {
		if r, ok := strings.CutPrefix(kv, role.Env+"="); ok {
			return r, true
		}
	}
	return "", false
}

// wchan is the most telling wait channel of a process: the one where a
// thread sleeps in something other than the Go scheduler's own futexes and
// pollers, which every Go process has.
func wchan(pid int) string {
	for _, w := range procfs.WaitChannels(pid) {
		switch {
		case w == "0", w == "", strings.Contains(w, "futex"), strings.Contains(w, "poll"),
			strings.Contains(w, "nanosleep"):
			continue
		}
		return w
	}
	return ""
}

// count is how many processes a forest holds, and how many are zombies.
func count(nodes []*node) (all, zombies int) {
	for _, n := range nodes {
		all++
		if n.State == 'Z' {
			zombies++
		}
		a, z := count(n.Kids)
		all, zombies = all+a, zombies+z
	}
	return all, zombies
}

// drawTree prints a forest in the manner of pstree, one process a line,
// with its pid, group, state and wait channel, below the procbugs process
// that started it.
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
		// A long line goes on below itself, the branches kept.
		below := "   "
		if len(n.Kids) > 0 {
			below = "│  "
		}
		for j, l := range wrap(line, max(width-len([]rune(indent))-3, 20)) {
			if j == 0 {
				u.printf("%s%s%s\n", indent, branch, l)
			} else {
				u.printf("%s%s%s%s\n", indent, more, below, l)
			}
		}
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
