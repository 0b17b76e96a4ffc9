package childproc

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"

	"procbugs/helpers/procfs"
)

const (
	sigKill = syscall.SIGKILL
	sigQuit = syscall.SIGQUIT
)

// supported: proofs run where their evidence can be read.
const supported = true

// setPdeathsig kills a child if the test binary dies before cleaning up,
// so that even a crashed test run leaves no child behind.
func setPdeathsig(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }

// ErrRefused is returned for a signal the harness will not send.
var ErrRefused = errors.New("childproc: refused")

func newAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	setPdeathsig(a)
	return a
}

// finishAttr keeps a test's request for a new session from failing: a
// session leader also leads a new group, and setpgid after setsid is EPERM
// (syscall/exec_linux.go calls setsid, then setpgid).
func finishAttr(a *syscall.SysProcAttr) {
	if a.Setsid {
		a.Setpgid, a.Pgid = false, 0
	}
}

func decode(ps *os.ProcessState) (code int, sig syscall.Signal, core bool) {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok {
		return ps.ExitCode(), 0, false
	}
	if ws.Signaled() {
		return -1, ws.Signal(), ws.CoreDump()
	}
	return ws.ExitStatus(), 0, false
}

// SignalName is the signal's constant name, such as "SIGTERM".
func SignalName(sig syscall.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	return fmt.Sprintf("signal %d", int(sig))
}

// Signal sends sig to pid, which must be a process this test process
// created: a member of a group the harness created, or a process that
// came to it as an orphan. It refuses pid 1, 0, -1 and every other
// target. It signals through a pidfd opened before the check, so that a
// pid reused in between gets nothing: the pidfd still names the process
// that was checked, or one that has gone.
func Signal(pid int, sig syscall.Signal) error {
	if pid <= 1 {
		return fmt.Errorf("%w: pid %d would reach init, the caller's group or every process", ErrRefused, pid)
	}
	if pid == os.Getpid() {
		return fmt.Errorf("%w: pid %d is this process", ErrRefused, pid)
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ownMu.Lock()
	_, inGroup := groups[procfs.Group(pid)]
	ours := owned[pid] || inGroup || procfs.Parent(pid) == os.Getpid()
	ownMu.Unlock()
	if !ours {
		return fmt.Errorf("%w: pid %d is not a process this test created", ErrRefused, pid)
	}
	return unix.PidfdSendSignal(fd, sig, nil, 0)
}

// SignalGroup sends sig to every process of group pgid, which must be a
// group the harness created for a child. It refuses 0, 1, -1 and the
// caller's own group.
func SignalGroup(pgid int, sig syscall.Signal) error {
	if pgid <= 1 {
		return fmt.Errorf("%w: group %d would reach init, the caller's group or every process", ErrRefused, pgid)
	}
	if pgid == syscall.Getpgrp() {
		return fmt.Errorf("%w: group %d is this test's own group", ErrRefused, pgid)
	}
	ownMu.Lock()
	p := groups[pgid]
	ownMu.Unlock()
	if p == nil {
		return fmt.Errorf("%w: group %d was not created by this test", ErrRefused, pgid)
	}
	return p.signalGroup(sig)
}

// signalGroup signals every member of the child's group. While the child
// is not reaped its pid, the group's id, cannot be reused, and kill(-pgid)
// reaches the group and no one else. Once it is reaped, each member left
// is signalled through a pidfd of its own.
func (p *Proc) signalGroup(sig syscall.Signal) error {
	p.reapMu.Lock()
	defer p.reapMu.Unlock()
	if !p.reaped {
		return syscall.Kill(-p.Pid, sig)
	}
	for _, pid := range p.members() {
		signalVerified(pid, p.Pid, sig)
	}
	return nil
}

// killMembers kills the child's group, whose members were just listed.
// Once the child is reaped, it kills those members, each through a pidfd.
func (p *Proc) killMembers(members []int) {
	p.reapMu.Lock()
	defer p.reapMu.Unlock()
	if !p.reaped {
		syscall.Kill(-p.Pid, sigKill)
		return
	}
	for _, pid := range members {
		signalVerified(pid, p.Pid, sigKill)
	}
}

// signalVerified signals pid through a pidfd if, once the pidfd is open,
// it is still in group pgid.
func signalVerified(pid, pgid int, sig syscall.Signal) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	if procfs.Group(pid) == pgid {
		unix.PidfdSendSignal(fd, sig, nil, 0)
	}
}

// killPID kills a child of this process. Its pid cannot be reused before
// this process reaps it.
func killPID(pid int) { syscall.Kill(pid, syscall.SIGKILL) }

// reapPID reaps one child of this process.
func reapPID(pid int) {
	var ws syscall.WaitStatus
	for {
		if _, err := syscall.Wait4(pid, &ws, 0, nil); err != syscall.EINTR {
			return
		}
	}
}

// waitExit blocks until the child pid has exited, and leaves it unreaped
// (waitid with WNOWAIT): the harness decides when to reap it.
func waitExit(pid int) {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			return
		}
	}
}

// Signal sends sig to the child, failing the test if it cannot be sent.
func (p *Proc) Signal(t T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %s to %s (%d): %v", SignalName(sig), p.role, p.Pid, err)
	}
}

// SignalGroup sends sig to the child's whole process group.
func (p *Proc) SignalGroup(t T, sig syscall.Signal) {
	t.Helper()
	if err := p.signalGroup(sig); err != nil {
		t.Fatalf("signal %s to group %d: %v", SignalName(sig), p.Pid, err)
	}
}

// catchInheritedIgnores makes the children start as a program started
// from a shell prompt does, with SIGHUP and SIGINT at their default
// actions, even where this process inherited them ignored: nohup ignores
// SIGHUP, and a shell without job control ignores SIGINT in its
// background jobs. An ignored signal stays ignored across exec (the
// signals topic proves it), which would change what the proofs observe. A
// caught signal is reset to its default by exec, so this process catches
// them instead, into a channel nobody reads: it still does not die of them.
func catchInheritedIgnores() {
	for _, sig := range []os.Signal{syscall.SIGHUP, syscall.SIGINT} {
		if signal.Ignored(sig) {
			signal.Notify(make(chan os.Signal, 1), sig)
		}
	}
}

// becomeSubreaper makes orphaned descendants come to this process instead
// of init, so that the harness can find and reap them. It needs no
// privilege (prctl(2), PR_SET_CHILD_SUBREAPER).
func becomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// lockFile takes an exclusive lock on path, so that test binaries that run
// at once build the child program once.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// execedChild returns a child of pid that has exec'd a program, or 0.
func execedChild(pid int) int {
	for _, k := range procfs.Children(pid) {
		if procfs.Alive(k) && procfs.Execed(k) {
			return k
		}
	}
	return 0
}
