package childproc

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// supported: proofs run where their evidence can be read.
const supported = true

// stat returns the fields of /proc/pid/stat after the command name:
// field 0 is the state, 1 the parent, 2 the group, 3 the session.
func stat(pid int) []string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	s := string(b)
	// The command name is in parentheses and may itself hold spaces or ')'.
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
}

func statInt(pid, field int) int {
	f := stat(pid)
	if len(f) <= field {
		return -1
	}
	n, _ := strconv.Atoi(f[field])
	return n
}

// State is the process's state letter from /proc: 'R' running, 'S'
// sleeping, 'D' in uninterruptible sleep, 'T' stopped, 'Z' zombie; 0 once
// it has been reaped.
func State(pid int) byte {
	if f := stat(pid); len(f) > 0 {
		return f[0][0]
	}
	return 0
}

// Alive reports whether pid exists and is not a zombie.
func Alive(pid int) bool { s := State(pid); return s != 0 && s != 'Z' }

// Execed reports whether pid has called execve since it was forked: the
// kernel clears PF_FORKNOEXEC (0x40) in the flags field of /proc/pid/stat.
func Execed(pid int) bool {
	const pfForkNoExec = 0x40
	flags := statInt(pid, 6)
	return flags >= 0 && flags&pfForkNoExec == 0
}

// Idle reports whether every thread of pid is asleep: none is running or
// waiting for a CPU. In a Go program that means every goroutine is parked,
// since the runtime keeps a thread running while any goroutine can run.
// It is how a proof knows that a goroutine it cannot see from /proc has
// reached the call where it blocks.
func Idle(pid int) bool {
	tids := Threads(pid)
	for _, tid := range tids {
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "task", strconv.Itoa(tid), "stat"))
		if err != nil {
			return false
		}
		s := string(b)
		if f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]); len(f) == 0 || f[0] == "R" {
			return false
		}
	}
	return len(tids) > 0
}

// Parent is pid's parent, or -1.
func Parent(pid int) int { return statInt(pid, 1) }

// Group is pid's process group id, or -1.
func Group(pid int) int { return statInt(pid, 2) }

// Session is pid's session id, or -1.
func Session(pid int) int { return statInt(pid, 3) }

// Comm is the process's command name, or "?".
func Comm(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// Threads lists the thread ids of pid.
func Threads(pid int) []int {
	return numbers(filepath.Join("/proc", strconv.Itoa(pid), "task"))
}

// WaitChannels returns each thread's wait channel: the kernel function it
// sleeps in ("pipe_write", "do_wait", "0" when running).
func WaitChannels(pid int) []string {
	var out []string
	for _, tid := range Threads(pid) {
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "task", strconv.Itoa(tid), "wchan"))
		if err == nil {
			out = append(out, string(b))
		}
	}
	return out
}

// BlockedIn reports whether a thread of pid sleeps in a kernel function
// whose name contains fn. Match a substring: a writer blocked on a full pipe
// waits in pipe_write on older kernels and anon_pipe_write on newer ones.
func BlockedIn(pid int, fn string) bool { return BlockedWhere(pid, fn) != "" }

// SleepsIn reports whether a thread of pid sleeps in exactly the kernel
// function fn. Use it where a substring would mislead: "do_wait" (a
// process waiting for its child) is also a part of "futex_do_wait", where
// every idle Go thread sleeps.
func SleepsIn(pid int, fn string) bool {
	for _, w := range WaitChannels(pid) {
		if w == fn {
			return true
		}
	}
	return false
}

// BlockedWhere returns the first wait channel of pid that contains fn, such
// as "anon_pipe_write" for fn "pipe_write", or "".
func BlockedWhere(pid int, fn string) string {
	for _, w := range WaitChannels(pid) {
		if strings.Contains(w, fn) {
			return w
		}
	}
	return ""
}

