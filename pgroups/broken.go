//go:build linux

package pgroups

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
)

// Broken holds the process-group code as it is often first written.
type Broken struct{}

// StartTree starts a child that forks workers, and returns how to stop it.
//
// Process.Kill signals the child's pid alone. Its workers are orphaned,
// re-parented to the nearest subreaper (or init), and keep running.
func (Broken) StartTree(cmd *exec.Cmd) (stop func() error, err error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return func() error {
		return cmd.Process.Kill()
	}, nil
}

// CommandContext is exec.CommandContext as it comes.
//
// When ctx is done, the default Cancel calls Process.Kill: the child dies,
// and the workers it forked live on.
func (Broken) CommandContext(ctx context.Context, name string, arg ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, arg...)
	return cmd
}

// StartHelper starts a helper from an interactive tool that wants to
// shut down in order on Ctrl-C.
//
// The helper stays in the tool's process group, the terminal's foreground
// group, so the kernel sends it the terminal's SIGINT as well.
func (Broken) StartHelper(cmd *exec.Cmd) error {
	return cmd.Start()
}

// StartInteractive starts a program that talks to the user, a prompt or
// an editor, at this process's terminal, in a process group of its own so
// that kill(-pid) can end everything it starts.
//
// A new group is not the terminal's foreground group: the program is a
// background job of the session. The first time it reads the terminal,
// the kernel stops its group with SIGTTIN, and what the user types waits
// unread.
func (Broken) StartInteractive(cmd *exec.Cmd) error {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd.Start()
}

// StartGroup starts a child and returns how to signal "its group".
//
// Without Setpgid the child is a member of its parent's group, not the
// leader of one: no group has its pid, so kill(-pid) fails with ESRCH.
func (Broken) StartGroup(cmd *exec.Cmd) (signal func(syscall.Signal) error, err error) {
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
// Getpgid's error is dropped. The worker has been reaped, so Getpgid
// fails with ESRCH and returns -1, and kill(-(-1), sig) is kill(1, sig):
// the signal goes to init, or to a container's PID 1. (A group id of 1
// would make it kill(-1, sig): every process the caller may signal.)
func (Broken) SignalGroupOf(pid int, sig syscall.Signal) error {
	pgid, _ := syscall.Getpgid(pid)
	return syscall.Kill(-pgid, sig)
}

// StartDetached starts a child in a new session, with the Linux
// SysProcAttr of 000 §4.
//
// The child calls setsid, then setpgid (syscall/exec_linux.go,
// forkAndExecInChild1); a session leader may not change its group, so
// setpgid fails with EPERM and Start returns it.
func (Broken) StartDetached(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setpgid: true}
	return cmd.Start()
}

// StartOnTerminal starts a program in a session of its own whose
// controlling terminal is tty, as a terminal emulator, an ssh server or a
// pty library does.
//
// Ctty is tty's descriptor number in this process. Setctty wants one in
// the child, an index into its descriptors (syscall/exec_linux.go,
// SysProcAttr). Since Go 1.15, Start refuses any other number: "Setctty
// set but Ctty not valid in child" (syscall/exec_unix.go, forkExec).
func (Broken) StartOnTerminal(cmd *exec.Cmd, tty *os.File) error {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: int(tty.Fd())}
	return cmd.Start()
}

// StartWorker starts a worker that must not outlive its parent.
//
// Nothing ties the worker to the parent: when the parent dies, the worker
// is re-parented and runs on.
func (Broken) StartWorker(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	return cmd.Start()
}

// StartOnLockedThread starts a worker from a goroutine locked to its OS
// thread, as code that must set per-thread state first (a namespace, a
// security label) does, and returns how to wait for it.
//
// The goroutine returns still locked, so the runtime ends its thread. The
// kernel sends Pdeathsig when the thread that forked the child exits, not
// the process (golang/go#27505): the worker is killed while its parent
// lives on.
func (Broken) StartOnLockedThread(cmd *exec.Cmd) (wait func() error, err error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		started <- cmd.Start()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return cmd.Wait, nil
}

// StartUnprivileged starts a worker as nobody (65534), handing it a file
// that only root may open.
//
// It drops the privileges of the whole process to get there. Since Go
// 1.16 syscall.Setuid changes every thread (syscall/syscall_linux.go,
// AllThreadsSyscall), so it works, and it cannot be undone: every later
// file and child of this process is unprivileged too.
func (Broken) StartUnprivileged(cmd *exec.Cmd, secret *os.File) error {
	if err := syscall.Setgroups(nil); err != nil {
		return err
	}
	if err := syscall.Setgid(65534); err != nil {
		return err
	}
	if err := syscall.Setuid(65534); err != nil {
		return err
	}
	cmd.ExtraFiles = []*os.File{secret}
	return cmd.Start()
}

// DropPrivileges makes this process run as uid and gid from now on, as a
// server does once it has opened what only root may open.
//
// Setgid and Setuid change the ids and leave the supplementary groups as
// they were: root's, such as adm, disk, docker or wheel. The process runs
// as nobody and still reads every file those groups may read.
func (Broken) DropPrivileges(uid, gid int) error {
	if err := syscall.Setgid(gid); err != nil {
		return err
	}
	return syscall.Setuid(uid)
}

// Serve runs a server the way a daemon did: detached in a session of its
// own, and returns at once (the first fork and setsid of 000 §14).
//
// The server has left the group and the session its supervisor knows:
// stopping the service does not stop it, and nobody waits for it.
func (Broken) Serve(cmd *exec.Cmd) (wait func() error, err error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return cmd.Process.Release, nil
}

// WritePidfile records the pid of a daemon that has just started.
//
// A pid names a process only while it lives: nothing in the file tells
// this daemon from the next process to get its number.
func (Broken) WritePidfile(path string, pid int) error {
	return os.WriteFile(path, fmt.Appendf(nil, "%d\n", pid), 0o644)
}

// SignalPidfile signals the daemon whose pid a pidfile holds.
//
// Once that daemon has died, the kernel may give its pid to any new
// process: the signal then hits a stranger.
func (Broken) SignalPidfile(path string, sig syscall.Signal) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var pid int
	if _, err := fmt.Sscan(string(b), &pid); err != nil {
		return err
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	defer p.Release()
	return p.Signal(sig)
}
