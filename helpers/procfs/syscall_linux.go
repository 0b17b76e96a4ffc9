package procfs

import (
	"strconv"
	"strings"
)

// ThreadSyscall is the number of the system call that thread tid of pid
// is blocked in, read from /proc/pid/task/tid/syscall; -1 while the thread
// runs (the file says "running"), when it sleeps outside a system call,
// and once it is gone. The kernel shows it only to a process that may
// ptrace pid, as a parent may its child.
//
// It is how a proof knows that a thread is inside one call, poll(2) say,
// and not merely about to make it: the kernel reads the number from the
// thread's registers while the thread is off its CPU.
func ThreadSyscall(pid, tid int) int {
	b, err := readFile(taskDir(pid, tid) + "/syscall")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b)) // "7 0x3 0x1 ..." or "running"
	if len(f) == 0 {
		return -1
	}
	nr, err := strconv.Atoi(f[0])
	if err != nil {
		return -1
	}
	return nr
}
