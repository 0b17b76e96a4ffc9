package procfs

import (
	"slices"
	"strconv"
	"strings"
)

// One thread's view of what Children, WaitChannels and SleepsIn read for
// the whole process. The kernel keeps a child's parent per thread: the
// thread that forked it, which is the "parent" whose exit sends
// PR_SET_PDEATHSIG (prctl(2)).

func taskDir(pid, tid int) string { return dir(pid) + "/task/" + strconv.Itoa(tid) }

// ThreadChildren lists the children that thread tid of pid forked, from
// /proc/pid/task/tid/children.
func ThreadChildren(pid, tid int) []int {
	b, err := readFile(taskDir(pid, tid) + "/children")
	if err != nil {
		return nil
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// ForkingThread is the thread of pid whose children include child, or 0
// if no thread of pid has it.
func ForkingThread(pid, child int) int {
	for _, tid := range Threads(pid) {
		if slices.Contains(ThreadChildren(pid, tid), child) {
			return tid
		}
	}
	return 0
}

// ThreadWaitChannel is the kernel function thread tid of pid sleeps in,
// "0" while it runs, or "" if the thread is gone.
func ThreadWaitChannel(pid, tid int) string {
	b, err := readFile(taskDir(pid, tid) + "/wchan")
	if err != nil {
		return ""
	}
	return string(b)
}

// ThreadSleepsIn reports whether thread tid of pid sleeps in one of fns,
// matched exactly (see DoWait).
func ThreadSleepsIn(pid, tid int, fns []string) bool {
	return slices.Contains(fns, ThreadWaitChannel(pid, tid))
}