// PipeQueued returns how many bytes wait unread in the pipe that process
// pid holds as descriptor fd. It opens the pipe again through /proc, which
// works for either end, and asks the kernel with FIONREAD.
func PipeQueued(pid, fd int) (int, error) {
	f, err := os.OpenFile(filepath.Join("/proc", strconv.Itoa(pid), "fd", strconv.Itoa(fd)), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	// FIONREAD is spelled TIOCINQ in x/sys on Linux: both are 0x541B.
	return unix.IoctlGetInt(int(f.Fd()), unix.TIOCINQ)
}

// Descriptors maps each open descriptor of pid to what it refers to, as
// /proc/pid/fd shows it: "pipe:[123]", "/dev/null", "socket:[456]".
func Descriptors(pid int) map[int]string {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	out := map[int]string{}
	for _, fd := range numbers(dir) {
		if target, err := os.Readlink(filepath.Join(dir, strconv.Itoa(fd))); err == nil {
			out[fd] = target
		}
	}
	return out
}

// ReadingFrom lists what the threads of pid are blocked reading from, as
// /proc/pid/fd names it ("pipe:[123]"): for each thread asleep in read(2),
// the target of the descriptor it passed, from /proc/pid/task/*/syscall.
// A wait channel alone cannot tell which pipe a thread waits on: os/exec's
// forkExec, for one, sleeps in pipe_read on a pipe of its own until the
// new child has exec'd.
func ReadingFrom(pid int) []string {
	fds := Descriptors(pid)
	var out []string
	for _, tid := range Threads(pid) {
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "task", strconv.Itoa(tid), "syscall"))
		if err != nil {
			continue
		}
		f := strings.Fields(string(b)) // "0 0xe 0x... ..." or "running"
		if len(f) < 2 || f[0] != strconv.Itoa(unix.SYS_READ) {
			continue
		}
		if fd, err := strconv.ParseInt(f[1], 0, 64); err == nil {
			out = append(out, fds[int(fd)])
		}
	}
	return out
}

// GroupMembers lists every process in group pgid, zombies included.
func GroupMembers(pgid int) []int {
	var out []int
	for _, pid := range numbers("/proc") {
		if Group(pid) == pgid {
			out = append(out, pid)
		}
	}
	return out
}

// Children lists the children of pid, from every thread's children file.
func Children(pid int) []int {
	var out []int
	for _, tid := range Threads(pid) {
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "task", strconv.Itoa(tid), "children"))
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

func numbers(dir string) []int {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// becomeSubreaper makes orphaned descendants re-parent to this process
// instead of init, so that the harness can find and reap them. It needs no
// privilege (prctl(2), PR_SET_CHILD_SUBREAPER).
func becomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// reapGroup kills group pgid and reaps the members that are this process's
// children. Members whose parent was another member are re-parented here
// when that parent dies, so it looks again until the group is empty.
// It never waits for a pid an exec.Cmd owns: that would steal its status.
func reapGroup(pgid int) {
	for range 1000 {
		members := GroupMembers(pgid)
		if len(members) == 0 {
			return
		}
		killGroup(pgid)
		for _, pid := range members {
			ownMu.Lock()
			mine := !owned[pid] && Parent(pid) == os.Getpid()
			ownMu.Unlock()
			if mine {
				var ws syscall.WaitStatus
				syscall.Wait4(pid, &ws, 0, nil)
			}
		}
	}
}

// reapOrphan kills and reaps one orphan child. The caller holds ownMu.
func reapOrphan(pid int) {
	syscall.Kill(pid, syscall.SIGKILL)
	var ws syscall.WaitStatus
	syscall.Wait4(pid, &ws, 0, nil)
}

// PipeCapacity returns the size of the pipe that pid holds as fd: 65536 by
// default on Linux, up to /proc/sys/fs/pipe-max-size (F_GETPIPE_SZ).
func PipeCapacity(pid, fd int) (int, error) {
	f, err := os.OpenFile(filepath.Join("/proc", strconv.Itoa(pid), "fd", strconv.Itoa(fd)), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return unix.FcntlInt(f.Fd(), unix.F_GETPIPE_SZ, 0)
}
