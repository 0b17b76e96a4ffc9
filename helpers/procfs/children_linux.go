package procfs

import (
	"strconv"
	"strings"
)

// Children lists the children of pid, from every thread's children file:
// a child belongs to the thread that forked it.
func Children(pid int) []int {
	var out []int
	for _, tid := range Threads(pid) {
		b, err := readFile(dir(pid) + "/task/" + strconv.Itoa(tid) + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// Descendants lists every process below pid: its children, theirs, and so
// on, zombies included.
func Descendants(pid int) []int {
	var out []int
	for next := Children(pid); len(next) > 0; {
		out = append(out, next...)
		var below []int
		for _, p := range next {
			below = append(below, Children(p)...)
		}
		next = below
	}
	return out
}

// GroupMembers lists every process in group pgid, zombies included. It
// reads the stat of every process on the machine; where the members are
// known to be below some process, GroupMembersBelow is cheaper.
func GroupMembers(pgid int) []int {
	return inGroup(numbers("/proc"), pgid)
}

// GroupMembersBelow lists the members of group pgid among the descendants
// of pid.
func GroupMembersBelow(pid, pgid int) []int { return inGroup(Descendants(pid), pgid) }

func inGroup(pids []int, pgid int) []int {
	var out []int
	for _, p := range pids {
		if Group(p) == pgid {
			out = append(out, p)
		}
	}
	return out
}
