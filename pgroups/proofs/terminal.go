//go:build linux

package proofs

import (
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"procbugs/helpers/childproc"
)

// A Terminal is a fresh pseudo-terminal. The test holds its master side,
// as a terminal emulator does; a child gets its slave side as the
// controlling terminal of a new session, as a login shell does, so that
// "no controlling terminal" and "the terminal's foreground group" mean
// something.
type Terminal struct {
	master, slave *os.File
}

// NewTerminal opens a pseudo-terminal pair, neither end becoming the test
// process's controlling terminal (O_NOCTTY), closed when the test ends.
func NewTerminal(t childproc.T) *Terminal {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil { // unlockpt(3)
		t.Fatalf("unlock the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN) // ptsname(3)
	if err != nil {
		t.Fatalf("name the pseudo-terminal: %v", err)
	}
	slave, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open the pseudo-terminal's slave: %v", err)
	}
	t.Cleanup(func() { slave.Close() })
	return &Terminal{master: master, slave: slave}
}

// Session starts a child as the leader of a new session whose controlling
// terminal is this one, on its stdin: its group is then the terminal's
// foreground group.
func (term *Terminal) Session() []childproc.Option {
	return []childproc.Option{
		childproc.Stdin(term.slave),
		childproc.Attr(func(a *syscall.SysProcAttr) { a.Setsid, a.Setctty, a.Ctty = true, true, 0 }),
	}
}

// Path is the slave side's name, such as /dev/pts/3.
func (term *Terminal) Path() string { return term.slave.Name() }

// Device is the slave side as /proc/pid/stat's tty_nr spells a process's
// controlling terminal: the device number encoded as the kernel's
// new_encode_dev does.
func (term *Terminal) Device(t childproc.T) int {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Fstat(int(term.slave.Fd()), &st); err != nil {
		t.Fatalf("stat the pseudo-terminal: %v", err)
	}
	major, minor := unix.Major(st.Rdev), unix.Minor(st.Rdev)
	return int(minor&0xff | major<<8 | (minor&^0xff)<<12)
}

// ForegroundGroup asks the terminal which process group is in the
// foreground: the group its Ctrl-C reaches (tcgetpgrp(3), through the
// master side).
func (term *Terminal) ForegroundGroup(t childproc.T) int {
	t.Helper()
	pgrp, err := unix.IoctlGetInt(int(term.master.Fd()), unix.TIOCGPGRP)
	if err != nil {
		t.Fatalf("ask the terminal for its foreground group: %v", err)
	}
	return pgrp
}

// PressCtrlC types Ctrl-C, the INTR character, at the terminal. Its line
// discipline sends SIGINT to the foreground group (termios(3), ISIG): the
// test signals nobody itself.
func (term *Terminal) PressCtrlC(t childproc.T) {
	t.Helper()
	if _, err := term.master.Write([]byte{0x03}); err != nil {
		t.Fatalf("type Ctrl-C: %v", err)
	}
}

// Type types text at the terminal, as its user does.
func (term *Terminal) Type(t childproc.T, text string) {
	t.Helper()
	if _, err := term.master.WriteString(text); err != nil {
		t.Fatalf("type %q: %v", text, err)
	}
}

// Unread is how many bytes of complete lines the terminal holds for its
// readers, typed and not yet read (TIOCINQ on the slave side, in canonical
// mode whole lines only).
func (term *Terminal) Unread(t childproc.T) int {
	t.Helper()
	n, err := unix.IoctlGetInt(int(term.slave.Fd()), unix.TIOCINQ)
	if err != nil {
		t.Fatalf("ask the terminal for its unread input: %v", err)
	}
	return n
}

// Hangup closes the terminal's master side, as a terminal emulator does
// when its window closes: the kernel hangs the terminal up and sends
// SIGHUP to the session leader that controls it (tty_signal_session_leader
// in drivers/tty/tty_jobctrl.c). The Terminal is of no use afterwards.
func (term *Terminal) Hangup(t childproc.T) {
	t.Helper()
	if err := term.master.Close(); err != nil {
		t.Fatalf("hang up the terminal: %v", err)
	}
}
