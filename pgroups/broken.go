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
