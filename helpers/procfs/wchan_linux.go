package procfs

import (
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Kernel functions a thread sleeps in, as /proc/pid/task/tid/wchan names
// them. Names are matched exactly: "do_wait" is also a part of
// "futex_do_wait", where every idle Go thread sleeps.
var (
	// DoWait: a process waiting for a child in wait4(2) or waitid(2).
	DoWait = []string{"do_wait"}
	// PipeWrite: a writer blocked on a full pipe. Linux 6.18 names anonymous
	// pipes' writer anon_pipe_write; older kernels, pipe_write.
	PipeWrite = []string{"pipe_write", "anon_pipe_write"}
	// PipeRead: a reader blocked on an empty pipe (anon_pipe_read likewise).
	PipeRead = []string{"pipe_read", "anon_pipe_read"}
	// StoppedByJobControl: a process stopped by SIGSTOP, SIGTSTP or SIGTTIN.
	StoppedByJobControl = []string{"do_signal_stop"}
)

// WaitChannels returns each thread's wait channel: the kernel function it
// sleeps in, or "0" while it runs.
func WaitChannels(pid int) []string {
	var out []string
	for _, tid := range Threads(pid) {
		if b, err := readFile(dir(pid) + "/task/" + strconv.Itoa(tid) + "/wchan"); err == nil {
			out = append(out, string(b))
		}
	}
	return out
}

// SleepingIn returns the first wait channel of pid that is one of fns, or "".
func SleepingIn(pid int, fns []string) string {
	for _, w := range WaitChannels(pid) {
		if slices.Contains(fns, w) {
			return w
		}
	}
	return ""
}

// SleepsIn reports whether a thread of pid sleeps in one of fns.
func SleepsIn(pid int, fns []string) bool { return SleepingIn(pid, fns) != "" }

// ReadingFrom lists what the threads of pid are blocked reading from, as
// /proc/pid/fd names it ("pipe:[123]"): for each thread in read(2), the
// target of the descriptor it passed, from /proc/pid/task/tid/syscall. A
// wait channel alone cannot tell which pipe a thread waits on: os/exec's
// forkExec, for one, reads a pipe of its own until the new child has
// exec'd.
func ReadingFrom(pid int) []string { return inCall(pid, unix.SYS_READ) }

// WritingTo lists what the threads of pid are blocked writing to, for
// each thread in write(2), as ReadingFrom does for read(2).
func WritingTo(pid int) []string { return inCall(pid, unix.SYS_WRITE) }

// inCall lists, for each thread of pid inside system call nr, the target
// of the descriptor it passed as its first argument.
func inCall(pid int, nr int) []string {
	fds := Descriptors(pid)
	var out []string
	for _, tid := range Threads(pid) {
		b, err := readFile(dir(pid) + "/task/" + strconv.Itoa(tid) + "/syscall")
		if err != nil {
			continue
		}
		f := strings.Fields(string(b)) // "0 0xe 0x..." or "running"
		if len(f) < 2 || f[0] != strconv.Itoa(nr) {
			continue
		}
		if fd, err := strconv.ParseInt(f[1], 0, 64); err == nil {
			out = append(out, fds[int(fd)])
		}
	}
	return out
}
