package procfs

import (
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
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

// InEpollWait reports whether a thread of pid is inside epoll_pwait(2) or
// epoll_pwait2(2). In a Go program that is the runtime's poller: a thread
// waits there, with a timeout, for a timer, and without one for a
// descriptor some goroutine is blocked on. A Go program none of whose
// threads is there, and all of whose threads sleep, waits for no
// descriptor and no timer.
func InEpollWait(pid int) bool {
	for _, tid := range Threads(pid) {
		if nr := ThreadSyscall(pid, tid); nr == unix.SYS_EPOLL_PWAIT || nr == unix.SYS_EPOLL_PWAIT2 {
			return true
		}
	}
	return false
}
