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

// StartDetached starts a child in a new session.
//
// Setsid alone: a new session is also a new process group led by the
// child, so Setpgid has nothing left to do and may only fail.
func (Fixed) StartDetached(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
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
