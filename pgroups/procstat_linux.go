package pgroups

import (
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"procbugs/helpers/childproc"
)

// Evidence that helpers/childproc does not read: more fields of
// /proc/pid/stat (proc(5)) and lines of /proc/pid/status.

// statField returns field n of /proc/pid/stat, counted as proc(5) does
// (1 is the pid, 3 the state), or -1.
func statField(pid, n int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	s := string(b)
	// Fields after the parenthesised command name start at field 3.
	rest := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if n-3 >= len(rest) || n < 4 {
		return -1
	}
	v, err := strconv.Atoi(rest[n-3])
	if err != nil {
		return -1
	}
	return v
}

// ttyNr is the controlling terminal of pid (field 7); 0 means none.
func ttyNr(pid int) int { return statField(pid, 7) }

// startTime is when pid started, in clock ticks after boot (field 22): with
// the pid, it names one process for the life of the machine.
func startTime(pid int) int { return statField(pid, 22) }

// exitSignal is the signal that ended pid, read from the wait status a
// zombie holds for its parent (field 52, exit_code), or 0 if it is not a
// zombie or exited by itself.
func exitSignal(pid int) syscall.Signal {
	ws := statField(pid, 52)
	if ws <= 0 {
		return 0
	}
	status := syscall.WaitStatus(ws)
	if !status.Signaled() {
		return 0
	}
	return status.Signal()
}

// statusLine returns the value of a line of /proc/pid/status, such as
// "Uid" -> "65534 65534 65534 65534", with its fields separated by one space.
func statusLine(pid int, key string) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return ""
	}
	return statusValue(string(b), key)
}

// selfStatusLine is statusLine for the calling process, through
// /proc/self, which is right even where os.Getpid() counts in a PID
// namespace that the mounted /proc does not show.
func selfStatusLine(key string) string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	return statusValue(string(b), key)
}

// taskStatusLine is statusLine for one thread tid of pid.
func taskStatusLine(pid, tid int, key string) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return ""
	}
	return statusValue(string(b), key)
}

func statusValue(status, key string) string {
	for _, line := range strings.Split(status, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == key {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return ""
}

// openPTY opens a new pseudo-terminal pair, neither end becoming the
// caller's controlling terminal (O_NOCTTY). The caller closes both.
func openPTY() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil { // unlockpt(3)
		master.Close()
		return nil, nil, err
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN) // ptsname(3)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}

// withTerminal starts a child as the leader of a new session whose
// controlling terminal is a fresh pseudo-terminal, as a login shell's
// session has one, so that "no controlling terminal" means something.
func withTerminal(t childproc.T) []childproc.Option {
	master, slave, err := openPTY()
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close(); slave.Close() })
	return []childproc.Option{
		childproc.Stdin(slave),
		childproc.Attr(func(a *syscall.SysProcAttr) { a.Setsid, a.Setctty, a.Ctty = true, true, 0 }),
	}
}
