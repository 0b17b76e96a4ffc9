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
	// RuntimeWaits are all the system calls a Go program sleeps in when it
	// waits for nothing but other goroutines, the poller, a timer or a
	// child: an idle thread's futex, the poller, sysmon's short sleep, and
	// the wait for a child of os.Process.Wait.
	RuntimeWaits = []int{unix.SYS_FUTEX, unix.SYS_EPOLL_PWAIT, unix.SYS_EPOLL_PWAIT2, unix.SYS_NANOSLEEP,
		unix.SYS_WAITID, unix.SYS_WAIT4}
)

// PollsForTimer reports whether a thread of pid waits in the runtime's
// poller until a time: a thread the runtime woke at its next timer. The
// runtime passes epoll_pwait a timeout of -1 when it waits for
// descriptors alone (netpoll in $GOROOT/src/runtime/netpoll_epoll.go).
// A thread in epoll_pwait2, which the runtime does not use, counts as
// waiting for a time.
func PollsForTimer(pid int) bool {
	for _, tid := range Threads(pid) {
		b, err := readFile(taskDir(pid, tid) + "/syscall")
		if err != nil {
			continue
		}
		f := strings.Fields(string(b)) // "281 0x4 0x... 0x80 0xffffffffffffffff ..."
		if len(f) < 5 {
			continue
		}
		switch f[0] {
		case strconv.Itoa(unix.SYS_EPOLL_PWAIT2):
			return true
		case strconv.Itoa(unix.SYS_EPOLL_PWAIT):
			// The timeout is a C int: the low 32 bits of the register.
			timeout, err := strconv.ParseUint(f[4], 0, 64)
			if err != nil || int32(uint32(timeout)) >= 0 {
				return true
			}
		}
	}
	return false
}

// WaitsForOthers reports whether a Go program waits for nothing of its
// own: every thread asleep (Idle), each in one of the RuntimeWaits, none
// waiting in the poller for a timer (PollsForTimer), and none in sysmon's
// short sleep (SysmonTick). Such a program waits for another process, or
// for a descriptor, to act first. A thread asleep in any other system
// call, a write to a slow disk say, is no proof that it will not go on
// by itself.
func WaitsForOthers(pid int) bool {
	return Idle(pid) && OnlyIn(pid, RuntimeWaits) && !PollsForTimer(pid) && !InSyscall(pid, SysmonTick)
}

// OnlyIn reports whether every thread of pid is blocked inside one of the
// system calls nrs.
func OnlyIn(pid int, nrs []int) bool {
	tids := Threads(pid)
	for _, tid := range tids {
		if !slices.Contains(nrs, ThreadSyscall(pid, tid)) {
			return false
		}
	}
	return len(tids) > 0
}

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
