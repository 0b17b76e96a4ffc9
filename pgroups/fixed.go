//go:build linux

package pgroups

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// Fixed holds the same code with each bug mended.
type Fixed struct{}

// StartTree starts a child that forks workers, and returns how to stop it.
//
// Setpgid makes the child the leader of a new group whose id is its pid;
// the workers it forks inherit that group, and kill(-pgid) reaches them all.
func (Fixed) StartTree(cmd *exec.Cmd) (stop func() error, err error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}, nil
}

// CommandContext is exec.CommandContext that ends the child's whole tree.
//
// The child leads its own group, and Cancel (os/exec, Go 1.20) signals that
// group instead of the child's pid alone.
func (Fixed) CommandContext(ctx context.Context, name string, arg ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, arg...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	return cmd
}

// StartHelper starts a helper from an interactive tool that wants to
// shut down in order on Ctrl-C.
//
// In a group of its own the helper is out of the terminal's foreground
// group: only the tool gets SIGINT, and it decides what the helper gets.
func (Fixed) StartHelper(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd.Start()
}

// StartInteractive starts a program that talks to the user, a prompt or
// an editor, at this process's terminal, in a process group of its own so
// that kill(-pid) can end everything it starts.
//
// Setsid makes a new session, and a new group in it that the program
// leads: kill(-pid) still reaches its tree. The terminal is not that
// session's controlling terminal, and the kernel stops only readers of
// their own controlling terminal (drivers/tty/tty_jobctrl.c,
// __tty_check_change): the program reads what the user types. A program
// that must own the terminal, to get its Ctrl-C or open /dev/tty, needs
// Foreground instead, and the terminal taken back once it ends.
func (Fixed) StartInteractive(cmd *exec.Cmd) error {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return cmd.Start()
}

// StartGroup starts a child and returns how to signal its group.
//
// Setpgid makes the child a group leader, so -pid names its group.
func (Fixed) StartGroup(cmd *exec.Cmd) (signal func(syscall.Signal) error, err error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return func(sig syscall.Signal) error {
		return syscall.Kill(-cmd.Process.Pid, sig)
	}, nil
}

// SignalGroupOf signals the process group of a worker that has exited,
// to end what it left running, such as the children it forked.
//
// The error is checked, and so is the group: -pgid names a single group
// only for a pgid above 1. For a worker that has been reaped, Getpgid
// fails with ESRCH, and that error is returned instead of a signal sent
// astray.
func (Fixed) SignalGroupOf(pid int, sig syscall.Signal) error {
	pgid, err := syscall.Getpgid(pid)
	if err != nil {
		return fmt.Errorf("getpgid %d: %w", pid, err)
	}
	if pgid <= 1 {
		return fmt.Errorf("pid %d is in group %d, which names no single group to kill", pid, pgid)
	}
	return syscall.Kill(-pgid, sig)
}

// StartDetached starts a child in a new session.
//
// Setsid alone: a new session is also a new process group led by the
// child, so Setpgid has nothing left to do and may only fail.
func (Fixed) StartDetached(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return cmd.Start()
}

// StartOnTerminal starts a program in a session of its own whose
// controlling terminal is tty, as a terminal emulator, an ssh server or a
// pty library does.
//
// Ctty is 0, the child's own descriptor for tty: its stdin. Setctty takes
// a descriptor number in the child, while Foreground takes one in the
// parent (syscall/exec_linux.go, SysProcAttr).
func (Fixed) StartOnTerminal(cmd *exec.Cmd, tty *os.File) error {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	return cmd.Start()
}

// StartWorker starts a worker that must not outlive its parent.
//
// Pdeathsig asks the kernel to send SIGTERM to the worker when its parent
// dies, even by SIGKILL (prctl(2), PR_SET_PDEATHSIG).
func (Fixed) StartWorker(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	return cmd.Start()
}

// StartOnLockedThread starts a worker from a goroutine locked to its OS
// thread, and returns how to wait for it.
//
// The locked goroutine waits for the worker itself, so the thread that
// forked it, the "parent" Pdeathsig watches, lives exactly as long as the
// worker does.
func (Fixed) StartOnLockedThread(cmd *exec.Cmd) (wait func() error, err error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	started, waited := make(chan error, 1), make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		waited <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return func() error { return <-waited }, nil
}

// StartUnprivileged starts a worker as nobody (65534), handing it a file
// that only root may open.
//
// Credential drops the privileges in the child alone, between fork and
// exec (syscall/exec_linux.go): the parent stays root, and the descriptor
// it opened as root still reads in the child.
func (Fixed) StartUnprivileged(cmd *exec.Cmd, secret *os.File) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}},
	}
	cmd.ExtraFiles = []*os.File{secret}
	return cmd.Start()
}

// DropPrivileges makes this process run as uid and gid from now on, as a
// server does once it has opened what only root may open.
//
// Setgroups empties the supplementary groups first, while the process is
// still root: once it is not, setgroups(2) is refused. (Like Setgid and
// Setuid, it changes every thread: syscall/syscall_linux.go.)
func (Fixed) DropPrivileges(uid, gid int) error {
	if err := syscall.Setgroups([]int{}); err != nil {
		return err
	}
	if err := syscall.Setgid(gid); err != nil {
		return err
	}
	return syscall.Setuid(uid)
}

// Serve runs a server in the foreground, as a child that stays in the
// service's process group, and returns how to wait for it.
//
// The supervisor (systemd, a container runtime) that stops the service's
// group stops the server with it, and the service waits for its child.
func (Fixed) Serve(cmd *exec.Cmd) (wait func() error, err error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return cmd.Wait, nil
}

// WritePidfile records the pid of a daemon that has just started, and the
// clock tick it started at.
//
// With its pid, a process's start time names it for the life of the
// machine: the next process to get the pid starts later.
func (Fixed) WritePidfile(path string, pid int) error {
	started := processStartTime(pid)
	if started < 0 {
		return fmt.Errorf("pid %d: no such process", pid)
	}
	return os.WriteFile(path, fmt.Appendf(nil, "%d %d\n", pid, started), 0o644)
}

// SignalPidfile signals the daemon whose pid and start time a pidfile
// holds.
//
// FindProcess opens a pidfd on Linux (os/exec_unix.go, findProcess): a
// handle on that very process, which Signal uses (pidfd_send_signal) and a
// recycled pid cannot redirect. The start time, read after the handle is
// open, proves the handle is the daemon's.
func (Fixed) SignalPidfile(path string, sig syscall.Signal) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var pid, started int
	if _, err := fmt.Sscan(string(b), &pid, &started); err != nil {
		return err
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	defer p.Release()
	if now := processStartTime(pid); now != started {
		return fmt.Errorf("stale pidfile: pid %d started at tick %d, not %d", pid, now, started)
	}
	return p.Signal(sig)
}

// processStartTime is field 22 of /proc/pid/stat (proc_pid_stat(5)), the
// process's start time in clock ticks after boot, or -1 if there is no
// such process. The command name, field 2, is in parentheses and may hold
// spaces or ')' itself, so the fields are counted after the last ')'.
func processStartTime(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // from field 3
	if len(fields) < 20 {
		return -1
	}
	n, err := strconv.Atoi(fields[19])
	if err != nil {
		return -1
	}
	return n
}
