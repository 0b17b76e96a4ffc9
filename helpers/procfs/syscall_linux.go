package procfs

import (
	"slices"
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

// What a Go program's runtime waits in when it has nothing to run, by the
// system call its threads sleep in:
var (
	// RuntimePoller is the runtime's poller: a thread waits in epoll_pwait
	// with a timeout for the next timer, and without one for a descriptor
	// a goroutine is blocked on.
	RuntimePoller = []int{unix.SYS_EPOLL_PWAIT, unix.SYS_EPOLL_PWAIT2}
	// SysmonTick is sysmon between two looks at the processors
	// (runtime.usleep is nanosleep). It sleeps in a futex instead, until
	// woken, only while every processor is idle: a goroutine that enters a
	// system call wakes it, and it stays in this short sleep until it has
	// taken the processor back (sysmon and retake, in
	// $GOROOT/src/runtime/proc.go).
	SysmonTick = []int{unix.SYS_NANOSLEEP}
)

// InSyscall reports whether a thread of pid is blocked inside one of the
// system calls nrs.
func InSyscall(pid int, nrs []int) bool {
	for _, tid := range Threads(pid) {
		if slices.Contains(nrs, ThreadSyscall(pid, tid)) {
			return true
		}
	}
	return false
}
